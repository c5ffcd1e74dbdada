//! The calamine adapter: an `.xlsx` (or `.ods`) file's bytes → [`RawSheets`], every sheet
//! as calamine read it (values, and formula texts to tell an unsaved formula
//! from an empty cell). A file that is not a workbook at all leaves as a
//! [`NotAWorkbook`]; finding a sheet by name and resolving its header row
//! ([`RawSheets::table`]) is the way into [`Table`].

use std::collections::BTreeSet;
use std::io::Cursor;

use calamine::{Data, Ods, Range, Reader, Xlsx};

use crate::input::problem::{found, Location, Problem};
use crate::input::table::{norm, RowRef, Seen, Table};
use crate::input::{cells, formats, ods};

/// Why a file is not a workbook that can be read (`.xlsx`, or `.ods`): one
/// line for the user, in plain words.
#[derive(Debug, thiserror::Error)]
pub enum NotAWorkbook {
    #[error("the file is empty, not an .xlsx workbook")]
    Empty,
    #[error("this is an old-style .xls file or a password-protected workbook; save it from Excel as an .xlsx workbook without a password")]
    OldOrProtected,
    #[error("this is an old-style Excel 97-2003 workbook (.xls), which boardpack does not read: open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx)")]
    Xls,
    #[error("this workbook is password-protected (encrypted), so it cannot be read: open it, remove the password (Excel: File > Info > Protect Workbook > Encrypt with Password, clear it; LibreOffice: File > Save As, untick \"Save with password\") and save it")]
    Encrypted,
    #[error("the file is damaged or truncated, or not an .ods spreadsheet ({0})")]
    DamagedOds(String),
    #[error("this looks like a CSV or text file, not a workbook: open it in Excel and save it as an Excel Workbook (.xlsx)")]
    Text,
    #[error("the file is not an .xlsx workbook (it is not a zip package): open it in Excel and save it as an Excel Workbook (.xlsx)")]
    NotAZip,
    #[error("the file is damaged or truncated, or not an .xlsx workbook ({0})")]
    Damaged(String),
    #[error("sheet {} could not be read: {why}", found(.name))]
    SheetUnreadable { name: String, why: String },
}

/// A sheet of the contract as read row by row: its name, and the columns it
/// must have, the first being the key that a filled row must fill.
pub struct Sheet {
    pub name: &'static str,
    pub columns: &'static [&'static str],
}

