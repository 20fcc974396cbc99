//! Format readers: bytes in, [`RawDoc`]s out.
//!
//! [`sniff`] decides the format (extension, then HTTP Content-Type, then the first bytes);
//! [`read`] decodes the bytes (see [`crate::decode`]) and hands them to the reader of that
//! format:
//!
//! - [`text`]: plain text and Markdown, with optional YAML front matter;
//! - [`html`]: the main text of an HTML page, without navigation and boilerplate, and its
//!   metadata (Open Graph, JSON-LD, `<meta>`, `<time>`);
//! - [`json`]: JSON Lines, JSON arrays and objects, one document per record, with a
//!   [`FieldMap`];
//! - [`feed`]: RSS and Atom, one document per item;
//! - [`pdf`]: PDF through poppler's `pdftotext`.
//!
//! Size caps are the caller's job; [`DEFAULT_MAX_BYTES`] is the suggested one.

use entente_core::{DateValue, Lang};

use crate::IngestError;
use crate::decode::{self, Decoded};

pub mod feed;
pub mod html;
pub mod json;
mod json_scan;
pub mod pdf;
pub mod shape;
pub mod text;

pub use html::html_to_text;

/// The default cap on the size of one input (file or URL body): 50 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 50 * 1024 * 1024;

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
    Json,
    Jsonl,
    Rss,
    Atom,
    Pdf,
}

impl Format {
    pub fn name(&self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Rss => "rss",
            Format::Atom => "atom",
            Format::Pdf => "pdf",
        }
    }

    /// Parses a format name as given to `--format` (`text`, `txt`, `markdown`, `md`, `html`,
    /// `json`, `jsonl`, `ndjson`, `rss`, `atom`, `pdf`).
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "text" | "txt" | "plain" => Format::Text,
            "markdown" | "md" => Format::Markdown,
            "html" | "htm" => Format::Html,
            "json" => Format::Json,
            "jsonl" | "ndjson" | "json-lines" | "jsonlines" => Format::Jsonl,
            "rss" => Format::Rss,
            "atom" => Format::Atom,
            "pdf" => Format::Pdf,
            _ => return None,
        })
    }
}

/// Which record fields hold which metadata in JSON / JSON Lines input
/// (`--map title=headline,published=date_str,text=story_text,url=link`).
/// A source may be a dotted path (`meta.title`) when no key of that literal name exists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldMap {
    pub title: Option<String>,
    pub text: Option<String>,
    pub published: Option<String>,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub lang: Option<String>,
}

impl FieldMap {
    /// The target fields a mapping may name.
    pub const TARGETS: [&'static str; 6] = ["title", "text", "published", "url", "outlet", "lang"];

    /// Parses `target=source,target=source`. Targets are `title`, `text`, `published`, `url`,
    /// `outlet`, `lang`; an unknown target, a missing `=`, an empty source or a target given
    /// twice is an error. An empty spec is the empty mapping.
    pub fn parse(spec: &str) -> Result<FieldMap, IngestError> {
        let mut map = FieldMap::default();
        for part in spec.split(',') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let Some((target, source)) = part.split_once('=') else {
                return Err(IngestError::BadMap {
                    spec: spec.into(),
                    message: format!("expected target=source, found `{part}`"),
                });
            };
            let target = target.trim().to_ascii_lowercase();
            let source = source.trim();
            let slot = match target.as_str() {
                "title" => &mut map.title,
                "text" => &mut map.text,
                "published" => &mut map.published,
                "url" => &mut map.url,
                "outlet" => &mut map.outlet,
                "lang" => &mut map.lang,
                _ => return Err(IngestError::UnknownField { field: target }),
            };
            if source.is_empty() {
                return Err(IngestError::BadMap {
                    spec: spec.into(),
                    message: format!("no source field given for `{target}`"),
                });
            }
            if slot.is_some() {
                return Err(IngestError::BadMap {
                    spec: spec.into(),
                    message: format!("`{target}` is mapped more than once"),
                });
            }
            *slot = Some(source.to_string());
        }
        Ok(map)
    }
}

/// Options for reading one input.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub map: FieldMap,
    /// Force a format instead of sniffing it.
    pub format: Option<Format>,
    /// Force an encoding instead of detecting it.
    pub encoding: Option<String>,
}

/// A document as read, before normalisation. `text` is decoded plain text with paragraphs
/// separated by blank lines (HTML and feeds already reduced to their main text).
#[derive(Debug, Clone, PartialEq)]
pub struct RawDoc {
    /// `path`, `url` or `-`, with `#line=N` (JSON Lines) or `#item=N` (JSON arrays, feeds).
    pub origin: String,
    pub format: Format,
    pub encoding: String,
    pub title: Option<String>,
    pub text: String,
    pub outlet: Option<String>,
    pub lang: Option<Lang>,
    pub published: Option<DateValue>,
    pub url: Option<String>,
}

