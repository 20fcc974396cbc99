//! Ingest and search benchmark.
//!
//! Builds N synthetic multilingual articles (~2 KB each, ja / zh-Hans / zh-Hant / ko / ru / en)
//! as JSON Lines, then measures in one run:
//! - ingest + index throughput of the real pipeline (read, decode, normalise, language id,
//!   MinHash, SQLite transaction per article, tantivy), articles/s;
//! - search latency p50 / p95 over 200 mixed queries (CJK, Korean, Russian, English, phrases,
//!   boolean, language and date filters), through the full user path (query, top 10,
//!   metadata and highlighted snippets);
//! - the same queries through SQLite FTS5 with the trigram tokenizer (bm25 order, top 10,
//!   snippet()), and `grep -c -F` over the raw JSON Lines files.
//!
//! Usage: cargo run --release -p entente-bench --bin bench-search -- [N] [--keep DIR]
//! (`--generate-only` writes the corpus to DIR/corpus and stops: bench/brief.sh uses it)

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::Context;
use entente_ingest::pipeline::{self, IngestOptions, Input};
use entente_store::{OpenMode, Repo, SearchQuery};

#[path = "corpus.rs"]
mod corpus;

use corpus::generate;

/// One benchmark query: entente syntax, FTS5 MATCH syntax, a literal for grep, filters.
struct Q {
    entente: String,
    fts: String,
    grep: String,
    lang: Option<&'static str>,
    from: Option<&'static str>,
}

/// (entente query, FTS5 query, grep literal, language filter, from-date filter).
type BaseQuery = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

