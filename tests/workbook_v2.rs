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

/// Asserts a run's exit code and a line of its stderr.
fn says(out: &std::process::Output, code: i32, expected: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
}

/// The minimal test workbook, its count rising by one a month from 100.
fn rising() -> WorkbookData {
    common::minimal(|i| 100.0 + i as f64)
}

/// Builds a workbook file named `name` with `boardpack build` in a new
/// folder, which it gives back: it must succeed with nothing on stderr.
fn builds_quietly(name: &str, bytes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), bytes).unwrap();
    let out = common::run(dir.path(), &["build", name]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    dir
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
    let mut w = rising();
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
    let mut w = rising();
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
    let mut w = rising();
    set(&mut w, "Indicators", 1, "Footnote", t("1"));
    let loaded = load(&w).unwrap();
    assert!(loaded.workbook.footnotes.is_empty());
    assert_eq!(loaded.workbook.indicators[0].footnote.as_deref(), Some("1"));
}

#[test]
fn number_and_rank_styles() {
    let w = rising();
    let styles = |w: &WorkbookData| {
        let r = load(w).unwrap().workbook.report;
        (r.number_style, r.rank_style)
    };
    assert_eq!(styles(&w), (NumberStyle::Plain, RankStyle::Ordinal));
    let mut w2 = w.clone();
    report_field(&mut w2, "number_style", t("Grouped"));
    report_field(&mut w2, "rank_style", t("of"));
    assert_eq!(styles(&w2), (NumberStyle::Grouped, RankStyle::Of));

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
    let mut w = rising();
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
    let long = common::records(&rising()).records;
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
    let mut w = rising();
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
    says(&out, 2, "--period-end \"soon\" is not a date; give the reporting month's last day, or the month (2015-12-31, 31/12/2015, 2015-12 or Dec 2015)");
}

#[test]
fn init_refuses_a_name_that_is_not_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["x.csv", "x", "x.xls"] {
        let out = common::run(dir.path(), &["init", name]);
        let expected = format!(
            "{name} is not an .xlsx name; init writes an Excel workbook: give a name ending in .xlsx"
        );
        says(&out, 2, &expected);
        assert!(!dir.path().join(name).exists());
    }
}

#[test]
fn the_sample_builds_with_nothing_on_stderr() {
    builds_quietly("dashboard-2015-12.xlsx", &common::sample_bytes());
}

