//! Readers for the three import formats. Each turns one file into validated [`Record`]s or a
//! list of [`RowError`]s naming line and column; nothing here touches the store.

use std::collections::HashMap;
use std::path::Path;

use crate::error::RowError;
use crate::model::{Flow, Period, Record, normalize_hs, valid_country};
use crate::partners;

/// The import formats.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// The CSV exported by China Customs' online statistics platform.
    ChinaCustoms,
    /// UN Comtrade CSV: classic 22/35 columns or Comtrade Plus 47 columns.
    Comtrade,
    /// entente's canonical CSV: `reporter,partner,flow,period,hs,value_usd[,quantity,unit]`.
    Csv,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::ChinaCustoms => "china-customs",
            Format::Comtrade => "comtrade",
            Format::Csv => "csv",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "china-customs" => Ok(Format::ChinaCustoms),
            "comtrade" => Ok(Format::Comtrade),
            "csv" => Ok(Format::Csv),
            o => Err(format!(
                "unknown format `{o}` (expected china-customs, comtrade or csv)"
            )),
        }
    }
}

/// What the file itself does not say.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Reporter (ISO alpha-2); China Customs files default to `CN`.
    pub reporter: Option<String>,
    /// Flow; required for China Customs files.
    pub flow: Option<Flow>,
    /// The file holds cumulative year-to-date figures; store monthly values by differencing.
    pub cumulative: bool,
}

/// The result of reading one file.
#[derive(Debug, Default)]
pub struct Parsed {
    pub records: Vec<Record>,
    /// Rows deliberately left out (totals, re-exports, breakdown rows), with why.
    pub skipped: Vec<(u64, String)>,
    /// Text encoding of the file (`UTF-8` or `GB18030`).
    pub encoding: &'static str,
}

/// Decodes bytes as UTF-8 (BOM stripped) or, failing that, GB18030.
pub fn decode(bytes: &[u8]) -> (std::borrow::Cow<'_, str>, &'static str) {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(b) {
        Ok(s) => (std::borrow::Cow::Borrowed(s), "UTF-8"),
        Err(_) => {
            let (s, _, _) = encoding_rs::GB18030.decode(b);
            (s, "GB18030")
        }
    }
}

/// Reads a file in `format`.
pub fn parse(
    file: &Path,
    bytes: &[u8],
    format: Format,
    opts: &ImportOptions,
) -> Result<Parsed, Vec<RowError>> {
    let (text, encoding) = decode(bytes);
    let mut p = match format {
        Format::ChinaCustoms => parse_china_customs(&text, opts)?,
        Format::Comtrade => parse_comtrade(&text)?,
        Format::Csv => parse_canonical(&text)?,
    };
    let _ = file;
    p.encoding = encoding;
    if opts.cumulative {
        p.records = decumulate(std::mem::take(&mut p.records))?;
    }
    check_duplicates(&mut p.records)?;
    Ok(p)
}

/// A streaming CSV reader: the header, then one record at a time.
struct Rows<'a> {
    text: &'a [u8],
    rdr: csv::Reader<&'a [u8]>,
    rec: csv::StringRecord,
    header: Vec<String>,
    /// (byte offset, physical line) of the last record, to number lines exactly even when
    /// quoted fields contain newlines.
    mark: (usize, u64),
}

impl<'a> Rows<'a> {
    fn new(text: &'a str) -> Result<Self, Vec<RowError>> {
        let rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut r = Rows {
            text: text.as_bytes(),
            mark: (0, 1),
            rdr,
            rec: csv::StringRecord::new(),
            header: Vec::new(),
        };
        match r.next_row() {
            Ok(Some(_)) => {
                r.header = r
                    .rec
                    .iter()
                    .map(|f| f.trim_start_matches('\u{feff}').trim().to_string())
                    .collect();
                Ok(r)
            }
            Ok(None) => Err(vec![row_err(
                1,
                "-",
                0,
                "empty file (no header line)".into(),
            )]),
            Err(e) => Err(vec![e]),
        }
    }

