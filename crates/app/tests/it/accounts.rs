//! Accounts: hashed passwords, sessions and tokens that expire and die with their user,
//! roles checked by the application layer itself.

use entente_app::{Access, App, ErrorKind, Login, Principal, Role, TokenCreate, UserAdd};
use entente_store::accounts::Accounts;
use entente_store::{OpenMode, Repo};

const PASSWORD: &str = "a long enough password";

fn app_with_users(dir: &std::path::Path) -> App {
    let app = App::open(dir, Access::ReadWrite).expect("open");
    for (name, role) in [("ana", Role::Analyst), ("vic", Role::Viewer)] {
        app.add_user(
            &crate::who(),
            &UserAdd {
                name: name.into(),
                role,
                password: PASSWORD.into(),
            },
        )
        .expect("add");
    }
    app
}

fn login(
    app: &App,
    name: &str,
    password: &str,
) -> Result<entente_app::SessionOpened, entente_app::AppError> {
    app.login(&Login {
        name: name.into(),
        password: password.into(),
    })
}

#[test]
fn passwords_are_stored_as_argon2id_and_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app_with_users(dir.path());
    drop(app);
    let repo = Repo::open(dir.path(), OpenMode::ReadOnly).expect("open");
    let store: &dyn Accounts = repo.store();
    let ana = store.user("ana").expect("read").expect("there");
    assert!(
        ana.password_hash.starts_with("$argon2id$"),
        "{}",
        ana.password_hash
    );
    assert!(!ana.password_hash.contains(PASSWORD));
    drop(repo);
    let app = App::open(dir.path(), Access::ReadWrite).expect("open");
    let opened = login(&app, "ana", PASSWORD).expect("right password");
    assert_eq!(opened.user.role, Role::Analyst);
    let e = login(&app, "ana", "a wrong password").expect_err("wrong password");
    assert_eq!(e.kind, ErrorKind::Unauthenticated);
    let e2 = login(&app, "nobody", "a wrong password").expect_err("unknown");
    assert_eq!(
        e.message, e2.message,
        "an unknown name looks like a wrong password"
    );
    // The session token is stored hashed.
    let repo = Repo::open(dir.path(), OpenMode::ReadOnly).expect("open");
    let store: &dyn Accounts = repo.store();
    assert!(store.session(&opened.token).expect("read").is_none());
    assert!(
        store
            .session(&entente_app::hash_token(&opened.token))
            .expect("read")
            .is_some()
    );
}

#[test]
fn bad_names_short_passwords_and_taken_names_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app_with_users(dir.path());
    let add = |name: &str, password: &str| {
        app.add_user(
            &crate::who(),
            &UserAdd {
                name: name.into(),
                role: Role::Viewer,
                password: password.into(),
            },
        )
    };
    let e = add("bad name", PASSWORD).expect_err("space");
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    assert!(e.message.contains("`name`"), "{e}");
    let e = add("walt", "short").expect_err("short");
    assert!(e.message.contains("`password`"), "{e}");
    let e = add("ana", PASSWORD).expect_err("taken");
    assert_eq!(e.kind, ErrorKind::Exists);
    assert_eq!(
        app.users(&crate::who()).expect("list").len(),
        2,
        "nothing added"
    );
}

