//! The trade store under concurrent imports and `kill -9` (#16 items 1 and 2): every import
//! that exits 0 is listed, the manifest is never corrupted, and a killed revising import
//! leaves the figures of before or of after — never a mix, never a silent gap — whatever the
//! moment of the kill.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Instant;

use crate::*;

/// A canonical CSV of CN→KP exports: `years` × 12 months × `codes` HS lines, each worth
/// `value` dollars.
fn canonical(path: &Path, years: std::ops::RangeInclusive<i32>, codes: u32, value: u32) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "reporter,partner,flow,period,hs,value_usd").unwrap();
    for y in years {
        for m in 1..=12 {
            for c in 0..codes {
                writeln!(f, "CN,KP,export,{y}-{m:02},{:06},{value}", 100_000 + c * 7).unwrap();
            }
        }
    }
}

fn spawn(data: &Path, args: &[&str]) -> Child {
    Command::new(bin())
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("ENTENTE_HOME")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// `trade import --format csv FILE`'s arguments.
fn import_args(file: &Path) -> [&str; 5] {
    let f = file.to_str().expect("a UTF-8 path");
    ["trade", "import", "--format", "csv", f]
}

/// `entente trade import --format csv FILE` in `data`, which must succeed.
fn import_csv(data: &Path, file: &Path) {
    ok(data, &import_args(file));
}

/// Annual CN→KP export totals: year → dollars.
fn totals(data: &Path) -> Vec<(i64, f64)> {
    let out = ok(
        data,
        &[
            "trade",
            "totals",
            "--partner",
            "KP",
            "--by",
            "year",
            "--json",
        ],
    );
    let mut rows: Vec<(i64, f64)> = json_lines(&out)
        .iter()
        .map(|r| {
            (
                r["period"]
                    .as_str()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(-1),
                r["exports_usd"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect();
    rows.sort_by_key(|r| r.0);
    rows
}

fn files_listed(data: &Path) -> usize {
    json_lines(&ok(data, &["trade", "files", "--json"])).len()
}

/// Three imports of different files at once, five times over: each exits 0 and each is
/// listed; the figures are the sum of the three.
#[test]
fn concurrent_imports_are_all_listed_and_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    let inputs: Vec<PathBuf> = (0..3)
        .map(|i| {
            let p = dir.path().join(format!("year-{i}.csv"));
            canonical(&p, 2015 + i..=2015 + i, 400, 1 + i as u32);
            p
        })
        .collect();
    for round in 0..5 {
        let data = dir.path().join(format!("data-{round}"));
        let children: Vec<Child> = inputs
            .iter()
            .map(|p| spawn(&data, &import_args(p)))
            .collect();
        for c in children {
            let o = c.wait_with_output().unwrap();
            assert!(
                o.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        assert_eq!(files_listed(&data), 3, "round {round}");
        let t = totals(&data);
        let want: Vec<(i64, f64)> = (0..3)
            .map(|i| (2015 + i, 400.0 * 12.0 * (1 + i) as f64))
            .collect();
        assert_eq!(t, want, "round {round}");
        let o = run(&data, &["doctor", "--check"]);
        assert!(o.status.success(), "round {round}: {}", stdout(&o));
    }
}

/// A revising import (every period of an earlier file, new values) killed at spread-out
/// moments: the next command sees the old figures or the new ones, for every year, the
/// store checks whole, and importing the revision again completes it.
#[test]
fn sigkill_during_a_revising_import_leaves_before_or_after() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.csv");
    let revised = dir.path().join("revised.csv");
    canonical(&first, 2015..=2018, 1500, 1);
    canonical(&revised, 2015..=2018, 1500, 2);
    let before: Vec<(i64, f64)> = (2015..=2018).map(|y| (y, 1500.0 * 12.0)).collect();
    let after: Vec<(i64, f64)> = (2015..=2018).map(|y| (y, 3000.0 * 12.0)).collect();

    // An uninterrupted run gives `after`, and its duration spreads the kills.
    let clean = dir.path().join("clean");
    import_csv(&clean, &first);
    let t0 = Instant::now();
    import_csv(&clean, &revised);
    let span = t0.elapsed();
    assert_eq!(totals(&clean), after);

    let mut outcomes = (0, 0);
    for seed in 0..6u32 {
        let data = dir.path().join(format!("killed-{seed}"));
        import_csv(&data, &first);
        let mut child = spawn(&data, &import_args(&revised));
        // Spread over the import: 5 %, 20 %, … of the uninterrupted duration, plus jitter.
        let frac = 0.05 + 0.18 * f64::from(seed) + f64::from(seed * 7919 % 13) / 200.0;
        std::thread::sleep(span.mul_f64(frac.min(1.1)));
        let _ = child.kill();
        let _ = child.wait();
        let t = totals(&data);
        if t == before {
            outcomes.0 += 1;
        } else if t == after {
            outcomes.1 += 1;
        } else {
            panic!("seed {seed}: killed at {frac:.2} of the import, figures are a mix: {t:?}");
        }
        let o = run(&data, &["doctor", "--check", "--json"]);
        assert!(o.status.success(), "seed {seed}: {}", stdout(&o));
        let leftovers: Vec<PathBuf> = walk(&data.join("trade"))
            .into_iter()
            .filter(|p| {
                let s = p.to_string_lossy();
                s.ends_with(".tmp") || s.contains("/staging/") || s.ends_with("journal.json")
            })
            .collect();
        assert!(leftovers.is_empty(), "seed {seed}: {leftovers:?}");
        import_csv(&data, &revised);
        assert_eq!(totals(&data), after, "seed {seed}: re-import completes");
    }
    eprintln!(
        "kills: {} left the figures before the import, {} after",
        outcomes.0, outcomes.1
    );
}

/// Readers during a write: `trade totals` asked again and again while a revising import
/// runs in another process answers every time, with the figures of before or of after for
/// every year — never a mix, never a missing year, never an error.
#[test]
fn queries_during_an_import_see_before_or_after() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.csv");
    let revised = dir.path().join("revised.csv");
    canonical(&first, 2015..=2018, 1500, 1);
    canonical(&revised, 2015..=2018, 1500, 3);
    let before: Vec<(i64, f64)> = (2015..=2018).map(|y| (y, 1500.0 * 12.0)).collect();
    let after: Vec<(i64, f64)> = (2015..=2018).map(|y| (y, 4500.0 * 12.0)).collect();
    let data = dir.path().join("data");
    import_csv(&data, &first);
    let mut child = spawn(&data, &import_args(&revised));
    let mut seen = (0, 0);
    loop {
        let running = child.try_wait().unwrap().is_none();
        // `totals` asserts the command succeeded.
        let t = totals(&data);
        if t == before {
            seen.0 += 1;
        } else if t == after {
            seen.1 += 1;
        } else {
            panic!("a reader during the import saw a mix: {t:?}");
        }
        if !running {
            break;
        }
    }
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(totals(&data), after);
    assert!(seen.0 + seen.1 >= 2, "{seen:?}");
    eprintln!(
        "readers saw before {} times, after {} times",
        seen.0, seen.1
    );
}

/// A store damaged the way a killed import of an older entente left it (a listed part
/// deleted, an unlisted part present): queries refuse with the repair named, `doctor`
/// repairs, and the figures come back once the named file is imported again.
#[test]
fn a_damaged_trade_store_is_refused_then_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    canonical(&a, 2015..=2016, 50, 1);
    canonical(&b, 2017..=2017, 50, 3);
    import_csv(&data, &a);
    import_csv(&data, &b);
    let whole = totals(&data);
    let parts: Vec<PathBuf> = walk(&data.join("trade/records"));
    assert_eq!(parts.len(), 3, "{parts:?}");
    // Lose a part of a.csv (2015), and leave a stray copy of b's part unlisted.
    let lost = parts
        .iter()
        .find(|p| p.to_string_lossy().contains("year=2015"))
        .unwrap();
    std::fs::remove_file(lost).unwrap();
    let b_part = parts
        .iter()
        .find(|p| p.to_string_lossy().contains("year=2017"))
        .unwrap();
    std::fs::copy(b_part, b_part.with_file_name("part-stray.parquet")).unwrap();

    let o = run(&data, &["trade", "totals", "--partner", "KP"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("damaged") && err.contains("entente doctor"),
        "{err}"
    );
    assert!(
        err.contains("missing") && err.contains("counted twice"),
        "{err}"
    );
    let o = run(&data, &["doctor", "--check"]);
    assert!(!o.status.success());
    assert!(stdout(&o).contains("missing part"), "{}", stdout(&o));

    let out = ok(&data, &["doctor"]);
    assert!(out.contains("re-import"), "{out}");
    assert!(out.contains("a.csv"), "{out}");
    // b.csv's figures were never wrong, and are answered again; a.csv's are gone until
    // it is imported again — shown as missing, not as zero.
    assert_eq!(totals(&data), vec![(2017, 150.0 * 12.0)]);
    let set_aside = walk(&data.join("trade/lost+found"));
    assert_eq!(set_aside.len(), 2, "{set_aside:?}"); // the stray copy and a's 2016 part
    import_csv(&data, &a);
    assert_eq!(totals(&data), whole);
    assert!(run(&data, &["doctor", "--check"]).status.success());
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}
