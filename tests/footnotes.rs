//! Issue #25: footnote numbers were wrong in every pack that used a footnote
//! twice. A marker used a second time printed Typst's footnote counter, not
//! the marker (the KEY's `*` as `5`, a row's `3` as `4`), and the first
//! missing-month note was lettered `c` with no `a` or `b`.
//!
//! These read the PDF as a reader meets it: each page's text, and the link
//! annotations of the marks (each labelled with its marker, each going to its
//! note at the foot of its own page); and the HTML page's marks and notes.

mod common;

use boardpack::input::Column;
use boardpack::support::xlsx::{Value, WorkbookData};
use common::t;
use lopdf::{Document, Object};

/// A footnote's mark as the PDF has it: the page it is on, the label of its
/// link (`Footnote 1`), and the page its link goes to.
#[derive(Debug)]
struct Mark {
    page: usize,
    label: String,
    to_page: usize,
}

/// The links of the PDF's pages labelled `Footnote …`: the footnotes' marks.
fn marks(pdf: &[u8]) -> Vec<Mark> {
    let doc = Document::load_mem(pdf).expect("the PDF loads");
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().values().copied().collect();
    let page_of = |id: lopdf::ObjectId| pages.iter().position(|p| *p == id).map(|i| i + 1);
    let mut out = Vec::new();
    for (i, &page) in pages.iter().enumerate() {
        let dict = doc.get_dictionary(page).unwrap();
        let Ok(annots) = dict.get(b"Annots") else {
            continue;
        };
        for a in common::resolve(&doc, annots).as_array().unwrap() {
            let a = common::resolve(&doc, a).as_dict().unwrap();
            if a.get(b"Subtype").and_then(|s| s.as_name()).ok() != Some(b"Link".as_slice()) {
                continue;
            }
            let label = a
                .get(b"Contents")
                .map(|c| lopdf::decode_text_string(common::resolve(&doc, c)).unwrap())
                .unwrap_or_default();
            if !label.starts_with("Footnote ") {
                continue;
            }
            let dest = match a.get(b"Dest") {
                Ok(d) => common::resolve(&doc, d).clone(),
                Err(_) => {
                    let action = common::resolve(&doc, a.get(b"A").unwrap())
                        .as_dict()
                        .unwrap();
                    common::resolve(&doc, action.get(b"D").unwrap()).clone()
                }
            };
            let dest = named(&doc, dest);
            let target = dest.as_array().expect("an explicit destination")[0]
                .as_reference()
                .unwrap();
            out.push(Mark {
                page: i + 1,
                label,
                to_page: page_of(target).expect("the link goes to a page"),
            });
        }
    }
    out
}

/// An explicit destination, looked up in the catalog's `Dests` name tree
/// when the link names it.
fn named(doc: &Document, dest: Object) -> Object {
    let name = match &dest {
        Object::String(s, _) => s.clone(),
        Object::Name(n) => n.clone(),
        _ => return dest,
    };
    let catalog = doc.catalog().unwrap();
    let names = common::resolve(doc, catalog.get(b"Names").unwrap())
        .as_dict()
        .unwrap();
    let tree = common::resolve(doc, names.get(b"Dests").unwrap());
    fn find(doc: &Document, node: &Object, name: &[u8]) -> Option<Object> {
        let node = common::resolve(doc, node).as_dict().ok()?;
        if let Ok(pairs) = node.get(b"Names").and_then(|n| n.as_array()) {
            for pair in pairs.chunks(2) {
                if let Object::String(k, _) = &pair[0] {
                    if k == name {
                        let v = common::resolve(doc, &pair[1]).clone();
                        return Some(match v {
                            Object::Dictionary(d) => d.get(b"D").unwrap().clone(),
                            other => other,
                        });
                    }
                }
            }
        }
        if let Ok(kids) = node.get(b"Kids").and_then(|k| k.as_array()) {
            return kids.iter().find_map(|k| find(doc, k, name));
        }
        None
    }
    find(doc, tree, &name).expect("the named destination exists")
}