#[test]
fn roles_bound_what_the_app_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app_with_users(dir.path());
    let vic = app
        .authenticate(&login(&app, "vic", PASSWORD).expect("login").token)
        .expect("session");
    assert_eq!(vic.role, Role::Viewer);
    let e = app
        .set_event_status(
            &vic,
            &["ev-000000000000".into()],
            entente_core::Status::Confirmed,
        )
        .expect_err("a viewer does not review");
    assert_eq!(e.kind, ErrorKind::Forbidden);
    let e = app.users(&vic).expect_err("nor list users");
    assert_eq!(e.kind, ErrorKind::Forbidden);
    let ana = app
        .authenticate(&login(&app, "ana", PASSWORD).expect("login").token)
        .expect("session");
    let e = app
        .create_token(
            &ana,
            &TokenCreate {
                label: "wide".into(),
                role: Some(Role::Admin),
                days: None,
            },
        )
        .expect_err("no wider than the user");
    assert_eq!(e.kind, ErrorKind::Forbidden);
    // A token keeps its narrower role; demoting the user narrows an analyst token too.
    let t = app
        .create_token(
            &ana,
            &TokenCreate {
                label: "script".into(),
                role: None,
                days: Some(30),
            },
        )
        .expect("token");
    assert_eq!(
        app.authenticate(&t.token).expect("token").role,
        Role::Analyst
    );
    let repo = Repo::open(dir.path(), OpenMode::ReadWrite).expect("open");
    let store: &dyn Accounts = repo.store();
    let mut row = store.user("ana").expect("read").expect("there");
    row.role = "viewer".into();
    store.update_user(&row).expect("demote");
    assert_eq!(
        app.authenticate(&t.token).expect("token").role,
        Role::Viewer
    );
}

#[test]
fn sessions_expire_and_end_with_a_new_password() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app_with_users(dir.path());
    let first = login(&app, "ana", PASSWORD).expect("login");
    let second = login(&app, "ana", PASSWORD).expect("login");
    app.authenticate(&first.token).expect("fresh");
    // Expired an hour ago (written straight into the store).
    {
        let repo = Repo::open(dir.path(), OpenMode::ReadWrite).expect("open");
        let store: &dyn Accounts = repo.store();
        let past = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
        store
            .touch_session(&entente_app::hash_token(&first.token), &past, &past)
            .expect("age");
    }
    let e = app.authenticate(&first.token).expect_err("expired");
    assert_eq!(e.kind, ErrorKind::Unauthenticated);
    assert!(e.message.contains("expired"), "{e}");
    app.authenticate(&second.token)
        .expect("the other session lives");
    app.reset_password(&crate::who(), "ana", "another long password")
        .expect("reset");
    assert_eq!(
        app.authenticate(&second.token).expect_err("ended").kind,
        ErrorKind::Unauthenticated
    );
    login(&app, "ana", PASSWORD).expect_err("old password");
    login(&app, "ana", "another long password").expect("new password");
    let e = app.authenticate("not-a-token").expect_err("garbage");
    assert_eq!(e.kind, ErrorKind::Unauthenticated);
    // Only a session's own CSRF token passes.
    let s = app
        .authenticate(
            &login(&app, "ana", "another long password")
                .expect("login")
                .token,
        )
        .expect("session");
    let opened = login(&app, "ana", "another long password").expect("login");
    let s2 = app.authenticate(&opened.token).expect("session");
    assert!(s2.csrf_ok(Some(&opened.csrf)));
    assert!(!s.csrf_ok(Some(&opened.csrf)), "another session's token");
    assert!(!s2.csrf_ok(None));
    assert!(
        Principal::local("x").csrf_ok(None),
        "no cookie, nothing to forge"
    );
}

