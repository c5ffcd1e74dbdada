//! The SPC chart appendix: one XmR chart record per printed count or
//! proportion row with a monthly series (a proportion charted as its monthly
//! rates, methods v2), with its projection where the table prints one.
//!
//! Enters: the printed rows and the [`Inputs`]. Leaves: the
//! [`SpcChartRecord`]s, in row order; a row without a chart is logged.

use crate::compute::context::{Diagnostics, Inputs, Memo};
use crate::compute::projections::{projection, projection_record};
use crate::compute::records::{ChartId, ProjectionRecord, Row, SpcChartRecord, SpcPoint};
use crate::compute::spc_cells::{reading_class, xmr};
use crate::compute::wording::{self, reading_text, SpcAltFacts};
use crate::input::{Code, Column, Indicator, Kind};
use crate::methods::period::Month;
use crate::methods::spc::Analysis;

/// One XmR chart per count or proportion indicator with a monthly series.
pub(super) fn appendix(
    inputs: &Inputs,
    memo: &mut Memo,
    diag: &mut Diagnostics,
    rows: &[Row],
) -> Vec<SpcChartRecord> {
    let mut out = Vec::new();
    for row in rows.iter().filter(|r| r.kind.is_monthly()) {
        let Some(ind) = inputs.indicator(&Code::new(&row.code)) else {
            continue;
        };
        if inputs.series(ind).is_none() {
            continue;
        }
        let (series, analysis) = match xmr(inputs, memo, ind) {
            Ok(x) => x,
            Err(why) => {
                diag.log(wording::no_spc_chart(ind.code.as_str(), &why));
                continue;
            }
        };
        let projection = chart_projection(inputs, memo, diag, row, ind);
        out.push(chart_record(
            inputs, row, ind, &series, &analysis, projection,
        ));
    }
    out
}

/// The projection drawn on a row's chart: only where the table prints a
/// computed one (not one given in `Values`).
fn chart_projection(
    inputs: &Inputs,
    memo: &mut Memo,
    diag: &mut Diagnostics,
    row: &Row,
    ind: &Indicator,
) -> Option<ProjectionRecord> {
    if !row.cells.contains_key(&Column::Projection)
        || inputs.given(ind, Column::Projection).is_some()
    {
        return None;
    }
    projection(inputs, memo, diag, ind).map(|p| projection_record(inputs, ind.kind, p))
}

fn chart_record(
    inputs: &Inputs,
    row: &Row,
    ind: &Indicator,
    series: &[(Month, f64)],
    analysis: &Analysis,
    projection: Option<ProjectionRecord>,
) -> SpcChartRecord {
    let reading = reading_class(analysis.last());
    let points: Vec<SpcPoint> = series
        .iter()
        .zip(&analysis.readings)
        .map(|((mo, v), r)| SpcPoint {
            month: *mo,
            value: *v,
            signal: reading_class(*r),
        })
        .collect();
    let month = inputs.windows.month;
    let limits = drawn_limits(ind.kind, analysis);
    let alt = wording::spc_alt(&SpcAltFacts {
        row,
        limits,
        series,
        analysis,
        reading,
        projection: projection.as_ref(),
        baseline: inputs.w.report.baseline,
        month,
    });
    SpcChartRecord {
        indicator: ind.code.to_string(),
        kind: ind.kind,
        priority: row.priority.clone(),
        title: wording::spc_title(row),
        chart: ChartId::spc(ind.code.as_str()),
        points,
        mean: analysis.limits.mean,
        lower_limit: analysis.limits.lower,
        upper_limit: analysis.limits.upper,
        drawn_limits: limits,
        baseline_label: inputs.windows.baseline.label(),
        reading,
        reading_text: reading_text(reading).to_string(),
        icon: ChartId::icon(reading),
        caption: wording::spc_caption(ind.kind, month, reading, projection.as_ref()),
        projection,
        alt,
    }
}

/// The process limits as drawn and described (methods v2): a count's lower
/// limit no lower than 0, a proportion's limits within 0–100 %. The rules
/// use the limits unclipped.
pub(super) fn drawn_limits(kind: Kind, analysis: &Analysis) -> (f64, f64) {
    let (lo, hi) = (analysis.limits.lower, analysis.limits.upper);
    match kind {
        Kind::Proportion => (lo.clamp(0.0, 1.0), hi.clamp(0.0, 1.0)),
        _ => (lo.max(0.0), hi),
    }
}
