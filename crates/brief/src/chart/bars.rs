//! Grouped and stacked bar charts.

use crate::chart::axis::{format_value, nice_scale, tick_labels};
use crate::chart::{Area, BarData, Chart, SvgOptions, clean, header, no_data, series_legend};
use crate::svg::{Anchor, GRID, INK, MUTED, Svg, colour, fit, text_width};

/// Values per series, padded or cut to the number of categories.
fn values(data: &BarData) -> Vec<Vec<Option<f64>>> {
    let n = data.categories.len();
    data.series
        .iter()
        .map(|s| {
            (0..n)
                .map(|i| clean(s.values.get(i).copied().flatten()))
                .collect()
        })
        .collect()
}

pub(super) fn render(chart: &Chart, data: &BarData, stacked: bool, opts: &SvgOptions) -> String {
    let vals = values(data);
    let n_cat = data.categories.len();
    let any = vals.iter().flatten().any(Option::is_some);
    if n_cat == 0 || !any {
        return no_data(chart, opts);
    }
    let (lo, hi) = if stacked {
        (0..n_cat).fold((0.0f64, 0.0f64), |(lo, hi), c| {
            let pos: f64 = vals.iter().filter_map(|s| s[c]).filter(|v| *v > 0.0).sum();
            let neg: f64 = vals.iter().filter_map(|s| s[c]).filter(|v| *v < 0.0).sum();
            (lo.min(neg), hi.max(pos))
        })
    } else {
        vals.iter()
            .flatten()
            .flatten()
            .fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(*v), hi.max(*v)))
    };
    let scale = nice_scale(lo, hi, 5);
    let tick_text = tick_labels(&scale, chart.unit, opts.lang);

    let mut svg = Svg::new(
        opts.width,
        opts.height,
        &chart.title,
        &chart.description(&data.series),
    );
    let top = header(
        &mut svg,
        &chart.title,
        &series_legend(&data.series, false),
        opts,
    );
    let label_w = tick_text
        .iter()
        .map(|t| text_width(t, 11.0))
        .fold(0.0, f64::max);
    let left = 16.0 + label_w + 8.0;
    let area = Area {
        x: left,
        y: top + 6.0,
        w: (opts.width - 16.0 - left).max(10.0),
        h: (opts.height - 30.0 - top - 6.0).max(10.0),
    };

    // Grid and value axis.
    for (t, label) in scale.ticks.iter().zip(&tick_text) {
        let y = scale.y(*t, area.y, area.h);
        svg.line(area.x, y, area.x + area.w, y, GRID, 1.0);
        svg.text(area.x - 6.0, y + 4.0, label, 11.0, Anchor::End, MUTED, "");
    }

    // Category labels: every k-th when they would overlap.
    let band = area.w / n_cat as f64;
    let widest = data
        .categories
        .iter()
        .map(|c| text_width(c, 11.0))
        .fold(0.0, f64::max);
    let every = ((widest + 8.0) / band).ceil().clamp(1.0, n_cat as f64) as usize;
    for (i, c) in data.categories.iter().enumerate() {
        if i % every == 0 {
            let x = area.x + band * (i as f64 + 0.5);
            let text = fit(c, band * every as f64 - 4.0, 11.0);
            svg.text(
                x,
                area.y + area.h + 16.0,
                &text,
                11.0,
                Anchor::Middle,
                INK,
                "",
            );
        }
    }

    let y0 = scale.y(0.0, area.y, area.h);
    let n_series = vals.len().max(1);
    for c in 0..n_cat {
        let x0 = area.x + band * c as f64;
        let cat = &data.categories[c];
        if stacked {
            let bw = band * 0.6;
            let bx = x0 + (band - bw) / 2.0;
            let (mut up, mut down) = (0.0f64, 0.0f64);
            for (s, series) in vals.iter().enumerate() {
                let Some(v) = series[c] else { continue };
                let (from, to) = if v >= 0.0 {
                    let r = (up, up + v);
                    up += v;
                    r
                } else {
                    let r = (down, down + v);
                    down += v;
                    r
                };
                let ya = scale.y(from, area.y, area.h);
                let yb = scale.y(to, area.y, area.h);
                let tip = format!(
                    "{} {}: {}",
                    data.series[s].name,
                    cat,
                    format_value(v, chart.unit, opts.lang)
                );
                svg.rect_titled(bx, ya.min(yb), bw, (ya - yb).abs(), colour(s), &tip);
            }
            let total = up + down;
            let label = format_value(total, chart.unit, opts.lang);
            if text_width(&label, 9.0) <= band - 2.0 && (up != 0.0 || down != 0.0) {
                let y = scale.y(up, area.y, area.h) - 4.0;
                svg.text(bx + bw / 2.0, y, &label, 9.0, Anchor::Middle, INK, "");
            }
        } else {
            let group_w = band * 0.8;
            let bw = group_w / n_series as f64;
            for (s, series) in vals.iter().enumerate() {
                let Some(v) = series[c] else { continue };
                let bx = x0 + (band - group_w) / 2.0 + bw * s as f64;
                let yv = scale.y(v, area.y, area.h);
                let tip = format!(
                    "{} {}: {}",
                    data.series[s].name,
                    cat,
                    format_value(v, chart.unit, opts.lang)
                );
                svg.rect_titled(
                    bx + 0.5,
                    yv.min(y0),
                    (bw - 1.0).max(0.5),
                    (yv - y0).abs(),
                    colour(s),
                    &tip,
                );
                let label = format_value(v, chart.unit, opts.lang);
                if text_width(&label, 9.0) <= bw + 2.0 {
                    let ly = if v >= 0.0 { yv - 3.0 } else { yv + 11.0 };
                    svg.text(bx + bw / 2.0, ly, &label, 9.0, Anchor::Middle, INK, "");
                }
            }
        }
    }
    svg.line(area.x, y0, area.x + area.w, y0, MUTED, 1.0);
    svg.finish()
}
