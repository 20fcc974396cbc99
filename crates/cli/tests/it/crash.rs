use std::io::Write;
use std::time::{Duration, Instant};

use crate::*;

const DOCS: usize = 6000;

/// Kills an ingest with SIGKILL midway: the store reopens consistent, doctor makes the index
/// agree, and a re-run completes with every document stored exactly once.
#[test]
fn sigkill_midway_leaves_a_consistent_store_and_a_rerun_completes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let input = dir.path().join("many.jsonl");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
        for i in 0..DOCS {
            let rec = serde_json::json!({
                "title": format!("Dispatch {i}"),
                "text": format!("Report number {i}: delegations from Pyongyang and Moscow met on day {} to discuss item {} of the agenda, including trade, energy and transport links across the Tumen River.", i % 365, i * 7919 % 10007),
                "published": format!("2024-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
            });
            writeln!(f, "{rec}").unwrap();
        }
    }
    ok(&data, &["init"]);
    let mut child = Command::new(bin())
        .args([
            "--data-dir",
            data.to_str().unwrap(),
            "ingest",
            "--quiet",
            input.to_str().unwrap(),
        ])
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut stored = 0;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        stored = count_sources(&data);
        if stored >= 300 {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("ingest finished before it could be killed ({status}); raise DOCS");
        }
    }
    // A check while the ingest runs says so, and is not a failure (#16, smaller item).
    let during = run(&data, &["doctor", "--check"]);
    if child.try_wait().unwrap().is_none() {
        assert!(during.status.success(), "{}", stdout(&during));
        assert!(
            stdout(&during).contains("held by another entente process"),
            "{}",
            stdout(&during)
        );
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let at_kill = count_sources(&data);
    assert!(
        stored >= 300 && (at_kill as usize) < DOCS,
        "killed midway: {at_kill} of {DOCS}"
    );

    // The database itself is sound, whatever the index says.
    let o = run(&data, &["doctor", "--check", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        report["store_problems"].as_array().map(Vec::len),
        Some(0),
        "{report}"
    );
    assert_eq!(report["sources_in_store"], at_kill);

    // doctor (or any writer) brings the index into agreement.
    ok(&data, &["doctor"]);
    assert_consistent(&data);

    // A re-run stores the rest, nothing twice, nothing failed.
    let summary: serde_json::Value =
        serde_json::from_str(&ok(&data, &["ingest", "--json", input.to_str().unwrap()])).unwrap();
    assert_eq!(summary["failed"], 0);
    assert_eq!(summary["unchanged"], at_kill, "{}", summary["unchanged"]);
    assert_eq!(count_sources(&data) as usize, DOCS);
    assert_consistent(&data);
    let hits = json_lines(&ok(&data, &["search", "\"Report number 5999\"", "--json"]));
    assert_eq!(hits.len(), 1);
}

/// The events of a data directory, without what depends on the order of work (ids, versions,
/// confidence): type, date, place, participants with roles, and the spans cited.
fn events_snapshot(data: &std::path::Path) -> Vec<String> {
    let mut out: Vec<String> = json_lines(&ok(data, &["events", "list", "--json"]))
        .iter()
        .map(|e| {
            let mut who: Vec<String> = e["participants"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| format!("{}:{}", p["id"], p["role"]))
                .collect();
            who.sort();
            let mut cited: Vec<String> = e["citations"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| format!("{}@{}-{}", c["source_id"], c["start"], c["end"]))
                .collect();
            cited.sort();
            format!(
                "{} {} {} [{}] [{}]",
                e["type"],
                e["date"],
                e["place"]["id"],
                who.join(" "),
                cited.join(" ")
            )
        })
        .collect();
    out.sort();
    out
}

/// `kill -9` during `entente extract` at spread-out moments, then `entente extract` again:
/// the knowledge base holds exactly the events of an uninterrupted run — none lost, none
/// doubled, the same citations (#16 item 7).
#[test]
fn sigkill_during_extract_then_a_rerun_equals_an_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = repo_root().join("examples/demo/corpus");
    let corpus = corpus.to_str().unwrap();
    let reference = dir.path().join("reference");
    ok(&reference, &["ingest", "--quiet", corpus]);
    let t0 = Instant::now();
    ok(&reference, &["extract", "-q"]);
    let span = t0.elapsed();
    let want = events_snapshot(&reference);
    assert!(want.len() > 50, "{} events", want.len());

    for seed in 0..3u32 {
        let data = dir.path().join(format!("killed-{seed}"));
        ok(&data, &["ingest", "--quiet", corpus]);
        let mut child = Command::new(bin())
            .args(["--data-dir", data.to_str().unwrap(), "extract", "-q"])
            .env_remove("ENTENTE_HOME")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(span.mul_f64(0.15 + 0.3 * f64::from(seed)));
        let _ = child.kill();
        let _ = child.wait();
        ok(&data, &["extract", "-q"]);
        assert_eq!(events_snapshot(&data), want, "seed {seed}");
        assert_consistent(&data);
    }
}
