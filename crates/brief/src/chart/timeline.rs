//! A timeline: events on a date axis, labels stacked in lanes so they do not overlap.

use entente_core::{DateValue, Edtf};

use crate::chart::{Chart, LegendItem, SvgOptions, TimelineEvent, header, no_data};
use crate::labels::labels;
use crate::svg::{Anchor, INK, MUTED, Svg, colour, fit, text_width};

/// Days since 1970-01-01 of the last day a date value covers.
fn last_day(d: &DateValue) -> i64 {
    let next = match (d.month, d.day) {
        (Some(_), Some(_)) => return d.epoch_days(),
        (Some(m), None) if m < 12 => DateValue::new(d.year, Some(m + 1), None),
        (Some(_), None) => DateValue::new(d.year + 1, Some(1), None),
        _ => DateValue::new(d.year + 1, None, None),
    };
    next.map(|n| n.epoch_days() - 1)
        .unwrap_or_else(|_| d.epoch_days())
}

fn span(e: &Edtf) -> (i64, i64) {
    let a = e.start.epoch_days();
    let b = last_day(&e.end.unwrap_or(e.start));
    (a, b.max(a))
}

fn month_start(year: i32, month: u8) -> Option<i64> {
    DateValue::new(year, Some(month), None)
        .ok()
        .map(|d| d.epoch_days())
}

const LANE_H: f64 = 18.0;

/// One row of labels above the axis: label extents, where their text runs, and the leader
/// lines passing through.
#[derive(Default)]
struct Lane {
    /// (extent start, extent end, text start, text end).
    labels: Vec<(f64, f64, f64, f64)>,
    lines: Vec<f64>,
}

impl Lane {
    /// Whether a label spanning `x0..x1` fits: no overlap with labels or leader lines.
    fn free(&self, x0: f64, x1: f64) -> bool {
        self.labels.iter().all(|l| x1 + 6.0 < l.0 || x0 > l.1 + 6.0)
            && self.lines.iter().all(|x| *x < x0 - 3.0 || *x > x1 + 3.0)
    }

    /// Whether a leader line at `x` would cross the text of a label of this lane.
    fn covers(&self, x: f64) -> bool {
        self.labels.iter().any(|l| x >= l.2 - 2.0 && x <= l.3 + 2.0)
    }

    fn end(&self) -> f64 {
        self.labels.iter().map(|v| v.1).fold(f64::MIN, f64::max)
    }
}

const MAX_LANES: usize = 14;
const HALO: &str = "stroke=\"#FFFFFF\" stroke-width=\"3\" paint-order=\"stroke\"";
const LABEL_MAX: f64 = 210.0;

