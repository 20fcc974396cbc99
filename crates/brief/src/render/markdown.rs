//! Markdown (GitHub-flavoured: pipe tables, `[^n]` footnotes) with charts and link charts
//! written as separate SVG files referenced by relative path.

use std::fmt::Write as _;

use crate::chart::SvgOptions;
use crate::doc::{Body, Cell, Comparison, Document, FootnoteId, FootnoteNumbers, Table};
use crate::labels::{Labels, labels};
use crate::render::source_text;

/// Renders a document to Markdown plus the SVG files it references, as
/// `(file name, SVG text)` pairs to be written into `svg_dir_name` beside the Markdown file.
/// Charts are `chart-NN.svg` and link charts `graph-NN.svg`, NN being the section number.
pub fn render_markdown(doc: &Document, svg_dir_name: &str) -> (String, Vec<(String, String)>) {
    let l = labels(doc.lang);
    let nums = doc.footnote_numbers();
    let mut md = String::new();
    let mut files = Vec::new();
    let dir = svg_dir_name.trim_end_matches('/');
    let _ = writeln!(md, "# {}\n", esc(&doc.title));
    if let Some(s) = &doc.subtitle {
        let _ = writeln!(md, "*{}*\n", esc(s));
    }
    let mut meta = Vec::new();
    if let Some(p) = &doc.period {
        meta.push(format!("**{}:** {}", l.period, esc(&p.to_string())));
    }
    if let Some(a) = &doc.author {
        meta.push(format!("**{}:** {}", l.author, esc(a)));
    }
    if !doc.generated_from.is_empty() {
        meta.push(format!(
            "**{}:** `{}`",
            l.generated_from,
            doc.generated_from.replace('`', "'")
        ));
    }
    if !meta.is_empty() {
        let _ = writeln!(md, "{}\n", meta.join("  \n"));
    }
    for (i, s) in doc.sections.iter().enumerate() {
        let no = i + 1;
        let _ = writeln!(
            md,
            "## {no}. {}{}\n",
            esc(&s.heading),
            markers(&nums, &s.refs)
        );
        if let Some(n) = &s.note {
            let _ = writeln!(md, "> {}\n", esc(n));
        }
        match &s.body {
            Body::Markdown(text) => {
                let _ = writeln!(md, "{}\n", text.trim_end());
            }
            Body::Table(t) => table(&mut md, t, &nums),
            Body::Chart(c) => {
                let name = format!("chart-{no:02}.svg");
                let _ = writeln!(
                    md,
                    "![{}]({dir}/{name}){}\n",
                    alt(&c.title),
                    markers(&nums, &c.refs())
                );
                files.push((name, c.to_svg(&SvgOptions::lang(doc.lang))));
            }
            Body::Graph(g) => {
                let name = format!("graph-{no:02}.svg");
                let _ = writeln!(
                    md,
                    "![{}]({dir}/{name}){}\n",
                    alt(&g.title),
                    markers(&nums, &g.refs())
                );
                files.push((name, g.to_svg(&SvgOptions::lang(doc.lang))));
                if let Some(t) = super::links_table(g, l) {
                    table(&mut md, &t, &nums);
                }
            }
            Body::Comparison(c) => comparison(&mut md, c, &nums, l),
        }
    }
    if !nums.in_order().is_empty() {
        let _ = writeln!(md, "## {}\n", l.sources);
        for (k, id) in nums.in_order().iter().enumerate() {
            let Some(src) = doc.footnotes.get(*id) else {
                continue;
            };
            let st = source_text(src, l);
            let mut line = format!("[^{}]: {}", k + 1, esc(&st.text));
            if let Some(u) = &st.url {
                let _ = write!(line, ". {}", url(u));
            }
            if let Some(sid) = &st.id {
                let _ = write!(line, " \\[{}\\]", esc(sid));
            }
            md.push_str(&line);
            md.push('\n');
        }
    }
    (md, files)
}

/// Footnote markers `[^1][^3]`.
fn markers(nums: &FootnoteNumbers, refs: &[FootnoteId]) -> String {
    nums.numbers_of(refs)
        .iter()
        .map(|n| format!("[^{n}]"))
        .collect()
}

