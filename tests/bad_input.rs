//! One case per broken workbook: each is generated from the sample by code,
//! run through `boardpack build`, and must exit 1, name the exact cell (or
//! sheet, or header) with what was expected and found, and write no PDF.

mod common;

use std::path::Path;

use boardpack::support::xlsx::{Value, WorkbookData};
use common::{row_of, t};

struct Run {
    code: Option<i32>,
    stderr: String,
    pdf_written: bool,
}

fn build_bytes(bytes: &[u8]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("w.xlsx"), bytes).unwrap();
    let out = common::run(
        dir.path(),
        &[
            "build",
            "w.xlsx",
            "-o",
            "out/w.pdf",
            "--records",
            "out/w.json",
        ],
    );
    Run {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        pdf_written: dir.path().join("out/w.pdf").exists()
            || dir.path().join("out/w.json").exists(),
    }
}

fn build(w: &WorkbookData) -> Run {
    build_bytes(&w.to_bytes().unwrap())
}

/// The sample with one change.
fn broken(change: impl FnOnce(&mut WorkbookData)) -> WorkbookData {
    let mut w = common::sample();
    change(&mut w);
    w
}

/// Asserts a failed build naming `expected` (a whole problem line or part).
fn fails_with(run: Run, expected: &[&str]) {
    assert_eq!(run.code, Some(1), "exit code; stderr:\n{}", run.stderr);
    for e in expected {
        assert!(run.stderr.contains(e), "expected {e:?} in:\n{}", run.stderr);
    }
    assert!(!run.pdf_written, "a PDF or records file was written");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(!run.stderr.contains("RUST_BACKTRACE"), "{}", run.stderr);
}

fn set(w: &mut WorkbookData, sheet: &str, row: usize, col: &str, v: Value) {
    let s = w.sheet_mut(sheet).unwrap();
    let c = s.col(col).unwrap_or_else(|| panic!("{sheet} has {col}"));
    s.set(row, c, v);
}

/// The Monthly row (0 = header) of an indicator's month `YYYY-MM`.
fn monthly_row(w: &WorkbookData, code: &str, month: &str) -> usize {
    let s = w.sheet("Monthly").unwrap();
    s.rows
        .iter()
        .position(|r| {
            r[0] == t(code)
                && matches!(&r[1], Value::Date(d) if d.format("%Y-%m").to_string() == month)
        })
        .unwrap()
}

#[test]
fn text_in_a_number_cell() {
    fails_with(
        build(&broken(|w| set(w, "Monthly", 36, "Value", t("twelve")))),
        &["error: Monthly!C37: expected a number, found \"twelve\""],
    );
}

#[test]
fn excel_error_cells_are_not_data() {
    let w = broken(|w| {
        set(w, "Monthly", 9, "Value", Value::Error("#DIV/0!".into()));
        set(w, "Monthly", 10, "Value", Value::Error("#N/A".into()));
        set(w, "Peers", 1, "Population", Value::Error("#REF!".into()));
    });
    fails_with(
        build(&w),
        &[
            "Monthly!C10: expected a number, found the error #DIV/0!",
            "Monthly!C11: expected a number, found the error #N/A",
            "Peers!D2: expected a number, found the error #REF!",
        ],
    );
}

#[test]
fn negative_counts() {
    fails_with(
        build(&broken(|w| {
            set(w, "Monthly", 40, "Value", Value::Number(-3.0))
        })),
        &["Monthly!C41: expected a count (zero or more), found -3"],
    );
}

#[test]
fn value_over_base() {
    let mut w = common::sample();
    let r = monthly_row(&w, "SP8.satisfaction", "2015-06");
    set(&mut w, "Monthly", r, "Value", Value::Number(500.0));
    fails_with(
        build(&w),
        &[
            &format!("Monthly!C{}: expected at most the Base (", r + 1),
            "positive responses, found 500",
        ],
    );
}

#[test]
fn bad_and_missing_dates() {
    let w = broken(|w| {
        set(w, "Monthly", 4, "Month", t("31/31/2015"));
        set(w, "Monthly", 5, "Month", Value::Empty);
        set(
            w,
            "Report",
            row_of(w, "Report", "period_end"),
            "Value",
            t("soon"),
        );
    });
    fails_with(
        build(&w),
        &[
            "Monthly!B5: expected a date (an Excel date, 2015-12-31, 31/12/2015, 2015-12 or Dec 2015), found \"31/31/2015\"",
            "Monthly!B6: expected a date (an Excel date, 2015-12-31, 31/12/2015, 2015-12 or Dec 2015), found an empty cell",
            "Report!B3: expected a date (an Excel date, 2015-12-31, 31/12/2015, 2015-12 or Dec 2015), found \"soon\"",
        ],
    );
}

