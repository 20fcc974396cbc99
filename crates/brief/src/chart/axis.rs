//! Value axes: "nice" ticks in 1-2-5 steps and value formatting per unit and label language
//! ("US$1.2 bn", "120 m", "12億ドル").

use crate::chart::Unit;
use crate::labels::{LabelLang, Labels, labels};

/// A value scale: the domain covered by ticks, and the ticks.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Scale {
    pub min: f64,
    pub max: f64,
    pub step: f64,
    pub ticks: Vec<f64>,
}

impl Scale {
    /// Maps a value to a y coordinate between `top` (max) and `top + h` (min).
    pub fn y(&self, v: f64, top: f64, h: f64) -> f64 {
        let span = self.max - self.min;
        if span <= 0.0 || !span.is_finite() {
            return top + h;
        }
        top + (self.max - v.clamp(self.min, self.max)) / span * h
    }
}

/// Ticks in steps of 1, 2 or 5 × 10ⁿ covering `lo..hi` and zero, about `target` of them.
pub(crate) fn nice_scale(lo: f64, hi: f64, target: usize) -> Scale {
    let (mut lo, mut hi) = if lo.is_finite() && hi.is_finite() {
        (lo.min(hi).min(0.0), hi.max(lo).max(0.0))
    } else {
        (0.0, 1.0)
    };
    if hi - lo < 1e-9 {
        lo = 0.0;
        hi = 1.0;
    }
    let target = target.clamp(2, 12) as f64;
    let raw = (hi - lo) / target;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let nice = if norm < 1.5 {
        1.0
    } else if norm < 3.0 {
        2.0
    } else if norm < 7.0 {
        5.0
    } else {
        10.0
    };
    let step = nice * mag;
    if !(step.is_finite() && step > 0.0) {
        return Scale {
            min: 0.0,
            max: 1.0,
            step: 0.5,
            ticks: vec![0.0, 0.5, 1.0],
        };
    }
    // The epsilon keeps exact multiples (0, 1e9) from adding an empty step.
    let first = (lo / step + 1e-9).floor() as i64;
    let last = (hi / step - 1e-9).ceil() as i64;
    let last = last.min(first + 40);
    let ticks: Vec<f64> = (first..=last).map(|i| i as f64 * step).collect();
    Scale {
        min: first as f64 * step,
        max: last as f64 * step,
        step,
        ticks,
    }
}

/// Decimals needed to tell apart multiples of `step` (0–3).
fn decimals_for(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) || step >= 0.999 {
        return 0;
    }
    ((-step.log10()) - 1e-9).ceil().clamp(0.0, 3.0) as usize
}

/// `1234567.8` → "1,234,568" (with `decimals` 0), using the language's separator.
fn group(v: f64, decimals: usize, sep: &str) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let mut out = String::new();
    let digits: Vec<char> = int.chars().collect();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(*c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    out
}

/// The money scale used for a largest magnitude: the first whose value it reaches.
fn money_scale(l: &Labels, max_abs: f64) -> (f64, &str) {
    for m in &l.money {
        if max_abs >= m.scale {
            return (m.scale, &m.template);
        }
    }
    l.money
        .last()
        .map(|m| (m.scale, m.template.as_str()))
        .unwrap_or((1.0, "{n}"))
}

fn with_sign(v: f64, body: String) -> String {
    if v < 0.0 && body.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("−{body}")
    } else {
        body
    }
}

fn render(v: f64, unit: Unit, l: &Labels, scale: f64, template: &str, decimals: usize) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    match unit {
        Unit::UsDollars => with_sign(
            v,
            template.replace("{n}", &group(v / scale, decimals, &l.thousands_separator)),
        ),
        Unit::Count => with_sign(v, group(v, decimals, &l.thousands_separator)),
        Unit::Percent => with_sign(
            v,
            format!("{}%", group(v, decimals, &l.thousands_separator)),
        ),
    }
}

/// Labels for the ticks of a scale; all ticks share one money unit.
pub(crate) fn tick_labels(scale: &Scale, unit: Unit, lang: LabelLang) -> Vec<String> {
    let l = labels(lang);
    let max_abs = scale.min.abs().max(scale.max.abs());
    let (div, template) = match unit {
        Unit::UsDollars => money_scale(l, max_abs),
        _ => (1.0, "{n}"),
    };
    let decimals = decimals_for(scale.step / div);
    scale
        .ticks
        .iter()
        .map(|t| render(*t, unit, l, div, template, decimals))
        .collect()
}

