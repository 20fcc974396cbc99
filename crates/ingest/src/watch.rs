//! What a watched source links to, and how to ask a site politely.
//!
//! [`discover`] reads a fetched feed (RSS, Atom: its items' links) or index page (HTML: its
//! links, on the page's own host unless a pattern says which addresses are items) into the
//! list of item addresses, absolute and without fragments, in page order, each once.
//! [`Politeness`] spaces requests to one host: at least the configured delay, or the site's
//! `Crawl-delay` when longer (capped). [`robots_for`] fetches and reads a site's robots.txt.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use regex::Regex;
use scraper::{Html, Selector};

use crate::IngestError;
use crate::fetch::{FetchOptions, Fetched, fetch};
use crate::readers::feed::FeedLink;
use crate::readers::{self, Format};
use crate::robots::{self, Robots};

/// What kind of page a watch polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchKind {
    Feed,
    Index,
}

impl WatchKind {
    pub fn name(self) -> &'static str {
        match self {
            WatchKind::Feed => "feed",
            WatchKind::Index => "index",
        }
    }
}

/// The items a watched page links to.
#[derive(Debug, Clone)]
pub struct Found {
    pub kind: WatchKind,
    pub items: Vec<FeedLink>,
}

/// Reads the items of a fetched feed or index page. On an index page, `links` (a regular
/// expression over the absolute address) selects the item links; without it, every link to
/// another page of the same host is an item.
pub fn discover(page: &Fetched, links: Option<&Regex>) -> Result<Found, IngestError> {
    let origin = page.url.as_str();
    let decoded = crate::decode::decode(origin, &page.bytes, page.charset().as_deref())?;
    match readers::sniff(origin, &page.bytes, page.content_type.as_deref()) {
        Format::Rss | Format::Atom => {
            let base = url::Url::parse(origin).ok();
            let mut seen = HashSet::new();
            let items = readers::feed::feed_links(origin, &decoded)?
                .into_iter()
                .filter_map(|mut l| {
                    l.url = absolute(base.as_ref(), &l.url)?;
                    seen.insert(l.url.clone()).then_some(l)
                })
                .collect();
            Ok(Found {
                kind: WatchKind::Feed,
                items,
            })
        }
        Format::Html => Ok(Found {
            kind: WatchKind::Index,
            items: index_links(origin, &decoded.text, links)?,
        }),
        other => Err(IngestError::Feed {
            origin: origin.into(),
            message: format!(
                "a watched page must be an RSS or Atom feed or an HTML index page, not {}",
                other.name()
            ),
        }),
    }
}

/// `href` made absolute against `base`: http(s) only, without its fragment.
fn absolute(base: Option<&url::Url>, href: &str) -> Option<String> {
    let href = href.trim();
    let mut u = match base {
        Some(b) => b.join(href).ok()?,
        None => url::Url::parse(href).ok()?,
    };
    if u.scheme() != "http" && u.scheme() != "https" {
        return None;
    }
    u.set_fragment(None);
    Some(u.to_string())
}

fn index_links(
    origin: &str,
    html: &str,
    links: Option<&Regex>,
) -> Result<Vec<FeedLink>, IngestError> {
    readers::shape::check(html).map_err(|e| IngestError::TooComplex {
        origin: origin.into(),
        message: e.to_string(),
    })?;
    let base = url::Url::parse(origin).map_err(|e| IngestError::Fetch {
        url: origin.into(),
        message: format!("invalid URL: {e}"),
        transient: false,
    })?;
    let doc = Html::parse_document(html);
    // A `<base href>` changes what relative links resolve against.
    let base = Selector::parse("base[href]")
        .ok()
        .and_then(|s| {
            doc.select(&s)
                .next()
                .and_then(|b| b.value().attr("href"))
                .and_then(|h| base.join(h).ok())
        })
        .unwrap_or(base);
    let Ok(anchors) = Selector::parse("a[href]") else {
        return Ok(Vec::new());
    };
    let mut this = base.clone();
    this.set_fragment(None);
    let page = url::Url::parse(origin).ok().map(|mut u| {
        u.set_fragment(None);
        u.to_string()
    });
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for a in doc.select(&anchors) {
        let Some(href) = a.value().attr("href") else {
            continue;
        };
        let Some(u) = absolute(Some(&base), href) else {
            continue;
        };
        if Some(&u) == page.as_ref() {
            continue;
        }
        let keep = match links {
            Some(re) => re.is_match(&u),
            None => url::Url::parse(&u).is_ok_and(|p| p.host_str() == this.host_str()),
        };
        if keep && seen.insert(u.clone()) {
            let title = readers::html::collapse_ws(&a.text().collect::<String>());
            out.push(FeedLink {
                url: u,
                title: Some(title).filter(|t| !t.is_empty()),
                published: None,
            });
        }
    }
    Ok(out)
}

