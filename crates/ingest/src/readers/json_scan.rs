//! Spans of JSON values in a text already known to be valid JSON, so that a large array of
//! records is taken one element at a time instead of as one tree of values (a 46 MB array
//! of articles became several hundred MB of `serde_json::Value`s when parsed whole).
//!
//! Every function here assumes its input passed `serde_json`'s own syntax check first
//! ([`check`]); on other input they stop at the end of the text rather than panic, but the
//! spans they give are then meaningless.

/// Checks the whole text is one valid JSON value, without building it (serde's
/// `IgnoredAny`: constant memory whatever the size).
pub(crate) fn check(text: &str) -> Result<(), serde_json::Error> {
    serde_json::from_str::<serde::de::IgnoredAny>(text).map(|_| ())
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The byte just past the string starting at `start` (a `"`).
fn string_end(b: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// The byte just past the value starting at `start` (not whitespace).
pub(crate) fn value_end(b: &[u8], start: usize) -> usize {
    let Some(&first) = b.get(start) else {
        return b.len();
    };
    match first {
        b'"' => string_end(b, start),
        b'[' | b'{' => {
            let mut depth = 0usize;
            let mut i = start;
            while i < b.len() {
                match b[i] {
                    b'"' => {
                        i = string_end(b, i);
                        continue;
                    }
                    b'[' | b'{' => depth += 1,
                    b']' | b'}' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            b.len()
        }
        _ => {
            let mut i = start;
            while i < b.len() && !matches!(b[i], b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
            {
                i += 1;
            }
            i
        }
    }
}

/// Where the one top-level value of a text starts.
pub(crate) fn root(text: &str) -> usize {
    skip_ws(text.as_bytes(), 0)
}

/// The elements of the array starting at `start` (its `[`), as byte spans, one at a time.
pub(crate) struct Elements {
    pos: usize,
    done: bool,
}

impl Elements {
    pub(crate) fn new(start: usize) -> Self {
        Elements {
            pos: start + 1,
            done: false,
        }
    }

    /// The next element's span in `text` (the same text every call).
    pub(crate) fn next(&mut self, text: &str) -> Option<(usize, usize)> {
        if self.done {
            return None;
        }
        let b = text.as_bytes();
        let mut i = skip_ws(b, self.pos);
        if b.get(i) == Some(&b',') {
            i = skip_ws(b, i + 1);
        }
        if i >= b.len() || b[i] == b']' {
            self.done = true;
            return None;
        }
        // At least one byte on: on text that is not JSON a stray `}` must not stop the cursor.
        let end = value_end(b, i).max(i + 1);
        self.pos = end;
        Some((i, end.min(b.len())))
    }
}

/// The members of the object starting at `start` (its `{`): key and the span of its value.
pub(crate) fn members(text: &str, start: usize) -> Vec<(String, usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = start + 1;
    loop {
        i = skip_ws(b, i);
        if b.get(i) == Some(&b',') {
            i = skip_ws(b, i + 1);
        }
        if i >= b.len() || b[i] != b'"' {
            return out;
        }
        let key_end = string_end(b, i);
        let key = serde_json::from_str::<String>(&text[i..key_end]).unwrap_or_default();
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return out;
        }
        i = skip_ws(b, i + 1);
        let end = value_end(b, i);
        out.push((key, i, end));
        i = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            (-1e9f64..1e9).prop_map(Value::from),
            "[a-z\"\\\\\\[\\]{},: \u{3000}会談\u{1}\n]{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec(("[a-z\"\\\\{}\\[\\]:,]{0,6}", inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// Serialises with the whitespace serde_json's pretty printer puts between tokens, or
    /// none.
    fn text_of(v: &Value, pretty: bool) -> String {
        if pretty {
            serde_json::to_string_pretty(v).unwrap()
        } else {
            serde_json::to_string(v).unwrap()
        }
    }

    proptest! {
        /// The spans of an array's elements parse to exactly the elements serde_json reads from
        /// the whole text.
        #[test]
        fn elements_are_the_arrays_elements(items in prop::collection::vec(json_value(), 0..8), pretty: bool) {
            let text = format!("  {}\n", text_of(&Value::Array(items.clone()), pretty));
            check(&text).unwrap();
            let mut it = Elements::new(root(&text));
            let mut got = Vec::new();
            while let Some((s, e)) = it.next(&text) {
                got.push(serde_json::from_str::<Value>(&text[s..e]).unwrap());
            }
            // The oracle is serde_json reading the whole text (floats need not round-trip).
            let whole: Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(got.len(), items.len());
            prop_assert_eq!(Value::Array(got), whole);
        }

        /// The members of an object are its keys and values, in order.
        #[test]
        fn members_are_the_objects_members(obj in prop::collection::vec(("[a-z\"\\\\,:{}]{0,6}", json_value()), 0..6), pretty: bool) {
            let map: serde_json::Map<String, Value> = obj.into_iter().collect();
            let text = text_of(&Value::Object(map.clone()), pretty);
            check(&text).unwrap();
            let got: serde_json::Map<String, Value> = members(&text, root(&text))
                .into_iter()
                .map(|(k, s, e)| (k, serde_json::from_str::<Value>(&text[s..e]).unwrap()))
                .collect();
            let whole: Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(got.len(), map.len());
            prop_assert_eq!(Value::Object(got), whole);
        }

        /// On text that is not JSON the scanner ends; it never panics or loops.
        #[test]
        fn never_panics_on_garbage(text in "[\\[\\]{}\",:a1\\\\ ]{0,40}") {
            let start = root(&text);
            let mut it = Elements::new(start);
            let mut n = 0;
            while it.next(&text).is_some() {
                n += 1;
                prop_assert!(n <= text.len() + 1);
            }
            let _ = members(&text, start);
        }
    }
}
