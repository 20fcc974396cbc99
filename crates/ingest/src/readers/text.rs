//! Plain text and Markdown, with optional YAML front matter.
//!
//! **Front matter** is a block between a first line `---` and a closing `---` (or `...`)
//! line, holding YAML `key: value` pairs. Keys used: `title`, `outlet` (or `source`),
//! `lang` (or `language`), `published` (or `date`), `url` (or `link`); other keys are
//! ignored. In Markdown a first line `---` always opens front matter; in plain text only when
//! the next line looks like `key:`. Malformed YAML is an [`IngestError::FrontMatter`] with the
//! line in the file; an unusable `published` or `lang` value is an [`IngestError::Field`].
//!
//! **Markdown** is reduced to text with simple line rules, not a full CommonMark parser:
//! heading hashes and setext underlines, emphasis markers (`*`, `**`, `_`, `__`, `~~`),
//! bullet markers, blockquote markers, horizontal rules and reference definitions are
//! removed; `[text](url)` and `[text][ref]` become `text`; images are removed; `<url>`
//! autolinks become the URL; backslash escapes are resolved; inside code spans and fenced
//! code blocks the text is kept as written (fence lines dropped). Headings stay in the text
//! as their own lines. The title is the front matter's, else the first level-1 heading.
//!
//! **Plain text** is kept as written (line endings normalised, trailing spaces and runs of
//! blank lines tidied). Its title is the first line when that line is short (at most 100
//! characters), followed by a blank line and more text, and does not end like a sentence
//! (`.`, `。`, `!`, `?`, `:`, `,`...); the line stays in the text.

use std::sync::OnceLock;

use entente_core::{DateValue, Lang};
use regex::Regex;

use super::{Format, RawDoc, tidy_paragraphs};
use crate::IngestError;
use crate::decode::Decoded;

/// Metadata found in front matter.
#[derive(Debug, Default)]
struct FrontMatter {
    title: Option<String>,
    outlet: Option<String>,
    lang: Option<Lang>,
    published: Option<DateValue>,
    url: Option<String>,
}

pub(crate) fn read_text(
    origin: &str,
    decoded: Decoded,
    markdown: bool,
) -> Result<RawDoc, IngestError> {
    let text = normalise_newlines(&decoded.text);
    let (front, body) = split_front_matter(origin, &text, markdown)?;
    let (body, heading_title) = if markdown {
        strip_markdown(body)
    } else {
        (tidy_paragraphs(body), None)
    };
    if body.trim().is_empty() {
        return Err(IngestError::NoText {
            origin: origin.into(),
        });
    }
    let title = front
        .title
        .or(heading_title)
        .or_else(|| if markdown { None } else { plain_title(&body) });
    let format = if markdown {
        Format::Markdown
    } else {
        Format::Text
    };
    let mut doc = RawDoc::new(origin.into(), format, decoded.encoding, body);
    doc.title = title;
    doc.outlet = front.outlet;
    doc.lang = front.lang;
    doc.published = front.published;
    doc.url = front.url;
    Ok(doc)
}

fn normalise_newlines(s: &str) -> String {
    if !s.contains('\r') {
        return s.to_owned();
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Splits off front matter. Returns the metadata and the rest of the text.
fn split_front_matter<'a>(
    origin: &str,
    text: &'a str,
    markdown: bool,
) -> Result<(FrontMatter, &'a str), IngestError> {
    let mut lines = text.split_inclusive('\n');
    let Some(first) = lines.next() else {
        return Ok((FrontMatter::default(), text));
    };
    if !is_fence(first) {
        return Ok((FrontMatter::default(), text));
    }
    if !markdown {
        static KEY: OnceLock<Regex> = OnceLock::new();
        let key = KEY.get_or_init(|| Regex::new(r"^[A-Za-z_][\w-]*\s*:").expect("constant regex"));
        if !lines.clone().next().is_some_and(|l| key.is_match(l)) {
            return Ok((FrontMatter::default(), text));
        }
    }
    let mut offset = first.len();
    let yaml_start = offset;
    let mut yaml_end = None;
    for line in lines {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            yaml_end = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((yaml_end, body_start)) = yaml_end else {
        return Err(IngestError::FrontMatter {
            origin: origin.into(),
            line: 1,
            message: "the `---` on line 1 opens front matter but no closing `---` line follows"
                .into(),
        });
    };
    let yaml = &text[yaml_start..yaml_end];
    let front = parse_front_matter(origin, yaml)?;
    Ok((front, &text[body_start..]))
}

/// Rewrites `at line N` positions of a YAML error (relative to the front matter) to lines
/// of the file.
fn shift_yaml_lines(message: &str, by: usize) -> String {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"at line (\d+)").expect("constant regex"));
    re.replace_all(message, |c: &regex::Captures<'_>| {
        let n: usize = c[1].parse().unwrap_or(0);
        format!("at line {}", n + by)
    })
    .into_owned()
}

