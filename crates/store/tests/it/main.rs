//! Store and index behaviour: identity, near-duplicates, prefixes, migrations,
//! search analysis and filters, crash catch-up and doctor repairs.

mod conformance;
mod repo;
mod sqlite;

use entente_core::{DateValue, Lang, NewSource, SourceId, minhash};

/// A source as the ingest pipeline would prepare it (normalisation is the identity here).
pub fn source(text: &str, lang: Lang, published: Option<&str>, outlet: &str) -> NewSource {
    let folded = entente_text::fold(&text.to_lowercase());
    NewSource {
        id: SourceId::of_text(text),
        outlet: Some(outlet.to_string()),
        lang,
        lang_spans: vec![],
        published: published.map(|p| DateValue::parse_loose(p).unwrap()),
        url: None,
        title: Some(text.chars().take(20).collect()),
        text: text.to_string(),
        original_text: text.to_string(),
        encoding: "UTF-8".into(),
        format: "text".into(),
        origin: format!("test:{}", &text.chars().take(8).collect::<String>()),
        minhash: minhash::signature(&folded),
    }
}
