//! What an analyst relies on: nothing lost between `top` and `totals`, missing is not zero,
//! partial years say so, caps count from adoption, one dataset per period, data as of a release.

use entente_trade::{
    AsOf, By, Flow, Format, ImportOptions, LineKind, Measures, NaiveDate, Period, Scope, TradeStore,
};

use crate::common::write;

const HEAD: &str = "reporter,partner,flow,period,hs,value_usd,quantity,unit\n";

/// A store with `files` (name, canonical CSV body after [`HEAD`]) imported in order, and
/// the sha256 of each import.
fn store_with(files: &[(&str, &str)]) -> (tempfile::TempDir, TradeStore, Vec<String>) {
    let (d, s) = crate::common::store();
    let shas = files
        .iter()
        .map(|(name, body)| {
            let p = write(&d, name, &format!("{HEAD}{body}"));
            s.import_file(&p, Format::Csv, &ImportOptions::default())
                .unwrap_or_else(|e| panic!("{name}: {e}"))
                .sha256
        })
        .collect();
    (d, s, shas)
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

fn kp(flow: Option<Flow>, from: Period, to: Period) -> Scope {
    let mut sc = Scope::new("CN", "KP");
    sc.flow = flow;
    sc.from = Some(from);
    sc.to = Some(to);
    sc
}

#[test]
fn top_keeps_coarser_codes_as_unallocated_and_reconciles_with_totals() {
    let (_d, s, _) = store_with(&[(
        "a.csv",
        "CN,KP,export,2017,2710,500,,\nCN,KP,export,2017,27,300,,\n\
         CN,KP,export,2017,8703,200,,\nCN,KP,export,2017,1507,50,,\nCN,KP,export,2017,99,25,,\n",
    )]);
    let sc = kp(Some(Flow::Export), Period::year(2017), Period::year(2017));
    let t = s.top_table(&sc, 4, 2, None, None, None).unwrap();
    assert_eq!(
        t.rows.iter().map(|r| r.hs.as_str()).collect::<Vec<_>>(),
        ["2710", "8703"]
    );
    let others = t.others.as_ref().expect("others line");
    assert_eq!(others.value_usd, 50.0);
    let un = t.unallocated.as_ref().expect("unallocated line");
    assert_eq!(un.line, LineKind::Unallocated);
    assert_eq!(un.value_usd, 325.0);
    assert!(un.note.as_deref().unwrap().contains("HS2 27"), "{un:?}");
    assert!(t.notes.iter().any(|n| n.contains("not allocated at HS4")));
    let lines = t.lines(Flow::Export);
    let sum: f64 = lines.iter().map(|l| l.value_usd).sum();
    let totals = s
        .totals(&kp(None, Period::year(2017), Period::year(2017)), By::Year)
        .unwrap();
    assert_eq!(Some(sum), totals[0].exports_usd);
    assert_eq!(t.total_usd, 1075.0);
    let shares: f64 = lines.iter().map(|l| l.share).sum();
    assert!((shares - 1.0).abs() < 1e-12);
}

#[test]
fn compare_tells_missing_from_zero() {
    let (_d, s, _) = store_with(&[(
        "a.csv",
        "CN,KP,export,2016,2710,1000,,\n\
         CN,KP,export,2017-01,2710,10,,\nCN,KP,export,2017-02,8703,20,,\n\
         CN,KP,export,2018-01,2710,30,,\nCN,KP,export,2018-02,1507,40,,\n",
    )]);
    let sc = kp(
        Some(Flow::Export),
        Period::month(2018, 1),
        Period::month(2018, 2),
    );
    // 2016 holds an annual figure only: Jan–Feb 2016 cannot be told, not 0.
    let t = s.top_table(&sc, 4, 10, Some(2016), None, None).unwrap();
    assert!(
        t.rows
            .iter()
            .all(|r| r.compare_value_usd.is_none() && r.change.is_none())
    );
    assert!(
        t.notes.iter().any(|n| n.contains("annual figures only")),
        "{:?}",
        t.notes
    );
    // No data at all in 2010.
    let t = s.top_table(&sc, 4, 10, Some(2010), None, None).unwrap();
    assert!(t.rows.iter().all(|r| r.compare_value_usd.is_none()));
    assert!(
        t.notes.iter().any(|n| n.contains("no data")),
        "{:?}",
        t.notes
    );
    // 2017 has monthly detail: a code it lacks is a real 0.
    let t = s.top_table(&sc, 4, 10, Some(2017), None, None).unwrap();
    let v = |hs: &str| {
        t.rows
            .iter()
            .find(|r| r.hs == hs)
            .unwrap()
            .compare_value_usd
    };
    assert_eq!(v("2710"), Some(10.0));
    assert_eq!(v("1507"), Some(0.0));
    let json = serde_json::to_value(t.lines(Flow::Export)).unwrap();
    assert!(
        json.to_string()
            .contains("\"compare_period\":\"2017-01/2017-02\"")
    );
}

#[test]
fn totals_mark_partial_years_and_compare_like_months() {
    // Both flows: a year without imports would have no total to compare.
    let body = monthly(2024, 12, "2710,100,,", "2701,10,,")
        + &monthly(2025, 10, "2710,110,,", "2701,11,,");
    let (_d, s, _) = store_with(&[("m.csv", &body)]);
    let rows = s.totals(&Scope::new("CN", "KP"), By::Year).unwrap();
    let (y24, y25) = (&rows[0], &rows[1]);
    assert!(!y24.partial);
    assert_eq!(y24.months.as_deref(), Some("01-12"));
    assert!(y25.partial);
    assert_eq!(y25.months.as_deref(), Some("01-10"));
    assert_eq!(y25.period_label(), "2025 (Jan–Oct)");
    // Jan–Oct 2025 on Jan–Oct 2024 (+10 %), not on the whole of 2024.
    assert!((y25.change.unwrap() - 0.1).abs() < 1e-12, "{y25:?}");
    assert!(y25.note.as_deref().unwrap().contains("Jan–Oct 2024"));
}

#[test]
fn cap_share_counts_only_periods_after_adoption() {
    // Coal: cap of 2321 para 26 adopted 2016-11-30. 2016 is an annual figure: not counted.
    let (_d, s, _) = store_with(&[(
        "coal.csv",
        "CN,KP,import,2016,2701,1000,22490000,t\n\
         CN,KP,import,2017-01,2701,100,1500000,t\nCN,KP,import,2017-02,2701,100,750000,t\n",
    )]);
    let m = Measures::unsc_dprk().unwrap();
    let asof = NaiveDate::from_ymd_opt(2017, 3, 1).unwrap();
    let share = |from: Period, to: Period| {
        let rows = s
            .screen(&kp(Some(Flow::Import), from, to), &m, asof, None)
            .unwrap();
        let coal = rows.iter().find(|r| r.hs == "2701").unwrap();
        let cap = coal
            .measures
            .iter()
            .find(|x| x.id == "2321-26-coal-cap")
            .unwrap();
        cap.cap.clone().unwrap()
    };
    let only2016 = share(Period::year(2016), Period::year(2016));
    assert_eq!(
        only2016.quantity,
        Some(22_490_000.0),
        "the window's quantity stays"
    );
    assert_eq!(only2016.share_of_cap, None, "{only2016:?}");
    assert!(
        only2016.note.contains("not counted: 2016"),
        "{}",
        only2016.note
    );
    let both = share(Period::year(2016), Period::month(2017, 2));
    assert_eq!(both.share_year, Some(2017));
    assert_eq!(both.counted_in_cap_unit, Some(2_250_000.0));
    assert!((both.share_of_cap.unwrap() - 0.3).abs() < 1e-12, "{both:?}");
}

#[test]
fn one_dataset_per_period_by_precedence_and_reconcile_shows_both() {
    let (d, s, _) = store_with(&[(
        "a.csv",
        "CN,KP,import,2018-01,2701,100,,\nCN,KP,import,2018-02,2701,100,,\nCN,KP,import,2017,2701,900,,\n",
    )]);
    let cc = write(
        &d,
        "cc.csv",
        "Date of data,Commodity code,Trading partner code,US dollar,\n201801,27011200,109,150,\n201802,27011200,109,170,\n",
    );
    s.import_file(
        &cc,
        Format::ChinaCustoms,
        &ImportOptions {
            flow: Some(Flow::Import),
            ..Default::default()
        },
    )
    .unwrap();
    let all = Scope::new("CN", "KP");
    let rows = s.totals(&all, By::Year).unwrap();
    let y18 = rows.iter().find(|r| r.period == "2018").unwrap();
    assert_eq!(y18.imports_usd, Some(320.0), "China Customs only, not 520");
    assert_eq!(y18.dataset, "china-customs");
    let y17 = rows.iter().find(|r| r.period == "2017").unwrap();
    assert_eq!(
        (y17.imports_usd, y17.dataset.as_str()),
        (Some(900.0), "csv")
    );
    let sel = s.select(&all).unwrap();
    assert_eq!(sel.choices.len(), 1);
    assert_eq!(sel.choices[0].used, "china-customs");
    assert!(
        sel.notes()[0].contains("csv set aside"),
        "{:?}",
        sel.notes()
    );
    let mut only_csv = all.clone();
    only_csv.dataset = Some("csv".into());
    let rows = s.totals(&only_csv, By::Year).unwrap();
    assert_eq!(
        rows.iter()
            .find(|r| r.period == "2018")
            .unwrap()
            .imports_usd,
        Some(200.0)
    );
    let rec = s.reconcile(&all, By::Year).unwrap();
    let r18 = rec.iter().find(|r| r.period == "2018").unwrap();
    assert_eq!(r18.china_customs_usd, Some(320.0));
    assert_eq!(r18.csv_usd, Some(200.0));
    assert_eq!(r18.used, "china-customs");
    assert_eq!(r18.difference_usd, Some(-120.0));
    // The screen and top read one dataset too.
    let mut sc = kp(Some(Flow::Import), Period::year(2018), Period::year(2018));
    let top = s.top(&sc, 4, 10, None, None).unwrap();
    assert_eq!(top[0].value_usd, 320.0);
    sc.dataset = Some("csv".into());
    assert_eq!(s.top(&sc, 4, 10, None, None).unwrap()[0].value_usd, 200.0);
}

#[test]
fn as_of_a_release_reads_the_figures_it_replaced() {
    let (_d, s, shas) = store_with(&[
        ("r1.csv", "CN,KP,export,2017,2710,500,,\n"),
        ("r2.csv", "CN,KP,export,2017,2710,700,,\n"),
    ]);
    let mut sc = Scope::new("CN", "KP");
    assert_eq!(s.totals(&sc, By::Year).unwrap()[0].exports_usd, Some(700.0));
    sc.as_of = Some(AsOf::Release(shas[0][..10].to_string()));
    assert_eq!(s.totals(&sc, By::Year).unwrap()[0].exports_usd, Some(500.0));
    let sel = s.select(&sc).unwrap();
    assert_eq!(sel.release.as_ref().unwrap().later_imports, 1);
    sc.as_of = Some(AsOf::Date(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()));
    assert!(s.totals(&sc, By::Year).unwrap().is_empty());
    sc.as_of = Some(AsOf::Release("abcdef".into()));
    assert!(s.totals(&sc, By::Year).is_err());
    assert!(AsOf::parse("2025-13-01").is_err());
}

#[test]
fn ytd_leaves_years_without_monthly_figures_empty_not_zero() {
    let mut body = "CN,KP,export,2016,2710,5000,,\nCN,KP,import,2016,2701,900,,\n".to_string();
    for (y, months, x) in [(2017, 10, 100), (2018, 10, 110), (2019, 8, 120)] {
        body += &monthly(y, months, &format!("2710,{x},,"), "2701,10,,");
    }
    let (_d, s, _) = store_with(&[("y.csv", &body)]);
    let rows = s
        .ytd(&Scope::new("CN", "KP"), 10, (2016, 2020), None)
        .unwrap();
    let year = |y: i32| rows.iter().find(|r| r.year == y).unwrap();
    // 2016: annual figures only; 2020: nothing at all. Neither is a zero.
    for y in [2016, 2020] {
        let r = year(y);
        assert_eq!(
            (r.exports_usd, r.imports_usd, r.total_usd, r.balance_usd),
            (None, None, None, None),
            "{r:?}"
        );
        assert_eq!(r.months, None);
        assert_eq!(r.change, None);
    }
    assert!(
        year(2016).note.as_deref().unwrap().contains("annual"),
        "{:?}",
        year(2016)
    );
    assert!(year(2020).note.as_deref().unwrap().contains("no data"));
    // 2018 on 2017, like for like.
    let r18 = year(2018);
    assert_eq!(r18.total_usd, Some(1200.0));
    assert!(
        (r18.change.unwrap() - (1200.0 / 1100.0 - 1.0)).abs() < 1e-12,
        "{r18:?}"
    );
    assert!(!r18.partial);
    // The base year (2016) has no Jan–Oct figure: no change on it.
    assert_eq!(r18.change_on_base, None);
    // 2019 covers Jan–Aug only: partial, and not compared with Jan–Oct 2018.
    let r19 = year(2019);
    assert!(r19.partial);
    assert_eq!(r19.months.as_deref(), Some("01-08"));
    assert_eq!(r19.months_label().as_deref(), Some("Jan–Aug"));
    assert_eq!(r19.exports_usd, Some(960.0));
    assert_eq!(r19.change, None);
    assert!(
        r19.note.as_deref().unwrap().contains("Jan–Aug only"),
        "{r19:?}"
    );
}

#[test]
fn json_amounts_are_whole_dollars_and_fractions_four_decimals() {
    let body = monthly(2024, 12, "2710,300,,", "2701,7,1000,t")
        + &monthly(2025, 10, "2710,301,,", "2701,9,1000,t");
    let (_d, s, _) = store_with(&[("j.csv", &body)]);
    let sc = Scope::new("CN", "KP");
    let mut one = kp(
        Some(Flow::Export),
        Period::month(2025, 1),
        Period::month(2025, 10),
    );
    let json = |v: serde_json::Value| -> Vec<serde_json::Value> {
        match v {
            serde_json::Value::Array(a) => a,
            o => vec![o],
        }
    };
    let mut objs = Vec::new();
    objs.extend(json(
        serde_json::to_value(s.totals(&sc, By::Year).unwrap()).unwrap(),
    ));
    objs.extend(json(
        serde_json::to_value(s.totals(&sc, By::Month).unwrap()).unwrap(),
    ));
    objs.extend(json(
        serde_json::to_value(s.ytd(&sc, 10, (2024, 2025), None).unwrap()).unwrap(),
    ));
    let t = s.top_table(&one, 4, 10, Some(2024), None, None).unwrap();
    objs.extend(json(serde_json::to_value(t.lines(Flow::Export)).unwrap()));
    objs.extend(json(serde_json::to_value(&t).unwrap()));
    objs.extend(json(
        serde_json::to_value(s.series(&sc, "27", By::Month).unwrap()).unwrap(),
    ));
    objs.extend(json(
        serde_json::to_value(s.reconcile(&sc, By::Year).unwrap()).unwrap(),
    ));
    one.flow = Some(Flow::Import);
    let m = Measures::unsc_dprk().unwrap();
    let date = NaiveDate::from_ymd_opt(2025, 12, 1).unwrap();
    objs.extend(json(
        serde_json::to_value(s.screen(&one, &m, date, None).unwrap()).unwrap(),
    ));
    // Every number anywhere: amounts (`*_usd`) are integers or null, fractions have at most
    // four decimals.
    fn walk(k: &str, v: &serde_json::Value, seen: &mut usize) {
        match v {
            serde_json::Value::Object(o) => o.iter().for_each(|(k, v)| walk(k, v, seen)),
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(k, v, seen)),
            serde_json::Value::Number(n) if k.ends_with("_usd") => {
                *seen += 1;
                assert!(n.is_i64(), "{k}: {n} is not whole dollars");
            }
            serde_json::Value::Number(n) if k.contains("change") || k.contains("share") => {
                let f = n.as_f64().unwrap();
                assert!(
                    ((f * 1e4).round() / 1e4 - f).abs() < 1e-12 && n.to_string().len() <= 8,
                    "{k}: {n} not rounded to 4 decimals"
                );
            }
            _ => {}
        }
    }
    let mut seen = 0;
    for o in &objs {
        walk("", o, &mut seen);
    }
    assert!(seen > 40, "{seen} amounts checked");
    // 3,010 / 3,000 − 1 = 0.003333…: written 0.0033.
    let y = serde_json::to_value(&s.totals(&sc, By::Year).unwrap()[1]).unwrap();
    assert_eq!(y["exports_change"], serde_json::json!(0.0033), "{y}");
    assert_eq!(y["exports_usd"], serde_json::json!(3010), "{y}");
}

