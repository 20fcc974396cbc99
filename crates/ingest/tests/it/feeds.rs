use entente_core::Lang;
use entente_ingest::IngestError;
use entente_ingest::readers::Format;

use crate::read_fixture;

#[test]
fn rss_items() {
    let r = read_fixture("feeds/news.rss");
    assert_eq!(r.len(), 3);
    let a = r[0].as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.format, Format::Rss);
    assert_eq!(a.origin, "feeds/news.rss#item=1");
    assert_eq!(
        a.title.as_deref(),
        Some("Foreign ministers meet in Beijing")
    );
    // content:encoded wins over the description; HTML reduced to paragraphs.
    assert_eq!(
        a.text,
        "The two foreign ministers held talks in Beijing on Friday.\n\nThey agreed to expand exchanges this year."
    );
    // The calendar date written in the feed, not converted to UTC.
    assert_eq!(
        a.published.map(|p| p.to_string()).as_deref(),
        Some("2024-04-12")
    );
    assert_eq!(
        a.url.as_deref(),
        Some("https://wire.example.org/2024/04/12/ministers")
    );
    assert_eq!(a.outlet.as_deref(), Some("Example Wire"));
    assert_eq!(a.lang, Some(Lang::En));
    let b = r[1].as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        b.text,
        "A trade delegation arrived on Saturday.\n\nTalks begin Monday."
    );
    assert_eq!(
        b.published.map(|p| p.to_string()).as_deref(),
        Some("2024-04-13")
    );
    let e = r[2].as_ref().expect_err("item 3 has no text");
    assert!(matches!(e, IngestError::NoText { .. }), "{e}");
    assert_eq!(e.origin(), "feeds/news.rss#item=3");
}

#[test]
fn atom_entries() {
    let r = read_fixture("feeds/news.atom");
    assert_eq!(r.len(), 2);
    let a = r[0].as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.format, Format::Atom);
    assert_eq!(a.title.as_deref(), Some("Встреча на космодроме"));
    assert_eq!(
        a.text,
        "Переговоры прошли на космодроме Восточный.\n\nЗатем был дан обед."
    );
    assert_eq!(
        a.published.map(|p| p.to_string()).as_deref(),
        Some("2023-09-13")
    );
    assert_eq!(
        a.url.as_deref(),
        Some("https://lenta.example.org/2023/09/13/vostochny")
    );
    assert_eq!(a.outlet.as_deref(), Some("Пример ленты"));
    let b = r[1].as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(b.text, "Краткое содержание без полного текста.");
    // No published date: the updated date is used.
    assert_eq!(
        b.published.map(|p| p.to_string()).as_deref(),
        Some("2023-09-15")
    );
}

#[test]
fn shift_jis_feed() {
    let r = read_fixture("feeds/sjis.rss");
    assert_eq!(r.len(), 1);
    let d = r[0].as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.encoding, "Shift_JIS");
    assert_eq!(d.lang, Some(Lang::Ja));
    assert_eq!(d.outlet.as_deref(), Some("テスト通信"));
    assert!(
        d.text
            .starts_with("2019年4月25日、ロシアのウラジオストクで"),
        "{}",
        d.text
    );
    assert_eq!(
        d.published.map(|p| p.to_string()).as_deref(),
        Some("2019-04-25")
    );
}

#[test]
fn malformed_feed() {
    let r = entente_ingest::readers::read(
        "x.rss",
        b"<rss><channel><item><title>x</titl",
        None,
        &Default::default(),
    );
    assert_eq!(r.len(), 1);
    let e = r[0].as_ref().expect_err("malformed");
    assert!(matches!(e, IngestError::Feed { .. }), "{e}");
    assert!(e.to_string().starts_with("x.rss: feed: "), "{e}");
}

/// A second XML declaration in the middle of a feed (found by fuzz/read_documents: the feed
/// parser panicked in quick-xml's set_encoding and took the run down) is this file's error.
#[test]
fn an_xml_declaration_in_the_middle_is_an_error_not_a_panic() {
    let feed = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>T</title>\
<link>https://feed.example.jp/<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n<rss version=\"2.0\">\
<item><title>x</title></item></channel></rss>\n";
    for format in [Some(Format::Rss), None] {
        let docs = entente_ingest::readers::read(
            "mid.xml",
            feed.as_bytes(),
            None,
            &entente_ingest::readers::ReadOptions {
                format,
                ..Default::default()
            },
        );
        assert_eq!(docs.len(), 1);
        let e = docs[0].as_ref().expect_err("refused");
        assert!(matches!(e, IngestError::Feed { .. }), "{e}");
        assert!(e.to_string().contains("XML declaration at byte"), "{e}");
    }
    // Nor after text that is not white space (a multi-byte character first: found by
    // fuzz/read_documents too).
    let garbled = format!("\u{fffd}\u{fffd}{feed}");
    let docs = entente_ingest::readers::read(
        "garbled.xml",
        garbled.as_bytes(),
        None,
        &entente_ingest::readers::ReadOptions {
            format: Some(Format::Rss),
            ..Default::default()
        },
    );
    let e = docs[0].as_ref().expect_err("refused");
    assert!(e.to_string().contains("XML declaration at byte"), "{e}");
    // Leading white space before the one declaration is fine.
    let ok = format!("  \n{}", &feed[..feed.find("<link>").unwrap()]) + "</channel></rss>";
    let docs = entente_ingest::readers::read("ok.xml", ok.as_bytes(), None, &Default::default());
    assert!(docs.iter().all(|d| d.is_ok()), "{docs:?}");
}
