//! The workbook a signed-off pack carries: not the analyst's file but a
//! copy holding only the contract's sheets and their cells' values, so that
//! a published pack never carries a hidden sheet, an extra sheet, comments,
//! the workbook's document properties (author names), macros or anything
//! else the pack was not built from. [`copy`] makes it (an `.xlsx`, written
//! deterministically: the same values give the same bytes) and lists what
//! it left out; sign-off builds the pack from the copy, after checking that
//! the copy gives the same records as the workbook.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{Data, Range, Reader};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Workbook as XlsxBook};

use crate::input::dates::parse_text_date;
use crate::input::problem::plural;
use crate::input::table::norm;
use crate::input::{count_elements as count, RawSheets};

/// The contract's sheets, in its order (`docs/workbook.md`): what the copy
/// keeps. Every other sheet is left out.
pub const CONTRACT_SHEETS: [&str; 9] = [
    "Report",
    "Priorities",
    "Indicators",
    "Monthly",
    "Values",
    "Peers",
    "Narrative",
    "Savings",
    "Footnotes",
];

/// The copy of a workbook that a signed-off pack carries.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkbookCopy {
    /// Its file name: the workbook's, with `.xlsx` for its extension.
    pub name: String,
    /// The `.xlsx` bytes.
    pub bytes: Vec<u8>,
    /// What the workbook holds that the copy does not, one phrase each
    /// (`sheet 'Notes' (hidden)`, `3 comments`, `author names`).
    pub left_out: Vec<String>,
}

/// Why a copy could not be made.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("the workbook could not be read again to copy it: {0}")]
    Unreadable(String),
    #[error("the copy of the workbook could not be written: {0}")]
    Write(#[from] rust_xlsxwriter::XlsxError),
}

/// The name the copy of `workbook` (a file name) is attached under: the
/// same name, with `.xlsx` for an `.ods`, `.xlsm` or any other extension
/// (the copy is an `.xlsx`, without macros).
pub fn copy_name(workbook: &str) -> String {
    let stem = match workbook.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => workbook,
    };
    format!("{stem}.xlsx")
}

/// The columns of each contract sheet (`docs/workbook.md`): with
/// [`Columns::Contract`] the copy leaves out every other column (a column
/// of notes beside `Monthly`), the `Monthly` sheet's months (its
/// month-across form) excepted.
pub const CONTRACT_COLUMNS: [(&str, &[&str]); 9] = [
    ("Report", &["Field", "Value"]),
    (
        "Priorities",
        &["Code", "Title", "Layout", "Columns", "Note"],
    ),
    (
        "Indicators",
        &[
            "Code", "Priority", "Label", "Kind", "Polarity", "Source", "Footnote", "Note",
        ],
    ),
    ("Monthly", &["Indicator", "Month", "Value", "Base"]),
    ("Values", &["Indicator", "Column", "Value", "Base", "Note"]),
    ("Peers", &["Indicator", "Force", "Value", "Population"]),
    ("Narrative", &["Section", "Kind", "Text"]),
    ("Savings", &["Item", "Amount"]),
    ("Footnotes", &["Marker", "Text"]),
];

/// Which columns of the contract's sheets a copy keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    /// Only the contract's columns (by their header in row 1).
    Contract,
    /// Every column: for a workbook whose copy without the others would
    /// not read the same (a column the contract reads that
    /// [`CONTRACT_COLUMNS`] does not know).
    All,
}

/// Copies the contract's sheets of a workbook (`.xlsx` or `.ods`, already
/// read within its limits), cell values only, into a new `.xlsx` named
/// after `name`, and lists what was left out.
pub fn copy(bytes: &[u8], name: &str) -> Result<WorkbookCopy, CopyError> {
    copy_with(bytes, name, Columns::Contract)
}