#[test]
fn duplicate_codes_name_both_cells() {
    let w = broken(|w| set(w, "Indicators", 3, "Code", t("SP2.offending")));
    fails_with(
        build(&w),
        &["Indicators!A4: expected a unique indicator code, found \"SP2.offending\" already at Indicators!A3"],
    );
    let w = broken(|w| set(w, "Priorities", 2, "Code", t("1")));
    fails_with(
        build(&w),
        &["Priorities!A3: expected a unique priority code, found \"1\" already at Priorities!A2"],
    );
}

#[test]
fn duplicate_months_name_both_cells() {
    let mut w = common::sample();
    let first = monthly_row(&w, "SP1.fte", "2015-03");
    let copy = w.sheet("Monthly").unwrap().rows[first].clone();
    let m = w.sheet_mut("Monthly").unwrap();
    m.rows.push(copy);
    let last = m.rows.len();
    fails_with(
        build(&w),
        &[&format!(
            "Monthly!B{last}: expected one row per indicator and month, found \"SP1.fte\" for March 2015 again (first at Monthly!B{})",
            first + 1
        )],
    );
}

#[test]
fn unknown_references() {
    let mut w = common::sample();
    let msg = row_of(&w, "Indicators", "SP11.msg");
    set(&mut w, "Indicators", 1, "Priority", t("99"));
    set(&mut w, "Indicators", msg, "Source", t("SP11.nope"));
    set(&mut w, "Monthly", 1, "Indicator", t("SP99.x"));
    set(&mut w, "Values", 1, "Indicator", t("SP98.y"));
    fails_with(
        build(&w),
        &[
            "Indicators!B2: expected a code from sheet Priorities, found \"99\"",
            &format!(
                "Indicators!F{}: expected a code from sheet Indicators, found \"SP11.nope\"",
                msg + 1
            ),
            "Monthly!A2: expected a code from sheet Indicators, found \"SP99.x\"",
            "Values!A2: expected a code from sheet Indicators, found \"SP98.y\"",
        ],
    );
}

#[test]
fn rank_row_without_peers_or_without_the_home_force() {
    let mut w = common::sample();
    let msg12 = row_of(&w, "Indicators", "SP12.msg");
    let msg13 = row_of(&w, "Indicators", "SP13.msg");
    let peers = w.sheet_mut("Peers").unwrap();
    peers.rows.retain(|r| r[0] != t("SP12.offences"));
    for r in peers.rows.iter_mut() {
        if r[0] == t("SP13.offences") && r[1] == t("Leicestershire") {
            r[1] = t("Leicester");
        }
    }
    fails_with(
        build(&w),
        &[
            &format!("Indicators!A{}: expected rows in sheet Peers for SP12.offences", msg12 + 1),
            &format!(
                "Indicators!A{}: expected the home force \"Leicestershire\" among the Peers rows for SP13.offences",
                msg13 + 1
            ),
        ],
    );
}

#[test]
fn formula_without_a_saved_result() {
    fails_with(
        build(&broken(|w| {
            set(w, "Monthly", 19, "Value", Value::Formula("=C19+1".into()))
        })),
        &["Monthly!C20: expected a number, found the formula =C19+1 with no saved result"],
    );
}

#[test]
fn wrong_keywords_list_the_allowed_words() {
    let w = broken(|w| {
        set(w, "Priorities", 1, "Layout", t("grid"));
        set(w, "Priorities", 2, "Columns", t("baseline, latest, change"));
        set(w, "Indicators", 2, "Kind", t("number"));
        set(w, "Indicators", 3, "Polarity", t("lower"));
        set(w, "Values", 1, "Column", t("total"));
    });
    fails_with(
        build(&w),
        &[
            "Priorities!C2: expected one of table, assessment, narrative, savings, found \"grid\"",
            "Priorities!D3: expected columns from baseline, latest, var, ytd, lytd, projection, found \"change\"",
            "Indicators!D3: expected one of count, proportion, rank, spc, assessment, found \"number\"",
            "Indicators!E4: expected one of down, up, found \"lower\"",
            "Values!B2: expected one of baseline, latest, var, ytd, lytd, projection, assessment, found \"total\"",
        ],
    );
}

#[test]
fn a_deleted_sheet() {
    fails_with(
        build(&broken(|w| {
            w.remove_sheet("Monthly");
        })),
        &["workbook: expected a sheet named \"Monthly\", found none"],
    );
    fails_with(
        build(&broken(|w| {
            w.remove_sheet("Savings");
        })),
        &["workbook: expected a sheet named \"Savings\", found none"],
    );
}

#[test]
fn a_renamed_header() {
    fails_with(
        build(&broken(|w| {
            w.sheet_mut("Monthly").unwrap().set(0, 2, t("Amount"))
        })),
        &["Monthly!1:1: expected a column headed \"Value\" in row 1, found none"],
    );
}

