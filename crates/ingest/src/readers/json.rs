//! JSON Lines and JSON: one document per record.
//!
//! Accepted shapes: JSON Lines (one object per line, blank lines skipped), a JSON array of
//! objects, a single object, and an object wrapping an array of objects under a key such as
//! `articles`, `items`, `data`, `results`, `records`, `entries`, `posts`, `stories`, `news`
//! or `docs`.
//!
//! Fields come from the [`FieldMap`] when it names them; otherwise the first of these keys
//! holding a non-empty value is used:
//!
//! | field | keys tried |
//! | --- | --- |
//! | title | title, headline, name |
//! | text | text, body, content, story, story_text, article, description |
//! | published | published, date, pubDate, published_at, datetime, date_str, time |
//! | url | url, link, href |
//! | outlet | outlet, source, publisher |
//! | lang | lang, language |
//!
//! A key may be a dotted path (`meta.title`, `authors.0.name`) when no key of that literal
//! name exists. Values may be strings, numbers, arrays (text: paragraphs joined with blank
//! lines; others: the first usable element) or objects (their `name`, `text`, `value`,
//! `rendered` or `content`). Text that looks like HTML is reduced with
//! [`super::html_to_text`]; text whose paragraphs are separated by single line breaks (no
//! blank line anywhere) gets one paragraph per line.
//!
//! Both are read lazily: JSON Lines a line at a time; a JSON document is syntax-checked whole
//! without being built, then an array's records are parsed one at a time (see
//! [`super::json_scan`]), so memory stays near the size of the file whatever the count of
//! records.
//!
//! Each record's origin is `path#line=N` (JSON Lines, N the line in the file) or
//! `path#item=N` (arrays, N counted from 1). A malformed line is an
//! [`IngestError::Json`] for that line only; a record with neither text nor title is an
//! [`IngestError::MissingText`] (one with a title alone is that title); an unusable
//! `published` or `lang` value is an
//! [`IngestError::Field`] naming the key.

use std::sync::OnceLock;

use entente_core::{DateValue, Lang};
use serde_json::{Map, Value};

use super::{FieldMap, Format, RawDoc, html_to_text, json_scan, tidy_paragraphs};
use crate::IngestError;
use crate::decode::Decoded;

const TITLE_KEYS: &[&str] = &["title", "headline", "name"];
const TEXT_KEYS: &[&str] = &[
    "text",
    "body",
    "content",
    "story",
    "story_text",
    "article",
    "description",
];
const PUBLISHED_KEYS: &[&str] = &[
    "published",
    "date",
    "pubDate",
    "published_at",
    "datetime",
    "date_str",
    "time",
];
const URL_KEYS: &[&str] = &["url", "link", "href"];
const OUTLET_KEYS: &[&str] = &["outlet", "source", "publisher"];
const LANG_KEYS: &[&str] = &["lang", "language"];
const WRAPPER_KEYS: &[&str] = &[
    "articles",
    "items",
    "data",
    "results",
    "records",
    "entries",
    "posts",
    "stories",
    "news",
    "docs",
    "documents",
];

/// Where a record is, for its origin and its errors.
struct Loc {
    /// The record's own origin (`path#line=N`, `path#item=N` or `path`).
    doc_origin: String,
    /// The origin errors carry (the file for JSON Lines, the record for arrays).
    err_origin: String,
    line: Option<usize>,
}

/// serde_json's message without its trailing ` at line L column C`.
fn json_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Reads JSON Lines one record at a time: the records are parsed as the caller asks for them,
/// so a file of a million small records never holds a million documents at once (the
/// pipeline takes them through a bounded channel).
pub(crate) fn read_jsonl(origin: &str, decoded: Decoded, map: &FieldMap) -> JsonLines {
    JsonLines {
        origin: origin.to_string(),
        text: decoded.text,
        encoding: decoded.encoding,
        map: map.clone(),
        pos: 0,
        line: 0,
    }
}

