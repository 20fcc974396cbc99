//! The conformance suite of the backend traits: every behaviour the rest of entente relies on,
//! written once against [`Store`] and [`KnowledgeBase`] and run on each backend (like
//! tantivy's directory tests). A backend's test file calls [`store_conformance!`] with a
//! function that makes an [`Opener`] on a new, empty database:
//!
//! ```text
//! entente_store::store_conformance!(|| {
//!     let dir = tempfile::tempdir().unwrap();
//!     let path = dir.path().join("kb.sqlite");
//!     entente_store::conformance::Opener::new(move || {
//!         let _keep = &dir;
//!         Box::new(SqliteStore::open(&path).unwrap())
//!     })
//! });
//! ```
//!
//! Each check panics with a message naming what the backend got wrong. Compiled with the
//! `conformance` feature (tests only).

use std::sync::{Arc, Barrier};

use entente_core::{
    Citation, Edtf, Event, EventDraft, EventType, Lang, NewSource, Participant, Role, SourceId,
    StatementDraft, Status, minhash,
};

use crate::accounts::{SessionRow, TokenRow, UserRow};
use crate::jobs::{JobItem, JobRow};
use crate::{AuditFilter, EventFilter, PutOutcome, Store, StoreError};

/// Opens a handle on one database (the same database every call, empty at the first): a
/// second call is a second connection, as a second process or server worker would have.
pub struct Opener(Box<dyn Fn() -> Box<dyn Store> + Send + Sync>);

impl Opener {
    pub fn new(open: impl Fn() -> Box<dyn Store> + Send + Sync + 'static) -> Opener {
        Opener(Box::new(open))
    }

    pub fn open(&self) -> Box<dyn Store> {
        (self.0)()
    }
}

/// Runs every check of the suite as its own `#[test]`.
#[macro_export]
macro_rules! store_conformance {
    ($make:expr) => {
        $crate::store_conformance!(@tests $make;
            put_is_idempotent, near_duplicates_link_to_the_first_copy, outbox_survives_a_crash,
            drafts_of_one_happening_merge, extraction_is_replaced_per_source,
            analyst_decisions_are_protected, stale_edits_are_conflicts,
            concurrent_edits_give_one_conflict, readers_run_beside_a_writer,
            two_handles_merge_one_happening, ids_are_the_same_on_every_run,
            errors_name_the_record, decisions_are_audited, accounts_keep_users_sessions_and_tokens,
            jobs_keep_state_progress_and_failed_items, events_page_by_key);
    };
    (@tests $make:expr; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                $crate::conformance::$name(&($make)());
            }
        )*
    };
}

/// A source as ingest prepares it, from `text`.
pub fn source(text: &str, outlet: &str) -> NewSource {
    let folded = entente_text::fold(&text.to_lowercase());
    NewSource {
        id: SourceId::of_text(text),
        outlet: Some(outlet.to_string()),
        lang: Lang::En,
        lang_spans: vec![],
        published: None,
        url: None,
        title: Some(text.chars().take(20).collect()),
        text: text.to_string(),
        original_text: text.to_string(),
        encoding: "UTF-8".into(),
        format: "text".into(),
        origin: format!("conformance:{}", text.len()),
        minhash: minhash::signature(&folded),
    }
}

/// A long text that is its own document (no two `n` share enough shingles to be near
/// duplicates).
fn article(n: u32) -> String {
    (0..60)
        .map(|i| format!("w{}x{}", n.wrapping_mul(7919).wrapping_add(i * 104_729), i))
        .collect::<Vec<_>>()
        .join(" ")
}

fn meeting(src: &NewSource, date: &str, who: &[&str], place: Option<&str>) -> EventDraft {
    EventDraft {
        kind: EventType::Meeting,
        date: Some(date.parse::<Edtf>().expect("test date")),
        place: place.map(str::to_string),
        framework: None,
        participants: who
            .iter()
            .map(|a| Participant {
                actor_id: a.to_string(),
                role: Role::Participant,
            })
            .collect(),
        quantities: Vec::new(),
        confidence: 0.6,
        citations: vec![Citation {
            source_id: src.id,
            start: 0,
            end: 10,
            quote: src.text.chars().take(10).collect(),
        }],
    }
}

