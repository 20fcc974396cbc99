use entente_trade::{Flow, Format, ImportOptions, TradeError};

use crate::common::{cc, fixture, parquet_files, shared, store};

#[test]
fn import_writes_hive_partitioned_parquet_and_is_idempotent() {
    let (_d, s) = store();
    let f = fixture("cc-exports-kp-2015-zh.csv");
    let r = s
        .import_file(&f, Format::ChinaCustoms, &cc(Flow::Export))
        .unwrap();
    assert_eq!((r.status.as_str(), r.rows), ("imported", 100));
    assert_eq!(r.first_period.as_deref(), Some("2015-01"));
    assert_eq!(r.last_period.as_deref(), Some("2015-10"));
    let files = parquet_files(&s.root().join("records"));
    assert_eq!(files.len(), 1);
    let rel = files[0]
        .strip_prefix(s.root())
        .unwrap()
        .display()
        .to_string();
    assert!(
        rel.starts_with("records/reporter=CN/year=2015/part-"),
        "{rel}"
    );
    // Same bytes again: a no-op.
    let again = s
        .import_file(&f, Format::ChinaCustoms, &cc(Flow::Export))
        .unwrap();
    assert_eq!(again.status, "unchanged");
    assert_eq!(parquet_files(&s.root().join("records")).len(), 1);
    assert_eq!(s.manifest().unwrap().imports.len(), 1);
    // Provenance is kept on every row.
    let res = s
        .sql("SELECT source_file, source_sha256, source_line FROM trade WHERE hs = '84713000' AND period = '2015-03'")
        .unwrap();
    assert_eq!(res.rows.len(), 1);
    assert_eq!(res.rows[0][1].as_str().unwrap(), r.sha256);
    assert_eq!(res.rows[0][2].as_i64().unwrap(), 27);
    assert!(
        res.rows[0][0]
            .as_str()
            .unwrap()
            .ends_with("cc-exports-kp-2015-zh.csv")
    );
}

fn expect_invalid(name: &str, line: u64, column: &str, needle: &str) {
    let (_d, s) = store();
    let e = s
        .import_file(&fixture(name), Format::ChinaCustoms, &cc(Flow::Export))
        .unwrap_err();
    let msg = e.to_string();
    match &e {
        TradeError::Invalid { file, errors } => {
            assert!(file.ends_with(name));
            let hit = errors
                .iter()
                .find(|r| r.line == line)
                .unwrap_or_else(|| panic!("{name}: no error at line {line}: {msg}"));
            assert_eq!(hit.column, column, "{msg}");
            assert!(hit.message.contains(needle), "{msg}");
        }
        other => panic!("{name}: unexpected error {other}"),
    }
    assert!(
        msg.contains(name) && msg.contains(&format!("line {line}")),
        "{msg}"
    );
    // Nothing written.
    assert!(parquet_files(s.root()).is_empty(), "{name} wrote files");
    assert!(s.manifest().unwrap().imports.is_empty());
}

#[test]
fn bad_files_fail_whole_with_line_and_column() {
    expect_invalid("bad-hs.csv", 3, "商品编码", "malformed HS code");
    expect_invalid(
        "bad-partner.csv",
        3,
        "贸易伙伴编码",
        "unknown partner code `998`",
    );
    expect_invalid("bad-value.csv", 3, "美元", "not a number");
    expect_invalid("bad-period.csv", 3, "数据年月", "impossible month");
    expect_invalid(
        "bad-duplicate.csv",
        4,
        "-",
        "conflicting duplicate of line 2",
    );
}

#[test]
fn bad_canonical_reports_every_field() {
    let (_d, s) = store();
    let e = s
        .import_file(
            &fixture("bad-canonical.csv"),
            Format::Csv,
            &ImportOptions::default(),
        )
        .unwrap_err();
    let TradeError::Invalid { errors, .. } = &e else {
        panic!("{e}")
    };
    let cols: Vec<&str> = errors.iter().map(|r| r.column.as_str()).collect();
    assert_eq!(cols, vec!["flow", "period", "value_usd"], "{e}");
    assert!(errors.iter().all(|r| r.line == 3));
    assert_eq!(errors[0].column_no, 3);
}

#[test]
fn canonical_csv() {
    let (_d, s) = store();
    let r = s
        .import_file(
            &fixture("canonical.csv"),
            Format::Csv,
            &ImportOptions::default(),
        )
        .unwrap();
    assert_eq!(r.rows, 3);
    let res = s
        .sql("SELECT reporter, period, hs, quantity, unit FROM trade ORDER BY period")
        .unwrap();
    assert_eq!(res.rows.len(), 3);
    assert_eq!(res.rows[0][1], "2024");
    assert_eq!(res.rows[2][2], "271019");
}

