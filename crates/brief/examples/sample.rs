//! Writes the sample briefing to /tmp/entente-sample.html, .md (with SVGs in
//! /tmp/entente-sample-svgs/) and, when Chromium is installed, .pdf.
//!
//! ```sh
//! cargo run -p entente-brief --example sample          # English labels
//! cargo run -p entente-brief --example sample -- ja    # Japanese labels
//! ```

#[path = "../tests/it/sample_doc.rs"]
mod sample_doc;

use std::path::Path;

use entente_brief::{BriefError, LabelLang, print_pdf, render_html, render_markdown};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let lang: LabelLang = std::env::args().nth(1).as_deref().unwrap_or("en").parse()?;
    let doc = sample_doc::sample_document(lang);
    let html_path = Path::new("/tmp/entente-sample.html");
    std::fs::write(html_path, render_html(&doc))?;
    println!("wrote {}", html_path.display());

    let (md, svgs) = render_markdown(&doc, "entente-sample-svgs");
    std::fs::write("/tmp/entente-sample.md", md)?;
    std::fs::create_dir_all("/tmp/entente-sample-svgs")?;
    for (name, svg) in svgs {
        std::fs::write(Path::new("/tmp/entente-sample-svgs").join(name), svg)?;
    }
    println!("wrote /tmp/entente-sample.md and /tmp/entente-sample-svgs/");

    match print_pdf(html_path, Path::new("/tmp/entente-sample.pdf")) {
        Ok(()) => println!("wrote /tmp/entente-sample.pdf"),
        Err(e @ BriefError::ChromiumMissing) => eprintln!("no PDF: {e}"),
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
