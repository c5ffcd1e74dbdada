//! Exact rounding of printed figures (methods v2): a percentage or a change
//! is rounded half away from zero on its exact fraction, never on a
//! floating-point product (`0.1725 * 100.0` is `17.249999…`).
//!
//! A number read from a workbook is the decimal the analyst typed; an `f64`
//! holds the nearest binary fraction, and its shortest round-trip decimal
//! (Rust's `Display`) gives the typed decimal back. [`Exact`] is that decimal
//! as an exact rational (`num-rational`), on which the arithmetic of a
//! printed figure (a ratio, a difference of two ratios) is done exactly.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};

/// An exact rational number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Exact(BigRational);

impl Exact {
    /// The decimal an `f64` prints as (its shortest round-trip form), exactly:
    /// `0.1725` is 1725/10000. `None` for NaN and infinities.
    pub fn from_f64(v: f64) -> Option<Exact> {
        if !v.is_finite() {
            return None;
        }
        // A whole number (a count) is itself: no digits to read.
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            return Some(Exact::integer(v as i64));
        }
        // `{:e}` gives the shortest round-trip digits: `1.725e-1`.
        let s = format!("{v:e}");
        let (mantissa, exp) = s.split_once('e')?;
        let exp: i64 = exp.parse().ok()?;
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits: BigInt = format!("{int}{frac}").parse().ok()?;
        let shift = exp - frac.len() as i64;
        let ten = BigInt::from(10u8);
        let scale = num_traits::pow(ten, shift.unsigned_abs() as usize);
        Some(Exact(if shift >= 0 {
            BigRational::from_integer(digits * scale)
        } else {
            BigRational::new(digits, scale)
        }))
    }

    /// The whole number `n`.
    pub fn integer(n: i64) -> Exact {
        Exact(BigRational::from_integer(BigInt::from(n)))
    }

    /// The fraction `numer / denom` (`266/100`); `None` when `denom` is 0.
    pub fn fraction(numer: i64, denom: i64) -> Option<Exact> {
        Exact::integer(numer).ratio(&Exact::integer(denom))
    }

    /// `numer / denom`; `None` when `denom` is 0.
    pub fn from_parts(numer: BigInt, denom: BigInt) -> Option<Exact> {
        (!denom.is_zero()).then(|| Exact(BigRational::new(numer, denom)))
    }

    /// `self + other`.
    pub fn plus(&self, other: &Exact) -> Exact {
        Exact(&self.0 + &other.0)
    }

    /// `self × other`.
    pub fn times(&self, other: &Exact) -> Exact {
        Exact(&self.0 * &other.0)
    }

    /// `|self|`.
    pub fn abs(&self) -> Exact {
        Exact(self.0.abs())
    }

    /// True for exactly 0.
    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// `self / other`; `None` when `other` is 0.
    pub fn ratio(&self, other: &Exact) -> Option<Exact> {
        (!other.0.is_zero()).then(|| Exact(&self.0 / &other.0))
    }

    /// `self − other`.
    pub fn minus(&self, other: &Exact) -> Exact {
        Exact(&self.0 - &other.0)
    }

    /// `self × 10^k` (a proportion as a percentage: k = 2).
    pub fn times_ten_pow(&self, k: u32) -> Exact {
        Exact(&self.0 * BigRational::from_integer(BigInt::from(10u64.pow(k))))
    }

    /// The nearest `f64`.
    pub fn to_f64(&self) -> f64 {
        self.0.to_f64().unwrap_or(f64::NAN)
    }

    /// `self × 10^decimals`, rounded half away from zero to a whole number.
    pub fn round_scaled(&self, decimals: u32) -> i128 {
        let scaled = &self.0 * BigRational::from_integer(BigInt::from(10u64.pow(decimals)));
        // `BigRational::round` rounds half away from zero.
        scaled.round().to_integer().to_i128().unwrap_or_else(|| {
            if scaled.is_negative() {
                i128::MIN
            } else {
                i128::MAX
            }
        })
    }
}

/// The values as whole numbers in the same ratio to one another, with the
/// scale: each value times the least common multiple of their denominators,
/// and that multiple. Comparing the whole numbers compares the values
/// exactly, with whole-number comparisons only (much cheaper than comparing
/// fractions, for a rule that compares every point many times).
pub fn common_scale(values: &[&Exact]) -> (BigInt, Vec<BigInt>) {
    // lcm(d, e) = d · e / gcd(d, e) = d · (the denominator of d/e in lowest terms).
    let lcm = values.iter().fold(BigInt::from(1u8), |d, v| {
        let e = v.0.denom();
        if (&d % e).is_zero() {
            d
        } else {
            let reduced = BigRational::new(d.clone(), e.clone());
            d * reduced.denom()
        }
    });
    let scaled = values
        .iter()
        .map(|v| v.0.numer() * (&lcm / v.0.denom()))
        .collect();
    (lcm, scaled)
}

