//! `entente eval eval/gold-real`: the real-text gold set. Each annotated document is read from
//! `../shared/data` with its corpus's ingest settings (`corpora.toml`), stored in a scratch
//! data directory, extracted, and scored by `entente_extract::eval::real`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use entente_extract::analysis::EventView;
use entente_extract::eval::real::{self, RealDoc, Split};
use entente_ingest::pipeline::{Overrides, prepare};
use entente_ingest::readers::{self, FieldMap, Format, ReadOptions};

use super::Ctx;
use crate::output;

/// Which half of the set to score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SplitArg {
    Dev,
    Test,
    All,
}

/// Options of a real-text run (from `entente eval`'s arguments).
pub struct RealArgs<'a> {
    pub dir: &'a Path,
    pub shared: Option<&'a Path>,
    pub split: SplitArg,
    pub corpus: &'a [String],
    pub details: bool,
    pub json: bool,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Corpora {
    corpus: BTreeMap<String, CorpusSettings>,
}

#[derive(serde::Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct CorpusSettings {
    outlet: Option<String>,
    lang: Option<String>,
    map: Option<String>,
    format: Option<String>,
}

/// Whether `dir` is a real-text set (it has `corpora.toml`).
pub fn is_real_set(dir: &Path) -> bool {
    dir.join("corpora.toml").is_file()
}

fn read_corpora(dir: &Path) -> anyhow::Result<Corpora> {
    let path = dir.join("corpora.toml");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("{}", path.display()))
}

/// Every annotated document of the set, in file order.
fn read_docs(dir: &Path) -> anyhow::Result<Vec<RealDoc>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let mut docs = Vec::new();
    for f in &files {
        docs.extend(real::read_file(f).map_err(|e| anyhow::anyhow!(e))?);
    }
    if docs.is_empty() {
        bail!("{} holds no annotated documents (*.jsonl)", dir.display());
    }
    Ok(docs)
}

/// Reads each document's text as `entente ingest` would, one file at a time.
struct Reader {
    shared: PathBuf,
    corpora: Corpora,
    files: HashMap<(String, String), Vec<readers::RawDoc>>,
}

impl Reader {
    fn raw(&mut self, doc: &RealDoc) -> anyhow::Result<readers::RawDoc> {
        let key = (doc.corpus.clone(), doc.file.clone());
        let settings = self.settings(&doc.corpus)?;
        if !self.files.contains_key(&key) {
            let path = self.shared.join(&doc.corpus).join(&doc.file);
            let bytes = std::fs::read(&path).with_context(|| format!("{}: reading", doc.key()))?;
            let opts = ReadOptions {
                map: match &settings.map {
                    Some(m) => FieldMap::parse(m)
                        .with_context(|| format!("corpora.toml: {}: map", doc.corpus))?,
                    None => FieldMap::default(),
                },
                format: match &settings.format {
                    Some(f) => Some(Format::from_name(f).with_context(|| {
                        format!("corpora.toml: {}: unknown format `{f}`", doc.corpus)
                    })?),
                    None => None,
                },
                encoding: None,
            };
            let docs = readers::read(&path.to_string_lossy(), &bytes, None, &opts)
                .into_iter()
                .filter_map(Result::ok)
                .collect();
            self.files.insert(key.clone(), docs);
        }
        let docs = &self.files[&key];
        let found = match doc.line {
            None => docs.first(),
            Some(n) => docs.iter().find(|d| {
                d.origin.ends_with(&format!("#line={n}"))
                    || d.origin.ends_with(&format!("#item={n}"))
            }),
        };
        found
            .cloned()
            .with_context(|| format!("{}: no such document in ../shared/data", doc.key()))
    }

    fn settings(&self, corpus: &str) -> anyhow::Result<CorpusSettings> {
        self.corpora
            .corpus
            .get(corpus)
            .cloned()
            .with_context(|| format!("corpora.toml has no [corpus.{corpus}]"))
    }
}

