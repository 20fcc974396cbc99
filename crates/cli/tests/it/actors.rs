//! `entente actors list|show|add|alias|import`.

use crate::*;

fn actor_count(data: &Path) -> usize {
    json_lines(&ok(data, &["actors", "list", "--json"])).len()
}

/// `entente actors add ID --kind person --name-en NAME EXTRA...`.
fn add_person(data: &Path, id: &str, name_en: &str, extra: &[&str]) -> std::process::Output {
    let mut a = vec![
        "actors",
        "add",
        id,
        "--kind",
        "person",
        "--name-en",
        name_en,
    ];
    a.extend(extra);
    run(data, &a)
}

#[test]
fn list_and_show_the_bundled_gazetteer() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let all = json_lines(&ok(data, &["actors", "list", "--json"]));
    assert!(all.len() >= 250, "{} actors", all.len());
    assert!(all.iter().all(|a| a["origin"] == "bundled"));
    let kp_people = json_lines(&ok(
        data,
        &[
            "actors",
            "list",
            "--kind",
            "person",
            "--country",
            "KP",
            "--json",
        ],
    ));
    assert!(kp_people.iter().any(|a| a["name_en"] == "Choe Son Hui"));
    assert!(
        kp_people
            .iter()
            .all(|a| a["kind"] == "person" && a["country"] == "KP")
    );
    // A name filter folds case and character variants.
    let found = json_lines(&ok(data, &["actors", "list", "--name", "習近平", "--json"]));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["name_en"], "Xi Jinping");

    // Show by a Korean name; positions held on a date.
    let shown: serde_json::Value = serde_json::from_str(&ok(
        data,
        &["actors", "show", "최선희", "--on", "2020-01-01", "--json"],
    ))
    .unwrap();
    assert_eq!(shown["name_en"], "Choe Son Hui");
    let posts: Vec<&str> = shown["positions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["post"].as_str().unwrap())
        .collect();
    assert!(!posts.contains(&"foreign_minister"), "{posts:?}");
    let later: serde_json::Value = serde_json::from_str(&ok(
        data,
        &[
            "actors",
            "show",
            "Choe Son-hui",
            "--on",
            "2024-11-01",
            "--json",
        ],
    ))
    .unwrap();
    assert!(
        later["positions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["post"] == "foreign_minister")
    );
    let text = ok(data, &["actors", "show", "Q56226"]);
    assert!(
        text.contains("Kim Jong Un") && text.contains("김정은"),
        "{text}"
    );

    let o = run(data, &["actors", "show", "Nobody Atall"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("Nobody Atall"), "{}", stderr(&o));
}

#[test]
fn an_added_actor_is_found_by_the_next_extraction() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let doc = data.join("by-fm.md");
    std::fs::write(
        &doc,
        "---\noutlet: Test Wire\nlang: en\npublished: 2024-08-01\n---\n\n\
         In July 2024, Choe Son Hui held talks with Maxim Ryzhenkov, the Belarusian foreign \
         minister, in Pyongyang.\n",
    )
    .unwrap();
    ok(data, &["ingest", "-q", doc.to_str().unwrap()]);
    ok(data, &["extract", "-q"]);
    let o = run(data, &["events", "list", "--actor", "Maxim Ryzhenkov"]);
    assert!(!o.status.success(), "not an actor yet");

    let before = actor_count(data);
    // Invalid additions are refused whole: unknown post, unknown language, bare surname.
    for (args, needle) in [
        (
            vec!["--position", "grand_vizier@BY,2024-04"],
            "grand_vizier",
        ),
        (vec!["--name", "by=Максім Рыжанкоў"], "`by`"),
        (
            vec!["--name", "ru=Рыженков", "--name", "ko=김"],
            "bare surname",
        ),
        (
            vec!["--position", "foreign_minister@BY,April"],
            "start date",
        ),
    ] {
        let o = add_person(data, "maxim-ryzhenkov", "Maxim Ryzhenkov", &args);
        assert!(!o.status.success(), "{args:?} was accepted");
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
        assert_eq!(actor_count(data), before, "{args:?} wrote something");
    }

    let o = add_person(
        data,
        "maxim-ryzhenkov",
        "Maxim Ryzhenkov",
        &[
            "--name",
            "ru=Максим Рыженков",
            "--country",
            "BY",
            "--position",
            "foreign_minister@BY,2024-04",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(actor_count(data), before + 1);
    let o = add_person(data, "maxim-ryzhenkov", "X", &[]);
    assert!(
        !o.status.success() && stderr(&o).contains("exists"),
        "{}",
        stderr(&o)
    );

    // The gazetteer changed: extraction re-reads the source and finds him.
    ok(data, &["extract", "-q"]);
    let events = json_lines(&ok(
        data,
        &["events", "list", "--actor", "Maxim Ryzhenkov", "--json"],
    ));
    assert_eq!(events.len(), 1, "{events:?}");
    let ids: Vec<&str> = events[0]["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"maxim-ryzhenkov") && ids.contains(&"choe-son-hui"),
        "{ids:?}"
    );

    // A new spelling, with the language guessed from the script.
    ok(
        data,
        &["actors", "alias", "maxim-ryzhenkov", "Maksim Ryzhenkov"],
    );
    let shown: serde_json::Value =
        serde_json::from_str(&ok(data, &["actors", "show", "Maksim Ryzhenkov", "--json"])).unwrap();
    assert_eq!(shown["id"], "maxim-ryzhenkov");
    assert_eq!(shown["origin"], "user");
    assert_eq!(shown["events"], 1);
    // Chinese characters alone need --lang.
    let o = run(data, &["actors", "alias", "maxim-ryzhenkov", "雷任科夫"]);
    assert!(
        !o.status.success() && stderr(&o).contains("--lang"),
        "{}",
        stderr(&o)
    );
    ok(
        data,
        &[
            "actors",
            "alias",
            "maxim-ryzhenkov",
            "雷任科夫",
            "--lang",
            "zh-Hans",
        ],
    );
    // An alias on a bundled actor makes it the analyst's: it survives the next sync.
    ok(data, &["actors", "alias", "Choe Son Hui", "Choe Sonhui"]);
    ok(data, &["extract", "-q"]);
    let shown: serde_json::Value =
        serde_json::from_str(&ok(data, &["actors", "show", "Choe Sonhui", "--json"])).unwrap();
    assert_eq!(shown["id"], "choe-son-hui");
    assert_eq!(shown["origin"], "user");
}

#[test]
fn csv_import_with_a_bad_row_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let before = actor_count(data);
    let good = data.join("firms.csv");
    std::fs::write(
        &good,
        "id,kind,name_en,lang,name,country\n\
         kp-test-trading,organization,Test Trading Corporation,en,Test Trading Corp,KP\n\
         kp-test-trading,organization,Test Trading Corporation,ko,시험무역회사,KP\n",
    )
    .unwrap();
    let bad = data.join("bad.csv");
    std::fs::write(
        &bad,
        "id,kind,name_en,lang,name,country\n\
         kp-a,organization,A Corp,en,A Corp,KP\n\
         kp-b,company,B Corp,en,B Corp,KP\n",
    )
    .unwrap();
    let o = run(data, &["actors", "import", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("bad.csv:3") && e.contains("company"), "{e}");
    assert_eq!(actor_count(data), before);

    let dry: serde_json::Value = serde_json::from_str(&ok(
        data,
        &[
            "actors",
            "import",
            good.to_str().unwrap(),
            "--dry-run",
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(dry["added"], 1);
    assert_eq!(actor_count(data), before, "a dry run writes nothing");
    ok(data, &["actors", "import", good.to_str().unwrap()]);
    let mine = json_lines(&ok(
        data,
        &["actors", "list", "--origin", "import:firms.csv", "--json"],
    ));
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["names"]["ko"][0], "시험무역회사");
    let again: serde_json::Value = serde_json::from_str(&ok(
        data,
        &["actors", "import", good.to_str().unwrap(), "--json"],
    ))
    .unwrap();
    assert_eq!(
        (again["added"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(1))
    );
}

#[test]
fn un_consolidated_list_import() {
    let Some(shared) = shared_data() else { return };
    let list = shared.join("un-sc-consolidated-list");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let old = list.join("consolidated_2018-10-29.xml");
    let new = list.join("consolidated_2025-04-19.xml");
    let s: serde_json::Value = serde_json::from_str(&ok(
        data,
        &["actors", "import", old.to_str().unwrap(), "--json"],
    ))
    .unwrap();
    assert_eq!(s["read"], 155);
    assert_eq!(s["designated"], 155);
    assert_eq!(s["added"], 155);
    let designated = json_lines(&ok(data, &["actors", "list", "--designated", "--json"]));
    assert_eq!(designated.len(), 155);
    let komid: serde_json::Value =
        serde_json::from_str(&ok(data, &["actors", "show", "KOMID", "--json"])).unwrap();
    assert_eq!(komid["id"], "KPe.001");
    assert_eq!(komid["un_designation"], "KPe.001");
    assert_eq!(komid["kind"], "organization");
    // The newer list: same designations, some records revised.
    let s: serde_json::Value = serde_json::from_str(&ok(
        data,
        &["actors", "import", new.to_str().unwrap(), "--json"],
    ))
    .unwrap();
    assert_eq!(s["added"], 0);
    assert!(s["updated"].as_u64().unwrap() > 0, "{s}");
    assert_eq!(
        s["missing_since_last_import"].as_array().map(Vec::len),
        Some(0)
    );
    // A designated person named in an article is extracted as a participant.
    let doc = data.join("designated.md");
    std::fs::write(
        &doc,
        "---\noutlet: Test Wire\nlang: en\npublished: 2025-05-03\n---\n\n\
         In this test text, on 2 May 2025, Sergei Shoigu met Kim Jong Sik in Pyongyang.\n",
    )
    .unwrap();
    ok(data, &["ingest", "-q", doc.to_str().unwrap()]);
    ok(data, &["extract", "-q"]);
    let events = json_lines(&ok(
        data,
        &["events", "list", "--actor", "KPi.066", "--json"],
    ));
    assert_eq!(events.len(), 1, "{events:?}");
    let p = &events[0]["participants"];
    assert!(
        p.as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == "KPi.066" && x["name_en"] == "Kim Jong Sik"),
        "{p}"
    );
}
