//! Methods contract v2 and records v2 (issue #13), through whole workbooks:
//! the overdispersion-aware count test, exact rounding without `-0`,
//! percentage-point % Var. for proportions, `var` refused without a pair,
//! projections in range, and SPC charts of proportions.
//!
//! Reference values marked "statsmodels" were computed independently with
//! Python 3, statsmodels 0.15.0 and scipy 1.17.1 (the script is quoted in
//! each test's comment), and written here as constants.

mod common;

use boardpack::compute::records::{Class, Test};
use boardpack::input::Column;
use boardpack::support::xlsx::{SheetData, Value, WorkbookData};
use common::{cell, errors, minimal, records, t};

/// The baseline months of the methods v2 worked example (B = 1200).
const V2_BASELINE: [f64; 12] = [
    100.0, 120.0, 80.0, 110.0, 90.0, 100.0, 130.0, 70.0, 100.0, 110.0, 90.0, 100.0,
];

/// Count `C` with `baseline` in Apr 2012 – Mar 2013 (months 0–11), `latest`
/// in Jan – Dec 2015 (months 33–44), 100 a month between.
fn two_windows(baseline: [f64; 12], latest: [f64; 12]) -> WorkbookData {
    minimal(move |i| match i {
        0..=11 => baseline[i],
        33..=44 => latest[i - 33],
        _ => 100.0,
    })
}

fn with_report_field(mut w: WorkbookData, field: &str, value: &str) -> WorkbookData {
    w.sheet_mut("Report").unwrap().row(vec![t(field), t(value)]);
    w
}

fn plus(months: [f64; 12], d: f64) -> [f64; 12] {
    months.map(|c| c + d)
}

// The v2 count test's worked examples (φ* around each window's mean,
// tested against the normal) were replaced by methods v3's month-pair test:
// see tests/methods_v3.rs.

#[test]
fn a_window_from_values_is_not_estimated_and_gets_the_exact_test() {
    let mut w = two_windows(V2_BASELINE, plus(V2_BASELINE, 10.0));
    let mut values = SheetData::new("Values", &["Indicator", "Column", "Value", "Base", "Note"]);
    values.row(vec![
        t("C"),
        t("latest"),
        Value::Number(1320.0),
        Value::Empty,
        Value::Empty,
    ]);
    w.sheets.push(values);
    let c = records(&w);
    let latest = cell(&c, "C", Column::Latest).unwrap();
    assert_eq!(latest.test, Some(Some(Test::ExactPoisson)));
    assert_eq!(latest.dispersion, Some(None), "φ not estimated: null");
    assert_eq!(latest.class, Some(Class::Deterioration));
    let json = serde_json::to_value(&latest).unwrap();
    assert!(json["dispersion"].is_null() && json.get("dispersion").is_some());
}

#[test]
fn an_unknown_count_test_is_an_error_naming_the_cell() {
    let w = with_report_field(minimal(|_| 10.0), "count_test", "negbin");
    assert_eq!(
        errors(&w),
        ["Report!B7: expected one of overdispersed, exact, found \"negbin\""]
    );
}

#[test]
fn the_exact_count_test_restores_every_v1_class() {
    // v1's classes of the sample's count cells (the exact test throughout).
    let v1 = [
        ("SP1.fte", Class::Improvement),
        ("SP11.offences", Class::Deterioration),
        ("SP12.offences", Class::NoChange),
        ("SP13.offences", Class::NoChange),
        ("SP14A.offences", Class::Deterioration),
        ("SP14B.offences", Class::Deterioration),
        ("SP17.storm", Class::Improvement),
        ("SP17.compact", Class::Improvement),
        ("SP17.locations", Class::Improvement),
    ];
    let exact = records(&with_report_field(common::sample(), "count_test", "exact"));
    let v3 = records(&common::sample());
    for (code, class) in v1 {
        let e = cell(&exact, code, Column::Latest).unwrap();
        assert_eq!(e.class, Some(class), "{code} exact");
        assert_eq!(e.test, Some(Some(Test::ExactPoisson)), "{code}");
        // The small counts keep their classes under v3 (as under v2); all
        // crime does not (p = 0.054 by the month-pair test).
        let o = cell(&v3, code, Column::Latest).unwrap();
        let want = if code == "SP11.offences" {
            Class::NoChange
        } else {
            class
        };
        assert_eq!(o.class, Some(want), "{code} v3");
    }
    let sp11 = cell(&exact, "SP11.offences", Column::Latest).unwrap();
    assert!((sp11.p_value.unwrap() - 0.0139).abs() < 0.0005);
    // The build log names exactly the one cell whose class differs.
    let differing: Vec<&String> = v3
        .log
        .iter()
        .filter(|l| l.contains("exact Poisson test gives"))
        .collect();
    assert_eq!(differing.len(), 1, "{differing:?}");
    assert!(differing[0].starts_with("SP11.offences latest: no significant change"));
}