/// The caller's "same happening" test in these checks: a shared participant.
fn same_participants(d: &EventDraft, e: &Event) -> bool {
    d.participants
        .iter()
        .any(|p| e.participants.iter().any(|q| q.actor_id == p.actor_id))
}

fn stored(store: &dyn Store, n: u32) -> NewSource {
    let s = source(&article(n), "Outlet");
    store.put_source(&s).expect("put_source");
    s
}

fn all_events(store: &dyn Store) -> Vec<Event> {
    store.events(&EventFilter::default()).expect("events")
}

fn extract(store: &dyn Store, src: &NewSource, drafts: &[EventDraft]) {
    store
        .apply_extraction(&src.id, "v1", drafts, &[], &same_participants)
        .expect("apply_extraction");
}

/// The same document twice is stored once; the second copy only records its origin.
pub fn put_is_idempotent(o: &Opener) {
    let store = o.open();
    let a = source(&article(1), "KCNA");
    assert!(matches!(store.put_source(&a), Ok(PutOutcome::New { .. })));
    let mut again = a.clone();
    again.origin = "elsewhere".into();
    assert_eq!(
        store.put_source(&again).expect("second put"),
        PutOutcome::Unchanged { id: a.id }
    );
    assert_eq!(store.count_sources().expect("count"), 1);
    assert_eq!(store.origins(&a.id).expect("origins").len(), 2);
    assert_eq!(store.index_queue_len().expect("queue"), 1, "queued once");
    let got = store.get_source(&a.id).expect("get").expect("stored");
    assert_eq!(got.new.text, a.text);
    // A batch with a document that fails keeps the others.
    let b = source(&article(2), "KCNA");
    let mut bad = source(&article(3), "KCNA");
    bad.id = b.id; // same id, different text: refused by no backend, stored once
    let out = store.put_sources(&[b.clone(), bad]).expect("batch");
    assert!(matches!(out[0], Ok(PutOutcome::New { .. })));
    assert_eq!(store.count_sources().expect("count"), 2);
}

/// A near copy is linked to the first copy, and a copy of the copy to the first too.
pub fn near_duplicates_link_to_the_first_copy(o: &Opener) {
    let store = o.open();
    let text = article(10);
    let first = source(&text, "Yonhap");
    let second = source(&format!("{text} one"), "Yonhap");
    let third = source(&format!("{text} one two"), "Yonhap");
    store.put_source(&first).expect("first");
    match store.put_source(&second).expect("second") {
        PutOutcome::NearDuplicate { of, similarity, .. } => {
            assert_eq!(of, first.id);
            assert!(similarity >= minhash::NEAR_DUPLICATE_THRESHOLD);
        }
        other => panic!("a near copy must be linked, got {other:?}"),
    }
    match store.put_source(&third).expect("third") {
        PutOutcome::NearDuplicate { of, .. } => assert_eq!(of, first.id, "linked to the root"),
        other => panic!("a copy of a copy must be linked, got {other:?}"),
    }
    let dups = store.near_duplicates(&first.id).expect("near_duplicates");
    assert_eq!(dups.len(), 2);
    let unrelated = stored(&*store, 11);
    assert!(store.near_duplicates(&unrelated.id).expect("nd").is_empty());
}

