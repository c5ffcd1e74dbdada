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

/// The lag-1 autocorrelation of residuals in order (methods v3):
/// ρ̂ = Σₜ eₜ·eₜ₋₁ / Σₜ eₜ²; 0 when every residual is 0.
pub fn lag1_autocorrelation(residuals: &[f64]) -> f64 {
    let ss: f64 = residuals.iter().map(|e| e * e).sum();
    if ss <= 0.0 {
        return 0.0;
    }
    residuals.windows(2).map(|w| w[0] * w[1]).sum::<f64>() / ss
}

/// The largest ρ̂ the autocorrelation allowance uses.
pub const RHO_CAP: f64 = 0.9;

/// A count's projection of a year partly observed (methods v3).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CountProjection {
    /// The observed months' sum plus the line over the months to come.
    pub value: f64,
    /// The 95 % interval of the year's total, floored at 0; `None` when it
    /// would have no width (a perfect line).
    pub interval: Option<(f64, f64)>,
    /// ρ̂ of the fit's residuals (before the cap).
    pub rho: f64,
}

/// Why a count is not projected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoProjection {
    /// The line reaches 0 before the projection year ends.
    FallsToZero,
    /// Too few months to fit (fewer than 3).
    TooFew,
}

/// Methods v3: a count's year = `observed` (the year's months already
/// known) + the OLS line through `ys` (x = 0, 1, …) at the months to come
/// `to_come`; the variance of their total σ̂²·(h + sᵀ(XᵀX)⁻¹s), times
/// (1 + ρ̂)/(1 − ρ̂) when ρ̂ > 0 (ρ̂ capped at 0.9); the interval total ±
/// t(0.975; n − 2)·√variance, floored at 0, and none of zero width.
pub fn project_count(
    ys: &[f64],
    observed: f64,
    to_come: &[f64],
) -> Result<CountProjection, NoProjection> {
    let fit = Fit::new(ys).ok_or(NoProjection::TooFew)?;
    if to_come.iter().any(|&x| fit.at(x) <= 0.0) {
        return Err(NoProjection::FallsToZero);
    }
    let residuals: Vec<f64> = ys
        .iter()
        .enumerate()
        .map(|(i, y)| y - fit.at(i as f64))
        .collect();
    let rho = lag1_autocorrelation(&residuals);
    let total = fit.total(to_come, 0.95);
    let value = observed + total.value;
    let allowance = if rho > 0.0 {
        let r = rho.min(RHO_CAP);
        ((1.0 + r) / (1.0 - r)).sqrt()
    } else {
        1.0
    };
    let half = (total.high - total.value) * allowance;
    let (low, high) = ((value - half).max(0.0), (value + half).max(0.0));
    Ok(CountProjection {
        value,
        interval: (high > low).then_some((low, high)),
        rho,
    })
}

/// A binomial regression with a logit link and a straight line in time,
/// fitted by iteratively reweighted least squares (methods v3).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogitFit {
    pub intercept: f64,
    pub slope: f64,
    /// (XᵀWX)⁻¹ as [[a, b], [b, c]], W from the fitted rates.
    pub cov: [[f64; 2]; 2],
    /// Pearson χ² over (months − 2).
    pub phi: f64,
    pub n: usize,
}

impl LogitFit {
    /// Fits months' (positives, base) at x = 0, 1, …; a month with 0 or all
    /// positive enters as (x + 0.5) of (n + 1). `None` with fewer than 3
    /// months, a base ≤ 0, or no convergence.
    pub fn new(months: &[(f64, f64)]) -> Option<LogitFit> {
        let m = months.len();
        if m < 3 {
            return None;
        }
        let data: Vec<(f64, f64)> = months
            .iter()
            .map(|&(x, n)| {
                if n <= 0.0 || !(0.0..=n).contains(&x) {
                    None
                } else if x == 0.0 || x == n {
                    Some((x + 0.5, n + 1.0))
                } else {
                    Some((x, n))
                }
            })
            .collect::<Option<_>>()?;
        let mut eta: Vec<f64> = data.iter().map(|(x, n)| (x / (n - x)).ln()).collect();
        let mut beta = (0.0, 0.0);
        let mut cov = [[0.0; 2]; 2];
        for iteration in 0..100 {
            let (mut s0, mut s1, mut s2, mut z0, mut z1) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for (i, ((x, n), e)) in data.iter().zip(&eta).enumerate() {
                let mu = expit(*e);
                let v = mu * (1.0 - mu);
                let w = n * v;
                let z = e + (x / n - mu) / v;
                let t = i as f64;
                s0 += w;
                s1 += w * t;
                s2 += w * t * t;
                z0 += w * z;
                z1 += w * z * t;
            }
            let det = s0 * s2 - s1 * s1;
            if det <= 0.0 || !det.is_finite() {
                return None;
            }
            cov = [[s2 / det, -s1 / det], [-s1 / det, s0 / det]];
            let next = ((s2 * z0 - s1 * z1) / det, (s0 * z1 - s1 * z0) / det);
            let done = iteration > 0
                && (next.0 - beta.0).abs() < 1e-12 * (1.0 + beta.0.abs())
                && (next.1 - beta.1).abs() < 1e-12 * (1.0 + beta.1.abs());
            beta = next;
            eta = (0..m).map(|i| beta.0 + beta.1 * i as f64).collect();
            if done {
                break;
            }
        }
        let chi2: f64 = data
            .iter()
            .zip(&eta)
            .map(|((x, n), e)| {
                let mu = expit(*e);
                (x - n * mu).powi(2) / (n * mu * (1.0 - mu))
            })
            .sum();
        let fit = LogitFit {
            intercept: beta.0,
            slope: beta.1,
            cov,
            phi: chi2 / (m - 2) as f64,
            n: m,
        };
        (fit.intercept.is_finite() && fit.slope.is_finite()).then_some(fit)
    }

