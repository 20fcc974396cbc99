//! Every document reader an input reaches: format sniffing, encoding detection and decoding,
//! text with YAML front matter, Markdown, HTML, JSON and JSON Lines (with and without a field
//! map), RSS and Atom; then normalisation, language identification and fingerprinting
//! (`prepare`). The first byte chooses the format (or sniffing) and the map; the rest is the
//! file. PDF is left out: it is read by an external program.
#![no_main]

use entente_ingest::readers::{self, Format, ReadOptions};
use entente_ingest::{FieldMap, pipeline};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, bytes)) = data.split_first() else {
        return;
    };
    if bytes.starts_with(b"%PDF") {
        return;
    }
    let mut opts = ReadOptions::default();
    opts.format = match sel % 9 {
        1 => Some(Format::Text),
        2 => Some(Format::Markdown),
        3 => Some(Format::Html),
        4 => Some(Format::Json),
        5 => Some(Format::Jsonl),
        6 => Some(Format::Rss),
        7 => Some(Format::Atom),
        _ => None,
    };
    if sel & 0x80 != 0 {
        opts.map = FieldMap::parse("title=headline,text=story,published=date,url=link")
            .expect("a constant map");
    }
    if sel & 0x40 != 0 {
        opts.encoding = Some("shift_jis".into());
    }
    for doc in readers::read("fuzz-input", bytes, None, &opts) {
        if let Ok(raw) = doc {
            let _ = pipeline::prepare(raw, &Default::default());
        }
    }
});