/// Each page's text, whitespace folded, lower case.
fn page_texts(pdf: &[u8]) -> Vec<String> {
    let doc = Document::load_mem(pdf).unwrap();
    doc.get_pages()
        .keys()
        .map(|p| common::normalise(&doc.extract_text(&[*p]).unwrap_or_default()))
        .collect()
}

/// Sets `Indicators.Footnote` of the indicator `code`.
fn set_marker(data: &mut WorkbookData, code: &str, marker: &str) {
    let row = common::row_of(data, "Indicators", code);
    let sheet = data.sheet_mut("Indicators").unwrap();
    let col = sheet.col("Footnote").unwrap();
    sheet.set(row, col, t(marker));
}

/// Drops one month of an indicator's `Monthly` rows.
fn drop_month(data: &mut WorkbookData, code: &str, year: i32, month: u32) {
    let monthly = data.sheet_mut("Monthly").unwrap();
    let before = monthly.rows.len();
    monthly.rows.retain(|r| {
        let this = matches!(&r[0], Value::Text(c) if c == code);
        let when = matches!(&r[1], Value::Date(d) if chrono::Datelike::year(d) == year && chrono::Datelike::month(d) == month);
        !(this && when)
    });
    assert_eq!(
        monthly.rows.len(),
        before - 1,
        "{code} had a row for {year}-{month}"
    );
}

const ONE: &str = "Data held by partner agencies: not yet available for this period.";
const KEY_STAR: &str = boardpack::support::starter::KEY_STAR;

/// The sample with marker `1` also on a row of the second page, and
/// December 2015 missing from a count on each page (the same note twice)
/// and November 2015 from another on the first.
fn workbook() -> WorkbookData {
    let mut data = common::sample();
    set_marker(&mut data, "SP17.storm", "1");
    drop_month(&mut data, "SP1.fte", 2015, 11);
    drop_month(&mut data, "SP11.offences", 2015, 12);
    drop_month(&mut data, "SP17.storm", 2015, 12);
    data
}

#[test]
fn a_marker_used_again_prints_the_marker_not_typsts_footnote_counter() {
    let data = workbook();
    let built = common::build(&data);
    // The pages settle: Typst warns of no layout that did not converge.
    assert!(
        built.layout_warnings.is_empty(),
        "{:?}",
        built.layout_warnings
    );
    let records = &built.records;

    // The computation gives the automatic notes their letters, in print
    // order: SP1's November first, then December, shared by both rows.
    let marker = |code: &str| {
        common::cell(&common::records(&data), code, Column::Latest).and_then(|c| c.footnote_marker)
    };
    assert_eq!(marker("SP1.fte").as_deref(), Some("a"));
    assert_eq!(marker("SP11.offences").as_deref(), Some("b"));
    assert_eq!(marker("SP17.storm").as_deref(), Some("b"));
    let notes: Vec<(&str, &str)> = records
        .footnotes
        .iter()
        .map(|f| (f.marker.as_str(), f.text.as_str()))
        .collect();
    assert!(notes.contains(&("a", "No data for Nov 2015.")), "{notes:?}");
    assert!(notes.contains(&("b", "No data for Dec 2015.")), "{notes:?}");

    let pages = page_texts(&built.pdf);
    let marks = marks(&built.pdf);
    // Every mark is a link to its note on its own page.
    for m in &marks {
        assert_eq!(m.page, m.to_page, "{m:?} links to another page");
    }
    let on = |label: &str| -> Vec<usize> {
        marks
            .iter()
            .filter(|m| m.label == format!("Footnote {label}"))
            .map(|m| m.page)
            .collect()
    };
    // Marker 1: three rows on page 1, and SP17's on page 2.
    assert_eq!(on("1"), [1, 1, 1, 2], "{marks:?}");
    assert_eq!(on("2").len(), 2, "{marks:?}");
    assert_eq!(on("3").len(), 1, "{marks:?}");
    // The KEY's * is a * (it printed as 5), on the KEY's page.
    let key_page = 1 + pages.iter().position(|p| p.contains("key:")).unwrap();
    assert_eq!(on("*"), [key_page], "{marks:?}");
    assert_eq!(on("a"), [1], "{marks:?}");
    assert_eq!(on("b"), [1, 2], "{marks:?}");
    // No mark prints anything else: no counter's number, no letter unused.
    let labels: std::collections::BTreeSet<&str> = marks.iter().map(|m| m.label.as_str()).collect();
    assert_eq!(
        labels.into_iter().collect::<Vec<_>>(),
        [
            "Footnote *",
            "Footnote 1",
            "Footnote 2",
            "Footnote 3",
            "Footnote a",
            "Footnote b"
        ]
    );

    // Each note's text prints once on each page its marker is used on, and
    // on no other page.
    let dec = common::normalise("No data for Dec 2015.");
    for (i, page) in pages.iter().enumerate() {
        let n = i + 1;
        let expect = |texts: &str, marker: &str| {
            let used = on(marker).contains(&n);
            let count = page.matches(&common::normalise(texts)).count();
            assert_eq!(
                count,
                usize::from(used),
                "page {n}: note {marker} printed {count} times\n{page}"
            );
        };
        expect(ONE, "1");
        expect(KEY_STAR, "*");
        expect("No data for Nov 2015.", "a");
        assert_eq!(
            page.matches(&dec).count(),
            usize::from(on("b").contains(&n)),
            "page {n}"
        );
    }
    // The note prints after its own marker at the page's foot.
    assert!(
        pages[0].contains(&format!("1 {}", common::normalise(ONE))),
        "{}",
        pages[0]
    );
    assert!(pages[1].contains(&format!("b {dec}")), "{}", pages[1]);
}