/// The appendix chart of an indicator.
fn spc_chart<'c>(
    c: &'c boardpack::Computed,
    code: &str,
) -> &'c boardpack::compute::records::SpcChartRecord {
    let found = c.records.appendix.iter().find(|a| a.indicator == code);
    found.unwrap_or_else(|| panic!("an SPC chart of {code}"))
}

/// `P` (proportion) with `x(i)` positive responses of 100 in month i.
fn with_proportion(mut w: WorkbookData, x: impl Fn(usize) -> f64) -> WorkbookData {
    let monthly = w.sheet_mut("Monthly").unwrap();
    for i in 0..45 {
        monthly.set(2 + 2 * i, 2, Value::Number(x(i)));
    }
    w
}

#[test]
fn percentages_round_half_away_from_zero_on_the_exact_fraction() {
    // P's latest 12 months: 207 of 1200 = 17.25 % exactly → 17.3% (v1: 17.2%).
    // Baseline 80 %: the change is −62.75 points exactly → -62.8pp.
    let w = with_proportion(minimal(|_| 10.0), |i| match i {
        33 => 20.0,
        34..=44 => 17.0,
        _ => 80.0,
    });
    let c = records(&w);
    assert_eq!(cell(&c, "P", Column::Latest).unwrap().text, "17.3%");
    assert_eq!(cell(&c, "P", Column::Baseline).unwrap().text, "80.0%");
    let var = cell(&c, "P", Column::Var).unwrap();
    assert_eq!(var.text, "-62.8pp");
    assert!((var.value.unwrap() + 0.6275).abs() < 1e-12);
}

#[test]
fn a_count_change_of_exactly_a_half_percent_rounds_away_from_zero() {
    // 40 → 63 is +57.5 %: +58% (v1 printed +57%).
    let c = records(&minimal(|i| match i {
        0..=3 => 4.0,
        4..=11 => 3.0,
        33..=41 => 5.0,
        42..=44 => 6.0,
        _ => 5.0,
    }));
    assert_eq!(cell(&c, "C", Column::Baseline).unwrap().text, "40");
    assert_eq!(cell(&c, "C", Column::Latest).unwrap().text, "63");
    assert_eq!(cell(&c, "C", Column::Var).unwrap().text, "+58%");
}

#[test]
fn var_before_any_pair_is_refused_naming_the_columns_cell() {
    let mut w = minimal(|_| 10.0);
    let columns = |w: &mut WorkbookData, list: &str| {
        w.sheet_mut("Priorities").unwrap().set(1, 3, t(list));
    };
    columns(&mut w, "var, baseline, latest");
    assert_eq!(
        errors(&w),
        ["Priorities!D2: expected var after the pair it compares (baseline, latest or ytd, lytd), found \"var, baseline, latest\""]
    );
    // `latest, var` alone has no pair either.
    w.sheet_mut("Priorities")
        .unwrap()
        .set(1, 3, t("latest, var"));
    assert_eq!(errors(&w).len(), 1);
}

// v2's falling count floored at "0 (0 to 0)" is no projection under
// methods v3: see tests/methods_v3.rs.

