//! Trade blocks: annual bars by direction, Jan–N comparisons, monthly lines, top-N tables with
//! sanctions flags. Every series and cell is footnoted to the customs files and rows behind it.

use std::collections::BTreeMap;

use entente_brief::spec::{FlowFilter, MonthRange};
use entente_brief::{
    BarData, Block, Body, Cell, Chart, ChartKind, FootnoteId, Section, Series, Source, Table, Unit,
    XAxis, YearMonth, format_value,
};
use entente_core::DateValue;
use entente_trade::{By, Flow, Measures, Period, Scope};

use super::Resolver;
use crate::AppError;
use crate::error::Result;

fn valid_code(c: &str) -> Result<String> {
    entente_core::state_code(c).ok_or_else(|| {
        AppError::invalid(format!(
            "`{}` is not an ISO 3166-1 alpha-2 state code (CN, KP, RU)",
            c.trim().to_ascii_uppercase()
        ))
    })
}

fn dataset_label(d: &str) -> String {
    match d {
        "china-customs" => "China Customs (GAC) statistics".into(),
        "comtrade" => "UN Comtrade".into(),
        "csv" => "entente canonical CSV".into(),
        other => other.into(),
    }
}

fn ratio(v: Option<f64>) -> String {
    v.map(|x| format!("{:+.1}%", x * 100.0)).unwrap_or_default()
}

