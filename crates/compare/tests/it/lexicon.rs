use entente_extract::gazetteer::fold_for_match;

use crate::lexicon;

#[test]
fn bundled_lexicon_is_large_and_has_the_required_concepts() {
    let l = lexicon();
    assert!(l.concepts().len() >= 80, "{} concepts", l.concepts().len());
    for id in [
        "denuclearization",
        "aid",
        "gratitude",
        "economic_cooperation",
        "high_level_exchanges",
        "strategic_communication",
        "party_building_experience",
        "multilateralism",
        "one_china",
        "taiwan",
        "sovereignty",
        "independence_juche",
        "peninsula_peace_stability",
        "anti_imperialism",
        "anti_hegemonism",
        "multipolar_world",
        "socialism",
        "blood_sealed_friendship",
        "long_term_cooperation",
        "military_cooperation",
        "security_cooperation",
        "comprehensive_strategic_partnership",
        "sanctions",
        "nuclear_forces",
    ] {
        assert!(l.concept(id).is_some(), "concept `{id}` missing");
    }
    let (_, meeting) = l.ladder("meeting-verbs").unwrap();
    assert!(meeting.levels.len() >= 4);
    assert!(meeting.levels.windows(2).all(|w| w[0].rank < w[1].rank));
}

#[test]
fn one_concept_is_found_in_every_language_and_both_scripts_and_spellings() {
    let l = lexicon();
    let found = |t: &str| -> Vec<String> {
        l.find_concepts(&fold_for_match(t))
            .into_iter()
            .map(|h| l.concepts()[h.concept].id.clone())
            .collect()
    };
    for t in [
        "the denuclearization of the peninsula",
        "朝鮮半島の非核化",
        "半岛无核化",
        "半島無核化",
        "한반도 비핵화",
        "денуклеаризации Корейского полуострова",
    ] {
        assert!(
            found(t).contains(&"denuclearization".to_string()),
            "{t}: {:?}",
            found(t)
        );
    }
    // The two Koreas' words for the Korean Peninsula.
    for t in ["조선반도의 평화와 안정", "한반도의 평화와 안정"] {
        assert!(
            found(t).contains(&"peninsula_peace_stability".to_string()),
            "{t}: {:?}",
            found(t)
        );
    }
}

#[test]
fn ladder_levels_prefer_the_longest_wording() {
    let l = lexicon();
    let (i, ladder) = l.ladder("meeting-verbs").unwrap();
    let top = |t: &str| {
        l.find_levels(i, &fold_for_match(t))
            .into_iter()
            .map(|h| ladder.levels[h.level].rank)
            .max()
    };
    let talk = top("両首脳は談話した").unwrap();
    let views = top("両首脳は意見交換した").unwrap();
    let deep = top("회담에서는 문제가 심도있게 토의되였다").unwrap();
    assert!(talk < views && views < deep, "{talk} {views} {deep}");
}

#[test]
fn a_broken_lexicon_file_names_file_and_problem() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mine.toml"),
        "[[concept]]\nid = \"aid\"\nen = [\"aid\"]\nja = [\"支援\"]\nzh = [\"援助\"]\nzh_hant = [\"援助\"]\nko = [\"지원\"]\nko_nk = [\"지원\"]\nru = [\"помощь\"]\n",
    )
    .unwrap();
    let e = entente_compare::Lexicon::load_dir(dir.path())
        .unwrap_err()
        .to_string();
    assert!(e.contains("mine.toml") && e.contains("ko_nk"), "{e}");
}

#[test]
fn a_sentence_that_notes_an_omission_does_not_count_as_use() {
    let l = lexicon();
    let hits = |t: &str| -> Vec<(String, bool)> {
        l.find_concepts(&fold_for_match(t))
            .into_iter()
            .filter(|h| l.concepts()[h.concept].id == "denuclearization")
            .map(|h| (l.concepts()[h.concept].id.clone(), h.negated))
            .collect()
    };
    for t in [
        "Neither side's readout mentioned the denuclearisation of the Korean Peninsula.",
        "中国側の発表は朝鮮半島の非核化に触れておらず、注目された。",
        "新华社的报道未提及半岛无核化。",
        "양측 발표문은 비핵화를 언급하지 않았다.",
        "В сообщениях сторон не упоминалась денуклеаризация.",
    ] {
        assert_eq!(hits(t), vec![("denuclearization".to_string(), true)], "{t}");
    }
    // Negation is sentence-scoped: the next sentence's use still counts.
    let t = "The readout did not mention sanctions. Xi called for denuclearization.";
    assert_eq!(hits(t), vec![("denuclearization".to_string(), false)]);
}
