//! `entente demo`, `entente brief` and `entente graph`: the briefing as a reader gets it.

use std::process::Command;

use crate::*;

/// Whether a tool the test needs is present; under CI its absence fails the test.
fn have(cmd: &str, args: &[&str]) -> bool {
    let ok = Command::new(cmd)
        .args(args)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "`{cmd}` is missing; .ci/run must install it"
        );
        eprintln!("skipping part of the test: `{cmd}` is not installed");
    }
    ok
}

fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(bin())
        .current_dir(repo_root())
        .args(["demo", "--dir"])
        .arg(dir.path())
        .env_remove("ENTENTE_HOME")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "demo failed:\n{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.contains("briefing: "), "{text}");
    assert!(
        text.contains("Reported by both"),
        "the demo prints a comparison: {text}"
    );
    dir
}

#[test]
fn demo_briefing_is_complete_sourced_reproducible_and_renders_cjk() {
    let dir = demo();
    let html_path = dir.path().join("briefing.html");
    let html = std::fs::read_to_string(&html_path).unwrap();
    for needle in [
        "China–Russia–DPRK relations in 2025",
        "Xi–Putin meetings",
        "Russia–DPRK high-level exchanges",
        "Relationship map",
        "China–DPRK trade by year",
        "Top 10 products",
        "UNSCR",
        "as KCNA and Xinhua reported them",
        "Notable absences",
        "Denuclearisation",
        "습근평",
        "<svg",
        // The ledger's quantity comes from the text ("roughly 10,000 to 12,000 … troops").
        "~10,000–12,000 personnel",
    ] {
        assert!(html.contains(needle), "briefing lacks {needle}");
    }
    // Every footnote marker points at an entry of the source list.
    let markers = html.matches("href=\"#fn-").count();
    assert!(markers > 50, "{markers} footnote markers");
    // Customs figures cite their file and rows.
    assert!(html.contains("cn-monthly-2025-kp-hs-illustrative.csv") && html.contains("rows "));

    // The same inputs give byte-identical output.
    let data = dir.path().join("entente-data");
    let spec = repo_root().join("examples/demo/briefing.toml");
    let again = dir.path().join("again.html");
    ok(
        &data,
        &[
            "brief",
            spec.to_str().unwrap(),
            "-o",
            again.to_str().unwrap(),
        ],
    );
    assert_eq!(std::fs::read(&again).unwrap(), html.as_bytes());

    // Markdown with SVG files beside it.
    let md = dir.path().join("briefing.md");
    ok(
        &data,
        &[
            "brief",
            spec.to_str().unwrap(),
            "-o",
            md.to_str().unwrap(),
            "--format",
            "md",
        ],
    );
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains("briefing-svgs/") && text.contains("[^1]"));
    let svgs = std::fs::read_dir(dir.path().join("briefing-svgs"))
        .unwrap()
        .count();
    assert!(svgs >= 8, "{svgs} SVG files");

    // The PDF (Chromium) has pages and real CJK text.
    if have("chromium", &["--version"]) && have("pdftotext", &["-v"]) {
        let pdf = dir.path().join("briefing.pdf");
        assert!(
            pdf.is_file(),
            "the demo writes briefing.pdf when Chromium is present"
        );
        let txt = Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let txt = String::from_utf8_lossy(&txt.stdout);
        assert!(txt.contains("Sources"), "no source list in the PDF text");
        assert!(
            txt.contains("습근평") || txt.contains("习近平"),
            "no CJK text in the PDF"
        );
        let png = dir.path().join("page");
        let st = Command::new("pdftoppm")
            .args(["-r", "30", "-png", "-f", "1", "-l", "2"])
            .arg(&pdf)
            .arg(&png)
            .status()
            .unwrap();
        assert!(st.success());
        let first = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .find(|e| e.file_name().to_string_lossy().starts_with("page-"))
            .expect("a page image");
        // A blank A4 page at 30 dpi compresses to well under 2 KB; a page of tables does not.
        assert!(
            first.metadata().unwrap().len() > 8_000,
            "page 1 looks blank"
        );
    }
}

