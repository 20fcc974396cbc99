use std::fs;

use crate::*;

/// Every kind of bad input in one directory, beside good ones: each bad one is reported with
/// its file (and line or field), the good ones are stored, the exit status is non-zero, and
/// the store and index still agree.
#[test]
fn bad_inputs_are_reported_and_nothing_else_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    let data = dir.path().join("data");
    fs::create_dir(&inputs).unwrap();
    fs::write(
        inputs.join("good.md"),
        "---\ntitle: Good\npublished: 2024-06-19\n---\n\nPutin arrived in Pyongyang for a state visit and held talks with Kim Jong Un.\n",
    )
    .unwrap();
    fs::write(inputs.join("empty.txt"), "").unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..600u32).map(|i| (i * 7 % 256) as u8));
    fs::write(inputs.join("picture.txt"), png).unwrap();
    fs::write(
        inputs.join("wire.jsonl"),
        "{\"title\":\"One\",\"text\":\"Lavrov met Choe Son Hui in Moscow.\"}\n{\"title\":\"Two\",\"text\":\"broken\n{\"title\":\"Three\",\"text\":\"Xi Jinping received Putin in Beijing.\"}\n{\"title\":\"Four\",\"text\":\"Wang Yi visited Pyongyang.\",\"published\":\"yesterday\"}\n",
    )
    .unwrap();
    fs::write(
        inputs.join("front.md"),
        "---\ntitle: [unclosed\npublished: 2024\n---\n\nBody text here.\n",
    )
    .unwrap();
    // Shift_JIS text cut in the middle of a two-byte character.
    let mut sjis = encode_sjis(
        &"北朝鮮の金正恩総書記はプーチン大統領と会談した。両首脳は協力について意見を交換した。"
            .repeat(4),
    );
    sjis.push(0x82);
    fs::write(inputs.join("truncated.txt"), &sjis).unwrap();

    let o = run(
        &data,
        &[
            "ingest",
            "--json",
            inputs.to_str().unwrap(),
            "http://127.0.0.1:9/unreachable",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let failed: Vec<String> = summary["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] == "failed")
        .map(|i| i["error"].as_str().unwrap().to_string())
        .collect();
    let has = |needle: &str, also: &str| {
        assert!(
            failed
                .iter()
                .any(|e| e.contains(needle) && e.contains(also)),
            "no error mentioning {needle:?} and {also:?} in {failed:#?}"
        )
    };
    has("empty.txt", "empty");
    has("picture.txt", "binary");
    has("wire.jsonl", "line 2");
    has("wire.jsonl", "published");
    has("front.md", "front matter");
    has("truncated.txt", "");
    has("127.0.0.1:9", "");
    assert_eq!(summary["failed"], failed.len());
    assert_eq!(failed.len(), 7, "{failed:#?}");
    // The good file and the two good JSON Lines records are stored.
    assert_eq!(summary["new"], 3, "{summary}");
    assert_eq!(count_sources(&data), 3);
    assert_consistent(&data);

    // Without --json the errors go to stderr for people.
    let o = run(
        &data,
        &["ingest", inputs.join("wire.jsonl").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("line 2"), "{}", stderr(&o));
}

#[test]
fn oversized_inputs_are_refused_by_the_configured_cap() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let big = dir.path().join("big.txt");
    fs::write(
        &big,
        "Kim Jong Un visited the Vostochny Cosmodrome. ".repeat(100),
    )
    .unwrap();
    let o = run(
        &data,
        &["ingest", "--max-bytes", "1000", big.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("big.txt") && err.contains("1000"), "{err}");
    assert_eq!(count_sources(&data), 0);
    // The cap in config.toml applies too; a malformed config is a clear error.
    fs::write(data.join("config.toml"), "[ingest]\nmax_bytes = 2000\n").unwrap();
    assert_eq!(
        run(&data, &["ingest", big.to_str().unwrap()]).status.code(),
        Some(1)
    );
    fs::write(data.join("config.toml"), "[ingest]\nmax_bytes = \"lots\"\n").unwrap();
    let o = run(&data, &["ingest", big.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("config.toml"), "{}", stderr(&o));
    fs::write(data.join("config.toml"), "[ingest]\nmax_bytes = 100000\n").unwrap();
    ok(&data, &["ingest", big.to_str().unwrap()]);
    assert_eq!(count_sources(&data), 1);
}

#[test]
fn bad_arguments_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let o = run(&data, &["ingest", "--map", "headline=title", "x.jsonl"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("headline"), "{}", stderr(&o));
    let o = run(&data, &["search", "kim"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("no entente data directory"),
        "{}",
        stderr(&o)
    );
    ok(&data, &["init"]);
    let o = run(&data, &["sources", "show", "zz"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("zz"), "{}", stderr(&o));
    let o = run(&data, &["ingest", "/no/such/file.txt"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("/no/such/file.txt"), "{}", stderr(&o));
}

fn encode_sjis(s: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(s);
    assert!(!unmappable);
    bytes.into_owned()
}

/// A directory with a dangling link, a link to itself and a link back to its parent: each bad
/// entry fails alone, named with its reason, and the rest of the directory is ingested.
#[cfg(unix)]
#[test]
fn bad_directory_entries_fail_alone() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let inputs = tmp.path().join("inputs");
    fs::create_dir_all(inputs.join("sub")).unwrap();
    fs::write(
        inputs.join("a.txt"),
        "Kim Jong Un met Xi Jinping in Beijing on March 26, 2018.",
    )
    .unwrap();
    fs::write(
        inputs.join("sub/b.txt"),
        "Vladimir Putin held talks with Kim Jong Un in Pyongyang on June 19, 2024.",
    )
    .unwrap();
    symlink(inputs.join("nowhere.txt"), inputs.join("dangling.txt")).unwrap();
    symlink(inputs.join("self.txt"), inputs.join("self.txt")).unwrap();
    symlink(&inputs, inputs.join("sub/loop")).unwrap();
    let o = run(&data, &["ingest", "--json", inputs.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(summary["new"], 2, "{summary}");
    let failed: Vec<String> = summary["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] == "failed")
        .map(|i| i["error"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(failed.len(), 3, "{failed:#?}");
    for name in ["dangling.txt", "self.txt", "loop"] {
        assert!(
            failed.iter().any(|e| e.contains(name)),
            "no failure naming {name} in {failed:#?}"
        );
    }
    assert!(
        failed
            .iter()
            .any(|e| e.contains("loop") && e.contains("leads back")),
        "{failed:#?}"
    );
    let listed = ok(&data, &["sources", "list", "--json"]);
    assert_eq!(listed.lines().count(), 2);
}

/// A title with terminal escape sequences, a carriage return and a bidi override is printed
/// with those characters escaped (it cannot recolour or rewrite the analyst's terminal), and
/// ingest stores none of them in a title; a reader that closes the pipe early (`| head`)
/// ends the command quietly instead of a panic (#16, smaller items).
#[test]
fn document_words_never_drive_the_terminal_and_a_closed_pipe_is_quiet() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let input = dir.path().join("evil.jsonl");
    let title = "Red \u{1b}[31malert\u{1b}[0m\rOVERWRITE \u{202e}txet";
    {
        let mut f = std::fs::File::create(&input).unwrap();
        writeln!(
            f,
            "{}",
            serde_json::json!({"title": title, "text": "Talks were held in Pyongyang on 3 May 2024.", "published": "2024-05-03"})
        )
        .unwrap();
        for i in 0..3000 {
            writeln!(
                f,
                "{}",
                serde_json::json!({"title": format!("Item {i}"), "text": format!("Filler dispatch number {i} about rail freight."), "published": "2024-05-04"})
            )
            .unwrap();
        }
    }
    ok(&data, &["ingest", "--quiet", input.to_str().unwrap()]);
    let listed = ok(&data, &["sources", "list", "--limit", "5000"]);
    assert!(!listed.contains('\u{1b}') && !listed.contains('\r') && !listed.contains('\u{202e}'));
    assert!(
        listed.contains("[31malert"),
        "the words are still shown: {listed}"
    );
    let json = json_lines(&ok(
        &data,
        &["sources", "list", "--limit", "5000", "--json"],
    ));
    let stored = json
        .iter()
        .find_map(|s| s["title"].as_str().filter(|t| t.contains("alert")))
        .expect("the title is listed");
    assert!(
        !stored.contains('\u{1b}'),
        "ingest keeps no escape in a title: {stored:?}"
    );

    // `entente sources list | head -c 100`: the reader goes away after 100 bytes.
    let mut child = Command::new(bin())
        .args([
            "--data-dir",
            data.to_str().unwrap(),
            "sources",
            "list",
            "--limit",
            "5000",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // then dropped: pipe closed
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{:?}: {err}", o.status);
    assert!(!err.contains("panicked"), "{err}");
}

/// `entente ingest URL` on a loopback server: refused by default, naming the setting;
/// fetched once `config.toml` allows the host, and the source records the address it was
/// fetched from (#16 item 5 and a smaller item).
#[test]
fn url_ingest_is_confined_until_config_allows_the_host() {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut line = String::new();
            while r.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                line.clear();
            }
            let body = "Delegations met in Vladivostok on 13 September 2023 to discuss rail links.";
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["init"]);
    let url = format!("http://127.0.0.1:{port}/story");
    let o = run(&data, &["ingest", &url]);
    assert!(!o.status.success());
    let err = stderr(&o) + &stdout(&o);
    assert!(
        err.contains("refused") && err.contains("loopback") && err.contains("[fetch] allow"),
        "{err}"
    );
    assert_eq!(count_sources(&data), 0);

    let config = data.join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.contains("allow = []"),
        "init documents the setting: {text}"
    );
    std::fs::write(
        &config,
        text.replace("allow = []", "allow = [\"127.0.0.1\"]"),
    )
    .unwrap();
    ok(&data, &["ingest", &url]);
    let sources = json_lines(&ok(&data, &["sources", "list", "--json"]));
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0]["url"], url.as_str());

    // A wrong entry is an error naming the file and the entry.
    std::fs::write(&config, "[fetch]\nallow = [\"10.0.0.0/40\"]\n").unwrap();
    let o = run(&data, &["ingest", &url]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("config.toml") && err.contains("allow[0]"),
        "{err}"
    );
}
