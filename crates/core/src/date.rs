//! Dates with the precision the source gives: a year, a month or a day (EDTF level 0).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::CoreError;

/// A calendar date known to year, month or day precision. Never invents a day.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateValue {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl DateValue {
    pub fn ymd(year: i32, month: u8, day: u8) -> Result<Self, CoreError> {
        Self::new(year, Some(month), Some(day))
    }

    pub fn new(year: i32, month: Option<u8>, day: Option<u8>) -> Result<Self, CoreError> {
        let v = DateValue { year, month, day };
        let bad = |reason: &str| CoreError::InvalidDate {
            value: v.to_string(),
            reason: reason.to_string(),
        };
        if !(1..=9999).contains(&year) {
            return Err(bad("year out of range 1..9999"));
        }
        match (month, day) {
            (None, Some(_)) => return Err(bad("a day without a month")),
            (Some(m), _) if !(1..=12).contains(&m) => return Err(bad("month out of range 1..12")),
            (Some(m), Some(d)) if NaiveDate::from_ymd_opt(year, m as u32, d as u32).is_none() => {
                return Err(bad("no such day in that month"));
            }
            _ => {}
        }
        Ok(v)
    }

    pub fn from_naive(d: NaiveDate) -> Self {
        DateValue {
            year: d.year(),
            month: Some(d.month() as u8),
            day: Some(d.day() as u8),
        }
    }

    /// First day covered by this value.
    pub fn start(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(
            self.year,
            self.month.unwrap_or(1) as u32,
            self.day.unwrap_or(1) as u32,
        )
        .unwrap_or(NaiveDate::MIN)
    }

    /// Last day covered by this value.
    pub fn end(&self) -> NaiveDate {
        match (self.month, self.day) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(self.year, m as u32, d as u32),
            (Some(m), None) => {
                let (y, m) = if m == 12 {
                    (self.year + 1, 1)
                } else {
                    (self.year, m as u32 + 1)
                };
                NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt())
            }
            _ => NaiveDate::from_ymd_opt(self.year, 12, 31),
        }
        .unwrap_or(NaiveDate::MAX)
    }

    /// Days since 1970-01-01 of the first day covered (for sorting and range filters).
    pub fn epoch_days(&self) -> i64 {
        (self.start() - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN)).num_days()
    }

    /// Parses the machine-written dates found in feeds, dumps and meta tags:
    /// `2025`, `2025-09`, `2025-09-04`, `2025/9/4`, `20250904`, `2025.09.04`,
    /// ISO 8601 date-times with or without zone (`2024-12-26 15:30:00`, `2025-09-04T10:00:00+09:00`)
    /// and RFC 2822 (`Thu, 04 Sep 2025 10:00:00 +0900`). The calendar date written in the
    /// value is kept (no conversion to UTC: the outlet's own date is the one cited).
    /// Natural-language dates (`4 September 2025`, `2025年9月4日`) belong to the text crate.
    pub fn parse_loose(s: &str) -> Result<Self, CoreError> {
        let t = s.trim();
        let bad = |reason: &str| CoreError::InvalidDate {
            value: s.to_string(),
            reason: reason.to_string(),
        };
        if t.is_empty() {
            return Err(bad("empty"));
        }
        if let Ok(dt) = chrono::DateTime::parse_from_rfc2822(t) {
            return Ok(Self::from_naive(dt.date_naive()));
        }
        // Take the leading date part of an ISO date-time.
        let date_part = t.split(['T', ' ', 't']).next().unwrap_or(t);
        if date_part.len() == 8 && date_part.bytes().all(|b| b.is_ascii_digit()) {
            let y: i32 = date_part[..4].parse().map_err(|_| bad("bad year"))?;
            let m: u8 = date_part[4..6].parse().map_err(|_| bad("bad month"))?;
            let d: u8 = date_part[6..].parse().map_err(|_| bad("bad day"))?;
            return Self::new(y, Some(m), Some(d));
        }
        let parts: Vec<&str> = date_part.split(['-', '/', '.']).collect();
        let num = |p: &str, what: &str| -> Result<u32, CoreError> {
            if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad(&format!(
                    "expected a number for the {what}, found `{p}`"
                )));
            }
            p.parse::<u32>().map_err(|_| bad(what))
        };
        match parts.as_slice() {
            [y] if y.len() == 4 => Self::new(num(y, "year")? as i32, None, None),
            [y, m] if y.len() == 4 => {
                Self::new(num(y, "year")? as i32, Some(num(m, "month")? as u8), None)
            }
            [y, m, d] if y.len() == 4 => Self::new(
                num(y, "year")? as i32,
                Some(num(m, "month")? as u8),
                Some(num(d, "day")? as u8),
            ),
            _ => Err(bad(
                "not a recognised date format (expected YYYY, YYYY-MM, YYYY-MM-DD, ISO 8601 or RFC 2822)",
            )),
        }
    }
}

impl fmt::Display for DateValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for DateValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateValue({self})")
    }
}

impl FromStr for DateValue {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_loose(s)
    }
}

crate::serde_as_string!(
    DateValue,
    "A calendar date with its precision: YYYY, YYYY-MM or YYYY-MM-DD."
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_machine_formats() {
        let d = |s: &str| DateValue::parse_loose(s).unwrap().to_string();
        assert_eq!(d("2025"), "2025");
        assert_eq!(d("2025-09"), "2025-09");
        assert_eq!(d("2025-09-04"), "2025-09-04");
        assert_eq!(d("2025/9/4"), "2025-09-04");
        assert_eq!(d("20250904"), "2025-09-04");
        assert_eq!(d("2024-12-26 15:30:00"), "2024-12-26");
        assert_eq!(d("2025-09-04T23:30:00+09:00"), "2025-09-04");
        assert_eq!(d("Thu, 04 Sep 2025 10:00:00 +0900"), "2025-09-04");
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(DateValue::parse_loose("2025-02-30").is_err());
        assert!(DateValue::parse_loose("2025-13").is_err());
        assert!(DateValue::parse_loose("yesterday").is_err());
        assert!(DateValue::parse_loose("").is_err());
    }

    #[test]
    fn month_bounds() {
        let v = DateValue::parse_loose("2024-02").unwrap();
        assert_eq!(v.start().to_string(), "2024-02-01");
        assert_eq!(v.end().to_string(), "2024-02-29");
        let y = DateValue::parse_loose("2025").unwrap();
        assert_eq!(y.end().to_string(), "2025-12-31");
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(y in 1i32..9999, m in 1u8..=12, d in 1u8..=28) {
            let v = DateValue::ymd(y, m, d).unwrap();
            prop_assert_eq!(v.to_string().parse::<DateValue>().unwrap(), v);
        }

        #[test]
        fn never_panics(s in ".{0,40}") {
            let _ = DateValue::parse_loose(&s);
        }
    }
}
