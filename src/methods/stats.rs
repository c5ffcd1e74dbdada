//! Significance tests behind the dashboard's colours: the exact conditional
//! test for two Poisson counts, and the pooled two-proportion z-test. The
//! distributions come from `statrs`.

use statrs::distribution::{Binomial, ContinuousCDF, DiscreteCDF, Normal};

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

/// Result of a two-proportion z-test.
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
    fn degenerate_proportions_have_no_test() {
        assert!(two_proportion_z(0.0, 0.0, 5.0, 10.0).is_none());
        assert!(two_proportion_z(10.0, 10.0, 20.0, 20.0).is_none());
    }
}
