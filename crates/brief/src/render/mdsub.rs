//! A small, safe Markdown subset to HTML, for the text of `markdown` sections: paragraphs,
//! `#` headings, `-`/`*` and `1.` lists, `>` quotes, `**bold**`, `*italic*`, `` `code` ``,
//! `[links](https://…)` and hard line breaks (two trailing spaces). Everything else is text,
//! escaped; raw HTML is never passed through.

use crate::svg::escape_xml;

/// Converts the subset to HTML; headings start at `<h3>` (sections use `<h2>`).
pub(crate) fn to_html(md: &str) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = md.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim_start();
        if t.is_empty() {
            i += 1;
            continue;
        }
        if let Some((level, text)) = heading(t) {
            let h = (level + 2).min(6);
            out.push_str(&format!("<h{h}>{}</h{h}>\n", inline(text.trim())));
            i += 1;
        } else if bullet(t).is_some() || ordered(t).is_some() {
            let is_ol = ordered(t).is_some();
            out.push_str(if is_ol { "<ol>\n" } else { "<ul>\n" });
            while i < lines.len() {
                let t = lines[i].trim_start();
                let item = if is_ol { ordered(t) } else { bullet(t) };
                match item {
                    Some(text) => out.push_str(&format!("<li>{}</li>\n", inline(text.trim()))),
                    None => break,
                }
                i += 1;
            }
            out.push_str(if is_ol { "</ol>\n" } else { "</ul>\n" });
        } else if t.starts_with('>') {
            let mut parts = Vec::new();
            while i < lines.len() {
                let Some(rest) = lines[i].trim_start().strip_prefix('>') else {
                    break;
                };
                parts.push(rest.trim());
                i += 1;
            }
            out.push_str(&format!(
                "<blockquote><p>{}</p></blockquote>\n",
                paragraph(&parts)
            ));
        } else {
            let mut parts: Vec<&str> = Vec::new();
            while i < lines.len() {
                let t = lines[i].trim_start();
                if t.is_empty()
                    || heading(t).is_some()
                    || bullet(t).is_some()
                    || ordered(t).is_some()
                    || t.starts_with('>')
                {
                    break;
                }
                parts.push(lines[i]);
                i += 1;
            }
            out.push_str(&format!("<p>{}</p>\n", paragraph(&parts)));
        }
    }
    out
}

/// Joins lines; two trailing spaces make a `<br>`.
fn paragraph(lines: &[&str]) -> String {
    let mut out = String::new();
    for (k, l) in lines.iter().enumerate() {
        out.push_str(&inline(l.trim()));
        if k + 1 < lines.len() {
            out.push_str(if l.ends_with("  ") { "<br>\n" } else { "\n" });
        }
    }
    out
}

fn heading(t: &str) -> Option<(usize, &str)> {
    let level = t.chars().take_while(|c| *c == '#').count();
    if (1..=4).contains(&level) {
        t[level..].strip_prefix(' ').map(|rest| (level, rest))
    } else {
        None
    }
}

fn bullet(t: &str) -> Option<&str> {
    t.strip_prefix("- ").or_else(|| t.strip_prefix("* "))
}

fn ordered(t: &str) -> Option<&str> {
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    t[digits..].strip_prefix(". ")
}

/// Whether a link target is safe to put in `href`.
pub(crate) fn safe_url(url: &str) -> bool {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
    {
        return true;
    }
    // Relative links and fragments: no scheme at all.
    !u.is_empty() && !u.contains(':') && !u.starts_with("//")
}

/// Inline markup: code, bold, italic, links, backslash escapes; the rest escaped.
pub(crate) fn inline(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '\\'
            && let Some(n) = rest[1..].chars().next()
            && n.is_ascii_punctuation()
        {
            out.push_str(&escape_xml(&n.to_string()));
            rest = &rest[1 + n.len_utf8()..];
            continue;
        }
        if c == '`'
            && let Some(end) = rest[1..].find('`')
        {
            out.push_str(&format!("<code>{}</code>", escape_xml(&rest[1..1 + end])));
            rest = &rest[end + 2..];
            continue;
        }
        if rest.starts_with("**")
            && let Some(end) = rest[2..].find("**")
            && end > 0
        {
            out.push_str(&format!("<strong>{}</strong>", inline(&rest[2..2 + end])));
            rest = &rest[end + 4..];
            continue;
        }
        if c == '*'
            && let Some(end) = rest[1..].find('*')
            && end > 0
            && !rest[1..].starts_with(' ')
        {
            out.push_str(&format!("<em>{}</em>", inline(&rest[1..1 + end])));
            rest = &rest[end + 2..];
            continue;
        }
        if c == '['
            && let Some(mid) = rest.find("](")
            && let Some(close) = rest[mid + 2..].find(')')
        {
            let text = &rest[1..mid];
            let url = &rest[mid + 2..mid + 2 + close];
            if safe_url(url) && !text.is_empty() {
                out.push_str(&format!(
                    "<a href=\"{}\">{}</a>",
                    escape_xml(url.trim()),
                    inline(text)
                ));
            } else {
                out.push_str(&escape_xml(&rest[..mid + 3 + close]));
            }
            rest = &rest[mid + 3 + close..];
            continue;
        }
        out.push_str(&escape_xml(&c.to_string()));
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset() {
        let html = to_html(
            "# Head\n\nSome **bold** and *it* and `x<y`.\nNext line.\n\n- one\n- [two](https://e.org/?a=1&b=2)\n\n1. first\n2. second\n\n> quoted",
        );
        assert!(html.contains("<h3>Head</h3>"));
        assert!(html.contains("<strong>bold</strong>"));
        assert!(html.contains("<em>it</em>"));
        assert!(html.contains("<code>x&lt;y</code>"));
        assert!(html.contains("<ul>\n<li>one</li>"));
        assert!(html.contains("<a href=\"https://e.org/?a=1&amp;b=2\">two</a>"));
        assert!(html.contains("<ol>\n<li>first</li>"));
        assert!(html.contains("<blockquote><p>quoted</p></blockquote>"));
    }

    #[test]
    fn raw_html_and_bad_links_are_escaped() {
        let html = to_html("<script>alert(1)</script> [x](javascript:alert(1)) 2 * 3 * 4");
        assert!(!html.contains("<script>"));
        assert!(!html.contains("href=\"javascript"));
        assert!(html.contains("&lt;script&gt;"));
    }

    #[test]
    fn unbalanced_markers_do_not_panic() {
        for s in [
            "**",
            "*",
            "`",
            "[",
            "[a](",
            "\\",
            "日本**語",
            "* ",
            "1.",
            "#",
        ] {
            let _ = to_html(s);
            let _ = inline(s);
        }
    }
}
