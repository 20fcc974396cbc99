//! The domain data files an analyst edits or adds: actors (gazetteer), concepts (lexicon)
//! and outlet profiles. The first byte chooses which.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, bytes)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(bytes).into_owned();
    match sel % 3 {
        0 => {
            if let Ok(g) =
                entente_extract::gazetteer::Gazetteer::from_files(vec![("fuzz.toml".into(), text)])
            {
                let m = g.matcher();
                let _ = m.find("Kim Jong Un met Vladimir Putin in Pyongyang.", None);
            }
        }
        1 => {
            let _ = entente_compare::lexicon::Lexicon::from_files(vec![("fuzz.toml".into(), text)]);
        }
        _ => {
            let _ = entente_text::outlets::parse(&text, "fuzz.toml");
        }
    }
});
