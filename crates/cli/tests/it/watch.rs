//! `entente watch` as a user runs it, against a loopback web site.

use entente_ingest::testing::TestSite;

use crate::run;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn watch_add_list_run_and_remove() {
    let site = TestSite::start();
    site.put(
        "/rss",
        "application/rss+xml",
        &format!(
            "<rss version=\"2.0\"><channel><title>Wire</title>\
             <item><title>Talks</title><link>{}</link><pubDate>Thu, 13 Sep 2023 12:00:00 +0900</pubDate></item>\
             <item><title>Gone</title><link>{}</link></item></channel></rss>",
            site.url("/a/1"),
            site.url("/a/404")
        ),
        Some("\"e1\""),
    );
    site.put(
        "/a/1",
        "text/html",
        "<html><body><article><p>Kim Jong Un held talks with Vladimir Putin at the Vostochny Cosmodrome on September 13, 2023.</p></article></body></html>",
        None,
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    assert!(run(&data, &["init"]).status.success());
    let feed = site.url("/rss");

    // Loopback is refused until the data directory allows it.
    let out = run(
        &data,
        &["watch", "add", &feed, "--outlet", "KCNA", "--every", "2h"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(&data, &["watch", "run"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("loopback address"),
        "{}",
        text(&out.stderr)
    );

    std::fs::write(
        data.join("config.toml"),
        "[fetch]\nallow = [\"127.0.0.1\"]\n[watch]\ndelay_secs = 0\nretry_secs = 0.05\n",
    )
    .expect("config");
    let out = run(&data, &["watch", "run", "--all"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.contains("2 items listed, 2 not seen before; 1 new"),
        "{stdout}"
    );
    assert!(stdout.contains("extracted 1 new events"), "{stdout}");
    assert!(
        text(&out.stderr).contains("/a/404") && text(&out.stderr).contains("404"),
        "{}",
        text(&out.stderr)
    );

    let out = run(&data, &["watch", "list", "--json"]);
    let rows: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["outlet"], "KCNA");
    assert_eq!(rows[0]["every_secs"], 7200);
    assert_eq!(rows[0]["last_status"], "partial");
    let id = rows[0]["id"].as_str().expect("id").to_string();

    // Not due: a plain `run` does nothing; a named one polls (the 404 is not asked again).
    let out = run(&data, &["watch", "run"]);
    assert!(
        text(&out.stdout).contains("no watch is due"),
        "{}",
        text(&out.stdout)
    );
    let out = run(&data, &["watch", "run", &id, "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).expect("json");
    assert_eq!(s["unseen"], 0, "{s}");
    assert_eq!(
        site.hits("/a/404"),
        1,
        "a link that is gone is asked for once"
    );

    let out = run(&data, &["events", "list", "--json"]);
    assert!(
        text(&out.stdout).contains("Vostochny"),
        "{}",
        text(&out.stdout)
    );

    assert!(run(&data, &["watch", "remove", &id]).status.success());
    let out = run(&data, &["watch", "remove", &id]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains(&format!("no watch {id}")) || text(&out.stderr).contains(&id),
        "{}",
        text(&out.stderr)
    );
}
