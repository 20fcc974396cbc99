//! Embeds every `data/concepts/*.toml` file: the concept lexicon and ladders are data,
//! and a file added there is picked up without touching code.

use std::path::Path;

fn main() {
    // Read when the script runs, not when it was compiled: a build script compiled for one
    // checkout can be reused by another, and must read that checkout's files.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("../../data/concepts");
    println!("cargo:rerun-if-changed={}", dir.display());
    // No files is a broken checkout, not an empty lexicon: fail the build and say where.
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading the bundled concepts in {}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    assert!(
        !files.is_empty(),
        "no concept files (*.toml) in {}",
        dir.display()
    );
    files.sort();
    let mut code = String::from(
        "/// `(file name, contents)` of every bundled concept file.\npub const BUNDLED: &[(&str, &str)] = &[\n",
    );
    for f in &files {
        let path = dir.join(f);
        println!("cargo:rerun-if-changed={}", path.display());
        code.push_str(&format!(
            "    ({f:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("bundled.rs");
    std::fs::write(out, code).expect("write bundled.rs");
}
