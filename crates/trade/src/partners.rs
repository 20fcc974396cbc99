//! Country codes: China Customs partner codes and UN M49 / ISO alpha-3 codes to ISO 3166-1 alpha-2.
//!
//! Aggregates that have no ISO code get codes from ISO's user-assigned range:
//! `XW` world, `ZZ` unknown, `XZ` international organisations, `QS`..`QX` "other … nes"
//! by continent (Asia, Africa, Europe, Latin America, North America, Oceania), `QY` the
//! former "neutral package", `XB` bunkers, `XF` free zones, `XC` special categories,
//! `XX` areas nes. Historic `CS` (Serbia and Montenegro) and `AN` (Netherlands Antilles)
//! keep their transitional codes.

use std::collections::HashMap;
use std::sync::OnceLock;

const PARTNERS: &str = include_str!("partners.csv");
const ISO: &str = include_str!("iso3166.csv");

struct Tables {
    cc_code: HashMap<String, String>,
    cc_name: HashMap<String, String>,
    alpha3: HashMap<String, String>,
    numeric: HashMap<u32, String>,
    names: HashMap<String, String>,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = Tables {
            cc_code: HashMap::new(),
            cc_name: HashMap::new(),
            alpha3: HashMap::new(),
            numeric: HashMap::new(),
            names: HashMap::new(),
        };
        let mut r = csv::Reader::from_reader(PARTNERS.as_bytes());
        for rec in r.records().flatten() {
            let (code, iso, zh, en) = (&rec[0], &rec[1], &rec[2], &rec[3]);
            t.cc_code.insert(code.to_string(), iso.to_string());
            if !zh.is_empty() {
                t.cc_name.insert(zh.to_string(), iso.to_string());
            }
            if !en.is_empty() {
                t.cc_name.insert(en.to_lowercase(), iso.to_string());
            }
            t.names
                .entry(iso.to_string())
                .or_insert_with(|| en.to_string());
        }
        let mut r = csv::Reader::from_reader(ISO.as_bytes());
        for rec in r.records().flatten() {
            t.alpha3.insert(rec[1].to_string(), rec[0].to_string());
            if let Ok(n) = rec[2].parse::<u32>() {
                t.numeric.insert(n, rec[0].to_string());
            }
            t.names.insert(rec[0].to_string(), rec[3].to_string());
        }
        // UN M49 codes that Comtrade uses in place of the ISO numeric code, and aggregates.
        for (n, a) in [
            (0, "XW"),
            (842, "US"),
            (251, "FR"),
            (757, "CH"),
            (699, "IN"),
            (579, "NO"),
            (490, "QS"),
            (577, "QT"),
            (568, "QU"),
            (473, "QV"),
            (637, "QW"),
            (527, "QX"),
            (837, "XB"),
            (838, "XF"),
            (839, "XC"),
            (899, "XX"),
            (891, "CS"),
            (530, "AN"),
            (711, "ZA"),
        ] {
            t.numeric.insert(n, a.to_string());
        }
        t.alpha3.insert("WLD".into(), "XW".into());
        t
    })
}

/// ISO alpha-2 for a China Customs partner code (`109` → `KP`) or partner name (`朝鲜`, `Russia`).
pub fn china_customs_partner(code_or_name: &str) -> Option<&'static str> {
    let t = tables();
    let s = code_or_name.trim();
    t.cc_code
        .get(s)
        .or_else(|| t.cc_name.get(s))
        .or_else(|| t.cc_name.get(&s.to_lowercase()))
        .map(String::as_str)
}

/// ISO alpha-2 for a Comtrade reporter/partner: the ISO alpha-3 column when usable, else the M49 code.
pub fn comtrade_country(m49: &str, alpha3: &str) -> Option<&'static str> {
    let t = tables();
    if let Some(a) = t.alpha3.get(alpha3.trim()) {
        return Some(a);
    }
    let n: u32 = m49.trim().parse().ok()?;
    t.numeric.get(&n).map(String::as_str)
}

/// An English name for an ISO alpha-2 code (or entente aggregate code), when known.
pub fn country_name(iso2: &str) -> Option<&'static str> {
    tables().names.get(iso2).map(String::as_str)
}

/// Whether a code is known: an ISO alpha-2 code or one of the aggregate codes above.
pub fn known_country(iso2: &str) -> bool {
    let t = tables();
    t.names.contains_key(iso2) || t.numeric.values().any(|v| v == iso2)
}
