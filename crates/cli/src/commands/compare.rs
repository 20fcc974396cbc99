//! `entente compare` (how outlets reported one event) and `entente trend` (phrase, concept
//! and ladder trends).

use std::collections::BTreeMap;
use std::process::ExitCode;

use entente_app::{Access, CompareRequest, LadderQuery, TrendQuery};
use entente_compare::trend::{self, Bucket};
use entente_compare::{Comparison, Lexicon};
use entente_core::DateValue;

use super::Ctx;
use crate::output;

#[derive(clap::Args)]
pub struct CompareArgs {
    /// Sources to compare (ids or unique prefixes); two or more.
    sources: Vec<String>,
    /// Compare every source of this event, grouped by outlet.
    #[arg(long, conflicts_with = "sources")]
    event: Option<String>,
    /// With --event: only reports from these outlets, one each (the longest); repeatable.
    #[arg(long, requires = "event")]
    outlet: Vec<String>,
    /// Skip the notable-absence check against earlier events.
    #[arg(long)]
    no_absences: bool,
    #[arg(long)]
    json: bool,
}

pub fn compare(ctx: &Ctx, a: CompareArgs) -> anyhow::Result<ExitCode> {
    if a.event.is_none() && a.sources.len() < 2 {
        anyhow::bail!("give two or more sources (ids or prefixes), or --event EVENT_ID");
    }
    let app = ctx.reader()?;
    let cmp = app.compare(&CompareRequest {
        sources: a.sources,
        event: a.event,
        outlets: a.outlet,
        no_absences: a.no_absences,
    })?;
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&cmp)?);
    } else {
        print_comparison(&cmp, app.lexicon()?);
    }
    Ok(ExitCode::SUCCESS)
}

fn letter(i: usize) -> String {
    char::from(b'A' + (i % 26) as u8).to_string()
}

fn concept_label(lexicon: &Lexicon, id: &str) -> String {
    lexicon
        .concept(id)
        .and_then(|c| c.label.get("en").cloned())
        .unwrap_or_else(|| id.to_string())
}