#[test]
fn a_row_with_its_key_cell_blank() {
    fails_with(
        build(&broken(|w| set(w, "Monthly", 6, "Indicator", Value::Empty))),
        &["Monthly!A7: expected a value in the Indicator column (the row's other cells are filled), found an empty cell"],
    );
}

#[test]
fn report_fields() {
    let w = broken(|w| {
        set(
            w,
            "Report",
            row_of(w, "Report", "baseline"),
            "Value",
            t("2012/14"),
        );
        set(
            w,
            "Report",
            row_of(w, "Report", "confidence"),
            "Value",
            Value::Number(3.0),
        );
        set(
            w,
            "Report",
            row_of(w, "Report", "spc_run_length"),
            "Value",
            Value::Number(8.0),
        );
        let force = row_of(w, "Report", "force");
        w.sheet_mut("Report").unwrap().rows.remove(force);
    });
    fails_with(
        build(&w),
        &[
            "Report!B5: expected a financial year such as 2012/13, found \"2012/14\"",
            "Report!B7: expected a confidence level between 0.5 and 1",
            "Report!B9: expected 6 or 7, found 8",
            "sheet Report: expected a row with Field \"force\", found none",
        ],
    );
}

#[test]
fn values_of_the_wrong_kind() {
    let mut w = common::sample();
    let mut values = boardpack::support::xlsx::SheetData::new(
        "Values",
        &["Indicator", "Column", "Value", "Base"],
    );
    values.row(vec![t("SP1.fte"), t("latest"), t("lots")]);
    values.row(vec![
        t("SP8.satisfaction"),
        t("latest"),
        Value::Number(73.6),
    ]);
    values.row(vec![
        t("SP9.satisfaction"),
        t("latest"),
        t("80%"),
        Value::Number(0.0),
    ]);
    *w.sheet_mut("Values").unwrap() = values;
    fails_with(
        build(&w),
        &[
            "Values!C2: expected a number, found \"lots\"",
            "Values!C3: expected a percent for a proportion (84.5% or 0.845), found the number 73.6",
            "Values!D4: expected the number of respondents (more than zero), found 0",
        ],
    );
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let w = broken(|w| {
        set(w, "Monthly", 36, "Value", t("twelve"));
        set(w, "Indicators", 2, "Kind", t("number"));
        set(w, "Savings", 1, "Amount", Value::Number(-1.0));
    });
    let run = build(&w);
    assert!(
        run.stderr.contains("3 errors in the workbook"),
        "{}",
        run.stderr
    );
    fails_with(run, &["Monthly!C37", "Indicators!D3", "Savings!B2"]);
}

fn not_a_workbook(bytes: &[u8], expected: &str) {
    let run = build_bytes(bytes);
    fails_with(run, &[expected]);
}

#[test]
fn an_empty_file() {
    not_a_workbook(b"", "w.xlsx: the file is empty, not an .xlsx workbook");
}

#[test]
fn random_bytes() {
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    not_a_workbook(
        &bytes,
        "w.xlsx: the file is not an .xlsx workbook (it is not a zip package)",
    );
}

#[test]
fn a_truncated_workbook() {
    let bytes = common::sample_bytes();
    not_a_workbook(
        &bytes[..bytes.len() / 2],
        "w.xlsx: the file is damaged or truncated",
    );
}

#[test]
fn an_old_xls_or_password_protected_file() {
    // Both are OLE compound files: the signature D0 CF 11 E0 A1 B1 1A E1.
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.resize(2048, 0);
    not_a_workbook(
        &bytes,
        "w.xlsx: this is an old-style .xls file or a password-protected workbook",
    );
}

#[test]
fn an_opendocument_spreadsheet() {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    z.start_file("mimetype", opts).unwrap();
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    z.start_file("content.xml", opts).unwrap();
    z.write_all(b"<office:document-content/>").unwrap();
    let bytes = z.finish().unwrap().into_inner();
    // An .ods is read (contract v2); this one has no sheets to read.
    not_a_workbook(&bytes, "w.xlsx: the file is damaged or truncated");
}

#[test]
fn an_existing_output_is_untouched_by_a_failed_build() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = common::sample();
    set(&mut w, "Monthly", 36, "Value", t("twelve"));
    std::fs::write(dir.path().join("w.xlsx"), w.to_bytes().unwrap()).unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("out/w.pdf"), b"last quarter").unwrap();
    let out = common::run(dir.path(), &["build", "w.xlsx", "-o", "out/w.pdf"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read(dir.path().join("out/w.pdf")).unwrap(),
        b"last quarter"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("out")).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary files are left");
}

