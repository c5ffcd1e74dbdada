//! `boardpack next`: next quarter's workbook from this quarter's. Every sheet
//! is kept as it is, the `Report` period moves on, and a `Review` sheet
//! lists what the analyst must look at before the new pack can be trusted:
//! notes with dates in them, narratives, `Values` entries that the new period
//! makes stale, and months now missing from each series. The source
//! workbook is never modified.
//!
//! Enters: the workbook's bytes (already checked) and the new period end.
//! Leaves: the new workbook as [`WorkbookData`].

use calamine::{Data, DataType, Reader};
use chrono::NaiveDate;

use crate::input::{Column, Kind, Workbook};
use crate::methods::period::{Month, Window};
use crate::support::xlsx::{SheetData, Value, WorkbookData};

/// Why the next workbook could not be made.
#[derive(Debug, thiserror::Error)]
pub enum NextError {
    #[error("the workbook cannot be read again: {0}")]
    Read(String),
    #[error("--period-end {new} is not after the workbook's period end {old}: the next workbook moves the period on")]
    NotLater { old: NaiveDate, new: NaiveDate },
    #[error("the sheet name \"{0}\" is longer than the 31 characters an Excel workbook allows: rename the sheet (right-click its tab, Rename) and run next again")]
    SheetName(String),
}

/// The next period's workbook.
pub fn next(bytes: &[u8], w: &Workbook, period_end: NaiveDate) -> Result<WorkbookData, NextError> {
    if period_end <= w.report.period_end {
        return Err(NextError::NotLater {
            old: w.report.period_end,
            new: period_end,
        });
    }
    let mut book = read_sheets(bytes)?;
    if let Some(report) = book.sheet_mut("Report") {
        move_period(report, period_end);
    }
    let mut review = review(&book, w, period_end);
    for (sheet, n) in ods_formulas(bytes) {
        review.row(vec![
            Value::Text(sheet),
            Value::Text(crate::input::problem::plural(n, "formula")),
            Value::Text("an .ods formula is written as its value (OpenDocument formulas are not Excel's): type it again if it should still calculate".into()),
        ]);
    }
    book.remove_sheet("Review");
    book.sheets.push(review);
    Ok(book)
}

/// How many formulas each sheet of an `.ods` holds (none for an `.xlsx`,
/// whose formulas `next` keeps).
fn ods_formulas(bytes: &[u8]) -> Vec<(String, usize)> {
    let Ok(calamine::Sheets::Ods(mut ods)) = crate::input::open_calamine(bytes) else {
        return Vec::new();
    };
    ods.sheet_names()
        .into_iter()
        .filter_map(|name| {
            let f = ods.worksheet_formula(&name).ok()?;
            let n = f.used_cells().filter(|(_, _, t)| !t.is_empty()).count();
            (n > 0).then_some((name, n))
        })
        .collect()
}

