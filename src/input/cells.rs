//! Reading an `.xlsx` worksheet's cells sparsely and within bounds, so that
//! no allocation grows with a cell's address: calamine's cell reader gives
//! the cells one by one, and a cell far outside any dashboard table
//! ([`MAX_ROWS`], [`MAX_COLUMNS`]), a cell written twice in the sheet's
//! file, or a shared-string index that names no string is a located
//! [`Problem`] and is left out; the range is built from the cells kept.
//! Enters: the package's bytes and calamine's reader; leaves: each sheet's
//! values and formulas as calamine `Range`s, and the problems found.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read, Seek};

use calamine::{Cell, Data, Range, Xlsx, XlsxError};
use quick_xml::events::Event;

use crate::input::problem::{column_letters, Location, Problem};

/// The rows a sheet may use: Excel's own limit. A long `Monthly` sheet of a
/// large force (300 indicators × 10 years = 36,000 rows) is well inside.
pub const MAX_ROWS: u32 = 1_048_576;
/// The columns a sheet may use (A to GR).
pub const MAX_COLUMNS: u32 = 200;
/// The most cells the area a sheet's cells span may hold (rows × columns
/// from A1 to the last cell): a table is kept as that whole area, so a
/// stray value far below or right of it would otherwise cost memory in
/// proportion to its address. 4,000,000 cells is about 130 MB at most.
pub const MAX_CELLS: u64 = 4_000_000;

/// One sheet's cells as kept.
pub struct SheetCells {
    pub values: Range<Data>,
    pub formulas: Range<String>,
}

/// What a first pass over a sheet's XML found ([`scan_sheets`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetScan {
    /// The cells (row, column) whose shared-string index names no string.
    pub bad_strings: BTreeSet<(u32, u32)>,
    /// Some formula has no saved result: its text is read, so that the
    /// empty cell can be told apart from an unsaved formula. A saved
    /// workbook's formulas all have results, and the second pass over the
    /// sheet is spared.
    pub unsaved_formulas: bool,
    /// The cells holding a value in a percent format (`-59%` typed in
    /// Excel): see `formats.rs`.
    pub percent: BTreeSet<(u32, u32)>,
    /// The formula cells whose saved result is an empty string
    /// (`=IF(…,…,"")`, the usual way to blank a cell): empty cells, not
    /// unsaved formulas.
    pub empty_results: BTreeSet<(u32, u32)>,
}

impl Default for SheetScan {
    /// A sheet not scanned: nothing known bad, formulas read.
    fn default() -> SheetScan {
        SheetScan {
            bad_strings: BTreeSet::new(),
            unsaved_formulas: true,
            percent: BTreeSet::new(),
            empty_results: BTreeSet::new(),
        }
    }
}

/// The sheet's cells as calamine reads them, each once and within the
/// columns and rows a sheet may use; what is left out is a problem in
/// `problems`. It needs no scan, so it runs while the sheets are scanned;
/// [`finish_sheet`] then applies the sheet's scan.
pub fn read_values<RS: Read + Seek>(
    book: &mut Xlsx<RS>,
    name: &str,
    problems: &mut Vec<Problem>,
) -> Result<Vec<Cell<Data>>, XlsxError> {
    let mut seen = std::collections::HashSet::new();
    let mut values = Vec::new();
    let mut reader = book.worksheet_cells_reader(name)?;
    while let Some(cell) = reader.next_cell()? {
        let value: Data = cell.get_value().clone().into();
        // A cell with formatting but no value (a coloured row out to
        // column HZ) is not data, wherever it is.
        if value == Data::Empty {
            continue;
        }
        let (row, col) = cell.get_position();
        if !seen.insert((row, col)) {
            problems.push(Problem::error(
                Location::cell(name, row, col),
                "expected each cell once in the sheet's file, found this cell written twice (a damaged or altered file: open it in Excel, check the cell and save it again)",
            ));
            continue;
        }
        if !within(name, row, col, problems) {
            continue;
        }
        values.push(Cell::new((row, col), value));
    }
    Ok(values)
}

