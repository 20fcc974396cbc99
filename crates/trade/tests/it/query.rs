use entente_trade::{By, Flow, Period, Scope};

use crate::common::loaded;

fn kp() -> Scope {
    Scope::new("CN", "KP")
}

#[test]
fn totals_by_year_and_month() {
    let (_d, s) = loaded();
    let rows = s.totals(&kp(), By::Year).unwrap();
    let y2025 = rows.iter().find(|r| r.period == "2025").unwrap();
    assert_eq!(y2025.exports_usd, Some(63_200_275.0));
    assert_eq!(y2025.imports_usd, Some(91_716_500.0));
    assert_eq!(y2025.total_usd, Some(63_200_275.0 + 91_716_500.0));
    assert_eq!(y2025.balance_usd, Some(63_200_275.0 - 91_716_500.0));
    // Imports were imported for 2025 only: 2024 has no total to compare with, but exports do.
    assert_eq!(y2025.change, None);
    assert!(y2025.exports_change.is_some());
    assert_eq!(y2025.imports_change, None);
    // 2016-2018 are absent: 2019 has no previous period.
    let y2019 = rows.iter().find(|r| r.period == "2019").unwrap();
    assert_eq!(y2019.change, None);

    let mut sc = kp();
    sc.from = Some(Period::month(2025, 9));
    sc.to = Some(Period::month(2025, 10));
    let months = s.totals(&sc, By::Month).unwrap();
    assert_eq!(
        months.iter().map(|r| r.period.as_str()).collect::<Vec<_>>(),
        vec!["2025-09", "2025-10"]
    );
    assert_eq!(months[1].exports_usd, Some(790_000.0 * 8.0 + 50.0));
    assert!(months[1].change.is_some());
}

#[test]
fn ytd_side_by_side() {
    let (_d, s) = loaded();
    let rows = s.ytd(&kp(), 10, (2019, 2025), None).unwrap();
    assert_eq!(rows.len(), 7);
    assert_eq!(rows[0].year, 2019);
    assert_eq!(rows[0].exports_usd, Some(15_800_275.0));
    assert_eq!(rows[6].exports_usd, Some(63_200_275.0));
    assert_eq!(rows[0].months.as_deref(), Some("01-10"));
    // Imports were imported for 2025 only: missing before, not zero, and no total.
    assert_eq!(rows[0].imports_usd, None);
    assert_eq!(rows[0].total_usd, None);
    assert_eq!(rows[0].change, None);
    assert!(
        rows[0]
            .note
            .as_deref()
            .unwrap()
            .contains("no import figures"),
        "{:?}",
        rows[0]
    );
    assert_eq!(rows[6].imports_usd, Some(91_716_500.0));
    assert_eq!(rows[6].total_usd, Some(63_200_275.0 + 91_716_500.0));
    assert_eq!(rows[6].change, None, "2024 has no imports to compare");
    let with_base = s.ytd(&kp(), 10, (2025, 2025), None).unwrap();
    assert_eq!(with_base[0].change_on_base, Some(0.0));
    assert!(s.ytd(&kp(), 13, (2019, 2025), None).is_err());
}

#[test]
fn top_with_shares_and_compare() {
    let (_d, s) = loaded();
    let mut sc = kp();
    sc.flow = Some(Flow::Export);
    sc.from = Some(Period::month(2025, 1));
    sc.to = Some(Period::month(2025, 10));
    let rows = s.top(&sc, 4, 3, Some(2019), None).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows.iter().map(|r| r.hs.as_str()).collect::<Vec<_>>(),
        vec!["1507", "2710", "8517"]
    );
    assert_eq!(rows[0].rank, 1);
    assert_eq!(rows[0].value_usd, 24_000_055.0);
    let total = 63_200_275.0;
    assert!((rows[0].share - 24_000_055.0 / total).abs() < 1e-12);
    assert_eq!(rows[0].compare_value_usd, Some(6_000_055.0));
    assert!((rows[0].change.unwrap() - (24_000_055.0 / 6_000_055.0 - 1.0)).abs() < 1e-12);
    assert_eq!(rows[0].label, None, "no nomenclature imported: no labels");
    let json = serde_json::to_value(&rows[0]).unwrap();
    for k in ["rank", "hs", "label", "value_usd", "share", "change"] {
        assert!(json.get(k).is_some(), "missing {k}");
    }
    let hs8 = s.top(&sc, 8, 100, None, None).unwrap();
    assert_eq!(hs8.len(), 5);
    assert!(s.top(&sc, 3, 10, None, None).is_err());
}

