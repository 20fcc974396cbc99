//! `entente compare` and `entente trend` on the reconstructed readouts of examples/demo/compare.

use crate::*;

fn compare_fixtures() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = repo_root().join("examples/demo/compare");
    ok(dir.path(), &["ingest", "-q", fixtures.to_str().unwrap()]);
    ok(dir.path(), &["extract", "-q"]);
    dir
}

fn event_on(data: &Path, actors: &str, date: &str) -> String {
    let rows = json_lines(&ok(data, &["chronology", "--actors", actors, "--json"]));
    rows.iter()
        .find(|e| e["date"].as_str().is_some_and(|d| d.starts_with(date)))
        .unwrap_or_else(|| panic!("no {actors} event on {date} in {rows:#?}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn compare_an_event_reports_pairs_omissions_and_notable_absences() {
    let dir = compare_fixtures();
    let data = dir.path();
    let event = event_on(data, "Xi Jinping,Kim Jong Un", "2025-09-04");
    let c: serde_json::Value =
        serde_json::from_str(&ok(data, &["compare", "--event", &event, "--json"])).unwrap();
    let sources = c["sources"].as_array().unwrap();
    assert!(sources.len() >= 2, "{c:#}");
    let outlets: Vec<&str> = sources
        .iter()
        .filter_map(|s| s["outlet"].as_str())
        .collect();
    assert!(
        outlets.contains(&"KCNA") && outlets.contains(&"Xinhua"),
        "{outlets:?}"
    );
    assert!(!c["pairs"].as_array().unwrap().is_empty());
    // Denuclearization was in the 2018–2019 Xi–Kim readouts and is in neither 2025 one.
    let absences = c["absences"].as_array().unwrap();
    let denuc = absences
        .iter()
        .find(|a| a["concept"] == "denuclearization")
        .unwrap_or_else(|| panic!("no denuclearization absence in {absences:#?}"));
    let last = denuc["last_seen"]["date"].as_str().unwrap();
    assert!(
        last.starts_with("2018") || last.starts_with("2019"),
        "{denuc}"
    );
    assert_eq!(denuc["last_seen"]["source_id"].as_str().unwrap().len(), 32);
    // Concepts both 2025 readouts use are not absences.
    assert!(
        !absences
            .iter()
            .any(|a| a["concept"] == "strategic_communication")
    );

    // The terminal table reads like the analyst's side-by-side table.
    let table = ok(data, &["compare", "--event", &event]);
    assert!(
        table.contains("Reported by both") && table.contains("Notable absences"),
        "{table}"
    );
    assert!(table.contains("KCNA") && table.contains("Xinhua"));
}

#[test]
fn compare_sources_by_prefix_and_bad_requests() {
    let dir = compare_fixtures();
    let data = dir.path();
    let list = json_lines(&ok(data, &["sources", "list", "--json", "-n", "100"]));
    let id_of = |title_part: &str, outlet: &str| -> String {
        list.iter()
            .find(|s| {
                s["outlet"] == outlet
                    && s["published"]
                        .as_str()
                        .is_some_and(|p| p.starts_with("2024-06"))
                    && s["title"].as_str().is_some_and(|t| t.contains(title_part))
            })
            .unwrap_or_else(|| panic!("no {outlet} source with {title_part}"))["id"]
            .as_str()
            .unwrap()[..10]
            .to_string()
    };
    let tass = id_of("", "TASS");
    let kcna = id_of("", "KCNA");
    let c: serde_json::Value =
        serde_json::from_str(&ok(data, &["compare", &tass, &kcna, "--json"])).unwrap();
    assert_eq!(c["sources"].as_array().unwrap().len(), 2);
    assert_eq!(
        c["concepts"]["sanctions"][c["sources"][0]["id"].as_str().unwrap()],
        true
    );

    let one = run(data, &["compare", &tass]);
    assert!(!one.status.success());
    assert!(
        stderr(&one).contains("two or more sources"),
        "{}",
        stderr(&one)
    );
    let unknown = run(data, &["compare", &tass, "ffffffff"]);
    assert!(!unknown.status.success());
    let bad = run(data, &["trend", "--concept", "denuclearisation_typo"]);
    assert!(stderr(&bad).contains("no concept"), "{}", stderr(&bad));
    let ladder = run(data, &["trend", "--ladder", "no-such", "--actors", "RU,KP"]);
    assert!(
        stderr(&ladder).contains("the ladders are"),
        "{}",
        stderr(&ladder)
    );
}

#[test]
fn trends_count_per_period_and_outlet_through_the_index() {
    let dir = compare_fixtures();
    let data = dir.path();
    let t: serde_json::Value = serde_json::from_str(&ok(
        data,
        &[
            "trend",
            "--concept",
            "denuclearization",
            "--by",
            "year",
            "--json",
        ],
    ))
    .unwrap();
    let rows = t["rows"].as_array().unwrap();
    let year = |y: &str| rows.iter().find(|r| r["period"] == y).cloned();
    assert!(
        year("2018").unwrap()["matches"].as_u64().unwrap() >= 1,
        "{t:#}"
    );
    assert!(
        year("2019").unwrap()["matches"].as_u64().unwrap() >= 2,
        "{t:#}"
    );
    // Years inside the range without a match are present with 0 (a gap-free series).
    let y2025 = year("2025");
    assert!(y2025.is_none_or(|r| r["matches"] == 0), "{t:#}");
    for r in rows {
        assert!(r["matches"].as_u64().unwrap() <= r["sources"].as_u64().unwrap());
    }

    let by_outlet: serde_json::Value = serde_json::from_str(&ok(
        data,
        &[
            "trend",
            "全面战略协作伙伴关系",
            "--by",
            "outlet",
            "--by",
            "year",
            "--normalize",
            "--json",
        ],
    ))
    .unwrap();
    let rows = by_outlet["rows"].as_array().unwrap();
    assert!(
        rows.iter()
            .any(|r| r["outlet"] == "Xinhua" && r["matches"].as_u64().unwrap() > 0),
        "{by_outlet:#}"
    );
    assert!(rows.iter().all(|r| r.get("outlet").is_some()));

    let ladder: serde_json::Value = serde_json::from_str(&ok(
        data,
        &[
            "trend",
            "--ladder",
            "meeting-verbs",
            "--actors",
            "RU,KP",
            "--json",
        ],
    ))
    .unwrap();
    let rows = ladder["rows"].as_array().unwrap();
    let y2024 = rows
        .iter()
        .find(|r| r["period"] == "2024")
        .unwrap_or_else(|| panic!("{ladder:#}"));
    assert!(y2024["events"].as_u64().unwrap() >= 1);
    assert!(y2024["top"].is_string(), "{y2024:#}");
}
