//! HTML: the main text of a page and its metadata.
//!
//! **Main text.** Dropped everywhere: `script style noscript nav header footer aside form
//! iframe svg template button select textarea object embed canvas video audio`, elements
//! with `hidden`, `aria-hidden="true"`, `display:none` or a `role` of navigation, banner,
//! contentinfo, complementary, search or menu, and elements whose class or id contains a
//! token (split at spaces, `-`, `_` and camelCase) such as `nav`, `menu`, `footer`, `share`,
//! `comment(s)`, `related`, `breadcrumb(s)`, `advert`, `ad(s)`, `cookie(s)`, `sidebar`,
//! `social`, `newsletter`, `promo` (never `html`, `body`, `main`, `article` or the chosen
//! root). The root is the `<article>` with the most text, else `<main>`, else
//! `[itemprop=articleBody]`, else the element whose `<p>` children hold the most text, else
//! `<body>`; if that yields nothing, JSON-LD `articleBody` is used. Paragraphs (`p`, `h1`–`h6`,
//! `li`, `blockquote`, `pre`, `div`..., and runs separated by `<br>`) are separated by blank
//! lines; whitespace inside a paragraph is collapsed (a line break between two CJK characters
//! is dropped rather than turned into a space); `<pre>` keeps its lines.
//!
//! **Metadata.** Title: `og:title`, JSON-LD `headline`, `<title>` (a trailing ` | Site`,
//! ` - Site`... removed when the part removed is the site name, or the rest equals the `<h1>`,
//! or it is a ` | ` suffix of at most 30 characters and no longer than the rest), first `<h1>`. Published: `article:published_time`,
//! `og:published_time`, `<meta name>` `pubdate`/`publishdate`/`date`/`DC.date`/
//! `DC.date.issued`/`dcterms.date`, `itemprop=datePublished`, JSON-LD `datePublished`
//! (also inside `@graph`), then the first `<time datetime>` (in the main text first); values
//! that do not parse are skipped with a debug log. URL: `<link rel=canonical>`, then
//! `og:url` (relative URLs resolved against an http(s) origin). Outlet: `og:site_name`, then
//! JSON-LD `publisher.name`. Language: `<html lang>`, then `Content-Language`, then
//! `og:locale`.

use std::collections::HashMap;
use std::sync::OnceLock;

use entente_core::{DateValue, Lang};
use scraper::{ElementRef, Html, Node, Selector};
use serde_json::Value;

use super::{Format, RawDoc};
use crate::IngestError;
use crate::decode::Decoded;

struct Selectors {
    article: Selector,
    main: Selector,
    article_body: Selector,
    p: Selector,
    title: Selector,
    h1: Selector,
    meta: Selector,
    canonical: Selector,
    ld_json: Selector,
    time: Selector,
    html: Selector,
    body: Selector,
}

fn sel() -> &'static Selectors {
    static S: OnceLock<Selectors> = OnceLock::new();
    S.get_or_init(|| {
        let s = |css: &str| Selector::parse(css).expect("constant selector");
        Selectors {
            article: s("article"),
            main: s("main, [role=main]"),
            article_body: s("[itemprop=articleBody]"),
            p: s("p"),
            title: s("title"),
            h1: s("h1"),
            meta: s("meta"),
            canonical: s("link[rel~=canonical]"),
            ld_json: s(r#"script[type="application/ld+json"]"#),
            time: s("time[datetime]"),
            html: s("html"),
            body: s("body"),
        }
    })
}