    /// A reader over a slice of a file's body (no header) whose first line is `first_line`.
    fn body(text: &'a str, first_line: u64, header: Vec<String>) -> Self {
        Rows {
            text: text.as_bytes(),
            mark: (0, first_line),
            rdr: csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes()),
            rec: csv::StringRecord::new(),
            header,
        }
    }

    /// Reads the next non-blank record into `self.rec`; returns its first line.
    fn next_row(&mut self) -> Result<Option<u64>, RowError> {
        loop {
            match self.rdr.read_record(&mut self.rec) {
                Ok(false) => return Ok(None),
                Ok(true) => {
                    if self.rec.iter().all(|f| f.trim().is_empty()) {
                        continue;
                    }
                    let byte = self.rec.position().map_or(self.mark.0, |p| {
                        usize::try_from(p.byte()).unwrap_or(usize::MAX)
                    });
                    // A CRLF reader may start a record on the `\n` of the previous line end.
                    let mut byte = byte;
                    while matches!(self.text.get(byte), Some(b'\r' | b'\n')) {
                        byte += 1;
                    }
                    let (b0, l0) = self.mark;
                    let seen = self.text.get(b0..byte).unwrap_or_default();
                    let line = l0 + seen.iter().filter(|&&c| c == b'\n').count() as u64;
                    self.mark = (byte.max(b0), line);
                    return Ok(Some(line));
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    return Err(row_err(line, "-", 0, format!("unreadable CSV: {e}")));
                }
            }
        }
    }
}

fn row_err(line: u64, column: &str, column_no: usize, message: String) -> RowError {
    RowError {
        line,
        column: column.to_string(),
        column_no,
        message,
    }
}

/// Positions of named columns in a header.
struct Cols<'a> {
    header: &'a [String],
}

impl Cols<'_> {
    fn find(&self, names: &[&str]) -> Option<usize> {
        self.header.iter().position(|h| {
            let h = h.trim_start_matches('\u{feff}').trim();
            names.iter().any(|n| h.eq_ignore_ascii_case(n))
        })
    }
}

/// A cell by column index, with `?` and empty read as missing.
fn cell(fields: &csv::StringRecord, i: Option<usize>) -> Option<&str> {
    let v = fields.get(i?)?.trim();
    if v.is_empty() || v == "?" {
        None
    } else {
        Some(v)
    }
}

/// Parses a number: digits, sign, decimal point, optional thousands separators.
pub fn parse_number(s: &str) -> Result<f64, String> {
    let s = s.trim();
    if let Ok(v) = s.parse::<f64>()
        && v.is_finite()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && s.bytes().any(|b| b.is_ascii_digit())
    {
        return Ok(v);
    }
    let t: String = s.chars().filter(|c| *c != ',').collect();
    let ok = !t.is_empty()
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    match t.parse::<f64>() {
        Ok(v) if ok && v.is_finite() => Ok(v),
        _ => Err(format!("`{}` is not a number", s.trim())),
    }
}

struct RowCtx<'a> {
    line: u64,
    header: &'a [String],
    errors: &'a mut Vec<RowError>,
}

impl RowCtx<'_> {
    fn err(&mut self, col: Option<usize>, message: String) {
        let (name, no) = match col {
            Some(i) => (self.header.get(i).map(String::as_str).unwrap_or("?"), i + 1),
            None => ("-", 0),
        };
        self.errors.push(row_err(self.line, name, no, message));
    }
}

const MAX_ERRORS: usize = 1000;

// ---------------------------------------------------------------- canonical CSV

/// Column positions of the canonical CSV.
#[derive(Clone, Copy)]
pub(crate) struct CanonCols {
    ir: usize,
    ip: usize,
    ifl: usize,
    ipe: usize,
    ih: usize,
    iv: usize,
    iq: Option<usize>,
    iu: Option<usize>,
}

/// Files larger than this without any quote character are parsed in parallel chunks.
const PARALLEL_BYTES: usize = 8 << 20;

fn canon_cols(header: &[String]) -> Result<CanonCols, Vec<RowError>> {
    let c = Cols { header };
    let need = |n: &str| {
        c.find(&[n]).ok_or_else(|| {
            vec![row_err(
                1,
                n,
                0,
                format!("missing column `{n}` (header must be reporter,partner,flow,period,hs,value_usd[,quantity,unit])"),
            )]
        })
    };
    let cols = CanonCols {
        ir: need("reporter")?,
        ip: need("partner")?,
        ifl: need("flow")?,
        ipe: need("period")?,
        ih: need("hs")?,
        iv: need("value_usd")?,
        iq: c.find(&["quantity"]),
        iu: c.find(&["unit"]),
    };
    Ok(cols)
}

