//! Trend benchmark: phrase and concept trends over N sources through the search index.
//!
//! Builds N short synthetic articles (~300 bytes, six languages, 2010–2025, ten outlets)
//! straight into a tantivy index (the trend reads only the index), then times:
//! - a phrase trend per year,
//! - a phrase trend per month and outlet, normalised by each outlet's volume,
//! - a concept trend (every term of the concept in every language, OR-ed) per quarter;
//!
//! and, as the peer, the same counts through SQLite FTS5 (trigram tokenizer) with
//! `GROUP BY` over the same documents, in the same run.
//!
//! Usage: cargo run --release -p entente-bench --bin bench-trend -- [N] [--no-peer]

use std::time::{Duration, Instant};

use entente_compare::trend::{self, Bucket, TrendFilter};
use entente_core::{DateValue, Lang, NewSource, SourceId};
use entente_store::SearchIndex;

#[path = "corpus.rs"]
mod corpus;
use corpus::{OUTLETS, Rng, VOCABS};

fn article(rng: &mut Rng, i: usize) -> (String, &'static str, &'static str, String) {
    let v = &VOCABS[rng.below(VOCABS.len() as u64) as usize];
    let mut text = String::with_capacity(400);
    while text.len() < 300 {
        text.push_str(&(v.sentence)(rng, v));
        text.push(' ');
    }
    text.push_str(&format!("[{i}]"));
    let outlet = OUTLETS[rng.below(OUTLETS.len() as u64) as usize];
    let published = format!(
        "{}-{:02}-{:02}",
        2010 + rng.below(16),
        1 + rng.below(12),
        1 + rng.below(28)
    );
    (text, v.lang, outlet, published)
}

