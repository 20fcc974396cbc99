use entente_core::Lang;
use entente_store::{ListQuery, PutOutcome, SqliteStore, Store, StoreError};

use crate::source;

const STORY: &str = "Kim Jong Un and Vladimir Putin held talks at the Vostochny Cosmodrome in the Amur region, touring the launch facilities together before a reception in honour of the guest.";

#[test]
fn same_text_is_stored_once_and_every_origin_is_kept() {
    let s = SqliteStore::open_in_memory().unwrap();
    let a = source(STORY, Lang::En, Some("2023-09-13"), "KCNA");
    assert!(matches!(
        s.put_source(&a).unwrap(),
        PutOutcome::New { seq: 1, .. }
    ));
    let mut again = a.clone();
    again.origin = "other-file.sjis.txt".into();
    again.encoding = "Shift_JIS".into();
    assert_eq!(
        s.put_source(&again).unwrap(),
        PutOutcome::Unchanged { id: a.id }
    );
    assert_eq!(s.count_sources().unwrap(), 1);
    let origins = s.origins(&a.id).unwrap();
    assert_eq!(origins.len(), 2, "{origins:?}");
    assert!(origins.iter().any(|o| o.contains("Shift_JIS")));
}

#[test]
fn near_duplicates_link_to_the_first_copy() {
    let s = SqliteStore::open_in_memory().unwrap();
    let first = source(STORY, Lang::En, None, "KCNA");
    let second = source(&format!("{STORY} (Updated.)"), Lang::En, None, "KCNA");
    let third = source(
        &format!("{STORY} (Updated again with a headline.)"),
        Lang::En,
        None,
        "KCNA",
    );
    let other = source(
        "China's customs figures show exports of refined petroleum to the DPRK stayed well under the cap set by the Security Council in 2024.",
        Lang::En,
        None,
        "Xinhua",
    );
    s.put_source(&first).unwrap();
    match s.put_source(&second).unwrap() {
        PutOutcome::NearDuplicate { of, similarity, .. } => {
            assert_eq!(of, first.id);
            assert!(similarity >= 0.7);
        }
        o => panic!("expected a near-duplicate, got {o:?}"),
    }
    match s.put_source(&third).unwrap() {
        PutOutcome::NearDuplicate { of, .. } => assert_eq!(of, first.id, "links to the root copy"),
        o => panic!("expected a near-duplicate, got {o:?}"),
    }
    assert!(matches!(
        s.put_source(&other).unwrap(),
        PutOutcome::New { .. }
    ));
    let dups = s.near_duplicates(&first.id).unwrap();
    assert_eq!(dups.len(), 2);
    let back = s.near_duplicates(&second.id).unwrap();
    assert_eq!(
        back.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![first.id]
    );
}

#[test]
fn round_trips_every_field() {
    let s = SqliteStore::open_in_memory().unwrap();
    let mut a = source(
        "金正恩総書記はプーチン大統領と会談した。",
        Lang::Ja,
        Some("2023-09"),
        "NHK",
    );
    a.original_text = "金正恩総書記はプーチン大統領と会談した。\r\n".into();
    a.lang_spans = vec![entente_core::LangSpan {
        start: 0,
        end: 10,
        lang: Lang::Ja,
    }];
    a.url = Some("https://example.org/x".into());
    s.put_source(&a).unwrap();
    let got = s.get_source(&a.id).unwrap().unwrap();
    assert_eq!(got.new, a);
    assert_eq!(got.seq, 1);
    assert_eq!(
        s.source_text(&a.id).unwrap().as_deref(),
        Some(a.text.as_str())
    );
}

#[test]
fn resolves_unique_prefixes_only() {
    let s = SqliteStore::open_in_memory().unwrap();
    let mut ids = Vec::new();
    for i in 0..40 {
        let src = source(
            &format!("document number {i} about nothing in particular"),
            Lang::En,
            None,
            "x",
        );
        ids.push(src.id);
        s.put_source(&src).unwrap();
    }
    let full = ids[7].to_hex();
    assert_eq!(s.resolve_id(&full).unwrap(), ids[7]);
    assert_eq!(s.resolve_id(&full[..12]).unwrap(), ids[7]);
    assert!(matches!(
        s.resolve_id("ffffffffffff0000"),
        Err(StoreError::NotFound { what: "source", .. })
    ));
    assert!(matches!(s.resolve_id("zz"), Err(StoreError::Core(_))));
    // Keep adding sources until two ids share a 4-character prefix (birthday bound: a few hundred).
    let mut seen = std::collections::HashMap::new();
    let mut shared = None;
    for i in 0..5000 {
        let src = source(
            &format!("another document {i} with some words"),
            Lang::En,
            None,
            "x",
        );
        s.put_source(&src).unwrap();
        let p = src.id.to_hex()[..4].to_string();
        if seen.insert(p.clone(), src.id).is_some() {
            shared = Some(p);
            break;
        }
    }
    let shared = shared.expect("a shared prefix within 5000 ids");
    match s.resolve_id(&shared) {
        Err(StoreError::Ambiguous { count, .. }) => assert!(count >= 2),
        other => panic!("expected ambiguity, got {other:?}"),
    }
}

