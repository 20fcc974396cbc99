//! Comparison speed: two ~5 KB readouts of one meeting (the TASS Russian and KCNA Korean
//! reconstructions of the June 2024 Putin–Kim summit, each followed by a second readout of
//! the same language to reach 5 KB), aligned across languages; and two Japanese readouts
//! aligned within one language. Prints the median and p95 of 50 runs and the load time of
//! the lexicon and extractor.

use std::time::{Duration, Instant};

use entente_compare::{Document, Lexicon, compare};
use entente_core::{DateValue, Lang, SourceId};
use entente_extract::Extractor;

fn body(path: &str) -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/demo/compare/");
    let raw =
        std::fs::read_to_string(format!("{root}{path}")).unwrap_or_else(|e| panic!("{path}: {e}"));
    // Drop the front matter: the store keeps only the body.
    let text = raw.splitn(3, "---").nth(2).unwrap_or(&raw);
    entente_text::normalize(text)
}

fn doc(text: String, lang: &str, outlet: &str) -> Document {
    Document {
        id: SourceId::of_text(&text),
        outlet: Some(outlet.into()),
        lang: lang.parse().unwrap_or(Lang::Und),
        published: DateValue::parse_loose("2024-06-20").ok(),
        title: None,
        url: None,
        text,
    }
}

fn time(label: &str, docs: &[Document], lexicon: &Lexicon, ex: &Extractor) {
    let mut runs: Vec<Duration> = Vec::new();
    let mut pairs = 0;
    for _ in 0..50 {
        let t = Instant::now();
        let c = compare(docs, lexicon, ex);
        runs.push(t.elapsed());
        pairs = c.pairs.len();
    }
    runs.sort();
    let sizes: Vec<String> = docs
        .iter()
        .map(|d| format!("{:.1} KB", d.text.len() as f64 / 1024.0))
        .collect();
    println!(
        "{label} ({}): median {:.2} ms, p95 {:.2} ms, {pairs} pairs",
        sizes.join(" + "),
        runs[runs.len() / 2].as_secs_f64() * 1000.0,
        runs[runs.len() * 95 / 100].as_secs_f64() * 1000.0,
    );
}

fn main() {
    entente_text::fold::load_tables().expect("text tables");
    let t = Instant::now();
    let lexicon = Lexicon::bundled().expect("data/concepts");
    let ex = Extractor::bundled().expect("bundled gazetteer");
    println!(
        "lexicon ({} concepts) + extractor load: {:.1} ms",
        lexicon.concepts().len(),
        t.elapsed().as_secs_f64() * 1000.0
    );
    let ru =
        body("2024-06-19-putin-kim-tass-ru.md") + "\n" + &body("2024-05-16-xi-putin-tass-ru.md");
    let ko = body("2024-06-19-putin-kim-kcna-ko.md") + "\n" + &body("2025-09-04-xi-kim-kcna-ko.md");
    time(
        "ru × ko",
        &[doc(ru, "ru", "TASS"), doc(ko, "ko", "KCNA")],
        &lexicon,
        &ex,
    );
    let a = body("2024-06-19-putin-kim-kyodo-ja.md");
    let b = body("2024-06-19-putin-kim-chosunsinbo-ja.md");
    let (a2, b2) = (a.clone() + "\n" + &b, b + "\n" + &a);
    time(
        "ja × ja",
        &[doc(a2, "ja", "Kyodo"), doc(b2, "ja", "Chosun Sinbo")],
        &lexicon,
        &ex,
    );
}
