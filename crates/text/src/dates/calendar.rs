//! Proleptic Gregorian day arithmetic (days since 1970-01-01), without a date library.

/// Days in month `m` of year `y`.
pub(crate) fn month_len(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 (H. Hinnant's `days_from_civil`).
pub(crate) fn days(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number.
pub(crate) fn civil(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

/// ISO weekday of a day number: Monday = 1 … Sunday = 7.
pub(crate) fn weekday(z: i64) -> u8 {
    ((z + 3).rem_euclid(7) + 1) as u8
}

/// Adds `k` months to (y, m).
pub(crate) fn add_months(y: i32, m: u8, k: i32) -> (i32, u8) {
    let t = y * 12 + i32::from(m) - 1 + k;
    (t.div_euclid(12), (t.rem_euclid(12) + 1) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(days(1970, 1, 1), 0);
        assert_eq!(civil(days(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(weekday(days(2025, 9, 4)), 4); // Thursday
        assert_eq!(weekday(days(2016, 3, 21)), 1); // Monday
        for z in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil(z);
            assert_eq!(days(y, m, d), z);
            assert!(d <= month_len(y, m));
        }
        assert_eq!(add_months(2025, 1, -1), (2024, 12));
        assert_eq!(add_months(2025, 12, 1), (2026, 1));
    }
}