/// A sheet's cells read by [`read_values`], given its scan: the cells
/// naming no shared string left out, the area bounded, the formulas of an
/// unsaved sheet read.
pub fn finish_sheet<RS: Read + Seek>(
    book: &mut Xlsx<RS>,
    name: &str,
    mut values: Vec<Cell<Data>>,
    scan: &SheetScan,
    problems: &mut Vec<Problem>,
) -> Result<SheetCells, XlsxError> {
    if !scan.bad_strings.is_empty() {
        values.retain(|c| !scan.bad_strings.contains(&c.get_position()));
    }
    let rows = row_limit(&values);
    values.retain(|c| {
        let (row, col) = c.get_position();
        row < rows || far_outside(name, row, col, problems)
    });
    let mut formulas = Vec::new();
    if scan.unsaved_formulas {
        let mut reader = book.worksheet_cells_reader(name)?;
        while let Some(cell) = reader.next_formula()? {
            let (row, col) = cell.get_position();
            if row < rows
                && col < MAX_COLUMNS
                && !cell.get_value().is_empty()
                && !scan.empty_results.contains(&(row, col))
            {
                formulas.push(cell);
            }
        }
    }
    // A later copy of a cell is dropped above; keep the formulas' first too.
    let mut first = BTreeMap::new();
    for cell in formulas {
        first.entry(cell.get_position()).or_insert(cell);
    }
    Ok(SheetCells {
        values: Range::from_sparse(values),
        formulas: Range::from_sparse(first.into_values().collect()),
    })
}

/// The rows the sheet's cells may span, given the columns they use, so
/// that the area stays within [`MAX_CELLS`].
fn row_limit(values: &[Cell<Data>]) -> u32 {
    let columns = values.iter().map(|c| c.get_position().1).max().unwrap_or(0) as u64 + 1;
    (MAX_CELLS / columns).min(MAX_ROWS as u64) as u32
}

/// True when the cell is within the bounds; else an error at it.
fn within(sheet: &str, row: u32, col: u32, problems: &mut Vec<Problem>) -> bool {
    if row < MAX_ROWS && col < MAX_COLUMNS {
        return true;
    }
    far_outside(sheet, row, col, problems)
}

/// An error at a cell far outside the table; false: the cell is left out.
pub fn far_outside(sheet: &str, row: u32, col: u32, problems: &mut Vec<Problem>) -> bool {
    problems.push(Problem::error(
        Location::cell(sheet, row, col),
        format!(
            "expected the sheet's cells within columns A to {} and an area of {MAX_CELLS} cells from A1, found a value far outside the table; delete it (select the cell, or the rows and columns around it, and press Delete)",
            column_letters(MAX_COLUMNS - 1)
        ),
    ));
    false
}

/// One pass over each worksheet's XML (by sheet name): the cells whose
/// shared-string index is not a whole number naming one of the package's
/// strings (calamine would read `-1` as the first string), each an error;
/// whether any formula lacks a saved result; and the cells in a percent
/// format.
pub fn scan_sheets(bytes: &[u8], problems: &mut Vec<Problem>) -> BTreeMap<String, SheetScan> {
    let mut out = BTreeMap::new();
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return out;
    };
    let count = part(&mut zip, "xl/sharedStrings.xml")
        .map(|xml| count_elements(&xml, b"si"))
        .unwrap_or(0);
    let percent_styles = crate::input::formats::xlsx_percent_styles(&mut zip);
    for (name, path) in sheet_parts(&mut zip) {
        let Some(xml) = part(&mut zip, &path) else {
            continue;
        };
        let scan = scan_sheet(&xml, count, &percent_styles);
        for &(row, col) in &scan.bad_strings {
            problems.push(Problem::error(
                Location::cell(&name, row, col),
                format!("expected a text cell naming one of the workbook's {count} shared strings, found an index that names none (a damaged or altered file: retype the cell in Excel and save it)"),
            ));
        }
        out.insert(name, scan);
    }
    out
}

/// True when the workbook counts its dates from 1904 (`<workbookPr
/// date1904="1"/>`, old Mac workbooks): calamine applies it to date-formatted
/// cells only, and a plain serial must be read in it too.
pub fn is_1904(bytes: &[u8]) -> bool {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    let Some(book) = part(&mut zip, "xl/workbook.xml") else {
        return false;
    };
    attributes(&book, b"workbookPr", &[b"date1904"])
        .first()
        .is_some_and(|v| matches!(v[0].trim(), "1" | "true"))
}

/// A part's text, when present (the package's size is checked before).
pub(super) fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, path: &str) -> Option<String> {
    let mut f = zip.by_name(path).ok()?;
    let mut text = String::new();
    f.read_to_string(&mut text).ok()?;
    Some(text)
}

/// How many elements with this local name an XML part holds (streamed).
pub(crate) fn count_elements(xml: &str, local: &[u8]) -> usize {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut n = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.local_name().as_ref() == local => n += 1,
            Ok(Event::Eof) | Err(_) => return n,
            _ => {}
        }
    }
}

