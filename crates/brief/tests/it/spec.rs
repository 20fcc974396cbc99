//! The briefing spec: a full example parses; every kind of mistake names block and field.

use std::path::Path;

use entente_brief::spec::{
    ComparisonTarget, FlowFilter, Granularity, MonthRange, RosterTarget, TrendSubject,
};
use entente_brief::{BlockKind, BriefError, BriefSpec, Document, LabelLang};

fn fixture() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/briefing.toml"),
    )
    .expect("fixture")
}

fn err(toml: &str) -> String {
    BriefSpec::parse(toml, "brief.toml")
        .expect_err("should fail")
        .to_string()
}

const HEAD: &str = "title = \"T\"\nperiod = { from = \"2025-01-01\", to = \"2025-12-31\" }\n";

#[test]
fn full_spec_parses_every_kind() {
    let spec = BriefSpec::parse(&fixture(), "briefing.toml").expect("valid spec");
    assert_eq!(spec.title, "China–Russia–DPRK relations in 2025");
    assert_eq!(spec.lang, LabelLang::Ja);
    assert_eq!(spec.period.from.to_string(), "2025-01-01");
    assert_eq!(spec.blocks.len(), 12);
    assert_eq!(spec.blocks[1].title.as_deref(), Some("Chronology"));
    assert_eq!(
        spec.blocks[1].note.as_deref(),
        Some("Confirmed events only.")
    );
    assert!(matches!(
        &spec.blocks[2].kind,
        BlockKind::Exchanges {
            years: (2022, 2025),
            ..
        }
    ));
    assert!(matches!(
        &spec.blocks[4].kind,
        BlockKind::TradeAnnual { years: 10, .. }
    ));
    match &spec.blocks[6].kind {
        BlockKind::TradeMonthly { from, to, .. } => {
            assert_eq!(from.to_string(), "2023-01");
            assert_eq!(to.to_string(), "2025-10");
        }
        other => panic!("{other:?}"),
    }
    match &spec.blocks[7].kind {
        BlockKind::TradeTop {
            n,
            flow,
            months,
            sanctions,
            ..
        } => {
            assert_eq!(*n, 10);
            assert_eq!(*flow, FlowFilter::Import);
            assert_eq!(*months, Some(MonthRange { first: 1, last: 10 }));
            assert!(*sanctions);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&spec.blocks[8].kind, BlockKind::Comparison { target: ComparisonTarget::Event(e), outlets } if outlets.is_empty() && e == "ev-2025-09-04-xi-kim")
    );
    assert!(matches!(
        &spec.blocks[9].kind,
        BlockKind::Trend { subject: TrendSubject::Phrase(p), by: Granularity::Quarter, outlets: true, .. } if p == "denuclearization"
    ));
    assert!(matches!(&spec.blocks[10].kind, BlockKind::Ledger { kinds, .. } if kinds.len() == 2));
    assert!(
        matches!(&spec.blocks[11].kind, BlockKind::Roster { target: RosterTarget::Actor(a) } if a == "kim-jong-un")
    );

    let doc = Document::from_spec(&spec, "briefing.toml");
    assert_eq!(doc.lang, LabelLang::Ja);
    assert_eq!(doc.subtitle.as_deref(), Some("Quarterly briefing"));
    assert_eq!(doc.generated_from, "briefing.toml");
}

#[test]
fn defaults_apply() {
    let spec = BriefSpec::parse(
        &format!("{HEAD}[[block]]\nkind = \"trade_top\"\nreporter = \"CN\"\npartner = \"KP\"\nyear = 2025\n[[block]]\nkind = \"ledger\"\nactors = [\"RU\"]\n"),
        "x",
    )
    .expect("valid");
    assert_eq!(spec.lang, LabelLang::En);
    assert!(matches!(
        &spec.blocks[0].kind,
        BlockKind::TradeTop {
            n: 10,
            flow: FlowFilter::Both,
            months: None,
            sanctions: false,
            ..
        }
    ));
    assert!(matches!(&spec.blocks[1].kind, BlockKind::Ledger { kinds, .. } if kinds.len() == 2));
}

#[test]
fn missing_field_names_block_and_field() {
    // Remove `partner` from the trade_top block (block index 7).
    let broken = fixture().replacen("partner = \"KP\"\nyear = 2025", "year = 2025", 1);
    let e = err(&broken);
    assert!(
        e.contains("block[7] (trade_top): missing field `partner`"),
        "{e}"
    );
    assert!(e.starts_with("brief.toml: "), "{e}");

    let e = err(&format!(
        "{HEAD}[[block]]\nkind = \"markdown\"\ntext = \"x\"\n[[block]]\nkind = \"markdown\"\ntext = \"y\"\n[[block]]\nkind = \"chronology\"\nactors = [\"CN\"]\n[[block]]\nkind = \"trade_top\"\nreporter = \"CN\"\nyear = 2025\n"
    ));
    assert!(
        e.contains("block[3] (trade_top): missing field `partner`"),
        "{e}"
    );
}

