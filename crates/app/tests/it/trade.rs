//! Customs statistics through the application layer: import, totals, year-to-date, top
//! products, the screen, refused requests naming their field, and requests and results as
//! JSON.

use std::path::{Path, PathBuf};

use entente_app::{
    Access, App, ErrorKind, Noted, ScreenQuery, SeriesQuery, TopQuery, TotalsQuery, TradeImport,
    TradeImportProgress, TradeScope, YtdQuery,
};
use entente_trade::{By, Flow, Format, LineKind};

const HEAD: &str = "reporter,partner,flow,period,hs,value_usd,quantity,unit\n";

/// CN–KP figures written for these tests: two months of 2024 and of 2025.
const BODY: &str = "\
CN,KP,export,2024-01,2710,1000,,
CN,KP,export,2024-02,2710,1000,,
CN,KP,export,2024-01,8703,500,,
CN,KP,import,2024-01,2701,200,1000,t
CN,KP,export,2025-01,2710,1500,,
CN,KP,export,2025-02,2710,500,,
CN,KP,import,2025-01,2701,100,500,t
";

fn app(dir: &Path, access: Access) -> App {
    App::open(dir, access)
        .expect("open")
        .with_runtime(crate::runtime().handle().clone())
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../trade/tests/fixtures")
        .join(name)
}

/// A data directory with [`BODY`] imported.
fn imported() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("kp.csv");
    std::fs::write(&file, format!("{HEAD}{BODY}")).expect("write");
    let app = app(dir.path(), Access::ReadWrite);
    let s = app
        .trade_import(&import_csv(vec![file]), &mut |_| {})
        .expect("import");
    assert!(s.failed.is_empty(), "{:?}", s.failed);
    assert_eq!(s.reports[0].rows, 7);
    (dir, app)
}

fn import_csv(files: Vec<PathBuf>) -> TradeImport {
    TradeImport {
        files,
        format: Format::Csv,
        reporter: None,
        flow: None,
        cumulative: false,
    }
}

fn kp() -> TradeScope {
    TradeScope::new("kp")
}

#[test]
fn an_import_reports_each_file_and_a_refused_file_does_not_stop_the_others() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = app(dir.path(), Access::ReadWrite);
    let files = vec![fixture("bad-canonical.csv"), fixture("canonical.csv")];
    let mut events = Vec::new();
    let s = app
        .trade_import(&import_csv(files), &mut |p| {
            events.push(match p {
                TradeImportProgress::Started { index, total, .. } => {
                    format!("start {index}/{total}")
                }
                TradeImportProgress::Finished { error, .. } => format!("done {}", error.is_some()),
            })
        })
        .expect("import");
    assert_eq!(
        events,
        ["start 0/2", "done true", "start 1/2", "done false"]
    );
    assert_eq!(s.failed.len(), 1);
    assert!(
        s.failed[0].file.ends_with("bad-canonical.csv"),
        "{:?}",
        s.failed
    );
    assert_eq!(s.failed[0].error.kind, ErrorKind::InvalidInput);
    assert_eq!(
        (s.reports.len(), s.reports[0].rows),
        (1, 3),
        "{:?}",
        s.reports
    );
    assert_eq!(s.reports[0].status, "imported");
    // The fixture's reporter is Russia: one export month of 2024 each for 2710.
    let rows = app
        .trade_totals(&TotalsQuery {
            scope: TradeScope {
                reporter: "ru".into(),
                ..kp()
            },
            by: By::Year,
        })
        .expect("totals")
        .rows;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].exports_usd, Some(2_500_000.0));
    assert_eq!(app.trade_files().expect("files").len(), 1);
    // A reader cannot import.
    let reader = self::app(dir.path(), Access::ReadOnly);
    assert!(
        reader
            .trade_import(&import_csv(vec![fixture("canonical.csv")]), &mut |_| {})
            .is_err()
    );
}

