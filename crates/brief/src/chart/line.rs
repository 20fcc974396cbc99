//! Line charts over consecutive months or labelled positions.

use crate::chart::axis::{nice_scale, tick_labels};
use crate::chart::{Area, Chart, Series, SvgOptions, XAxis, clean, header, no_data, series_legend};
use crate::labels::labels;
use crate::svg::{Anchor, GRID, INK, MUTED, Svg, colour, fit, num, text_width};

pub(super) fn render(chart: &Chart, x: &XAxis, series: &[Series], opts: &SvgOptions) -> String {
    let n = x.len();
    let vals: Vec<Vec<Option<f64>>> = series
        .iter()
        .map(|s| {
            (0..n)
                .map(|i| clean(s.values.get(i).copied().flatten()))
                .collect()
        })
        .collect();
    if n == 0 || !vals.iter().flatten().any(Option::is_some) {
        return no_data(chart, opts);
    }
    let (lo, hi) = vals
        .iter()
        .flatten()
        .flatten()
        .fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    let scale = nice_scale(lo, hi, 5);
    let tick_text = tick_labels(&scale, chart.unit, opts.lang);

    let mut svg = Svg::new(
        opts.width,
        opts.height,
        &chart.title,
        &chart.description(series),
    );
    let top = header(&mut svg, &chart.title, &series_legend(series, true), opts);
    let label_w = tick_text
        .iter()
        .map(|t| text_width(t, 11.0))
        .fold(0.0, f64::max);
    let left = 16.0 + label_w + 8.0;
    let two_rows = matches!(x, XAxis::Months(m) if m.len() <= 12);
    let bottom_room = if two_rows { 44.0 } else { 30.0 };
    let area = Area {
        x: left,
        y: top + 6.0,
        w: (opts.width - 20.0 - left).max(10.0),
        h: (opts.height - bottom_room - top - 6.0).max(10.0),
    };
    for (t, label) in scale.ticks.iter().zip(&tick_text) {
        let y = scale.y(*t, area.y, area.h);
        svg.line(area.x, y, area.x + area.w, y, GRID, 1.0);
        svg.text(area.x - 6.0, y + 4.0, label, 11.0, Anchor::End, MUTED, "");
    }
    let pad = 8.0;
    let xpos = |i: usize| -> f64 {
        if n <= 1 {
            area.x + area.w / 2.0
        } else {
            area.x + pad + (area.w - 2.0 * pad) * i as f64 / (n - 1) as f64
        }
    };
    let base = area.y + area.h;
    svg.line(area.x, base, area.x + area.w, base, MUTED, 1.0);
    x_labels(&mut svg, x, &xpos, base, area.w, opts);

    let y0 = scale.y(0.0, area.y, area.h);
    if scale.min < 0.0 {
        svg.line(area.x, y0, area.x + area.w, y0, MUTED, 1.0);
    }
    for (s, v) in vals.iter().enumerate() {
        let c = colour(s);
        let dash = if s >= 8 {
            " stroke-dasharray=\"6 3\""
        } else {
            ""
        };
        let mut d = String::new();
        let mut pen_down = false;
        for (i, p) in v.iter().enumerate() {
            match p {
                Some(val) => {
                    let cmd = if pen_down { 'L' } else { 'M' };
                    d.push_str(&format!(
                        "{cmd}{} {} ",
                        num(xpos(i)),
                        num(scale.y(*val, area.y, area.h))
                    ));
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        svg.raw(&format!(
            "<path d=\"{}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"2\" stroke-linejoin=\"round\"{dash}/>\n",
            d.trim_end()
        ));
        for (i, p) in v.iter().enumerate() {
            let Some(val) = p else { continue };
            let isolated =
                (i == 0 || v[i - 1].is_none()) && v.get(i + 1).is_none_or(|q| q.is_none());
            if n <= 40 || isolated {
                svg.circle(xpos(i), scale.y(*val, area.y, area.h), 2.5, c);
            }
        }
    }
    svg.finish()
}

fn x_labels(
    svg: &mut Svg,
    x: &XAxis,
    xpos: &dyn Fn(usize) -> f64,
    base: f64,
    width: f64,
    opts: &SvgOptions,
) {
    let l = labels(opts.lang);
    match x {
        XAxis::Months(months) if months.len() <= 12 => {
            for (i, m) in months.iter().enumerate() {
                let px = xpos(i);
                svg.line(px, base, px, base + 4.0, MUTED, 1.0);
                svg.text(
                    px,
                    base + 16.0,
                    &l.month_short(m.month),
                    10.0,
                    Anchor::Middle,
                    INK,
                    "",
                );
                if i == 0 || m.month == 1 {
                    svg.text(
                        px,
                        base + 30.0,
                        &m.year.to_string(),
                        10.0,
                        Anchor::Middle,
                        MUTED,
                        "",
                    );
                }
            }
        }
        XAxis::Months(months) => {
            let years = months.iter().filter(|m| m.month == 1).count().max(1);
            let every = (years as f64 * 40.0 / width).ceil().max(1.0) as usize;
            let mut nth = 0usize;
            for (i, m) in months.iter().enumerate() {
                let px = xpos(i);
                if m.month == 1 {
                    svg.line(px, base, px, base + 6.0, MUTED, 1.0);
                    if nth.is_multiple_of(every) {
                        svg.text(
                            px,
                            base + 18.0,
                            &m.year.to_string(),
                            11.0,
                            Anchor::Middle,
                            INK,
                            "",
                        );
                    }
                    nth += 1;
                } else if months.len() <= 72 {
                    svg.line(px, base, px, base + 3.0, GRID, 1.0);
                }
            }
            // Name the first month when it is not a January and there is room before the next.
            let next_jan = months.iter().position(|m| m.month == 1);
            if let (Some(first), Some(j)) = (months.first(), next_jan)
                && first.month != 1
            {
                let label = l.month_year(first.year, first.month);
                if xpos(0) + text_width(&label, 10.0) + 6.0 <= xpos(j) - 16.0 {
                    svg.text(xpos(0), base + 18.0, &label, 10.0, Anchor::Start, MUTED, "");
                }
            }
        }
        XAxis::Labels(labels) => {
            let n = labels.len().max(1);
            let slot = width / n as f64;
            let widest = labels
                .iter()
                .map(|t| text_width(t, 11.0))
                .fold(0.0, f64::max);
            let every = ((widest + 8.0) / slot).ceil().clamp(1.0, n as f64) as usize;
            for (i, t) in labels.iter().enumerate() {
                if i % every == 0 {
                    let px = xpos(i);
                    svg.line(px, base, px, base + 4.0, MUTED, 1.0);
                    let t = fit(t, slot * every as f64 - 4.0, 11.0);
                    svg.text(px, base + 17.0, &t, 11.0, Anchor::Middle, INK, "");
                }
            }
        }
    }
}
