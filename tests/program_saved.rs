//! Workbooks as LibreOffice Calc and Gnumeric save them (issue #27,
//! `docs/workbook.md`, "As spreadsheet programs write it"). The fixtures in
//! `tests/fixtures/programs/` were written by the programs themselves
//! (`scripts/make-program-fixtures.sh`): `<case>.lo.xlsx`, `<case>.lo.ods`
//! (LibreOffice), `<case>.gn.xlsx`, `<case>.gn.ods` (Gnumeric), each from
//! the sample edited as the case says.

mod common;

use common::errors_of;

const SAVED_BY: [&str; 4] = ["lo.xlsx", "lo.ods", "gn.xlsx", "gn.ods"];

fn fixture(case: &str, saved_by: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/programs/{case}.{saved_by}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The case as each program saved it gives the sample's records.
fn gives_the_samples_records(case: &str) {
    let sample = boardpack::pipeline::records(&common::sample_bytes()).unwrap();
    let sample = serde_json::to_value(&sample.records).unwrap();
    for saved_by in SAVED_BY {
        let read = boardpack::pipeline::records(&fixture(case, saved_by))
            .unwrap_or_else(|e| panic!("{case}.{saved_by}: {e}"));
        assert_eq!(
            serde_json::to_value(&read.records).unwrap(),
            sample,
            "{case}.{saved_by}"
        );
    }
}

#[test]
fn the_sample_round_tripped_through_libreoffice_and_gnumeric_gives_its_records() {
    gives_the_samples_records("sample");
}

/// Monthly's header row coloured out to column HZ (LibreOffice and
/// Gnumeric write `<c r="HZ1" s="1"/>`), Report's header row formatted
/// whole (Gnumeric writes 16,384 empty styled cells): formatting, not data.
#[test]
fn empty_formatted_cells_far_outside_the_table_are_not_values_far_outside_it() {
    gives_the_samples_records("styled-empty");
}

/// `=IF(1=0,"x","")` in Priorities!E2 and Indicators!H2, saved with an
/// empty result: empty cells, not "a formula with no saved result".
#[test]
fn a_formula_whose_saved_result_is_an_empty_string_is_an_empty_cell() {
    gives_the_samples_records("empty-formula");
}

/// Monthly!C2 `=1/0` and Monthly!C3 `=NA()`: in `.ods` as in `.xlsx`, an
/// error naming the cell and the error (LibreOffice's `.ods` read them as
/// empty cells with an unsaved formula).
#[test]
fn formula_error_cells_are_errors_naming_the_cell_and_the_error() {
    for saved_by in SAVED_BY {
        let errors = errors_of(&fixture("error-cells", saved_by));
        for (at, error) in [("Monthly!C2", "#DIV/0!"), ("Monthly!C3", "#N/A")] {
            assert!(
                errors
                    .iter()
                    .any(|e| e.starts_with(at) && e.contains(&format!("found the error {error}"))),
                "{saved_by}: {at} {error} in {errors:#?}"
            );
        }
        assert_eq!(errors.len(), 2, "{saved_by}: {errors:#?}");
    }
}

fn sample_with_monthly_value(value: f64) -> boardpack::support::xlsx::WorkbookData {
    let mut data = common::sample();
    // Monthly!C2: SP1.fte's first month, a count (54).
    data.sheet_mut("Monthly")
        .unwrap()
        .set(1, 2, boardpack::support::xlsx::Value::Number(value));
    data
}

/// What Excel can store for a formula showing 54 (and a residue past the
/// 15 digits shown, 1e-10 off) is the whole count 54: the sample's records.
#[test]
fn a_count_within_1e_9_of_a_whole_number_is_that_whole_number() {
    let sample = serde_json::to_value(common::records(&common::sample()).records).unwrap();
    // The float just below 54 (53.99999999999999), as a formula can store it.
    let below = f64::from_bits(54f64.to_bits() - 1);
    for value in [below, 54.0000000001, 53.9999999991] {
        let read = common::records(&sample_with_monthly_value(value));
        assert_eq!(
            serde_json::to_value(read.records).unwrap(),
            sample,
            "{value}"
        );
    }
    // Further off, it is not whole.
    let errors = common::errors(&sample_with_monthly_value(53.99999999));
    assert!(
        errors[0].starts_with("Monthly!C2: expected a whole count, found 53.99999999"),
        "{errors:?}"
    );
}

/// The "thousands" hint only where a point could be a thousands separator
/// (three digits after it).
#[test]
fn the_thousands_hint_only_for_a_point_that_looks_like_a_thousands_separator() {
    let errors = common::errors(&sample_with_monthly_value(6.012));
    assert_eq!(
        errors,
        ["Monthly!C2: expected a whole count, found 6.012 (if it means 6 thousand and more, type it without the point)"]
    );
    for (value, shown) in [
        (6.5, "6.5"),
        (53.99999999, "53.99999999"),
        (6.0125, "6.0125"),
    ] {
        let errors = common::errors(&sample_with_monthly_value(value));
        assert_eq!(
            errors,
            [format!("Monthly!C2: expected a whole count, found {shown}")],
            "{value}"
        );
    }
}

/// A tab (`Increase\tin`) and a line break inside a cell (Alt+Enter, `\n`
/// or `\r\n`) each print as a space, in the records as on the page.
#[test]
fn a_tab_or_a_line_break_in_text_prints_as_a_space() {
    let mut data = common::sample();
    let label = data.sheet("Indicators").unwrap().col("Label").unwrap();
    data.sheet_mut("Indicators").unwrap().set(
        1,
        label,
        boardpack::support::xlsx::Value::Text(
            "Increase\tin first-time\r\nentrants\nto the system".into(),
        ),
    );
    let read = common::records(&data);
    let row = read
        .records
        .rows
        .iter()
        .find(|r| r.code == "SP1.fte")
        .unwrap();
    assert_eq!(row.label, "Increase in first-time entrants to the system");
}

/// A tab and an Alt+Enter line break typed in Indicators!C2, saved by each
/// program: a space each, in `.ods` (`<text:tab/>`, `<text:line-break/>`, a
/// second paragraph) as in `.xlsx`. LibreOffice's `.ods` holds no tab
/// (LibreOffice dropped it converting to `.ods`, and shows `Reductionin`):
/// the label is as it shows it.
#[test]
fn a_tab_or_a_line_break_saved_by_a_program_prints_as_a_space() {
    for saved_by in SAVED_BY {
        let read = boardpack::pipeline::records(&fixture("text-breaks", saved_by))
            .unwrap_or_else(|e| panic!("{saved_by}: {e}"));
        let row = read
            .records
            .rows
            .iter()
            .find(|r| r.code == "SP1.fte")
            .unwrap();
        let shown = match saved_by == "lo.ods" {
            true => "Reductionin the number of 10-17 year olds",
            false => "Reduction in the number of 10-17 year olds",
        };
        assert!(row.label.starts_with(shown), "{saved_by}: {}", row.label);
    }
}

/// A note typed `Dec-15` that the program turned into the date 2026-12-15
/// (Indicators!H2, the `Note` column): a warning naming the cell and what
/// prints, and the sample's figures otherwise.
#[test]
fn a_date_in_a_text_column_is_a_warning_naming_the_cell() {
    for saved_by in SAVED_BY {
        let read = boardpack::pipeline::records(&fixture("date-in-text", saved_by))
            .unwrap_or_else(|e| panic!("{saved_by}: {e}"));
        let warnings: Vec<String> = read.warnings.iter().map(|w| w.to_string()).collect();
        assert!(
            warnings.iter().any(|w| w.starts_with(
                "Indicators!H2: expected text, found a date, which prints as 2026-12-15"
            )),
            "{saved_by}: {warnings:#?}"
        );
        assert_eq!(warnings.len(), 1, "{saved_by}: {warnings:#?}");
    }
}

/// `boardpack check … 2>&1 | head`: the reader stops, the next line written
/// meets a broken pipe; the process ends quietly with 141, as a command
/// killed by SIGPIPE (it aborted with 134: the panic's own message met the
/// broken pipe too).
#[cfg(unix)]
#[test]
fn check_piped_into_a_reader_that_stops_ends_quietly() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let errors = dir.path().join("errors.xlsx");
    std::fs::write(&errors, fixture("error-cells", "lo.xlsx")).unwrap();
    let sample = dir.path().join("sample.xlsx");
    std::fs::write(&sample, common::sample_bytes()).unwrap();
    // A line to stdout for the sample, lines to stderr for the errors.
    let mut child = Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .arg("check")
        .args([&sample, &errors, &sample, &errors])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), None, "{status:?}");
    assert_eq!(status.code(), Some(141), "{status:?}");
}

