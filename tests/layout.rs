//! Any workbook lays out: a stress workbook (24 priorities, 15-bullet
//! narratives, 200-character titles, long notes) keeps every input text and
//! every text line inside the page body, checked from the PDF's text
//! positions; an overflowing layout fails the build naming the priority.

mod common;

use common::glyphs::mul;

use boardpack::pipeline;
use boardpack::render::document::{Layout, RenderOptions};
use boardpack::support::xlsx::{SheetData, Value, WorkbookData};
use common::t;
use lopdf::content::Content;
use lopdf::{Document, Object};

/// A4 landscape in points, and the built-in layout's margins
/// (x 9 mm, top 9 mm, bottom 11 mm, the footer inside the bottom one).
const PAGE_W: f64 = 841.89;
const PAGE_H: f64 = 595.28;
const MM: f64 = 72.0 / 25.4;

fn title(i: usize) -> String {
    let base = format!("Priority {i} reduce the harm caused by a great many things in the communities of the force area, working with partners, ");
    let mut s = base.clone();
    while s.chars().count() < 200 {
        s.push_str("and listening to victims ");
    }
    s.chars()
        .take(200)
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// 24 priorities on the minimal workbook: tables, narratives with 15
/// bullets, long notes and assessments.
fn stress() -> WorkbookData {
    let mut data = common::minimal(|i| 100.0 + (i % 7) as f64);
    let pri = data.sheet_mut("Priorities").unwrap();
    pri.rows[1][1] = t(&title(1));
    pri.rows[1][4] = t(&format!(
        "Note for priority 1: {}",
        "long explanation of the source and its caveats, ".repeat(6)
    ));
    for i in 2..=24 {
        let (layout, columns) = match i % 3 {
            0 => ("narrative", ""),
            1 => ("assessment", "baseline, latest, var, assessment"),
            _ => ("table", "baseline, latest, var, projection"),
        };
        pri.row(vec![
            t(&i.to_string()),
            t(&title(i)),
            t(layout),
            if columns.is_empty() {
                Value::Empty
            } else {
                t(columns)
            },
            t(&format!(
                "Note {i}: {}",
                "figures are provisional until the year end audit is complete; ".repeat(3)
            )),
        ]);
    }
    let ind = data.sheet_mut("Indicators").unwrap();
    for i in 2..=24 {
        if i % 3 == 0 {
            continue;
        }
        ind.row(vec![
            t(&format!("C{i}")),
            t(&i.to_string()),
            t(&format!("Count row {i} with a long label describing exactly what is counted and where it comes from")),
            t("count"),
            t("down"),
            Value::Empty,
            Value::Empty,
            t(&format!("note {i}: recorded crime data, year to date, provisional")),
        ]);
    }
    let monthly = data.sheet_mut("Monthly").unwrap();
    let months: Vec<Value> = monthly.rows[1..]
        .iter()
        .filter(|r| matches!(&r[0], Value::Text(c) if c == "C"))
        .map(|r| r[1].clone())
        .collect();
    for i in 2..=24 {
        if i % 3 == 0 {
            continue;
        }
        for (k, m) in months.iter().enumerate() {
            monthly.row(vec![
                t(&format!("C{i}")),
                m.clone(),
                Value::Number((50 + (k * i) % 13) as f64),
            ]);
        }
    }
    let mut narrative = SheetData::new("Narrative", &["Section", "Kind", "Text"]);
    for i in 1..=24 {
        narrative.row(vec![
            t(&i.to_string()),
            t("heading"),
            t(&format!("Progress on priority {i}")),
        ]);
        for b in 1..=15 {
            narrative.row(vec![
                t(&i.to_string()),
                t("bullet"),
                t(&format!("Bullet {b} of priority {i}: the partnership has continued to deliver the plan, with reviews of every case and training for staff across the force area.")),
            ]);
        }
    }
    data.sheets.push(narrative);
    data
}

/// Every text-showing operator's position on each page, in points from the
/// page's bottom-left corner: (page, x, y, font size).
fn text_positions(pdf: &[u8]) -> Vec<(u32, f64, f64, f64)> {
    let doc = Document::load_mem(pdf).expect("the PDF parses");
    let mut out = Vec::new();
    for (number, id) in doc.get_pages() {
        let content = doc.get_page_content(id).expect("page content");
        let ops = Content::decode(&content)
            .expect("content decodes")
            .operations;
        // The current transformation matrix (scale and translation only:
        // Typst writes no rotation in the body) and the text matrix.
        let mut stack = vec![[1.0, 0.0, 0.0, 1.0, 0.0, 0.0]];
        let mut tm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
        let mut size = 0.0;
        let num = |o: &Object| {
            o.as_float()
                .map(f64::from)
                .or_else(|_| o.as_i64().map(|i| i as f64))
                .unwrap_or(0.0)
        };
        for op in ops {
            let a: Vec<f64> = op.operands.iter().map(num).collect();
            match op.operator.as_str() {
                "q" => stack.push(*stack.last().unwrap()),
                "Q" => {
                    stack.pop();
                }
                "cm" => {
                    let m = stack.last_mut().unwrap();
                    *m = mul([a[0], a[1], a[2], a[3], a[4], a[5]], *m);
                }
                "BT" => tm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
                "Tm" => tm = [a[0], a[1], a[2], a[3], a[4], a[5]],
                "Td" => tm = mul([1.0, 0.0, 0.0, 1.0, a[0], a[1]], tm),
                "Tf" => size = a[1],
                "Tj" | "TJ" => {
                    let m = mul(tm, *stack.last().unwrap());
                    out.push((number, m[4], m[5], size * m[3].abs()));
                }
                _ => {}
            }
        }
    }
    out
}

#[test]
fn stress_workbook_keeps_every_text_inside_the_page_body() {
    let data = stress();
    let built = common::build(&data);
    let text = common::pdf_text(&built.pdf);
    // Every input text is printed.
    for sheet in ["Priorities", "Indicators", "Narrative"] {
        for row in &data.sheet(sheet).unwrap().rows[1..] {
            for (c, cell) in row.iter().enumerate() {
                let Value::Text(s) = cell else { continue };
                // Codes, kinds, layouts and column lists are not printed as such.
                let printed = match sheet {
                    "Priorities" => c == 1 || c == 4,
                    "Indicators" => c == 2 || c == 7,
                    _ => c == 2,
                };
                if printed {
                    assert!(
                        text.contains(&common::normalise(s)),
                        "{sheet}: {s:?} is not in the PDF"
                    );
                }
            }
        }
    }
    // Every text line (its baseline less the descender, plus the cap
    // height Typst's line box reaches) lies inside the page body; only the footer's line
    // (at most 7 mm from the foot, inside the bottom margin) lies below it.
    let positions = text_positions(&built.pdf);
    assert!(
        positions.len() > 1000,
        "the PDF's text was read ({} runs)",
        positions.len()
    );
    let pages: std::collections::BTreeSet<u32> = positions.iter().map(|p| p.0).collect();
    assert!(
        pages.len() >= 5,
        "24 long priorities take several pages, got {}",
        pages.len()
    );
    let footer_line = 7.0 * MM;
    for &(page, x, y, size) in &positions {
        assert!(
            (9.0 * MM - 1.0..=PAGE_W - 9.0 * MM).contains(&x),
            "page {page}: text at x {x:.1}pt is past a side margin"
        );
        assert!(
            y + 0.75 * size <= PAGE_H - 9.0 * MM + 1.0,
            "page {page}: text at y {y:.1}pt is above the top margin"
        );
        let in_body = y - 0.25 * size >= 11.0 * MM - 0.5;
        let is_footer = y < footer_line && size <= 9.5;
        assert!(in_body || is_footer, "page {page}: text at y {y:.1}pt (size {size}) is past the bottom margin, over the footer");
    }
    // The footer's line is the only one in the bottom margin, and it is on every page.
    let footers = positions
        .iter()
        .filter(|p| p.2 < footer_line)
        .map(|p| p.0)
        .collect::<std::collections::BTreeSet<_>>();
    assert_eq!(footers, pages);
}

#[test]
fn stress_workbook_continues_a_panel_taller_than_a_column() {
    let text = common::pdf_text(&common::build(&stress()).pdf);
    // Priority 1 (a table and 15 bullets) is taller than a column: its
    // title continues marked, with the table's header repeated under it.
    let continued = format!("{} (continued) indicator", common::normalise(&title(1)));
    assert!(text.contains(&continued), "no {continued:?}");
    // 9 panels with a baseline column, and at least one header printed again.
    assert!(text.matches("indicator baseline 2012/13").count() > 9);
}

/// Issue #19: panels are laid out whole first, and one that ends at a
/// column's foot (too tall, however little) is laid out again to flow on.
/// Which ones flow is in the ejected project's `render.json`, so that the
/// Typst engine alone lays out the same pages.
#[test]
fn stress_workbook_ejected_compiles_alone_to_the_same_pages_long_panels_and_all() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("stress.xlsx"), stress().to_bytes().unwrap()).unwrap();
    let out = common::run(
        dir.path(),
        &[
            "build",
            "stress.xlsx",
            "--emit-typst",
            "project",
            "-o",
            "s.pdf",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let render: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("project/render.json")).unwrap())
            .unwrap();
    let long = render["long_panels"].as_array().expect("long_panels");
    assert!(
        long.iter().any(|k| k == "1"),
        "priority 1 is taller than a column: {long:?}"
    );
    let date = chrono::NaiveDate::from_ymd_opt(2015, 12, 31).unwrap();
    let alone =
        boardpack::render::document::render_project(&dir.path().join("project"), date).unwrap();
    let ours = std::fs::read(dir.path().join("s.pdf")).unwrap();
    let pages = |pdf: &[u8]| pdf_extract::extract_text_from_mem_by_pages(pdf).unwrap();
    assert_eq!(pages(&alone), pages(&ours));
}

