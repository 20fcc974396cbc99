//! One standalone HTML5 file: inline CSS (screen and A4 print), inline SVG, numbered
//! footnote markers and a Sources list. No timestamps: identical documents render to
//! identical bytes.

use std::fmt::Write as _;

use crate::chart::SvgOptions;
use crate::doc::{Body, Cell, Comparison, Document, FootnoteId, FootnoteNumbers, Table};
use crate::graph::Graph;
use crate::labels::{Labels, labels};
use crate::render::mdsub;
use crate::render::source_text;
use crate::svg::{FONT_STACK, escape_xml as esc};

const CSS: &str = r#"
:root { --ink: #1f2328; --muted: #5f6670; --rule: #d5d9de; --accent: #0b5f99; --band: #f5f7f9; }
* { box-sizing: border-box; }
html { color: var(--ink); background: #fff; }
body { font-family: FONTS; max-width: 182mm; margin: 0 auto; padding: 28px 20px 56px; font-size: 10.5pt; line-height: 1.6; }
header.doc { border-bottom: 2.5px solid var(--accent); padding-bottom: 12px; margin-bottom: 20px; }
h1 { font-size: 21pt; line-height: 1.25; margin: 0 0 4px; font-weight: 700; letter-spacing: .01em; }
.subtitle { font-size: 12.5pt; color: var(--muted); margin: 0 0 10px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 1px 14px; font-size: 8.8pt; color: var(--muted); margin: 8px 0 0; }
dl.meta dt { font-weight: 700; }
dl.meta dd { margin: 0; }
dl.meta code { font-size: 8.5pt; }
section.part { margin: 0 0 20px; }
h2 { font-size: 13.5pt; line-height: 1.35; margin: 0 0 6px; padding-bottom: 3px; border-bottom: 1px solid var(--rule); }
h2 .no { color: var(--accent); margin-right: .45em; font-variant-numeric: tabular-nums; }
h3 { font-size: 11pt; margin: 12px 0 4px; }
h4, h5, h6 { font-size: 10.5pt; margin: 10px 0 4px; }
p { margin: 0 0 8px; }
p.note { color: var(--muted); font-size: 9.2pt; margin: 2px 0 8px; }
blockquote { margin: 6px 0; padding: 2px 12px; border-left: 3px solid var(--rule); color: var(--muted); }
a { color: var(--accent); }
code { font-family: "Noto Sans Mono CJK JP", "Noto Sans Mono", monospace; font-size: 92%; }
table { border-collapse: collapse; width: 100%; font-size: 9.2pt; line-height: 1.45; margin: 6px 0 10px; }
th, td { padding: 3px 8px; text-align: left; vertical-align: top; border-bottom: 1px solid #e6e8eb; }
thead th { background: var(--band); border-top: 1.5px solid #9aa1a9; border-bottom: 1.5px solid #9aa1a9; font-weight: 700; }
tbody th { font-weight: 700; }
tbody tr:nth-child(even) td { background: #fbfbfc; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.strong { font-weight: 700; }
.nw { white-space: nowrap; }
td.absent { color: #9aa1a9; text-align: center; }
td.mark { text-align: center; color: var(--accent); }
.tag { display: inline-block; background: #e9f1f8; color: #1d4e75; border-radius: 3px; padding: 0 5px; margin: 1px 3px 1px 0; font-size: 8pt; white-space: nowrap; }
sup.fn { font-size: 68%; line-height: 0; margin-left: 1px; white-space: nowrap; }
sup.fn a { text-decoration: none; color: var(--accent); font-weight: 700; }
figure { margin: 4px 0 10px; }
figcaption { font-weight: 700; font-size: 10pt; margin: 0 0 2px; }
figure svg { display: block; width: 100%; height: auto; }
table.links { font-size: 8.6pt; }
ul.plain { margin: 4px 0 8px; padding-left: 1.3em; }
section.sources { margin-top: 28px; }
section.sources ol { font-size: 8.6pt; line-height: 1.5; padding-left: 2.4em; margin: 6px 0 0; }
section.sources li { margin: 0 0 3px; overflow-wrap: anywhere; }
section.sources .sid { color: var(--muted); font-size: 90%; }
@page { size: A4; margin: 15mm 14mm 16mm 14mm; }
@media print {
  html, body { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { max-width: none; padding: 0; font-size: 9.6pt; }
  section.part { break-inside: avoid-page; page-break-inside: avoid; }
  section.part.long { break-inside: auto; page-break-inside: auto; }
  h2, h3, figcaption { break-after: avoid-page; page-break-after: avoid; }
  figure, tr, li { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  a { text-decoration: none; }
}
"#;

/// Rows above which a section may split across pages instead of moving to the next one.
const LONG_TABLE: usize = 28;

/// Renders a document to one standalone HTML5 file.
pub fn render_html(doc: &Document) -> String {
    let l = labels(doc.lang);
    let nums = doc.footnote_numbers();
    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"entente-brief\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n",
        doc.lang.tag(),
        esc(&doc.title),
        CSS.replace("FONTS", FONT_STACK)
    );
    header(&mut h, doc, l);
    h.push_str("<main>\n");
    for (i, s) in doc.sections.iter().enumerate() {
        let long = matches!(&s.body, Body::Table(t) if t.rows.len() > LONG_TABLE)
            || matches!(&s.body, Body::Comparison(c) if c.rows.len() > LONG_TABLE)
            || matches!(&s.body, Body::Graph(g) if g.edges.len() > LONG_TABLE);
        let _ = writeln!(
            h,
            "<section class=\"part{}\" id=\"s{}\">",
            if long { " long" } else { "" },
            i + 1
        );
        let _ = writeln!(
            h,
            "<h2><span class=\"no\">{}</span>{}{}</h2>",
            i + 1,
            esc(&s.heading),
            markers(&nums, &s.refs)
        );
        if let Some(n) = &s.note {
            let _ = writeln!(h, "<p class=\"note\">{}</p>", mdsub::inline(n));
        }
        match &s.body {
            Body::Markdown(md) => h.push_str(&mdsub::to_html(md)),
            Body::Table(t) => table(&mut h, t, &nums, ""),
            Body::Chart(c) => {
                let svg = c.to_svg(&SvgOptions {
                    show_title: false,
                    ..SvgOptions::lang(doc.lang)
                });
                let _ = write!(
                    h,
                    "<figure>\n<figcaption>{}{}</figcaption>\n{}</figure>\n",
                    esc(&c.title),
                    markers(&nums, &c.refs()),
                    svg
                );
            }
            Body::Graph(g) => graph(&mut h, g, doc, &nums, l),
            Body::Comparison(c) => comparison(&mut h, c, &nums, l),
        }
        h.push_str("</section>\n");
    }
    sources(&mut h, doc, &nums, l);
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

fn header(h: &mut String, doc: &Document, l: &Labels) {
    h.push_str("<header class=\"doc\">\n");
    let _ = writeln!(h, "<h1>{}</h1>", esc(&doc.title));
    if let Some(s) = &doc.subtitle {
        let _ = writeln!(h, "<p class=\"subtitle\">{}</p>", esc(s));
    }
    h.push_str("<dl class=\"meta\">\n");
    if let Some(p) = &doc.period {
        let _ = writeln!(
            h,
            "<dt>{}</dt><dd>{}</dd>",
            esc(&l.period),
            esc(&p.to_string())
        );
    }
    if let Some(a) = &doc.author {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", esc(&l.author), esc(a));
    }
    if !doc.generated_from.is_empty() {
        let _ = writeln!(
            h,
            "<dt>{}</dt><dd><code>{}</code></dd>",
            esc(&l.generated_from),
            esc(&doc.generated_from)
        );
    }
    h.push_str("</dl>\n</header>\n");
}

/// `<sup class="fn">` with one link per footnote number; empty when there is none.
fn markers(nums: &FootnoteNumbers, refs: &[FootnoteId]) -> String {
    let n = nums.numbers_of(refs);
    if n.is_empty() {
        return String::new();
    }
    let links: Vec<String> = n
        .iter()
        .map(|k| format!("<a href=\"#fn-{k}\">{k}</a>"))
        .collect();
    format!("<sup class=\"fn\">{}</sup>", links.join(","))
}

fn cell(h: &mut String, tag: &str, c: &Cell, nums: &FootnoteNumbers) {
    let mut classes = Vec::new();
    if c.numeric {
        classes.push("num");
    }
    if c.strong {
        classes.push("strong");
    }
    // Short unbroken text (dates, codes, figures) never wraps.
    if !c.numeric && c.text.chars().count() <= 12 && !c.text.contains(char::is_whitespace) {
        classes.push("nw");
    }
    let class = if classes.is_empty() {
        String::new()
    } else {
        format!(" class=\"{}\"", classes.join(" "))
    };
    let _ = write!(
        h,
        "<{tag}{class}>{}{}</{tag}>",
        esc(&c.text),
        markers(nums, &c.refs)
    );
}

fn table(h: &mut String, t: &Table, nums: &FootnoteNumbers, class: &str) {
    let class = if class.is_empty() {
        String::new()
    } else {
        format!(" class=\"{class}\"")
    };
    let _ = writeln!(h, "<table{class}>");
    if !t.header.is_empty() {
        h.push_str("<thead><tr>");
        for c in &t.header {
            cell(h, "th", c, nums);
        }
        h.push_str("</tr></thead>\n");
    }
    h.push_str("<tbody>\n");
    for row in &t.rows {
        h.push_str("<tr>");
        for c in row {
            cell(h, "td", c, nums);
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
}

fn graph(h: &mut String, g: &Graph, doc: &Document, nums: &FootnoteNumbers, l: &Labels) {
    let svg = g.to_svg(&SvgOptions {
        show_title: false,
        ..SvgOptions::lang(doc.lang)
    });
    let _ = write!(
        h,
        "<figure>\n<figcaption>{}{}</figcaption>\n{}</figure>\n",
        esc(&g.title),
        markers(nums, &g.refs()),
        svg
    );
    if let Some(t) = super::links_table(g, l) {
        table(h, &t, nums, "links");
    }
}

fn comparison(h: &mut String, c: &Comparison, nums: &FootnoteNumbers, l: &Labels) {
    let name = |i: usize| c.sources.get(i).map(|s| s.label.as_str()).unwrap_or("?");
    h.push_str("<table class=\"cmp\">\n<thead><tr><th></th>");
    for s in &c.sources {
        let _ = write!(h, "<th>{}{}</th>", esc(&s.label), markers(nums, &s.refs));
    }
    let _ = writeln!(h, "<th>{}</th></tr></thead>", esc(&l.concepts));
    h.push_str("<tbody>\n");
    for row in &c.rows {
        let _ = write!(h, "<tr><th scope=\"row\">{}</th>", esc(&row.topic));
        for i in 0..c.sources.len() {
            match row.cells.get(i).and_then(|x| x.as_deref()) {
                Some(text) if !text.trim().is_empty() => {
                    let _ = write!(h, "<td>{}</td>", esc(text));
                }
                _ => {
                    let _ = write!(h, "<td class=\"absent\">{}</td>", esc(&l.not_stated));
                }
            }
        }
        h.push_str("<td>");
        for t in &row.concepts {
            let _ = write!(h, "<span class=\"tag\">{}</span>", esc(t));
        }
        h.push_str("</td></tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
    for o in &c.only_in {
        if o.items.is_empty() {
            continue;
        }
        let _ = writeln!(
            h,
            "<h3>{}</h3>\n<ul class=\"plain\">",
            esc(&Labels::fill(&l.only_in, name(o.source)))
        );
        for it in &o.items {
            let _ = writeln!(h, "<li>{}</li>", esc(it));
        }
        h.push_str("</ul>\n");
    }
    if !c.presence.is_empty() {
        let _ = write!(
            h,
            "<h3>{}</h3>\n<table class=\"presence\">\n<thead><tr><th>{}</th>",
            esc(&l.concept_presence),
            esc(&l.concepts)
        );
        for s in &c.sources {
            let _ = write!(h, "<th class=\"mark\">{}</th>", esc(&s.label));
        }
        h.push_str("</tr></thead>\n<tbody>\n");
        for p in &c.presence {
            let _ = write!(h, "<tr><td>{}</td>", esc(&p.concept));
            for i in 0..c.sources.len() {
                let yes = p.present.get(i).copied().unwrap_or(false);
                let _ = write!(
                    h,
                    "<td class=\"mark\">{}</td>",
                    esc(if yes { &l.present } else { &l.absent })
                );
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody>\n</table>\n");
    }
    if !c.absences.is_empty() {
        let _ = writeln!(
            h,
            "<h3>{}</h3>\n<ul class=\"plain\">",
            esc(&l.notable_absences)
        );
        for a in &c.absences {
            let seen = match &a.last_seen {
                Some(d) => Labels::fill(&l.last_seen, &d.to_string()),
                None => l.never_seen.clone(),
            };
            let _ = writeln!(
                h,
                "<li><strong>{}</strong> — {}; {}{}</li>",
                esc(&a.concept),
                esc(&match a.source {
                    Some(i) => Labels::fill(&l.absent_from, name(i)),
                    None => l.absent_from_all.clone(),
                }),
                esc(&seen),
                markers(nums, &a.refs)
            );
        }
        h.push_str("</ul>\n");
    }
}

fn sources(h: &mut String, doc: &Document, nums: &FootnoteNumbers, l: &Labels) {
    if nums.in_order().is_empty() {
        return;
    }
    let _ = writeln!(
        h,
        "<section class=\"sources\" id=\"sources\">\n<h2>{}</h2>\n<ol>",
        esc(&l.sources)
    );
    for (k, id) in nums.in_order().iter().enumerate() {
        let Some(src) = doc.footnotes.get(*id) else {
            continue;
        };
        let st = source_text(src, l);
        let _ = write!(
            h,
            "<li id=\"fn-{}\" value=\"{}\">{}",
            k + 1,
            k + 1,
            esc(&st.text)
        );
        if let Some(u) = &st.url {
            let _ = write!(h, ". <a href=\"{}\">{}</a>", esc(u), esc(u));
        }
        if let Some(sid) = &st.id {
            let _ = write!(h, " <span class=\"sid\">[{}]</span>", esc(sid));
        }
        h.push_str("</li>\n");
    }
    h.push_str("</ol>\n</section>\n");
}
