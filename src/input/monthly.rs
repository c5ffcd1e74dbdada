//! Sheet `Monthly` → [`MonthlyValue`] values, sorted by indicator and month,
//! from either form of the sheet: long (one row per indicator and month,
//! columns `Indicator`, `Month`, `Value`, `Base`) or month-across (one row
//! per indicator, a column per month; [`across`]). Both give the same
//! values. The plausibility checks of contract v2 are made here, for both:
//! a count is whole, a proportion's `Value` is a number of responses (not a
//! rate) and at most its `Base`, and a month far off its series' median is
//! warned of.

use calamine::Data;

use crate::input::checks::Context;
use crate::input::contract::{Code, Indicator, Kind, MonthlyValue};
use crate::input::package::Sheet;
use crate::input::problem::{found, Location, Problem};
use crate::input::table::{fmt_number, take, RowRef, MONTH};
use crate::methods::period::Month;

#[path = "monthly_across.rs"]
mod across;

const SHEET: Sheet = Sheet::new("Monthly", &["Indicator", "Month", "Value"]);

/// How far off its series' median a month may be before it is warned of.
const OFF_MEDIAN: f64 = 5.0;

/// A value read, with its `Value` cell for the checks made once all are read.
pub(super) struct Read {
    pub(super) value: MonthlyValue,
    pub(super) at: Location,
    /// A survey's `Base` cell.
    pub(super) base_at: Option<Location>,
}

/// The sheet's values, one per indicator and month.
pub(super) fn parse_monthly(cx: &Context, problems: &mut Vec<Problem>) -> Vec<MonthlyValue> {
    let mut read = match across::is_across(cx.sheets) {
        true => across::parse(cx, problems),
        false => parse_long(cx, problems),
    };
    read.sort_by(|a, b| {
        (&a.value.indicator, a.value.month).cmp(&(&b.value.indicator, b.value.month))
    });
    warn_off_median(&read, problems);
    read.into_iter().map(|r| r.value).collect()
}

/// The long form: one row per indicator and month.
fn parse_long(cx: &Context, problems: &mut Vec<Problem>) -> Vec<Read> {
    cx.sheets.read_rows(&SHEET, true, problems, |row, seen, problems| {
        let (code, indicator) = cx.indicators.reference(row, problems)?;
        let indicator = monthly_indicator(row, &code, indicator, problems);
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
        Some(Read {
            value: MonthlyValue {
                indicator: i.code.clone(),
                month,
                value: value?,
                base,
            },
            at: row.loc("Value"),
            base_at: base.map(|_| row.loc("Base")),
        })
    })
}

/// The indicator a row names, if it has monthly values: a rank, spc or
/// assessment row is an error at the `Indicator` cell.
pub(super) fn monthly_indicator<'a>(
    row: &RowRef,
    code: &str,
    indicator: Option<&'a Indicator>,
    problems: &mut Vec<Problem>,
) -> Option<&'a Indicator> {
    if let Some(i) = indicator.filter(|i| !i.kind.is_monthly()) {
        problems.push(row.error(
            "Indicator",
            format!(
                "expected a count or proportion indicator (only they have monthly values), found {} which is a {} row",
                found(code),
                i.kind
            ),
        ));
        return None;
    }
    indicator
}

/// A long row's month, value and (for a proportion) base.
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
    let value = take(
        row.count("Value", "a count").map_err(|p| no_figure(row, p)),
        problems,
    );
    let is_prop = indicator.is_some_and(|i| i.kind == Kind::Proportion);
    let base = if is_prop {
        take(row.count("Base", "the number of respondents"), problems)
    } else {
        take(row.number("Base"), problems).flatten()
    };
    let value = match (value, indicator) {
        (Some(v), Some(i)) => {
            let percent = row.is_percent_formatted("Value");
            plausible(i.kind, (v, percent), base, &row.loc("Value"), problems)
        }
        _ => value,
    };
    (month, value, base.filter(|_| is_prop))
}

/// What a month with no figure is: no row. A `Value` cell left empty or
/// holding a "no data" mark (`-`, `n/a`, `NA`, `n/k`, `..`) gets the remedy
/// appended to its error `p`.
fn no_figure(row: &RowRef, mut p: Problem) -> Problem {
    const MARKS: [&str; 12] = [
        "", "-", "–", "—", "n/a", "na", "n/k", "nk", "..", ".", "x", "tbc",
    ];
    let no_data = match row.cell("Value") {
        Data::Empty => true,
        Data::String(s) => MARKS.contains(&s.trim().to_lowercase().as_str()),
        _ => false,
    };
    if no_data {
        p.message.push_str(
            ": a month with no figure has no row in Monthly (delete the row; the pack marks the gap), \
             and a printed figure that is not available is NA in Values",
        );
    }
    p
}