/// Issue #16 (6): a run of bullets is one list, also in a panel that
/// continues over columns (each of its narrative runs a row of its own).
#[test]
fn stress_workbook_reads_each_run_of_bullets_as_one_list() {
    let pdf = common::build(&stress()).pdf;
    let r = common::reading(&Document::load_mem(&pdf).unwrap());
    let lists: Vec<usize> = (0..r.len())
        .filter(|&i| r[i].role == "L")
        .map(|l| r.iter().filter(|e| e.role == "LI" && e.parent == l).count())
        .collect();
    assert_eq!(lists, vec![15; 24]);
}

#[test]
fn overflowing_layout_fails_the_build_naming_the_priority() {
    let bytes = common::minimal(|i| 100.0 + i as f64).to_bytes().unwrap();
    let layout = Layout {
        name: "tall.typ".into(),
        source: r#"
#let margin = (top: 9mm, right: 9mm, bottom: 11mm, left: 9mm)
#metadata(margin) <boardpack-page>
#set page(paper: "a4", flipped: true, margin: margin, footer: [#block[footer] <boardpack-marginal>])
#metadata((kind: "priority", code: "1", title: "Test priority")) <boardpack-section>
#set document(title: "Tall")
#block(breakable: false, height: 195mm)[Tall #v(1fr) Past the margin]
"#
        .into(),
        files: Default::default(),
    };
    let Err(err) = pipeline::build(&bytes, |r| RenderOptions {
        layout: layout.clone(),
        ..RenderOptions::draft(r)
    }) else {
        panic!("content past the margin built");
    };
    let message = err.to_string();
    assert!(
        message.contains("priority 1 \"Test priority\""),
        "{message}"
    );
    assert!(
        message.contains("past the bottom margin (over the footer)"),
        "{message}"
    );
    assert!(message.contains("page "), "{message}");
}

