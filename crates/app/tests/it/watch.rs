//! Watched sources against a loopback web site that changes between polls: conditional
//! requests, items taken in once, robots.txt, retries, failures and back-off.

use entente_app::{Access, App, Cancel, ErrorKind, Principal, Role, SourceQuery, WatchAdd};
use entente_ingest::testing::TestSite;

const RSS: &str = "application/rss+xml";
const HTML: &str = "text/html; charset=utf-8";

fn feed(site: &TestSite, items: &[(&str, &str, &str)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Test Wire</title><link>/</link>",
    );
    for (path, title, date) in items {
        s.push_str(&format!(
            "<item><title>{title}</title><link>{}</link><pubDate>{date}</pubDate></item>",
            site.url(path)
        ));
    }
    s.push_str("</channel></rss>");
    s
}

/// An article page without a date of its own (the feed's date fills it in).
fn article(text: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><title>Story</title></head><body><article><p>{text}</p></article></body></html>"
    )
}

/// A data directory that may fetch from loopback, with no politeness delay and short retries.
fn app(dir: &std::path::Path) -> App {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    std::fs::write(
        data.join("config.toml"),
        "[fetch]\nallow = [\"127.0.0.1\"]\n[watch]\ndelay_secs = 0\nretries = 2\nretry_secs = 0.05\n",
    )
    .expect("config");
    App::open(&data, Access::ReadWrite).expect("open")
}

fn admin() -> Principal {
    Principal::local("test")
}

fn poll(app: &App, id: &str) -> Result<entente_app::PollSummary, entente_app::AppError> {
    app.poll_watch(&admin(), id, &Cancel::new(), &mut |_, _| {})
}

#[test]
fn a_feed_is_polled_incrementally_with_conditional_requests() {
    let site = TestSite::start();
    site.put(
        "/robots.txt",
        "text/plain",
        "User-agent: *\nDisallow: /private/\n",
        None,
    );
    let day = "Wed, 19 Jun 2024 09:00:00 +0900";
    let items = [
        ("/a/1.html", "Talks in Pyongyang", day),
        ("/a/2.html", "A treaty signed", day),
        ("/private/3.html", "Not for crawlers", day),
    ];
    site.put("/feed.xml", RSS, &feed(&site, &items), Some("\"v1\""));
    site.put(
        "/a/1.html",
        HTML,
        &article("Vladimir Putin held talks with Kim Jong Un in Pyongyang on June 19, 2024."),
        None,
    );
    site.put(
        "/a/2.html",
        HTML,
        &article("Kim Jong Un and Vladimir Putin signed a treaty on comprehensive strategic partnership."),
        None,
    );
    site.put("/private/3.html", HTML, &article("Never fetched."), None);
    // The second story fails however often it is asked in the first poll.
    site.fail_next("/a/2.html", 3);

    let dir = tempfile::tempdir().expect("tempdir");
    let app = app(dir.path());
    let w = app
        .add_watch(
            &admin(),
            &WatchAdd {
                url: site.url("/feed.xml"),
                outlet: Some("Test Wire".into()),
                ..Default::default()
            },
        )
        .expect("add");
    assert_eq!(
        app.due_watches(&admin()).expect("due").len(),
        1,
        "due at once"
    );

    // Poll 1: one story in, one failed after its retries, one disallowed.
    let s = poll(&app, &w.id).expect("poll 1");
    assert_eq!((s.found, s.unseen, s.disallowed), (3, 3, 1), "{s:?}");
    assert_eq!((s.new, s.failed), (1, 1), "{s:?}");
    assert_eq!(s.status, "partial");
    assert_eq!(site.hits("/a/2.html"), 3, "one try and two retries");
    assert_eq!(site.hits("/private/3.html"), 0, "robots.txt is obeyed");
    assert!(
        s.failures[0].item.ends_with("/a/2.html") && s.failures[0].message.contains("500"),
        "{:?}",
        s.failures
    );
    let x = s
        .extraction
        .as_ref()
        .expect("the new story is extracted at once");
    assert_eq!(x.sources, 1);
    let sources = app.sources(&SourceQuery::default()).expect("sources");
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].outlet.as_deref(), Some("Test Wire"));
    assert_eq!(
        sources[0]
            .published
            .as_ref()
            .map(|d| d.to_string())
            .as_deref(),
        Some("2024-06-19"),
        "the feed's date fills in the page's"
    );
    let row = app.watch(&admin(), &w.id).expect("watch");
    assert_eq!(
        row.etag, None,
        "an item left for later: the next poll reads the feed in full"
    );
    assert!(row.next_due > row.last_polled.clone().unwrap_or_default());

    // Poll 2: after a partial poll the feed is read again in full, and the failed story is in.
    let s = poll(&app, &w.id).expect("poll 2");
    assert_eq!((s.unseen, s.new, s.failed), (2, 1, 0), "{s:?}");
    assert_eq!(s.status, "new");
    assert_eq!(
        site.hits("/a/1.html"),
        1,
        "a story taken in is not fetched again"
    );

    // Poll 3: nothing changed: 304, nothing else asked for.
    let before = site.hits("/a/2.html");
    let s = poll(&app, &w.id).expect("poll 3");
    assert_eq!(s.status, "not_modified");
    assert_eq!(site.not_modified("/feed.xml"), 1);
    assert_eq!(site.hits("/a/2.html"), before);

    // Poll 4: the feed changes: only the new story is fetched.
    let mut more = items.to_vec();
    more.push(("/a/4.html", "A visit", "Thu, 20 Jun 2024 10:00:00 +0900"));
    site.put("/feed.xml", RSS, &feed(&site, &more), Some("\"v2\""));
    site.put(
        "/a/4.html",
        HTML,
        &article("Vladimir Putin visited Hanoi on June 20, 2024."),
        None,
    );
    let s = poll(&app, &w.id).expect("poll 4");
    assert_eq!((s.found, s.unseen, s.new), (4, 2, 1), "{s:?}");
    assert_eq!(site.hits("/a/1.html"), 1);
    assert_eq!(
        app.sources(&SourceQuery::default()).expect("sources").len(),
        3
    );
}

