use entente_core::Lang;
use entente_ingest::IngestError;
use entente_ingest::readers::Format;

use crate::{one_doc, one_err};

#[test]
fn markdown_with_front_matter() {
    let d = one_doc("text/notes.md");
    assert_eq!(d.format, Format::Markdown);
    assert_eq!(d.title.as_deref(), Some("Xi Jinping visits Pyongyang"));
    assert_eq!(d.outlet.as_deref(), Some("Analyst notes"));
    assert_eq!(d.lang, Some(Lang::En));
    assert_eq!(
        d.published.map(|p| p.to_string()).as_deref(),
        Some("2019-06-21")
    );
    assert_eq!(
        d.url.as_deref(),
        Some("https://notes.example.org/2019/xi-pyongyang")
    );
    assert_eq!(
        d.text,
        "Visit to Pyongyang\n\n\
         The Chinese leader made a two-day state visit on 20–21 June 2019, the first by a\n\
         Chinese head of state in fourteen years (background).\n\n\
         Both sides spoke of a traditional friendship.\n\n\
         talks with Kim Jong Un\na mass games performance\n\n\
         raw *notes* kept as written"
    );
}

#[test]
fn markdown_title_from_heading_without_front_matter() {
    let r = entente_ingest::readers::read(
        "n.md",
        b"Intro line.\n\n# The Heading\n\nBody.",
        None,
        &Default::default(),
    );
    let d = r[0].as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.title.as_deref(), Some("The Heading"));
}

#[test]
fn malformed_front_matter_names_the_file_line() {
    let e = one_err("text/bad-front-matter.md");
    assert!(matches!(e, IngestError::FrontMatter { .. }), "{e}");
    // `published: [2019-06-21` opens a flow sequence on line 3 that is never closed.
    let line = e.line().unwrap_or(0);
    assert!((3..=5).contains(&line), "line {line}: {e}");
    assert!(
        e.to_string().starts_with(&format!(
            "text/bad-front-matter.md line {line}: malformed front matter: "
        )),
        "{e}"
    );
}

#[test]
fn bad_published_value_names_the_field() {
    let e = one_err("text/bad-date.md");
    match &e {
        IngestError::Field {
            origin,
            line,
            field,
            ..
        } => {
            assert_eq!(origin, "text/bad-date.md");
            assert_eq!(*line, Some(4));
            assert_eq!(field, "published");
        }
        other => panic!("expected a field error, got {other}"),
    }
    assert!(
        e.to_string().contains("invalid date `21 Juneish 2019`"),
        "{e}"
    );
}

/// Reading a 2 KB UTF-8 article is cheap (regexes and selectors are compiled once). The bound
/// is loose so that unoptimised builds on a busy machine pass; in release it is a few µs.
#[test]
fn small_article_is_fast() {
    let para =
        "The two leaders met in the capital on Tuesday and discussed trade, energy and security. ";
    let mut text = String::from("Leaders meet\n\n");
    while text.len() < 2048 {
        text.push_str(para);
        if text.len() % 3 == 0 {
            text.push_str("\n\n");
        }
    }
    let opts = entente_ingest::ReadOptions::default();
    let run = |name: &str, n: u32| {
        let start = std::time::Instant::now();
        for _ in 0..n {
            let r = entente_ingest::readers::read(name, text.as_bytes(), None, &opts);
            assert!(r[0].is_ok());
        }
        start.elapsed() / n
    };
    // Warm up: the first call compiles the regexes.
    run("a.txt", 5);
    run("a.md", 5);
    let txt = run("a.txt", 200);
    let md = run("a.md", 200);
    let html = crate::bytes("html/article.html");
    let html_run = |n: u32| {
        let start = std::time::Instant::now();
        for _ in 0..n {
            assert!(entente_ingest::readers::read("a.html", &html, None, &opts)[0].is_ok());
        }
        start.elapsed() / n
    };
    html_run(5);
    let h = html_run(100);
    eprintln!("2 KB article: text {txt:?}, markdown {md:?}; 2.6 KB HTML page {h:?} per read");
    assert!(
        txt < std::time::Duration::from_millis(2),
        "text read took {txt:?}"
    );
    assert!(
        md < std::time::Duration::from_millis(2),
        "markdown read took {md:?}"
    );
}
