//! Reading one worksheet as a table: the header row names the columns, each
//! later row is a record, and every cell read keeps its A1 location so that a
//! problem can point at it. Enters: a calamine range (with its formulas);
//! leaves: texts, numbers, months and dates, or a [`Problem`] naming the cell.
//! The rules every sheet shares live here too: keyword cells, blank key
//! cells, and rows that repeat a key ([`Seen`]).

use std::collections::{BTreeMap, BTreeSet};

use calamine::{Data, Range};

use crate::input::contract::Word;
use crate::input::dates::parse_text_date;
use crate::input::problem::{found, Location, Problem};
use crate::input::text::{self, Limit};
use crate::methods::period::Month;

/// One sheet of the workbook, with its header row resolved.
pub struct Table<'a> {
    /// The sheet's name as the workbook spells it.
    pub name: String,
    range: &'a Range<Data>,
    formulas: Option<&'a Range<String>>,
    /// Lower-cased header → absolute column index.
    columns: BTreeMap<String, u32>,
    header_row: u32,
    /// The cells holding a value in a percent format (`formats.rs`).
    percent: Option<&'a BTreeSet<(u32, u32)>>,
    /// The cells holding a formula whose saved result is empty (`=IF(…;
    /// …;"")`): read as empty, and said so where a value is required.
    empty_results: Option<&'a BTreeSet<(u32, u32)>>,
    /// The workbook counts dates from 1904 (old Mac workbooks): a plain
    /// date serial is read in that system.
    date_1904: bool,
    /// Warnings found while reading text cells, taken by the sheet's reader
    /// ([`Table::take_notices`]).
    notices: std::cell::RefCell<Vec<Problem>>,
}

/// A row of a table, for reading cells by header name.
#[derive(Clone, Copy)]
pub struct RowRef<'t, 'a> {
    table: &'t Table<'a>,
    /// Absolute 0-based row index in the sheet.
    pub row: u32,
}

/// Normalises a header or keyword for matching: trimmed, lower-case.
pub fn norm(text: &str) -> String {
    text.trim().to_lowercase()
}

/// What a cell holds, as a short phrase for messages.
pub fn describe(cell: &Data) -> String {
    match cell {
        Data::Empty => "an empty cell".into(),
        Data::String(s) if s.trim().is_empty() => "an empty cell".into(),
        Data::String(s) => found(s.trim()),
        Data::Int(i) => format!("the number {i}"),
        Data::Float(f) => format!("the number {}", fmt_number(*f)),
        Data::Bool(b) => format!("the logical value {}", if *b { "TRUE" } else { "FALSE" }),
        Data::DateTime(d) => match d.as_datetime() {
            Some(dt) => format!("the date {}", dt.date()),
            None => format!("the date serial {}", d.as_f64()),
        },
        Data::DateTimeIso(s) => format!("the date {s}"),
        Data::DurationIso(s) => format!("the duration {s}"),
        Data::Error(e) => format!("the error {e}"),
    }
}

/// A number without a spurious `.0`.
pub fn fmt_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else if f.abs() >= 1e15 {
        format!("{f:e}")
    } else {
        format!("{f}")
    }
}

/// A cell's text on one line, as the dashboard prints it: a tab, and a line
/// break inside the cell (Alt+Enter; `\r\n` as one), each a space.
pub fn one_line(text: &str) -> String {
    if !text.contains(['\n', '\r', '\t']) {
        return text.to_string();
    }
    text.replace("\r\n", " ").replace(['\n', '\r', '\t'], " ")
}

/// True when a cell holds nothing a person typed.
pub fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