/// Reads one HTML document.
pub(crate) fn read_html(origin: &str, decoded: Decoded) -> Result<RawDoc, IngestError> {
    // Bounded work: a hostile page is refused before the parser sees it.
    super::shape::check(&decoded.text).map_err(|e| IngestError::TooComplex {
        origin: origin.into(),
        message: e.to_string(),
    })?;
    let doc = Html::parse_document(&decoded.text);
    let meta = Meta::collect(&doc);
    let ld = JsonLd::collect(&doc);

    let (root, mut text) = main_text(&doc);
    if text.trim().is_empty()
        && let Some(body) = &ld.article_body
    {
        text = super::tidy_paragraphs(body);
    }
    if text.trim().is_empty() {
        return Err(IngestError::NoText {
            origin: origin.into(),
        });
    }

    let outlet = meta.site_name.clone().or_else(|| ld.publisher.clone());
    let h1 = doc
        .select(&sel().h1)
        .next()
        .map(|e| collapse_ws(&e.text().collect::<String>()))
        .filter(|s| !s.is_empty());
    let title = meta
        .og_title
        .clone()
        .or_else(|| ld.headline.clone())
        .or_else(|| {
            doc.select(&sel().title)
                .next()
                .map(|t| collapse_ws(&t.text().collect::<String>()))
                .filter(|t| !t.is_empty())
                .map(|t| strip_site_suffix(&t, outlet.as_deref(), h1.as_deref()))
        })
        .or_else(|| h1.clone());

    let published = published_date(origin, &doc, root, &meta, &ld);
    let url = meta
        .canonical
        .as_deref()
        .and_then(|u| resolve_url(origin, u))
        .or_else(|| meta.og_url.as_deref().and_then(|u| resolve_url(origin, u)));
    let lang = [
        meta.html_lang.as_deref(),
        meta.content_language.as_deref(),
        meta.og_locale.as_deref(),
    ]
    .into_iter()
    .flatten()
    .find_map(|l| {
        l.parse::<Lang>()
            .inspect_err(|e| tracing::debug!(origin, "ignoring page language: {e}"))
            .ok()
    });

    let mut d = RawDoc::new(origin.into(), Format::Html, decoded.encoding, text);
    d.title = title;
    d.published = published;
    d.url = url;
    d.outlet = outlet;
    d.lang = lang;
    Ok(d)
}

/// Metadata from `<meta>`, `<link>` and `<html>`.
#[derive(Debug, Default)]
struct Meta {
    og_title: Option<String>,
    site_name: Option<String>,
    og_url: Option<String>,
    canonical: Option<String>,
    html_lang: Option<String>,
    content_language: Option<String>,
    og_locale: Option<String>,
    /// Date values in order of preference (rank, value).
    dates: Vec<(u8, String)>,
}

impl Meta {
    fn collect(doc: &Html) -> Meta {
        let s = sel();
        let mut m = Meta::default();
        for el in doc.select(&s.meta) {
            let v = el.value();
            let Some(content) = v.attr("content").map(str::trim).filter(|c| !c.is_empty()) else {
                continue;
            };
            if let Some(eq) = v.attr("http-equiv") {
                if eq.eq_ignore_ascii_case("content-language") && m.content_language.is_none() {
                    m.content_language = Some(
                        content
                            .split(',')
                            .next()
                            .unwrap_or(content)
                            .trim()
                            .to_string(),
                    );
                }
                continue;
            }
            let key = v
                .attr("property")
                .or_else(|| v.attr("name"))
                .or_else(|| v.attr("itemprop"));
            let Some(key) = key else { continue };
            let key = key.trim().to_ascii_lowercase();
            let set = |slot: &mut Option<String>| {
                if slot.is_none() {
                    *slot = Some(collapse_ws(content));
                }
            };
            match key.as_str() {
                "og:title" => set(&mut m.og_title),
                "og:site_name" => set(&mut m.site_name),
                "og:url" => set(&mut m.og_url),
                "og:locale" => set(&mut m.og_locale),
                "article:published_time" | "og:published_time" | "og:article:published_time" => {
                    m.dates.push((0, content.to_string()))
                }
                "pubdate" | "publishdate" | "publish-date" | "date" | "dc.date"
                | "dc.date.issued" | "dcterms.date" | "dcterms.issued" | "datepublished"
                | "sailthru.date" | "parsely-pub-date" => m.dates.push((1, content.to_string())),
                _ => {}
            }
        }
        m.dates.sort_by_key(|(rank, _)| *rank);
        m.canonical = doc
            .select(&s.canonical)
            .find_map(|e| e.value().attr("href"))
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .map(str::to_string);
        if let Some(html) = doc.select(&s.html).next() {
            m.html_lang = html
                .value()
                .attr("lang")
                .or_else(|| html.value().attr("xml:lang"))
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string);
        }
        m
    }
}

/// What JSON-LD blocks say about the article.
#[derive(Debug, Default)]
struct JsonLd {
    headline: Option<String>,
    date_published: Option<String>,
    publisher: Option<String>,
    article_body: Option<String>,
}