/// (sheet name, part path) of each worksheet, from the workbook part and
/// its relationships.
pub(super) fn sheet_parts(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Vec<(String, String)> {
    let (Some(book), Some(rels)) = (
        part(zip, "xl/workbook.xml"),
        part(zip, "xl/_rels/workbook.xml.rels"),
    ) else {
        return Vec::new();
    };
    let targets: BTreeMap<String, String> = attributes(&rels, b"Relationship", &[b"Id", b"Target"])
        .into_iter()
        .map(|mut v| (std::mem::take(&mut v[0]), std::mem::take(&mut v[1])))
        .collect();
    attributes(&book, b"sheet", &[b"name", b"id"])
        .into_iter()
        .filter_map(|v| {
            let target = targets.get(&v[1])?;
            let path = match target.strip_prefix('/') {
                Some(abs) => abs.to_string(),
                None => format!("xl/{target}"),
            };
            Some((v[0].clone(), path))
        })
        .collect()
}

/// The values of `names` (matched by local name) on each `element`.
fn attributes(xml: &str, element: &[u8], names: &[&[u8]]) -> Vec<Vec<String>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.local_name().as_ref() == element => {
                let mut values = vec![String::new(); names.len()];
                for a in e.attributes().flatten() {
                    if let Some(i) = names.iter().position(|n| *n == a.key.local_name().as_ref()) {
                        values[i] = a
                            .decode_and_unescape_value(reader.decoder())
                            .map(|v| v.into_owned())
                            .unwrap_or_default();
                    }
                }
                out.push(values);
            }
            Ok(Event::Eof) | Err(_) => return out,
            _ => {}
        }
    }
}

/// A sheet's XML in one pass: the cells typed `s` whose value is not an
/// index below `count`, whether a formula has no saved result, and the
/// cells with a value whose style is a percent one (`percent_styles`, by
/// style index). Cells without a reference follow the one before, as
/// calamine reads them.
fn scan_sheet(xml: &str, count: usize, percent_styles: &[bool]) -> SheetScan {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut scan = SheetScan {
        bad_strings: BTreeSet::new(),
        unsaved_formulas: false,
        percent: BTreeSet::new(),
        empty_results: BTreeSet::new(),
    };
    // The cell being read, when its style is a percent one.
    let mut percent: Option<(u32, u32)> = None;
    let (mut row, mut col) = (0u32, 0u32);
    let mut shared: Option<(u32, u32)> = None;
    let mut in_value = false;
    // Within a cell: it has a formula; it has a saved value; its type is
    // text (`str`, or a shared string); it has a `<v>` element.
    let (mut formula, mut saved) = (false, false);
    let (mut text_type, mut has_v) = (false, false);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                b"row" => {
                    if let Some(r) = attr(&e, b"r").and_then(|r| parse_u32(&r)) {
                        row = r.saturating_sub(1);
                    }
                    col = 0;
                }
                b"c" => {
                    (formula, saved, has_v) = (false, false, false);
                    let style;
                    (style, text_type) = start_cell(&e, &mut row, &mut col, &mut shared);
                    percent = style
                        .is_some_and(|s| percent_styles.get(s).copied().unwrap_or(false))
                        .then_some((row, col - 1));
                }
                b"v" => (in_value, has_v) = (true, true),
                b"f" => formula = true,
                b"is" => saved = true,
                _ => {}
            },
            Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                b"c" => {
                    start_cell(&e, &mut row, &mut col, &mut shared);
                }
                b"f" => formula = true,
                b"v" => has_v = true,
                _ => {}
            },
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                b"v" => in_value = false,
                b"c" => {
                    if formula && !saved && text_type && has_v {
                        // A saved empty-string result: the cell is empty.
                        scan.empty_results.insert((row, col - 1));
                        // Its shared-string index is not checked.
                        shared = None;
                    } else {
                        scan.unsaved_formulas |= formula && !saved;
                    }
                    if let Some(at) = percent.take().filter(|_| saved) {
                        scan.percent.insert(at);
                    }
                }
                _ => {}
            },
            Ok(Event::Text(t)) if in_value => {
                let text = t.decode().unwrap_or_default();
                let text = text.trim();
                saved |= !text.is_empty();
                if let Some(at) = shared.take().filter(|_| !(formula && text.is_empty())) {
                    if !text.parse::<usize>().is_ok_and(|i| i < count) {
                        scan.bad_strings.insert(at);
                    }
                }
            }
            Ok(Event::Eof) => return scan,
            // calamine reports the damage; read formulas to be safe.
            Err(_) => {
                scan.unsaved_formulas = true;
                return scan;
            }
            _ => {}
        }
    }
}

