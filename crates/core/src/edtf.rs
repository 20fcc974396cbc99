//! EDTF (Extended Date/Time Format, ISO 8601-2 level 0/1) values for events: a single date
//! with precision, an interval, optionally uncertain. `2025-09-04`, `2025-09`, `2025`,
//! `2025-10-25/2025-10-28`, `2025-09?`.

use std::fmt;
use std::str::FromStr;

use crate::{CoreError, DateValue};

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Edtf {
    pub start: DateValue,
    /// End of an interval; `None` for a single date.
    pub end: Option<DateValue>,
    /// Marked uncertain in the source (`?`).
    pub uncertain: bool,
}

impl Edtf {
    pub fn date(d: DateValue) -> Self {
        Edtf {
            start: d,
            end: None,
            uncertain: false,
        }
    }

    pub fn interval(start: DateValue, end: DateValue) -> Result<Self, CoreError> {
        if end.end() < start.start() {
            return Err(CoreError::InvalidDate {
                value: format!("{start}/{end}"),
                reason: "interval ends before it starts".into(),
            });
        }
        Ok(Edtf {
            start,
            end: Some(end),
            uncertain: false,
        })
    }

    /// First day covered.
    pub fn first_day(&self) -> chrono::NaiveDate {
        self.start.start()
    }

    /// Last day covered.
    pub fn last_day(&self) -> chrono::NaiveDate {
        self.end.unwrap_or(self.start).end()
    }

    /// Whether two values can describe the same day(s): their spans overlap.
    pub fn compatible(&self, other: &Edtf) -> bool {
        self.first_day() <= other.last_day() && other.first_day() <= self.last_day()
    }
}

impl fmt::Display for Edtf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.start)?;
        if let Some(e) = self.end {
            write!(f, "/{e}")?;
        }
        if self.uncertain {
            f.write_str("?")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Edtf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Edtf({self})")
    }
}

impl FromStr for Edtf {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let (body, uncertain) = match t.strip_suffix('?') {
            Some(b) => (b, true),
            None => (t, false),
        };
        let strict = |p: &str| -> Result<DateValue, CoreError> {
            let ok = matches!(p.len(), 4 | 7 | 10)
                && p.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            if !ok {
                return Err(CoreError::InvalidDate {
                    value: s.to_string(),
                    reason: "expected EDTF: YYYY, YYYY-MM, YYYY-MM-DD or START/END".into(),
                });
            }
            DateValue::parse_loose(p)
        };
        let mut v = match body.split_once('/') {
            Some((a, b)) => Edtf::interval(strict(a)?, strict(b)?)?,
            None => Edtf::date(strict(body)?),
        };
        v.uncertain = uncertain;
        Ok(v)
    }
}

crate::serde_as_string!(
    Edtf,
    "A date as EDTF (ISO 8601-2): 2023, 2023-03, 2023-03-21, a span 2023-03-20/2023-03-22, with ? for uncertain or ~ for approximate."
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_prints() {
        for s in [
            "2025-09-04",
            "2025-09",
            "2025",
            "2025-10-25/2025-10-28",
            "2025-09?",
            "2024/2025",
        ] {
            assert_eq!(s.parse::<Edtf>().unwrap().to_string(), s);
        }
        assert!("2025-10-28/2025-10-25".parse::<Edtf>().is_err());
        assert!("2025-9-4".parse::<Edtf>().is_err());
        assert!("yesterday".parse::<Edtf>().is_err());
    }

    #[test]
    fn compatibility_is_overlap() {
        let e = |s: &str| s.parse::<Edtf>().unwrap();
        assert!(e("2025-09").compatible(&e("2025-09-04")));
        assert!(e("2025-10-25/2025-10-28").compatible(&e("2025-10-27")));
        assert!(!e("2025-10-25/2025-10-28").compatible(&e("2025-10-29")));
    }

    proptest! {
        #[test]
        fn never_panics(s in ".{0,30}") {
            let _ = s.parse::<Edtf>();
        }
    }
}