impl Resolver<'_> {
    fn money(&self, v: f64) -> String {
        format_value(v, Unit::UsDollars, self.spec.lang)
    }

    /// An amount that may be missing: "—" for no figures (never US$0).
    fn money_or_dash(&self, v: Option<f64>) -> String {
        v.map_or_else(|| "—".to_string(), |v| self.money(v))
    }

    /// Footnotes naming the customs files and rows behind `reporter`–`partner` figures of
    /// `years` (and `flow`): one per file. Only the dataset the queries read for each year and
    /// flow is cited (a dataset set aside by precedence is not behind any figure shown).
    fn customs_refs(
        &mut self,
        reporter: &str,
        partner: &str,
        years: (i32, i32),
        flow: Option<Flow>,
    ) -> Result<Vec<FootnoteId>> {
        let mut scope = Scope::new(reporter, partner);
        scope.flow = flow;
        scope.from = Some(Period::year(years.0));
        scope.to = Some(Period::year(years.1));
        let aside: Vec<(String, i32, String)> = self
            .trade()?
            .select(&scope)?
            .choices
            .into_iter()
            .flat_map(|c| {
                c.set_aside
                    .into_iter()
                    .map(move |d| (c.flow.as_str().to_string(), c.year, d))
            })
            .collect();
        // (dataset, file) -> (first line, last line, rows), in file order.
        type Lines = (u64, u64, u64);
        let mut files: Vec<((String, String), Lines)> = Vec::new();
        for p in self.trade()?.provenance(reporter, partner, years, flow)? {
            if aside
                .iter()
                .any(|(af, ay, ad)| af == p.flow.as_str() && *ay == p.year && *ad == p.dataset)
            {
                continue;
            }
            let (lo, hi, n) = (p.first_line, p.last_line, p.rows);
            match files
                .iter_mut()
                .find(|(k, _)| k.0 == p.dataset && k.1 == p.file)
            {
                Some((_, v)) => *v = (v.0.min(lo), v.1.max(hi), v.2 + n),
                None => files.push(((p.dataset, p.file), (lo, hi, n))),
            }
        }
        let mut out = Vec::new();
        for ((dataset, file), (lo, hi, n)) in files {
            let file = std::path::Path::new(&file)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.clone());
            out.push(self.doc.cite(Source::Customs {
                dataset: dataset_label(&dataset),
                file,
                rows: format!("rows {lo}–{hi} ({n} rows)"),
                note: Some(format!(
                    "{reporter}–{partner}, {}{}",
                    if years.0 == years.1 {
                        years.0.to_string()
                    } else {
                        format!("{}–{}", years.0, years.1)
                    },
                    flow.map(|f| format!(", {}", f.as_str())).unwrap_or_default()
                )),
            }));
        }
        Ok(out)
    }

    /// `2025 (Jan–Oct)` / `2025年（1–10月）` for a year whose figures cover `months`
    /// (`01-10`) only, else the year.
    fn year_label(&self, year: i32, months: Option<&str>, partial: bool) -> String {
        match months {
            Some(m) if partial => {
                if self.ja() {
                    format!("{year}年（{}）", ja_months(m))
                } else {
                    format!("{year} ({})", entente_trade::query::months_label(m))
                }
            }
            _ => year.to_string(),
        }
    }

    fn flow_names(&mut self, reporter: &str, partner: &str) -> (String, String) {
        let (r, p) = (self.name(reporter), self.name(partner));
        if self.ja() {
            (format!("{r}から{p}への輸出"), format!("{p}からの{r}の輸入"))
        } else {
            (
                format!("{r} exports to {p}"),
                format!("{r} imports from {p}"),
            )
        }
    }

    pub(super) fn trade_annual(
        &mut self,
        block: &Block,
        reporter: &str,
        partner: &str,
        years: u16,
    ) -> Result<()> {
        let (reporter, partner) = (valid_code(reporter)?, valid_code(partner)?);
        let y1 = self.spec.period.to.year;
        let y0 = y1 - i32::from(years.max(1)) + 1;
        let mut scope = Scope::new(&reporter, &partner);
        scope.from = Some(Period::year(y0));
        scope.to = Some(Period::year(y1));
        let rows = self.trade()?.totals(&scope, By::Year)?;
        let refs = self.customs_refs(&reporter, &partner, (y0, y1), None)?;
        let (xn, mn) = self.flow_names(&reporter, &partner);
        let mut cats = Vec::new();
        let (mut xs, mut ms) = (Vec::new(), Vec::new());
        let mut table = Vec::new();
        let mut partial_notes = Vec::new();
        let mut gap_notes = Vec::new();
        for r in &rows {
            let year: i32 = r.period.parse().unwrap_or_default();
            let label = self.year_label(year, r.months.as_deref(), r.partial);
            cats.push(label.clone());
            xs.push(r.exports_usd);
            ms.push(r.imports_usd);
            let yrefs = self.customs_refs(&reporter, &partner, (year, year), None)?;
            // A partial year is compared with the same months of the year before (the query
            // does so), never with a whole year; say which months.
            if r.partial {
                let m = r
                    .months
                    .as_deref()
                    .map(entente_trade::query::months_label)
                    .unwrap_or_default();
                partial_notes.push(match r.change {
                    Some(_) if self.ja() => format!(
                        "{label}の前年比は{}年の同じ月（{}）との比較。",
                        year - 1,
                        ja_months(r.months.as_deref().unwrap_or_default())
                    ),
                    Some(_) => format!("{label}: change on {m} {}.", year - 1),
                    None if self.ja() => format!("{label}：前年の同じ月の数字がなく、比較なし。"),
                    None => format!("{label}: no change ({} has no figures for {m}).", year - 1),
                });
            }
            // A flow without figures for the year is a gap ("—"), and so is the total.
            if r.exports_usd.is_none() || r.imports_usd.is_none() {
                let (en, ja) = match (r.exports_usd, r.imports_usd) {
                    (None, None) => ("exports and imports", "輸出・輸入"),
                    (None, _) => ("exports", "輸出"),
                    _ => ("imports", "輸入"),
                };
                gap_notes.push(if self.ja() {
                    format!("{label}：{ja}の数字なし（ゼロではない）。")
                } else {
                    format!("{label}: no figures for {en} (not zero).")
                });
            }
            table.push(vec![
                Cell::text(label),
                Cell::num(self.money_or_dash(r.exports_usd)),
                Cell::num(self.money_or_dash(r.imports_usd)),
                Cell::num(self.money_or_dash(r.total_usd))
                    .strong()
                    .with_refs(yrefs),
                Cell::num(r.change.map_or_else(|| "—".into(), |c| ratio(Some(c)))),
            ]);
        }
        let (rn, pn) = (self.name(&reporter), self.name(&partner));
        let heading = self.heading(
            block,
            &format!("{rn}–{pn} trade by year"),
            &format!("{rn}・{pn}貿易（年別）"),
        );
        let chart = Chart {
            title: heading.clone(),
            desc: None,
            unit: Unit::UsDollars,
            kind: ChartKind::GroupedBars(BarData {
                categories: cats,
                series: vec![
                    Series::new(xn.clone(), xs).with_refs(refs.clone()),
                    Series::new(mn.clone(), ms).with_refs(refs),
                ],
            }),
        };
        self.push(block, Section::new(heading.clone(), Body::Chart(chart)));
        let head: &[&str] = if self.ja() {
            &["年", "輸出", "輸入", "合計", "前年比"]
        } else {
            &["Year", "Exports", "Imports", "Total", "Change"]
        };
        self.push(
            block,
            super::table_section(format!("{heading} (table)"), head, table)
            .with_note(if self.ja() {
                format!("{rn}の発表による。輸出＝{xn}、輸入＝{mn}。月を付した年はその月までの数字のみ。{}{}", partial_notes.join(""), gap_notes.join(""))
            } else {
                format!(
                    "Reported by {rn}; exports = {xn}, imports = {mn}. A year marked with months (e.g. Jan–Oct) has figures for those months only.{}{}",
                    partial_notes.iter().map(|n| format!(" {n}")).collect::<String>(),
                    if gap_notes.is_empty() {
                        String::new()
                    } else {
                        format!(" — = no figures (not zero). {}", gap_notes.join(" "))
                    }
                )
            }),
        );
        Ok(())
    }

    pub(super) fn trade_ytd(
        &mut self,
        block: &Block,
        reporter: &str,
        partner: &str,
        through: u8,
        years: &[i32],
    ) -> Result<()> {
        let (reporter, partner) = (valid_code(reporter)?, valid_code(partner)?);
        let (y0, y1) = match (years.iter().min(), years.iter().max()) {
            (Some(a), Some(b)) => (*a, *b),
            _ => return Err(AppError::invalid("`years` is empty")),
        };
        let scope = Scope::new(&reporter, &partner);
        let rows: Vec<_> = self
            .trade()?
            .ytd(&scope, through, (y0, y1), None)?
            .into_iter()
            .filter(|r| years.contains(&r.year))
            .collect();
        let refs = self.customs_refs(&reporter, &partner, (y0, y1), None)?;
        let (xn, mn) = self.flow_names(&reporter, &partner);
        let months = if self.ja() {
            format!("1–{through}月")
        } else {
            format!("Jan–{}", month_abbr(through))
        };
        // A year with fewer months of figures than asked says which (never a short sum
        // labelled as the whole window); a year without monthly figures is a gap, not a 0.
        let cats: Vec<String> = rows
            .iter()
            .map(|r| match r.months.as_deref() {
                Some(m) if r.partial && self.ja() => format!("{} {}", r.year, ja_months(m)),
                Some(_) if r.partial => {
                    format!("{} {}", r.year, r.months_label().unwrap_or_default())
                }
                _ => format!("{} {months}", r.year),
            })
            .collect();
        let chart = Chart {
            title: String::new(),
            desc: None,
            unit: Unit::UsDollars,
            kind: ChartKind::GroupedBars(BarData {
                categories: cats.clone(),
                series: vec![
                    Series::new(xn, rows.iter().map(|r| r.exports_usd).collect())
                        .with_refs(refs.clone()),
                    Series::new(mn, rows.iter().map(|r| r.imports_usd).collect())
                        .with_refs(refs.clone()),
                ],
            }),
        };
        let (rn, pn) = (self.name(&reporter), self.name(&partner));
        let heading = self.heading(
            block,
            &format!("{rn}–{pn} trade, {months} of each year"),
            &format!("{rn}・{pn}貿易（各年{months}）"),
        );
        let chart = Chart {
            title: heading.clone(),
            ..chart
        };
        self.push(block, Section::new(heading.clone(), Body::Chart(chart)));
        let mut table = Vec::new();
        let mut notes = Vec::new();
        for (r, cat) in rows.iter().zip(cats) {
            if let Some(n) = &r.note {
                notes.push(format!("{}: {n}.", r.year));
            }
            table.push(vec![
                Cell::text(cat),
                Cell::num(self.money_or_dash(r.exports_usd)),
                Cell::num(self.money_or_dash(r.imports_usd)),
                Cell::num(self.money_or_dash(r.total_usd))
                    .strong()
                    .with_refs(refs.clone()),
                Cell::num(ratio(r.change)),
            ]);
        }
        let head: &[&str] = if self.ja() {
            &["期間", "輸出", "輸入", "合計", "前年同期比"]
        } else {
            &["Period", "Exports", "Imports", "Total", "Change"]
        };
        let mut section = super::table_section(format!("{heading} (table)"), head, table);
        if !notes.is_empty() {
            // "—": no figures for those months (not zero); the query's notes say why.
            section = section.with_note(if self.ja() {
                "—：その月の数字なし（ゼロではない）。月を付した年はその月までの数字のみ。"
                    .to_string()
            } else {
                format!("— = no figures (not zero). {}", notes.join(" "))
            });
        }
        self.push(block, section);
        Ok(())
    }

    pub(super) fn trade_monthly(
        &mut self,
        block: &Block,
        reporter: &str,
        partner: &str,
        from: YearMonth,
        to: YearMonth,
    ) -> Result<()> {
        let (reporter, partner) = (valid_code(reporter)?, valid_code(partner)?);
        let mut scope = Scope::new(&reporter, &partner);
        scope.from = Some(Period::month(from.year, from.month));
        scope.to = Some(Period::month(to.year, to.month));
        let rows = self.trade()?.totals(&scope, By::Month)?;
        let by: BTreeMap<String, (Option<f64>, Option<f64>)> = rows
            .iter()
            .map(|r| (r.period.clone(), (r.exports_usd, r.imports_usd)))
            .collect();
        let months = from.through(to);
        let key = |m: &YearMonth| format!("{:04}-{:02}", m.year, m.month);
        let refs = self.customs_refs(&reporter, &partner, (from.year, to.year), None)?;
        let (xn, mn) = self.flow_names(&reporter, &partner);
        let xs = months
            .iter()
            .map(|m| by.get(&key(m)).and_then(|v| v.0))
            .collect();
        let ms = months
            .iter()
            .map(|m| by.get(&key(m)).and_then(|v| v.1))
            .collect();
        let (rn, pn) = (self.name(&reporter), self.name(&partner));
        let heading = self.heading(
            block,
            &format!("{rn}–{pn} trade by month"),
            &format!("{rn}・{pn}貿易（月別）"),
        );
        let chart = Chart {
            title: heading.clone(),
            desc: None,
            unit: Unit::UsDollars,
            kind: ChartKind::Lines {
                x: XAxis::Months(months),
                series: vec![
                    Series::new(xn, xs).with_refs(refs.clone()),
                    Series::new(mn, ms).with_refs(refs),
                ],
            },
        };
        self.push(block, Section::new(heading, Body::Chart(chart)));
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn trade_top(
        &mut self,
        block: &Block,
        reporter: &str,
        partner: &str,
        year: i32,
        n: usize,
        flow: FlowFilter,
        months: Option<MonthRange>,
        sanctions: bool,
    ) -> Result<()> {
        let (reporter, partner) = (valid_code(reporter)?, valid_code(partner)?);
        let flows = match flow {
            FlowFilter::Both => vec![Flow::Export, Flow::Import],
            FlowFilter::Export => vec![Flow::Export],
            FlowFilter::Import => vec![Flow::Import],
        };
        let nomenclature = self.trade()?.nomenclature()?;
        let measures = if sanctions {
            Some(Measures::unsc_dprk()?)
        } else {
            None
        };
        let lang = if self.ja() { "ja" } else { "en" };
        let (m0, m1) = months.map_or((1, 12), |m| (m.first, m.last));
        let span = if (m0, m1) == (1, 12) {
            year.to_string()
        } else if self.ja() {
            format!("{year}年{m0}–{m1}月")
        } else {
            format!("{year} ({}–{})", month_abbr(m0), month_abbr(m1))
        };
        for f in flows {
            let mut scope = Scope::new(&reporter, &partner);
            scope.flow = Some(f);
            // A whole year also takes annual-only figures (rows without a month).
            (scope.from, scope.to) = match months {
                Some(_) => (Some(Period::month(year, m0)), Some(Period::month(year, m1))),
                None => (Some(Period::year(year)), Some(Period::year(year))),
            };
            // Every heading, so the codes past the first `n` can be screened too; the table
            // shows the first `n`, then the others together, then any value not allocated
            // to a heading, then the total (the lines add up to it, as in `trade top`).
            let table = self.trade()?.top_table(
                &scope,
                4,
                usize::MAX,
                None,
                Some((&nomenclature, lang)),
                None,
            )?;
            let refs = self.customs_refs(&reporter, &partner, (year, year), Some(f))?;
            // The measures in force at the end of the briefing's period ("now"), so a
            // pre-sanctions year shows what is banned or capped today.
            let as_of = self.spec.period.to.end();
            let flags_of = |hs: &str| -> Vec<String> {
                let mut flags = Vec::new();
                if let Some(ms) = &measures
                    && let Some(dir) =
                        entente_trade::sanctions::Direction::of(&reporter, &partner, &ms.target, f)
                {
                    for m in ms
                        .measures
                        .iter()
                        .filter(|m| m.direction == dir && m.adopted <= as_of)
                    {
                        let whole = m.covers(hs);
                        if whole || m.covers_part(hs) {
                            flags.push(format!(
                                "UNSCR {} ¶{} ({}){}",
                                m.resolution,
                                m.paragraph,
                                serde_json::to_value(m.kind)
                                    .ok()
                                    .and_then(|v| v.as_str().map(str::to_string))
                                    .unwrap_or_default(),
                                if whole { "" } else { ", part of heading" }
                            ));
                        }
                    }
                }
                flags.dedup();
                flags
            };
            let (shown, rest) = table.rows.split_at(n.min(table.rows.len()));
            let pct = |v: f64| format!("{:.1}%", v * 100.0);
            let mut rows = Vec::new();
            for t in shown {
                rows.push(vec![
                    Cell::num(t.rank.to_string()),
                    Cell::text(t.hs.clone()),
                    Cell::text(t.label.clone().unwrap_or_else(|| "—".into())),
                    Cell::num(self.money(t.value_usd)).with_refs(refs.clone()),
                    Cell::num(pct(t.share)),
                    Cell::text(flags_of(&t.hs).join("; ")),
                ]);
            }
            if !rest.is_empty() {
                let value: f64 = rest.iter().map(|t| t.value_usd).sum();
                let share: f64 = rest.iter().map(|t| t.share).sum();
                let flagged: Vec<_> = rest
                    .iter()
                    .filter(|t| !flags_of(&t.hs).is_empty())
                    .collect();
                let flagged_value: f64 = flagged.iter().map(|t| t.value_usd).sum();
                let label = if self.ja() {
                    format!("その他（{}品目）", rest.len())
                } else {
                    format!("Other products ({} HS4 headings)", rest.len())
                };
                let screened = match (flagged.len(), measures.is_some()) {
                    (0, _) | (_, false) => String::new(),
                    (k, true) if self.ja() => {
                        format!("うち{k}品目（{}）が措置対象", self.money(flagged_value))
                    }
                    // The largest few by value (`rest` is sorted), not a list of dozens.
                    (k, true) => format!(
                        "{k} of them ({}) under measures{}{}",
                        self.money(flagged_value),
                        if k > 3 { ", largest " } else { ": " },
                        flagged
                            .iter()
                            .take(3)
                            .map(|t| t.hs.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                rows.push(vec![
                    Cell::num(String::new()),
                    Cell::text(String::new()),
                    Cell::text(label),
                    Cell::num(self.money(value)).with_refs(refs.clone()),
                    Cell::num(pct(share)),
                    Cell::text(screened),
                ]);
            }
            if let Some(u) = &table.unallocated {
                rows.push(vec![
                    Cell::num(String::new()),
                    Cell::text(String::new()),
                    Cell::text(if self.ja() {
                        "HS4に分類されない額".to_string()
                    } else {
                        u.note
                            .as_deref()
                            .and_then(|n| n.split_once("; kept"))
                            .map_or_else(
                                || "Not allocated to a heading".to_string(),
                                |(n, _)| {
                                    let mut n = n.to_string();
                                    n[..1].make_ascii_uppercase();
                                    n
                                },
                            )
                    }),
                    Cell::num(self.money(u.value_usd)).with_refs(refs.clone()),
                    Cell::num(pct(u.share)),
                    Cell::text(String::new()),
                ]);
            }
            rows.push(vec![
                Cell::num(String::new()),
                Cell::text(String::new()),
                Cell::text(if self.ja() { "合計" } else { "Total" }).strong(),
                Cell::num(self.money(table.total_usd))
                    .strong()
                    .with_refs(refs.clone()),
                Cell::num(if table.total_usd > 0.0 { "100.0%" } else { "" }),
                Cell::text(String::new()),
            ]);
            let (rn, pn) = (self.name(&reporter), self.name(&partner));
            let (en_title, ja_title) = match f {
                Flow::Export => (
                    format!("Top {n}: {rn} exports to {pn}, {span}"),
                    format!("{rn}の対{pn}輸出 上位{n}品目（{span}）"),
                ),
                Flow::Import => (
                    format!("Top {n}: {rn} imports from {pn}, {span}"),
                    format!("{rn}の対{pn}輸入 上位{n}品目（{span}）"),
                ),
            };
            let heading = match (&block.title, f) {
                (Some(t), Flow::Export) => {
                    format!("{t} — {}", if self.ja() { "輸出" } else { "exports" })
                }
                (Some(t), Flow::Import) => {
                    format!("{t} — {}", if self.ja() { "輸入" } else { "imports" })
                }
                (None, _) => {
                    if self.ja() {
                        ja_title
                    } else {
                        en_title
                    }
                }
            };
            let head = if self.ja() {
                vec!["順位", "HS", "品目", "金額", "シェア", "国連安保理決議"]
            } else {
                vec![
                    "#",
                    "HS",
                    "Product",
                    "US$",
                    "Share",
                    "UN Security Council measures (now)",
                ]
            };
            let mut section = Section::new(
                heading,
                Body::Table(Table {
                    header: head.into_iter().map(|h| Cell::text(h).strong()).collect(),
                    rows,
                }),
            );
            let lines_note = if self.ja() {
                "シェアは当該フローの総額に対する比率。「その他」は上位以外の全品目で、各行の合計が総額に一致する。"
            } else {
                "Shares are of the flow's total; \"Other products\" is every other heading, so the lines add up to the total."
            };
            section = section.with_note(if sanctions {
                if self.ja() {
                    format!("{lines_note}措置はdata/sanctions/unsc-dprk.tomlのうち期間末に有効なもの。「part of heading」：品目の一部のみが対象。")
                } else {
                    format!("{lines_note} Measures from data/sanctions/unsc-dprk.toml in force at the end of the period shown; \"part of heading\": only some of the heading's goods are covered.")
                }
            } else {
                lines_note.to_string()
            });
            self.push(block, section);
        }
        Ok(())
    }

    /// The trade edge of the relationship map: the latest year with figures up to `to`.
    pub(super) fn trade_edge(
        &mut self,
        a: &str,
        b: &str,
        to: DateValue,
    ) -> Result<Option<(String, f64, Vec<FootnoteId>)>> {
        for (r, p) in [(a, b), (b, a)] {
            let (Ok(r), Ok(p)) = (valid_code(r), valid_code(p)) else {
                return Ok(None);
            };
            let mut scope = Scope::new(&r, &p);
            scope.to = Some(Period::year(to.year));
            let rows = self.trade()?.totals(&scope, By::Year)?;
            // The latest year with both flows: a total is never one flow alone.
            if let Some((last, total)) = rows.iter().rev().find_map(|r| r.total_usd.map(|t| (r, t)))
            {
                let year: i32 = last.period.parse().unwrap_or(to.year);
                let refs = self.customs_refs(&r, &p, (year, year), None)?;
                // `Jan–Oct 2025` for a partial year. The map's legend and table say the link
                // is trade, so the label is the figure and its period (short enough not to be
                // cut on the edge).
                let period = match last.months.as_deref() {
                    Some(m) if last.partial && self.ja() => format!("{year}年{}", ja_months(m)),
                    Some(m) if last.partial => {
                        format!("{} {year}", entente_trade::query::months_label(m))
                    }
                    _ => year.to_string(),
                };
                let label = if self.ja() {
                    format!("貿易 {}（{period}）", self.money(total))
                } else {
                    format!("{} ({period})", self.money(total))
                };
                return Ok(Some((label, (total / 1e9).max(1.0), refs)));
            }
        }
        Ok(None)
    }
}

/// `1–10月` / `1–3・5–10月` from `01-10` / `01-03,05-10`.
fn ja_months(ranges: &str) -> String {
    let n = |m: &str| m.trim_start_matches('0').to_string();
    let parts: Vec<String> = ranges
        .split(',')
        .map(|r| match r.split_once('-') {
            Some((a, b)) => format!("{}–{}", n(a), n(b)),
            None => n(r),
        })
        .collect();
    format!("{}月", parts.join("・"))
}

fn month_abbr(m: u8) -> &'static str {
    const M: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    M[usize::from(m.clamp(1, 12)) - 1]
}