/// Every sheet's cells as values, in workbook order.
fn read_sheets(bytes: &[u8]) -> Result<WorkbookData, NextError> {
    let read = |e: calamine::Error| NextError::Read(e.to_string());
    let mut sheets = crate::input::open_calamine(bytes).map_err(read)?;
    let mut book = WorkbookData::default();
    // A sheet hidden in the workbook stays hidden in the next one (the
    // drop-downs' lists, a sheet of the analyst's own notes): shown, it
    // would travel with a workbook that is mailed and shared.
    let hidden: Vec<String> = sheets
        .sheets_metadata()
        .iter()
        .filter(|s| s.visible != calamine::SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect();
    // The cells in a percent format stay percents (`-59%`, not -0.59).
    let raw = crate::input::package::RawSheets::open(bytes).ok();
    // And the drop-down lists (`init`'s Kind, Layout, Polarity …) stay.
    let mut lists = crate::input::list_validations(bytes);
    // And how the cells look: number formats (`mmm-yy` months, `#,##0`
    // counts), fonts, fills, borders, column widths, row heights, frozen
    // header rows.
    let mut looks = crate::input::sheet_styles(bytes);
    for name in sheets.sheet_names() {
        if name.chars().count() > 31 {
            return Err(NextError::SheetName(name));
        }
        let percent = raw
            .as_ref()
            .map(|r| r.percent_cells(&name))
            .unwrap_or_default();
        let range = sheets.worksheet_range(&name).map_err(read)?;
        // An `.xlsx`'s formulas stay formulas, with their saved results
        // (an `.ods` formula is in OpenFormula, not Excel's syntax: its
        // value is kept, and the Review sheet says so).
        let formulas = match &mut sheets {
            calamine::Sheets::Xlsx(x) => x.worksheet_formula(&name).ok(),
            _ => None,
        };
        let mut sheet = SheetData::new(&name, &[]);
        sheet.hidden = hidden.contains(&name);
        sheet.validations = lists
            .remove(&name)
            .unwrap_or_default()
            .into_iter()
            .map(|v| crate::support::xlsx::Validation {
                column: v.column,
                source: v.source,
                prompt: v.prompt,
                suggest_only: !v.show_error,
            })
            .collect();
        sheet.look = looks.remove(&name).unwrap_or_default();
        sheet.rows.clear();
        if let Some((r0, c0)) = range.start() {
            for (r, row) in range.rows().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let at = (r0 + r as u32, c0 + c as u32);
                    let value = match value_of(cell) {
                        Value::Number(n) if percent.contains(&at) => Value::Percent(n),
                        value => value,
                    };
                    if value != Value::Empty {
                        sheet.set(r0 as usize + r, c0 as usize + c, value);
                    }
                }
            }
        }
        if let Some(f) = formulas {
            for (r, c, formula) in f.used_cells() {
                if formula.trim().is_empty() {
                    continue;
                }
                let (r0, c0) = f.start().unwrap_or((0, 0));
                let (r, c) = (r0 as usize + r, c0 as usize + c);
                let result = sheet
                    .rows
                    .get(r)
                    .and_then(|row| row.get(c))
                    .cloned()
                    .unwrap_or(Value::Empty);
                let result = Box::new(result);
                let formula = formula.clone();
                sheet.set(r, c, Value::Computed { formula, result });
            }
        }
        book.sheets.push(sheet);
    }
    Ok(book)
}

fn value_of(cell: &Data) -> Value {
    match cell {
        Data::Empty => Value::Empty,
        // An `.ods` date (`2015-12-31`, or with a time) stays a date.
        Data::DateTimeIso(s) => NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d")
            .map(Value::Date)
            .unwrap_or_else(|_| Value::Text(s.clone())),
        Data::String(s) | Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Float(f) => Value::Number(*f),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Bool(b) => Value::Text(if *b { "TRUE" } else { "FALSE" }.into()),
        Data::DateTime(_) => cell.as_date().map(Value::Date).unwrap_or(Value::Empty),
        Data::Error(e) => Value::Error(format!("{e}")),
    }
}

/// Sets `Report.period_end` to the new date.
fn move_period(report: &mut SheetData, period_end: NaiveDate) {
    let (Some(field), Some(value)) = (report.col("Field"), report.col("Value")) else {
        return;
    };
    let at = report.rows.iter().position(|row| {
        matches!(row.get(field), Some(Value::Text(t)) if t.trim().eq_ignore_ascii_case("period_end"))
    });
    if let Some(r) = at {
        report.set(r, value, Value::Date(period_end));
    }
}

/// The cell `A1` name of a 0-based row and column.
fn cell(sheet: &str, row: usize, col: usize) -> String {
    let mut letters = String::new();
    let mut c = col + 1;
    while c > 0 {
        letters.insert(0, (b'A' + ((c - 1) % 26) as u8) as char);
        c = (c - 1) / 26;
    }
    format!("{sheet}!{letters}{}", row + 1)
}