impl<'a> Table<'a> {
    /// Resolves the header row (row 1). Missing required columns are reported
    /// and `None` returned when any is missing.
    pub fn new(
        name: &str,
        range: &'a Range<Data>,
        formulas: Option<&'a Range<String>>,
        required: &[&str],
        problems: &mut Vec<Problem>,
    ) -> Option<Table<'a>> {
        let mut columns = BTreeMap::new();
        let header_row = 0;
        if let (Some((r0, c0)), Some((_, c1))) = (range.start(), range.end()) {
            if r0 == 0 {
                for c in c0..=c1 {
                    if let Some(Data::String(h)) = range.get_value((0, c)) {
                        let key = norm(h);
                        if !key.is_empty() {
                            columns.entry(key).or_insert(c);
                        }
                    }
                }
            }
        }
        let mut ok = true;
        for req in required {
            if !columns.contains_key(&norm(req)) {
                problems.push(Problem::error(
                    Location::Header(name.to_string()),
                    format!("expected a column headed \"{req}\" in row 1, found none"),
                ));
                ok = false;
            }
        }
        ok.then(|| Table {
            name: name.to_string(),
            range,
            formulas,
            columns,
            header_row,
            percent: None,
            empty_results: None,
            date_1904: false,
            notices: Default::default(),
        })
    }

    /// The table, knowing which of its cells are in a percent format.
    pub fn with_percent(self, percent: &'a BTreeSet<(u32, u32)>) -> Table<'a> {
        Table {
            percent: Some(percent),
            ..self
        }
    }

    /// The table, knowing which of its cells are formulas with an empty
    /// result.
    pub fn with_empty_results(self, cells: &'a BTreeSet<(u32, u32)>) -> Table<'a> {
        Table {
            empty_results: Some(cells),
            ..self
        }
    }

    /// The warnings found reading its text cells (a date where text was
    /// typed), for the sheet's reader to report.
    pub fn take_notices(&self) -> Vec<Problem> {
        self.notices.take()
    }

    /// The table of a workbook in the 1904 date system, or not.
    pub fn with_1904(self, date_1904: bool) -> Table<'a> {
        Table { date_1904, ..self }
    }

    /// True when the sheet has a column with this header.
    pub fn has(&self, header: &str) -> bool {
        self.columns.contains_key(&norm(header))
    }

    /// The data rows that hold anything, in sheet order.
    pub fn rows(&self) -> Vec<RowRef<'_, 'a>> {
        let Some((end_row, _)) = self.range.end() else {
            return Vec::new();
        };
        ((self.header_row + 1)..=end_row)
            .map(|row| RowRef { table: self, row })
            .filter(|r| !r.is_blank())
            .collect()
    }

    /// The rows that hold anything, less those whose key cell is blank
    /// though others are filled: those are typing slips, each an error.
    pub fn keyed_rows(&self, key: &str, problems: &mut Vec<Problem>) -> Vec<RowRef<'_, 'a>> {
        let mut out = Vec::new();
        for row in self.rows() {
            match row.text(key) {
                Ok(t) if t.is_empty() => problems.push(row.error(
                    key,
                    format!("expected a value in the {key} column (the row's other cells are filled), found an empty cell"),
                )),
                Ok(_) => out.push(row),
                Err(p) => problems.push(p),
            }
        }
        out
    }

    /// The header cells that name a month (real dates, or text dates such
    /// as `2016-09`, `Sep-16`, `September 2016`), in sheet order, each
    /// made readable by [`RowRef`] under the key returned. A month headed
    /// twice is an error at the second header; another header that is not
    /// one of `known` is a warning (its column is ignored).
    pub fn month_columns(
        &mut self,
        known: &[&str],
        problems: &mut Vec<Problem>,
    ) -> Vec<(Month, String)> {
        let mut out: Vec<(Month, String)> = Vec::new();
        let (Some((r0, c0)), Some((_, c1))) = (self.range.start(), self.range.end()) else {
            return out;
        };
        if r0 != 0 {
            return out;
        }
        for c in c0..=c1 {
            let cell = self.range.get_value((0, c)).unwrap_or(&EMPTY);
            let at = Location::cell(&self.name, 0, c);
            let date = match cell {
                Data::DateTime(d) => d.as_datetime().map(|dt| dt.date()),
                Data::String(s) | Data::DateTimeIso(s) => parse_text_date(s).map(|d| d.last_day()),
                // A date serial in a General cell (or one a program saved
                // without its date format), in the workbook's date system.
                Data::Float(_) | Data::Int(_) => serial_date(cell, self.date_1904),
                _ => None,
            };
            if date.is_some_and(|d| !in_years(d)) {
                problems.push(Problem::error(
                    at,
                    format!("{YEARS}, found {}", describe(cell)),
                ));
                continue;
            }
            let month = date.map(month_of);
            let Some(month) = month else {
                let named =
                    matches!(cell, Data::String(s) if known.iter().any(|k| norm(k) == norm(s)));
                if !is_blank(cell) && !named {
                    problems.push(Problem::warning(at, format!(
                        "the column headed {} is not a month (e.g. Sep-16 or 2016-09), so it is ignored",
                        describe(cell)
                    )));
                }
                continue;
            };
            if let Some((_, first)) = out.iter().find(|(m, _)| *m == month) {
                let first = Location::cell(&self.name, 0, self.columns[first]);
                problems.push(Problem::error(
                    at,
                    format!(
                        "expected each month once in row 1, found {} again (first at {first})",
                        month.long_label()
                    ),
                ));
                continue;
            }
            let key = format!("\u{1}{month}");
            self.columns.insert(key.clone(), c);
            out.push((month, key));
        }
        out
    }

    fn col(&self, header: &str) -> Option<u32> {
        // Looked up for every cell read: a short ASCII header is lowered in
        // place, not allocated (the same key as `norm` gives).
        let h = header.trim();
        let mut buf = [0u8; 64];
        if let Some(b) = buf.get_mut(..h.len()).filter(|_| h.is_ascii()) {
            b.copy_from_slice(h.as_bytes());
            b.make_ascii_lowercase();
            if let Ok(key) = std::str::from_utf8(b) {
                return self.columns.get(key).copied();
            }
        }
        self.columns.get(&norm(header)).copied()
    }
}