impl RawDoc {
    pub(crate) fn new(origin: String, format: Format, encoding: String, text: String) -> RawDoc {
        RawDoc {
            origin,
            format,
            encoding,
            title: None,
            text,
            outlet: None,
            lang: None,
            published: None,
            url: None,
        }
    }
}

/// The extension of a path or URL (without query or fragment), lower-cased.
fn extension(name: &str) -> Option<String> {
    let name = if name.contains("://") {
        let end = name.find(['?', '#']).unwrap_or(name.len());
        let rest = &name[..end];
        // Only the path part of a URL has an extension.
        let after_scheme = rest.split_once("://").map_or(rest, |(_, r)| r);
        after_scheme.split_once('/').map_or("", |(_, p)| p)
    } else {
        name
    };
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let (stem, ext) = file.rsplit_once('.')?;
    if stem.is_empty() || ext.is_empty() {
        return None;
    }
    Some(ext.to_ascii_lowercase())
}

/// Sniffs the format of `bytes` named `name` (path or URL; `content_type` from HTTP).
///
/// The extension decides first (`.txt .md .markdown .html .htm .json .jsonl .ndjson .xml
/// .rss .atom .pdf`; `.json` and `.xml` are refined by content), then the Content-Type,
/// then the first bytes: `%PDF-` → PDF, `<rss`/`<rdf:RDF` → RSS, `<feed` → Atom,
/// `<html`/`<!doctype html` or other markup → HTML, `{`/`[` → JSON or JSON Lines (JSON
/// Lines when the first line is a complete object and more lines follow), `---` front
/// matter or a `# ` heading → Markdown, anything else → text.
pub fn sniff(name: &str, bytes: &[u8], content_type: Option<&str>) -> Format {
    if let Some(ext) = extension(name) {
        let by_ext = match ext.as_str() {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" | "mdown" | "mkd" => Some(Format::Markdown),
            "html" | "htm" | "xhtml" | "shtml" => Some(Format::Html),
            "json" => Some(json_kind(bytes)),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "rss" => Some(Format::Rss),
            "atom" => Some(Format::Atom),
            "pdf" => Some(Format::Pdf),
            "xml" => Some(match sniff_content(bytes) {
                f @ (Format::Rss | Format::Atom | Format::Html) => f,
                _ => Format::Text,
            }),
            _ => None,
        };
        if let Some(f) = by_ext {
            return f;
        }
    }
    if let Some(ct) = content_type {
        let mime = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let by_type = match mime.as_str() {
            "text/html" | "application/xhtml+xml" => Some(Format::Html),
            "application/rss+xml" | "application/rdf+xml" => Some(Format::Rss),
            "application/atom+xml" => Some(Format::Atom),
            "application/pdf" | "application/x-pdf" => Some(Format::Pdf),
            "application/json" | "text/json" => Some(json_kind(bytes)),
            "application/x-ndjson"
            | "application/jsonl"
            | "application/x-jsonlines"
            | "application/jsonlines" => Some(Format::Jsonl),
            "text/markdown" | "text/x-markdown" => Some(Format::Markdown),
            "application/xml" | "text/xml" => Some(match sniff_content(bytes) {
                f @ (Format::Rss | Format::Atom | Format::Html) => f,
                _ => Format::Rss,
            }),
            _ => None,
        };
        if let Some(f) = by_type {
            return f;
        }
    }
    sniff_content(bytes)
}

