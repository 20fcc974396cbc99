//! Blocks from the knowledge base and the comparison crate: chronology, exchange counts,
//! relationship map, comparison, trends, military-cooperation ledger, delegation roster.

use std::collections::{BTreeMap, BTreeSet};

use crate::AppError;
use crate::error::{Context as _, Result};
use entente_brief::spec::{
    ComparisonTarget, EventSelector, Granularity, RosterTarget, TrendSubject,
};
use entente_brief::{
    BarData, Block, Body, Cell, Chart, ChartKind, ComparedSource, Comparison, ComparisonRow,
    ConceptPresence, Edge, EdgeKind, FootnoteId, Graph, Node, NodeKind, OnlyIn, Section, Series,
    Table, TimelineEvent, Unit, XAxis,
};
use entente_compare::trend::{self, Bucket, TrendFilter};
use entente_core::{DateValue, Event, EventType, SourceId, Status};
use entente_store::EventFilter;

use super::Resolver;

/// At most this many sources are footnoted per event (the rest are in the knowledge base).
const REFS_PER_EVENT: usize = 3;

fn header(cells: &[&str]) -> Vec<Cell> {
    cells.iter().map(|c| Cell::text(*c).strong()).collect()
}

fn bucket(g: Granularity) -> Bucket {
    match g {
        Granularity::Year => Bucket::Year,
        Granularity::Quarter => Bucket::Quarter,
        Granularity::Month => Bucket::Month,
    }
}

fn type_label(t: EventType, ja: bool) -> &'static str {
    match (t, ja) {
        (EventType::Meeting, false) => "talks",
        (EventType::Meeting, true) => "会談",
        (EventType::Visit, false) => "visit",
        (EventType::Visit, true) => "訪問",
        (EventType::Call, false) => "call",
        (EventType::Call, true) => "電話・オンライン会談",
        (EventType::Message, false) => "message",
        (EventType::Message, true) => "書簡",
        (EventType::Attendance, false) => "attendance",
        (EventType::Attendance, true) => "出席",
        (EventType::Delegation, false) => "delegation",
        (EventType::Delegation, true) => "代表団",
        (EventType::Agreement, false) => "agreement",
        (EventType::Agreement, true) => "合意・署名",
        (EventType::Statement, false) => "statement",
        (EventType::Statement, true) => "声明",
        (EventType::Transfer, false) => "transfer",
        (EventType::Transfer, true) => "移転",
        (EventType::Deployment, false) => "deployment",
        (EventType::Deployment, true) => "派遣",
    }
}

