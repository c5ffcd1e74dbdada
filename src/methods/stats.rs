//! Significance tests behind the dashboard's colours: the exact conditional
//! test for two Poisson counts, its overdispersion-aware (quasi-Poisson)
//! form with the dispersion estimated from the monthly values (methods v2),
//! and the pooled two-proportion z-test. The distributions come from `statrs`.

use statrs::distribution::{Binomial, ContinuousCDF, DiscreteCDF, Normal};

use crate::methods::rounding::Exact;

/// Whether `p_value` is below the significance level 1 − `confidence`,
/// decided exactly on the decimals the two hold (methods v3): with
/// confidence 0.95 a p of exactly 0.05 is not significant, where
/// `1.0 - 0.95` in floating point is 0.050000000000000044.
pub fn significant(p_value: f64, confidence: f64) -> bool {
    match (Exact::from_f64(p_value), Exact::from_f64(confidence)) {
        (Some(p), Some(c)) => p < Exact::integer(1).minus(&c),
        _ => false,
    }
}

/// Two-sided p-value that counts `a` and `b`, observed over equal periods,
/// come from the same Poisson rate. Given a + b, `a` is Binomial(a + b, ½)
/// under no change; p = min(1, 2 · min(P(S ≤ a), P(S ≥ a))).
pub fn poisson_p_value(a: u64, b: u64) -> f64 {
    let n = a + b;
    if n == 0 {
        return 1.0;
    }
    let dist = Binomial::new(0.5, n).expect("p = 0.5 is a valid probability");
    let lower = dist.cdf(a);
    // P(S ≥ a) = P(S > a − 1): the survival function keeps tiny tails exact.
    let upper = if a == 0 { 1.0 } else { dist.sf(a - 1) };
    (2.0 * lower.min(upper)).min(1.0)
}

/// The dispersion φ of two windows of k monthly counts each (methods v2):
/// the Pearson statistic Σ (cᵢ − m_w)² / m_w over both windows, m_w being
/// the window's monthly mean, over 2k − 2 degrees of freedom. A window whose
/// mean is 0 adds nothing. `None` when the windows differ in length or have
/// fewer than 2 months (φ is not estimated).
pub fn dispersion(then: &[f64], now: &[f64]) -> Option<f64> {
    let k = then.len();
    if k < 2 || now.len() != k {
        return None;
    }
    let pearson = |w: &[f64]| {
        let mean = w.iter().sum::<f64>() / w.len() as f64;
        if mean <= 0.0 {
            return 0.0;
        }
        w.iter().map(|c| (c - mean).powi(2) / mean).sum::<f64>()
    };
    Some((pearson(then) + pearson(now)) / (2 * k - 2) as f64)
}

/// Two-sided p-value of the quasi-Poisson z test of totals `a` against `b`
/// over equal periods with dispersion `phi` (φ* ≥ 1):
/// z = (a − b) / √(φ · (a + b)), p = 2 · (1 − Φ(|z|)).
pub fn quasi_poisson_z(a: f64, b: f64, phi: f64) -> ZTest {
    let var = phi * (a + b);
    if var <= 0.0 || !var.is_finite() {
        return ZTest {
            z: 0.0,
            p_value: 1.0,
        };
    }
    let z = (a - b) / var.sqrt();
    let p_value = (2.0 * Normal::standard().sf(z.abs())).min(1.0);
    ZTest { z, p_value }
}

/// Result of a z test (two-proportion or quasi-Poisson).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZTest {
    pub z: f64,
    pub p_value: f64,
}

