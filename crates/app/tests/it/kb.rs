use entente_app::{
    Access, App, ChronologyQuery, ErrorKind, EventAdd, EventEdit, EventQuery, ExchangesQuery,
    ExtractRequest, Period,
};
use entente_core::{EventType, Status};

use crate::filled;

fn app(access: Access) -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().expect("tempdir");
    filled(dir.path());
    let app = App::open(dir.path(), access).expect("open");
    (dir, app)
}

#[test]
fn a_missing_data_directory_is_not_found_for_readers() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing-here");
    let e = App::open(&missing, Access::ReadOnly)
        .err()
        .expect("an error");
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert!(e.message.contains("nothing-here"), "{e}");
    assert!(!missing.exists(), "a reader creates nothing");
}

#[test]
fn events_chronology_and_exchanges() {
    let (_dir, app) = app(Access::ReadOnly);
    let all = app.events(&EventQuery::default()).unwrap();
    assert_eq!(all.len(), 3, "{all:#?}");
    let putin_kim = app
        .chronology(&ChronologyQuery {
            actors: vec!["Kim Jong Un".into(), "Putin".into()],
            ..Default::default()
        })
        .unwrap();
    let dates: Vec<&str> = putin_kim.iter().filter_map(|v| v.date.as_deref()).collect();
    assert_eq!(dates, ["2023-09-13", "2024-06-19"]);
    let one = app.event(&putin_kim[1].id).unwrap();
    assert_eq!(
        one.place.as_ref().map(|p| p.name_en.as_str()),
        Some("Pyongyang")
    );
    assert!(one.citations[0].quote.contains("June 19, 2024"));

    let rows = app
        .exchanges(&ExchangesQuery {
            between: vec!["ru".into(), "KP".into()],
            by: Period::Year,
            with: Some("Vladimir Putin".into()),
            ..Default::default()
        })
        .unwrap();
    let per_year: Vec<(&str, usize, Option<usize>)> = rows
        .iter()
        .map(|r| (r.period.as_str(), r.exchanges, r.with_leader))
        .collect();
    assert_eq!(per_year, [("2023", 1, Some(1)), ("2024", 1, Some(1))]);
}