pub(super) fn render(
    chart: &Chart,
    events: &[TimelineEvent],
    from: Option<DateValue>,
    to: Option<DateValue>,
    opts: &SvgOptions,
) -> String {
    if events.is_empty() {
        return no_data(chart, opts);
    }
    let mut evs: Vec<(i64, i64, &TimelineEvent)> = events
        .iter()
        .map(|e| {
            let (a, b) = span(&e.date);
            (a, b, e)
        })
        .collect();
    evs.sort_by(|x, y| (x.0, x.1, &x.2.label).cmp(&(y.0, y.1, &y.2.label)));
    let mut lo = from.map(|d| d.epoch_days()).unwrap_or(evs[0].0);
    let mut hi = to
        .map(|d| last_day(&d))
        .unwrap_or_else(|| evs.iter().map(|e| e.1).max().unwrap_or(lo));
    if hi < lo {
        std::mem::swap(&mut lo, &mut hi);
    }
    if hi - lo < 30 {
        lo -= 15;
        hi += 15;
    }
    let pad = ((hi - lo) as f64 * 0.03).max(2.0);
    let (dlo, dhi) = (lo as f64 - pad, hi as f64 + pad);

    // Groups in order of first appearance.
    let mut groups: Vec<&str> = Vec::new();
    for (_, _, e) in &evs {
        if let Some(g) = e.group.as_deref()
            && !groups.contains(&g)
        {
            groups.push(g);
        }
    }
    let group_colour = |g: Option<&str>| -> &'static str {
        match g.and_then(|g| groups.iter().position(|x| *x == g)) {
            Some(i) => colour(i),
            None if groups.is_empty() => colour(0),
            None => MUTED,
        }
    };
    let legend: Vec<LegendItem<'_>> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| LegendItem {
            name: g,
            colour: colour(i),
            line: false,
        })
        .collect();
    let top = header(&mut Svg::new(1.0, 1.0, "", ""), &chart.title, &legend, opts);

    let (left, right) = (24.0, opts.width - 24.0);
    let xw = right - left;
    let x_of = |day: f64| left + (day.clamp(dlo, dhi) - dlo) / (dhi - dlo) * xw;

    // Lane assignment, left to right: the lowest lane where the label's extent is free and
    // this event's leader line crosses no label below it; failing that, the lowest lane where
    // the label fits (leader lines are drawn under the labels' white halo).
    let mut lanes: Vec<Lane> = Vec::new();
    let mut placed: Vec<(usize, f64, bool, String)> = Vec::with_capacity(evs.len());
    for (a, _, e) in &evs {
        let x = x_of(*a as f64);
        let text = fit(&e.label, LABEL_MAX, 10.5);
        let w = text_width(&text, 10.5);
        // (extent start, extent end, text start, text end) to the right and to the left.
        let right_ext = (x - 2.0, x + 4.0 + w, x + 4.0, x + 4.0 + w);
        let left_ext = (x - 4.0 - w, x + 2.0, x - 4.0 - w, x - 4.0);
        let right_ok = right_ext.1 <= right + 16.0;
        let sides: &[bool] = if right_ok { &[true, false] } else { &[false] };
        let fits = |k: usize, ext: (f64, f64, f64, f64), lanes: &[Lane], path: bool| {
            let lane_free = lanes.get(k).is_none_or(|l| l.free(ext.0, ext.1));
            lane_free && (!path || lanes.iter().take(k).all(|l| !l.covers(x)))
        };
        let find = |path: bool| {
            (0..MAX_LANES).find_map(|k| {
                sides.iter().find_map(|right_side| {
                    let ext = if *right_side { right_ext } else { left_ext };
                    fits(k, ext, &lanes, path).then_some((k, *right_side))
                })
            })
        };
        let (lane, to_right) = find(true).or_else(|| find(false)).unwrap_or_else(|| {
            // Crowded: the lane whose labels end leftmost.
            let k = (0..lanes.len())
                .min_by(|p, q| lanes[*p].end().total_cmp(&lanes[*q].end()))
                .unwrap_or(0);
            (k, right_ok)
        });
        while lanes.len() <= lane {
            lanes.push(Lane::default());
        }
        lanes[lane]
            .labels
            .push(if to_right { right_ext } else { left_ext });
        for l in lanes.iter_mut().take(lane) {
            l.lines.push(x);
        }
        placed.push((lane, x, to_right, text));
    }

    let n_lanes = lanes.len().max(1) as f64;
    let axis_y = top + 14.0 + n_lanes * LANE_H + 10.0;
    let height = (axis_y + 40.0).max(140.0);
    let desc = chart.desc.clone().unwrap_or_else(|| {
        let names: Vec<String> = evs
            .iter()
            .map(|(_, _, e)| format!("{} {}", e.date, e.label))
            .collect();
        names.join("; ")
    });
    let mut svg = Svg::new(opts.width, height, &chart.title, &desc);
    header(&mut svg, &chart.title, &legend, opts);

    // Axis and ticks.
    svg.line(left, axis_y, right, axis_y, MUTED, 1.5);
    date_ticks(&mut svg, dlo, dhi, &x_of, axis_y, xw, opts);

    for (lane, x, _, _) in &placed {
        let ly = axis_y - 14.0 - *lane as f64 * LANE_H;
        svg.line(*x, axis_y - 4.0, *x, ly + 3.0, "#BBBBBB", 1.0);
    }
    for (a, b, e) in &evs {
        let c = group_colour(e.group.as_deref());
        let x = x_of(*a as f64);
        let tip = format!("{} {}", e.date, e.label);
        if b > a {
            let xb = x_of(*b as f64 + 1.0);
            svg.rect_titled(x, axis_y - 3.5, (xb - x).max(4.0), 7.0, c, &tip);
        } else {
            svg.raw(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{c}\" stroke=\"#FFFFFF\" stroke-width=\"1\"><title>{}</title></circle>\n",
                crate::svg::num(x),
                crate::svg::num(axis_y),
                crate::svg::escape_xml(&tip)
            ));
        }
    }
    for (lane, x, to_right, text) in &placed {
        let ly = axis_y - 14.0 - *lane as f64 * LANE_H;
        let (tx, anchor) = if *to_right {
            (*x + 4.0, Anchor::Start)
        } else {
            (*x - 4.0, Anchor::End)
        };
        svg.text(tx, ly, text, 10.5, anchor, INK, HALO);
    }
    svg.finish()
}