/// An ASCII-compatible view of the first bytes: UTF-8 BOM dropped; UTF-16 reduced to its
/// low bytes.
fn head_view(bytes: &[u8]) -> Vec<u8> {
    let head = &bytes[..bytes.len().min(2048)];
    let (body, utf16_le) = if let Some(rest) = head.strip_prefix(b"\xEF\xBB\xBF") {
        (rest, None)
    } else if let Some(rest) = head.strip_prefix(b"\xFF\xFE") {
        (rest, Some(true))
    } else if let Some(rest) = head.strip_prefix(b"\xFE\xFF") {
        (rest, Some(false))
    } else if head.len() >= 4 && head[1] == 0 && head[3] == 0 && head[0] != 0 {
        (head, Some(true))
    } else if head.len() >= 4 && head[0] == 0 && head[2] == 0 && head[1] != 0 {
        (head, Some(false))
    } else {
        (head, None)
    };
    match utf16_le {
        None => body.to_vec(),
        Some(le) => body
            .chunks_exact(2)
            .map(|p| {
                let (lo, hi) = if le { (p[0], p[1]) } else { (p[1], p[0]) };
                if hi == 0 { lo } else { b'?' }
            })
            .collect(),
    }
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

fn sniff_content(bytes: &[u8]) -> Format {
    if find_ci(&bytes[..bytes.len().min(1024)], b"%PDF-").is_some() {
        return Format::Pdf;
    }
    let view = head_view(bytes);
    let start = view
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(view.len());
    let v = &view[start..];
    match v.first() {
        Some(b'<') => {
            let candidates = [
                (find_ci(v, b"<rss"), Format::Rss),
                (find_ci(v, b"<rdf:rdf"), Format::Rss),
                (find_ci(v, b"<feed"), Format::Atom),
                (find_ci(v, b"<!doctype html"), Format::Html),
                (find_ci(v, b"<html"), Format::Html),
            ];
            candidates
                .iter()
                .filter_map(|(pos, f)| pos.map(|p| (p, *f)))
                .min_by_key(|(p, _)| *p)
                .map_or(Format::Html, |(_, f)| f)
        }
        Some(b'{') | Some(b'[') => json_kind(bytes),
        Some(b'#') if v.starts_with(b"# ") => Format::Markdown,
        Some(b'-') if v.starts_with(b"---\n") || v.starts_with(b"---\r\n") => Format::Markdown,
        _ => Format::Text,
    }
}

/// JSON Lines when the first non-blank line is a complete JSON object and another
/// non-blank line follows; JSON otherwise.
fn json_kind(bytes: &[u8]) -> Format {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut lines = bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(|b| b.is_ascii_whitespace()));
    let Some(first) = lines.next() else {
        return Format::Json;
    };
    let first = first.trim_ascii();
    if !first.starts_with(b"{") || lines.next().is_none() {
        return Format::Json;
    }
    if serde_json::from_slice::<serde::de::IgnoredAny>(first).is_ok() {
        Format::Jsonl
    } else {
        Format::Json
    }
}

/// The encoding the input declares: forced by the options, else the HTTP charset, else an
/// HTML `<meta>` or an XML declaration.
fn declared_encoding(
    format: Format,
    bytes: &[u8],
    content_type: Option<&str>,
    opts: &ReadOptions,
) -> Option<String> {
    if let Some(e) = &opts.encoding {
        return Some(e.clone());
    }
    if let Some(cs) = content_type.and_then(decode::content_type_charset) {
        return Some(cs);
    }
    match format {
        Format::Html => {
            decode::html_meta_charset(bytes).or_else(|| decode::xml_declared_encoding(bytes))
        }
        Format::Rss | Format::Atom => decode::xml_declared_encoding(bytes),
        _ => None,
    }
}

/// Reads every document in one input. A record that fails (a malformed JSON Lines line)
/// yields an `Err` naming its line while the other records still come out as `Ok`.
/// A whole-input failure (undecodable bytes, malformed front matter) yields one `Err`.
pub fn read(
    origin: &str,
    bytes: &[u8],
    content_type: Option<&str>,
    opts: &ReadOptions,
) -> Vec<Result<RawDoc, IngestError>> {
    read_iter(origin, bytes, content_type, opts).collect()
}

/// The documents of one input, as [`read`] gives them, one at a time: JSON Lines records are
/// parsed as they are taken, so memory stays bounded by the input's text, not its records.
pub fn read_iter(
    origin: &str,
    bytes: &[u8],
    content_type: Option<&str>,
    opts: &ReadOptions,
) -> Box<dyn Iterator<Item = Result<RawDoc, IngestError>> + Send> {
    let one = |r: Result<RawDoc, IngestError>| -> Box<dyn Iterator<Item = _> + Send> {
        Box::new(std::iter::once(r))
    };
    let format = opts
        .format
        .unwrap_or_else(|| sniff(origin, bytes, content_type));
    if format == Format::Pdf {
        return one(pdf::read_pdf(origin, bytes));
    }
    let declared = declared_encoding(format, bytes, content_type, opts);
    let decoded: Decoded = match decode::decode(origin, bytes, declared.as_deref()) {
        Ok(d) => d,
        Err(e) => return one(Err(e)),
    };
    match format {
        Format::Text => one(text::read_text(origin, decoded, false)),
        Format::Markdown => one(text::read_text(origin, decoded, true)),
        Format::Html => one(html::read_html(origin, decoded)),
        Format::Json => Box::new(json::read_json(origin, decoded, &opts.map)),
        Format::Jsonl => Box::new(json::read_jsonl(origin, decoded, &opts.map)),
        Format::Rss | Format::Atom => {
            Box::new(feed::read_feed(origin, decoded, format).into_iter())
        }
        Format::Pdf => one(pdf::read_pdf(origin, bytes)),
    }
}