#[test]
fn bad_queries_name_what_is_wrong() {
    let (_dir, app) = app(Access::ReadOnly);
    let e = app
        .chronology(&ChronologyQuery {
            actors: vec!["Nobody Atall".into()],
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(e.message.contains("Nobody Atall"), "{e}");
    for (between, what) in [
        (vec!["RU".to_string()], "two state codes"),
        (vec!["RU".into(), "Korea".into()], "`Korea`"),
        (vec!["RU".into(), "ru".into()], "two different states"),
    ] {
        let e = app
            .exchanges(&ExchangesQuery {
                between,
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
        assert!(e.message.contains(what), "{e}");
    }
    let e = app.event("ev-000000000000").unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
}

#[test]
fn queries_arrive_as_json_and_unknown_fields_are_refused() {
    let q: ChronologyQuery = serde_json::from_str(
        r#"{"actors": ["Xi Jinping", "Vladimir Putin"], "types": ["meeting"], "from": "2023"}"#,
    )
    .unwrap();
    assert_eq!(q.types, [EventType::Meeting]);
    let (_dir, app) = app(Access::ReadOnly);
    assert_eq!(app.chronology(&q).unwrap().len(), 1);
    let e = serde_json::from_str::<ChronologyQuery>(r#"{"actor": ["Xi Jinping"]}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown field `actor`"), "{e}");
    let e = serde_json::from_str::<ExchangesQuery>(r#"{"between": ["RU", "KP"], "by": "week"}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("week"), "{e}");
    // Results go back out as JSON and read in again unchanged.
    let views = app.events(&EventQuery::default()).unwrap();
    let json = serde_json::to_string(&views).unwrap();
    let back: Vec<entente_app::EventView> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, views);
}

#[test]
fn review_sets_every_status_or_none() {
    let (_dir, app) = app(Access::ReadWrite);
    let ids: Vec<String> = app
        .events(&EventQuery::default())
        .unwrap()
        .into_iter()
        .map(|v| v.id)
        .collect();
    let e = app
        .set_event_status(
            &crate::who(),
            &[ids[0].clone(), "ev-000000000000".into()],
            Status::Rejected,
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert!(e.message.contains("ev-000000000000"), "{e}");
    assert_eq!(
        app.event(&ids[0]).unwrap().status,
        Status::Extracted,
        "nothing was changed"
    );
    assert_eq!(
        app.set_event_status(&crate::who(), &[], Status::Confirmed)
            .unwrap_err()
            .kind,
        ErrorKind::InvalidInput
    );
    assert_eq!(
        app.set_event_status(&crate::who(), &ids[..1], Status::Extracted)
            .unwrap_err()
            .kind,
        ErrorKind::InvalidInput
    );
    assert_eq!(
        app.set_event_status(&crate::who(), &ids[..1], Status::Rejected)
            .unwrap(),
        1
    );
    let rejected = app
        .events(&EventQuery {
            statuses: vec![Status::Rejected],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(rejected.len(), 1);
    assert_eq!(
        app.chronology(&ChronologyQuery::default()).unwrap().len(),
        2,
        "rejected events stay out of the chronology"
    );
}

#[test]
fn a_reader_opens_while_a_writer_holds_the_index() {
    let dir = tempfile::tempdir().unwrap();
    filled(dir.path());
    // The writer indexes (an ingest running): it holds the index writer lock from now on.
    let writer = App::open(dir.path(), Access::ReadWrite).expect("the writer");
    let first = dir.path().join("first.txt");
    std::fs::write(
        &first,
        "A running ingest stores this article about a delegation visit.",
    )
    .unwrap();
    writer
        .ingest(
            &entente_app::IngestRequest {
                inputs: vec![first.display().to_string()],
                ..Default::default()
            },
            &mut |_| {},
        )
        .expect("the writer indexes");
    let reader = App::open(dir.path(), Access::ReadOnly).expect("a reader beside it");
    assert_eq!(reader.events(&EventQuery::default()).unwrap().len(), 3);
    // A second writable app opens (it may edit events) but its own ingest waits.
    let second = App::open(dir.path(), Access::ReadWrite).expect("a second writable app");
    let file = dir.path().join("late.txt");
    std::fs::write(
        &file,
        "A late article about talks in Moscow between two ministers.",
    )
    .unwrap();
    let e = second
        .ingest(
            &entente_app::IngestRequest {
                inputs: vec![file.display().to_string()],
                ..Default::default()
            },
            &mut |_| {},
        )
        .map(|s| format!("{s:?}"))
        .expect_err("a second ingest waits");
    assert_eq!(e.kind, ErrorKind::Busy, "{e}");
    let e = reader
        .set_event_status(&crate::who(), &["x".into()], Status::Confirmed)
        .unwrap_err();
    assert!(e.message.contains("read-only"), "{e}");
}

/// Two analysts edit one event at the same time through one server (one `App`), both on the
/// version they read: one edit lands, the other is a conflict and changes nothing.
#[test]
fn two_concurrent_edits_give_one_success_and_one_conflict() {
    let (_dir, app) = app(Access::ReadWrite);
    let ev = &app.events(&EventQuery::default()).unwrap()[0];
    let (id, version) = (ev.id.clone(), ev.version);
    let edits = [
        EventEdit {
            version,
            framework: Some("first analyst".into()),
            ..Default::default()
        },
        EventEdit {
            version,
            framework: Some("second analyst".into()),
            ..Default::default()
        },
    ];
    let results: Vec<Result<entente_app::EventView, entente_app::AppError>> =
        std::thread::scope(|s| {
            let handles: Vec<_> = edits
                .iter()
                .map(|e| {
                    let (app, id) = (&app, &id);
                    s.spawn(move || app.edit_event(&crate::who(), id, e))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
    let ok: Vec<&entente_app::EventView> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    let conflicts: Vec<&entente_app::AppError> =
        results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!((ok.len(), conflicts.len()), (1, 1), "{results:?}");
    assert_eq!(conflicts[0].kind, ErrorKind::Conflict);
    assert!(conflicts[0].message.contains(&id), "{}", conflicts[0]);
    let now = app.event(&id).unwrap();
    assert_eq!(now.framework, ok[0].framework, "the winner's edit stands");
    assert_eq!(now.version, version + 1);
    // Redone on the version now stored, the loser's edit lands.
    let redone = app
        .edit_event(
            &crate::who(),
            &id,
            &EventEdit {
                version: now.version,
                add: vec!["Sergei Lavrov:participant".into()],
                remove: vec![now.participants[0].name_en.clone()],
                ..Default::default()
            },
        )
        .unwrap();
    assert!(
        redone
            .participants
            .iter()
            .any(|p| p.name_en == "Sergei Lavrov")
    );
    let e = app
        .edit_event(
            &crate::who(),
            &id,
            &EventEdit {
                version: redone.version,
                remove: vec!["Xi Jinping".into(), "Nobody Atall".into()],
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
    assert_eq!(
        app.event(&id).unwrap().version,
        redone.version,
        "nothing written"
    );
}

#[test]
fn extraction_runs_once_per_version_and_reports_progress() {
    let dir = tempfile::tempdir().unwrap();
    crate::ingested(dir.path());
    let app = App::open(dir.path(), Access::ReadWrite).unwrap();
    let mut seen = Vec::new();
    let run = app
        .extract(&ExtractRequest::default(), &mut |done, total| {
            seen.push((done, total))
        })
        .unwrap();
    assert_eq!((run.sources, run.new_events), (3, 3), "{run:?}");
    assert!(run.failed.is_empty());
    assert_eq!(seen.last(), Some(&(3, 3)));
    let again = app
        .extract(&ExtractRequest::default(), &mut |_, _| {})
        .unwrap();
    assert_eq!(again.sources, 0, "nothing new to extract");
    let all = app
        .extract(
            &ExtractRequest {
                all: true,
                ..Default::default()
            },
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!(all.sources, 3);
    assert_eq!(
        app.events(&EventQuery::default()).unwrap().len(),
        3,
        "re-extraction replaces a source's events, it does not add to them"
    );
    let e = app
        .extract(
            &ExtractRequest {
                sources: vec!["ffff".into()],
                ..Default::default()
            },
            &mut |_, _| {},
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound, "{e}");
}

#[test]
fn an_event_added_by_hand_cites_its_quote() {
    let (_dir, app) = app(Access::ReadWrite);
    let src = app.events(&EventQuery::default()).unwrap()[0].citations[0].source_id;
    let add = |quote: &str, source: String| EventAdd {
        kind: EventType::Agreement,
        date: Some("2023-03-21".parse().unwrap()),
        place: Some("Moscow".into()),
        framework: None,
        participants: vec!["Xi Jinping".into(), "Vladimir Putin:participant".into()],
        source,
        quote: quote.into(),
    };
    let before = app.events(&EventQuery::default()).unwrap().len();
    let hex = src.to_string();
    let e = app
        .add_event(&crate::who(), &add("signed a treaty", hex.clone()))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(
        e.message.contains("`quote`") && e.message.contains("signed a treaty"),
        "{e}"
    );
    let e = app
        .add_event(&crate::who(), &add("held talks", "0000000000".into()))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound, "{e}");
    assert_eq!(
        app.events(&EventQuery::default()).unwrap().len(),
        before,
        "nothing written on error"
    );
    let v = app
        .add_event(&crate::who(), &add("held talks", hex[..12].to_string()))
        .unwrap();
    assert_eq!(v.status, Status::Confirmed);
    let c = &v.citations[0];
    assert_eq!(c.quote, "held talks");
    assert_eq!(c.end - c.start, "held talks".len());
    assert_eq!(v.place.as_ref().map(|p| p.name_en.as_str()), Some("Moscow"));
    // Arrives as JSON just the same; unknown fields are refused.
    let json = format!(
        r#"{{"type": "agreement", "participants": ["Xi Jinping"], "source": "{hex}", "quote": "held talks"}}"#
    );
    let req: EventAdd = serde_json::from_str(&json).unwrap();
    assert_eq!(req.kind, EventType::Agreement);
    let e = serde_json::from_str::<EventAdd>(&json.replace("quote", "quotation"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("quotation"), "{e}");
}
