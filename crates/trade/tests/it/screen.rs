use entente_trade::{Flow, Measures, NaiveDate, Period, Scope};

use crate::common::loaded;

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn bundled_measures_validate() {
    let m = Measures::unsc_dprk().unwrap();
    assert_eq!(m.target, "KP");
    for r in [1718, 2270, 2321, 2371, 2375, 2397] {
        assert!(
            m.measures.iter().any(|x| x.resolution == r),
            "no measure of {r}"
        );
    }
    assert!(m.measures.iter().all(|x| !x.note.is_empty()));
}

#[test]
fn public_facts_china_exports_2015() {
    let (_d, s) = loaded();
    let m = Measures::unsc_dprk().unwrap();
    let mut sc = Scope::new("CN", "KP");
    sc.flow = Some(Flow::Export);
    sc.from = Some(Period::month(2015, 1));
    sc.to = Some(Period::month(2015, 10));
    let rows = s.screen(&sc, &m, date("2025-12-01"), None).unwrap();
    assert_eq!(rows.len(), 10);
    let line = |hs6: &str| {
        rows.iter()
            .find(|r| r.hs.starts_with(hs6))
            .unwrap_or_else(|| panic!("no line {hs6}"))
    };
    for hs6 in ["870423", "271012", "851712", "852872", "847130"] {
        let r = line(hs6);
        assert!(
            !r.measures.is_empty(),
            "{hs6} should be restricted as of 2025"
        );
        assert!(
            r.measures.iter().all(|m| !m.in_force_at_shipment),
            "{hs6} should not be restricted in 2015: {:?}",
            r.measures
        );
    }
    for hs6 in ["150790", "540769", "690890", "600632", "401120"] {
        assert!(
            line(hs6).measures.is_empty(),
            "{hs6} should not be restricted: {:?}",
            line(hs6).measures
        );
    }
    // 2710.12 falls under the refined petroleum caps, with quantities reported against them.
    let petrol = line("271012");
    let cap = petrol
        .measures
        .iter()
        .find(|m| m.resolution == 2397 && m.paragraph == "5")
        .expect("2397 para 5");
    let cu = cap.cap.as_ref().expect("cap use");
    assert_eq!(cu.cap_amount, 500_000.0);
    assert_eq!(cu.quantity, Some(35_000_000.0));
    assert!((cu.quantity_in_cap_unit.unwrap() - 35_000.0 * 7.33).abs() < 1e-6);
    // Screening the same lines as of 2015 finds nothing.
    let then = s.screen(&sc, &m, date("2015-12-31"), None).unwrap();
    assert!(then.iter().all(|r| r.measures.is_empty()));
    let json = serde_json::to_value(petrol).unwrap();
    for k in ["hs", "label", "value_usd", "measures"] {
        assert!(json.get(k).is_some(), "missing {k}");
    }
    let m0 = &json["measures"][0];
    for k in ["resolution", "paragraph", "kind", "in_force_at_shipment"] {
        assert!(m0.get(k).is_some(), "missing measures[].{k}");
    }
}

#[test]
fn public_facts_dprk_wigs_2025() {
    let (_d, s) = loaded();
    let m = Measures::unsc_dprk().unwrap();
    let mut sc = Scope::new("CN", "KP");
    sc.flow = Some(Flow::Import);
    sc.from = Some(Period::year(2025));
    let rows = s.screen(&sc, &m, date("2025-12-01"), None).unwrap();
    let wigs = rows.iter().find(|r| r.hs.starts_with("670420")).unwrap();
    assert!(wigs.measures.is_empty(), "{:?}", wigs.measures);
    // Electrical parts (HS 85) from the DPRK are banned by 2397 para 6, in force at shipment.
    let parts = rows.iter().find(|r| r.hs.starts_with("8541")).unwrap();
    let p6 = parts
        .measures
        .iter()
        .find(|m| m.resolution == 2397)
        .unwrap();
    assert_eq!(p6.paragraph, "6");
    assert!(p6.in_force_at_shipment);
}

#[test]
fn invalid_measures_name_measure_and_field() {
    let path = std::path::Path::new("bad.toml");
    let cases = [
        (
            "[[measure]]\nid = \"x\"\nresolution = 2397\nparagraph = \"5\"\nadopted = \"2017-12-22\"\ndirection = \"to\"\nkind = \"cap\"\nitems = \"oil\"\nhs = [\"2710\"]\nnote = \"n\"\n",
            "measure `x`: kind = \"cap\" needs",
        ),
        (
            "[[measure]]\nid = \"y\"\nresolution = 2397\nparagraph = \"5\"\nadopted = \"2017-12-22\"\ndirection = \"to\"\nkind = \"ban\"\nitems = \"oil\"\nhs = [\"27a0\"]\nnote = \"n\"\n",
            "measure `y`: field `hs`",
        ),
        (
            "[[measure]]\nid = \"z\"\nresolution = 2397\nparagraph = \"5\"\nadopted = \"2017-13-22\"\ndirection = \"to\"\nkind = \"ban\"\nitems = \"oil\"\nhs = [\"2710\"]\nnote = \"n\"\n",
            "adopted",
        ),
        (
            "[[measure]]\nid = \"w\"\nresolution = 2397\nparagraph = \"5\"\nadopted = \"2017-12-22\"\ndirection = \"into\"\nkind = \"ban\"\nitems = \"oil\"\nhs = [\"2710\"]\nnote = \"n\"\n",
            "direction",
        ),
    ];
    for (text, needle) in cases {
        let e = Measures::parse(text, path).unwrap_err().to_string();
        assert!(e.contains("bad.toml") && e.contains(needle), "{e}");
    }
}

#[test]
fn aggregated_lines_are_flagged_as_partly_covered() {
    let m = Measures::unsc_dprk().unwrap();
    let coal = m
        .measures
        .iter()
        .find(|x| x.covers("27011200"))
        .expect("a measure covering coal");
    assert!(coal.covers_part("27"), "chapter 27 contains coal");
    assert!(!coal.covers("27"), "but is not wholly coal");
    assert!(
        !coal.covers_part("2701"),
        "2701 is wholly in scope, not partly"
    );
    assert!(!coal.covers_part("28"));

    // The real Comtrade rows are chapter totals: China's 2017 imports of HS 27 from the DPRK
    // are flagged as partly under the coal ban, and no cap share is claimed for them.
    let Some(file) = crate::common::shared(
        "un-comtrade-hs27-hs44-pmacg/comtrade_oil_CHN-PRK-RUS_pairs_1988-2017.csv",
    ) else {
        return;
    };
    let (_d, s) = crate::common::store();
    s.import_file(
        &file,
        entente_trade::Format::Comtrade,
        &entente_trade::ImportOptions {
            reporter: None,
            flow: None,
            cumulative: false,
        },
    )
    .unwrap();
    let mut sc = Scope::new("CN", "KP");
    sc.flow = Some(Flow::Import);
    sc.from = Some(Period::year(2017));
    sc.to = Some(Period::year(2017));
    let rows = s.screen(&sc, &m, date("2025-12-01"), None).unwrap();
    let ch27 = rows.iter().find(|r| r.hs == "27").expect("chapter 27 line");
    assert!(!ch27.measures.is_empty(), "{ch27:?}");
    assert!(
        ch27.measures.iter().all(|x| x.partial && x.cap.is_none()),
        "{ch27:?}"
    );
}