/// As [`copy`], keeping the `columns` given.
pub fn copy_with(bytes: &[u8], name: &str, columns: Columns) -> Result<WorkbookCopy, CopyError> {
    let sheets = RawSheets::open(bytes).map_err(|e| CopyError::Unreadable(e.to_string()))?;
    let mut book = XlsxBook::new();
    // Fixed properties: no author, no company, a constant creation time,
    // so that the same values give the same bytes.
    book.set_properties(&DocProperties::new().set_creation_datetime(&fixed_time()?));
    let formats = Formats::new();
    let mut kept = Vec::new();
    let percents = percent_cells(bytes);
    let none = BTreeMap::new();
    let mut left_out_columns = Vec::new();
    for wanted in CONTRACT_SHEETS {
        let Some((sheet_name, values)) = sheets.sheet_cells(wanted) else {
            continue;
        };
        let ws = book.add_worksheet();
        ws.set_name(sheet_name)?;
        let percent = percents.get(sheet_name).unwrap_or(&none);
        let dropped = match columns {
            Columns::Contract => other_columns(wanted, values),
            Columns::All => BTreeMap::new(),
        };
        write_cells(ws, values, &formats, percent, &dropped)?;
        kept.push((sheet_name.to_string(), dropped.keys().copied().collect()));
        left_out_columns.extend(dropped.into_iter().map(|(col, header)| match header {
            Some(h) => format!("column '{h}' of {sheet_name}"),
            None => format!("column {} of {sheet_name} (no header)", column_letters(col)),
        }));
    }
    let bytes_out = book.save_to_buffer()?;
    let mut left_out = Vec::new();
    let kept_names: Vec<String> = kept.iter().map(|(n, _)| n.clone()).collect();
    left_out.extend(left_out_sheets(bytes, &sheets, &kept_names));
    left_out.extend(left_out_columns);
    let formulas = count_formulas(bytes, &kept);
    if formulas > 0 {
        left_out.push(format!(
            "{} (their saved values are kept)",
            plural(formulas, "formula")
        ));
    }
    left_out.extend(left_out_parts(bytes));
    Ok(WorkbookCopy {
        name: copy_name(name),
        bytes: bytes_out,
        left_out,
    })
}

/// The columns of a contract sheet that are not the contract's, by
/// column, with their header (none for a column without one): each holding
/// some value.
fn other_columns(sheet: &str, values: &Range<Data>) -> BTreeMap<u32, Option<String>> {
    let known = CONTRACT_COLUMNS
        .iter()
        .find(|(s, _)| *s == sheet)
        .map_or(&[][..], |(_, c)| *c);
    let mut out = BTreeMap::new();
    let Some((r0, c0)) = values.start() else {
        return out;
    };
    for (_, c, value) in values.used_cells() {
        let col = c0 + c as u32;
        if matches!(value, Data::Empty) || out.contains_key(&col) {
            continue;
        }
        let header = if r0 == 0 {
            values.get_value((0, col))
        } else {
            None
        };
        let keep = match header {
            Some(Data::String(h)) => {
                known.iter().any(|k| norm(k) == norm(h))
                    || (sheet == "Monthly" && parse_text_date(h).is_some())
            }
            None | Some(Data::Empty) => false,
            // A month of the month-across form (a date), or a number: kept.
            Some(_) => sheet == "Monthly",
        };
        if !keep {
            let shown = match header {
                Some(Data::String(h)) if !h.trim().is_empty() => Some(h.trim().to_string()),
                Some(Data::Empty) | None | Some(Data::String(_)) => None,
                Some(other) => Some(other.to_string()),
            };
            out.insert(col, shown);
        }
    }
    out
}

/// `0` → `A`, `27` → `AB`.
fn column_letters(col: u32) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(char::from(b'A' + r as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

fn fixed_time() -> Result<ExcelDateTime, CopyError> {
    Ok(ExcelDateTime::from_ymd(2000, 1, 1)?)
}

/// The number formats that keep a value read as it was: dates as dates,
/// durations as durations.
struct Formats {
    date: Format,
    date_time: Format,
    duration: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            date: Format::new().set_num_format("yyyy-mm-dd"),
            date_time: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            duration: Format::new().set_num_format("[h]:mm:ss"),
        }
    }
}

