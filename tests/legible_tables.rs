//! Issue #25: tables that can be read, and packs told apart. A long
//! `Values` note or label never prints text over text (read from the PDF's
//! glyph positions) and the Indicator column keeps a third of the panel; a
//! layout that prints text over text fails the build naming the priority;
//! the force is on every page and in the PDF's title; the KEY says which
//! months each column covers; appendix titles name the priority's number
//! and the indicator's label.

mod common;

use boardpack::input::Column;
use boardpack::pipeline;
use boardpack::render::document::{Layout, RenderOptions};
use boardpack::support::xlsx::{SheetData, Value, WorkbookData};
use chrono::NaiveDate;
use common::{glyphs, t};
use lopdf::Document;

/// A4 landscape's width in points, the built-in layout's side margins and
/// column gutter.
const PAGE_W: f64 = 841.89;
const MM: f64 = 72.0 / 25.4;

const LONG_LABEL: &str = "Percentage of victims of crime who are satisfied with the whole experience of the service they received, from first contact to the outcome";

/// The minimal workbook with every window column, long labels, and long
/// `Values` notes beside figures: the tables of issue #25 ("focused"
/// printed over `NA`, "with" over `84.2%`, the labels one word a line).
fn long_notes() -> WorkbookData {
    let mut data = common::minimal(|i| 100.0 + (i % 5) as f64);
    let pri = data.sheet_mut("Priorities").unwrap();
    pri.rows[1][3] = t("baseline, latest, var, ytd, lytd, projection");
    let ind = data.sheet_mut("Indicators").unwrap();
    ind.rows[1][2] =
        t("Number of victim based crimes recorded by the force, all offences, excluding fraud");
    ind.rows[2][2] = t(LONG_LABEL);
    ind.rows[1][7] = t("(victim focused measure agreed with partners)");
    let mut values = SheetData::new("Values", &["Indicator", "Column", "Value", "Base", "Note"]);
    values
        .row(vec![
            t("C"),
            t("ytd"),
            t("NA"),
            Value::Empty,
            t("Victim focused outcomes are being developed with partners and will be reported from April"),
        ])
        .row(vec![
            t("P"),
            t("latest"),
            t("84.2%"),
            Value::Empty,
            t("Survey with a new question set from May 2015, not comparable with the baseline year"),
        ])
        .row(vec![
            t("P"),
            t("lytd"),
            t("NA"),
            Value::Empty,
            t("Not surveyed in the same period last year: the survey began in the summer"),
        ]);
    data.sheets.push(values);
    data
}

/// Regression (issue #25): with long `Values` notes the Indicator column
/// collapsed to one word a line and notes printed over figures.
#[test]
fn long_values_notes_and_labels_print_no_text_over_text() {
    let built = common::build(&long_notes());
    let all = glyphs::glyphs(&built.pdf);
    assert!(
        all.iter().filter(|g| g.page == 1).count() > 300,
        "page 1's text was read"
    );
    if let Some((a, b)) = glyphs::first_overlap(&all, 1) {
        panic!("{a:?} prints over {b:?}");
    }
    // Every note is printed whole.
    let text = common::pdf_text(&built.pdf);
    for note in [
        "Victim focused outcomes are being developed with partners and will be reported from April",
        "not comparable with the baseline year",
        "the survey began in the summer",
    ] {
        assert!(
            text.contains(&common::normalise(note)),
            "{note:?} is not printed"
        );
    }
    // The Indicator column is at least a third of the panel: every figure
    // column's heading starts to its right.
    let column = (PAGE_W - 18.0 * MM - 2.0 * 4.0 * MM) / 3.0;
    let third = 9.0 * MM + column / 3.0;
    let words = glyphs::words(&all, 1);
    for heading in ["Baseline", "Latest", "YTD", "L.YTD", "Projection"] {
        let w = words
            .iter()
            .find(|w| w.text == heading)
            .unwrap_or_else(|| panic!("no heading {heading}"));
        assert!(
            w.left >= third,
            "{heading} starts {:.1} mm from the panel's left, inside its first third ({:.1} mm)",
            (w.left - 9.0 * MM) / MM,
            column / 3.0 / MM
        );
    }
    // The long label (136 characters) wraps within its third, not one
    // word a line: its 24 words lie on at most eight lines.
    let first = words.iter().find(|w| w.text == "Percentage").unwrap();
    let last = words.iter().find(|w| w.text == "outcome").unwrap();
    let lines = ((first.bottom - last.bottom) / (1.14 * first.size)).round() as usize + 1;
    assert!(lines <= 8, "the long label takes {lines} lines");
}

/// The published sample and the stress tests lay out with no text over text.
#[test]
fn the_sample_prints_no_text_over_text() {
    let built = common::build(&common::sample());
    let all = glyphs::glyphs(&built.pdf);
    for page in [1, 2] {
        if let Some((a, b)) = glyphs::first_overlap(&all, page) {
            panic!("page {page}: {a:?} prints over {b:?}");
        }
    }
}

