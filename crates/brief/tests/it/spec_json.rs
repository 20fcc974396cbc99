//! A spec arrives as TOML or JSON, goes through one validator, and serialises back to the
//! shape it was read from.

use std::path::Path;

use entente_brief::spec::{
    ComparisonTarget, EventSelector, FlowFilter, Granularity, MonthRange, RosterTarget,
    TrendSubject,
};
use entente_brief::{Block, BlockKind, BriefSpec, LabelLang, Period, YearMonth};
use entente_core::{DateValue, EventType};
use proptest::prelude::*;

fn fixture() -> BriefSpec {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/briefing.toml");
    BriefSpec::from_file(&p).expect("fixture parses")
}

fn json_err(json: &str) -> String {
    BriefSpec::parse_json(json, "request")
        .expect_err("should fail")
        .to_string()
}

const PERIOD: &str = r#""period": {"from": "2025-01-01", "to": "2025-12-31"}"#;

#[test]
fn the_fixture_round_trips_through_toml_and_json() {
    let spec = fixture();
    let mut kinds: Vec<&str> = spec.blocks.iter().map(|b| b.kind.name()).collect();
    kinds.sort();
    kinds.dedup();
    let mut all = entente_brief::spec::BLOCK_KINDS.to_vec();
    all.sort();
    assert_eq!(
        kinds, all,
        "the fixture has every kind, each named as written"
    );
    let toml = spec.to_toml().expect("writes");
    assert_eq!(BriefSpec::parse(&toml, "again.toml").expect("reads"), spec);
    let json = serde_json::to_string_pretty(&spec).expect("json");
    assert!(json.contains(r#""kind": "trade_top""#), "{json}");
    assert_eq!(
        BriefSpec::parse_json(&json, "again.json").expect("reads"),
        spec
    );
}

#[test]
fn a_json_file_is_read_as_json() {
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("brief.json");
    std::fs::write(&p, serde_json::to_string(&fixture()).expect("json")).expect("write");
    assert_eq!(BriefSpec::from_file(&p).expect("reads"), fixture());
    // The same bytes under a .toml name are TOML, and say so.
    let q = dir.path().join("brief.toml");
    std::fs::copy(&p, &q).expect("copy");
    let e = BriefSpec::from_file(&q).expect_err("not TOML").to_string();
    assert!(e.starts_with(&format!("{}:", q.display())), "{e}");
}

#[test]
fn json_mistakes_name_block_and_field_as_toml_ones_do() {
    let e = json_err(&format!(
        r#"{{"title": "T", {PERIOD}, "block": [{{"kind": "markdown", "text": "x"}}, {{"kind": "trade_top", "reporter": "CN"}}]}}"#
    ));
    assert_eq!(e, "request: block[1] (trade_top): missing field `partner`");
    let e = json_err(&format!(
        r#"{{"title": "T", {PERIOD}, "block": [{{"kind": "trade_annual", "reporter": "CN", "partner": "KP", "yeras": 3}}]}}"#
    ));
    assert!(
        e.starts_with("request: block[0] (trade_annual): unknown field `yeras`"),
        "{e}"
    );
    let e = json_err(&format!(r#"{{"title": "T", {PERIOD}, "blocks": []}}"#));
    assert!(
        e.starts_with("request: field `blocks`: unknown field"),
        "{e}"
    );
    let e = json_err(&format!(
        r#"{{"title": "T", {PERIOD}, "block": [{{"kind": "trade_annual", "reporter": "CN", "partner": "KP", "years": 2.5}}]}}"#
    ));
    assert!(e.contains("field `years`: expected an integer"), "{e}");
}

#[test]
fn json_syntax_and_shape_errors_are_clear() {
    let e = json_err("{\"title\": \"T\",\n \"period\": }");
    assert!(e.starts_with("request: ") && e.contains("line 2"), "{e}");
    assert_eq!(
        json_err("[1, 2]"),
        "request: expected an object with title, period and block, found an array"
    );
    let e = json_err(&format!(
        r#"{{"title": "T", {PERIOD}, "block": [{{"kind": "ledger", "actors": ["KP", null]}}]}}"#
    ));
    assert_eq!(
        e,
        "request: field `block[0].actors[1]`: null is not allowed in a list"
    );
    let e = json_err(&format!(
        r#"{{"title": "T", {PERIOD}, "block": [{{"kind": "trade_top", "reporter": "CN", "partner": "KP", "year": 18446744073709551615}}]}}"#
    ));
    assert!(e.contains("out of range"), "{e}");
}

#[test]
fn null_is_the_same_as_leaving_a_field_out() {
    let with_nulls = format!(
        r#"{{"title": "T", "subtitle": null, {PERIOD}, "block": [{{"kind": "chronology", "title": null, "actors": ["KP"], "since": null}}]}}"#
    );
    let without = format!(
        r#"{{"title": "T", {PERIOD}, "block": [{{"kind": "chronology", "actors": ["KP"]}}]}}"#
    );
    let a = BriefSpec::parse_json(&with_nulls, "a").expect("valid");
    assert_eq!(a, BriefSpec::parse_json(&without, "b").expect("valid"));
    assert_eq!(a.subtitle, None);
}

// ---- round trip of arbitrary specs ----

/// Text as a spec field holds it: trimmed, not empty, any script.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9金正恩시진핑Путин \"'\\\\\n#=\\[\\]{}.-]{1,20}"
        .prop_map(|s| s.trim().to_string())
        .prop_filter("not empty", |s| !s.is_empty())
}

fn code() -> impl Strategy<Value = String> {
    "[A-Z]{2}"
}

fn date() -> impl Strategy<Value = DateValue> {
    (
        1000i32..=9999,
        prop::option::of((1u8..=12, prop::option::of(1u8..=28))),
    )
        .prop_map(|(y, md)| {
            match md {
                None => DateValue::new(y, None, None),
                Some((m, d)) => DateValue::new(y, Some(m), d),
            }
            .expect("valid date")
        })
}

fn month() -> impl Strategy<Value = YearMonth> {
    (1000i32..=9999, 1u8..=12).prop_map(|(year, month)| YearMonth { year, month })
}

fn selector() -> impl Strategy<Value = EventSelector> {
    (prop::collection::vec(text(), 1..3), date())
        .prop_map(|(actors, date)| EventSelector { actors, date })
}

fn kind() -> impl Strategy<Value = BlockKind> {
    let texts = || prop::collection::vec(text(), 0..3);
    let some_texts = || prop::collection::vec(text(), 1..3);
    prop_oneof![
        text().prop_map(|text| BlockKind::Markdown { text }),
        (some_texts(), prop::option::of(date())).prop_map(|(actors, since)| {
            BlockKind::Chronology {
                actors,
                since,
                until: None,
            }
        }),
        (text(), text(), 1i32..=9999, 0i32..5).prop_map(|(a, b, y, d)| BlockKind::Exchanges {
            a,
            b,
            years: (y, (y + d).min(9999)),
        }),
        (
            some_texts(),
            prop::option::of(date()),
            prop::option::of(date())
        )
            .prop_map(|(actors, from, to)| BlockKind::RelationshipMap { actors, from, to }),
        (code(), code(), 1u16..=100).prop_map(|(reporter, partner, years)| {
            BlockKind::TradeAnnual {
                reporter,
                partner,
                years,
            }
        }),
        (
            code(),
            code(),
            1u8..=12,
            prop::collection::vec(1i32..=9999, 1..4)
        )
            .prop_map(
                |(reporter, partner, through_month, years)| BlockKind::TradeYtd {
                    reporter,
                    partner,
                    through_month,
                    years,
                }
            ),
        (code(), code(), month(), 0u8..30).prop_map(|(reporter, partner, from, d)| {
            let i = from.year * 12 + i32::from(from.month) - 1 + i32::from(d);
            let to = YearMonth {
                year: (i / 12).min(9999),
                month: if i / 12 > 9999 {
                    12
                } else {
                    (i % 12 + 1) as u8
                },
            };
            BlockKind::TradeMonthly {
                reporter,
                partner,
                from,
                to,
            }
        }),
        (
            code(),
            code(),
            1i32..=9999,
            1usize..=1000,
            prop_oneof![
                Just(FlowFilter::Both),
                Just(FlowFilter::Export),
                Just(FlowFilter::Import)
            ],
            prop::option::of((1u8..=12, 0u8..12)),
            any::<bool>(),
        )
            .prop_map(|(reporter, partner, year, n, flow, m, sanctions)| {
                BlockKind::TradeTop {
                    reporter,
                    partner,
                    year,
                    n,
                    flow,
                    months: m.map(|(first, d)| MonthRange {
                        first,
                        last: (first + d).min(12),
                    }),
                    sanctions,
                }
            }),
        (
            prop_oneof![
                text().prop_map(ComparisonTarget::Event),
                selector().prop_map(ComparisonTarget::Meeting),
                prop::collection::vec(text(), 2..4).prop_map(ComparisonTarget::Sources),
            ],
            texts()
        )
            .prop_map(|(target, outlets)| BlockKind::Comparison { target, outlets }),
        (
            prop_oneof![
                text().prop_map(TrendSubject::Phrase),
                text().prop_map(TrendSubject::Concept),
                text().prop_map(TrendSubject::Ladder),
            ],
            texts(),
            prop_oneof![
                Just(Granularity::Year),
                Just(Granularity::Quarter),
                Just(Granularity::Month)
            ],
            any::<bool>(),
        )
            .prop_map(|(subject, actors, by, outlets)| BlockKind::Trend {
                subject,
                actors,
                by,
                outlets,
            }),
        (
            some_texts(),
            prop::collection::vec(prop::sample::select(EventType::ALL.to_vec()), 1..4)
        )
            .prop_map(|(actors, kinds)| BlockKind::Ledger { actors, kinds }),
        prop_oneof![
            text().prop_map(RosterTarget::Event),
            selector().prop_map(RosterTarget::Meeting),
            text().prop_map(RosterTarget::Actor),
        ]
        .prop_map(|target| BlockKind::Roster { target }),
    ]
}

fn spec() -> impl Strategy<Value = BriefSpec> {
    (
        text(),
        prop::option::of(text()),
        date(),
        prop::option::of(text()),
        any::<bool>(),
        prop::collection::vec(
            (prop::option::of(text()), prop::option::of(text()), kind()),
            0..5,
        ),
    )
        .prop_map(|(title, subtitle, from, author, ja, blocks)| BriefSpec {
            title,
            subtitle,
            period: Period {
                from,
                to: DateValue::new(9999, Some(12), Some(31)).expect("date"),
            },
            lang: if ja { LabelLang::Ja } else { LabelLang::En },
            author,
            blocks: blocks
                .into_iter()
                .map(|(title, note, kind)| Block { title, note, kind })
                .collect(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_valid_spec_reads_back_from_what_it_writes(spec in spec()) {
        let toml = spec.to_toml().expect("writes TOML");
        prop_assert_eq!(&BriefSpec::parse(&toml, "t").expect("reads TOML"), &spec);
        let json = serde_json::to_string(&spec).expect("writes JSON");
        prop_assert_eq!(&BriefSpec::parse_json(&json, "j").expect("reads JSON"), &spec);
    }
}
