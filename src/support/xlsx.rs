//! Writing workbooks of the input contract (rust_xlsxwriter): the sample
//! workbook, `boardpack init`, and the fixtures tests build. A workbook is a
//! list of [`SheetData`], rows of [`Value`]s; the bytes are deterministic.

use std::io::{Cursor, Read, Write};

use chrono::NaiveDate;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook as XlsxBook, XlsxError};

/// One cell to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    /// A proportion written as a number formatted `0.0%`.
    Percent(f64),
    /// A real Excel date, formatted `yyyy-mm-dd`.
    Date(NaiveDate),
    /// A formula with no saved result (as some tools write them).
    Formula(String),
    /// An Excel error value such as `#DIV/0!`, written as a formula that
    /// evaluates to it, with the error saved as its result.
    Error(String),
    /// A formula (Excel syntax, without `=`) with its saved result, as the
    /// workbook `next` starts from holds it: the formula stays a formula.
    Computed {
        formula: String,
        result: Box<Value>,
    },
}

/// The saved result of an empty-string formula (`=IF(…,"")`), replaced by
/// nothing once written (rust_xlsxwriter writes an empty result as 0).
const EMPTY_RESULT: &str = "BOARDPACK-EMPTY-RESULT";

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        if s.is_empty() {
            Value::Empty
        } else {
            Value::Text(s.to_string())
        }
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::from(s.as_str())
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Number(v)
    }
}
impl From<u64> for Value {
    fn from(v: u64) -> Value {
        Value::Number(v as f64)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Value {
        Value::Number(v as f64)
    }
}
impl From<NaiveDate> for Value {
    fn from(d: NaiveDate) -> Value {
        Value::Date(d)
    }
}

/// One sheet: its name and rows (the first row is the header).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SheetData {
    pub name: String,
    pub rows: Vec<Vec<Value>>,
    /// Drop-down lists on columns (rows 2 to 1000).
    pub validations: Vec<Validation>,
    /// Columns whose empty cells are formatted as dates, for typing into.
    pub date_columns: Vec<usize>,
    /// Hidden from the analyst (lists behind drop-downs).
    pub hidden: bool,
    /// How the cells, columns and rows look (kept by `next` from the
    /// workbook it starts from): a cell with a value is written in its
    /// style, an empty styled cell is written blank in it.
    pub look: crate::input::SheetStyles,
    /// A page of text (the Instructions): column A this wide, in
    /// characters, its cells wrapped.
    pub text_width: Option<f64>,
    /// Prints within an A4 page's width: A4 paper, scaled to one page
    /// wide, its text columns (B and C) wrapped.
    pub fit_to_page: bool,
}

/// A drop-down on a column: the allowed values come from a range
/// (`=Lists!$A$2:$A$5`), so values may hold commas.
#[derive(Debug, Clone, PartialEq)]
pub struct Validation {
    pub column: usize,
    pub source: String,
    pub prompt: String,
    /// The list only suggests: a value typed that is not in it is kept,
    /// with no error dialog (`boardpack check` judges it).
    pub suggest_only: bool,
}

impl SheetData {
    /// A sheet with this header row.
    pub fn new(name: &str, header: &[&str]) -> SheetData {
        SheetData {
            name: name.to_string(),
            rows: vec![header.iter().map(|h| Value::from(*h)).collect()],
            ..SheetData::default()
        }
    }

    /// A sheet of `Field`, `Value` rows, such as `Report`.
    pub fn fields<'a>(name: &str, rows: impl IntoIterator<Item = (&'a str, Value)>) -> SheetData {
        let mut sheet = SheetData::new(name, &["Field", "Value"]);
        for (field, value) in rows {
            sheet.row(vec![Value::from(field), value]);
        }
        sheet
    }

    /// Appends a row.
    pub fn row(&mut self, cells: Vec<Value>) -> &mut Self {
        self.rows.push(cells);
        self
    }

    /// The column index of a header (case-insensitive).
    pub fn col(&self, header: &str) -> Option<usize> {
        self.rows.first()?.iter().position(|v| match v {
            Value::Text(t) => t.eq_ignore_ascii_case(header),
            _ => false,
        })
    }

    /// Sets a cell, growing the row as needed (row 0 is the header).
    pub fn set(&mut self, row: usize, col: usize, value: Value) {
        while self.rows.len() <= row {
            self.rows.push(Vec::new());
        }
        let r = &mut self.rows[row];
        while r.len() <= col {
            r.push(Value::Empty);
        }
        r[col] = value;
    }
}

