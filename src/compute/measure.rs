//! The cells of a count or proportion row: the window figures, their
//! significance classes, the `% Var.` and the projection.
//!
//! Enters: an indicator, its panel's columns, the [`Inputs`]. Leaves: the
//! row's cells by column; why a figure prints empty or uncoloured goes to
//! the [`Diagnostics`].

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::compute::context::{Diagnostics, Inputs, Memo};
use crate::compute::figures::{figure, given_cell, na_cell, Fig};
use crate::compute::projections::projection_cell;
use crate::compute::records::{Cell, Class, PairsFrom, Test, Untested};
use crate::compute::windows::LATEST_MONTHS;
use crate::compute::wording::{self, points_exact, var_exact};
use crate::input::{Column, CountTest, Given, Indicator, Kind, Polarity};
use crate::methods::period::{Month, Window};
use crate::methods::rounding::Exact;
use crate::methods::stats::{
    borrowed_dispersion, own_pairs_dispersion, pair_test, poisson_p_value, significant,
    two_proportion_z, v2_count_test, Dispersion,
};

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
    /// A count of monthly series with too few months to judge the
    /// variation (no φ̂, methods v3).
    TooFewMonths,
    /// The compared windows share months (methods v3).
    Overlap,
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
        if let Some(mut cell) = projection_cell(inputs, memo, diag, ind) {
            cell.window = inputs.windows.projection;
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
            cell.window = inputs.windows.of(c);
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
/// earlier window; logs why a figure stays uncoloured, and where the class
/// differs from the exact Poisson test's (methods v3). A figure left
/// untested for a reason the reader should see (the compared windows
/// overlap; too few months to judge the variation) carries a footnote.
fn classify(inputs: &Inputs, diag: &mut Diagnostics, figs: &mut Figures, cells: &mut Cells) {
    let ind = figs.ind;
    let how = How {
        polarity: ind.polarity.unwrap_or(Polarity::Down),
        confidence: inputs.w.report.confidence,
        count_test: inputs.w.report.count_test,
    };
    for (now_col, then_col) in COMPARED {
        if !cells.contains_key(&now_col) {
            continue;
        }
        let now = figs.get(inputs, now_col);
        let then = figs.get(inputs, then_col);
        if !(now.is_number() && then.is_number()) {
            continue;
        }
        let cell = cells.get_mut(&now_col).expect("checked above");
        let v2 = v2_class(inputs, ind, (now_col, then_col), (&now, &then), how);
        if let (Some(a), Some(b)) = (inputs.windows.of(now_col), inputs.windows.of(then_col)) {
            if windows_overlap(a, b) {
                log_v2_change(diag, ind, now_col, v2, None, V2Why::Overlap);
                cell.overlap = Some(true);
                cell.footnote = Some(wording::OVERLAP_FOOTNOTE.to_string());
                diag.log(wording::uncoloured_log(
                    ind.code.as_str(),
                    now_col,
                    NoTest::Overlap,
                ));
                continue;
            }
        }
        let noise = monthly_noise(inputs, ind, now_col, then_col);
        match significance(&now, &then, how, noise) {
            Ok(t) => {
                log_v2_change(diag, ind, now_col, v2, Some(t.class), V2Why::Tested(t));
                if t.class != t.exact_class {
                    diag.log(wording::overdispersed_log(ind.code.as_str(), now_col, &t));
                }
                cell.class = Some(t.class);
                cell.p_value = Some(t.p_value);
                cell.dispersion = Some(t.dispersion);
                cell.df = Some(t.df);
                cell.pairs_from = Some(t.pairs_from);
                cell.test = Some(Some(t.test));
                cell.if_significant = Some(t.if_significant);
                cell.alt = Some(wording::class_alt(&cell.text, t.class));
            }
            Err(NoTest::TooFewMonths) => {
                log_v2_change(diag, ind, now_col, v2, None, V2Why::TooFewMonths);
                cell.untested = Some(Untested::TooFewMonths);
                cell.test = Some(None);
                cell.dispersion = Some(None);
                cell.df = Some(None);
                cell.pairs_from = Some(None);
                cell.footnote = Some(wording::TOO_FEW_MONTHS_FOOTNOTE.to_string());
                diag.log(wording::uncoloured_log(
                    ind.code.as_str(),
                    now_col,
                    NoTest::TooFewMonths,
                ));
            }
            Err(why) => diag.log(wording::uncoloured_log(ind.code.as_str(), now_col, why)),
        }
    }
}

/// Why a class differs from methods v2's.
#[derive(Debug, Clone, Copy)]
pub(super) enum V2Why {
    Overlap,
    TooFewMonths,
    Tested(Tested),
}

/// Methods v2's class of a comparison, with its φ* and p (φ* only for a
/// count of two monthly windows under `overdispersed`), or `None` when v2
/// ran no test.
fn v2_class(
    inputs: &Inputs,
    ind: &Indicator,
    (now_col, then_col): (Column, Column),
    (now, then): (&Fig, &Fig),
    how: How,
) -> Option<(Class, Option<f64>, f64)> {
    let exact = significance(now, then, how, Noise::NotMonthly).ok()?;
    if !matches!((now, then), (Fig::Count(_), Fig::Count(_))) {
        return Some((exact.class, None, exact.p_value));
    }
    if how.count_test == CountTest::Exact
        || inputs.given(ind, now_col).is_some()
        || inputs.given(ind, then_col).is_some()
    {
        return Some((exact.class, None, exact.p_value));
    }
    let series = inputs.series(ind)?;
    let months = |c: Column| -> Option<Vec<f64>> {
        inputs
            .windows
            .of(c)?
            .months()
            .map(|m| series.get(&m).map(|(v, _)| *v))
            .collect()
    };
    let Some((phi, p)) = v2_count_test(&months(then_col)?, &months(now_col)?) else {
        return Some((exact.class, None, exact.p_value));
    };
    let class = if !significant(p, how.confidence) {
        Class::NoChange
    } else {
        exact.if_significant
    };
    Some((class, Some(phi), p))
}

/// Logs a printed class that differs from methods v2's, and why.
fn log_v2_change(
    diag: &mut Diagnostics,
    ind: &Indicator,
    column: Column,
    v2: Option<(Class, Option<f64>, f64)>,
    v3: Option<Class>,
    why: V2Why,
) {
    if v2.map(|v| v.0) == v3 {
        return;
    }
    diag.v2_changes += 1;
    diag.log(wording::v2_change_log(
        ind.code.as_str(),
        column,
        v2,
        v3,
        why,
    ));
}

/// Whether two windows share a month (methods v3: no test then).
pub(super) fn windows_overlap(a: Window, b: Window) -> bool {
    a.first <= b.last && b.first <= a.last
}

/// What a count comparison's noise is judged by (methods v3).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Noise {
    /// Not a count of two monthly series (a window from `Values`, a
    /// proportion): no φ̂; a count gets the exact test, as v1.
    NotMonthly,
    /// Monthly series with too few months for φ̂.
    TooFew,
    /// φ̂ with its degrees of freedom and whose pairs gave it.
    Estimated(Dispersion, PairsFrom),
}