fn is_article_type(obj: &serde_json::Map<String, Value>) -> bool {
    let is = |t: &str| {
        t.ends_with("Article") || t == "BlogPosting" || t == "Report" || t == "LiveBlogPosting"
    };
    match obj.get("@type") {
        Some(Value::String(t)) => is(t),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).any(is),
        _ => false,
    }
}

fn flatten_ld<'a>(v: &'a Value, out: &mut Vec<&'a serde_json::Map<String, Value>>, depth: usize) {
    if depth > 8 {
        return;
    }
    match v {
        Value::Array(items) => items.iter().for_each(|i| flatten_ld(i, out, depth + 1)),
        Value::Object(obj) => {
            out.push(obj);
            if let Some(g) = obj.get("@graph") {
                flatten_ld(g, out, depth + 1);
            }
        }
        _ => {}
    }
}

fn ld_string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(collapse_ws(s)).filter(|s| !s.is_empty()),
        Value::Array(a) => a.iter().find_map(|x| ld_string(Some(x))),
        Value::Object(o) => ld_string(o.get("name")),
        _ => None,
    }
}

impl JsonLd {
    fn collect(doc: &Html) -> JsonLd {
        let mut values = Vec::new();
        for script in doc.select(&sel().ld_json) {
            let raw: String = script.text().collect();
            match serde_json::from_str::<Value>(raw.trim()) {
                Ok(v) => values.push(v),
                Err(e) => tracing::debug!("ignoring malformed JSON-LD: {e}"),
            }
        }
        let mut objs = Vec::new();
        for v in &values {
            flatten_ld(v, &mut objs, 0);
        }
        // Article types first, then the rest, each in document order.
        objs.sort_by_key(|o| !is_article_type(o));
        let mut ld = JsonLd::default();
        for o in objs {
            if ld.headline.is_none() {
                ld.headline = ld_string(o.get("headline"));
            }
            if ld.date_published.is_none() {
                ld.date_published = ld_string(o.get("datePublished"));
            }
            if ld.publisher.is_none() {
                ld.publisher = ld_string(o.get("publisher"));
            }
            if ld.article_body.is_none() {
                ld.article_body = match o.get("articleBody") {
                    Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
                    _ => None,
                };
            }
        }
        ld
    }
}

fn published_date(
    origin: &str,
    doc: &Html,
    root: Option<ElementRef<'_>>,
    meta: &Meta,
    ld: &JsonLd,
) -> Option<DateValue> {
    let parse = |s: &str, what: &str| {
        DateValue::parse_loose(s)
            .inspect_err(|e| tracing::debug!(origin, "ignoring {what}: {e}"))
            .ok()
    };
    if let Some(d) = meta
        .dates
        .iter()
        .filter(|(r, _)| *r == 0)
        .find_map(|(_, s)| parse(s, "meta date"))
    {
        return Some(d);
    }
    if let Some(d) = ld
        .date_published
        .as_deref()
        .and_then(|s| parse(s, "JSON-LD datePublished"))
    {
        return Some(d);
    }
    if let Some(d) = meta.dates.iter().find_map(|(_, s)| parse(s, "meta date")) {
        return Some(d);
    }
    let time_date = |t: ElementRef<'_>| {
        t.value()
            .attr("datetime")
            .and_then(|s| parse(s, "<time datetime>"))
    };
    if let Some(d) = root.and_then(|r| r.select(&sel().time).find_map(time_date)) {
        return Some(d);
    }
    doc.select(&sel().time).find_map(time_date)
}