/// The analyst's side-by-side table, then what only one source says, the concept matrix
/// and notable absences.
pub fn print_comparison(cmp: &Comparison, lexicon: &Lexicon) {
    let letters: BTreeMap<&str, String> = cmp
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), letter(i)))
        .collect();
    let name = |id: &str| -> String {
        let s = cmp.sources.iter().find(|s| s.id == id);
        format!(
            "[{}] {} ({})",
            letters.get(id).cloned().unwrap_or_default(),
            s.and_then(|s| s.outlet.clone())
                .unwrap_or_else(|| "?".into()),
            s.map(|s| s.lang.as_str()).unwrap_or("?")
        )
    };
    outln!("Sources");
    for s in &cmp.sources {
        outln!(
            "  [{}] {}  {} ({})  {}  {}",
            letters[s.id.as_str()],
            &s.id[..12],
            s.outlet.as_deref().unwrap_or("?"),
            s.lang,
            s.published.as_deref().unwrap_or("undated"),
            output::clip(s.title.as_deref().unwrap_or(""), 60)
        );
    }
    // One table per pair of sources that share statements.
    let mut by_pair: BTreeMap<(String, String), Vec<&entente_compare::align::Pair>> =
        BTreeMap::new();
    for p in &cmp.pairs {
        by_pair
            .entry((p.a.source_id.clone(), p.b.source_id.clone()))
            .or_default()
            .push(p);
    }
    for ((sa, sb), pairs) in &by_pair {
        outln!("\nReported by both: {} and {}", name(sa), name(sb));
        let mut t = output::table(&[&name(sa), &name(sb), "score", "differs"]);
        for p in pairs {
            let mut differs = Vec::new();
            if !p.differs.concepts_only_a.is_empty() {
                differs.push(format!(
                    "only {}: {}",
                    letters[sa.as_str()],
                    p.differs.concepts_only_a.join(", ")
                ));
            }
            if !p.differs.concepts_only_b.is_empty() {
                differs.push(format!(
                    "only {}: {}",
                    letters[sb.as_str()],
                    p.differs.concepts_only_b.join(", ")
                ));
            }
            t.add_row(vec![
                output::clip(&p.a.text, 160),
                output::clip(&p.b.text, 160),
                format!("{:.2}", p.score),
                differs.join("\n"),
            ]);
        }
        outln!("{t}");
    }
    for s in &cmp.sources {
        let Some(only) = cmp.only.get(&s.id) else {
            continue;
        };
        if only.is_empty() {
            continue;
        }
        outln!("\nOnly in {}", name(&s.id));
        for o in only {
            let tags = if o.concepts.is_empty() {
                String::new()
            } else {
                format!("  [{}]", o.concepts.join(", "))
            };
            outln!("  - {}{tags}", output::clip(&o.text, 200));
        }
    }
    if !cmp.concepts.is_empty() {
        outln!("\nConcepts");
        let mut header = vec!["concept".to_string()];
        header.extend(cmp.sources.iter().map(|s| letters[s.id.as_str()].clone()));
        let refs: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut t = output::table(&refs);
        for (c, row) in &cmp.concepts {
            let mut cells = vec![format!("{} ({c})", concept_label(lexicon, c))];
            cells.extend(cmp.sources.iter().map(|s| {
                if row.get(&s.id).copied().unwrap_or(false) {
                    "✓".to_string()
                } else {
                    "—".to_string()
                }
            }));
            t.add_row(cells);
        }
        outln!("{t}");
    }
    for (id, concepts) in &cmp.noted_absent {
        outln!(
            "\n{} remarks that these were not mentioned: {}",
            name(id),
            concepts.join(", ")
        );
    }
    if !cmp.absences.is_empty() {
        outln!(
            "\nNotable absences (used in earlier meetings between the same leaders, in none of these sources)"
        );
        for ab in &cmp.absences {
            outln!(
                "  - {} ({}): last seen {} in event {} (source {}), used in {} earlier event{}",
                concept_label(lexicon, &ab.concept),
                ab.concept,
                ab.last_seen.date.as_deref().unwrap_or("undated"),
                ab.last_seen.event_id,
                &ab.last_seen.source_id[..12.min(ab.last_seen.source_id.len())],
                ab.events,
                if ab.events == 1 { "" } else { "s" }
            );
        }
    }
}

#[derive(clap::Args)]
pub struct TrendArgs {
    /// A word or phrase (quoted automatically; AND / OR expressions are passed through).
    #[arg(required_unless_present_any = ["concept", "ladder"])]
    phrase: Option<String>,
    /// A concept id from data/concepts (all its terms in every language).
    #[arg(long, conflicts_with_all = ["phrase", "ladder"])]
    concept: Option<String>,
    /// A ladder id from data/concepts/ladders.toml (needs --actors).
    #[arg(long, requires = "actors", conflicts_with = "phrase")]
    ladder: Option<String>,
    /// Two states for a ladder trend, ISO codes: RU,KP.
    #[arg(long, value_delimiter = ',')]
    actors: Vec<String>,
    /// Group by `outlet` and/or a period (`month`, `quarter`, `year`); repeatable.
    #[arg(long, value_delimiter = ',', default_value = "year")]
    by: Vec<String>,
    /// Show matches per 1,000 sources of the period (and outlet).
    #[arg(long)]
    normalize: bool,
    /// Only sources in these languages.
    #[arg(long, value_delimiter = ',')]
    lang: Vec<String>,
    /// Only sources from these outlets.
    #[arg(long)]
    outlet: Vec<String>,
    #[arg(long)]
    from: Option<DateValue>,
    #[arg(long)]
    to: Option<DateValue>,
    #[arg(long)]
    json: bool,
}

