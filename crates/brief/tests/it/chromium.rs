//! Printing through Chromium: the screenshot and the PDF are not blank, the PDF carries the
//! CJK text, and CJK characters are drawn as glyphs, not tofu. These tests fail under
//! `CI` when Chromium or poppler-utils are missing and are skipped locally.

use std::path::Path;
use std::process::Command;

use entente_brief::{Chromium, LabelLang, render_html};

use crate::common::{command_works, tool_available};
use crate::sample_doc::sample_document;

fn chromium() -> Option<Chromium> {
    let found = Chromium::locate();
    if tool_available(
        "Chromium",
        found.is_ok(),
        "apt-get install chromium fonts-noto-cjk",
    ) {
        found.ok()
    } else {
        None
    }
}

/// Fraction of pixels that are clearly not white.
fn ink_fraction(png_path: &Path) -> f64 {
    let file = std::fs::File::open(png_path).expect("png exists");
    let decoder = png::Decoder::new(std::io::BufReader::new(file));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let channels = info.color_type.samples();
    assert_eq!(info.bit_depth, png::BitDepth::Eight, "8-bit PNG");
    let px = &buf[..info.buffer_size()];
    let total = px.len() / channels;
    let inked = px
        .chunks(channels)
        .filter(|p| {
            let rgb = if channels >= 3 {
                [p[0], p[1], p[2]]
            } else {
                [p[0]; 3]
            };
            rgb.iter().any(|c| *c < 200)
        })
        .count();
    inked as f64 / total.max(1) as f64
}

fn write_sample(dir: &Path, lang: LabelLang) -> std::path::PathBuf {
    let html = dir.join("sample.html");
    std::fs::write(&html, render_html(&sample_document(lang))).expect("write html");
    html
}

#[test]
fn screenshot_is_not_blank() {
    let Some(c) = chromium() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let html = write_sample(dir.path(), LabelLang::Ja);
    let png = dir.path().join("shot.png");
    c.screenshot(&html, &png, 1000, 1400).expect("screenshot");
    let ink = ink_fraction(&png);
    assert!(
        ink > 0.02,
        "screenshot looks blank: {ink:.4} of pixels inked"
    );
}

#[test]
fn pdf_is_not_blank_and_embeds_noto_cjk() {
    let Some(c) = chromium() else { return };
    if !tool_available(
        "poppler-utils (pdftoppm, pdffonts)",
        command_works("pdftoppm", &["-v"]) && command_works("pdffonts", &["-v"]),
        "apt-get install poppler-utils",
    ) {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let html = write_sample(dir.path(), LabelLang::Ja);
    let pdf = dir.path().join("sample.pdf");
    c.print_pdf(&html, &pdf).expect("print");
    let bytes = std::fs::read(&pdf).expect("pdf");
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");

    let prefix = dir.path().join("page");
    let st = Command::new("pdftoppm")
        .args(["-r", "50", "-png", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm runs");
    assert!(st.success());
    let page = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("page") && n.ends_with(".png"))
        })
        .expect("page PNG written");
    let ink = ink_fraction(&page);
    assert!(ink > 0.02, "first page looks blank: {ink:.4}");

    // Chromium embeds the CFF-based Noto CJK faces as Type 3 fonts (no names for pdffonts
    // to show), with a ToUnicode map: the CJK text must come back out of the PDF.
    let fonts = Command::new("pdffonts")
        .arg(&pdf)
        .output()
        .expect("pdffonts runs");
    let list = String::from_utf8_lossy(&fonts.stdout);
    assert!(list.lines().count() > 2, "the PDF embeds fonts:\n{list}");
    let text = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let text = String::from_utf8_lossy(&text.stdout);
    for needle in ["出典", "中朝首脳会談", "习近平"] {
        assert!(text.contains(needle), "{needle} not in the PDF text");
    }
}

/// Ink of a line of text in the briefing's font stack, from a screenshot.
fn glyph_ink(c: &Chromium, dir: &Path, name: &str, text: &str) -> f64 {
    let html = dir.join(format!("{name}.html"));
    std::fs::write(
        &html,
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body style=\"margin:0;background:#fff\"><div style=\"font-family:{};font-size:72px;line-height:1;padding:8px\">{text}</div></body></html>",
            entente_brief::FONT_STACK
        ),
    )
    .expect("write");
    let png = dir.join(format!("{name}.png"));
    c.screenshot(&html, &png, 640, 300).expect("screenshot");
    ink_fraction(&png)
}

/// Missing glyphs ("tofu") all draw the same box: with real CJK glyphs a dense character
/// takes far more ink than a sparse one; with tofu they take the same.
#[test]
fn cjk_glyphs_are_not_tofu() {
    let Some(c) = chromium() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    for (sparse, dense) in [
        ("一二一二一二", "龍鬱體龍鬱體"),
        ("ㅡㅣㅡㅣㅡㅣ", "뷁궯뷁궯뷁궯"),
    ] {
        let a = glyph_ink(&c, dir.path(), "sparse", sparse);
        let b = glyph_ink(&c, dir.path(), "dense", dense);
        assert!(a > 0.001, "{sparse} drew nothing: {a}");
        assert!(
            b > 2.5 * a,
            "{dense} ({b:.4}) vs {sparse} ({a:.4}): CJK glyphs look like tofu; install fonts-noto-cjk"
        );
    }
}

#[test]
fn missing_chromium_error_says_what_to_install() {
    let msg = entente_brief::BriefError::ChromiumMissing.to_string();
    assert!(msg.contains("apt-get install chromium"), "{msg}");
}
