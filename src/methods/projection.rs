//! Projections: an ordinary least-squares line through the last 36 monthly
//! values (at least 24), carried over the projection year, with its 95%
//! prediction interval. Methods v2 keeps them in range: a count's total and
//! bounds are floored at 0 ([`Interval::floor`]); a proportion's line is
//! fitted to the logit of the monthly rates ([`empirical_logit`]) and each
//! month's prediction and bounds are back-transformed before they are
//! averaged ([`Fit::logit_mean`]), so the interval never collapses at 0 or 100 %.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Most months fitted.
pub const MAX_MONTHS: usize = 36;
/// Fewest months fitted.
pub const MIN_MONTHS: usize = 24;

/// A fitted line y = intercept + slope · x, x counted in months from the
/// first fitted month (x = 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    pub intercept: f64,
    pub slope: f64,
    /// Residual standard error (n − 2 degrees of freedom).
    pub sigma: f64,
    pub n: usize,
    mean_x: f64,
    sxx: f64,
}

impl Fit {
    /// Least squares through `ys` at x = 0, 1, 2 …; needs at least three points.
    pub fn new(ys: &[f64]) -> Option<Fit> {
        let n = ys.len();
        if n < 3 {
            return None;
        }
        let nf = n as f64;
        let mean_x = (nf - 1.0) / 2.0;
        let mean_y = ys.iter().sum::<f64>() / nf;
        let sxx: f64 = (0..n).map(|i| (i as f64 - mean_x).powi(2)).sum();
        let sxy: f64 = ys
            .iter()
            .enumerate()
            .map(|(i, y)| (i as f64 - mean_x) * (y - mean_y))
            .sum();
        let slope = sxy / sxx;
        let intercept = mean_y - slope * mean_x;
        let sse: f64 = ys
            .iter()
            .enumerate()
            .map(|(i, y)| (y - (intercept + slope * i as f64)).powi(2))
            .sum();
        Some(Fit {
            intercept,
            slope,
            sigma: (sse / (nf - 2.0)).sqrt(),
            n,
            mean_x,
            sxx,
        })
    }

    /// The line's value at x.
    pub fn at(&self, x: f64) -> f64 {
        self.intercept + self.slope * x
    }

    /// Total of the line over the months `xs`, with a prediction interval at
    /// `level` for the total of new observations there.
    pub fn total(&self, xs: &[f64], level: f64) -> Interval {
        let k = xs.len() as f64;
        let value: f64 = xs.iter().map(|&x| self.at(x)).sum();
        let spread: f64 = xs.iter().map(|&x| x - self.mean_x).sum();
        let se = self.sigma * (k + k * k / self.n as f64 + spread * spread / self.sxx).sqrt();
        let t = StudentsT::new(0.0, 1.0, (self.n - 2) as f64)
            .expect("n ≥ 3 gives positive degrees of freedom")
            .inverse_cdf(0.5 + level / 2.0);
        Interval {
            value,
            low: value - t * se,
            high: value + t * se,
        }
    }

    /// The line at month x with the prediction interval of one new
    /// observation there: ± t · σ · √(1 + 1/n + (x − x̄)² / Sxx).
    pub fn point(&self, x: f64, level: f64) -> Interval {
        self.total(&[x], level)
    }

    /// For a line fitted on the logit scale: each month's prediction and its
    /// interval back-transformed to a rate, then averaged over the months `xs`.
    pub fn logit_mean(&self, xs: &[f64], level: f64) -> Interval {
        let k = xs.len() as f64;
        let (mut value, mut low, mut high) = (0.0, 0.0, 0.0);
        for &x in xs {
            let i = self.point(x, level);
            value += expit(i.value);
            low += expit(i.low);
            high += expit(i.high);
        }
        Interval {
            value: value / k,
            low: low / k,
            high: high / k,
        }
    }

    /// Mean of the line over the months `xs`, with a prediction interval for
    /// the mean of new observations there.
    pub fn mean(&self, xs: &[f64], level: f64) -> Interval {
        let k = xs.len() as f64;
        let t = self.total(xs, level);
        Interval {
            value: t.value / k,
            low: t.low / k,
            high: t.high / k,
        }
    }
}

/// A projected figure and its prediction interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

impl Interval {
    /// The value and both bounds floored at `floor` (a count at 0).
    pub fn floor(self, floor: f64) -> Interval {
        Interval {
            value: self.value.max(floor),
            low: self.low.max(floor),
            high: self.high.max(floor),
        }
    }
}