/// A whole workbook to write.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WorkbookData {
    pub sheets: Vec<SheetData>,
    /// Write dates in Excel's 1904 date system (as old Mac workbooks do).
    pub date_1904: bool,
}

impl WorkbookData {
    pub fn sheet(&self, name: &str) -> Option<&SheetData> {
        self.sheets
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }
    pub fn sheet_mut(&mut self, name: &str) -> Option<&mut SheetData> {
        self.sheets
            .iter_mut()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }
    /// Removes a sheet; true when it was there.
    pub fn remove_sheet(&mut self, name: &str) -> bool {
        let before = self.sheets.len();
        self.sheets.retain(|s| !s.name.eq_ignore_ascii_case(name));
        before != self.sheets.len()
    }

    /// The `.xlsx` bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, XlsxError> {
        let mut book = XlsxBook::new();
        let created = ExcelDateTime::from_ymd(2016, 1, 1)?;
        book.set_properties(
            &DocProperties::new()
                .set_author("boardpack")
                .set_creation_datetime(&created),
        );
        let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
        let head_fmt = Format::new().set_bold();
        for sheet in &self.sheets {
            let ws = book.add_worksheet();
            ws.set_name(&sheet.name)?;
            for (r, row) in sheet.rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    let style = sheet.look.cells.get(&(r as u32, c as u32));
                    let own = style.map(format_of);
                    let numbered = |code: &str| match style {
                        Some(st) if st.number_format.is_some() => format_of(st),
                        Some(st) => format_of(st).set_num_format(code),
                        None => Format::new().set_num_format(code),
                    };
                    let date_fmt = &numbered("yyyy-mm-dd");
                    let pct_fmt = &numbered("0.0%");
                    let (r, c) = (r as u32, c as u16);
                    match v {
                        Value::Empty => {}
                        Value::Text(t) => {
                            match (&own, r) {
                                (Some(format), _) => {
                                    ws.write_string_with_format(r, c, t, format)?
                                }
                                (None, 0) => ws.write_string_with_format(r, c, t, &head_fmt)?,
                                (None, _) => ws.write_string(r, c, t)?,
                            };
                        }
                        Value::Number(n) => {
                            match &own {
                                Some(format) => ws.write_number_with_format(r, c, *n, format)?,
                                None => ws.write_number(r, c, *n)?,
                            };
                        }
                        Value::Percent(p) => {
                            ws.write_number_with_format(r, c, *p, pct_fmt)?;
                        }
                        Value::Date(d) => {
                            if self.date_1904 {
                                let serial = excel_serial(*d) - 1462.0;
                                ws.write_number_with_format(r, c, serial, date_fmt)?;
                            } else {
                                let x = ExcelDateTime::from_ymd(
                                    chrono::Datelike::year(d) as u16,
                                    chrono::Datelike::month(d) as u8,
                                    chrono::Datelike::day(d) as u8,
                                )?;
                                ws.write_datetime_with_format(r, c, &x, date_fmt)?;
                            }
                        }
                        Value::Formula(f) => {
                            // No saved result, as some tools write formulas.
                            ws.write_formula(
                                r,
                                c,
                                rust_xlsxwriter::Formula::new(f).set_result(""),
                            )?;
                        }
                        Value::Error(e) => {
                            ws.write_formula(
                                r,
                                c,
                                rust_xlsxwriter::Formula::new("=1/0").set_result(e),
                            )?;
                        }
                        Value::Computed { formula, result } => {
                            let (saved, format) = match result.as_ref() {
                                // A 0 written `0` would read as unsaved
                                // (see the rewrite below).
                                Value::Number(n) if *n == 0.0 => ("0.0".to_string(), own.clone()),
                                Value::Number(n) => (n.to_string(), own.clone()),
                                Value::Percent(p) => (p.to_string(), Some(pct_fmt.clone())),
                                Value::Date(d) => {
                                    let serial = excel_serial(*d)
                                        - if self.date_1904 { 1462.0 } else { 0.0 };
                                    (serial.to_string(), Some(date_fmt.clone()))
                                }
                                Value::Text(t) if !t.is_empty() => (t.clone(), own.clone()),
                                Value::Error(e) => (e.clone(), own.clone()),
                                _ => (EMPTY_RESULT.to_string(), own.clone()),
                            };
                            let f = rust_xlsxwriter::Formula::new(formula).set_result(saved);
                            match format {
                                Some(format) => ws.write_formula_with_format(r, c, f, &format)?,
                                None => ws.write_formula(r, c, f)?,
                            };
                        }
                    }
                }
            }
            // Empty cells with a style (a coloured header row).
            for (&(r, c), style) in &sheet.look.cells {
                let has_value = sheet
                    .rows
                    .get(r as usize)
                    .and_then(|row| row.get(c as usize))
                    .is_some_and(|v| *v != Value::Empty);
                if !has_value && c < 16_384 {
                    ws.write_blank(r, c as u16, &format_of(style))?;
                }
            }
            ws.set_column_width(0, 18)?;
            ws.set_column_width(1, 24)?;
            ws.set_column_width(2, 40)?;
            for column in &sheet.look.columns {
                for c in column.first..=column.last.min(16_383) {
                    // The stored width includes the padding
                    // rust_xlsxwriter adds again: written in pixels of the
                    // default font (7 to a character) it comes back the same.
                    if let Some(width) = column.width {
                        ws.set_column_width_pixels(c, (width * 7.0).round() as u32)?;
                    }
                    if column.hidden {
                        ws.set_column_hidden(c)?;
                    }
                    if let Some(style) = &column.style {
                        ws.set_column_format(c, &format_of(style))?;
                    }
                }
            }
            for (&r, row) in &sheet.look.rows {
                if let Some(height) = row.height {
                    ws.set_row_height(r, height)?;
                }
                if row.hidden {
                    ws.set_row_hidden(r)?;
                }
            }
            if let Some((rows, columns)) = sheet.look.frozen {
                ws.set_freeze_panes(rows, columns)?;
            }
            if let Some((r0, c0, r1, c1)) = sheet.look.filter {
                ws.autofilter(r0, c0, r1, c1)?;
            }
            if let Some(width) = sheet.text_width {
                let wrap = Format::new()
                    .set_text_wrap()
                    .set_align(rust_xlsxwriter::FormatAlign::Top);
                ws.set_column_width(0, width)?;
                ws.set_column_format(0, &wrap)?;
                for (r, row) in sheet.rows.iter().enumerate() {
                    if let Some(Value::Text(t)) = row.first() {
                        let format = if r == 0 {
                            head_fmt.clone().set_text_wrap()
                        } else {
                            wrap.clone()
                        };
                        ws.write_string_with_format(r as u32, 0, t, &format)?;
                        // Row heights set, as not every program fits them
                        // to wrapped text: 15 points a line of about
                        // `width` characters.
                        let lines = wrapped_lines(t, width);
                        ws.set_row_height(r as u32, 15.0 * lines + 3.0)?;
                    }
                }
            }
            if sheet.fit_to_page || sheet.text_width.is_some() {
                ws.set_paper_size(9);
                ws.set_print_fit_to_pages(1, 0);
            }
            if sheet.fit_to_page {
                let wrap = Format::new()
                    .set_text_wrap()
                    .set_align(rust_xlsxwriter::FormatAlign::Top);
                ws.set_column_format(1, &wrap)?;
                ws.set_column_format(2, &wrap)?;
                for (r, row) in sheet.rows.iter().enumerate().skip(1) {
                    let mut lines = 1.0f64;
                    for (c, v) in row.iter().enumerate().take(3) {
                        if let Value::Text(t) = v {
                            ws.write_string_with_format(r as u32, c as u16, t, &wrap)?;
                            // Columns A, B and C are 18, 24 and 40 characters.
                            let width = [18.0, 24.0, 40.0][c];
                            lines = lines.max(wrapped_lines(t, width));
                        }
                    }
                    // Set, as not every program fits a row to wrapped text
                    // (LibreOffice printed the Review's lines over the next
                    // row's).
                    if lines > 1.0 {
                        ws.set_row_height(r as u32, 15.0 * lines + 3.0)?;
                    }
                }
            }
            for &c in &sheet.date_columns {
                ws.set_column_format(c as u16, &date_fmt)?;
            }
            for v in &sheet.validations {
                let dv = rust_xlsxwriter::DataValidation::new()
                    .allow_list_formula(rust_xlsxwriter::Formula::new(&v.source))
                    .set_input_message(&v.prompt)?
                    .show_error_message(!v.suggest_only);
                ws.add_data_validation(1, v.column as u16, 999, v.column as u16, &dv)?;
            }
            if sheet.hidden {
                ws.set_hidden(true);
            }
        }
        let bytes = book.save_to_buffer()?;
        let has_formulas = self.sheets.iter().any(|s| {
            s.rows
                .iter()
                .flatten()
                .any(|v| matches!(v, Value::Formula(_) | Value::Computed { .. }))
        });
        if !self.date_1904 && !has_formulas {
            return Ok(bytes);
        }
        let date_1904 = self.date_1904;
        Ok(rewrite(&bytes, |name, text| {
            if date_1904 && name == "xl/workbook.xml" {
                text.replacen("<workbookPr", "<workbookPr date1904=\"1\"", 1)
            } else if name.starts_with("xl/worksheets/") {
                text.replace("</f><v>0</v>", "</f>")
                    .replace(&format!("<v>{EMPTY_RESULT}</v>"), "<v></v>")
            } else {
                text
            }
        }))
    }
}

