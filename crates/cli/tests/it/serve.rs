//! `entente users` and `entente serve` as a new user runs them: add a user, start the server,
//! sign in over HTTP, confirm an event, read it in the audit log, stop the server with SIGTERM.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use crate::{bin, example_files, ok, run, stderr};

fn add_user(dir: &std::path::Path, name: &str, role: &str, password: &str) -> std::process::Output {
    let mut child = Command::new(bin())
        .arg("--data-dir")
        .arg(dir)
        .args(["users", "add", name, "--role", role])
        .env_remove("ENTENTE_HOME")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("entente users add");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("password");
    child.wait_with_output().expect("users add")
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

#[test]
fn a_new_user_serves_signs_in_confirms_and_finds_it_audited() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let mut args = vec!["ingest"];
    let files = example_files();
    args.extend(files.iter().map(String::as_str));
    ok(d, &args);
    ok(d, &["extract"]);
    let password = "correct horse battery";
    let added = add_user(d, "ana", "analyst", password);
    assert!(added.status.success(), "{}", stderr(&added));
    let again = add_user(d, "ana", "viewer", password);
    assert_eq!(again.status.code(), Some(3), "a taken name is a conflict");
    assert!(stderr(&again).contains("exists"), "{}", stderr(&again));
    let bad = add_user(d, "no spaces please", "viewer", password);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("`name`"), "{}", stderr(&bad));
    let short = add_user(d, "bo", "viewer", "short");
    assert!(stderr(&short).contains("`password`"), "{}", stderr(&short));
    let listed = ok(d, &["users", "list", "--json"]);
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(!listed.contains("argon2"), "no hashes in listings");

    let mut server = Command::new(bin())
        .arg("--data-dir")
        .arg(d)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env_remove("ENTENTE_HOME")
        .stderr(Stdio::piped())
        .spawn()
        .expect("entente serve");
    let mut line = String::new();
    BufReader::new(server.stderr.take().expect("stderr"))
        .read_line(&mut line)
        .expect("the serving line");
    let base = line
        .split("at ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");

    let a = agent();
    let mut signed = a
        .post(format!("{base}/session"))
        .header("content-type", "application/json")
        .send(format!(r#"{{"name":"ana","password":"{password}"}}"#))
        .expect("sign in");
    assert_eq!(signed.status(), 200);
    let cookie = signed
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("cookie")
        .to_string();
    let body: serde_json::Value =
        serde_json::from_str(&signed.body_mut().read_to_string().expect("body")).expect("json");
    let csrf = body["csrf"].as_str().expect("csrf").to_string();
    let mut events = a
        .get(format!("{base}/events"))
        .header("cookie", &cookie)
        .call()
        .expect("events");
    assert_eq!(events.status(), 200);
    let events: serde_json::Value =
        serde_json::from_str(&events.body_mut().read_to_string().expect("body")).expect("json");
    let id = events[0]["id"]
        .as_str()
        .expect("an extracted event")
        .to_string();
    let confirmed = a
        .post(format!("{base}/events/{id}/confirm"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send_empty()
        .expect("confirm");
    assert_eq!(confirmed.status(), 200);
    let mut log = a
        .get(format!("{base}/events/{id}/audit"))
        .header("cookie", &cookie)
        .call()
        .expect("audit");
    let log: serde_json::Value =
        serde_json::from_str(&log.body_mut().read_to_string().expect("body")).expect("json");
    assert_eq!(log[0]["who"], "ana");
    assert_eq!(log[0]["action"], "confirm");

    // SIGTERM: the server finishes what it is doing and exits cleanly.
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = server.wait().expect("server exit");
    assert!(status.success(), "{status}");
    // The CLI sees what the server wrote.
    let shown = ok(d, &["events", "show", &id, "--json"]);
    assert!(shown.contains("\"confirmed\""), "{shown}");
    let o = run(d, &["users", "disable", "nobody"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nobody"), "{}", stderr(&o));
}
