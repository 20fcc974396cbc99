//! Briefings, the relationship map, comparisons and trends through the application layer.

use entente_app::{
    Access, App, BriefSpec, Bucket, CompareRequest, ErrorKind, GraphQuery, LadderQuery, TrendQuery,
};

use crate::filled;

fn app() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().expect("tempdir");
    filled(dir.path());
    let app = App::open(dir.path(), Access::ReadOnly)
        .expect("open")
        .with_runtime(crate::runtime().handle().clone());
    (dir, app)
}

const SPEC_TOML: &str = r#"
title = "Summits"
period = { from = "2023-01-01", to = "2024-12-31" }
lang = "en"

[[block]]
kind = "chronology"
actors = ["Vladimir Putin", "Kim Jong Un"]

[[block]]
kind = "exchanges"
a = "RU"
b = "KP"
years = [2023, 2024]
"#;

#[test]
fn a_briefing_reads_the_same_from_toml_and_json() {
    let (_dir, app) = app();
    let spec = BriefSpec::parse(SPEC_TOML, "summits.toml").expect("spec");
    let json = serde_json::to_string(&spec).expect("json");
    let from_json = BriefSpec::parse_json(&json, "request").expect("json spec");
    let a = app.briefing(&spec, "summits.toml").expect("briefing");
    let b = app.briefing(&from_json, "summits.toml").expect("briefing");
    assert_eq!(
        entente_brief::render_html(&a),
        entente_brief::render_html(&b)
    );
    let html = entente_brief::render_html(&a);
    // Both Putin–Kim summits, each footnoted to the story that reported it.
    for day in ["2023-09-13", "2024-06-19"] {
        assert!(html.contains(day), "{day} missing");
    }
    assert!(html.contains("KCNA") && html.contains("TASS"), "footnotes");
    assert!(
        !html.contains("2023-03-21"),
        "the Xi–Putin talks are not Putin–Kim"
    );
    // Each block gives a chart and its table.
    let headings: Vec<&str> = a.sections.iter().map(|s| s.heading.as_str()).collect();
    assert_eq!(
        headings,
        [
            "Chronology: Vladimir Putin – Kim Jong Un",
            "Chronology: Vladimir Putin – Kim Jong Un (table)",
            "High-level exchanges Russia–North Korea",
            "High-level exchanges Russia–North Korea (table)"
        ]
    );
}

#[test]
fn a_failing_block_is_named_and_its_error_kept_by_kind() {
    let (_dir, app) = app();
    let spec = BriefSpec::parse_json(
        r#"{"title": "T", "period": {"from": "2023", "to": "2024"},
            "block": [{"kind": "markdown", "text": "x"},
                      {"kind": "chronology", "actors": ["Nobody Q. Atall"]}]}"#,
        "req",
    )
    .expect("valid spec");
    let e = app.briefing(&spec, "req").expect_err("unknown actor");
    assert_eq!(e.kind, ErrorKind::InvalidInput, "{e}");
    assert!(
        e.message.starts_with("req: block[1] (chronology): ") && e.message.contains("Nobody"),
        "{e}"
    );
}

#[test]
fn a_trade_block_without_a_runtime_is_an_error_not_a_panic() {
    let (dir, _) = app();
    let app = App::open(dir.path(), Access::ReadOnly).expect("open");
    let spec = BriefSpec::parse(
        "title = \"T\"\nperiod = { from = \"2023\", to = \"2024\" }\n[[block]]\nkind = \"trade_annual\"\nreporter = \"CN\"\npartner = \"KP\"\n",
        "t.toml",
    )
    .expect("spec");
    let e = app.briefing(&spec, "t.toml").expect_err("no runtime");
    assert_eq!(e.kind, ErrorKind::Internal);
    assert!(e.message.contains("tokio runtime"), "{e}");
    // With the caller's runtime, the same block resolves (no customs data: the section says
    // so rather than showing zeros).
    drop(app);
    let app = App::open(dir.path(), Access::ReadOnly)
        .expect("open")
        .with_runtime(crate::runtime().handle().clone());
    let doc = app.briefing(&spec, "t.toml").expect("briefing");
    let headings: Vec<&str> = doc.sections.iter().map(|s| s.heading.as_str()).collect();
    assert_eq!(
        headings,
        [
            "China–North Korea trade by year",
            "China–North Korea trade by year (table)"
        ]
    );
}

