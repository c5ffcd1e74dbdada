//! A window's figure: summed from the monthly series (counts, or rates
//! Σ Value / Σ Base), or taken from sheet `Values` where the analyst gave it.
//!
//! Enters: an indicator, a column and the [`Inputs`]. Leaves: a [`Fig`] (a
//! figure before it is printed) and its [`Cell`]; a `Values` override is
//! logged with the figure it replaces, a gap in the series is warned.

use crate::compute::context::{Diagnostics, Inputs, Series};
use crate::compute::records::Cell;
use crate::compute::wording::{self, count_text, percent_exact, percent_text, NA};
use crate::input::{Column, Given, Indicator, Kind, ValueEntry};
use crate::methods::period::{Month, Window};
use crate::methods::rounding::Exact;

/// A figure before it is printed.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Fig {
    /// Nothing to print.
    Missing,
    /// `NA`.
    NotAvailable,
    /// A count (a window's sum).
    Count(f64),
    /// A proportion, with its respondents when known, and its positive
    /// responses when summed from the series (so that it is exact, x/n).
    Rate {
        p: f64,
        n: Option<f64>,
        x: Option<f64>,
    },
    /// A window with some of its months missing: `n/a`, with a footnote
    /// naming them.
    Gap(Vec<Month>),
}

/// The cell of a figure given as `NA`.
pub(super) fn na_cell() -> Cell {
    Cell {
        text: NA.into(),
        ..Cell::default()
    }
}

impl Fig {
    /// The figure an analyst typed in `Values` for an indicator of `kind`.
    pub fn given(entry: &ValueEntry, kind: Kind) -> Fig {
        match (&entry.value, kind) {
            (Given::NotAvailable, _) => Fig::NotAvailable,
            (Given::Number(x) | Given::Percent(x), Kind::Proportion) => Fig::Rate {
                p: *x,
                n: entry.base,
                x: None,
            },
            (Given::Number(x) | Given::Percent(x), _) => Fig::Count(*x),
            (Given::Text(_) | Given::Blank, _) => Fig::Missing,
        }
    }

    /// The printed cell, `None` when nothing prints.
    pub fn cell(&self) -> Option<Cell> {
        let number = |text, value| Cell {
            text,
            value: Some(value),
            ..Cell::default()
        };
        match self {
            Fig::Missing => None,
            Fig::NotAvailable => Some(na_cell()),
            Fig::Gap(missing) => Some(Cell {
                text: wording::GAP.into(),
                footnote: Some(wording::gap_footnote(missing)),
                ..Cell::default()
            }),
            Fig::Count(v) => Some(number(count_text(*v), *v)),
            Fig::Rate { p, .. } => {
                let text = self
                    .exact()
                    .map_or_else(|| percent_text(*p), |e| percent_exact(&e));
                Some(number(text, *p))
            }
        }
    }

    /// The number behind the figure, if it is one.
    pub fn number(&self) -> Option<f64> {
        match self {
            Fig::Count(v) => Some(*v),
            Fig::Rate { p, .. } => Some(*p),
            _ => None,
        }
    }

    /// The number behind the figure as an exact fraction: a rate summed
    /// from the series is x/n exactly; any other figure is the decimal it holds.
    pub fn exact(&self) -> Option<Exact> {
        match self {
            Fig::Rate {
                x: Some(x),
                n: Some(n),
                ..
            } => Exact::from_f64(*x)?.ratio(&Exact::from_f64(*n)?),
            _ => Exact::from_f64(self.number()?),
        }
    }

    /// Whether the figure is a number to compare (not missing, not `NA`).
    pub fn is_number(&self) -> bool {
        self.number().is_some()
    }
}

/// Sums a window of a series: a count, or a rate Σ Value / Σ Base. Any
/// missing month gives `Err` with the missing months.
pub(super) fn window_figure(
    series: &Series,
    window: Window,
    kind: Kind,
) -> Result<Fig, Vec<Month>> {
    let missing: Vec<Month> = window
        .months()
        .filter(|m| !series.contains_key(m))
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let (mut x, mut n) = (0.0, 0.0);
    for m in window.months() {
        let (v, b) = series[&m];
        x += v;
        n += b.unwrap_or(0.0);
    }
    Ok(match kind {
        Kind::Proportion if n > 0.0 => Fig::Rate {
            p: x / n,
            n: Some(n),
            x: Some(x),
        },
        Kind::Proportion => Fig::Missing,
        _ => Fig::Count(x),
    })
}

/// The figure of a window column computed from the series, if it can be.
fn computed(inputs: &Inputs, ind: &Indicator, column: Column) -> Option<Fig> {
    let window = inputs.windows.of(column)?;
    window_figure(inputs.series(ind)?, window, ind.kind).ok()
}

/// A window's figure with its note: from `Values` if given there, else from
/// the series. With `diag` (the figure prints) an override is logged and a
/// gap warned; without (the figure is only compared) nothing is said.
pub(super) fn figure(
    inputs: &Inputs,
    diag: Option<&mut Diagnostics>,
    ind: &Indicator,
    column: Column,
) -> (Fig, Option<String>) {
    if let Some(v) = inputs.given(ind, column) {
        let fig = Fig::given(v, ind.kind);
        if let Some(diag) = diag {
            let replaced = computed(inputs, ind, column)
                .and_then(|f| f.cell())
                .map(|c| c.text);
            let shown = fig.cell().map(|c| c.text).unwrap_or_default();
            diag.log(wording::replaced_log(
                ind.code.as_str(),
                column,
                &shown,
                &v.location,
                replaced,
            ));
        }
        return (fig, v.note.clone());
    }
    let (Some(window), Some(series)) = (inputs.windows.of(column), inputs.series(ind)) else {
        // A row without a series is warned once by `measure::window_cells`.
        return (Fig::Missing, None);
    };
    match window_figure(series, window, ind.kind) {
        Ok(f) => (f, None),
        Err(missing) => {
            if let Some(diag) = diag {
                let text = wording::window_gap(ind.code.as_str(), column, window, &missing);
                diag.warn_gap(ind.code.as_str(), &ind.location, text);
            }
            // A window with no month at all prints empty (as published, for
            // a series that began later); one with some months missing says
            // so in the cell.
            if missing.len() < window.months().count() {
                (Fig::Gap(missing), None)
            } else {
                (Fig::Missing, None)
            }
        }
    }
}

/// A cell given in `Values` for a column that is no window (`% Var.`, a
/// projection): logged, with the entry's note.
pub(super) fn given_cell(
    diag: &mut Diagnostics,
    ind: &Indicator,
    column: Column,
    entry: &ValueEntry,
    cell: Option<Cell>,
) -> Option<Cell> {
    let text = cell.as_ref().map(|c| c.text.as_str()).unwrap_or_default();
    diag.log(wording::given_log(
        ind.code.as_str(),
        column,
        text,
        &entry.location,
    ));
    cell.map(|cell| Cell {
        note: entry.note.clone(),
        ..cell
    })
}