/// Writes every cell of a sheet at its place, as its value; a number the
/// workbook formats as a percentage (`percent`: its format by place) keeps
/// that format.
fn write_cells(
    ws: &mut rust_xlsxwriter::Worksheet,
    values: &Range<Data>,
    formats: &Formats,
    percent: &BTreeMap<(u32, u32), String>,
    dropped: &BTreeMap<u32, Option<String>>,
) -> Result<(), CopyError> {
    let Some((r0, c0)) = values.start() else {
        return Ok(());
    };
    for (r, c, value) in values.used_cells() {
        if dropped.contains_key(&(c0 + c as u32)) {
            continue;
        }
        let (row, col) = (r0 + r as u32, (c0 + c as u32) as u16);
        match value {
            Data::Empty => {}
            Data::String(s) => {
                ws.write_string(row, col, s)?;
            }
            Data::Float(_) | Data::Int(_) => {
                let n = match value {
                    Data::Int(i) => *i as f64,
                    Data::Float(f) => *f,
                    _ => unreachable!("a number"),
                };
                match percent.get(&(row, col as u32)) {
                    Some(code) => {
                        let format = Format::new().set_num_format(code);
                        ws.write_number_with_format(row, col, n, &format)?;
                    }
                    None => {
                        ws.write_number(row, col, n)?;
                    }
                }
            }
            Data::Bool(b) => {
                ws.write_boolean(row, col, *b)?;
            }
            Data::DateTime(d) => {
                // The copy is in the 1900 date system, whatever the
                // workbook's: the serial of the date and time read.
                let serial = match d.as_datetime() {
                    Some(dt) if !d.is_duration() => serial_1900(dt),
                    _ => d.as_f64(),
                };
                let format = if d.is_duration() {
                    &formats.duration
                } else if serial.fract() == 0.0 {
                    &formats.date
                } else {
                    &formats.date_time
                };
                ws.write_number_with_format(row, col, serial, format)?;
            }
            // An OpenDocument date is a date in the copy as in the
            // workbook (a note typed `Dec-15` that the program made a date
            // warns alike from both); a duration, or a date chrono cannot
            // read, is kept as the text calamine read.
            Data::DateTimeIso(s) => match iso_date_time(s) {
                Some(dt) => {
                    let serial = serial_1900(dt);
                    let format = if serial.fract() == 0.0 {
                        &formats.date
                    } else {
                        &formats.date_time
                    };
                    ws.write_number_with_format(row, col, serial, format)?;
                }
                None => {
                    ws.write_string(row, col, s)?;
                }
            },
            Data::DurationIso(s) => {
                ws.write_string(row, col, s)?;
            }
            // An error cell stays an error (`=#N/A` is Excel's own
            // literal), never data.
            Data::Error(e) => {
                let e = e.to_string();
                ws.write_formula(row, col, Formula::new(format!("={e}")).set_result(e))?;
            }
        }
    }
    Ok(())
}

/// An `.xlsx` part's text, if present, read within [`MAX_PART`].
fn part_text(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<String> {
    let f = zip.by_name(name).ok()?;
    let mut text = String::new();
    f.take(MAX_PART).read_to_string(&mut text).ok()?;
    Some(text)
}

/// The attributes (by local name) of each element with this local name.
fn elements(xml: &str, local: &str) -> Vec<BTreeMap<String, String>> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e))
                if e.local_name().as_ref() == local.as_bytes() =>
            {
                let attributes = e
                    .attributes()
                    .flatten()
                    .filter_map(|a| {
                        let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
                        let value = a
                            .decode_and_unescape_value(reader.decoder())
                            .ok()?
                            .into_owned();
                        Some((key, value))
                    })
                    .collect();
                out.push(attributes);
            }
            Ok(Event::Eof) | Err(_) => return out,
            _ => {}
        }
    }
}