#[test]
fn a_blank_values_entry_leaves_the_cell_empty_without_a_warning() {
    let mut w = rising();
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

/// The sample's long `Monthly` sheet rewritten month-across: one row per
/// count, a `value` and a `base` row per proportion, the months headed by
/// `header` (a real date, or text).
fn month_across(w: &WorkbookData, header: impl Fn(chrono::NaiveDate) -> Value) -> WorkbookData {
    use std::collections::BTreeMap;
    let long = w.sheet("Monthly").unwrap();
    let mut months = std::collections::BTreeSet::new();
    type ByMonth = BTreeMap<chrono::NaiveDate, (Value, Value)>;
    let mut series: Vec<(String, ByMonth)> = Vec::new();
    for r in &long.rows[1..] {
        let (Value::Text(code), Value::Date(d)) = (&r[0], &r[1]) else {
            panic!("a long row: {r:?}")
        };
        months.insert(*d);
        if series.last().is_none_or(|(c, _)| c != code) {
            series.push((code.clone(), BTreeMap::new()));
        }
        let base = r.get(3).cloned().unwrap_or(Value::Empty);
        series
            .last_mut()
            .unwrap()
            .1
            .insert(*d, (r[2].clone(), base));
    }
    let mut sheet = SheetData::new("Monthly", &["Indicator", "Measure"]);
    for d in &months {
        sheet.rows[0].push(header(*d));
    }
    for (code, by_month) in &series {
        let has_base = by_month.values().any(|(_, b)| *b != Value::Empty);
        let measures: &[(&str, bool)] = match has_base {
            true => &[("value", false), ("base", true)],
            false => &[("", false)],
        };
        for (measure, base) in measures {
            let mut row = vec![t(code), t(measure)];
            for d in &months {
                row.push(match by_month.get(d) {
                    Some((v, b)) => {
                        if *base {
                            b.clone()
                        } else {
                            v.clone()
                        }
                    }
                    None => Value::Empty,
                });
            }
            sheet.row(row);
        }
    }
    let mut out = w.clone();
    *out.sheet_mut("Monthly").unwrap() = sheet;
    out
}

fn records_json(w: &WorkbookData) -> serde_json::Value {
    let c = common::records(w);
    assert_eq!(c.warnings, vec![], "{:?}", c.warnings);
    serde_json::to_value(&c.records).unwrap()
}

#[test]
fn the_sample_month_across_gives_the_records_of_the_long_form() {
    let sample = common::sample();
    let long = records_json(&sample);
    let dated = month_across(&sample, Value::Date);
    assert_eq!(records_json(&dated), long);
    for format in ["%b-%y", "%b %Y", "%B %Y", "%Y-%m"] {
        let texts = month_across(&sample, |d| t(&d.format(format).to_string()));
        assert_eq!(records_json(&texts), long, "{format}");
    }
}

/// Excel's 1900-system serial of a date.
fn serial(d: chrono::NaiveDate) -> f64 {
    (d - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days() as f64
}

/// Month headers saved as plain date serials (a number in a General cell,
/// as a program can save a date whose format was lost) are months; in a
/// 1904-date workbook, read in its own system (issue #27).
#[test]
fn month_across_headers_as_plain_date_serials_are_months_in_either_date_system() {
    let sample = common::sample();
    let long = records_json(&sample);
    let serials = month_across(&sample, |d| Value::Number(serial(d)));
    assert_eq!(records_json(&serials), long);
    let mut mac = month_across(&sample, |d| Value::Number(serial(d) - 1462.0));
    mac.date_1904 = true;
    assert_eq!(records_json(&mac), long);
}

/// The long form's `Month` column as plain serials of a 1904-date
/// workbook: read in its system, not four years early (issue #27).
#[test]
fn plain_month_serials_of_a_1904_workbook_are_read_in_its_system() {
    let sample = common::sample();
    let long = records_json(&sample);
    let mut mac = sample.clone();
    mac.date_1904 = true;
    for row in mac.sheet_mut("Monthly").unwrap().rows.iter_mut().skip(1) {
        if let Value::Date(d) = row[1] {
            row[1] = Value::Number(serial(d) - 1462.0);
        }
    }
    assert_eq!(records_json(&mac), long);
}

#[test]
fn month_across_problems_name_their_cells() {
    let sample = common::sample();
    let mut w = month_across(&sample, Value::Date);
    let s = w.sheet_mut("Monthly").unwrap();
    // Row 2 is SP1.fte (a count), H is its 6th month; a survey's value row
    // without its base row; a repeated month header; a column not a month.
    s.set(1, 7, Value::Number(-3.0));
    s.set(1, 8, t("twelve"));
    let total = s.rows[0].len();
    s.set(0, total, t("Total"));
    let base_row = s.rows.iter().position(|r| r[1] == t("base")).unwrap();
    s.rows[base_row][1] = t("bse");
    // SP11.offences (row 3) again at the foot, and a count with a base row.
    let mut again = s.rows[2].clone();
    again[2] = Value::Number(1.0);
    s.rows.push(again);
    let foot = s.rows.len();
    s.rows.push(vec![t("SP1.fte"), t("base")]);
    s.set(
        0,
        3,
        Value::Date(chrono::NaiveDate::from_ymd_opt(2012, 4, 30).unwrap()),
    );
    let e = load(&w).unwrap_err();
    has(&e, "Monthly!H2: expected a count (zero or more), found -3");
    has(&e, "Monthly!I2: expected a number, found \"twelve\"");
    has(
        &e,
        &format!(
            "Monthly!B{}: expected value or base for a proportion's row, found \"bse\"",
            base_row + 1
        ),
    );
    has(
        &e,
        "Monthly!D1: expected each month once in row 1, found April 2012 again (first at Monthly!C1)",
    );
    has(
        &e,
        &format!("Monthly!A{foot}: expected one row per indicator and measure, found \"SP11.offences\" again (first at Monthly!A3)"),
    );
    has(
        &e,
        &format!(
            "Monthly!B{}: expected value (or an empty cell) for a count's row, found \"base\"",
            foot + 1
        ),
    );
    let letter = boardpack::input::problem::column_letters(total as u32);
    has(
        &e,
        &format!("Monthly!{letter}1: the column headed \"Total\" is not a month (e.g. Sep-16 or 2016-09), so it is ignored"),
    );
}

#[test]
fn month_across_proportion_without_a_base_row() {
    let mut w = month_across(&common::sample(), Value::Date);
    let s = w.sheet_mut("Monthly").unwrap();
    let base_row = s.rows.iter().position(|r| r[1] == t("base")).unwrap();
    let code = s.rows[base_row][0].clone();
    s.rows.remove(base_row);
    let value_row = s.rows.iter().position(|r| r[0] == code).unwrap();
    let e = errors(&w);
    has(
        &e,
        &format!("Monthly!C{}: expected the number of respondents for April 2012 in its base row, found none", value_row + 1),
    );
}

#[test]
fn a_pasted_decimal_count_is_an_error() {
    // 6.012, a European export's six thousand and twelve.
    let mut w = rising();
    set(&mut w, "Monthly", 3, "Value", Value::Number(6.012));
    let e = errors(&w);
    has(
        &e,
        "Monthly!C4: expected a whole count, found 6.012 (if it means 6 thousand and more, type it without the point)",
    );
}

#[test]
fn a_rate_typed_into_a_proportions_value_is_an_error() {
    let mut w = rising();
    // Row 2 is P's first month: Value 80 of Base 100; typed as 84%.
    set(&mut w, "Monthly", 2, "Value", Value::Percent(0.84));
    set(&mut w, "Monthly", 4, "Value", t("84%"));
    set(&mut w, "Monthly", 6, "Value", Value::Number(0.845));
    let e = errors(&w);
    for (cell, v, typed) in [
        ("C3", "0.84", "84"),
        ("C5", "0.84", "84"),
        ("C7", "0.845", "85"),
    ] {
        has(
            &e,
            &format!("Monthly!{cell}: expected the number of positive responses (Value is a count, not a rate), found {v}; for a rate of {}% of 100 respondents type {typed}", if v == "0.845" { "84.5" } else { "84" }),
        );
    }
}

#[test]
fn a_month_far_off_its_median_is_warned_of() {
    let mut w = rising();
    set(&mut w, "Monthly", 1, "Value", Value::Number(6012.0));
    set(&mut w, "Monthly", 9, "Value", Value::Number(12.0));
    let warn = warnings(&w);
    has(
        &warn,
        "Monthly!C2: C for April 2012 is 6012, more than 5 times the median of its months (123): check it is not a slip",
    );
    has(
        &warn,
        "Monthly!C10: C for August 2012 is 12, less than a fifth of the median of its months (123): check it is not a slip",
    );
    // A zero median warns of nothing.
    let zeros = common::minimal(|i| if i == 3 { 4.0 } else { 0.0 });
    assert!(!warnings(&zeros).iter().any(|w| w.contains("median")));
}

/// Regression (issue #12): one `Indicators` row with no polarity gave 46
/// errors, 42 of them `expected a code from sheet Indicators` on every row
/// that refers to it.
#[test]
fn one_broken_indicator_row_gives_one_message_for_its_dependents() {
    let mut w = rising();
    set(&mut w, "Indicators", 1, "Polarity", Value::Empty);
    let e = load(&w).unwrap_err();
    assert_eq!(
        e,
        [
            "Indicators!E2: expected one of down, up, found an empty cell",
            "Indicators!A2: 50 rows of sheets Indicators, Monthly, Peers refer to C: not checked until this row is fixed",
        ],
        "{}",
        e.join("\n")
    );
    let run = common::run(
        &{
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("w.xlsx"), w.to_bytes().unwrap()).unwrap();
            dir.keep()
        },
        &["check", "w.xlsx"],
    );
    says(&run, 1, "caused by: 1 error in the workbook:");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.lines().count() <= 4, "{stderr}");
}

