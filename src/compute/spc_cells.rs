//! XmR readings: the SPC analysis of a source indicator from the first
//! baseline month to the reporting month, and the `spc` row's cell.
//!
//! Enters: an indicator's monthly values, the baseline year and the run
//! length of sheet `Report`. Leaves: [`Xmr`] (the months and the analysis,
//! or why there is none) and the `latest` cell of an `spc` row.

use std::collections::BTreeMap;

use crate::compute::context::{Diagnostics, Inputs, Memo};
use crate::compute::records::{Cell, ChartId, Class};
use crate::compute::wording::{self, reading_text};
use crate::input::{Indicator, Kind, Polarity};
use crate::methods::period::{FinancialYear, Month, Window, BASELINE_MONTHS};
use crate::methods::rounding::Exact;
use crate::methods::spc::{self, Direction, Reading};

/// Why an indicator has no XmR reading; `Display` says it to the analyst.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum NoReading {
    /// Sheet `Monthly` has no rows for the indicator.
    NoSeries { code: String },
    /// The baseline year, which sets the limits, has months missing.
    BaselineGap {
        code: String,
        baseline: FinancialYear,
        missing: Vec<Month>,
    },
    /// The months from the baseline to the reporting month have a gap.
    SeriesGap {
        code: String,
        span: Window,
        missing: Vec<Month>,
    },
    /// Too few months for limits.
    TooShort { first: Month },
}

/// An XmR analysis with its months, or why there is none.
pub(super) type Xmr = Result<(Vec<(Month, f64)>, spc::Analysis), NoReading>;

/// The XmR analysis of a count or proportion indicator, computed once.
pub(super) fn xmr(inputs: &Inputs, memo: &mut Memo, source: &Indicator) -> Xmr {
    memo.xmr
        .entry(source.code.clone())
        .or_insert_with(|| analyse(inputs, source))
        .clone()
}

/// The months of `window` that `values` lacks.
fn gaps(window: Window, values: &BTreeMap<Month, f64>) -> Vec<Month> {
    window
        .months()
        .filter(|m| !values.contains_key(m))
        .collect()
}

fn analyse(inputs: &Inputs, source: &Indicator) -> Xmr {
    let span = inputs.windows.spc_span();
    let values: BTreeMap<Month, f64> = inputs.monthly_values(source).into_iter().collect();
    let code = || source.code.to_string();
    if values.is_empty() {
        return Err(NoReading::NoSeries { code: code() });
    }
    let baseline_missing = gaps(inputs.windows.baseline, &values);
    if !baseline_missing.is_empty() {
        return Err(NoReading::BaselineGap {
            code: code(),
            baseline: inputs.w.report.baseline,
            missing: baseline_missing,
        });
    }
    let missing = gaps(span, &values);
    if !missing.is_empty() {
        return Err(NoReading::SeriesGap {
            code: code(),
            span,
            missing,
        });
    }
    let series: Vec<(Month, f64)> = span.months().map(|mo| (mo, values[&mo])).collect();
    // The rules decide on the exact values (methods v3): a count as typed,
    // a proportion's monthly rate as the fraction x/n.
    let monthly = inputs.series(source);
    let exact: Option<Vec<Exact>> = span
        .months()
        .map(|mo| {
            let (v, b) = *monthly?.get(&mo)?;
            exact_value(source.kind, v, b)
        })
        .collect();
    let direction = match source.polarity {
        Some(Polarity::Up) => Direction::High,
        _ => Direction::Low,
    };
    let run_length = inputs.w.report.spc_run_length;
    let analysis = exact
        .and_then(|e| spc::analyse_exact(e, 0..BASELINE_MONTHS, direction, run_length))
        .ok_or(NoReading::TooShort { first: span.first })?;
    Ok((series, analysis))
}

/// A month's value as the rules read it: a count as the decimal typed, a
/// proportion's rate as the exact fraction Value / Base.
fn exact_value(kind: Kind, value: f64, base: Option<f64>) -> Option<Exact> {
    let value = Exact::from_f64(value)?;
    match kind {
        Kind::Proportion => value.ratio(&Exact::from_f64(base?)?),
        _ => Some(value),
    }
}

/// The class a reading is printed with.
pub(super) fn reading_class(r: Reading) -> Class {
    match r {
        Reading::Improvement => Class::Improvement,
        Reading::Concern => Class::Concern,
        Reading::CommonCause | Reading::Neither => Class::CommonCause,
    }
}

/// The `latest` cell of an `spc` row: its source's reading for the
/// reporting month, or a warning why there is none.
pub(super) fn spc_cell(
    inputs: &Inputs,
    memo: &mut Memo,
    diag: &mut Diagnostics,
    ind: &Indicator,
) -> Option<Cell> {
    let source = inputs.indicator(ind.source.as_ref()?)?;
    match xmr(inputs, memo, source) {
        Ok((_, analysis)) => {
            let class = reading_class(analysis.last());
            let text = reading_text(class).to_string();
            Some(Cell {
                alt: Some(wording::spc_cell_alt(&text)),
                icon: Some(ChartId::icon(class)),
                text,
                value: None,
                class: Some(class),
                ..Cell::default()
            })
        }
        Err(why) => {
            diag.warn(
                &ind.location,
                wording::no_spc_reading(ind.code.as_str(), &why),
            );
            None
        }
    }
}