#[test]
fn totals_ytd_and_top_add_up() {
    let (_dir, app) = imported();
    let totals = app
        .trade_totals(&TotalsQuery {
            scope: kp(),
            by: By::Year,
        })
        .expect("totals")
        .rows;
    type Row<'a> = (&'a str, Option<f64>, Option<f64>, Option<f64>, bool);
    let t: Vec<Row> = totals
        .iter()
        .map(|r| {
            (
                r.period.as_str(),
                r.exports_usd,
                r.imports_usd,
                r.balance_usd,
                r.partial,
            )
        })
        .collect();
    assert_eq!(
        t,
        [
            ("2024", Some(2500.0), Some(200.0), Some(2300.0), true),
            ("2025", Some(2000.0), Some(100.0), Some(1900.0), true),
        ]
    );
    let ytd = app
        .trade_ytd(&YtdQuery {
            scope: kp(),
            through: 2,
            years: "2024-2025".into(),
            base: None,
        })
        .expect("ytd")
        .rows;
    assert_eq!(ytd.len(), 2);
    assert_eq!(ytd[1].total_usd, Some(2100.0));
    let change = ytd[1].change.expect("a like period");
    assert!((change - (2100.0 / 2700.0 - 1.0)).abs() < 1e-9, "{change}");
    let top = app
        .trade_top(&TopQuery {
            scope: kp(),
            flow: Flow::Export,
            level: 4,
            limit: 1,
            compare: None,
            lang: "en".into(),
            harmonize: false,
        })
        .expect("top")
        .rows;
    let lines = top.lines(Flow::Export);
    let got: Vec<(LineKind, &str, f64)> = lines
        .iter()
        .map(|l| (l.line, l.hs.as_str(), l.value_usd))
        .collect();
    assert_eq!(
        got,
        [
            (LineKind::Code, "2710", 4000.0),
            (LineKind::Others, "others", 500.0)
        ]
    );
    assert_eq!(top.total_usd, 4500.0);
    let series = app
        .trade_series(&SeriesQuery {
            scope: kp(),
            hs: "27".into(),
            flow: Some(Flow::Import),
            by: By::Year,
        })
        .expect("series")
        .rows;
    let s: Vec<(&str, f64)> = series
        .iter()
        .map(|r| (r.period.as_str(), r.value_usd))
        .collect();
    assert_eq!(s, [("2024", 200.0), ("2025", 100.0)]);
}

#[test]
fn the_screen_flags_coal_bought_from_the_dprk() {
    let (_dir, app) = imported();
    let screen = app
        .trade_screen(&ScreenQuery {
            scope: kp(),
            flow: Flow::Import,
            measures_as_of: Some("2025-12-31".into()),
            measures: None,
            all: false,
            lang: "en".into(),
        })
        .expect("screen");
    let s = &screen.rows;
    assert_eq!(s.as_of.to_string(), "2025-12-31");
    assert!(
        s.measures > 0 && s.measures_file.ends_with(".toml"),
        "{s:?}"
    );
    assert_eq!(s.lines.len(), 1, "{:?}", s.lines);
    assert_eq!(s.lines[0].hs, "2701");
    assert!(
        s.lines[0].measures.iter().any(|m| m.resolution == 2371),
        "{:?}",
        s.lines[0].measures
    );
    // As CSV: one row per line and measure, whole dollars.
    let csv = entente_app::export::screen_to_csv(&s.lines).expect("csv");
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .is_some_and(|h| h.starts_with("first_period,last_period,hs,label,value_usd,measure")),
        "{csv}"
    );
    assert_eq!(lines.count(), s.lines[0].measures.len());
    assert!(csv.contains(",2701,") && csv.contains(",300,"), "{csv}");
    // The rows survive JSON (fractions are written to four decimals, so compare the JSON).
    let json = serde_json::to_string(&screen).expect("json");
    let back: Noted<entente_app::Screen> = serde_json::from_str(&json).expect("parse");
    assert_eq!(back.rows.lines[0].hs, "2701");
    assert_eq!(serde_json::to_string(&back).expect("json"), json);
}