/// A cell's start: its place (from its reference, else the next column),
/// and whether it is a shared-string cell; its style index, if any, and
/// whether its type is text (`str`, `s` or `inlineStr`).
fn start_cell(
    e: &quick_xml::events::BytesStart,
    row: &mut u32,
    col: &mut u32,
    shared: &mut Option<(u32, u32)>,
) -> (Option<usize>, bool) {
    let mut is_shared = false;
    let mut is_text = false;
    let mut style = None;
    for a in e.attributes().with_checks(false).flatten() {
        match a.key.local_name().as_ref() {
            b"r" => {
                if let Some((r, c)) = parse_ref(&a.value) {
                    (*row, *col) = (r, c);
                }
            }
            b"t" => {
                is_shared = a.value.as_ref() == b"s";
                is_text = matches!(a.value.as_ref(), b"s" | b"str" | b"inlineStr");
            }
            b"s" => style = parse_u32(&a.value).map(|s| s as usize),
            _ => {}
        }
    }
    *shared = is_shared.then_some((*row, *col));
    *col = col.saturating_add(1);
    (style, is_text)
}

fn attr<'e>(
    e: &'e quick_xml::events::BytesStart,
    name: &[u8],
) -> Option<std::borrow::Cow<'e, [u8]>> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| a.value)
}

fn parse_u32(digits: &[u8]) -> Option<u32> {
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// `B12` → (11, 1); `None` when not a cell reference.
fn parse_ref(text: &[u8]) -> Option<(u32, u32)> {
    let split = text.iter().position(|c| c.is_ascii_digit())?;
    let (letters, digits) = text.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.iter().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let col = letters
        .iter()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1));
    let row: u32 = parse_u32(digits)?;
    Some((row.checked_sub(1)?, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(parse_ref(b"A1"), Some((0, 0)));
        assert_eq!(parse_ref(b"XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_ref(b"A0"), None);
        assert_eq!(parse_ref(b"12"), None);
    }

    #[test]
    fn shared_string_indices_out_of_range() {
        let xml = r#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>-1</v></c><c t="s"><v>2</v></c></row></sheetData></worksheet>"#;
        let scan = scan_sheet(xml, 2, &[]);
        assert_eq!(scan.bad_strings, BTreeSet::from([(0, 1), (0, 2)]));
        assert!(!scan.unsaved_formulas);
    }

    #[test]
    fn cells_with_a_value_in_a_percent_style() {
        let xml = r#"<worksheet><sheetData><row r="2"><c r="A2" s="1"><v>-0.59</v></c><c s="2"><v>-59</v></c><c r="C2" s="1"/><c s="1" t="s"><v>0</v></c></row><row r="3"><c r="B3" s="1"><f>1/2</f><v>0.5</v></c></row></sheetData></worksheet>"#;
        let scan = scan_sheet(xml, 1, &[false, true, false]);
        assert_eq!(scan.percent, BTreeSet::from([(1, 0), (1, 3), (2, 1)]));
    }

    #[test]
    fn only_a_formula_without_a_saved_result_asks_for_the_formula_pass() {
        let saved = r#"<worksheet><sheetData><row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="inlineStr"><f>"a"</f><is><t>a</t></is></c><c r="C1"><f t="shared" si="0"/><v>3</v></c></row></sheetData></worksheet>"#;
        assert!(!scan_sheet(saved, 0, &[]).unsaved_formulas);
        for unsaved in [
            r#"<worksheet><sheetData><row r="1"><c r="A1"><f>1+1</f></c></row></sheetData></worksheet>"#,
            r#"<worksheet><sheetData><row r="1"><c r="A1"><f>1+1</f><v> </v></c></row></sheetData></worksheet>"#,
            r#"<worksheet><sheetData><row r="1"><c r="A1"><f>1+1</f><v></v></c></row></sheetData></worksheet>"#,
            r#"<worksheet><sheetData><row r="1"><c r="A1"><f t="shared" si="0"/></c></row></sheetData></worksheet>"#,
        ] {
            assert!(scan_sheet(unsaved, 0, &[]).unsaved_formulas, "{unsaved}");
        }
    }

    #[test]
    fn a_formula_whose_saved_result_is_an_empty_string_is_an_empty_cell() {
        for (xml, at) in [
            // Excel and LibreOffice: a text result, empty.
            (
                r#"<worksheet><sheetData><row r="2"><c r="C2" t="str"><f>IF(1=0,1,"")</f><v></v></c></row></sheetData></worksheet>"#,
                (1, 2),
            ),
            (
                r#"<worksheet><sheetData><row r="2"><c r="C2" s="3" t="str"><f>IF(1=0,1,"")</f><v/></c></row></sheetData></worksheet>"#,
                (1, 2),
            ),
            // An empty shared string written without its index.
            (
                r#"<worksheet><sheetData><row r="2"><c r="B2" t="s"><f>IF(1=0,1,"")</f><v></v></c></row></sheetData></worksheet>"#,
                (1, 1),
            ),
        ] {
            let scan = scan_sheet(xml, 1, &[]);
            assert!(!scan.unsaved_formulas, "{xml}");
            assert!(scan.bad_strings.is_empty(), "{xml}");
            assert_eq!(scan.empty_results, BTreeSet::from([at]), "{xml}");
        }
        // A number-typed formula with an empty <v> is still unsaved.
        let xml = r#"<worksheet><sheetData><row r="1"><c r="A1"><f>1+1</f><v></v></c></row></sheetData></worksheet>"#;
        assert!(scan_sheet(xml, 0, &[]).empty_results.is_empty());
    }
}

/// A drop-down list of a worksheet, as Excel and LibreOffice save it
/// (`<dataValidation type="list" sqref="C2:C1000">` with its `formula1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListValidation {
    /// The 0-based column of the range's first cell.
    pub column: usize,
    /// The list: a range (`Lists!$A$2:$A$5`) or quoted items.
    pub source: String,
    pub prompt: String,
    /// An error dialog refuses a value not in the list.
    pub show_error: bool,
}

/// The drop-down lists of each worksheet of an `.xlsx`, by sheet name
/// (empty for anything else).
pub fn list_validations(bytes: &[u8]) -> BTreeMap<String, Vec<ListValidation>> {
    let mut out = BTreeMap::new();
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return out;
    };
    for (name, path) in sheet_parts(&mut zip) {
        let Some(xml) = part(&mut zip, &path) else {
            continue;
        };
        let found = sheet_list_validations(&xml);
        if !found.is_empty() {
            out.insert(name, found);
        }
    }
    out
}