/// Collapses runs of blank lines to one, trims trailing spaces of lines and blank lines at
/// both ends.
pub(crate) fn tidy_paragraphs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = false;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_run = !out.is_empty();
            continue;
        }
        if blank_run {
            out.push_str("\n\n");
        } else if !out.is_empty() {
            out.push('\n');
        }
        blank_run = false;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_by_extension() {
        assert_eq!(sniff("a/b.TXT", b"<html>", None), Format::Text);
        assert_eq!(sniff("notes.md", b"x", None), Format::Markdown);
        assert_eq!(sniff("x.htm", b"", None), Format::Html);
        assert_eq!(sniff("x.ndjson", b"", None), Format::Jsonl);
        assert_eq!(
            sniff("x.json", b"{\"a\":1}\n{\"a\":2}\n", None),
            Format::Jsonl
        );
        assert_eq!(sniff("x.json", b"{\n\"a\":1\n}\n", None), Format::Json);
        assert_eq!(sniff("x.json", b"[{\"a\":1}]", None), Format::Json);
        assert_eq!(
            sniff("x.xml", b"<?xml version=\"1.0\"?><feed xmlns=\"\">", None),
            Format::Atom
        );
        assert_eq!(
            sniff("x.xml", b"<?xml version=\"1.0\"?><rss>", None),
            Format::Rss
        );
        assert_eq!(sniff("x.pdf", b"", None), Format::Pdf);
        assert_eq!(
            sniff("https://ex.org/a/story.html?x=1.pdf", b"", None),
            Format::Html
        );
        assert_eq!(sniff("https://ex.org", b"plain words", None), Format::Text);
    }

    #[test]
    fn sniff_by_content_type_and_content() {
        assert_eq!(
            sniff(
                "https://ex.org/news/1",
                b"",
                Some("text/html; charset=utf-8")
            ),
            Format::Html
        );
        assert_eq!(sniff("-", b"", Some("application/atom+xml")), Format::Atom);
        assert_eq!(sniff("-", b"  <!DOCTYPE html><html>", None), Format::Html);
        assert_eq!(
            sniff("-", b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\">", None),
            Format::Rss
        );
        assert_eq!(
            sniff("-", b"<feed xmlns=\"http://www.w3.org/2005/Atom\">", None),
            Format::Atom
        );
        assert_eq!(sniff("-", b"%PDF-1.4\n", None), Format::Pdf);
        assert_eq!(sniff("-", b"[1,2]", None), Format::Json);
        assert_eq!(sniff("-", b"{\"a\":1}\n\n{\"a\":2}", None), Format::Jsonl);
        assert_eq!(sniff("-", b"{\"a\":1}", None), Format::Json);
        assert_eq!(
            sniff("-", b"---\ntitle: x\n---\nbody", None),
            Format::Markdown
        );
        assert_eq!(sniff("-", b"# Heading\n\ntext", None), Format::Markdown);
        assert_eq!(sniff("-", b"Just words.", None), Format::Text);
        let utf16: Vec<u8> = b"\xFF\xFE"
            .iter()
            .copied()
            .chain("<html><body>".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(sniff("-", &utf16, None), Format::Html);
    }

    #[test]
    fn field_map_parse() {
        let m = FieldMap::parse("title=headline, published=date_str,text=story_text,url=link,")
            .unwrap();
        assert_eq!(m.title.as_deref(), Some("headline"));
        assert_eq!(m.published.as_deref(), Some("date_str"));
        assert_eq!(m.text.as_deref(), Some("story_text"));
        assert_eq!(m.url.as_deref(), Some("link"));
        assert_eq!(m.outlet, None);
        assert_eq!(FieldMap::parse("").unwrap(), FieldMap::default());
        let e = FieldMap::parse("headline=title").unwrap_err();
        assert!(matches!(e, IngestError::UnknownField { ref field } if field == "headline"));
        assert!(
            e.to_string()
                .contains("expected one of title, text, published"),
            "{e}"
        );
        assert!(matches!(
            FieldMap::parse("title"),
            Err(IngestError::BadMap { .. })
        ));
        assert!(matches!(
            FieldMap::parse("title="),
            Err(IngestError::BadMap { .. })
        ));
        assert!(matches!(
            FieldMap::parse("title=a,title=b"),
            Err(IngestError::BadMap { .. })
        ));
    }

    #[test]
    fn tidy() {
        assert_eq!(
            tidy_paragraphs("\n\n a  \n b\n\n\n\nc  \n\n"),
            " a\n b\n\nc"
        );
    }

    #[test]
    fn format_names_round_trip() {
        for f in [
            Format::Text,
            Format::Markdown,
            Format::Html,
            Format::Json,
            Format::Jsonl,
            Format::Rss,
            Format::Atom,
            Format::Pdf,
        ] {
            assert_eq!(Format::from_name(f.name()), Some(f));
        }
    }
}