/// Whether a number format shows a percentage: a `%` outside quotes.
fn is_percent(code: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// `B12` → (11, 1).
fn cell_position(reference: &str) -> Option<(u32, u32)> {
    let split = reference.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = reference.split_at(split);
    let mut col: u32 = 0;
    for c in letters.chars() {
        if !c.is_ascii_uppercase() {
            return None;
        }
        col = col
            .checked_mul(26)?
            .checked_add(c as u32 - 'A' as u32 + 1)?;
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

/// The cells an `.xlsx` workbook formats as percentages, by sheet name
/// then place, with their number format (`0.0%`); nothing for an `.ods`.
fn percent_cells(bytes: &[u8]) -> BTreeMap<String, BTreeMap<(u32, u32), String>> {
    let mut out = BTreeMap::new();
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return out;
    };
    let styles = part_text(&mut zip, "xl/styles.xml").unwrap_or_default();
    let custom: BTreeMap<String, String> = elements(&styles, "numFmt")
        .into_iter()
        .filter_map(|mut a| Some((a.remove("numFmtId")?, a.remove("formatCode")?)))
        .collect();
    // The cell formats (`s="3"` is the fourth `xf` of `cellXfs`); the
    // `cellStyleXfs` before them are styles, not cell formats.
    let cell_xfs = styles
        .find("<cellXfs")
        .map(|at| &styles[at..])
        .and_then(|rest| rest.find("</cellXfs>").map(|end| &rest[..end]))
        .unwrap_or("");
    let percent_xf: BTreeMap<String, String> = elements(cell_xfs, "xf")
        .into_iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let code = match a.get("numFmtId")?.as_str() {
                "9" => "0%".to_string(),
                "10" => "0.00%".to_string(),
                id => custom.get(id)?.clone(),
            };
            is_percent(&code).then(|| (i.to_string(), code))
        })
        .collect();
    if percent_xf.is_empty() {
        return out;
    }
    let book = part_text(&mut zip, "xl/workbook.xml").unwrap_or_default();
    let rels = part_text(&mut zip, "xl/_rels/workbook.xml.rels").unwrap_or_default();
    let targets: BTreeMap<String, String> = elements(&rels, "Relationship")
        .into_iter()
        .filter_map(|mut a| Some((a.remove("Id")?, a.remove("Target")?)))
        .collect();
    for sheet in elements(&book, "sheet") {
        let (Some(name), Some(target)) = (
            sheet.get("name"),
            sheet.get("id").and_then(|id| targets.get(id)),
        ) else {
            continue;
        };
        let path = match target.strip_prefix('/') {
            Some(absolute) => absolute.to_string(),
            None => format!("xl/{target}"),
        };
        let xml = part_text(&mut zip, &path).unwrap_or_default();
        let cells: BTreeMap<(u32, u32), String> = elements(&xml, "c")
            .into_iter()
            .filter_map(|a| {
                let code = percent_xf.get(a.get("s")?)?;
                Some((cell_position(a.get("r")?)?, code.clone()))
            })
            .collect();
        if !cells.is_empty() {
            out.insert(name.clone(), cells);
        }
    }
    out
}

/// An OpenDocument date (`2015-12-01`) or date and time
/// (`2015-12-01T12:30:00`) from 1900 on, where serials are calendar days.
fn iso_date_time(s: &str) -> Option<chrono::NaiveDateTime> {
    let dt = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()?
                .and_hms_opt(0, 0, 0)
        })?;
    (dt.date() >= chrono::NaiveDate::from_ymd_opt(1900, 3, 1)?).then_some(dt)
}

/// The 1900-system serial of a date and time (from 1 March 1900, where
/// the two systems' serials agree with the calendar).
fn serial_1900(dt: chrono::NaiveDateTime) -> f64 {
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
        .expect("a date")
        .and_hms_opt(0, 0, 0)
        .expect("a time");
    let ms = (dt - epoch).num_milliseconds() as f64;
    ms / 86_400_000.0
}

