//! HS nomenclature: labels per language, rollups (HS8 → HS6 → HS4 → HS2 → section) and the
//! concordance between HS editions. Everything works without a nomenclature imported: codes
//! then simply have no labels.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Result, TradeError};
use crate::model::normalize_hs;
use crate::parse::decode;

/// The HS section (Roman numeral) of a code, from its chapter.
pub fn section(code: &str) -> Option<&'static str> {
    let ch: u32 = code.get(..2)?.parse().ok()?;
    Some(match ch {
        1..=5 => "I",
        6..=14 => "II",
        15 => "III",
        16..=24 => "IV",
        25..=27 => "V",
        28..=38 => "VI",
        39..=40 => "VII",
        41..=43 => "VIII",
        44..=46 => "IX",
        47..=49 => "X",
        50..=63 => "XI",
        64..=67 => "XII",
        68..=70 => "XIII",
        71 => "XIV",
        77 => return None,
        72..=83 => "XV",
        84..=85 => "XVI",
        86..=89 => "XVII",
        90..=92 => "XVIII",
        93 => "XIX",
        94..=96 => "XX",
        97 => "XXI",
        _ => return None,
    })
}

/// The rollup chain of a code: itself, then HS6, HS4, HS2 (shorter prefixes), then the section.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Rollup {
    pub hs8: Option<String>,
    pub hs6: Option<String>,
    pub hs4: Option<String>,
    pub hs2: Option<String>,
    pub section: Option<String>,
}

pub fn rollup(code: &str) -> Rollup {
    let p = |n: usize| (code.len() >= n).then(|| code[..n].to_string());
    Rollup {
        hs8: p(8),
        hs6: p(6),
        hs4: p(4),
        hs2: p(2),
        section: section(code).map(str::to_string),
    }
}

/// One label row as stored in `trade/hs/labels.csv`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct LabelRow {
    pub code: String,
    pub lang: String,
    pub label: String,
    /// Edition or list the label came from (`HS2022`, `CN2023`).
    pub edition: String,
}

/// What `hs import` did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HsImportReport {
    pub file: String,
    pub kind: String,
    pub lang: String,
    pub labels: usize,
}

/// Labels by code and language.
#[derive(Debug, Default)]
pub struct Nomenclature {
    labels: HashMap<(String, String), LabelRow>,
    path: PathBuf,
}

impl Nomenclature {
    pub const FILE: &'static str = "labels.csv";