/// Text on one line (newlines become spaces).
fn one_line(s: &str) -> String {
    s.split(['\n', '\r'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A document's words as Markdown text on one line: nothing in them becomes markup. HTML
/// (`<`, `>`, `&`) is written as entities, and the characters that make links, images,
/// emphasis, code or tables (`` \\ ` * _ [ ] | ~ ``) are backslash-escaped, so a title
/// such as `"><img src=x onerror=…>` or `[x](javascript:…)` stays text in any renderer.
pub fn esc(s: &str) -> String {
    let line = one_line(s);
    let mut out = String::with_capacity(line.len() + 8);
    for c in line.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A source's address: an autolink when it is http(s) and plain, escaped text otherwise
/// (a `javascript:` address never becomes a link).
fn url(u: &str) -> String {
    let plain = !u.contains(|c: char| c.is_whitespace() || c.is_control() || "<>\"'`".contains(c));
    let lower = u.to_ascii_lowercase();
    if plain && (lower.starts_with("https://") || lower.starts_with("http://")) {
        format!("<{u}>")
    } else {
        esc(u)
    }
}

/// Image alt text: escaped like all document words.
fn alt(s: &str) -> String {
    esc(s)
}

/// A table cell's text: escaped like all document words, line breaks as `<br>`.
pub fn escape_cell(s: &str) -> String {
    s.lines()
        .map(esc)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("<br>")
}

fn table(md: &mut String, t: &Table, nums: &FootnoteNumbers) {
    let cols = t
        .rows
        .iter()
        .map(Vec::len)
        .chain([t.header.len()])
        .max()
        .unwrap_or(0);
    if cols == 0 {
        return;
    }
    let cell_text = |c: Option<&Cell>| match c {
        Some(c) => {
            let text = escape_cell(&c.text);
            let text = if c.strong && !text.is_empty() {
                format!("**{text}**")
            } else {
                text
            };
            format!("{text}{}", markers(nums, &c.refs))
        }
        None => String::new(),
    };
    let row_line = |cells: &[Cell]| {
        let parts: Vec<String> = (0..cols).map(|i| cell_text(cells.get(i))).collect();
        format!("| {} |", parts.join(" | "))
    };
    let _ = writeln!(md, "{}", row_line(&t.header));
    let numeric_col = |i: usize| {
        t.header.get(i).is_some_and(|c| c.numeric)
            || (!t.rows.is_empty() && t.rows.iter().all(|r| r.get(i).is_none_or(|c| c.numeric)))
    };
    let seps: Vec<&str> = (0..cols)
        .map(|i| if numeric_col(i) { "---:" } else { "---" })
        .collect();
    let _ = writeln!(md, "| {} |", seps.join(" | "));
    for r in &t.rows {
        let _ = writeln!(md, "{}", row_line(r));
    }
    md.push('\n');
}

fn comparison(md: &mut String, c: &Comparison, nums: &FootnoteNumbers, l: &Labels) {
    let name = |i: usize| c.sources.get(i).map(|s| s.label.as_str()).unwrap_or("?");
    let mut header = vec![Cell::text("")];
    header.extend(
        c.sources
            .iter()
            .map(|s| Cell::text(&s.label).with_refs(s.refs.iter().copied())),
    );
    header.push(Cell::text(&l.concepts));
    let rows = c
        .rows
        .iter()
        .map(|r| {
            let mut cells = vec![Cell::text(&r.topic).strong()];
            for i in 0..c.sources.len() {
                let text = r
                    .cells
                    .get(i)
                    .and_then(|x| x.clone())
                    .filter(|t| !t.trim().is_empty())
                    .unwrap_or_else(|| l.not_stated.clone());
                cells.push(Cell::text(text));
            }
            cells.push(Cell::text(r.concepts.join(", ")));
            cells
        })
        .collect();
    table(md, &Table { header, rows }, nums);
    for o in &c.only_in {
        if o.items.is_empty() {
            continue;
        }
        let _ = writeln!(
            md,
            "**{}**\n",
            Labels::fill(&l.only_in, &esc(name(o.source)))
        );
        for it in &o.items {
            let _ = writeln!(md, "- {}", esc(it));
        }
        md.push('\n');
    }
    if !c.presence.is_empty() {
        let _ = writeln!(md, "**{}**\n", l.concept_presence);
        let mut header = vec![Cell::text(&l.concepts)];
        header.extend(c.sources.iter().map(|s| Cell::text(&s.label)));
        let rows = c
            .presence
            .iter()
            .map(|p| {
                let mut cells = vec![Cell::text(&p.concept)];
                for i in 0..c.sources.len() {
                    let yes = p.present.get(i).copied().unwrap_or(false);
                    cells.push(Cell::text(if yes { &l.present } else { &l.absent }));
                }
                cells
            })
            .collect();
        table(md, &Table { header, rows }, nums);
    }
    if !c.absences.is_empty() {
        let _ = writeln!(md, "**{}**\n", l.notable_absences);
        for a in &c.absences {
            let seen = match &a.last_seen {
                Some(d) => Labels::fill(&l.last_seen, &d.to_string()),
                None => l.never_seen.clone(),
            };
            let _ = writeln!(
                md,
                "- **{}** — {}; {}{}",
                esc(&a.concept),
                match a.source {
                    Some(i) => Labels::fill(&l.absent_from, &esc(name(i))),
                    None => l.absent_from_all.clone(),
                },
                seen,
                markers(nums, &a.refs)
            );
        }
        md.push('\n');
    }
}
