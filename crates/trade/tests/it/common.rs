use std::path::{Path, PathBuf};

use entente_trade::{Flow, Format, ImportOptions, TradeStore};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A file of the shared real data, or None (with a note) when it is absent.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} not present", p.display());
        None
    }
}

/// Writes `body` to `name` in `dir`.
pub fn write(dir: &tempfile::TempDir, name: &str, body: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, body).unwrap();
    p
}

/// The tests' one tokio runtime: the trade store owns none.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .expect("a tokio runtime")
    })
}

pub fn store() -> (tempfile::TempDir, TradeStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store =
        TradeStore::open(dir.path().join("trade"), runtime().handle().clone()).expect("open store");
    (dir, store)
}

pub fn cc(flow: Flow) -> ImportOptions {
    ImportOptions {
        reporter: None,
        flow: Some(flow),
        cumulative: false,
    }
}

/// A store with the China Customs fixtures imported.
pub fn loaded() -> (tempfile::TempDir, TradeStore) {
    let (d, s) = store();
    for (f, flow) in [
        ("cc-exports-kp-2015-zh.csv", Flow::Export),
        ("cc-imports-kp-2025-gb18030.csv", Flow::Import),
        ("cc-exports-kp-2019-2025-en.csv", Flow::Export),
    ] {
        s.import_file(&fixture(f), Format::ChinaCustoms, &cc(flow))
            .unwrap_or_else(|e| panic!("{f}: {e}"));
    }
    (d, s)
}

/// All Parquet files under a directory.
pub fn parquet_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(parquet_files(&p));
        } else if p.extension().is_some_and(|x| x == "parquet") {
            out.push(p);
        }
    }
    out.sort();
    out
}