/// The text of each page, whitespace folded.
fn page_texts(pdf: &[u8]) -> Vec<String> {
    let doc = Document::load_mem(pdf).expect("the PDF parses");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    pages
        .iter()
        .map(|p| common::normalise(&doc.extract_text(&[*p]).unwrap_or_default()))
        .collect()
}

#[test]
fn footnotes_print_at_the_foot_of_the_page_where_their_marker_is_used() {
    let built = common::build(&common::sample());
    let pages = page_texts(&built.pdf);
    let page_of = |needle: &str| {
        let needle = common::normalise(needle);
        pages
            .iter()
            .position(|p| p.contains(&needle))
            .unwrap_or_else(|| panic!("{needle:?} is not printed"))
    };
    // SP2's rows carry markers 1 and 2 on page 1; the KEY's * is on page 2.
    assert_eq!(
        page_of("Data held by partner agencies"),
        page_of("Reduction in offending by 18-24 year olds")
    );
    assert_eq!(
        page_of("A measure being developed with partners"),
        page_of("Reduction in offending by 18-24 year olds")
    );
    assert_eq!(
        page_of("within what chance variation would give"),
        page_of("KEY:")
    );
    // Marker 1 is used on four rows, its text printed once.
    let all = pages.join(" ");
    assert_eq!(all.matches("data held by partner agencies").count(), 1);
}

