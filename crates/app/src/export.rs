//! Rows as JSON Lines and CSV, the same for a download and the command line.
//!
//! CSV columns come in the order the row type declares its fields (not alphabetically); a
//! missing value (no data) is an empty cell, never 0; whole-valued amounts are integers;
//! nested values are compact JSON.

use entente_trade::ScreenRow;
use entente_trade::sanctions::Kind;
use serde::Serialize;
use serde_json::Value;

use crate::AppError;
use crate::error::Result;

fn json_error(e: serde_json::Error) -> AppError {
    AppError::internal(format!("writing rows as JSON: {e}"))
}

/// One JSON object per line.
pub fn to_json_lines<T: Serialize>(rows: &[T]) -> Result<String> {
    let mut out = String::new();
    for r in rows {
        out.push_str(&serde_json::to_string(r).map_err(json_error)?);
        out.push('\n');
    }
    Ok(out)
}

/// A header line with every field any row has (in declaration order), then one line per row.
pub fn to_csv<T: Serialize>(rows: &[T]) -> Result<String> {
    // A serde_json::Value map would sort the fields alphabetically.
    let values: Vec<Vec<(String, Value)>> = rows
        .iter()
        .map(|r| {
            let text = serde_json::to_string(r)?;
            let OrderedFields(fields) = serde_json::from_str(&text)?;
            Ok(fields)
        })
        .collect::<std::result::Result<_, serde_json::Error>>()
        .map_err(json_error)?;
    let mut header: Vec<String> = Vec::new();
    for v in &values {
        for (k, _) in v {
            if !header.contains(k) {
                header.push(k.clone());
            }
        }
    }
    let cells: Vec<Vec<Value>> = values
        .iter()
        .map(|v| {
            header
                .iter()
                .map(|h| {
                    v.iter()
                        .find(|(k, _)| k == h)
                        .map_or(Value::Null, |(_, x)| x.clone())
                })
                .collect()
        })
        .collect();
    Ok(table_to_csv(&header, &cells))
}

/// CSV of a header and rows of JSON values (an SQL result).
pub fn table_to_csv(header: &[String], rows: &[Vec<Value>]) -> String {
    let mut out = header
        .iter()
        .map(|h| csv_field(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for r in rows {
        out.push_str(&r.iter().map(csv_cell).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

/// A JSON value as a person reads it in a table cell: strings as they are, numbers as in
/// CSV, nothing for null, other values as compact JSON.
pub fn cell_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => csv_number(n),
        Value::Null => String::new(),
        o => o.to_string(),
    }
}

/// The screen as CSV: one row per line and measure (a line without measures: one row with
/// the measure's columns empty).
pub fn screen_to_csv(rows: &[ScreenRow]) -> Result<String> {
    let mut flat = Vec::new();
    for r in rows {
        let base = ScreenCsvRow {
            first_period: &r.first_period,
            last_period: &r.last_period,
            hs: &r.hs,
            label: r.label.as_deref(),
            value_usd: r.value_usd,
            measure: None,
            resolution: None,
            paragraph: None,
            kind: None,
            adopted: None,
            in_force_at_shipment: None,
            value_usd_after_adoption: None,
            partial: None,
            cap_amount: None,
            cap_unit: None,
            counted_in_cap_unit: None,
            share_year: None,
            share_of_cap: None,
            cap_note: None,
        };
        if r.measures.is_empty() {
            flat.push(base);
            continue;
        }
        for m in &r.measures {
            let cap = m.cap.as_ref();
            flat.push(ScreenCsvRow {
                measure: Some(&m.id),
                resolution: Some(m.resolution),
                paragraph: Some(&m.paragraph),
                kind: Some(m.kind),
                adopted: Some(m.adopted),
                in_force_at_shipment: Some(m.in_force_at_shipment),
                value_usd_after_adoption: Some(m.value_usd_after_adoption),
                partial: Some(m.partial),
                cap_amount: cap.map(|c| c.cap_amount),
                cap_unit: cap.map(|c| c.cap_unit.as_str()),
                counted_in_cap_unit: cap.and_then(|c| c.counted_in_cap_unit),
                share_year: cap.and_then(|c| c.share_year),
                share_of_cap: cap.and_then(|c| c.share_of_cap),
                cap_note: cap.map(|c| c.note.as_str()),
                ..base
            });
        }
    }
    to_csv(&flat)
}

/// One (line, measure) pair of the screen, flat, for CSV.
#[derive(Serialize, schemars::JsonSchema)]
struct ScreenCsvRow<'a> {
    first_period: &'a str,
    last_period: &'a str,
    hs: &'a str,
    label: Option<&'a str>,
    #[serde(serialize_with = "entente_trade::json::usd")]
    value_usd: f64,
    measure: Option<&'a str>,
    resolution: Option<u32>,
    paragraph: Option<&'a str>,
    kind: Option<Kind>,
    adopted: Option<entente_trade::NaiveDate>,
    in_force_at_shipment: Option<bool>,
    #[serde(serialize_with = "entente_trade::json::usd_opt")]
    value_usd_after_adoption: Option<f64>,
    partial: Option<bool>,
    #[serde(serialize_with = "entente_trade::json::num_opt")]
    cap_amount: Option<f64>,
    cap_unit: Option<&'a str>,
    #[serde(serialize_with = "entente_trade::json::num_opt")]
    counted_in_cap_unit: Option<f64>,
    share_year: Option<i32>,
    #[serde(serialize_with = "entente_trade::json::frac_opt")]
    share_of_cap: Option<f64>,
    cap_note: Option<&'a str>,
}

fn csv_field(s: &str) -> String {
    let defused;
    let s = if formula_like(s) {
        defused = format!("'{s}");
        defused.as_str()
    } else {
        s
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or a carriage
/// return first): such a cell is written with a leading `'`, which spreadsheets show as
/// text. A plain signed number (`-12.5`) is left alone.
fn formula_like(s: &str) -> bool {
    match s.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => s.parse::<f64>().is_err(),
        _ => false,
    }
}

/// The fields of one JSON object in document order.
struct OrderedFields(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for OrderedFields {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = OrderedFields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> std::result::Result<OrderedFields, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, Value>()? {
                    out.push((k, v));
                }
                Ok(OrderedFields(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Whole-valued floats as integers (US$ values), others as written.
fn csv_number(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        _ => n.to_string(),
    }
}

/// One CSV cell: empty for null (no data), integers for whole amounts, nested values as
/// compact JSON.
fn csv_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => csv_field(s),
        Value::Number(n) => csv_number(n),
        other => csv_field(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, schemars::JsonSchema)]
    struct Row {
        zeta: &'static str,
        alpha: Option<f64>,
        nested: Vec<u8>,
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        let rows = [serde_json::json!({
            "a": "=HYPERLINK(\"http://x\",\"y\")",
            "b": "+1+cmd|' /C calc'!A0",
            "c": "-2+3",
            "d": "@SUM(A1)",
            "e": "-12.5",
            "f": "\tlead",
            "g": "Kim Jong Un",
            "h": -4,
        })];
        let csv = to_csv(&rows).expect("csv");
        let line = csv.lines().nth(1).expect("a row");
        assert_eq!(
            line,
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'+1+cmd|' /C calc'!A0,'-2+3,'@SUM(A1),-12.5,'\tlead,Kim Jong Un,-4"
        );
    }

    #[test]
    fn csv_keeps_field_order_quotes_and_leaves_missing_empty() {
        let rows = [
            Row {
                zeta: "a, \"b\"",
                alpha: Some(1000.0),
                nested: vec![1, 2],
            },
            Row {
                zeta: "c",
                alpha: None,
                nested: vec![],
            },
        ];
        assert_eq!(
            to_csv(&rows).expect("csv"),
            "zeta,alpha,nested\n\"a, \"\"b\"\"\",1000,\"[1,2]\"\nc,,[]\n"
        );
        assert_eq!(
            to_json_lines(&rows[1..]).expect("json"),
            "{\"zeta\":\"c\",\"alpha\":null,\"nested\":[]}\n"
        );
        assert_eq!(cell_text(&serde_json::json!(2.5)), "2.5");
        assert_eq!(cell_text(&serde_json::json!(7.0)), "7");
        assert_eq!(cell_text(&Value::Null), "");
    }
}

/// A download's format.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Jsonl,
}

impl ExportFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Jsonl => "application/x-ndjson",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Jsonl => "jsonl",
        }
    }
}

