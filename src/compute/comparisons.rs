//! The pack's many comparisons (methods v3): how many printed comparisons
//! ran a test, how many would show as significant by chance alone, and,
//! with `Report.significance = fdr`, the Benjamini–Hochberg decision over
//! all of them.
//!
//! Enters: the printed rows with their tested cells, the report. Leaves:
//! the rows' classes (changed only under `fdr`) and the report's counts.

use crate::compute::records::{Class, Row};
use crate::compute::wording;
use crate::input::{Column, Report, Significance};
use crate::methods::rounding::Exact;

/// What the report records of the pack's comparisons.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Comparisons {
    /// N: the printed comparisons that ran a test.
    pub n: usize,
    /// M = N × (1 − confidence), exactly, rounded half up.
    pub expected: i128,
    /// With `fdr`: the BH threshold, or `Some(None)` when nothing is
    /// significant; `None` per comparison.
    pub threshold: Option<Option<f64>>,
    /// The KEY's sentence, when N > 0.
    pub sentence: Option<String>,
    /// Log lines of classes that `fdr` changed (from the per-comparison
    /// class, which is v2's decision rule).
    pub fdr_changes: Vec<String>,
}

/// The compared columns whose cells carry a test's p-value.
const TESTED: [Column; 2] = [Column::Latest, Column::Ytd];

/// Counts the pack's comparisons and, under `fdr`, classes every tested
/// cell by the Benjamini–Hochberg threshold (the records keep the raw p).
pub(super) fn many_comparisons(rows: &mut [Row], report: &Report) -> Comparisons {
    let mut p_values: Vec<f64> = rows
        .iter()
        .flat_map(|r| TESTED.iter().filter_map(|c| r.cells.get(c)))
        .filter_map(|cell| cell.p_value)
        .collect();
    let n = p_values.len();
    let confidence = Exact::from_f64(report.confidence).unwrap_or_else(|| Exact::integer(0));
    let q = Exact::integer(1).minus(&confidence);
    let expected = q.times(&Exact::integer(n as i64)).round_scaled(0);
    let mut fdr_changes = Vec::new();
    let threshold = match report.significance {
        Significance::PerComparison => None,
        Significance::Fdr => {
            p_values.sort_by(f64::total_cmp);
            let t = bh_threshold(&p_values, &q);
            for row in rows.iter_mut() {
                let code = row.code.clone();
                for (column, cell) in row.cells.iter_mut().filter(|(c, _)| TESTED.contains(c)) {
                    let (Some(p), Some(class)) = (cell.p_value, cell.if_significant) else {
                        continue;
                    };
                    let class = match t {
                        Some(t) if p <= t => class,
                        _ => Class::NoChange,
                    };
                    if cell.class != Some(class) {
                        fdr_changes.push(wording::fdr_change_log(
                            &code, *column, cell.class, class, n, t,
                        ));
                    }
                    cell.class = Some(class);
                    cell.alt = Some(wording::class_alt(&cell.text, class));
                }
            }
            Some(t)
        }
    };
    let sentence = (n > 0).then(|| match report.significance {
        Significance::PerComparison => wording::comparisons_sentence(n, expected),
        Significance::Fdr => wording::fdr_sentence(n, &q),
    });
    Comparisons {
        n,
        expected,
        threshold,
        sentence,
        fdr_changes,
    }
}

/// The Benjamini–Hochberg threshold at level `q` over p-values sorted
/// ascending: p₍ᵢ₎ for the largest i with p₍ᵢ₎ ≤ i·q/N (decided exactly on
/// the decimals), or `None` when there is no such i.
pub(super) fn bh_threshold(sorted: &[f64], q: &Exact) -> Option<f64> {
    let n = Exact::integer(sorted.len() as i64);
    sorted
        .iter()
        .enumerate()
        .rev()
        .find(|(i, p)| {
            let Some(p) = Exact::from_f64(**p) else {
                return false;
            };
            let limit = q
                .times(&Exact::integer(*i as i64 + 1))
                .ratio(&n)
                .unwrap_or_else(|| Exact::integer(0));
            p <= limit
        })
        .map(|(_, p)| *p)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Reference: scipy 1.17.1 scipy.stats.false_discovery_control(p)
    // (BH-adjusted p) gives 0.01, 0.02, 0.04, 0.05, 0.06, … for these 10:
    // the first 4 are at or below 0.05 (by hand: p₍₄₎ = 0.02 ≤ 4 · 0.005,
    // p₍₅₎ = 0.03 > 0.025, …, p₍₁₀₎ = 0.9 > 0.05).
    #[test]
    fn benjamini_hochberg_takes_the_largest_i_under_its_line() {
        let q = Exact::fraction(5, 100).unwrap();
        let p = [0.001, 0.004, 0.012, 0.02, 0.03, 0.2, 0.3, 0.5, 0.7, 0.9];
        assert_eq!(bh_threshold(&p, &q), Some(0.02));
        // Step-up: 0.03 is above its own line (0.025) but below the
        // threshold 0.04 ≤ 2 · 0.05 / 2 (scipy: adjusted 0.04, 0.04).
        let p = [0.03, 0.04];
        assert_eq!(bh_threshold(&p, &q), Some(0.04));
        // Exactly on the line counts (≤): 0.05 ≤ 1 · 0.05 / 1.
        assert_eq!(bh_threshold(&[0.05], &q), Some(0.05));
        assert_eq!(bh_threshold(&[0.051], &q), None);
        assert_eq!(bh_threshold(&[], &q), None);
    }
}