    /// Loads `dir/labels.csv`; an absent file gives an empty nomenclature.
    pub fn load(dir: &Path) -> Result<Self> {
        let path = dir.join(Self::FILE);
        let mut n = Nomenclature {
            labels: HashMap::new(),
            path: path.clone(),
        };
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(n),
            Err(e) => return Err(TradeError::io(path, e)),
        };
        let mut r = csv::Reader::from_reader(text.as_bytes());
        for (i, rec) in r.records().enumerate() {
            let rec = rec.map_err(|e| TradeError::Data {
                file: path.clone(),
                message: format!("line {}: {e}", i + 2),
            })?;
            if rec.len() < 4 {
                continue;
            }
            n.insert(LabelRow {
                code: rec[0].to_string(),
                lang: rec[1].to_string(),
                label: rec[2].to_string(),
                edition: rec[3].to_string(),
            });
        }
        Ok(n)
    }

    fn insert(&mut self, row: LabelRow) {
        self.labels
            .insert((row.code.clone(), row.lang.clone()), row);
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The label of `code` in `lang`, falling back: ja → zh → en; zh → en; en → zh.
    /// In each language an 8- or 10-digit code without a label of its own takes its HS6 label.
    pub fn label(&self, code: &str, lang: &str) -> Option<String> {
        let chain: &[&str] = match lang {
            "ja" => &["ja", "zh", "en"],
            "zh" | "zh-Hans" | "zh-Hant" => &["zh", "en"],
            _ => &["en", "zh"],
        };
        // The code in the user's language, then its HS6 heading in that language, then the
        // code and its heading in the fallback languages.
        let hs6 = (code.len() > 6).then(|| &code[..6]);
        for l in chain {
            for c in std::iter::once(code).chain(hs6) {
                if let Some(r) = self.labels.get(&(c.to_string(), l.to_string())) {
                    return Some(r.label.clone());
                }
            }
        }
        if code.len() == 1 || code.chars().all(|c| matches!(c, 'I' | 'V' | 'X')) {
            return self
                .labels
                .get(&(format!("S{code}"), "en".into()))
                .map(|r| r.label.clone());
        }
        None
    }

    /// Labels whose code starts with `prefix` (or all), sorted.
    pub fn list(&self, prefix: &str, lang: &str) -> Vec<(String, Option<String>)> {
        let mut codes: Vec<&String> = self
            .labels
            .keys()
            .map(|(c, _)| c)
            .filter(|c| c.starts_with(prefix) && c.chars().all(|x| x.is_ascii_digit()))
            .collect();
        codes.sort();
        codes.dedup();
        codes
            .into_iter()
            .map(|c| (c.clone(), self.label(c, lang)))
            .collect()
    }

    /// Imports a nomenclature file, detected by its header: the HS list
    /// (`section,hscode,description,parent,level`), its `sections.csv`, or a China Customs
    /// 8-digit list (`商品编码,商品名称,…` in Chinese or `CODES,DESCRIPTION,…` in English).
    pub fn import_file(&mut self, file: &Path) -> Result<HsImportReport> {
        let bytes = fs::read(file).map_err(|e| TradeError::io(file, e))?;
        let (text, _) = decode(&bytes);
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut rows = r.records();
        let header: Vec<String> = match rows.next() {
            Some(Ok(h)) => h
                .iter()
                .map(|s| s.trim().trim_start_matches('\u{feff}').to_string())
                .collect(),
            _ => {
                return Err(TradeError::Format {
                    file: file.to_path_buf(),
                    message: "empty file".into(),
                });
            }
        };
        let pos = |n: &str| header.iter().position(|h| h == n);
        let bad = |line: u64, col: &str, msg: String| TradeError::Invalid {
            file: file.to_path_buf(),
            errors: vec![crate::error::RowError {
                line,
                column: col.to_string(),
                column_no: header.iter().position(|h| h == col).map_or(0, |i| i + 1),
                message: msg,
            }],
        };
        let (kind, lang, code_i, label_i, year_i) = if let (Some(c), Some(d)) =
            (pos("hscode"), pos("description"))
        {
            ("hs", "en", c, d, None)
        } else if let (Some(s), Some(n)) = (pos("section"), pos("name")) {
            ("sections", "en", s, n, None)
        } else if let (Some(c), Some(d)) = (pos("商品编码"), pos("商品名称")) {
            ("china-hs8", "zh", c, d, pos("年份"))
        } else if let (Some(c), Some(d)) = (pos("CODES"), pos("DESCRIPTION")) {
            ("china-hs8", "en", c, d, pos("YEAR"))
        } else {
            return Err(TradeError::Format {
                file: file.to_path_buf(),
                message: format!(
                    "not a nomenclature file: header `{}` (expected hscode,description / section,name / 商品编码,商品名称 / CODES,DESCRIPTION)",
                    header.join(",")
                ),
            });
        };
        let mut n = 0;
        let mut new = Vec::new();
        for rec in rows {
            let rec = rec.map_err(|e| TradeError::Format {
                file: file.to_path_buf(),
                message: format!("unreadable CSV: {e}"),
            })?;
            let line = rec.position().map_or(0, |p| p.line());
            let raw = rec.get(code_i).unwrap_or("").trim();
            let label = rec.get(label_i).unwrap_or("").trim();
            if raw.is_empty() || raw.eq_ignore_ascii_case("TOTAL") {
                continue;
            }
            let code = if kind == "sections" {
                format!("S{raw}")
            } else {
                match normalize_hs(raw) {
                    Ok(c) => c,
                    // The HS list has one odd level-5 row (a data quirk): skip codes of odd length.
                    Err(_)
                        if kind == "hs"
                            && raw.len() % 2 == 1
                            && raw.chars().all(|c| c.is_ascii_digit()) =>
                    {
                        continue;
                    }
                    Err(e) => return Err(bad(line, &header[code_i], e)),
                }
            };
            let edition = match (kind, year_i.and_then(|i| rec.get(i))) {
                ("china-hs8", Some(y)) => format!("CN{}", y.trim()),
                ("china-hs8", None) => "CN".into(),
                _ => "HS2022".into(),
            };
            new.push(LabelRow {
                code,
                lang: lang.into(),
                label: label.to_string(),
                edition,
            });
            n += 1;
        }
        for row in new {
            self.insert(row);
        }
        Ok(HsImportReport {
            file: file.display().to_string(),
            kind: kind.into(),
            lang: lang.into(),
            labels: n,
        })
    }

    /// Writes the labels back to `labels.csv` durably. Hold the store's
    /// [`crate::TradeStore::write_lock`] from loading to saving, or a concurrent import of
    /// labels is lost.
    pub fn save(&self) -> Result<()> {
        let mut rows: Vec<&LabelRow> = self.labels.values().collect();
        rows.sort_by(|a, b| (&a.code, &a.lang).cmp(&(&b.code, &b.lang)));
        let mut w = csv::Writer::from_writer(Vec::new());
        let io = |e: csv::Error| TradeError::Data {
            file: self.path.clone(),
            message: e.to_string(),
        };
        w.write_record(["code", "lang", "label", "edition"])
            .map_err(io)?;
        for r in rows {
            w.write_record([&r.code, &r.lang, &r.label, &r.edition])
                .map_err(io)?;
        }
        let body = w.into_inner().map_err(|e| TradeError::Data {
            file: self.path.clone(),
            message: e.to_string(),
        })?;
        crate::fsutil::write_atomic(&self.path, &body)
    }
}