fn queries() -> Vec<Q> {
    let base: &[BaseQuery] = &[
        ("金正恩", "\"金正恩\"", "金正恩", None, None),
        ("习近平", "\"习近平\" OR \"習近平\"", "习近平", None, None),
        (
            "習近平 普京",
            "(\"习近平\" OR \"習近平\") AND \"普京\"",
            "普京",
            None,
            None,
        ),
        ("会談", "会談", "会談", Some("ja"), None),
        ("会谈", "会谈", "会谈", None, None),
        ("朝鮮半島", "\"朝鮮半島\"", "朝鮮半島", None, None),
        (
            "全面战略协作伙伴关系",
            "\"全面战略协作伙伴关系\"",
            "全面战略协作伙伴关系",
            None,
            None,
        ),
        ("김정은", "\"김정은\"", "김정은", None, None),
        ("회담", "회담", "회담", Some("ko"), None),
        (
            "포괄적 전략적",
            "\"포괄적\" AND \"전략적\"",
            "포괄적 전략적",
            None,
            None,
        ),
        ("переговоры", "\"переговоры\"", "переговоры", None, None),
        ("Лавров", "\"Лавров\"", "Лавров", None, None),
        (
            "Путин Пхеньяне",
            "\"Путин\" AND \"Пхеньяне\"",
            "Пхеньяне",
            None,
            None,
        ),
        (
            "\"strategic partnership\"",
            "\"strategic partnership\"",
            "strategic partnership",
            None,
            None,
        ),
        (
            "summit OR talks",
            "\"summit\" OR \"talks\"",
            "talks",
            None,
            None,
        ),
        (
            "Putin Pyongyang",
            "\"Putin\" AND \"Pyongyang\"",
            "Pyongyang",
            Some("en"),
            Some("2020"),
        ),
        (
            "sanctions -Kremlin",
            "\"sanctions\" NOT \"Kremlin\"",
            "sanctions",
            None,
            None,
        ),
        (
            "Vostochny",
            "\"Vostochny\"",
            "Vostochny",
            None,
            Some("2018"),
        ),
        (
            "cooperation",
            "\"cooperation\"",
            "cooperation",
            Some("en"),
            None,
        ),
        ("平壌", "\"平壌\"", "平壌", Some("ja"), Some("2015")),
    ];
    (0..200)
        .map(|i| {
            let (e, f, g, l, from) = base[i % base.len()];
            Q {
                entente: e.to_string(),
                fts: f.to_string(),
                grep: g.to_string(),
                lang: l,
                from,
            }
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args
        .iter()
        .find(|a| a.chars().all(|c| c.is_ascii_digit()))
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(100_000);
    let keep = args
        .iter()
        .position(|a| a == "--keep")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let tmp = tempdir_path()?;
    let work = keep.unwrap_or_else(|| tmp.clone());
    std::fs::create_dir_all(&work)?;
    let corpus_dir = work.join("corpus");
    let data_dir = work.join("entente-data");
    let _ = std::fs::remove_dir_all(&data_dir);
    std::fs::create_dir_all(&corpus_dir)?;

    println!("entente search benchmark: {n} synthetic articles (ja, zh-Hans, zh-Hant, ko, ru, en)");
    let t = Instant::now();
    let files = generate(&corpus_dir, n)?;
    let bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    println!(
        "generated {:.1} MB in {:.1} s",
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    if args.iter().any(|a| a == "--generate-only") {
        return Ok(());
    }

    // --- entente ingest ---
    let t = Instant::now();
    let repo = Repo::open(&data_dir, OpenMode::ReadWrite)?;
    let inputs: Vec<Input> = files.iter().cloned().map(Input::Path).collect();
    let summary = pipeline::run(&repo, &inputs, &IngestOptions::default(), &mut |_| {})?;
    let ingest_s = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        summary.failed == 0,
        "ingest failures: {:?}",
        summary.failures().next()
    );
    let stored = summary.new + summary.near_duplicate;
    println!(
        "entente ingest+index: {stored} articles in {ingest_s:.1} s = {:.0} articles/s ({:.1} MB/s)",
        n as f64 / ingest_s,
        bytes as f64 / 1e6 / ingest_s
    );
    drop(repo);
    let repo = Repo::open(&data_dir, OpenMode::ReadOnly)?;

    // --- FTS5 trigram ---
    let fts_path = work.join("fts5.sqlite");
    let _ = std::fs::remove_file(&fts_path);
    let t = Instant::now();
    let conn = rusqlite::Connection::open(&fts_path)?;
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
         CREATE VIRTUAL TABLE docs USING fts5(title, text, lang UNINDEXED, published UNINDEXED, tokenize='trigram');",
    )?;
    {
        let tx = conn.unchecked_transaction()?;
        {
            let mut ins = tx.prepare(
                "INSERT INTO docs(title, text, lang, published) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for f in &files {
                for line in std::fs::read_to_string(f)?.lines() {
                    let v: serde_json::Value = serde_json::from_str(line)?;
                    ins.execute(rusqlite::params![
                        v["title"].as_str(),
                        v["text"].as_str(),
                        v["lang"].as_str(),
                        v["published"].as_str()
                    ])?;
                }
            }
        }
        tx.commit()?;
    }
    println!(
        "FTS5 trigram build: {:.1} s (one transaction, no per-document work)",
        t.elapsed().as_secs_f64()
    );

    // --- queries ---
    let qs = queries();
    let mut ent = Vec::new();
    let mut fts = Vec::new();
    let mut ent_hits = 0usize;
    let mut fts_hits = 0usize;
    // Warm-up: one pass over the distinct queries for each engine.
    for q in qs.iter().take(20) {
        let _ = repo.search(&to_query(q))?;
        let _ = fts_query(&conn, q)?;
    }
    for q in &qs {
        let t = Instant::now();
        let (hits, _) = repo.search(&to_query(q))?;
        ent.push(t.elapsed());
        ent_hits += hits.len();
        let t = Instant::now();
        fts_hits += fts_query(&conn, q)?;
        fts.push(t.elapsed());
    }
    // Per distinct query (each ran 10 times): the medians, slowest for entente first.
    let mut per: Vec<(String, Duration, Duration)> = (0..20)
        .map(|i| {
            let mut e: Vec<Duration> = ent.iter().skip(i).step_by(20).copied().collect();
            let mut f: Vec<Duration> = fts.iter().skip(i).step_by(20).copied().collect();
            e.sort();
            f.sort();
            (
                qs[i].entente.clone(),
                percentile(&e, 0.5),
                percentile(&f, 0.5),
            )
        })
        .collect();
    per.sort_by_key(|p| std::cmp::Reverse(p.1));
    println!("\nper query (median of 10): entente ms, FTS5 ms, ratio");
    for (q, e, f) in &per {
        println!(
            "  {:<28} {:8.2} {:8.2} {:6.1}x",
            q,
            ms(*e),
            ms(*f),
            ms(*f) / ms(*e).max(1e-6)
        );
    }
    let mut grep = Vec::new();
    for q in qs.iter().take(20) {
        let t = Instant::now();
        let out = Command::new("grep")
            .arg("-c")
            .arg("-F")
            .arg("--")
            .arg(&q.grep)
            .args(&files)
            .output()
            .context("running grep")?;
        anyhow::ensure!(out.status.code().is_some_and(|c| c <= 1), "grep failed");
        grep.push(t.elapsed());
    }
    ent.sort();
    fts.sort();
    grep.sort();
    println!(
        "\nsearch latency over {} queries (top 10 with snippets):",
        qs.len()
    );
    println!(
        "  entente      p50 {:8.2} ms   p95 {:8.2} ms   ({ent_hits} results)",
        ms(percentile(&ent, 0.5)),
        ms(percentile(&ent, 0.95))
    );
    println!(
        "  FTS5 trigram p50 {:8.2} ms   p95 {:8.2} ms   ({fts_hits} results)",
        ms(percentile(&fts, 0.5)),
        ms(percentile(&fts, 0.95))
    );
    println!(
        "  grep -c -F   p50 {:8.2} ms   p95 {:8.2} ms   (20 distinct queries, counts only)",
        ms(percentile(&grep, 0.5)),
        ms(percentile(&grep, 0.95))
    );
    println!(
        "  ratio FTS5/entente: p50 {:.1}x, p95 {:.1}x; grep/entente: p50 {:.1}x",
        ms(percentile(&fts, 0.5)) / ms(percentile(&ent, 0.5)),
        ms(percentile(&fts, 0.95)) / ms(percentile(&ent, 0.95)),
        ms(percentile(&grep, 0.5)) / ms(percentile(&ent, 0.5)),
    );
    if work == tmp {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    Ok(())
}

fn to_query(q: &Q) -> SearchQuery {
    SearchQuery {
        text: q.entente.clone(),
        langs: q.lang.iter().map(|s| s.to_string()).collect(),
        from: q.from.map(|f| f.parse()).transpose().ok().flatten(),
        limit: 10,
        ..Default::default()
    }
}

/// Runs one query on FTS5: short (< 3 char) CJK terms cannot use the trigram index, so they
/// fall back to LIKE scans, as an FTS5 user would have to.
fn fts_query(conn: &rusqlite::Connection, q: &Q) -> anyhow::Result<usize> {
    let short = q.grep.chars().count() < 3;
    let mut sql = if short {
        "SELECT rowid, substr(text, instr(text, ?1) - 40, 120) FROM docs WHERE (text LIKE '%' || ?1 || '%' OR title LIKE '%' || ?1 || '%')".to_string()
    } else {
        "SELECT rowid, snippet(docs, 1, '<b>', '</b>', '…', 16) FROM docs WHERE docs MATCH ?1"
            .to_string()
    };
    let mut args: Vec<String> = vec![if short { q.grep.clone() } else { q.fts.clone() }];
    if let Some(l) = q.lang {
        args.push(l.to_string());
        sql.push_str(&format!(" AND lang = ?{}", args.len()));
    }
    if let Some(f) = q.from {
        args.push(f.to_string());
        sql.push_str(&format!(" AND published >= ?{}", args.len()));
    }
    if !short {
        sql.push_str(" ORDER BY bm25(docs)");
    }
    sql.push_str(" LIMIT 10");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
        r.get::<_, i64>(0)
    })?;
    Ok(rows.count())
}

fn tempdir_path() -> anyhow::Result<PathBuf> {
    let p = std::env::temp_dir().join(format!("entente-bench-{}", std::process::id()));
    std::fs::create_dir_all(&p)?;
    Ok(p)
}
