//! The statistical process control rule engine: XmR charts read by the NHS
//! "Making Data Count" rules. A pure function of the values, the points the
//! limits come from, the improvement direction and the run length.
//!
//! Methods v3: every decision (above, below or on the centre line, beyond a
//! limit or a two-sigma line, a step up or down) is made on exact fractions
//! ([`Exact`]), never on floating-point values: a survey at 70 % every month
//! is on its centre line, not a rounding error above or below it. The
//! floating-point [`Limits`] are for drawing and describing the chart only.

use std::cmp::Ordering;
use std::ops::Range;

use num_bigint::BigInt;
use num_traits::Signed;

use crate::methods::rounding::{common_scale, Exact};

/// XmR multiplier: 3 / d₂ with d₂ = 1.128 for moving ranges of two, as the
/// Making Data Count Excel tool rounds it. The rules use it exactly, as
/// 266/100 ([`xmr_constant`]).
pub const XMR_CONSTANT: f64 = 2.66;

/// The XmR multiplier as the exact fraction 266/100.
pub fn xmr_constant() -> Exact {
    Exact::fraction(266, 100).expect("100 is not 0")
}

/// The fewest points for which process limits and icons are shown.
pub const MIN_POINTS_FOR_LIMITS: usize = 13;

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Higher is better.
    High,
    /// Lower is better.
    Low,
    /// No direction: special causes are neither good nor bad.
    Neither,
}

/// Centre line and limits as numbers to draw and describe; the rules decide
/// on [`ExactLimits`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub mean: f64,
    /// Mean of the moving ranges |xᵢ − xᵢ₋₁|.
    pub mean_moving_range: f64,
    pub lower: f64,
    pub upper: f64,
    pub lower_two_sigma: f64,
    pub upper_two_sigma: f64,
}

impl Limits {
    /// Limits from the given points (at least two, all finite), computed
    /// exactly on the decimals they hold and then rounded to `f64`.
    pub fn from_points(points: &[f64]) -> Option<Limits> {
        ExactLimits::from_points(&exact_points(points)?).map(|l| l.approx())
    }
}

/// Centre line and limits as exact fractions: X̄, MR̄, X̄ ± 266/100 · MR̄
/// and X̄ ± (2/3) · 266/100 · MR̄.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExactLimits {
    pub mean: Exact,
    pub mean_moving_range: Exact,
    pub lower: Exact,
    pub upper: Exact,
    pub lower_two_sigma: Exact,
    pub upper_two_sigma: Exact,
}

impl ExactLimits {
    /// Limits from the given points (at least two).
    pub fn from_points(points: &[Exact]) -> Option<ExactLimits> {
        Scaled::new(points, 0..points.len()).map(|s| s.limits())
    }

    /// The limits as the nearest `f64`s, to draw and describe.
    pub fn approx(&self) -> Limits {
        Limits {
            mean: self.mean.to_f64(),
            mean_moving_range: self.mean_moving_range.to_f64(),
            lower: self.lower.to_f64(),
            upper: self.upper.to_f64(),
            lower_two_sigma: self.lower_two_sigma.to_f64(),
            upper_two_sigma: self.upper_two_sigma.to_f64(),
        }
    }
}

/// A series and its lines as whole numbers over one common denominator, so
/// that the rules compare whole numbers only: exact, and far cheaper than
/// comparing fractions.
struct Scaled {
    points: Vec<BigInt>,
    /// X̄, MR̄, the process limits and the two-sigma lines.
    mean: BigInt,
    mean_moving_range: BigInt,
    lower: BigInt,
    upper: BigInt,
    lower_two_sigma: BigInt,
    upper_two_sigma: BigInt,
    denominator: BigInt,
}