#[test]
fn totals_leave_a_flow_without_rows_empty_not_zero() {
    // 2017: exports only; 2018: both flows. January 2019: exports only; February: both.
    let (_d, s, _) = store_with(&[(
        "x.csv",
        "CN,KP,export,2017,2710,500,,\nCN,KP,export,2018,2710,600,,\nCN,KP,import,2018,2701,100,,\n\
         CN,KP,export,2019-01,2710,40,,\nCN,KP,export,2019-02,2710,50,,\nCN,KP,import,2019-02,2701,5,,\n",
    )]);
    let rows = s.totals(&Scope::new("CN", "KP"), By::Year).unwrap();
    let (y17, y18) = (&rows[0], &rows[1]);
    assert_eq!(
        (
            y17.exports_usd,
            y17.imports_usd,
            y17.total_usd,
            y17.balance_usd
        ),
        (Some(500.0), None, None, None),
        "{y17:?}"
    );
    assert!(
        y17.note
            .as_deref()
            .unwrap()
            .contains("no import figures (no data, not zero)"),
        "{y17:?}"
    );
    // 2018 on 2017: the exports compare, the total cannot.
    assert_eq!(y18.total_usd, Some(700.0));
    assert_eq!(y18.balance_usd, Some(500.0));
    assert_eq!(y18.change, None);
    assert!((y18.exports_change.unwrap() - 0.2).abs() < 1e-12, "{y18:?}");
    assert_eq!(y18.imports_change, None);
    assert_eq!(y18.note, None);
    let json = serde_json::to_value(y17).unwrap();
    assert!(json["imports_usd"].is_null(), "{json}");
    assert!(json["total_usd"].is_null() && json["balance_usd"].is_null());
    assert_eq!(json["exports_usd"], serde_json::json!(500));
    // By month, likewise.
    let sc = kp(None, Period::month(2019, 1), Period::month(2019, 2));
    let months = s.totals(&sc, By::Month).unwrap();
    assert_eq!(months[0].imports_usd, None, "{months:?}");
    assert_eq!(months[0].total_usd, None);
    assert!(
        months[0]
            .note
            .as_deref()
            .unwrap()
            .contains("no import figures")
    );
    assert_eq!(months[1].total_usd, Some(55.0));
    assert_eq!(months[1].imports_change, None);
    assert!((months[1].exports_change.unwrap() - 0.25).abs() < 1e-12);
}

/// The store runs on its caller's runtime and owns none: a server calls it from
/// `spawn_blocking` on the runtime that serves requests, several at once.
#[test]
fn queries_run_from_spawn_blocking_on_the_callers_runtime() {
    let (_d, s, _) = store_with(&[("a.csv", &monthly(2017, 3, "2710,100,,", "2710,40,,"))]);
    let s = std::sync::Arc::new(s);
    let rt = crate::common::runtime();
    let totals = rt.block_on(async {
        let tasks: Vec<_> = (0..3)
            .map(|_| {
                let s = s.clone();
                tokio::task::spawn_blocking(move || {
                    s.totals(&kp(None, Period::year(2017), Period::year(2017)), By::Year)
                })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.expect("the task ran").expect("the query ran"));
        }
        out
    });
    for t in &totals {
        assert_eq!(t[0].exports_usd, Some(300.0));
        assert_eq!(t[0].imports_usd, Some(120.0));
    }
}
