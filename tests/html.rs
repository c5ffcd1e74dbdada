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

/// How the page prints `printed` with its spoken form `said`.
fn abbr(said: &str, printed: &str) -> String {
    format!(
        "<abbr title=\"{said}\"><span aria-hidden=\"true\">{printed}</span><span class=\"visually-hidden\">{said}</span></abbr>"
    )
}

/// The page's text as a reader sees it: tags dropped, what is only for
/// screen readers (`visually-hidden`) left out, entities decoded.
fn page_text(page: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut body = page[page.find("<body").unwrap()..].to_string();
    while let Some(a) = body.find("<span class=\"visually-hidden\">") {
        let b = a + body[a..].find("</span>").unwrap() + "</span>".len();
        body.replace_range(a..b, "");
    }
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
    assert!(page.contains(&format!(
        "<strong>271</strong>{PAUSE}<span class=\"class-words\">significant improvement</span>"
    )));
    assert!(page.contains(&format!(
        "<strong>59653</strong>{PAUSE}<span class=\"class-words\">no significant change</span>"
    )));
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
    // Named by its alt text's first clause, described by the whole (shown
    // under it: issue #31).
    let name = chart.alt.split(':').next().unwrap();
    assert_eq!(
        name,
        "SPC chart of SP1, monthly, April 2012 to December 2015"
    );
    let holder = format!(
        "<div class=\"chart\" role=\"img\" aria-label=\"{}\" aria-describedby=\"desc-spc-sp1-fte-svg\"><svg aria-hidden=\"true\"",
        html_escape::encode_double_quoted_attribute(name)
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

/// Issue #31 (5): "14ATo reduce Theft from Motor Vehicles" (the number glued
/// to the title in the heading and the region's name); (10) "Strategic
/// Priorities" was an empty `h2` beside the priorities' `h2`s.
#[test]
fn headings_separate_the_priority_number_from_its_title() {
    let page = page();
    let start = page
        .find("<h2 id=\"priorities\">Strategic Priorities</h2>")
        .unwrap();
    assert!(page[start..]
        .trim_start_matches(|c| c != '\n')
        .trim()
        .starts_with("<section class=\"priority\""));
    assert!(!page.contains("<h2 id=\"p-"), "priorities are h3 under it");
    assert!(page.contains(
        "<h3 id=\"p-14a\"><span class=\"num\">14A</span> To reduce Theft from Motor Vehicles</h3>"
    ));
    assert!(!page.contains("</span>To reduce"));
}

/// Issue #31 (1): table scroll areas were unnamed and not focusable.
#[test]
fn table_scroll_areas_are_named_focusable_regions() {
    let page = page();
    let wraps: Vec<&str> = page
        .match_indices("<div class=\"table-wrap\"")
        .map(|(i, _)| &page[i..i + page[i..].find('>').unwrap()])
        .collect();
    assert!(wraps.len() >= 15, "{}", wraps.len());
    for w in wraps {
        assert!(w.contains("role=\"region\""), "{w}");
        assert!(w.contains("tabindex=\"0\""), "{w}");
        let id = w
            .split("aria-labelledby=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let caption =
            format!("<caption id=\"{id}\" class=\"visually-hidden\">Indicators of priority ");
        assert!(page.contains(&caption), "{id} names it");
    }
}

/// Issue #31 (1, 2): the appendix grid and the charts made the page 368 px
/// wide at 320 px; printed without backgrounds, the white-on-navy headings
/// came out white on white.
#[test]
fn the_style_reflows_at_320_px_and_prints_headings_without_backgrounds() {
    let page = page();
    assert!(page.contains("minmax(min(22rem,100%),1fr)"));
    assert!(!page.contains("minmax(22rem,1fr)"));
    assert!(page.contains(".chart svg{display:block;max-width:100%;height:auto}"));
    let print = &page[page.find("@media print").unwrap()..];
    assert!(
        print.contains(".priority>h3{background:none;color:#1F3864"),
        "{print}"
    );
    // Printed, the sizes scale from 9 pt at the root: a row's note (.9rem)
    // printed larger than its label (9 pt on the body, rem on the screen's
    // 16 px root: the second listen-through); the smallest, .8rem, is 7.2 pt.
    assert!(print.starts_with("@media print{html{font-size:9pt}body{max-width:none}"));
    assert!(!page.contains("font-size:.7"), "nothing under .8rem");
    // Chart descriptions print (a closed `<details>` did not), once.
    let screen = &page[..page.find("@media print").unwrap()];
    assert!(screen.contains(".print-only{display:none}"));
    assert!(print.contains("details{display:none}.print-only{display:block}"));
}

/// Issue #31 (8): `NA` said "nah", `L.YTD` "L dot itd", `£20.3m` "pound
/// twenty point three m"; empty cells read "blank".
#[test]
fn abbreviations_have_spoken_forms_and_empty_cells_say_why() {
    let page = page();
    assert!(page.contains(&abbr("not available", "NA")));
    assert!(page.contains(&format!(
        "<th scope=\"col\">{}</th>",
        abbr("last year to date", "L.YTD")
    )));
    assert!(page.contains(&abbr("20.3 million pounds", "£20.3m")));
    assert!(!page.contains("<td></td>"));
    assert!(page.contains("<span class=\"visually-hidden\">not applicable</span>"));
    // No bare NA cell is left.
    assert!(!page.contains("<td>NA"));
}

/// Issue #31 (8): chart descriptions were in an `aria-label` that cannot be
/// read word by word, and said December's reading four times.
#[test]
fn chart_descriptions_are_visible_text_the_chart_refers_to_each_fact_once() {
    let built = common::build(&common::sample());
    let page = html::render(
        &built.records,
        &built.charts,
        &RenderOptions::draft(&built.records),
    );
    for c in &built.records.appendix {
        let id = format!(
            "desc-{}",
            boardpack::compute::wording::slug(c.chart.path().trim_start_matches("/charts/"))
        );
        assert!(page.contains(&format!("aria-describedby=\"{id}\"")), "{id}");
        let desc = format!("<p id=\"{id}\">{}</p>", html_escape::encode_text(&c.alt));
        assert!(page.contains(&desc), "{desc}");
        // A closed `<details>` does not print: the description is printed
        // from a paragraph shown only in print.
        let printed = format!(
            "</details>\n<p class=\"print-only\">{}</p>",
            html_escape::encode_text(&c.alt)
        );
        assert!(page.contains(&printed), "{printed}");
        // The figure says its latest reading once: in its caption.
        let start = page
            .find(&format!("<h3>{}</h3>", html_escape::encode_text(&c.title)))
            .unwrap();
        let figure = &page[start..start + page[start..].find("</figure>").unwrap()];
        let said = figure
            .to_lowercase()
            .matches(&c.reading_text.to_lowercase())
            .count();
        assert_eq!(said, 1, "{figure}");
    }
}

/// Issue #31 (5): footnote marks were bare `<sup>`, not links to their notes.
#[test]
fn footnote_marks_link_to_their_notes() {
    let page = page();
    let marks: Vec<&str> = page
        .match_indices("<sup>")
        .map(|(i, _)| &page[i..i + 40])
        .collect();
    assert!(!marks.is_empty());
    for m in marks {
        assert!(m.starts_with("<sup><a href=\"#note-"), "{m}");
    }
}

// ---- The listen-through of a workbook nobody had built (issue #31) -------

fn unseen_page() -> String {
    let built = common::build(&common::unseen::avon());
    html::render(
        &built.records,
        &built.charts,
        &RenderOptions::draft(&built.records),
    )
}

#[test]
fn a_footnote_mark_is_not_glued_to_the_row_header_read_with_every_cell() {
    // Chromium named the row header "Successful completions of drug
    // treatment2", and announced it so with each figure of the row.
    let page = unseen_page();
    assert!(
        page.contains(
            "Successful completions of drug treatment\u{2009}<sup><a href=\"#note-2\">2</a></sup>"
        ),
        "{}",
        &page[page.find("drug treatment").unwrap()..][..80]
    );
    for (i, _) in page.match_indices("<sup>") {
        assert!(page[..i].ends_with('\u{2009}'), "{}", &page[i - 40..i + 20]);
    }
}

#[test]
fn the_savings_table_is_named() {
    // It was the one table announced without a name.
    let page = unseen_page();
    let at = page.find("<th scope=\"col\">Item</th>").unwrap();
    let table = &page[page[..at].rfind("<table>").unwrap()..at];
    assert!(
        table.contains("<caption class=\"visually-hidden\">Savings of priority 6 Deliver £18.5m of savings by 2027/28 while protecting the front line</caption>"),
        "{table}"
    );
    assert_eq!(
        page.matches("<table>").count(),
        page.matches("<caption").count()
    );
}

#[test]
fn the_keys_months_and_changes_in_points_have_spoken_forms() {
    // The KEY's YTD and L.YTD, and a proportion's "+6.1pp", were said letter
    // by letter.
    let page = unseen_page();
    assert!(page.contains(&format!("<dt>{}</dt>", abbr("year to date", "YTD"))));
    assert!(page.contains(&format!("<dt>{}</dt>", abbr("last year to date", "L.YTD"))));
    assert!(page.contains(&abbr("plus 6.1 percentage points", "+6.1pp")));
    assert!(page.contains(&abbr("0.0 percentage points", "0.0pp")));
    assert!(!page.contains(">0.0pp</td>"));
}

#[test]
fn a_chart_with_no_headline_figures_is_named_by_its_first_clause() {
    // Its alt text has no ':' before "The monthly figures rise overall: …",
    // which the chart's name took in.
    let page = unseen_page();
    assert!(page.contains(
        "role=\"img\" aria-label=\"SPC chart of SP2, monthly, April 2023 to September 2026\""
    ));
    assert!(
        !page.contains("aria-label=\"SPC chart of SP2, monthly, April 2023 to September 2026. The")
    );
}

#[test]
fn money_in_a_priority_heading_has_its_spoken_form() {
    let unseen = unseen_page();
    assert!(unseen.contains(&format!(
        "<span class=\"num\">6</span> Deliver {} of savings",
        abbr("18.5 million pounds", "£18.5m")
    )));
    assert!(page().contains(&format!(
        "deliver over {} in revenue saving",
        abbr("20 million pounds", "£20m")
    )));
}

#[test]
fn the_savings_chart_is_named_and_its_items_read_once_in_the_table_after_it() {
    // The chart's name listed every item and amount, and the table after
    // it read them again.
    let page = page();
    assert!(page.contains("role=\"img\" aria-label=\"Bar chart of savings\">"));
    assert_eq!(page.matches("Savings realised to date").count(), 1);
    // Read once, in the table (its `<abbr>`'s title is a pointer's tooltip).
    assert_eq!(page.matches(">16.1 million pounds</span>").count(), 1);
    assert!(!page
        .split("aria-label=\"")
        .skip(1)
        .any(|l| l[..l.find('"').unwrap()].contains("16.1")));
}

// ---- The second listen-through: Cumbria, March 2027 ----------------------

/// The unseen comma between a figure, its class and its note.
const PAUSE: &str = "<span class=\"visually-hidden\">, </span>";

#[test]
fn a_figure_its_class_and_its_note_are_said_with_pauses_not_as_one_phrase() {
    // Chromium named the cell "702 significant deterioration To Feb 27": the
    // note heard as the deterioration's date.
    let built = common::build(&common::cumbria::cumbria());
    let page = html::render(
        &built.records,
        &built.charts,
        &RenderOptions::draft(&built.records),
    );
    assert!(
        page.contains(&format!(
            "<strong>702</strong>{PAUSE}<span class=\"class-words\">significant deterioration</span>{PAUSE}<span class=\"note class-words\">To Feb 27</span></td>"
        )),
        "{}",
        &page[page.find("<strong>702").unwrap()..][..300]
    );
    // A figure with a note and no class.
    assert!(page.contains(&format!(
        "<td>76.4%{PAUSE}<span class=\"note class-words\">To Feb 27</span></td>"
    )));
}

#[test]
fn the_keys_months_have_their_spoken_form() {
    // "Apr 2023–Mar 2024 (12 months)" was read with its months abbreviated
    // and no "to" for the dash.
    let built = common::build(&common::cumbria::cumbria());
    let cumbria = html::render(
        &built.records,
        &built.charts,
        &RenderOptions::draft(&built.records),
    );
    assert!(cumbria.contains(&format!(
        "<dd>{}</dd>",
        abbr(
            "April 2023 to March 2024 (12 months)",
            "Apr 2023–Mar 2024 (12 months)"
        )
    )));
    assert!(page().contains(&abbr(
        "January to December 2015 (12 months)",
        "Jan–Dec 2015 (12 months)"
    )));
}

/// Issue #31, the second listen-through: the SPC cell read "SPC variance,
/// SPC: Special cause improvement", "SPC" twice.
#[test]
fn the_spc_reading_is_said_once_under_its_row_header() {
    let page = page();
    let rows: Vec<&str> = page
        .match_indices("<th scope=\"row\">SPC variance</th>")
        .map(|(i, _)| &page[i..i + page[i..].find("</tr>").unwrap()])
        .collect();
    assert!(!rows.is_empty());
    for row in rows {
        assert!(
            !row.contains("SPC: "),
            "the cell repeats its row header: {row}"
        );
        assert!(
            row.contains("\">Common cause</span>") || row.contains("\">Special cause "),
            "{row}"
        );
    }
}