#[test]
fn a_job_left_unfinished_is_interrupted_and_runs_again_as_a_new_job() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app_with_users(dir.path());
    let file = dir.path().join("story.txt");
    std::fs::write(
        &file,
        "Kim Jong Un met Xi Jinping in Beijing on March 26, 2018.",
    )
    .expect("write");
    let req = entente_app::JobRequest::Ingest(Box::new(entente_app::IngestRequest {
        inputs: vec![file.display().to_string()],
        ..Default::default()
    }));
    let queued = app.submit_job(&crate::who(), &req).expect("submit");
    assert_eq!(queued.job.state, "queued");
    // The server stopped before running it.
    assert_eq!(app.interrupt_unfinished_jobs().expect("interrupt"), 1);
    let stale = app.job(&queued.job.id).expect("job");
    assert_eq!(stale.job.state, "interrupted");
    let e = app.run_job(&queued.job.id).expect_err("not queued");
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    let again = app
        .retry_job(&crate::who(), &queued.job.id, false)
        .expect("retry");
    let done = app.run_job(&again.job.id).expect("run");
    assert_eq!(done.job.state, "done");
    assert_eq!(
        done.job.summary.as_ref().map(|s| s["new"].clone()),
        Some(1.into())
    );
    // A viewer submits nothing; a bad request is never queued.
    let vic = app
        .authenticate(&login(&app, "vic", PASSWORD).expect("login").token)
        .expect("session");
    assert_eq!(
        app.submit_job(&vic, &req).expect_err("viewer").kind,
        ErrorKind::Forbidden
    );
    let bad = entente_app::JobRequest::Ingest(Box::default());
    assert_eq!(
        app.submit_job(&crate::who(), &bad)
            .expect_err("no inputs")
            .kind,
        ErrorKind::InvalidInput
    );
    assert_eq!(app.jobs(None, 10).expect("list").len(), 2);
}

/// A queued job is cancelled at once; a running ingest stops between documents, keeping what
/// it stored; a job stopped by a shutdown is `interrupted`, and its retry stores the rest
/// once (what was stored is `unchanged`); a stopped job cannot be cancelled.
#[test]
fn jobs_are_cancelled_at_a_boundary_and_an_interrupted_one_resumes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = std::sync::Arc::new(app_with_users(dir.path()));
    let file = dir.path().join("wire.jsonl");
    let n = 30_000;
    let mut lines = String::new();
    for i in 0..n {
        lines.push_str(&format!(
            "{{\"title\":\"Item {i}\",\"text\":\"Dispatch {i}: freight trains crossed at Dandong.\",\"published\":\"2024-05-04\"}}\n"
        ));
    }
    std::fs::write(&file, lines).expect("write");
    let req = entente_app::JobRequest::Ingest(Box::new(entente_app::IngestRequest {
        inputs: vec![file.display().to_string()],
        ..Default::default()
    }));
    let who = crate::who();

    let queued = app.submit_job(&who, &req).expect("submit");
    let c = app.cancel_job(&who, &queued.job.id).expect("cancel queued");
    assert_eq!(c.job.state, "cancelled");
    let e = app.cancel_job(&who, &queued.job.id).expect_err("stopped");
    assert_eq!(e.kind, ErrorKind::WrongState, "{e}");

    // Runs on a worker thread; stopped once it is seen running.
    let start_and_stop = |stop: &dyn Fn(&str)| {
        let job = app.submit_job(&who, &req).expect("submit");
        let id = job.job.id.clone();
        let worker = {
            let app = app.clone();
            let id = id.clone();
            std::thread::spawn(move || app.run_job(&id))
        };
        // Running, with some documents stored (progress is recorded every half second).
        loop {
            let j = app.job(&id).expect("job").job;
            assert!(
                matches!(j.state.as_str(), "queued" | "running"),
                "stopped early: {j:?}"
            );
            if j.done > 0 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        stop(&id);
        worker.join().expect("worker").expect("run")
    };
    let cancelled = start_and_stop(&|id| {
        let v = app.cancel_job(&who, id).expect("cancel running");
        assert_eq!(v.job.state, "running", "stops at its next boundary");
    });
    assert_eq!(cancelled.job.state, "cancelled");
    let summary = cancelled.job.summary.clone().expect("summary");
    let stored = summary["new"].as_u64().expect("new")
        + summary["near_duplicate"].as_u64().expect("near_duplicate");
    assert!(stored < n, "stopped before the end: {summary}");
    assert_eq!(summary["cancelled"], true);

    let interrupted = start_and_stop(&|_| {
        assert_eq!(app.interrupt_running_jobs(), 1);
    });
    assert_eq!(interrupted.job.state, "interrupted");
    // A stopping app starts nothing more; the retry runs in the next process.
    let again = app
        .retry_job(&who, &interrupted.job.id, false)
        .expect("retry");
    assert_eq!(
        app.run_job(&again.job.id).expect_err("stopping").kind,
        ErrorKind::Busy
    );
    assert_eq!(app.job(&again.job.id).expect("job").job.state, "queued");
    drop(app);
    let app = App::open(dir.path(), Access::ReadWrite).expect("reopen");
    let done = app.run_job(&again.job.id).expect("run");
    assert_eq!(done.job.state, "done");
    let s = done.job.summary.expect("summary");
    // The dispatches differ by a number only, so most are near-duplicates of the first.
    let count = |k: &str| s[k].as_u64().unwrap_or(0);
    assert_eq!(
        count("new") + count("near_duplicate") + count("unchanged"),
        n,
        "every record once: {s}"
    );
    assert!(count("unchanged") > 0, "what was stored before stays: {s}");
}