/// True when a text names a date, month, quarter or year (`year to Jun 16`,
/// `Q2 2016/17`, `31/12/2015`, `2015`), which a new period may make stale.
pub fn mentions_a_date(text: &str) -> bool {
    let lower = text.to_lowercase();
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '/')
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().any(|w| {
        let year = w.len() == 4
            && (w.starts_with("19") || w.starts_with("20"))
            && w.chars().all(|c| c.is_ascii_digit());
        let quarter =
            w.len() == 2 && w.starts_with('q') && matches!(&w[1..], "1" | "2" | "3" | "4");
        let month = months.iter().any(|m| w.starts_with(m) && w.len() <= 9);
        let slashed = w.contains('/') && w.chars().any(|c| c.is_ascii_digit());
        year || quarter || month || slashed
    })
}

/// The `Review` sheet: what to look at, cell by cell.
fn review(book: &WorkbookData, w: &Workbook, period_end: NaiveDate) -> SheetData {
    let mut out = SheetData::new("Review", &["Cell", "What to look at", "Why"]);
    out.fit_to_page = true;
    let mut add = |place: String, what: String, why: &str| {
        out.row(vec![
            Value::Text(place),
            Value::Text(what),
            Value::Text(why.into()),
        ]);
    };
    for (sheet, column) in [
        ("Values", "Note"),
        ("Indicators", "Note"),
        ("Priorities", "Note"),
        ("Footnotes", "Text"),
    ] {
        for (place, text) in texts(book, sheet, column) {
            if mentions_a_date(&text) {
                add(
                    place,
                    text,
                    "a note with a date in it: is it still the right period?",
                );
            }
        }
    }
    for (place, text) in texts(book, "Narrative", "Text") {
        add(place, text, "narrative: still true for the new period?");
    }
    for (place, what) in stale_values(book) {
        add(
            place,
            what,
            "a figure for the old period: update it or delete the row",
        );
    }
    // The period's figures kept outside `Monthly`: the peers' counts (the
    // Position v MSG rank is computed from them) and the savings.
    for (place, what) in rows_of(book, "Peers", &["Indicator", "Force"], "Value") {
        add(
            place,
            what,
            "a peer force's count for the latest 12 months: update it for the new period (the rank is computed from it)",
        );
    }
    for (place, what) in rows_of(book, "Savings", &["Item"], "Amount") {
        add(place, what, "savings: update the amount for the new period");
    }
    let month = Month::new(
        chrono::Datelike::year(&period_end),
        chrono::Datelike::month(&period_end),
    )
    .expect("a date's month");
    for (code, missing) in missing_months(w, month) {
        add(
            "Monthly".into(),
            format!("{code}: {missing}"),
            "months the new period needs: add them",
        );
    }
    out
}

/// The non-empty cells of one column of a sheet, with their places.
fn texts(book: &WorkbookData, sheet: &str, column: &str) -> Vec<(String, String)> {
    let Some(s) = book.sheet(sheet) else {
        return Vec::new();
    };
    let Some(c) = s.col(column) else {
        return Vec::new();
    };
    s.rows
        .iter()
        .enumerate()
        .skip(1)
        .filter_map(|(r, row)| match row.get(c) {
            Some(Value::Text(t)) if !t.trim().is_empty() => Some((cell(&s.name, r, c), t.clone())),
            // A note the program turned into a date (`Dec-15` typed).
            Some(Value::Date(d)) => Some((cell(&s.name, r, c), d.to_string())),
            _ => None,
        })
        .collect()
}

/// Each row of `sheet` that has a `value` cell: that cell's place, and the
/// row's `label` cells with the value (`SP11.offences Leicestershire: 59653`).
fn rows_of(book: &WorkbookData, sheet: &str, label: &[&str], value: &str) -> Vec<(String, String)> {
    let Some(s) = book.sheet(sheet) else {
        return Vec::new();
    };
    let Some(vc) = s.col(value) else {
        return Vec::new();
    };
    let labels: Vec<usize> = label.iter().filter_map(|l| s.col(l)).collect();
    let text = |v: Option<&Value>| match v {
        Some(Value::Text(t)) => t.trim().to_string(),
        Some(Value::Number(n)) => format!("{n}"),
        Some(Value::Date(d)) => d.to_string(),
        _ => String::new(),
    };
    s.rows
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, row)| !text(row.get(vc)).is_empty())
        .map(|(r, row)| {
            let name: Vec<String> = labels.iter().map(|&c| text(row.get(c))).collect();
            (
                cell(&s.name, r, vc),
                format!("{}: {}", name.join(" "), text(row.get(vc))),
            )
        })
        .collect()
}