#[test]
fn a_failing_page_is_retried_then_reported_and_backs_off() {
    let site = TestSite::start();
    site.put(
        "/feed.xml",
        RSS,
        "<rss version=\"2.0\"><channel><title>T</title></channel></rss>",
        None,
    );
    site.set_status("/feed.xml", 500);
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app(dir.path());
    let w = app
        .add_watch(
            &admin(),
            &WatchAdd {
                url: site.url("/feed.xml"),
                every: Some("1h".into()),
                ..Default::default()
            },
        )
        .expect("add");
    let e = poll(&app, &w.id).expect_err("a 500 fails the poll");
    assert_eq!(e.kind, ErrorKind::Busy, "a server error may pass: {e}");
    assert!(
        e.message.contains("HTTP 500") && e.message.contains("1 poll(s)"),
        "{e}"
    );
    assert_eq!(site.hits("/feed.xml"), 3, "one try and two retries");
    let row = app.watch(&admin(), &w.id).expect("watch");
    assert_eq!(row.failures, 1);
    assert_eq!(row.last_status.as_deref(), Some("failed"));
    assert!(
        row.last_error
            .as_deref()
            .is_some_and(|m| m.contains("HTTP 500"))
    );
    let polled = chrono::DateTime::parse_from_rfc3339(row.last_polled.as_deref().expect("polled"))
        .expect("time");
    let due = chrono::DateTime::parse_from_rfc3339(&row.next_due).expect("time");
    assert!(
        due - polled >= chrono::Duration::hours(2),
        "backed off: {polled} → {due}"
    );
    assert!(app.due_watches(&admin()).expect("due").is_empty());

    // Back to health: the failure count resets.
    site.set_status("/feed.xml", 200);
    let s = poll(&app, &w.id).expect("poll");
    assert_eq!(s.status, "nothing_new");
    assert_eq!(app.watch(&admin(), &w.id).expect("watch").failures, 0);
}