#[test]
fn messages_are_grouped_by_sheet() {
    let mut w = rising();
    set(&mut w, "Monthly", 2, "Value", t("twelve"));
    set(&mut w, "Indicators", 3, "Source", t("nothing"));
    set(&mut w, "Report", 3, "Value", Value::Empty);
    let e = load(&w).unwrap_err();
    let order = ["Report", "Indicators", "Monthly", "Peers"];
    let sheets: Vec<usize> = e
        .iter()
        .map(|l| {
            let sheet = l
                .trim_start_matches("sheet ")
                .split(['!', ':'])
                .next()
                .unwrap();
            order.iter().position(|s| *s == sheet).unwrap()
        })
        .collect();
    let mut sorted = sheets.clone();
    sorted.sort();
    assert_eq!(sheets, sorted, "{}", e.join("\n"));
}

#[test]
fn with_no_workbook_and_no_sample_build_says_how_to_start() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["build"][..], &["watch"][..]] {
        let out = common::run(dir.path(), args);
        says(&out, 2, "no workbook named, and no sample workbook here; to start one, run: boardpack init my-dashboard.xlsx");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("inputs/dashboard-2015-12.xlsx"), "{err}");
    }
}

#[test]
fn a_csv_is_told_to_be_saved_as_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("monthly.csv"),
        "Indicator,Month,Value\nSP11.offences,2015-12,4900\n",
    )
    .unwrap();
    let out = common::run(dir.path(), &["check", "monthly.csv"]);
    says(&out, 1, "monthly.csv: this looks like a CSV or text file, not a workbook: open it in Excel and save it as an Excel Workbook (.xlsx)");
}

