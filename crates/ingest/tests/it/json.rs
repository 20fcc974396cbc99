use entente_core::Lang;
use entente_ingest::IngestError;
use entente_ingest::readers::{self, FieldMap, Format, ReadOptions};

use crate::read_fixture;

#[test]
fn malformed_line_does_not_stop_the_others() {
    let r = read_fixture("json/malformed.jsonl");
    // Five non-blank lines (line 3 is blank).
    assert_eq!(r.len(), 5, "{r:?}");
    let ok: Vec<_> = r.iter().filter_map(|x| x.as_ref().ok()).collect();
    assert_eq!(
        ok.iter().map(|d| d.origin.as_str()).collect::<Vec<_>>(),
        [
            "json/malformed.jsonl#line=1",
            "json/malformed.jsonl#line=2",
            "json/malformed.jsonl#line=5",
        ]
    );
    assert_eq!(ok[0].format, Format::Jsonl);
    assert_eq!(ok[0].lang, Some(Lang::En));
    assert_eq!(ok[0].outlet.as_deref(), Some("Test Agency"));
    assert_eq!(
        ok[1].text,
        "The delegation arrived in Beijing.\n\nIt was met at the airport."
    );
    let e = r[2].as_ref().expect_err("line 4 is malformed");
    assert!(matches!(e, IngestError::Json { line: 4, .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with("json/malformed.jsonl line 4: invalid JSON at column "),
        "{e}"
    );
    let e = r[4].as_ref().expect_err("line 6 has no text");
    assert!(
        matches!(e, IngestError::MissingText { line: Some(6), .. }),
        "{e}"
    );
}

#[test]
fn mapping_from_the_command_line() {
    let src =
        br#"{"headline":"H1","story_text":"S1","date_str":"2020-02-03","link":"https://x.org/1"}
{"headline":"H2","story_text":"S2","date_str":"2020/2/4","link":"https://x.org/2"}"#;
    let map = FieldMap::parse("title=headline,published=date_str,text=story_text,url=link")
        .unwrap_or_default();
    let opts = ReadOptions {
        map,
        ..Default::default()
    };
    let r = readers::read("m.jsonl", src, None, &opts);
    let docs: Vec<_> = r
        .iter()
        .map(|x| x.as_ref().unwrap_or_else(|e| panic!("{e}")))
        .collect();
    assert_eq!(docs[1].title.as_deref(), Some("H2"));
    assert_eq!(docs[1].text, "S2");
    assert_eq!(
        docs[1].published.map(|p| p.to_string()).as_deref(),
        Some("2020-02-04")
    );
    assert_eq!(docs[1].url.as_deref(), Some("https://x.org/2"));
}

#[test]
fn json_array_items() {
    let src =
        br#"[{"title":"A","content":["p1","p2"],"date":"2024-12-26 21:09:18"},{"title":"B"},{"date":"2024-12-27"}]"#;
    let r = readers::read("a.json", src, None, &ReadOptions::default());
    assert_eq!(r.len(), 3);
    let d = r[0].as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.origin, "a.json#item=1");
    assert_eq!(d.text, "p1\n\np2");
    // A headline alone is the item's text.
    let b = r[1].as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((b.text.as_str(), b.title.as_deref()), ("B", Some("B")));
    let e = r[2].as_ref().expect_err("neither text nor title");
    assert_eq!(e.origin(), "a.json#item=3");
}

#[test]
fn whole_document_json_error() {
    let r = readers::read(
        "b.json",
        b"[{\"a\": 1},\n {\"a\": }]",
        None,
        &ReadOptions::default(),
    );
    assert_eq!(r.len(), 1);
    let e = r[0].as_ref().expect_err("malformed");
    assert!(matches!(e, IngestError::Json { line: 2, .. }), "{e}");
}
