//! Briefing specs as an analyst writes them (TOML) or a client posts them (JSON).
#![no_main]

use entente_brief::BriefSpec;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = BriefSpec::parse(&text, "fuzz.toml");
    let _ = BriefSpec::parse_json(&text, "fuzz.json");
});
