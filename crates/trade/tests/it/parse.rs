use entente_trade::model::{Period, normalize_hs};
use entente_trade::parse::{Format, ImportOptions, parse, parse_number};
use proptest::prelude::*;
use std::path::Path;

#[test]
fn periods() {
    assert_eq!(Period::parse("2025-03").unwrap(), Period::month(2025, 3));
    assert_eq!(Period::parse("202503").unwrap(), Period::month(2025, 3));
    assert_eq!(Period::parse("2025").unwrap(), Period::year(2025));
    for bad in [
        "2025-13", "2025-00", "202513", "25-01", "20250", "x", "", "2025-1-1", "3025",
    ] {
        assert!(Period::parse(bad).is_err(), "{bad} accepted");
    }
}

#[test]
fn hs_codes() {
    assert_eq!(normalize_hs("2710.12").unwrap(), "271012");
    assert_eq!(normalize_hs(" 85171200 ").unwrap(), "85171200");
    for bad in ["2710A2", "271", "0012", "", "12345678901"] {
        assert!(normalize_hs(bad).is_err(), "{bad} accepted");
    }
}

#[test]
fn numbers() {
    assert_eq!(parse_number("1,234,567").unwrap(), 1_234_567.0);
    assert_eq!(parse_number("-12.5").unwrap(), -12.5);
    for bad in ["12x4", "?", "", "NaN", "inf", "--"] {
        assert!(parse_number(bad).is_err(), "{bad} accepted");
    }
}

proptest! {
    #[test]
    fn period_roundtrip(y in 1900i32..=2100, m in 1u8..=12) {
        let p = Period::month(y, m);
        prop_assert_eq!(Period::parse(&p.to_string()).unwrap(), p);
        prop_assert_eq!(Period::parse(&format!("{y}{m:02}")).unwrap(), p);
    }

    #[test]
    fn period_never_panics(s in "\\PC{0,12}") {
        let _ = Period::parse(&s);
    }

    #[test]
    fn hs_valid_digits(code in "[0-9]{1,11}") {
        match normalize_hs(&code) {
            Ok(h) => {
                prop_assert!(matches!(h.len(), 2 | 4 | 6 | 8 | 10));
                prop_assert!(&h[..2] != "00");
            }
            Err(e) => prop_assert!(e.contains("HS code")),
        }
    }

    #[test]
    fn number_roundtrip(v in -1.0e12f64..1.0e12) {
        prop_assert_eq!(parse_number(&v.to_string()).unwrap(), v);
    }

    /// Arbitrary bytes never panic any reader; they parse or give row errors.
    #[test]
    fn readers_never_panic(body in proptest::collection::vec(any::<u8>(), 0..400)) {
        for f in [Format::ChinaCustoms, Format::Comtrade, Format::Csv] {
            let opts = ImportOptions { flow: Some(entente_trade::Flow::Export), ..Default::default() };
            let _ = parse(Path::new("x.csv"), &body, f, &opts);
        }
    }

    /// Canonical rows written from valid values read back identically.
    #[test]
    fn canonical_roundtrip(
        rows in proptest::collection::vec((2000i32..2030, 1u8..=12, "[1-9][0-9]{5}", 0u32..10_000_000), 1..20)
    ) {
        let mut body = String::from("reporter,partner,flow,period,hs,value_usd\n");
        let mut seen = std::collections::HashSet::new();
        let mut n = 0;
        for (y, m, hs, v) in &rows {
            if !seen.insert((*y, *m, hs.clone())) { continue; }
            body.push_str(&format!("CN,KP,export,{y}-{m:02},{hs},{v}\n"));
            n += 1;
        }
        let p = parse(Path::new("x.csv"), body.as_bytes(), Format::Csv, &ImportOptions::default()).unwrap();
        prop_assert_eq!(p.records.len(), n);
    }
}

#[test]
fn china_customs_quirks() {
    let bytes = std::fs::read(crate::common::fixture("cc-exports-kp-2015-zh.csv")).unwrap();
    let opts = ImportOptions {
        flow: Some(entente_trade::Flow::Export),
        ..Default::default()
    };
    let p = parse(Path::new("x"), &bytes, Format::ChinaCustoms, &opts).unwrap();
    assert_eq!(p.records.len(), 100);
    let r = p.records.iter().min_by_key(|r| r.line).unwrap();
    assert_eq!(
        (r.reporter.as_str(), r.partner.as_str(), r.hs.as_str()),
        ("CN", "KP", "87042300")
    );
    assert_eq!(r.line, 2);
    // `?` reads as missing.
    let naphtha = p.records.iter().find(|r| r.hs == "27101220").unwrap();
    assert_eq!(naphtha.quantity2, None);
    assert_eq!(naphtha.unit.as_deref(), Some("千克"));
    // The quoted field with a newline moves later rows' lines down by one.
    let after = p
        .records
        .iter()
        .find(|r| r.hs == "84713000" && r.period == Period::month(2015, 3))
        .unwrap();
    assert_eq!(after.line, 2 + 2 * 10 + 4 + 1);
}

