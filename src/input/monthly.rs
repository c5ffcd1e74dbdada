//! Sheet `Monthly`: long format, one row per count or proportion indicator
//! and month → [`MonthlyValue`] values, sorted by indicator and month. A
//! proportion's `Value` (positive responses) is at most its `Base`.

use crate::input::checks::Context;
use crate::input::contract::{Code, Indicator, Kind, MonthlyValue};
use crate::input::package::Sheet;
use crate::input::problem::{found, Location, Problem};
use crate::input::table::{fmt_number, take, RowRef, MONTH};
use crate::methods::period::Month;

const SHEET: Sheet = Sheet::new("Monthly", &["Indicator", "Month", "Value"]);

/// The sheet's values, one per indicator and month.
pub(super) fn parse_monthly(cx: &Context, problems: &mut Vec<Problem>) -> Vec<MonthlyValue> {
    let mut out = cx.sheets.read_rows(&SHEET, true, problems, |row, seen, problems| {
        let (code, indicator) = cx.indicators.reference(row, problems)?;
        if let Some(i) = indicator.filter(|i| !i.kind.is_monthly()) {
            problems.push(row.error(
                "Indicator",
                format!(
                    "expected a count or proportion indicator (only they have monthly values), found {} which is a {} row",
                    found(&code),
                    i.kind
                ),
            ));
        }
        let (month, value, base) = read_figures(row, indicator, problems);
        let (month, i) = (month?, indicator?);
        let again = |first: &Location| {
            format!(
                "expected one row per indicator and month, found {} for {} again (first at {first})",
                found(&code),
                month.long_label()
            )
        };
        if !seen.once((Code::new(&code), month), row, "Month", again, problems) {
            return None;
        }
        let value = value.filter(|_| i.kind.is_monthly())?;
        Some(MonthlyValue {
            indicator: i.code.clone(),
            month,
            value,
            base,
        })
    });
    out.sort_by(|a, b| (&a.indicator, a.month).cmp(&(&b.indicator, b.month)));
    out
}

/// A row's month, value and (for a proportion) base.
fn read_figures(
    row: &RowRef,
    indicator: Option<&Indicator>,
    problems: &mut Vec<Problem>,
) -> (Option<Month>, Option<f64>, Option<f64>) {
    let month = match take(row.month("Month"), problems) {
        Some(Some(m)) => Some(m),
        Some(None) => {
            problems.push(row.empty("Month", MONTH));
            None
        }
        None => None,
    };
    let value = take(row.count("Value", "a count"), problems);
    let is_prop = indicator.is_some_and(|i| i.kind == Kind::Proportion);
    let base = if is_prop {
        take(row.count("Base", "the number of respondents"), problems)
    } else {
        take(row.number("Base"), problems).flatten()
    };
    if let (Some(v), Some(b), true) = (value, base, is_prop) {
        if v > b {
            problems.push(row.error(
                "Value",
                format!(
                    "expected at most the Base ({}) positive responses, found {}",
                    fmt_number(b),
                    fmt_number(v)
                ),
            ));
        }
    }
    (month, value, base.filter(|_| is_prop))
}