/// The records of a JSON Lines text, parsed lazily (see [`read_jsonl`]).
pub(crate) struct JsonLines {
    origin: String,
    text: String,
    encoding: String,
    map: FieldMap,
    /// Byte offset of the next line.
    pos: usize,
    /// Number of the last line read.
    line: usize,
}

impl Iterator for JsonLines {
    type Item = Result<RawDoc, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.pos < self.text.len() {
            let rest = &self.text[self.pos..];
            let (raw_line, advance) = match rest.find('\n') {
                Some(i) => (&rest[..i], i + 1),
                None => (rest, rest.len()),
            };
            self.pos += advance;
            self.line += 1;
            let n = self.line;
            let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
            if line.trim().is_empty() {
                continue;
            }
            let value: Value = match serde_json::from_str(line) {
                Ok(v) => v,
                Err(e) => {
                    return Some(Err(IngestError::Json {
                        origin: self.origin.clone(),
                        line: n,
                        column: e.column(),
                        message: json_message(&e),
                    }));
                }
            };
            let loc = Loc {
                doc_origin: format!("{}#line={n}", self.origin),
                err_origin: self.origin.clone(),
                line: Some(n),
            };
            return Some(match &value {
                Value::Object(obj) => record(obj, &self.map, &loc, &self.encoding, Format::Jsonl),
                other => Err(IngestError::Json {
                    origin: self.origin.clone(),
                    line: n,
                    column: 1,
                    message: format!(
                        "expected an object (one record per line), found {}",
                        kind(other)
                    ),
                }),
            });
        }
        None
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads a JSON document: an array of records, one record, or an object wrapping an array.
///
/// The whole document's syntax is checked first without building it (a syntax error
/// anywhere is one error naming its line and column, and no record of the file is taken);
/// the records of an array are then parsed one at a time as the caller asks for them, so a
/// large array never exists as one tree of values.
pub(crate) fn read_json(origin: &str, decoded: Decoded, map: &FieldMap) -> JsonItems {
    let mut items = JsonItems {
        origin: origin.to_string(),
        text: decoded.text,
        encoding: decoded.encoding,
        map: map.clone(),
        state: State::Done,
        n: 0,
    };
    items.state = items.plan();
    items
}

/// What is left to read of a JSON document.
enum State {
    /// The records of an array, from a cursor.
    Array(json_scan::Elements),
    /// One result, not yet taken.
    One(Box<Result<RawDoc, IngestError>>),
    Done,
}

/// The records of a JSON document, parsed lazily (see [`read_json`]).
pub(crate) struct JsonItems {
    origin: String,
    text: String,
    encoding: String,
    map: FieldMap,
    state: State,
    /// Number of the last array element read.
    n: usize,
}

impl JsonItems {
    fn syntax_error(&self, e: &serde_json::Error) -> IngestError {
        IngestError::Json {
            origin: self.origin.clone(),
            line: e.line(),
            column: e.column(),
            message: json_message(e),
        }
    }

