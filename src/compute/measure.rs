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
use crate::compute::records::{Cell, Class, Test};
use crate::compute::wording::{self, points_exact, var_exact};
use crate::input::{Column, CountTest, Given, Indicator, Kind, Polarity};
use crate::methods::rounding::Exact;
use crate::methods::stats::{
    dispersion, poisson_p_value, quasi_poisson_z, significant, two_proportion_z,
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
/// differs from the exact Poisson test's (methods v2).
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
        let phi = monthly_dispersion(inputs, ind, now_col, then_col);
        match significance(&now, &then, how, phi) {
            Ok(t) => {
                let cell = cells.get_mut(&now_col).expect("checked above");
                if t.class != t.exact_class {
                    diag.log(wording::overdispersed_log(ind.code.as_str(), now_col, &t));
                }
                cell.class = Some(t.class);
                cell.p_value = Some(t.p_value);
                cell.dispersion = Some(t.dispersion);
                cell.test = Some(t.test);
                cell.alt = Some(wording::class_alt(&cell.text, t.class));
            }
            Err(why) => diag.log(wording::uncoloured_log(ind.code.as_str(), now_col, why)),
        }
    }
}

/// φ of methods v2 for a count whose two compared windows are both summed
/// from sheet `Monthly` (neither given in `Values`), else `None`.
fn monthly_dispersion(inputs: &Inputs, ind: &Indicator, now: Column, then: Column) -> Option<f64> {
    if ind.kind != Kind::Count
        || inputs.given(ind, now).is_some()
        || inputs.given(ind, then).is_some()
    {
        return None;
    }
    let series = inputs.series(ind)?;
    let months = |c: Column| -> Option<Vec<f64>> {
        let window = inputs.windows.of(c)?;
        window
            .months()
            .map(|m| series.get(&m).map(|(v, _)| *v))
            .collect()
    };
    dispersion(&months(then)?, &months(now)?)
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

/// A test's outcome: the class and p-value printed, the test and φ*, and
/// the class the exact Poisson test would give (the same for proportions).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Tested {
    pub class: Class,
    pub p_value: f64,
    pub test: Test,
    pub dispersion: Option<f64>,
    pub exact_class: Class,
    pub exact_p: f64,
}

/// The significance class of `now` against `then`, with its p-value, or why
/// no test ran. `phi` is the counts' dispersion from the monthly values.
pub(super) fn significance(
    now: &Fig,
    then: &Fig,
    how: How,
    phi: Option<f64>,
) -> Result<Tested, NoTest> {
    let class = |p: f64, higher: bool| {
        if !significant(p, how.confidence) {
            Class::NoChange
        } else if higher == (how.polarity == Polarity::Up) {
            Class::Improvement
        } else {
            Class::Deterioration
        }
    };
    let (p_value, higher, test) = match (now, then) {
        (Fig::Count(a), Fig::Count(b)) => {
            let (a, b) = (a.round().max(0.0), b.round().max(0.0));
            let exact_p = poisson_p_value(a as u64, b as u64);
            let exact_class = class(exact_p, a > b);
            let phi_star = phi.map(|f| f.max(1.0));
            let tested = |class, p_value, test| Tested {
                class,
                p_value,
                test,
                dispersion: phi_star,
                exact_class,
                exact_p,
            };
            return Ok(match phi_star {
                Some(f) if f > 1.0 && how.count_test == CountTest::Overdispersed => {
                    let z = quasi_poisson_z(a, b, f);
                    let c = class(z.p_value, z.z > 0.0);
                    tested(c, z.p_value, Test::OverdispersedPoisson)
                }
                _ => tested(exact_class, exact_p, Test::ExactPoisson),
            });
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
        exact_class: c,
        exact_p: p_value,
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
            significance(&c271, &c667, down, None).unwrap().class,
            Class::Improvement
        );
        assert_eq!(
            significance(&c271, &c667, up, None).unwrap().class,
            Class::Deterioration
        );
        let same = significance(&Fig::Count(4452.0), &Fig::Count(4365.0), down, None);
        assert_eq!(same.unwrap().class, Class::NoChange);
        // A zero baseline is still testable.
        let zero = significance(&Fig::Count(9.0), &Fig::Count(0.0), down, None);
        assert_eq!(zero.unwrap().class, Class::Deterioration);
        let rate = |p, n| Fig::Rate { p, n, x: None };
        let no_base = significance(&rate(0.8, None), &rate(0.9, Some(100.0)), up, None);
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
        let t = significance(&now, &then, up, None).unwrap();
        assert_eq!((t.class, t.p_value), (Class::NoChange, 1.0));
        assert_eq!(t.test, Test::TwoProportionZ);
    }

    #[test]
    fn overdispersion_changes_the_class_only_in_overdispersed_mode() {
        // Methods v2 worked example: 1200 → 1320 with φ ≈ 2.603.
        let test = |count_test, phi| {
            let (now, then) = (Fig::Count(1320.0), Fig::Count(1200.0));
            significance(&now, &then, how(Polarity::Down, count_test), Some(phi)).unwrap()
        };
        let t = test(CountTest::Overdispersed, 2.603);
        assert_eq!(
            (t.class, t.test),
            (Class::NoChange, Test::OverdispersedPoisson)
        );
        assert_eq!(
            (t.exact_class, t.dispersion),
            (Class::Deterioration, Some(2.603))
        );
        assert!((t.p_value - 0.138).abs() < 5e-4);
        let t = test(CountTest::Exact, 2.603);
        assert_eq!(
            (t.class, t.test),
            (Class::Deterioration, Test::ExactPoisson)
        );
        assert!((t.p_value - 0.0177).abs() < 5e-5);
        // φ < 1 gives φ* = 1: the exact test.
        let t = test(CountTest::Overdispersed, 0.4);
        assert_eq!((t.test, t.dispersion), (Test::ExactPoisson, Some(1.0)));
    }
}
