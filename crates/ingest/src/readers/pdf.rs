//! PDF through poppler's `pdftotext` (Debian package `poppler-utils`; `poppler-data` adds the
//! CMaps for CJK fonts without embedded Unicode maps).
//!
//! The bytes are written to a temporary file and `pdftotext -enc UTF-8 <file> -` is run with a
//! time limit; its form feeds (page breaks) become blank lines. The title is `pdfinfo`'s
//! `Title` when present. No date is taken from the PDF's metadata: a file's creation date is
//! not the date of publication. The encoding recorded is `UTF-8` (what pdftotext writes).
//!
//! The programs can be overridden with the `ENTENTE_PDFTOTEXT` and `ENTENTE_PDFINFO`
//! environment variables.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Format, RawDoc, tidy_paragraphs};
use crate::IngestError;

/// How long pdftotext may run on one file.
const TIMEOUT: Duration = Duration::from_secs(120);

fn program(var: &str, default: &str) -> String {
    std::env::var(var)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_string())
}

/// The poppler programs used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfTools {
    pub pdftotext: String,
    pub pdfinfo: String,
}

impl Default for PdfTools {
    /// `pdftotext` and `pdfinfo` from `PATH`, or `ENTENTE_PDFTOTEXT` / `ENTENTE_PDFINFO`.
    fn default() -> Self {
        PdfTools {
            pdftotext: program("ENTENTE_PDFTOTEXT", "pdftotext"),
            pdfinfo: program("ENTENTE_PDFINFO", "pdfinfo"),
        }
    }
}

/// Output of a finished program.
struct Output {
    status: std::process::ExitStatus,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// Runs `prog args`, killing it after `timeout`.
fn run(
    prog: &str,
    args: &[&std::ffi::OsStr],
    timeout: Duration,
) -> std::io::Result<Option<Output>> {
    let mut child = Command::new(prog)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut out_pipe = child.stdout.take();
    let mut err_pipe = child.stderr.take();
    let out_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        if let Some(p) = out_pipe.as_mut() {
            let _ = p.read_to_end(&mut v);
        }
        v
    });
    let err_thread = std::thread::spawn(move || {
        let mut v = Vec::new();
        if let Some(p) = err_pipe.as_mut() {
            let _ = p.read_to_end(&mut v);
        }
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break s;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            let _ = out_thread.join();
            let _ = err_thread.join();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = out_thread.join().unwrap_or_default();
    let stderr = err_thread.join().unwrap_or_default();
    Ok(Some(Output {
        status,
        stdout,
        stderr,
    }))
}

fn first_lines(stderr: &[u8]) -> String {
    let s = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = s
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(3)
        .collect();
    if lines.is_empty() {
        "no message".into()
    } else {
        lines.join("; ")
    }
}

/// Reads the text of one PDF with the default [`PdfTools`].
pub(crate) fn read_pdf(origin: &str, bytes: &[u8]) -> Result<RawDoc, IngestError> {
    read_pdf_with(origin, bytes, &PdfTools::default())
}

/// Reads the text of one PDF with the given programs.
pub fn read_pdf_with(origin: &str, bytes: &[u8], tools: &PdfTools) -> Result<RawDoc, IngestError> {
    let pdf_err = |message: String| IngestError::Pdf {
        origin: origin.into(),
        message,
    };
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(pdf_err("not a PDF file (no `%PDF-` header)".into()));
    }
    let mut tmp = tempfile::Builder::new()
        .prefix("entente-")
        .suffix(".pdf")
        .tempfile()
        .map_err(|e| pdf_err(format!("cannot create a temporary file: {e}")))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.flush())
        .map_err(|e| pdf_err(format!("cannot write a temporary file: {e}")))?;
    let path = tmp.path();

    let prog = tools.pdftotext.as_str();
    let args = [
        std::ffi::OsStr::new("-enc"),
        std::ffi::OsStr::new("UTF-8"),
        path.as_os_str(),
        std::ffi::OsStr::new("-"),
    ];
    let out = match run(prog, &args, TIMEOUT) {
        Ok(Some(o)) => o,
        Ok(None) => {
            return Err(pdf_err(format!(
                "pdftotext did not finish within {} s",
                TIMEOUT.as_secs()
            )));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(pdf_err(format!(
                "`{prog}` not found: install poppler-utils (Debian/Ubuntu: apt-get install poppler-utils poppler-data) to read PDF files"
            )));
        }
        Err(e) => return Err(pdf_err(format!("cannot run `{prog}`: {e}"))),
    };
    if !out.status.success() {
        return Err(pdf_err(format!(
            "pdftotext could not read the file ({}): {}",
            out.status,
            first_lines(&out.stderr)
        )));
    }
    let raw = String::from_utf8_lossy(&out.stdout);
    let text = pages_to_text(&raw);
    if text.trim().is_empty() {
        return Err(pdf_err(
            "no extractable text (a scanned PDF without a text layer? OCR is not supported)".into(),
        ));
    }
    let mut d = RawDoc::new(origin.into(), Format::Pdf, "UTF-8".into(), text);
    d.title = pdf_title(&tools.pdfinfo, path);
    Ok(d)
}

/// Page breaks (form feeds) become blank lines; blank-line runs are tidied.
pub(crate) fn pages_to_text(raw: &str) -> String {
    let pages: Vec<String> = raw
        .split('\x0c')
        .map(tidy_paragraphs)
        .filter(|p| !p.is_empty())
        .collect();
    pages.join("\n\n")
}

/// `Title:` from pdfinfo, when present.
fn pdf_title(prog: &str, path: &Path) -> Option<String> {
    let args = [
        std::ffi::OsStr::new("-enc"),
        std::ffi::OsStr::new("UTF-8"),
        path.as_os_str(),
    ];
    let out = run(prog, &args, Duration::from_secs(30)).ok()??;
    if !out.status.success() {
        return None;
    }
    let info = String::from_utf8_lossy(&out.stdout);
    info.lines()
        .find_map(|l| l.strip_prefix("Title:"))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_feeds_become_blank_lines() {
        assert_eq!(
            pages_to_text("Page one\nline\n\x0cPage two\n\x0c"),
            "Page one\nline\n\nPage two"
        );
    }

    #[test]
    fn not_a_pdf() {
        let e = read_pdf("x.pdf", b"hello").unwrap_err();
        assert!(e.to_string().contains("not a PDF"), "{e}");
    }
}