/// An `.xlsm` (LibreOffice's "Excel 2007-365 (macro-enabled)") is read as
/// an `.xlsx`: the sample's records.
#[test]
fn an_xlsm_is_read_as_an_xlsx() {
    let sample = boardpack::pipeline::records(&common::sample_bytes()).unwrap();
    let read = boardpack::pipeline::records(&fixture("sample", "lo.xlsm")).unwrap();
    assert_eq!(
        serde_json::to_value(&read.records).unwrap(),
        serde_json::to_value(&sample.records).unwrap()
    );
}

/// An `.xls` (saved by LibreOffice and by Gnumeric) and a password-protected
/// `.ods` are refused saying which they are and how to save them.
#[test]
fn an_xls_and_a_password_protected_workbook_are_refused_saying_which() {
    for saved_by in ["lo.xls", "gn.xls"] {
        let errors = errors_of(&fixture("sample", saved_by));
        assert_eq!(
            errors,
            ["this is an old-style Excel 97-2003 workbook (.xls), which boardpack does not read: open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx)"],
            "{saved_by}"
        );
    }
    let errors = errors_of(&fixture("password", "lo.ods"));
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("this workbook is password-protected (encrypted), so it cannot be read: open it, remove the password"),
        "{errors:?}"
    );
    // Excel's "Encrypt with Password" .xlsx: an OLE compound file holding
    // EncryptionInfo and EncryptedPackage streams (named in UTF-16).
    let mut encrypted = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    encrypted.resize(1024, 0);
    for name in ["EncryptionInfo", "EncryptedPackage"] {
        encrypted.extend(name.encode_utf16().flat_map(u16::to_le_bytes));
        encrypted.resize(encrypted.len() + 64, 0);
    }
    assert!(errors_of(&encrypted)[0].starts_with("this workbook is password-protected"));
}

