//! HTML rendering: determinism, footnotes, labels, escaping, inline SVG.

use entente_brief::{Body, Cell, Document, LabelLang, Section, Source, Table, render_html};

use crate::common::{assert_no_nan, assert_well_formed, inline_svgs};
use crate::sample_doc::sample_document;

#[test]
fn rendering_is_byte_identical() {
    for lang in [LabelLang::En, LabelLang::Ja] {
        let a = render_html(&sample_document(lang));
        let b = render_html(&sample_document(lang));
        assert_eq!(a, b);
        // Through JSON and back: same bytes.
        let json = serde_json::to_string(&sample_document(lang)).expect("json");
        let back: Document = serde_json::from_str(&json).expect("back");
        assert_eq!(render_html(&back), a);
    }
}

#[test]
fn every_sourced_cell_has_a_marker_and_a_source_entry() {
    let doc = sample_document(LabelLang::En);
    let html = render_html(&doc);
    let nums = doc.footnote_numbers();
    let mut checked = 0;
    for s in &doc.sections {
        if let Body::Table(t) = &s.body {
            for c in t.rows.iter().flatten().filter(|c| !c.refs.is_empty()) {
                let n = nums.numbers_of(&c.refs);
                assert!(!n.is_empty());
                let links: Vec<String> = n
                    .iter()
                    .map(|k| format!("<a href=\"#fn-{k}\">{k}</a>"))
                    .collect();
                let marker = format!("<sup class=\"fn\">{}</sup>", links.join(","));
                let text = entente_brief::escape_xml(&c.text);
                assert!(
                    html.contains(&format!("{text}{marker}")),
                    "cell {:?} lacks {marker}",
                    c.text
                );
                for k in n {
                    assert!(
                        html.contains(&format!("<li id=\"fn-{k}\" value=\"{k}\">")),
                        "no source {k}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "checked {checked} cells");
    // Every registered source is listed exactly once, numbered 1..=n.
    for k in 1..=doc.footnotes.len() {
        assert_eq!(
            html.matches(&format!("<li id=\"fn-{k}\"")).count(),
            1,
            "source {k}"
        );
    }
    assert!(!html.contains(&format!("id=\"fn-{}\"", doc.footnotes.len() + 1)));
    // Sources name outlet, title, date, URL, rows.
    assert!(html.contains("KCNA, “Respected Comrade Kim Jong Un arrives in Beijing”, 2025-09-02"));
    assert!(html.contains("<a href=\"https://example.org/kcna/3f2a9c41\">"));
    assert!(
        html.contains(
            "China Customs, cc-exports-kp-2016-2025-en.csv, rows 2–131 (HS 2-digit, US$)"
        )
    );
    // Chart titles carry the markers of their series.
    assert!(
        html.contains("China&#39;s trade with the DPRK / 中国の対北朝鮮貿易<sup class=\"fn\">")
    );
}

#[test]
fn footnotes_are_numbered_by_first_appearance() {
    let mut d = Document::new("T", LabelLang::En);
    let late = d.cite(Source::Note("registered first, cited second".into()));
    let early = d.cite(Source::Note("registered second, cited first".into()));
    let unused = d.cite(Source::Note("never cited".into()));
    d.push(Section::new(
        "S",
        Body::Table(Table {
            header: vec![Cell::text("a")],
            rows: vec![
                vec![Cell::text("x").with_ref(early)],
                vec![Cell::text("y").with_ref(late).with_ref(early)],
            ],
        }),
    ));
    let n = d.footnote_numbers();
    assert_eq!(
        (n.number(early), n.number(late), n.number(unused)),
        (Some(1), Some(2), Some(3))
    );
    let html = render_html(&d);
    assert!(html.contains("x<sup class=\"fn\"><a href=\"#fn-1\">1</a></sup>"));
    assert!(
        html.contains("y<sup class=\"fn\"><a href=\"#fn-1\">1</a>,<a href=\"#fn-2\">2</a></sup>")
    );
    let first = html.find("registered second, cited first").expect("listed");
    let second = html.find("registered first, cited second").expect("listed");
    assert!(first < second);
    assert!(html.contains("never cited"));
}

#[test]
fn html_has_header_labels_and_print_rules() {
    let html = render_html(&sample_document(LabelLang::Ja));
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"ja\">"));
    assert!(html.contains("<h2>出典</h2>"));
    assert!(html.contains("<dt>対象期間</dt><dd>2025-01-01 – 2025-12-31</dd>"));
    assert!(html.contains("<dt>生成元</dt><dd><code>examples/briefing.toml</code></dd>"));
    assert!(html.contains("輸出") && html.contains("輸入"));
    assert!(html.contains("「Respected Comrade Kim Jong Un arrives in Beijing」"));
    assert!(html.contains("@page { size: A4;"));
    assert!(html.contains("thead { display: table-header-group; }"));
    assert!(html.contains("break-inside: avoid-page"));
    assert!(html.contains("'Noto Sans CJK JP', 'Noto Sans CJK SC', 'Noto Sans', sans-serif"));
    let en = render_html(&sample_document(LabelLang::En));
    assert!(en.contains("<h2>Sources</h2>") && en.contains("<dt>Period</dt>"));
    // Comparison parts.
    assert!(en.contains("<h3>Only in KCNA</h3>"));
    assert!(en.contains("<h3>Notable absences</h3>"));
    assert!(en.contains("absent from 新华社; last seen 2019-06-20<sup class=\"fn\">"));
    assert!(en.contains("<td class=\"absent\">—</td>"));
    assert!(html.contains("<h3>KCNAのみ</h3>"));
}

#[test]
fn inline_svgs_are_well_formed() {
    let html = render_html(&sample_document(LabelLang::Ja));
    let svgs = inline_svgs(&html);
    assert_eq!(svgs.len(), 5, "4 charts and a link chart");
    for s in svgs {
        assert_well_formed(s);
        assert_no_nan(s);
    }
}

#[test]
fn user_text_is_escaped() {
    let mut d = Document::new("<script>alert(1)</script> & co", LabelLang::En);
    d.generated_from = "spec\"><b>.toml".into();
    let id = d.cite(Source::Article {
        outlet: "O<b>".into(),
        title: "T & \"q\"".into(),
        date: "2025-01-02".parse().expect("date"),
        url: Some("javascript:alert(1)".into()),
        source_id: "x".into(),
    });
    d.push(Section::new(
        "H<i>",
        Body::Table(Table {
            header: vec![Cell::text("<th>")],
            rows: vec![vec![Cell::text("a < b").with_ref(id)]],
        }),
    ));
    d.push(Section::new(
        "md",
        Body::Markdown("<img src=x onerror=alert(1)>".into()),
    ));
    let html = render_html(&d);
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
    assert!(!html.contains("<b>") && !html.contains("<i>") && !html.contains("<img"));
    assert!(
        !html.contains("href=\"javascript"),
        "unsafe URLs are not linked"
    );
    assert!(html.contains("a &lt; b<sup"));
}

#[test]
fn no_timestamps() {
    let html = render_html(&sample_document(LabelLang::En));
    let lower = html.to_lowercase();
    for word in ["generated at", "generated on", "timestamp", "date.now"] {
        assert!(!lower.contains(word), "{word}");
    }
}

mod props {
    use entente_brief::{Body, Document, LabelLang, Section, render_html, render_markdown};
    use proptest::prelude::*;

    use crate::common::assert_well_formed;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Arbitrary Markdown never panics, never passes raw tags through, and the rendered
        /// Markdown section is the text itself.
        #[test]
        fn arbitrary_markdown_is_escaped(text in prop_oneof![any::<String>(), "[-*#>`\\[\\]()<> a-z1.\\n\\\\]{0,60}"]) {
            let mut d = Document::new("t", LabelLang::En);
            d.push(Section::new("s", Body::Markdown(text.clone())));
            let html = render_html(&d);
            let start = html.find("<section class=\"part\"").expect("section");
            let end = html.find("</main>").expect("end");
            let body = &html[start..end];
            prop_assert!(!body.contains("<script") && !body.contains("<img"));
            // The section's HTML is well-formed XML as well (wrapped in one root).
            assert_well_formed(&format!("<div>{}</div>", body.replace("<br>", "<br/>")));
            let (md, _) = render_markdown(&d, "svgs");
            prop_assert!(md.contains(text.trim_end()));
        }
    }
}
