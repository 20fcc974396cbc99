//! Prints what extraction sees in a text: actor mentions, lexicon hits, dates, events.
//! Usage: cargo run -p entente-extract --example explain -- LANG [PUBLISHED] < text

use std::io::Read;

use entente_core::{DateValue, Lang, SourceId};
use entente_extract::{Extractor, Input};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lang: Lang = args.first().map(|s| s.as_str()).unwrap_or("und").parse()?;
    let published: Option<DateValue> = args.get(1).map(|s| s.parse()).transpose()?;
    let mut raw = String::new();
    std::io::stdin().read_to_string(&mut raw)?;
    let text = entente_text::normalize(&raw);
    let ex = Extractor::bundled()?;
    for m in ex.matcher().find(&text, published) {
        println!(
            "mention {:>4}..{:<4} {:<24} {:?} {}",
            m.start, m.end, m.actor_id, m.via, m.surface
        );
    }
    let lex = entente_extract::lexicon::Lexicon::bundled()?;
    for h in lex.find(&entente_extract::gazetteer::fold_for_match(&text)) {
        println!(
            "lexicon {:>4}..{:<4} {:?} {}",
            h.start,
            h.end,
            h.cue,
            &text[h.start..h.end]
        );
    }
    for d in entente_text::dates::find_dates(&text, &lang, published) {
        println!(
            "date    {:>4}..{:<4} {} {}",
            d.start, d.end, d.value, d.text
        );
    }
    let out = ex.extract(&Input {
        source_id: SourceId::of_text(&text),
        text: &text,
        lang: &lang,
        published,
    });
    for e in &out.events {
        println!(
            "event   {} {:?} {:?} {:?}",
            e.kind,
            e.date.map(|d| d.to_string()),
            e.place,
            e.participants
        );
    }
    Ok(())
}
