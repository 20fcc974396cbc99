//! The crate's public API end to end: raw text → normalise → detect → tokenise, as ingest,
//! the index and the query parser use it.

mod dates;

use entente_core::Lang;
use entente_text::{Mode, Token, detect, detect_spans, fold, load_tables, normalize, tokens};

#[test]
fn tables_validate_at_start() {
    assert_eq!(load_tables(), Ok(()));
}

#[test]
fn raw_japanese_article_to_index_tokens() {
    let raw = "\u{FEFF}日米首脳会談\r\n\r\n\r\n　岸田首相は２０２５年９月、\
               ワシントンで大統領と会談した。\u{200B}\r\n";
    let text = normalize(raw);
    assert_eq!(
        text,
        "日米首脳会談\n\n岸田首相は2025年9月、ワシントンで大統領と会談した。"
    );
    assert_eq!(detect(&text), Lang::Ja);

    let index = tokens(&text, Mode::Index);
    // A Chinese query in simplified characters finds the Japanese text: 首脑会谈 is a phrase of
    // trigrams that appear in the index at the same relative positions.
    let query = tokens(&normalize("首脑会谈"), Mode::Query);
    assert_eq!(
        query.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
        ["首脑会", "脑会谈"]
    );
    assert!(phrase_matches(&index, &query), "{index:?}");
    // So does the traditional spelling, and the year as a number.
    assert!(phrase_matches(&index, &tokens("首腦會談", Mode::Query)));
    assert!(
        index
            .iter()
            .any(|t| t.text == "2025" && &text[t.start..t.end] == "2025")
    );
    // A word that is not there does not match.
    assert!(!phrase_matches(&index, &tokens("首脑会见", Mode::Query)));
}

#[test]
fn english_and_russian_queries_match_inflected_text() {
    let text = normalize("Лавров заявил журналистам о встречах.\n\nThe ministers’ meetings ended.");
    let (main, spans) = detect_spans(&text);
    assert_eq!(main, Lang::Ru);
    assert_eq!(spans.len(), 2);
    assert_eq!(spans[1].lang, Lang::En);
    let index = tokens(&text, Mode::Index);
    assert!(phrase_matches(&index, &tokens("Meeting", Mode::Query)));
    assert!(phrase_matches(
        &index,
        &tokens("minister's meeting", Mode::Query)
    ));
    assert!(phrase_matches(
        &index,
        &tokens("лавров заявила", Mode::Query)
    ));
    assert!(phrase_matches(&index, &tokens("встреча", Mode::Query)));
}

#[test]
fn folding_keeps_character_offsets() {
    let s = "習近平と會談、揺れる経済";
    let f = fold(s);
    assert_eq!(f, "习近平と会谈、摇れる经济");
    assert_eq!(f.chars().count(), s.chars().count());
}

/// Whether `query` occurs in `index` as a phrase: tokens with the same texts at the same
/// relative positions.
fn phrase_matches(index: &[Token], query: &[Token]) -> bool {
    let Some(first) = query.first() else {
        return false;
    };
    index.iter().filter(|t| t.text == first.text).any(|start| {
        query.iter().all(|q| {
            let want = start.position + q.position - first.position;
            index.iter().any(|t| t.text == q.text && t.position == want)
        })
    })
}