/// The bundled concordance between HS editions (`data/hs/concordance.csv`).
pub const CONCORDANCE: &str = include_str!("../../../data/hs/concordance.csv");

/// One concordance line: `code` of `edition` belongs to comparison group `group`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct ConcordanceRow {
    pub group: String,
    pub edition: String,
    pub code: String,
    pub note: String,
}

/// Groups of codes that must be compared as one line across HS editions.
#[derive(Debug, Clone, Default)]
pub struct Concordance {
    pub rows: Vec<ConcordanceRow>,
    by_code: BTreeMap<String, String>,
}

impl Concordance {
    /// The bundled concordance.
    pub fn bundled() -> Result<Self> {
        Self::parse(CONCORDANCE, Path::new("data/hs/concordance.csv"))
    }

    pub fn parse(text: &str, file: &Path) -> Result<Self> {
        let mut c = Concordance::default();
        let mut r = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        for rec in r.records() {
            let rec = rec.map_err(|e| TradeError::Data {
                file: file.to_path_buf(),
                message: e.to_string(),
            })?;
            let line = rec.position().map_or(0, |p| p.line());
            let get = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
            let code = normalize_hs(&get(2)).map_err(|e| TradeError::Data {
                file: file.to_path_buf(),
                message: format!("line {line}, column 3 (code): {e}"),
            })?;
            let edition = get(1);
            if !matches!(edition.as_str(), "HS2007" | "HS2012" | "HS2017" | "HS2022") {
                return Err(TradeError::Data {
                    file: file.to_path_buf(),
                    message: format!(
                        "line {line}, column 2 (edition): unknown edition `{edition}`"
                    ),
                });
            }
            c.by_code.insert(code.clone(), get(0));
            c.rows.push(ConcordanceRow {
                group: get(0),
                edition,
                code,
                note: get(3),
            });
        }
        Ok(c)
    }

    /// The comparison group of a code: the group of the longest concordance code that is a
    /// prefix of it, or of which it is a prefix at the same group (e.g. `8517` contains every
    /// 8517 group and stays itself).
    pub fn harmonize(&self, code: &str) -> String {
        for n in (2..=code.len()).rev() {
            if let Some(g) = self.by_code.get(&code[..n]) {
                return g.clone();
            }
        }
        code.to_string()
    }
}