/// `scheme://host[:port]` of an http(s) URL, the key politeness and robots.txt go by.
pub fn site_of(u: &str) -> Option<String> {
    let p = url::Url::parse(u).ok()?;
    let host = p.host_str()?;
    Some(match p.port() {
        Some(port) => format!("{}://{host}:{port}", p.scheme()),
        None => format!("{}://{host}", p.scheme()),
    })
}

/// The path and query of a URL, as robots.txt rules match them.
pub fn robots_path(u: &str) -> String {
    match url::Url::parse(u) {
        Ok(p) => match p.query() {
            Some(q) => format!("{}?{q}", p.path()),
            None => p.path().to_string(),
        },
        Err(_) => "/".into(),
    }
}

/// Fetches and reads `site`'s robots.txt for us: a missing one (4xx) allows everything, an
/// unreachable one (5xx, no connection, timeout) disallows everything, as RFC 9309 says. An
/// error is a request refused before it was made (an address fetching is confined from).
pub fn robots_for(site: &str, opts: &FetchOptions) -> Result<Robots, IngestError> {
    let mut o = opts.clone();
    o.max_bytes = o.max_bytes.min(robots::MAX_BYTES);
    match fetch(&format!("{site}/robots.txt"), &o) {
        Ok(f) => Ok(Robots::parse(
            &String::from_utf8_lossy(&f.bytes),
            robots::PRODUCT_TOKEN,
        )),
        // Larger than any real robots.txt: asked nothing of, we ask nothing.
        Err(IngestError::TooLarge { limit, .. }) => {
            Ok(Robots::unreadable(format!("larger than {limit} bytes")))
        }
        Err(IngestError::Fetch {
            message,
            transient: true,
            ..
        }) => Ok(Robots::unreadable(message)),
        Err(IngestError::Fetch { message, .. }) if message.starts_with("HTTP 4") => {
            Ok(Robots::allow_all())
        }
        Err(e) => Err(e),
    }
}

/// Spaces requests to each site: a request waits until `delay` (or the site's crawl delay,
/// up to `max_delay`) has passed since the last one to that site. Shared between polls.
#[derive(Debug)]
pub struct Politeness {
    pub delay: Duration,
    pub max_delay: Duration,
    last: Mutex<HashMap<String, Instant>>,
}

impl Politeness {
    pub fn new(delay: Duration, max_delay: Duration) -> Politeness {
        Politeness {
            delay,
            max_delay,
            last: Mutex::new(HashMap::new()),
        }
    }

