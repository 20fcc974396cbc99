//! Actors through the application layer: additions are validated against the whole
//! gazetteer, a read-only app writes nothing, imports can be tried first.

use entente_app::{Access, ActorAdd, ActorAlias, ActorImport, ActorQuery, App, ErrorKind};
use entente_core::ActorKind;

use crate::ingested;

fn choe() -> ActorAdd {
    serde_json::from_str(
        r#"{"id": "choe-test", "kind": "person", "name_en": "Choe Test",
            "names": {"ko": ["최테스트"]}, "country": "kp",
            "positions": [{"post": "foreign_minister", "org": "KP", "from": "2022-06"}]}"#,
    )
    .expect("request")
}

#[test]
fn an_added_actor_is_listed_shown_and_named_again() {
    let dir = tempfile::tempdir().expect("tmp");
    ingested(dir.path());
    let app = App::open(dir.path(), Access::ReadWrite).expect("open");
    let a = app.add_actor(&crate::who(), &choe()).expect("added");
    assert_eq!(a.country.as_deref(), Some("KP"));
    let mine = app
        .actors(&ActorQuery {
            origin: Some("user".into()),
            ..Default::default()
        })
        .expect("list");
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].actor.id, "choe-test");
    // An analyst's change of the gazetteer is in the audit log; the bundled sync is not.
    let log = app
        .audit_log(&entente_app::AuditFilter {
            entity: Some("actor".into()),
            ..Default::default()
        })
        .expect("audit");
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(
        (
            log[0].who.as_str(),
            log[0].action.as_str(),
            log[0].entity_id.as_str()
        ),
        ("cli:test", "add", "choe-test")
    );
    assert!(log[0].before.is_none() && log[0].after.is_some());
    // The bundled gazetteer came with the first request.
    let states = app
        .actors(&ActorQuery {
            kinds: vec![ActorKind::State],
            name: Some("north korea".into()),
            ..Default::default()
        })
        .expect("list");
    assert!(states.iter().any(|r| r.actor.id == "KP"), "{states:?}");
    let shown = app.actor("최테스트", None).expect("by its Korean name");
    assert_eq!(shown.record.events, Some(0));
    assert_eq!(shown.positions.len(), 1);
    assert_eq!(shown.positions[0].org_name, "North Korea");
    let e = app.add_actor(&crate::who(), &choe()).expect_err("same id");
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(e.message.contains("`choe-test` exists"), "{e}");
    let alias = ActorAlias {
        actor: "choe-test".into(),
        name: "Чхве Тест".into(),
        lang: None,
        alias: false,
    };
    let o = app.alias_actor(&crate::who(), &alias).expect("alias");
    assert_eq!((o.lang.as_str(), o.changed), ("ru", true));
    assert!(
        !app.alias_actor(&crate::who(), &alias)
            .expect("again")
            .changed
    );
    let e = app
        .alias_actor(
            &crate::who(),
            &ActorAlias {
                name: "崔".into(),
                ..alias.clone()
            },
        )
        .expect_err("Han characters alone");
    assert!(e.message.contains("cannot tell the language"), "{e}");
}

#[test]
fn an_invalid_actor_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tmp");
    ingested(dir.path());
    let app = App::open(dir.path(), Access::ReadWrite).expect("open");
    let mut bad = choe();
    bad.positions[0].org = "no-such-org".into();
    let e = app
        .add_actor(&crate::who(), &bad)
        .expect_err("unknown organisation");
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(e.message.contains("rejected, nothing was written"), "{e}");
    assert!(app.actor("choe-test", None).is_err(), "nothing stored");
    drop(app);
    let ro = App::open(dir.path(), Access::ReadOnly).expect("open");
    assert!(
        ro.add_actor(&crate::who(), &choe()).is_err(),
        "a reader does not write"
    );
    assert!(ro.actor("choe-test", None).is_err());
}

#[test]
fn an_import_can_be_tried_before_it_writes() {
    let dir = tempfile::tempdir().expect("tmp");
    ingested(dir.path());
    let file = dir.path().join("mine.toml");
    std::fs::write(
        &file,
        "[[actor]]\nid = \"import-test\"\nkind = \"person\"\nname_en = \"Import Test\"\ncountry = \"RU\"\n",
    )
    .expect("write");
    let app = App::open(dir.path(), Access::ReadWrite).expect("open");
    let req: ActorImport =
        serde_json::from_value(serde_json::json!({"file": file, "dry_run": true})).expect("req");
    let s = app.import_actors(&crate::who(), &req).expect("dry run");
    assert_eq!((s.read, s.added, s.dry_run), (1, 1, true));
    assert!(
        app.actor("import-test", None).is_err(),
        "a dry run writes nothing"
    );
    let s = app
        .import_actors(
            &crate::who(),
            &ActorImport {
                dry_run: false,
                ..req
            },
        )
        .expect("import");
    assert_eq!(s.origin, "import:mine.toml");
    assert_eq!(
        app.actor("Import Test", None)
            .expect("stored")
            .record
            .origin,
        s.origin
    );
    let e = app
        .import_actors(
            &crate::who(),
            &ActorImport {
                file: dir.path().join("list.txt"),
                format: None,
                list_type: "DPRK".into(),
                dry_run: true,
            },
        )
        .expect_err("unknown extension");
    assert_eq!(e.kind, ErrorKind::InvalidInput);
}
