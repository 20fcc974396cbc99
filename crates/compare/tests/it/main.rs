//! Integration tests of the comparison crate on the bundled lexicon and the fixtures under
//! examples/demo/compare (reconstructed readouts written for entente).

mod align;
mod lexicon;

use entente_compare::{Document, Lexicon};
use entente_core::{DateValue, Lang, SourceId};
use std::sync::OnceLock;

pub fn lexicon() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| Lexicon::bundled().expect("the bundled lexicon loads"))
}

pub fn extractor() -> &'static entente_extract::Extractor {
    static E: OnceLock<entente_extract::Extractor> = OnceLock::new();
    E.get_or_init(|| entente_extract::Extractor::bundled().expect("bundled extractor"))
}

/// A fixture as the store would hold it: front matter read, body normalised.
pub fn fixture(name: &str) -> Document {
    entente_text::fold::load_tables().unwrap();
    let path = format!(
        "{}/../../examples/demo/compare/{name}.md",
        env!("CARGO_MANIFEST_DIR")
    );
    let raw = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut parts = raw.splitn(3, "---\n");
    parts.next();
    let front = parts.next().unwrap();
    let body = parts.next().unwrap();
    let field = |k: &str| {
        front
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{k}: ")))
            .map(|v| v.trim().trim_matches('"').to_string())
    };
    let text = entente_text::normalize(body);
    Document {
        id: SourceId::of_text(&text),
        outlet: field("outlet"),
        lang: field("lang").unwrap().parse::<Lang>().unwrap(),
        published: field("published").and_then(|p| DateValue::parse_loose(&p).ok()),
        title: field("title"),
        url: field("url"),
        text,
    }
}
