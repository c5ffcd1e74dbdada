//! What the compute steps share, split by how they use it: [`Inputs`] (read
//! only: the workbook, its windows, series and indexes), [`Memo`] (each
//! source's XmR analysis and projection, computed once) and [`Diagnostics`]
//! (the warnings and the build log, written as the steps go).
//!
//! Enters: the [`Workbook`]. Leaves: the three, for the other compute files.

use std::collections::BTreeMap;

use crate::compute::projections::Projected;
use crate::compute::spc_cells::Xmr;
use crate::compute::windows::Windows;
use crate::input::problem::{Location, Problem};
use crate::input::{Code, Column, Indicator, Kind, ValueEntry, Workbook};
use crate::methods::period::Month;

/// One indicator's monthly values: month → (value, base).
pub(super) type Series = BTreeMap<Month, (f64, Option<f64>)>;

/// The workbook with its windows, series and indexes: read only.
pub(super) struct Inputs<'w> {
    pub w: &'w Workbook,
    pub windows: Windows,
    /// Series by indicator code.
    series: BTreeMap<&'w Code, Series>,
    /// Indicators by code.
    indicators: BTreeMap<&'w Code, &'w Indicator>,
    /// `Values` entries by (indicator, column).
    values: BTreeMap<(&'w Code, Column), &'w ValueEntry>,
}

impl<'w> Inputs<'w> {
    pub fn new(w: &'w Workbook) -> Self {
        let mut series: BTreeMap<&Code, Series> = BTreeMap::new();
        for m in &w.monthly {
            series
                .entry(&m.indicator)
                .or_default()
                .insert(m.month, (m.value, m.base));
        }
        Inputs {
            w,
            windows: Windows::new(w.report.month(), w.report.baseline, w.report.projection),
            series,
            indicators: w.indicators.iter().map(|i| (&i.code, i)).collect(),
            values: w
                .values
                .iter()
                .map(|v| ((&v.indicator, v.column), v))
                .collect(),
        }
    }

    /// The `Values` entry of an indicator's column, if any.
    pub fn given(&self, ind: &Indicator, column: Column) -> Option<&'w ValueEntry> {
        self.values.get(&(&ind.code, column)).copied()
    }

    /// An indicator by its code.
    pub fn indicator(&self, code: &Code) -> Option<&'w Indicator> {
        self.indicators.get(code).copied()
    }

    /// An indicator's monthly series, if sheet `Monthly` has one.
    pub fn series(&self, ind: &Indicator) -> Option<&Series> {
        self.series.get(&ind.code)
    }

    /// The monthly values of an indicator as rates or counts.
    pub fn monthly_values(&self, ind: &Indicator) -> Vec<(Month, f64)> {
        let Some(series) = self.series(ind) else {
            return Vec::new();
        };
        series
            .iter()
            .filter_map(|(m, (v, b))| match ind.kind {
                Kind::Proportion => b.filter(|b| *b > 0.0).map(|b| (*m, v / b)),
                _ => Some((*m, *v)),
            })
            .collect()
    }
}

/// Each source's XmR analysis and projection, by code key, computed once.
#[derive(Default)]
pub(super) struct Memo {
    pub xmr: BTreeMap<Code, Xmr>,
    pub projection: BTreeMap<Code, Option<Projected>>,
}

/// What the computation noticed on the way.
#[derive(Default)]
pub(super) struct Diagnostics {
    /// Figures left empty, rows unused: for the analyst, on stderr.
    pub warnings: Vec<Problem>,
    /// Which `Values` replaced which figures, which tests could not run.
    pub log: Vec<String>,
    /// How many printed classes differ from methods v2's (each logged).
    pub v2_changes: usize,
    /// Per indicator code, the warning of its first window with a gap
    /// (an index into `warnings`), and what else the pack leaves out for
    /// that indicator: said in that one warning ([`Diagnostics::finish`]).
    gaps: BTreeMap<String, usize>,
    left_out: BTreeMap<String, Vec<&'static str>>,
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl Diagnostics {
    pub fn warn(&mut self, location: &Location, message: String) {
        self.warnings
            .push(Problem::warning(location.clone(), message));
    }

    /// Warns of a window of `code` with months missing.
    pub fn warn_gap(&mut self, code: &str, location: &Location, message: String) {
        self.gaps
            .entry(code.to_string())
            .or_insert(self.warnings.len());
        self.warn(location, message);
    }

    /// Notes that `what` (`% Var.`, `the projection` …) of `code` is left
    /// out of the pack: said in the warning of its gap, if it has one.
    pub fn left_out(&mut self, code: &str, what: &'static str) {
        let list = self.left_out.entry(code.to_string()).or_default();
        if !list.contains(&what) {
            list.push(what);
        }
    }

    /// Adds to each gap's warning what else the pack leaves out for that
    /// indicator, so that one missing month is one message that says all
    /// it costs.
    pub fn finish(&mut self) {
        for (code, at) in std::mem::take(&mut self.gaps) {
            let Some(list) = self.left_out.get(&code).filter(|l| !l.is_empty()) else {
                continue;
            };
            if let Some(w) = self.warnings.get_mut(at) {
                w.message
                    .push_str(&format!("; left out with it: {}", and_list(list)));
            }
        }
    }

    pub fn log(&mut self, line: String) {
        self.log.push(line);
    }
}