#[test]
fn the_html_page_prints_the_same_markers_linked_to_the_same_notes() {
    let built = common::build(&workbook());
    let options = boardpack::render::document::RenderOptions::draft(&built.records);
    let html = boardpack::render::html::render(&built.records, &built.charts, &options);
    let link = |id: &str, m: &str| format!("<sup><a href=\"#{id}\">{m}</a></sup>");
    assert_eq!(html.matches(&link("note-1", "1")).count(), 4);
    assert_eq!(html.matches(&link("note-2", "2")).count(), 2);
    assert_eq!(html.matches(&link("note-_2a", "*")).count(), 1);
    assert_eq!(html.matches(&link("note-a", "a")).count(), 1);
    assert_eq!(html.matches(&link("note-b", "b")).count(), 2);
    // One note per marker, each once, with its text.
    for (id, m, text) in [
        ("note-1", "1", ONE),
        ("note-_2a", "*", KEY_STAR),
        ("note-a", "a", "No data for Nov 2015."),
        ("note-b", "b", "No data for Dec 2015."),
    ] {
        let note = format!(
            "<dt id=\"{id}\">{}</dt><dd>{}</dd>",
            html_escape::encode_text(m),
            html_escape::encode_text(text)
        );
        assert_eq!(html.matches(&note).count(), 1, "{note}");
        assert_eq!(html.matches(&format!("id=\"{id}\"")).count(), 1);
    }
    // The automatic notes print as notes, not in their cells.
    assert_eq!(html.matches("No data for Dec 2015.").count(), 1);
}

