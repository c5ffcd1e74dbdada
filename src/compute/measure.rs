//! The cells of a count or proportion row: the window figures, their
//! significance classes, the `% Var.` and the projection.
//!
//! Enters: an indicator, its panel's columns, the [`Inputs`]. Leaves: the
//! row's cells by column; why a figure prints empty or uncoloured goes to
//! the [`Diagnostics`].

use std::collections::BTreeMap;

use crate::compute::context::{Diagnostics, Inputs, Memo};
use crate::compute::figures::{figure, given_cell, na_cell, Fig};
use crate::compute::projections::projection_cell;
use crate::compute::records::{Cell, Class};
use crate::compute::wording::{self, var_text};
use crate::input::{Column, Given, Indicator, Kind, Polarity};
use crate::methods::stats::{poisson_p_value, two_proportion_z};

type Cells = BTreeMap<Column, Cell>;

/// Why a figure prints without a significance class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NoTest {
    /// Two proportions of 0 or 1: no variance.
    NoVariance,
    /// A proportion given in `Values` without its `Base`.
    NoBase,
    /// One of the two figures is not a number of the same kind.
    NeedsBoth,
}

/// The comparisons the table colours: the later window against the earlier.
const COMPARED: [(Column, Column); 2] = [
    (Column::Latest, Column::Baseline),
    (Column::Ytd, Column::Lytd),
];

/// A row's figures, each computed once, whether printed or only compared.
struct Figures<'a> {
    ind: &'a Indicator,
    figs: BTreeMap<Column, Fig>,
}

impl Figures<'_> {
    /// A figure for a comparison: the printed one, or computed silently.
    fn get(&mut self, inputs: &Inputs, column: Column) -> Fig {
        self.figs
            .entry(column)
            .or_insert_with(|| figure(inputs, None, self.ind, column).0)
            .clone()
    }
}

/// The cells of a count or proportion row.
pub(super) fn measure_cells(
    inputs: &Inputs,
    memo: &mut Memo,
    diag: &mut Diagnostics,
    ind: &Indicator,
    columns: &[Column],
) -> Cells {
    let mut cells = Cells::new();
    let mut figs = window_cells(inputs, diag, ind, columns, &mut cells);
    classify(inputs, diag, &mut figs, &mut cells);
    if columns.contains(&Column::Var) {
        if let Some(cell) = var_cell(inputs, diag, &mut figs, columns) {
            cells.insert(Column::Var, cell);
        }
    }
    if columns.contains(&Column::Projection) {
        if let Some(cell) = projection_cell(inputs, memo, diag, ind) {
            cells.insert(Column::Projection, cell);
        }
    }
    cells
}

/// The printed window figures (baseline, latest, YTD, L.YTD), with a warning
/// for those that have neither a series nor a `Values` entry.
fn window_cells<'a>(
    inputs: &Inputs,
    diag: &mut Diagnostics,
    ind: &'a Indicator,
    columns: &[Column],
    cells: &mut Cells,
) -> Figures<'a> {
    let mut figs = BTreeMap::new();
    let mut no_data = Vec::new();
    let has_series = inputs.series(ind).is_some();
    for &c in columns.iter().filter(|c| inputs.windows.of(**c).is_some()) {
        let (fig, note) = figure(inputs, Some(diag), ind, c);
        if let Some(mut cell) = fig.cell() {
            cell.note = note;
            cells.insert(c, cell);
        } else if !has_series && inputs.given(ind, c).is_none() {
            no_data.push(c.name());
        }
        figs.insert(c, fig);
    }
    if !no_data.is_empty() {
        diag.warn(&ind.location, wording::no_data(ind.code.as_str(), &no_data));
    }
    Figures { ind, figs }
}

/// Colours each printed later-window figure by its significance against the
/// earlier window; logs why a figure stays uncoloured.
fn classify(inputs: &Inputs, diag: &mut Diagnostics, figs: &mut Figures, cells: &mut Cells) {
    let ind = figs.ind;
    let polarity = ind.polarity.unwrap_or(Polarity::Down);
    let confidence = inputs.w.report.confidence;
    for (now_col, then_col) in COMPARED {
        if !cells.contains_key(&now_col) {
            continue;
        }
        let now = figs.get(inputs, now_col);
        let then = figs.get(inputs, then_col);
        if !(now.is_number() && then.is_number()) {
            continue;
        }
        match significance(&now, &then, polarity, confidence) {
            Ok((class, p)) => {
                let cell = cells.get_mut(&now_col).expect("checked above");
                cell.class = Some(class);
                cell.p_value = Some(p);
                cell.alt = Some(wording::class_alt(&cell.text, class));
            }
            Err(why) => diag.log(wording::uncoloured_log(ind.code.as_str(), now_col, why)),
        }
    }
}

