//! RSS (0.9x, 1.0, 2.0) and Atom feeds through feed-rs: one document per item or entry.
//!
//! The bytes are decoded first (BOM, HTTP charset, XML declaration, detection) and the XML
//! declaration's `encoding` is rewritten to UTF-8, so feed-rs never decodes twice.
//!
//! Per item: title; text from the content (HTML reduced with [`super::html_to_text`]), else
//! the summary/description; published date (else updated); the first `alternate` (or only)
//! link; outlet = the feed's title; lang = the feed's language. An item without text is an
//! [`IngestError::NoText`] naming `origin#item=N` (N from 1).
//!
//! Dates keep the calendar date written in the feed: feed-rs is given a timestamp parser
//! that reads the date with [`DateValue::parse_loose`] (falling back to `D Mon YYYY` found
//! anywhere in the value) and hands it back as midnight UTC of that date, so a
//! `Thu, 04 Sep 2025 08:00:00 +0900` item is dated 2025-09-04, not 2025-09-03.

use std::sync::OnceLock;

use entente_core::{DateValue, Lang};
use feed_rs::model::{Entry, Text};
use regex::Regex;

use super::{Format, RawDoc, html_to_text, tidy_paragraphs};
use crate::IngestError;
use crate::decode::Decoded;

/// Parses a decoded feed with the date handling above; errors name `origin`.
fn parse_feed(origin: &str, decoded: &Decoded) -> Result<feed_rs::model::Feed, IngestError> {
    let xml = utf8_declaration(&decoded.text);
    // An XML declaration anywhere but at the start is not well-formed XML, and makes the
    // feed parser panic (quick-xml's set_encoding; found by fuzz/read_documents).
    let first = xml.len() - xml.trim_start().len();
    if let Some((at, _)) = xml.match_indices("<?xml").find(|(i, _)| *i != first) {
        return Err(IngestError::Feed {
            origin: origin.into(),
            message: format!(
                "an XML declaration at byte {at}, not at the start: not a well-formed feed"
            ),
        });
    }
    let parser = feed_rs::parser::Builder::new()
        .timestamp_parser(|s| {
            let d = loose_date(s)?;
            d.start().and_hms_opt(0, 0, 0).map(|dt| dt.and_utc())
        })
        .build();
    // A parser panic on some other malformed input is this input's error, not the run's end.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        parser.parse(xml.as_bytes())
    }));
    match parsed {
        Ok(Ok(f)) => Ok(f),
        Err(_) => Err(IngestError::Feed {
            origin: origin.into(),
            message: "the feed parser failed on malformed XML".into(),
        }),
        Ok(Err(e)) => Err(IngestError::Feed {
            origin: origin.into(),
            message: e.to_string(),
        }),
    }
}

/// The link of an entry: its first `alternate` link, else its first.
fn entry_link(entry: &Entry) -> Option<String> {
    entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or_else(|| entry.links.first())
        .map(|l| l.href.trim().to_string())
        .filter(|h| !h.is_empty())
}

/// One item a feed links to, for a watch: where it is, its title and date as the feed says.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedLink {
    pub url: String,
    pub title: Option<String>,
    pub published: Option<DateValue>,
}

/// The items of a feed by their links, in feed order; items without a link are left out.
pub(crate) fn feed_links(origin: &str, decoded: &Decoded) -> Result<Vec<FeedLink>, IngestError> {
    let feed = parse_feed(origin, decoded)?;
    Ok(feed
        .entries
        .iter()
        .filter_map(|e| {
            Some(FeedLink {
                url: entry_link(e)?,
                title: e.title.as_ref().map(text_of).filter(|t| !t.is_empty()),
                published: e
                    .published
                    .or(e.updated)
                    .map(|dt| DateValue::from_naive(dt.date_naive())),
            })
        })
        .collect())
}