fn parse_front_matter(origin: &str, yaml: &str) -> Result<FrontMatter, IngestError> {
    let value: serde_norway::Value = match serde_norway::from_str(yaml) {
        Ok(v) => v,
        Err(e) => {
            // YAML line 1 is line 2 of the file.
            let line = e.location().map_or(2, |l| l.line() + 1);
            return Err(IngestError::FrontMatter {
                origin: origin.into(),
                line,
                message: shift_yaml_lines(&e.to_string(), 1),
            });
        }
    };
    let map = match value {
        serde_norway::Value::Null => return Ok(FrontMatter::default()),
        serde_norway::Value::Mapping(m) => m,
        _ => {
            return Err(IngestError::FrontMatter {
                origin: origin.into(),
                line: 2,
                message: "expected `key: value` lines".into(),
            });
        }
    };
    let key_line = |key: &str| -> Option<usize> {
        yaml.lines()
            .position(|l| {
                l.strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with(':'))
            })
            .map(|i| i + 2)
    };
    let mut fm = FrontMatter::default();
    for (k, v) in &map {
        let Some(key) = k.as_str() else { continue };
        let target = match key.to_ascii_lowercase().as_str() {
            "title" => "title",
            "outlet" | "source" => "outlet",
            "lang" | "language" => "lang",
            "published" | "date" => "published",
            "url" | "link" => "url",
            _ => continue,
        };
        let field_err = |message: String| IngestError::Field {
            origin: origin.into(),
            line: key_line(key),
            field: key.to_string(),
            message,
        };
        let s = match v {
            serde_norway::Value::Null => continue,
            serde_norway::Value::String(s) => s.trim().to_string(),
            serde_norway::Value::Number(n) => n.to_string(),
            serde_norway::Value::Bool(b) => {
                return Err(field_err(format!("expected text, found `{b}`")));
            }
            serde_norway::Value::Sequence(_)
            | serde_norway::Value::Mapping(_)
            | serde_norway::Value::Tagged(_) => {
                return Err(field_err(
                    "expected a single value, found a list or a mapping".into(),
                ));
            }
        };
        if s.is_empty() {
            continue;
        }
        match target {
            "title" => fm.title = Some(s),
            "outlet" => fm.outlet = Some(s),
            "url" => fm.url = Some(s),
            "lang" => fm.lang = Some(s.parse::<Lang>().map_err(|e| field_err(e.to_string()))?),
            _ => {
                fm.published =
                    Some(DateValue::parse_loose(&s).map_err(|e| field_err(e.to_string()))?)
            }
        }
    }
    Ok(fm)
}

/// The first line as a title, when it looks like one (see the module docs).
fn plain_title(body: &str) -> Option<String> {
    let (first, rest) = body.split_once("\n\n")?;
    if first.contains('\n') || rest.trim().is_empty() {
        return None;
    }
    let first = first.trim();
    if first.is_empty() || first.chars().count() > 100 {
        return None;
    }
    let last = first.chars().last()?;
    if matches!(
        last,
        '.' | '。' | '!' | '?' | '！' | '？' | ':' | '：' | ',' | '、' | '，' | ';' | '；'
    ) {
        return None;
    }
    Some(first.to_string())
}

struct MdRegexes {
    atx: Regex,
    setext: Regex,
    hr: Regex,
    refdef: Regex,
    bullet: Regex,
    image: Regex,
    link: Regex,
    reflink: Regex,
    autolink: Regex,
    strong: Regex,
    em_star: Regex,
    em_under: Regex,
    strike: Regex,
    escape: Regex,
}

