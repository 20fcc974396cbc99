use entente_ingest::decode::decode;
use entente_ingest::readers::{self, FieldMap, Format, ReadOptions};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2000),
                           declared in proptest::option::of(prop_oneof![
                               Just("utf-8"), Just("shift_jis"), Just("euc-kr"), Just("utf-16le"),
                               Just("iso-2022-jp"), Just("gb18030"), Just("koi8-r"), Just("bogus")])) {
        let _ = decode("p", &bytes, declared);
    }

    #[test]
    fn utf8_round_trips(s in "\\PC{1,300}") {
        prop_assume!(!s.trim().is_empty());
        let d = decode("p", s.as_bytes(), None);
        prop_assert!(d.is_ok(), "{:?}", d);
        let d = d.unwrap_or_else(|_| unreachable!());
        prop_assert_eq!(d.text, s);
        prop_assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn utf16le_with_bom_round_trips(s in "\\PC{1,300}") {
        prop_assume!(!s.trim().is_empty());
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(s.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let d = decode("p", &bytes, None);
        prop_assert!(d.is_ok(), "{:?}", d);
        let d = d.unwrap_or_else(|_| unreachable!());
        prop_assert_eq!(d.text, s);
        prop_assert_eq!(d.encoding, "UTF-16LE");
    }

    #[test]
    fn jsonl_one_result_per_nonblank_line(lines in proptest::collection::vec(prop_oneof![
        "\\PC{0,40}",
        "[ \t]{0,3}",
        ("\\PC{0,20}", "\\PC{0,60}").prop_map(|(t, b)| serde_json::json!({"title": t, "text": b}).to_string()),
        Just("{\"text\": \"ok\", \"date\": \"2020-13-01\"}".to_string()),
    ], 0..30)) {
        let src = lines.join("\n");
        let nonblank = src.split('\n').filter(|l| !l.trim().is_empty()).count();
        let opts = ReadOptions { format: Some(Format::Jsonl), ..Default::default() };
        let r = readers::read("p.jsonl", src.as_bytes(), None, &opts);
        if nonblank == 0 {
            prop_assert_eq!(r.len(), 1);
        } else {
            prop_assert_eq!(r.len(), nonblank);
        }
    }

    #[test]
    fn field_map_parse_never_panics(s in ".{0,80}") {
        let _ = FieldMap::parse(&s);
    }

    #[test]
    fn readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600),
                           format in prop_oneof![Just(Format::Text), Just(Format::Markdown), Just(Format::Html),
                                                 Just(Format::Json), Just(Format::Jsonl), Just(Format::Rss), Just(Format::Atom)]) {
        let opts = ReadOptions { format: Some(format), ..Default::default() };
        let _ = readers::read("p", &bytes, None, &opts);
        let _ = readers::sniff("p", &bytes, None);
    }

    #[test]
    fn text_readers_never_panic_on_text(s in "(\\PC|\n){0,400}", md in any::<bool>()) {
        let opts = ReadOptions { format: Some(if md { Format::Markdown } else { Format::Html }), ..Default::default() };
        let _ = readers::read("p", s.as_bytes(), None, &opts);
    }
}