    fn plan(&self) -> State {
        if let Err(e) = json_scan::check(&self.text) {
            return State::One(Box::new(Err(self.syntax_error(&e))));
        }
        let text = self.text.as_str();
        let start = json_scan::root(text);
        match text.as_bytes().get(start) {
            Some(b'[') => State::Array(json_scan::Elements::new(start)),
            Some(b'{') => {
                let members = json_scan::members(text, start);
                if !has_text_member(text, &members, &self.map)
                    && let Some(array) = wrapped_array(text, &members)
                {
                    return State::Array(json_scan::Elements::new(array));
                }
                let obj = match serde_json::from_str::<Map<String, Value>>(text) {
                    Ok(o) => o,
                    Err(e) => return State::One(Box::new(Err(self.syntax_error(&e)))),
                };
                let loc = Loc {
                    doc_origin: self.origin.clone(),
                    err_origin: self.origin.clone(),
                    line: None,
                };
                State::One(Box::new(record(
                    &obj,
                    &self.map,
                    &loc,
                    &self.encoding,
                    Format::Json,
                )))
            }
            _ => {
                let found = serde_json::from_str::<Value>(text)
                    .map(|v| kind(&v))
                    .unwrap_or("something else");
                State::One(Box::new(Err(IngestError::Json {
                    origin: self.origin.clone(),
                    line: 1,
                    column: 1,
                    message: format!("expected an object or an array of objects, found {found}"),
                })))
            }
        }
    }
}

impl Iterator for JsonItems {
    type Item = Result<RawDoc, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        match std::mem::replace(&mut self.state, State::Done) {
            State::Done => None,
            State::One(r) => Some(*r),
            State::Array(mut cursor) => {
                let (s, e) = cursor.next(&self.text)?;
                self.state = State::Array(cursor);
                self.n += 1;
                let item_origin = format!("{}#item={}", self.origin, self.n);
                Some(match serde_json::from_str::<Value>(&self.text[s..e]) {
                    Ok(Value::Object(obj)) => {
                        let loc = Loc {
                            doc_origin: item_origin.clone(),
                            err_origin: item_origin,
                            line: None,
                        };
                        record(&obj, &self.map, &loc, &self.encoding, Format::Json)
                    }
                    Ok(other) => Err(IngestError::Field {
                        origin: item_origin,
                        line: None,
                        field: "(record)".into(),
                        message: format!("expected an object, found {}", kind(&other)),
                    }),
                    Err(e) => Err(IngestError::Json {
                        origin: item_origin,
                        line: e.line(),
                        column: e.column(),
                        message: json_message(&e),
                    }),
                })
            }
        }
    }
}

/// Whether an object's members hold the text field (so it is one record, not a wrapper).
fn has_text_member(text: &str, members: &[(String, usize, usize)], map: &FieldMap) -> bool {
    match &map.text {
        Some(p) => {
            if members.iter().any(|(k, _, _)| k == p) {
                return true;
            }
            // A dotted path: parse only the member it starts in.
            let Some(first) = p.split('.').next().filter(|_| p.contains('.')) else {
                return false;
            };
            members
                .iter()
                .filter(|(k, _, _)| k == first)
                .filter_map(|(k, s, e)| {
                    let v = serde_json::from_str::<Value>(&text[*s..*e]).ok()?;
                    Some(Map::from_iter([(k.clone(), v)]))
                })
                .any(|one| lookup(&one, p).is_some())
        }
        None => members
            .iter()
            .any(|(k, _, _)| TEXT_KEYS.contains(&k.as_str())),
    }
}

/// Where the array of records an object wraps starts: under a usual key first
/// (`articles`, `items`…), else the first member that is an array holding an object.
fn wrapped_array(text: &str, members: &[(String, usize, usize)]) -> Option<usize> {
    let is_records = |s: usize| {
        if text.as_bytes().get(s) != Some(&b'[') {
            return false;
        }
        let mut it = json_scan::Elements::new(s);
        while let Some((a, _)) = it.next(text) {
            if text.as_bytes().get(a) == Some(&b'{') {
                return true;
            }
        }
        false
    };
    WRAPPER_KEYS
        .iter()
        .find_map(|w| {
            members
                .iter()
                .find(|(k, s, _)| k == w && is_records(*s))
                .map(|(_, s, _)| *s)
        })
        .or_else(|| {
            members
                .iter()
                .find(|(_, s, _)| is_records(*s))
                .map(|(_, s, _)| *s)
        })
}

/// The value at `path`: a literal key first, then a dotted path.
fn lookup<'v>(obj: &'v Map<String, Value>, path: &str) -> Option<&'v Value> {
    if let Some(v) = obj.get(path) {
        return Some(v);
    }
    if !path.contains('.') {
        return None;
    }
    let mut parts = path.split('.');
    let mut cur = obj.get(parts.next()?)?;
    for part in parts {
        cur = match cur {
            Value::Object(o) => o.get(part)?,
            Value::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// How array values are joined.
#[derive(Clone, Copy, PartialEq)]
enum Join {
    Paragraphs,
    First,
}

fn looks_like_html(s: &str) -> bool {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    if !s.contains('<') {
        return false;
    }
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"(?i)</?(?:p|br|div|span|a|em|strong|b|i|h[1-6]|li|ul|ol|blockquote|figure|img|table)\b[^>]*>")
            .expect("constant regex")
    });
    re.is_match(s)
}