static EMPTY: Data = Data::Empty;

impl<'t, 'a> RowRef<'t, 'a> {
    /// True when no cell of the row (under a known header or not) holds anything.
    fn is_blank(&self) -> bool {
        let (Some((_, c0)), Some((_, c1))) = (self.table.range.start(), self.table.range.end())
        else {
            return true;
        };
        (c0..=c1).all(|c| {
            self.table
                .range
                .get_value((self.row, c))
                .is_none_or(is_blank)
        })
    }

    /// The location of the cell under `header` in this row.
    pub fn loc(&self, header: &str) -> Location {
        let col = self.table.col(header).unwrap_or(0);
        Location::cell(&self.table.name, self.row, col)
    }

    /// The raw cell under `header` (empty when the column is absent).
    pub fn cell(&self, header: &str) -> &'t Data {
        match self.table.col(header) {
            Some(c) => self.table.range.get_value((self.row, c)).unwrap_or(&EMPTY),
            None => &EMPTY,
        }
    }

    /// True when the cell under `header` holds a number in a percent
    /// format (`-59%` typed in Excel is -0.59 so formatted).
    pub fn is_percent_formatted(&self, header: &str) -> bool {
        let (Some(c), Some(set)) = (self.table.col(header), self.table.percent) else {
            return false;
        };
        set.contains(&(self.row, c))
    }

    /// True when the cell under `header` is written as a percent: a number
    /// in a percent format, or text ending in `%` (`-59%`).
    pub fn is_percent(&self, header: &str) -> bool {
        match self.cell(header) {
            Data::String(s) => s.trim_end().ends_with('%'),
            Data::Float(_) | Data::Int(_) => self.is_percent_formatted(header),
            _ => false,
        }
    }

    /// An error at the cell under `header`.
    pub fn error(&self, header: &str, message: impl Into<String>) -> Problem {
        Problem::error(self.loc(header), message)
    }

    /// A warning at the cell under `header`.
    pub fn warning(&self, header: &str, message: impl Into<String>) -> Problem {
        Problem::warning(self.loc(header), message)
    }

    /// An error at the cell under `header`: `expected {expected}, found` what
    /// the cell holds.
    pub fn not_a(&self, header: &str, expected: &str) -> Problem {
        self.error(
            header,
            format!("expected {expected}, found {}", describe(self.cell(header))),
        )
    }

    /// An error at the empty cell under `header`, where `what` was expected.
    pub fn empty(&self, header: &str, what: &str) -> Problem {
        let formula = self
            .table
            .col(header)
            .zip(self.table.empty_results)
            .is_some_and(|(c, cells)| cells.contains(&(self.row, c)));
        if formula {
            return self.error(header, format!("expected {what}, found a formula whose result is empty (\"\", as =IF(…;…;\"\") gives): the cell looks filled in the spreadsheet but holds no value; give the formula a value to return, or type the figure"));
        }
        self.error(header, format!("expected {what}, found an empty cell"))
    }

    /// A formula cell whose result was never saved (calamine sees it empty)
    /// is an error: `expected {expected}, found the formula …`.
    fn saved(&self, header: &str, expected: &str) -> Result<(), Problem> {
        let Some(col) = self.table.col(header) else {
            return Ok(());
        };
        match self.table.formulas.and_then(|f| f.get_value((self.row, col))) {
            Some(f) if !f.is_empty() && is_blank(self.cell(header)) => Err(self.error(
                header,
                format!("expected {expected}, found the formula ={f} with no saved result (open the workbook in Excel and save it)"),
            )),
            _ => Ok(()),
        }
    }

    /// Text of the cell: numbers as written (`1`, not `1.0`), trimmed; an
    /// error cell or an unsaved formula is a problem.
    pub fn text(&self, header: &str) -> Result<String, Problem> {
        self.text_within(header, text::ANY)
    }

    /// Text of a cell that may hold a figure or a word (`Values.Value`: a
    /// number, a percent, `NA` or an assessment's text): an error cell is
    /// `expected {expected}, found the error …`, not "expected text".
    pub fn value_text(&self, header: &str, expected: &str) -> Result<String, Problem> {
        if let Data::Error(e) = self.cell(header) {
            return Err(self.error(header, format!("expected {expected}, found the error {e}")));
        }
        self.text(header)
    }

    /// [`RowRef::text`], a text cell within `limit`.
    fn text_within(&self, header: &str, limit: Limit) -> Result<String, Problem> {
        self.saved(header, "a value")?;
        match self.cell(header) {
            Data::Empty => Ok(String::new()),
            Data::String(s) => self.printable(header, s.trim(), limit),
            Data::Int(i) => Ok(i.to_string()),
            Data::Float(f) => Ok(fmt_number(*f)),
            Data::Bool(b) => Ok(if *b { "TRUE" } else { "FALSE" }.to_string()),
            Data::DateTime(d) => {
                let shown = d
                    .as_datetime()
                    .map(|dt| dt.date().to_string())
                    .unwrap_or_else(|| fmt_number(d.as_f64()));
                self.date_in_text(header, &shown);
                Ok(shown)
            }
            Data::DateTimeIso(s) => {
                // Its date, as an `.xlsx` date in a text cell is shown.
                let shown = match s.split_once('T') {
                    Some((date, _)) if date.len() == 10 => date,
                    _ => s.as_str(),
                }
                .to_string();
                self.date_in_text(header, &shown);
                Ok(shown)
            }
            Data::DurationIso(s) => Ok(s.clone()),
            Data::Error(e) => {
                Err(self.error(header, format!("expected text, found the error {e}")))
            }
        }
    }

    /// `text` when every character prints and it is within `limit`; else
    /// an error at the cell under `header`.
    fn printable(&self, header: &str, text: &str, limit: Limit) -> Result<String, Problem> {
        if let Some(what) = text::unprintable(text) {
            return Err(self.error(header, format!("expected text the dashboard's fonts print (Latin, Greek, Cyrillic, Arabic, Devanagari, Bengali, Gurmukhi or Gujarati script, punctuation and common symbols), found {what}; delete or replace it (emoji and control characters cannot be printed)")));
        }
        let n = text.chars().count();
        if n > limit.max {
            return Err(self.error(
                header,
                format!(
                    "expected {} of at most {} characters (what the layout can show), found {n} characters; shorten it",
                    limit.what, limit.max
                ),
            ));
        }
        Ok(one_line(text))
    }

    /// A warning at a cell read as text that holds a date: a spreadsheet
    /// program turns a note typed `Dec-15` into a date, which prints as
    /// `shown`, not as typed.
    fn date_in_text(&self, header: &str, shown: &str) {
        self.table.notices.borrow_mut().push(self.warning(
            header,
            format!("expected text, found a date, which prints as {shown}: the spreadsheet program may have turned what was typed (such as Dec-15) into a date; if it is text, type it with an apostrophe first ('Dec-15) or format the cell as Text and retype it"),
        ));
    }

    /// Text of the cell ([`RowRef::text`]) within `limit`.
    pub fn limited(&self, header: &str, limit: Limit) -> Result<String, Problem> {
        self.text_within(header, limit)
    }

    /// Optional text within `limit`: `None` for an empty cell.
    pub fn optional_limited(&self, header: &str, limit: Limit) -> Result<Option<String>, Problem> {
        let t = self.limited(header, limit)?;
        Ok((!t.is_empty()).then_some(t))
    }

    /// Required text within `limit`: an empty cell is a problem.
    pub fn required_limited(
        &self,
        header: &str,
        what: &str,
        limit: Limit,
    ) -> Result<String, Problem> {
        let t = self.limited(header, limit)?;
        if t.is_empty() {
            Err(self.empty(header, what))
        } else {
            Ok(t)
        }
    }

    /// Required text: an empty cell is a problem.
    pub fn required_text(&self, header: &str, what: &str) -> Result<String, Problem> {
        let t = self.text(header)?;
        if t.is_empty() {
            Err(self.empty(header, what))
        } else {
            Ok(t)
        }
    }

    /// Optional text: `None` for an empty cell.
    pub fn optional_text(&self, header: &str) -> Result<Option<String>, Problem> {
        let t = self.text(header)?;
        Ok((!t.is_empty()).then_some(t))
    }

    /// A number: a numeric cell, or numeric text with thousands separators
    /// (`58,805`) or a percent sign (`84.5%` → 0.845). `None` when empty.
    pub fn number(&self, header: &str) -> Result<Option<f64>, Problem> {
        self.saved(header, "a number")?;
        let cell = self.cell(header);
        let n = match cell {
            Data::Empty => return Ok(None),
            Data::Int(i) => *i as f64,
            Data::Float(f) if f.is_finite() => as_shown(*f),
            Data::String(s) if s.trim().is_empty() => return Ok(None),
            Data::String(s) => parse_number(s).ok_or_else(|| self.not_a(header, "a number"))?,
            _ => return Err(self.not_a(header, "a number")),
        };
        if n.abs() > MAX_NUMBER {
            return Err(self.error(
                header,
                format!(
                    "expected a number between -{MAX_WORDS} and {MAX_WORDS} (what the charts and sums can hold), found {}",
                    describe(cell)
                ),
            ));
        }
        Ok(Some(n))
    }

    /// A number that must be present and not negative.
    pub fn count(&self, header: &str, what: &str) -> Result<f64, Problem> {
        match self.number(header)? {
            None => Err(self.empty(header, what)),
            Some(v) if v < 0.0 => Err(self.error(
                header,
                format!("expected {what} (zero or more), found {}", fmt_number(v)),
            )),
            Some(v) => Ok(v),
        }
    }

    /// A month: an Excel date (1900 or 1904 system), or a text date
    /// ([`parse_text_date`]: ISO or British, day first). `None` when empty.
    pub fn month(&self, header: &str) -> Result<Option<Month>, Problem> {
        Ok(self.day(header, true)?.map(month_of))
    }

    /// A full date (`period_end`): as [`RowRef::month`] but keeping the day.
    /// Text `2015-12` or `Dec 2015` means the month's last day.
    pub fn date(&self, header: &str) -> Result<Option<chrono::NaiveDate>, Problem> {
        self.day(header, false)
    }

    /// The date a cell holds (a text month: its last day), from 1900 to
    /// 9999 ([`in_years`]); a bare number is a 1900-system date serial
    /// when `serials`.
    fn day(&self, header: &str, serials: bool) -> Result<Option<chrono::NaiveDate>, Problem> {
        let cell = self.cell(header);
        let bad = || self.not_a(header, MONTH);
        let date = match cell {
            Data::Empty => return Ok(None),
            Data::String(s) if s.trim().is_empty() => return Ok(None),
            Data::DateTime(d) => d.as_datetime().ok_or_else(bad)?.date(),
            Data::DateTimeIso(s) | Data::String(s) => match parse_text_date(s) {
                Some(d) => d.last_day(),
                None => {
                    let mut p = bad();
                    if let Some(why) = crate::input::dates::impossible_day(s) {
                        p.message.push_str(&format!(": {why}"));
                    }
                    return Err(p);
                }
            },
            Data::Int(_) | Data::Float(_) if serials => {
                // A date serial typed without a date format, in the
                // workbook's date system.
                serial_date(cell, self.table.date_1904).ok_or_else(bad)?
            }
            _ => return Err(bad()),
        };
        if !in_years(date) {
            return Err(self.error(header, format!("{YEARS}, found {}", describe(cell))));
        }
        Ok(Some(date))
    }
}

