//! How numbers of query rows are written in JSON (and, through it, CSV): US$ amounts as whole
//! dollars (integers, never `1000.0`), fractions (changes, shares) rounded to four decimals,
//! other quantities as integers when whole. Use with `#[serde(serialize_with = "…")]`.

use serde::Serializer;

/// Largest magnitude written as an integer (beyond it, f64 has no whole-number precision
/// anyway); larger or non-finite values are written as they are.
const MAX_WHOLE: f64 = 9.0e15;

fn whole_or_float<S: Serializer>(v: f64, s: S) -> Result<S::Ok, S::Error> {
    if v.is_finite() && v.abs() < MAX_WHOLE {
        // `as` is exact here: |v| < 2^53.
        s.serialize_i64(v.round() as i64)
    } else {
        s.serialize_f64(v)
    }
}

/// A US$ amount as whole dollars (rounded to the nearest dollar).
pub fn usd<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    whole_or_float(*v, s)
}

/// An optional US$ amount as whole dollars; `None` (no data) as `null`.
pub fn usd_opt<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => whole_or_float(*v, s),
        None => s.serialize_none(),
    }
}

/// `v` rounded to four decimals (0.123456 → 0.1235, i.e. 12.35 %).
pub fn round4(v: f64) -> f64 {
    if v.is_finite() {
        (v * 1e4).round() / 1e4
    } else {
        v
    }
}

/// A fraction (change, share) rounded to four decimals.
pub fn frac<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round4(*v))
}

/// An optional fraction rounded to four decimals; `None` as `null`.
pub fn frac_opt<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_f64(round4(*v)),
        None => s.serialize_none(),
    }
}

/// A quantity: an integer when whole, else as it is; `None` as `null`.
pub fn num_opt<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) if v.fract() == 0.0 => whole_or_float(*v, s),
        Some(v) => s.serialize_f64(*v),
        None => s.serialize_none(),
    }
}

/// A quantity: an integer when whole, else as it is.
pub fn num<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    num_opt(&Some(*v), s)
}

#[cfg(test)]
mod tests {
    use serde::Serialize;

    #[derive(Serialize, schemars::JsonSchema)]
    struct Row {
        #[serde(serialize_with = "super::usd")]
        a: f64,
        #[serde(serialize_with = "super::usd_opt")]
        b: Option<f64>,
        #[serde(serialize_with = "super::frac_opt")]
        c: Option<f64>,
        #[serde(serialize_with = "super::num_opt")]
        d: Option<f64>,
        #[serde(serialize_with = "super::num")]
        e: f64,
    }

    #[test]
    fn dollars_are_integers_and_fractions_have_four_decimals() {
        let r = Row {
            a: 1000.0,
            b: None,
            c: Some(0.254_678_9),
            d: Some(2.5),
            e: 22_490_000.0,
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"a":1000,"b":null,"c":0.2547,"d":2.5,"e":22490000}"#
        );
        let r = Row {
            a: -0.6,
            b: Some(2_003_500_000.4),
            c: Some(-1.0 / 3.0),
            d: None,
            e: 0.0,
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"a":-1,"b":2003500000,"c":-0.3333,"d":null,"e":0}"#
        );
    }
}