impl Scaled {
    /// The points of `values` and the lines of `values[baseline]` (at least
    /// two points).
    fn new(values: &[Exact], baseline: Range<usize>) -> Option<Scaled> {
        let k = baseline.len();
        if k < 2 || baseline.end > values.len() {
            return None;
        }
        let refs: Vec<&Exact> = values.iter().collect();
        // xᵢ = numerᵢ / d for a common d.
        let (d, numer) = common_scale(&refs);
        let base = &numer[baseline];
        let sum: BigInt = base.iter().sum();
        let ranges: BigInt = base.windows(2).map(|w| (&w[1] - &w[0]).abs()).sum();
        let (k, k1) = (BigInt::from(k), BigInt::from(k - 1));
        // X̄ = sum / (d·k) and MR̄ = ranges / (d·(k − 1)). Over the common
        // denominator d·k·(k − 1)·300: xᵢ is numerᵢ·k·(k − 1)·300, X̄ is
        // sum·(k − 1)·300, MR̄ is ranges·k·300, 2.66·MR̄ is ranges·k·798
        // and (2/3)·2.66·MR̄ is ranges·k·532.
        let unit: BigInt = &k * &k1 * 300u32;
        let mean = sum * &k1 * 300u32;
        let three_sigma = &ranges * &k * 798u32;
        let two_sigma = &ranges * &k * 532u32;
        Some(Scaled {
            points: numer.iter().map(|x| x * &unit).collect(),
            lower: &mean - &three_sigma,
            upper: &mean + &three_sigma,
            lower_two_sigma: &mean - &two_sigma,
            upper_two_sigma: &mean + &two_sigma,
            mean,
            mean_moving_range: ranges * &k * 300u32,
            denominator: d * unit,
        })
    }

    /// The lines as exact fractions.
    fn limits(&self) -> ExactLimits {
        let exact = |n: &BigInt| {
            Exact::from_parts(n.clone(), self.denominator.clone())
                .expect("a common denominator is never 0")
        };
        ExactLimits {
            mean: exact(&self.mean),
            mean_moving_range: exact(&self.mean_moving_range),
            lower: exact(&self.lower),
            upper: exact(&self.upper),
            lower_two_sigma: exact(&self.lower_two_sigma),
            upper_two_sigma: exact(&self.upper_two_sigma),
        }
    }
}

/// Each value as the decimal it holds (its shortest round-trip form, the
/// number as typed); `None` if any is NaN or infinite.
fn exact_points(values: &[f64]) -> Option<Vec<Exact>> {
    values.iter().map(|v| Exact::from_f64(*v)).collect()
}

/// How one point reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    CommonCause,
    Improvement,
    Concern,
    /// Special cause where no direction is set.
    Neither,
}

/// Which rules flagged a point, on each side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flags {
    /// Some rule says the point is unusually high (above a limit, in a run
    /// above the mean, in a rising trend, two of three near the upper limit).
    pub high: bool,
    /// The same, on the low side.
    pub low: bool,
}

/// Which rule fired on a point, and on which side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Triggers {
    /// Rule 1: above the upper / below the lower process limit.
    pub above_upper_limit: bool,
    pub below_lower_limit: bool,
    /// Rule 2: in a run above / below the mean.
    pub shift_above_mean: bool,
    pub shift_below_mean: bool,
    /// Rule 3: in a rising / falling run.
    pub increasing_trend: bool,
    pub decreasing_trend: bool,
    /// Rule 4: two of three beyond the upper / lower two-sigma line.
    pub above_upper_two_sigma: bool,
    pub below_lower_two_sigma: bool,
}

impl Triggers {
    /// The sides the rules put the point on.
    pub fn flags(&self) -> Flags {
        Flags {
            high: self.above_upper_limit
                || self.shift_above_mean
                || self.increasing_trend
                || self.above_upper_two_sigma,
            low: self.below_lower_limit
                || self.shift_below_mean
                || self.decreasing_trend
                || self.below_lower_two_sigma,
        }
    }
}

/// An XmR chart read by the rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// The limits to draw and describe.
    pub limits: Limits,
    /// The limits the rules decided on.
    pub exact: ExactLimits,
    /// The points read, exactly.
    pub points: Vec<Exact>,
    pub triggers: Vec<Triggers>,
    pub flags: Vec<Flags>,
    pub readings: Vec<Reading>,
}

impl Analysis {
    /// The reading of the last point (the reporting month).
    pub fn last(&self) -> Reading {
        *self.readings.last().unwrap_or(&Reading::CommonCause)
    }
}

/// Reads `values` against limits computed from `values[baseline]`, each
/// value taken as the decimal it holds (`0.7` is 7/10).
/// `None` when the baseline has fewer than two points, the series fewer
/// than [`MIN_POINTS_FOR_LIMITS`] points, or a value is not finite.
pub fn analyse(
    values: &[f64],
    baseline: Range<usize>,
    direction: Direction,
    run_length: usize,
) -> Option<Analysis> {
    analyse_exact(exact_points(values)?, baseline, direction, run_length)
}

