//! `entente eval DIR`: ingest a gold set into a scratch data directory, extract, and score.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use entente_app::{Access, IngestRequest};
use entente_extract::analysis;
use entente_extract::eval;
use entente_ingest::pipeline::Status;

use super::Ctx;

#[derive(clap::Args)]
pub struct Args {
    /// A directory of NAME.md articles, each with its expected events in NAME.json; or a
    /// real-text set (`eval/gold-real`: a corpora.toml and annotation *.jsonl files).
    dir: PathBuf,
    /// Real-text set: which split to score. Rules are tuned on dev; test is only measured (and
    /// each run recorded in the set's README).
    #[arg(long, value_enum, default_value = "dev")]
    split: super::eval_real::SplitArg,
    /// Real-text set: only these corpora (folder names under ../shared/data); repeatable.
    #[arg(long)]
    corpus: Vec<String>,
    /// Real-text set: the folder holding the corpora (default: ../shared/data beside the
    /// repository the set is in).
    #[arg(long)]
    shared: Option<PathBuf>,
    /// Print every document's gold and predicted events where they differ.
    #[arg(long)]
    show_misses: bool,
    /// Per document: gold events missed, spurious predictions (with their quote), and matched
    /// events whose date, participants or place differ.
    #[arg(long)]
    details: bool,
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, a: Args) -> anyhow::Result<ExitCode> {
    if super::eval_real::is_real_set(&a.dir) {
        return super::eval_real::run(super::eval_real::RealArgs {
            dir: &a.dir,
            shared: a.shared.as_deref(),
            split: a.split,
            corpus: &a.corpus,
            details: a.details || a.show_misses,
            json: a.json,
        });
    }
    let scratch = tempfile::tempdir().context("creating a scratch data directory")?;
    let app = Ctx {
        data_dir: scratch.path().to_path_buf(),
        quiet: true,
    }
    .app(Access::ReadWrite)?;
    // Every NAME.md with a NAME.json beside it (a README.md is not an article).
    let mut inputs = Vec::new();
    for entry in
        std::fs::read_dir(&a.dir).with_context(|| format!("reading {}", a.dir.display()))?
    {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "md") && path.with_extension("json").is_file() {
            inputs.push(path.display().to_string());
        }
    }
    if inputs.is_empty() {
        anyhow::bail!(
            "{} has no NAME.md articles with NAME.json beside them",
            a.dir.display()
        );
    }
    inputs.sort();
    let summary = app.ingest(
        &IngestRequest {
            inputs,
            ..Default::default()
        },
        &mut |_| {},
    )?;
    if let Some(f) = summary.failures().next() {
        anyhow::bail!(
            "could not ingest the gold set: {}",
            f.error.as_deref().unwrap_or(&f.origin)
        );
    }
    // Score each document's own extraction, before the knowledge base merges it with what
    // other documents said (a background "April 2019" rightly joins the dated event there).
    let mut ids = Vec::new();
    let mut golds = Vec::new();
    for item in &summary.items {
        let Some(id) = item.id else { continue };
        if item.status == Status::Unchanged {
            anyhow::bail!("{} has the same text as another gold article", item.origin);
        }
        let path = PathBuf::from(&item.origin);
        let gold = eval::read_gold(&path).map_err(|e| anyhow::anyhow!(e))?;
        let name = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        ids.push(id);
        golds.push((name, gold));
    }
    let mut docs: Vec<_> = golds
        .into_iter()
        .zip(app.draft_events(&ids)?)
        .map(|((name, gold), views)| (name, gold, views))
        .collect();
    docs.sort_by(|x, y| x.0.cmp(&y.0));
    let report = eval::score(&docs);
    if a.json {
        outln!("{}", serde_json::to_string(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    if a.details {
        print_details(&docs, &report);
    }
    if a.show_misses {
        for (name, gold, pred) in &docs {
            let g: Vec<String> = gold
                .iter()
                .map(|e| {
                    format!(
                        "{} {} {:?} [{}]",
                        e.kind,
                        e.date.as_deref().unwrap_or("?"),
                        e.place,
                        e.participants
                            .iter()
                            .map(|p| p.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
                .collect();
            let p: Vec<String> = pred
                .iter()
                .map(|e| {
                    format!(
                        "{} {} {:?} [{}]",
                        e.kind,
                        e.date.as_deref().unwrap_or("?"),
                        e.place.as_ref().map(|p| &p.name_en),
                        e.participants
                            .iter()
                            .map(|p| p.name_en.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
                .collect();
            let mut gs = g.clone();
            let mut ps = p.clone();
            gs.sort();
            ps.sort();
            if gs != ps {
                outln!(
                    "{name}\n  gold: {}\n  got:  {}",
                    g.join("\n        "),
                    p.join("\n        ")
                );
            }
        }
    }
    let mut t = crate::output::table(&["", "precision", "recall", "F1", "tp / predicted / gold"]);
    for (label, m) in [
        ("events", &report.events),
        ("dates", &report.dates),
        ("participants", &report.participants),
        ("places", &report.places),
    ] {
        t.add_row(vec![
            label.to_string(),
            format!("{:.3}", m.precision),
            format!("{:.3}", m.recall),
            format!("{:.3}", m.f1),
            format!("{} / {} / {}", m.tp, m.predicted, m.gold),
        ]);
    }
    outln!("{t}");
    if !ctx.quiet {
        outln!("{} documents", report.documents);
    }
    Ok(ExitCode::SUCCESS)
}

/// One event on one line: `type date place [name:role, …]`.
pub(super) fn event_line<'a>(
    kind: &str,
    date: Option<&str>,
    place: Option<&str>,
    who: impl Iterator<Item = (&'a str, &'a str)>,
) -> String {
    format!(
        "{kind} {} {} [{}]",
        date.unwrap_or("?"),
        place.unwrap_or("-"),
        who.map(|(name, role)| format!("{name}:{role}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn gold_line(e: &eval::GoldEvent) -> String {
    event_line(
        &e.kind,
        e.date.as_deref(),
        e.place.as_deref(),
        e.participants
            .iter()
            .map(|p| (p.name.as_str(), p.role.as_str())),
    )
}

pub(super) fn pred_line(e: &analysis::EventView) -> String {
    event_line(
        e.kind.as_str(),
        e.date.as_deref(),
        e.place.as_ref().map(|p| p.name_en.as_str()),
        e.participants
            .iter()
            .map(|p| (p.name_en.as_str(), p.role.as_str())),
    )
}

pub(super) fn quote(e: &analysis::EventView) -> String {
    let q: String = e
        .citations
        .first()
        .map(|c| c.quote.replace('\n', " "))
        .unwrap_or_default();
    let short: String = q.chars().take(160).collect();
    if short.len() < q.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// The error analysis: for each document that differs from its gold, what was missed, what
/// is spurious and which matched events got a date, participant or place wrong.
fn print_details(
    docs: &[(String, Vec<eval::GoldEvent>, Vec<analysis::EventView>)],
    report: &eval::Report,
) {
    for ((name, gold, pred), d) in docs.iter().zip(&report.details) {
        let mut lines = Vec::new();
        for &g in &d.missed {
            lines.push(format!("  MISSED   {}", gold_line(&gold[g])));
        }
        for &p in &d.spurious {
            lines.push(format!(
                "  SPURIOUS {}\n           « {} »",
                pred_line(&pred[p]),
                quote(&pred[p])
            ));
        }
        for &(g, p) in &d.matched {
            let (g, p) = (&gold[g], &pred[p]);
            let mut what = Vec::new();
            if g.date != p.date {
                what.push("date");
            }
            let gn: std::collections::BTreeSet<String> = g
                .participants
                .iter()
                .map(|x| x.name.to_lowercase())
                .collect();
            let pn: std::collections::BTreeSet<String> = p
                .participants
                .iter()
                .map(|x| x.name_en.to_lowercase())
                .collect();
            if gn != pn {
                what.push("participants");
            }
            let pp = p.place.as_ref().map(|x| x.name_en.to_lowercase());
            if g.place.as_ref().map(|x| x.to_lowercase()) != pp {
                what.push("place");
            }
            if !what.is_empty() {
                lines.push(format!(
                    "  WRONG {}\n    gold {}\n    got  {}\n           « {} »",
                    what.join("+"),
                    gold_line(g),
                    pred_line(p),
                    quote(p)
                ));
            }
        }
        if !lines.is_empty() {
            outln!("{name}\n{}", lines.join("\n"));
        }
    }
}