/// Splits a body at line ends into `n` chunks with the line number each starts on.
fn split_chunks(body: &str, n: usize) -> Vec<(&str, u64)> {
    let mut chunks = Vec::new();
    let mut from = 0;
    let mut line = 2u64;
    for k in 1..=n {
        let mut to = if k == n {
            body.len()
        } else {
            body.len() * k / n
        };
        while to < body.len() && to > 0 && body.as_bytes()[to - 1] != b'\n' {
            to += 1;
        }
        if to > from {
            let chunk = &body[from..to];
            chunks.push((chunk, line));
            line += chunk.bytes().filter(|&b| b == b'\n').count() as u64;
            from = to;
        }
    }
    chunks
}

fn parse_canonical(text: &str) -> Result<Parsed, Vec<RowError>> {
    let mut t = Rows::new(text)?;
    let header = t.header.clone();
    let cols = canon_cols(&header)?;
    let body_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let body = &text[body_start..];
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if body.len() < PARALLEL_BYTES || threads < 2 || body.contains('"') {
        return canonical_rows(&mut t, cols);
    }
    // Split the body at line ends; without quotes, no record spans two chunks.
    let chunks = split_chunks(body, threads);
    let results: Vec<Result<Parsed, Vec<RowError>>> = std::thread::scope(|sc| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|&(chunk, first)| {
                let header = header.clone();
                sc.spawn(move || canonical_rows(&mut Rows::body(chunk, first, header), cols))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(vec![row_err(0, "-", 0, "parser thread panicked".into())])
                })
            })
            .collect()
    });
    let mut out = Parsed::default();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(p) => {
                out.records.extend(p.records);
                out.skipped.extend(p.skipped);
            }
            Err(e) => errors.extend(e),
        }
    }
    finish(out, errors)
}

fn canonical_rows(t: &mut Rows, cols: CanonCols) -> Result<Parsed, Vec<RowError>> {
    let header = t.header.clone();
    let mut out = Parsed::default();
    let errors = t.each_row(|f, line, errors| {
        if let Some(r) = canonical_record(f, line, &header, cols, errors) {
            out.records.push(r);
        }
    });
    finish(out, errors)
}

impl Rows<'_> {
    /// Calls `f(record, line, errors)` on each data row; stops at an unreadable record or
    /// after [`MAX_ERRORS`] errors. Returns the errors.
    fn each_row(
        &mut self,
        mut f: impl FnMut(&csv::StringRecord, u64, &mut Vec<RowError>),
    ) -> Vec<RowError> {
        let mut errors = Vec::new();
        loop {
            let line = match self.next_row() {
                Ok(Some(l)) => l,
                Ok(None) => break,
                Err(e) => {
                    errors.push(e);
                    break;
                }
            };
            if errors.len() >= MAX_ERRORS {
                break;
            }
            f(&self.rec, line, &mut errors);
        }
        errors
    }
}