    /// The fitted logit at x.
    pub fn at(&self, x: f64) -> f64 {
        self.intercept + self.slope * x
    }

    /// Methods v3: the year's rate Σ positives / Σ base over the observed
    /// months (`observed` = (positives, base) summed) and the months to
    /// come `to_come` (each a base of `base_mean` with base_mean·expit(ηⱼ)
    /// positives), and its 95 % interval: every ηⱼ shifted by ∓ t·√V,
    /// V = φ*·Var(η̄) + φ* / (h·n̄·p̄(1 − p̄)), t = t(0.975; months − 2).
    pub fn year_rate(&self, observed: (f64, f64), to_come: &[f64], base_mean: f64) -> Interval {
        let h = to_come.len() as f64;
        let rate = |shift: f64| {
            let positives: f64 = to_come
                .iter()
                .map(|&x| base_mean * expit(self.at(x) + shift))
                .sum();
            (observed.0 + positives) / (observed.1 + h * base_mean)
        };
        if to_come.is_empty() || base_mean <= 0.0 {
            let r = rate(0.0);
            return Interval {
                value: r,
                low: r,
                high: r,
            };
        }
        let phi = self.phi.max(1.0);
        let xbar = to_come.iter().sum::<f64>() / h;
        let c = self.cov;
        let var_eta = c[0][0] + 2.0 * xbar * c[0][1] + xbar * xbar * c[1][1];
        let pbar = expit(self.at(xbar));
        let v = phi * var_eta + phi / (h * base_mean * pbar * (1.0 - pbar));
        let t = StudentsT::new(0.0, 1.0, (self.n - 2) as f64)
            .expect("n ≥ 3 gives positive degrees of freedom")
            .inverse_cdf(0.975);
        let half = t * v.sqrt();
        Interval {
            value: rate(0.0),
            low: rate(-half),
            high: rate(half),
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
    /// 30 months: a rising line with autocorrelated wobbles.
    const RISING: [f64; 30] = [
        205.0, 212.0, 210.0, 207.0, 206.0, 212.0, 219.0, 228.0, 234.0, 233.0, 230.0, 228.0, 228.0,
        235.0, 244.0, 251.0, 251.0, 250.0, 247.0, 248.0, 258.0, 267.0, 274.0, 274.0, 273.0, 272.0,
        272.0, 279.0, 287.0, 294.0,
    ];

    // Reference: statsmodels 0.15.0 OLS(ys, add_constant(x)).fit(): ρ̂ from
    // its residuals, variance = scale·(h + sᵀ(XᵀX)⁻¹s)·(1 + ρ̂)/(1 − ρ̂), t =
    // scipy.stats.t.ppf(0.975, 28); the year's last 4 months observed (the
    // fitted months 26–29), 8 to come (x = 30–37).
    #[test]
    fn a_year_partly_observed_counts_its_months_and_allows_for_autocorrelation() {
        let observed: f64 = RISING[26..].iter().sum();
        let to_come: Vec<f64> = (30..38).map(f64::from).collect();
        let p = project_count(&RISING, observed, &to_come).unwrap();
        assert!((p.rho - 0.6060786165950612).abs() < 1e-9, "ρ̂ = {}", p.rho);
        assert!((p.value - 3531.143344456803).abs() < 1e-6, "{p:?}");
        let (low, high) = p.interval.unwrap();
        assert!((low - 3429.4224000502477).abs() < 1e-4, "{p:?}");
        assert!((high - 3632.864288863358).abs() < 1e-4, "{p:?}");
    }

    #[test]
    fn a_falling_count_line_gives_no_projection_and_a_perfect_line_no_interval() {
        let falling: Vec<f64> = (0..24).map(|i| 100.0 - 4.0 * f64::from(i)).collect();
        let to_come: Vec<f64> = (24..36).map(f64::from).collect();
        // The line reaches 0 at x = 25, inside the year.
        assert_eq!(
            project_count(&falling, 0.0, &to_come),
            Err(NoProjection::FallsToZero)
        );
        let exact: Vec<f64> = (0..24).map(|i| 10.0 + 2.0 * f64::from(i)).collect();
        let p = project_count(&exact, 0.0, &to_come).unwrap();
        assert!((p.value - 828.0).abs() < 1e-9);
        assert_eq!(p.interval, None, "no zero-width interval");
        // Negative autocorrelation: no allowance (the plain interval).
        let zigzag: Vec<f64> = (0..24)
            .map(|i| 100.0 + if i % 2 == 0 { 5.0 } else { -5.0 })
            .collect();
        let p = project_count(&zigzag, 0.0, &to_come).unwrap();
        assert!(p.rho < 0.0);
        let plain = Fit::new(&zigzag).unwrap().total(&to_come, 0.95);
        let (low, high) = p.interval.unwrap();
        assert!((low - plain.low).abs() < 1e-9 && (high - plain.high).abs() < 1e-9);
    }

    const BASES: [f64; 24] = [
        120.0, 95.0, 130.0, 110.0, 140.0, 100.0, 90.0, 125.0, 115.0, 105.0, 135.0, 120.0, 98.0,
        112.0, 128.0, 102.0, 118.0, 124.0, 96.0, 130.0, 108.0, 122.0, 114.0, 126.0,
    ];
    const POSITIVES: [f64; 24] = [
        96.0, 74.0, 103.0, 90.0, 110.0, 81.0, 70.0, 101.0, 93.0, 82.0, 110.0, 97.0, 78.0, 92.0,
        101.0, 83.0, 96.0, 99.0, 78.0, 104.0, 86.0, 100.0, 92.0, 101.0,
    ];

    // Reference: statsmodels 0.15.0 GLM(successes/failures, add_constant(x),
    // family=Binomial()).fit(): params, pearson_chi2 / 22; the
    // year's rate and interval by the formula of methods v3 in numpy (the
    // last 3 months observed, 9 to come, n̄ the mean of the last 12 bases,
    // t = scipy.stats.t.ppf(0.975, 22)).
    #[test]
    fn the_binomial_logit_fit_and_the_years_rate_agree_with_statsmodels() {
        let months: Vec<(f64, f64)> = POSITIVES.iter().copied().zip(BASES).collect();
        let fit = LogitFit::new(&months).unwrap();
        assert!((fit.intercept - 1.3606101247047593).abs() < 1e-9, "{fit:?}");
        assert!((fit.slope - 0.003531509420854317).abs() < 1e-10, "{fit:?}");
        assert!((fit.phi - 0.10940133360208498).abs() < 1e-9, "{fit:?}");
        // The covariance at the fitted rates: numpy's inv(XᵀWX) with W =
        // n·μ(1 − μ) at statsmodels' params (its cov_params() holds the
        // weights of its last iteration but one: 0.0084901692…).
        assert!(
            (fit.cov[0][0] - 0.008490184792576447).abs() < 1e-12,
            "{fit:?}"
        );
        assert!((fit.cov[0][1] + 0.0005412889228549185).abs() < 1e-13);
        assert!((fit.cov[1][1] - 4.720067646941518e-05).abs() < 1e-14);
        let observed = (
            POSITIVES[21..].iter().sum::<f64>(),
            BASES[21..].iter().sum::<f64>(),
        );
        let base_mean = BASES[12..].iter().sum::<f64>() / 12.0;
        let to_come: Vec<f64> = (24..33).map(f64::from).collect();
        let y = fit.year_rate(observed, &to_come, base_mean);
        assert!((y.value - 0.810916999920205).abs() < 1e-9, "{y:?}");
        assert!((y.low - 0.7731701075754173).abs() < 1e-7, "{y:?}");
        assert!((y.high - 0.8421772375475756).abs() < 1e-7, "{y:?}");
    }

    #[test]
    fn a_survey_at_zero_every_month_still_gets_an_interval_of_honest_width() {
        let months = vec![(0.0, 50.0); 24];
        let fit = LogitFit::new(&months).unwrap();
        let to_come: Vec<f64> = (24..36).map(f64::from).collect();
        let y = fit.year_rate((0.0, 0.0), &to_come, 50.0);
        assert!(y.low < y.value && y.value < y.high, "{y:?}");
        assert!(y.high - y.low > 0.001, "{y:?}");
        // A 5-respondent month does not weigh like a 900-respondent one.
        let mut months: Vec<(f64, f64)> = (0..24).map(|_| (450.0, 900.0)).collect();
        months[23] = (5.0, 5.0);
        let fit = LogitFit::new(&months).unwrap();
        assert!(fit.at(23.0) < 0.1, "{fit:?}");
    }
}
