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

/// The minimal workbook with every `Monthly.Month` and `period_end` written
/// as British text by `write`.
fn with_text_dates(write: impl Fn(chrono::NaiveDate) -> String) -> WorkbookData {
    let mut w = common::minimal(|i| 100.0 + i as f64);
    for sheet in ["Monthly", "Report"] {
        for row in &mut w.sheet_mut(sheet).unwrap().rows {
            for v in row.iter_mut() {
                if let Value::Date(d) = v {
                    *v = Value::Text(write(*d));
                }
            }
        }
    }
    w
}

#[test]
fn uk_text_dates_give_the_same_records() {
    let long = common::records(&common::minimal(|i| 100.0 + i as f64)).records;
    for format in ["%d/%m/%Y", "%d/%m/%y", "%b-%y", "%b %Y", "%B %Y", "%Y-%m"] {
        let w = with_text_dates(|d| d.format(format).to_string());
        let got = common::records(&w).records;
        assert_eq!(
            serde_json::to_value(&got).unwrap(),
            serde_json::to_value(&long).unwrap(),
            "{format}"
        );
    }
}

#[test]
fn a_text_date_valid_in_neither_reading_names_its_cell() {
    let mut w = common::minimal(|i| 100.0 + i as f64);
    set(&mut w, "Monthly", 1, "Month", t("13/13/2015"));
    set(&mut w, "Report", 2, "Value", t("Smarch 2015"));
    let e = errors(&w);
    has(
        &e,
        "Monthly!B2: expected a date (an Excel date, 2015-12-31, 31/12/2015, 2015-12 or Dec 2015), found \"13/13/2015\"",
    );
    has(
        &e,
        "Report!B3: expected a date (an Excel date, 2015-12-31, 31/12/2015, 2015-12 or Dec 2015), found \"Smarch 2015\"",
    );
}

#[test]
fn init_period_end_accepts_what_the_workbook_accepts() {
    let dir = tempfile::tempdir().unwrap();
    for (i, given) in [
        "2016-09",
        "2016-09-30",
        "30/09/2016",
        "Sep-16",
        "September 2016",
    ]
    .iter()
    .enumerate()
    {
        let name = format!("w{i}.xlsx");
        let out = common::run(dir.path(), &["init", &name, "--period-end", given]);
        assert!(
            out.status.success(),
            "{given}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = std::fs::read(dir.path().join(&name)).unwrap();
        let r = Workbook::from_bytes(&bytes).unwrap().workbook.report;
        assert_eq!(r.period_end.to_string(), "2016-09-30", "{given}");
    }
    let out = common::run(dir.path(), &["init", "x.xlsx", "--period-end", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(
        "--period-end \"soon\" is not a date; give the reporting month's last day, or the month (2015-12-31, 31/12/2015, 2015-12 or Dec 2015)"
    ));
}

#[test]
fn init_refuses_a_name_that_is_not_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["x.csv", "x", "x.xls"] {
        let out = common::run(dir.path(), &["init", name]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!(
                "{name} is not an .xlsx name; init writes an Excel workbook: give a name ending in .xlsx"
            )),
            "{err}"
        );
        assert!(!dir.path().join(name).exists());
    }
}

#[test]
fn the_sample_builds_with_nothing_on_stderr() {
    let dir = common::dir_with_sample("dashboard-2015-12.xlsx");
    let out = common::run(dir.path(), &["build", "dashboard-2015-12.xlsx"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn a_blank_values_entry_leaves_the_cell_empty_without_a_warning() {
    let mut w = common::minimal(|i| 100.0 + i as f64);
    // No monthly rows for P: its cells print empty, with a warning ...
    w.sheet_mut("Monthly")
        .unwrap()
        .rows
        .retain(|r| r.first() != Some(&t("P")));
    let c = common::records(&w);
    assert!(c
        .warnings
        .iter()
        .any(|p| p.message.starts_with("P has no rows in sheet Monthly")));
    // ... unless Values says they are empty on purpose.
    let mut values = SheetData::new("Values", &["Indicator", "Column", "Value"]);
    for col in ["baseline", "latest"] {
        values.row(vec![t("P"), t(col), Value::Empty]);
    }
    w.sheets.push(values);
    let c = common::records(&w);
    assert_eq!(c.warnings, vec![], "{:?}", c.warnings);
    let p = c.records.rows.iter().find(|r| r.code == "P").unwrap();
    assert!(p.cells.is_empty(), "{:?}", p.cells);
}
