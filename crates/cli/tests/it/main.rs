//! End-to-end tests of the `entente` binary, as a user runs it.

mod actors;
mod bad_input;
mod basics;
mod brief;
mod compare;
mod crash;
mod eval_real;
mod kb;
mod real_data;
mod serve;
mod trade;
mod trade_cli;
mod trade_crash;
mod watch;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_entente")
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The sample articles at the top of `examples/` (not the demo corpus under `examples/demo/`).
pub fn example_files() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(repo_root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

/// `../shared/data` beside the repository, when present.
pub fn shared_data() -> Option<PathBuf> {
    let p = repo_root().join("../shared/data");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipping: ../shared/data is not present");
        None
    }
}

/// Runs `entente --data-dir DIR ARGS...`.
pub fn run(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("ENTENTE_HOME")
        .output()
        .expect("running entente")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs and requires success.
pub fn ok(data_dir: &Path, args: &[&str]) -> String {
    let o = run(data_dir, args);
    assert!(
        o.status.success(),
        "entente {args:?} failed ({}):\nstdout: {}\nstderr: {}",
        o.status,
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// Parses JSON Lines output.
pub fn json_lines(s: &str) -> Vec<serde_json::Value> {
    s.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l}: {e}")))
        .collect()
}

/// Source count straight from the database file.
pub fn count_sources(data_dir: &Path) -> i64 {
    let conn = rusqlite::Connection::open(data_dir.join("entente.sqlite")).unwrap();
    conn.query_row("SELECT count(*) FROM sources", [], |r| r.get(0))
        .unwrap()
}

/// Asserts that `entente doctor --check` finds store and index in agreement.
pub fn assert_consistent(data_dir: &Path) {
    let report: serde_json::Value =
        serde_json::from_str(&ok(data_dir, &["doctor", "--check", "--json"])).unwrap();
    assert_eq!(
        report["missing_from_index"].as_array().map(Vec::len),
        Some(0),
        "{report}"
    );
    assert_eq!(
        report["extra_in_index"].as_array().map(Vec::len),
        Some(0),
        "{report}"
    );
    assert_eq!(
        report["sources_in_store"], report["documents_in_index"],
        "{report}"
    );
}
