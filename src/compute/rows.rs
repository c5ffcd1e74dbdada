//! One printed indicator row: its cells by the indicator's kind (figures,
//! a position, an SPC reading or an assessment).
//!
//! Enters: an indicator and its panel's columns. Leaves: the [`Row`] record;
//! a `Values` entry no printed cell uses is warned.

use crate::compute::context::{Diagnostics, Inputs, Memo};
use crate::compute::measure::measure_cells;
use crate::compute::ranks::rank_cell;
use crate::compute::records::{Cell, MonthlySeries, Row};
use crate::compute::spc_cells::spc_cell;
use crate::compute::wording::{self, count_text, NA};
use crate::input::{Code, Column, Given, Indicator, Kind};
use crate::methods::period::Window;

/// The row of an indicator under a panel of `columns`.
pub(super) fn row(
    inputs: &Inputs,
    memo: &mut Memo,
    diag: &mut Diagnostics,
    ind: &Indicator,
    columns: &[Column],
) -> Row {
    let (column, cell) = match ind.kind {
        Kind::Count | Kind::Proportion => {
            let cells = measure_cells(inputs, memo, diag, ind, columns);
            let mut row = record(ind, cells.into_iter());
            row.monthly = monthly_series(inputs, ind);
            return row;
        }
        Kind::Rank => (Column::Latest, rank_cell(inputs, diag, ind)),
        Kind::Spc => (Column::Latest, spc_cell(inputs, memo, diag, ind)),
        Kind::Assessment => (Column::Assessment, assessment_cell(inputs, ind)),
    };
    record(ind, cell.map(|c| (column, c)).into_iter())
}

fn record(ind: &Indicator, cells: impl Iterator<Item = (Column, Cell)>) -> Row {
    Row {
        code: ind.code.to_string(),
        priority: ind.priority.key().to_string(),
        label: ind.label.clone(),
        kind: ind.kind,
        polarity: ind.polarity,
        footnote: ind.footnote.clone(),
        note: ind.note.clone(),
        cells: cells.collect(),
        monthly: None,
    }
}

/// A count or proportion indicator's series from sheet `Monthly`, from its
/// first month to its last, for a later pack's comparison.
fn monthly_series(inputs: &Inputs, ind: &Indicator) -> Option<MonthlySeries> {
    let series = inputs.series(ind)?;
    let (first, last) = (*series.keys().next()?, *series.keys().next_back()?);
    let months = Window { first, last }.months();
    let (values, bases): (Vec<_>, Vec<_>) = months
        .map(|m| match series.get(&m) {
            Some((v, b)) => (Some(*v), *b),
            None => (None, None),
        })
        .unzip();
    Some(MonthlySeries {
        first,
        values,
        bases: (ind.kind == Kind::Proportion).then_some(bases),
    })
}

/// An assessment, as given in `Values`.
fn assessment_cell(inputs: &Inputs, ind: &Indicator) -> Option<Cell> {
    let v = inputs.given(ind, Column::Assessment)?;
    let text = match &v.value {
        Given::Text(t) => t.clone(),
        Given::NotAvailable => NA.into(),
        Given::Number(x) | Given::Percent(x) => count_text(*x),
        Given::Blank => return None,
    };
    Some(Cell {
        text,
        note: v.note.clone(),
        ..Cell::default()
    })
}

/// Warns of each `Values` entry for a printed row whose panel has no such column.
pub(super) fn warn_unused_values(inputs: &Inputs, diag: &mut Diagnostics, rows: &[Row]) {
    // A blank entry prints nothing wherever it is: nothing to warn of.
    for v in inputs.w.values.iter().filter(|v| v.value != Given::Blank) {
        let mut rows_of = rows.iter().filter(|r| Code::new(&r.code) == v.indicator);
        let row_printed = rows_of.clone().next().is_some();
        let printed = rows_of.any(|r| r.cells.contains_key(&v.column));
        if row_printed && !printed {
            diag.warn(
                &v.location,
                wording::unused_value(v.indicator.as_str(), v.column),
            );
        }
    }
}
