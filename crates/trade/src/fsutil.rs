//! Durable file writes, shared by the store and the HS labels.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::error::{Result, TradeError};

/// Writes `body` to `path` durably: a unique temporary file beside it, fsync, atomic rename,
/// fsync of the directory. Two writers never share a temporary file.
pub fn write_atomic(path: &Path, body: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| TradeError::io(dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        unique_suffix()
    ));
    let res = (|| {
        let mut f = fs::File::create(&tmp).map_err(|e| TradeError::io(&tmp, e))?;
        f.write_all(body).map_err(|e| TradeError::io(&tmp, e))?;
        f.sync_all().map_err(|e| TradeError::io(&tmp, e))?;
        fs::rename(&tmp, path).map_err(|e| TradeError::io(path, e))
    })();
    if res.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    res?;
    sync_dir(dir);
    Ok(())
}

fn unique_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() as u64);
    (t << 16) ^ N.fetch_add(1, Ordering::Relaxed)
}

/// Makes a rename or creation in `dir` durable (best effort: not every platform allows
/// opening a directory).
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