fn md() -> &'static MdRegexes {
    static RE: OnceLock<MdRegexes> = OnceLock::new();
    RE.get_or_init(|| {
        let r = |p: &str| Regex::new(p).expect("constant regex");
        MdRegexes {
            atx: r(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$"),
            setext: r(r"^ {0,3}(=+|-+)[ \t]*$"),
            hr: r(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$"),
            refdef: r(r"^ {0,3}\[[^\]]+\]:[ \t]*\S+"),
            bullet: r(r"^([ \t]*)[-*+][ \t]+(?:\[[ xX]\][ \t]+)?"),
            image: r(r"!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])"),
            link: r(r"\[([^\]]+)\]\([^)]*\)"),
            reflink: r(r"\[([^\]]+)\]\[[^\]]*\]"),
            autolink: r(r"<((?:https?|mailto):[^>\s]+)>"),
            strong: r(r"(\*\*|__)(\S(?:.*?\S)?)(?:\*\*|__)"),
            em_star: r(r"\*(\S(?:[^*]*?\S)?)\*"),
            em_under: r(r"(^|[^\w])_(\S(?:[^_]*?\S)?)_($|[^\w])"),
            strike: r(r"~~(\S(?:.*?\S)?)~~"),
            escape: r(r"\\([\\`*_{}\[\]()#+\-.!>~|])"),
        }
    })
}

/// Markdown to text; returns the text and the first level-1 heading.
fn strip_markdown(src: &str) -> (String, Option<String>) {
    let re = md();
    let mut out: Vec<String> = Vec::new();
    let mut title: Option<String> = None;
    let mut fence: Option<(char, usize)> = None;
    let lines: Vec<&str> = src.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        let trimmed = line.trim_start();
        // Fenced code: keep the content, drop the fence lines.
        if let Some((ch, n)) = fence {
            if trimmed.starts_with(&ch.to_string().repeat(n))
                && trimmed.trim_start_matches(ch).trim().is_empty()
            {
                fence = None;
            } else {
                out.push(line.trim_end().to_string());
            }
            continue;
        }
        let fence_len = |c: char| trimmed.chars().take_while(|&x| x == c).count();
        if fence_len('`') >= 3 || fence_len('~') >= 3 {
            let ch = if trimmed.starts_with('`') { '`' } else { '~' };
            fence = Some((ch, fence_len(ch)));
            continue;
        }
        if line.trim().is_empty() {
            out.push(String::new());
            continue;
        }
        // Setext heading: this line underlined by the next.
        if let Some(next) = lines.get(i)
            && next.trim_start().starts_with(['=', '-'])
            && let Some(c) = re.setext.captures(next)
            && !(first_is(line, "*-_") && re.hr.is_match(line))
            && !line.trim_start().starts_with('#')
        {
            let h = inline(line.trim());
            if c[1].starts_with('=') && title.is_none() && !h.is_empty() {
                title = Some(h.clone());
            }
            out.push(h);
            i += 1;
            continue;
        }
        if let Some(c) = first_is(line, "#").then(|| re.atx.captures(line)).flatten() {
            let h = inline(c.get(2).map_or("", |m| m.as_str()).trim());
            if c[1].len() == 1 && title.is_none() && !h.is_empty() {
                title = Some(h.clone());
            }
            if !h.is_empty() {
                out.push(h);
            }
            continue;
        }
        if (first_is(line, "*-_") && re.hr.is_match(line))
            || (first_is(line, "[") && re.refdef.is_match(line))
        {
            continue;
        }
        // Blockquote markers, then bullets.
        let mut l = line.trim_end();
        loop {
            let t = l.trim_start();
            match t.strip_prefix('>') {
                Some(rest) => l = rest.strip_prefix(' ').unwrap_or(rest),
                None => break,
            }
        }
        let l = if first_is(l, "-*+") {
            re.bullet.replace(l, "$1")
        } else {
            std::borrow::Cow::Borrowed(l)
        };
        out.push(inline(&l));
    }
    (tidy_paragraphs(&out.join("\n")), title)
}

/// Whether the first non-blank character of `line` is one of `chars` (a cheap test before a
/// regex).
fn first_is(line: &str, chars: &str) -> bool {
    line.trim_start()
        .chars()
        .next()
        .is_some_and(|c| chars.contains(c))
}

