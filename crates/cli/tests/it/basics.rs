use crate::*;

#[test]
fn init_is_idempotent_and_honours_entente_home() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    for _ in 0..2 {
        let o = Command::new(bin())
            .arg("init")
            .env("ENTENTE_HOME", &home)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert!(home.join("entente.sqlite").is_file());
    assert!(home.join("index").is_dir());
    assert!(home.join("config.toml").is_file());
}

#[test]
fn examples_ingest_search_and_show() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let files = example_files();
    let ingest: Vec<&str> = ["ingest", "--json"]
        .into_iter()
        .chain(files.iter().map(String::as_str))
        .collect();
    let summary: serde_json::Value = serde_json::from_str(&ok(data, &ingest)).unwrap();
    assert_eq!(summary["failed"], 0, "{summary}");
    // The Shift_JIS copy of a Japanese article is the same source as its UTF-8 original.
    assert_eq!(summary["unchanged"], 1, "{summary}");
    let items = summary["items"].as_array().unwrap();
    let sjis = items
        .iter()
        .find(|i| i["origin"].as_str().unwrap().ends_with(".sjis.txt"))
        .unwrap();
    assert_eq!(sjis["status"], "unchanged");
    assert_eq!(sjis["encoding"], "Shift_JIS");
    let utf8 = items
        .iter()
        .find(|i| i["origin"].as_str().unwrap().ends_with("vostochny-ja.md"))
        .unwrap();
    assert_eq!(sjis["id"], utf8["id"]);
    // The re-published wire story is linked to the first copy.
    assert_eq!(summary["near_duplicate"], 1, "{summary}");

    // Re-ingesting everything changes nothing.
    let again: serde_json::Value = serde_json::from_str(&ok(data, &ingest)).unwrap();
    assert_eq!(again["new"], 0);
    assert_eq!(again["near_duplicate"], 0);

    // Search: JSON Lines with the documented fields; traditional query finds simplified text.
    let hits = json_lines(&ok(data, &["search", "習近平", "--json", "-n", "20"]));
    assert!(hits.len() >= 4, "{hits:?}");
    for h in &hits {
        for f in [
            "source_id",
            "title",
            "outlet",
            "lang",
            "published",
            "url",
            "score",
            "snippet",
        ] {
            assert!(h.get(f).is_some(), "field {f} missing in {h}");
        }
    }
    let langs: std::collections::BTreeSet<&str> =
        hits.iter().map(|h| h["lang"].as_str().unwrap()).collect();
    assert!(
        langs.contains("zh-Hans") && langs.contains("zh-Hant") && langs.contains("ja"),
        "{langs:?}"
    );

    let ko = json_lines(&ok(data, &["search", "김정은", "--lang", "ko", "--json"]));
    assert_eq!(ko.len(), 2);
    assert!(
        ko.iter()
            .all(|h| h["snippet"].as_str().unwrap().contains("<b>김정은</b>"))
    );

    let dated = json_lines(&ok(
        data,
        &[
            "search", "Putin", "--from", "2024", "--to", "2024-12", "--sort", "date-asc", "--json",
        ],
    ));
    let dates: Vec<&str> = dated
        .iter()
        .map(|h| h["published"].as_str().unwrap())
        .collect();
    assert!(
        !dates.is_empty() && dates.iter().all(|d| d.starts_with("2024")),
        "{dates:?}"
    );
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);

    // HTML metadata comes from meta tags, and the boilerplate is gone.
    let sco = json_lines(&ok(data, &["search", "Tianjin Declaration", "--json"]));
    assert_eq!(sco.len(), 1);
    assert_eq!(sco[0]["published"], "2025-09-01");
    assert_eq!(
        sco[0]["url"],
        "https://example.org/entente/2025-09-01-sco-tianjin"
    );
    let id = sco[0]["source_id"].as_str().unwrap();
    let shown: serde_json::Value =
        serde_json::from_str(&ok(data, &["sources", "show", &id[..8], "--json"])).unwrap();
    let text = shown["text"].as_str().unwrap();
    assert!(text.contains("Tianjin Declaration"));
    assert!(
        !text.contains("Cookie settings") && !text.contains("Home"),
        "{text}"
    );
    assert_eq!(shown["format"], "html");

    // sources list --json and the near-duplicate link shown on the copy.
    let list = json_lines(&ok(data, &["sources", "list", "--json"]));
    assert_eq!(list.len() as i64, count_sources(data));
    let dup = list
        .iter()
        .find(|s| !s["near_duplicate_of"].is_null())
        .unwrap();
    let shown: serde_json::Value = serde_json::from_str(&ok(
        data,
        &["sources", "show", dup["id"].as_str().unwrap(), "--json"],
    ))
    .unwrap();
    assert_eq!(shown["near_duplicates"][0]["id"], dup["near_duplicate_of"]);
    assert_consistent(data);
}

#[test]
fn flags_override_metadata_and_stdin_works() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let mut child = Command::new(bin())
        .args([
            "--data-dir",
            data.to_str().unwrap(),
            "ingest",
            "-",
            "--outlet",
            "Rodong Sinmun",
            "--published",
            "2025-10-10",
            "--lang",
            "ko",
            "--title",
            "조선로동당 창건 80돐",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all("조선로동당 창건 80돐 경축 열병식이 평양에서 성대히 거행되였다. 중국과 로씨야, 윁남, 라오스의 대표단이 참가하였다.".as_bytes()).unwrap();
    }
    assert!(child.wait_with_output().unwrap().status.success());
    let list = json_lines(&ok(data, &["sources", "list", "--json"]));
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["outlet"], "Rodong Sinmun");
    assert_eq!(list[0]["published"], "2025-10-10");
    assert_eq!(list[0]["lang"], "ko");
    assert_eq!(list[0]["title"], "조선로동당 창건 80돐");
    let bad = run(data, &["ingest", "-", "--published", "2025-13-40"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("2025-13-40"), "{}", stderr(&bad));
}

#[test]
fn demo_runs_and_prints_searches() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(bin())
        .current_dir(repo_root())
        .args(["demo", "--dir", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let s = stdout(&out);
    assert!(s.contains("0 failed"), "{s}");
    assert!(s.contains("$ entente search 金正恩"), "{s}");
    assert!(s.contains("«金正恩»"), "highlighted CJK match: {s}");
    assert!(dir.path().join("entente-data/entente.sqlite").is_file());
}
