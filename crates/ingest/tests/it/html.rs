use entente_core::{DateValue, Lang};
use entente_ingest::readers::{self, Format, ReadOptions};

use crate::{bytes, one_doc};

#[test]
fn article_without_boilerplate() {
    let d = one_doc("html/article.html");
    assert_eq!(d.format, Format::Html);
    assert_eq!(d.encoding, "UTF-8");
    let paragraphs: Vec<&str> = d.text.split("\n\n").collect();
    assert_eq!(
        paragraphs,
        [
            "The two leaders held their first summit on Russky Island on Thursday, talking first with their delegations and then one on one.",
            "They discussed the situation on the Korean peninsula and economic cooperation, according to statements released after the meeting.",
            "The leaders before the talks.",
            "Dinner and departure",
            "A dinner followed the talks.",
            "The visitor left by train the next day.",
            "We had a substantive conversation.",
            "First summit between the two",
            "Held at a university campus",
        ]
    );
    for noise in [
        "cookies",
        "Share on",
        "Related",
        "Comment by",
        "newsletter",
        "trackPageView",
        "World",
        "©",
    ] {
        assert!(
            !d.text.contains(noise),
            "boilerplate `{noise}` left in:\n{}",
            d.text
        );
    }
}

#[test]
fn article_metadata() {
    let d = one_doc("html/article.html");
    assert_eq!(
        d.title.as_deref(),
        Some("Leaders meet in Vladivostok for first summit")
    );
    assert_eq!(
        d.published,
        Some(DateValue::ymd(2019, 4, 25).unwrap_or_else(|e| panic!("{e}")))
    );
    assert_eq!(d.outlet.as_deref(), Some("The Example Observer"));
    assert_eq!(d.lang, Some(Lang::En));
    // The canonical link is relative and the origin is a file: og:url is used instead.
    assert_eq!(
        d.url.as_deref(),
        Some("https://observer.example.org/world/2019/04/25/vladivostok-summit")
    );
    // From a URL, the relative canonical link is resolved.
    let r = readers::read(
        "https://observer.example.org/x?id=1",
        &bytes("html/article.html"),
        Some("text/html"),
        &ReadOptions::default(),
    );
    let d = r[0].as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        d.url.as_deref(),
        Some("https://observer.example.org/world/2019/04/25/vladivostok-summit")
    );
}

#[test]
fn fallbacks_json_ld_title_and_time() {
    let html = r#"<html><head><title>Ignored when JSON-LD has a headline | Site</title>
        <script type="application/ld+json">[{"@type":"NewsArticle","headline":"From JSON-LD",
        "datePublished":"2018-04-27","publisher":{"name":"LD Publisher"}}]</script></head>
        <body><div class="content"><p>Body paragraph one is here.</p><p>And two.</p></div>
        <div class="sidebar"><p>Most read: something else entirely, quite long text here.</p></div></body></html>"#;
    let r = readers::read("p.html", html.as_bytes(), None, &ReadOptions::default());
    let d = r[0].as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.title.as_deref(), Some("From JSON-LD"));
    assert_eq!(
        d.published.map(|p| p.to_string()).as_deref(),
        Some("2018-04-27")
    );
    assert_eq!(d.outlet.as_deref(), Some("LD Publisher"));
    assert_eq!(d.text, "Body paragraph one is here.\n\nAnd two.");

    let html = "<html lang='ko'><head><title>회담 결과 | 예시신문</title></head><body>
        <div id='story'><p>첫 문단.</p><p>둘째 문단 <time datetime='2018-04-27T10:00:00+09:00'>오늘</time>.</p></div></body></html>";
    let r = readers::read("k.html", html.as_bytes(), None, &ReadOptions::default());
    let d = r[0].as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.title.as_deref(), Some("회담 결과"));
    assert_eq!(d.lang, Some(Lang::Ko));
    assert_eq!(
        d.published.map(|p| p.to_string()).as_deref(),
        Some("2018-04-27")
    );
}

#[test]
fn wrongly_declared_charset() {
    // Declares UTF-8, is Shift_JIS.
    let d = one_doc("html/wrong-charset.html");
    assert_eq!(d.encoding, "Shift_JIS");
    assert_eq!(d.lang, Some(Lang::Ja));
    assert_eq!(d.title.as_deref(), Some("露朝首脳会談"));
    assert!(
        d.text
            .starts_with("2019年4月25日、ロシアのウラジオストクで"),
        "{}",
        d.text
    );
    assert_eq!(d.text.split("\n\n").count(), 2);
}

#[test]
fn meta_http_equiv_charset() {
    let d = one_doc("html/euc-kr-meta.html");
    assert_eq!(d.encoding, "EUC-KR");
    assert!(d.text.starts_with("2018년 4월 27일 판문점"), "{}", d.text);
    assert_eq!(d.title.as_deref(), Some("판문점 남북정상회담"));
}

#[test]
fn http_charset_beats_meta() {
    // The HTTP header says EUC-KR; the page's meta is ignored when the header decodes.
    let html = "<meta charset=\"shift_jis\"><p>정상회담이 열렸다. 두 정상은 악수를 나눴다.</p>";
    let (bytes, _, _) = encoding_rs::EUC_KR.encode(html);
    let r = readers::read(
        "https://ex.kr/a",
        &bytes,
        Some("text/html; charset=EUC-KR"),
        &ReadOptions::default(),
    );
    let d = r[0].as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.encoding, "EUC-KR");
    assert_eq!(d.text, "정상회담이 열렸다. 두 정상은 악수를 나눴다.");
}

#[test]
fn page_without_text() {
    let html = "<html><body><nav><p>Home</p></nav><script>x()</script></body></html>";
    let r = readers::read("n.html", html.as_bytes(), None, &ReadOptions::default());
    let e = r[0].as_ref().expect_err("no text");
    assert_eq!(e.to_string(), "n.html: no text after extraction");
}

/// A 10 MB page of nested `<div>`s (html5ever's tree builder is quadratic in depth: this ran
/// for over ten minutes) is refused before parsing, naming the file and the limit; a feed
/// item or JSON field holding such HTML is reduced to its text without the parser (#16 item 3).
#[test]
fn hostile_nesting_is_refused_before_parsing() {
    let page = format!(
        "<html><body>{}The envoy arrived.</body></html>",
        "<div>".repeat(2_000_000)
    );
    let docs = entente_ingest::readers::read(
        "deep.html",
        page.as_bytes(),
        Some("text/html"),
        &Default::default(),
    );
    let e = docs[0].as_ref().expect_err("refused");
    let m = e.to_string();
    assert!(m.starts_with("deep.html: "), "{m}");
    assert!(m.contains("deeper than 512"), "{m}");
    let frag = format!("{}The envoy arrived.", "<span>".repeat(1_000_000));
    assert_eq!(
        entente_ingest::readers::html::html_to_text(&frag),
        "The envoy arrived."
    );
}