impl Resolver<'_> {
    fn period_filter(&self, from: Option<DateValue>, to: Option<DateValue>) -> EventFilter {
        EventFilter {
            from: Some(from.unwrap_or(self.spec.period.from).start()),
            to: Some(to.unwrap_or(self.spec.period.to).end()),
            ..Default::default()
        }
    }

    /// Trends show four years up to the end of the briefing's period.
    fn trend_start(&self) -> DateValue {
        DateValue::ymd(self.spec.period.to.year - 3, 1, 1).unwrap_or(self.spec.period.from)
    }

    fn live(events: Vec<Event>) -> Vec<Event> {
        events
            .into_iter()
            .filter(|e| e.status != Status::Rejected && e.date.is_some())
            .collect()
    }

    pub(super) fn chronology(
        &mut self,
        block: &Block,
        actors: &[String],
        since: Option<DateValue>,
        until: Option<DateValue>,
    ) -> Result<()> {
        let ids = actors
            .iter()
            .map(|a| self.actor_id(a))
            .collect::<Result<Vec<_>>>()?;
        let events = Self::live(self.repo.store().events(&EventFilter {
            actors: ids.clone(),
            types: vec![EventType::Meeting, EventType::Visit, EventType::Call],
            ..self.period_filter(since, until)
        })?);
        let ja = self.ja();
        let mut rows = Vec::new();
        let mut timeline = Vec::new();
        for e in &events {
            let refs = self.event_refs(e, REFS_PER_EVENT)?;
            let date = e.date.map(|d| d.to_string()).unwrap_or_default();
            let place = e.place.clone().map(|p| self.name(&p)).unwrap_or_default();
            let participants: Vec<String> = e
                .participants
                .iter()
                .map(|p| self.name(&p.actor_id))
                .collect();
            rows.push(vec![
                Cell::text(date).with_refs(refs.clone()),
                Cell::text(type_label(e.kind, ja)),
                Cell::text(place.clone()),
                Cell::text(e.framework.clone().unwrap_or_default()),
                Cell::text(participants.join(", ")),
            ]);
            if let Some(d) = e.date {
                let label = if place.is_empty() {
                    type_label(e.kind, ja).to_string()
                } else {
                    place
                };
                timeline.push(TimelineEvent {
                    date: d,
                    label,
                    group: Some(type_label(e.kind, ja).to_string()),
                    refs,
                });
            }
        }
        let names: Vec<String> = ids.iter().map(|i| self.name(i)).collect();
        let heading = self.heading(
            block,
            &format!("Chronology: {}", names.join(" – ")),
            &format!("年表：{}", names.join("・")),
        );
        let head = if ja {
            header(&["日付", "種類", "場所", "枠組み", "参加者"])
        } else {
            header(&["Date", "Type", "Place", "Framework", "Participants"])
        };
        if !timeline.is_empty() {
            let chart = Chart {
                title: heading.clone(),
                desc: None,
                unit: Unit::Count,
                kind: ChartKind::Timeline {
                    events: timeline,
                    from: None,
                    to: None,
                },
            };
            self.push(block, Section::new(heading.clone(), Body::Chart(chart)));
        }
        let note = format!(
            "{} events (talks, visits, calls) in the knowledge base in which all of {} take part; rejected events left out.",
            rows.len(),
            names.join(", ")
        );
        self.push(
            block,
            Section::new(
                if timeline_heading_needed(&rows) {
                    format!("{heading} (table)")
                } else {
                    heading
                },
                Body::Table(Table { header: head, rows }),
            )
            .with_note(note),
        );
        Ok(())
    }

    pub(super) fn exchanges(
        &mut self,
        block: &Block,
        a: &str,
        b: &str,
        years: (i32, i32),
    ) -> Result<()> {
        let (a, b) = (a.to_ascii_uppercase(), b.to_ascii_uppercase());
        let end = DateValue::ymd(years.1, 12, 31)?;
        let leader = self.top_leader(&b, end)?;
        let filter = EventFilter {
            from: Some(DateValue::ymd(years.0, 1, 1)?.start()),
            to: Some(end.end()),
            ..Default::default()
        };
        let rows = entente_extract::analysis::exchanges(
            self.repo.store(),
            &a,
            &b,
            leader.as_deref(),
            false,
            &filter,
        )?;
        let by_year: BTreeMap<i32, &entente_extract::analysis::ExchangeRow> = rows
            .iter()
            .filter_map(|r| r.period.parse::<i32>().ok().map(|y| (y, r)))
            .collect();
        let leader_name = leader.as_ref().map(|l| self.name(l)).unwrap_or_default();
        let ja = self.ja();
        let mut table_rows = Vec::new();
        let mut all = Vec::new();
        let mut with = Vec::new();
        let mut cats = Vec::new();
        let mut prev: Option<usize> = None;
        for y in years.0..=years.1 {
            let r = by_year.get(&y);
            let n = r.map_or(0, |r| r.exchanges);
            let w = r.and_then(|r| r.with_leader).unwrap_or(0);
            let mut refs = Vec::new();
            for id in r.map(|r| r.event_ids.clone()).unwrap_or_default() {
                if let Some(e) = self.repo.store().event(&id)? {
                    refs.extend(self.event_refs(&e, 1)?);
                }
            }
            let change = prev.map(|p| {
                let d = n as i64 - p as i64;
                if p > 0 {
                    format!("{d:+} ({:+.0}%)", d as f64 * 100.0 / p as f64)
                } else {
                    format!("{d:+}")
                }
            });
            table_rows.push(vec![
                Cell::text(y.to_string()),
                Cell::num(n.to_string()).with_refs(refs),
                Cell::num(w.to_string()),
                Cell::num(change.unwrap_or_default()),
            ]);
            cats.push(y.to_string());
            all.push(Some(n as f64));
            with.push(Some(w as f64));
            prev = Some(n);
        }
        let (na, nb) = (self.name(&a), self.name(&b));
        let heading = self.heading(
            block,
            &format!("High-level exchanges {na}–{nb}"),
            &format!("{na}・{nb}の高官往来"),
        );
        let with_label = if ja {
            format!("うち{leader_name}")
        } else {
            format!("with {leader_name}")
        };
        let all_label = if ja { "往来" } else { "Exchanges" };
        let chart = Chart {
            title: heading.clone(),
            desc: None,
            unit: Unit::Count,
            kind: ChartKind::GroupedBars(BarData {
                categories: cats,
                series: vec![
                    Series::new(all_label, all),
                    Series::new(with_label.clone(), with),
                ],
            }),
        };
        self.push(block, Section::new(heading.clone(), Body::Chart(chart)));
        let head = if ja {
            header(&["年", "往来", &with_label, "前年比"])
        } else {
            header(&["Year", "Exchanges", &with_label, "Change"])
        };
        self.push(
            block,
            Section::new(format!("{heading} (table)"), Body::Table(Table { header: head, rows: table_rows }))
                .with_note("Meetings, visits, calls, messages and delegations with people of both states, from the knowledge base; each year footnotes one source per exchange."),
        );
        Ok(())
    }

    /// States, their leaders, and edges summarising meetings, treaties, trade and military
    /// flows between them over the period.
    pub fn relationship_graph(
        &mut self,
        actors: &[String],
        from: Option<DateValue>,
        to: Option<DateValue>,
    ) -> Result<Graph> {
        let filter = self.period_filter(from, to);
        let to_date = to.unwrap_or(self.spec.period.to);
        let mut states = Vec::new();
        for a in actors {
            let id = self.actor_id(a)?;
            let state = self.country(&id).unwrap_or(id);
            if !states.contains(&state) {
                states.push(state);
            }
        }
        let mut nodes = Vec::new();
        let mut leaders: BTreeMap<String, String> = BTreeMap::new();
        for s in &states {
            nodes.push(Node {
                id: s.clone(),
                label: self.name(s),
                kind: NodeKind::State,
                state: None,
            });
            if let Some(l) = self.top_leader(s, to_date)? {
                nodes.push(Node {
                    id: l.clone(),
                    label: self.name(&l),
                    kind: NodeKind::Leader,
                    state: Some(s.clone()),
                });
                leaders.insert(s.clone(), l);
            }
        }
        let events = Self::live(self.repo.store().events(&filter)?);
        let mut edges = Vec::new();
        let ja = self.ja();
        for (i, a) in states.iter().enumerate() {
            for b in &states[i + 1..] {
                let sides = |e: &Event| -> BTreeSet<String> {
                    e.participants
                        .iter()
                        .filter_map(|p| self.country(&p.actor_id))
                        .collect()
                };
                let between: Vec<&Event> = events
                    .iter()
                    .filter(|e| {
                        let s = sides(e);
                        s.contains(a) && s.contains(b)
                    })
                    .collect();
                let mut kinds: BTreeMap<EdgeKind, Vec<&Event>> = BTreeMap::new();
                for e in &between {
                    let k = match e.kind {
                        t if t.is_exchange() => EdgeKind::Meeting,
                        EventType::Agreement => EdgeKind::Treaty,
                        EventType::Transfer | EventType::Deployment => EdgeKind::Military,
                        _ => continue,
                    };
                    kinds.entry(k).or_default().push(e);
                }
                for (k, evs) in kinds {
                    let mut refs = Vec::new();
                    for e in evs.iter().take(3) {
                        refs.extend(self.event_refs(e, 1)?);
                    }
                    let n = evs.len();
                    let label = match (k, ja) {
                        (EdgeKind::Meeting, false) => format!("{n} exchanges"),
                        (EdgeKind::Meeting, true) => format!("往来{n}件"),
                        (EdgeKind::Treaty, false) => format!("{n} agreements"),
                        (EdgeKind::Treaty, true) => format!("合意{n}件"),
                        (_, false) => format!("{n} military transfers/deployments"),
                        (_, true) => format!("軍事協力{n}件"),
                    };
                    edges.push(Edge {
                        a: a.clone(),
                        b: b.clone(),
                        kind: k,
                        label,
                        weight: n as f64,
                        refs,
                    });
                }
                // Leader summits.
                if let (Some(la), Some(lb)) = (leaders.get(a), leaders.get(b)) {
                    let summits: Vec<&&Event> = between
                        .iter()
                        .filter(|e| {
                            matches!(
                                e.kind,
                                EventType::Meeting | EventType::Visit | EventType::Call
                            ) && e.has_participant(la)
                                && e.has_participant(lb)
                        })
                        .collect();
                    if !summits.is_empty() {
                        let mut refs = Vec::new();
                        for e in summits.iter().take(3) {
                            refs.extend(self.event_refs(e, 1)?);
                        }
                        let n = summits.len();
                        edges.push(Edge {
                            a: la.clone(),
                            b: lb.clone(),
                            kind: EdgeKind::Meeting,
                            label: if ja {
                                format!("首脳会談等{n}件")
                            } else {
                                format!("{n} summits and calls")
                            },
                            weight: n as f64,
                            refs,
                        });
                    }
                }
                // Trade in the period's last year with figures (either side reporting).
                if let Some((label, weight, refs)) = self.trade_edge(a, b, to_date)? {
                    edges.push(Edge {
                        a: a.clone(),
                        b: b.clone(),
                        kind: EdgeKind::Trade,
                        label,
                        weight,
                        refs,
                    });
                }
            }
        }
        Ok(Graph {
            title: if ja {
                "関係図".into()
            } else {
                "Relationship map".into()
            },
            nodes,
            edges,
        })
    }

    /// The events of a selector: every actor takes part and the date matches.
    fn select_event(&self, sel: &EventSelector) -> Result<Event> {
        let ids = sel
            .actors
            .iter()
            .map(|a| self.actor_id(a))
            .collect::<Result<Vec<_>>>()?;
        let mut events = Self::live(self.repo.store().events(&EventFilter {
            actors: ids,
            from: Some(sel.date.start()),
            to: Some(sel.date.end()),
            ..Default::default()
        })?);
        // The best-attested talks first: most citations, then meetings before visits.
        events.sort_by_key(|e| {
            (
                std::cmp::Reverse(e.citations.len()),
                e.kind != EventType::Meeting,
                e.id.clone(),
            )
        });
        events.into_iter().next().with_context(|| {
            format!(
                "no event of {} on {} in the knowledge base",
                sel.actors.join(", "),
                sel.date
            )
        })
    }

    pub(super) fn comparison(
        &mut self,
        block: &Block,
        target: &ComparisonTarget,
        outlets: &[String],
    ) -> Result<()> {
        let (sources, event): (Vec<String>, Option<String>) = match target {
            ComparisonTarget::Event(id) => (Vec::new(), Some(id.clone())),
            ComparisonTarget::Meeting(sel) => (Vec::new(), Some(self.select_event(sel)?.id)),
            ComparisonTarget::Sources(s) => (s.clone(), None),
        };
        let cmp = crate::compare::run_comparison(
            self.repo,
            self.extractor,
            self.lexicon,
            &sources,
            event.as_deref(),
            outlets,
            true,
        )?;
        let mut columns = Vec::new();
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        for (i, s) in cmp.sources.iter().enumerate() {
            let id: SourceId = s.id.parse()?;
            let refs: Vec<FootnoteId> = self.article(id)?.into_iter().collect();
            columns.push(ComparedSource {
                label: format!(
                    "{} ({})",
                    s.outlet.clone().unwrap_or_else(|| "?".into()),
                    s.lang
                ),
                refs,
            });
            index.insert(s.id.clone(), i);
        }
        let (lexicon, lang) = (self.lexicon, if self.ja() { "ja" } else { "en" });
        let label = |c: &str| -> String {
            lexicon
                .concept(c)
                .and_then(|x| x.label.get(lang).cloned())
                .unwrap_or_else(|| c.to_string())
        };
        let mut rows = Vec::new();
        for (n, p) in cmp.pairs.iter().enumerate() {
            let mut cells = vec![None; columns.len()];
            cells[index[&p.a.source_id]] = Some(p.a.text.clone());
            cells[index[&p.b.source_id]] = Some(p.b.text.clone());
            let mut tags: Vec<String> = p
                .concepts_a
                .iter()
                .chain(&p.concepts_b)
                .map(|c| label(c))
                .collect();
            tags.sort();
            tags.dedup();
            rows.push(ComparisonRow {
                topic: format!("{}", n + 1),
                cells,
                concepts: tags,
            });
        }
        let only_in = cmp
            .sources
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let items: Vec<String> = cmp
                    .only
                    .get(&s.id)?
                    .iter()
                    .map(|o| o.text.clone())
                    .collect();
                (!items.is_empty()).then_some(OnlyIn { source: i, items })
            })
            .collect();
        let presence = cmp
            .concepts
            .iter()
            .map(|(c, row)| ConceptPresence {
                concept: label(c),
                present: cmp
                    .sources
                    .iter()
                    .map(|s| row.get(&s.id).copied().unwrap_or(false))
                    .collect(),
            })
            .collect();
        // The eight most-used earlier concepts that no compared report uses.
        let mut absences = Vec::new();
        for ab in cmp.absences.iter().take(8) {
            let src: SourceId = ab.last_seen.source_id.parse()?;
            let refs: Vec<FootnoteId> = self.article(src)?.into_iter().collect();
            absences.push(entente_brief::Absence {
                concept: label(&ab.concept),
                source: None,
                last_seen: ab
                    .last_seen
                    .date
                    .as_deref()
                    .and_then(|d| DateValue::parse_loose(d.split('/').next().unwrap_or(d)).ok()),
                refs,
            });
        }
        let heading = self.heading(block, "How the outlets reported it", "各メディアの報道比較");
        let body = Comparison {
            sources: columns,
            rows,
            only_in,
            presence,
            absences,
        };
        self.push(
            block,
            Section::new(heading, Body::Comparison(body)).with_note(
                "Statements paired by shared concepts, actors, dates and numbers (and wording, within one language); concepts from data/concepts. Notable absences: concepts used in earlier meetings between the same leaders and in none of these reports.",
            ),
        );
        Ok(())
    }

    pub(super) fn trend(
        &mut self,
        block: &Block,
        subject: &TrendSubject,
        actors: &[String],
        by: Granularity,
        outlets: bool,
    ) -> Result<()> {
        let b = bucket(by);
        match subject {
            TrendSubject::Ladder(id) => {
                let [x, y] = actors else {
                    return Err(AppError::invalid(
                        "a ladder trend needs `actors` with two states, e.g. [\"RU\", \"KP\"]",
                    ));
                };
                let t = trend::ladder_trend(
                    self.repo.store(),
                    self.lexicon,
                    id,
                    &x.to_ascii_uppercase(),
                    &y.to_ascii_uppercase(),
                    b,
                    // A trend shows the history: four years up to the end of the period.
                    &EventFilter {
                        from: Some(self.trend_start().start()),
                        to: Some(self.spec.period.to.end()),
                        ..Default::default()
                    },
                )?;
                let (_, ladder) = self.lexicon.ladder(id)?;
                let lang = if self.ja() { "ja" } else { "en" };
                let mut series = Vec::new();
                for (i, level) in ladder.levels.iter().enumerate() {
                    let name = level
                        .label
                        .get(lang)
                        .cloned()
                        .unwrap_or_else(|| level.id.clone());
                    let values = t.rows.iter().map(|r| Some(r.levels[i].1 as f64)).collect();
                    let mut refs = Vec::new();
                    for r in &t.rows {
                        for ex in r.examples.iter().filter(|e| e.level == level.id) {
                            if let Ok(s) = ex.source_id.parse::<SourceId>()
                                && let Some(f) = self.article(s)?
                            {
                                refs.push(f);
                            }
                        }
                    }
                    series.push(Series::new(name, values).with_refs(refs));
                }
                let heading = self.heading(
                    block,
                    &format!("How meetings {x}–{y} were described"),
                    &format!("{x}・{y}会談の表現の強さ"),
                );
                let chart = Chart {
                    title: heading.clone(),
                    desc: None,
                    unit: Unit::Count,
                    kind: ChartKind::StackedBars(BarData {
                        categories: t.rows.iter().map(|r| r.period.clone()).collect(),
                        series,
                    }),
                };
                self.push(
                    block,
                    Section::new(heading, Body::Chart(chart)).with_note(format!(
                        "Each exchange counted once, at the strongest wording any of its sources used (ladder `{id}` in data/concepts/ladders.toml)."
                    )),
                );
            }
            TrendSubject::Phrase(_) | TrendSubject::Concept(_) => {
                let (expr, concept) = match subject {
                    TrendSubject::Concept(c) => (
                        trend::concept_query(self.lexicon.require_concept(c)?),
                        Some(c.as_str()),
                    ),
                    TrendSubject::Phrase(p) => (trend::phrase_query(p), None),
                    TrendSubject::Ladder(_) => unreachable!("handled above"),
                };
                let filter = TrendFilter {
                    from: Some(self.trend_start()),
                    to: Some(self.spec.period.to),
                    ..Default::default()
                };
                let t = trend::trend(self.repo.index(), &expr, concept, b, outlets, &filter)?;
                let periods: Vec<String> = {
                    let mut p: Vec<String> = t.rows.iter().map(|r| r.period.clone()).collect();
                    p.dedup();
                    p
                };
                let mut by_outlet: BTreeMap<String, Vec<Option<f64>>> = BTreeMap::new();
                for r in &t.rows {
                    let name = r.outlet.clone().unwrap_or_else(|| {
                        if self.ja() {
                            "全メディア".into()
                        } else {
                            "All outlets".into()
                        }
                    });
                    let col = periods.iter().position(|p| p == &r.period).unwrap_or(0);
                    let v = by_outlet
                        .entry(name)
                        .or_insert_with(|| vec![Some(0.0); periods.len()]);
                    v[col] = Some(r.matches as f64);
                }
                let what = concept
                    .and_then(|c| self.lexicon.concept(c))
                    .and_then(|c| c.label.get(if self.ja() { "ja" } else { "en" }).cloned())
                    .unwrap_or_else(|| match subject {
                        TrendSubject::Phrase(p) => format!("“{p}”"),
                        _ => String::new(),
                    });
                let heading = self.heading(
                    block,
                    &format!("Use of {what} over time"),
                    &format!("「{what}」の使用頻度の推移"),
                );
                let note = self.doc.cite(entente_brief::Source::Note(format!(
                    "Search-index counts of sources matching {} per period, {} to {}.",
                    entente_cli_clip(&expr, 300),
                    self.trend_start(),
                    self.spec.period.to
                )));
                let chart = Chart {
                    title: heading.clone(),
                    desc: None,
                    unit: Unit::Count,
                    kind: ChartKind::Lines {
                        x: XAxis::Labels(periods),
                        series: by_outlet
                            .into_iter()
                            .map(|(n, v)| Series::new(n, v).with_refs([note]))
                            .collect(),
                    },
                };
                self.push(block, Section::new(heading, Body::Chart(chart)));
            }
        }
        Ok(())
    }

    pub(super) fn ledger(
        &mut self,
        block: &Block,
        actors: &[String],
        kinds: &[EventType],
    ) -> Result<()> {
        let mut states = BTreeSet::new();
        for a in actors {
            let id = self.actor_id(a)?;
            states.insert(self.country(&id).unwrap_or(id));
        }
        let events = Self::live(self.repo.store().events(&EventFilter {
            types: kinds.to_vec(),
            ..self.period_filter(None, None)
        })?);
        let ja = self.ja();
        let mut rows = Vec::new();
        for e in &events {
            let sides: BTreeSet<String> = e
                .participants
                .iter()
                .filter_map(|p| self.country(&p.actor_id))
                .collect();
            if !states.iter().all(|s| sides.contains(s)) {
                continue;
            }
            let date = e.date.map(|d| d.to_string()).unwrap_or_default();
            let who: Vec<String> = e
                .participants
                .iter()
                .map(|p| self.name(&p.actor_id))
                .collect();
            if e.quantities.is_empty() {
                let refs = self.event_refs(e, REFS_PER_EVENT)?;
                rows.push(vec![
                    Cell::text(date.clone()),
                    Cell::text(type_label(e.kind, ja)),
                    Cell::text(who.join(", ")),
                    Cell::text("—"),
                    Cell::text(
                        e.citations
                            .first()
                            .map(|c| c.quote.clone())
                            .unwrap_or_default(),
                    )
                    .with_refs(refs),
                ]);
            }
            // Each claimed quantity on its own line: conflicting claims side by side.
            for q in &e.quantities {
                let refs: Vec<FootnoteId> =
                    self.article(q.citation.source_id)?.into_iter().collect();
                let amount = if q.low == q.high {
                    format!(
                        "{}{} {}",
                        if q.approximate { "~" } else { "" },
                        fmt_num(q.low),
                        q.unit
                    )
                } else {
                    format!(
                        "{}{}–{} {}",
                        if q.approximate { "~" } else { "" },
                        fmt_num(q.low),
                        fmt_num(q.high),
                        q.unit
                    )
                };
                rows.push(vec![
                    Cell::text(date.clone()),
                    Cell::text(type_label(e.kind, ja)),
                    Cell::text(who.join(", ")),
                    Cell::num(amount),
                    Cell::text(q.citation.quote.clone()).with_refs(refs),
                ]);
            }
        }
        let heading = self.heading(block, "Military cooperation ledger", "軍事協力の記録");
        let head = if ja {
            header(&["日付", "種類", "当事者", "数量", "出典の記述"])
        } else {
            header(&[
                "Date",
                "Type",
                "Parties",
                "Quantity",
                "As the source puts it",
            ])
        };
        self.push(
            block,
            Section::new(heading, Body::Table(Table { header: head, rows })).with_note(
                "Transfers and deployments in the knowledge base; each claim with its own source, so different estimates stand side by side.",
            ),
        );
        Ok(())
    }

    pub(super) fn roster(&mut self, block: &Block, target: &RosterTarget) -> Result<()> {
        let event = match target {
            RosterTarget::Event(id) => self
                .repo
                .store()
                .event(id)?
                .with_context(|| format!("no event `{id}`"))?,
            RosterTarget::Meeting(sel) => self.select_event(sel)?,
            RosterTarget::Actor(a) => {
                let id = self.actor_id(a)?;
                let mut evs = Self::live(self.repo.store().events(&EventFilter {
                    actors: vec![id.clone()],
                    types: vec![EventType::Delegation, EventType::Visit, EventType::Meeting],
                    ..self.period_filter(None, None)
                })?);
                evs.sort_by_key(|e| std::cmp::Reverse(e.participants.len()));
                evs.into_iter()
                    .next()
                    .with_context(|| format!("no delegation or visit of {a} in the period"))?
            }
        };
        let date = event
            .date
            .map(|d| d.start)
            .context("the event has no date")?;
        let gaz = self.extractor.gazetteer();
        let ja = self.ja();
        let refs = self.event_refs(&event, REFS_PER_EVENT)?;
        let mut rows = Vec::new();
        for p in &event.participants {
            let actor = self.repo.store().actor(&p.actor_id)?;
            let Some(actor) = actor.filter(|a| a.kind == entente_core::ActorKind::Person) else {
                continue;
            };
            let posts: Vec<String> = actor
                .positions
                .iter()
                .filter(|pos| pos.held_on(&date))
                .map(|pos| {
                    pos.title_en.clone().unwrap_or_else(|| {
                        let label = gaz
                            .post(&pos.post)
                            .map(|x| x.label_en.clone())
                            .unwrap_or_else(|| pos.post.clone());
                        format!("{label} ({})", pos.org)
                    })
                })
                .collect();
            rows.push(vec![
                Cell::text(self.name(&p.actor_id)),
                Cell::text(actor.country.clone().unwrap_or_default()),
                Cell::text(p.role.as_str()),
                Cell::text(if posts.is_empty() {
                    "—".to_string()
                } else {
                    posts.join("; ")
                })
                .with_refs(refs.clone()),
            ]);
        }
        let place = event
            .place
            .clone()
            .map(|p| self.name(&p))
            .unwrap_or_default();
        let heading = self.heading(
            block,
            &format!(
                "Delegation roster, {} {}",
                event.date.map(|d| d.to_string()).unwrap_or_default(),
                place
            ),
            &format!(
                "出席者名簿（{} {}）",
                event.date.map(|d| d.to_string()).unwrap_or_default(),
                place
            ),
        );
        let head = if ja {
            header(&["氏名", "国", "役割", "当日の役職"])
        } else {
            header(&["Name", "State", "Role", "Post on the day"])
        };
        self.push(
            block,
            Section::new(heading, Body::Table(Table { header: head, rows })).with_note(
                "Posts as held on the event's date, from data/actors (gazetteer positions).",
            ),
        );
        Ok(())
    }
}

fn timeline_heading_needed(rows: &[Vec<Cell>]) -> bool {
    !rows.is_empty()
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 {
        entente_trade::query::thousands(v)
    } else {
        format!("{v}")
    }
}

fn entente_cli_clip(s: &str, n: usize) -> String {
    entente_text::clip(s, n)
}