impl Sheet {
    pub const fn new(name: &'static str, columns: &'static [&'static str]) -> Sheet {
        Sheet { name, columns }
    }
}

/// The sheets of a workbook as calamine read them.
pub struct RawSheets {
    /// In workbook order.
    sheets: Vec<RawSheet>,
    /// The located problems found while reading the cells (a cell far
    /// outside the table, written twice, naming no shared string).
    pub problems: Vec<Problem>,
    /// The workbook counts its dates from 1904 (`.xlsx` only).
    date_1904: bool,
}

/// One sheet as calamine read it.
struct RawSheet {
    /// The name as the workbook spells it.
    name: String,
    values: Range<Data>,
    /// Formula texts, to tell an unsaved formula from an empty cell.
    formulas: Option<Range<String>>,
    /// Its cells could not be read, for reasons already located in
    /// [`RawSheets::problems`]: the sheet is not read further.
    broken: bool,
    /// The cells holding a value in a percent format (`formats.rs`).
    percent: BTreeSet<(u32, u32)>,
    /// The cells holding a formula whose saved result is empty.
    empty_results: BTreeSet<(u32, u32)>,
}

impl RawSheets {
    /// Opens an `.xlsx` file's bytes; anything else is a one-line error.
    pub fn open(bytes: &[u8]) -> Result<RawSheets, NotAWorkbook> {
        if bytes.is_empty() {
            return Err(NotAWorkbook::Empty);
        }
        if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            return Err(compound_file(bytes));
        }
        if !bytes.starts_with(b"PK\x03\x04") {
            return Err(match is_text(bytes) {
                true => NotAWorkbook::Text,
                false => NotAWorkbook::NotAZip,
            });
        }
        let damaged = |e: &dyn std::fmt::Display| NotAWorkbook::Damaged(e.to_string());
        if is_opendocument(bytes) {
            if ods::is_encrypted(bytes) {
                return Err(NotAWorkbook::Encrypted);
            }
            let (prepared, far) = ods::prepare(bytes);
            let bytes = prepared.as_deref().unwrap_or(bytes);
            let damaged = |e: &dyn std::fmt::Display| NotAWorkbook::DamagedOds(e.to_string());
            let ods: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
            let mut sheets = read_sheets(ods)?;
            for (sheet, row, col) in far {
                cells::far_outside(&sheet, row, col, &mut sheets.problems);
            }
            let mut percent = formats::ods_percent_cells(bytes);
            let mut errors = ods::error_cells(bytes);
            for s in &mut sheets.sheets {
                s.percent = percent.remove(&s.name).unwrap_or_default();
                // A formula error reads as an empty cell or as its text:
                // it is the error.
                for (at, e) in errors.remove(&s.name).unwrap_or_default() {
                    if s.values.get_value(at).is_some() {
                        s.values.set_value(at, Data::Error(e));
                    }
                }
                // LibreOffice and Gnumeric save every formula's result; a
                // formula cell read empty holds an empty string
                // (`=IF(…;…;"")`): an empty cell, not an unsaved formula.
                if let Some(f) = s.formulas.take() {
                    let (r0, c0) = f.start().unwrap_or((0, 0));
                    for (r, c, text) in f.used_cells() {
                        let at = (r0 + r as u32, c0 + c as u32);
                        let blank = match s.values.get_value(at) {
                            None | Some(Data::Empty) => true,
                            Some(Data::String(v)) => v.is_empty(),
                            _ => false,
                        };
                        if !text.is_empty() && blank {
                            s.empty_results.insert(at);
                        }
                    }
                }
            }
            return Ok(sheets);
        }
        let xlsx: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
        read_xlsx(xlsx, bytes)
    }

    /// True when the workbook has a sheet of this name (any case, trimmed).
    pub fn has(&self, wanted: &str) -> bool {
        !matches!(self.find(wanted), Ok(None))
    }