/// Stored documents wait in the outbox until acknowledged, across a crash (a new handle),
/// and acknowledging removes only the entries named.
pub fn outbox_survives_a_crash(o: &Opener) {
    let ids: Vec<SourceId> = {
        let store = o.open();
        (20..25).map(|n| stored(&*store, n).id).collect()
    };
    let store = o.open();
    let queued = store.index_queue(100).expect("queue");
    assert_eq!(
        queued.iter().map(|q| q.source).collect::<Vec<_>>(),
        ids,
        "every stored document, in the order stored"
    );
    let mut entries: Vec<i64> = queued.iter().map(|q| q.entry).collect();
    entries.sort_unstable();
    entries.dedup();
    assert_eq!(entries.len(), 5, "one entry each");
    store.index_done(&entries[..2]).expect("ack");
    let left = o.open().index_queue(100).expect("queue");
    assert_eq!(
        left.iter().map(|q| q.source).collect::<Vec<_>>(),
        ids[2..].to_vec()
    );
    assert_eq!(store.index_queue(1).expect("limit").len(), 1);
    // A lost index: every source is queued again.
    let rest: Vec<i64> = left.iter().map(|q| q.entry).collect();
    store.index_done(&rest).expect("ack");
    store.queue_all_for_index().expect("queue all");
    let again: Vec<SourceId> = store
        .index_queue(100)
        .expect("queue")
        .iter()
        .map(|q| q.source)
        .collect();
    assert_eq!(again, ids);
}

/// Two reports of one happening become one event with both citations and every participant;
/// a different happening stays apart.
pub fn drafts_of_one_happening_merge(o: &Opener) {
    let store = o.open();
    let a = stored(&*store, 30);
    let b = stored(&*store, 31);
    extract(&*store, &a, &[meeting(&a, "2024-06", &["putin"], None)]);
    extract(
        &*store,
        &b,
        &[meeting(
            &b,
            "2024-06-19",
            &["putin", "kim-jong-un"],
            Some("pyongyang"),
        )],
    );
    let events = all_events(&*store);
    assert_eq!(events.len(), 1, "merged: {events:?}");
    let e = &events[0];
    assert_eq!(e.citations.len(), 2);
    assert_eq!(e.date.map(|d| d.to_string()).as_deref(), Some("2024-06-19"));
    assert_eq!(e.place.as_deref(), Some("pyongyang"));
    assert_eq!(e.participants.len(), 2);
    assert!(e.version >= 2, "a merge raises the version");
    // Another happening (other participants) on the same day stays a separate event.
    let c = stored(&*store, 32);
    extract(
        &*store,
        &c,
        &[meeting(&c, "2024-06-19", &["xi-jinping"], None)],
    );
    assert_eq!(all_events(&*store).len(), 2);
}

/// Extracting a source again replaces what it said: its old unprotected events go, its
/// statements are replaced, and what other sources said stays.
pub fn extraction_is_replaced_per_source(o: &Opener) {
    let store = o.open();
    let a = stored(&*store, 40);
    let b = stored(&*store, 41);
    let st = StatementDraft {
        event: Some(0),
        speaker: Some("putin".into()),
        verb: "said".into(),
        citation: Citation {
            source_id: a.id,
            start: 2,
            end: 8,
            quote: a.text.chars().skip(2).take(6).collect(),
        },
    };
    let out = store
        .apply_extraction(
            &a.id,
            "v1",
            &[meeting(&a, "2023-09-13", &["putin", "kim-jong-un"], None)],
            std::slice::from_ref(&st),
            &same_participants,
        )
        .expect("extract a");
    assert_eq!((out.new_events, out.statements), (1, 1));
    extract(&*store, &b, &[meeting(&b, "2024-01-16", &["lavrov"], None)]);
    assert_eq!(store.statements(Some(&a.id), None).expect("st").len(), 1);
    assert!(
        store
            .sources_to_extract("v1", false)
            .expect("todo")
            .is_empty()
    );
    assert_eq!(
        store.sources_to_extract("v2", false).expect("todo").len(),
        2
    );
    // Source a now says nothing.
    let out = store
        .apply_extraction(&a.id, "v1", &[], &[], &same_participants)
        .expect("re-extract");
    assert_eq!(out.dropped, 1);
    assert!(store.statements(Some(&a.id), None).expect("st").is_empty());
    let left = all_events(&*store);
    assert_eq!(left.len(), 1);
    assert!(left[0].has_participant("lavrov"));
}