/// An `.ods` with its `content.xml` edited.
fn edit_content(ods: &[u8], edit: impl Fn(Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut input = zip::ZipArchive::new(std::io::Cursor::new(ods)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..input.len() {
        let mut f = input.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == "content.xml" {
            data = edit(data);
        }
        let method = match name.as_str() {
            "mimetype" => zip::CompressionMethod::Stored,
            _ => zip::CompressionMethod::Deflated,
        };
        out.start_file(
            name,
            zip::write::SimpleFileOptions::default().compression_method(method),
        )
        .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A damaged `.ods` (its content cut short) is said to be one, never "not
/// an .xlsx".
#[test]
fn a_damaged_ods_is_never_called_not_an_xlsx() {
    let damaged = edit_content(&fixture("sample", "lo.ods"), |mut xml| {
        xml.truncate(xml.len() / 2);
        xml
    });
    let errors = errors_of(&damaged);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("the file is damaged or truncated, or not an .ods spreadsheet"),
        "{errors:?}"
    );
}

/// A number cell whose saved number is not one (`office:value="12abc"`,
/// Monthly!C2) is an error naming the cell, not an unreadable sheet.
#[test]
fn an_ods_number_cell_saved_as_12abc_is_an_error_naming_the_cell() {
    let edited = edit_content(&fixture("sample", "lo.ods"), |xml| {
        String::from_utf8(xml)
            .unwrap()
            .replacen("office:value=\"54\"", "office:value=\"12abc\"", 1)
            .into_bytes()
    });
    let errors = errors_of(&edited);
    assert_eq!(errors, ["Monthly!C2: expected a number, found \"12abc\""]);
}

/// A batch folder reads `.xlsx`, `.xlsm` and `.ods`, and names every file
/// it skips and why (it skipped `.xlsm` and `.xls` without a word).
#[test]
fn a_batch_folder_names_every_file_it_skips_and_why() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.xlsm"), fixture("sample", "lo.xlsm")).unwrap();
    std::fs::write(dir.path().join("b.ods"), fixture("sample", "gn.ods")).unwrap();
    std::fs::write(dir.path().join("c.xls"), fixture("sample", "lo.xls")).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "minutes").unwrap();
    std::fs::write(dir.path().join("~$a.xlsm"), "lock").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .arg("check")
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    for read in ["a.xlsm: ok", "b.ods: ok"] {
        assert!(stdout.contains(read), "{read}: {stdout}");
    }
    for (name, why) in [
        ("c.xls", "an old-style Excel 97-2003 workbook (.xls): open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx) to include it"),
        ("notes.txt", "not a workbook (.xlsx, .xlsm or .ods)"),
        ("~$a.xlsm", "an Excel lock file"),
    ] {
        let line = format!("skipped {}: {why}", dir.path().join(name).display());
        assert!(stderr.contains(&line), "{line}\n{stderr}");
    }
}

/// One stray value at Monthly!GR1048576, saved by each program: a located
/// error, found in milliseconds, in `.ods` as in `.xlsx` (the `.ods` reader
/// built the whole area, asking 5.1 GB, and aborted).
#[test]
fn a_stray_value_at_gr1048576_is_a_located_error_in_ods_as_in_xlsx() {
    for saved_by in SAVED_BY {
        let bytes = fixture("far-value", saved_by);
        let started = std::time::Instant::now();
        let errors = errors_of(&bytes);
        let took = started.elapsed();
        assert_eq!(
            errors,
            ["Monthly!GR1048576: expected the sheet's cells within columns A to GR and an area of 4000000 cells from A1, found a value far outside the table; delete it (select the cell, or the rows and columns around it, and press Delete)"],
            "{saved_by}"
        );
        // Debug build, a shared machine: well under what allocating the
        // area would take.
        assert!(
            took < std::time::Duration::from_secs(3),
            "{saved_by}: {took:?}"
        );
    }
}

/// The XML of the sheet named `name` in a workbook written by
/// `support::xlsx` (sheets are numbered in order).
fn sheet_xml(data: &boardpack::support::xlsx::WorkbookData, name: &str) -> String {
    use std::io::Read;
    let i = data.sheets.iter().position(|s| s.name == name).unwrap();
    let bytes = data.to_bytes().unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(&format!("xl/worksheets/sheet{}.xml", i + 1))
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn march() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2016, 3, 31).unwrap()
}

