//! The SPC rule engine against the NHS Making Data Count team's own XmR
//! checks.
//!
//! Provenance: `tests/fixtures/mdc-xmr-cases.json`, transcribed from
//! NHSDigital/fdp-react-design-system,
//! `src/components/DataVisualisation/charts/SPC/SPCChart/test-data/SPC-Charts-XmR-Testing.md`
//! ("checks that an XmR chart matches the Single Chart Tool v5.0"); values
//! checked against the repository's own `Test Data.csv`. `expected` holds only
//! what the document's text states (the rest is in images there). Defaults:
//! improvement direction high unless stated, run length 6, limits from all
//! points unless `baseline_points` is set, limits and icons shown only from 13
//! points.

use boardpack::methods::spc::{self, Analysis, Direction, Reading};
use serde_json::Value;

fn cases() -> Vec<Value> {
    let file: Value =
        serde_json::from_str(include_str!("fixtures/mdc-xmr-cases.json")).expect("valid JSON");
    file["cases"].as_array().expect("cases").clone()
}

fn direction(case: &Value) -> Direction {
    match case["direction"].as_str().unwrap_or("high") {
        "low" => Direction::Low,
        "neither" => Direction::Neither,
        _ => Direction::High,
    }
}

fn run(case: &Value) -> (Vec<f64>, Option<Analysis>) {
    let values: Vec<f64> = case["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(|v| v.as_f64().expect("number"))
        .collect();
    let baseline = case["baseline_points"]
        .as_u64()
        .map(|n| n as usize)
        .unwrap_or(values.len());
    let run_length = case["run_length"].as_u64().unwrap_or(6) as usize;
    let analysis = spc::analyse(&values, 0..baseline, direction(case), run_length);
    (values, analysis)
}

fn close(got: f64, want: &Value, what: &str, name: &str) {
    let want = want.as_f64().expect("number");
    assert!(
        (got - want).abs() < 0.006,
        "{name}: {what} {got:.4}, expected {want}"
    );
}

/// 1-based point numbers → 0-based indexes.
fn points(v: &Value) -> Vec<usize> {
    v.as_array()
        .expect("list")
        .iter()
        .map(|p| p.as_u64().expect("point") as usize - 1)
        .collect()
}

#[test]
fn every_series_runs_and_every_stated_expectation_holds() {
    let cases = cases();
    assert_eq!(cases.len(), 46, "the file holds 46 series");
    let mut checked = 0;
    for case in &cases {
        let name = case["name"].as_str().expect("name");
        let (values, analysis) = run(case);
        if let Some(a) = &analysis {
            assert_eq!(a.readings.len(), values.len(), "{name}");
        }
        let Some(expected) = case.get("expected") else {
            continue;
        };
        checked += 1;
        for (key, want) in expected.as_object().expect("object") {
            match key.as_str() {
                "process_limits_shown" | "summary_icons_shown" => {
                    assert_eq!(analysis.is_some(), want.as_bool().unwrap(), "{name}: {key}");
                }
                "variation_icon" => {
                    // "none": no icon because no limits are shown.
                    assert_eq!(want, "none");
                    assert!(analysis.is_none(), "{name}: {key}");
                }
                "assurance_icon" => {
                    assert_eq!(want, "none");
                    // No icon: too few points, or no direction to judge by.
                    let icon = analysis
                        .as_ref()
                        .and_then(|a| spc::assurance(&a.limits, 25.0, direction(case)));
                    assert!(icon.is_none(), "{name}: {key}");
                }
                "mean_shown" => {
                    let mean = spc::Limits::from_points(&values).map(|l| l.mean);
                    assert_eq!(mean.is_some(), want.as_bool().unwrap(), "{name}: {key}");
                }
                "mean" => {
                    let l = spc::Limits::from_points(&values).unwrap();
                    close(l.mean, want, key, name);
                }
                "upper_process_limit" => {
                    close(analysis.as_ref().unwrap().limits.upper, want, key, name)
                }
                "lower_process_limit" => {
                    close(analysis.as_ref().unwrap().limits.lower, want, key, name)
                }
                "mean_moving_range" => close(
                    analysis.as_ref().unwrap().limits.mean_moving_range,
                    want,
                    key,
                    name,
                ),
                "moving_range_count" => {
                    assert_eq!(values.len() - 1, want.as_u64().unwrap() as usize, "{name}");
                }
                "sigma" => {
                    let mr = analysis.as_ref().unwrap().limits.mean_moving_range;
                    close(mr / 1.128, want, key, name);
                }
                "three_sigma" => {
                    let l = analysis.as_ref().unwrap().limits;
                    close(l.upper - l.mean, want, key, name);
                }
                "special_cause" => {
                    let a = analysis.as_ref().expect("limits shown");
                    for (class, reading) in [
                        ("improvement", Reading::Improvement),
                        ("concern", Reading::Concern),
                        ("neither", Reading::Neither),
                    ] {
                        for i in points(&want[class]) {
                            assert_eq!(
                                a.readings[i],
                                reading,
                                "{name}: point {} should be {class}",
                                i + 1
                            );
                        }
                    }
                }
                "points_not_stated" => {
                    // p15–p20 of the conflict cases: the text only implies
                    // they are not orange.
                    let a = analysis.as_ref().expect("limits shown");
                    for i in points(want) {
                        assert_ne!(a.readings[i], Reading::Concern, "{name}: point {}", i + 1);
                    }
                }
                "rule_triggers_stated" => {
                    let a = analysis.as_ref().expect("limits shown");
                    for (rule, pts) in want.as_object().unwrap() {
                        for i in points(pts) {
                            let t = a.triggers[i];
                            let fired = match rule.as_str() {
                                "decreasing_trend" => t.decreasing_trend,
                                "increasing_trend" => t.increasing_trend,
                                "shift_below_mean" => t.shift_below_mean,
                                "single_point_above_upper_limit" => t.above_upper_limit,
                                "above_upper_two_sigma" => t.above_upper_two_sigma,
                                other => panic!("{name}: unknown rule {other}"),
                            };
                            assert!(fired, "{name}: {rule} should fire on point {}", i + 1);
                        }
                    }
                }
                // Text facts the engine has nothing to say about: the
                // constant used (we use 2.66, as stated), a partial list of
                // moving ranges, how conflicts are shown (checked through
                // special_cause above) and whether a target line is drawn.
                "constant" => assert!(want.as_str().unwrap().starts_with("2.66")),
                "moving_ranges_partial" => {
                    let mr: Vec<f64> = values.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
                    let stated = want.as_str().unwrap();
                    assert!(
                        stated.starts_with(&format!("{}, {}, {}", mr[0], mr[1], mr[2])),
                        "{name}"
                    );
                    assert!(stated.ends_with(&format!("{}", mr[mr.len() - 1])), "{name}");
                }
                "conflict_resolution" | "target_shown" => {}
                other => panic!("{name}: expectation {other} is not checked"),
            }
        }
    }
    assert_eq!(checked, 9, "9 series state expectations");
}

#[test]
fn assurance_follows_the_target_against_the_limits() {
    let l = spc::Limits::from_points(&[
        20., 24., 20., 26., 22., 16., 18., 16., 31., 28., 34., 26., 30., 19., 18.,
    ])
    .unwrap();
    // Limits 8.76 – 37.64.
    use spc::Assurance::*;
    assert_eq!(
        spc::assurance(&l, 5.0, Direction::High),
        Some(ConsistentlyPass)
    );
    assert_eq!(
        spc::assurance(&l, 40.0, Direction::High),
        Some(ConsistentlyFail)
    );
    assert_eq!(spc::assurance(&l, 25.0, Direction::High), Some(HitAndMiss));
    assert_eq!(
        spc::assurance(&l, 40.0, Direction::Low),
        Some(ConsistentlyPass)
    );
    assert_eq!(spc::assurance(&l, 25.0, Direction::Neither), None);
}