/// The parse, or its errors.
fn finish(out: Parsed, errors: Vec<RowError>) -> Result<Parsed, Vec<RowError>> {
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Validates one canonical row; errors go to `errors`.
pub(crate) fn canonical_record(
    f: &csv::StringRecord,
    line: u64,
    header: &[String],
    cols: CanonCols,
    errors: &mut Vec<RowError>,
) -> Option<Record> {
    let CanonCols {
        ir,
        ip,
        ifl,
        ipe,
        ih,
        iv,
        iq,
        iu,
    } = cols;
    let mut cx = RowCtx {
        line,
        header,
        errors,
    };
    let country = |cx: &mut RowCtx, i: usize| -> Option<String> {
        match cell(f, Some(i)) {
            Some(v) if valid_country(v) && partners::known_country(v) => Some(v.to_string()),
            Some(v) => {
                cx.err(
                    Some(i),
                    format!("unknown country `{v}` (ISO 3166-1 alpha-2 expected)"),
                );
                None
            }
            None => {
                cx.err(Some(i), "missing country".into());
                None
            }
        }
    };
    let reporter = country(&mut cx, ir);
    let partner = country(&mut cx, ip);
    let flow = match cell(f, Some(ifl)).unwrap_or("").parse::<Flow>() {
        Ok(fl) => Some(fl),
        Err(e) => {
            cx.err(Some(ifl), e);
            None
        }
    };
    let period = match Period::parse(cell(f, Some(ipe)).unwrap_or("")) {
        Ok(p) => Some(p),
        Err(e) => {
            cx.err(Some(ipe), e);
            None
        }
    };
    let hs = match normalize_hs(cell(f, Some(ih)).unwrap_or("")) {
        Ok(h) => Some(h),
        Err(e) => {
            cx.err(Some(ih), e);
            None
        }
    };
    let value = number_req(&mut cx, f, iv);
    let quantity = number_opt(&mut cx, f, iq);
    if let (Some(reporter), Some(partner), Some(flow), Some(period), Some(hs), Some(value_usd)) =
        (reporter, partner, flow, period, hs, value)
    {
        return Some(Record {
            reporter,
            partner,
            flow,
            period,
            hs,
            value_usd,
            quantity,
            unit: cell(f, iu).map(str::to_string),
            quantity2: None,
            unit2: None,
            regime: None,
            province: None,
            dataset: "csv",
            line,
        });
    }
    None
}

fn number_req(cx: &mut RowCtx, f: &csv::StringRecord, i: usize) -> Option<f64> {
    match cell(f, Some(i)) {
        None => {
            cx.err(Some(i), "missing value".into());
            None
        }
        Some(v) => match parse_number(v) {
            Ok(x) => Some(x),
            Err(e) => {
                cx.err(Some(i), e);
                None
            }
        },
    }
}

fn number_opt(cx: &mut RowCtx, f: &csv::StringRecord, i: Option<usize>) -> Option<f64> {
    let v = cell(f, i)?;
    match parse_number(v) {
        Ok(x) => Some(x),
        Err(e) => {
            cx.err(i, e);
            None
        }
    }
}

// ---------------------------------------------------------------- China Customs

fn parse_china_customs(text: &str, opts: &ImportOptions) -> Result<Parsed, Vec<RowError>> {
    let mut t = Rows::new(text)?;
    let header = t.header.clone();
    let c = Cols { header: &header };
    let Some(flow) = opts.flow else {
        return Err(vec![row_err(
            0,
            "-",
            0,
            "China Customs files do not say the flow: pass --flow export or --flow import".into(),
        )]);
    };
    let reporter = opts.reporter.clone().unwrap_or_else(|| "CN".into());
    let i_period = c.find(&["数据年月", "Date of data"]);
    let i_hs = c.find(&["商品编码", "Commodity code"]);
    let i_partner = c.find(&["贸易伙伴编码", "Trading partner code"]);
    let i_partner_name = c.find(&["贸易伙伴名称", "Trading partner"]);
    let i_regime = c.find(&["贸易方式编码", "Customs Regime code"]);
    let i_province = c.find(&[
        "注册地编码",
        "收发货人注册地编码",
        "Locations of importers and exporters code",
    ]);
    let i_q1 = c.find(&["第一数量", "Quantity"]);
    let i_u1 = c.find(&["第一计量单位", "Unit"]);
    let i_q2 = c.find(&[
        "第二数量",
        "Supplementary Quantity",
        "Supplimentary Quantity",
    ]);
    let i_u2 = c.find(&["第二计量单位", "Supplementary Unit", "Supplimentary Unit"]);
    let i_usd = c.find(&["美元", "US dollar", "US dollars"]);
    let mut missing = Vec::new();
    if i_period.is_none() {
        missing.push("数据年月 / Date of data");
    }
    if i_hs.is_none() {
        missing.push("商品编码 / Commodity code");
    }
    if i_partner.is_none() && i_partner_name.is_none() {
        missing.push("贸易伙伴编码 / Trading partner code (or 贸易伙伴名称 / Trading partner)");
    }
    if i_usd.is_none() {
        missing.push("美元 / US dollar");
    }
    if !missing.is_empty() {
        return Err(vec![row_err(
            1,
            "-",
            0,
            format!(
                "header lacks required column(s): {} (found: {})",
                missing.join(", "),
                header
                    .iter()
                    .filter(|h| !h.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )]);
    }
    let mut out = Parsed::default();
    let errors = t.each_row(|f, line, errors| {
        let line = &line;
        let mut cx = RowCtx {
            line: *line,
            header: &header,
            errors,
        };
        let period = match Period::parse(cell(f, i_period).unwrap_or("")) {
            Ok(p) if p.month.is_some() => Some(p),
            Ok(p) => {
                cx.err(
                    i_period,
                    format!("`{p}` is a year; China Customs data are monthly (YYYYMM)"),
                );
                None
            }
            Err(e) => {
                cx.err(i_period, e);
                None
            }
        };
        let hs = match normalize_hs(cell(f, i_hs).unwrap_or("")) {
            Ok(h) => Some(h),
            Err(e) => {
                cx.err(i_hs, e);
                None
            }
        };
        let partner = match (cell(f, i_partner), cell(f, i_partner_name)) {
            (Some(code), _) => match partners::china_customs_partner(code) {
                Some(p) => Some(p.to_string()),
                None => {
                    cx.err(i_partner, format!("unknown partner code `{code}`"));
                    None
                }
            },
            (None, Some(name)) => match partners::china_customs_partner(name) {
                Some(p) => Some(p.to_string()),
                None => {
                    cx.err(i_partner_name, format!("unknown partner `{name}`"));
                    None
                }
            },
            (None, None) => {
                cx.err(i_partner.or(i_partner_name), "missing partner".into());
                None
            }
        };
        let value = i_usd.and_then(|i| number_req(&mut cx, f, i));
        let q1 = number_opt(&mut cx, f, i_q1);
        let q2 = number_opt(&mut cx, f, i_q2);
        if let (Some(period), Some(hs), Some(partner), Some(value_usd)) =
            (period, hs, partner, value)
        {
            out.records.push(Record {
                reporter: reporter.clone(),
                partner,
                flow,
                period,
                hs,
                value_usd,
                quantity: q1,
                unit: cell(f, i_u1).map(str::to_string),
                quantity2: q2,
                unit2: cell(f, i_u2).map(str::to_string),
                regime: cell(f, i_regime).map(str::to_string),
                province: cell(f, i_province).map(str::to_string),
                dataset: "china-customs",
                line: *line,
            });
        }
    });
    finish(out, errors)
}

// ---------------------------------------------------------------- UN Comtrade

fn parse_comtrade(text: &str) -> Result<Parsed, Vec<RowError>> {
    let mut t = Rows::new(text)?;
    let header = t.header.clone();
    let c = Cols { header: &header };
    let plus = c.find(&["cmdCode"]).is_some();
    let g = |classic: &[&str], plus_name: &str| {
        if plus {
            c.find(&[plus_name])
        } else {
            c.find(classic)
        }
    };
    let i_year = g(&["Year"], "refYear");
    let i_period = g(&["Period"], "period");
    let i_flow = g(&["Trade Flow Code"], "flowCode");
    let i_rep = g(&["Reporter Code"], "reporterCode");
    let i_rep_iso = g(&["Reporter ISO"], "reporterISO");
    let i_par = g(&["Partner Code"], "partnerCode");
    let i_par_iso = g(&["Partner ISO"], "partnerISO");
    let i_par2 = g(&["2nd Partner Code"], "partner2Code");
    let i_customs = g(&["Customs Proc. Code"], "customsCode");
    let i_mot = g(&["Mode of Transport Code"], "motCode");
    let i_hs = g(&["Commodity Code"], "cmdCode");
    let i_unit = g(&["Qty Unit"], "qtyUnitAbbr");
    let i_qty = g(&["Qty"], "qty");
    let i_alt_unit = g(&["Alt Qty Unit"], "altQtyUnitAbbr");
    let i_alt_qty = g(&["Alt Qty"], "altQty");
    let i_value = g(&["Trade Value (US$)"], "primaryValue");
    let mut missing = Vec::new();
    for (i, n) in [
        (i_period, "Period"),
        (i_flow, "Trade Flow Code"),
        (i_rep, "Reporter Code"),
        (i_par, "Partner Code"),
        (i_hs, "Commodity Code"),
        (i_value, "Trade Value (US$)"),
    ] {
        if i.is_none() {
            missing.push(n);
        }
    }
    if !missing.is_empty() {
        return Err(vec![row_err(
            1,
            "-",
            0,
            format!(
                "not a UN Comtrade CSV: header lacks {} ({} layout)",
                missing.join(", "),
                if plus { "Comtrade Plus" } else { "classic" }
            ),
        )]);
    }
    let mut out = Parsed::default();
    let errors = t.each_row(|f, line, errors| {
        let line = &line;
        let mut cx = RowCtx {
            line: *line,
            header: &header,
            errors,
        };
        let raw_flow = cell(f, i_flow).unwrap_or("");
        let flow = match raw_flow {
            "1" | "M" => Some(Flow::Import),
            "2" | "X" => Some(Flow::Export),
            "3" | "4" | "RX" | "RM" | "DX" | "FM" => {
                out.skipped
                    .push((*line, format!("flow {raw_flow} (re-export/re-import)")));
                return;
            }
            other => {
                cx.err(i_flow, format!("unknown trade flow code `{other}`"));
                None
            }
        };
        let breakdown = [(i_par2, "0"), (i_customs, "C00"), (i_mot, "0")]
            .into_iter()
            .any(|(i, total)| cell(f, i).is_some_and(|v| v != total));
        if breakdown {
            out.skipped.push((
                *line,
                "breakdown row (2nd partner, customs procedure or mode of transport)".into(),
            ));
            return;
        }
        let raw_hs = cell(f, i_hs).unwrap_or("");
        if raw_hs.eq_ignore_ascii_case("TOTAL") || raw_hs == "AG2" || raw_hs == "ALL" {
            out.skipped.push((*line, "all-commodities total".into()));
            return;
        }
        let hs = match normalize_hs(raw_hs) {
            Ok(h) => Some(h),
            Err(e) => {
                cx.err(i_hs, e);
                None
            }
        };
        let raw_period = cell(f, i_period).or(cell(f, i_year)).unwrap_or("");
        let period = match Period::parse(raw_period) {
            Ok(p) => Some(p),
            Err(e) => {
                cx.err(i_period, e);
                None
            }
        };
        let country = |cx: &mut RowCtx, i: Option<usize>, iso: Option<usize>, what: &str| {
            let code = cell(f, i).unwrap_or("");
            match partners::comtrade_country(code, cell(f, iso).unwrap_or("")) {
                Some(c) => Some(c.to_string()),
                None => {
                    cx.err(i, format!("unknown {what} `{code}` (M49)"));
                    None
                }
            }
        };
        let reporter = country(&mut cx, i_rep, i_rep_iso, "reporter");
        let partner = country(&mut cx, i_par, i_par_iso, "partner");
        let value = i_value.and_then(|i| number_req(&mut cx, f, i));
        let qty = number_opt(&mut cx, f, i_qty);
        let alt = number_opt(&mut cx, f, i_alt_qty);
        let unit = cell(f, i_unit).map(str::to_string);
        let (qty, unit) =
            if unit.as_deref() == Some("No Quantity") || unit.as_deref() == Some("N/A") {
                (None, None)
            } else {
                (qty, unit)
            };
        if let (
            Some(flow),
            Some(hs),
            Some(period),
            Some(reporter),
            Some(partner),
            Some(value_usd),
        ) = (flow, hs, period, reporter, partner, value)
        {
            out.records.push(Record {
                reporter,
                partner,
                flow,
                period,
                hs,
                value_usd,
                quantity: qty,
                unit,
                quantity2: alt,
                unit2: cell(f, i_alt_unit).map(str::to_string),
                regime: None,
                province: None,
                dataset: "comtrade",
                line: *line,
            });
        }
    });
    finish(out, errors)
}

// ---------------------------------------------------------------- checks

type Key = (
    String,
    String,
    Flow,
    Period,
    String,
    Option<String>,
    Option<String>,
);

/// Sorts records into storage order (reporter, year, partner, flow, month, HS) and checks
/// duplicates: identical ones collapse, conflicting ones are errors naming both lines.
fn check_duplicates(records: &mut Vec<Record>) -> Result<(), Vec<RowError>> {
    let mut keyed: Vec<(u128, usize)> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.sort_key(), i))
        .collect();
    keyed.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0).then_with(|| {
            let (ra, rb) = (&records[a.1], &records[b.1]);
            (&ra.regime, &ra.province, ra.line).cmp(&(&rb.regime, &rb.province, rb.line))
        })
    });
    let mut errors = Vec::new();
    let mut keep: Vec<usize> = Vec::with_capacity(records.len());
    for &(key, i) in &keyed {
        if let Some(&j) = keep.last()
            && key == records[j].sort_key()
            && records[i].regime == records[j].regime
            && records[i].province == records[j].province
        {
            let (r, o) = (&records[i], &records[j]);
            if o.value_usd == r.value_usd && o.quantity == r.quantity {
                continue;
            }
            errors.push(row_err(
                r.line,
                "-",
                0,
                format!(
                    "conflicting duplicate of line {} ({} {} {} {} {}: US${} here, US${} there)",
                    o.line, r.reporter, r.partner, r.flow, r.period, r.hs, r.value_usd, o.value_usd
                ),
            ));
            continue;
        }
        keep.push(i);
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(errors);
    }
    let mut slots: Vec<Option<Record>> = std::mem::take(records).into_iter().map(Some).collect();
    *records = keep
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect();
    Ok(())
}

