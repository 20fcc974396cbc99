//! Helpers: XML well-formedness, external tools that may be missing.

use quick_xml::Reader;
use quick_xml::events::Event;

/// Panics unless `xml` is well-formed: balanced, matching tags, valid entities, one root.
pub fn assert_well_formed(xml: &str) {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                if stack.is_empty() {
                    roots += 1;
                }
                for a in e.attributes() {
                    let a = a.unwrap_or_else(|err| panic!("bad attribute: {err}\n{xml}"));
                    a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                        .unwrap_or_else(|err| panic!("bad attribute value: {err}\n{xml}"));
                }
                stack.push(e.name().as_ref().to_string());
            }
            Ok(Event::Empty(e)) => {
                if stack.is_empty() {
                    roots += 1;
                }
                for a in e.attributes() {
                    let a = a.unwrap_or_else(|err| panic!("bad attribute: {err}\n{xml}"));
                    a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                        .unwrap_or_else(|err| panic!("bad attribute value: {err}\n{xml}"));
                }
            }
            Ok(Event::End(e)) => {
                let name = e.name().as_ref().to_string();
                assert_eq!(
                    stack.pop().as_deref(),
                    Some(name.as_str()),
                    "unbalanced </{name}>"
                );
            }
            Ok(Event::Text(t)) => {
                if stack.is_empty() {
                    assert!(
                        t.as_ref().chars().all(char::is_whitespace),
                        "text outside the root"
                    );
                }
            }
            Ok(Event::GeneralRef(r)) => {
                let name = r.as_ref().to_string();
                let ok = ["amp", "lt", "gt", "quot", "apos"].contains(&name.as_str())
                    || name.starts_with('#');
                assert!(ok, "unknown entity &{name};");
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "not well-formed at {}: {e}\n{xml}",
                reader.buffer_position()
            ),
        }
    }
    assert!(stack.is_empty(), "unclosed tags: {stack:?}");
    assert_eq!(roots, 1, "expected one root element");
}

/// Panics if the text holds a NaN or infinity written as a number. The check is textual, so
/// generated labels must not spell these words themselves: filter them with [`reads_as_nan`].
pub fn assert_no_nan(s: &str) {
    for bad in ["NaN", "inf\"", "inf ", "infinity"] {
        assert!(!s.contains(bad), "found {bad:?} in output");
    }
}

/// Whether a generated label would itself trip [`assert_no_nan`] ("NaN", "inf", "Infinity" in
/// any case), so that property tests can leave such labels out rather than weaken the check.
pub fn reads_as_nan(s: &str) -> bool {
    let lower = s.to_lowercase();
    lower.contains("nan") || lower.contains("inf")
}

/// Whether an external tool is usable. When it is not: panics under `CI`, otherwise prints a
/// skip note and returns false.
pub fn tool_available(what: &str, ok: bool, install: &str) -> bool {
    if ok {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("{what} is required under CI: {install}");
    }
    eprintln!(
        "SKIP: {what} not available ({install}); this test is skipped locally and fails under CI"
    );
    false
}

/// Whether a command runs at all (`cmd --version` or similar succeeds).
pub fn command_works(cmd: &str, args: &[&str]) -> bool {
    std::process::Command::new(cmd)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Extracts each `<svg …>…</svg>` of an HTML page.
pub fn inline_svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg ") {
        let Some(len) = rest[start..].find("</svg>") else {
            break;
        };
        out.push(&rest[start..start + len + "</svg>".len()]);
        rest = &rest[start + len..];
    }
    out
}