#[test]
fn a_bad_request_is_invalid_input_naming_its_field() {
    let (_dir, app) = imported();
    let totals = |scope: TradeScope| {
        app.trade_totals(&TotalsQuery {
            scope,
            by: By::Year,
        })
        .expect_err("refused")
    };
    for (scope, field) in [
        (TradeScope::new("Korea"), "`partner`"),
        (
            TradeScope {
                reporter: "C1".into(),
                ..kp()
            },
            "`reporter`",
        ),
        (
            TradeScope {
                from: Some("2025-13".into()),
                ..kp()
            },
            "`from`",
        ),
        (
            TradeScope {
                from: Some("2025-06".into()),
                to: Some("2025-01".into()),
                ..kp()
            },
            "`from`",
        ),
        (
            TradeScope {
                as_of: Some("yesterday".into()),
                ..kp()
            },
            "`as_of`",
        ),
        (
            TradeScope {
                dataset: Some("customs".into()),
                ..kp()
            },
            "`dataset`",
        ),
    ] {
        let e = totals(scope);
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{e:?}");
        assert!(e.message.starts_with(field), "{field}: {}", e.message);
    }
    let ytd = |through: u8, years: &str| {
        app.trade_ytd(&YtdQuery {
            scope: kp(),
            through,
            years: years.into(),
            base: None,
        })
        .expect_err("refused")
    };
    for (e, field) in [
        (ytd(13, "2024-2025"), "`through`"),
        (ytd(2, "2025-2024"), "`years`"),
        (ytd(2, "twenty"), "`years`"),
    ] {
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{e:?}");
        assert!(e.message.starts_with(field), "{field}: {}", e.message);
    }
    let e = app
        .trade_series(&SeriesQuery {
            scope: kp(),
            hs: "27x".into(),
            flow: None,
            by: By::Month,
        })
        .expect_err("refused");
    assert!(
        e.kind == ErrorKind::InvalidInput && e.message.starts_with("`hs`"),
        "{e:?}"
    );
    let e = app
        .trade_top(&TopQuery {
            level: 3,
            ..serde_json::from_str(r#"{"scope":{"partner":"KP"},"flow":"export"}"#).expect("top")
        })
        .expect_err("refused");
    assert!(e.message.starts_with("`level`"), "{e:?}");
    let e = app.hs_rollup("2701", "ko").expect_err("refused");
    assert!(e.message.starts_with("`lang`"), "{e:?}");
}

#[test]
fn requests_and_results_round_trip_as_json_with_the_clis_defaults() {
    let top: TopQuery =
        serde_json::from_str(r#"{"scope":{"partner":"KP"},"flow":"import"}"#).expect("top");
    assert_eq!(
        (
            top.scope.reporter.as_str(),
            top.level,
            top.limit,
            top.lang.as_str(),
            top.harmonize
        ),
        ("CN", 4, 10, "en", false)
    );
    let back: TopQuery =
        serde_json::from_str(&serde_json::to_string(&top).expect("json")).expect("parse");
    assert_eq!(back, top);
    let series: SeriesQuery =
        serde_json::from_str(r#"{"scope":{"partner":"KP"},"hs":"2710"}"#).expect("series");
    assert_eq!(series.by, By::Month);
    let totals: TotalsQuery =
        serde_json::from_str(r#"{"scope":{"partner":"KP","from":"2024"},"by":"month"}"#)
            .expect("totals");
    assert_eq!(totals.by, By::Month);
    assert_eq!(
        serde_json::to_string(&totals).expect("json"),
        r#"{"scope":{"reporter":"CN","partner":"KP","dataset":null,"from":"2024","to":null,"as_of":null},"by":"month"}"#
    );
    // Unknown fields are refused, at the top and in the scope.
    assert!(
        serde_json::from_str::<TotalsQuery>(r#"{"scope":{"partner":"KP"},"per":"month"}"#).is_err()
    );
    assert!(
        serde_json::from_str::<TotalsQuery>(r#"{"scope":{"partner":"KP","flow":"export"}}"#)
            .is_err()
    );
    let import: TradeImport =
        serde_json::from_str(r#"{"files":["a.csv"],"format":"china-customs","flow":"export"}"#)
            .expect("import");
    assert_eq!(
        (import.format, import.flow, import.cumulative),
        (Format::ChinaCustoms, Some(Flow::Export), false)
    );

    let (_dir, app) = imported();
    let totals = app
        .trade_totals(&TotalsQuery {
            scope: kp(),
            by: By::Month,
        })
        .expect("totals");
    assert_eq!(totals.rows.len(), 4);
    // Fractions are written to four decimals: the JSON is stable, amounts come back exact.
    let json = serde_json::to_string(&totals).expect("json");
    let back: Noted<Vec<entente_trade::TotalsRow>> = serde_json::from_str(&json).expect("parse");
    assert_eq!(serde_json::to_string(&back).expect("json"), json);
    assert_eq!(back.rows[0].exports_usd, totals.rows[0].exports_usd);
    let top = app.trade_top(&top).expect("top");
    let json = serde_json::to_string(&top).expect("json");
    let back: Noted<entente_trade::TopTable> = serde_json::from_str(&json).expect("parse");
    assert_eq!(serde_json::to_string(&back).expect("json"), json);
    assert_eq!(back.rows.total_usd, top.rows.total_usd);
    let files = app.trade_files().expect("files");
    let back: Vec<entente_app::TradeFile> =
        serde_json::from_str(&serde_json::to_string(&files).expect("json")).expect("parse");
    assert_eq!(back, files);
}
