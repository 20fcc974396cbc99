//! `entente hs …`: HS nomenclature labels, rollups and the edition concordance.

use std::path::PathBuf;
use std::process::ExitCode;

use entente_trade::hs::{self, Concordance};
use entente_trade::{Nomenclature, TradeStore};
use serde::Serialize;

use super::Ctx;
use super::trade::{OutArgs, emit};
use crate::output;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Import labels: the HS list (harmonized-system.csv, sections.csv) or China's 8-digit lists.
    Import {
        #[arg(required = true, num_args = 1..)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        out: OutArgs,
    },
    /// A code's label and its rollup (HS8 → HS6 → HS4 → HS2 → section).
    Show {
        code: String,
        /// en, zh or ja (falls back ja → zh → en, zh → en, en → zh).
        #[arg(long, default_value = "en")]
        lang: String,
        #[command(flatten)]
        out: OutArgs,
    },
    /// Codes under a prefix with labels.
    List {
        #[arg(default_value = "")]
        prefix: String,
        #[arg(long, default_value = "en")]
        lang: String,
        #[command(flatten)]
        out: OutArgs,
    },
    /// The concordance between HS editions (data/hs/concordance.csv).
    Concordance {
        /// Only groups containing this code.
        code: Option<String>,
        #[command(flatten)]
        out: OutArgs,
    },
}

fn store(ctx: &Ctx) -> anyhow::Result<TradeStore> {
    let dir = ctx.data_dir.join("trade");
    super::open_trade(dir)
}

#[derive(Serialize)]
struct ShowRow {
    level: &'static str,
    code: String,
    label: Option<String>,
}

pub fn run(ctx: &Ctx, cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Import { files, out } => {
            let store = store(ctx)?;
            let mut nm = store.nomenclature()?;
            let bar = output::progress_bar();
            bar.set_length(files.len() as u64);
            let mut reports = Vec::new();
            for f in &files {
                reports.push(nm.import_file(f)?);
                bar.inc(1);
            }
            nm.save()?;
            bar.finish_and_clear();
            if !emit(&reports, out)? {
                let mut t = output::table(&["file", "kind", "lang", "labels"]);
                for r in &reports {
                    t.add_row(vec![
                        output::clip(&r.file, 60),
                        r.kind.clone(),
                        r.lang.clone(),
                        r.labels.to_string(),
                    ]);
                }
                println!("{t}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Show { code, lang, out } => {
            let code = entente_trade::model::normalize_hs(&code).map_err(anyhow::Error::msg)?;
            let nm = store(ctx)?.nomenclature()?;
            let r = hs::rollup(&code);
            let mut rows = Vec::new();
            for (level, c) in [
                ("hs8", r.hs8),
                ("hs6", r.hs6),
                ("hs4", r.hs4),
                ("hs2", r.hs2),
            ] {
                if let Some(c) = c {
                    rows.push(ShowRow {
                        level,
                        label: nm.label(&c, &lang),
                        code: c,
                    });
                }
            }
            if let Some(s) = r.section {
                rows.push(ShowRow {
                    level: "section",
                    label: nm.label(&s, &lang),
                    code: s,
                });
            }
            if !emit(&rows, out)? {
                let mut t = output::table(&["level", "code", "label"]);
                for r in &rows {
                    t.add_row(vec![
                        r.level.to_string(),
                        r.code.clone(),
                        r.label.clone().unwrap_or_default(),
                    ]);
                }
                println!("{t}");
                if nm.is_empty() && !ctx.quiet {
                    eprintln!(
                        "note: no nomenclature imported (entente hs import …); codes have no labels"
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::List { prefix, lang, out } => {
            let nm: Nomenclature = store(ctx)?.nomenclature()?;
            let p: String = prefix.chars().filter(|c| *c != '.').collect();
            #[derive(Serialize)]
            struct Row {
                code: String,
                label: Option<String>,
            }
            let rows: Vec<Row> = nm
                .list(&p, &lang)
                .into_iter()
                .map(|(code, label)| Row { code, label })
                .collect();
            if !emit(&rows, out)? {
                let mut t = output::table(&["code", "label"]);
                for r in &rows {
                    t.add_row(vec![
                        entente_trade::model::display_hs(&r.code),
                        r.label.clone().unwrap_or_default(),
                    ]);
                }
                println!("{t}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Concordance { code, out } => {
            let c = Concordance::bundled()?;
            let rows: Vec<_> = match code {
                Some(code) => {
                    let code =
                        entente_trade::model::normalize_hs(&code).map_err(anyhow::Error::msg)?;
                    let g = c.harmonize(&code);
                    c.rows.into_iter().filter(|r| r.group == g).collect()
                }
                None => c.rows,
            };
            if !emit(&rows, out)? {
                let mut t = output::table(&["group", "edition", "code", "note"]);
                for r in &rows {
                    t.add_row(vec![
                        r.group.clone(),
                        r.edition.clone(),
                        entente_trade::model::display_hs(&r.code),
                        r.note.clone(),
                    ]);
                }
                println!("{t}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