/// `x` rounded half away from zero to `decimals` places, as printed: the
/// digits with their sign, never `-0` (a value that rounds to zero prints
/// `0`, or `0.0`). `signed` puts `+` before a positive value.
pub fn fixed(x: &Exact, decimals: u32, signed: bool) -> String {
    let units = x.round_scaled(decimals);
    let magnitude = units.unsigned_abs();
    let scale = 10u128.pow(decimals);
    let body = if decimals == 0 {
        magnitude.to_string()
    } else {
        format!(
            "{}.{:0width$}",
            magnitude / scale,
            magnitude % scale,
            width = decimals as usize
        )
    };
    match units.signum() {
        -1 => format!("-{body}"),
        1 if signed => format!("+{body}"),
        _ => body,
    }
}

/// An `f64` printed with `decimals` places, rounded half away from zero on
/// the decimal it holds, never `-0`. NaN and infinities print as Rust does.
pub fn fixed_f64(v: f64, decimals: u32, signed: bool) -> String {
    match Exact::from_f64(v) {
        Some(x) => fixed(&x, decimals, signed),
        None => format!("{v}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(v: f64) -> Exact {
        Exact::from_f64(v).unwrap()
    }

    #[test]
    fn halves_round_away_from_zero_on_the_exact_fraction() {
        // Methods v2: 69/400 = 17.25 % prints 17.3, where v1's `{:.1}` on
        // the float product printed 17.2 (ties to even on the binary value).
        assert_eq!(format!("{:.1}", 69.0f64 / 400.0 * 100.0), "17.2");
        let p = ex(69.0).ratio(&ex(400.0)).unwrap();
        assert_eq!(fixed(&p, 3, false), "0.173");
        assert_eq!(p.round_scaled(3), 173);
        // 40 → 63 is +57.5 %: +58.
        let change = ex(63.0).minus(&ex(40.0)).ratio(&ex(40.0)).unwrap();
        assert_eq!(change.round_scaled(2), 58);
        // And downwards: 63 → 40 · … −0.5 rounds to −1.
        assert_eq!(fixed_f64(-0.5, 0, true), "-1");
        assert_eq!(fixed_f64(2.5, 0, true), "+3");
        assert_eq!(fixed_f64(0.1725, 3, false), "0.173");
    }

    #[test]
    fn a_common_scale_keeps_the_order_and_the_ties() {
        let v = [
            ex(0.7),
            Exact::fraction(7, 10).unwrap(),
            Exact::fraction(2, 3).unwrap(),
            ex(-1.25),
            Exact::integer(3),
        ];
        let refs: Vec<&Exact> = v.iter().collect();
        let (lcm, s) = common_scale(&refs);
        // The lcm of 10, 3 and 4 is 60.
        assert_eq!(lcm, BigInt::from(60));
        let want: Vec<BigInt> = [42, 42, 40, -75, 180]
            .into_iter()
            .map(BigInt::from)
            .collect();
        assert_eq!(s, want);
    }

    #[test]
    fn never_minus_zero() {
        assert_eq!(fixed_f64(-0.004, 0, true), "0");
        assert_eq!(fixed_f64(-0.0, 1, false), "0.0");
        assert_eq!(fixed_f64(-0.04, 1, true), "0.0");
        assert_eq!(fixed_f64(0.04, 1, true), "0.0");
        assert_eq!(fixed_f64(-0.05, 1, true), "-0.1");
    }

    #[test]
    fn decimals_are_read_as_typed() {
        assert_eq!(
            ex(0.1725),
            Exact(BigRational::new(1725.into(), 10000.into()))
        );
        assert_eq!(ex(58805.0), Exact(BigRational::from_integer(58805.into())));
        assert_eq!(ex(1e21).round_scaled(0), 10i128.pow(21));
        assert!(Exact::from_f64(f64::NAN).is_none());
        assert_eq!(fixed_f64(1234.05, 1, false), "1234.1");
        assert_eq!(fixed_f64(7.0, 2, false), "7.00");
    }
}