/// `Values` rows for a window that moves with the period.
fn stale_values(book: &WorkbookData) -> Vec<(String, String)> {
    let Some(s) = book.sheet("Values") else {
        return Vec::new();
    };
    let (Some(ic), Some(cc), Some(vc)) = (s.col("Indicator"), s.col("Column"), s.col("Value"))
    else {
        return Vec::new();
    };
    let moving = [Column::Latest, Column::Ytd, Column::Lytd, Column::Var];
    s.rows
        .iter()
        .enumerate()
        .skip(1)
        .filter_map(|(r, row)| {
            let Some(Value::Text(column)) = row.get(cc) else {
                return None;
            };
            let moves = moving
                .iter()
                .any(|m| m.name().eq_ignore_ascii_case(column.trim()));
            let code = match row.get(ic) {
                Some(Value::Text(t)) => t.clone(),
                _ => String::new(),
            };
            moves.then(|| (cell(&s.name, r, vc), format!("{code} {}", column.trim())))
        })
        .collect()
}

/// Each monthly indicator's months of the new latest year that the
/// workbook does not have yet.
fn missing_months(w: &Workbook, month: Month) -> Vec<(String, String)> {
    let window = Window {
        first: month.plus(-11),
        last: month,
    };
    let mut out = Vec::new();
    for ind in w
        .indicators
        .iter()
        .filter(|i| matches!(i.kind, Kind::Count | Kind::Proportion))
    {
        let have: Vec<Month> = w
            .monthly
            .iter()
            .filter(|m| m.indicator == ind.code)
            .map(|m| m.month)
            .collect();
        if have.is_empty() {
            continue;
        }
        let missing: Vec<Month> = window.months().filter(|m| !have.contains(m)).collect();
        if !missing.is_empty() {
            out.push((ind.code.to_string(), month_runs(&missing)));
        }
    }
    out
}

/// Months in order as their runs (`Nov 2016, Jul 2017 to Sep 2017 (4
/// months)`): one span from the first to the last read as every month
/// between them missing.
fn month_runs(months: &[Month]) -> String {
    let mut runs: Vec<(Month, Month)> = Vec::new();
    for &m in months {
        match runs.last_mut() {
            Some((_, last)) if last.plus(1) == m => *last = m,
            _ => runs.push((m, m)),
        }
    }
    let spans: Vec<String> = runs
        .iter()
        .map(|(first, last)| {
            if first == last {
                first.short_label()
            } else {
                format!("{} to {}", first.short_label(), last.short_label())
            }
        })
        .collect();
    if months.len() == 1 {
        spans.join(", ")
    } else {
        format!("{} ({} months)", spans.join(", "), months.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Review sheet said `Nov 2016 to Sep 2017 (4 months)` for Nov 2016
    /// and Jul–Sep 2017, which reads as eleven months missing.
    #[test]
    fn missing_months_are_said_as_their_runs() {
        let m = |y, mo| Month::new(y, mo).unwrap();
        assert_eq!(
            month_runs(&[m(2016, 11), m(2017, 7), m(2017, 8), m(2017, 9)]),
            "Nov 2016, Jul 2017 to Sep 2017 (4 months)"
        );
        assert_eq!(
            month_runs(&[m(2016, 12), m(2017, 1)]),
            "Dec 2016 to Jan 2017 (2 months)"
        );
        assert_eq!(month_runs(&[m(2017, 2)]), "Feb 2017");
    }

    #[test]
    fn dated_notes_are_recognised() {
        for t in [
            "CSEW year to Jun 16",
            "Q2 2016/17",
            "as at 31/12/2015",
            "December 2015",
            "since 2014",
        ] {
            assert!(mentions_a_date(t), "{t}");
        }
        assert!(!mentions_a_date(
            "Please see performance report for SP2 details."
        ));
        assert!(!mentions_a_date("all violent crime"));
        assert_eq!(cell("Values", 0, 27), "Values!AB1");
    }
}
