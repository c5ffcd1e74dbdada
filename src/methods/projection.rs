//! Projections: an ordinary least-squares line through the last 36 monthly
//! values (at least 24), carried over the projection year, with its 95%
//! prediction interval.

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
    /// Clamped to [lo, hi] (proportions stay within 0–100%).
    pub fn clamp(self, lo: f64, hi: f64) -> Interval {
        Interval {
            value: self.value.clamp(lo, hi),
            low: self.low.clamp(lo, hi),
            high: self.high.clamp(lo, hi),
        }
    }
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
