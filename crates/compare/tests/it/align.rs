use entente_compare::compare;

use crate::{extractor, fixture, lexicon};

fn present(c: &entente_compare::Comparison, concept: &str, source: &str) -> Option<bool> {
    c.concepts.get(concept).and_then(|r| r.get(source)).copied()
}

#[test]
fn korean_and_chinese_readouts_of_one_meeting_align() {
    let ko = fixture("2025-09-04-xi-kim-kcna-ko");
    let zh = fixture("2025-09-04-xi-kim-xinhua-zh");
    let c = compare(&[ko.clone(), zh.clone()], lexicon(), extractor());
    let (a, b) = (ko.id.to_hex(), zh.id.to_hex());
    assert!(c.pairs.len() >= 3, "{:#?}", c.pairs);
    for p in &c.pairs {
        assert_eq!(
            (p.a.source_id.as_str(), p.b.source_id.as_str()),
            (a.as_str(), b.as_str())
        );
        assert_eq!(&ko.text[p.a.start..p.a.end], p.a.text);
        assert_eq!(&zh.text[p.b.start..p.b.end], p.b.text);
        assert!(p.score >= entente_compare::align::MIN_SCORE);
    }
    // Strategic communication is in both; the pair that carries it is aligned.
    assert_eq!(present(&c, "strategic_communication", &a), Some(true));
    assert_eq!(present(&c, "strategic_communication", &b), Some(true));
    assert!(
        c.pairs
            .iter()
            .any(|p| p.concepts_a.contains(&"strategic_communication".into())
                && p.concepts_b.contains(&"strategic_communication".into())),
        "{:#?}",
        c.pairs
    );
    // Taiwan is named only by Xinhua, and that statement is listed as Xinhua's alone or as a
    // difference inside a pair.
    assert_eq!(present(&c, "taiwan", &a), Some(false));
    assert_eq!(present(&c, "taiwan", &b), Some(true));
    let in_only = c.only[&b]
        .iter()
        .any(|o| o.concepts.contains(&"taiwan".into()));
    let in_diff = c
        .pairs
        .iter()
        .any(|p| p.differs.concepts_only_b.contains(&"taiwan".into()));
    assert!(in_only || in_diff);
    // Neither 2025 readout mentions denuclearization.
    assert!(!c.concepts.contains_key("denuclearization"));
    // Every statement is either paired or listed as one source's own.
    for (doc, id) in [(&ko, &a), (&zh, &b)] {
        let paired = c
            .pairs
            .iter()
            .filter(|p| &p.a.source_id == id || &p.b.source_id == id)
            .count();
        assert_eq!(
            paired + c.only[id].len(),
            entente_compare::segment::segments(&doc.text).len()
        );
    }
}

#[test]
fn what_one_side_left_out_2018() {
    let zh = fixture("2018-03-28-xi-kim-xinhua-zh");
    let ko = fixture("2018-03-28-xi-kim-kcna-ko");
    let c = compare(&[zh.clone(), ko.clone()], lexicon(), extractor());
    let (a, b) = (zh.id.to_hex(), ko.id.to_hex());
    assert_eq!(present(&c, "denuclearization", &a), Some(true));
    assert_eq!(present(&c, "denuclearization", &b), Some(false));
    let xinhua_only = c.only[&a]
        .iter()
        .any(|o| o.concepts.contains(&"denuclearization".into()));
    let as_diff = c.pairs.iter().any(|p| {
        p.differs
            .concepts_only_a
            .contains(&"denuclearization".into())
    });
    assert!(xinhua_only || as_diff, "{c:#?}");
}

#[test]
fn two_japanese_readouts_align_statement_by_statement() {
    let a = fixture("2024-06-19-putin-kim-kyodo-ja");
    let b = fixture("2024-06-19-putin-kim-chosunsinbo-ja");
    let c = compare(&[a.clone(), b.clone()], lexicon(), extractor());
    let shorter = entente_compare::segment::segments(&a.text)
        .len()
        .min(entente_compare::segment::segments(&b.text).len());
    assert!(
        c.pairs.len() * 2 >= shorter,
        "{} pairs for {shorter} statements: {:#?}",
        c.pairs.len(),
        c.pairs
    );
    // Both report the sanctions remark; only the pro-Pyongyang paper speaks of a
    // multipolar world.
    assert_eq!(present(&c, "sanctions", &a.id.to_hex()), Some(true));
    assert_eq!(present(&c, "sanctions", &b.id.to_hex()), Some(true));
    assert_eq!(present(&c, "multipolar_world", &a.id.to_hex()), Some(false));
    assert_eq!(present(&c, "multipolar_world", &b.id.to_hex()), Some(true));
}

#[test]
fn russian_and_korean_readouts_of_the_2024_summit() {
    let ru = fixture("2024-06-19-putin-kim-tass-ru");
    let ko = fixture("2024-06-19-putin-kim-kcna-ko");
    let en = fixture("2024-06-19-putin-kim-kcna-en");
    let c = compare(
        &[ru.clone(), ko.clone(), en.clone()],
        lexicon(),
        extractor(),
    );
    let (r, k, e) = (ru.id.to_hex(), ko.id.to_hex(), en.id.to_hex());
    assert_eq!(c.sources.len(), 3);
    assert_eq!(
        present(&c, "comprehensive_strategic_partnership", &r),
        Some(true)
    );
    assert_eq!(
        present(&c, "comprehensive_strategic_partnership", &k),
        Some(true)
    );
    assert_eq!(present(&c, "sanctions", &r), Some(true));
    assert_eq!(present(&c, "sanctions", &k), Some(false));
    // Pairs exist between every two of the three sources.
    for (x, y) in [(&r, &k), (&r, &e), (&k, &e)] {
        assert!(
            c.pairs
                .iter()
                .any(|p| &p.a.source_id == x && &p.b.source_id == y),
            "no pair between {x} and {y}"
        );
    }
    // The JSON has the documented shape.
    let j = serde_json::to_value(&c).unwrap();
    for k in ["sources", "pairs", "only", "concepts", "absences"] {
        assert!(j.get(k).is_some(), "{k}");
    }
    let p = &j["pairs"][0];
    for k in ["source_id", "start", "end", "text"] {
        assert!(p["a"].get(k).is_some() && p["b"].get(k).is_some(), "{k}");
    }
    assert!(p["score"].is_number() && p["concepts_a"].is_array() && p["concepts_b"].is_array());
}

#[test]
fn comparing_is_deterministic() {
    let a = fixture("2023-03-21-xi-putin-xinhua-zh");
    let b = fixture("2023-03-21-xi-putin-kremlin-ru");
    let x =
        serde_json::to_string(&compare(&[a.clone(), b.clone()], lexicon(), extractor())).unwrap();
    let y = serde_json::to_string(&compare(&[a, b], lexicon(), extractor())).unwrap();
    assert_eq!(x, y);
}