#[test]
fn lists_with_filters() {
    let s = SqliteStore::open_in_memory().unwrap();
    s.put_source(&source(
        "习近平同普京举行会谈，双方交换了意见。",
        Lang::ZhHans,
        None,
        "Xinhua",
    ))
    .unwrap();
    s.put_source(&source(
        "習近平與普京舉行會談，雙方交換了意見。",
        Lang::ZhHant,
        None,
        "CNA",
    ))
    .unwrap();
    s.put_source(&source(STORY, Lang::En, None, "KCNA (kcna.co.jp mirror)"))
        .unwrap();
    let zh = s
        .list_sources(&ListQuery {
            lang: Some("zh".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(zh.len(), 2);
    let kcna = s
        .list_sources(&ListQuery {
            outlet: Some("kcna".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(kcna.len(), 1);
    let page = s
        .list_sources(&ListQuery {
            limit: Some(1),
            offset: 1,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].seq, 2);
    // Keyset paging: after a seq, with the filters still applied.
    let after = s
        .list_sources(&ListQuery {
            after: Some(1),
            limit: Some(10),
            ..Default::default()
        })
        .unwrap();
    assert!(after.iter().all(|r| r.seq > 1));
    assert_eq!(after.first().map(|r| r.seq), Some(2));
    let zh_after = s
        .list_sources(&ListQuery {
            lang: Some("zh".into()),
            after: Some(zh[0].seq),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(zh_after, zh[1..].to_vec());
}

fn band_rows(path: &std::path::Path) -> (i64, String) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let n = conn
        .query_row("SELECT count(*) FROM source_bands", [], |r| r.get(0))
        .unwrap();
    let upto = conn
        .query_row("SELECT value FROM meta WHERE key = 'bands_upto'", [], |r| {
            r.get(0)
        })
        .unwrap();
    (n, upto)
}

#[test]
fn near_duplicates_are_found_before_and_after_band_flushes_and_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.sqlite");
    let first = source(STORY, Lang::En, None, "KCNA");
    let second = source(&format!("{STORY} (Updated.)"), Lang::En, None, "KCNA");
    let third = source(&format!("{STORY} (Corrected.)"), Lang::En, None, "TASS");
    {
        let s = SqliteStore::open(&path).unwrap();
        // Same connection, bands still in memory.
        let out = s.put_sources(&[first.clone(), second.clone()]).unwrap();
        assert!(matches!(out[1], Ok(PutOutcome::NearDuplicate { of, .. }) if of == first.id));
        // Dropped without a flush, as if the process were killed.
    }
    assert_eq!(band_rows(&path), (0, "0".to_string()), "bands deferred");
    {
        let s = SqliteStore::open(&path).unwrap();
        // A new connection re-bands the unflushed sources from their stored signatures.
        match s.put_source(&third).unwrap() {
            PutOutcome::NearDuplicate { of, .. } => assert_eq!(of, first.id),
            o => panic!("expected a near-duplicate, got {o:?}"),
        }
        s.flush().unwrap();
        assert_eq!(band_rows(&path), (3 * 16, "3".to_string()));
        s.flush().unwrap();
        assert_eq!(
            band_rows(&path),
            (3 * 16, "3".to_string()),
            "flush is idempotent"
        );
    }
    // After the flush, candidates come from the table.
    let s = SqliteStore::open(&path).unwrap();
    let fourth = source(&format!("{STORY} (Final.)"), Lang::En, None, "Yonhap");
    match s.put_source(&fourth).unwrap() {
        PutOutcome::NearDuplicate { of, .. } => assert_eq!(of, first.id),
        o => panic!("expected a near-duplicate, got {o:?}"),
    }
}

#[test]
fn the_band_migration_keeps_existing_bands() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.sqlite");
    {
        // A version-2 database as the previous release wrote it: bands in a rowid table.
        let conn = rusqlite::Connection::open(&path).unwrap();
        for (v, sql) in &entente_store::migrations::MIGRATIONS[..2] {
            conn.execute_batch(sql).unwrap();
            conn.pragma_update(None, "user_version", v).unwrap();
        }
        let a = source(STORY, Lang::En, None, "KCNA");
        conn.execute(
            "INSERT INTO sources(id, lang, text, encoding, format, origin, ingested_at, minhash)
             VALUES (?1, 'en', ?2, 'UTF-8', 'text', 'a.txt', '2026-01-01', ?3)",
            rusqlite::params![
                a.id.to_hex(),
                a.text,
                entente_core::minhash::to_bytes(&a.minhash)
            ],
        )
        .unwrap();
        for k in entente_core::minhash::band_keys(&a.minhash) {
            conn.execute(
                "INSERT INTO source_bands(band_key, seq) VALUES (?1, 1)",
                [k],
            )
            .unwrap();
        }
    }
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(
        s.schema_version().unwrap(),
        entente_store::migrations::latest()
    );
    assert_eq!(band_rows(&path), (16, "1".to_string()));
    let again = source(&format!("{STORY} (Updated.)"), Lang::En, None, "KCNA");
    assert!(matches!(
        s.put_source(&again).unwrap(),
        PutOutcome::NearDuplicate { seq: 2, .. }
    ));
}

/// The job-cancel migration rebuilds the job tables: a version-7 database's jobs and failed
/// items survive, `cancelled` becomes a state, and job_items still refers to jobs (a row for
/// an unknown job is refused with foreign keys on).
#[test]
fn the_job_cancel_migration_keeps_jobs_and_their_items() {
    use entente_store::jobs::Jobs;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.sqlite");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for (v, sql) in &entente_store::migrations::MIGRATIONS[..7] {
            conn.execute_batch(sql).unwrap();
            conn.pragma_update(None, "user_version", v).unwrap();
        }
        conn.execute_batch(
            "INSERT INTO jobs(id, kind, state, created_by, created, request, done, total)
               VALUES ('job-1', 'ingest', 'done', 'ana', '2026-12-01T00:00:00Z', '{}', 3, 3);
             INSERT INTO job_items(job_id, item, message) VALUES ('job-1', 'a.jsonl#line=2', 'bad');",
        )
        .unwrap();
        let e = conn.execute("UPDATE jobs SET state = 'cancelled' WHERE id = 'job-1'", []);
        assert!(e.is_err(), "version 7 has no cancelled state");
    }
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(
        s.schema_version().unwrap(),
        entente_store::migrations::latest()
    );
    let mut job = s.job("job-1").unwrap().expect("kept");
    assert_eq!((job.state.as_str(), job.done), ("done", 3));
    assert_eq!(s.job_items("job-1").unwrap()[0].item, "a.jsonl#line=2");
    job.state = "cancelled".into();
    s.update_job(&job).unwrap();
    assert_eq!(s.job("job-1").unwrap().expect("job").state, "cancelled");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    let orphan = conn.execute(
        "INSERT INTO job_items(job_id, item, message) VALUES ('job-none', 'x', 'y')",
        [],
    );
    assert!(orphan.is_err(), "job_items still refers to jobs");
    let fk: String = conn
        .query_row(
            "SELECT \"table\" FROM pragma_foreign_key_list('job_items')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(fk, "jobs");
}

#[test]
fn migrations_apply_once_and_refuse_newer_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.sqlite");
    {
        let s = SqliteStore::open(&path).unwrap();
        assert_eq!(
            s.schema_version().unwrap(),
            entente_store::migrations::latest()
        );
        s.put_source(&source(STORY, Lang::En, None, "KCNA"))
            .unwrap();
    }
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.count_sources().unwrap(), 1, "reopening keeps data");
    drop(s);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = SqliteStore::open(&path).err().unwrap().to_string();
    assert!(err.contains("newer entente") && err.contains("99"), "{err}");
}

/// Two drafts from one sentence with the same type and participants but different dates (talks
/// "on the 4th and again on the 5th") share their first evidence. Both are stored under distinct
/// ids; the run used to abort with `UNIQUE constraint failed: events.id` (real CCTV text did
/// this). The first keeps the id it always had, so existing ids stay stable.
#[test]
fn drafts_sharing_their_evidence_get_distinct_ids() {
    use entente_core::{Citation, EventDraft, EventType, Participant, Role};
    use entente_store::{EventFilter, KnowledgeBase};

    let s = SqliteStore::open_in_memory().unwrap();
    let src = source(STORY, Lang::En, Some("2023-09-13"), "KCNA");
    s.put_source(&src).unwrap();
    let draft = |date: &str| EventDraft {
        kind: EventType::Meeting,
        date: Some(date.parse().unwrap()),
        place: None,
        framework: None,
        participants: vec![
            Participant {
                actor_id: "Q56226-kju".into(),
                role: Role::Host,
            },
            Participant {
                actor_id: "Q7747".into(),
                role: Role::Guest,
            },
        ],
        quantities: vec![],
        confidence: 0.9,
        citations: vec![Citation {
            source_id: src.id,
            start: 0,
            end: 40,
            quote: STORY[..40].to_string(),
        }],
    };
    let never_same = |_: &EventDraft, _: &entente_core::Event| false;
    let out = s
        .apply_extraction(
            &src.id,
            "v1",
            &[draft("2023-09-13"), draft("2023-09-14")],
            &[],
            &never_same,
        )
        .expect("two drafts with one piece of evidence are both stored");
    assert_eq!(out.new_events, 2);
    let events = s.events(&EventFilter::default()).unwrap();
    assert_eq!(events.len(), 2);
    assert_ne!(events[0].id, events[1].id);

    // Applying the same extraction again replaces, not duplicates, and reuses the ids.
    let ids: Vec<String> = events.iter().map(|e| e.id.clone()).collect();
    s.apply_extraction(
        &src.id,
        "v1",
        &[draft("2023-09-13"), draft("2023-09-14")],
        &[],
        &never_same,
    )
    .unwrap();
    let again: Vec<String> = s
        .events(&EventFilter::default())
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(again, ids);

    // An analyst adding the same event by hand twice gets two events, not a database error.
    let a = s.add_event(&draft("2023-09-15"), "ana").unwrap();
    let b = s.add_event(&draft("2023-09-15"), "ana").unwrap();
    assert_ne!(a, b);
}

/// Two analysts edit one event at once, each on the version they read: one edit lands, the
/// other is a conflict and writes nothing (no lost update). Two connections to one file, as
/// two processes would have.
#[test]
fn a_stale_edit_is_a_conflict_not_an_overwrite() {
    use entente_core::{Citation, EventDraft, EventType, Participant, Role};
    use entente_store::KnowledgeBase;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.sqlite");
    let a = SqliteStore::open(&path).unwrap();
    let src = source(STORY, Lang::En, Some("2023-09-13"), "KCNA");
    a.put_source(&src).unwrap();
    let id = a
        .add_event(
            &EventDraft {
                kind: EventType::Meeting,
                date: Some("2023-09-13".parse().unwrap()),
                place: None,
                framework: None,
                participants: vec![Participant {
                    actor_id: "kim-jong-un".into(),
                    role: Role::Host,
                }],
                quantities: vec![],
                confidence: 1.0,
                citations: vec![Citation {
                    source_id: src.id,
                    start: 0,
                    end: 11,
                    quote: STORY[..11].to_string(),
                }],
            },
            "ana",
        )
        .unwrap();
    let b = SqliteStore::open(&path).unwrap();
    let mut read_a = a.event(&id).unwrap().unwrap();
    let mut read_b = b.event(&id).unwrap().unwrap();
    assert_eq!((read_a.version, read_b.version), (1, 1));

    read_a.framework = Some("Vostochny".into());
    a.update_event(&read_a, "ana").unwrap();
    read_b.date = Some("2023-09-14".parse().unwrap());
    let err = b.update_event(&read_b, "bob").unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                expected: 1,
                found: 2,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains(&id), "{err}");
    let now = b.event(&id).unwrap().unwrap();
    assert_eq!(now.framework.as_deref(), Some("Vostochny"));
    assert_eq!(
        now.date.map(|d| d.to_string()).as_deref(),
        Some("2023-09-13")
    );
    assert_eq!(now.version, 2);

    // A review decision is a change too: an edit read before it is stale.
    b.set_event_status(&id, entente_core::Status::Confirmed, None, "bob")
        .unwrap();
    let mut stale = now.clone();
    stale.framework = None;
    assert!(matches!(
        a.update_event(&stale, "ana"),
        Err(StoreError::Conflict {
            expected: 2,
            found: 3,
            ..
        })
    ));
}

/// The audit log refuses changes even from a hand with SQL: rows are only ever added.
#[test]
fn the_audit_log_is_append_only_in_the_database_itself() {
    use entente_core::{Citation, EventDraft, EventType, Participant, Role};
    use entente_store::KnowledgeBase;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.sqlite");
    let s = SqliteStore::open(&path).unwrap();
    let src = source(STORY, Lang::En, Some("2023-09-13"), "KCNA");
    s.put_source(&src).unwrap();
    s.add_event(
        &EventDraft {
            kind: EventType::Meeting,
            date: Some("2023-09-13".parse().unwrap()),
            place: None,
            framework: None,
            participants: vec![Participant {
                actor_id: "kim-jong-un".into(),
                role: Role::Host,
            }],
            quantities: vec![],
            confidence: 1.0,
            citations: vec![Citation {
                source_id: src.id,
                start: 0,
                end: 11,
                quote: STORY[..11].to_string(),
            }],
        },
        "ana",
    )
    .unwrap();
    drop(s);
    let c = rusqlite::Connection::open(&path).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    for sql in [
        "UPDATE audit_log SET who = 'mallory'",
        "DELETE FROM audit_log",
    ] {
        let e = c.execute(sql, []).unwrap_err();
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
    let who: String = c
        .query_row("SELECT who FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(who, "ana");
}