/// Reads a feed: one result per item.
pub(crate) fn read_feed(
    origin: &str,
    decoded: Decoded,
    format: Format,
) -> Vec<Result<RawDoc, IngestError>> {
    let feed = match parse_feed(origin, &decoded) {
        Ok(f) => f,
        Err(e) => return vec![Err(e)],
    };
    let outlet = feed.title.as_ref().map(text_of).filter(|t| !t.is_empty());
    let lang = feed.language.as_deref().and_then(|l| {
        l.parse::<Lang>()
            .inspect_err(|e| tracing::debug!(origin, "ignoring feed language: {e}"))
            .ok()
    });
    let format = match feed.feed_type {
        feed_rs::model::FeedType::Atom => Format::Atom,
        feed_rs::model::FeedType::RSS0
        | feed_rs::model::FeedType::RSS1
        | feed_rs::model::FeedType::RSS2 => Format::Rss,
        _ => format,
    };
    feed.entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let item_origin = format!("{origin}#item={}", i + 1);
            let Some(text) = entry_text(entry) else {
                return Err(IngestError::NoText {
                    origin: item_origin,
                });
            };
            let mut d = RawDoc::new(item_origin, format, decoded.encoding.clone(), text);
            d.title = entry.title.as_ref().map(text_of).filter(|t| !t.is_empty());
            d.published = entry
                .published
                .or(entry.updated)
                .map(|dt| DateValue::from_naive(dt.date_naive()));
            d.url = entry_link(entry);
            d.outlet = outlet.clone();
            d.lang = lang.clone();
            Ok(d)
        })
        .collect()
}

fn entry_text(entry: &Entry) -> Option<String> {
    let content = entry.content.as_ref().and_then(|c| {
        let body = c.body.as_deref()?;
        let is_plain = c.content_type.essence().to_string() == "text/plain";
        Some(if is_plain {
            tidy_paragraphs(body)
        } else {
            html_to_text(body)
        })
    });
    content.filter(|t| !t.trim().is_empty()).or_else(|| {
        entry
            .summary
            .as_ref()
            .map(text_of)
            .filter(|t| !t.trim().is_empty())
    })
}

/// Text of a feed `Text` (HTML reduced when it is HTML or looks like it).
fn text_of(t: &Text) -> String {
    let essence = t.content_type.essence().to_string();
    if essence == "text/plain" && !t.content.contains("</") {
        tidy_paragraphs(t.content.trim())
    } else {
        html_to_text(&t.content)
    }
}

/// Rewrites the XML declaration's encoding to UTF-8 (the text is already decoded).
fn utf8_declaration(text: &str) -> std::borrow::Cow<'_, str> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"\A(\s*<\?xml\b[^>]*?\bencoding\s*=\s*)["'][^"']*["']"#)
            .expect("constant regex")
    });
    re.replace(text, r#"${1}"UTF-8""#)
}

/// A feed date: [`DateValue::parse_loose`], else `D Mon YYYY` anywhere in the value.
fn loose_date(s: &str) -> Option<DateValue> {
    if let Ok(d) = DateValue::parse_loose(s) {
        return Some(d);
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)\b(\d{1,2})\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})\b")
            .expect("constant regex")
    });
    let c = re.captures(s)?;
    let day: u8 = c[1].parse().ok()?;
    let month = match c[2].to_ascii_lowercase().as_str() {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    let year: i32 = c[3].parse().ok()?;
    DateValue::ymd(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declaration_rewritten() {
        assert_eq!(
            utf8_declaration("<?xml version=\"1.0\" encoding='Shift_JIS'?><rss/>"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss/>"
        );
        assert_eq!(utf8_declaration("<rss/>"), "<rss/>");
    }

    #[test]
    fn dates() {
        assert_eq!(
            loose_date("Thu, 04 Sep 2025 08:00:00 +0900")
                .unwrap()
                .to_string(),
            "2025-09-04"
        );
        assert_eq!(
            loose_date("Thu, 4 Sep 2025 08:00:00 KST")
                .unwrap()
                .to_string(),
            "2025-09-04"
        );
        assert_eq!(
            loose_date("2025-09-04T01:00:00+09:00").unwrap().to_string(),
            "2025-09-04"
        );
        assert!(loose_date("soon").is_none());
    }
}
