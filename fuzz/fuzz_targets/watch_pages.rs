//! What a watched site sends back: robots.txt (parsed and asked about a path) and the page a
//! watch polls (a feed's item links or an index page's links, with and without a pattern).
//! The first byte chooses the Content-Type and the pattern; the rest is the body.
#![no_main]

use entente_ingest::fetch::Fetched;
use entente_ingest::robots::{PRODUCT_TOKEN, Robots};
use entente_ingest::watch::discover;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, bytes)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(bytes);
    let robots = Robots::parse(&text, PRODUCT_TOKEN);
    assert!(robots.allows("/robots.txt"));
    let _ = robots.allows(text.lines().next().unwrap_or("/"));
    let content_type = match sel % 4 {
        0 => "application/rss+xml",
        1 => "application/atom+xml",
        2 => "text/html; charset=utf-8",
        _ => "text/xml",
    };
    let page = Fetched {
        url: "https://news.example/section/index.html".into(),
        content_type: Some(content_type.into()),
        bytes: bytes.to_vec(),
        validators: Default::default(),
    };
    let pattern = regex::Regex::new(r"/news/\d+").ok();
    let links = if sel & 0x80 != 0 { pattern.as_ref() } else { None };
    if let Ok(found) = discover(&page, links) {
        for item in &found.items {
            assert!(item.url.starts_with("http://") || item.url.starts_with("https://"));
            assert!(!item.url.contains('#'), "{}", item.url);
        }
    }
});
