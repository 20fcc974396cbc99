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
