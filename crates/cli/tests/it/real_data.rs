use crate::*;

/// The real KCNA English dump ingests with one command and is searchable.
#[test]
fn kcna_rodong_and_tass_dumps_ingest_and_search() {
    let Some(shared) = shared_data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let kcna = shared
        .join("kcna-english-2011-2012-xmarquez/kcna_en_2011-2012_china_russia_mentions.jsonl");
    let summary: serde_json::Value =
        serde_json::from_str(&ok(data, &["ingest", "--json", kcna.to_str().unwrap()])).unwrap();
    assert_eq!(
        summary["failed"],
        0,
        "{}",
        summary["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["status"] == "failed")
            .cloned()
            .unwrap_or_default()
    );
    let total = summary["new"].as_u64().unwrap()
        + summary["unchanged"].as_u64().unwrap()
        + summary["near_duplicate"].as_u64().unwrap();
    assert_eq!(total, 3073, "every record accounted for");
    assert!(
        summary["near_duplicate"].as_u64().unwrap() > 0,
        "KCNA repeats stories"
    );

    // Kim Jong Il's August 2011 visit to Russia.
    let hits = json_lines(&ok(
        data,
        &[
            "search",
            "\"Kim Jong Il\" Ulan-Ude",
            "--from",
            "2011-08",
            "--to",
            "2011-09",
            "--json",
            "-n",
            "50",
        ],
    ));
    assert!(!hits.is_empty());
    assert!(
        hits.iter()
            .all(|h| h["published"].as_str().unwrap().starts_with("2011-0"))
    );
    assert!(
        hits.iter()
            .all(|h| h["outlet"].as_str().unwrap().contains("KCNA"))
    );
    let outlet = json_lines(&ok(
        data,
        &["search", "Medvedev", "--outlet", "KCNA", "--json"],
    ));
    assert!(!outlet.is_empty());

    // Rodong Sinmun and TASS (a JSON array whose text is a list of paragraphs).
    let rodong = std::fs::read_dir(shared.join("rodong-sinmun-english-thogra"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .unwrap();
    let tass = shared.join("tass-english-opnweb/tass_politics_20.json");
    let o = run(
        data,
        &[
            "ingest",
            "--json",
            rodong.to_str().unwrap(),
            tass.to_str().unwrap(),
        ],
    );
    let s: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    // One Rodong record (line 66) has an empty body in the dump: it is stored as its headline,
    // so every record is accounted for and nothing fails.
    assert_eq!(o.status.code(), Some(0), "{s}");
    assert_eq!(s["failed"], 0, "{s}");
    let headline_only = s["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["origin"]
                .as_str()
                .is_some_and(|o| o.ends_with("#line=66"))
        })
        .unwrap_or_else(|| panic!("no item for line 66: {s}"));
    assert_ne!(headline_only["status"], "failed", "{headline_only}");
    assert_eq!(
        s["new"].as_u64().unwrap()
            + s["near_duplicate"].as_u64().unwrap()
            + s["unchanged"].as_u64().unwrap(),
        134 + 20
    );
    let tass_hits = json_lines(&ok(
        data,
        &[
            "search",
            "Putin",
            "--from",
            "2024-12-26",
            "--to",
            "2024-12-27",
            "--json",
            "-n",
            "30",
        ],
    ));
    assert!(!tass_hits.is_empty());
    assert!(
        tass_hits.iter().all(|h| h["url"]
            .as_str()
            .unwrap_or("")
            .starts_with("https://tass.com/")),
        "{tass_hits:?}"
    );
    assert_consistent(data);
}

/// The China Customs code list as its original GB18030 bytes decodes, and its UTF-8 twin
/// (converted with iconv by the data's curator) normalises to the same source.
#[test]
fn gb18030_original_and_utf8_copy_are_one_source() {
    let Some(shared) = shared_data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let raw = shared.join("china-customs-codes-chinautils/raw-gb18030/zh-hs8-2023.gb18030.csv");
    let utf8 = shared.join("china-customs-codes-chinautils/zh-hs8-2023.csv");
    let s: serde_json::Value = serde_json::from_str(&ok(
        &data,
        &[
            "ingest",
            "--json",
            "--format",
            "text",
            raw.to_str().unwrap(),
            utf8.to_str().unwrap(),
        ],
    ))
    .unwrap();
    let items = s["items"].as_array().unwrap();
    // The file uses only two-byte characters, so its bytes are GBK, the subset of GB18030.
    let enc = items[0]["encoding"].as_str().unwrap();
    assert!(enc == "GBK" || enc == "gb18030", "{s}");
    assert_eq!(items[0]["id"], items[1]["id"], "{s}");
    assert_eq!(s["new"], 1);
    assert_eq!(s["unchanged"], 1);
    let hits = json_lines(&ok(&data, &["search", "改良种用驴", "--json"]));
    assert_eq!(hits.len(), 1);
}

/// Trends and comparisons on the real KCNA English stories of 2011–2012.
#[test]
fn kcna_trends_and_comparison_on_real_text() {
    let Some(shared) = shared_data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let kcna = shared
        .join("kcna-english-2011-2012-xmarquez/kcna_en_2011-2012_china_russia_mentions.jsonl");
    ok(data, &["ingest", "-q", kcna.to_str().unwrap()]);
    // "Medvedev" peaks in August 2011 (Kim Jong Il's visit to Russia and the Ulan-Ude talks).
    let t: serde_json::Value = serde_json::from_str(&ok(
        data,
        &[
            "trend",
            "Medvedev",
            "--by",
            "month",
            "--normalize",
            "--json",
        ],
    ))
    .unwrap();
    let rows = t["rows"].as_array().unwrap();
    let peak = rows
        .iter()
        .max_by_key(|r| r["matches"].as_u64().unwrap())
        .unwrap();
    assert_eq!(peak["period"], "2011-08", "{t:#}");
    for r in rows {
        assert!(r["matches"].as_u64().unwrap() <= r["sources"].as_u64().unwrap());
    }
    // A concept across the whole dump, per year.
    let c: serde_json::Value = serde_json::from_str(&ok(
        data,
        &[
            "trend",
            "--concept",
            "traditional_friendship",
            "--by",
            "year",
            "--json",
        ],
    ))
    .unwrap();
    assert!(
        c["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["matches"].as_u64().unwrap() > 10),
        "{c:#}"
    );
    // Two KCNA stories on the Ulan-Ude talks align statement by statement.
    let hits = json_lines(&ok(
        data,
        &[
            "search",
            "\"Kim Jong Il\" Medvedev talks Ulan-Ude",
            "--from",
            "2011-08-20",
            "--to",
            "2011-08-31",
            "--json",
            "-n",
            "2",
        ],
    ));
    assert_eq!(hits.len(), 2, "{hits:?}");
    let a = hits[0]["source_id"].as_str().unwrap();
    let b = hits[1]["source_id"].as_str().unwrap();
    let cmp: serde_json::Value =
        serde_json::from_str(&ok(data, &["compare", a, b, "--no-absences", "--json"])).unwrap();
    assert!(!cmp["pairs"].as_array().unwrap().is_empty(), "{cmp:#}");
    assert_eq!(cmp["sources"][0]["outlet"], hits[0]["outlet"]);
}