    /// The sheet named `wanted`: the one spelt exactly so, else the one
    /// whose name matches it trimmed and in any case. Several matching
    /// (none exactly) is `Err` with their names.
    fn find(&self, wanted: &str) -> Result<Option<&RawSheet>, Vec<&str>> {
        if let Some(exact) = self.sheets.iter().find(|s| s.name == wanted) {
            return Ok(Some(exact));
        }
        let matching: Vec<&RawSheet> = self
            .sheets
            .iter()
            .filter(|s| norm(&s.name) == norm(wanted))
            .collect();
        match matching.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            many => Err(many.iter().map(|s| s.name.as_str()).collect()),
        }
    }

    /// A sheet as a table with its required columns, or a problem (a
    /// missing sheet is one only when `sheet_required`).
    pub fn table<'s>(
        &'s self,
        wanted: &str,
        required: &[&str],
        sheet_required: bool,
        problems: &mut Vec<Problem>,
    ) -> Option<Table<'s>> {
        match self.find(wanted) {
            Ok(Some(s)) if s.broken => None,
            Ok(Some(s)) => Table::new(&s.name, &s.values, s.formulas.as_ref(), required, problems)
                .map(|t| {
                    t.with_percent(&s.percent)
                        .with_empty_results(&s.empty_results)
                        .with_1904(self.date_1904)
                }),
            Err(names) => {
                let names: Vec<String> = names.iter().map(|n| found(n)).collect();
                problems.push(Problem::error(
                    Location::Workbook,
                    format!(
                        "expected one sheet named \"{wanted}\", found {} sheets that match it ({}): rename or delete all but one (a hidden sheet shows in Excel under Format > Hide & Unhide, a very hidden one only in the VBA editor)",
                        names.len(),
                        names.join(" and ")
                    ),
                ));
                None
            }
            Ok(None) => {
                if sheet_required {
                    problems.push(Problem::error(
                        Location::Workbook,
                        format!(
                            "expected a sheet named \"{wanted}\", found none (sheets: {})",
                            self.names()
                        ),
                    ));
                }
                None
            }
        }
    }

    /// Reads each filled row of `sheet` with `read`, keeping what it gives;
    /// `read` is given the [`Seen`] keys of the rows before. Nothing is read
    /// when the sheet or a column is missing (a problem when the sheet is
    /// `required`).
    pub fn read_rows<K: Ord, T>(
        &self,
        sheet: &Sheet,
        required: bool,
        problems: &mut Vec<Problem>,
        mut read: impl FnMut(&RowRef, &mut Seen<K>, &mut Vec<Problem>) -> Option<T>,
    ) -> Vec<T> {
        let Some(table) = self.table(sheet.name, sheet.columns, required, problems) else {
            return Vec::new();
        };
        let mut seen = Seen::new();
        let mut out = Vec::new();
        for row in table.keyed_rows(sheet.columns[0], problems) {
            out.extend(read(&row, &mut seen, problems));
        }
        problems.append(&mut table.take_notices());
        out
    }

    /// The cells of the sheet named exactly `name` that hold a value in a
    /// percent format (`formats.rs`); empty when there is no such sheet.
    pub fn percent_cells(&self, name: &str) -> BTreeSet<(u32, u32)> {
        self.sheets
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.percent.clone())
            .unwrap_or_default()
    }

    /// The sheets' names, in workbook order.
    pub fn sheet_names(&self) -> Vec<&str> {
        self.sheets.iter().map(|s| s.name.as_str()).collect()
    }

    /// The sheet named `wanted`, found as the contract finds it: its name
    /// as the workbook spells it, and its cells' values. `None` when there
    /// is no such sheet, or several.
    pub fn sheet_cells(&self, wanted: &str) -> Option<(&str, &Range<Data>)> {
        let sheet = self.find(wanted).ok().flatten()?;
        Some((&sheet.name, &sheet.values))
    }

    fn names(&self) -> String {
        if self.sheets.is_empty() {
            return "none".into();
        }
        self.sheets
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every sheet of a workbook calamine opened (`.xlsx` or `.ods`), in order.
fn read_sheets<RS, R>(mut book: R) -> Result<RawSheets, NotAWorkbook>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let names = book.sheet_names().to_vec();
    let mut sheets = Vec::new();
    for name in names {
        let values = match book.worksheet_range(&name) {
            Ok(values) => values,
            Err(why) => {
                let why = why.to_string();
                return Err(NotAWorkbook::SheetUnreadable { name, why });
            }
        };
        let formulas = book.worksheet_formula(&name).ok();
        sheets.push(RawSheet {
            name,
            values,
            formulas,
            broken: false,
            percent: BTreeSet::new(),
            empty_results: BTreeSet::new(),
        });
    }
    Ok(RawSheets {
        sheets,
        problems: Vec::new(),
        date_1904: false,
    })
}

