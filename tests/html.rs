//! The HTML companion (issue 16): one self-contained, accessible page of
//! the same pack, from the same records. The browser checks (axe-core in
//! headless Chromium) run in `.ci/run`; these check the page's content and
//! structure with Rust alone.

mod common;

use boardpack::render::document::RenderOptions;
use boardpack::render::html;

fn page() -> String {
    let built = common::build(&common::sample());
    html::render(
        &built.records,
        &built.charts,
        &RenderOptions::draft(&built.records),
    )
}

/// The page's text as a reader gets it: tags dropped, entities decoded.
fn page_text(page: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let body = &page[page.find("<body").unwrap()..];
    for ch in body.chars() {
        match ch {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(ch),
            _ => {}
        }
    }
    common::normalise(&html_escape::decode_html_entities(&out))
}

#[test]
fn the_sample_page_holds_every_published_figure_and_phrase() {
    let text = page_text(&page());
    let (figures, phrases) = common::published();
    let tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || "()[],;:▲▼●".contains(c))
        .filter(|t| !t.is_empty())
        .collect();
    let missing: Vec<&String> = figures
        .iter()
        .filter(|f| !tokens.contains(&f.to_lowercase().as_str()))
        .chain(
            phrases
                .iter()
                .filter(|p| !text.contains(&common::normalise(p))),
        )
        .collect();
    assert!(missing.is_empty(), "missing from the page: {missing:?}");
}

#[test]
fn the_page_is_self_contained_english_and_marked_draft() {
    let page = page();
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en-GB\">"));
    assert!(page.contains("<title>DRAFT — not signed off: Police &amp; Crime Plan Dashboard"));
    // The PDF's title and subject (issue #16: the month keeps its capital).
    assert!(page.contains(
        "<title>DRAFT — not signed off: Police &amp; Crime Plan Dashboard — Leicestershire (Leicester, Leicestershire and Rutland) — Period ended December 2015</title>"
    ));
    assert!(page.contains(
        "<meta name=\"description\" content=\"Police &amp; Crime Plan Dashboard for Leicestershire \
         (Leicester, Leicestershire and Rutland), period ended December 2015 (draft, not signed off)\">"
    ));
    assert!(page.contains("class=\"draft\" role=\"note\">DRAFT — not signed off"));
    assert!(!page.contains("<script"), "no script is needed to read it");
    assert!(!page.contains("src=\"http"), "nothing is fetched");
    assert!(page.contains("@media print"));
}

#[test]
fn tables_have_column_and_row_headers_and_classes_in_words() {
    let page = page();
    assert!(page.contains("<th scope=\"col\">Baseline 2012/13</th>"));
    assert!(page.contains("<th scope=\"row\">Reduction in the number of 10-17 year olds entering"));
    // The class is said in words beside its colour and symbol.
    assert!(page.contains(
        "<strong>271</strong><span class=\"class-words\">significant improvement</span>"
    ));
    assert!(page.contains(
        "<strong>59653</strong><span class=\"class-words\">no significant change</span>"
    ));
}

#[test]
fn charts_are_inline_svg_with_their_text_alternative() {
    let built = common::build(&common::sample());
    let page = html::render(
        &built.records,
        &built.charts,
        &RenderOptions::draft(&built.records),
    );
    let chart = &built.records.appendix[0];
    let holder = format!(
        "<div class=\"chart\" role=\"img\" aria-label=\"{}\"><svg aria-hidden=\"true\"",
        html_escape::encode_double_quoted_attribute(&chart.alt)
    );
    assert!(page.contains(&holder), "{holder}");
    assert_eq!(
        page.matches("role=\"img\"").count(),
        built.records.appendix.len() + 1,
        "every SPC chart and the savings chart"
    );
    assert!(!page.contains("<?xml"));
}

#[test]
fn workbook_text_is_escaped_not_markup() {
    let mut w = common::minimal(|_| 10.0);
    w.sheet_mut("Priorities").unwrap().set(
        1,
        1,
        common::t("<script>alert(1)</script> & <b>bold</b>"),
    );
    let built = common::build(&w);
    let page = html::render(
        &built.records,
        &built.charts,
        &RenderOptions::draft(&built.records),
    );
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"));
}

#[test]
fn build_writes_the_page_beside_the_pdf() {
    let dir = common::dir_with_sample("w.xlsx");
    let out = common::run(
        dir.path(),
        &["build", "w.xlsx", "-o", "w.pdf", "--html", "w.html"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(dir.path().join("w.html")).unwrap();
    assert!(page.contains("<h1>Police &amp; Crime Plan Dashboard</h1>"));
    assert!(dir.path().join("w.pdf").exists());
}

/// Regression (issue 26): the page printed a layout's `theme.json` class
/// `symbol` unescaped, so a script in it ran in the draft page and in the
/// page archived by sign-off. Every text of the layout is escaped.
#[test]
fn a_layout_symbol_is_printed_as_text_never_as_markup() {
    let dir = common::dir_with_sample("w.xlsx");
    let lay = dir.path().join("lay");
    std::fs::create_dir(&lay).unwrap();
    std::fs::write(
        lay.join("main.typ"),
        boardpack::render::document::DASHBOARD_LAYOUT,
    )
    .unwrap();
    let mut theme = serde_json::to_value(boardpack::render::theme::theme()).unwrap();
    let script = "<script>alert(\"x\")</script>";
    for (i, symbol) in [script, "<img src=x onerror=alert(1)>", "&amp;\"'"]
        .iter()
        .enumerate()
    {
        theme["classes"][i]["symbol"] = (*symbol).into();
    }
    std::fs::write(lay.join("theme.json"), serde_json::to_vec(&theme).unwrap()).unwrap();
    let out = common::run(
        dir.path(),
        &[
            "build", "w.xlsx", "--layout", "lay", "-o", "d.pdf", "--html", "d.html",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = common::sign_off(
        dir.path(),
        "w.xlsx",
        "2016-01-28",
        "arch",
        &["--layout", "lay"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let archived = dir.path().join("arch/2015-12/v1/w.html");
    for page in [dir.path().join("d.html"), archived] {
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(!html.contains("<script"), "{}: a script", page.display());
        assert!(!html.contains("<img"), "{}: an image tag", page.display());
        assert!(
            html.contains("&lt;script&gt;alert(\"x\")&lt;/script&gt;"),
            "{}: the symbol is not printed as text",
            page.display()
        );
        assert!(html.contains("&amp;amp;"), "{}", page.display());
        // Read as a reader reads it, the symbol is itself.
        assert!(page_text(&html).contains(script), "{}", page.display());
    }
}
