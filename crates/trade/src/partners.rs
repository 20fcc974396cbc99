//! Country codes: China Customs partner codes and UN M49 / ISO alpha-3 codes to ISO 3166-1 alpha-2.
//!
//! Aggregates that have no ISO code get codes from ISO's user-assigned range:
//! `XW` world, `ZZ` unknown, `XZ` international organisations, `QS`..`QX` "other … nes"
//! by continent (Asia, Africa, Europe, Latin America, North America, Oceania), `QY` the
//! former "neutral package", `XB` bunkers, `XF` free zones, `XC` special categories,
//! `XX` areas nes. Historic `CS` (Serbia and Montenegro) and `AN` (Netherlands Antilles)
//! keep their transitional codes.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use crate::error::TradeError;
use crate::model::valid_country;

/// China Customs partner codes: `code,iso2,zh,en`.
pub const PARTNERS_FILE: &str = "data/trade/partners.csv";
/// ISO 3166-1: `alpha2,alpha3,numeric,name`.
pub const ISO_FILE: &str = "data/trade/iso3166.csv";
const PARTNERS: &str = include_str!("../../../data/trade/partners.csv");
const ISO: &str = include_str!("../../../data/trade/iso3166.csv");

struct Tables {
    cc_code: HashMap<String, String>,
    cc_name: HashMap<String, String>,
    alpha3: HashMap<String, String>,
    numeric: HashMap<u32, String>,
    names: HashMap<String, String>,
}

/// Reads a bundled table: every record must have the `N` fields of `header`, which `each`
/// checks and takes. Errors name the file and the line.
fn read_table<const N: usize>(
    file: &str,
    text: &str,
    header: [&str; N],
    mut each: impl FnMut([&str; N]) -> Result<(), String>,
) -> Result<(), TradeError> {
    let bad = |line: u64, message: String| TradeError::Data {
        file: PathBuf::from(file),
        message: format!("line {line}: {message}"),
    };
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| bad(i as u64 + 1, e.to_string()))?;
        let line = rec.position().map_or(i as u64 + 1, |p| p.line());
        if rec.len() != header.len() {
            return Err(bad(
                line,
                format!(
                    "{} fields, expected {} ({})",
                    rec.len(),
                    header.len(),
                    header.join(",")
                ),
            ));
        }
        if i == 0 {
            if rec.iter().ne(header.iter().copied()) {
                return Err(bad(line, format!("header must be {}", header.join(","))));
            }
            continue;
        }
        each(std::array::from_fn(|i| &rec[i])).map_err(|m| bad(line, m))?;
    }
    Ok(())
}

fn load(partners: &str, iso: &str) -> Result<Tables, TradeError> {
    let mut t = Tables {
        cc_code: HashMap::new(),
        cc_name: HashMap::new(),
        alpha3: HashMap::new(),
        numeric: HashMap::new(),
        names: HashMap::new(),
    };
    read_table(
        PARTNERS_FILE,
        partners,
        ["code", "iso2", "zh", "en"],
        |[code, iso, zh, en]| {
            if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("code `{code}` is not a number"));
            }
            if !valid_country(iso) {
                return Err(format!("iso2 `{iso}` is not two capital letters"));
            }
            if t.cc_code
                .insert(code.to_string(), iso.to_string())
                .is_some()
            {
                return Err(format!("code {code} listed twice"));
            }
            if !zh.is_empty() {
                t.cc_name.insert(zh.to_string(), iso.to_string());
            }
            if !en.is_empty() {
                t.cc_name.insert(en.to_lowercase(), iso.to_string());
            }
            t.names
                .entry(iso.to_string())
                .or_insert_with(|| en.to_string());
            Ok(())
        },
    )?;
    let mut seen = std::collections::HashSet::new();
    read_table(
        ISO_FILE,
        iso,
        ["alpha2", "alpha3", "numeric", "name"],
        |[a2, a3, num, name]| {
            if !valid_country(a2) {
                return Err(format!("alpha2 `{a2}` is not two capital letters"));
            }
            if a3.len() != 3 || !a3.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(format!("alpha3 `{a3}` is not three capital letters"));
            }
            let n: u32 = match num.parse() {
                Ok(n) if num.len() == 3 => n,
                _ => return Err(format!("numeric `{num}` is not a three-digit code")),
            };
            if name.trim().is_empty() {
                return Err(format!("{a2}: empty name"));
            }
            if !seen.insert(a2.to_string()) {
                return Err(format!("{a2} listed twice"));
            }
            t.alpha3.insert(a3.to_string(), a2.to_string());
            t.numeric.insert(n, a2.to_string());
            t.names.insert(a2.to_string(), name.to_string());
            Ok(())
        },
    )?;
    Ok(t)
}

/// Checks the bundled tables (they are also checked at first use).
pub fn validate() -> Result<(), TradeError> {
    load(PARTNERS, ISO).map(|_| ())
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        // The tables are compiled in; a bad one is a build defect that `validate` (and the
        // tests) report with file and line.
        let mut t = load(PARTNERS, ISO).unwrap_or_else(|e| panic!("bundled country table: {e}"));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_tables_validate() {
        validate().unwrap();
        assert_eq!(china_customs_partner("109"), Some("KP"));
        assert_eq!(comtrade_country("408", ""), Some("KP"));
    }

    /// `load` fails, naming `file` and `line`.
    fn fails_at(partners: &str, iso: &str, file: &str, line: &str) {
        let e = load(partners, iso).err().expect("an error").to_string();
        assert!(e.contains(file) && e.contains(line), "{e}");
    }

    #[test]
    fn errors_name_file_and_line() {
        let iso = "alpha2,alpha3,numeric,name\nKP,PRK,408,Korea\n";
        fails_at(
            "code,iso2,zh,en\n109,KP,朝鲜,DPRK\n110,kp,x,y\n",
            iso,
            PARTNERS_FILE,
            "line 3",
        );
        fails_at(
            "code,iso2,zh,en\n",
            "alpha2,alpha3,numeric,name\nKP,PRK,40x,Korea\n",
            ISO_FILE,
            "line 2",
        );
        fails_at("code,iso2\n", iso, PARTNERS_FILE, "line 1");
    }
}