/// `init`'s Instructions and `next`'s Review print within an A4 page's
/// width: A4 paper, fitted to one page wide (Instructions' column A is
/// wider than A4; Review's "What to look at" was cut off), Review's text
/// columns wrapped.
#[test]
fn init_and_next_sheets_print_within_a4_width() {
    let starter = boardpack::support::starter::starter(march());
    let bytes = common::sample_bytes();
    let old = boardpack::input::Workbook::from_bytes(&bytes)
        .unwrap()
        .workbook;
    let next = boardpack::support::next::next(&bytes, &old, march()).unwrap();
    for xml in [
        sheet_xml(&starter, "Instructions"),
        sheet_xml(&next, "Review"),
    ] {
        assert!(xml.contains(r#"<pageSetUpPr fitToPage="1"/>"#), "{xml}");
        assert!(xml.contains(r#"paperSize="9""#), "{xml}");
        assert!(xml.contains(r#"fitToHeight="0""#), "{xml}");
    }
    let review = sheet_xml(&next, "Review");
    assert!(review.contains(r#"<col min="2" max="2""#), "{review}");
    // LibreOffice 7.4 prints at 100% whatever the fit setting: the columns
    // themselves fit A4's width (about 94 characters between margins).
    let widths = |xml: &str| -> f64 {
        xml.split("<col ")
            .skip(1)
            .filter_map(|c| {
                c.split("width=\"")
                    .nth(1)?
                    .split('"')
                    .next()?
                    .parse::<f64>()
                    .ok()
            })
            .sum()
    };
    let instructions = sheet_xml(&starter, "Instructions");
    let first = instructions.split("<col ").nth(1).unwrap();
    let a: f64 = first
        .split("width=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(a <= 94.0, "Instructions column A is {a} characters");
    assert!(widths(&review) <= 94.0, "{review}");
    // And a Review row of wrapped text is as tall as its lines (LibreOffice
    // printed them over the rows below).
    assert!(review.contains(r#"customHeight="1""#), "{review}");
}

/// `next` from an `.ods` a program saved keeps its dates as dates (it wrote
/// them as text), keeps a hidden sheet hidden (it unhid the Lists), and a
/// sheet name longer than Excel's 31 characters is said plainly (it was an
/// internal library error).
#[test]
fn next_keeps_dates_and_hidden_sheets_and_names_a_too_long_sheet_name() {
    use boardpack::support::xlsx::{SheetData, Value};
    let ods = fixture("sample", "lo.ods");
    let old = boardpack::input::Workbook::from_bytes(&ods)
        .unwrap()
        .workbook;
    let next = boardpack::support::next::next(&ods, &old, march()).unwrap();
    let monthly = next.sheet("Monthly").unwrap();
    assert!(
        monthly.rows[1..]
            .iter()
            .all(|r| matches!(r[1], Value::Date(_))),
        "{:?}",
        &monthly.rows[1]
    );
    let reread = boardpack::input::Workbook::from_bytes(&next.to_bytes().unwrap()).unwrap();
    assert_eq!(reread.workbook.report.period_end, march());

    let mut data = common::sample();
    let mut lists = SheetData::new("Lists", &["Kind"]);
    lists.row(vec![Value::from("count")]);
    lists.hidden = true;
    data.sheets.push(lists);
    let bytes = data.to_bytes().unwrap();
    let old = boardpack::input::Workbook::from_bytes(&bytes)
        .unwrap()
        .workbook;
    let next = boardpack::support::next::next(&bytes, &old, march()).unwrap();
    assert!(next.sheet("Lists").unwrap().hidden);
    assert!(!next.sheet("Monthly").unwrap().hidden);

    let long = "A sheet name of forty-three characters long";
    assert_eq!(long.chars().count(), 43);
    let ods = edit_content(&fixture("sample", "lo.ods"), |xml| {
        String::from_utf8(xml)
            .unwrap()
            .replacen(
                "table:name=\"Savings\"",
                &format!("table:name=\"{long}\""),
                1,
            )
            .into_bytes()
    });
    let e = boardpack::support::next::next(&ods, &old, march()).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("the sheet name \"{long}\" is longer than the 31 characters an Excel workbook allows: rename the sheet (right-click its tab, Rename) and run next again")
    );
}

/// `next` keeps a percent-formatted cell a percent (it wrote -0.59 where
/// the analyst typed -59%), from the `.xlsx` and from a program's `.ods`.
#[test]
fn next_keeps_percent_formats() {
    use boardpack::support::xlsx::Value;
    let sample = common::sample();
    let percents: Vec<(String, usize, usize)> = sample
        .sheets
        .iter()
        .flat_map(|s| {
            s.rows.iter().enumerate().flat_map(move |(r, row)| {
                row.iter()
                    .enumerate()
                    .filter(|(_, v)| matches!(v, Value::Percent(_)))
                    .map(move |(c, _)| (s.name.clone(), r, c))
            })
        })
        .collect();
    assert!(!percents.is_empty());
    for bytes in [common::sample_bytes(), fixture("sample", "lo.ods")] {
        let old = boardpack::input::Workbook::from_bytes(&bytes)
            .unwrap()
            .workbook;
        let next = boardpack::support::next::next(&bytes, &old, march()).unwrap();
        for (sheet, r, c) in &percents {
            let kept = &next.sheet(sheet).unwrap().rows[*r][*c];
            assert_eq!(
                kept,
                &sample.sheet(sheet).unwrap().rows[*r][*c],
                "{sheet} {r} {c}"
            );
        }
    }
}

/// `next` from a Gnumeric `.ods` stopped with "the workbook cannot be read
/// again: Cannot detect file format" (calamine's own detection cannot open
/// Gnumeric's indented XML, which `check` and `build` read): it is read as
/// they read it, from both programs' `.ods`.
#[test]
fn next_from_a_gnumeric_ods_reads_it_as_check_does() {
    for saved_by in ["gn.ods", "lo.ods"] {
        let ods = fixture("sample", saved_by);
        let old = boardpack::input::Workbook::from_bytes(&ods)
            .unwrap_or_else(|e| panic!("{saved_by}: {e}"))
            .workbook;
        let next = boardpack::support::next::next(&ods, &old, march())
            .unwrap_or_else(|e| panic!("{saved_by}: {e}"));
        let reread = boardpack::input::Workbook::from_bytes(&next.to_bytes().unwrap()).unwrap();
        assert_eq!(reread.workbook.report.period_end, march(), "{saved_by}");
        assert_eq!(reread.workbook.monthly, old.monthly, "{saved_by}");
    }
}

/// Signing off an `.ods` with a date in a text column (a note typed
/// `Dec-15` that the program made a date) failed with "the copy … does not
/// give the same warnings as the workbook: this is a bug in boardpack": the
/// copy wrote the date as text, which gives no warning. The copy keeps it a
/// date, and the sign-off goes through, from every program's file.
#[test]
fn signing_off_an_ods_with_a_date_in_a_text_column_is_not_a_copy_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    for saved_by in SAVED_BY {
        let path = dir.path().join(format!("date-in-text.{saved_by}"));
        std::fs::write(&path, fixture("date-in-text", saved_by)).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_boardpack"))
            .arg("sign-off")
            .arg(&path)
            .args([
                "--by",
                "J Smith",
                "--role",
                "Board Secretary",
                "--date",
                "2016-01-28",
            ])
            .args(["--accept-warnings", "--dry-run", "--archive"])
            .arg(dir.path().join("archive"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{saved_by}: {stderr}");
        assert!(
            stderr
                .contains("Indicators!H2: expected text, found a date, which prints as 2026-12-15"),
            "{saved_by}: {stderr}"
        );
    }
}

/// Every formula of a sheet, by (row, column), as calamine reads them.
fn formulas_of(xlsx: &[u8]) -> std::collections::BTreeMap<(String, u32, u32), String> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::Xlsx::new(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let mut out = std::collections::BTreeMap::new();
    for name in book.sheet_names().to_vec() {
        let f = book.worksheet_formula(&name).unwrap();
        let (r0, c0) = f.start().unwrap_or((0, 0));
        for (r, c, text) in f.used_cells() {
            if !text.is_empty() {
                out.insert((name.clone(), r0 + r as u32, c0 + c as u32), text.clone());
            }
        }
    }
    out
}

/// `next` wrote every formula as its value: `Monthly`'s `=IF(E44>0;E44;"")`
/// became plain numbers, so next quarter's edits no longer reached the
/// figures. An `.xlsx`'s formulas stay formulas, with their saved results
/// (the empty-string result too), and the new workbook reads the same.
#[test]
fn next_keeps_an_xlsx_s_formulas_and_their_results() {
    for saved_by in ["lo.xlsx", "gn.xlsx"] {
        let bytes = fixture("empty-formula", saved_by);
        let before = formulas_of(&bytes);
        assert!(!before.is_empty(), "{saved_by}: the fixture has formulas");
        let old = boardpack::input::Workbook::from_bytes(&bytes)
            .unwrap_or_else(|e| panic!("{saved_by}: {e}"))
            .workbook;
        let new = boardpack::support::next::next(&bytes, &old, march())
            .unwrap()
            .to_bytes()
            .unwrap();
        assert_eq!(formulas_of(&new), before, "{saved_by}");
        let again = boardpack::input::Workbook::from_bytes(&new)
            .unwrap_or_else(|e| panic!("{saved_by}: {e}"))
            .workbook;
        assert_eq!(again.monthly, old.monthly, "{saved_by}");
        assert_eq!(again.values, old.values, "{saved_by}");
    }
}

/// A `#N/A` in `Values.Value` (a survey's YTD percent) was "expected text,
/// found the error #N/A": the cell holds a figure, a percent, NA or text.
#[test]
fn an_error_in_a_values_figure_expects_a_figure_not_text() {
    use boardpack::support::xlsx::Value;
    let mut data = common::sample();
    let values = data.sheet_mut("Values").unwrap();
    let col = values.col("Value").unwrap();
    values.set(1, col, Value::Error("#N/A".into()));
    let errors = errors_of(&data.to_bytes().unwrap());
    let at = format!("Values!{}2", (b'A' + col as u8) as char);
    assert_eq!(
        errors,
        vec![format!(
            "{at}: expected a figure (a number or a percent), NA or text, found the error #N/A"
        )]
    );
}

/// A required cell holding `=IF(…;…;"")` was "found an empty cell", though
/// the analyst sees a formula there: it is named a formula whose result is
/// empty, in an `.xlsx` and an `.ods`.
#[test]
fn a_required_cell_whose_formula_gives_an_empty_result_is_named_a_formula() {
    use boardpack::support::xlsx::Value;
    let mut data = common::sample();
    let monthly = data.sheet_mut("Monthly").unwrap();
    let col = monthly.col("Value").unwrap();
    monthly.set(
        1,
        col,
        Value::Computed {
            formula: "IF(1=0,1,\"\")".into(),
            result: Box::new(Value::Empty),
        },
    );
    let xlsx = data.to_bytes().unwrap();
    let ods = edit_content(&fixture("sample", "lo.ods"), |xml| {
        let xml = String::from_utf8(xml).unwrap();
        let at = xml.find("table:name=\"Monthly\"").unwrap();
        let cell = r#"<table:table-cell office:value-type="float" office:value="54" calcext:value-type="float"><text:p>54</text:p></table:table-cell>"#;
        let i = at + xml[at..].find(cell).unwrap();
        let formula = r#"<table:table-cell table:formula="of:=IF(1=0;1;&quot;&quot;)" office:value-type="string" office:string-value="" calcext:value-type="string"><text:p/></table:table-cell>"#;
        format!("{}{formula}{}", &xml[..i], &xml[i + cell.len()..]).into_bytes()
    });
    for (what, bytes) in [("xlsx", xlsx), ("ods", ods)] {
        let errors = errors_of(&bytes);
        assert!(
            errors.iter().any(|e| e.starts_with("Monthly!C2: expected")
                && e.contains("found a formula whose result is empty")),
            "{what}: {errors:#?}"
        );
    }
}