#[test]
fn unknown_kind_and_fields_are_errors() {
    let e = err(&format!("{HEAD}[[block]]\nkind = \"pie\"\n"));
    assert!(e.contains("block[0] (pie): unknown kind `pie`"), "{e}");
    assert!(e.contains("trade_top"), "lists the kinds: {e}");
    let e = err(&format!(
        "{HEAD}[[block]]\nkind = \"trade_annual\"\nreporter = \"CN\"\nparnter = \"KP\"\n"
    ));
    assert!(
        e.contains("block[0] (trade_annual): missing field `partner`"),
        "{e}"
    );
    let e = err(&format!(
        "{HEAD}[[block]]\nkind = \"trade_annual\"\nreporter = \"CN\"\npartner = \"KP\"\nyaers = 5\n"
    ));
    assert!(
        e.contains("block[0] (trade_annual): unknown field `yaers`"),
        "{e}"
    );
    let e = err(&format!("{HEAD}[[block]]\ntext = \"no kind\"\n"));
    assert!(e.contains("block[0] (?): missing field `kind`"), "{e}");
    let e = err(&format!("{HEAD}colour = \"red\"\n"));
    assert!(e.contains("field `colour`: unknown field"), "{e}");
}

#[test]
fn wrong_values_name_the_field() {
    let cases = [
        (
            "kind = \"trade_top\"\nreporter = \"CN\"\npartner = \"KP\"\nyear = 2025\nn = \"ten\"",
            "block[0] (trade_top): field `n`: expected an integer in 1..=1000, found string \"ten\"",
        ),
        (
            "kind = \"trade_top\"\nreporter = \"CN\"\npartner = \"KP\"\nyear = 2025\nflow = \"out\"",
            "field `flow`: `out`",
        ),
        (
            "kind = \"trade_top\"\nreporter = \"CN\"\npartner = \"KP\"\nyear = 2025\nmonths = \"10-1\"",
            "field `months`",
        ),
        (
            "kind = \"trade_top\"\nreporter = \"china\"\npartner = \"KP\"\nyear = 2025",
            "field `reporter`: `china` is not a state code",
        ),
        (
            "kind = \"trade_ytd\"\nreporter = \"CN\"\npartner = \"KP\"\nthrough_month = 13\nyears = [2025]",
            "field `through_month`",
        ),
        (
            "kind = \"trade_ytd\"\nreporter = \"CN\"\npartner = \"KP\"\nthrough_month = 3\nyears = []",
            "field `years`: must not be empty",
        ),
        (
            "kind = \"trade_monthly\"\nreporter = \"CN\"\npartner = \"KP\"\nfrom = \"2025-10\"\nto = \"2025-01\"",
            "field `to`: 2025-01 is before `from`",
        ),
        (
            "kind = \"trade_monthly\"\nreporter = \"CN\"\npartner = \"KP\"\nfrom = \"2025\"\nto = \"2025-01\"",
            "field `from`: `2025` is not a month",
        ),
        (
            "kind = \"exchanges\"\na = \"RU\"\nb = \"KP\"\nyears = [2025, 2022]",
            "field `years`: expected [first, last]",
        ),
        (
            "kind = \"chronology\"\nactors = []",
            "field `actors`: must not be empty",
        ),
        (
            "kind = \"chronology\"\nactors = [\"CN\"]\nsince = \"2025-02-30\"",
            "field `since`",
        ),
        (
            "kind = \"chronology\"\nactors = [\"CN\", 3]",
            "field `actors[1]`",
        ),
        (
            "kind = \"comparison\"\nevent = \"e\"\nsources = [\"a\", \"b\"]",
            "give either `event` or `sources`, not both",
        ),
        (
            "kind = \"comparison\"\nsources = [\"a\"]",
            "name at least two sources",
        ),
        (
            "kind = \"comparison\"",
            "missing field `event` or `sources`",
        ),
        (
            "kind = \"trend\"\nphrase = \"x\"\nconcept = \"y\"",
            "give only one of",
        ),
        (
            "kind = \"trend\"\nphrase = \"x\"\nby = \"week\"",
            "field `by`: `week`",
        ),
        (
            "kind = \"ledger\"\nactors = [\"RU\"]\nkinds = [\"parade\"]",
            "field `kinds`: invalid event type `parade`",
        ),
        ("kind = \"roster\"\nevent = 5", "field `event`"),
        (
            "kind = \"markdown\"\ntext = \"x\"\ntitle = \"\"",
            "field `title`: must not be empty",
        ),
        (
            "kind = \"trade_ytd\"\nreporter = \"CN\"\npartner = \"KP\"\nyears = [2025]",
            "missing field `through_month`",
        ),
    ];
    for (block, expected) in cases {
        let e = err(&format!("{HEAD}[[block]]\n{block}\n"));
        assert!(
            e.contains(expected),
            "for\n{block}\nexpected {expected:?} in\n{e}"
        );
        assert!(e.contains("block[0] ("), "{e}");
    }
}

