//! The SPC chart appendix: one XmR chart record per printed count or
//! proportion row with a monthly series (a proportion charted as its monthly
//! rates, methods v2), with its projection where the table prints one.
//!
//! Enters: the printed rows and the [`Inputs`]. Leaves: the
//! [`SpcChartRecord`]s, in row order; a row without a chart is logged.

use crate::compute::context::{Diagnostics, Inputs, Memo};
use crate::compute::projections::{projection, projection_record, Projected};
use crate::compute::records::{ChartId, ProjectionRecord, Row, SpcChartRecord, SpcPoint};
use crate::compute::spc_cells::{reading_class, xmr};
use crate::compute::wording::{self, reading_text, Shape, SpcAltFacts, Trend};
use crate::input::{Code, Column, Indicator, Kind};
use crate::methods::period::Month;
use num_bigint::BigInt;
use num_traits::{Signed, Zero};

use crate::methods::rounding::{common_scale, Exact};
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
                diag.left_out(ind.code.as_str(), "its SPC chart in the appendix");
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
    match projection(inputs, memo, diag, ind)? {
        Projected::Made(p) => Some(projection_record(inputs, &p)),
        Projected::FallsToZero => None,
    }
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
        baseline: inputs.w.report.baseline,
        shape: shape(series, analysis),
    });
    SpcChartRecord {
        indicator: ind.code.to_string(),
        kind: ind.kind,
        priority: row.priority.clone(),
        title: wording::spc_title(ind.priority.as_str(), row),
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

/// The series' shape for the alt text: the mean of its first twelve months
/// against its last twelve (a third of the series each when shorter), read
/// as level when they are equal or differ by less than half a process sigma
/// (the mean moving range / 1.128), decided exactly on the analysed points
/// (methods v3); its highest and lowest months; its latest month.
fn shape(series: &[(Month, f64)], analysis: &Analysis) -> Option<Shape> {
    let latest = *series.last()?;
    let span = (series.len() / 3).clamp(1, 12);
    let mean = |s: &[(Month, f64)]| s.iter().map(|(_, v)| v).sum::<f64>() / s.len() as f64;
    let (first, last) = (mean(&series[..span]), mean(&series[series.len() - span..]));
    // The change between the two ends' means, exactly: the points as whole
    // numbers over a common denominator d, summed.
    let points: Vec<&Exact> = analysis.points.get(..series.len())?.iter().collect();
    let (d, whole) = common_scale(&points);
    let sum = |s: &[BigInt]| s.iter().sum::<BigInt>();
    let difference = sum(&whole[whole.len() - span..]) - sum(&whole[..span]);
    // |change| < sigma / 2 ⇔ 2 · 1.128 · |change| < MR̄, with
    // change = difference / (d · span).
    let scaled = Exact::from_parts(difference.abs() * 2256u32, d * span * 1000u32)?;
    let trend = if difference.is_zero() || scaled < analysis.exact.mean_moving_range {
        Trend::Level
    } else if difference.is_positive() {
        Trend::Rising
    } else {
        Trend::Falling
    };
    let by_value = |a: &&(Month, f64), b: &&(Month, f64)| a.1.total_cmp(&b.1);
    Some(Shape {
        trend,
        span,
        first,
        last,
        high: *series.iter().max_by(by_value)?,
        low: *series.iter().min_by(by_value)?,
        latest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::methods::spc::{analyse, Direction};

    /// 36 months from April 2012: `f(i)`, with a saw-tooth of 4 on odd months.
    fn series(f: impl Fn(f64) -> f64) -> (Vec<(Month, f64)>, Analysis) {
        let start = Month::new(2012, 4).unwrap();
        let s: Vec<(Month, f64)> = (0..36)
            .map(|i| (start.plus(i), f(i as f64) + 4.0 * (i % 2) as f64))
            .collect();
        let values: Vec<f64> = s.iter().map(|(_, v)| *v).collect();
        let a = analyse(&values, 0..12, Direction::High, 7).unwrap();
        (s, a)
    }

    #[test]
    fn a_rising_series_reads_rising_with_its_extremes_and_latest_month() {
        // First year 100..111 (+2 saw-tooth mean): 107.5; last year 131.5;
        // sigma from the moving range (5, 3, …: 45/11) / 1.128 ≈ 3.6.
        let (s, a) = series(|i| 100.0 + i);
        let shape = shape(&s, &a).unwrap();
        assert_eq!(shape.trend, Trend::Rising);
        assert_eq!((shape.span, shape.first, shape.last), (12, 107.5, 131.5));
        assert_eq!(shape.high, (Month::new(2015, 3).unwrap(), 139.0));
        assert_eq!(shape.low, (Month::new(2012, 4).unwrap(), 100.0));
        assert_eq!(shape.latest, (Month::new(2015, 3).unwrap(), 139.0));
    }

    #[test]
    fn a_falling_series_reads_falling_and_a_flat_one_level() {
        let (s, a) = series(|i| 200.0 - i);
        assert_eq!(shape(&s, &a).unwrap().trend, Trend::Falling);
        let (s, a) = series(|_| 100.0);
        assert_eq!(shape(&s, &a).unwrap().trend, Trend::Level);
        // A drift of 1 over three years is within half a sigma: level.
        let (s, a) = series(|i| 100.0 + i / 36.0);
        assert_eq!(shape(&s, &a).unwrap().trend, Trend::Level);
    }

    #[test]
    fn a_series_the_same_every_month_reads_level_not_falling() {
        // No variation at all: sigma is 0 and the two ends are equal. The
        // rule "less than half a sigma" alone read it as falling.
        let start = Month::new(2012, 4).unwrap();
        let s: Vec<(Month, f64)> = (0..36).map(|i| (start.plus(i), 0.7)).collect();
        let values: Vec<f64> = s.iter().map(|(_, v)| *v).collect();
        let a = analyse(&values, 0..12, Direction::High, 7).unwrap();
        assert_eq!(shape(&s, &a).unwrap().trend, Trend::Level);
    }

    #[test]
    fn a_short_series_compares_its_first_and_last_thirds() {
        let (s, a) = series(|i| 100.0 + i);
        let shape = shape(&s[..15], &a).unwrap();
        assert_eq!(shape.span, 5);
        assert_eq!(shape.latest.0, Month::new(2013, 6).unwrap());
    }
}