/// [`analyse`] on exact values (a proportion's monthly rates as the
/// fractions xᵢ/nᵢ).
pub fn analyse_exact(
    values: Vec<Exact>,
    baseline: Range<usize>,
    direction: Direction,
    run_length: usize,
) -> Option<Analysis> {
    if values.len() < MIN_POINTS_FOR_LIMITS || baseline.end > values.len() {
        return None;
    }
    let scaled = Scaled::new(&values, baseline)?;
    let exact = scaled.limits();
    let triggers = rules(&scaled, run_length);
    let flags: Vec<Flags> = triggers.iter().map(Triggers::flags).collect();
    let readings = flags.iter().map(|f| read(*f, direction)).collect();
    Some(Analysis {
        limits: exact.approx(),
        exact,
        points: values,
        triggers,
        flags,
        readings,
    })
}

/// Applies the four rules to every point, deciding every comparison exactly.
pub fn triggers(values: &[Exact], limits: &ExactLimits, run_length: usize) -> Vec<Triggers> {
    let lines = [
        &limits.mean,
        &limits.mean_moving_range,
        &limits.lower,
        &limits.upper,
        &limits.lower_two_sigma,
        &limits.upper_two_sigma,
    ];
    let all: Vec<&Exact> = values.iter().chain(lines).collect();
    let (denominator, mut points) = common_scale(&all);
    let mut line = points.split_off(values.len()).into_iter();
    let mut next = || line.next().expect("six lines");
    let scaled = Scaled {
        mean: next(),
        mean_moving_range: next(),
        lower: next(),
        upper: next(),
        lower_two_sigma: next(),
        upper_two_sigma: next(),
        points,
        denominator,
    };
    rules(&scaled, run_length)
}

/// The four rules on a scaled series.
fn rules(s: &Scaled, run_length: usize) -> Vec<Triggers> {
    let x = &s.points;
    let n = x.len();
    let mut flags = vec![Triggers::default(); n];
    let run_length = run_length.max(2);
    let sign = |o: Ordering| -> i8 {
        match o {
            Ordering::Greater => 1,
            Ordering::Less => -1,
            Ordering::Equal => 0,
        }
    };

    // Rule 1: a point outside the process limits (a point on a limit is
    // inside it).
    for (f, x) in flags.iter_mut().zip(x) {
        f.above_upper_limit = *x > s.upper;
        f.below_lower_limit = *x < s.lower;
    }

    // Rule 2: a shift, run_length or more points on one side of the mean.
    // A point on the mean breaks the run.
    let sides: Vec<i8> = x.iter().map(|x| sign(x.cmp(&s.mean))).collect();
    for_runs(&sides, |start, end, side| {
        if side != 0 && end - start >= run_length {
            for f in &mut flags[start..end] {
                if side > 0 {
                    f.shift_above_mean = true;
                } else {
                    f.shift_below_mean = true;
                }
            }
        }
    });

    // Rule 3: a trend, run_length or more points each higher (or each
    // lower) than the one before. An equal step breaks it. Runs are found on
    // the steps; a run of k steps covers k + 1 points.
    let steps: Vec<i8> = x.windows(2).map(|w| sign(w[1].cmp(&w[0]))).collect();
    for_runs(&steps, |start, end, step| {
        let points = end - start + 1;
        if step != 0 && points >= run_length {
            for f in &mut flags[start..=end] {
                if step > 0 {
                    f.increasing_trend = true;
                } else {
                    f.decreasing_trend = true;
                }
            }
        }
    });

    // Rule 4: two of three consecutive points beyond the same two-sigma
    // line; the points beyond it are flagged.
    let above: Vec<bool> = x.iter().map(|x| *x > s.upper_two_sigma).collect();
    let below: Vec<bool> = x.iter().map(|x| *x < s.lower_two_sigma).collect();
    for start in 0..n.saturating_sub(2) {
        let window = start..start + 3;
        if window.clone().filter(|&i| above[i]).count() >= 2 {
            for i in window.clone().filter(|&i| above[i]) {
                flags[i].above_upper_two_sigma = true;
            }
        }
        if window.clone().filter(|&i| below[i]).count() >= 2 {
            for i in window.filter(|&i| below[i]) {
                flags[i].below_lower_two_sigma = true;
            }
        }
    }
    flags
}

/// Calls `f(start, end, key)` for each maximal run of equal keys.
fn for_runs(keys: &[i8], mut f: impl FnMut(usize, usize, i8)) {
    let mut start = 0;
    for i in 1..=keys.len() {
        if i == keys.len() || keys[i] != keys[start] {
            f(start, i, keys[start]);
            start = i;
        }
    }
}