#[test]
fn top_level_errors() {
    let e = err("period = { from = \"2025-01-01\", to = \"2025-12-31\" }\n");
    assert!(e.contains("field `title`: missing"), "{e}");
    let e = err("title = \"T\"\n");
    assert!(e.contains("field `period`: missing"), "{e}");
    let e = err("title = \"T\"\nperiod = { from = \"2025-12-31\", to = \"2025-01-01\" }\n");
    assert!(
        e.contains("field `period`: `to` (2025-01-01) is before `from`"),
        "{e}"
    );
    let e = err("title = \"T\"\nperiod = { from = \"2025-01-01\" }\n");
    assert!(e.contains("field `period`: missing field `to`"), "{e}");
    let e = err(&format!("{HEAD}lang = \"fr\"\n"));
    assert!(
        e.contains("field `lang`: `fr`: expected \"en\" or \"ja\""),
        "{e}"
    );
    let e = err(&format!("{HEAD}block = 3\n"));
    assert!(
        e.contains("field `block`: expected an array of tables"),
        "{e}"
    );
    let e = err("title = \"T\"\nperiod = { from = \"2025-01-01\", to = \n");
    assert!(
        e.starts_with("brief.toml: ") && e.contains("line 2"),
        "TOML errors name the line: {e}"
    );
}

#[test]
fn from_file_names_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("bad.toml");
    std::fs::write(&p, format!("{HEAD}[[block]]\nkind = \"roster\"\n")).expect("write");
    let e = BriefSpec::from_file(&p).expect_err("fails");
    let msg = e.to_string();
    assert!(
        msg.contains("bad.toml: block[0] (roster): missing field `event` or `actor`"),
        "{msg}"
    );
    assert!(matches!(e, BriefError::Block { index: 0, .. }));
    let missing = BriefSpec::from_file(&dir.path().join("none.toml")).expect_err("missing");
    assert!(matches!(missing, BriefError::Io { .. }));
}

#[test]
fn an_event_can_be_named_by_actors_and_date() {
    let spec = BriefSpec::parse(
        "title = \"t\"\nperiod = { from = \"2025-01-01\", to = \"2025-12-31\" }\nlang = \"en\"\n\
         [[block]]\nkind = \"comparison\"\nevent = { actors = [\"Xi Jinping\", \"Kim Jong Un\"], date = \"2025-09-04\" }\noutlets = [\"KCNA\", \"Xinhua\"]\n\
         [[block]]\nkind = \"roster\"\nevent = { actors = [\"Kim Jong Un\"], date = \"2025-09\" }\n",
        "sel.toml",
    )
    .unwrap();
    match &spec.blocks[0].kind {
        BlockKind::Comparison {
            target: ComparisonTarget::Meeting(sel),
            outlets,
        } => {
            assert_eq!(sel.actors, vec!["Xi Jinping", "Kim Jong Un"]);
            assert_eq!(sel.date.to_string(), "2025-09-04");
            assert_eq!(outlets, &vec!["KCNA".to_string(), "Xinhua".to_string()]);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        &spec.blocks[1].kind,
        BlockKind::Roster {
            target: entente_brief::spec::RosterTarget::Meeting(_)
        }
    ));
    let base = "title = \"t\"\nperiod = { from = \"2025-01-01\", to = \"2025-12-31\" }\nlang = \"en\"\n[[block]]\nkind = \"comparison\"\n";
    let e = BriefSpec::parse(
        &format!("{base}event = {{ actors = [], date = \"2025-09-04\" }}\n"),
        "s.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("block[0] (comparison)") && e.contains("event.actors"),
        "{e}"
    );
    let e = BriefSpec::parse(
        &format!("{base}event = {{ actors = [\"Xi\"], date = \"Sept 4\" }}\n"),
        "s.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("event.date"), "{e}");
    let e = BriefSpec::parse(
        &format!("{base}event = {{ actors = [\"Xi\"], day = \"2025-09-04\" }}\n"),
        "s.toml",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("unknown key `day`"), "{e}");
}