/// Turns cumulative year-to-date figures into monthly ones.
fn decumulate(mut records: Vec<Record>) -> Result<Vec<Record>, Vec<RowError>> {
    // Months present per year.
    let mut months: HashMap<i32, Vec<u8>> = HashMap::new();
    for r in &records {
        let Some(m) = r.period.month else {
            return Err(vec![row_err(
                r.line,
                "-",
                0,
                "--cumulative needs monthly periods".into(),
            )]);
        };
        months.entry(r.period.year).or_default().push(m);
    }
    for (y, ms) in &mut months {
        ms.sort_unstable();
        ms.dedup();
        for (i, m) in ms.iter().enumerate() {
            if usize::from(*m) != i + 1 {
                return Err(vec![row_err(
                    0,
                    "-",
                    0,
                    format!(
                        "--cumulative: year {y} lacks month {:02}; differencing needs every month from January",
                        i + 1
                    ),
                )]);
            }
        }
    }
    records.sort_by(|a, b| {
        let ka = (&a.partner, &a.hs, &a.regime, &a.province, a.flow, a.period);
        let kb = (&b.partner, &b.hs, &b.regime, &b.province, b.flow, b.period);
        ka.cmp(&kb)
    });
    let mut prev: Option<(Key, f64, Option<f64>, Option<f64>)> = None;
    for r in &mut records {
        let mut k = r.key();
        k.3 = Period::year(r.period.year);
        let (v, q, q2) = (r.value_usd, r.quantity, r.quantity2);
        if let Some((pk, pv, pq, pq2)) = &prev
            && *pk == k
        {
            r.value_usd = v - pv;
            r.quantity = q.map(|q| q - pq.unwrap_or(0.0));
            r.quantity2 = q2.map(|q| q - pq2.unwrap_or(0.0));
        }
        prev = Some((k, v, q, q2));
    }
    records.sort_by_key(|r| r.line);
    Ok(records)
}

