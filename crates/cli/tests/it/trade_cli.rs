//! `entente trade` and `entente hs` as an analyst runs them, on small files written here:
//! top-N lines add up to the totals, missing is not zero, partial years say so, caps count
//! from adoption, one dataset per period, data as of a release, CSV with whole dollars.

use std::path::Path;

use crate::*;

const HEAD: &str = "reporter,partner,flow,period,hs,value_usd,quantity,unit\n";

/// `entente trade import --format FORMAT FILES…` in `dir` (JSON reports), requiring every
/// file to be imported.
pub(crate) fn import(dir: &Path, format: &str, files: &[&str]) {
    let mut args = vec!["trade", "import", "--format", format, "--json"];
    args.extend_from_slice(files);
    let reports = json_lines(&ok(dir, &args));
    assert_eq!(reports.len(), files.len(), "{reports:?}");
    assert!(
        reports.iter().all(|r| r["status"] == "imported"),
        "{reports:?}"
    );
}

/// `entente trade CMD --partner KP ARGS…` in `dir`, which must succeed: (stdout, stderr).
pub(crate) fn kp(dir: &Path, cmd: &str, args: &[&str]) -> (String, String) {
    let mut a = vec!["trade", cmd, "--partner", "KP"];
    a.extend_from_slice(args);
    run_err(dir, &a)
}

/// A data directory with `files` (name, canonical CSV body after [`HEAD`]) imported in
/// order, one import each.
pub(crate) fn store_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in files {
        let p = dir.path().join(name);
        std::fs::write(&p, format!("{HEAD}{body}")).unwrap();
        import(dir.path(), "csv", &[p.to_str().unwrap()]);
    }
    dir
}

/// CN→KP rows for January to month `n` of `year`, each month an export row
/// `export,YYYY-MM,{export}` and an import row `import,YYYY-MM,{import}`.
fn monthly(year: i32, n: u8, export: &str, import: &str) -> String {
    (1..=n)
        .map(|m| {
            format!("CN,KP,export,{year}-{m:02},{export}\nCN,KP,import,{year}-{m:02},{import}\n")
        })
        .collect()
}

/// The CSV output as (header, rows of cells); no quoted commas in these tests' cells.
fn csv(s: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = s.lines();
    let header = lines.next().unwrap().split(',').map(String::from).collect();
    (
        header,
        lines
            .map(|l| l.split(',').map(String::from).collect())
            .collect(),
    )
}

fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