#[test]
fn newer_release_replaces_and_keeps_vintage() {
    let (d, s) = store();
    let first = d.path().join("release1.csv");
    let second = d.path().join("release2.csv");
    std::fs::write(
        &first,
        "reporter,partner,flow,period,hs,value_usd\nCN,KP,export,2025-01,2710,100\nCN,KP,export,2025-02,2710,200\n",
    )
    .unwrap();
    std::fs::write(
        &second,
        "reporter,partner,flow,period,hs,value_usd\nCN,KP,export,2025-02,2710,250\nCN,KP,export,2025-03,2710,300\n",
    )
    .unwrap();
    s.import_file(&first, Format::Csv, &ImportOptions::default())
        .unwrap();
    let r = s
        .import_file(&second, Format::Csv, &ImportOptions::default())
        .unwrap();
    assert_eq!(r.superseded_rows, 1);
    let cur = s
        .sql("SELECT period, value_usd FROM trade ORDER BY period")
        .unwrap();
    let got: Vec<(String, f64)> = cur
        .rows
        .iter()
        .map(|r| (r[0].as_str().unwrap().to_string(), r[1].as_f64().unwrap()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("2025-01".into(), 100.0),
            ("2025-02".into(), 250.0),
            ("2025-03".into(), 300.0)
        ]
    );
    let old = s
        .sql("SELECT month, value_usd, source_file FROM vintages")
        .unwrap();
    assert_eq!(old.rows.len(), 1);
    assert_eq!(old.rows[0][1].as_f64().unwrap(), 200.0);
    assert!(old.rows[0][2].as_str().unwrap().ends_with("release1.csv"));
    let m = s.manifest().unwrap();
    assert_eq!(m.imports[0].superseded.len(), 1);
}

#[test]
fn a_release_for_one_partner_leaves_other_partners_alone() {
    let (d, s) = store();
    let kp = d.path().join("kp.csv");
    let us = d.path().join("us.csv");
    std::fs::write(
        &kp,
        "reporter,partner,flow,period,hs,value_usd\nCN,KP,export,2016,2710,100\nCN,RU,export,2016,2710,700\n",
    )
    .unwrap();
    std::fs::write(
        &us,
        "reporter,partner,flow,period,hs,value_usd\nCN,US,export,2016,2710,5\nCN,RU,export,2016,2710,750\n",
    )
    .unwrap();
    s.import_file(&kp, Format::Csv, &ImportOptions::default())
        .unwrap();
    let r = s
        .import_file(&us, Format::Csv, &ImportOptions::default())
        .unwrap();
    // Only the RU line is revised; KP's figure stays current.
    assert_eq!(r.superseded_rows, 1);
    let cur = s
        .sql("SELECT partner, value_usd FROM trade ORDER BY partner")
        .unwrap();
    let got: Vec<(String, f64)> = cur
        .rows
        .iter()
        .map(|r| (r[0].as_str().unwrap().to_string(), r[1].as_f64().unwrap()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("KP".into(), 100.0),
            ("RU".into(), 750.0),
            ("US".into(), 5.0)
        ]
    );
}

#[test]
fn comtrade_classic_real_sample() {
    let Some(f) =
        shared("un-comtrade-hs27-hs44-pmacg/comtrade_oil_CHN-PRK-RUS_pairs_1988-2017.csv")
    else {
        return;
    };
    let (_d, s) = store();
    let r = s
        .import_file(&f, Format::Comtrade, &ImportOptions::default())
        .unwrap();
    assert!(r.rows > 190, "{r:?}");
    // SOURCE.txt: China imports HS27 from the DPRK, 2015: US$1,063,985,968.
    let res = s
        .sql("SELECT value_usd FROM trade WHERE reporter='CN' AND partner='KP' AND flow='import' AND year=2015 AND hs='27'")
        .unwrap();
    assert_eq!(res.rows.len(), 1);
    assert_eq!(res.rows[0][0].as_f64().unwrap(), 1_063_985_968.0);
}

#[test]
fn comtrade_full_year_all_reporters() {
    let Some(f) = shared("un-comtrade-hs27-hs44-pmacg/comtrade_oil_2017_full_all_reporters.csv")
    else {
        return;
    };
    let (_d, s) = store();
    let r = s
        .import_file(&f, Format::Comtrade, &ImportOptions::default())
        .unwrap();
    assert!(r.rows > 15_000, "{r:?}");
    let res = s.sql("SELECT count(DISTINCT reporter) FROM trade").unwrap();
    assert!(res.rows[0][0].as_i64().unwrap() > 100);
}

#[test]
fn comtrade_plus_layout() {
    let (d, s) = store();
    let f = d.path().join("plus.csv");
    let header = "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,legacyEstimationFlag,isReported,isAggregate";
    let row = |month: &str, flow: &str, partner2: &str, value: &str| {
        format!(
            "C,M,20240101,2024,{month},2024{month},643,RUS,Russian Federation,{flow},Export,408,PRK,Dem. People's Rep. of Korea,{partner2},W00,World,H6,HS,true,271012,\"Light oils, preparations\",6,true,C00,TOTAL,0,0,TOTAL,8,kg,1000,false,-1,N/A,,false,1000,false,,false,,{value},{value},0,true,false"
        )
    };
    let body = format!(
        "{header}\n{}\n{}\n{}\n",
        row("01", "X", "0", "5000"),
        row("02", "X", "0", "6000"),
        row("02", "X", "156", "1")
    );
    std::fs::write(&f, body).unwrap();
    let r = s
        .import_file(&f, Format::Comtrade, &ImportOptions::default())
        .unwrap();
    assert_eq!((r.rows, r.skipped), (2, 1));
    let res = s
        .sql("SELECT reporter, partner, flow, period, hs, value_usd FROM trade ORDER BY period")
        .unwrap();
    assert_eq!(res.rows[1][0], "RU");
    assert_eq!(res.rows[1][1], "KP");
    assert_eq!(res.rows[1][3], "2024-02");
    assert_eq!(res.rows[1][5].as_f64().unwrap(), 6000.0);
}

#[test]
fn missing_file_is_a_clear_error() {
    let (_d, s) = store();
    let e = s
        .import_file(&fixture("nope.csv"), Format::Csv, &ImportOptions::default())
        .unwrap_err();
    assert!(e.to_string().contains("nope.csv"), "{e}");
}