#[test]
fn graph_exports_open_in_networkx() {
    let dir = demo();
    let data = dir.path().join("entente-data");
    let g = dir.path().join("map.graphml");
    ok(
        &data,
        &["graph", "--format", "graphml", "-o", g.to_str().unwrap()],
    );
    let json = ok(&data, &["graph", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let nodes = v["elements"]["nodes"].as_array().unwrap();
    assert!(nodes.len() >= 6, "states and their leaders: {nodes:?}");
    assert!(!v["elements"]["edges"].as_array().unwrap().is_empty());
    if have("python3", &["-c", "import networkx"]) {
        let out = Command::new("python3")
            .args([
                "-c",
                "import sys, networkx as nx; g = nx.read_graphml(sys.argv[1]); print(g.number_of_nodes(), g.number_of_edges())",
            ])
            .arg(&g)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let counts = String::from_utf8_lossy(&out.stdout);
        let n: Vec<usize> = counts
            .split_whitespace()
            .map(|x| x.parse().unwrap())
            .collect();
        assert_eq!(n[0], nodes.len());
        assert!(n[1] >= 3, "{counts}");
    }
}

#[test]
fn a_bad_spec_names_block_and_field_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["init"]);
    let spec = dir.path().join("bad.toml");
    std::fs::write(
        &spec,
        "title = \"x\"\nperiod = { from = \"2025-01-01\", to = \"2025-12-31\" }\nlang = \"en\"\n\
         [[block]]\nkind = \"markdown\"\ntext = \"ok\"\n[[block]]\nkind = \"trade_top\"\nreporter = \"CN\"\nyear = 2025\n",
    )
    .unwrap();
    let out_file = dir.path().join("out.html");
    let o = run(
        &data,
        &[
            "brief",
            spec.to_str().unwrap(),
            "-o",
            out_file.to_str().unwrap(),
        ],
    );
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("block[1] (trade_top)") && e.contains("partner"),
        "{e}"
    );
    assert!(!out_file.exists());
    // A spec naming an event the knowledge base does not have: a clear error, no file.
    std::fs::write(
        &spec,
        "title = \"x\"\nperiod = { from = \"2025-01-01\", to = \"2025-12-31\" }\nlang = \"en\"\n\
         [[block]]\nkind = \"comparison\"\nevent = \"ev-000000000000\"\n",
    )
    .unwrap();
    let o = run(
        &data,
        &[
            "brief",
            spec.to_str().unwrap(),
            "-o",
            out_file.to_str().unwrap(),
        ],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("ev-000000000000"), "{}", stderr(&o));
    assert!(!out_file.exists());
}

/// The README's main job on a fresh machine: no Chromium, no Python, nothing on `PATH`. The demo
/// still writes the HTML briefing, writes no PDF, and says how to get one.
#[test]
fn demo_on_a_machine_without_chromium_writes_html_and_says_how_to_get_the_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(bin())
        .current_dir(repo_root())
        .args(["demo", "--dir"])
        .arg(dir.path())
        .env_remove("ENTENTE_HOME")
        .env("ENTENTE_CHROMIUM", "none")
        .env("PATH", home.path())
        .env("HOME", home.path())
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "demo failed:\n{text}\n{}",
        stderr(&out)
    );
    let html = std::fs::read_to_string(dir.path().join("briefing.html")).unwrap();
    assert!(html.contains("Xi–Putin meetings"), "incomplete briefing");
    assert!(
        !dir.path().join("briefing.pdf").exists(),
        "a PDF without Chromium"
    );
    assert!(
        text.contains("HTML only, no PDF")
            && text.contains("apt-get install chromium fonts-noto-cjk")
            && text.contains("--format pdf"),
        "the demo must say it made only HTML and how to get the PDF:\n{text}"
    );
}