/// Runs and requires success: (stdout, stderr).
fn run_err(dir: &Path, args: &[&str]) -> (String, String) {
    let o = run(dir, args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    (stdout(&o), stderr(&o))
}

#[test]
fn top_lines_add_up_to_totals_with_an_unallocated_line() {
    let dir = store_with(&[(
        "a.csv",
        "CN,KP,export,2017,2710,500,,\nCN,KP,export,2017,27,300,,\n\
         CN,KP,export,2017,8703,200,,\nCN,KP,export,2017,1507,50,,\n",
    )]);
    let q = [
        "--flow", "export", "--from", "2017", "--to", "2017", "--level", "4", "-n", "2",
    ];
    let (out, err) = kp(dir.path(), "top", &[&q[..], &["--csv"]].concat());
    let (h, rows) = csv(&out);
    assert_eq!(&h[..4], ["period", "flow", "line", "rank"], "{h:?}");
    let v = col(&h, "value_usd");
    assert!(
        rows.iter().all(|r| !r[v].contains('.')),
        "whole dollars: {out}"
    );
    let lines: Vec<&str> = rows.iter().map(|r| r[col(&h, "line")].as_str()).collect();
    assert_eq!(lines, ["code", "code", "others", "unallocated"]);
    let sum: i64 = rows.iter().map(|r| r[v].parse::<i64>().unwrap()).sum();
    let (t, _) = kp(dir.path(), "totals", &["--csv"]);
    let (th, trows) = csv(&t);
    assert_eq!(trows[0][col(&th, "exports_usd")], sum.to_string());
    assert!(
        err.contains("not allocated at HS4") && err.contains("HS2 27"),
        "{err}"
    );
    let (table, _) = kp(dir.path(), "top", &q);
    assert!(
        table.contains("Not allocated at HS4") && table.contains("Total"),
        "{table}"
    );
}

#[test]
fn compare_with_a_year_without_monthly_data_is_a_dash_not_zero() {
    let dir = store_with(&[(
        "a.csv",
        "CN,KP,export,2016,2710,1000,,\nCN,KP,export,2017-01,2710,10,,\n\
         CN,KP,export,2018-01,2710,30,,\nCN,KP,export,2018-02,1507,40,,\n",
    )]);
    let q = |year: &str, fmt: &[&str]| {
        let window = ["--flow", "export", "--from", "2018-01", "--to", "2018-02"];
        kp(
            dir.path(),
            "top",
            &[&window[..], &["--compare", year], fmt].concat(),
        )
    };
    let (table, err) = q("2016", &[]);
    assert!(table.contains('—'), "{table}");
    assert!(err.contains("annual figures only"), "{err}");
    let (json, _) = q("2016", &["--json"]);
    let rows = json_lines(&json);
    assert!(
        rows.iter().all(|r| r["compare_value_usd"].is_null()),
        "{json}"
    );
    // 2017 has monthly data: 1507 is a real 0 there, 2710 a value.
    let (json, _) = q("2017", &["--json"]);
    let rows = json_lines(&json);
    let get = |hs: &str| rows.iter().find(|r| r["hs"] == hs).unwrap()["compare_value_usd"].clone();
    assert_eq!(get("1507"), serde_json::json!(0));
    assert_eq!(get("2710"), serde_json::json!(10));
    let (out, _) = q("2016", &["--csv"]);
    let (h, rows) = csv(&out);
    assert!(
        rows.iter()
            .all(|r| r[col(&h, "compare_value_usd")].is_empty()),
        "{out}"
    );
}

#[test]
fn totals_flag_a_partial_year() {
    // Both flows: a year without imports would have no total to compare.
    let body = monthly(2024, 12, "2710,100,,", "2701,10,,")
        + &monthly(2025, 10, "2710,110,,", "2701,11,,");
    let dir = store_with(&[("m.csv", &body)]);
    let (table, err) = kp(dir.path(), "totals", &[]);
    assert!(table.contains("2025 (Jan–Oct)"), "{table}");
    assert!(table.contains("+10.0%"), "Jan–Oct on Jan–Oct: {table}");
    assert!(err.contains("change on Jan–Oct 2024"), "{err}");
    let rows = json_lines(&kp(dir.path(), "totals", &["--json"]).0);
    assert_eq!(rows[1]["partial"], true);
    assert_eq!(rows[1]["months"], "01-10");
    assert_eq!(rows[0]["partial"], false);
}

#[test]
fn totals_show_a_dash_for_a_flow_without_rows() {
    // 2017: exports only; 2018: both flows.
    let dir = store_with(&[(
        "x.csv",
        "CN,KP,export,2017,2710,500,,\nCN,KP,export,2018,2710,600,,\nCN,KP,import,2018,2701,100,,\n",
    )]);
    let (table, err) = kp(dir.path(), "totals", &[]);
    let y2017 = table.lines().find(|l| l.starts_with("│ 2017")).unwrap();
    assert!(y2017.contains('—') && !y2017.contains(" 0 "), "{table}");
    assert!(
        err.contains("2017: no import figures (no data, not zero)"),
        "{err}"
    );
    let rows = json_lines(&kp(dir.path(), "totals", &["--json"]).0);
    assert_eq!(rows[0]["exports_usd"], serde_json::json!(500));
    for k in ["imports_usd", "total_usd", "balance_usd"] {
        assert!(rows[0][k].is_null(), "{k}: {rows:?}");
    }
    assert!(rows[1]["change"].is_null(), "no total in 2017 to compare");
    assert_eq!(rows[1]["exports_change"], serde_json::json!(0.2));
    let (out, _) = kp(dir.path(), "totals", &["--csv"]);
    let (h, rows) = csv(&out);
    assert_eq!(rows[0][col(&h, "imports_usd")], "", "{out}");
    assert_eq!(rows[0][col(&h, "total_usd")], "", "{out}");
    assert_eq!(rows[1][col(&h, "total_usd")], "700");
}

#[test]
fn screen_counts_a_cap_from_adoption_and_says_so() {
    let dir = store_with(&[(
        "coal.csv",
        "CN,KP,import,2016,2701,1000,22490000,t\nCN,KP,import,2017-01,2701,100,1500000,t\n",
    )]);
    let screen = |to: &str, fmt: &str| {
        let q = ["--flow", "import", "--from", "2016", "--to", to];
        kp(
            dir.path(),
            "screen",
            &[&q[..], &["--as-of", "2017-03-01", fmt]].concat(),
        )
    };
    let (json, err) = screen("2016", "--json");
    let rows = json_lines(&json);
    let cap = rows[0]["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "2321-26-coal-cap")
        .unwrap()["cap"]
        .clone();
    assert!(
        cap["share_of_cap"].is_null(),
        "2016 is before the cap applied: {cap}"
    );
    assert!(err.contains("not counted: 2016"), "{err}");
    let (out, _) = screen("2017-01", "--csv");
    let (h, rows) = csv(&out);
    assert_eq!(h[..3], ["first_period", "last_period", "hs"], "{h:?}");
    let cap_row = rows
        .iter()
        .find(|r| r[col(&h, "measure")] == "2321-26-coal-cap")
        .unwrap();
    assert_eq!(cap_row[col(&h, "share_year")], "2017");
    assert_eq!(cap_row[col(&h, "share_of_cap")], "0.2");
}

#[test]
fn one_dataset_per_period_with_reconcile_side_by_side() {
    let dir = store_with(&[(
        "a.csv",
        "CN,KP,import,2018-01,2701,100,,\nCN,KP,import,2018-02,2701,100,,\n",
    )]);
    let cc = dir.path().join("cc.csv");
    std::fs::write(
        &cc,
        "Date of data,Commodity code,Trading partner code,US dollar,\n201801,27011200,109,150,\n201802,27011200,109,170,\n",
    )
    .unwrap();
    ok(
        dir.path(),
        &[
            "trade",
            "import",
            "--format",
            "china-customs",
            "--flow",
            "import",
            "-q",
            cc.to_str().unwrap(),
        ],
    );
    let (out, err) = kp(dir.path(), "totals", &["--csv"]);
    let (h, rows) = csv(&out);
    assert_eq!(rows[0][col(&h, "imports_usd")], "320", "not 520: {out}");
    assert_eq!(rows[0][col(&h, "dataset")], "china-customs");
    assert!(err.contains("china-customs used, csv set aside"), "{err}");
    let (out, _) = kp(dir.path(), "totals", &["--dataset", "csv", "--csv"]);
    let (h, rows) = csv(&out);
    assert_eq!(rows[0][col(&h, "imports_usd")], "200");
    let (out, _) = kp(dir.path(), "reconcile", &["--csv"]);
    let (h, rows) = csv(&out);
    assert_eq!(h[..2], ["period", "flow"]);
    assert_eq!(rows[0][col(&h, "china_customs_usd")], "320");
    assert_eq!(rows[0][col(&h, "csv_usd")], "200");
    assert_eq!(rows[0][col(&h, "used")], "china-customs");
    assert_eq!(rows[0][col(&h, "difference_usd")], "-120");
}

#[test]
fn as_of_a_release_and_sql_in_whole_dollars() {
    let dir = store_with(&[
        ("r1.csv", "CN,KP,export,2017,2710,500,,\n"),
        ("r2.csv", "CN,KP,export,2017,2710,700,,\n"),
    ]);
    let files = json_lines(&ok(dir.path(), &["trade", "files", "--json"]));
    let first = files[0]["sha256"].as_str().unwrap()[..12].to_string();
    let total = |extra: &[&str]| {
        let (out, _) = kp(dir.path(), "totals", &[&["--json"], extra].concat());
        json_lines(&out)[0]["exports_usd"].clone()
    };
    assert_eq!(total(&[]), serde_json::json!(700));
    assert_eq!(total(&["--as-of", &first]), serde_json::json!(500));
    let (_, err) = kp(dir.path(), "totals", &["--as-of", &first]);
    assert!(err.contains("1 later import(s) left out"), "{err}");
    let o = run(
        dir.path(),
        &["trade", "totals", "--partner", "KP", "--as-of", "yesterday"],
    );
    assert!(!o.status.success());
    let sql = ok(
        dir.path(),
        &[
            "trade",
            "sql",
            "SELECT year, sum(value_usd) AS v FROM trade GROUP BY year",
            "--csv",
        ],
    );
    assert_eq!(sql.trim(), "year,v\n2017,700");
}

#[test]
fn hs_labels_reach_the_top_table() {
    let dir = store_with(&[("a.csv", "CN,KP,export,2017,2710,500,,\n")]);
    let labels = repo_root().join("data/hs/hs2022-headings.csv");
    ok(dir.path(), &["hs", "import", labels.to_str().unwrap()]);
    let show = json_lines(&ok(dir.path(), &["hs", "show", "2710", "--json"]));
    assert!(
        show[0]["label"].as_str().unwrap().contains("Petroleum"),
        "{show:?}"
    );
    let top = json_lines(&kp(dir.path(), "top", &["--flow", "export", "--json"]).0);
    assert!(top[0]["label"].as_str().unwrap().contains("Petroleum"));
}

#[test]
fn ytd_shows_a_dash_for_a_year_without_monthly_figures() {
    let body = "CN,KP,export,2016,2710,5000,,\nCN,KP,import,2016,2701,900,,\n".to_string()
        + &monthly(2017, 10, "2710,100,,", "2701,10,,");
    let dir = store_with(&[("y.csv", &body)]);
    let q = |fmt: &[&str]| {
        let years = ["--through", "10", "--years", "2016-2017"];
        kp(dir.path(), "ytd", &[&years[..], fmt].concat())
    };
    let (table, err) = q(&[]);
    let y2016 = table.lines().find(|l| l.starts_with("│ 2016")).unwrap();
    assert!(y2016.contains('—') && !y2016.contains(" 0 "), "{table}");
    assert!(
        err.contains("2016: no figures for Jan–Oct (2016 has annual figures only"),
        "{err}"
    );
    let rows = json_lines(&q(&["--json"]).0);
    assert!(rows[0]["exports_usd"].is_null(), "{rows:?}");
    assert!(rows[0]["total_usd"].is_null());
    assert_eq!(rows[1]["exports_usd"], serde_json::json!(1000));
    let (out, _) = q(&["--csv"]);
    let (h, rows) = csv(&out);
    assert_eq!(rows[0][col(&h, "total_usd")], "", "{out}");
    assert_eq!(rows[1][col(&h, "total_usd")], "1100");
}

#[test]
fn json_amounts_are_whole_dollars_in_every_query() {
    let body = monthly(2024, 12, "2710,300,,", "2701,7,1000,t")
        + &monthly(2025, 10, "2710,301,,", "2701,9,1000,t");
    let dir = store_with(&[("j.csv", &body)]);
    let window = ["--from", "2025-01", "--to", "2025-10"];
    let queries: Vec<Vec<&str>> = vec![
        vec!["totals"],
        vec!["totals", "--by", "month"],
        vec!["ytd", "--through", "10", "--years", "2024-2025"],
        vec!["top", "--flow", "export", "--compare", "2024"],
        vec!["series", "--hs", "27"],
        vec!["reconcile"],
        vec!["screen", "--flow", "import", "--as-of", "2025-12-01"],
    ];
    let mut amounts = 0;
    for q in queries {
        let mut a = q[1..].to_vec();
        if matches!(q[0], "top" | "screen") {
            a.extend_from_slice(&window);
        }
        a.push("--json");
        let (out, _) = kp(dir.path(), q[0], &a);
        assert!(!out.is_empty(), "{a:?}");
        for line in out.lines() {
            // No amount is written as a float: `"…_usd":1000.0` never appears.
            for (i, _) in line.match_indices("_usd\":") {
                amounts += 1;
                let v: String = line[i + 6..]
                    .chars()
                    .take_while(|c| !matches!(c, ',' | '}'))
                    .collect();
                assert!(
                    v == "null" || v.parse::<i64>().is_ok(),
                    "{a:?}: {v} in {line}"
                );
            }
        }
        // Fractions: four decimals at most.
        for r in json_lines(&out) {
            for k in ["change", "share", "exports_change", "change_on_base"] {
                if let Some(f) = r.get(k).and_then(|v| v.as_f64()) {
                    assert_eq!(f, (f * 1e4).round() / 1e4, "{a:?} {k}: {f}");
                }
            }
        }
    }
    assert!(amounts > 30, "{amounts}");
    let (out, _) = kp(dir.path(), "totals", &["--json"]);
    assert!(out.contains("\"exports_change\":0.0033"), "{out}");
    let (out, _) = kp(dir.path(), "totals", &["--csv"]);
    let (h, rows) = csv(&out);
    assert_eq!(rows[1][col(&h, "exports_change")], "0.0033", "{out}");
}