/// Inline markup outside code spans.
fn inline(s: &str) -> String {
    if !s.contains(['*', '_', '[', '!', '<', '~', '\\', '`']) {
        return s.to_string();
    }
    let re = md();
    let mut out = String::with_capacity(s.len());
    let parts: Vec<&str> = s.split('`').collect();
    let closed = parts.len() % 2 == 1;
    for (i, part) in parts.iter().enumerate() {
        let in_code = i % 2 == 1 && (closed || i + 1 < parts.len());
        if in_code {
            out.push_str(part);
            continue;
        }
        if i % 2 == 1 {
            // An unmatched backtick: keep it.
            out.push('`');
        }
        // Escaped characters are hidden from the other rules as private-use characters
        // (only when there is a backslash, so private-use text elsewhere is left alone).
        let escapes = part.contains('\\');
        let hidden = if !escapes {
            std::borrow::Cow::Borrowed(*part)
        } else {
            re.escape.replace_all(part, |c: &regex::Captures<'_>| {
                let ch = c[1].chars().next().unwrap_or('\\');
                char::from_u32(0xE000 + ch as u32).map_or_else(|| c[1].to_string(), String::from)
            })
        };
        let t = re.image.replace_all(&hidden, "");
        let t = re.link.replace_all(&t, "$1");
        let t = re.reflink.replace_all(&t, "$1");
        let t = re.autolink.replace_all(&t, "$1");
        let t = re.strong.replace_all(&t, "$2");
        let t = re.em_star.replace_all(&t, "$1");
        let t = re.em_under.replace_all(&t, "$1$2$3");
        let t = re.strike.replace_all(&t, "$1");
        if escapes {
            out.extend(t.chars().map(|c| match c as u32 {
                n @ 0xE000..=0xE07F => char::from_u32(n - 0xE000).unwrap_or(c),
                _ => c,
            }));
        } else {
            out.push_str(&t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decoded {
        Decoded {
            text: s.into(),
            encoding: "UTF-8".into(),
        }
    }

    #[test]
    fn markdown_inline() {
        assert_eq!(
            inline("**Bold** and *em* and _under_ and ~~gone~~"),
            "Bold and em and under and gone"
        );
        assert_eq!(
            inline("see [the report](https://x.org/a) now"),
            "see the report now"
        );
        assert_eq!(inline("an ![image](a.png) here"), "an  here");
        assert_eq!(inline("code `a*b*c` stays"), "code a*b*c stays");
        assert_eq!(inline("snake_case_name stays"), "snake_case_name stays");
        assert_eq!(inline(r"a \*literal\* star"), "a *literal* star");
        assert_eq!(inline("<https://example.org>"), "https://example.org");
        assert_eq!(inline("[ref link][1]"), "ref link");
    }

    #[test]
    fn markdown_blocks() {
        let src = "Intro\n=====\n\n## Part *one*\n\n> quoted line\n\n- item one\n- item two\n\n***\n\n```\nlet x = *y*;\n```\n\n[1]: https://x.org\n";
        let (t, title) = strip_markdown(src);
        assert_eq!(title.as_deref(), Some("Intro"));
        assert_eq!(
            t,
            "Intro\n\nPart one\n\nquoted line\n\nitem one\nitem two\n\nlet x = *y*;"
        );
    }

    #[test]
    fn plain_title_rules() {
        assert_eq!(
            plain_title("Talks in Hanoi\n\nThe talks ended."),
            Some("Talks in Hanoi".into())
        );
        assert_eq!(plain_title("The talks ended.\n\nMore."), None);
        assert_eq!(plain_title("Only a title\n\n"), None);
        assert_eq!(plain_title("one\ntwo\n\nthree"), None);
    }

    #[test]
    fn front_matter_in_text_requires_keys() {
        let d = read_text("a.txt", dec("---\nnot yaml here\n---\nbody"), false).unwrap();
        assert!(d.text.starts_with("---"));
        let d = read_text("a.txt", dec("---\ntitle: T\n---\nbody text"), false).unwrap();
        assert_eq!(d.title.as_deref(), Some("T"));
        assert_eq!(d.text, "body text");
    }

    #[test]
    fn front_matter_errors() {
        let e = read_text("n.md", dec("---\ntitle: a\n  x: : y\n---\nbody"), true).unwrap_err();
        assert_eq!(e.line(), Some(3), "{e}");
        assert!(
            e.to_string()
                .starts_with("n.md line 3: malformed front matter: "),
            "{e}"
        );
        let e = read_text("n.md", dec("---\ntitle: a\nbody"), true).unwrap_err();
        assert!(matches!(e, IngestError::FrontMatter { line: 1, .. }), "{e}");
        let e = read_text(
            "n.md",
            dec("---\ntitle: a\npublished: 2025-02-30\n---\nbody"),
            true,
        )
        .unwrap_err();
        assert!(
            matches!(e, IngestError::Field { line: Some(3), ref field, .. } if field == "published"),
            "{e}"
        );
        let e = read_text("n.md", dec("---\nlang: english!!\n---\nbody"), true).unwrap_err();
        assert!(
            matches!(e, IngestError::Field { line: Some(2), ref field, .. } if field == "lang"),
            "{e}"
        );
        let e = read_text("n.md", dec("---\ntitle: [a, b]\n---\nbody"), true).unwrap_err();
        assert!(matches!(e, IngestError::Field { .. }), "{e}");
    }

    #[test]
    fn empty_front_matter_and_crlf() {
        let d = read_text("n.md", dec("---\r\n---\r\n# Head\r\n\r\nBody.\r\n"), true).unwrap();
        assert_eq!(d.title.as_deref(), Some("Head"));
        assert_eq!(d.text, "Head\n\nBody.");
    }

    #[test]
    fn no_text() {
        let e = read_text("n.md", dec("---\ntitle: x\n---\n\n"), true).unwrap_err();
        assert!(matches!(e, IngestError::NoText { .. }));
    }
}