#[test]
fn a_proportion_near_100_percent_projects_on_the_logit_scale() {
    // x = min(100, 70 + i) of 100. Methods v3 (the binomial logit fit and
    // the year's rate): statsmodels 0.15.0 GLM(Binomial) of the last 36
    // months (all-positive months as 100.5 of 101) on 0..35, fit(tol=1e-14);
    // the year's rate and interval by the v3 formula in numpy (covariance
    // inv(XᵀWX) at the fitted rates, φ_q = 0.439 so φ_q* = 1, n̄ = 100, t =
    // scipy t.ppf(0.975, 34)): 0.9989267255805716, 0.9919512855667375,
    // 0.999857920900886. (v2's average of monthly intervals: 0.99940,
    // 0.99813 to 0.99981; v1's straight line on the rates: 110.98 %.)
    let c = records(&with_proportion(minimal(|_| 10.0), |i| {
        (70.0 + i as f64).min(100.0)
    }));
    let p = cell(&c, "P", Column::Projection).unwrap();
    assert!(
        (p.value.unwrap() - 0.9989267255805716).abs() < 1e-9,
        "{p:?}"
    );
    assert!((p.low.unwrap() - 0.9919512855667375).abs() < 1e-8, "{p:?}");
    assert!((p.high.unwrap() - 0.999857920900886).abs() < 1e-9, "{p:?}");
    assert_eq!((p.months_observed, p.months_projected), (Some(0), Some(12)));
    assert_eq!(p.rho, Some(None), "ρ̂ is a count fit's");
    assert_eq!(p.text, "99.9%");
}

#[test]
fn a_projection_year_already_over_is_not_projected_and_warned() {
    let mut w = minimal(|i| 100.0 + i as f64);
    w.sheet_mut("Report").unwrap().set(5, 1, t("2014/15"));
    let c = records(&w);
    assert!(cell(&c, "C", Column::Projection).is_none());
    assert!(cell(&c, "P", Column::Projection).is_none());
    let warnings: Vec<String> = c.warnings.iter().map(|w| w.to_string()).collect();
    let over: Vec<&String> = warnings.iter().filter(|w| w.contains("2014/15")).collect();
    assert_eq!(over.len(), 1, "{warnings:?}");
    assert!(over[0].contains("Report!B6"), "{}", over[0]);
    assert!(over[0].contains("ended by December 2015"), "{}", over[0]);
}

#[test]
fn proportions_get_an_spc_chart_with_limits_drawn_inside_0_to_100_percent() {
    // Rates swinging between 5 % and 95 %: the process limits run past
    // 0 and 100 %, and are drawn (and described) clipped.
    let w = with_proportion(minimal(|_| 10.0), |i| if i % 2 == 0 { 5.0 } else { 95.0 });
    let c = records(&w);
    let chart = spc_chart(&c, "P");
    assert!(chart.is_proportion());
    assert!(chart.lower_limit < 0.0 && chart.upper_limit > 1.0);
    assert_eq!(chart.drawn_limits, (0.0, 1.0));
    assert!(
        chart.alt.contains("process limits 0.0% to 100.0%"),
        "{}",
        chart.alt
    );
    assert!(chart.points.iter().all(|p| (0.0..=1.0).contains(&p.value)));
}

#[test]
fn a_counts_lower_process_limit_is_drawn_at_zero() {
    // Counts alternating 1 and 9: X̄ = 5, MR̄ = 8, lower limit 5 − 21.28 < 0.
    let c = records(&minimal(|i| if i % 2 == 0 { 1.0 } else { 9.0 }));
    let chart = spc_chart(&c, "C");
    assert!((chart.lower_limit - (5.0 - 2.66 * 8.0)).abs() < 1e-9);
    assert_eq!(chart.drawn_limits.0, 0.0);
    assert!(
        chart.alt.contains("process limits 0 to 26"),
        "{}",
        chart.alt
    );
}

#[test]
fn an_spc_row_reads_a_proportion_series() {
    // S's source set to P, rising 70 % → 100 % (polarity up): a run of
    // rises, so special cause improvement in December 2015.
    let mut w = with_proportion(minimal(|_| 10.0), |i| (70.0 + i as f64).min(100.0));
    w.sheet_mut("Indicators").unwrap().set(4, 5, t("P"));
    let c = records(&w);
    let reading = cell(&c, "S", Column::Latest).unwrap();
    assert_eq!(reading.class, Some(Class::Improvement));
    assert_eq!(reading.text, "Special cause improvement");
}
