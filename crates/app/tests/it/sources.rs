//! Ingest, listing, search and doctor through the application layer.

use entente_app::{
    Access, App, ErrorKind, IngestProgress, IngestRequest, SearchRequest, Sort, SourceQuery,
};

use crate::STORIES;

fn stories(dir: &std::path::Path) -> Vec<String> {
    STORIES
        .iter()
        .enumerate()
        .map(|(i, (text, _, _))| {
            let p = dir.join(format!("story-{i}.txt"));
            std::fs::write(&p, text).expect("write");
            p.display().to_string()
        })
        .collect()
}

#[test]
fn an_ingest_reports_progress_and_its_sources_are_found() {
    let dir = tempfile::tempdir().expect("tmp");
    let files = tempfile::tempdir().expect("tmp");
    let mut inputs = stories(files.path());
    inputs.push(files.path().join("missing.txt").display().to_string());
    let app = App::open(dir.path(), Access::ReadWrite).expect("open");
    let (mut planned, mut docs) = (0, 0);
    let summary = app
        .ingest(
            &IngestRequest {
                inputs,
                outlet: Some("Test Wire".into()),
                ..Default::default()
            },
            &mut |p| match p {
                IngestProgress::Planned { inputs, .. } => planned = inputs,
                IngestProgress::Document => docs += 1,
                IngestProgress::InputDone { .. } => {}
            },
        )
        .expect("ingest");
    // One missing file fails alone; the others are stored.
    assert_eq!((summary.new, summary.failed), (3, 1), "{summary:?}");
    assert_eq!((planned, docs), (4, 3));
    let listed = app
        .sources(&SourceQuery {
            outlet: Some("wire".into()),
            ..Default::default()
        })
        .expect("list");
    assert_eq!(listed.len(), 3);
    let page = app
        .search(&SearchRequest {
            query: "Putin Pyongyang".into(),
            sort: Sort::Date,
            ..Default::default()
        })
        .expect("search");
    assert_eq!(page.total, Some(1));
    assert_eq!(page.not_indexed, 0);
    let hit = &page.results[0];
    assert!(hit.snippet.contains("<b>"), "{}", hit.snippet);
    let shown = app.source(&hit.source_id.to_hex()[..8]).expect("by prefix");
    assert_eq!(shown.source.outlet.as_deref(), Some("Test Wire"));
    assert!(
        shown.origins[0].contains("story-2.txt"),
        "{:?}",
        shown.origins
    );
    let report = app.doctor(false).expect("doctor");
    assert!(report.healthy(), "{report:?}");
    assert_eq!(report.store.sources_in_store, 3);
}

#[test]
fn bad_requests_name_the_field_or_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let app = App::open(dir.path(), Access::ReadWrite).expect("open");
    let e = app
        .ingest(
            &IngestRequest {
                inputs: vec!["x.txt".into()],
                format: Some("docx".into()),
                ..Default::default()
            },
            &mut |_| {},
        )
        .expect_err("format");
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(e.message.starts_with("`format`: `docx`"), "{e}");
    let e = app
        .ingest(&IngestRequest::default(), &mut |_| {})
        .expect_err("no inputs");
    assert!(e.message.starts_with("`inputs`"), "{e}");
    let e = app
        .search(&SearchRequest {
            query: "\"unclosed".into(),
            ..Default::default()
        })
        .map(|p| p.results.len());
    // An unclosed quote is read as a phrase to the end, or refused with a message: never a
    // panic and never an internal error.
    if let Err(e) = e {
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
    }
    std::fs::write(dir.path().join("config.toml"), "[ingest]\nmax_bites = 3\n").expect("write");
    let e = app.configured_max_bytes().expect_err("typo in config");
    assert!(
        e.message.contains("config.toml") && e.message.contains("max_bites"),
        "{e}"
    );
    // A time budget that is not a positive number of seconds is refused, naming the field,
    // before anything is read.
    std::fs::write(
        dir.path().join("config.toml"),
        "[ingest]\ntime_budget_secs = -1\n",
    )
    .expect("write");
    let e = app.configured_max_bytes().expect_err("negative budget");
    assert!(
        e.message.contains("config.toml") && e.message.contains("time_budget_secs = -1"),
        "{e}"
    );
    let e: Result<SearchRequest, _> = serde_json::from_str(r#"{"query": "x", "lmit": 3}"#);
    assert!(e.expect_err("unknown field").to_string().contains("lmit"));
    let e = app.source("zzzz").expect_err("not an id");
    assert_eq!(e.kind, ErrorKind::InvalidInput, "{e:?}");
    let e = app.source("abcdef12").expect_err("no such source");
    assert_eq!(e.kind, ErrorKind::NotFound, "{e:?}");
}

#[test]
fn a_reader_searches_while_a_writer_holds_the_directory() {
    let dir = tempfile::tempdir().expect("tmp");
    let files = tempfile::tempdir().expect("tmp");
    let writer = App::open(dir.path(), Access::ReadWrite).expect("open");
    writer
        .ingest(
            &IngestRequest {
                inputs: stories(files.path()),
                ..Default::default()
            },
            &mut |_| {},
        )
        .expect("ingest");
    let reader = App::open(dir.path(), Access::ReadOnly).expect("a reader beside the writer");
    let page = reader
        .search(&SearchRequest {
            query: "talks".into(),
            ..Default::default()
        })
        .expect("search");
    assert_eq!(page.total, Some(3));
    assert_eq!(
        reader
            .doctor(true)
            .expect_err("a reader repairs nothing")
            .kind,
        ErrorKind::Internal
    );
}