pub fn run(a: RealArgs<'_>) -> anyhow::Result<ExitCode> {
    let corpora = read_corpora(a.dir)?;
    let shared = match a.shared {
        Some(s) => s.to_path_buf(),
        None => a.dir.join("../../../shared/data"),
    };
    if !shared.is_dir() {
        bail!(
            "{}: the real corpora are not there; give --shared DIR (the folder holding cctv-xwlb-zh-diplomacy/ …)",
            shared.display()
        );
    }
    let docs: Vec<RealDoc> = read_docs(a.dir)?
        .into_iter()
        .filter(|d| match a.split {
            SplitArg::Dev => d.split == Split::Dev,
            SplitArg::Test => d.split == Split::Test,
            SplitArg::All => true,
        })
        .filter(|d| a.corpus.is_empty() || a.corpus.contains(&d.corpus))
        .collect();
    if docs.is_empty() {
        bail!(
            "no annotated documents in {} for that split and corpus",
            a.dir.display()
        );
    }
    let mut reader = Reader {
        shared,
        corpora,
        files: HashMap::new(),
    };

    let scratch = tempfile::tempdir().context("creating a scratch data directory")?;
    let app = Ctx {
        data_dir: scratch.path().to_path_buf(),
        quiet: true,
    }
    .app(entente_app::Access::ReadWrite)?;
    let mut sources = Vec::with_capacity(docs.len());
    for doc in &docs {
        let raw = reader.raw(doc)?;
        let s = reader.settings(&doc.corpus)?;
        let overrides = Overrides {
            outlet: s.outlet.clone(),
            lang: s
                .lang
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|e| anyhow::anyhow!("corpora.toml: {}: lang: {e}", doc.corpus))?,
            ..Overrides::default()
        };
        let src = prepare(raw, &overrides).with_context(|| doc.key())?;
        if let (Some(want), Some(got)) = (&doc.published, src.published) {
            let got = got.to_string();
            if !got.starts_with(&want[..want.len().min(10)]) {
                bail!(
                    "{}: the annotation says published {want}, the document says {got}: wrong line?",
                    doc.key()
                );
            }
        }
        sources.push(src);
    }
    let ids = app.put_prepared_sources(&sources)?;
    let scored: Vec<(RealDoc, Vec<EventView>)> =
        docs.into_iter().zip(app.draft_events(&ids)?).collect();
    let report = app.score_real(&scored)?;
    if a.json {
        outln!("{}", serde_json::to_string(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    if a.details {
        print_details(&scored, &report);
    }
    let mut t = output::table(&[
        "",
        "docs",
        "gold",
        "predicted",
        "strict P",
        "lenient P",
        "recall",
        "strict R",
        "negatives violated",
    ]);
    let mut row = |label: String, c: &real::Counts| {
        t.add_row(vec![
            label,
            c.documents.to_string(),
            c.gold.to_string(),
            c.predicted.to_string(),
            format!("{:.3}", c.strict_precision),
            format!("{:.3}", c.lenient_precision),
            format!("{:.3}", c.recall),
            format!("{:.3}", c.strict_recall),
            format!("{} of {}", c.negatives_violated, c.negatives),
        ]);
    };
    for (corpus, c) in &report.by_corpus {
        row(corpus.clone(), c);
    }
    for (lang, c) in &report.by_lang {
        row(format!("lang {lang}"), c);
    }
    row("all".into(), &report.total);
    outln!("{t}");
    outln!(
        "split: {}; errors: {}",
        match a.split {
            SplitArg::Dev => "dev",
            SplitArg::Test => "test",
            SplitArg::All => "all",
        },
        report
            .errors
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(ExitCode::SUCCESS)
}

fn gold_line(e: &real::RealEvent) -> String {
    super::eval::event_line(
        &e.kind,
        e.date.as_deref(),
        e.place.as_deref(),
        e.participants
            .iter()
            .map(|p| (p.name.as_str(), p.role.as_str())),
    )
}

/// Each document with an error: what is missed, spurious, a negative, or wrong in a field,
/// with the sentence the prediction came from.
fn print_details(docs: &[(RealDoc, Vec<EventView>)], report: &real::Report) {
    for ((doc, preds), out) in docs.iter().zip(&report.documents) {
        if out.errors.is_empty() {
            continue;
        }
        outln!(
            "{} ({}, published {})",
            out.key,
            doc.split,
            doc.published.as_deref().unwrap_or("?")
        );
        for e in &out.errors {
            let mut line = format!("  {}", e.class.as_str().to_uppercase());
            if let Some(n) = e.negative {
                line.push_str(&format!(" ({})", n.as_str()));
            }
            outln!("{line}");
            if let Some(g) = e.gold {
                outln!("    gold {}", gold_line(&doc.events[g]));
            }
            if let Some(p) = e.predicted {
                outln!("    got  {}", super::eval::pred_line(&preds[p]));
                outln!("         « {} »", super::eval::quote(&preds[p]));
            }
        }
    }
}
