//! Hostile and unusual workbooks (issue #15): `check` is the build without
//! rendering, so anything that would make `build` fail, hang, abort or lose
//! text is a located error when the workbook is read. Each test builds its
//! hostile workbook here, from the sample, and is named after the case.

mod common;

use std::io::{Cursor, Read, Write};
use std::sync::atomic::Ordering;

use boardpack::support::xlsx::{Value, WorkbookData};
use common::{errors, errors_of, row_of, sample, t};

#[path = "common/counting.rs"]
mod counting;
use counting::{CURRENT, PEAK};

/// Rewrites the XML parts of an `.xlsx` package with `edit(name, text)`.
fn edit_xml(xlsx: &[u8], edit: impl Fn(&str, String) -> String) -> Vec<u8> {
    let mut input = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..input.len() {
        let mut f = input.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name.ends_with(".xml") || name.ends_with(".rels") {
            data = edit(&name, String::from_utf8(data).unwrap()).into_bytes();
        }
        out.start_file(name, opts).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The part path of the sheet named `sheet` in a workbook written by
/// `support::xlsx` (sheets are numbered in order).
fn sheet_part(data: &WorkbookData, sheet: &str) -> String {
    let i = data.sheets.iter().position(|s| s.name == sheet).unwrap();
    format!("xl/worksheets/sheet{}.xml", i + 1)
}

fn has(lines: &[String], at: &str, words: &str) -> bool {
    lines.iter().any(|l| l.starts_with(at) && l.contains(words))
}

/// The sample's bytes with the XML of `sheet` edited by `edit`.
fn sample_with_sheet(sheet: &str, edit: impl Fn(String) -> String) -> Vec<u8> {
    let data = sample();
    let part = sheet_part(&data, sheet);
    edit_xml(&data.to_bytes().unwrap(), |name, text| match name == part {
        true => edit(text),
        false => text,
    })
}

/// Replaces the saved value (`<v>`) of the cell `reference` in a sheet's XML.
fn set_v(text: String, reference: &str, value: &str) -> String {
    let at = text.find(&format!("<c r=\"{reference}\"")).unwrap();
    let v = at + text[at..].find("<v>").unwrap() + 3;
    let end = v + text[v..].find("</v>").unwrap();
    format!("{}{value}{}", &text[..v], &text[end..])
}

/// Inserts one numeric cell at `reference` in the last row of a sheet's XML.
fn add_cell(text: String, reference: &str) -> String {
    let row = reference.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    text.replacen(
        "</sheetData>",
        &format!("<row r=\"{row}\"><c r=\"{reference}\"><v>1</v></c></row></sheetData>"),
        1,
    )
}

#[test]
fn a_value_at_xfd1048576_is_a_located_error_without_allocating_the_grid() {
    let bytes = sample_with_sheet("Monthly", |text| add_cell(text, "XFD1048576"));
    let before = CURRENT.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let lines = errors_of(&bytes);
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert!(
        has(&lines, "Monthly!XFD1048576", "far outside the table"),
        "{lines:#?}"
    );
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(peak < 64 << 20, "peak extra memory {peak} bytes");
}

#[test]
fn a_value_at_cv1048576_is_a_located_error() {
    let bytes = sample_with_sheet("Savings", |text| add_cell(text, "CV1048576"));
    let lines = errors_of(&bytes);
    assert!(has(&lines, "Savings!CV1048576", "delete it"), "{lines:#?}");
}

#[test]
fn a_cell_written_twice_in_the_sheet_file_is_an_error_not_the_later_copy() {
    let bytes = sample_with_sheet("Savings", |text| {
        // A second B2, after the first, holding another amount.
        text.replacen("</row>", "<c r=\"B2\"><v>999</v></c></row>", 2)
            .replacen("<c r=\"B2\"><v>999</v></c></row>", "</row>", 1)
    });
    let lines = errors_of(&bytes);
    assert!(has(&lines, "Savings!B2", "written twice"), "{lines:#?}");
}

#[test]
fn a_shared_string_index_of_minus_one_is_an_error_not_another_string() {
    let bytes = sample_with_sheet("Report", |text| {
        // B2, the title's value, points at -1.
        set_v(text, "B2", "-1")
    });
    let lines = errors_of(&bytes);
    assert!(
        has(
            &lines,
            "Report!B2",
            "shared strings, found an index that names none"
        ),
        "{lines:#?}"
    );
}

#[test]
fn a_shared_string_index_out_of_range_is_a_located_error() {
    let bytes = sample_with_sheet("Savings", |text| set_v(text, "A2", "99999"));
    let lines = errors_of(&bytes);
    assert!(has(&lines, "Savings!A2", "names none"), "{lines:#?}");
}

#[test]
fn a_very_hidden_sheet_named_monthly_with_spaces_before_monthly_is_not_read() {
    let mut data = sample();
    let mut decoy = data.sheet("Monthly").unwrap().clone();
    decoy.name = " monthly ".into();
    decoy.rows.truncate(1);
    decoy.hidden = true;
    data.sheets.insert(0, decoy);
    let bytes = edit_xml(&data.to_bytes().unwrap(), |name, text| {
        if name == "xl/workbook.xml" {
            text.replace("state=\"hidden\"", "state=\"veryHidden\"")
        } else {
            text
        }
    });
    let lines = errors_of(&bytes);
    assert!(lines.is_empty(), "the exact name is read: {lines:#?}");
    let computed = boardpack::pipeline::records(&bytes).unwrap();
    let plain = boardpack::pipeline::records(&sample().to_bytes().unwrap()).unwrap();
    assert_eq!(
        serde_json::to_string(&computed.records).unwrap(),
        serde_json::to_string(&plain.records).unwrap()
    );
}

#[test]
fn two_sheets_matching_monthly_neither_exactly_are_an_error_naming_both() {
    let mut data = sample();
    let mut decoy = data.sheet("Monthly").unwrap().clone();
    decoy.name = " monthly ".into();
    data.sheets.insert(0, decoy);
    data.sheet_mut("Monthly").unwrap().name = "MONTHLY".into();
    let lines = errors(&data);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("expected one sheet named \"Monthly\"")
                && l.contains("\" monthly \"")
                && l.contains("\"MONTHLY\"")),
        "{lines:#?}"
    );
}