/// Reads a point's flags through the direction. A point flagged both ways
/// reads as improvement, as the Making Data Count Excel tool shows it.
pub fn read(flags: Flags, direction: Direction) -> Reading {
    let (good, bad) = match direction {
        Direction::High => (flags.high, flags.low),
        Direction::Low => (flags.low, flags.high),
        Direction::Neither => {
            return if flags.high || flags.low {
                Reading::Neither
            } else {
                Reading::CommonCause
            }
        }
    };
    if good {
        Reading::Improvement
    } else if bad {
        Reading::Concern
    } else {
        Reading::CommonCause
    }
}

/// How a process stands against a target (Making Data Count assurance).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assurance {
    /// Both limits on the passing side: the target is met consistently.
    ConsistentlyPass,
    /// Both limits on the failing side: the target is missed consistently.
    ConsistentlyFail,
    /// The target lies between the limits: it will be met and missed at random.
    HitAndMiss,
}

/// The assurance of a process against `target`; none without a direction.
pub fn assurance(limits: &Limits, target: f64, direction: Direction) -> Option<Assurance> {
    let passes = |x: f64| match direction {
        Direction::High => Some(x >= target),
        Direction::Low => Some(x <= target),
        Direction::Neither => None,
    };
    match (passes(limits.lower)?, passes(limits.upper)?) {
        (true, true) => Some(Assurance::ConsistentlyPass),
        (false, false) => Some(Assurance::ConsistentlyFail),
        _ => Some(Assurance::HitAndMiss),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat_with(len: usize, edits: &[(usize, f64)]) -> Vec<f64> {
        // Alternating 10/12 keeps the mean at 11 and MR̄ at 2: limits 5.68–16.32,
        // two-sigma lines 7.45–14.55.
        let mut v: Vec<f64> = (0..len)
            .map(|i| if i % 2 == 0 { 10.0 } else { 12.0 })
            .collect();
        for &(i, x) in edits {
            v[i] = x;
        }
        v
    }

    fn readings(values: &[f64], direction: Direction, run: usize) -> Vec<Reading> {
        analyse(values, 0..12, direction, run).unwrap().readings
    }

    #[test]
    fn limits_match_the_making_data_count_worked_example() {
        let v = [
            20., 24., 20., 26., 22., 16., 18., 16., 31., 28., 34., 26., 30., 19., 18.,
        ];
        let l = Limits::from_points(&v).unwrap();
        assert!((l.mean - 23.2).abs() < 0.005);
        assert!((l.mean_moving_range - 5.43).abs() < 0.005);
        assert!((l.upper - 37.64).abs() < 0.005);
        assert!((l.lower - 8.76).abs() < 0.005);
    }

    #[test]
    fn rule_one_fires_outside_the_limits_and_not_on_them() {
        let v = flat_with(20, &[(15, 16.5)]);
        let r = readings(&v, Direction::High, 7);
        assert_eq!(r[15], Reading::Improvement);
        assert_eq!(readings(&v, Direction::Low, 7)[15], Reading::Concern);
        // 16.3 is inside the upper limit (16.32): common cause.
        let v = flat_with(20, &[(15, 16.3)]);
        assert_eq!(readings(&v, Direction::High, 7)[15], Reading::CommonCause);
    }

    #[test]
    fn rule_two_needs_seven_on_one_side_and_a_point_on_the_mean_breaks_it() {
        let mut v = flat_with(12, &[]);
        v.extend([11.5; 7]);
        assert_eq!(readings(&v, Direction::High, 7)[18], Reading::Improvement);
        let mut v = flat_with(12, &[]);
        v.extend([11.5, 11.5, 11.5, 11.0, 11.5, 11.5, 11.5]);
        assert_eq!(readings(&v, Direction::High, 7)[18], Reading::CommonCause);
        // Six is a shift only when the run length is six.
        let mut v = flat_with(12, &[]);
        v.extend([10.5; 6]);
        v.push(12.0);
        assert_eq!(readings(&v, Direction::High, 7)[17], Reading::CommonCause);
        assert_eq!(readings(&v, Direction::High, 6)[17], Reading::Concern);
    }

    #[test]
    fn rule_three_needs_seven_rising_and_a_flat_step_breaks_it() {
        let mut v = flat_with(12, &[]);
        v.extend([10.0, 10.5, 11.0, 11.5, 12.0, 12.5, 13.0]);
        assert_eq!(readings(&v, Direction::High, 7)[18], Reading::Improvement);
        assert_eq!(readings(&v, Direction::Low, 7)[18], Reading::Concern);
        let mut v = flat_with(12, &[]);
        v.extend([10.0, 10.5, 11.0, 11.0, 12.0, 12.5, 13.0]);
        let r = readings(&v, Direction::High, 7);
        assert_eq!(r[18], Reading::CommonCause);
        // Falling trend, low is good.
        let mut v = flat_with(12, &[]);
        v.extend([13.0, 12.5, 12.0, 11.5, 11.0, 10.5, 10.0]);
        assert_eq!(readings(&v, Direction::Low, 7)[18], Reading::Improvement);
    }

    #[test]
    fn rule_four_needs_two_of_three_beyond_the_same_two_sigma_line() {
        let v = flat_with(20, &[(16, 15.0), (18, 15.0)]);
        let r = readings(&v, Direction::High, 7);
        assert_eq!(r[16], Reading::Improvement);
        assert_eq!(r[18], Reading::Improvement);
        assert_eq!(r[17], Reading::CommonCause);
        // One above, one below: not the same line.
        let v = flat_with(20, &[(16, 15.0), (18, 7.0)]);
        let r = readings(&v, Direction::High, 7);
        assert_eq!(r[16], Reading::CommonCause);
        // Two beyond, but four apart.
        let v = flat_with(20, &[(14, 15.0), (18, 15.0)]);
        assert_eq!(readings(&v, Direction::High, 7)[18], Reading::CommonCause);
    }

    #[test]
    fn a_point_flagged_both_ways_reads_as_improvement() {
        let f = Flags {
            high: true,
            low: true,
        };
        assert_eq!(read(f, Direction::High), Reading::Improvement);
        assert_eq!(read(f, Direction::Low), Reading::Improvement);
        assert_eq!(read(f, Direction::Neither), Reading::Neither);
    }

    /// `x / n` exactly.
    fn rate(x: i64, n: i64) -> Exact {
        Exact::fraction(x, n).unwrap()
    }

    /// Each `x` of `n`.
    fn rates(xs: &[i64], n: i64) -> Vec<Exact> {
        xs.iter().map(|&x| rate(x, n)).collect()
    }

    fn exact_readings(values: Vec<Exact>, direction: Direction) -> Vec<Reading> {
        analyse_exact(values, 0..12, direction, 7).unwrap().readings
    }

    fn all_common_cause(r: &[Reading]) -> bool {
        r.iter().all(|r| *r == Reading::CommonCause)
    }

    #[test]
    fn a_survey_at_70_percent_every_month_is_on_its_centre_line_at_every_point() {
        // In floating point the mean of twelve 0.7s is 0.7000000000000001:
        // every point read below the centre line and below the (zero-width)
        // lower limit, "special cause concern" at every point.
        assert_eq!(
            [0.7f64; 12].iter().sum::<f64>() / 12.0,
            0.700_000_000_000_000_1
        );
        let bases = [100, 200, 110, 90, 50, 130, 70, 120, 150, 80, 170, 140];
        let values: Vec<Exact> = (0..45)
            .map(|i| {
                let n = bases[i % 12];
                rate(7 * n / 10, n)
            })
            .collect();
        let a = analyse_exact(values, 0..12, Direction::High, 7).unwrap();
        assert_eq!(a.exact.mean, rate(7, 10));
        assert!(a.exact.mean_moving_range.is_zero());
        assert!(a.triggers.iter().all(|t| *t == Triggers::default()));
        assert!(all_common_cause(&a.readings));
        // The same read from the decimals 0.7.
        let a = analyse(&[0.7; 45], 0..12, Direction::High, 7).unwrap();
        assert!(all_common_cause(&a.readings));
    }

    #[test]
    fn a_series_whose_moving_ranges_are_all_zero_has_no_point_outside_its_limits() {
        for v in [0.0, 5.0, 58_805.0] {
            let a = analyse(&[v; 30], 0..12, Direction::Low, 6).unwrap();
            assert_eq!((a.limits.lower, a.limits.upper), (v, v));
            assert!(a.flags.iter().all(|f| !f.high && !f.low), "{v}");
        }
    }

    #[test]
    fn a_rate_exactly_on_a_process_limit_is_inside_it() {
        // Baseline rates of 100 give an upper limit of exactly 99.1 %, which
        // floating point put at 0.9909999999999997: 991 of 1000 read above it.
        let baseline = [70, 67, 66, 72, 82, 62, 77, 76, 84, 60, 72, 82];
        let series = |x: i64| {
            let mut v = rates(&baseline, 100);
            v.push(rate(x, 1000));
            v.extend(rates(&baseline, 100));
            v
        };
        let a = analyse_exact(series(991), 0..12, Direction::High, 7).unwrap();
        assert_eq!(a.exact.upper, rate(991, 1000));
        assert!(all_common_cause(&a.readings));
        let r = exact_readings(series(992), Direction::High);
        assert_eq!(r[12], Reading::Improvement);
        // The lower limit: exactly 43.4 %.
        let baseline = [81, 69, 71, 68, 81, 78, 66, 57, 58, 73, 57, 81];
        let series = |x: i64| {
            let mut v = rates(&baseline, 100);
            v.push(rate(x, 1000));
            v.extend(rates(&baseline, 100));
            v
        };
        let a = analyse_exact(series(434), 0..12, Direction::High, 7).unwrap();
        assert_eq!(a.exact.lower, rate(434, 1000));
        assert!(all_common_cause(&a.readings));
        assert_eq!(
            exact_readings(series(433), Direction::High)[12],
            Reading::Concern
        );
    }

    #[test]
    fn rates_exactly_on_a_two_sigma_line_are_not_beyond_it() {
        // Upper two-sigma line exactly 86.4 % (floating point: 0.8639999999999999).
        let baseline = [55, 71, 78, 66, 68, 73, 66, 76, 55, 73, 76, 67];
        let series = |x: i64| {
            let mut v = rates(&baseline, 100);
            v.extend([rate(x, 1000), rate(66, 100), rate(x, 1000)]);
            v.extend(rates(&baseline, 100));
            v
        };
        let a = analyse_exact(series(864), 0..12, Direction::High, 7).unwrap();
        assert_eq!(a.exact.upper_two_sigma, rate(864, 1000));
        assert!(all_common_cause(&a.readings));
        let r = exact_readings(series(865), Direction::High);
        assert_eq!((r[12], r[14]), (Reading::Improvement, Reading::Improvement));
    }

    #[test]
    fn counts_exactly_on_a_two_sigma_line_are_not_beyond_it() {
        // Lower two-sigma line exactly 472 (floating point: 472.00000000000006).
        let baseline = [
            526., 530., 517., 525., 484., 533., 531., 498., 466., 537., 534., 515.,
        ];
        let series = |x: f64, y: f64| {
            let mut v = baseline.to_vec();
            v.extend([x, 515.0, y]);
            v.extend(baseline);
            v
        };
        let a = analyse(&series(472.0, 472.0), 0..12, Direction::High, 7).unwrap();
        assert_eq!(a.exact.lower_two_sigma, Exact::integer(472));
        assert!(all_common_cause(&a.readings));
        // One on the line and one beyond it: not two beyond.
        let r = readings(&series(471.0, 472.0), Direction::High, 7);
        assert!(all_common_cause(&r));
        let r = readings(&series(471.0, 471.0), Direction::High, 7);
        assert_eq!((r[12], r[14]), (Reading::Concern, Reading::Concern));
    }

    #[test]
    fn points_exactly_on_the_centre_line_break_a_shift() {
        // Rates: the baseline mean is exactly 67 % (floating point:
        // 0.6699999999999999, so seven months at 67 % read as a shift above).
        let baseline = [57, 66, 80, 57, 68, 83, 59, 55, 64, 68, 79, 68];
        let series = |x: i64| {
            let mut v = rates(&baseline, 100);
            v.extend((0..7).map(|_| rate(x, 100)));
            v.extend(rates(&baseline, 100));
            v
        };
        let a = analyse_exact(series(67), 0..12, Direction::High, 7).unwrap();
        assert_eq!(a.exact.mean, rate(67, 100));
        assert!(all_common_cause(&a.readings));
        assert_eq!(
            exact_readings(series(68), Direction::High)[15],
            Reading::Improvement
        );
        // Counts: a mean of exactly 11, seven months of 11.
        let mut v = flat_with(12, &[]);
        v.extend([11.0; 7]);
        v.extend(flat_with(6, &[]));
        assert!(all_common_cause(&readings(&v, Direction::High, 7)));
    }

    #[test]
    fn short_series_have_no_reading() {
        let v = flat_with(12, &[]);
        assert!(analyse(&v, 0..12, Direction::High, 7).is_none());
        let v = flat_with(13, &[]);
        assert!(analyse(&v, 0..1, Direction::High, 7).is_none());
        assert!(analyse(&v, 0..12, Direction::High, 7).is_some());
    }
}