/// A plain number read as a date serial (from 10,000, 1927, to 100,000,
/// 2173, in the 1900 system), in the 1900 or the 1904 date system; `None`
/// for any other cell or number.
fn serial_date(cell: &Data, date_1904: bool) -> Option<chrono::NaiveDate> {
    let v = match cell {
        Data::Int(i) => *i as f64,
        Data::Float(f) => *f,
        _ => return None,
    };
    if !(10_000.0..=100_000.0).contains(&v) {
        return None;
    }
    let d = calamine::ExcelDateTime::new(v, calamine::ExcelDateTimeType::DateTime, date_1904);
    Some(d.as_datetime()?.date())
}

/// What a date cell must be within: what Excel's dates and the pack's
/// dates can hold (a serial of -5 would read as 1899-12-26; one past
/// 2,958,465 lies after the year 9999).
pub const YEARS: &str = "expected a date from 1900 to 9999";

/// True for a date from 1900 to 9999.
pub fn in_years(d: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    (1900..=9999).contains(&d.year())
}

/// The largest number a cell may hold (a million million): far above any
/// count, rate or amount of a dashboard, and far below where twelve months'
/// sums or a chart's axis would overflow or lose their digits.
pub const MAX_NUMBER: f64 = 1e12;
const MAX_WORDS: &str = "1,000,000,000,000";

