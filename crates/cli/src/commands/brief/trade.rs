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

fn valid_code(c: &str) -> anyhow::Result<String> {
    let c = c.trim().to_ascii_uppercase();
    if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(c)
    } else {
        anyhow::bail!("`{c}` is not an ISO 3166-1 alpha-2 state code (CN, KP, RU)")
    }
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

    /// Footnotes naming the customs files and rows behind `reporter`–`partner` figures of
    /// `years` (and `flow`): one per file.
    fn customs_refs(
        &mut self,
        reporter: &str,
        partner: &str,
        years: (i32, i32),
        flow: Option<Flow>,
    ) -> anyhow::Result<Vec<FootnoteId>> {
        let flow_sql = flow
            .map(|f| format!(" AND flow = '{}'", f.as_str()))
            .unwrap_or_default();
        let sql = format!(
            "SELECT dataset, source_file, min(source_line), max(source_line), count(*) FROM records \
             WHERE reporter = '{reporter}' AND partner = '{partner}' AND year >= {} AND year <= {}{flow_sql} \
             GROUP BY 1, 2 ORDER BY 2",
            years.0, years.1
        );
        let res = self.trade.sql(&sql)?;
        let mut out = Vec::new();
        for row in res.rows {
            let dataset = row[0].as_str().unwrap_or_default();
            let file = row[1].as_str().unwrap_or_default();
            let file = std::path::Path::new(file)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.to_string());
            let (lo, hi, n) = (
                row[2].as_i64().unwrap_or(0),
                row[3].as_i64().unwrap_or(0),
                row[4].as_i64().unwrap_or(0),
            );
            out.push(self.doc.cite(Source::Customs {
                dataset: dataset_label(dataset),
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

    /// Months covered per year (`None`: an annual figure, i.e. the whole year).
    fn months_covered(
        &self,
        reporter: &str,
        partner: &str,
        years: (i32, i32),
    ) -> anyhow::Result<BTreeMap<i32, Option<i64>>> {
        let sql = format!(
            "SELECT year, max(month) FROM records WHERE reporter = '{reporter}' AND partner = '{partner}' \
             AND year >= {} AND year <= {} GROUP BY 1",
            years.0, years.1
        );
        Ok(self
            .trade
            .sql(&sql)?
            .rows
            .into_iter()
            .filter_map(|r| Some((r[0].as_i64()? as i32, r[1].as_i64())))
            .collect())
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
    ) -> anyhow::Result<()> {
        let (reporter, partner) = (valid_code(reporter)?, valid_code(partner)?);
        let y1 = self.spec.period.to.year;
        let y0 = y1 - i32::from(years.max(1)) + 1;
        let mut scope = Scope::new(&reporter, &partner);
        scope.from = Some(Period::year(y0));
        scope.to = Some(Period::year(y1));
        let rows = self.trade.totals(&scope, By::Year)?;
        let covered = self.months_covered(&reporter, &partner, (y0, y1))?;
        let refs = self.customs_refs(&reporter, &partner, (y0, y1), None)?;
        let (xn, mn) = self.flow_names(&reporter, &partner);
        let mut cats = Vec::new();
        let (mut xs, mut ms) = (Vec::new(), Vec::new());
        let mut table = Vec::new();
        for r in &rows {
            let year: i32 = r.period.parse().unwrap_or_default();
            let label = match covered.get(&year).copied().flatten() {
                Some(m) if m < 12 => format!("{year} (1–{m})"),
                _ => year.to_string(),
            };
            let partial = label.contains('(');
            cats.push(label.clone());
            xs.push(Some(r.exports_usd));
            ms.push(Some(r.imports_usd));
            let yrefs = self.customs_refs(&reporter, &partner, (year, year), None)?;
            table.push(vec![
                Cell::text(label),
                Cell::num(self.money(r.exports_usd)),
                Cell::num(self.money(r.imports_usd)),
                Cell::num(self.money(r.total_usd)).strong().with_refs(yrefs),
                // A partial year is not compared with a full one.
                Cell::num(if partial {
                    "—".into()
                } else {
                    ratio(r.change)
                }),
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
            .with_note(format!("Reported by {rn}; exports = {xn}, imports = {mn}. A year marked (1–N) has figures for January to month N only.")),
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
    ) -> anyhow::Result<()> {
        let (reporter, partner) = (valid_code(reporter)?, valid_code(partner)?);
        let (y0, y1) = match (years.iter().min(), years.iter().max()) {
            (Some(a), Some(b)) => (*a, *b),
            _ => anyhow::bail!("`years` is empty"),
        };
        let scope = Scope::new(&reporter, &partner);
        let rows: Vec<_> = self
            .trade
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
        let cats: Vec<String> = rows
            .iter()
            .map(|r| format!("{} {months}", r.year))
            .collect();
        let chart = Chart {
            title: String::new(),
            desc: None,
            unit: Unit::UsDollars,
            kind: ChartKind::GroupedBars(BarData {
                categories: cats.clone(),
                series: vec![
                    Series::new(xn, rows.iter().map(|r| Some(r.exports_usd)).collect())
                        .with_refs(refs.clone()),
                    Series::new(mn, rows.iter().map(|r| Some(r.imports_usd)).collect())
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
        for (r, cat) in rows.iter().zip(cats) {
            table.push(vec![
                Cell::text(cat),
                Cell::num(self.money(r.exports_usd)),
                Cell::num(self.money(r.imports_usd)),
                Cell::num(self.money(r.total_usd))
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
        self.push(
            block,
            super::table_section(format!("{heading} (table)"), head, table),
        );
        Ok(())
    }

    pub(super) fn trade_monthly(
        &mut self,
        block: &Block,
        reporter: &str,
        partner: &str,
        from: YearMonth,
        to: YearMonth,
    ) -> anyhow::Result<()> {
        let (reporter, partner) = (valid_code(reporter)?, valid_code(partner)?);
        let mut scope = Scope::new(&reporter, &partner);
        scope.from = Some(Period::month(from.year, from.month));
        scope.to = Some(Period::month(to.year, to.month));
        let rows = self.trade.totals(&scope, By::Month)?;
        let by: BTreeMap<String, (f64, f64)> = rows
            .iter()
            .map(|r| (r.period.clone(), (r.exports_usd, r.imports_usd)))
            .collect();
        let months = from.through(to);
        let key = |m: &YearMonth| format!("{:04}-{:02}", m.year, m.month);
        let refs = self.customs_refs(&reporter, &partner, (from.year, to.year), None)?;
        let (xn, mn) = self.flow_names(&reporter, &partner);
        let xs = months
            .iter()
            .map(|m| by.get(&key(m)).map(|v| v.0))
            .collect();
        let ms = months
            .iter()
            .map(|m| by.get(&key(m)).map(|v| v.1))
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
    ) -> anyhow::Result<()> {
        let (reporter, partner) = (valid_code(reporter)?, valid_code(partner)?);
        let flows = match flow {
            FlowFilter::Both => vec![Flow::Export, Flow::Import],
            FlowFilter::Export => vec![Flow::Export],
            FlowFilter::Import => vec![Flow::Import],
        };
        let nomenclature = self.trade.nomenclature()?;
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
            let top = self
                .trade
                .top(&scope, 4, n, None, Some((&nomenclature, lang)))?;
            let refs = self.customs_refs(&reporter, &partner, (year, year), Some(f))?;
            // The measures in force at the end of the briefing's period ("now"), so a
            // pre-sanctions year shows what is banned or capped today.
            let as_of = self.spec.period.to.end();
            let mut rows = Vec::new();
            for t in &top {
                let mut flags = Vec::new();
                if let Some(ms) = &measures
                    && let Some(dir) = direction(&reporter, &partner, &ms.target, f)
                {
                    for m in ms
                        .measures
                        .iter()
                        .filter(|m| m.direction == dir && m.adopted <= as_of)
                    {
                        let whole = m.covers(&t.hs);
                        if whole || m.covers_part(&t.hs) {
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
                rows.push(vec![
                    Cell::num(t.rank.to_string()),
                    Cell::text(t.hs.clone()),
                    Cell::text(t.label.clone().unwrap_or_else(|| "—".into())),
                    Cell::num(self.money(t.value_usd)).with_refs(refs.clone()),
                    Cell::num(format!("{:.1}%", t.share * 100.0)),
                    Cell::text(if flags.is_empty() {
                        String::new()
                    } else {
                        flags.join("; ")
                    }),
                ]);
            }
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
            if sanctions {
                section = section.with_note(
                    "Measures from data/sanctions/unsc-dprk.toml in force at the end of the period shown; \"part of heading\": only some of the heading's goods are covered.",
                );
            }
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
    ) -> anyhow::Result<Option<(String, f64, Vec<FootnoteId>)>> {
        for (r, p) in [(a, b), (b, a)] {
            let (Ok(r), Ok(p)) = (valid_code(r), valid_code(p)) else {
                return Ok(None);
            };
            let mut scope = Scope::new(&r, &p);
            scope.to = Some(Period::year(to.year));
            let rows = self.trade.totals(&scope, By::Year)?;
            if let Some(last) = rows.last() {
                let year: i32 = last.period.parse().unwrap_or(to.year);
                let refs = self.customs_refs(&r, &p, (year, year), None)?;
                let covered = self.months_covered(&r, &p, (year, year))?;
                let partial = match covered.get(&year).copied().flatten() {
                    Some(m) if m < 12 => format!(" 1–{m}"),
                    _ => String::new(),
                };
                let label = if self.ja() {
                    format!("貿易 {}（{year}{partial}）", self.money(last.total_usd))
                } else {
                    format!("trade {} ({year}{partial})", self.money(last.total_usd))
                };
                return Ok(Some((label, (last.total_usd / 1e9).max(1.0), refs)));
            }
        }
        Ok(None)
    }
}

fn month_abbr(m: u8) -> &'static str {
    const M: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    M[usize::from(m.clamp(1, 12)) - 1]
}

/// The direction of a flow relative to the sanctioned state, as the screen defines it.
fn direction(
    reporter: &str,
    partner: &str,
    target: &str,
    flow: Flow,
) -> Option<entente_trade::sanctions::Direction> {
    use entente_trade::sanctions::Direction;
    match (reporter == target, partner == target, flow) {
        (false, true, Flow::Export) | (true, false, Flow::Import) => Some(Direction::To),
        (false, true, Flow::Import) | (true, false, Flow::Export) => Some(Direction::From),
        _ => None,
    }
}
