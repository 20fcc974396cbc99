//! The readers on the shared real data (skipped when `../shared/data` is absent).

use std::path::PathBuf;

use entente_core::Lang;
use entente_ingest::readers::{self, Format, ReadOptions};

fn data(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "skipping: {} not found (shared test data absent)",
            p.display()
        );
        None
    }
}

#[test]
fn kcna_jsonl_all_records() {
    let Some(p) =
        data("kcna-english-2011-2012-xmarquez/kcna_en_2011-2012_china_russia_mentions.jsonl")
    else {
        return;
    };
    let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let origin = "kcna.jsonl";
    assert_eq!(readers::sniff(origin, &bytes, None), Format::Jsonl);
    let r = readers::read(origin, &bytes, None, &ReadOptions::default());
    let errors: Vec<String> = r
        .iter()
        .filter_map(|x| x.as_ref().err().map(|e| e.to_string()))
        .collect();
    assert!(
        errors.is_empty(),
        "{} errors, first: {:?}",
        errors.len(),
        errors.first()
    );
    assert_eq!(r.len(), 3073);
    let first = r[0].as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.origin, "kcna.jsonl#line=1");
    assert_eq!(first.title.as_deref(), Some("DPRK FM Delegation Back Home"));
    assert_eq!(
        first.published.map(|d| d.to_string()).as_deref(),
        Some("2011-12-01")
    );
    assert_eq!(first.lang, Some(Lang::En));
    assert_eq!(first.outlet.as_deref(), Some("KCNA (kcna.co.jp mirror)"));
    assert!(
        first.text.starts_with(
            "The DPRK Foreign Ministry delegation headed by Vice-Minister Kim Song Gi"
        )
    );
    assert!(
        r.iter()
            .flatten()
            .all(|d| d.published.is_some() && d.url.is_some())
    );
}

#[test]
fn rodong_jsonl_all_records() {
    let Some(p) = data("rodong-sinmun-english-thogra/rodong_sinmun_en_2021-06_2022-10.jsonl")
    else {
        return;
    };
    let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let r = readers::read("rodong.jsonl", &bytes, None, &ReadOptions::default());
    assert_eq!(r.len(), 134);
    // Records whose body is empty in the dump (a scrape that missed the text) are their
    // headline: every record reads, and those are exactly the headline-only ones.
    let text = String::from_utf8_lossy(&bytes);
    let empty_lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            serde_json::from_str::<serde_json::Value>(l)
                .ok()
                .and_then(|v| {
                    v.get("body")
                        .and_then(|b| b.as_str())
                        .map(|b| b.trim().is_empty())
                })
                .unwrap_or(false)
        })
        .map(|(i, _)| i + 1)
        .collect();
    assert!(!empty_lines.is_empty());
    let headline_only: Vec<usize> = r
        .iter()
        .enumerate()
        .filter_map(|(i, x)| match x {
            Err(e) => panic!("unexpected error {e}"),
            Ok(d) => (Some(d.text.as_str()) == d.title.as_deref()).then_some(i + 1),
        })
        .collect();
    assert_eq!(headline_only, empty_lines);
    let first = r[0].as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.outlet.as_deref(), Some("Rodong Sinmun"));
    assert_eq!(
        first.published.map(|d| d.to_string()).as_deref(),
        Some("2021-06-17")
    );
    // One paragraph per line of the body.
    assert!(
        first
            .text
            .contains("Party Congress.\n\nIn the second-day sitting"),
        "{}",
        &first.text[..600.min(first.text.len())]
    );
}

#[test]
fn tass_json_array() {
    let Some(p) = data("tass-english-opnweb/tass_politics_20.json") else {
        return;
    };
    let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let r = readers::read("tass.json", &bytes, None, &ReadOptions::default());
    assert_eq!(r.len(), 20);
    let docs: Vec<_> = r
        .iter()
        .map(|x| x.as_ref().unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let d = docs[0];
    assert_eq!(d.origin, "tass.json#item=1");
    assert_eq!(d.format, Format::Json);
    assert_eq!(
        d.title.as_deref(),
        Some("IN BRIEF: Putin talks to reporters about Oreshnik missile, natural gas transit")
    );
    assert_eq!(
        d.published.map(|d| d.to_string()).as_deref(),
        Some("2024-12-26")
    );
    assert_eq!(d.url.as_deref(), Some("https://tass.com/politics/1894093"));
    // `content` (a list of paragraphs) is used, not the one-line `description`.
    let paras: Vec<&str> = d.text.split("\n\n").collect();
    assert!(paras.len() > 5, "{paras:?}");
    assert!(paras[1].starts_with("IGORA /Leningrad Region/, December 26. /TASS/."));
    assert!(docs.iter().all(|d| d.published.is_some()));
}
