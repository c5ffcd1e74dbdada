//! Hostile and unusual workbooks (issue #15): `check` is the build without
//! rendering, so anything that would make `build` fail, hang, abort or lose
//! text is a located error when the workbook is read. Each test builds its
//! hostile workbook here, from the sample, and is named after the case.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Cursor, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

use boardpack::support::xlsx::{Value, WorkbookData};
use common::{errors, row_of, sample, t};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

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

/// The error lines of a workbook's bytes (or the one refusal).
fn errors_of(bytes: &[u8]) -> Vec<String> {
    match boardpack::pipeline::records(bytes) {
        Ok(_) => Vec::new(),
        Err(boardpack::input::LoadError::Invalid(e)) => e
            .problems
            .iter()
            .filter(|p| p.is_error())
            .map(|p| p.to_string())
            .collect(),
        Err(e) => vec![e.to_string()],
    }
}

fn has(lines: &[String], at: &str, words: &str) -> bool {
    lines.iter().any(|l| l.starts_with(at) && l.contains(words))
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
    let data = sample();
    let part = sheet_part(&data, "Monthly");
    let bytes = edit_xml(&data.to_bytes().unwrap(), |name, text| {
        if name == part {
            add_cell(text, "XFD1048576")
        } else {
            text
        }
    });
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
    let data = sample();
    let part = sheet_part(&data, "Savings");
    let bytes = edit_xml(&data.to_bytes().unwrap(), |name, text| {
        if name == part {
            add_cell(text, "CV1048576")
        } else {
            text
        }
    });
    let lines = errors_of(&bytes);
    assert!(has(&lines, "Savings!CV1048576", "delete it"), "{lines:#?}");
}

#[test]
fn a_cell_written_twice_in_the_sheet_file_is_an_error_not_the_later_copy() {
    let data = sample();
    let part = sheet_part(&data, "Savings");
    let bytes = edit_xml(&data.to_bytes().unwrap(), |name, text| {
        if name == part {
            // A second B2, after the first, holding another amount.
            text.replacen("</row>", "<c r=\"B2\"><v>999</v></c></row>", 2)
                .replacen("<c r=\"B2\"><v>999</v></c></row>", "</row>", 1)
        } else {
            text
        }
    });
    let lines = errors_of(&bytes);
    assert!(has(&lines, "Savings!B2", "written twice"), "{lines:#?}");
}