#[test]
fn a_layout_printing_text_over_text_fails_the_build_naming_the_priority() {
    let bytes = common::minimal(|i| 100.0 + i as f64).to_bytes().unwrap();
    let layout = Layout {
        name: "over.typ".into(),
        source: r#"
#let margin = (top: 9mm, right: 9mm, bottom: 11mm, left: 9mm)
#metadata(margin) <boardpack-page>
#set page(paper: "a4", flipped: true, margin: margin, footer: [#block[footer] <boardpack-marginal>])
#set document(title: "Over")
#metadata((kind: "priority", code: "1", key: "1", title: "Test priority")) <boardpack-section>
#block(width: 60mm)[
  #place(top + left)[focused]
  #place(top + left, dx: 2pt)[NA]
  #v(20mm)
]
"#
        .into(),
        files: Default::default(),
    };
    let Err(err) = pipeline::build(&bytes, |r| RenderOptions {
        layout: layout.clone(),
        ..RenderOptions::draft(r)
    }) else {
        panic!("text over text built");
    };
    let message = err.to_string();
    assert!(
        message.contains("page 1: priority 1 \"Test priority\" prints \"focused\" over \"NA\""),
        "{message}"
    );
    assert!(
        message.contains("expected no text over other text"),
        "{message}"
    );
}

/// A text entry of the document information dictionary.
fn info(pdf: &[u8], key: &[u8]) -> String {
    let doc = Document::load_mem(pdf).unwrap();
    let id = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let dict = doc.get_dictionary(id).unwrap();
    lopdf::decode_text_string(dict.get(key).unwrap()).unwrap()
}

/// The text of each page, whitespace folded.
fn pages(pdf: &[u8]) -> Vec<String> {
    pdf_extract::extract_text_from_mem_by_pages(pdf)
        .unwrap()
        .iter()
        .map(|p| common::normalise(p))
        .collect()
}

/// Regression (issue #25): packs of a batch could not be told apart: the
/// force was named nowhere on the pages, and every PDF had the same title.
#[test]
fn the_force_is_on_every_page_and_in_the_pdf_title() {
    let built = common::build(&common::sample());
    assert_eq!(
        info(&built.pdf, b"Title"),
        "DRAFT — not signed off: Police & Crime Plan Dashboard — Leicestershire (Leicester, Leicestershire and Rutland) — Period ended December 2015"
    );
    let texts = pages(&built.pdf);
    assert!(texts.len() >= 3, "{} pages", texts.len());
    for (i, p) in texts.iter().enumerate() {
        assert!(
            p.contains("leicestershire (leicester, leicestershire and rutland) · page"),
            "page {} does not name the force",
            i + 1
        );
    }
    // Another force, without an area: its name alone; with one, both.
    let mut data = common::minimal(|i| 100.0 + i as f64);
    let built = common::build(&data);
    assert_eq!(
        info(&built.pdf, b"Title"),
        "DRAFT — not signed off: Test Dashboard — Home — Period ended December 2015"
    );
    for p in pages(&built.pdf) {
        assert!(p.contains("home · page"), "{p}");
    }
    set_report(&mut data, "area", t("Northshire and the Isles"));
    let built = common::build(&data);
    assert_eq!(
        info(&built.pdf, b"Title"),
        "DRAFT — not signed off: Test Dashboard — Home (Northshire and the Isles) — Period ended December 2015"
    );
    for p in pages(&built.pdf) {
        assert!(p.contains("home (northshire and the isles) · page"), "{p}");
    }
}

/// Sets (or adds) a field of sheet `Report`.
fn set_report(data: &mut WorkbookData, field: &str, value: Value) {
    let report = data.sheet_mut("Report").unwrap();
    match report.rows.iter_mut().find(|r| r[0] == t(field)) {
        Some(row) => row[1] = value,
        None => {
            report.row(vec![t(field), value]);
        }
    }
}

/// The minimal workbook reporting `month` of 2015 (its series cut there),
/// printing every window column.
fn reporting(month: u32) -> WorkbookData {
    let mut data = common::minimal(|i| 100.0 + (i % 5) as f64);
    let end = NaiveDate::from_ymd_opt(2015, month + 1, 1)
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(2016, 1, 1).unwrap())
        .pred_opt()
        .unwrap();
    set_report(&mut data, "period_end", Value::Date(end));
    data.sheet_mut("Priorities").unwrap().rows[1][3] =
        t("baseline, latest, var, ytd, lytd, projection");
    data.sheet_mut("Monthly")
        .unwrap()
        .rows
        .retain(|r| !matches!(&r[1], Value::Date(d) if *d > end));
    data
}

