//! A sample briefing with every kind of section, Japanese, Chinese, Korean and Russian text,
//! and sources of each type. Shared by the integration tests and `examples/sample.rs`.
//! The figures are illustrative, made up for layout checks: not real statistics.

use entente_brief::{
    Absence, BarData, Body, Cell, Chart, ChartKind, ComparedSource, Comparison, ComparisonRow,
    ConceptPresence, Document, Edge, EdgeKind, Graph, LabelLang, Labels, Node, NodeKind, OnlyIn,
    Period, Section, Series, Source, Table, TimelineEvent, Unit, XAxis, YearMonth, format_value,
};

fn article(outlet: &str, title: &str, date: &str, id: &str) -> Source {
    Source::Article {
        outlet: outlet.into(),
        title: title.into(),
        date: date.parse().expect("sample date"),
        url: Some(format!(
            "https://example.org/{}/{id}",
            outlet.to_lowercase().replace(' ', "-")
        )),
        source_id: id.into(),
    }
}

/// The sample document in a label language.
pub fn sample_document(lang: LabelLang) -> Document {
    let l = Labels::get(lang).expect("labels");
    let mut d = Document::new(
        "China–Russia–DPRK relations in 2025 / 中朝露関係 2025年",
        lang,
    );
    d.subtitle = Some(
        "Sample briefing — illustrative figures for layout checks, not real statistics".into(),
    );
    d.period = Some(Period {
        from: "2025-01-01".parse().expect("date"),
        to: "2025-12-31".parse().expect("date"),
    });
    d.author = Some("entente sample".into());
    d.generated_from = "examples/briefing.toml".into();

    let kcna = d.cite(article(
        "KCNA",
        "Respected Comrade Kim Jong Un arrives in Beijing",
        "2025-09-02",
        "3f2a9c41",
    ));
    let xinhua = d.cite(article(
        "Xinhua",
        "习近平同朝鲜劳动党总书记金正恩会谈",
        "2025-09-04",
        "8b7d1e02",
    ));
    let tass = d.cite(article(
        "TASS",
        "Путин и Ким Чен Ын провели переговоры в Пекине",
        "2025-09-03",
        "c41d77e5",
    ));
    let asahi = d.cite(article(
        "Asahi Shimbun",
        "中朝首脳が会談、6年ぶり 北京で",
        "2025-09-04",
        "51aa03f9",
    ));
    let yonhap = d.cite(article(
        "Yonhap",
        "김정은, 베이징서 시진핑과 회담",
        "2025-09-04",
        "e09b6c10",
    ));
    let xinhua_2019 = d.cite(article(
        "Xinhua",
        "习近平同朝鲜劳动党委员长金正恩举行会谈",
        "2019-06-20",
        "77c0a1b3",
    ));
    let customs = d.cite(Source::Customs {
        dataset: "China Customs".into(),
        file: "cc-exports-kp-2016-2025-en.csv".into(),
        rows: "rows 2–131".into(),
        note: Some("HS 2-digit, US$".into()),
    });
    let customs_m = d.cite(Source::Customs {
        dataset: "China Customs".into(),
        file: "cc-monthly-kp-2023-2025.csv".into(),
        rows: "rows 2–71".into(),
        note: None,
    });
    let note = d.cite(Source::Note(
        "Counts from the entente knowledge base, confirmed events only.".into(),
    ));

    d.push(Section::new(
        "Summary / 概要",
        Body::Markdown(
            "Leaders of **China**, **Russia** and the **DPRK** met in Beijing in September 2025, the first time all three \
             attended one event.\n\n- 中朝首脳会談は6年ぶり。\n- 习近平: 中朝友好 *不会改变*.\n- Trade with the DPRK stays \
             below its 2019 level (see [figures](#s4)).\n\n> Figures in this sample are illustrative."
                .into(),
        ),
    ));

    let row =
        |date: &str, event: &str, place: &str, who: &str, refs: &[entente_brief::FootnoteId]| {
            vec![
                Cell::text(date),
                Cell::text(event).with_refs(refs.iter().copied()),
                Cell::text(place),
                Cell::text(who),
            ]
        };
    d.push(
        Section::new(
            "Chronology of high-level exchanges",
            Body::Table(Table {
                header: vec![
                    Cell::text(&l.date),
                    Cell::text("Event"),
                    Cell::text(&l.place),
                    Cell::text(&l.participants),
                ],
                rows: vec![
                    row(
                        "2025-05-09",
                        "Victory Day parade / 戦勝記念日パレード",
                        "Moscow",
                        "Xi Jinping 习近平, Vladimir Putin",
                        &[tass],
                    ),
                    row(
                        "2025-09-02",
                        "Kim Jong Un arrives by train | 専用列車で到着",
                        "Beijing 北京",
                        "Kim Jong Un 김정은",
                        &[kcna, yonhap],
                    ),
                    row(
                        "2025-09-03",
                        "Parade; Putin–Kim talks",
                        "Beijing",
                        "Xi, Putin, Kim",
                        &[tass, asahi],
                    ),
                    row(
                        "2025-09-04",
                        "Xi–Kim summit / 中朝首脳会談",
                        "Great Hall of the People 人民大会堂",
                        "习近平, 金正恩",
                        &[xinhua, asahi, kcna],
                    ),
                ],
            }),
        )
        .with_note("Confirmed events only; dates as given by the sources."),
    );

    let ev = |date: &str, label: &str, group: &str, r: entente_brief::FootnoteId| TimelineEvent {
        date: date.parse().expect("edtf"),
        label: label.into(),
        group: Some(group.into()),
        refs: vec![r],
    };
    d.push(Section::new(
        "Timeline",
        Body::Chart(Chart::new(
            "Leader-level contacts, 2025 / 首脳級接触",
            Unit::Count,
            ChartKind::Timeline {
                events: vec![
                    ev("2025-01-17", "Treaty in force", "RU–KP", tass),
                    ev("2025-05-08/2025-05-10", "習近平 訪露", "CN–RU", tass),
                    ev("2025-06-17", "Shoigu in Pyongyang", "RU–KP", kcna),
                    ev("2025-09-02/2025-09-05", "金正恩 訪中", "CN–KP", kcna),
                    ev("2025-09-03", "Beijing parade 北京阅兵", "CN–RU", xinhua),
                    ev("2025-09-03", "Путин–Ким talks", "RU–KP", tass),
                    ev(
                        "2025-10-10",
                        "WPK 80th anniversary 조선로동당 창건 80돐",
                        "CN–KP",
                        yonhap,
                    ),
                ],
                from: Some("2025-01".parse().expect("date")),
                to: Some("2025-12".parse().expect("date")),
            },
        )),
    ));

    let years: Vec<String> = (2016..=2025).map(|y| y.to_string()).collect();
    let exports = [
        2.63e9, 3.33e9, 0.39e9, 2.57e9, 0.49e9, 0.26e9, 0.90e9, 2.04e9, 1.93e9, 1.71e9,
    ];
    let imports = [
        2.63e9, 1.65e9, 0.21e9, 0.21e9, 0.048e9, 0.032e9, 0.13e9, 0.29e9, 0.25e9, 0.27e9,
    ];
    d.push(
        Section::new(
            "China–DPRK trade by year (sample)",
            Body::Chart(Chart::new(
                "China's trade with the DPRK / 中国の対北朝鮮貿易",
                Unit::UsDollars,
                ChartKind::GroupedBars(BarData {
                    categories: years.clone(),
                    series: vec![
                        Series::new(&l.exports, exports.iter().map(|v| Some(*v)).collect())
                            .with_refs([customs]),
                        Series::new(&l.imports, imports.iter().map(|v| Some(*v)).collect())
                            .with_refs([customs]),
                    ],
                }),
            )),
        )
        .with_note("2025: January–October."),
    );

    let months = YearMonth::new(2023, 1)
        .expect("ym")
        .through(YearMonth::new(2025, 10).expect("ym"));
    let wave = |i: usize, base: f64, amp: f64| {
        base + amp * ((i as f64) * 0.55).sin() + (i as f64) * base * 0.004
    };
    let m_exports: Vec<Option<f64>> = (0..months.len())
        .map(|i| {
            if i == 13 {
                None
            } else {
                Some(wave(i, 160e6, 35e6))
            }
        })
        .collect();
    let m_imports: Vec<Option<f64>> = (0..months.len())
        .map(|i| Some(wave(i + 3, 22e6, 8e6)))
        .collect();
    d.push(Section::new(
        "Monthly trade",
        Body::Chart(Chart::new(
            "China–DPRK trade by month",
            Unit::UsDollars,
            ChartKind::Lines {
                x: XAxis::Months(months),
                series: vec![
                    Series::new(&l.exports, m_exports).with_refs([customs_m]),
                    Series::new(&l.imports, m_imports).with_refs([customs_m]),
                ],
            },
        )),
    ));

    let top = [
        ("6704", "假发、假睫毛 Wigs, false eyelashes", 96.1e6, false),
        ("2716", "电力 Electrical energy", 41.3e6, false),
        ("8501", "电动机 Electric motors", 12.8e6, true),
        ("0303", "冻鱼 Frozen fish", 9.7e6, true),
        ("2601", "铁矿砂 Iron ores | concentrates", 3.2e6, true),
    ];
    let mut rows: Vec<Vec<Cell>> = top
        .iter()
        .map(|(hs, label, v, flag)| {
            vec![
                Cell::text(*hs),
                Cell::text(*label),
                Cell::num(format_value(*v, Unit::UsDollars, lang)).with_ref(customs),
                Cell::text(if *flag { "UNSCR 2397 ¶6" } else { "" }),
            ]
        })
        .collect();
    rows.push(vec![
        Cell::text(&l.total).strong(),
        Cell::text(""),
        Cell::num(format_value(163.1e6, Unit::UsDollars, lang))
            .strong()
            .with_ref(customs),
        Cell::text(""),
    ]);
    d.push(Section::new(
        "Top imports from the DPRK, January–October 2025",
        Body::Table(Table {
            header: vec![
                Cell::text("HS"),
                Cell::text("Heading"),
                Cell::num(&l.imports),
                Cell::text("Sanctions"),
            ],
            rows,
        }),
    ));

    d.push(
        Section::new(
            "Exchanges by type",
            Body::Chart(Chart::new(
                "Russia–DPRK exchanges by type / 露朝交流",
                Unit::Count,
                ChartKind::StackedBars(BarData {
                    categories: (2022..=2025).map(|y| y.to_string()).collect(),
                    series: vec![
                        Series::new(
                            "Meetings 会談",
                            vec![Some(1.0), Some(4.0), Some(9.0), Some(7.0)],
                        )
                        .with_refs([note]),
                        Series::new(
                            "Delegations 代表団",
                            vec![Some(2.0), Some(6.0), Some(14.0), Some(11.0)],
                        )
                        .with_refs([note]),
                        Series::new(
                            "Messages 書簡",
                            vec![Some(5.0), Some(7.0), Some(8.0), Some(6.0)],
                        )
                        .with_refs([note]),
                    ],
                }),
            )),
        )
        .with_refs([note]),
    );

    let node = |id: &str, label: &str, kind: NodeKind, state: Option<&str>| Node {
        id: id.into(),
        label: label.into(),
        kind,
        state: state.map(Into::into),
    };
    let edge = |a: &str,
                b: &str,
                kind: EdgeKind,
                label: &str,
                weight: f64,
                r: entente_brief::FootnoteId| Edge {
        a: a.into(),
        b: b.into(),
        kind,
        label: label.into(),
        weight,
        refs: vec![r],
    };
    d.push(Section::new(
        "Relationship map",
        Body::Graph(Graph {
            title: "Who met whom, 2025 / 関係図".into(),
            nodes: vec![
                node("CN", "China 中国", NodeKind::State, None),
                node("KP", "DPRK 朝鲜", NodeKind::State, None),
                node("RU", "Russia Россия", NodeKind::State, None),
                node("xi-jinping", "习近平", NodeKind::Leader, Some("CN")),
                node("kim-jong-un", "김정은", NodeKind::Leader, Some("KP")),
                node("vladimir-putin", "Путин", NodeKind::Leader, Some("RU")),
                node("SCO", "SCO 上合组织", NodeKind::Organization, None),
            ],
            edges: vec![
                edge("CN", "RU", EdgeKind::Trade, "US$245 bn", 6.0, tass),
                edge("RU", "KP", EdgeKind::Treaty, "2024 treaty", 3.0, tass),
                edge("RU", "KP", EdgeKind::Military, "troops, shells", 4.0, kcna),
                edge("CN", "KP", EdgeKind::Trade, "US$2.0 bn", 3.0, customs),
                edge(
                    "xi-jinping",
                    "kim-jong-un",
                    EdgeKind::Meeting,
                    "2025-09-04",
                    1.0,
                    xinhua,
                ),
                edge(
                    "vladimir-putin",
                    "kim-jong-un",
                    EdgeKind::Meeting,
                    "2025-09-03",
                    1.0,
                    tass,
                ),
                edge(
                    "xi-jinping",
                    "vladimir-putin",
                    EdgeKind::Meeting,
                    "3 meetings",
                    3.0,
                    xinhua,
                ),
                edge("CN", "SCO", EdgeKind::Membership, "", 1.0, note),
                edge("RU", "SCO", EdgeKind::Membership, "", 1.0, note),
            ],
        }),
    ));

    d.push(Section::new(
        "How the Xi–Kim summit was reported",
        Body::Comparison(Comparison {
            sources: vec![
                ComparedSource {
                    label: "KCNA".into(),
                    refs: vec![kcna],
                },
                ComparedSource {
                    label: "新华社".into(),
                    refs: vec![xinhua],
                },
                ComparedSource {
                    label: "朝日新聞".into(),
                    refs: vec![asahi],
                },
            ],
            rows: vec![
                ComparisonRow {
                    topic: l.date.clone(),
                    cells: vec![
                        Some("2025-09-04".into()),
                        Some("9月4日".into()),
                        Some("4日".into()),
                    ],
                    concepts: vec![],
                },
                ComparisonRow {
                    topic: "Friendship".into(),
                    cells: vec![
                        Some("invincible friendship".into()),
                        Some("中朝友好 不会因国际风云变幻而改变".into()),
                        None,
                    ],
                    concepts: vec!["friendship".into(), "友好".into()],
                },
                ComparisonRow {
                    topic: "Denuclearisation".into(),
                    cells: vec![None, None, Some("非核化には言及せず".into())],
                    concepts: vec!["denuclearization".into()],
                },
            ],
            only_in: vec![OnlyIn {
                source: 0,
                items: vec!["Kim thanked Xi for the \"warm welcome\" & hospitality".into()],
            }],
            presence: vec![
                ConceptPresence {
                    concept: "friendship / 友好".into(),
                    present: vec![true, true, true],
                },
                ConceptPresence {
                    concept: "denuclearization / 无核化".into(),
                    present: vec![false, false, true],
                },
                ConceptPresence {
                    concept: "economic cooperation".into(),
                    present: vec![false, true, false],
                },
            ],
            absences: vec![Absence {
                concept: "denuclearization / 半岛无核化".into(),
                source: Some(1),
                last_seen: Some("2019-06-20".parse().expect("date")),
                refs: vec![xinhua_2019],
            }],
        }),
    ));
    d
}