/// Confirmed, rejected and edited events keep their fields through re-extraction and are
/// never dropped; a full reset keeps them too.
pub fn analyst_decisions_are_protected(o: &Opener) {
    let store = o.open();
    let a = stored(&*store, 50);
    extract(
        &*store,
        &a,
        &[meeting(&a, "2024-06", &["putin"], Some("moscow"))],
    );
    let e = all_events(&*store).remove(0);
    store
        .set_event_status(&e.id, Status::Confirmed, Some(e.version), "ana")
        .expect("confirm");
    let b = stored(&*store, 51);
    extract(
        &*store,
        &b,
        &[meeting(
            &b,
            "2024-06-19",
            &["putin", "kim-jong-un"],
            Some("pyongyang"),
        )],
    );
    let now = store.event(&e.id).expect("event").expect("kept");
    assert_eq!(now.status, Status::Confirmed);
    assert_eq!(now.place.as_deref(), Some("moscow"), "fields kept");
    assert_eq!(now.participants.len(), 1, "no participant added");
    assert_eq!(now.citations.len(), 2, "the new evidence is cited");
    // Every automatic citation gone: the confirmed event stays.
    extract(&*store, &a, &[]);
    extract(&*store, &b, &[]);
    let kept = store.event(&e.id).expect("event").expect("kept");
    assert!(kept.citations.is_empty());
    store.reset_extraction().expect("reset");
    assert!(store.event(&e.id).expect("event").is_some());
    // A hand-added event is confirmed, edited, and survives a reset with its own citation.
    let c = stored(&*store, 52);
    let id = store
        .add_event(
            &meeting(
                &c,
                "2019-04-25",
                &["putin", "kim-jong-un"],
                Some("vladivostok"),
            ),
            "ana",
        )
        .expect("add");
    store.reset_extraction().expect("reset");
    let added = store.event(&id).expect("event").expect("kept");
    assert!(added.edited && added.status == Status::Confirmed);
    assert_eq!(added.citations.len(), 1);
}

/// An edit names the version it was made on; a stale one changes nothing.
pub fn stale_edits_are_conflicts(o: &Opener) {
    let store = o.open();
    let a = stored(&*store, 60);
    extract(&*store, &a, &[meeting(&a, "2024-06-19", &["putin"], None)]);
    let e = all_events(&*store).remove(0);
    let mut edit = e.clone();
    edit.place = Some("pyongyang".into());
    store.update_event(&edit, "ana").expect("first edit");
    let after = store.event(&e.id).expect("event").expect("there");
    assert_eq!(after.version, e.version + 1);
    assert!(after.edited);
    let mut stale = e.clone();
    stale.place = Some("moscow".into());
    match store.update_event(&stale, "bob") {
        Err(StoreError::Conflict {
            expected, found, ..
        }) => assert_eq!((expected, found), (e.version, e.version + 1)),
        other => panic!("a stale edit must be a conflict, got {other:?}"),
    }
    assert!(matches!(
        store.set_event_status(&e.id, Status::Rejected, Some(e.version), "bob"),
        Err(StoreError::Conflict { .. })
    ));
    let now = store.event(&e.id).expect("event").expect("there");
    assert_eq!(now.place.as_deref(), Some("pyongyang"));
    assert_eq!(now.status, Status::Extracted);
    store
        .set_event_status(&e.id, Status::Rejected, None, "bob")
        .expect("status");
    assert_eq!(
        store.event(&e.id).expect("event").expect("there").version,
        e.version + 2
    );
}