/// `init`'s workbook has a `Footnotes` sheet with a `*` row: its KEY's `*`
/// printed as a number, and its first missing month's note as `c`.
#[test]
fn an_init_workbook_prints_the_keys_star_and_letters_its_first_gap_a() {
    let mut data =
        boardpack::support::starter::starter(chrono::NaiveDate::from_ymd_opt(2016, 9, 30).unwrap());
    // A second count, level (so the KEY prints "no significant change" and
    // its *), and August 2016 missing from the example's offences.
    let indicators = data.sheet_mut("Indicators").unwrap();
    let mut calls = indicators.rows[1].clone();
    calls[0] = t("SP1.calls");
    calls[2] = t("Calls for service");
    indicators.rows.insert(2, calls);
    let monthly = data.sheet_mut("Monthly").unwrap();
    let months: Vec<Value> = monthly.rows[1..]
        .iter()
        .filter(|r| matches!(&r[0], Value::Text(c) if c == "SP1.offences"))
        .map(|r| r[1].clone())
        .collect();
    for m in months {
        monthly.row(vec![t("SP1.calls"), m, Value::Number(500.0)]);
    }
    drop_month(&mut data, "SP1.offences", 2016, 8);
    // The analyst's own marker 1 on both counts: the gap's note after it
    // was lettered `b`.
    set_marker(&mut data, "SP1.offences", "1");
    set_marker(&mut data, "SP1.calls", "1");
    data.sheet_mut("Footnotes").unwrap().row(vec![
        t("1"),
        t("Recorded crime, as the Home Office counts it."),
    ]);

    let built = common::build(&data);
    let marks = marks(&built.pdf);
    let labels: Vec<(&str, usize)> = marks.iter().map(|m| (m.label.as_str(), m.page)).collect();
    assert_eq!(
        labels,
        [
            ("Footnote 1", 1),
            ("Footnote a", 1),
            ("Footnote 1", 1),
            ("Footnote *", 1)
        ],
        "{marks:?}"
    );
    assert!(marks.iter().all(|m| m.to_page == m.page), "{marks:?}");
    let pages = page_texts(&built.pdf);
    assert_eq!(pages[0].matches(&common::normalise(KEY_STAR)).count(), 1);
    assert_eq!(pages[0].matches("no data for aug 2016.").count(), 1);
    assert!(pages[0].contains("a no data for aug 2016."), "{}", pages[0]);
    assert!(
        pages[0].contains(&format!("* {}", common::normalise(KEY_STAR))),
        "{}",
        pages[0]
    );
}

/// The text an element and everything within it reads.
fn read_within(r: &[common::Elem], i: usize) -> String {
    let inside = |mut j: usize| loop {
        if j == i {
            return true;
        }
        if j == 0 {
            return false;
        }
        j = r[j].parent;
    };
    (i..r.len())
        .take_while(|&j| inside(j))
        .map(|j| r[j].text.as_str())
        .collect()
}

/// The signed-off pack (PDF/UA-1) reads each mark as a link labelled with
/// its marker, and each note once a page, after the mark that declares it.
#[test]
fn the_final_packs_marks_are_links_with_their_markers_and_notes() {
    let s = boardpack::pack::signoff::SignOff::new(
        "J",
        "R",
        chrono::NaiveDate::from_ymd_opt(2016, 1, 28).unwrap(),
        None,
        "w.xlsx",
    );
    let bytes = workbook().to_bytes().unwrap();
    let pdf = boardpack::pack::signoff::build_final(&bytes, &s)
        .unwrap()
        .pdf;
    let r = common::reading(&Document::load_mem(&pdf).unwrap());
    // A mark: a reference holding a link, in a cell or the KEY's line (a
    // note's own number is not a mark). Typst's `Lbl` is left to lists
    // (issue #31).
    assert!(r
        .iter()
        .all(|e| e.role != "Lbl" || r[e.parent].role == "LI"));
    let mut marks: Vec<String> = r
        .iter()
        .enumerate()
        .filter(|(_, e)| e.role == "Reference" && r[e.parent].role != "Note")
        .map(|(i, _)| {
            assert!(
                r.iter().any(|e| e.role == "Link" && e.parent == i),
                "mark {i} is a link"
            );
            read_within(&r, i)
        })
        .collect();
    marks.sort();
    assert_eq!(
        marks,
        ["*", "1", "1", "1", "1", "2", "2", "3", "a", "b", "b"]
    );
    let notes = |text: &str| {
        r.iter()
            .filter(|e| e.role == "Note" && e.text.trim_start_matches('\u{2009}') == text)
            .count()
    };
    assert_eq!(notes(ONE), 2);
    assert_eq!(notes("No data for Dec 2015."), 2);
    assert_eq!(notes("No data for Nov 2015."), 1);
    assert_eq!(notes(KEY_STAR), 1);
}

