//! Charts: well-formed SVG, CJK labels, negative and empty data, determinism, and property
//! tests that arbitrary input never panics nor writes NaN.

use entente_brief::{
    BarData, Chart, ChartKind, LabelLang, Series, SvgOptions, TimelineEvent, Unit, XAxis, YearMonth,
};
use proptest::prelude::*;

use crate::common::{assert_no_nan, assert_well_formed, reads_as_nan};

fn bars(stacked: bool, values: Vec<Vec<Option<f64>>>, cats: Vec<&str>) -> Chart {
    let data = BarData {
        categories: cats.into_iter().map(String::from).collect(),
        series: values
            .into_iter()
            .enumerate()
            .map(|(i, v)| Series::new(["輸出 Exports", "输入 Imports", "Баланс"][i % 3], v))
            .collect(),
    };
    Chart::new(
        "中朝貿易 China–DPRK <trade> & more",
        Unit::UsDollars,
        if stacked {
            ChartKind::StackedBars(data)
        } else {
            ChartKind::GroupedBars(data)
        },
    )
}

fn check(svg: &str) {
    assert_well_formed(svg);
    assert_no_nan(svg);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 720 "));
    assert!(svg.contains("width=\"100%\""));
    assert!(svg.contains("<title>"));
    assert!(svg.contains("<desc>"));
    assert!(svg.contains(
        "font-family=\"'Noto Sans CJK JP', 'Noto Sans CJK SC', 'Noto Sans', sans-serif\""
    ));
}

#[test]
fn bar_charts_carry_cjk_labels_legend_and_escaped_title() {
    let c = bars(
        false,
        vec![vec![Some(2.6e9), Some(1.2e9)], vec![Some(0.3e9), None]],
        vec!["2024年", "2025年"],
    );
    let svg = c.to_svg(&SvgOptions::default());
    check(&svg);
    assert!(svg.contains(">輸出 Exports</text>"), "legend");
    assert!(svg.contains(">2024年</text>"), "category");
    assert!(svg.contains("<title>中朝貿易 China–DPRK &lt;trade&gt; &amp; more</title>"));
    assert!(svg.contains(">US$3.0 bn</text>"), "axis ticks");
    assert!(
        svg.contains("fill=\"#0072B2\"") && svg.contains("fill=\"#E69F00\""),
        "Okabe–Ito"
    );
    let ja = c.to_svg(&SvgOptions::lang(LabelLang::Ja));
    assert!(ja.contains(">30億ドル</text>"), "Japanese money units");
    let no_title = c.to_svg(&SvgOptions {
        show_title: false,
        ..SvgOptions::default()
    });
    assert!(!no_title.contains("font-size=\"15\""), "title not drawn");
    assert!(no_title.contains("<title>中朝貿易"), "but still in <title>");
}

#[test]
fn negative_values_go_below_zero() {
    let c = bars(false, vec![vec![Some(-50e6), Some(120e6)]], vec!["A", "B"]);
    let svg = c.to_svg(&SvgOptions::default());
    check(&svg);
    assert!(svg.contains(">−US$50 m</text>"), "{svg}");
    let s = bars(
        true,
        vec![vec![Some(-5.0), Some(3.0)], vec![Some(2.0), Some(-1.0)]],
        vec!["A", "B"],
    );
    check(&s.to_svg(&SvgOptions::default()));
    let zero = bars(false, vec![vec![Some(0.0), Some(0.0)]], vec!["A", "B"]);
    check(&zero.to_svg(&SvgOptions::default()));
}

