//! Projections: a straight line fitted to the unbroken run of months ending
//! at the reporting month, carried through the projection year.
//!
//! Enters: an indicator's monthly values and the projection year. Leaves:
//! the table's projection cell (or the `Values` figure that replaces it)
//! and the appendix chart's [`ProjectionRecord`]. A count is floored at 0;
//! a proportion is fitted on the logit scale (methods v2); a projection year
//! already over by the reporting month is not projected.

use crate::compute::context::{Diagnostics, Inputs, Memo};
use crate::compute::figures::{given_cell, Fig};
use crate::compute::records::{Cell, ProjectionRecord};
use crate::compute::wording::{self, count_text, percent_text};
use crate::input::{Column, Indicator, Kind};
use crate::methods::period::{Month, Window};
use crate::methods::projection::{
    expit, project_count, Fit, LogitFit, NoProjection, MAX_MONTHS, MIN_MONTHS,
};

/// A projection (methods v3): the projection year's total (a proportion's
/// rate) with its 95 % interval, or why none prints.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Projected {
    Made(Projection),
    /// A count whose line reaches 0 before the year ends: `n/a` with its
    /// footnote.
    FallsToZero,
}

/// A projection made.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Projection {
    pub value: f64,
    /// The 95 % interval, or `None` when it would have no width.
    pub interval: Option<(f64, f64)>,
    /// The interval as a monthly band over the months to come, for the chart.
    pub band: Option<(f64, f64)>,
    /// The fitted line from the first fitted month to the year's end (a
    /// proportion's as rates, a count's floored at 0).
    pub line: Vec<(Month, f64)>,
    pub months_fitted: usize,
    pub months_observed: usize,
    pub months_projected: usize,
    /// ρ̂ of a count fit's residuals; `None` for a proportion.
    pub rho: Option<f64>,
}

/// The projection of an indicator, computed once per indicator.
pub(super) fn projection(
    inputs: &Inputs,
    memo: &mut Memo,
    diag: &mut Diagnostics,
    ind: &Indicator,
) -> Option<Projected> {
    memo.projection
        .entry(ind.code.clone())
        .or_insert_with(|| project(inputs, diag, ind))
        .clone()
}

/// The unbroken run of months ending at `last`, at most [`MAX_MONTHS`],
/// oldest first: a count's values, or a proportion's (positives, base).
fn fitted_run(inputs: &Inputs, ind: &Indicator, last: Month) -> Vec<(Month, f64, f64)> {
    let Some(series) = inputs.series(ind) else {
        return Vec::new();
    };
    let mut fitted = Vec::new();
    let mut month = last;
    while fitted.len() < MAX_MONTHS {
        let entry = series.get(&month).and_then(|(v, b)| match ind.kind {
            Kind::Proportion => (*b)
                .filter(|n| *n > 0.0 && (0.0..=*n).contains(v))
                .map(|n| (month, *v, n)),
            _ => Some((month, *v, 0.0)),
        });
        match entry {
            Some(e) => fitted.push(e),
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

fn project(inputs: &Inputs, diag: &mut Diagnostics, ind: &Indicator) -> Option<Projected> {
    let year = inputs.windows.projection?;
    if year_over(inputs) {
        return None;
    }
    let m = inputs.windows.month;
    let run = fitted_run(inputs, ind, m);
    if run.len() < MIN_MONTHS {
        diag.log(wording::projection_too_short(
            ind.code.as_str(),
            m,
            run.len(),
        ));
        diag.left_out(ind.code.as_str(), "the projection");
        return None;
    }
    let first = run[0].0;
    let x = |mo: Month| first.months_until(mo) as f64;
    // The year's months already observed (in the run, up to M) and to come.
    let observed: Vec<&(Month, f64, f64)> =
        run.iter().filter(|(mo, _, _)| *mo >= year.first).collect();
    let to_come: Vec<f64> = year.months().filter(|mo| *mo > m).map(x).collect();
    let h = to_come.len() as f64;
    let whole = Window {
        first,
        last: year.last,
    };
    let made = match ind.kind {
        Kind::Proportion => {
            let months: Vec<(f64, f64)> = run.iter().map(|(_, v, n)| (*v, *n)).collect();
            let fit = LogitFit::new(&months)?;
            let seen = observed
                .iter()
                .fold((0.0, 0.0), |(a, b), (_, v, n)| (a + v, b + n));
            let last_12 = &run[run.len().saturating_sub(12)..];
            let base_mean = last_12.iter().map(|(_, _, n)| n).sum::<f64>() / last_12.len() as f64;
            let y = fit.year_rate(seen, &to_come, base_mean);
            let interval = (y.high > y.low).then_some((y.low, y.high));
            Projection {
                value: y.value,
                interval,
                band: interval,
                line: whole
                    .months()
                    .map(|mo| (mo, expit(fit.at(x(mo)))))
                    .collect(),
                months_fitted: run.len(),
                months_observed: observed.len(),
                months_projected: to_come.len(),
                rho: None,
            }
        }
        _ => {
            let ys: Vec<f64> = run.iter().map(|(_, v, _)| *v).collect();
            let seen: f64 = observed.iter().map(|(_, v, _)| v).sum();
            let p = match project_count(&ys, seen, &to_come) {
                Ok(p) => p,
                Err(NoProjection::FallsToZero) => {
                    diag.log(wording::projection_falls_to_zero(ind.code.as_str(), year));
                    return Some(Projected::FallsToZero);
                }
                Err(NoProjection::TooFew) => return None,
            };
            let fit = Fit::new(&ys)?;
            Projection {
                value: p.value,
                interval: p.interval,
                band: p
                    .interval
                    .map(|(l, hi)| (((l - seen) / h).max(0.0), ((hi - seen) / h).max(0.0))),
                line: whole
                    .months()
                    .map(|mo| (mo, fit.at(x(mo)).max(0.0)))
                    .collect(),
                months_fitted: run.len(),
                months_observed: observed.len(),
                months_projected: to_come.len(),
                rho: Some(p.rho),
            }
        }
    };
    Some(Projected::Made(made))
}

/// The projection cell: given in `Values` (logged), else projected; `n/a`
/// with its footnote when a count's line falls to 0 within the year.
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
    let p = match projection(inputs, memo, diag, ind)? {
        Projected::Made(p) => p,
        Projected::FallsToZero => {
            let year = inputs.w.report.projection?;
            return Some(Cell {
                text: wording::GAP.into(),
                footnote: Some(wording::falls_to_zero_footnote(year)),
                ..Cell::default()
            });
        }
    };
    let text = match ind.kind {
        Kind::Proportion => percent_text(p.value),
        _ => count_text(p.value.round()),
    };
    Some(Cell {
        text,
        value: Some(p.value),
        low: p.interval.map(|i| i.0),
        high: p.interval.map(|i| i.1),
        interval: Some(p.interval.map(|(l, h)| [l, h])),
        months_observed: Some(p.months_observed),
        months_projected: Some(p.months_projected),
        rho: Some(p.rho),
        ..Cell::default()
    })
}

/// The appendix chart's projection: the line from the first fitted month to
/// the end of the projection year, the interval and its monthly band.
pub(super) fn projection_record(inputs: &Inputs, p: &Projection) -> ProjectionRecord {
    ProjectionRecord {
        line: p.line.clone(),
        value: p.value,
        interval: p.interval,
        band: p.band,
        year: inputs
            .w
            .report
            .projection
            .map(|y| y.to_string())
            .unwrap_or_default(),
        months_fitted: p.months_fitted,
        months_observed: p.months_observed,
        months_projected: p.months_projected,
    }
}
