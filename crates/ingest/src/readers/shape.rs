//! A linear pre-scan of HTML that bounds the work of the HTML parser on hostile input.
//!
//! html5ever's tree builder searches the stack of open elements for many tags, so a page of
//! deeply nested elements costs time in the square of its depth (a 10 MB page of nested
//! `<div>`s ran for more than ten minutes). Browsers cap the depth of the tree they build
//! (Chromium at 512); entente refuses a page nested deeper than [`MAX_DEPTH`] or holding more
//! than [`MAX_ELEMENTS`] elements, before parsing, in one pass over the bytes.
//!
//! The scan follows the parser closely enough not to be fooled: end tags close only an element
//! that is open (a stray `</b>` closes nothing), `<div/>` opens a `<div>` as in a browser
//! (a self-closing slash counts only inside `<svg>` and `<math>`), the content of `<script>`,
//! `<style>`, `<textarea>` and `<title>` and of comments is skipped, and elements whose end tag
//! is optional (`<p>`, `<li>`, `<td>`…) or that have none (`<br>`, `<img>`…) are not counted.

/// The deepest nesting accepted (Chromium's parser caps its tree at 512 too).
pub const MAX_DEPTH: usize = 512;
/// The most elements accepted in one document.
pub const MAX_ELEMENTS: usize = 1_000_000;

/// Why a page was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Excess {
    /// Nesting passed [`MAX_DEPTH`] at this byte offset.
    Depth { at: usize },
    /// More than [`MAX_ELEMENTS`] elements; the last counted starts at this byte offset.
    Elements { at: usize },
}

impl std::fmt::Display for Excess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Excess::Depth { at } => write!(
                f,
                "HTML elements nested deeper than {MAX_DEPTH} levels (at byte {at}); a page this deep is malformed or hostile and is not parsed"
            ),
            Excess::Elements { at } => write!(
                f,
                "more than {MAX_ELEMENTS} HTML elements (at byte {at}); the page is not parsed"
            ),
        }
    }
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen", "basefont", "bgsound", "frame",
];
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot",
    "colgroup", "caption", "rb", "rt", "rtc", "rp", "html", "head", "body",
];
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

/// Checks the nesting depth and element count of `html` in time linear in its length.
pub fn check(html: &str) -> Result<(), Excess> {
    let b = html.as_bytes();
    let n = b.len();
    let mut i = 0;
    let mut open: Vec<String> = Vec::new();
    let mut foreign = 0usize;
    let mut elements = 0usize;
    let mut name = String::new();
    while let Some(p) = b[i..].iter().position(|&c| c == b'<') {
        let start = i + p;
        i = start + 1;
        if b[i..].starts_with(b"!--") {
            i = find(b, i + 3, b"-->").map_or(n, |e| e + 3);
            continue;
        }
        if i < n && (b[i] == b'!' || b[i] == b'?') {
            i = b[i..]
                .iter()
                .position(|&c| c == b'>')
                .map_or(n, |e| i + e + 1);
            continue;
        }
        let closing = i < n && b[i] == b'/';
        if closing {
            i += 1;
        }
        name.clear();
        while i < n && (b[i].is_ascii_alphanumeric() || b[i] == b'-' || b[i] == b':') {
            name.push(b[i].to_ascii_lowercase() as char);
            i += 1;
        }
        if name.is_empty() || !b[start + 1 + usize::from(closing)].is_ascii_alphabetic() {
            continue;
        }
        // The rest of the tag, minding quoted attribute values.
        let mut quote = 0u8;
        let mut self_closing = false;
        while i < n {
            let c = b[i];
            if quote != 0 {
                if c == quote {
                    quote = 0;
                }
            } else if c == b'"' || c == b'\'' {
                quote = c;
            } else if c == b'>' {
                self_closing = i > 0 && b[i - 1] == b'/';
                break;
            }
            i += 1;
        }
        i = (i + 1).min(n);
        if closing {
            if let Some(k) = open.iter().rposition(|o| *o == name) {
                for o in open.drain(k..) {
                    if o == "svg" || o == "math" {
                        foreign = foreign.saturating_sub(1);
                    }
                }
            }
            continue;
        }
        elements += 1;
        if elements > MAX_ELEMENTS {
            return Err(Excess::Elements { at: start });
        }
        let nm = name.as_str();
        if RAW_TEXT.contains(&nm) {
            if !self_closing {
                i = find_end_tag(b, i, nm).unwrap_or(n);
            }
            continue;
        }
        if VOID.contains(&nm) || OPTIONAL_END.contains(&nm) || (self_closing && foreign > 0) {
            continue;
        }
        if nm == "svg" || nm == "math" {
            foreign += 1;
        }
        open.push(name.clone());
        if open.len() > MAX_DEPTH {
            return Err(Excess::Depth { at: start });
        }
    }
    Ok(())
}

fn find(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    if from >= b.len() {
        return None;
    }
    b[from..]
        .windows(pat.len())
        .position(|w| w == pat)
        .map(|p| from + p)
}

/// The offset of the `<` of `</name` (any case) at or after `from`.
fn find_end_tag(b: &[u8], from: usize, name: &str) -> Option<usize> {
    let mut i = from;
    while let Some(p) = find(b, i, b"</") {
        let s = p + 2;
        if b.len() >= s + name.len() && b[s..s + name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return Some(p);
        }
        i = p + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_pass() {
        let mut page = String::from(
            "<!DOCTYPE html><html><head><title>x</title><script>if (a < b) { document.write('<div>'.repeat(9999)) }</script></head><body>",
        );
        for _ in 0..5000 {
            page.push_str("<p>para<br><li>item<td>cell");
        }
        page.push_str("<svg>");
        for _ in 0..5000 {
            page.push_str("<path d='M0 0'/>");
        }
        page.push_str("</svg><!-- <div><div><div> -->");
        for _ in 0..600 {
            page.push_str("<span>a</span><b>b</b>");
        }
        page.push_str("</body></html>");
        assert_eq!(check(&page), Ok(()));
    }

    #[test]
    fn deep_nesting_is_refused_with_its_place() {
        let deep = "<div>".repeat(MAX_DEPTH + 1);
        assert_eq!(check(&deep), Err(Excess::Depth { at: 5 * MAX_DEPTH }));
        // A self-closing slash does not close a <div>, nor a stray end tag an unopened one.
        assert!(check(&"<div/>".repeat(MAX_DEPTH + 1)).is_err());
        assert!(check(&"<div></b>".repeat(MAX_DEPTH + 1)).is_err());
        // Closed properly, any number is fine.
        assert_eq!(check(&"<div>x</div>".repeat(100_000)), Ok(()));
        // Attributes holding '>' do not end the tag early.
        assert_eq!(check(&"<a title='>'>x</a>".repeat(1000)), Ok(()));
    }

    #[test]
    fn never_panics() {
        use proptest::prelude::*;
        proptest!(|(s in "(<|>|/|!|-|'|\"|div|svg|script|p| |x){0,200}")| {
            let _ = check(&s);
        });
    }
}