#[test]
fn empty_data_renders_no_data() {
    let cases = [
        bars(false, vec![], vec![]),
        bars(true, vec![vec![None, None]], vec!["A", "B"]),
        bars(false, vec![vec![Some(f64::NAN)]], vec!["A"]),
        Chart::new(
            "t",
            Unit::Count,
            ChartKind::Lines {
                x: XAxis::Months(vec![]),
                series: vec![],
            },
        ),
        Chart::new(
            "t",
            Unit::Count,
            ChartKind::Timeline {
                events: vec![],
                from: None,
                to: None,
            },
        ),
    ];
    for c in cases {
        let svg = c.to_svg(&SvgOptions::default());
        check(&svg);
        assert!(svg.contains(">No data</text>"));
        assert!(
            c.to_svg(&SvgOptions::lang(LabelLang::Ja))
                .contains(">データなし</text>")
        );
    }
}

#[test]
fn line_chart_over_months() {
    let months = YearMonth::new(2023, 1)
        .expect("ym")
        .through(YearMonth::new(2025, 10).expect("ym"));
    let n = months.len();
    let c = Chart::new(
        "月次 monthly",
        Unit::UsDollars,
        ChartKind::Lines {
            x: XAxis::Months(months),
            series: vec![
                Series::new("輸出", (0..n).map(|i| Some(1e8 + i as f64 * 1e6)).collect()),
                Series::new(
                    "輸入",
                    (0..n)
                        .map(|i| if i % 7 == 0 { None } else { Some(2e7) })
                        .collect(),
                ),
            ],
        },
    );
    let svg = c.to_svg(&SvgOptions::lang(LabelLang::Ja));
    check(&svg);
    assert!(
        svg.contains(">2024</text>") && svg.contains(">2025</text>"),
        "January ticks name the year"
    );
    assert!(svg.contains("<path d=\"M"));
    assert!(svg.contains(">輸出</text>"));
    // Short ranges name every month.
    let short = Chart::new(
        "q",
        Unit::Count,
        ChartKind::Lines {
            x: XAxis::Months(
                YearMonth::new(2025, 1)
                    .expect("ym")
                    .through(YearMonth::new(2025, 6).expect("ym")),
            ),
            series: vec![Series::new("a", vec![Some(1.0); 6])],
        },
    );
    let svg = short.to_svg(&SvgOptions::lang(LabelLang::Ja));
    check(&svg);
    assert!(svg.contains(">3月</text>"));
}

#[test]
fn timeline_places_cjk_labels() {
    let ev = |d: &str, l: &str| TimelineEvent {
        date: d.parse().expect("edtf"),
        label: l.into(),
        group: Some("CN–KP".into()),
        refs: vec![],
    };
    let c = Chart::new(
        "年表",
        Unit::Count,
        ChartKind::Timeline {
            events: vec![
                ev("2025-09-02/2025-09-05", "金正恩 訪中"),
                ev("2025-09-03", "北京阅兵"),
                ev("2025-09-03", "Путин–Ким"),
                ev("2019-06", "習近平 訪朝"),
            ],
            from: None,
            to: None,
        },
    );
    let svg = c.to_svg(&SvgOptions::default());
    check(&svg);
    for label in ["金正恩 訪中", "北京阅兵", "Путин–Ким", "習近平 訪朝"] {
        assert!(svg.contains(&format!(">{label}</text>")), "{label}");
    }
    assert!(svg.contains(">2020</text>"), "yearly ticks for a long span");
}

#[test]
fn charts_are_deterministic() {
    let c = bars(
        true,
        vec![vec![Some(1.0), Some(2.5)], vec![Some(3.0), Some(-1.0)]],
        vec!["x", "y"],
    );
    assert_eq!(
        c.to_svg(&SvgOptions::default()),
        c.to_svg(&SvgOptions::default())
    );
}

fn value() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        Just(None),
        Just(Some(f64::NAN)),
        Just(Some(f64::INFINITY)),
        Just(Some(f64::NEG_INFINITY)),
        Just(Some(0.0)),
        Just(Some(-0.0)),
        Just(Some(f64::MAX)),
        Just(Some(f64::MIN_POSITIVE)),
        Just(Some(5e-324)),
        any::<f64>().prop_map(Some),
        (-1e10f64..1e10).prop_map(Some),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 <>&\"']{0,20}",
        "[\\u{0}-\\u{1f}\\u{4e00}-\\u{4e40}\\u{3040}-\\u{3060}]{0,12}",
        any::<String>(),
    ]
    .prop_filter("a label spelling NaN would hide a real NaN", |s| {
        !reads_as_nan(s)
    })
}