/// Two analysts edit one event at once, each on the version they read: one wins.
pub fn concurrent_edits_give_one_conflict(o: &Opener) {
    let setup = o.open();
    let a = stored(&*setup, 70);
    extract(&*setup, &a, &[meeting(&a, "2024-06-19", &["putin"], None)]);
    let e = all_events(&*setup).remove(0);
    drop(setup);
    let barrier = Arc::new(Barrier::new(2));
    let results: Vec<Result<(), StoreError>> = std::thread::scope(|s| {
        let handles: Vec<_> = ["pyongyang", "moscow"]
            .into_iter()
            .map(|place| {
                let store = o.open();
                let barrier = barrier.clone();
                let mut edit = e.clone();
                edit.place = Some(place.to_string());
                s.spawn(move || {
                    barrier.wait();
                    store.update_event(&edit, "ana")
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("editor thread"))
            .collect()
    });
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let conflicts = results
        .iter()
        .filter(|r| matches!(r, Err(StoreError::Conflict { .. })))
        .count();
    assert_eq!((ok, conflicts), (1, 1), "{results:?}");
    assert_eq!(
        o.open()
            .event(&e.id)
            .expect("event")
            .expect("there")
            .version,
        e.version + 1
    );
}

/// Readers on one shared handle see whole documents, in growing numbers, while a writer
/// stores.
pub fn readers_run_beside_a_writer(o: &Opener) {
    let store: Arc<dyn Store> = Arc::from(o.open());
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    std::thread::scope(|s| {
        for _ in 0..2 {
            let store = store.clone();
            let done = done.clone();
            s.spawn(move || {
                let mut last = 0;
                while !done.load(std::sync::atomic::Ordering::Acquire) {
                    let n = store.count_sources().expect("a read beside the writer");
                    assert!(n >= last, "a reader saw {n} sources after {last}");
                    last = n;
                    for row in store.list_sources(&Default::default()).expect("list") {
                        assert!(row.chars > 0, "a half-written document");
                    }
                }
            });
        }
        let writer = store.clone();
        let done = done.clone();
        s.spawn(move || {
            for chunk in (100..160).collect::<Vec<u32>>().chunks(6) {
                let docs: Vec<NewSource> =
                    chunk.iter().map(|n| source(&article(*n), "TASS")).collect();
                for r in writer.put_sources(&docs).expect("batch") {
                    r.expect("document");
                }
            }
            done.store(true, std::sync::atomic::Ordering::Release);
        });
    });
    assert_eq!(store.count_sources().expect("count"), 60);
}

/// Two handles (two processes, two server workers) extract two reports of one happening at
/// once: one event.
pub fn two_handles_merge_one_happening(o: &Opener) {
    let setup = o.open();
    let a = stored(&*setup, 80);
    let b = stored(&*setup, 81);
    drop(setup);
    let barrier = Arc::new(Barrier::new(2));
    std::thread::scope(|s| {
        for src in [&a, &b] {
            let store = o.open();
            let barrier = barrier.clone();
            s.spawn(move || {
                barrier.wait();
                extract(
                    &*store,
                    src,
                    &[meeting(src, "2024-06-19", &["putin"], None)],
                );
            });
        }
    });
    let events = all_events(&*o.open());
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].citations.len(), 2);
}

/// The same input gives the same event ids on every run and backend.
pub fn ids_are_the_same_on_every_run(o: &Opener) {
    let store = o.open();
    let a = stored(&*store, 90);
    let d = meeting(&a, "2024-06-19", &["putin"], None);
    let mut second = d.clone();
    second.date = Some("2024-06-20".parse().expect("date"));
    second.participants[0].actor_id = "putin".into();
    extract(&*store, &a, &[d.clone(), second]);
    let mut ids: Vec<String> = all_events(&*store).into_iter().map(|e| e.id).collect();
    ids.sort();
    let mut expected = vec![
        crate::policy::event_id(&d, 0),
        crate::policy::event_id(&d, 1),
    ];
    expected.sort();
    assert_eq!(
        ids, expected,
        "first evidence names the event, a salt the second"
    );
}

/// Missing records are named.
pub fn errors_name_the_record(o: &Opener) {
    let store = o.open();
    match store.set_event_status("ev-000000000000", Status::Confirmed, None, "ana") {
        Err(e @ StoreError::NotFound { what: "event", .. }) => {
            assert!(e.to_string().contains("ev-000000000000"), "{e}")
        }
        other => panic!("expected not found, got {other:?}"),
    }
    let ghost = Event {
        id: "ev-ffffffffffff".into(),
        kind: EventType::Meeting,
        date: None,
        place: None,
        framework: None,
        participants: vec![],
        quantities: vec![],
        status: Status::Extracted,
        confidence: 0.5,
        edited: false,
        citations: vec![],
        version: 1,
    };
    assert!(matches!(
        store.update_event(&ghost, "ana"),
        Err(StoreError::NotFound { what: "event", .. })
    ));
    assert!(matches!(
        store.resolve_id("abcdef0123"),
        Err(StoreError::NotFound { what: "source", .. })
    ));
}

/// Every analyst decision is in the audit log, written in the decision's own transaction:
/// who, what, the event before and after. A refused decision leaves no entry.
pub fn decisions_are_audited(o: &Opener) {
    let store = o.open();
    let a = stored(&*store, 80);
    extract(&*store, &a, &[meeting(&a, "2024-06-19", &["putin"], None)]);
    let e = all_events(&*store).remove(0);
    let log = |id: &str| {
        store
            .audit_log(&AuditFilter {
                entity: Some("event".into()),
                entity_id: Some(id.to_string()),
                limit: 100,
                ..AuditFilter::default()
            })
            .expect("audit log")
    };
    assert!(
        log(&e.id).is_empty(),
        "extraction is not an analyst decision"
    );
    store
        .set_event_status(&e.id, Status::Confirmed, Some(e.version), "ana")
        .expect("confirm");
    let mut edit = store.event(&e.id).expect("event").expect("there");
    edit.place = Some("pyongyang".into());
    store.update_event(&edit, "bob").expect("edit");
    // A stale edit is refused and leaves no trace.
    assert!(store.update_event(&edit, "bob").is_err());
    let entries = log(&e.id);
    let actions: Vec<_> = entries
        .iter()
        .map(|x| (x.who.as_str(), x.action.as_str()))
        .collect();
    assert_eq!(actions, [("ana", "confirm"), ("bob", "edit")]);
    assert!(entries[0].seq < entries[1].seq, "in order");
    let field = |v: &Option<serde_json::Value>, k: &str| {
        v.as_ref()
            .and_then(|v| v.get(k))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(field(&entries[0].before, "status"), "extracted");
    assert_eq!(field(&entries[0].after, "status"), "confirmed");
    assert_eq!(field(&entries[1].before, "place"), serde_json::Value::Null);
    assert_eq!(field(&entries[1].after, "place"), "pyongyang");
    assert!(!entries[1].at.is_empty());
    let c = stored(&*store, 81);
    let id = store
        .add_event(&meeting(&c, "2019-04-25", &["putin"], None), "ana")
        .expect("add");
    let added = log(&id);
    assert_eq!(added.len(), 1);
    assert_eq!(added[0].action, "add");
    assert!(added[0].before.is_none() && added[0].after.is_some());
    // Keyset paging and the filter by user.
    let after_first = store
        .audit_log(&AuditFilter {
            after: Some(entries[0].seq),
            limit: 100,
            ..AuditFilter::default()
        })
        .expect("audit log");
    assert_eq!(after_first.len(), 2);
    let by_bob = store
        .audit_log(&AuditFilter {
            who: Some("bob".into()),
            limit: 100,
            ..AuditFilter::default()
        })
        .expect("audit log");
    assert_eq!(by_bob.len(), 1);
}

/// Users, sessions and API tokens round-trip; a taken name is [`StoreError::Exists`];
/// changing what does not exist is [`StoreError::NotFound`].
pub fn accounts_keep_users_sessions_and_tokens(o: &Opener) {
    let store = o.open();
    let user = |name: &str| UserRow {
        name: name.into(),
        role: "analyst".into(),
        password_hash: "$argon2id$stand-in".into(),
        disabled: false,
        created: "2026-12-04T10:00:00Z".into(),
        updated: "2026-12-04T10:00:00Z".into(),
    };
    store.add_user(&user("ana")).expect("add ana");
    store.add_user(&user("bob")).expect("add bob");
    assert!(matches!(
        store.add_user(&user("ana")),
        Err(StoreError::Exists { what: "user", .. })
    ));
    let names: Vec<_> = store
        .users()
        .expect("users")
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["ana", "bob"]);
    let mut ana = store.user("ana").expect("user").expect("there");
    ana.disabled = true;
    ana.role = "viewer".into();
    store.update_user(&ana).expect("update");
    assert_eq!(store.user("ana").expect("user"), Some(ana));
    assert!(matches!(
        store.update_user(&user("nobody")),
        Err(StoreError::NotFound { .. })
    ));
    let session = |hash: &str, who: &str| SessionRow {
        token_hash: hash.into(),
        user_name: who.into(),
        csrf_hash: format!("csrf-{hash}"),
        created: "2026-12-04T10:00:00Z".into(),
        expires: "2026-12-04T22:00:00Z".into(),
        last_used: "2026-12-04T10:00:00Z".into(),
    };
    store.add_session(&session("s1", "bob")).expect("session");
    store.add_session(&session("s2", "bob")).expect("session");
    store.add_session(&session("s3", "ana")).expect("session");
    store
        .touch_session("s1", "2026-12-04T11:00:00Z", "2026-12-04T23:00:00Z")
        .expect("touch");
    let s1 = store.session("s1").expect("session").expect("there");
    assert_eq!(
        (s1.last_used.as_str(), s1.expires.as_str()),
        ("2026-12-04T11:00:00Z", "2026-12-04T23:00:00Z")
    );
    store.delete_session("s1").expect("logout");
    assert!(store.session("s1").expect("session").is_none());
    assert_eq!(store.delete_sessions_of("bob").expect("end all"), 1);
    assert!(
        store.session("s3").expect("session").is_some(),
        "ana's stays"
    );
    let token = |id: &str, who: &str, created: &str| TokenRow {
        id: id.into(),
        token_hash: format!("hash-{id}"),
        user_name: who.into(),
        label: "script".into(),
        role: "viewer".into(),
        created: created.into(),
        expires: "2027-03-04T10:00:00Z".into(),
        revoked: None,
        last_used: None,
    };
    store
        .add_token(&token("t1", "bob", "2026-12-04T10:00:00Z"))
        .expect("token");
    store
        .add_token(&token("t2", "bob", "2026-12-04T11:00:00Z"))
        .expect("token");
    store
        .add_token(&token("t3", "ana", "2026-12-04T12:00:00Z"))
        .expect("token");
    let ids = |user: Option<&str>| -> Vec<String> {
        store
            .tokens(user)
            .expect("tokens")
            .into_iter()
            .map(|t| t.id)
            .collect()
    };
    assert_eq!(ids(Some("bob")), ["t2", "t1"], "newest first");
    assert_eq!(ids(None), ["t3", "t2", "t1"]);
    store
        .touch_token("t1", "2026-12-05T09:00:00Z")
        .expect("touch");
    store
        .revoke_token("t1", "2026-12-05T10:00:00Z")
        .expect("revoke");
    // Revoking again keeps the first time.
    store
        .revoke_token("t1", "2026-12-06T10:00:00Z")
        .expect("revoke");
    let t1 = store.token("hash-t1").expect("token").expect("there");
    assert_eq!(t1.revoked.as_deref(), Some("2026-12-05T10:00:00Z"));
    assert_eq!(t1.last_used.as_deref(), Some("2026-12-05T09:00:00Z"));
    assert!(matches!(
        store.revoke_token("t9", "2026-12-05T10:00:00Z"),
        Err(StoreError::NotFound { .. })
    ));
    assert!(store.token("hash-t9").expect("token").is_none());
}

/// Jobs round-trip with their request and summary; failed items are kept per job; a restart
/// marks what was queued or running as interrupted and leaves finished jobs alone.
pub fn jobs_keep_state_progress_and_failed_items(o: &Opener) {
    let store = o.open();
    let job = |id: &str, created: &str, state: &str| JobRow {
        id: id.into(),
        kind: "ingest".into(),
        state: state.into(),
        created_by: "ana".into(),
        created: created.into(),
        started: None,
        finished: None,
        request: serde_json::json!({"inputs": ["a.jsonl"], "outlet": "KCNA"}),
        done: 0,
        total: 0,
        summary: None,
        error: None,
    };
    store
        .add_job(&job("j1", "2026-12-04T10:00:00Z", "done"))
        .expect("add");
    store
        .add_job(&job("j2", "2026-12-04T11:00:00Z", "running"))
        .expect("add");
    store
        .add_job(&job("j3", "2026-12-04T12:00:00Z", "queued"))
        .expect("add");
    let mut j2 = store.job("j2").expect("read").expect("there");
    assert_eq!(j2.request["outlet"], "KCNA");
    j2.done = 40;
    j2.total = 100;
    j2.started = Some("2026-12-04T11:00:01Z".into());
    store.update_job(&j2).expect("update");
    store
        .add_job_items(
            "j2",
            &[
                JobItem {
                    item: "a.jsonl:7".into(),
                    message: "line 7: not JSON".into(),
                },
                JobItem {
                    item: "a.jsonl:9".into(),
                    message: "empty text".into(),
                },
            ],
        )
        .expect("items");
    store
        .add_job_items(
            "j2",
            &[JobItem {
                item: "a.jsonl:9".into(),
                message: "empty text (again)".into(),
            }],
        )
        .expect("items");
    let items = store.job_items("j2").expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[1].message, "empty text (again)");
    assert!(store.job_items("j1").expect("items").is_empty());
    let ids: Vec<String> = store
        .jobs(None, 10)
        .expect("list")
        .into_iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(ids, ["j3", "j2", "j1"], "newest first");
    let older: Vec<String> = store
        .jobs(Some("2026-12-04T12:00:00Z"), 1)
        .expect("list")
        .into_iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(older, ["j2"], "keyset and limit");
    assert_eq!(
        store
            .interrupt_unfinished("2026-12-04T13:00:00Z")
            .expect("interrupt"),
        2
    );
    let j2 = store.job("j2").expect("read").expect("there");
    assert_eq!(j2.state, "interrupted");
    assert_eq!((j2.done, j2.total), (40, 100), "progress kept");
    assert!(j2.error.is_some());
    assert_eq!(store.job("j1").expect("read").expect("there").state, "done");
    let mut ghost = job("j9", "2026-12-04T10:00:00Z", "done");
    ghost.done = 1;
    assert!(matches!(
        store.update_job(&ghost),
        Err(StoreError::NotFound { .. })
    ));
}

