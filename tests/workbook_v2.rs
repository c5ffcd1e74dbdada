//! Input contract v2 (`docs/workbook.md`, "v2"): footnotes, the Report's
//! number and rank styles, month-across `Monthly` sheets, UK dates, the
//! plausibility checks, one message per cause, `.ods` workbooks. Each new
//! error and warning is asserted with its message and cell.

mod common;

use boardpack::input::{LoadError, Loaded, NumberStyle, RankStyle, Workbook};
use boardpack::support::xlsx::{SheetData, Value, WorkbookData};
use common::{row_of, t};

/// Reads workbook data: the workbook and its warnings, or every problem.
fn load(w: &WorkbookData) -> Result<Loaded, Vec<String>> {
    match Workbook::from_bytes(&w.to_bytes().expect("workbook writes")) {
        Ok(l) => Ok(l),
        Err(LoadError::Invalid(e)) => Err(e.problems.iter().map(|p| p.to_string()).collect()),
        Err(e) => Err(vec![e.to_string()]),
    }
}

fn warnings(w: &WorkbookData) -> Vec<String> {
    match load(w) {
        Ok(l) => l.warnings.iter().map(|p| p.to_string()).collect(),
        Err(e) => panic!("expected the workbook to load, found:\n{}", e.join("\n")),
    }
}

fn errors(w: &WorkbookData) -> Vec<String> {
    common::errors(w)
}

/// Asserts that `lines` has exactly one line equal to `expected`.
fn has(lines: &[String], expected: &str) {
    assert_eq!(
        lines.iter().filter(|l| *l == expected).count(),
        1,
        "expected {expected:?} once in:\n{}",
        lines.join("\n")
    );
}

fn set(w: &mut WorkbookData, sheet: &str, row: usize, col: &str, v: Value) {
    let s = w.sheet_mut(sheet).unwrap();
    let c = s.col(col).unwrap_or_else(|| panic!("{sheet} has {col}"));
    s.set(row, c, v);
}

fn report_field(w: &mut WorkbookData, field: &str, value: Value) {
    w.sheet_mut("Report").unwrap().row(vec![t(field), value]);
}

#[test]
fn footnotes_are_read_and_markers_checked() {
    let mut w = common::minimal(|i| 100.0 + i as f64);
    set(&mut w, "Indicators", 1, "Footnote", t("1"));
    set(&mut w, "Indicators", 2, "Footnote", t("2"));
    let mut notes = SheetData::new("Footnotes", &["Marker", "Text"]);
    notes
        .row(vec![
            t("1"),
            t("Recorded crime, Home Office counting rules."),
        ])
        .row(vec![t("3"), t("Not used.")]);
    w.sheets.push(notes.clone());
    let e = errors(&w);
    has(
        &e,
        "Indicators!G3: expected a marker with a row in sheet Footnotes (1, 3), found \"2\"",
    );
    assert_eq!(e.len(), 1, "{e:?}");

    // With marker 2 given, the workbook loads; row 3 is unused.
    notes.row(vec![Value::Number(2.0), t("Survey of victims.")]);
    w.sheets.pop();
    w.sheets.push(notes);
    let loaded = load(&w).unwrap();
    let f = &loaded.workbook.footnotes;
    assert_eq!(
        f.iter()
            .map(|f| (f.marker.as_str(), f.text.as_str()))
            .collect::<Vec<_>>(),
        [
            ("1", "Recorded crime, Home Office counting rules."),
            ("3", "Not used."),
            ("2", "Survey of victims."),
        ]
    );
    assert_eq!(f[1].location.to_string(), "Footnotes!A3");
    has(
        &warnings(&w),
        "Footnotes!A3: footnote \"3\" is unused: no row of sheet Indicators has it as its Footnote, so it is not printed",
    );
}

#[test]
fn footnotes_repeated_or_without_text() {
    let mut w = common::minimal(|i| 100.0 + i as f64);
    set(&mut w, "Indicators", 1, "Footnote", t("1"));
    let mut notes = SheetData::new("Footnotes", &["Marker", "Text"]);
    notes
        .row(vec![t("1"), t("One.")])
        .row(vec![t("1"), t("One again.")])
        .row(vec![t("4"), Value::Empty]);
    w.sheets.push(notes);
    let e = errors(&w);
    has(
        &e,
        "Footnotes!A3: expected each marker once, found \"1\" again (first at Footnotes!A2)",
    );
    has(
        &e,
        "Footnotes!B4: expected the footnote's text, found an empty cell",
    );
}

#[test]
fn a_workbook_without_footnotes_keeps_bare_markers() {
    let mut w = common::minimal(|i| 100.0 + i as f64);
    set(&mut w, "Indicators", 1, "Footnote", t("1"));
    let loaded = load(&w).unwrap();
    assert!(loaded.workbook.footnotes.is_empty());
    assert_eq!(loaded.workbook.indicators[0].footnote.as_deref(), Some("1"));
}

#[test]
fn number_and_rank_styles() {
    let w = common::minimal(|i| 100.0 + i as f64);
    let r = load(&w).unwrap().workbook.report;
    assert_eq!(r.number_style, NumberStyle::Plain);
    assert_eq!(r.rank_style, RankStyle::Ordinal);

    let mut w2 = w.clone();
    report_field(&mut w2, "number_style", t("Grouped"));
    report_field(&mut w2, "rank_style", t("of"));
    let r = load(&w2).unwrap().workbook.report;
    assert_eq!(r.number_style, NumberStyle::Grouped);
    assert_eq!(r.rank_style, RankStyle::Of);

    let mut w3 = w.clone();
    report_field(&mut w3, "number_style", t("commas"));
    report_field(&mut w3, "rank_style", t("3rd of 8"));
    let n = row_of(&w3, "Report", "number_style") + 1;
    let e = errors(&w3);
    has(
        &e,
        &format!("Report!B{n}: expected one of plain, grouped, found \"commas\""),
    );
    has(
        &e,
        &format!(
            "Report!B{}: expected one of ordinal, of, found \"3rd of 8\"",
            n + 1
        ),
    );
}

#[test]
fn init_writes_grouped_numbers() {
    let w =
        boardpack::support::starter::starter(chrono::NaiveDate::from_ymd_opt(2016, 9, 30).unwrap());
    let r = load(&w).unwrap().workbook.report;
    assert_eq!(r.number_style, NumberStyle::Grouped);
}