/// Resolves `href` against an http(s) `origin`; relative URLs of files are dropped.
fn resolve_url(origin: &str, href: &str) -> Option<String> {
    let href = href.trim();
    if href.starts_with("http://") || href.starts_with("https://") {
        return Some(href.to_string());
    }
    let (scheme, rest) = origin.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    if let Some(h) = href.strip_prefix("//") {
        return Some(format!("{scheme}://{h}"));
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    if href.starts_with('/') {
        return Some(format!("{scheme}://{host}{href}"));
    }
    if href.is_empty() || href.contains(':') {
        return None;
    }
    let path = &rest[host.len()..];
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let dir = path.rfind('/').map_or("/", |i| &path[..=i]);
    Some(format!("{scheme}://{host}{dir}{href}"))
}

/// Removes a trailing (or leading) site name from a `<title>`, cautiously.
fn strip_site_suffix(title: &str, outlet: Option<&str>, h1: Option<&str>) -> String {
    const SEPS: [&str; 7] = [" | ", " – ", " — ", " - ", " :: ", " « ", " » "];
    let Some((pos, sep)) = SEPS
        .iter()
        .filter_map(|s| title.rfind(s).map(|p| (p, *s)))
        .max_by_key(|(p, _)| *p)
    else {
        return title.to_string();
    };
    let head = title[..pos].trim();
    let tail = title[pos + sep.len()..].trim();
    if head.is_empty() || tail.is_empty() {
        return title.to_string();
    }
    let same = |a: &str, b: &str| a.to_lowercase() == b.to_lowercase();
    if let Some(o) = outlet {
        if same(tail, o) || tail.to_lowercase().contains(&o.to_lowercase()) {
            return head.to_string();
        }
        // "Site | Title"
        if let Some(first) = SEPS
            .iter()
            .filter_map(|s| title.find(s).map(|p| (p, *s)))
            .min_by_key(|(p, _)| *p)
        {
            let (p, s) = first;
            if same(title[..p].trim(), o) {
                return title[p + s.len()..].trim().to_string();
            }
        }
    }
    if h1.is_some_and(|h| same(h, head)) {
        return head.to_string();
    }
    if sep == " | " && tail.chars().count() <= 30 && head.chars().count() >= tail.chars().count() {
        return head.to_string();
    }
    title.to_string()
}

// ---------------------------------------------------------------------------------------
// Main text.

const BOILERPLATE_TAGS: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
    "template", "button", "select", "textarea", "object", "embed", "canvas", "video", "audio",
    "head", "title", "meta", "link",
];

const BOILERPLATE_TOKENS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "menubar",
    "mainmenu",
    "submenu",
    "footer",
    "share",
    "sharing",
    "sharebar",
    "social",
    "breadcrumb",
    "breadcrumbs",
    "comment",
    "comments",
    "related",
    "advert",
    "adverts",
    "advertisement",
    "ad",
    "ads",
    "cookie",
    "cookies",
    "consent",
    "sidebar",
    "newsletter",
    "promo",
    "sponsored",
    "popup",
    "subscribe",
];

const ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "menu",
    "menubar",
];

const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "caption",
    "figure",
    "figcaption",
    "address",
    "hr",
    "details",
    "summary",
    "center",
    "body",
    "html",
    "fieldset",
    "hgroup",
];

/// Whether `value` (a class list or id) has a boilerplate token.
fn has_boilerplate_token(value: &str) -> bool {
    let mut start = None;
    let bytes = value.as_bytes();
    let check = |s: &str| BOILERPLATE_TOKENS.iter().any(|t| t.eq_ignore_ascii_case(s));
    for (i, &b) in bytes.iter().enumerate() {
        let is_sep = !b.is_ascii_alphanumeric();
        // camelCase boundary: lower followed by upper.
        let camel = i > 0 && b.is_ascii_uppercase() && bytes[i - 1].is_ascii_lowercase();
        if is_sep || camel {
            if let Some(s) = start
                && check(&value[s..i])
            {
                return true;
            }
            start = if is_sep { None } else { Some(i) };
        } else if start.is_none() {
            start = Some(i);
        }
    }
    start.is_some_and(|s| check(&value[s..]))
}