/// Text of a value (see the module docs), `None` when empty.
fn value_text(v: &Value, join: Join, depth: usize) -> Option<String> {
    if depth > 16 {
        return None;
    }
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => {
            let mut parts = items.iter().filter_map(|i| value_text(i, join, depth + 1));
            match join {
                Join::First => parts.next()?,
                Join::Paragraphs => parts.collect::<Vec<_>>().join("\n\n"),
            }
        }
        Value::Object(o) => [
            "name", "text", "value", "rendered", "content", "$date", "#text",
        ]
        .iter()
        .find_map(|k| o.get(*k).and_then(|x| value_text(x, join, depth + 1)))?,
        Value::Null | Value::Bool(_) => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// The first usable value among `keys` (or the mapped key): (key, text).
fn pick(
    obj: &Map<String, Value>,
    mapped: Option<&str>,
    keys: &[&str],
    join: Join,
) -> Option<(String, String)> {
    match mapped {
        Some(p) => lookup(obj, p)
            .and_then(|v| value_text(v, join, 0))
            .map(|t| (p.to_string(), t)),
        None => keys.iter().find_map(|k| {
            obj.get(*k)
                .and_then(|v| value_text(v, join, 0))
                .map(|t| (k.to_string(), t))
        }),
    }
}

/// Normalises the text of a record: HTML reduced to text, single line breaks made paragraph
/// breaks when the text has no blank line.
fn record_text(raw: &str) -> String {
    let t = if looks_like_html(raw) {
        html_to_text(raw)
    } else {
        raw.replace("\r\n", "\n")
    };
    let t = if !t.contains("\n\n") && t.contains('\n') {
        t.replace('\n', "\n\n")
    } else {
        t
    };
    tidy_paragraphs(&t)
}

fn record(
    obj: &Map<String, Value>,
    map: &FieldMap,
    loc: &Loc,
    encoding: &str,
    format: Format,
) -> Result<RawDoc, IngestError> {
    let field_err = |field: &str, message: String| IngestError::Field {
        origin: loc.err_origin.clone(),
        line: loc.line,
        field: field.to_string(),
        message,
    };
    let title = pick(obj, map.title.as_deref(), TITLE_KEYS, Join::First).map(|(_, t)| {
        if looks_like_html(&t) {
            html_to_text(&t).replace("\n\n", " ")
        } else {
            t
        }
    });
    // A record whose body is missing or empty (a broadcast item with only its headline) is
    // its title: that is the whole of what the outlet said.
    let text = pick(obj, map.text.as_deref(), TEXT_KEYS, Join::Paragraphs)
        .map(|(_, t)| record_text(&t))
        .filter(|t| !t.trim().is_empty())
        .or_else(|| title.clone().filter(|t| !t.trim().is_empty()));
    let Some(text) = text else {
        let tried = match &map.text {
            Some(p) => format!("`{p}` (from --map)"),
            None => TEXT_KEYS.join(", "),
        };
        return Err(IngestError::MissingText {
            origin: loc.err_origin.clone(),
            line: loc.line,
            tried,
        });
    };
    let mut d = RawDoc::new(loc.doc_origin.clone(), format, encoding.to_string(), text);
    d.title = title;
    if let Some((key, s)) = pick(obj, map.published.as_deref(), PUBLISHED_KEYS, Join::First) {
        d.published = Some(DateValue::parse_loose(&s).map_err(|e| field_err(&key, e.to_string()))?);
    }
    d.url = pick(obj, map.url.as_deref(), URL_KEYS, Join::First).map(|(_, t)| t);
    d.outlet = pick(obj, map.outlet.as_deref(), OUTLET_KEYS, Join::First).map(|(_, t)| t);
    if let Some((key, s)) = pick(obj, map.lang.as_deref(), LANG_KEYS, Join::First) {
        d.lang = Some(
            s.parse::<Lang>()
                .map_err(|e| field_err(&key, e.to_string()))?,
        );
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// All the records of a JSON document, for assertions.
    fn read_json(origin: &str, d: &Decoded, map: &FieldMap) -> Vec<Result<RawDoc, IngestError>> {
        super::read_json(origin, d.clone(), map).collect()
    }

    fn dec(s: &str) -> Decoded {
        Decoded {
            text: s.into(),
            encoding: "UTF-8".into(),
        }
    }

    #[test]
    fn jsonl_records_and_errors() {
        let src = "{\"title\":\"A\",\"body\":\"one\\ntwo\",\"date\":\"2012-01-03\",\"language\":\"en\"}\n\n{\"title\": \"B\", body: 1}\n{\"date\":\"2012-01-04\"}\n[1]\n{\"title\":\"Only a headline\",\"body\":\"\"}\n";
        let r: Vec<_> = read_jsonl("k.jsonl", dec(src), &FieldMap::default()).collect();
        assert_eq!(r.len(), 5);
        // A record with an empty body is its headline.
        let h = r[4].as_ref().unwrap();
        assert_eq!(h.text, "Only a headline");
        assert_eq!(h.title.as_deref(), Some("Only a headline"));
        let a = r[0].as_ref().unwrap();
        assert_eq!(a.origin, "k.jsonl#line=1");
        assert_eq!(a.text, "one\n\ntwo");
        assert_eq!(a.published.unwrap().to_string(), "2012-01-03");
        assert_eq!(a.lang, Some(Lang::En));
        let e = r[1].as_ref().unwrap_err();
        assert_eq!(
            e.to_string(),
            "k.jsonl line 3: invalid JSON at column 16: key must be a string"
        );
        let e = r[2].as_ref().unwrap_err();
        assert!(
            matches!(e, IngestError::MissingText { line: Some(4), .. }),
            "{e}"
        );
        assert!(
            e.to_string()
                .starts_with("k.jsonl line 4: record has no text"),
            "{e}"
        );
        assert!(matches!(r[3], Err(IngestError::Json { line: 5, .. })));
    }

    #[test]
    fn mapping_and_paths() {
        let m =
            FieldMap::parse("title=meta.headline,text=story_text,published=meta.when,url=links.0")
                .unwrap();
        let src = r#"[{"meta":{"headline":"H","when":"2024-12-26 15:30:00"},"story_text":["p1","p2"],"links":["https://x.org/1"]}]"#;
        let r = read_json("t.json", &dec(src), &m);
        let d = r[0].as_ref().unwrap();
        assert_eq!(d.origin, "t.json#item=1");
        assert_eq!(d.title.as_deref(), Some("H"));
        assert_eq!(d.text, "p1\n\np2");
        assert_eq!(d.published.unwrap().to_string(), "2024-12-26");
        assert_eq!(d.url.as_deref(), Some("https://x.org/1"));
        // The mapping replaces the defaults for that field.
        let r = read_json("t.json", &dec(r#"[{"text":"t"}]"#), &m);
        let e = r[0].as_ref().unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.json#item=1: record has no text (looked for `story_text` (from --map))"
        );
    }

    #[test]
    fn wrapped_and_single() {
        let r = read_json(
            "w.json",
            &dec(r#"{"status":"ok","articles":[{"content":"x"},{"content":"y"}]}"#),
            &FieldMap::default(),
        );
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].as_ref().unwrap().text, "y");
        let r = read_json(
            "s.json",
            &dec(r#"{"headline":"H","story":"S","publisher":{"name":"P"}}"#),
            &FieldMap::default(),
        );
        let d = r[0].as_ref().unwrap();
        assert_eq!(
            (d.origin.as_str(), d.title.as_deref(), d.outlet.as_deref()),
            ("s.json", Some("H"), Some("P"))
        );
    }

    /// Records come out one at a time: the iterator holds the text and a cursor, not the
    /// documents (a million tiny records took 1.9 GB for a 46 MB file when all were built
    /// first). Line numbers stay right across blank lines and CRLF endings.
    #[test]
    fn jsonl_is_read_lazily_with_line_numbers() {
        let mut src = String::new();
        for i in 0..100_000 {
            src.push_str(&format!("{{\"title\":\"T{i}\",\"text\":\"Body {i}\"}}\r\n"));
            if i % 1000 == 0 {
                src.push('\n');
            }
        }
        let mut it = read_jsonl("big.jsonl", dec(&src), &FieldMap::default());
        let first = it.next().unwrap().unwrap();
        assert_eq!(first.origin, "big.jsonl#line=1");
        let third = it.nth(1).unwrap().unwrap();
        assert_eq!(
            third.origin, "big.jsonl#line=4",
            "the blank line 2 is counted"
        );
        assert_eq!(third.text, "Body 2");
        assert_eq!(it.count(), 100_000 - 3);
    }

    /// A JSON array is read a record at a time too, with item numbers, and a wrapped array
    /// the same; a syntax error anywhere (here at the very end) is the file's one error.
    #[test]
    fn json_arrays_are_read_lazily() {
        let mut src = String::from("[\n");
        for i in 0..50_000 {
            if i > 0 {
                src.push_str(",\n");
            }
            src.push_str(&format!(
                "  {{\"title\":\"T{i}\",\"text\":\"Body {i}, \\\"quoted\\\" ]}}\"}}"
            ));
        }
        src.push_str("\n]");
        let mut it = super::read_json("big.json", dec(&src), &FieldMap::default());
        let first = it.next().unwrap().unwrap();
        assert_eq!(first.origin, "big.json#item=1");
        let third = it.nth(1).unwrap().unwrap();
        assert_eq!(
            (third.origin.as_str(), third.text.as_str()),
            ("big.json#item=3", "Body 2, \"quoted\" ]}")
        );
        assert_eq!(it.count(), 50_000 - 3);
        let wrapped = format!("{{\"status\":\"ok\",\"n\":[1,2],\"articles\":{src}}}");
        assert_eq!(
            super::read_json("w.json", dec(&wrapped), &FieldMap::default()).count(),
            50_000
        );
        let broken = format!("{}, {{", &src[..src.len() - 1]);
        let r: Vec<_> = super::read_json("b.json", dec(&broken), &FieldMap::default()).collect();
        assert_eq!(r.len(), 1);
        assert!(matches!(r[0], Err(IngestError::Json { .. })), "{:?}", r[0]);
    }

    #[test]
    fn bad_fields() {
        let r: Vec<_> = read_jsonl(
            "k.jsonl",
            dec("{\"text\":\"t\",\"date\":\"sometime\"}\n{\"text\":\"t\",\"lang\":\"!!\"}"),
            &FieldMap::default(),
        )
        .collect();
        let e = r[0].as_ref().unwrap_err();
        assert!(
            matches!(e, IngestError::Field { line: Some(1), field, .. } if field == "date"),
            "{e}"
        );
        assert!(
            e.to_string()
                .starts_with("k.jsonl line 1: field `date`: invalid date `sometime`"),
            "{e}"
        );
        assert!(matches!(
            r[1],
            Err(IngestError::Field { line: Some(2), .. })
        ));
        let r = read_json(
            "a.json",
            &dec("[{\"text\":\"t\",\"date\":\"x\"}]"),
            &FieldMap::default(),
        );
        assert!(
            r[0].as_ref()
                .unwrap_err()
                .to_string()
                .starts_with("a.json#item=1: field `date`")
        );
    }

    #[test]
    fn html_text_in_json() {
        let r = read_json(
            "w.json",
            &dec(r#"[{"content":{"rendered":"<p>One</p><p>Two &amp; three</p>"}}]"#),
            &FieldMap::default(),
        );
        assert_eq!(r[0].as_ref().unwrap().text, "One\n\nTwo & three");
    }

    #[test]
    fn malformed_document() {
        let r = read_json(
            "b.json",
            &dec("[{\"a\":1},\n{\"a\" 2}]"),
            &FieldMap::default(),
        );
        assert!(
            matches!(
                r[0],
                Err(IngestError::Json {
                    line: 2,
                    column: 6,
                    ..
                })
            ),
            "{:?}",
            r[0]
        );
    }
}