// ---------------------------------------------------------------- bulk canonical CSV

/// One canonical row in 40 bytes: large files are held in this form, not as [`Record`]s.
#[derive(Debug, Clone, Copy)]
pub struct Compact {
    /// [`crate::model::make_key`].
    pub key: u128,
    pub value: f64,
    /// NaN when absent.
    pub quantity: f64,
    /// Index into [`Bulk::units`]; `u32::MAX` when absent.
    pub unit: u32,
    pub line: u64,
}

/// A canonical CSV file in compact form, sorted in storage order, duplicates checked.
#[derive(Debug, Default)]
pub struct Bulk {
    pub rows: Vec<Compact>,
    pub units: Vec<String>,
}

fn country_ok(s: &str) -> bool {
    static OK: std::sync::OnceLock<Vec<bool>> = std::sync::OnceLock::new();
    let ok = OK.get_or_init(|| {
        let mut v = vec![false; 65536];
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                let code = [a, b];
                if let Ok(c) = std::str::from_utf8(&code)
                    && partners::known_country(c)
                {
                    v[(usize::from(a) << 8) | usize::from(b)] = true;
                }
            }
        }
        v
    });
    let b = s.as_bytes();
    b.len() == 2 && ok[(usize::from(b[0]) << 8) | usize::from(b[1])]
}

