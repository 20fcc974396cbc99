//! Date expressions (every language's patterns, eras, relative dates against an anchor),
//! loose and EDTF dates, and quantities, on arbitrary text.
#![no_main]

use entente_core::{DateValue, Lang};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let anchor = "2024-06-19".parse::<DateValue>().ok();
    for lang in [
        Lang::En,
        Lang::Ru,
        Lang::Ja,
        Lang::Ko,
        Lang::ZhHans,
        Lang::ZhHant,
    ] {
        let _ = entente_text::dates::find_dates(&text, &lang, anchor);
        let _ = entente_text::dates::find_dates(&text, &lang, None);
        let _ = entente_text::dates::parse_date(&text, &lang, anchor);
        let _ = entente_text::quantity::find_quantities(&text, &lang);
    }
    let _ = DateValue::parse_loose(&text);
    let _ = text.parse::<DateValue>();
    let _ = entente_text::normalize(&text);
});