/// φ̂ of methods v3 for a count whose two compared windows are both summed
/// from sheet `Monthly`: a 12-month comparison from its own calendar-month
/// pairs; a shorter one borrowed from the last 24 months when `Monthly`
/// holds them all, else from its own pairs when at least 3 have counts.
fn monthly_noise(inputs: &Inputs, ind: &Indicator, now: Column, then: Column) -> Noise {
    if ind.kind != Kind::Count
        || inputs.given(ind, now).is_some()
        || inputs.given(ind, then).is_some()
    {
        return Noise::NotMonthly;
    }
    let (Some(series), Some(now_w), Some(then_w)) = (
        inputs.series(ind),
        inputs.windows.of(now),
        inputs.windows.of(then),
    ) else {
        return Noise::NotMonthly;
    };
    let value = |m: Month| series.get(&m).map(|(v, _)| *v);
    // Calendar-month pairs: each month of the later window with the month
    // of the same name in the earlier one.
    let pairs_of = |w: Window, earlier: Window| -> Option<Vec<(f64, f64)>> {
        w.months()
            .map(|m| {
                let e = earlier.months().find(|e| e.month == m.month)?;
                Some((value(m)?, value(e)?))
            })
            .collect()
    };
    let Some(own) = pairs_of(now_w, then_w) else {
        return Noise::NotMonthly;
    };
    let estimated =
        |d: Option<Dispersion>, from| d.map_or(Noise::TooFew, |d| Noise::Estimated(d, from));
    if own.len() >= LATEST_MONTHS as usize {
        return estimated(own_pairs_dispersion(&own, 2), PairsFrom::Own);
    }
    let last_12 = Window::ending(inputs.windows.month, LATEST_MONTHS);
    let before = Window::ending(last_12.first.plus(-1), LATEST_MONTHS);
    let all = pairs_of(last_12, before);
    let compared_months = now_w.months().collect::<Vec<_>>();
    match all {
        Some(all)
            if compared_months
                .iter()
                .all(|m| last_12.months().any(|l| l == *m)) =>
        {
            let (compared, other): (Vec<_>, Vec<_>) = last_12
                .months()
                .zip(all)
                .partition(|(m, _)| compared_months.contains(m));
            let strip =
                |v: Vec<(Month, (f64, f64))>| v.into_iter().map(|(_, p)| p).collect::<Vec<_>>();
            estimated(
                borrowed_dispersion(&strip(compared), &strip(other)),
                PairsFrom::Last24Months,
            )
        }
        _ => estimated(own_pairs_dispersion(&own, 3), PairsFrom::Own),
    }
}

