//! PDF printing and screenshots through Debian's headless Chromium.
//!
//! Chromium is found at `$ENTENTE_CHROMIUM`, `/usr/bin/chromium` or as `chromium` on `PATH`
//! (`ENTENTE_CHROMIUM=none` means: make no PDFs, as if Chromium were not installed);
//! each run gets a fresh profile directory (removed afterwards) and a timeout.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::error::BriefError;

/// The default time Chromium gets for one page.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(90);

/// A located Chromium binary with a timeout.
#[derive(Clone, Debug)]
pub struct Chromium {
    path: PathBuf,
    timeout: Duration,
}

impl Chromium {
    /// Finds Chromium: `$ENTENTE_CHROMIUM`, `/usr/bin/chromium`, then `chromium` on `PATH`.
    /// `ENTENTE_CHROMIUM=none` finds nothing.
    pub fn locate() -> Result<Chromium, BriefError> {
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Some(p) = std::env::var_os("ENTENTE_CHROMIUM").filter(|p| !p.is_empty()) {
            if p == "none" {
                return Err(BriefError::ChromiumMissing);
            }
            candidates.push(PathBuf::from(p));
        }
        candidates.push(PathBuf::from("/usr/bin/chromium"));
        if let Some(path) = std::env::var_os("PATH") {
            candidates.extend(std::env::split_paths(&path).map(|d| d.join("chromium")));
        }
        candidates
            .into_iter()
            .find(|p| p.is_file())
            .map(|path| Chromium {
                path,
                timeout: DEFAULT_TIMEOUT,
            })
            .ok_or(BriefError::ChromiumMissing)
    }

    /// Sets the timeout of each run.
    pub fn with_timeout(mut self, timeout: Duration) -> Chromium {
        self.timeout = timeout;
        self
    }

    /// The binary's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Prints an HTML file to PDF (A4 from the page's `@page` rule, no header or footer).
    pub fn print_pdf(&self, html_path: &Path, pdf_path: &Path) -> Result<(), BriefError> {
        let out = absolute(pdf_path)?;
        self.run(
            html_path,
            &out,
            &[
                "--no-pdf-header-footer".to_string(),
                format!("--print-to-pdf={}", out.display()),
            ],
        )
    }

    /// Takes a PNG screenshot of the top `width`×`height` pixels of an HTML file.
    pub fn screenshot(
        &self,
        html_path: &Path,
        png_path: &Path,
        width: u32,
        height: u32,
    ) -> Result<(), BriefError> {
        let out = absolute(png_path)?;
        self.run(
            html_path,
            &out,
            &[
                "--hide-scrollbars".to_string(),
                "--force-device-scale-factor=1".to_string(),
                format!("--window-size={},{}", width.max(1), height.max(1)),
                format!("--screenshot={}", out.display()),
            ],
        )
    }

    fn run(&self, html_path: &Path, out: &Path, extra: &[String]) -> Result<(), BriefError> {
        let html = fs::canonicalize(html_path).map_err(|e| BriefError::io(html_path, e))?;
        let profile = TempDir::new()?;
        match fs::remove_file(out) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(BriefError::io(out, e)),
        }
        let log_path = profile.path.join("chromium-stderr.log");
        let log = fs::File::create(&log_path).map_err(|e| BriefError::io(&log_path, e))?;
        let mut cmd = Command::new(&self.path);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--mute-audio",
        ])
        .arg(format!("--user-data-dir={}", profile.path.display()))
        .args(extra)
        .arg(file_url(&html))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(log));
        let mut child = cmd.spawn().map_err(|e| BriefError::Chromium {
            output: out.to_path_buf(),
            message: format!("could not start {}: {e}", self.path.display()),
        })?;
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() >= self.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(BriefError::ChromiumTimeout {
                        output: out.to_path_buf(),
                        seconds: self.timeout.as_secs(),
                    });
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
                Err(e) => {
                    let _ = child.kill();
                    return Err(BriefError::Chromium {
                        output: out.to_path_buf(),
                        message: format!("waiting for Chromium failed: {e}"),
                    });
                }
            }
        };
        let written = fs::metadata(out).map(|m| m.len() > 0).unwrap_or(false);
        if status.success() && written {
            return Ok(());
        }
        let log = fs::read_to_string(&log_path).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(8).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        Err(BriefError::Chromium {
            output: out.to_path_buf(),
            message: format!(
                "exit status {status}{}; stderr: {}",
                if written { "" } else { ", no output file" },
                tail.join(" | ")
            ),
        })
    }
}

/// Prints an HTML file to PDF with Chromium found by [`Chromium::locate`].
pub fn print_pdf(html_path: &Path, pdf_path: &Path) -> Result<(), BriefError> {
    Chromium::locate()?.print_pdf(html_path, pdf_path)
}

/// Screenshots an HTML file to PNG with Chromium found by [`Chromium::locate`].
pub fn screenshot(
    html_path: &Path,
    png_path: &Path,
    width: u32,
    height: u32,
) -> Result<(), BriefError> {
    Chromium::locate()?.screenshot(html_path, png_path, width, height)
}

fn absolute(p: &Path) -> Result<PathBuf, BriefError> {
    if p.is_absolute() {
        return Ok(p.to_path_buf());
    }
    let cwd = std::env::current_dir().map_err(|e| BriefError::io(p, e))?;
    Ok(cwd.join(p))
}

/// `file://` URL of an absolute path, percent-encoding all but unreserved bytes and `/`.
fn file_url(p: &Path) -> String {
    let mut url = String::from("file://");
    for b in p.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new() -> Result<TempDir, BriefError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let base = std::env::temp_dir();
        let mut last_err = None;
        for _ in 0..16 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = base.join(format!(
                "entente-chromium-{}-{nanos}-{n}",
                std::process::id()
            ));
            match fs::create_dir(&path) {
                Ok(()) => return Ok(TempDir { path }),
                Err(e) => last_err = Some((path, e)),
            }
        }
        match last_err {
            Some((path, e)) => Err(BriefError::io(path, e)),
            None => Err(BriefError::io(base, std::io::Error::other("no temp dir"))),
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_are_encoded() {
        assert_eq!(
            file_url(Path::new("/tmp/a b/é.html")),
            "file:///tmp/a%20b/%C3%A9.html"
        );
    }

    #[test]
    fn missing_html_is_an_io_error() {
        let c = Chromium {
            path: PathBuf::from("/nonexistent/chromium"),
            timeout: Duration::from_secs(1),
        };
        let e = c
            .print_pdf(Path::new("/nonexistent/x.html"), Path::new("/tmp/x.pdf"))
            .unwrap_err();
        assert!(matches!(e, BriefError::Io { .. }), "{e}");
    }
}