fn is_boilerplate(el: &scraper::node::Element) -> bool {
    let name = el.name();
    if BOILERPLATE_TAGS.contains(&name) {
        return true;
    }
    if el.attr("hidden").is_some() || el.attr("aria-hidden").is_some_and(|v| v.trim() == "true") {
        return true;
    }
    if let Some(style) = el.attr("style") {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    if el
        .attr("role")
        .is_some_and(|r| ROLES.iter().any(|x| r.trim().eq_ignore_ascii_case(x)))
    {
        return true;
    }
    if matches!(name, "html" | "body" | "main" | "article") {
        return false;
    }
    el.attr("class").is_some_and(has_boilerplate_token)
        || el.attr("id").is_some_and(has_boilerplate_token)
}

/// Whether `el` sits inside a boilerplate element.
fn in_boilerplate(el: ElementRef<'_>) -> bool {
    el.ancestors()
        .filter_map(|n| n.value().as_element())
        .any(is_boilerplate)
}

/// Chooses the root of the main text and extracts it.
fn main_text<'a>(doc: &'a Html) -> (Option<ElementRef<'a>>, String) {
    let s = sel();
    // 1. The <article> with the most text.
    let best_article = doc
        .select(&s.article)
        .filter(|a| !in_boilerplate(*a))
        .map(|a| (a, extract(a)))
        .max_by_key(|(_, t)| t.len());
    if let Some((a, t)) = best_article
        && !t.is_empty()
    {
        return (Some(a), t);
    }
    // 2. <main>, 3. [itemprop=articleBody].
    for selector in [&s.main, &s.article_body] {
        if let Some(el) = doc.select(selector).find(|e| !in_boilerplate(*e)) {
            let t = extract(el);
            if !t.is_empty() {
                return (Some(el), t);
            }
        }
    }
    // 4. The element whose <p> children hold the most text.
    let mut score = HashMap::new();
    for p in doc.select(&s.p) {
        if in_boilerplate(p) {
            continue;
        }
        let len: usize = p.text().map(|t| t.trim().len()).sum();
        if let Some(parent) = p.parent() {
            *score.entry(parent.id()).or_insert(0usize) += len;
        }
    }
    if let Some((&id, _)) = score
        .iter()
        .filter(|(_, n)| **n > 0)
        .max_by_key(|(_, n)| **n)
        && let Some(el) = doc.tree.get(id).and_then(ElementRef::wrap)
    {
        let t = extract(el);
        if !t.is_empty() {
            return (Some(el), t);
        }
    }
    // 5. <body>, or the whole document.
    let body = doc
        .select(&s.body)
        .next()
        .unwrap_or_else(|| doc.root_element());
    (Some(body), extract(body))
}

/// Accumulates paragraphs.
#[derive(Default)]
struct Blocks {
    out: Vec<String>,
    cur: String,
    cur_pre: bool,
    pre_depth: usize,
}

impl Blocks {
    fn push_text(&mut self, s: &str) {
        if self.pre_depth > 0 {
            self.cur_pre = true;
        }
        self.cur.push_str(s);
    }

    fn flush(&mut self) {
        if self.cur.is_empty() {
            return;
        }
        let para = if self.cur_pre {
            let lines: Vec<&str> = self.cur.lines().map(str::trim_end).collect();
            super::tidy_paragraphs(&lines.join("\n"))
        } else {
            collapse_ws(&self.cur)
        };
        if !para.is_empty() {
            self.out.push(para);
        }
        self.cur.clear();
        self.cur_pre = false;
    }
}

/// The text under `root`, without boilerplate, paragraphs separated by blank lines.
fn extract(root: ElementRef<'_>) -> String {
    let mut b = Blocks::default();
    let root_node = *root;
    let mut node = root_node;
    let skip = |n: &Node, is_root: bool| !is_root && n.as_element().is_some_and(is_boilerplate);
    'walk: loop {
        // Open `node`.
        let value = node.value();
        let mut descend = false;
        if !skip(value, node == root_node) {
            match value {
                Node::Text(t) => b.push_text(t),
                Node::Element(e) => {
                    let name = e.name();
                    // `<br>` ends a paragraph, like a block element. Images carry no text.
                    if name == "br" || BLOCK_TAGS.contains(&name) {
                        b.flush();
                    } else if matches!(name, "td" | "th") {
                        b.push_text(" ");
                    }
                    if name == "pre" {
                        b.pre_depth += 1;
                    }
                    descend = true;
                }
                _ => {}
            }
        }
        if descend && let Some(child) = node.first_child() {
            node = child;
            continue 'walk;
        }
        // Close `node` and the ancestors whose last child it is.
        loop {
            let value = node.value();
            if let Node::Element(e) = value
                && !skip(value, node == root_node)
            {
                if e.name() == "pre" {
                    b.pre_depth = b.pre_depth.saturating_sub(1);
                }
                if BLOCK_TAGS.contains(&e.name()) {
                    b.flush();
                }
            }
            if node == root_node {
                break 'walk;
            }
            if let Some(next) = node.next_sibling() {
                node = next;
                continue 'walk;
            }
            match node.parent() {
                Some(p) => node = p,
                None => break 'walk,
            }
        }
    }
    b.flush();
    b.out.join("\n\n")
}