#[test]
fn a_batch_of_one_says_built_1_workbook() {
    let dir = common::dir_with_sample("dashboard-2015-12.xlsx");
    let out = common::run(dir.path(), &["build", ".", "-o", "out"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "built 1 workbook\n");
}

/// The sample saved as `.ods` by LibreOffice (`scripts/make-ods-fixture.sh`)
/// gives the records, warnings and log of the `.xlsx`.
#[test]
fn the_sample_as_ods_gives_the_records_of_the_xlsx() {
    let ods = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/dashboard-2015-12.ods"
    ))
    .unwrap();
    let from_ods = boardpack::pipeline::records(&ods).unwrap_or_else(|e| panic!("{e}"));
    let from_xlsx = boardpack::pipeline::records(&common::sample_bytes()).unwrap();
    assert_eq!(
        serde_json::to_value(&from_ods.records).unwrap(),
        serde_json::to_value(&from_xlsx.records).unwrap()
    );
    assert_eq!(from_ods.warnings, from_xlsx.warnings);
    assert_eq!(from_ods.log, from_xlsx.log);
    // And the command line builds it, with nothing to warn of.
    let dir = builds_quietly("force.ods", &ods);
    assert!(dir.path().join("out/force.pdf").exists());
}

/// A damaged `.ods` is said in one line, as a damaged `.xlsx` is.
#[test]
fn a_truncated_ods_is_damaged() {
    let mut ods = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/dashboard-2015-12.ods"
    ))
    .unwrap();
    // Not a zip any more past its head: damaged, said in one line.
    ods.truncate(ods.len() / 2);
    let e = Workbook::from_bytes(&ods).unwrap_err().to_string();
    assert!(e.starts_with("the file is damaged or truncated"), "{e}");
}