/// How many cells of the kept sheets and columns (`kept`: each sheet's
/// name and the columns left out of it) hold a formula (the copy holds
/// their saved values): streamed, so a formula far down a sheet allocates
/// nothing.
fn count_formulas(bytes: &[u8], kept: &[(String, Vec<u32>)]) -> usize {
    let Ok(book) = crate::input::open_calamine(bytes) else {
        return 0;
    };
    match book {
        calamine::Sheets::Xlsx(mut xlsx) => kept
            .iter()
            .map(|(name, dropped)| {
                let mut n = 0;
                if let Ok(mut reader) = xlsx.worksheet_cells_reader(name) {
                    while let Ok(Some(cell)) = reader.next_formula() {
                        let col = cell.get_position().1;
                        n += usize::from(!cell.get_value().is_empty() && !dropped.contains(&col));
                    }
                }
                n
            })
            .sum(),
        mut other => kept
            .iter()
            .filter_map(|(name, dropped)| Some((other.worksheet_formula(name).ok()?, dropped)))
            .map(|(f, dropped)| {
                let c0 = f.start().map_or(0, |(_, c)| c);
                f.used_cells()
                    .filter(|(_, c, t)| !t.is_empty() && !dropped.contains(&(c0 + *c as u32)))
                    .count()
            })
            .sum(),
    }
}

/// The sheets not kept, in workbook order, each saying if it was hidden.
fn left_out_sheets(bytes: &[u8], sheets: &RawSheets, kept: &[String]) -> Vec<String> {
    let hidden: Vec<(String, calamine::SheetVisible)> = crate::input::open_calamine(bytes)
        .map(|book| {
            book.sheets_metadata()
                .iter()
                .map(|s| (s.name.clone(), s.visible))
                .collect()
        })
        .unwrap_or_default();
    sheets
        .sheet_names()
        .into_iter()
        .filter(|n| !kept.iter().any(|k| k == n))
        .map(|n| {
            let how = match hidden.iter().find(|(h, _)| h == n).map(|(_, v)| *v) {
                Some(calamine::SheetVisible::Hidden) => " (hidden)",
                Some(calamine::SheetVisible::VeryHidden) => " (very hidden)",
                _ => "",
            };
            format!("sheet '{n}'{how}")
        })
        .collect()
}

/// The most of one part read to look into it: far above any real
/// workbook's properties or comments (the package's size was checked when
/// it was read).
const MAX_PART: u64 = 64 * 1024 * 1024;

/// What the package's other parts hold that the copy leaves out: comments,
/// document properties, macros, links and objects. `.xlsx` and `.ods`.
fn left_out_parts(bytes: &[u8]) -> Vec<String> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Vec::new();
    };
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let mut part = |name: &str| -> Option<String> {
        let f = zip.by_name(name).ok()?;
        let mut text = String::new();
        f.take(MAX_PART).read_to_string(&mut text).ok()?;
        Some(text)
    };
    let mut out = Vec::new();
    let ods = names.iter().any(|n| n == "content.xml");
    if ods {
        let content = part("content.xml").unwrap_or_default();
        let comments = count(&content, b"annotation");
        if comments > 0 {
            out.push(plural(comments, "comment"));
        }
        let meta = part("meta.xml").unwrap_or_default();
        if has_text(&meta, &["initial-creator", "creator", "printed-by"]) {
            out.push("author names".into());
        }
        properties(
            &meta,
            &["title", "subject", "keyword", "description"],
            &mut out,
        );
        let custom = count(&meta, b"user-defined");
        if custom > 0 {
            out.push(plural(custom, "custom property"));
        }
        let prefixed = |p: &str| names.iter().any(|n| n.starts_with(p));
        if prefixed("Basic/") || prefixed("Scripts/") {
            out.push("macros".into());
        }
        if prefixed("Pictures/") || prefixed("Object ") {
            out.push("images and embedded objects".into());
        }
        return out;
    }
    let matching =
        |f: &dyn Fn(&str) -> bool| names.iter().filter(|n| f(n)).cloned().collect::<Vec<_>>();
    let legacy = matching(&|n| n.starts_with("xl/comments") && n.ends_with(".xml"));
    let threaded = matching(&|n| n.starts_with("xl/threadedComments/") && n.ends_with(".xml"));
    let mut comments: usize = legacy
        .iter()
        .map(|n| count(&part(n).unwrap_or_default(), b"comment"))
        .sum();
    if comments == 0 {
        comments = threaded
            .iter()
            .map(|n| count(&part(n).unwrap_or_default(), b"threadedComment"))
            .sum();
    }
    if comments > 0 {
        out.push(plural(comments, "comment"));
    }
    let core = part("docProps/core.xml").unwrap_or_default();
    let app = part("docProps/app.xml").unwrap_or_default();
    let persons = names.iter().any(|n| n.starts_with("xl/persons/"));
    if has_text(&core, &["creator", "lastModifiedBy"]) || has_text(&app, &["Manager"]) || persons {
        out.push("author names".into());
    }
    if has_text(&app, &["Company"]) {
        out.push("company name".into());
    }
    properties(
        &core,
        &["title", "subject", "keywords", "description", "category"],
        &mut out,
    );
    let custom = count(
        &part("docProps/custom.xml").unwrap_or_default(),
        b"property",
    );
    if custom > 0 {
        out.push(plural(custom, "custom property"));
    }
    let any = |p: &str| names.iter().any(|n| n.starts_with(p));
    if names.iter().any(|n| n.ends_with("vbaProject.bin")) {
        out.push("macros".into());
    }
    if any("xl/externalLinks/") {
        out.push("links to other workbooks".into());
    }
    if any("xl/pivotCache/") || any("xl/pivotTables/") {
        out.push("pivot tables and their data".into());
    }
    if any("xl/media/") || any("xl/embeddings/") || any("xl/drawings/drawing") {
        out.push("drawings, images and embedded objects".into());
    }
    if any("xl/printerSettings/") {
        out.push("printer settings".into());
    }
    if any("xl/revisions/") {
        out.push("revision history".into());
    }
    if any("customXml/") {
        out.push("custom XML data".into());
    }
    let names_defined = count(&part("xl/workbook.xml").unwrap_or_default(), b"definedName");
    if names_defined > 0 {
        out.push(plural(names_defined, "defined name"));
    }
    out
}