#[test]
fn the_relationship_map_links_the_leaders_who_met() {
    let (_dir, app) = app();
    let g = app
        .relationship_graph(&GraphQuery::default())
        .expect("graph");
    let ids: Vec<&str> = g.nodes.iter().map(|n| n.id.as_str()).collect();
    for state in ["CN", "RU", "KP"] {
        assert!(ids.contains(&state), "{ids:?}");
    }
    let json = g.to_json();
    assert!(
        json.contains("Vladimir Putin") && json.contains("Kim Jong Un"),
        "{json}"
    );
    let later = app
        .relationship_graph(&GraphQuery {
            from: Some("2030".parse().expect("date")),
            ..GraphQuery::default()
        })
        .expect("graph");
    assert!(
        later.valid_edges().len() < g.valid_edges().len(),
        "no meetings after 2030, fewer edges"
    );
    let e: Result<GraphQuery, _> = serde_json::from_str(r#"{"actor": ["KP"]}"#);
    assert!(
        e.expect_err("unknown field")
            .to_string()
            .contains("`actor`")
    );
}

#[test]
fn comparisons_choose_their_sources_and_say_why_not() {
    let (_dir, app) = app();
    let e = app
        .compare(&CompareRequest {
            sources: vec!["0".into()],
            ..Default::default()
        })
        .expect_err("one source");
    assert_eq!(e.kind, ErrorKind::InvalidInput);
    let e = app
        .compare(&CompareRequest {
            event: Some("no-such-event".into()),
            ..Default::default()
        })
        .expect_err("no event");
    assert_eq!(e.kind, ErrorKind::NotFound, "{e}");
    let ids: Vec<String> = app
        .events(&Default::default())
        .expect("events")
        .iter()
        .flat_map(|v| v.citations.iter().map(|c| c.source_id.to_hex()))
        .take(2)
        .collect();
    assert_eq!(ids.len(), 2);
    let cmp = app
        .compare(&CompareRequest {
            sources: ids.clone(),
            no_absences: true,
            ..Default::default()
        })
        .expect("comparison");
    assert_eq!(cmp.sources.len(), 2);
    let back: entente_app::Comparison =
        serde_json::from_str(&serde_json::to_string(&cmp).expect("json")).expect("reads back");
    assert_eq!(back, cmp);
}

#[test]
fn trends_count_per_period_and_refuse_unclear_requests() {
    let (_dir, app) = app();
    let t = app
        .trend(&TrendQuery {
            phrase: Some("held talks".into()),
            concept: None,
            by: Bucket::Year,
            by_outlet: false,
            langs: vec![],
            outlets: vec![],
            from: None,
            to: None,
        })
        .expect("trend");
    let counts: Vec<(&str, u64)> = t
        .rows
        .iter()
        .map(|r| (r.period.as_str(), r.matches))
        .collect();
    assert_eq!(counts, [("2023", 2), ("2024", 1)]);
    let q: TrendQuery = serde_json::from_str(r#"{"concept": "no-such-concept"}"#).expect("query");
    assert_eq!(
        app.trend(&q).expect_err("unknown").kind,
        ErrorKind::InvalidInput
    );
    let e = app
        .ladder_trend(&LadderQuery {
            ladder: "meeting-verbs".into(),
            states: vec!["RU".into()],
            by: Bucket::Year,
            from: None,
            to: None,
        })
        .expect_err("one state");
    assert_eq!(e.kind, ErrorKind::InvalidInput);
}
