//! A small SVG writer shared by charts and link charts: escaping, fixed number formatting,
//! text-width estimates (no font files are read), the palette and the font stack.

use std::fmt::Write as _;

/// The font stack of every SVG and of the HTML: CJK first, so Japanese and Chinese never
/// fall back to tofu when Noto CJK is installed.
pub const FONT_STACK: &str = "'Noto Sans CJK JP', 'Noto Sans CJK SC', 'Noto Sans', sans-serif";

/// The Okabe–Ito colour-blind-safe palette, in the order series receive it.
pub const PALETTE: [&str; 8] = [
    "#0072B2", // blue
    "#E69F00", // orange
    "#009E73", // bluish green
    "#D55E00", // vermillion
    "#56B4E9", // sky blue
    "#CC79A7", // reddish purple
    "#F0E442", // yellow
    "#000000", // black
];

/// The colour of series `i`.
pub(crate) fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// Text colour and grid greys.
pub(crate) const INK: &str = "#222222";
pub(crate) const MUTED: &str = "#666666";
pub(crate) const GRID: &str = "#DDDDDD";

/// Escapes text for XML content and attribute values; characters XML 1.0 forbids become U+FFFD.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with at most one decimal, no `-0`, no NaN or infinity (those become 0).
pub(crate) fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".to_string();
    }
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        return "0".to_string();
    }
    let s = format!("{r:.1}");
    match s.strip_suffix(".0") {
        Some(t) => t.to_string(),
        None => s,
    }
}

/// Whether a character is drawn full width (CJK ideographs, kana, Hangul, full-width forms).
pub(crate) fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// Estimated width of `s` at `size` px in the font stack (no font files are read).
pub(crate) fn text_width(s: &str, size: f64) -> f64 {
    let em: f64 = s
        .chars()
        .map(|c| {
            if is_wide(c) {
                1.0
            } else if matches!(
                c,
                'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' '
            ) {
                0.3
            } else if c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, 'm' | 'w' | '$') {
                0.64
            } else {
                0.55
            }
        })
        .sum();
    em * size
}

/// `s` cut with "…" to fit `max` px at `size` px.
pub(crate) fn fit(s: &str, max: f64, size: f64) -> String {
    if text_width(s, size) <= max {
        return s.to_string();
    }
    let budget = max - text_width("…", size);
    let mut out = String::new();
    let mut w = 0.0;
    for c in s.chars() {
        let cw = text_width(c.encode_utf8(&mut [0; 4]), size);
        if w + cw > budget {
            break;
        }
        w += cw;
        out.push(c);
    }
    out.push('…');
    out
}

/// Horizontal text anchor.
#[derive(Clone, Copy)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// An SVG document being written.
pub(crate) struct Svg {
    buf: String,
}

impl Svg {
    /// Opens `<svg>` with a viewBox of `w`×`h`, full width, the font stack, `<title>` and `<desc>`.
    pub(crate) fn new(w: f64, h: f64, title: &str, desc: &str) -> Svg {
        let mut buf = String::with_capacity(8192);
        let _ = write!(
            buf,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"100%\" role=\"img\" font-family=\"{}\" font-size=\"11\">\n<title>{}</title>\n<desc>{}</desc>\n",
            num(w),
            num(h),
            FONT_STACK,
            escape_xml(title),
            escape_xml(desc)
        );
        let _ = writeln!(
            buf,
            "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#FFFFFF\"/>",
            num(w),
            num(h)
        );
        Svg { buf }
    }

    /// Writes raw markup (callers escape).
    pub(crate) fn raw(&mut self, s: &str) {
        self.buf.push_str(s);
    }

    pub(crate) fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str) {
        let _ = writeln!(
            self.buf,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0)),
            fill
        );
    }

    /// A rectangle with a tooltip (`<title>` child).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn rect_titled(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, tip: &str) {
        let _ = writeln!(
            self.buf,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>",
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0)),
            fill,
            escape_xml(tip)
        );
    }

    pub(crate) fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64) {
        let _ = writeln!(
            self.buf,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/>",
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            stroke,
            num(width)
        );
    }

    pub(crate) fn circle(&mut self, cx: f64, cy: f64, r: f64, fill: &str) {
        let _ = writeln!(
            self.buf,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\" stroke=\"#FFFFFF\" stroke-width=\"1\"/>",
            num(cx),
            num(cy),
            num(r),
            fill
        );
    }

    /// Text; `extra` is raw attribute text (e.g. `font-weight="bold"`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn text(
        &mut self,
        x: f64,
        y: f64,
        s: &str,
        size: f64,
        anchor: Anchor,
        fill: &str,
        extra: &str,
    ) {
        let _ = writeln!(
            self.buf,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{}\" fill=\"{}\"{}{}>{}</text>",
            num(x),
            num(y),
            num(size),
            anchor.as_str(),
            fill,
            if extra.is_empty() { "" } else { " " },
            extra,
            escape_xml(s)
        );
    }

    /// Closes the document.
    pub(crate) fn finish(mut self) -> String {
        self.buf.push_str("</svg>\n");
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_fixed() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.25), "1.3");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(f64::INFINITY), "0");
        assert_eq!(num(-12.36), "-12.4");
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_xml("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
        assert_eq!(escape_xml("x\u{1}y"), "x\u{FFFD}y");
    }

    #[test]
    fn widths_and_fitting() {
        assert!(text_width("中国", 10.0) > text_width("CN", 10.0));
        let f = fit("一二三四五六七八九十", 50.0, 10.0);
        assert!(f.ends_with('…'));
        assert!(text_width(&f, 10.0) <= 50.0);
        assert_eq!(fit("ok", 50.0, 10.0), "ok");
    }
}