/// One `App` shared by a long ingest and a reader (a server's request handlers): the reader's
/// listing, search and event list complete while the ingest is still running (the ingest
/// waits for them in its progress callback: were reads blocked behind the ingest, it would
/// wait in vain).
#[test]
fn reads_complete_while_an_ingest_in_the_same_app_runs() {
    let dir = tempfile::tempdir().expect("tmp");
    let files = tempfile::tempdir().expect("tmp");
    let inputs = stories(files.path());
    let app = App::open(dir.path(), Access::ReadWrite).expect("open");
    let (start_tx, start_rx) = std::sync::mpsc::channel::<()>();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<usize>();
    std::thread::scope(|s| {
        let reader = &app;
        s.spawn(move || {
            while start_rx.recv().is_ok() {
                let listed = reader.sources(&SourceQuery::default()).expect("list");
                reader
                    .search(&SearchRequest {
                        query: "Putin".into(),
                        ..Default::default()
                    })
                    .expect("search");
                reader.events(&Default::default()).expect("events");
                if done_tx.send(listed.len()).is_err() {
                    break;
                }
            }
        });
        let mut seen = Vec::new();
        app.ingest(
            &IngestRequest {
                inputs,
                ..Default::default()
            },
            &mut |p| {
                if let IngestProgress::Document = p {
                    start_tx.send(()).expect("reader alive");
                    let n = done_rx
                        .recv_timeout(std::time::Duration::from_secs(60))
                        .expect("a read finished while the ingest was running");
                    seen.push(n);
                }
            },
        )
        .expect("ingest");
        drop(start_tx);
        // The reader saw the store grow under the running ingest, never a later state first.
        assert_eq!(seen.len(), 3);
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    });
}

/// A sources export has no cap and holds one page in memory: 2,500 sources (more than two
/// pages) come out once each, in ingest order, under one header — the same header an empty
/// export gives; a reader that goes away stops it after the page it was sent.
#[test]
fn sources_export_pages_through_everything_under_one_header() {
    use entente_app::export::ExportFormat;
    let dir = tempfile::tempdir().expect("tmp");
    let app = App::open(dir.path().join("data"), Access::ReadWrite).expect("open");
    let mut empty = Vec::new();
    app.export_sources(&SourceQuery::default(), ExportFormat::Csv, &mut |b| {
        empty.extend_from_slice(b);
        true
    })
    .expect("empty export");
    let empty = String::from_utf8(empty).expect("utf-8");
    let file = dir.path().join("many.jsonl");
    let n = 2500;
    let mut lines = String::new();
    for i in 0..n {
        lines.push_str(&format!(
            "{{\"title\":\"Export {i}\",\"text\":\"Bulletin {i}: {} tonnes of {} crossed at {}.\",\"published\":\"2024-06-01\"}}\n",
            i * 37 % 1009,
            ["coal", "rice", "fertiliser", "timber"][i % 4],
            ["Dandong", "Hunchun", "Khasan", "Namyang"][(i / 4) % 4]
        ));
    }
    std::fs::write(&file, lines).expect("write");
    app.ingest(
        &IngestRequest {
            inputs: vec![file.display().to_string()],
            ..Default::default()
        },
        &mut |_| {},
    )
    .expect("ingest");
    let mut csv = Vec::new();
    let written = app
        .export_sources(&SourceQuery::default(), ExportFormat::Csv, &mut |b| {
            csv.extend_from_slice(b);
            true
        })
        .expect("export");
    assert_eq!(written, n as u64);
    let csv = String::from_utf8(csv).expect("utf-8");
    let mut rows = csv.lines();
    assert_eq!(
        Some(empty.trim_end()),
        rows.next(),
        "one header, as when empty"
    );
    let ids: Vec<&str> = rows.map(|r| r.split(',').next().unwrap_or("")).collect();
    assert_eq!(ids.len(), n);
    let unique: std::collections::HashSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), n, "each source once");
    assert!(!csv.contains("\nid,"), "the header is not repeated");
    let mut jsonl = Vec::new();
    app.export_sources(&SourceQuery::default(), ExportFormat::Jsonl, &mut |b| {
        jsonl.extend_from_slice(b);
        true
    })
    .expect("jsonl");
    let titles: Vec<String> = String::from_utf8(jsonl)
        .expect("utf-8")
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("a JSON line")["title"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert_eq!(titles.len(), n);
    assert_eq!(titles[0], "Export 0", "ingest order");
    assert_eq!(titles[n - 1], format!("Export {}", n - 1));
    let mut pages = 0;
    let written = app
        .export_sources(&SourceQuery::default(), ExportFormat::Jsonl, &mut |_| {
            pages += 1;
            false
        })
        .expect("stopped");
    assert_eq!((pages, written), (1, 1000), "stops once the reader is gone");
}