#[test]
fn series_by_month() {
    let (_d, s) = loaded();
    let mut sc = kp();
    sc.from = Some(Period::year(2025));
    let rows = s.series(&sc, "2710", By::Month).unwrap();
    assert_eq!(rows.len(), 10);
    assert_eq!(rows[0].period, "2025-01");
    assert_eq!(rows[0].value_usd, 1_600_001.0);
    assert_eq!(rows[0].unit.as_deref(), Some("Kilogram"));
    assert_eq!(rows[0].quantity, Some(20_000.0));
    let yearly = s.series(&kp(), "2710.12", By::Year).unwrap();
    assert!(yearly.iter().any(|r| r.period == "2015"));
    assert!(s.series(&kp(), "27x", By::Year).is_err());
}

#[test]
fn sql_is_read_only() {
    let (_d, s) = loaded();
    let r = s
        .sql("SELECT flow, count(*) AS n, sum(value_usd) AS v FROM trade WHERE year = 2025 GROUP BY flow ORDER BY flow")
        .unwrap();
    assert_eq!(r.columns, vec!["flow", "n", "v"]);
    assert_eq!(r.rows.len(), 2);
    assert_eq!(r.rows[0][0], "export");
    for bad in [
        "DROP TABLE records",
        "CREATE TABLE x AS SELECT 1",
        "INSERT INTO records SELECT * FROM records",
        "COPY (SELECT 1) TO '/tmp/x.parquet'",
        "SET datafusion.execution.batch_size = 1",
    ] {
        assert!(s.sql(bad).is_err(), "{bad} was allowed");
    }
    let e = s.sql("SELECT nope FROM trade").unwrap_err();
    assert!(e.to_string().contains("nope"), "{e}");
}

#[test]
fn bad_scope_is_rejected() {
    let (_d, s) = loaded();
    assert!(s.totals(&Scope::new("CN", "K'"), By::Year).is_err());
    let mut sc = kp();
    sc.dataset = Some("x' OR 1=1".into());
    assert!(s.totals(&sc, By::Year).is_err());
}

#[test]
fn empty_store_answers_empty() {
    let (_d, s) = crate::common::store();
    assert!(s.totals(&kp(), By::Year).unwrap().is_empty());
    let ytd = s.ytd(&kp(), 10, (2024, 2025), None).unwrap();
    assert_eq!(ytd.len(), 2);
    assert_eq!(ytd[0].total_usd, None, "no data is not zero");
}

#[test]
fn top_harmonized_across_editions() {
    let (_d, s) = loaded();
    let mut sc = kp();
    sc.flow = Some(Flow::Export);
    sc.from = Some(Period::month(2025, 1));
    sc.to = Some(Period::month(2025, 10));
    // Without the concordance, 8517.13 (HS2022) has nothing to compare with in 2019.
    let plain = s.top(&sc, 6, 10, Some(2019), None).unwrap();
    let phones = plain.iter().find(|r| r.hs == "851713").unwrap();
    assert_eq!(phones.compare_value_usd, Some(0.0));
    assert_eq!(phones.change, None);
    let c = entente_trade::Concordance::bundled().unwrap();
    let h = s
        .top_harmonized(&sc, 6, 10, Some(2019), None, Some(&c))
        .unwrap();
    let phones = h.iter().find(|r| r.hs == "8517.12").unwrap();
    assert_eq!(
        phones.compare_value_usd,
        Some(150_000.0 * 2.0 * 10.0 + 55.0)
    );
    assert!(phones.change.is_some());
}
