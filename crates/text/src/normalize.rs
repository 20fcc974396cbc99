//! The canonical text form: what source ids are hashed from and what citations point into.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Normalises decoded text: NFKC (full-width digits and Latin to half-width, compatibility
/// forms), line endings to `\n`, runs of horizontal white space to one space, trimmed lines,
/// at most one blank line between paragraphs, control and zero-width characters removed.
/// Idempotent: `normalize(normalize(x)) == normalize(x)`.
///
/// Details: `\r\n` and `\r` become `\n`, as do NEL (U+0085), line separator (U+2028),
/// vertical tab and form feed (page breaks from PDF extraction); the paragraph separator
/// (U+2029) becomes a blank line. Tab counts as a space. Zero-width characters (U+200B–U+200D,
/// U+2060, U+FEFF), the soft hyphen, bidirectional marks and embeddings, and every other
/// control character are removed. Removal happens before NFKC, so no character that
/// removal brings together is left uncomposed.
pub fn normalize(raw: &str) -> String {
    let mut out = Writer::with_capacity(raw.len());
    let clean = Clean::new(raw.chars());
    if raw.is_ascii() || is_nfkc_quick(clean.clone()) == IsNormalized::Yes {
        for c in clean {
            out.push(c);
        }
    } else {
        for c in clean.nfkc() {
            out.push(c);
        }
    }
    out.finish()
}

/// Characters dropped outright (before NFKC).
#[inline]
fn is_removed(c: char) -> bool {
    match c {
        '\t' | '\n' => false,
        c if (c as u32) < 0x80 => c.is_ascii_control(),
        '\u{80}'..='\u{9F}' => true, // C1 controls (NEL is handled before this)
        '\u{AD}'                       // soft hyphen
        | '\u{180E}'                   // Mongolian vowel separator
        | '\u{200B}'..='\u{200F}'      // zero-width space, ZWNJ, ZWJ, LRM, RLM
        | '\u{202A}'..='\u{202E}'      // bidi embeddings and overrides
        | '\u{2060}'..='\u{2064}'      // word joiner, invisible operators
        | '\u{2066}'..='\u{2069}'      // bidi isolates
        | '\u{FEFF}' => true,          // zero-width no-break space / BOM
        _ => false,
    }
}

/// The first pass: line endings to `\n`, removal of invisible characters.
#[derive(Clone)]
struct Clean<I> {
    inner: I,
    after_cr: bool,
    pending_newline: bool,
}

impl<I> Clean<I> {
    fn new(inner: I) -> Self {
        Clean {
            inner,
            after_cr: false,
            pending_newline: false,
        }
    }
}

impl<I: Iterator<Item = char>> Iterator for Clean<I> {
    type Item = char;

    #[inline]
    fn next(&mut self) -> Option<char> {
        if self.pending_newline {
            self.pending_newline = false;
            return Some('\n');
        }
        loop {
            let c = self.inner.next()?;
            let after_cr = std::mem::replace(&mut self.after_cr, false);
            match c {
                '\r' => {
                    self.after_cr = true;
                    return Some('\n');
                }
                '\n' if after_cr => continue,
                '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' => return Some('\n'),
                '\u{2029}' => {
                    self.pending_newline = true;
                    return Some('\n');
                }
                c if is_removed(c) => continue,
                c => return Some(c),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, self.inner.size_hint().1.map(|n| n.saturating_mul(2)))
    }
}

/// The last pass: white space and blank lines.
struct Writer {
    out: String,
    /// Newlines seen since the last character written (capped at 2).
    newlines: u8,
    /// Horizontal white space seen since the last character written on this line.
    space: bool,
}

impl Writer {
    fn with_capacity(n: usize) -> Self {
        Writer {
            out: String::with_capacity(n),
            newlines: 0,
            space: false,
        }
    }

    #[inline]
    fn push(&mut self, c: char) {
        if c == '\n' {
            if !self.out.is_empty() && self.newlines < 2 {
                self.newlines += 1;
            }
            self.space = false;
        } else if c == ' ' || c == '\t' || (c as u32 >= 0x80 && c.is_whitespace()) {
            if self.newlines == 0 && !self.out.is_empty() {
                self.space = true;
            }
        } else if c.is_control() {
            // NFKC does not produce controls; kept as a safety net.
        } else {
            if self.newlines > 0 {
                for _ in 0..self.newlines {
                    self.out.push('\n');
                }
                self.newlines = 0;
            } else if self.space {
                self.out.push(' ');
            }
            self.space = false;
            self.out.push(c);
        }
    }