/// Pooled two-proportion z-test of x1/n1 against x2/n2 (z > 0 when the
/// first proportion is higher). `None` when either base is zero or the
/// pooled proportion is 0 or 1 (no variance to test against).
pub fn two_proportion_z(x1: f64, n1: f64, x2: f64, n2: f64) -> Option<ZTest> {
    if n1 <= 0.0 || n2 <= 0.0 {
        return None;
    }
    let pooled = (x1 + x2) / (n1 + n2);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    if se <= 0.0 || !se.is_finite() {
        return None;
    }
    let z = (x1 / n1 - x2 / n2) / se;
    let normal = Normal::standard();
    let p_value = (2.0 * normal.sf(z.abs())).min(1.0);
    Some(ZTest { z, p_value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_worked_examples_for_counts() {
        // 667 → 271: p < 1e-30.
        assert!(poisson_p_value(271, 667) < 1e-30);
        // 58805 → 59653: p ≈ 0.014 (z ≈ 2.46).
        let p = poisson_p_value(59653, 58805);
        assert!((p - 0.0137).abs() < 0.0005, "p = {p}");
        // 4365 → 4452: p ≈ 0.35.
        let p = poisson_p_value(4452, 4365);
        assert!((p - 0.35).abs() < 0.01, "p = {p}");
    }

    /// The baseline months of the methods v2 worked example (B = 1200).
    const V2_BASELINE: [f64; 12] = [
        100.0, 120.0, 80.0, 110.0, 90.0, 100.0, 130.0, 70.0, 100.0, 110.0, 90.0, 100.0,
    ];

    #[test]
    fn methods_v2_worked_examples_for_overdispersed_counts() {
        // Each month 10 higher (L = 1320): φ ≈ 2.603, z ≈ 1.482, p ≈ 0.138,
        // where the exact test gives p ≈ 0.0177; each month 15 higher
        // (L = 1380): φ ≈ 2.549, z ≈ 2.219, p ≈ 0.0265.
        for (d, want_phi, want_z, want_p) in
            [(10.0, 2.603, 1.482, 0.138), (15.0, 2.549, 2.219, 0.0265)]
        {
            let now: Vec<f64> = V2_BASELINE.iter().map(|c| c + d).collect();
            let phi = dispersion(&V2_BASELINE, &now).unwrap();
            assert!((phi - want_phi).abs() < 5e-4, "φ = {phi}");
            let t = quasi_poisson_z(now.iter().sum(), 1200.0, phi);
            assert!((t.z - want_z).abs() < 5e-4, "z = {}", t.z);
            assert!(
                (t.p_value - want_p).abs() < 5e-3 * want_p,
                "p = {}",
                t.p_value
            );
        }
        assert!((poisson_p_value(1320, 1200) - 0.0177).abs() < 5e-5);
    }

    #[test]
    fn dispersion_needs_two_equal_windows_and_skips_zero_means() {
        assert_eq!(dispersion(&[5.0], &[6.0]), None);
        assert_eq!(dispersion(&[5.0, 6.0], &[6.0]), None);
        // A zero window adds nothing: only (4−5)²/5 + (6−5)²/5 = 0.4 over 2.
        let phi = dispersion(&[0.0, 0.0], &[4.0, 6.0]).unwrap();
        assert!((phi - 0.4 / 2.0).abs() < 1e-12);
        // Constant months: φ = 0 (φ* = 1 then, the exact test).
        assert_eq!(dispersion(&[3.0; 12], &[4.0; 12]), Some(0.0));
    }

    #[test]
    fn poisson_test_is_symmetric_and_bounded() {
        assert_eq!(poisson_p_value(0, 0), 1.0);
        assert_eq!(poisson_p_value(10, 10), 1.0);
        let p1 = poisson_p_value(30, 50);
        let p2 = poisson_p_value(50, 30);
        assert!((p1 - p2).abs() < 1e-12);
        // From a zero baseline: 0 vs 5 has P(S ≤ 0) = 1/32, p = 1/16.
        assert!((poisson_p_value(0, 5) - 1.0 / 16.0).abs() < 1e-12);
        assert!((poisson_p_value(5, 0) - 1.0 / 16.0).abs() < 1e-12);
    }

    #[test]
    fn methods_worked_examples_for_proportions() {
        // 84.5% of 1000 vs 80.4% of 1000: z ≈ 2.41, significant.
        let t = two_proportion_z(845.0, 1000.0, 804.0, 1000.0).unwrap();
        assert!((t.z - 2.41).abs() < 0.01, "z = {}", t.z);
        assert!(t.p_value < 0.05);
        // The same rates on 400 each: z ≈ 1.52, not significant.
        let t = two_proportion_z(338.0, 400.0, 321.6, 400.0).unwrap();
        assert!((t.z - 1.52).abs() < 0.01, "z = {}", t.z);
        assert!(t.p_value > 0.05);
    }

    #[test]
    fn a_p_value_exactly_at_the_level_is_not_significant() {
        // The floating-point 1 − 0.95 is 0.050000000000000044, above 0.05.
        let (p, confidence) = (0.05, 0.95);
        assert!(p < 1.0 - confidence);
        assert!(!significant(p, confidence));
        assert!(significant(0.049_999_9, 0.95));
        assert!(!significant(0.1, 0.9));
        assert!(significant(0.099_999, 0.9));
        // 1/16 (the exact test of 0 against 5) at confidence 0.9375.
        assert!(!significant(0.0625, 0.9375));
        assert!(!significant(f64::NAN, 0.95));
    }

    #[test]
    fn degenerate_proportions_have_no_test() {
        assert!(two_proportion_z(0.0, 0.0, 5.0, 10.0).is_none());
        assert!(two_proportion_z(10.0, 10.0, 20.0, 20.0).is_none());
    }
}