/// Events page by key in the list's order (undated last, then first day, then id): pages of
/// any size give every event once, and a cursor that names no event is an error.
pub fn events_page_by_key(o: &Opener) {
    let store = o.open();
    let dates = [
        "2019-04-25",
        "2018-03",
        "2018-03-26",
        "2024-06-19",
        "2018-03-26",
        "",
    ];
    for (i, d) in dates.iter().enumerate() {
        let src = stored(&*store, 60 + i as u32);
        let actor = format!("actor-{i}");
        let mut m = meeting(&src, "2000", &[actor.as_str()], None);
        m.date = (!d.is_empty()).then(|| d.parse::<Edtf>().expect("test date"));
        extract(&*store, &src, &[m]);
    }
    let all: Vec<String> = all_events(&*store).into_iter().map(|e| e.id).collect();
    assert_eq!(all.len(), dates.len(), "one event per actor");
    let undated = all_events(&*store)
        .into_iter()
        .position(|e| e.date.is_none())
        .expect("an undated event");
    assert_eq!(undated, all.len() - 1, "undated events come last");
    for size in [1, 2, 4, 10] {
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = store
                .events(&EventFilter {
                    after: after.clone(),
                    limit: Some(size),
                    ..Default::default()
                })
                .expect("page");
            seen.extend(page.iter().map(|e| e.id.clone()));
            match page.last() {
                Some(last) if page.len() == size => after = Some(last.id.clone()),
                _ => break,
            }
        }
        assert_eq!(seen, all, "pages of {size}");
    }
    let e = store
        .events(&EventFilter {
            after: Some("ev-nothing".into()),
            ..Default::default()
        })
        .expect_err("unknown cursor");
    assert!(matches!(e, StoreError::NotFound { .. }), "{e}");
}
