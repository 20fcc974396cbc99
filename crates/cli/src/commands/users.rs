//! `entente users`: the accounts of `entente serve` (the terminal's user acts as an admin).

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use anyhow::Context;
use entente_app::{Access, Role, UserAdd};

use super::Ctx;
use crate::output;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Add a user; the password is asked for (or read from the first line of stdin).
    Add {
        name: String,
        /// viewer (reads), analyst (also ingests, reviews, writes briefings) or admin (also
        /// manages users).
        #[arg(long, default_value = "analyst")]
        role: String,
    },
    /// List users.
    List {
        /// JSON Lines, one user per line.
        #[arg(long)]
        json: bool,
    },
    /// Disable a user: their sessions end and their API tokens stop working.
    Disable { name: String },
    /// Enable a disabled user again.
    Enable { name: String },
    /// Set a new password (asked for, or the first line of stdin); the user's sessions end.
    Reset { name: String },
}

/// A password from the terminal (not echoed, asked twice) or from stdin's first line.
fn read_password(what: &str) -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first =
            rpassword::prompt_password(format!("{what}: ")).context("reading the password")?;
        let again = rpassword::prompt_password("again: ").context("reading the password")?;
        if first != again {
            anyhow::bail!("the two passwords differ; nothing changed");
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub fn run(ctx: &Ctx, c: Command) -> anyhow::Result<ExitCode> {
    let who = ctx.who();
    match c {
        Command::Add { name, role } => {
            let role = Role::parse(&role)?;
            let password = read_password(&format!("password for {name}"))?;
            let u = ctx.app(Access::ReadWrite)?.add_user(
                &who,
                &UserAdd {
                    name,
                    role,
                    password,
                },
            )?;
            if !ctx.quiet {
                outln!("added {} ({})", u.name, u.role.as_str());
            }
        }
        Command::List { json } => {
            let rows = ctx.app(Access::ReadOnly)?.users(&who)?;
            if json {
                output::json_lines(&rows)?;
            } else {
                let mut t = output::table(&["name", "role", "disabled", "created", "updated"]);
                for u in &rows {
                    t.add_row(vec![
                        u.name.clone(),
                        u.role.as_str().to_string(),
                        if u.disabled { "yes" } else { "" }.to_string(),
                        u.created.clone(),
                        u.updated.clone(),
                    ]);
                }
                outln!("{t}");
            }
        }
        Command::Disable { name } => {
            let u = ctx
                .app(Access::ReadWrite)?
                .set_user_disabled(&who, &name, true)?;
            if !ctx.quiet {
                outln!("disabled {}", u.name);
            }
        }
        Command::Enable { name } => {
            let u = ctx
                .app(Access::ReadWrite)?
                .set_user_disabled(&who, &name, false)?;
            if !ctx.quiet {
                outln!("enabled {}", u.name);
            }
        }
        Command::Reset { name } => {
            let password = read_password(&format!("new password for {name}"))?;
            let u = ctx
                .app(Access::ReadWrite)?
                .reset_password(&who, &name, &password)?;
            if !ctx.quiet {
                outln!("new password set for {}; their sessions ended", u.name);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
