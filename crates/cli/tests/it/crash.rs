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
