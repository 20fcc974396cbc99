//! `entente eval eval/gold-real`: the real-text gold set is read from ../shared/data, scored per
//! language, and the test split holds the floors in `eval/gold-real/floors.toml`.

use crate::*;

fn eval_json(split: &str) -> Option<serde_json::Value> {
    let shared = shared_data()?;
    let dir = tempfile::tempdir().unwrap();
    let gold = repo_root().join("eval/gold-real");
    let out = ok(
        dir.path(),
        &[
            "eval",
            gold.to_str().unwrap(),
            "--split",
            split,
            "--shared",
            shared.to_str().unwrap(),
            "--json",
        ],
    );
    Some(serde_json::from_str(&out).unwrap())
}

#[test]
fn the_test_split_holds_its_floors() {
    let Some(report) = eval_json("test") else {
        return;
    };
    let floors: toml::Table = toml::from_str(
        &std::fs::read_to_string(repo_root().join("eval/gold-real/floors.toml")).unwrap(),
    )
    .unwrap();
    let mut below = Vec::new();
    for (lang, f) in floors["lang"].as_table().unwrap() {
        let got = &report["by_lang"][lang];
        assert!(
            got.is_object(),
            "no {lang} documents in the test split: {report}"
        );
        for (measure, floor) in f.as_table().unwrap() {
            let floor = floor.as_float().unwrap();
            let value = got[measure].as_f64().unwrap();
            if value < floor {
                below.push(format!("{lang} {measure}: {value} < floor {floor}"));
            }
        }
    }
    let ceiling = floors["total"]["negatives_violated"].as_integer().unwrap();
    let violated = report["total"]["negatives_violated"].as_i64().unwrap();
    if violated > ceiling {
        below.push(format!("negatives violated: {violated} > {ceiling}"));
    }
    assert!(
        below.is_empty(),
        "the real-text test split regressed:\n{}",
        below.join("\n")
    );
    // The set is the one the README describes: at least 80 events for en, zh and ru and 30
    // for ko over both splits are checked on dev + test together below; here every document
    // was read and scored.
    assert!(
        report["total"]["documents"].as_u64().unwrap() >= 250,
        "{}",
        report["total"]
    );
}

#[test]
fn the_set_has_its_size_and_every_annotation_is_valid() {
    let Some(report) = eval_json("all") else {
        return;
    };
    let gold = |lang: &str| report["by_lang"][lang]["gold"].as_u64().unwrap_or(0);
    for lang in ["en", "zh", "ru"] {
        assert!(gold(lang) >= 80, "{lang}: {} events", gold(lang));
    }
    assert!(gold("ko") >= 30, "ko: {} events", gold("ko"));
    let t = &report["total"];
    assert!(t["gold"].as_u64().unwrap() >= 400, "{t}");
    assert!(t["documents"].as_u64().unwrap() >= 300, "{t}");
    assert!(t["negatives"].as_u64().unwrap() >= 60, "{t}");
}

#[test]
fn a_hand_moved_document_is_refused_with_file_and_line() {
    let Some(shared) = shared_data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("gold");
    std::fs::create_dir(&gold).unwrap();
    let src = repo_root().join("eval/gold-real");
    std::fs::copy(src.join("corpora.toml"), gold.join("corpora.toml")).unwrap();
    let first = std::fs::read_to_string(src.join("cctv-zh.jsonl")).unwrap();
    let line = first.lines().next().unwrap();
    let moved = if line.contains("\"split\":\"dev\"") || line.contains("\"split\": \"dev\"") {
        line.replace("\"dev\"", "\"test\"")
    } else {
        line.replace("\"test\"", "\"dev\"")
    };
    std::fs::write(gold.join("x.jsonl"), format!("{line}\n{moved}\n")).unwrap();
    let out = run(
        dir.path(),
        &[
            "eval",
            gold.to_str().unwrap(),
            "--split",
            "all",
            "--shared",
            shared.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("x.jsonl line 2") && err.contains("split"),
        "{err}"
    );
}
