//! Extraction throughput with the full bundled gazetteer: MB/s of normalised text through
//! `Extractor::extract` (matcher, lexicon, dates, sentences, events, statements), one core.
//! Input: the real KCNA English stories in ../shared/data when present, plus the gold set
//! (ja, zh, ko, ru, en), repeated to at least 20 MB.

use std::time::Instant;

use entente_core::{Lang, SourceId};
use entente_extract::{Extractor, Input};

fn main() {
    let t = Instant::now();
    let ex = Extractor::bundled().expect("bundled gazetteer and lexicons");
    println!(
        "gazetteer + lexicons + matcher load: {:.1} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );

    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut docs: Vec<(String, Lang)> = Vec::new();
    let kcna = format!(
        "{root}/../shared/data/kcna-english-2011-2012-xmarquez/kcna_en_2011-2012_china_russia_mentions.jsonl"
    );
    if let Ok(text) = std::fs::read_to_string(&kcna) {
        for line in text.lines() {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(line)
                && let Some(body) = v["body"].as_str()
            {
                docs.push((entente_text::normalize(body), Lang::En));
            }
        }
    } else {
        eprintln!("../shared/data absent: gold set only");
    }
    if let Ok(dir) = std::fs::read_dir(format!("{root}/eval/gold")) {
        for e in dir.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "md")
                && let Ok(t) = std::fs::read_to_string(&p)
            {
                let lang = p
                    .file_name()
                    .and_then(|f| f.to_str())
                    .and_then(|f| f.split('-').nth(1))
                    .unwrap_or("und");
                let lang: Lang = match lang {
                    "zh" => "zh-Hans".parse().unwrap_or(Lang::Und),
                    l => l.parse().unwrap_or(Lang::Und),
                };
                docs.push((entente_text::normalize(&t), lang));
            }
        }
    }
    let one_pass: usize = docs.iter().map(|d| d.0.len()).sum();
    let passes = (20_000_000 / one_pass.max(1)).max(1);
    let published = "2011-06-01".parse().ok();
    let t = Instant::now();
    let (mut events, mut bytes) = (0usize, 0usize);
    for _ in 0..passes {
        for (text, lang) in &docs {
            let out = ex.extract(&Input {
                source_id: SourceId::of_text(text),
                text,
                lang,
                published,
            });
            events += out.events.len();
            bytes += text.len();
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "extraction: {:.1} MB in {:.2} s = {:.1} MB/s on one core ({} documents x {passes}, {events} event drafts)",
        bytes as f64 / 1e6,
        secs,
        bytes as f64 / 1e6 / secs,
        docs.len()
    );
}
