use entente_ingest::IngestError;
use entente_ingest::decode::decode;
use entente_ingest::readers::Format;

use crate::{bytes, one_doc, one_err};

/// (fixture, UTF-8 original, expected encoding name)
const CASES: &[(&str, &str, &str)] = &[
    ("ja.utf-8.txt", "ja.utf-8.txt", "UTF-8"),
    ("ja.utf-8-bom.txt", "ja.utf-8.txt", "UTF-8"),
    ("ja.shift_jis.txt", "ja.utf-8.txt", "Shift_JIS"),
    ("ja.euc-jp.txt", "ja.utf-8.txt", "EUC-JP"),
    ("ja.iso-2022-jp.txt", "ja.utf-8.txt", "ISO-2022-JP"),
    ("zh-hans.gbk.txt", "zh-hans.utf-8.txt", "GBK"),
    (
        "zh-hans-ext.gb18030.txt",
        "zh-hans-ext.utf-8.txt",
        "gb18030",
    ),
    ("zh-hant.big5.txt", "zh-hant.utf-8.txt", "Big5"),
    ("ko.euc-kr.txt", "ko.utf-8.txt", "EUC-KR"),
    ("ko.utf-16le-bom.txt", "ko.utf-8.txt", "UTF-16LE"),
    ("ru.koi8-r.txt", "ru.utf-8.txt", "KOI8-R"),
    ("ru.windows-1251.txt", "ru.utf-8.txt", "windows-1251"),
    ("en.utf-8.txt", "en.utf-8.txt", "UTF-8"),
];

#[test]
fn every_fixture_decodes_to_its_original() {
    let mut failures = Vec::new();
    for (file, original, expected) in CASES {
        let raw = bytes(&format!("encodings/{file}"));
        let want = String::from_utf8(bytes(&format!("encodings/{original}")))
            .expect("originals are UTF-8");
        match decode(file, &raw, None) {
            Ok(d) => {
                if d.encoding != *expected {
                    failures.push(format!(
                        "{file}: detected {} instead of {expected}",
                        d.encoding
                    ));
                }
                if d.text != want {
                    failures.push(format!("{file}: text differs from {original}"));
                }
            }
            Err(e) => failures.push(format!("{file}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixtures_are_big_enough_for_detection() {
    for (file, _, _) in CASES {
        assert!(
            bytes(&format!("encodings/{file}")).len() >= 300,
            "{file} is under 300 bytes"
        );
    }
}

#[test]
fn declared_encoding_is_used_and_wrong_declaration_recovers() {
    let sjis = bytes("encodings/ja.shift_jis.txt");
    let want = String::from_utf8(bytes("encodings/ja.utf-8.txt")).unwrap_or_default();
    // Right declaration.
    let d = decode("x", &sjis, Some("shift_jis")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (d.encoding.as_str(), d.text.as_str()),
        ("Shift_JIS", want.as_str())
    );
    // Wrong declarations that fail to decode give way to detection.
    for wrong in ["utf-8", "euc-kr", "big5"] {
        let d = decode("x", &sjis, Some(wrong)).unwrap_or_else(|e| panic!("{wrong}: {e}"));
        assert_eq!(d.encoding, "Shift_JIS", "declared {wrong}");
        assert_eq!(d.text, want);
    }
    // A single-byte label on multi-byte text.
    let d = decode("x", &sjis, Some("windows-1252")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.encoding, "Shift_JIS");
}

#[test]
fn forced_encoding_via_read_options() {
    let koi = bytes("encodings/ru.koi8-r.txt");
    let opts = entente_ingest::ReadOptions {
        encoding: Some("koi8-r".into()),
        ..Default::default()
    };
    let r = entente_ingest::readers::read("ru.txt", &koi, None, &opts);
    let d = r[0].as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.encoding, "KOI8-R");
    assert!(d.text.contains("космодроме Восточный"));
    assert_eq!(d.title.as_deref(), Some("Встреча на космодроме Восточный"));
}

#[test]
fn empty_file() {
    let e = one_err("empty.txt");
    assert!(matches!(e, IngestError::Empty { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "empty.txt: empty input (no bytes other than whitespace)"
    );
}

#[test]
fn binary_file() {
    let e = one_err("binary.png");
    assert!(matches!(e, IngestError::Binary { .. }), "{e}");
    assert!(e.to_string().contains("PNG image"), "{e}");
    // Even when forced to be read as text.
    let opts = entente_ingest::ReadOptions {
        format: Some(Format::Text),
        ..Default::default()
    };
    let r = entente_ingest::readers::read("binary.png", &bytes("binary.png"), None, &opts);
    assert!(matches!(r[0], Err(IngestError::Binary { .. })));
}

#[test]
fn truncated_shift_jis() {
    let raw = bytes("truncated.shift_jis.txt");
    let e = one_err("truncated.shift_jis.txt");
    match &e {
        IngestError::Truncated {
            origin,
            encoding,
            offset,
        } => {
            assert_eq!(origin, "truncated.shift_jis.txt");
            assert_eq!(encoding, "Shift_JIS");
            assert_eq!(*offset, raw.len() - 1);
        }
        other => panic!("expected a truncation error, got {other}"),
    }
    assert!(e.to_string().contains("truncated file?"), "{e}");
}

#[test]
fn plain_text_reader_keeps_the_text() {
    let d = one_doc("encodings/en.utf-8.txt");
    assert_eq!(d.format, Format::Text);
    assert_eq!(d.title.as_deref(), Some("Summit in Hanoi ends early"));
    assert!(
        d.text
            .starts_with("Summit in Hanoi ends early\n\nOn 27 and 28 February 2019")
    );
    assert!(d.text.contains("second day — a planned"));
    let d = one_doc("encodings/zh-hant.big5.txt");
    assert_eq!(d.encoding, "Big5");
    assert_eq!(d.title.as_deref(), Some("馬習會"));
}