    /// Waits until a request to `site` is polite, then counts it as made now. `crawl_delay`
    /// is what the site's robots.txt asks for.
    pub fn wait(&self, site: &str, crawl_delay: Option<Duration>) {
        let gap = crawl_delay
            .map(|c| c.min(self.max_delay))
            .unwrap_or_default()
            .max(self.delay);
        loop {
            let pause = {
                let Ok(mut last) = self.last.lock() else {
                    return;
                };
                let now = Instant::now();
                match last.get(site) {
                    Some(t) if now.duration_since(*t) < gap => gap - now.duration_since(*t),
                    _ => {
                        last.insert(site.to_string(), now);
                        return;
                    }
                }
            };
            std::thread::sleep(pause);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(url: &str, ct: &str, body: &str) -> Fetched {
        Fetched {
            url: url.into(),
            content_type: Some(ct.into()),
            bytes: body.as_bytes().to_vec(),
            validators: Default::default(),
        }
    }

    #[test]
    fn feed_items_are_absolute_and_once() {
        let rss = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
            <item><title>One</title><link>/a/1.html</link><pubDate>Tue, 03 Dec 2024 08:00:00 +0900</pubDate></item>
            <item><title>Again</title><link>https://news.example/a/1.html#top</link></item>
            <item><title>No link</title><description>text</description></item>
            <item><title>Two</title><link>https://other.example/b</link></item>
            </channel></rss>"#;
        let f = discover(
            &page("https://news.example/rss.xml", "application/rss+xml", rss),
            None,
        )
        .expect("feed");
        assert_eq!(f.kind, WatchKind::Feed);
        let urls: Vec<&str> = f.items.iter().map(|i| i.url.as_str()).collect();
        assert_eq!(
            urls,
            ["https://news.example/a/1.html", "https://other.example/b"]
        );
        assert_eq!(f.items[0].title.as_deref(), Some("One"));
        assert_eq!(
            f.items[0].published.map(|d| d.to_string()).as_deref(),
            Some("2024-12-03")
        );
    }

    #[test]
    fn index_links_stay_on_the_host_unless_a_pattern_says() {
        let html = r#"<html><body><a href="/">Home</a><a href="news/2.html">Two</a>
            <a href="https://news.example/news/3.html#c">Three</a><a href="mailto:x@y">Mail</a>
            <a href="https://ads.example/z">Ad</a><a href="/index.html">Self</a>
            <a href="javascript:void(0)">JS</a></body></html>"#;
        let p = page("https://news.example/index.html", "text/html", html);
        let f = discover(&p, None).expect("index");
        assert_eq!(f.kind, WatchKind::Index);
        let urls: Vec<&str> = f.items.iter().map(|i| i.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://news.example/",
                "https://news.example/news/2.html",
                "https://news.example/news/3.html"
            ]
        );
        let re = Regex::new(r"/news/\d+\.html$").expect("regex");
        let f = discover(&p, Some(&re)).expect("index");
        assert_eq!(f.items.len(), 2);
        assert_eq!(f.items[1].title.as_deref(), Some("Three"));
    }

    #[test]
    fn neither_feed_nor_page_is_a_clear_error() {
        let e = discover(
            &page(
                "https://x.example/data",
                "application/json",
                "{\"items\": []}",
            ),
            None,
        )
        .expect_err("json");
        assert!(
            e.to_string()
                .contains("must be an RSS or Atom feed or an HTML index page, not json"),
            "{e}"
        );
        let e = discover(
            &page("https://x.example/f", "application/pdf", "%PDF-1.4"),
            None,
        )
        .expect_err("pdf");
        assert!(e.to_string().contains("binary content"), "{e}");
    }

    #[test]
    fn sites_and_paths() {
        assert_eq!(
            site_of("http://127.0.0.1:8080/a?b").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            site_of("https://Example.org/").as_deref(),
            Some("https://example.org")
        );
        assert_eq!(robots_path("https://x.example/a/b?c=1#f"), "/a/b?c=1");
    }

    #[test]
    fn politeness_spaces_requests_to_one_site_only() {
        let p = Politeness::new(Duration::from_secs(5), Duration::from_secs(10));
        let t = Instant::now();
        p.wait("http://a", None);
        p.wait("http://b", None);
        // Two first requests do not wait at all (a 5 s gap would show).
        assert!(
            t.elapsed() < Duration::from_secs(4),
            "two sites do not wait on each other"
        );
        let p = Politeness::new(Duration::from_millis(150), Duration::from_secs(1));
        let t = Instant::now();
        p.wait("http://a", None);
        p.wait("http://a", None);
        assert!(
            t.elapsed() >= Duration::from_millis(150),
            "the second request waited"
        );
        let t = Instant::now();
        p.wait("http://b", None);
        p.wait("http://b", Some(Duration::from_millis(300)));
        assert!(
            t.elapsed() >= Duration::from_millis(300),
            "a crawl delay lengthens the gap"
        );
        let p = Politeness::new(Duration::ZERO, Duration::from_millis(100));
        let t = Instant::now();
        p.wait("http://c", None);
        p.wait("http://c", Some(Duration::from_secs(60)));
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "a crawl delay is capped"
        );
    }
}