/// One value formatted for a label or table: "US$1.2 bn", "US$120 m", "12億ドル", "1,234".
/// Money keeps three significant figures (one decimal below 100 of its unit).
pub fn format_value(v: f64, unit: Unit, lang: LabelLang) -> String {
    if !v.is_finite() {
        return "—".to_string();
    }
    let l = labels(lang);
    match unit {
        Unit::UsDollars => {
            let (div, template) = money_scale(l, v.abs());
            let x = (v / div).abs();
            let decimals = if x >= 100.0 || div == 1.0 { 0 } else { 1 };
            let mut n = group(v / div, decimals, &l.thousands_separator);
            if let Some(t) = n.strip_suffix(".0") {
                n = t.to_string();
            }
            if v == 0.0 {
                return "0".to_string();
            }
            with_sign(v, template.replace("{n}", &n))
        }
        Unit::Count => render(v, unit, l, 1.0, "{n}", if v.fract() == 0.0 { 0 } else { 1 }),
        Unit::Percent => render(v, unit, l, 1.0, "{n}", 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_step_one_two_five() {
        let s = nice_scale(0.0, 2.6e9, 5);
        assert_eq!(s.step, 1e9 / 2.0);
        assert_eq!(s.ticks.first(), Some(&0.0));
        assert_eq!(s.max, 3e9);
        let s = nice_scale(-120.0, 340.0, 5);
        assert_eq!(s.step, 100.0);
        assert_eq!(s.min, -200.0);
        assert_eq!(s.max, 400.0);
        let s = nice_scale(0.0, 0.0, 5);
        assert_eq!((s.min, s.max), (0.0, 1.0));
        let s = nice_scale(f64::NAN, 3.0, 5);
        assert_eq!((s.min, s.max), (0.0, 1.0));
        let s = nice_scale(0.0, 5e-324, 5);
        assert_eq!((s.min, s.max), (0.0, 1.0));
    }

    #[test]
    fn money_ticks_share_a_unit() {
        let s = nice_scale(0.0, 2.6e9, 5);
        let t = tick_labels(&s, Unit::UsDollars, LabelLang::En);
        assert_eq!(
            t,
            [
                "0",
                "US$0.5 bn",
                "US$1.0 bn",
                "US$1.5 bn",
                "US$2.0 bn",
                "US$2.5 bn",
                "US$3.0 bn"
            ]
        );
        let t = tick_labels(&s, Unit::UsDollars, LabelLang::Ja);
        assert_eq!(t[1], "5億ドル");
        assert_eq!(t[6], "30億ドル");
        let s = nice_scale(-50e6, 120e6, 5);
        let t = tick_labels(&s, Unit::UsDollars, LabelLang::En);
        assert_eq!(t, ["−US$50 m", "0", "US$50 m", "US$100 m", "US$150 m"]);
    }

    #[test]
    fn values() {
        assert_eq!(
            format_value(1.234e9, Unit::UsDollars, LabelLang::En),
            "US$1.2 bn"
        );
        assert_eq!(
            format_value(120e6, Unit::UsDollars, LabelLang::En),
            "US$120 m"
        );
        assert_eq!(
            format_value(-3.5e6, Unit::UsDollars, LabelLang::En),
            "−US$3.5 m"
        );
        assert_eq!(
            format_value(1.234e9, Unit::UsDollars, LabelLang::Ja),
            "12.3億ドル"
        );
        assert_eq!(
            format_value(5e6, Unit::UsDollars, LabelLang::Ja),
            "500万ドル"
        );
        assert_eq!(format_value(0.0, Unit::UsDollars, LabelLang::En), "0");
        assert_eq!(format_value(1234.0, Unit::Count, LabelLang::En), "1,234");
        assert_eq!(format_value(12.5, Unit::Percent, LabelLang::En), "12.5%");
        assert_eq!(format_value(f64::NAN, Unit::Count, LabelLang::En), "—");
        assert_eq!(
            format_value(950.0, Unit::UsDollars, LabelLang::En),
            "US$950"
        );
    }
}