/// "Retry failed" runs a job again on the inputs whose items failed, not on all of them.
#[test]
fn retry_of_failed_items_takes_only_their_inputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app_with_users(dir.path());
    let good = dir.path().join("good.txt");
    std::fs::write(&good, "Choe Son Hui met Sergei Lavrov in Moscow.").expect("write");
    let bad = dir.path().join("mixed.jsonl");
    std::fs::write(
        &bad,
        "{\"text\":\"A line that is fine.\"}\n{\"text\": oops}\n",
    )
    .expect("write");
    let req = entente_app::JobRequest::Ingest(Box::new(entente_app::IngestRequest {
        inputs: vec![good.display().to_string(), bad.display().to_string()],
        ..Default::default()
    }));
    let job = app.submit_job(&crate::who(), &req).expect("submit");
    let ran = app.run_job(&job.job.id).expect("run");
    assert_eq!(ran.failed.len(), 1, "{:?}", ran.failed);
    let again = app
        .retry_job(&crate::who(), &job.job.id, true)
        .expect("retry failed");
    let entente_app::JobRequest::Ingest(r) =
        serde_json::from_value(again.job.request.clone()).expect("request")
    else {
        panic!("an ingest job");
    };
    assert_eq!(r.inputs, vec![bad.display().to_string()]);
    let done = app.run_job(&again.job.id).expect("run");
    assert_eq!(done.failed.len(), 1, "the line is still broken");
    let first = app
        .retry_job(&crate::who(), &again.job.id, true)
        .expect("retry");
    assert_ne!(first.job.id, again.job.id);
    // A job without failures has nothing to retry on its own.
    let ok = app
        .submit_job(
            &crate::who(),
            &entente_app::JobRequest::Ingest(Box::new(entente_app::IngestRequest {
                inputs: vec![good.display().to_string()],
                ..Default::default()
            })),
        )
        .expect("submit");
    app.run_job(&ok.job.id).expect("run");
    assert_eq!(
        app.retry_job(&crate::who(), &ok.job.id, true)
            .expect_err("nothing failed")
            .kind,
        ErrorKind::InvalidInput
    );
}

#[test]
fn an_admin_cannot_disable_their_own_account() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app_with_users(dir.path());
    app.add_user(
        &crate::who(),
        &UserAdd {
            name: "lee".into(),
            role: Role::Admin,
            password: PASSWORD.into(),
        },
    )
    .expect("add");
    let lee = app
        .authenticate(&login(&app, "lee", PASSWORD).expect("login").token)
        .expect("session");
    let e = app.set_user_disabled(&lee, "lee", true).expect_err("self");
    assert_eq!(e.kind, ErrorKind::WrongState, "{e}");
    assert!(e.message.contains("another admin"), "{e}");
    let users = app.users(&crate::who()).expect("users");
    assert!(
        users.iter().any(|u| u.name == "lee" && !u.disabled),
        "nothing changed"
    );
    // Another admin can; and lee may still disable somebody else.
    app.set_user_disabled(&lee, "ana", true).expect("other");
    app.set_user_disabled(&crate::who(), "lee", true)
        .expect("by another admin");
}