fn series() -> impl Strategy<Value = Vec<Series>> {
    prop::collection::vec(
        (text(), prop::collection::vec(value(), 0..14)).prop_map(|(n, v)| Series::new(n, v)),
        0..10,
    )
}

fn opts() -> impl Strategy<Value = SvgOptions> {
    (
        any::<bool>(),
        any::<bool>(),
        prop_oneof![Just(720.0), Just(f64::NAN), 0.0f64..5000.0],
    )
        .prop_map(|(ja, show_title, width)| SvgOptions {
            lang: if ja { LabelLang::Ja } else { LabelLang::En },
            show_title,
            width,
            height: 360.0,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn arbitrary_bars_are_well_formed(
        cats in prop::collection::vec(text(), 0..14),
        series in series(),
        stacked in any::<bool>(),
        unit in prop_oneof![Just(Unit::UsDollars), Just(Unit::Count), Just(Unit::Percent)],
        title in text(),
        opts in opts(),
    ) {
        let data = BarData { categories: cats, series };
        let kind = if stacked { ChartKind::StackedBars(data) } else { ChartKind::GroupedBars(data) };
        let svg = Chart::new(title, unit, kind).to_svg(&opts);
        assert_well_formed(&svg);
        assert_no_nan(&svg);
    }

    #[test]
    fn arbitrary_lines_are_well_formed(
        start in (1990i32..2030, 1u8..=12),
        len in 0usize..60,
        labels in prop::collection::vec(text(), 0..20),
        use_months in any::<bool>(),
        series in series(),
        opts in opts(),
    ) {
        let first = YearMonth::new(start.0, start.1).expect("ym");
        let months: Vec<YearMonth> = std::iter::successors(Some(first), |m| Some(m.next())).take(len).collect();
        let x = if use_months { XAxis::Months(months) } else { XAxis::Labels(labels) };
        let svg = Chart::new("lines", Unit::UsDollars, ChartKind::Lines { x, series }).to_svg(&opts);
        assert_well_formed(&svg);
        assert_no_nan(&svg);
    }

    #[test]
    fn arbitrary_timelines_are_well_formed(
        events in prop::collection::vec(
            ((1i32..9999, 0u8..=12, 0u8..=28), 0u16..400, text(), prop::option::of(text())),
            0..30,
        ),
        opts in opts(),
    ) {
        let events: Vec<TimelineEvent> = events
            .into_iter()
            .filter_map(|((y, m, d), len, label, group)| {
                let s = match (m, d) {
                    (0, _) => format!("{y:04}"),
                    (m, 0) => format!("{y:04}-{m:02}"),
                    (m, d) => format!("{y:04}-{m:02}-{d:02}"),
                };
                let start: entente_core::DateValue = s.parse().ok()?;
                let date = if len > 0 && m > 0 && d > 0 {
                    let end = entente_core::DateValue::new(y, Some(m), Some(d.min(28))).ok()?;
                    let end_year = (y + i32::from(len / 100)).min(9999);
                    let end = entente_core::DateValue::new(end_year, end.month, end.day).ok()?;
                    entente_core::Edtf::interval(start, end).ok()?
                } else {
                    entente_core::Edtf::date(start)
                };
                Some(TimelineEvent { date, label, group, refs: vec![] })
            })
            .collect();
        let svg = Chart::new("t", Unit::Count, ChartKind::Timeline { events, from: None, to: None }).to_svg(&opts);
        assert_well_formed(&svg);
        assert_no_nan(&svg);
    }
}
