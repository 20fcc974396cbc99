//! Markdown rendering: tables with escaped pipes, footnotes, SVG references.

use entente_brief::{Body, Cell, Document, LabelLang, Section, Source, Table, render_markdown};

use crate::common::assert_well_formed;
use crate::sample_doc::sample_document;

#[test]
fn tables_escape_pipes_and_line_breaks() {
    let mut d = Document::new("T", LabelLang::En);
    let id = d.cite(Source::Note("n".into()));
    d.push(Section::new(
        "S",
        Body::Table(Table {
            header: vec![Cell::text("a|b"), Cell::num("US$")],
            rows: vec![
                vec![Cell::text("x | y\nz").with_ref(id), Cell::num("1,234")],
                vec![Cell::text("back\\slash"), Cell::num("5").strong()],
                vec![Cell::text("short row")],
            ],
        }),
    ));
    let (md, files) = render_markdown(&d, "svgs");
    assert!(files.is_empty());
    assert!(md.contains("| a\\|b | US$ |\n| --- | ---: |\n"), "{md}");
    assert!(md.contains("| x \\| y<br>z[^1] | 1,234 |"), "{md}");
    assert!(md.contains("| back\\\\slash | **5** |"), "{md}");
    assert!(md.contains("| short row |  |"), "rows are padded: {md}");
    assert!(md.contains("[^1]: n\n"), "{md}");
}

#[test]
fn sample_markdown_references_svgs_and_footnotes() {
    let doc = sample_document(LabelLang::En);
    let (md, files) = render_markdown(&doc, "svgs/");
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "chart-03.svg",
            "chart-04.svg",
            "chart-05.svg",
            "chart-07.svg",
            "graph-08.svg"
        ]
    );
    for (name, svg) in &files {
        assert!(md.contains(&format!("](svgs/{name})")), "{name} referenced");
        assert_well_formed(svg);
    }
    assert!(
        md.contains("![China's trade with the DPRK / 中国の対北朝鮮貿易](svgs/chart-04.svg)[^")
    );
    assert!(md.starts_with("# China–Russia–DPRK relations in 2025 / 中朝露関係 2025年\n"));
    assert!(md.contains("## Sources\n"));
    for k in 1..=doc.footnotes.len() {
        assert!(md.contains(&format!("\n[^{k}]: ")), "definition {k}");
        assert!(md.contains(&format!("[^{k}]")), "use {k}");
    }
    assert!(md.contains("Kim Jong Un arrives by train \\| 専用列車で到着"));
    assert!(md.contains("| **Friendship** | invincible friendship | 中朝友好 不会因国际风云变幻而改变 | — | friendship, 友好 |"), "{md}");
    assert_eq!(
        render_markdown(&doc, "svgs/"),
        render_markdown(&doc, "svgs/")
    );
}