#[test]
fn a_duplicate_zip_entry_is_refused_not_the_later_copy() {
    let data = sample();
    let bytes = data.to_bytes().unwrap();
    let part = sheet_part(&data, "Savings");
    let mut input = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut savings = String::new();
    for i in 0..input.len() {
        let mut f = input.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut body = Vec::new();
        f.read_to_end(&mut body).unwrap();
        if name == part {
            savings = String::from_utf8(body.clone()).unwrap();
        }
        out.start_file(name, opts).unwrap();
        out.write_all(&body).unwrap();
    }
    // A second copy under a name of the same length, renamed in the bytes.
    let decoy = part.replace("sheet", "sheeT");
    out.start_file(decoy.clone(), opts).unwrap();
    out.write_all(savings.replace("<v>16.1</v>", "<v>9999</v>").as_bytes())
        .unwrap();
    let mut zipped = out.finish().unwrap().into_inner();
    let (from, to) = (decoy.as_bytes(), part.as_bytes());
    let mut i = 0;
    while i + from.len() <= zipped.len() {
        if &zipped[i..i + from.len()] == from {
            zipped[i..i + from.len()].copy_from_slice(to);
        }
        i += 1;
    }
    let lines = errors_of(&zipped);
    assert!(
        lines.len() == 1 && lines[0].contains("two parts named the same"),
        "{lines:#?}"
    );
}

/// Sets the `Value` of a `Report` field.
fn set_report(data: &mut WorkbookData, field: &str, value: Value) {
    let row = row_of(data, "Report", field);
    data.sheet_mut("Report").unwrap().set(row, 1, value);
}

/// The errors of the sample with the first savings amount `value`, and
/// that cell's reference.
fn savings_amount(value: Value) -> (Vec<String>, String) {
    let mut data = sample();
    let row = row_of(&data, "Savings", "Savings realised to date");
    data.sheet_mut("Savings").unwrap().set(row, 1, value);
    (errors(&data), format!("Savings!B{}", row + 1))
}

#[test]
fn savings_of_1_7e308_is_a_located_error_not_a_build_that_never_ends() {
    let (lines, at) = savings_amount(Value::Number(1.7e308));
    let says = format!("{at}: expected a number between -1,000,000,000,000 and 1,000,000,000,000 (what the charts and sums can hold), found the number 1.7e308");
    assert!(lines.contains(&says), "{lines:#?}");
}

#[test]
fn twelve_monthly_values_near_1_8e308_are_located_errors() {
    let mut data = sample();
    let monthly = data.sheet_mut("Monthly").unwrap();
    let col = monthly.col("Value").unwrap();
    for r in 1..=12 {
        monthly.set(r, col, Value::Number(1.79e308));
    }
    let lines = errors(&data);
    let located = lines
        .iter()
        .filter(|l| l.starts_with("Monthly!C") && l.contains("found the number 1.79e308"))
        .count();
    assert_eq!(located, 12, "{lines:#?}");
}

