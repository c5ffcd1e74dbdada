//! Cell helpers for the workbooks the tests write, standalone so that an
//! example can include it beside a workbook of `tests/common`
//! (`examples/make-cumbria.rs`).

use boardpack::methods::period::Month;
use boardpack::support::xlsx::{Value, WorkbookData};
use chrono::NaiveDate;

/// Text cell helper.
pub fn t(s: &str) -> Value {
    Value::from(s)
}

/// Number cell helper.
pub fn n(v: f64) -> Value {
    Value::Number(v)
}

/// Sets the `Report` sheet's `field` (its value, column B).
pub fn set_report(data: &mut WorkbookData, field: &str, value: Value) {
    let sheet = data.sheet_mut("Report").expect("a Report sheet");
    let row = sheet
        .rows
        .iter()
        .position(|r| r.first() == Some(&t(field)))
        .unwrap_or_else(|| panic!("Report has a field {field}"));
    sheet.set(row, 1, value);
}

/// The last day of each month from `first` to `last` (year, month), in order.
pub fn month_ends(first: (i32, u32), last: (i32, u32)) -> Vec<NaiveDate> {
    let (first, last) = (
        Month::new(first.0, first.1).unwrap(),
        Month::new(last.0, last.1).unwrap(),
    );
    (0..=first.months_until(last))
        .map(|k| {
            let m = first.plus(k);
            NaiveDate::from_ymd_opt(m.year, m.month, m.days()).unwrap()
        })
        .collect()
}