/// A marker is workbook text: whatever its characters, it prints as
/// written, every time, with its note.
#[test]
fn a_marker_of_markup_characters_prints_as_written() {
    let mut data = common::sample();
    for code in [
        "SP2.offending",
        "SP3.completions",
        "SP3.representations",
        "SP17.storm",
    ] {
        set_marker(&mut data, code, "#x] <y> \\");
    }
    let footnotes = data.sheet_mut("Footnotes").unwrap();
    footnotes.rows[1][0] = t("#x] <y> \\");
    let built = common::build(&data);
    let labels: Vec<(String, usize)> = marks(&built.pdf)
        .into_iter()
        .filter(|m| m.label.contains('#'))
        .map(|m| (m.label, m.page))
        .collect();
    let label = "Footnote #x] <y> \\".to_string();
    assert_eq!(
        labels,
        [
            (label.clone(), 1),
            (label.clone(), 1),
            (label.clone(), 1),
            (label, 2)
        ]
    );
    let pages = page_texts(&built.pdf);
    assert_eq!(pages[0].matches(&common::normalise(ONE)).count(), 1);
    assert_eq!(pages[1].matches(&common::normalise(ONE)).count(), 1);
}

/// Many priorities, panels long enough to flow on from column to column:
/// each page that uses a marker carries its note once, and every mark links
/// to the note on its own page.
#[test]
fn a_marker_on_many_pages_prints_its_note_once_on_each_page() {
    let mut data = boardpack::support::sample::scale(6, 48, 45);
    let ind = data.sheet_mut("Indicators").unwrap();
    ind.rows[0].push(t("Footnote"));
    let codes: Vec<String> = ind.rows[1..]
        .iter()
        .filter_map(|r| match &r[0] {
            Value::Text(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    for code in codes
        .iter()
        .filter(|c| c.ends_with(".I2") || c.ends_with(".I20"))
    {
        set_marker(&mut data, code, "1");
    }
    let mut notes = boardpack::support::xlsx::SheetData::new("Footnotes", &["Marker", "Text"]);
    notes.row(vec![t("1"), t(ONE)]);
    notes.row(vec![t("*"), t(KEY_STAR)]);
    data.sheets.push(notes);
    for p in [1, 3, 6] {
        drop_month(&mut data, &format!("P{p}.I3"), 2015, 12);
    }

    let built = common::build(&data);
    assert!(
        built.layout_warnings.is_empty(),
        "{:?}",
        built.layout_warnings
    );
    assert!(!built.long_panels.is_empty(), "the panels flow on");
    let marks = marks(&built.pdf);
    let pages = page_texts(&built.pdf);
    for m in &marks {
        assert_eq!(m.page, m.to_page, "{m:?} links to another page");
    }
    let on = |label: &str| -> std::collections::BTreeSet<usize> {
        marks
            .iter()
            .filter(|m| m.label == format!("Footnote {label}"))
            .map(|m| m.page)
            .collect()
    };
    assert_eq!(
        marks.iter().filter(|m| m.label == "Footnote 1").count(),
        12,
        "{marks:?}"
    );
    assert_eq!(marks.iter().filter(|m| m.label == "Footnote a").count(), 3);
    assert!(on("1").len() >= 3, "marker 1 on pages {:?}", on("1"));
    for (i, page) in pages.iter().enumerate() {
        let n = i + 1;
        for (marker, text) in [("1", ONE), ("a", "No data for Dec 2015.")] {
            let count = page.matches(&common::normalise(text)).count();
            assert_eq!(
                count,
                usize::from(on(marker).contains(&n)),
                "page {n}: note {marker}"
            );
        }
    }
}
