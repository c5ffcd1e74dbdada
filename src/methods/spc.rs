//! The statistical process control rule engine: XmR charts read by the NHS
//! "Making Data Count" rules. A pure function of the values, the points the
//! limits come from, the improvement direction and the run length.

use std::ops::Range;

/// XmR multiplier: 3 / d₂ with d₂ = 1.128 for moving ranges of two, as the
/// Making Data Count Excel tool rounds it.
pub const XMR_CONSTANT: f64 = 2.66;

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

/// Centre line and limits.
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
    /// Limits from the given points (at least two).
    pub fn from_points(points: &[f64]) -> Option<Limits> {
        if points.len() < 2 {
            return None;
        }
        let mean = points.iter().sum::<f64>() / points.len() as f64;
        let mr: Vec<f64> = points.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
        let mean_moving_range = mr.iter().sum::<f64>() / mr.len() as f64;
        let three_sigma = XMR_CONSTANT * mean_moving_range;
        let two_sigma = three_sigma * 2.0 / 3.0;
        Some(Limits {
            mean,
            mean_moving_range,
            lower: mean - three_sigma,
            upper: mean + three_sigma,
            lower_two_sigma: mean - two_sigma,
            upper_two_sigma: mean + two_sigma,
        })
    }
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
    pub limits: Limits,
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

/// Reads `values` against limits computed from `values[baseline]`.
/// `None` when the baseline has fewer than two points or the series fewer
/// than [`MIN_POINTS_FOR_LIMITS`] points.
pub fn analyse(
    values: &[f64],
    baseline: Range<usize>,
    direction: Direction,
    run_length: usize,
) -> Option<Analysis> {
    if values.len() < MIN_POINTS_FOR_LIMITS || baseline.end > values.len() {
        return None;
    }
    let limits = Limits::from_points(&values[baseline])?;
    let triggers = triggers(values, &limits, run_length);
    let flags: Vec<Flags> = triggers.iter().map(Triggers::flags).collect();
    let readings = flags.iter().map(|f| read(*f, direction)).collect();
    Some(Analysis {
        limits,
        triggers,
        flags,
        readings,
    })
}

/// Applies the four rules to every point.
pub fn triggers(values: &[f64], limits: &Limits, run_length: usize) -> Vec<Triggers> {
    let n = values.len();
    let mut flags = vec![Triggers::default(); n];
    let run_length = run_length.max(2);

    // Rule 1: a point outside the process limits.
    for (i, &x) in values.iter().enumerate() {
        flags[i].above_upper_limit = x > limits.upper;
        flags[i].below_lower_limit = x < limits.lower;
    }

    // Rule 2: a shift, run_length or more points on one side of the mean.
    // A point on the mean breaks the run.
    let side = |x: f64| -> i8 {
        if x > limits.mean {
            1
        } else if x < limits.mean {
            -1
        } else {
            0
        }
    };
    for_runs(
        n,
        |i| side(values[i]),
        |start, end, s| {
            if s != 0 && end - start >= run_length {
                for f in &mut flags[start..end] {
                    if s > 0 {
                        f.shift_above_mean = true;
                    } else {
                        f.shift_below_mean = true;
                    }
                }
            }
        },
    );

    // Rule 3: a trend, run_length or more points each higher (or each
    // lower) than the one before. An equal step breaks it. Runs are found on
    // the steps; a run of k steps covers k + 1 points.
    if n >= 2 {
        let step = |i: usize| -> i8 {
            let d = values[i + 1] - values[i];
            if d > 0.0 {
                1
            } else if d < 0.0 {
                -1
            } else {
                0
            }
        };
        for_runs(n - 1, step, |start, end, s| {
            let points = end - start + 1;
            if s != 0 && points >= run_length {
                for f in &mut flags[start..=end] {
                    if s > 0 {
                        f.increasing_trend = true;
                    } else {
                        f.decreasing_trend = true;
                    }
                }
            }
        });
    }

    // Rule 4: two of three consecutive points beyond the same two-sigma
    // line; the points beyond it are flagged.
    for start in 0..n.saturating_sub(2) {
        let window = start..start + 3;
        let above: Vec<usize> = window
            .clone()
            .filter(|&i| values[i] > limits.upper_two_sigma)
            .collect();
        let below: Vec<usize> = window
            .filter(|&i| values[i] < limits.lower_two_sigma)
            .collect();
        if above.len() >= 2 {
            above
                .iter()
                .for_each(|&i| flags[i].above_upper_two_sigma = true);
        }
        if below.len() >= 2 {
            below
                .iter()
                .for_each(|&i| flags[i].below_lower_two_sigma = true);
        }
    }
    flags
}

/// Calls `f(start, end, key)` for each maximal run of equal keys over 0..n.
fn for_runs(n: usize, key: impl Fn(usize) -> i8, mut f: impl FnMut(usize, usize, i8)) {
    let mut start = 0;
    for i in 1..=n {
        if i == n || key(i) != key(start) {
            if n > 0 {
                f(start, i, key(start));
            }
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

    #[test]
    fn short_series_have_no_reading() {
        let v = flat_with(12, &[]);
        assert!(analyse(&v, 0..12, Direction::High, 7).is_none());
        let v = flat_with(13, &[]);
        assert!(analyse(&v, 0..1, Direction::High, 7).is_none());
        assert!(analyse(&v, 0..12, Direction::High, 7).is_some());
    }
}
