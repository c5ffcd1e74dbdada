//! Projections: a straight line fitted to the unbroken run of months ending
//! at the reporting month, carried through the projection year.
//!
//! Enters: an indicator's monthly values and the projection year. Leaves:
//! the table's projection cell (or the `Values` figure that replaces it)
//! and the appendix chart's [`ProjectionRecord`]. A count is floored at 0;
//! a proportion is fitted on the logit scale (methods v2); a projection year
//! already over by the reporting month is not projected.

use std::collections::BTreeMap;

use crate::compute::context::{Diagnostics, Inputs, Memo};
use crate::compute::figures::{given_cell, Fig};
use crate::compute::records::{Cell, ProjectionRecord};
use crate::compute::wording::{self, count_text, percent_text};
use crate::input::{Column, Indicator, Kind};
use crate::methods::period::{Month, Window};
use crate::methods::projection::{empirical_logit, expit, Fit, Interval, MAX_MONTHS, MIN_MONTHS};

/// A projection: the projection year's total (mean for a proportion) with
/// its 95% prediction interval, the first fitted month and the line.
pub(super) type Projected = (Interval, Month, Fit);

/// The projection of an indicator, computed once per indicator.
pub(super) fn projection(
    inputs: &Inputs,
    memo: &mut Memo,
    diag: &mut Diagnostics,
    ind: &Indicator,
) -> Option<Projected> {
    *memo
        .projection
        .entry(ind.code.clone())
        .or_insert_with(|| project(inputs, diag, ind))
}

/// The unbroken run of values ending at `last`, at most [`MAX_MONTHS`], oldest first.
fn fitted_run(values: &BTreeMap<Month, f64>, last: Month) -> Vec<f64> {
    let mut fitted = Vec::new();
    let mut month = last;
    while fitted.len() < MAX_MONTHS {
        match values.get(&month) {
            Some(v) => fitted.push(*v),
            None => break,
        }
        month = month.plus(-1);
    }
    fitted.reverse();
    fitted
}

/// Whether the projection year has ended by the reporting month (then
/// nothing is projected; `compute` warns once).
pub(super) fn year_over(inputs: &Inputs) -> bool {
    inputs
        .windows
        .projection
        .is_some_and(|year| year.last <= inputs.windows.month)
}

/// The values the line is fitted to, up to `m`: a count's months, or the
/// logit of a proportion's monthly rates.
fn fitted_values(inputs: &Inputs, ind: &Indicator, m: Month) -> BTreeMap<Month, f64> {
    let Some(series) = inputs.series(ind) else {
        return BTreeMap::new();
    };
    series
        .range(..=m)
        .filter_map(|(mo, (v, b))| match ind.kind {
            Kind::Proportion => empirical_logit(*v, (*b)?).map(|y| (*mo, y)),
            _ => Some((*mo, *v)),
        })
        .collect()
}

fn project(inputs: &Inputs, diag: &mut Diagnostics, ind: &Indicator) -> Option<Projected> {
    let year = inputs.windows.projection?;
    if year_over(inputs) {
        return None;
    }
    let m = inputs.windows.month;
    let values = fitted_values(inputs, ind, m);
    let fitted = fitted_run(&values, m);
    if fitted.len() < MIN_MONTHS {
        diag.log(wording::projection_too_short(
            ind.code.as_str(),
            m,
            fitted.len(),
        ));
        diag.left_out(ind.code.as_str(), "the projection");
        return None;
    }
    let first = m.plus(-(fitted.len() as i64 - 1));
    let fit = Fit::new(&fitted)?;
    let xs: Vec<f64> = year
        .months()
        .map(|mo| first.months_until(mo) as f64)
        .collect();
    let interval = match ind.kind {
        Kind::Proportion => fit.logit_mean(&xs, 0.95),
        _ => fit.total(&xs, 0.95).floor(0.0),
    };
    Some((interval, first, fit))
}

/// The projection cell: given in `Values` (logged), else projected.
pub(super) fn projection_cell(
    inputs: &Inputs,
    memo: &mut Memo,
    diag: &mut Diagnostics,
    ind: &Indicator,
) -> Option<Cell> {
    if let Some(v) = inputs.given(ind, Column::Projection) {
        let cell = Fig::given(v, ind.kind).cell();
        return given_cell(diag, ind, Column::Projection, v, cell);
    }
    let (p, _, _) = projection(inputs, memo, diag, ind)?;
    let text = match ind.kind {
        Kind::Proportion => percent_text(p.value),
        _ => count_text(p.value.round()),
    };
    Some(Cell {
        text,
        value: Some(p.value),
        low: Some(p.low),
        high: Some(p.high),
        ..Cell::default()
    })
}

/// The appendix chart's projection: the line from the first fitted month to
/// the end of the projection year (back-transformed to rates for a
/// proportion, floored at 0 for a count), and the interval.
pub(super) fn projection_record(
    inputs: &Inputs,
    kind: Kind,
    projected: Projected,
) -> ProjectionRecord {
    let (p, first, fit) = projected;
    let year = inputs.windows.projection.expect("projected");
    let proportion = kind == Kind::Proportion;
    let line = Window {
        first,
        last: year.last,
    }
    .months()
    .map(|mo| {
        let y = fit.at(first.months_until(mo) as f64);
        (mo, if proportion { expit(y) } else { y.max(0.0) })
    })
    .collect();
    ProjectionRecord {
        line,
        value: p.value,
        low: p.low,
        high: p.high,
        year: inputs
            .w
            .report
            .projection
            .map(|y| y.to_string())
            .unwrap_or_default(),
        months_fitted: fit.n,
    }
}
