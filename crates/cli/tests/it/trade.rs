//! `entente trade` and `entente hs` from the command line, on the demo customs dataset.

use crate::trade_cli::{import, kp, store_with};
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
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    import(dir.path(), "csv", &files);
    let labels = repo_root().join("data/hs/hs2022-headings.csv");
    ok(dir.path(), &["hs", "import", labels.to_str().unwrap()]);
    dir
}

#[test]
fn totals_match_the_published_figures_and_csv_keeps_field_order() {
    let dir = demo_trade();
    let (csv, _) = kp(dir.path(), "totals", &["--csv"]);
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
    let imports_2016 = ["--flow", "import", "--from", "2016", "--to", "2016"];
    let top = json_lines(
        &kp(
            dir.path(),
            "top",
            &[&imports_2016[..], &["--json"]].concat(),
        )
        .0,
    );
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
    let screen = json_lines(
        &kp(
            dir.path(),
            "screen",
            &[&imports_2016[..], &["--as-of", "2025-12-31", "--json"]].concat(),
        )
        .0,
    );
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
    let (before, _) = kp(dir.path(), "totals", &["--json"]);
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
    assert_eq!(kp(dir.path(), "totals", &["--json"]).0, before);
}

/// Renders `blocks` (TOML `[[block]]` tables) over the demo customs data as Markdown.
fn brief_md(dir: &tempfile::TempDir, blocks: &str) -> String {
    let spec = dir.path().join("spec.toml");
    std::fs::write(
        &spec,
        format!(
            "title = \"t\"\nperiod = {{ from = \"2025-01-01\", to = \"2025-12-31\" }}\nlang = \"en\"\n{blocks}"
        ),
    )
    .unwrap();
    let md = dir.path().join("b.md");
    ok(
        dir.path(),
        &[
            "brief",
            spec.to_str().unwrap(),
            "-o",
            md.to_str().unwrap(),
            "--format",
            "md",
        ],
    );
    std::fs::read_to_string(md).unwrap()
}

/// The Markdown table rows (cells) of the section whose heading contains `heading`.
fn md_rows(md: &str, heading: &str) -> Vec<Vec<String>> {
    let start = md
        .lines()
        .position(|l| l.starts_with("## ") && l.contains(heading))
        .unwrap_or_else(|| panic!("no section {heading}:\n{md}"));
    md.lines()
        .skip(start + 1)
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| l.starts_with("| ") && !l.starts_with("| ---") && !l.starts_with("| **#"))
        .filter(|l| !l.starts_with("| **Year") && !l.starts_with("| **Period"))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn briefing_trade_blocks_add_up_label_partial_years_and_leave_gaps_empty() {
    let dir = demo_trade();
    let md = brief_md(
        &dir,
        r#"
[[block]]
kind = "trade_annual"
reporter = "CN"
partner = "KP"
years = 11

[[block]]
kind = "trade_ytd"
reporter = "CN"
partner = "KP"
through_month = 10
years = [2022, 2023, 2024, 2025]

[[block]]
kind = "trade_top"
title = "Top 5"
reporter = "CN"
partner = "KP"
year = 2016
n = 5
flow = "import"
sanctions = true
"#,
    );
    // Annual: 2025 holds January–October only, and says so; its change is on Jan–Oct 2024.
    let annual = md_rows(&md, "trade by year (table)");
    let y2025 = annual.last().unwrap();
    assert_eq!(y2025[0], "2025 (Jan–Oct)", "{md}");
    assert_eq!(
        y2025[4], "+25.5%",
        "Jan–Oct 2025 on Jan–Oct 2024: {y2025:?}"
    );
    assert!(
        md.contains("2025 (Jan–Oct): change on Jan–Oct 2024"),
        "{md}"
    );
    assert!(!md.contains("(1–10)"), "{md}");
    // Jan–Oct: 2022 is held as annual figures only — a gap with a note, not US$0.
    let ytd = md_rows(&md, "Jan–Oct of each year (table)");
    assert_eq!(ytd[0][0], "2022 Jan–Oct");
    assert_eq!(ytd[0][1], "—", "{ytd:?}");
    assert!(ytd[0][3].starts_with("**—**"), "{ytd:?}");
    assert!(md.contains("2022: no figures for Jan–Oct (2022 has annual figures only"));
    assert!(!md.contains("US$0"), "{md}");
    // Top 5 imports of 2016: five headings, the others together, then the total, which is
    // the published 2016 figure (US$2,630m) — the lines add up to it, shares to 100 %.
    let top = md_rows(&md, "Top 5");
    assert_eq!(top.len(), 7, "{top:?}");
    assert!(
        top[5][2].starts_with("Other products (30 HS4 headings)"),
        "{top:?}"
    );
    assert!(top[5][5].contains("under measures"), "{top:?}");
    assert_eq!(top[6][2], "**Total**");
    assert!(top[6][3].starts_with("**US$2.6 bn**"), "{top:?}");
    let share: f64 = top[..6]
        .iter()
        .map(|r| r[4].trim_end_matches('%').parse::<f64>().unwrap())
        .sum();
    assert!((share - 100.0).abs() < 0.35, "shares sum to {share}");
}

#[test]
fn briefing_annual_trade_shows_a_dash_for_a_flow_without_figures() {
    // 2024: exports only; 2025: both flows.
    let dir = store_with(&[(
        "x.csv",
        "CN,KP,export,2024,2710,500000000,,\nCN,KP,export,2025,2710,600000000,,\n\
         CN,KP,import,2025,2701,100000000,,\n",
    )]);
    let md = brief_md(
        &dir,
        "[[block]]\nkind = \"trade_annual\"\nreporter = \"CN\"\npartner = \"KP\"\nyears = 2\n",
    );
    let rows = md_rows(&md, "trade by year (table)");
    assert_eq!(rows[0][0], "2024", "{md}");
    assert_eq!(rows[0][2], "—", "imports: {rows:?}");
    assert!(rows[0][3].starts_with("**—**"), "total: {rows:?}");
    assert!(rows[1][3].starts_with("**US$700"), "{rows:?}");
    assert_eq!(rows[1][4], "—", "no 2024 total to compare: {rows:?}");
    assert!(
        md.contains("2024: no figures for imports (not zero)"),
        "{md}"
    );
    assert!(!md.contains("US$0"), "{md}");
}