/// Splits `--by` into the period and whether to split by outlet.
pub fn parse_by(by: &[String]) -> anyhow::Result<(Bucket, bool)> {
    let mut bucket = None;
    let mut outlet = false;
    for b in by {
        match b.trim() {
            "outlet" => outlet = true,
            other => {
                if bucket.replace(other.parse::<Bucket>()?).is_some() {
                    anyhow::bail!("--by takes one period (month, quarter or year)");
                }
            }
        }
    }
    Ok((bucket.unwrap_or(Bucket::Year), outlet))
}

fn bar(v: f64, max: f64) -> String {
    if max <= 0.0 {
        return String::new();
    }
    "█".repeat(((v / max) * 30.0).round() as usize)
}

pub fn trend(ctx: &Ctx, a: TrendArgs) -> anyhow::Result<ExitCode> {
    let (bucket, by_outlet) = parse_by(&a.by)?;
    if let Some(ladder) = &a.ladder {
        let [x, y] = a.actors.as_slice() else {
            anyhow::bail!("--actors takes two state codes, e.g. RU,KP");
        };
        let app = ctx.app(Access::ReadOnly)?;
        let lexicon = app.lexicon()?;
        let t = app.ladder_trend(&LadderQuery {
            ladder: ladder.clone(),
            states: vec![x.clone(), y.clone()],
            by: bucket,
            from: a.from,
            to: a.to,
        })?;
        let (x, y) = (&t.actors.0, &t.actors.1);
        if a.json {
            outln!("{}", serde_json::to_string_pretty(&t)?);
            return Ok(ExitCode::SUCCESS);
        }
        let (_, l) = lexicon.ladder(ladder)?;
        outln!(
            "{} between {x} and {y}, strongest wording per exchange (rank 1 = weakest)",
            l.label.get("en").cloned().unwrap_or_else(|| l.id.clone())
        );
        let mut header: Vec<String> = vec!["period".into(), "exchanges".into()];
        header.extend(l.levels.iter().map(|v| format!("{} ({})", v.id, v.rank)));
        header.extend(["strongest".into(), "mean rank".into()]);
        let refs: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut tab = output::table(&refs);
        for r in &t.rows {
            let mut cells = vec![r.period.clone(), r.events.to_string()];
            cells.extend(r.levels.iter().map(|(_, n)| n.to_string()));
            cells.push(r.top.clone().unwrap_or_default());
            cells.push(r.mean_rank.map(|m| format!("{m:.2}")).unwrap_or_default());
            tab.add_row(cells);
        }
        outln!("{tab}");
        return Ok(ExitCode::SUCCESS);
    }
    let app = ctx.app(Access::ReadOnly)?;
    let t = app.trend(&TrendQuery {
        phrase: a.phrase.clone(),
        concept: a.concept.clone(),
        by: bucket,
        by_outlet,
        langs: a.lang.clone(),
        outlets: a.outlet.clone(),
        from: a.from,
        to: a.to,
    })?;
    if a.json {
        outln!("{}", serde_json::to_string_pretty(&t)?);
        return Ok(ExitCode::SUCCESS);
    }
    let value = |r: &trend::TrendRow| {
        if a.normalize {
            r.per_1000.unwrap_or(0.0)
        } else {
            r.matches as f64
        }
    };
    let max = t.rows.iter().map(value).fold(0.0, f64::max);
    let mut header = vec!["period"];
    if by_outlet {
        header.push("outlet");
    }
    header.extend(["matches", "sources", "per 1,000", ""]);
    let mut tab = output::table(&header);
    for r in &t.rows {
        let mut cells = vec![r.period.clone()];
        if by_outlet {
            cells.push(r.outlet.clone().unwrap_or_else(|| "(none)".into()));
        }
        cells.push(r.matches.to_string());
        cells.push(r.sources.to_string());
        cells.push(r.per_1000.map(|p| format!("{p:.1}")).unwrap_or_default());
        cells.push(bar(value(r), max));
        tab.add_row(cells);
    }
    outln!("{}", output::clip(&format!("query: {}", t.query), 200));
    outln!("{tab}");
    if t.undated > 0 {
        outln!("({} matching sources have no publication date)", t.undated);
    }
    Ok(ExitCode::SUCCESS)
}
