//! Sheet `Monthly`, month-across (contract v2): `Indicator`, then a column
//! per month (headed by a real date, `2016-09`, `Sep-16`, `Sep 2016` …), one
//! row per count indicator; a proportion takes two rows, told apart by the
//! `Measure` column (`value`, `base`). A blank cell is a missing month. The
//! values are those the long form gives for the same data.

use std::collections::BTreeMap;

use crate::input::checks::Context;
use crate::input::contract::{Code, Kind, MonthlyValue};
use crate::input::package::RawSheets;
use crate::input::problem::{found, Location, Problem};
use crate::input::table::{norm, take, RowRef, Seen, Table};
use crate::methods::period::Month;

use super::{monthly_indicator, plausible, Read};

/// The headers of the form besides the months.
const KNOWN: [&str; 2] = ["Indicator", "Measure"];

/// True when the sheet is month-across: no `Month` column, and a header
/// that is a month.
pub(super) fn is_across(sheets: &RawSheets) -> bool {
    let mut ignored = Vec::new();
    let Some(mut table) = sheets.table("Monthly", &[], false, &mut ignored) else {
        return false;
    };
    !table.has("Month") && !table.month_columns(&KNOWN, &mut ignored).is_empty()
}

/// Which figure a row holds.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Measure {
    Value,
    Base,
}

/// One month's figures of one indicator, with the `Value` cell.
#[derive(Default)]
struct Cells {
    /// The figure, its cell, and whether the cell is percent-formatted.
    value: Option<(f64, Location, bool)>,
    base: Option<(f64, Location)>,
}

/// The values of a month-across sheet.
pub(super) fn parse(cx: &Context, problems: &mut Vec<Problem>) -> Vec<Read> {
    let Some(mut table) = cx.sheets.table("Monthly", &["Indicator"], true, problems) else {
        return Vec::new();
    };
    let months = table.month_columns(&KNOWN, problems);
    let mut seen = Seen::new();
    let mut figures: BTreeMap<Code, BTreeMap<Month, Cells>> = BTreeMap::new();
    let mut kinds = BTreeMap::new();
    for row in table.keyed_rows("Indicator", problems) {
        let Some((code, indicator)) = cx.indicators.reference(&row, problems) else {
            continue;
        };
        let Some(i) = monthly_indicator(&row, &code, indicator, problems) else {
            continue;
        };
        let Some(measure) = measure(&table, &row, i.kind, problems) else {
            continue;
        };
        let again = |first: &Location| {
            format!(
                "expected one row per indicator and measure, found {} again (first at {first})",
                found(&code)
            )
        };
        if !seen.once(
            (i.code.clone(), measure),
            &row,
            "Indicator",
            again,
            problems,
        ) {
            continue;
        }
        kinds.insert(i.code.clone(), i.kind);
        let series = figures.entry(i.code.clone()).or_default();
        for (month, key) in &months {
            let what = match measure {
                Measure::Value => "a count",
                Measure::Base => "the number of respondents",
            };
            let Some(Some(v)) = take(
                row.number(key)
                    .and_then(|v| non_negative(&row, key, v, what)),
                problems,
            ) else {
                continue;
            };
            let cells = series.entry(*month).or_default();
            match measure {
                Measure::Value => {
                    cells.value = Some((v, row.loc(key), row.is_percent_formatted(key)))
                }
                Measure::Base => cells.base = Some((v, row.loc(key))),
            }
        }
    }
    values(figures, &kinds, problems)
}

/// A number read is zero or more.
fn non_negative(
    row: &RowRef,
    key: &str,
    v: Option<f64>,
    what: &str,
) -> Result<Option<f64>, Problem> {
    match v {
        Some(n) if n < 0.0 => Err(row.error(
            key,
            format!(
                "expected {what} (zero or more), found {}",
                crate::input::table::fmt_number(n)
            ),
        )),
        _ => Ok(v),
    }
}

/// A row's measure: `value` for a count (the `Measure` cell may be empty);
/// `value` or `base` for a proportion.
fn measure(
    table: &Table,
    row: &RowRef,
    kind: Kind,
    problems: &mut Vec<Problem>,
) -> Option<Measure> {
    let text = match table.has("Measure") {
        true => norm(&take(row.text("Measure"), problems)?),
        false => String::new(),
    };
    match (text.as_str(), kind) {
        ("value", _) | ("", Kind::Count) => Some(Measure::Value),
        ("base", Kind::Proportion) => Some(Measure::Base),
        _ if !table.has("Measure") => {
            problems.push(row.error(
                "Indicator",
                "expected a Measure column (value or base) for a proportion's two rows, found none",
            ));
            None
        }
        (t, Kind::Proportion) => {
            problems.push(row.error(
                "Measure",
                format!(
                    "expected value or base for a proportion's row, found {}",
                    found(t)
                ),
            ));
            None
        }
        (t, _) => {
            problems.push(row.error(
                "Measure",
                format!(
                    "expected value (or an empty cell) for a count's row, found {}",
                    found(t)
                ),
            ));
            None
        }
    }
}

/// The month values, checked as the long form's are; a proportion's value
/// with no base in its month is an error at the value's cell.
fn values(
    figures: BTreeMap<Code, BTreeMap<Month, Cells>>,
    kinds: &BTreeMap<Code, Kind>,
    problems: &mut Vec<Problem>,
) -> Vec<Read> {
    let mut out = Vec::new();
    for (code, months) in figures {
        let kind = kinds[&code];
        for (month, cells) in months {
            let Some((v, at, percent)) = cells.value else {
                continue;
            };
            let base_at = cells.base.as_ref().map(|(_, at)| at.clone());
            let base = match kind {
                Kind::Proportion => match cells.base {
                    Some((b, _)) => Some(b),
                    None => {
                        problems.push(Problem::error(
                            at,
                            format!(
                                "expected the number of respondents for {} in its base row, found none",
                                month.long_label()
                            ),
                        ));
                        continue;
                    }
                },
                _ => None,
            };
            if let Some(value) = plausible(kind, (v, percent), base, &at, problems) {
                out.push(Read {
                    value: MonthlyValue {
                        indicator: code.clone(),
                        month,
                        value,
                        base,
                    },
                    at,
                    base_at: base.and(base_at),
                });
            }
        }
    }
    out
}
