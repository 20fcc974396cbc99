//! The Parquet files open unchanged in DuckDB and pandas (through pyarrow).

use std::process::Command;

use crate::common::loaded;

fn python() -> Option<&'static str> {
    match Command::new("python3").arg("--version").output() {
        Ok(o) if o.status.success() => Some("python3"),
        _ => {
            eprintln!("skipping: python3 is not installed");
            None
        }
    }
}

#[test]
fn parquet_opens_in_duckdb_and_pandas() {
    let Some(py) = python() else { return };
    let (_d, s) = loaded();
    let records = s.root().join("records");
    let script = r#"
import sys
root = sys.argv[1]
import duckdb, pandas as pd
con = duckdb.connect()
n, v = con.execute(
    "SELECT count(*), sum(value_usd) FROM read_parquet(?, hive_partitioning = true) WHERE reporter = 'CN' AND partner = 'KP' AND year = 2025 AND flow = 'export'",
    [root + "/**/*.parquet"],
).fetchone()
assert n == 50, n
assert v == 63200275.0, v
df = pd.read_parquet(root)
assert set(df["reporter"].astype(str)) == {"CN"}, set(df["reporter"])
assert len(df) == 100 + 30 + 5 * (6 * 12 + 10), len(df)
assert {"partner", "flow", "month", "hs", "value_usd", "source_sha256", "source_line"} <= set(df.columns)
print("ok")
"#;
    let out = Command::new(py)
        .arg("-c")
        .arg(script)
        .arg(&records)
        .output()
        .expect("run python3");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "DuckDB/pandas check failed (run the tests through scripts/check: its scripts/setup installs duckdb, pandas and pyarrow in target/py-venv):\n{stderr}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok");
}
