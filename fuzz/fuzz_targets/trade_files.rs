//! Customs files (China Customs, UN Comtrade, entente's canonical CSV, in any encoding, with
//! cumulative figures) and the data files of the trade stack: the HS concordance and UN measures.
#![no_main]

use std::path::Path;

use entente_trade::parse::{self, Format, ImportOptions};
use entente_trade::{Concordance, Flow, Measures};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, bytes)) = data.split_first() else {
        return;
    };
    let file = Path::new("fuzz.csv");
    let opts = ImportOptions {
        reporter: (sel & 0x10 != 0).then(|| "CN".to_string()),
        flow: Some(if sel & 0x20 != 0 {
            Flow::Import
        } else {
            Flow::Export
        }),
        cumulative: sel & 0x40 != 0,
    };
    match sel % 5 {
        0 => {
            let _ = parse::parse(file, bytes, Format::ChinaCustoms, &opts);
        }
        1 => {
            let _ = parse::parse(file, bytes, Format::Comtrade, &opts);
        }
        2 => {
            let _ = parse::parse(file, bytes, Format::Csv, &opts);
            let _ = parse::parse_bulk(bytes);
        }
        3 => {
            let _ = Concordance::parse(
                &String::from_utf8_lossy(bytes),
                Path::new("concordance.csv"),
            );
        }
        _ => {
            let _ = Measures::parse(&String::from_utf8_lossy(bytes), Path::new("measures.toml"));
        }
    }
});