#[test]
fn a_number_as_text_past_the_bound_is_a_located_error() {
    let (lines, at) = savings_amount(t("2,000,000,000,000"));
    assert!(
        has(&lines, &at, "found \"2,000,000,000,000\""),
        "{lines:#?}"
    );
}

/// The errors of the sample with `period_end` a date-formatted cell holding
/// the serial `serial` (rust_xlsxwriter will not write such dates), and
/// the cell's reference.
fn period_end_serial(serial: &str) -> (Vec<String>, String) {
    let mut data = sample();
    let row = row_of(&data, "Report", "period_end");
    let part = sheet_part(&data, "Report");
    let date = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    data.sheet_mut("Report")
        .unwrap()
        .set(row, 1, Value::Date(date));
    let cell = format!("B{}", row + 1);
    let bytes = edit_xml(&data.to_bytes().unwrap(), |name, text| {
        if name == part {
            set_v(text, &cell, serial)
        } else {
            text
        }
    });
    (errors_of(&bytes), format!("Report!{cell}"))
}

#[test]
fn a_period_end_serial_past_year_9999_is_a_located_error_not_a_panic() {
    let (lines, at) = period_end_serial("2958466");
    let says = "expected a date from 1900 to 9999, found the date +10000-01-01";
    assert!(has(&lines, &at, says), "{lines:#?}");
}

#[test]
fn a_serial_of_minus_5_is_a_located_error_not_1899_12_26() {
    let (lines, at) = period_end_serial("-5");
    let says = "expected a date from 1900 to 9999, found the date 1899-12-2";
    assert!(has(&lines, &at, says), "{lines:#?}");
}

#[test]
fn a_month_before_1900_is_a_located_error() {
    let mut data = sample();
    let monthly = data.sheet_mut("Monthly").unwrap();
    let col = monthly.col("Month").unwrap();
    monthly.set(1, col, t("1899-12"));
    let lines = errors(&data);
    assert!(
        has(&lines, "Monthly!B2", "expected a date from 1900 to 9999"),
        "{lines:#?}"
    );
}

#[test]
fn a_32767_character_title_is_a_located_error_not_141_characters_printed() {
    let mut data = sample();
    set_report(
        &mut data,
        "title",
        t(&"Police and crime plan ".repeat(1490)[..32_767]),
    );
    let row = row_of(&data, "Report", "title");
    let lines = errors(&data);
    assert_eq!(
        lines,
        [format!("Report!B{}: expected a report title of at most 100 characters (what the layout can show), found 32767 characters; shorten it", row + 1)]
    );
}

/// `words` repeated to at most `limit` characters, trimmed.
fn at_most(limit: boardpack::input::text::Limit, words: &str) -> String {
    let long = words.repeat(limit.max / words.chars().count() + 1);
    let cut: String = long.chars().take(limit.max).collect();
    cut.trim_end().to_string()
}

#[test]
fn texts_at_their_limits_print_whole() {
    use boardpack::input::text;
    let mut data = sample();
    let title = at_most(
        text::REPORT_TITLE,
        "Dashboard of the plan for Wrexham, Łódź and Ελλάδα ",
    );
    set_report(&mut data, "title", t(&title));
    let label = at_most(
        text::LABEL,
        "Crimes recorded in the force area, by month, with partner data ",
    );
    set_text(&mut data, "Indicators", "Label", 1, &label);
    let note = at_most(
        text::NOTE,
        "figures are provisional until the year end audit is complete; ",
    );
    set_text(&mut data, "Priorities", "Note", 1, &note);
    let bullet = at_most(
        text::NARRATIVE,
        "the partnership has continued to deliver the plan, ",
    );
    set_text(&mut data, "Narrative", "Text", 2, &bullet);
    assert!(errors(&data).is_empty(), "{:?}", errors(&data));
    let pdf = common::pdf_text(&common::build(&data).pdf);
    for text in [title, label, note, bullet] {
        assert!(
            pdf.contains(&common::normalise(&text)),
            "{text:?} is not whole in the PDF"
        );
    }
}

/// Sets the text of the cell under `header` in `row` (1 = the first data
/// row) of `sheet`; its reference, e.g. `Narrative!C3`.
fn set_text(data: &mut WorkbookData, sheet: &str, header: &str, row: usize, text: &str) -> String {
    let s = data.sheet_mut(sheet).unwrap();
    let col = s.col(header).unwrap();
    s.set(row, col, t(text));
    format!("{sheet}!{}{}", (b'A' + col as u8) as char, row + 1)
}