#[test]
fn robots_txt_can_forbid_the_watched_page_itself() {
    let site = TestSite::start();
    site.put(
        "/robots.txt",
        "text/plain",
        "User-agent: entente\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
        None,
    );
    site.put(
        "/feed.xml",
        RSS,
        "<rss version=\"2.0\"><channel><title>T</title></channel></rss>",
        None,
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app(dir.path());
    let w = app
        .add_watch(
            &admin(),
            &WatchAdd {
                url: site.url("/feed.xml"),
                ..Default::default()
            },
        )
        .expect("add");
    let e = poll(&app, &w.id).expect_err("disallowed");
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(e.message.contains("robots.txt disallows /feed.xml"), "{e}");
    assert_eq!(site.hits("/feed.xml"), 0);
}

#[test]
fn an_index_page_yields_the_links_its_pattern_selects() {
    let site = TestSite::start();
    let index = "<html><body><nav><a href=\"/\">Home</a><a href=\"/about.html\">About</a></nav>\
        <ul><li><a href=\"/news/1.html\">One</a></li><li><a href=\"2.html\">Two</a></li></ul></body></html>";
    site.put("/news/index.html", HTML, index, None);
    site.put(
        "/news/1.html",
        HTML,
        &article("Xi Jinping held talks with Vladimir Putin in Moscow on March 21, 2023."),
        None,
    );
    site.put(
        "/news/2.html",
        HTML,
        &article("Kim Jong Un held talks with Vladimir Putin on September 13, 2023."),
        None,
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app(dir.path());
    let w = app
        .add_watch(
            &admin(),
            &WatchAdd {
                url: site.url("/news/index.html"),
                links: Some(r"/news/\d+\.html$".into()),
                every: Some("30m".into()),
                ..Default::default()
            },
        )
        .expect("add");
    let s = poll(&app, &w.id).expect("poll");
    assert_eq!((s.found, s.new), (2, 2), "{s:?}");
    assert_eq!(site.hits("/about.html"), 0);
    // No validators on the index: it is read again, but nothing is fetched twice.
    let s = poll(&app, &w.id).expect("poll");
    assert_eq!(
        (s.found, s.unseen, s.status.as_str()),
        (2, 0, "nothing_new")
    );
    assert_eq!(site.hits("/news/1.html"), 1);
}

#[test]
fn watches_are_checked_managed_by_admins_and_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app(dir.path());
    let bad = |req: WatchAdd, field: &str| {
        let e = app.add_watch(&admin(), &req).expect_err(field);
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
        assert!(e.message.contains(field), "{field}: {e}");
    };
    bad(
        WatchAdd {
            url: "file:///etc/passwd".into(),
            ..Default::default()
        },
        "`url`",
    );
    bad(
        WatchAdd {
            url: "not a url".into(),
            ..Default::default()
        },
        "`url`",
    );
    bad(
        WatchAdd {
            url: "https://x.example/".into(),
            every: Some("10s".into()),
            ..Default::default()
        },
        "`every`",
    );
    bad(
        WatchAdd {
            url: "https://x.example/".into(),
            links: Some("(".into()),
            ..Default::default()
        },
        "`links`",
    );
    assert!(
        app.watches(&admin()).expect("list").is_empty(),
        "nothing half-added"
    );

    let req = WatchAdd {
        url: "https://x.example/feed".into(),
        ..Default::default()
    };
    let analyst = entente_app::Principal {
        user: "ana".into(),
        role: Role::Analyst,
        credential: entente_app::Credential::Local,
    };
    let e = app.add_watch(&analyst, &req).expect_err("analyst");
    assert_eq!(e.kind, ErrorKind::Forbidden);
    let w = app.add_watch(&admin(), &req).expect("add");
    let e = app.add_watch(&admin(), &req).expect_err("twice");
    assert_eq!(e.kind, ErrorKind::Exists, "{e}");
    assert_eq!(app.watches(&analyst).expect("analysts read").len(), 1);
    assert_eq!(
        app.remove_watch(&analyst, &w.id).expect_err("analyst").kind,
        ErrorKind::Forbidden
    );
    app.remove_watch(&admin(), &w.id).expect("remove");
    assert_eq!(
        app.remove_watch(&admin(), &w.id).expect_err("gone").kind,
        ErrorKind::NotFound
    );
    assert!(app.watches(&admin()).expect("list").is_empty());
}

#[test]
fn items_over_the_cap_are_taken_up_next_time_though_the_feed_is_unchanged() {
    let site = TestSite::start();
    let day = "Thu, 01 Dec 2011 09:00:00 +0900";
    let items: Vec<(String, String)> = (1..=5)
        .map(|i| (format!("/n/{i}.html"), format!("Story {i}")))
        .collect();
    let list: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str(), day))
        .collect();
    site.put("/feed.xml", RSS, &feed(&site, &list), Some("\"same\""));
    // Five different stories (similar ones would be stored as near-duplicates, not new).
    let texts = [
        "The delegation of the Foreign Ministry returned home from Beijing by air on Thursday.",
        "A wreath was laid at the tower in Hyongjesan District by a visiting group of veterans.",
        "Kim Jong Un received a message of greetings from the President of the Russian Federation.",
        "Magazine editors in Yanbian issued a special number about the cooperative farms this autumn.",
        "Sergei Lavrov held talks with Choe Son Hui about the treaty and its implementation in Moscow.",
    ];
    for ((path, _), text) in items.iter().zip(texts) {
        site.put(path, HTML, &article(text), None);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app(dir.path());
    std::fs::write(
        dir.path().join("data/config.toml"),
        "[fetch]\nallow = [\"127.0.0.1\"]\n[watch]\ndelay_secs = 0\nmax_items = 2\n",
    )
    .expect("config");
    let w = app
        .add_watch(
            &admin(),
            &WatchAdd {
                url: site.url("/feed.xml"),
                ..Default::default()
            },
        )
        .expect("add");
    let mut taken = Vec::new();
    for _ in 0..3 {
        let s = poll(&app, &w.id).expect("poll");
        taken.push((s.new, s.deferred));
    }
    assert_eq!(
        taken,
        [(2, 3), (2, 1), (1, 0)],
        "two, two, then the last one"
    );
    // Everything settled: now the validators are sent and the site answers 304.
    assert_eq!(site.not_modified("/feed.xml"), 0);
    assert_eq!(poll(&app, &w.id).expect("poll").status, "not_modified");
    assert_eq!(site.not_modified("/feed.xml"), 1);
    assert_eq!(
        app.sources(&SourceQuery::default()).expect("sources").len(),
        5
    );
}