fn date_ticks(
    svg: &mut Svg,
    dlo: f64,
    dhi: f64,
    x_of: &dyn Fn(f64) -> f64,
    axis_y: f64,
    width: f64,
    opts: &SvgOptions,
) {
    let l = labels(opts.lang);
    let from = DateValue::new(1970, Some(1), Some(1))
        .map(|d| d.epoch_days())
        .unwrap_or(0);
    // Year of an epoch day, good enough for tick placement.
    let year_of = |day: f64| 1970 + ((day - from as f64) / 365.2425).floor() as i32;
    let (y0, y1) = (year_of(dlo).clamp(1, 9999), year_of(dhi).clamp(1, 9999) + 1);
    let span_days = dhi - dlo;
    if span_days > 3.0 * 365.0 {
        let n_years = (y1 - y0).max(1) as f64;
        let every = ((n_years * 40.0) / width).ceil().max(1.0) as i32;
        for y in y0..=y1 {
            let Some(d) = month_start(y, 1) else { continue };
            let d = d as f64;
            if d < dlo || d > dhi {
                continue;
            }
            let x = x_of(d);
            svg.line(x, axis_y, x, axis_y + 6.0, MUTED, 1.0);
            if (y - y0) % every == 0 {
                svg.text(
                    x,
                    axis_y + 19.0,
                    &y.to_string(),
                    11.0,
                    Anchor::Middle,
                    INK,
                    "",
                );
            }
        }
    } else {
        let n_months = (span_days / 30.4).max(1.0);
        let every = ((n_months * 44.0) / width).ceil().clamp(1.0, 12.0) as u8;
        let mut first_label = true;
        for y in y0..=y1 {
            for m in 1..=12u8 {
                let Some(d) = month_start(y, m) else { continue };
                let d = d as f64;
                if d < dlo || d > dhi {
                    continue;
                }
                let x = x_of(d);
                svg.line(x, axis_y, x, axis_y + 5.0, MUTED, 1.0);
                if (m - 1) % every == 0 {
                    svg.text(
                        x,
                        axis_y + 18.0,
                        &l.month_short(m),
                        10.0,
                        Anchor::Middle,
                        INK,
                        "",
                    );
                    if first_label || m == 1 {
                        svg.text(
                            x,
                            axis_y + 31.0,
                            &y.to_string(),
                            10.0,
                            Anchor::Middle,
                            MUTED,
                            "",
                        );
                        first_label = false;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_days() {
        let d = |s: &str| s.parse::<DateValue>().expect("date");
        assert_eq!(last_day(&d("2024-02")) - d("2024-02").epoch_days(), 28);
        assert_eq!(last_day(&d("2025")) - d("2025").epoch_days(), 364);
        assert_eq!(last_day(&d("2025-12")) - d("2025-12").epoch_days(), 30);
        assert_eq!(last_day(&d("9999")), d("9999").epoch_days());
    }
}