/// True when the sample with `text` in one cell is refused at that cell
/// with a message holding `says`.
fn refused_at_cell(sheet: &str, header: &str, row: usize, text: &str, says: &str) -> bool {
    let mut data = sample();
    let at = set_text(&mut data, sheet, header, row, text);
    let lines = errors(&data);
    has(&lines, &at, says) || panic!("{lines:#?}")
}

#[test]
fn an_emoji_in_a_narrative_bullet_is_a_located_error() {
    let says = "found the character U+1F44D (👍), character 16 of the text";
    assert!(refused_at_cell(
        "Narrative",
        "Text",
        2,
        "Great progress 👍 today",
        says
    ));
}

#[test]
fn a_control_character_in_a_label_is_a_located_error() {
    let says = "found the character U+0007, character 6";
    assert!(refused_at_cell(
        "Indicators",
        "Label",
        1,
        "Crime\u{7}recorded",
        says
    ));
}

#[test]
fn cjk_in_a_priority_title_and_a_bidi_override_in_a_note_are_located_errors() {
    let mut data = sample();
    let title = set_text(&mut data, "Priorities", "Title", 1, "社区 safety");
    let note = set_text(&mut data, "Priorities", "Note", 2, "abc\u{202E}def");
    let lines = errors(&data);
    assert!(has(&lines, &title, "U+793E (社)"), "{lines:#?}");
    assert!(has(&lines, &note, "U+202E, character 4"), "{lines:#?}");
}

#[test]
fn every_accepted_character_is_covered_by_an_embedded_face() {
    let fonts: Vec<typst::text::Font> = boardpack::render::fonts::FACES
        .iter()
        .flat_map(|(_, b)| typst::text::Font::iter(typst::foundations::Bytes::new(b.to_vec())))
        .collect();
    assert_eq!(fonts.len(), boardpack::render::fonts::FACES.len());
    let mut checked = 0;
    for &(lo, hi) in boardpack::input::text::ACCEPTED {
        for c in lo..=hi {
            assert!(
                fonts.iter().any(|f| f.info().coverage.contains(c as u32)),
                "U+{:04X} is accepted but no embedded face has it",
                c as u32
            );
            checked += 1;
        }
    }
    assert!(checked > 1500, "{checked} characters");
}

#[test]
fn check_reports_what_would_break_build_in_one_run_and_exits_1() {
    let mut data = sample();
    let (_, savings) = savings_amount(Value::Number(1.7e308));
    let row = row_of(&data, "Savings", "Savings realised to date");
    data.sheet_mut("Savings")
        .unwrap()
        .set(row, 1, Value::Number(1.7e308));
    let emoji = set_text(&mut data, "Narrative", "Text", 2, "ok 😀");
    let bytes = edit_xml(&data.to_bytes().unwrap(), |name, text| {
        match name == sheet_part(&data, "Monthly") {
            true => add_cell(text, "XFD1048576"),
            false => text,
        }
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("w.xlsx"), bytes).unwrap();
    for command in ["check", "build"] {
        let out = common::run(dir.path(), &[command, "w.xlsx"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{command}: {stderr}");
        for at in [&savings, &emoji, &"Monthly!XFD1048576".to_string()] {
            assert!(
                stderr.contains(at.as_str()),
                "{command}: {at} not in {stderr}"
            );
        }
    }
    assert!(
        !dir.path().join("out").exists()
            || std::fs::read_dir(dir.path().join("out"))
                .unwrap()
                .next()
                .is_none()
    );
}

/// Regression: a bound of 10,000 rows refused a large force's long-form
/// `Monthly` sheet (300 indicators × 120 months = 36,000 rows).
#[test]
fn a_long_monthly_sheet_of_a_large_force_is_read_whole() {
    let mut w = common::minimal(|i| 100.0 + i as f64);
    let monthly = w.sheet_mut("Monthly").unwrap();
    let last = monthly.rows.last().cloned().unwrap();
    // A row past row 12,500, as a sheet with many indicators has (the
    // copied row is a duplicate month, an error of its own: not this one).
    while monthly.rows.len() < 12_500 {
        monthly.rows.push(Vec::new());
    }
    monthly.rows.push(last);
    let bytes = w.to_bytes().unwrap();
    let errors = common::errors_of(&bytes);
    assert!(
        !errors.iter().any(|e| e.contains("far outside the table")),
        "{errors:?}"
    );
}