fn best_of(
    runs: usize,
    mut f: impl FnMut() -> anyhow::Result<u64>,
) -> anyhow::Result<(Duration, u64)> {
    let mut best = Duration::MAX;
    let mut out = 0;
    for _ in 0..runs {
        let t = Instant::now();
        out = f()?;
        best = best.min(t.elapsed());
    }
    Ok((best, out))
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args
        .iter()
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let peer = !args.iter().any(|a| a == "--no-peer");
    entente_text::fold::load_tables()?;
    let dir = tempfile::tempdir()?;
    let index = SearchIndex::open(&dir.path().join("index"), true)?;
    let fts = rusqlite::Connection::open(dir.path().join("fts.sqlite"))?;
    fts.execute_batch(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
         CREATE VIRTUAL TABLE docs USING fts5(text, outlet UNINDEXED, published UNINDEXED, tokenize='trigram');",
    )?;
    let mut rng = Rng(0x7e7d_2025_0001_0002);
    let started = Instant::now();
    let mut fts_time = Duration::ZERO;
    fts.execute_batch("BEGIN")?;
    {
        let mut ins =
            fts.prepare("INSERT INTO docs(text, outlet, published) VALUES (?1, ?2, ?3)")?;
        for i in 0..n {
            let (text, lang, outlet, published) = article(&mut rng, i);
            let src = NewSource {
                id: SourceId::of_text(&text),
                outlet: Some(outlet.to_string()),
                lang: lang.parse::<Lang>()?,
                lang_spans: Vec::new(),
                published: Some(DateValue::parse_loose(&published)?),
                url: None,
                title: None,
                original_text: String::new(),
                encoding: "UTF-8".into(),
                format: "text".into(),
                origin: String::new(),
                minhash: Vec::new(),
                text,
            };
            index.add(&src, i as i64 + 1)?;
            if peer {
                let t = Instant::now();
                ins.execute(rusqlite::params![src.text, outlet, published])?;
                fts_time += t.elapsed();
            }
            if (i + 1) % 200_000 == 0 {
                eprintln!("  {} documents…", i + 1);
            }
        }
    }
    fts.execute_batch("COMMIT")?;
    index.commit()?;
    // Queries are timed on the settled index, not while segments still merge.
    index.finish_merges()?;
    let build = started.elapsed() - fts_time;
    println!(
        "built: {n} sources indexed in {:.1} s ({:.0}/s){}",
        build.as_secs_f64(),
        n as f64 / build.as_secs_f64(),
        if peer {
            format!("; FTS5 trigram table in {:.1} s", fts_time.as_secs_f64())
        } else {
            String::new()
        }
    );

    let lexicon = entente_compare::Lexicon::bundled()?;
    let concept = lexicon.require_concept("economic_cooperation")?;
    let concept_expr = trend::concept_query(concept);
    let f = TrendFilter::default();
    let cases: Vec<(&str, String, Bucket, bool, &str)> = vec![
        (
            "phrase per year",
            trend::phrase_query("経済協力"),
            Bucket::Year,
            false,
            "%経済協力%",
        ),
        (
            "phrase per month × outlet (normalised)",
            trend::phrase_query("military cooperation"),
            Bucket::Month,
            true,
            "%military cooperation%",
        ),
        (
            "concept (all languages) per quarter",
            concept_expr.clone(),
            Bucket::Quarter,
            false,
            "",
        ),
    ];
    let (vt, vn) = best_of(5, || {
        Ok(index
            .month_outlet_counts(None)?
            .iter()
            .map(|c| c.docs)
            .sum())
    })?;
    println!(
        "volume per month and outlet over all {vn} sources (the normaliser): {:.1} ms",
        vt.as_secs_f64() * 1000.0
    );
    println!("\n| trend | entente (ms) | matches | FTS5 GROUP BY (ms) | ratio |");
    println!("|---|---:|---:|---:|---:|");
    for (name, expr, by, by_outlet, like) in cases {
        let (t, matches) = best_of(5, || {
            let tr = trend::trend(&index, &expr, None, by, by_outlet, &f)?;
            Ok(tr.rows.iter().map(|r| r.matches).sum())
        })?;
        let peer_ms = if peer && !like.is_empty() {
            let period = match by {
                Bucket::Year => "substr(published,1,4)",
                _ => "substr(published,1,7)",
            };
            let group = if by_outlet {
                format!("{period}, outlet")
            } else {
                period.to_string()
            };
            let phrase = like.trim_matches('%');
            let sql =
                format!("SELECT {group}, count(*) FROM docs WHERE docs MATCH ?1 GROUP BY {group}");
            let (pt, pm) = best_of(3, || {
                let mut st = fts.prepare_cached(&sql)?;
                let mut rows = st.query(rusqlite::params![format!("\"{phrase}\"")])?;
                let mut total = 0u64;
                while let Some(r) = rows.next()? {
                    let c: i64 = r.get(if by_outlet { 2 } else { 1 })?;
                    total += c as u64;
                }
                if by_outlet {
                    // The normalisation needs each outlet's volume per period too.
                    let v = format!("SELECT {group}, count(*) FROM docs GROUP BY {group}");
                    let mut st = fts.prepare_cached(&v)?;
                    let mut rows = st.query([])?;
                    while rows.next()?.is_some() {}
                }
                Ok(total)
            })?;
            if pm != matches {
                eprintln!(
                    "  note: FTS5 counted {pm} matches, entente {matches} (tokenisation differs)"
                );
            }
            Some(pt)
        } else {
            None
        };
        println!(
            "| {name} | {:.1} | {matches} | {} | {} |",
            t.as_secs_f64() * 1000.0,
            peer_ms
                .map(|p| format!("{:.1}", p.as_secs_f64() * 1000.0))
                .unwrap_or_else(|| "—".into()),
            peer_ms
                .map(|p| format!("{:.1}×", p.as_secs_f64() / t.as_secs_f64()))
                .unwrap_or_else(|| "—".into()),
        );
    }
    println!(
        "\n(concept query: {} terms)",
        concept_expr.matches(" OR ").count() + 1
    );
    Ok(())
}