/// The `% Var.` cell: given in `Values` (logged), or the change between the
/// pair printed before it: a count's relative change, a proportion's
/// change in percentage points (methods v2).
fn var_cell(
    inputs: &Inputs,
    diag: &mut Diagnostics,
    figs: &mut Figures,
    columns: &[Column],
) -> Option<Cell> {
    let ind = figs.ind;
    let proportion = ind.kind == Kind::Proportion;
    let (now_col, then_col) = var_pair(columns);
    if let Some(v) = inputs.given(ind, Column::Var) {
        let cell = match v.value {
            Given::NotAvailable => Some(na_cell()),
            Given::Number(x) | Given::Percent(x) => Exact::from_f64(x).map(|e| Cell {
                text: if proportion {
                    points_exact(&e)
                } else {
                    var_exact(&e)
                },
                value: Some(x),
                ..Cell::default()
            }),
            Given::Text(_) | Given::Blank => None,
        };
        // A % Var. that is not the change between the two figures printed
        // before it (a slip, or last quarter's) prints a false statement.
        let (now, then) = (figs.get(inputs, now_col), figs.get(inputs, then_col));
        if let (Some(given), Some(a), Some(b)) = (cell.as_ref(), now.exact(), then.exact()) {
            let computed = if proportion {
                Some(points_exact(&a.minus(&b)))
            } else {
                a.minus(&b).ratio(&b).map(|c| var_exact(&c))
            };
            if let Some(computed) = computed.filter(|c| *c != given.text) {
                diag.warn(
                    &v.location,
                    wording::var_contradicts(
                        ind.code.as_str(),
                        &given.text,
                        &computed,
                        now_col,
                        then_col,
                    ),
                );
            }
        }
        return given_cell(diag, ind, Column::Var, v, cell);
    }
    let now = figs.get(inputs, now_col);
    let then = figs.get(inputs, then_col);
    let change = match (now.exact(), then.exact()) {
        (Some(a), Some(b)) if proportion => {
            Some((a.minus(&b), points_exact as fn(&Exact) -> String))
        }
        (Some(a), Some(b)) => a
            .minus(&b)
            .ratio(&b)
            .map(|c| (c, var_exact as fn(&Exact) -> String)),
        _ => None,
    };
    match change {
        Some((c, text)) => Some(Cell {
            text: text(&c),
            value: Some(c.to_f64()),
            ..Cell::default()
        }),
        None if now == Fig::NotAvailable || then == Fig::NotAvailable => Some(na_cell()),
        None => {
            if matches!(now, Fig::Gap(_)) || matches!(then, Fig::Gap(_)) {
                diag.left_out(ind.code.as_str(), "% Var.");
            }
            None
        }
    }
}

/// How a row's figures are tested: the indicator's polarity and the
/// report's confidence level and count test.
#[derive(Debug, Clone, Copy)]
pub(super) struct How {
    pub polarity: Polarity,
    pub confidence: f64,
    pub count_test: CountTest,
}

/// A test's outcome: the class and p-value printed, the test, φ̂ (not
/// floored), its degrees of freedom and source, and the class the exact
/// Poisson test would give (the same for proportions).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Tested {
    pub class: Class,
    pub p_value: f64,
    pub test: Test,
    pub dispersion: Option<f64>,
    pub df: Option<u32>,
    pub pairs_from: Option<PairsFrom>,
    pub exact_class: Class,
    pub exact_p: f64,
    /// The class were the change significant: its direction through the
    /// polarity (no change for equal figures).
    pub if_significant: Class,
}

