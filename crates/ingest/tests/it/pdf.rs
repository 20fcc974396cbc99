use entente_ingest::IngestError;
use entente_ingest::readers::Format;
use entente_ingest::readers::pdf::{PdfTools, read_pdf_with};

use crate::{bytes, read_fixture};

fn have_pdftotext() -> bool {
    let ok = std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok();
    if !ok {
        eprintln!("skipping: pdftotext (poppler-utils) is not installed");
    }
    ok
}

#[test]
fn cjk_text_survives() {
    if !have_pdftotext() {
        return;
    }
    // The fixture uses the standard (non-embedded) Adobe CID fonts, which poppler maps with
    // the CMaps of poppler-data.
    if !std::path::Path::new("/usr/share/poppler/cMap").exists() {
        eprintln!("skipping: poppler-data (CJK CMaps) is not installed");
        return;
    }
    let r = read_fixture("pdf/cjk.pdf");
    let d = r[0].as_ref().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.format, Format::Pdf);
    assert_eq!(d.title.as_deref(), Some("首脳会談 test"));
    assert_eq!(
        d.text,
        "Leaders' meetings: test document\n\n\
         2019年4月25日、ウラジオストクで首脳会談が行われた。\n\n\
         2019年6月20日，习近平访问平壤。\n\n\
         2018년 4월 27일 판문점에서 정상회담이 열렸다.\n\n\
         Second page."
    );
}

#[test]
fn truncated_pdf_is_a_clear_error() {
    if !have_pdftotext() {
        return;
    }
    let r = read_fixture("pdf/truncated.pdf");
    let e = r[0].as_ref().expect_err("truncated");
    assert!(matches!(e, IngestError::Pdf { .. }), "{e}");
    let msg = e.to_string();
    assert!(msg.starts_with("pdf/truncated.pdf: PDF: "), "{msg}");
    assert!(msg.contains("pdftotext could not read the file"), "{msg}");
}

#[test]
fn missing_pdftotext_says_what_to_install() {
    let tools = PdfTools {
        pdftotext: "/nonexistent/pdftotext".into(),
        pdfinfo: "/nonexistent/pdfinfo".into(),
    };
    let e = read_pdf_with("a.pdf", &bytes("pdf/cjk.pdf"), &tools).expect_err("no binary");
    assert!(e.to_string().contains("install poppler-utils"), "{e}");
}

#[test]
fn not_a_pdf() {
    let e = read_pdf_with("a.pdf", b"plain text", &PdfTools::default()).expect_err("not a PDF");
    assert!(e.to_string().contains("not a PDF file"), "{e}");
}