/// What a `Month` cell holds: any date in the month.
pub const MONTH: &str = "a date (an Excel date, 2015-12-31, 31/12/2015, 2015-12 or Dec 2015)";

/// What a date cell (`period_end`) holds: the same forms.
pub const DATE: &str = MONTH;

/// The month a date falls in.
pub fn month_of(d: chrono::NaiveDate) -> Month {
    use chrono::Datelike;
    Month::new(d.year(), d.month()).expect("a date's month is 1 to 12")
}

/// Pushes a problem from a `Result`, giving back the value.
pub fn take<T>(r: Result<T, Problem>, problems: &mut Vec<Problem>) -> Option<T> {
    r.map_err(|p| problems.push(p)).ok()
}

/// Reads one keyword cell against the contract's words for `T`.
pub fn keyword<T: Word>(row: &RowRef, header: &str, problems: &mut Vec<Problem>) -> Option<T> {
    let text = take(row.text(header), problems)?;
    let value = T::from_word(&text);
    if value.is_none() {
        problems.push(row.error(
            header,
            format!("expected one of {}, found {}", T::list(), found(&text)),
        ));
    }
    value
}

/// The first row read for each key of a sheet: the one rule for rows that
/// must not repeat (a field, a code, an indicator and month, …).
pub struct Seen<K> {
    first: BTreeMap<K, Location>,
}