/// The `% Var.` cell: given in `Values` (logged), or the change between the
/// pair printed before it, for a count.
fn var_cell(
    inputs: &Inputs,
    diag: &mut Diagnostics,
    figs: &mut Figures,
    columns: &[Column],
) -> Option<Cell> {
    let ind = figs.ind;
    if let Some(v) = inputs.given(ind, Column::Var) {
        let cell = match v.value {
            Given::NotAvailable => Some(na_cell()),
            Given::Number(x) | Given::Percent(x) => Some(Cell {
                text: var_text(x),
                value: Some(x),
                ..Cell::default()
            }),
            Given::Text(_) | Given::Blank => None,
        };
        return given_cell(diag, ind, Column::Var, v, cell);
    }
    if ind.kind != Kind::Count {
        return None;
    }
    let (now_col, then_col) = var_pair(columns);
    let now = figs.get(inputs, now_col);
    let then = figs.get(inputs, then_col);
    match (now.number(), then.number()) {
        (Some(a), Some(b)) if b != 0.0 => {
            let change = (a - b) / b;
            Some(Cell {
                text: var_text(change),
                value: Some(change),
                ..Cell::default()
            })
        }
        _ if now == Fig::NotAvailable || then == Fig::NotAvailable => Some(na_cell()),
        _ => None,
    }
}

/// The significance class of `now` against `then`, with its p-value, or why
/// no test ran.
pub(super) fn significance(
    now: &Fig,
    then: &Fig,
    polarity: Polarity,
    confidence: f64,
) -> Result<(Class, f64), NoTest> {
    let (p_value, higher) = match (now, then) {
        (Fig::Count(a), Fig::Count(b)) => {
            let (a, b) = (a.round().max(0.0) as u64, b.round().max(0.0) as u64);
            (poisson_p_value(a, b), a > b)
        }
        (Fig::Rate { p: p1, n: Some(n1) }, Fig::Rate { p: p2, n: Some(n2) }) => {
            let t = two_proportion_z(p1 * n1, *n1, p2 * n2, *n2).ok_or(NoTest::NoVariance)?;
            (t.p_value, t.z > 0.0)
        }
        (Fig::Rate { .. }, Fig::Rate { .. }) => return Err(NoTest::NoBase),
        _ => return Err(NoTest::NeedsBoth),
    };
    let class = if p_value >= 1.0 - confidence {
        Class::NoChange
    } else if higher == (polarity == Polarity::Up) {
        Class::Improvement
    } else {
        Class::Deterioration
    };
    Ok((class, p_value))
}

/// The comparison a `% Var.` column reports: the nearest pair printed
/// before it (latest v baseline, or ytd v lytd).
fn var_pair(columns: &[Column]) -> (Column, Column) {
    let at = columns
        .iter()
        .position(|c| *c == Column::Var)
        .unwrap_or(columns.len());
    for c in columns[..at].iter().rev() {
        match c {
            Column::Ytd | Column::Lytd => return (Column::Ytd, Column::Lytd),
            Column::Latest | Column::Baseline => return (Column::Latest, Column::Baseline),
            _ => {}
        }
    }
    if columns.contains(&Column::Ytd) {
        (Column::Ytd, Column::Lytd)
    } else {
        (Column::Latest, Column::Baseline)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn var_follows_the_pair_printed_before_it() {
        use Column::*;
        assert_eq!(var_pair(&[Baseline, Latest, Var]), (Latest, Baseline));
        assert_eq!(var_pair(&[Ytd, Lytd, Var]), (Ytd, Lytd));
        assert_eq!(var_pair(&[Baseline, Latest, Ytd, Lytd, Var]), (Ytd, Lytd));
        assert_eq!(
            var_pair(&[Ytd, Lytd, Latest, Baseline, Var]),
            (Latest, Baseline)
        );
    }

    #[test]
    fn significance_reads_through_polarity() {
        let down = significance(&Fig::Count(271.0), &Fig::Count(667.0), Polarity::Down, 0.95);
        assert_eq!(down.unwrap().0, Class::Improvement);
        let up = significance(&Fig::Count(271.0), &Fig::Count(667.0), Polarity::Up, 0.95);
        assert_eq!(up.unwrap().0, Class::Deterioration);
        let same = significance(
            &Fig::Count(4452.0),
            &Fig::Count(4365.0),
            Polarity::Down,
            0.95,
        );
        assert_eq!(same.unwrap().0, Class::NoChange);
        // A zero baseline is still testable.
        let zero = significance(&Fig::Count(9.0), &Fig::Count(0.0), Polarity::Down, 0.95);
        assert_eq!(zero.unwrap().0, Class::Deterioration);
        let no_base = significance(
            &Fig::Rate { p: 0.8, n: None },
            &Fig::Rate {
                p: 0.9,
                n: Some(100.0),
            },
            Polarity::Up,
            0.95,
        );
        assert_eq!(no_base, Err(NoTest::NoBase));
    }
}