#[test]
fn an_unwritable_output_path_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("w.xlsx"), common::sample_bytes()).unwrap();
    std::fs::write(dir.path().join("blocker"), b"a file").unwrap();
    let out = common::run(dir.path(), &["build", "w.xlsx", "-o", "blocker/w.pdf"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot write blocker/w.pdf"), "{stderr}");
}

#[test]
fn warnings_do_not_stop_a_build() {
    // A missing month in the latest window: the figure prints empty, with a warning.
    let mut w = common::sample();
    let r = monthly_row(&w, "SP13.offences", "2015-07");
    w.sheet_mut("Monthly").unwrap().rows.remove(r);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("w.xlsx"), w.to_bytes().unwrap()).unwrap();
    let out = common::run(dir.path(), &["build", "w.xlsx", "-o", "w.pdf"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "SP13.offences: the latest window (Jan 2015 to Dec 2015) has no data for Jul 2015"
        ),
        "{stderr}"
    );
    assert!(Path::new(&dir.path().join("w.pdf")).exists());
}

/// Regression: a code mistyped on every row of an indicator in `Monthly`
/// gave one error per month, and no hint of the code meant.
#[test]
fn a_mistyped_code_is_one_message_with_the_code_it_likely_means() {
    let mut w = common::sample();
    let monthly = w.sheet_mut("Monthly").unwrap();
    let mut rows = Vec::new();
    for (i, r) in monthly.rows.iter_mut().enumerate() {
        if r[0] == t("SP11.offences") {
            r[0] = t("SP11.offence");
            rows.push(i + 1);
        }
    }
    assert!(rows.len() > 30, "the sample's months of SP11");
    let run = build(&w);
    assert_eq!(
        run.stderr
            .matches("expected a code from sheet Indicators")
            .count(),
        1,
        "{}",
        run.stderr
    );
    fails_with(
        run,
        &[&format!(
            "Monthly!A{}: expected a code from sheet Indicators, found \"SP11.offence\"; did you mean \"SP11.offences\"? (and {} more rows, to Monthly!A{})",
            rows[0],
            rows.len() - 1,
            rows[rows.len() - 1]
        )],
    );
}

/// A month's "no data" mark or empty cell in `Monthly` says what to do
/// instead, and a date past its month's end says why it is no date.
#[test]
fn monthly_slips_say_the_remedy() {
    let mut w = common::sample();
    set(&mut w, "Monthly", 2, "Value", t("-"));
    set(&mut w, "Monthly", 3, "Value", t("n/a"));
    set(&mut w, "Monthly", 4, "Value", Value::Empty);
    set(&mut w, "Monthly", 5, "Month", t("31/09/2015"));
    let remedy = ": a month with no figure has no row in Monthly (delete the row; the pack marks the gap), and a printed figure that is not available is NA in Values";
    fails_with(
        build(&w),
        &[
            &format!("Monthly!C3: expected a number, found \"-\"{remedy}"),
            &format!("Monthly!C4: expected a number, found \"n/a\"{remedy}"),
            &format!("Monthly!C5: expected a count, found an empty cell{remedy}"),
            "Monthly!B6: expected a date (an Excel date, 2015-12-31, 31/12/2015, 2015-12 or Dec 2015), found \"31/09/2015\": September 2015 has 30 days",
        ],
    );
    // A text that is no mark gets no remedy.
    let mut w = common::sample();
    set(&mut w, "Monthly", 2, "Value", t("twelve"));
    let run = build(&w);
    assert!(
        run.stderr
            .contains("Monthly!C3: expected a number, found \"twelve\"\n"),
        "{}",
        run.stderr
    );
}

/// Regression: one missing month in the latest window also blanked the
/// projection and dropped the indicator's SPC chart from the appendix, and
/// only the window was warned of (the rest was in `-v` alone). Now the one
/// warning of the gap says all it costs.
#[test]
fn a_gap_warning_says_what_else_the_pack_leaves_out() {
    let mut w = common::sample();
    let r = monthly_row(&w, "SP11.offences", "2015-09");
    w.sheet_mut("Monthly").unwrap().rows.remove(r);
    let run = build(&w);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let gap: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("SP11.offences: the latest window"))
        .collect();
    assert_eq!(
        gap,
        ["warning: Indicators!A23: SP11.offences: the latest window (Jan 2015 to Dec 2015) has no data for Sep 2015: the cell prints n/a with a footnote naming the months; left out with it: the projection and its SPC chart in the appendix"],
        "{}",
        run.stderr
    );
    // A row that prints % Var. (and no projection): that is what goes.
    let mut w = common::sample();
    let r = monthly_row(&w, "SP1.fte", "2015-07");
    w.sheet_mut("Monthly").unwrap().rows.remove(r);
    let run = build(&w);
    assert!(
        run.stderr.contains("SP1.fte: the latest window (Jan 2015 to Dec 2015) has no data for Jul 2015: the cell prints n/a with a footnote naming the months; left out with it: % Var. and its SPC chart in the appendix\n"),
        "{}",
        run.stderr
    );
}
