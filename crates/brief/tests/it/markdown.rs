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

/// Words from articles (outlet, title, address, quotes, labels) that carry HTML or Markdown
/// markup stay text when the Markdown is rendered by a permissive renderer that passes raw
/// HTML through (#16 item 6).
#[test]
fn document_words_never_become_markup() {
    const EVIL: &str =
        "\"><img src=x onerror=alert(1)><script>alert(2)</script>[click](javascript:alert(3))*x*";
    let mut d = Document::new(EVIL, LabelLang::En);
    let id = d.cite(Source::Article {
        outlet: EVIL.into(),
        title: EVIL.into(),
        date: "2024-06-19".parse().expect("date"),
        url: Some("javascript:alert(4)".into()),
        source_id: EVIL.into(),
    });
    let ok = d.cite(Source::Article {
        outlet: "KCNA".into(),
        title: "Talks held".into(),
        date: "2024-06-19".parse().expect("date"),
        url: Some("https://kcnawatch.example/article/1".into()),
        source_id: "ab12".into(),
    });
    let mut s = Section::new(
        EVIL,
        Body::Table(Table {
            header: vec![Cell::text(EVIL), Cell::num("US$")],
            rows: vec![vec![
                Cell::text(EVIL).with_ref(id).with_ref(ok),
                Cell::num("1"),
            ]],
        }),
    );
    s.note = Some(EVIL.into());
    d.push(s);
    let (md, _) = render_markdown(&d, "svgs");
    let mut html = String::new();
    pulldown_cmark::html::push_html(
        &mut html,
        pulldown_cmark::Parser::new_ext(&md, pulldown_cmark::Options::all()),
    );
    for bad in ["<img", "<script", "href=\"javascript:", "<em>x</em>"] {
        assert!(!html.contains(bad), "{bad} in\n{html}\nfrom\n{md}");
    }
    // The words are all still there, as text.
    assert!(
        html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains("[click](javascript:alert(3))"), "{html}");
    // A plain http(s) address is still a link.
    assert!(
        html.contains("href=\"https://kcnawatch.example/article/1\""),
        "{html}"
    );
}