#[test]
fn gb18030_and_header_order() {
    let bytes = std::fs::read(crate::common::fixture("cc-imports-kp-2025-gb18030.csv")).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "fixture must not be UTF-8"
    );
    let opts = ImportOptions {
        flow: Some(entente_trade::Flow::Import),
        ..Default::default()
    };
    let p = parse(Path::new("x"), &bytes, Format::ChinaCustoms, &opts).unwrap();
    assert_eq!(p.encoding, "GB18030");
    assert_eq!(p.records.len(), 30);
    assert!(p.records.iter().all(|r| r.partner == "KP"));
    let first = p.records.iter().min_by_key(|r| r.line).unwrap();
    assert_eq!(first.value_usd, 9_000_100.0);
    assert_eq!(first.hs, "67042000");
}

#[test]
fn cumulative_differencing() {
    let bytes = std::fs::read(crate::common::fixture("cc-cumulative-ru-2025.csv")).unwrap();
    let opts = ImportOptions {
        flow: Some(entente_trade::Flow::Import),
        cumulative: true,
        ..Default::default()
    };
    let mut p = parse(Path::new("x"), &bytes, Format::ChinaCustoms, &opts).unwrap();
    p.records.sort_by_key(|r| r.line);
    let crude: Vec<f64> = p
        .records
        .iter()
        .filter(|r| r.hs == "27090000")
        .map(|r| r.value_usd)
        .collect();
    assert_eq!(crude, vec![100.0, 150.0, 170.0]);
    let coal: Vec<f64> = p
        .records
        .iter()
        .filter(|r| r.hs == "27011210")
        .map(|r| r.value_usd)
        .collect();
    assert_eq!(coal, vec![50.0, 0.0, 30.0]);
    assert!(p.records.iter().all(|r| r.partner == "RU"));
}

#[test]
fn flow_is_required_for_china_customs() {
    let bytes = std::fs::read(crate::common::fixture("cc-cumulative-ru-2025.csv")).unwrap();
    let e = parse(
        Path::new("x"),
        &bytes,
        Format::ChinaCustoms,
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert!(e[0].message.contains("--flow"), "{e:?}");
}

/// Large unquoted canonical files are parsed in parallel chunks; line numbers stay exact.
#[test]
fn large_canonical_in_chunks_keeps_line_numbers() {
    let mut body = String::from("reporter,partner,flow,period,hs,value_usd\n");
    let mut n = 0u64;
    'outer: for y in 2000..2030 {
        for m in 1..=12 {
            for hs in 0..1000 {
                body.push_str(&format!(
                    "CN,KP,export,{y}-{m:02},{:06},{}\n",
                    100_000 + hs,
                    hs + 1
                ));
                n += 1;
                if body.len() > 12 << 20 {
                    break 'outer;
                }
            }
        }
    }
    let p = parse(
        Path::new("big.csv"),
        body.as_bytes(),
        Format::Csv,
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(p.records.len() as u64, n);
    let max = p.records.iter().map(|r| r.line).max().unwrap();
    assert_eq!(max, n + 1);
    // A bad value on the last line is reported with its exact line.
    body.push_str("CN,KP,export,2031-01,271012,12x\n");
    let e = parse(
        Path::new("big.csv"),
        body.as_bytes(),
        Format::Csv,
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(
        (e[0].line, e[0].column.as_str(), e[0].column_no),
        (n + 2, "value_usd", 6)
    );
}

/// The compact path for canonical CSV agrees with the full one and reports the same errors.
#[test]
fn bulk_canonical_matches_full_path() {
    use entente_trade::parse::parse_bulk;
    let mut body = String::from("reporter,partner,flow,period,hs,value_usd,quantity,unit\n");
    for i in 0..400_000u32 {
        let (y, m) = (2000 + i / 12_000, 1 + (i / 1000) % 12);
        body.push_str(&format!(
            "CN,RU,import,{y}-{m:02},{:08},{},{},kg\n",
            10_000_000 + i % 1000,
            i + 1,
            i
        ));
    }
    let b = parse_bulk(body.as_bytes()).unwrap();
    assert_eq!(b.rows.len(), 400_000);
    assert!(
        b.rows.windows(2).all(|w| w[0].key < w[1].key),
        "sorted, unique"
    );
    assert_eq!(b.units, vec!["kg".to_string()]);
    // Dotted codes and thousands separators take the full validation and still pass.
    let small =
        "reporter,partner,flow,period,hs,value_usd\nCN,KP,export,2025-01,2710.12,\"1,000\"\n";
    let b = parse_bulk(small.as_bytes()).unwrap();
    let (_, _, _, _, _, hs) = entente_trade::model::split_key(b.rows[0].key);
    assert_eq!((hs.as_str(), b.rows[0].value), ("271012", 1000.0));
    // A conflicting duplicate far apart is found, with both lines.
    body.push_str("CN,RU,import,2000-01,10000000,999,0,kg\n");
    let e = parse_bulk(body.as_bytes()).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].line, 400_002);
    assert!(
        e[0].message.contains("conflicting duplicate of line 2"),
        "{}",
        e[0].message
    );
}