fn sheet_list_validations(xml: &str) -> Vec<ListValidation> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    // The validation being read, and whether its formula1's text is next.
    let mut current: Option<ListValidation> = None;
    let mut in_formula = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"dataValidation" => {
                let mut list = false;
                let mut v = ListValidation {
                    column: usize::MAX,
                    source: String::new(),
                    prompt: String::new(),
                    show_error: false,
                };
                for a in e.attributes().flatten() {
                    let value = a
                        .decode_and_unescape_value(reader.decoder())
                        .map(|v| v.into_owned())
                        .unwrap_or_default();
                    match a.key.local_name().as_ref() {
                        b"type" => list = value == "list",
                        b"sqref" => {
                            let first = value.split([' ', ':']).next().unwrap_or_default();
                            let letters: String = first
                                .chars()
                                .take_while(|c| c.is_ascii_alphabetic())
                                .collect();
                            if !letters.is_empty() {
                                v.column = letters
                                    .chars()
                                    .fold(0usize, |n, c| {
                                        n * 26
                                            + (c.to_ascii_uppercase() as usize - 'A' as usize + 1)
                                    })
                                    .saturating_sub(1);
                            }
                        }
                        b"prompt" => v.prompt = value,
                        b"showErrorMessage" => v.show_error = value == "1" || value == "true",
                        _ => {}
                    }
                }
                current = (list && v.column < 16_384).then_some(v);
            }
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"formula1" => in_formula = true,
            Ok(Event::Text(t)) if in_formula => {
                if let (Some(v), Ok(text)) = (current.as_mut(), t.decode()) {
                    v.source.push_str(&text);
                }
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == b"formula1" => in_formula = false,
            Ok(Event::End(e)) if e.local_name().as_ref() == b"dataValidation" => {
                if let Some(v) = current.take().filter(|v| !v.source.is_empty()) {
                    out.push(v);
                }
            }
            Ok(Event::Eof) | Err(_) => return out,
            _ => {}
        }
    }
}

/// `B3` → (2, 1).
pub(super) fn cell_position(reference: &str) -> Option<(u32, u32)> {
    let letters: String = reference
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let row: u32 = reference[letters.len()..].parse().ok()?;
    let column = letters.chars().try_fold(0u32, |n, c| {
        n.checked_mul(26)?
            .checked_add(c.to_ascii_uppercase() as u32 - 'A' as u32 + 1)
    })?;
    Some((row.checked_sub(1)?, column.checked_sub(1)?))
}
