//! `entente trade` and `entente hs` from the command line, on the demo customs dataset.

use crate::*;

fn demo_trade() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let trade = repo_root().join("examples/demo/trade");
    let mut files: Vec<String> = std::fs::read_dir(&trade)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("cn-"))
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    files.sort();
    let mut args = vec!["trade", "import", "--format", "csv", "--json"];
    args.extend(files.iter().map(String::as_str));
    let reports = json_lines(&ok(dir.path(), &args));
    assert_eq!(reports.len(), files.len());
    assert!(
        reports.iter().all(|r| r["status"] == "imported"),
        "{reports:?}"
    );
    let labels = repo_root().join("data/hs/hs2022-headings.csv");
    ok(dir.path(), &["hs", "import", labels.to_str().unwrap()]);
    dir
}

#[test]
fn totals_match_the_published_figures_and_csv_keeps_field_order() {
    let dir = demo_trade();
    let csv = ok(dir.path(), &["trade", "totals", "--partner", "KP", "--csv"]);
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("period,exports_usd,imports_usd,total_usd,balance_usd"),
        "{header}"
    );
    // China Customs, 2023: exports to the DPRK US$2,003.50m, imports US$291.89m (published).
    let y2023 = lines.find(|l| l.starts_with("2023,")).unwrap();
    let cells: Vec<&str> = y2023.split(',').collect();
    assert_eq!(cells[1], "2003500000", "{y2023}");
    assert_eq!(cells[2], "291890000", "{y2023}");
}

#[test]
fn top_products_carry_labels_and_the_screen_flags_sanctioned_lines() {
    let dir = demo_trade();
    let top = json_lines(&ok(
        dir.path(),
        &[
            "trade",
            "top",
            "--partner",
            "KP",
            "--flow",
            "import",
            "--from",
            "2016",
            "--to",
            "2016",
            "--json",
        ],
    ));
    assert_eq!(
        top[0]["hs"], "2701",
        "coal led the DPRK's 2016 sales to China: {top:?}"
    );
    assert!(
        top[0]["label"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("coal")
    );
    let screen = json_lines(&ok(
        dir.path(),
        &[
            "trade",
            "screen",
            "--partner",
            "KP",
            "--flow",
            "import",
            "--from",
            "2016",
            "--to",
            "2016",
            "--as-of",
            "2025-12-31",
            "--json",
        ],
    ));
    let coal = screen
        .iter()
        .find(|r| r["hs"] == "2701")
        .expect("coal screened");
    let resolutions: Vec<u64> = coal["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["resolution"].as_u64().unwrap())
        .collect();
    assert!(resolutions.contains(&2371), "{coal}");
}

#[test]
fn a_bad_trade_file_names_line_and_column_and_imports_nothing() {
    let dir = demo_trade();
    let before = ok(
        dir.path(),
        &["trade", "totals", "--partner", "KP", "--json"],
    );
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "reporter,partner,flow,period,hs,value_usd\nCN,KP,export,2024-01,2710,5\nCN,KP,export,2024-13,2710,5\n",
    )
    .unwrap();
    let o = run(
        dir.path(),
        &["trade", "import", "--format", "csv", bad.to_str().unwrap()],
    );
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("line 3") && e.contains("period"), "{e}");
    assert_eq!(
        ok(
            dir.path(),
            &["trade", "totals", "--partner", "KP", "--json"]
        ),
        before
    );
}