    fn finish(self) -> String {
        self.out
    }
}

/// `s` cut to at most `n` characters, the last one an ellipsis when anything was cut (for
/// table cells and chart labels; counts characters, never splits one).
pub fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn width_and_compatibility_forms() {
        assert_eq!(normalize("ＡＢＣ１２３"), "ABC123");
        assert_eq!(normalize("東京\u{3000}２０２５年"), "東京 2025年");
        assert_eq!(normalize("ｶﾀｶﾅ"), "カタカナ");
        assert_eq!(normalize("㈱"), "(株)");
        assert_eq!(normalize("e\u{301}"), "é");
        // A compatibility ideograph becomes its unified equivalent.
        assert_eq!(normalize("\u{F9A8}"), "\u{4EE4}");
    }

    #[test]
    fn line_endings_and_blank_lines() {
        assert_eq!(normalize("a\r\nb\rc\n"), "a\nb\nc");
        assert_eq!(normalize("a\r\n\r\n\r\n\r\nb"), "a\n\nb");
        assert_eq!(normalize("a\n\n\n\n\nb\n\nc\nd"), "a\n\nb\n\nc\nd");
        assert_eq!(normalize("a\n  \n\t\n b"), "a\n\nb");
        assert_eq!(normalize("a\u{2029}b\u{2028}c"), "a\n\nb\nc");
        assert_eq!(normalize("page one\u{0C}page two"), "page one\npage two");
    }

    #[test]
    fn white_space_and_trimming() {
        assert_eq!(normalize("  a \t  b  \n   c   "), "a b\nc");
        assert_eq!(normalize("\n\n  hello  \n\n"), "hello");
        assert_eq!(normalize("a\u{00A0}\u{2003}b"), "a b");
        assert_eq!(normalize("\t\t"), "");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn invisible_characters_removed() {
        assert_eq!(normalize("\u{FEFF}Kim\u{200B}Jong\u{00AD}Un"), "KimJongUn");
        assert_eq!(normalize("a\u{0}b\u{7}c\u{1B}d\u{7F}e\u{9B}f"), "abcdef");
        assert_eq!(normalize("金\u{200D}正\u{2060}恩"), "金正恩");
        // Removal happens before composition: the accent joins the e.
        assert_eq!(normalize("e\u{200B}\u{301}"), "é");
    }

    #[test]
    fn idempotent_examples() {
        for s in [
            "e\u{200B}\u{301}",
            " \u{301}x",
            "a\n \u{301}",
            "\u{1100} \u{1161}",
            "ＡＢ\r\n\r\n\r\nｃ",
        ] {
            let once = normalize(s);
            assert_eq!(normalize(&once), once, "{s:?}");
        }
    }

    fn any_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            " ", "  ", "\t", "\n", "\r", "\r\n", "\u{3000}", "\u{A0}", "\u{200B}", "\u{FEFF}",
            "\u{AD}", "\u{301}", "\u{308}", "e", "A", "Ａ", "１", "ｶ", "ﾞ", "が", "漢", "\u{F900}",
            "\u{1100}", "\u{1161}", "\u{11A8}", "한", "ё", "\u{0}", "\u{85}", "\u{2028}",
            "\u{2029}", "\u{0C}", "㈱", "ﬁ", "½", "\u{2003}",
        ]);
        prop_oneof![
            ".*",
            prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn normalize_is_idempotent(s in any_text()) {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once.clone());
            prop_assert!(!once.starts_with(char::is_whitespace));
            prop_assert!(!once.ends_with(char::is_whitespace));
            prop_assert!(!once.contains("\n\n\n"));
            prop_assert!(!once.contains("  "));
            prop_assert!(!once.contains(" \n") && !once.contains("\n "));
            prop_assert!(!once.contains('\r') && !once.contains('\t'));
        }

        #[test]
        fn clip_keeps_a_prefix_within_the_limit(s in any_text(), n in 1usize..30) {
            let c = clip(&s, n);
            prop_assert!(c.chars().count() <= n);
            if s.chars().count() <= n {
                prop_assert_eq!(&c, &s);
            } else {
                prop_assert!(c.ends_with('…'));
                prop_assert!(s.starts_with(c.trim_end_matches('…')) || s.starts_with(&c[..c.len() - '…'.len_utf8()]));
            }
        }
    }
}
