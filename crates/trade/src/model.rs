//! Records, flows, periods and HS codes.

use serde::{Deserialize, Serialize};

/// Direction of a trade flow, from the reporter's point of view.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Flow {
    Export,
    Import,
}

impl Flow {
    pub fn as_str(self) -> &'static str {
        match self {
            Flow::Export => "export",
            Flow::Import => "import",
        }
    }
}

impl std::str::FromStr for Flow {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "export" | "exports" | "x" | "2" => Ok(Flow::Export),
            "import" | "imports" | "m" | "1" => Ok(Flow::Import),
            other => Err(format!(
                "unknown flow `{other}` (expected export or import)"
            )),
        }
    }
}

impl std::fmt::Display for Flow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A statistical period: a month, or a whole year (`month == None`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
pub struct Period {
    pub year: i32,
    pub month: Option<u8>,
}

impl Period {
    pub fn month(year: i32, month: u8) -> Self {
        Period {
            year,
            month: Some(month),
        }
    }
    pub fn year(year: i32) -> Self {
        Period { year, month: None }
    }
    /// `year * 100 + month` (month 0 for a year), the sortable integer form.
    pub fn key(self) -> i32 {
        self.year * 100 + i32::from(self.month.unwrap_or(0))
    }
    /// Parses `YYYY-MM`, `YYYYMM`, `YYYY/MM`, `YYYY.MM` or `YYYY`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let all_digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
        let (y, m) = if t.len() == 4 && all_digits(t) {
            (t, None)
        } else if t.len() == 6 && all_digits(t) {
            (&t[..4], Some(&t[4..]))
        } else if let Some((a, b)) = t.split_once(['-', '/', '.']) {
            if a.len() != 4 || !all_digits(a) || b.len() > 2 || !all_digits(b) {
                return Err(format!("`{t}` is not a period (expected YYYY-MM or YYYY)"));
            }
            (a, Some(b))
        } else {
            return Err(format!("`{t}` is not a period (expected YYYY-MM or YYYY)"));
        };
        let year: i32 = y
            .parse()
            .map_err(|_| format!("`{t}` is not a period (bad year)"))?;
        if !(1900..=2100).contains(&year) {
            return Err(format!("`{t}`: impossible year {y}"));
        }
        match m {
            None => Ok(Period::year(year)),
            Some(m) => match m.parse::<u8>() {
                Ok(month) if (1..=12).contains(&month) => Ok(Period::month(year, month)),
                _ => Err(format!("`{t}`: impossible month {m}")),
            },
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.month {
            Some(m) => write!(f, "{:04}-{:02}", self.year, m),
            None => write!(f, "{:04}", self.year),
        }
    }
}

impl std::str::FromStr for Period {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Period::parse(s)
    }
}

/// Normalises an HS code: strips dots and spaces, checks 2, 4, 6, 8 or 10 digits.
pub fn normalize_hs(s: &str) -> Result<String, String> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| *c != '.' && *c != ' ')
        .collect();
    if t.is_empty() {
        return Err("empty HS code".into());
    }
    if !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("malformed HS code `{}` (digits only)", s.trim()));
    }
    if !matches!(t.len(), 2 | 4 | 6 | 8 | 10) {
        return Err(format!(
            "malformed HS code `{}` ({} digits; expected 2, 4, 6, 8 or 10)",
            s.trim(),
            t.len()
        ));
    }
    if &t[..2] == "00" {
        return Err(format!("malformed HS code `{}` (chapter 00)", s.trim()));
    }
    Ok(t)
}

/// Formats an HS code with a dot after the heading: `85171200` → `8517.12.00`, `2710` → `2710`.
pub fn display_hs(hs: &str) -> String {
    if !hs.bytes().all(|b| b.is_ascii_digit()) {
        return hs.to_string();
    }
    let mut out = String::new();
    for (i, c) in hs.chars().enumerate() {
        if i >= 4 && i % 2 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Checks an ISO 3166-1 alpha-2 code (or one of entente's user-assigned aggregate codes).
pub fn valid_country(s: &str) -> bool {
    entente_core::is_state_code(s)
}

/// One trade record as imported, with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Record {
    pub reporter: String,
    pub partner: String,
    pub flow: Flow,
    pub period: Period,
    pub hs: String,
    pub value_usd: f64,
    pub quantity: Option<f64>,
    pub unit: Option<String>,
    pub quantity2: Option<f64>,
    pub unit2: Option<String>,
    /// China Customs' 贸易方式 (customs regime) code, when the file has it.
    pub regime: Option<String>,
    /// China Customs' 注册地 (registration place) code, when the file has it.
    pub province: Option<String>,
    /// `china-customs`, `comtrade` or `csv`.
    pub dataset: &'static str,
    /// 1-based line of the record in the source file.
    pub line: u64,
}

impl Record {
    /// Storage order as one integer: reporter, year, partner, flow, month, HS length, HS.
    /// Rows sorted by it cluster by partition, then by partner and month, so Parquet
    /// statistics prune well.
    pub fn sort_key(&self) -> u128 {
        make_key(
            self.reporter.as_bytes(),
            self.period.year,
            self.partner.as_bytes(),
            self.flow == Flow::Import,
            self.period.month.unwrap_or(0),
            &self.hs,
        )
    }

    /// The identity of a record: two rows with the same key must carry the same figures.
    pub fn key(
        &self,
    ) -> (
        String,
        String,
        Flow,
        Period,
        String,
        Option<String>,
        Option<String>,
    ) {
        (
            self.reporter.clone(),
            self.partner.clone(),
            self.flow,
            self.period,
            self.hs.clone(),
            self.regime.clone(),
            self.province.clone(),
        )
    }
}

/// The storage-order key of a row (see [`Record::sort_key`]): bits 71.. reporter, 59.. year,
/// 43.. partner, 42 flow (1 = import), 38.. month (0 = year), 34.. HS length, 0.. HS digits.
pub fn make_key(
    reporter: &[u8],
    year: i32,
    partner: &[u8],
    import: bool,
    month: u8,
    hs: &str,
) -> u128 {
    let cc = |b: &[u8]| {
        (u128::from(b.first().copied().unwrap_or(0)) << 8)
            | u128::from(b.get(1).copied().unwrap_or(0))
    };
    let hs_num: u128 = hs.parse::<u64>().map_or(0, u128::from) & ((1 << 34) - 1);
    let year = u128::try_from(year.clamp(0, 4095)).unwrap_or(0);
    (cc(reporter) << 71)
        | (year << 59)
        | (cc(partner) << 43)
        | (u128::from(import) << 42)
        | (u128::from(month & 0xF) << 38)
        | ((hs.len() as u128 & 0xF) << 34)
        | hs_num
}

/// The parts of a key: reporter, year, partner, flow, month (0 = year), HS code.
pub fn split_key(key: u128) -> (String, i32, String, Flow, u8, String) {
    let cc = |v: u128| {
        let a = ((v >> 8) & 0xFF) as u8;
        let b = (v & 0xFF) as u8;
        String::from_utf8_lossy(&[a, b]).into_owned()
    };
    let len = ((key >> 34) & 0xF) as usize;
    let num = (key & ((1 << 34) - 1)) as u64;
    (
        cc((key >> 71) & 0xFFFF),
        ((key >> 59) & 0xFFF) as i32,
        cc((key >> 43) & 0xFFFF),
        if (key >> 42) & 1 == 1 {
            Flow::Import
        } else {
            Flow::Export
        },
        ((key >> 38) & 0xF) as u8,
        format!("{num:0len$}"),
    )
}