/// Sources read per page of an export.
const EXPORT_PAGE: usize = 1000;

impl crate::App {
    /// Every source matching `q` (its `limit`, `offset` and `after` are ignored) as CSV or
    /// JSON Lines, written to `sink` a page at a time in ingest order — no cap on the count,
    /// memory for one page. `sink` returns false when the reader has gone; the export then
    /// stops. Returns the number of sources written.
    pub fn export_sources(
        &self,
        q: &crate::SourceQuery,
        format: ExportFormat,
        sink: &mut dyn FnMut(&[u8]) -> bool,
    ) -> Result<u64> {
        let mut after = None;
        let mut written = 0u64;
        loop {
            let page = self.sources(&crate::SourceQuery {
                outlet: q.outlet.clone(),
                lang: q.lang.clone(),
                limit: Some(EXPORT_PAGE),
                offset: 0,
                after,
            })?;
            let Some(last) = page.last() else {
                if written == 0 && format == ExportFormat::Csv {
                    // No rows: still the header, so a spreadsheet sees the columns.
                    sink(SOURCE_COLUMNS.as_bytes());
                }
                return Ok(written);
            };
            after = Some(last.seq);
            let chunk = match format {
                ExportFormat::Jsonl => to_json_lines(&page)?,
                ExportFormat::Csv => {
                    let csv = to_csv(&page)?;
                    if written == 0 {
                        csv
                    } else {
                        // The header once, at the top.
                        csv.split_once('\n')
                            .map(|(_, rest)| rest.to_string())
                            .unwrap_or_default()
                    }
                }
            };
            written += page.len() as u64;
            if !sink(chunk.as_bytes()) {
                return Ok(written);
            }
            if page.len() < EXPORT_PAGE {
                return Ok(written);
            }
        }
    }

    /// The events matching `q` as CSV (participants, citations and other nested values as
    /// compact JSON in their cells) or JSON Lines: the shapes of `entente events list --json`.
    pub fn export_events(&self, q: &crate::EventQuery, format: ExportFormat) -> Result<String> {
        let rows = self.events(q)?;
        match format {
            ExportFormat::Csv => to_csv(&rows),
            ExportFormat::Jsonl => to_json_lines(&rows),
        }
    }
}

/// The header of a sources export with no rows (the fields of `SourceSummary`).
const SOURCE_COLUMNS: &str = "id,seq,outlet,lang,published,title,url,chars,near_duplicate_of\n";