/// `document properties (title, keywords)`, for those that hold text.
fn properties(xml: &str, fields: &[&str], out: &mut Vec<String>) {
    let set: Vec<&str> = fields
        .iter()
        .copied()
        .filter(|f| has_text(xml, &[f]))
        .collect();
    if !set.is_empty() {
        out.push(format!("document properties ({})", set.join(", ")));
    }
}

/// Whether an element with one of these local names holds text other than
/// white space.
fn has_text(xml: &str, locals: &[&str]) -> bool {
    use quick_xml::events::Event;
    let named = |n: &[u8]| locals.iter().any(|l| l.as_bytes() == n);
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut inside = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if named(e.local_name().as_ref()) => inside += 1,
            Ok(Event::End(e)) if named(e.local_name().as_ref()) => {
                inside = inside.saturating_sub(1)
            }
            Ok(Event::Text(t)) if inside > 0 && t.iter().any(|b| !b.is_ascii_whitespace()) => {
                return true
            }
            Ok(Event::Eof) | Err(_) => return false,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copy_keeps_the_name_with_the_xlsx_extension() {
        assert_eq!(copy_name("café – 2015-12.xlsx"), "café – 2015-12.xlsx");
        assert_eq!(copy_name("dashboard.ods"), "dashboard.xlsx");
        assert_eq!(copy_name("dashboard.xlsm"), "dashboard.xlsx");
        assert_eq!(copy_name("dashboard"), "dashboard.xlsx");
        assert_eq!(copy_name(".hidden"), ".hidden.xlsx");
    }

    #[test]
    fn the_sample_copies_to_the_same_bytes_each_time() {
        let sample = crate::support::sample::sample().to_bytes().unwrap();
        let a = copy(&sample, "dashboard-2015-12.xlsx").unwrap();
        let b = copy(&a.bytes, "dashboard-2015-12.xlsx").unwrap();
        assert_eq!(a.bytes, copy(&sample, "x.xlsx").unwrap().bytes);
        // A copy of the copy is the copy: nothing more to leave out.
        assert_eq!(a.bytes, b.bytes);
        assert!(b.left_out.is_empty(), "{:?}", b.left_out);
    }

    #[test]
    fn dates_of_the_1904_system_and_error_cells_copy_to_what_they_were() {
        use crate::support::xlsx::Value;
        let mut data = crate::support::sample::sample();
        data.date_1904 = true;
        let report = data.sheet_mut("Report").unwrap();
        report.set(1, 4, Value::Error("#DIV/0!".into()));
        let bytes = data.to_bytes().unwrap();
        // The error is beside the table: every column kept, to see it.
        let c = copy_with(&bytes, "w.xlsx", Columns::All).unwrap();
        let strict = copy(&bytes, "w.xlsx").unwrap();
        let beside = "column E of Report (no header)".to_string();
        assert!(strict.left_out.contains(&beside), "{:?}", strict.left_out);
        let records =
            |b: &[u8]| serde_json::to_value(crate::pipeline::records(b).unwrap().records).unwrap();
        assert_eq!(records(&bytes), records(&c.bytes));
        assert_eq!(records(&bytes), records(&strict.bytes));
        let sheets = RawSheets::open(&c.bytes).unwrap();
        let (_, report) = sheets.sheet_cells("Report").unwrap();
        assert!(
            matches!(report.get_value((1, 4)), Some(Data::Error(_))),
            "{:?}",
            report.get_value((1, 4))
        );
    }

    #[test]
    fn macros_and_custom_properties_are_left_out_and_listed() {
        use std::io::Write;
        let sample = crate::support::sample::sample().to_bytes().unwrap();
        // The sample's package with a macro project and custom properties.
        let mut input = zip::ZipArchive::new(Cursor::new(&sample[..])).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        for i in 0..input.len() {
            let mut f = input.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            out.start_file(name, opts).unwrap();
            out.write_all(&data).unwrap();
        }
        out.start_file("xl/vbaProject.bin", opts).unwrap();
        out.write_all(b"Sub AutoOpen()").unwrap();
        out.start_file("docProps/custom.xml", opts).unwrap();
        out.write_all(br#"<Properties><property name="Classification"><vt:lpwstr>OFFICIAL-SENSITIVE</vt:lpwstr></property></Properties>"#).unwrap();
        let xlsm = out.finish().unwrap().into_inner();
        let c = copy(&xlsm, "w.xlsm").unwrap();
        assert_eq!(c.name, "w.xlsx");
        assert!(
            c.left_out.contains(&"macros".to_string()),
            "{:?}",
            c.left_out
        );
        assert!(
            c.left_out.contains(&"1 custom property".to_string()),
            "{:?}",
            c.left_out
        );
        let parts: Vec<String> = zip::ZipArchive::new(Cursor::new(&c.bytes[..]))
            .unwrap()
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.into_owned()))
            .collect();
        assert!(
            !parts
                .iter()
                .any(|p| p.contains("vba") || p.contains("custom")),
            "{parts:?}"
        );
    }

    /// A column added to the contract (and so to the sample) must be added
    /// to [`CONTRACT_COLUMNS`] too, or signed-off packs carry every column.
    #[test]
    fn every_sheet_and_column_of_the_sample_is_the_contracts() {
        let sample = crate::support::sample::sample();
        for sheet in &sample.sheets {
            let (_, columns) = CONTRACT_COLUMNS
                .iter()
                .find(|(s, _)| s.eq_ignore_ascii_case(&sheet.name))
                .unwrap_or_else(|| panic!("sheet {} is not in CONTRACT_COLUMNS", sheet.name));
            for header in &sheet.rows[0] {
                if let crate::support::xlsx::Value::Text(h) = header {
                    assert!(
                        columns.iter().any(|c| c.eq_ignore_ascii_case(h)),
                        "column {h} of {} is not in CONTRACT_COLUMNS",
                        sheet.name
                    );
                }
            }
        }
        assert_eq!(
            CONTRACT_SHEETS.to_vec(),
            CONTRACT_COLUMNS.iter().map(|(s, _)| *s).collect::<Vec<_>>()
        );
    }
}
