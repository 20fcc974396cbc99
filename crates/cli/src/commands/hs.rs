//! `entente hs …`: HS nomenclature labels, rollups and the edition concordance.

use std::path::PathBuf;
use std::process::ExitCode;

use entente_app::Access;
use entente_trade::model::display_hs;

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

pub fn run(ctx: &Ctx, cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Import { files, out } => {
            let app = ctx.app(Access::ReadWrite)?;
            let bar = output::progress_bar();
            bar.set_length(files.len() as u64);
            let reports = app.hs_import(&files, &mut |_, _| bar.inc(1))?;
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
                outln!("{t}");
            }
        }
        Command::Show { code, lang, out } => {
            let r = ctx.reader()?.hs_rollup(&code, &lang)?;
            if !emit(&r.levels, out)? {
                let mut t = output::table(&["level", "code", "label"]);
                for r in &r.levels {
                    t.add_row(vec![
                        r.level.clone(),
                        r.code.clone(),
                        r.label.clone().unwrap_or_default(),
                    ]);
                }
                outln!("{t}");
                if !r.labelled && !ctx.quiet {
                    errln!(
                        "note: no nomenclature imported (entente hs import …); codes have no labels"
                    );
                }
            }
        }
        Command::List { prefix, lang, out } => {
            let rows = ctx.reader()?.hs_list(&prefix, &lang)?;
            if !emit(&rows, out)? {
                let mut t = output::table(&["code", "label"]);
                for r in &rows {
                    t.add_row(vec![
                        display_hs(&r.code),
                        r.label.clone().unwrap_or_default(),
                    ]);
                }
                outln!("{t}");
            }
        }
        Command::Concordance { code, out } => {
            let rows = entente_app::hs_concordance(code.as_deref())?;
            if !emit(&rows, out)? {
                let mut t = output::table(&["group", "edition", "code", "note"]);
                for r in &rows {
                    t.add_row(vec![
                        r.group.clone(),
                        r.edition.clone(),
                        display_hs(&r.code),
                        r.note.clone(),
                    ]);
                }
                outln!("{t}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