fn plain_number(s: &str) -> Option<f64> {
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return None;
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn bulk_rows(t: &mut Rows, cols: CanonCols) -> (Vec<Compact>, Vec<String>, Vec<RowError>) {
    let header = t.header.clone();
    let mut rows = Vec::new();
    let mut units: Vec<String> = Vec::new();
    let mut unit_ix: HashMap<String, u32> = HashMap::new();
    let mut intern = |u: Option<&str>, units: &mut Vec<String>| -> u32 {
        match u {
            None => u32::MAX,
            Some(u) => {
                if let Some(&i) = unit_ix.get(u) {
                    return i;
                }
                let i = u32::try_from(units.len()).unwrap_or(u32::MAX);
                units.push(u.to_string());
                unit_ix.insert(u.to_string(), i);
                i
            }
        }
    };
    let errors = t.each_row(|f, line, errors| {
        let fast = (|| {
            let rep = cell(f, Some(cols.ir)).filter(|c| country_ok(c))?;
            let par = cell(f, Some(cols.ip)).filter(|c| country_ok(c))?;
            let import = match cell(f, Some(cols.ifl))? {
                "export" => false,
                "import" => true,
                _ => return None,
            };
            let p = Period::parse(cell(f, Some(cols.ipe))?).ok()?;
            let hs = cell(f, Some(cols.ih))?;
            if !matches!(hs.len(), 2 | 4 | 6 | 8 | 10)
                || !hs.bytes().all(|b| b.is_ascii_digit())
                || hs.starts_with("00")
            {
                return None;
            }
            let value = plain_number(cell(f, Some(cols.iv))?)?;
            let quantity = match cell(f, cols.iq) {
                None => f64::NAN,
                Some(q) => plain_number(q)?,
            };
            let key = crate::model::make_key(
                rep.as_bytes(),
                p.year,
                par.as_bytes(),
                import,
                p.month.unwrap_or(0),
                hs,
            );
            Some((key, value, quantity))
        })();
        match fast {
            Some((key, value, quantity)) => {
                let unit = intern(cell(f, cols.iu), &mut units);
                rows.push(Compact {
                    key,
                    value,
                    quantity,
                    unit,
                    line,
                });
            }
            // Anything unusual goes through the full validation (and its error messages).
            None => {
                if let Some(r) = canonical_record(f, line, &header, cols, errors) {
                    let unit = intern(r.unit.as_deref(), &mut units);
                    rows.push(Compact {
                        key: r.sort_key(),
                        value: r.value_usd,
                        quantity: r.quantity.unwrap_or(f64::NAN),
                        unit,
                        line,
                    });
                }
            }
        }
    });
    (rows, units, errors)
}

/// Reads a canonical CSV into compact rows, in parallel chunks when it is large and unquoted.
pub fn parse_bulk(bytes: &[u8]) -> Result<Bulk, Vec<RowError>> {
    let (text, _) = decode(bytes);
    let text: &str = &text;
    let mut t = Rows::new(text)?;
    let header = t.header.clone();
    let cols = canon_cols(&header)?;
    let body_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let body = &text[body_start..];
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let parts: Vec<(Vec<Compact>, Vec<String>, Vec<RowError>)> =
        if body.len() < PARALLEL_BYTES || threads < 2 || body.contains('"') {
            vec![bulk_rows(&mut t, cols)]
        } else {
            let chunks = split_chunks(body, threads);
            std::thread::scope(|sc| {
                let handles: Vec<_> = chunks
                    .iter()
                    .map(|&(chunk, first)| {
                        let header = header.clone();
                        sc.spawn(move || bulk_rows(&mut Rows::body(chunk, first, header), cols))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join().unwrap_or_else(|_| {
                            (
                                Vec::new(),
                                Vec::new(),
                                vec![row_err(0, "-", 0, "parser thread panicked".into())],
                            )
                        })
                    })
                    .collect()
            })
        };
    let mut out = Bulk::default();
    let mut errors = Vec::new();
    let mut unit_ix: HashMap<String, u32> = HashMap::new();
    for (mut rows, units, errs) in parts {
        errors.extend(errs);
        let map: Vec<u32> = units
            .into_iter()
            .map(|u| {
                *unit_ix.entry(u.clone()).or_insert_with(|| {
                    out.units.push(u);
                    u32::try_from(out.units.len() - 1).unwrap_or(u32::MAX)
                })
            })
            .collect();
        for r in &mut rows {
            if let Some(&m) = map.get(r.unit as usize) {
                r.unit = m;
            }
        }
        out.rows.extend(rows);
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(errors);
    }
    out.rows
        .sort_unstable_by(|a, b| a.key.cmp(&b.key).then(a.line.cmp(&b.line)));
    let mut keep = 0;
    for i in 0..out.rows.len() {
        let r = out.rows[i];
        if keep > 0 {
            let o = out.rows[keep - 1];
            if o.key == r.key {
                if o.value == r.value && o.quantity.to_bits() == r.quantity.to_bits() {
                    continue;
                }
                let (rep, year, par, flow, month, hs) = crate::model::split_key(r.key);
                let period = if month == 0 {
                    Period::year(year)
                } else {
                    Period::month(year, month)
                };
                errors.push(row_err(
                    r.line,
                    "-",
                    0,
                    format!(
                        "conflicting duplicate of line {} ({rep} {par} {flow} {period} {hs}: US${} here, US${} there)",
                        o.line, r.value, o.value
                    ),
                ));
                continue;
            }
        }
        out.rows[keep] = r;
        keep += 1;
    }
    out.rows.truncate(keep);
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(errors);
    }
    Ok(out)
}
