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