/// The plausibility checks of one month's figures, each an error at the
/// `Value` cell: a count is whole (`6.012` pasted for six thousand and
/// twelve); a proportion's value is a number of responses, not a rate
/// (`84%` of a Base over 1: a fraction, or a percent-formatted cell, 100%
/// included), and at most its Base. `value` is the figure and whether its
/// cell is percent-formatted. The value when it passes.
pub(super) fn plausible(
    kind: Kind,
    (value, formatted): (f64, bool),
    base: Option<f64>,
    at: &Location,
    problems: &mut Vec<Problem>,
) -> Option<f64> {
    let value = match kind {
        Kind::Count => whole(value),
        _ => value,
    };
    let v = fmt_number(value);
    let rate = value > 0.0 && (value < 1.0 || (formatted && value <= 1.0));
    let message = match (kind, base) {
        (Kind::Count, _) if value.fract() != 0.0 => not_whole(value),
        (Kind::Proportion, Some(b)) if b > 1.0 && rate => format!(
            "expected the number of positive responses (Value is a count, not a rate), found {v}; for a rate of {} of {} respondents type {}",
            percent(value),
            fmt_number(b),
            fmt_number((value * b).round())
        ),
        (Kind::Proportion, Some(b)) if value > b => format!(
            "expected at most the Base ({}) positive responses, found {v}",
            fmt_number(b)
        ),
        _ => return Some(value),
    };
    problems.push(Problem::error(at.clone(), message));
    None
}

/// How far from a whole number a count may be and still be it: a
/// formula's floating-point residue (`4951.999999999999` for a cell that
/// shows 4952), never a typed fraction.
pub const WHOLE_TOLERANCE: f64 = 1e-9;

/// A count within [`WHOLE_TOLERANCE`] of a whole number is that number.
pub(super) fn whole(value: f64) -> f64 {
    let r = value.round();
    match (value - r).abs() <= WHOLE_TOLERANCE {
        true => r,
        false => value,
    }
}

/// The error for a count that is not whole: a pasted `6.012` is most often
/// six thousand and twelve from an export that groups thousands with points,
/// so the hint is given only for a point followed by three digits.
pub(super) fn not_whole(value: f64) -> String {
    let v = fmt_number(value);
    let thousands = v.split_once('.').is_some_and(|(_, f)| f.len() == 3);
    match value > 1.0 && thousands {
        true => format!(
            "expected a whole count, found {v} (if it means {} thousand and more, type it without the point)",
            value.trunc()
        ),
        false => format!("expected a whole count, found {v}"),
    }
}

/// A proportion as a percent, for a message (`0.84` → `84%`).
fn percent(p: f64) -> String {
    format!("{}%", fmt_number((p * 1000.0).round() / 10.0))
}

/// Warns of each month more than [`OFF_MEDIAN`] times, or less than a
/// [`OFF_MEDIAN`]th of, its series' median (a zero median aside): a slip
/// such as a pasted thousand separator, or a month keyed twice; and the
/// same of a survey's `Base` against the median `Base` of its series (an
/// extra zero in a base prints a wrong rate, contract v3). `read` is sorted
/// by indicator.
fn warn_off_median(read: &[Read], problems: &mut Vec<Problem>) {
    for series in read.chunk_by(|a, b| a.value.indicator == b.value.indicator) {
        let values = series.iter().map(|r| (r.value.value, &r.at, r.value.month));
        for (at, month, v, median) in off_median(values) {
            let code = &series[0].value.indicator;
            problems.push(Problem::warning(
                at.clone(),
                format!(
                    "{code} for {} is {}, {} the median of its months ({}): check it is not a slip",
                    month.long_label(),
                    fmt_number(v),
                    how_far(v, median),
                    fmt_number(median)
                ),
            ));
        }
        let bases = series
            .iter()
            .filter_map(|r| Some((r.value.base?, r.base_at.as_ref()?, r.value.month)));
        for (at, month, v, median) in off_median(bases) {
            let code = &series[0].value.indicator;
            problems.push(Problem::warning(
                at.clone(),
                format!(
                    "the Base of {code} for {} is {}, {} the median Base of its months ({}): check it is not a slip (an extra or a missing digit in a base prints a wrong rate)",
                    month.long_label(),
                    fmt_number(v),
                    how_far(v, median),
                    fmt_number(median)
                ),
            ));
        }
    }
}

/// `more than 5 times` or `less than a fifth of`, as `v` lies from `median`.
pub(super) fn how_far(v: f64, median: f64) -> &'static str {
    match v > median {
        true => "more than 5 times",
        false => "less than a fifth of",
    }
}

/// The figures of one series (figure, cell, month) more than
/// [`OFF_MEDIAN`] times, or less than a [`OFF_MEDIAN`]th of, the series'
/// median, each with that median. A series of fewer than 3 figures, or
/// whose median is zero, has none.
pub(super) fn off_median<'l, T: Copy>(
    figures: impl Iterator<Item = (f64, &'l Location, T)>,
) -> Vec<(&'l Location, T, f64, f64)> {
    let figures: Vec<_> = figures.collect();
    let mut values: Vec<f64> = figures.iter().map(|f| f.0).collect();
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n < 3 {
        return Vec::new();
    }
    let median = match n % 2 {
        1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    };
    if median == 0.0 {
        return Vec::new();
    }
    figures
        .into_iter()
        .filter(|&(v, _, _)| match v > median {
            true => v > median * OFF_MEDIAN,
            false => v * OFF_MEDIAN < median,
        })
        .map(|(v, at, t)| (at, t, v, median))
        .collect()
}