/// Plain text of an HTML fragment (a feed item's content, an HTML body in a JSON record),
/// with the same boilerplate rules and paragraph breaks as a page's main text.
///
/// A fragment too deep or too large for the parser ([`super::shape`]) is reduced to its text
/// by dropping the tags, in linear time.
pub fn html_to_text(fragment: &str) -> String {
    if super::shape::check(fragment).is_err() {
        return strip_tags(fragment);
    }
    let doc = Html::parse_fragment(fragment);
    extract(doc.root_element())
}

/// Text without tags, white space collapsed (for fragments the parser must not see).
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len() / 2);
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    collapse_ws(&out)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

/// Collapses whitespace runs to one space and trims; a run holding a line break between two
/// CJK characters is removed (HTML source wrapped inside a Chinese or Japanese sentence).
pub(crate) fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending: Option<bool> = None; // Some(had_newline) while inside a whitespace run
    for c in s.chars() {
        if c.is_whitespace() {
            let nl = c == '\n' || c == '\r';
            pending = Some(pending.unwrap_or(false) || nl);
            continue;
        }
        if let Some(had_nl) = pending.take() {
            let prev_cjk = out.chars().next_back().is_some_and(is_cjk);
            let cjk_line_break = had_nl && prev_cjk && is_cjk(c);
            if !out.is_empty() && !cjk_line_break {
                out.push(' ');
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert!(has_boilerplate_token("site-footer"));
        assert!(has_boilerplate_token("x shareButtons"));
        assert!(has_boilerplate_token("comments_area"));
        assert!(has_boilerplate_token("nav"));
        assert!(!has_boilerplate_token("commentary-body"));
        assert!(!has_boilerplate_token("canvas headline"));
        assert!(!has_boilerplate_token("article-content"));
    }

    #[test]
    fn whitespace() {
        assert_eq!(collapse_ws("  a \n\t b  "), "a b");
        assert_eq!(collapse_ws("日本\n語"), "日本語");
        assert_eq!(collapse_ws("日本 語"), "日本 語");
        assert_eq!(collapse_ws("회담\n결과"), "회담 결과");
    }

    #[test]
    fn fragment_to_text() {
        let t = html_to_text(
            "<p>First <b>para</b>.</p><p>Second<br>line</p><script>x()</script><ul><li>a</li><li>b</li></ul>",
        );
        assert_eq!(t, "First para.\n\nSecond\n\nline\n\na\n\nb");
        assert_eq!(html_to_text("plain &amp; simple"), "plain & simple");
        assert_eq!(html_to_text("<pre>a\n  b</pre>"), "a\n  b");
    }

    #[test]
    fn suffixes() {
        assert_eq!(
            strip_site_suffix("Talks held | Daily Planet", Some("Daily Planet"), None),
            "Talks held"
        );
        assert_eq!(
            strip_site_suffix("Daily Planet | Talks held", Some("Daily Planet"), None),
            "Talks held"
        );
        assert_eq!(
            strip_site_suffix("Talks held in Beijing | DP", None, None),
            "Talks held in Beijing"
        );
        assert_eq!(
            strip_site_suffix("Kim - Putin talks", None, None),
            "Kim - Putin talks"
        );
        assert_eq!(
            strip_site_suffix("Kim - Putin talks", None, Some("Kim")),
            "Kim"
        );
    }

    #[test]
    fn urls() {
        assert_eq!(
            resolve_url("https://ex.org/a/b.html", "/c").as_deref(),
            Some("https://ex.org/c")
        );
        assert_eq!(
            resolve_url("https://ex.org/a/b.html", "c.html").as_deref(),
            Some("https://ex.org/a/c.html")
        );
        assert_eq!(
            resolve_url("https://ex.org", "//cdn.org/x").as_deref(),
            Some("https://cdn.org/x")
        );
        assert_eq!(resolve_url("page.html", "/c"), None);
        assert_eq!(
            resolve_url("page.html", "https://ex.org/c").as_deref(),
            Some("https://ex.org/c")
        );
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = format!("{}text{}", "<div>".repeat(20_000), "</div>".repeat(20_000));
        assert_eq!(html_to_text(&html), "text");
    }
}