impl<K: Ord> Seen<K> {
    pub fn new() -> Seen<K> {
        Seen {
            first: BTreeMap::new(),
        }
    }

    /// True when `key` was seen before: an error at the `header` cell of
    /// `row`, worded by `message` from the first row's location.
    pub fn repeated(
        &self,
        key: &K,
        row: &RowRef,
        header: &str,
        message: impl FnOnce(&Location) -> String,
        problems: &mut Vec<Problem>,
    ) -> bool {
        match self.first.get(key) {
            Some(first) => {
                problems.push(row.error(header, message(first)));
                true
            }
            None => false,
        }
    }

    /// Records where `key` was first read.
    pub fn insert(&mut self, key: K, at: Location) {
        self.first.entry(key).or_insert(at);
    }

    /// [`Seen::repeated`], recording `key` at the `header` cell when new.
    pub fn once(
        &mut self,
        key: K,
        row: &RowRef,
        header: &str,
        message: impl FnOnce(&Location) -> String,
        problems: &mut Vec<Problem>,
    ) -> bool {
        if self.repeated(&key, row, header, message, problems) {
            return false;
        }
        self.insert(key, row.loc(header));
        true
    }
}

impl<K: Ord> Default for Seen<K> {
    fn default() -> Self {
        Seen::new()
    }
}