/// The significance class of `now` against `then`, with its p-value, or why
/// no test ran. `noise` is what a count's variation is judged by.
pub(super) fn significance(
    now: &Fig,
    then: &Fig,
    how: How,
    noise: Noise,
) -> Result<Tested, NoTest> {
    let direction = |higher: bool| {
        if higher == (how.polarity == Polarity::Up) {
            Class::Improvement
        } else {
            Class::Deterioration
        }
    };
    let class = |p: f64, higher: bool| {
        if significant(p, how.confidence) {
            direction(higher)
        } else {
            Class::NoChange
        }
    };
    let (p_value, higher, test) = match (now, then) {
        (Fig::Count(a), Fig::Count(b)) => {
            let (a, b) = (a.round().max(0.0), b.round().max(0.0));
            let exact_p = poisson_p_value(a as u64, b as u64);
            let exact_class = class(exact_p, a > b);
            let exact = Tested {
                class: exact_class,
                p_value: exact_p,
                test: Test::ExactPoisson,
                dispersion: None,
                df: None,
                pairs_from: None,
                exact_class,
                exact_p,
                if_significant: if a == b {
                    Class::NoChange
                } else {
                    direction(a > b)
                },
            };
            // First of all: a zero total, a figure from Values, or the
            // exact test chosen: the exact test.
            if a == 0.0 || b == 0.0 || how.count_test == CountTest::Exact {
                return Ok(exact);
            }
            return match noise {
                Noise::NotMonthly => Ok(exact),
                Noise::TooFew => Err(NoTest::TooFewMonths),
                Noise::Estimated(d, from) => {
                    let t = pair_test(a, b, d);
                    Ok(Tested {
                        class: class(t.p_value, a > b),
                        p_value: t.p_value,
                        test: Test::OverdispersedPoisson,
                        dispersion: Some(d.phi),
                        df: Some(d.df),
                        pairs_from: Some(from),
                        ..exact
                    })
                }
            };
        }
        (
            Fig::Rate {
                p: p1,
                n: Some(n1),
                x: x1,
            },
            Fig::Rate {
                p: p2,
                n: Some(n2),
                x: x2,
            },
        ) => {
            let (x1, x2) = (x1.unwrap_or(p1 * n1), x2.unwrap_or(p2 * n2));
            let t = two_proportion_z(x1, *n1, x2, *n2).ok_or(NoTest::NoVariance)?;
            // Which rate is higher, or whether they are equal, is decided on
            // the exact fractions (methods v3): equal rates are no change
            // (z = 0, p = 1), whatever the floating-point z says.
            match now.exact().cmp(&then.exact()) {
                Ordering::Equal => (1.0, false, Test::TwoProportionZ),
                o => (t.p_value, o == Ordering::Greater, Test::TwoProportionZ),
            }
        }
        (Fig::Rate { .. }, Fig::Rate { .. }) => return Err(NoTest::NoBase),
        _ => return Err(NoTest::NeedsBoth),
    };
    let c = class(p_value, higher);
    Ok(Tested {
        class: c,
        p_value,
        test,
        dispersion: None,
        df: None,
        pairs_from: None,
        exact_class: c,
        exact_p: p_value,
        if_significant: if p_value >= 1.0 {
            Class::NoChange
        } else {
            direction(higher)
        },
    })
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

    fn how(polarity: Polarity, count_test: CountTest) -> How {
        How {
            polarity,
            confidence: 0.95,
            count_test,
        }
    }

    #[test]
    fn significance_reads_through_polarity() {
        let down = how(Polarity::Down, CountTest::Overdispersed);
        let up = how(Polarity::Up, CountTest::Overdispersed);
        let (c271, c667) = (Fig::Count(271.0), Fig::Count(667.0));
        assert_eq!(
            significance(&c271, &c667, down, Noise::NotMonthly)
                .unwrap()
                .class,
            Class::Improvement
        );
        assert_eq!(
            significance(&c271, &c667, up, Noise::NotMonthly)
                .unwrap()
                .class,
            Class::Deterioration
        );
        let same = significance(
            &Fig::Count(4452.0),
            &Fig::Count(4365.0),
            down,
            Noise::NotMonthly,
        );
        assert_eq!(same.unwrap().class, Class::NoChange);
        // A zero baseline is still testable.
        let zero = significance(&Fig::Count(9.0), &Fig::Count(0.0), down, Noise::NotMonthly);
        assert_eq!(zero.unwrap().class, Class::Deterioration);
        let rate = |p, n| Fig::Rate { p, n, x: None };
        let no_base = significance(
            &rate(0.8, None),
            &rate(0.9, Some(100.0)),
            up,
            Noise::NotMonthly,
        );
        assert_eq!(no_base, Err(NoTest::NoBase));
    }

    #[test]
    fn proportions_at_exactly_equal_rates_are_no_change_with_p_1() {
        // 70 of 1000 summed from the months against 7 % of 100 given in
        // Values: 0.07 × 100 is 7.000000000000001 in floating point, a
        // z a hair from 0; the rates are equal, so p = 1.
        let up = how(Polarity::Up, CountTest::Overdispersed);
        let now = Fig::Rate {
            p: 70.0 / 1000.0,
            n: Some(1000.0),
            x: Some(70.0),
        };
        let then = Fig::Rate {
            p: 0.07,
            n: Some(100.0),
            x: None,
        };
        let t = significance(&now, &then, up, Noise::NotMonthly).unwrap();
        assert_eq!((t.class, t.p_value), (Class::NoChange, 1.0));
        assert_eq!(t.test, Test::TwoProportionZ);
    }

    #[test]
    fn month_pairs_change_the_class_only_in_overdispersed_mode() {
        // Methods v3 worked example: 1200 → 1320 with φ̂ ≈ 2.003 on 11 df.
        let d = Dispersion {
            phi: 2.0031130350489534,
            df: 11,
        };
        let test = |count_test, noise| {
            let (now, then) = (Fig::Count(1320.0), Fig::Count(1200.0));
            significance(&now, &then, how(Polarity::Down, count_test), noise)
        };
        let own = Noise::Estimated(d, PairsFrom::Own);
        let t = test(CountTest::Overdispersed, own).unwrap();
        assert_eq!(
            (t.class, t.test),
            (Class::NoChange, Test::OverdispersedPoisson)
        );
        assert_eq!(
            (t.exact_class, t.dispersion, t.df, t.pairs_from),
            (
                Class::Deterioration,
                Some(d.phi),
                Some(11),
                Some(PairsFrom::Own)
            )
        );
        assert!((t.p_value - 0.11933115352122842).abs() < 1e-7);
        let t = test(CountTest::Exact, own).unwrap();
        assert_eq!(
            (t.class, t.test, t.dispersion, t.df),
            (Class::Deterioration, Test::ExactPoisson, None, None)
        );
        assert!((t.p_value - 0.0177).abs() < 5e-5);
        // φ̂ < 1: still the month-pair test, φ̂ recorded unfloored, and
        // p = max(p_t, p_exact) ≥ p_exact.
        let small = Noise::Estimated(Dispersion { phi: 0.4, df: 22 }, PairsFrom::Last24Months);
        let t = test(CountTest::Overdispersed, small).unwrap();
        assert_eq!(
            (t.test, t.dispersion),
            (Test::OverdispersedPoisson, Some(0.4))
        );
        assert!(t.p_value >= t.exact_p);
        // Too few months: untested under overdispersed, exact under exact.
        assert_eq!(
            test(CountTest::Overdispersed, Noise::TooFew),
            Err(NoTest::TooFewMonths)
        );
        assert_eq!(
            test(CountTest::Exact, Noise::TooFew).unwrap().test,
            Test::ExactPoisson
        );
        // A zero window: the exact test first of all.
        let zero = significance(
            &Fig::Count(9.0),
            &Fig::Count(0.0),
            how(Polarity::Down, CountTest::Overdispersed),
            Noise::TooFew,
        );
        assert_eq!(zero.unwrap().test, Test::ExactPoisson);
    }

    #[test]
    fn windows_that_share_a_month_overlap() {
        let m = |y, mo| Month::new(y, mo).unwrap();
        let w = |a, b| Window { first: a, last: b };
        let baseline = w(m(2012, 4), m(2013, 3));
        assert!(windows_overlap(w(m(2012, 4), m(2013, 3)), baseline));
        assert!(windows_overlap(w(m(2012, 12), m(2013, 11)), baseline));
        assert!(windows_overlap(w(m(2013, 3), m(2014, 2)), baseline));
        assert!(!windows_overlap(w(m(2013, 4), m(2014, 3)), baseline));
        assert!(!windows_overlap(w(m(2011, 4), m(2012, 3)), baseline));
    }
}