#[test]
fn key_names_the_comparisons_the_pack_prints() {
    let mut data = common::minimal(|i| 100.0 + i as f64);
    data.sheet_mut("Priorities").unwrap().rows[1][3] = t("ytd, lytd, var");
    let key = common::records(&data).records.key;
    let labels: Vec<&str> = key.iter().map(|k| k.label.as_str()).collect();
    // YTD figures are compared with the same period last year, never with the baseline.
    assert!(
        labels
            .iter()
            .any(|l| l.ends_with("as compared to the same period last year")),
        "{labels:?}"
    );
    assert!(
        !labels.iter().any(|l| l.contains("end of 2012/13")),
        "{labels:?}"
    );
    // The SPC row's icons are explained.
    assert_eq!(
        labels.iter().filter(|l| l.starts_with("SPC: ")).count(),
        3,
        "{labels:?}"
    );
    // The sample prints latest figures against the baseline: its KEY says so.
    let sample = common::records(&common::sample()).records.key;
    assert_eq!(
        sample[0].label,
        "Statistically Significant Improvements as compared to end of 2012/13"
    );
    assert_eq!(sample[1].footnote.as_deref(), Some("*"));
}

#[test]
fn number_style_and_rank_style_print_as_the_report_asks() {
    let plain = common::records(&common::minimal(|_| 1000.0)).records;
    let latest = |r: &boardpack::compute::records::Records, code: &str| {
        let row = r.rows.iter().find(|x| x.code == code).unwrap();
        row.cells
            .get(&boardpack::input::Column::Latest)
            .unwrap()
            .text
            .clone()
    };
    assert_eq!(latest(&plain, "C"), "12000");
    assert_eq!(latest(&plain, "R"), "2nd");
    let mut data = common::minimal(|_| 1000.0);
    data.sheet_mut("Report")
        .unwrap()
        .row(vec![t("number_style"), t("grouped")])
        .row(vec![t("rank_style"), t("of")]);
    let styled = common::records(&data).records;
    assert_eq!(latest(&styled, "C"), "12,000");
    assert_eq!(latest(&styled, "R"), "2nd of 3");
    // Proportions are untouched.
    assert_eq!(latest(&styled, "P"), latest(&plain, "P"));
}

#[test]
fn latest_window_with_its_last_month_missing_prints_n_a_with_a_footnote() {
    let mut data = common::minimal(|i| 100.0 + i as f64);
    let monthly = data.sheet_mut("Monthly").unwrap();
    // Drop December 2015 of the count row C.
    let dec = chrono::NaiveDate::from_ymd_opt(2015, 12, 1).unwrap();
    monthly
        .rows
        .retain(|r| !(matches!(&r[0], Value::Text(c) if c == "C") && r[1] == Value::Date(dec)));
    let built = common::build(&data);
    let row = built.records.rows.iter().find(|r| r.code == "C").unwrap();
    let cell = &row.cells[&boardpack::input::Column::Latest];
    assert_eq!(cell.text, "n/a");
    assert_eq!(cell.footnote.as_deref(), Some("No data for Dec 2015."));
    let text = common::pdf_text(&built.pdf);
    assert!(text.contains("n/a"), "{text}");
    assert!(text.contains("no data for dec 2015."), "{text}");
}