/// The logit of a month's rate x/n; a month with none or all positive is
/// taken as (x + 0.5)/(n + 1) so that its logit is finite. `None` for n ≤ 0.
pub fn empirical_logit(x: f64, n: f64) -> Option<f64> {
    if n <= 0.0 || !(0.0..=n).contains(&x) {
        return None;
    }
    let r = if x == 0.0 || x == n {
        (x + 0.5) / (n + 1.0)
    } else {
        x / n
    };
    Some((r / (1.0 - r)).ln())
}

/// The inverse of the logit: 1 / (1 + e^−y).
pub fn expit(y: f64) -> f64 {
    1.0 / (1.0 + (-y).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_line_projects_exactly() {
        let ys: Vec<f64> = (0..24).map(|x| 10.0 + 2.0 * x as f64).collect();
        let fit = Fit::new(&ys).unwrap();
        assert!((fit.slope - 2.0).abs() < 1e-12);
        assert!((fit.intercept - 10.0).abs() < 1e-12);
        let xs: Vec<f64> = (24..36).map(|x| x as f64).collect();
        let t = fit.total(&xs, 0.95);
        // 12 · 10 + 2 · (24 + … + 35) = 120 + 708 = 828.
        assert!((t.value - 828.0).abs() < 1e-9);
        assert!((t.high - t.low).abs() < 1e-9);
    }

    #[test]
    fn counts_floor_at_zero() {
        let i = Interval {
            value: -1146.0,
            low: -2000.0,
            high: 12.0,
        }
        .floor(0.0);
        assert_eq!((i.value, i.low, i.high), (0.0, 0.0, 12.0));
    }

    #[test]
    fn empirical_logit_keeps_all_and_none_finite() {
        assert!((empirical_logit(50.0, 100.0).unwrap()).abs() < 1e-12);
        // 100 of 100: (100.5)/(101) → logit = ln(100.5 / 0.5) = ln 201.
        assert!((empirical_logit(100.0, 100.0).unwrap() - 201f64.ln()).abs() < 1e-12);
        assert!((empirical_logit(0.0, 100.0).unwrap() + 201f64.ln()).abs() < 1e-12);
        assert_eq!(empirical_logit(5.0, 0.0), None);
        assert!((expit(201f64.ln()) - 100.5 / 101.0).abs() < 1e-12);
    }

    #[test]
    fn logit_projection_stays_inside_and_does_not_collapse() {
        // A rate climbing to 100 %: the straight line on the rates passes
        // 100 %; on the logit scale the mean and both bounds stay inside.
        let ys: Vec<f64> = (0..36)
            .map(|i| {
                let x = (90 + i / 4).min(100) as f64;
                empirical_logit(x, 100.0).unwrap()
            })
            .collect();
        let fit = Fit::new(&ys).unwrap();
        let xs: Vec<f64> = (40..52).map(|x| x as f64).collect();
        let p = fit.logit_mean(&xs, 0.95);
        assert!(p.low < p.value && p.value < p.high && p.high < 1.0, "{p:?}");
        assert!(p.low > 0.9, "{p:?}");
        // A flat line projects its own rate with an interval around it.
        let flat = Fit::new(&[0.0, 0.1, -0.1, 0.0, 0.1, -0.1]).unwrap();
        let m = flat.logit_mean(&[6.0], 0.95);
        assert!((m.value - 0.5).abs() < 0.01 && m.low < 0.5 && m.high > 0.5);
    }

    #[test]
    fn hand_computed_ols_with_noise() {
        // x = 0..4, y = 1, 3, 2, 5, 4: x̄ = 2, ȳ = 3, Sxy = 8, Sxx = 10,
        // slope 0.8, intercept 1.4, residuals -0.4, 0.8, -1, 1.2, -0.6:
        // SSE = 3.6, σ = √(3.6/3).
        let fit = Fit::new(&[1.0, 3.0, 2.0, 5.0, 4.0]).unwrap();
        assert!((fit.slope - 0.8).abs() < 1e-12);
        assert!((fit.intercept - 1.4).abs() < 1e-12);
        assert!((fit.sigma - (3.6f64 / 3.0).sqrt()).abs() < 1e-12);
        // One month ahead, x = 5: 1.4 + 4 = 5.4, interval
        // ± t(0.975, 3) · σ · √(1 + 1/5 + 9/10), t(0.975, 3) = 3.182446.
        let one = fit.total(&[5.0], 0.95);
        assert!((one.value - 5.4).abs() < 1e-12);
        let half = 3.182446 * (3.6f64 / 3.0).sqrt() * 2.1f64.sqrt();
        assert!((one.high - one.value - half).abs() < 1e-4, "{one:?}");
    }
}
