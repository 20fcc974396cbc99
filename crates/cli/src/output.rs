//! Output helpers: tables for people, JSON Lines for programs, progress bars on stderr.

use std::io::{IsTerminal, Write};

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use indicatif::{ProgressBar, ProgressDrawTarget};
use serde::Serialize;

/// A progress bar drawn on stderr only when it is a terminal.
pub fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar
}

/// Writes one JSON object per line.
pub fn json_lines<T: Serialize>(items: &[T]) -> anyhow::Result<()> {
    let mut text = String::new();
    for item in items {
        let line = serde_json::to_string(item)?;
        text.push_str(&clean(&line));
        text.push('\n');
        if text.len() > 1 << 16 {
            stdout_bytes(text.as_bytes());
            text.clear();
        }
    }
    stdout_bytes(text.as_bytes());
    Ok(())
}

/// A table with the house style.
pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    if !std::io::stdout().is_terminal() {
        t.set_width(160);
    }
    t
}

/// Renders `<b>…</b>` highlights for a terminal (bold) or as «…» when piped; unescapes HTML.
pub fn terminal_snippet(s: &str) -> String {
    let (on, off) = if std::io::stdout().is_terminal() {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("«", "»")
    };
    s.replace("<b>", on)
        .replace("</b>", off)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

pub use entente_text::clip;

/// `s` with control characters (escape sequences, carriage returns, bidi overrides) shown
/// escaped as `\uXXXX`: a document's words or a file's name never drive the terminal. Line
/// feeds and tabs are kept (they lay out tables and lists). The escape is also a valid JSON
/// escape, so JSON output means the same after cleaning.
pub fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Writes to stdout. When the reader has gone (`entente sources show ID | head`), the
/// command ends quietly with success, as Unix tools do, instead of panicking.
pub fn stdout_bytes(b: &[u8]) {
    let mut out = std::io::stdout().lock();
    match out.write_all(b).and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            eprintln!("error: writing to standard output: {e}");
            std::process::exit(1);
        }
    }
}

/// `println!` with [`clean`], ending quietly on a closed pipe: every line the CLI prints
/// goes through it.
macro_rules! outln {
    () => { $crate::output::stdout_bytes(b"\n") };
    ($($a:tt)*) => {{
        let mut s = $crate::output::clean(&format!($($a)*)).into_owned();
        s.push('\n');
        $crate::output::stdout_bytes(s.as_bytes())
    }};
}

/// `print!` with [`clean`].
macro_rules! out {
    ($($a:tt)*) => { $crate::output::stdout_bytes($crate::output::clean(&format!($($a)*)).as_bytes()) };
}

/// `eprintln!` with [`clean`].
macro_rules! errln {
    () => { eprintln!() };
    ($($a:tt)*) => { eprintln!("{}", $crate::output::clean(&format!($($a)*))) };
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(clean("plain 会谈\n\tnext"), "plain 会谈\n\tnext");
        assert_eq!(clean("a\u{1b}[31mred\rb"), "a\\u001b[31mred\\u000db");
        assert_eq!(clean("x\u{202e}y\u{9b}"), "x\\u202ey\\u009b");
        // In JSON the escape decodes back to the same text.
        let json = serde_json::to_string(&"x\u{202e}y\u{9b}").expect("json");
        let back: String = serde_json::from_str(&clean(&json)).expect("still JSON");
        assert_eq!(back, "x\u{202e}y\u{9b}");
    }
}