/// Regression (issue #25): a March YTD of 12 months and a June YTD of 3
/// looked alike: the KEY says which months each column covers.
#[test]
fn the_key_says_which_months_each_column_covers_in_a_december_and_a_june_pack() {
    for (month, expected) in [
        (
            12,
            [
                ("Baseline 2012/13", "Apr 2012–Mar 2013 (12 months)"),
                ("Latest 12 months", "Jan–Dec 2015 (12 months)"),
                ("YTD", "Apr–Dec 2015 (9 months)"),
                ("L.YTD", "Apr–Dec 2014 (9 months)"),
                ("Projection 2016/17", "Apr 2016–Mar 2017 (12 months)"),
            ],
        ),
        (
            6,
            [
                ("Baseline 2012/13", "Apr 2012–Mar 2013 (12 months)"),
                ("Latest 12 months", "Jul 2014–Jun 2015 (12 months)"),
                ("YTD", "Apr–Jun 2015 (3 months)"),
                ("L.YTD", "Apr–Jun 2014 (3 months)"),
                ("Projection 2016/17", "Apr 2016–Mar 2017 (12 months)"),
            ],
        ),
    ] {
        let built = common::build(&reporting(month));
        let periods: Vec<(&str, &str)> = built
            .records
            .key_periods
            .iter()
            .map(|k| (k.label.as_str(), k.months.as_str()))
            .collect();
        assert_eq!(periods, expected, "month {month}");
        assert_eq!(built.records.key_periods[2].column, Column::Ytd);
        // Printed in the KEY, under its heading, after the classes.
        let text = common::pdf_text(&built.pdf);
        let key = text.find("key:").expect("the KEY is printed");
        let heading = text[key..]
            .find("months each column covers:")
            .map(|i| key + i)
            .expect("the KEY's months are printed");
        for (label, months) in expected {
            let line = common::normalise(&format!("{label} {months}"));
            assert!(
                text[heading..].contains(&line),
                "{line:?} not in the KEY: {}",
                &text[heading..]
            );
        }
    }
    // Only the columns a pack prints: the minimal workbook's table has
    // no YTD or L.YTD.
    let minimal = common::records(&common::minimal(|_| 100.0))
        .records
        .key_periods;
    let columns: Vec<Column> = minimal.iter().map(|k| k.column).collect();
    assert_eq!(
        columns,
        [Column::Baseline, Column::Latest, Column::Projection]
    );
}

/// Regression (issue #25): appendix titles read "SP" + the priority's
/// code ("SP1 Count row").
#[test]
fn appendix_titles_name_the_priority_number_and_the_indicator_label() {
    let built = common::build(&common::minimal(|i| 100.0 + i as f64));
    let titles: Vec<&str> = built
        .records
        .appendix
        .iter()
        .map(|c| c.title.as_str())
        .collect();
    assert_eq!(
        titles,
        ["Priority 1: Count row", "Priority 1: Proportion row"]
    );
    let text = common::pdf_text(&built.pdf);
    assert!(text.contains("priority 1: count row"), "{text}");
    let sample = common::records(&common::sample()).records;
    let offences = sample
        .appendix
        .iter()
        .find(|c| c.indicator == "SP11.offences")
        .unwrap();
    assert_eq!(offences.title, "Priority 11: Number of offences");
    assert!(sample.appendix.iter().all(|c| !c.title.starts_with("SP")));
}

/// The HTML page agrees with the PDF: the force, the KEY's months, the
/// appendix titles.
#[test]
fn the_html_page_names_the_force_the_keys_months_and_the_appendix_titles() {
    let built = common::build(&common::sample());
    let page = boardpack::render::html::render(
        &built.records,
        &built.charts,
        &RenderOptions::draft(&built.records),
    );
    assert!(
        page.contains("· Leicestershire (Leicester, Leicestershire and Rutland)"),
        "the masthead names the force"
    );
    assert!(page.contains("<p>Months each column covers:</p>"));
    // The months as printed, and said in words (the second listen-through).
    assert!(page.contains(
        "<dt>Latest 12 months</dt><dd><abbr title=\"January to December 2015 (12 months)\"><span aria-hidden=\"true\">Jan–Dec 2015 (12 months)</span>"
    ));
    assert!(page.contains("<h3>Priority 11: Number of offences</h3>"));
}

/// A label with a run of characters too long for any line (a code, a
/// pasted address) breaks within the run instead of running over the
/// figures (found by the property test of random labels).
#[test]
fn a_label_with_nowhere_to_break_wraps_instead_of_running_over_the_figures() {
    // A baseline of 1 (its column narrow) beside five-digit figures.
    let data = common::minimal(|i| match i {
        0..=10 => 0.0,
        11 => 1.0,
        _ => 24_838.0 + (i as f64) * 1_237.0,
    });
    // The second: its run's own break points (after `/`, before `-`) lay
    // further apart than the column is wide; it ran over the baseline.
    for label in [
        "p=tSu=.~=T{g_G\"pZP[oc<`y$M`$Trwh_J.;u.=Xq",
        "~![q=WQ\\(#`</'H*&.V.#u3t39\\3&UU5*-%'?DyH=UX[5U]{?*",
    ] {
        let mut data = data.clone();
        data.sheet_mut("Indicators").unwrap().rows[1][2] = t(label);
        let built = common::build(&data);
        let all = glyphs::glyphs(&built.pdf);
        if let Some((a, b)) = glyphs::first_overlap(&all, 1) {
            panic!("{label}: {a:?} prints over {b:?}");
        }
    }
}