/// A number cell's value as the spreadsheet shows it (methods v3): rounded
/// to 15 significant digits, all that Excel displays. Every number typed is
/// unchanged (Excel keeps 15 digits of what is typed); a formula's result
/// with a binary remainder past them (`0.30000000000000004`, or
/// `0.9384999999999999` for a cell that shows 93.85%) is read as the decimal
/// shown, so that it rounds as the analyst sees it.
pub fn as_shown(f: f64) -> f64 {
    if !f.is_finite() || (f.fract() == 0.0 && f.abs() < 1e15) {
        return f;
    }
    format!("{f:.14e}").parse().unwrap_or(f)
}

/// Parses numeric text: `58,805`, ` 12 `, `84.5%` (→ 0.845), `-3`.
///
/// A percentage is read as the exact decimal it shows (methods v3):
/// `93.85%` is the decimal 0.9385, parsed as such (the decimal point moved
/// two places in the text), never 93.85 parsed and then divided by 100,
/// whose floating-point result is 0.9384999999999999 and prints `93.8%`.
pub fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    let (t, percent) = match t.strip_suffix('%') {
        Some(rest) => (rest.trim_end(), true),
        None => (t, false),
    };
    // Thousands separators only between groups of three digits.
    let cleaned: String = if t.contains(',') {
        let int_part = t.split('.').next().unwrap_or("");
        let digits = int_part.trim_start_matches(['-', '+']);
        let groups: Vec<&str> = digits.split(',').collect();
        let well_formed = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3);
        if !well_formed {
            return None;
        }
        t.replace(',', "")
    } else {
        t.to_string()
    };
    if cleaned.is_empty()
        || !cleaned
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
    {
        return None;
    }
    let v: f64 = if percent {
        hundredths(&cleaned)?.parse().ok()?
    } else {
        cleaned.parse().ok()?
    };
    v.is_finite().then_some(v)
}

/// Numeric text divided by 100 as text: `93.85` → `93.85e-2`, `9.385e1` →
/// `9.385e-1`, so that parsing it rounds once, from the exact decimal.
fn hundredths(number: &str) -> Option<String> {
    Some(match number.split_once(['e', 'E']) {
        Some((mantissa, exp)) => format!("{mantissa}e{}", exp.parse::<i32>().ok()?.checked_sub(2)?),
        None => format!("{number}e-2"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_cell_is_read_to_the_fifteen_digits_a_spreadsheet_shows() {
        assert_eq!(as_shown(0.1 + 0.2), 0.3);
        assert_eq!(as_shown(0.938_499_999_999_999_9), 0.9385);
        for typed in [
            0.9385,
            58805.0,
            1e12,
            -4.1,
            0.123_456_789_012_345,
            1e-300,
            0.0,
        ] {
            assert_eq!(as_shown(typed), typed);
        }
        assert!(as_shown(f64::NAN).is_nan());
    }

    #[test]
    fn a_text_percent_on_a_half_is_read_as_the_decimal_it_shows() {
        // 93.85 / 100 in floating point is 0.9384999999999999 (below the
        // half: it printed 93.8%); the text is 0.9385 exactly.
        assert_eq!(93.85f64 / 100.0, 0.938_499_999_999_999_9);
        assert_eq!(parse_number("93.85%"), Some(0.9385));
        assert_eq!(format!("{}", parse_number("93.85%").unwrap()), "0.9385");
        assert_eq!(parse_number("17.25%"), Some(0.1725));
        assert_eq!(parse_number("0.05%"), Some(0.0005));
    }

    #[test]
    fn numeric_text() {
        assert_eq!(parse_number("58,805"), Some(58805.0));
        assert_eq!(parse_number("1,234,567.5"), Some(1234567.5));
        assert_eq!(parse_number("84.5%"), Some(0.845));
        assert_eq!(parse_number("95%"), Some(0.95));
        assert_eq!(parse_number("-4.1 %"), Some(-0.041));
        assert_eq!(parse_number("1,234.5%"), Some(12.345));
        assert_eq!(parse_number("9.385e1%"), Some(0.9385));
        assert_eq!(parse_number("5e%"), None);
        assert_eq!(parse_number("%"), None);
        assert_eq!(parse_number(" -3 "), Some(-3.0));
        assert_eq!(parse_number("5,88,05"), None);
        assert_eq!(parse_number("12x"), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number(""), None);
    }
}