/// Every sheet of an `.xlsx` workbook, in order, its cells read sparsely
/// and within bounds ([`cells`]). The sheets' scan runs beside calamine's
/// reading of their cells.
fn read_xlsx(mut book: Xlsx<Cursor<&[u8]>>, bytes: &[u8]) -> Result<RawSheets, NotAWorkbook> {
    let names = book.sheet_names().to_vec();
    let mut read_problems = Vec::new();
    let (read, (scans, mut problems)) = std::thread::scope(|scope| {
        let scanning = scope.spawn(|| {
            let mut problems = Vec::new();
            let scans = cells::scan_sheets(bytes, &mut problems);
            (scans, problems)
        });
        let read: Vec<_> = names
            .iter()
            .map(|name| cells::read_values(&mut book, name, &mut read_problems))
            .collect();
        (read, scanning.join().expect("the scan does not panic"))
    });
    problems.append(&mut read_problems);
    let unscanned = cells::SheetScan::default();
    let mut sheets = Vec::new();
    for (name, values) in names.into_iter().zip(read) {
        let scan = scans.get(&name).unwrap_or(&unscanned);
        let read =
            values.and_then(|v| cells::finish_sheet(&mut book, &name, v, scan, &mut problems));
        let (values, formulas, broken) = match read {
            Ok(read) => (read.values, Some(read.formulas), false),
            Err(calamine::XlsxError::NotAWorksheet(_)) => (Range::default(), None, false),
            // The cause is located in `problems` already.
            Err(_) if !scan.bad_strings.is_empty() => (Range::default(), None, true),
            Err(why) => {
                let why = why.to_string();
                return Err(NotAWorkbook::SheetUnreadable { name, why });
            }
        };
        sheets.push(RawSheet {
            name,
            values,
            formulas,
            broken,
            percent: scan.percent.clone(),
            empty_results: scan.empty_results.clone(),
        });
    }
    Ok(RawSheets {
        sheets,
        problems,
        date_1904: cells::is_1904(bytes),
    })
}

/// What an OLE compound file is: a password-protected (encrypted) `.xlsx`
/// or `.ods` holds an `EncryptedPackage` stream, an `.xls` a `Workbook` (or
/// `Book`) stream; the names are in the file's directory, in UTF-16.
fn compound_file(bytes: &[u8]) -> NotAWorkbook {
    let utf16 =
        |name: &str| -> Vec<u8> { name.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let has = |name: &str| {
        let needle = utf16(name);
        bytes.windows(needle.len()).any(|w| w == needle.as_slice())
    };
    if has("EncryptedPackage") || has("EncryptionInfo") {
        NotAWorkbook::Encrypted
    } else if has("Workbook") || has("Book") {
        NotAWorkbook::Xls
    } else {
        NotAWorkbook::OldOrProtected
    }
}

/// Text a person could read (a CSV export, a text file): UTF-8 with no
/// control characters but line ends and tabs, in its first kilobytes.
fn is_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        // A multi-byte character cut at the end of the window.
        Err(e) if e.valid_up_to() + 4 >= head.len() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or("")
        }
        Err(_) => return false,
    };
    !text.is_empty()
        && text
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
}

/// An OpenDocument package names its type in a `mimetype` part.
/// The workbook opened by calamine as the contract reads it, for the
/// readers outside this stage (`next`, the pack's copy): an `.ods` as
/// LibreOffice or Gnumeric writes it is first made readable to calamine
/// (Gnumeric's indented XML, far values left out: [`ods::prepare`]), which
/// calamine's own detection cannot open ("Cannot detect file format").
pub fn open_calamine(bytes: &[u8]) -> Result<calamine::Sheets<Cursor<Vec<u8>>>, calamine::Error> {
    if is_opendocument(bytes) {
        let (prepared, _) = ods::prepare(bytes);
        let bytes = prepared.unwrap_or_else(|| bytes.to_vec());
        return Ods::new(Cursor::new(bytes))
            .map(calamine::Sheets::Ods)
            .map_err(calamine::Error::Ods);
    }
    calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
}

fn is_opendocument(bytes: &[u8]) -> bool {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    let Ok(mut part) = zip.by_name("mimetype") else {
        return false;
    };
    let mut head = [0u8; 64];
    let n = std::io::Read::read(&mut part, &mut head).unwrap_or(0);
    head[..n].starts_with(b"application/vnd.oasis.opendocument")
}