/// A part of an `.xlsx` package, as text.
fn part(xlsx: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// Regression (issue #12): the Priorities `Columns` drop-down was a "stop"
/// list that Excel refuses typed comma lists with; the Instructions were a
/// narrow unwrapped column pointing at docs an installed user lacks.
#[test]
fn init_drop_downs_suggest_and_the_instructions_read_alone() {
    let w =
        boardpack::support::starter::starter(chrono::NaiveDate::from_ymd_opt(2016, 9, 30).unwrap());
    let bytes = w.to_bytes().unwrap();
    let priorities = part(&bytes, "xl/worksheets/sheet3.xml");
    let columns_list = priorities
        .split("<dataValidation ")
        .find(|v| v.contains("sqref=\"D2:D1000\""))
        .expect("a drop-down on Priorities.Columns");
    // No error alert: Excel keeps a value typed that is not in the list.
    assert!(
        !columns_list.contains("showErrorMessage=\"1\""),
        "{columns_list}"
    );
    for sheet in &w.sheets {
        for v in &sheet.validations {
            assert!(v.suggest_only, "{} column {}", sheet.name, v.column);
        }
    }
    // The Instructions: a wide, wrapped column (within A4 at 100%), every sheet explained, and
    // nothing that points at the project's own docs.
    let instructions = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        instructions.contains("<col min=\"1\" max=\"1\" width=\"88.7109375\""),
        "{instructions}"
    );
    assert!(part(&bytes, "xl/styles.xml").contains("wrapText=\"1\""));
    let text: String = w.sheets[0]
        .rows
        .iter()
        .flatten()
        .filter_map(|v| match v {
            Value::Text(t) => Some(t.clone()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!text.contains("docs/"), "{text}");
    for sheet in [
        "REPORT",
        "PRIORITIES",
        "INDICATORS",
        "MONTHLY",
        "VALUES",
        "PEERS",
        "NARRATIVE",
        "SAVINGS",
        "FOOTNOTES",
    ] {
        assert!(text.contains(&format!("{sheet} —")), "{sheet}");
    }
    // The KEY's * is explained from the start: a Footnotes sheet with its row
    // (it was unexplained unless the analyst found out to add one).
    let footnotes = w.sheet("Footnotes").expect("a Footnotes sheet");
    assert_eq!(
        footnotes.rows[1],
        vec![
            Value::Text("*".into()),
            Value::Text(boardpack::support::starter::KEY_STAR.into())
        ]
    );
    for column in [
        "Polarity",
        "Source",
        "Footnote",
        "Base",
        "Measure",
        "Population",
        "Amount",
        "number_style",
        "rank_style",
    ] {
        assert!(text.contains(column), "{column}");
    }
    // It checks, with nothing to warn of.
    assert_eq!(warnings(&w), Vec::<String>::new());
}

/// A workbook as another force keeps it: Northshire, quarter to September
/// 2016, `period_end` typed `30/09/2016`, `Monthly` month-across with text
/// headers (`Apr-13` …) and a survey's value and base rows.
fn northshire() -> WorkbookData {
    use boardpack::methods::period::Month;
    let report = SheetData::fields(
        "Report",
        [
            ("title", t("Police & Crime Plan Dashboard")),
            ("period_end", t("30/09/2016")),
            ("force", t("Northshire")),
            ("baseline", t("2013/14")),
            ("projection", t("2017/18")),
        ],
    );
    let text_sheet = |name: &str, rows: &[&[&str]]| {
        let mut sheet = SheetData::new(name, rows[0]);
        for r in &rows[1..] {
            sheet.row(r.iter().map(|c| t(c)).collect());
        }
        sheet
    };
    let pri = text_sheet(
        "Priorities",
        &[
            &["Code", "Title", "Layout", "Columns"],
            &["1", "To reduce all crime", "table", "baseline, latest, var"],
        ],
    );
    let ind = text_sheet(
        "Indicators",
        &[
            &["Code", "Priority", "Label", "Kind", "Polarity"],
            &["crime", "1", "Number of offences", "count", "down"],
            &["sat", "1", "Satisfaction", "proportion", "up"],
        ],
    );
    let mut monthly = SheetData::new("Monthly", &["Indicator", "Measure"]);
    let first = Month::new(2013, 4).unwrap();
    let mut rows = [
        vec![t("crime"), Value::Empty],
        vec![t("sat"), t("value")],
        vec![t("sat"), t("Base")],
    ];
    for i in 0..42 {
        let m = first.plus(i);
        let d = chrono::NaiveDate::from_ymd_opt(m.year, m.month, 1).unwrap();
        monthly.rows[0].push(t(&d.format("%b-%y").to_string()));
        rows[0].push(Value::Number(1000.0 + 10.0 * i as f64));
        rows[1].push(Value::Number(if i < 12 { 80.0 } else { 90.0 }));
        rows[2].push(Value::Number(100.0));
    }
    for r in rows {
        monthly.row(r);
    }
    WorkbookData {
        sheets: vec![report, pri, ind, monthly],
        date_1904: false,
    }
}

#[test]
fn another_force_and_quarter_month_across_with_uk_dates() {
    let w = northshire();
    let c = common::records(&w);
    assert_eq!(c.warnings, vec![], "{:?}", c.warnings);
    use boardpack::input::Column;
    let value = |code, col| common::cell(&c, code, col).and_then(|c| c.value);
    // Baseline 2013/14: months 0–11; latest: the 12 months to September
    // 2016, months 30–41.
    assert_eq!(
        value("crime", Column::Baseline),
        Some(12_000.0 + 10.0 * 66.0)
    );
    assert_eq!(
        value("crime", Column::Latest),
        Some(12_000.0 + 10.0 * 426.0)
    );
    assert_eq!(value("sat", Column::Baseline), Some(0.8));
    assert_eq!(value("sat", Column::Latest), Some(0.9));
    let dir = builds_quietly("northshire-2016-09.xlsx", &w.to_bytes().unwrap());
    let text =
        common::pdf_text(&std::fs::read(dir.path().join("out/northshire-2016-09.pdf")).unwrap());
    assert!(text.contains("16260"), "{text}");
}

/// Regression (issue #12), on the sample: one `Indicators` row with no
/// polarity, referred to by its 45 Monthly rows, 8 Peers rows and its rank and
/// SPC rows, gives at most three lines of errors.
#[test]
fn the_sample_with_one_broken_indicator_row_says_it_in_three_lines_at_most() {
    let mut w = common::sample();
    let row = row_of(&w, "Indicators", "SP11.offences");
    set(&mut w, "Indicators", row, "Polarity", Value::Empty);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("w.xlsx"), w.to_bytes().unwrap()).unwrap();
    let out = common::run(dir.path(), &["check", "w.xlsx"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let problems: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("  error:") || l.starts_with("  warning:"))
        .collect();
    assert!(problems.len() <= 3, "{stderr}");
    let n = row + 1;
    assert_eq!(
        problems,
        [
            format!("  error: Indicators!E{n}: expected one of down, up, found an empty cell"),
            format!("  warning: Indicators!A{n}: 55 rows of sheets Indicators, Monthly, Peers refer to SP11.offences: not checked until this row is fixed"),
        ],
        "{stderr}"
    );
}

#[test]
fn a_pasted_decimal_count_in_values_is_an_error() {
    let mut w = rising();
    let mut values = SheetData::new("Values", &["Indicator", "Column", "Value"]);
    values.row(vec![t("C"), t("baseline"), Value::Number(58.805)]);
    values.row(vec![t("C"), t("projection"), Value::Number(1234.5)]);
    w.sheets.push(values);
    let e = errors(&w);
    assert_eq!(
        e,
        ["Values!C2: expected a whole count, found 58.805 (if it means 58 thousand and more, type it without the point)"]
    );
}