/// About how many lines `text` takes wrapped in a column `width`
/// characters wide (each of its own lines wrapped apart).
fn wrapped_lines(text: &str, width: f64) -> f64 {
    text.lines()
        .map(|line| {
            (line.chars().count() as f64 / (width * 0.95))
                .ceil()
                .max(1.0)
        })
        .sum::<f64>()
        .max(1.0)
}

/// A cell style as rust_xlsxwriter writes it.
fn format_of(style: &crate::input::CellStyle) -> Format {
    use rust_xlsxwriter::{Color, FormatAlign, FormatBorder, FormatUnderline};
    let mut f = Format::new();
    if let Some(code) = &style.number_format {
        f = f.set_num_format(code);
    }
    if style.bold {
        f = f.set_bold();
    }
    if style.italic {
        f = f.set_italic();
    }
    if style.underline {
        f = f.set_underline(FormatUnderline::Single);
    }
    if let Some(rgb) = style.font_colour {
        f = f.set_font_color(Color::RGB(rgb));
    }
    if let Some(size) = style.font_size {
        f = f.set_font_size(size);
    }
    if let Some(name) = &style.font_name {
        f = f.set_font_name(name);
    }
    if let Some(rgb) = style.fill {
        f = f
            .set_pattern(rust_xlsxwriter::FormatPattern::Solid)
            .set_background_color(Color::RGB(rgb));
    }
    let b = style.border;
    for (on, side) in [(b.left, 0), (b.right, 1), (b.top, 2), (b.bottom, 3)] {
        if on {
            f = match side {
                0 => f.set_border_left(FormatBorder::Thin),
                1 => f.set_border_right(FormatBorder::Thin),
                2 => f.set_border_top(FormatBorder::Thin),
                _ => f.set_border_bottom(FormatBorder::Thin),
            };
        }
    }
    if let Some(h) = &style.horizontal {
        let align = match h.as_str() {
            "center" | "centerContinuous" => Some(FormatAlign::Center),
            "right" => Some(FormatAlign::Right),
            "left" => Some(FormatAlign::Left),
            "justify" => Some(FormatAlign::Justify),
            _ => None,
        };
        if let Some(a) = align {
            f = f.set_align(a);
        }
    }
    if let Some(v) = &style.vertical {
        let align = match v.as_str() {
            "top" => Some(FormatAlign::Top),
            "center" => Some(FormatAlign::VerticalCenter),
            _ => None,
        };
        if let Some(a) = align {
            f = f.set_align(a);
        }
    }
    if style.wrap {
        f = f.set_text_wrap();
    }
    f
}

/// Excel 1900-system serial of a date.
fn excel_serial(d: NaiveDate) -> f64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid");
    (d - epoch).num_days() as f64
}

/// Rewrites the XML parts of an `.xlsx` package.
fn rewrite(xlsx: &[u8], edit: impl Fn(&str, String) -> String) -> Vec<u8> {
    let mut input = zip::ZipArchive::new(Cursor::new(xlsx)).expect("our own zip reads back");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for i in 0..input.len() {
        let mut f = input.by_index(i).expect("entry");
        let name = f.name().expect("entry names are UTF-8").to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("entry reads");
        if name.ends_with(".xml") {
            let text = String::from_utf8(data).expect("xml is utf-8");
            data = edit(&name, text).into_bytes();
        }
        out.start_file(name, opts).expect("zip entry");
        out.write_all(&data).expect("zip write");
    }
    out.finish().expect("zip finish").into_inner()
}
