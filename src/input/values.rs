//! Sheet `Values` (optional): figures that do not come from a monthly series
//! → [`ValueEntry`] values, each a [`Given`] read according to its column and
//! its indicator's kind. One entry per indicator and column.

use crate::input::checks::Context;
use crate::input::contract::{Code, Column, Given, Indicator, Kind, ValueEntry};
use crate::input::package::Sheet;
use crate::input::problem::{Location, Problem};
use crate::input::table::{fmt_number, keyword, take, RowRef, Seen};
use crate::input::text;

const SHEET: Sheet = Sheet::new("Values", &["Indicator", "Column", "Value"]);

/// The sheet's entries, one per indicator and column.
pub(super) fn parse_values(cx: &Context, problems: &mut Vec<Problem>) -> Vec<ValueEntry> {
    cx.sheets
        .read_rows(&SHEET, false, problems, |row, seen, problems| {
            read_value(cx, row, seen, problems)
        })
}

/// One row; a repeated indicator and column is an error at its `Column` cell.
fn read_value(
    cx: &Context,
    row: &RowRef,
    seen: &mut Seen<(Code, Column)>,
    problems: &mut Vec<Problem>,
) -> Option<ValueEntry> {
    let (_, indicator) = cx.indicators.reference(row, problems)?;
    let column = keyword::<Column>(row, "Column", problems);
    let value = given(row, column, indicator, problems);
    let base = take(row.number("Base"), problems).flatten();
    if let Some(b) = base {
        check_base(row, b, value.as_ref(), problems);
    }
    let note = take(row.optional_limited("Note", text::NOTE), problems).flatten();
    let (i, column) = (indicator?, column?);
    let key = (i.code.clone(), column);
    let again = |first: &Location| {
        format!(
            "expected one entry per indicator and column, found {} {} again (first at {first})",
            i.code,
            column.name(),
        )
    };
    if seen.repeated(&key, row, "Column", again, problems) {
        return None;
    }
    let value = value?;
    seen.insert(key, row.loc("Value"));
    Some(ValueEntry {
        indicator: i.code.clone(),
        column,
        value,
        base,
        note,
        note_location: row.loc("Note"),
        location: row.loc("Value"),
    })
}

/// A `Base` is a number of respondents, and a figure is at most it.
fn check_base(row: &RowRef, base: f64, value: Option<&Given>, problems: &mut Vec<Problem>) {
    if base <= 0.0 {
        problems.push(row.error(
            "Base",
            format!(
                "expected the number of respondents (more than zero), found {}",
                fmt_number(base)
            ),
        ));
    } else if let Some(Given::Number(v) | Given::Percent(v)) = value {
        let positives = if *v <= 1.0 { v * base } else { *v };
        if positives > base + 1e-9 || *v < 0.0 {
            problems.push(row.error(
                "Value",
                format!(
                    "expected at most the Base ({}), found {}",
                    fmt_number(base),
                    fmt_number(*v)
                ),
            ));
        }
    }
}

/// Reads a `Values` figure according to its column and indicator.
fn given(
    row: &RowRef,
    column: Option<Column>,
    indicator: Option<&Indicator>,
    problems: &mut Vec<Problem>,
) -> Option<Given> {
    let text = take(
        row.value_text("Value", "a figure (a number or a percent), NA or text"),
        problems,
    )?;
    if text.eq_ignore_ascii_case("NA") || text.eq_ignore_ascii_case("N/A") {
        return Some(Given::NotAvailable);
    }
    if text.is_empty() {
        return Some(Given::Blank);
    }
    if column == Some(Column::Assessment) {
        return Some(Given::Text(text));
    }
    let n = take(row.number("Value"), problems).flatten()?;
    let kind = indicator.map(|i| i.kind);
    let var = column == Some(Column::Var);
    if (var || kind == Some(Kind::Proportion)) && n.abs() > 1.0 && !row.is_percent("Value") {
        problems.push(row.error("Value", not_a_percent(n, var, kind)));
        return None;
    }
    if var {
        return Some(Given::Percent(n));
    }
    // A count's floating-point residue (4951.999999999999) is the count.
    let n = match kind {
        Some(Kind::Count) => super::monthly::whole(n),
        _ => n,
    };
    let expected = match kind {
        Some(Kind::Proportion) if !(0.0..=1.0).contains(&n) => {
            "a percent for a proportion (84.5% or 0.845)"
        }
        Some(Kind::Count) if n < 0.0 => "a count (zero or more)",
        Some(Kind::Count) if n > 1.0 && n.fract() != 0.0 && column != Some(Column::Projection) => {
            problems.push(row.error("Value", super::monthly::not_whole(n)));
            return None;
        }
        Some(Kind::Rank) if n < 1.0 || n.fract() != 0.0 => "a position (1, 2, 3 …)",
        _ => {
            return Some(if row.is_percent("Value") {
                Given::Percent(n)
            } else {
                Given::Number(n)
            });
        }
    };
    problems.push(row.not_a("Value", expected));
    None
}

/// The error for a plain number above 1 where a percent is meant (contract
/// v3): a plain number is read as a share, so `-59` typed for -59% would
/// print as -5900% (a proportion's change `-4.1` as -410.0pp); the message
/// says what it would print and how to type it.
fn not_a_percent(n: f64, var: bool, kind: Option<Kind>) -> String {
    let hundred = n * 100.0;
    let (expected, prints) = match (var, kind) {
        (true, Some(Kind::Proportion)) => (
            "the change in percentage points as a percent (-4.1% or -0.041)",
            format!("{hundred:+.1}pp"),
        ),
        (true, _) => (
            "the change as a percent (-59% or -0.59)",
            format!("{hundred:+.0}%"),
        ),
        (false, _) => (
            "a percent for a proportion (84.5% or 0.845)",
            format!("{hundred:.1}%"),
        ),
    };
    format!(
        "expected {expected}, found the number {} (a plain number, not a percent: it would print as {prints}); type it as {}%",
        fmt_number(n),
        fmt_number(n)
    )
}
