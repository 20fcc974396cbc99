use crate::*;

fn extracted_examples() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files = example_files();
    let ingest: Vec<&str> = ["ingest", "-q"]
        .into_iter()
        .chain(files.iter().map(String::as_str))
        .collect();
    ok(dir.path(), &ingest);
    let s: serde_json::Value =
        serde_json::from_str(&ok(dir.path(), &["extract", "--json"])).unwrap();
    assert!(s["new_events"].as_u64().unwrap() >= 8, "{s}");
    dir
}

#[test]
fn extraction_builds_a_cited_chronology() {
    let dir = extracted_examples();
    let data = dir.path();
    let chrono = json_lines(&ok(
        data,
        &[
            "chronology",
            "--actors",
            "Kim Jong Un,Vladimir Putin",
            "--json",
        ],
    ));
    let vostochny = chrono
        .iter()
        .find(|e| e["date"] == "2023-09-13" && e["type"] == "meeting")
        .unwrap_or_else(|| panic!("no 2023-09-13 meeting in {chrono:#?}"));
    assert_eq!(vostochny["place"]["name_en"], "Vostochny Cosmodrome");
    let names: Vec<&str> = vostochny["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name_en"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Kim Jong Un") && names.contains(&"Vladimir Putin"),
        "{names:?}"
    );
    // The Japanese and the Korean report of that meeting are one event with two citations,
    // each quoting exactly the cited span of its source.
    let cites = vostochny["citations"].as_array().unwrap();
    assert!(cites.len() >= 2, "{vostochny:#}");
    for c in cites {
        let shown: serde_json::Value = serde_json::from_str(&ok(
            data,
            &[
                "sources",
                "show",
                c["source_id"].as_str().unwrap(),
                "--json",
            ],
        ))
        .unwrap();
        let text = shown["text"].as_str().unwrap();
        let (s, e) = (
            c["start"].as_u64().unwrap() as usize,
            c["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..e], c["quote"].as_str().unwrap());
    }
    // Chronology filters by date; Xi–Putin since the 2022 invasion excludes nothing earlier.
    let xp = json_lines(&ok(
        data,
        &[
            "chronology",
            "--actors",
            "Xi Jinping,Vladimir Putin",
            "--from",
            "2022-02-24",
            "--json",
        ],
    ));
    assert!(!xp.is_empty());
    assert!(
        xp.iter()
            .all(|e| e["date"].as_str().unwrap_or("9999") >= "2022-02-24")
    );
}

#[test]
fn exchanges_count_by_year_with_the_leader() {
    let dir = extracted_examples();
    let rows = json_lines(&ok(
        dir.path(),
        &[
            "exchanges",
            "--between",
            "RU,KP",
            "--with",
            "Kim Jong Un",
            "--json",
        ],
    ));
    let y2023 = rows
        .iter()
        .find(|r| r["period"] == "2023")
        .expect("2023 row");
    assert!(y2023["exchanges"].as_u64().unwrap() >= 1);
    assert!(y2023["with_leader"].as_u64().unwrap() >= 1);
    let y2024 = rows
        .iter()
        .find(|r| r["period"] == "2024")
        .expect("2024 row");
    assert_eq!(
        y2024["change"].as_i64().unwrap(),
        y2024["exchanges"].as_i64().unwrap() - y2023["exchanges"].as_i64().unwrap()
    );
    assert!(!y2024["event_ids"].as_array().unwrap().is_empty());
}

#[test]
fn analyst_decisions_survive_re_extraction() {
    let dir = extracted_examples();
    let data = dir.path();
    let events = json_lines(&ok(data, &["events", "list", "--json"]));
    let a = events[0]["id"].as_str().unwrap().to_string();
    let b = events[1]["id"].as_str().unwrap().to_string();
    ok(data, &["events", "reject", &a]);
    ok(data, &["events", "edit", &b, "--framework", "state visit"]);
    ok(data, &["extract", "--all"]);
    let after = json_lines(&ok(data, &["events", "list", "--json"]));
    let find = |id: &str| {
        after
            .iter()
            .find(|e| e["id"] == id)
            .unwrap_or_else(|| panic!("{id} gone"))
            .clone()
    };
    assert_eq!(find(&a)["status"], "rejected");
    assert_eq!(find(&b)["framework"], "state visit");
    // Rejected events stay out of chronologies.
    let chrono = ok(
        data,
        &[
            "chronology",
            "--actors",
            "Vladimir Putin",
            "--types",
            "meeting,visit,call,message,attendance,agreement,delegation",
            "--json",
        ],
    );
    assert!(!chrono.contains(&a));
    // Unknown actors are a clear error.
    let o = run(data, &["chronology", "--actors", "Nobody Atall", "--json"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("Nobody Atall"), "{}", stderr(&o));
}

/// An edit names the version it was made on (`events show --json`); a stale one writes
/// nothing and exits 3.
#[test]
fn a_stale_edit_exits_3_and_writes_nothing() {
    let dir = extracted_examples();
    let data = dir.path();
    let events = json_lines(&ok(data, &["events", "list", "--json"]));
    let id = events[0]["id"].as_str().unwrap().to_string();
    let read: serde_json::Value =
        serde_json::from_str(&ok(data, &["events", "show", &id, "--json"])).unwrap();
    let version = read["version"].as_u64().expect("a version").to_string();
    let edit = |framework: &str| {
        let args = [
            "events",
            "edit",
            &id,
            "--version",
            &version,
            "--framework",
            framework,
        ];
        run(data, &args)
    };
    assert!(edit("first").status.success());
    let o = edit("second");
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("changed since"), "{}", stderr(&o));
    let now: serde_json::Value =
        serde_json::from_str(&ok(data, &["events", "show", &id, "--json"])).unwrap();
    assert_eq!(now["framework"], "first");
    assert_eq!(
        now["version"].as_u64(),
        read["version"].as_u64().map(|v| v + 1)
    );
}

#[test]
fn the_gold_set_scores() {
    let o = ok(
        std::path::Path::new("/nonexistent-unused"),
        &[
            "eval",
            repo_root().join("eval/gold").to_str().unwrap(),
            "--json",
        ],
    );
    let r: serde_json::Value = serde_json::from_str(&o).unwrap();
    assert!(r["documents"].as_u64().unwrap() >= 80);
    // Floors at the level reached (see the closing note); raise them as extraction improves.
    assert!(r["events"]["f1"].as_f64().unwrap() >= 0.895, "{r}");
    assert!(r["dates"]["f1"].as_f64().unwrap() >= 0.895, "{r}");
    assert!(r["participants"]["f1"].as_f64().unwrap() >= 0.875, "{r}");
    assert!(r["places"]["f1"].as_f64().unwrap() >= 0.835, "{r}");
}

/// Channel One's profile (`data/outlets/profiles.toml`): the headline is the report (the scraped
/// body is a sidebar about something else), and an undated report is about the publication
/// day. The same item from an outlet without a profile keeps its headline as a title only.
#[test]
fn a_bulletin_outlets_headline_is_read_and_dated_by_its_day() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let items = dir.path().join("items.jsonl");
    std::fs::write(
        &items,
        "{\"title\": \"Владимир Путин провел телефонный разговор с Александром Лукашенко\", \"published\": \"2021-03-26\", \"text\": \"Погода в Москве: в выходные ожидается снег.\"}\n",
    )
    .unwrap();
    let path = items.to_str().unwrap();
    ok(
        &data,
        &[
            "ingest",
            "-q",
            "--outlet",
            "Channel One Russia",
            "--lang",
            "ru",
            path,
        ],
    );
    ok(&data, &["extract", "-q"]);
    let events = json_lines(&ok(&data, &["events", "list", "--json"]));
    let call = events
        .iter()
        .find(|e| e["type"] == "call")
        .unwrap_or_else(|| panic!("the headline's call is extracted: {events:?}"));
    assert_eq!(call["date"], "2021-03-26", "{call}");
    let quote = call["citations"][0]["quote"].as_str().unwrap();
    assert!(
        quote.contains("телефонный разговор"),
        "cited from the headline: {quote}"
    );

    let other = dir.path().join("other");
    ok(
        &other,
        &[
            "ingest",
            "-q",
            "--outlet",
            "Some Wire",
            "--lang",
            "ru",
            path,
        ],
    );
    ok(&other, &["extract", "-q"]);
    let none = json_lines(&ok(&other, &["events", "list", "--json"]));
    assert!(
        none.iter().all(|e| e["type"] != "call"),
        "without a profile the body alone is read: {none:?}"
    );
}

/// Reads never wait for a writer: while `entente ingest -` holds the data directory (it is
/// still reading its standard input), a search, a chronology, a comparison-free briefing and
/// an events listing all run; a second writer is told to try again (exit 75); the ingest then
/// finishes and its document is there.
#[test]
fn reads_run_while_an_ingest_writes() {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let dir = extracted_examples();
    let data = dir.path();
    let spawn = || {
        let mut child = Command::new(bin())
            .arg("--data-dir")
            .arg(data)
            .args(["ingest", "-q", "--lang", "en", "--outlet", "Test", "-"])
            .env_remove("ENTENTE_HOME")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawning ingest");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(b"Kim Jong Un received Sergei Shoigu in Pyongyang on June 17, 2025.\n")
            .unwrap();
        stdin.flush().unwrap();
        (child, stdin)
    };
    // Wait until the ingest holds the directory: a second writer is then refused. (A probe
    // that came first makes the ingest itself give up with 75: start it again.)
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let (mut ingest, mut stdin) = spawn();
    let busy = loop {
        std::thread::sleep(std::time::Duration::from_millis(200));
        if ingest.try_wait().unwrap().is_some() {
            (ingest, stdin) = spawn();
            continue;
        }
        let o = run(data, &["ingest", "-q", "--lang", "en", "-"]);
        if o.status.code() == Some(75) || std::time::Instant::now() > deadline {
            break o;
        }
    };
    assert_eq!(busy.status.code(), Some(75), "{}", stderr(&busy));
    assert!(
        stderr(&busy).contains("another entente process"),
        "{}",
        stderr(&busy)
    );

    ok(data, &["search", "Putin", "--json"]);
    let chrono = ok(
        data,
        &["chronology", "--actors", "Vladimir Putin", "--json"],
    );
    assert!(!json_lines(&chrono).is_empty());
    ok(data, &["events", "list", "--json"]);
    let spec = data.join("spec.toml");
    std::fs::write(
        &spec,
        "title = \"x\"\nperiod = { from = \"2022-01-01\", to = \"2025-12-31\" }\nlang = \"en\"\n\
         [[block]]\nkind = \"chronology\"\nactors = [\"Vladimir Putin\"]\nsince = \"2022-01-01\"\n",
    )
    .unwrap();
    let out = data.join("brief.html");
    let args = [
        "brief",
        spec.to_str().unwrap(),
        "--format",
        "html",
        "--out",
        out.to_str().unwrap(),
    ];
    ok(data, &args);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("<table"), "{html}");

    drop(stdin);
    let done = ingest.wait_with_output().unwrap();
    assert!(done.status.success(), "{}", stderr(&done));
    let found = ok(data, &["search", "Shoigu", "--json"]);
    assert!(
        !json_lines(&found).is_empty(),
        "the ingest's document is there"
    );
}
