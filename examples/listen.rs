//! Prints what a screen reader would announce from a PDF's structure tree,
//! in reading order, one line per element that says something:
//! `cargo run --example listen -- PACK.pdf` (docs/accessibility.md, "How it
//! is checked"). Exits 1 when the PDF cannot be read or says nothing.

use std::io::Write;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: cargo run --example listen -- PACK.pdf");
        std::process::exit(2);
    };
    let doc = match lopdf::Document::load(&path) {
        Ok(doc) => doc,
        Err(e) => {
            eprintln!("{path}: the PDF cannot be read ({e})");
            std::process::exit(1);
        }
    };
    let lines = boardpack::render::reading::listen(&doc);
    if lines.is_empty() {
        eprintln!("{path}: no structure tree, or nothing in it is read");
        std::process::exit(1);
    }
    let mut out = std::io::stdout().lock();
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
}