#[test]
fn a_shared_string_index_of_minus_one_is_an_error_not_another_string() {
    let data = sample();
    let part = sheet_part(&data, "Report");
    let bytes = edit_xml(&data.to_bytes().unwrap(), |name, text| {
        if name != part {
            return text;
        }
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
    let data = sample();
    let part = sheet_part(&data, "Savings");
    let bytes = edit_xml(&data.to_bytes().unwrap(), |name, text| {
        if name != part {
            return text;
        }
        set_v(text, "A2", "99999")
    });
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

#[test]
fn savings_of_1_7e308_is_a_located_error_not_a_build_that_never_ends() {
    let mut data = sample();
    let row = row_of(&data, "Savings", "Savings realised to date");
    data.sheet_mut("Savings")
        .unwrap()
        .set(row, 1, Value::Number(1.7e308));
    let lines = errors(&data);
    assert!(
        lines.iter().any(|l| l
            == &format!("Savings!B{}: expected a number between -1,000,000,000,000 and 1,000,000,000,000 (what the charts and sums can hold), found the number 1.7e308", row + 1)),
        "{lines:#?}"
    );
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
    let mut data = sample();
    let row = row_of(&data, "Savings", "Savings realised to date");
    data.sheet_mut("Savings")
        .unwrap()
        .set(row, 1, t("2,000,000,000,000"));
    let lines = errors(&data);
    assert!(
        has(
            &lines,
            &format!("Savings!B{}", row + 1),
            "found \"2,000,000,000,000\""
        ),
        "{lines:#?}"
    );
}

#[test]
fn a_period_end_serial_past_year_9999_is_a_located_error_not_a_panic() {
    let mut data = sample();
    let row = row_of(&data, "Report", "period_end");
    let part = sheet_part(&data, "Report");
    // A date-formatted serial for 10000-01-01 (rust_xlsxwriter will not write it).
    data.sheet_mut("Report").unwrap().set(
        row,
        1,
        Value::Date(chrono::NaiveDate::from_ymd_opt(9999, 1, 1).unwrap()),
    );
    let bytes = edit_xml(&data.to_bytes().unwrap(), |name, text| {
        if name == part {
            set_v(text, &format!("B{}", row + 1), "2958466")
        } else {
            text
        }
    });
    let lines = errors_of(&bytes);
    assert!(
        has(
            &lines,
            &format!("Report!B{}", row + 1),
            "expected a date from 1900 to 9999, found the date +10000-01-01"
        ),
        "{lines:#?}"
    );
}

#[test]
fn a_serial_of_minus_5_is_a_located_error_not_1899_12_26() {
    let mut data = sample();
    let row = row_of(&data, "Report", "period_end");
    let part = sheet_part(&data, "Report");
    data.sheet_mut("Report").unwrap().set(
        row,
        1,
        Value::Date(chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap()),
    );
    let bytes = edit_xml(&data.to_bytes().unwrap(), |name, text| {
        if name == part {
            set_v(text, &format!("B{}", row + 1), "-5")
        } else {
            text
        }
    });
    let lines = errors_of(&bytes);
    assert!(
        has(
            &lines,
            &format!("Report!B{}", row + 1),
            "expected a date from 1900 to 9999"
        ),
        "{lines:#?}"
    );
}

#[test]
fn a_month_header_before_1900_is_a_located_error() {
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

#[test]
fn texts_at_their_limits_print_whole() {
    use boardpack::input::text;
    let mut data = sample();
    let title: String = "Dashboard of the plan for Wrexham, Łódź and Ελλάδα ".repeat(3);
    let title = title[..text::REPORT_TITLE.max].trim_end().to_string();
    set_report(&mut data, "title", t(&title));
    let label = "A label at the limit: crimes recorded in the force area, by the month recorded, with partner data ".repeat(2);
    let label: String = label
        .chars()
        .take(text::LABEL.max)
        .collect::<String>()
        .trim_end()
        .to_string();
    let ind = data.sheet_mut("Indicators").unwrap();
    let col = ind.col("Label").unwrap();
    ind.set(1, col, t(&label));
    let at_most = |limit: text::Limit, words: &str| -> String {
        let long = words.repeat(limit.max / words.len() + 1);
        long.chars()
            .take(limit.max)
            .collect::<String>()
            .trim_end()
            .to_string()
    };
    let note = at_most(
        text::NOTE,
        "figures are provisional until the year end audit is complete; ",
    );
    let pri = data.sheet_mut("Priorities").unwrap();
    let col = pri.col("Note").unwrap();
    pri.set(1, col, t(&note));
    let bullet = at_most(
        text::NARRATIVE,
        "the partnership has continued to deliver the plan, ",
    );
    let nar = data.sheet_mut("Narrative").unwrap();
    let col = nar.col("Text").unwrap();
    nar.set(2, col, t(&bullet));
    assert!(errors(&data).is_empty(), "{:?}", errors(&data));
    let text = common::pdf_text(&common::build(&data).pdf);
    assert!(
        text.contains(&common::normalise(&note)),
        "the note is not whole in the PDF"
    );
    assert!(
        text.contains(&common::normalise(&bullet)),
        "the bullet is not whole in the PDF"
    );
    assert!(
        text.contains(&common::normalise(&title)),
        "{title:?} is not whole in the PDF"
    );
    assert!(
        text.contains(&common::normalise(&label)),
        "{label:?} is not whole in the PDF"
    );
}

#[test]
fn an_emoji_in_a_narrative_bullet_is_a_located_error() {
    let mut data = sample();
    let nar = data.sheet_mut("Narrative").unwrap();
    let col = nar.col("Text").unwrap();
    nar.set(2, col, t("Great progress 👍 this quarter"));
    let lines = errors(&data);
    assert!(
        has(
            &lines,
            "Narrative!C3",
            "found the character U+1F44D (👍), character 16 of the text"
        ),
        "{lines:#?}"
    );
}

#[test]
fn a_control_character_in_a_label_is_a_located_error() {
    let mut data = sample();
    let ind = data.sheet_mut("Indicators").unwrap();
    let col = ind.col("Label").unwrap();
    ind.set(1, col, t("Crime\u{7}recorded"));
    let lines = errors(&data);
    let at = format!("Indicators!{}2", (b'A' + col as u8) as char);
    assert!(
        has(&lines, &at, "found the character U+0007, character 6"),
        "{lines:#?}"
    );
}

#[test]
fn cjk_in_a_priority_title_and_a_bidi_override_in_a_note_are_located_errors() {
    let mut data = sample();
    let pri = data.sheet_mut("Priorities").unwrap();
    let title = pri.col("Title").unwrap();
    let note = pri.col("Note").unwrap();
    pri.set(1, title, t("社区 safety"));
    pri.set(2, note, t("abc\u{202E}def"));
    let lines = errors(&data);
    let cell = |c: usize, r: usize| format!("Priorities!{}{r}", (b'A' + c as u8) as char);
    assert!(has(&lines, &cell(title, 2), "U+793E (社)"), "{lines:#?}");
    assert!(
        has(&lines, &cell(note, 3), "U+202E, character 4"),
        "{lines:#?}"
    );
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
