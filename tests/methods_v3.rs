//! Methods contract v3 and records v3 (issue #29), through whole workbooks:
//! the count test's φ̂ from calendar-month pairs (own, or borrowed from the
//! last 24 months by a year to date), Student's t, p = max(p_t, p_exact),
//! counts left untested for too few months, and no test when the compared
//! windows overlap.
//!
//! Reference values were computed independently with Python 3, numpy and
//! scipy 1.17.1 from the formulas of methods v3 (φ̂ by numpy, p_t =
//! 2 * scipy.stats.t.sf(|z|, d), p_exact = scipy.stats.binomtest(L, L + B,
//! 0.5).pvalue), and written here as constants.

mod common;

use boardpack::compute::records::{Class, PairsFrom, Test, Untested};
use boardpack::input::Column;
use boardpack::support::xlsx::{Value, WorkbookData};
use chrono::NaiveDate;
use common::{cell, minimal, records, t};

/// The baseline months of the methods worked example (April–March, B = 1200).
const BASELINE: [f64; 12] = [
    100.0, 120.0, 80.0, 110.0, 90.0, 100.0, 130.0, 70.0, 100.0, 110.0, 90.0, 100.0,
];

/// Count `C` with `baseline` in Apr 2012 – Mar 2013 (months 0–11) and
/// `latest` paired by calendar month (April first) in Jan – Dec 2015
/// (months 33–44), 100 a month between.
fn two_windows(baseline: [f64; 12], latest_apr_to_mar: [f64; 12]) -> WorkbookData {
    minimal(move |i| match i {
        0..=11 => baseline[i],
        // Month 33 is January 2015: the 10th of an April–March year.
        33..=44 => latest_apr_to_mar[(i - 33 + 9) % 12],
        _ => 100.0,
    })
}

fn with_report_field(mut w: WorkbookData, field: &str, value: &str) -> WorkbookData {
    w.sheet_mut("Report").unwrap().row(vec![t(field), t(value)]);
    w
}

/// Sets a `Report` field already in the sheet.
fn set_report(w: &mut WorkbookData, field: &str, value: Value) {
    let report = w.sheet_mut("Report").unwrap();
    let row = report
        .rows
        .iter()
        .position(|r| r.first() == Some(&t(field)))
        .unwrap();
    report.set(row, 1, value);
}

fn set_columns(w: &mut WorkbookData, columns: &str) {
    let pri = w.sheet_mut("Priorities").unwrap();
    let col = pri.col("Columns").unwrap();
    pri.set(1, col, t(columns));
}

#[test]
fn worked_example_each_month_10_higher_is_significant() {
    // φ̂ = 0.012568984550531147, z = 2.3904572186687876, p_t =
    // 0.035832404523016455 on 11 df (p_exact = 0.01774487311014298).
    let c = records(&two_windows(BASELINE, BASELINE.map(|b| b + 10.0)));
    let latest = cell(&c, "C", Column::Latest).unwrap();
    assert_eq!(latest.text, "1320");
    assert_eq!(latest.class, Some(Class::Deterioration));
    assert_eq!(latest.test, Some(Some(Test::OverdispersedPoisson)));
    let phi = latest.dispersion.flatten().unwrap();
    assert!((phi - 0.012568984550531147).abs() < 1e-12, "φ̂ = {phi}");
    assert_eq!(latest.df, Some(Some(11)));
    assert_eq!(latest.pairs_from, Some(Some(PairsFrom::Own)));
    let p = latest.p_value.unwrap();
    assert!((p - 0.035832404523016455).abs() < 1e-9, "p = {p}");
    // The same class as the exact test: no log line of a difference.
    assert!(!c
        .log
        .iter()
        .any(|l| l.contains("the exact Poisson test gives")));
    let json = serde_json::to_value(&latest).unwrap();
    assert_eq!(json["df"], 11);
    assert_eq!(json["pairs_from"], "own");
    assert!(json.get("untested").is_none() && json.get("overlap").is_none());
}

#[test]
fn worked_example_noisy_pairs_is_no_significant_change_and_is_logged() {
    // φ̂ = 2.0031130350489534, z = 1.6889945457555002, p =
    // max(0.11933115352122842, 0.0177) on 11 df.
    let late = [
        140.0, 100.0, 70.0, 140.0, 80.0, 120.0, 150.0, 60.0, 130.0, 95.0, 120.0, 115.0,
    ];
    let c = records(&two_windows(BASELINE, late));
    let latest = cell(&c, "C", Column::Latest).unwrap();
    assert_eq!(latest.class, Some(Class::NoChange));
    let phi = latest.dispersion.flatten().unwrap();
    assert!((phi - 2.0031130350489534).abs() < 1e-12, "φ̂ = {phi}");
    assert!((latest.p_value.unwrap() - 0.11933115352122842).abs() < 1e-9);
    let line = c
        .log
        .iter()
        .find(|l| l.starts_with("C latest:"))
        .expect("the differing class is logged");
    assert!(
        line.contains("φ̂ = 2.00 on 11 df from its own month pairs")
            && line.contains("exact Poisson test gives significant deterioration (p = 0.0177)"),
        "{line}"
    );
}

#[test]
fn count_test_exact_restores_v1_with_null_dispersion() {
    let w = with_report_field(
        two_windows(BASELINE, BASELINE.map(|b| b + 10.0)),
        "count_test",
        "exact",
    );
    let latest = cell(&records(&w), "C", Column::Latest).unwrap();
    assert_eq!(latest.test, Some(Some(Test::ExactPoisson)));
    assert!((latest.p_value.unwrap() - 0.01774487311014298).abs() < 1e-9);
    assert_eq!(
        (latest.dispersion, latest.df, latest.pairs_from),
        (Some(None), Some(None), Some(None))
    );
    let json = serde_json::to_value(&latest).unwrap();
    assert!(json["dispersion"].is_null() && json["df"].is_null() && json["pairs_from"].is_null());
}

/// A seasonal count, 8 a month higher from April 2015 (month 36).
fn seasonal(i: usize) -> f64 {
    let s = (std::f64::consts::TAU * i as f64 / 12.0).sin();
    let wobble = ((i * 37) % 11) as f64 - 5.0;
    (100.0 + 30.0 * s + wobble + if i >= 36 { 8.0 } else { 0.0 }).round()
}

/// The seasonal count reported at May 2015 with year-to-date columns.
fn year_to_date_in_may() -> WorkbookData {
    let mut w = minimal(seasonal);
    set_report(
        &mut w,
        "period_end",
        Value::Date(NaiveDate::from_ymd_opt(2015, 5, 31).unwrap()),
    );
    set_columns(&mut w, "ytd, lytd, var");
    w
}

#[test]
fn a_year_to_date_borrows_phi_from_the_last_24_months() {
    // Apr–May 2015 (227) against Apr–May 2014 (214); the other 10 pairs
    // (Jun 2014 – Mar 2015 against Jun 2013 – Mar 2014) around their own
    // ratio. numpy/scipy: φ̂ = 0.16337109079914316 on 12 − 2 = 10 df, z =
    // 0.6190476190476191, p_t = 0.5497267550762899, p_exact =
    // 0.5677586926675273 = p.
    let c = records(&year_to_date_in_may());
    let ytd = cell(&c, "C", Column::Ytd).unwrap();
    assert_eq!(ytd.text, "227");
    assert_eq!(ytd.test, Some(Some(Test::OverdispersedPoisson)));
    assert_eq!(ytd.pairs_from, Some(Some(PairsFrom::Last24Months)));
    assert_eq!(ytd.df, Some(Some(10)));
    let phi = ytd.dispersion.flatten().unwrap();
    assert!((phi - 0.16337109079914316).abs() < 1e-12, "φ̂ = {phi}");
    assert!((ytd.p_value.unwrap() - 0.5677586926675273).abs() < 1e-9);
    assert_eq!(ytd.class, Some(Class::NoChange));
    let json = serde_json::to_value(&ytd).unwrap();
    assert_eq!(json["pairs_from"], "last-24-months");
}

/// The year-to-date workbook with `C`'s months before April 2014 removed:
/// not all of the last 24 months, and only 2 own pairs.
fn too_few_months() -> WorkbookData {
    let mut w = year_to_date_in_may();
    let first_kept = NaiveDate::from_ymd_opt(2014, 4, 1).unwrap();
    let monthly = w.sheet_mut("Monthly").unwrap();
    monthly
        .rows
        .retain(|r| r[0] != t("C") || !matches!(r[1], Value::Date(d) if d < first_kept));
    w
}

#[test]
fn a_count_with_too_few_months_is_untested_with_its_footnote() {
    let c = records(&too_few_months());
    let ytd = cell(&c, "C", Column::Ytd).unwrap();
    assert_eq!(ytd.text, "227");
    assert_eq!(ytd.class, None);
    assert_eq!(ytd.untested, Some(Untested::TooFewMonths));
    assert_eq!(ytd.test, Some(None));
    assert_eq!(ytd.p_value, None);
    assert_eq!(
        ytd.footnote.as_deref(),
        Some("too few months to judge the variation")
    );
    assert!(ytd.footnote_marker.is_some());
    assert!(
        c.log
            .iter()
            .any(|l| l.starts_with("C ytd: printed uncoloured") && l.contains("too few months")),
        "{:?}",
        c.log
    );
    let json = serde_json::to_value(&ytd).unwrap();
    assert_eq!(json["untested"], "too-few-months");
    assert!(json["test"].is_null() && json.get("class").is_none());
    // Under `exact`, the exact test as v1.
    let w = with_report_field(too_few_months(), "count_test", "exact");
    let ytd = cell(&records(&w), "C", Column::Ytd).unwrap();
    assert_eq!(ytd.test, Some(Some(Test::ExactPoisson)));
    assert!(ytd.class.is_some() && ytd.untested.is_none() && ytd.footnote.is_none());
}

#[test]
fn overlapping_windows_get_no_test_and_a_footnote() {
    // Baseline 2014/15 (Apr 2014 – Mar 2015) against Jan – Dec 2015.
    let mut w = minimal(seasonal);
    set_report(&mut w, "baseline", t("2014/15"));
    let c = records(&w);
    for code in ["C", "P"] {
        let latest = cell(&c, code, Column::Latest).unwrap();
        assert_eq!(latest.overlap, Some(true), "{code}");
        assert_eq!((latest.class, latest.p_value), (None, None), "{code}");
        assert_eq!(latest.footnote.as_deref(), Some("compared windows overlap"));
        assert!(latest.footnote_marker.is_some());
        assert!(
            c.log.iter().any(
                |l| l.starts_with(&format!("{code} latest: printed uncoloured"))
                    && l.contains("overlap")
            ),
            "{:?}",
            c.log
        );
    }
    // A baseline year wholly before the latest window is tested.
    let latest = cell(&records(&minimal(seasonal)), "C", Column::Latest).unwrap();
    assert!(latest.overlap.is_none() && latest.class.is_some());
}

#[test]
fn the_key_says_how_many_comparisons_the_sample_makes() {
    // The sample's 17 printed comparisons that ran a test; 17 × 5/100 =
    // 0.85, about 1.
    let c = records(&common::sample());
    let r = &c.records;
    assert_eq!(r.report.comparisons, 17);
    assert_eq!(r.report.expected_by_chance, 1);
    assert_eq!(
        r.key_comparisons.as_deref(),
        Some("This pack makes 17 comparisons; with no real change anywhere, about 1 of them would still show as significant.")
    );
    let json = serde_json::to_value(r).unwrap();
    assert_eq!(json["report"]["significance"], "per-comparison");
    assert_eq!(json["report"]["comparisons"], 17);
    assert_eq!(json["report"]["expected_by_chance"], 1);
    assert!(json["report"].get("fdr_threshold").is_none());
}

#[test]
fn the_expected_count_is_exact_and_rounds_half_up() {
    // 2 comparisons (C and P, latest against baseline) at confidence 0.75:
    // 2 × 25/100 = 0.5 exactly, which rounds up to 1.
    let w = with_report_field(minimal(seasonal), "confidence", "0.75");
    let r = records(&w).records;
    assert_eq!((r.report.comparisons, r.report.expected_by_chance), (2, 1));
    assert!(r
        .key_comparisons
        .unwrap()
        .starts_with("This pack makes 2 comparisons;"));
    // At 0.95: 2 × 5/100 = 0.1, about 0.
    let r = records(&minimal(seasonal)).records;
    assert_eq!((r.report.comparisons, r.report.expected_by_chance), (2, 0));
}

#[test]
fn fdr_classes_the_sample_by_the_benjamini_hochberg_threshold() {
    // scipy 1.17.1 false_discovery_control over the sample's 17 p-values:
    // the 11 smallest have adjusted p ≤ 0.05 (SP9.satisfaction's 0.01595
    // is the largest, adjusted 0.0246; SP11.offences' 0.0540 is next).
    let w = with_report_field(common::sample(), "significance", "fdr");
    let r = records(&w).records;
    assert_eq!(r.report.comparisons, 17);
    let t = r.report.fdr_threshold.flatten().unwrap();
    assert!((t - 0.015948171431718075).abs() < 1e-12, "threshold {t}");
    let classed = r
        .rows
        .iter()
        .filter_map(|row| row.cells.get(&Column::Latest))
        .filter(|cell| matches!(cell.class, Some(Class::Improvement | Class::Deterioration)))
        .count();
    assert_eq!(classed, 11);
    assert_eq!(
        cell(&records(&w), "SP9.satisfaction", Column::Latest)
            .unwrap()
            .class,
        Some(Class::Deterioration)
    );
    assert_eq!(
        r.key_comparisons.as_deref(),
        Some(
            "Significant after allowing for the pack's 17 comparisons (false discovery rate 5 %)."
        )
    );
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["report"]["significance"], "fdr");
    // The records keep the raw p.
    let sp9 = cell(&records(&w), "SP9.satisfaction", Column::Latest).unwrap();
    assert!((sp9.p_value.unwrap() - 0.015948171431718075).abs() < 1e-12);
}

#[test]
fn fdr_with_nothing_significant_has_a_null_threshold_and_no_classes() {
    // One comparison at p ≈ 0.119 (the noisy worked example) and a
    // proportion at p = 1: nothing under its line.
    let late = [
        140.0, 100.0, 70.0, 140.0, 80.0, 120.0, 150.0, 60.0, 130.0, 95.0, 120.0, 115.0,
    ];
    let w = with_report_field(two_windows(BASELINE, late), "significance", "fdr");
    let r = records(&w).records;
    assert_eq!(r.report.fdr_threshold, Some(None));
    let json = serde_json::to_value(&r).unwrap();
    assert!(json["report"]["fdr_threshold"].is_null());
    let c = r.rows.iter().find(|x| x.code == "C").unwrap();
    assert_eq!(c.cells[&Column::Latest].class, Some(Class::NoChange));
}

#[test]
fn fdr_takes_away_a_class_the_comparison_alone_would_give() {
    // Latest: p ≈ 0.0358 (the worked example, deterioration on its own).
    // YTD Apr–Dec 2015 (990) against 100 a month (900): p above 0.05. The
    // proportion P (80 % every month) is tested too, at p = 1, twice. BH
    // over the four: 0.0358 > 1 · 0.05 / 4, the YTD's p > 2 · 0.05 / 4,
    // 1 > 3 · 0.05 / 4 and 1 > 0.05: nothing is significant.
    let mut w = two_windows(BASELINE, BASELINE.map(|b| b + 10.0));
    set_columns(&mut w, "baseline, latest, ytd, lytd");
    let alone = records(&w).records;
    let c = alone.rows.iter().find(|x| x.code == "C").unwrap();
    assert_eq!(c.cells[&Column::Latest].class, Some(Class::Deterioration));
    let ytd_p = c.cells[&Column::Ytd].p_value.unwrap();
    assert!(ytd_p > 0.05, "ytd p = {ytd_p}");
    assert_eq!(alone.report.comparisons, 4);
    let r = records(&with_report_field(w, "significance", "fdr")).records;
    let c = r.rows.iter().find(|x| x.code == "C").unwrap();
    let latest = &c.cells[&Column::Latest];
    assert_eq!(latest.class, Some(Class::NoChange));
    assert!((latest.p_value.unwrap() - 0.035832404523016455).abs() < 1e-9);
    assert_eq!(
        latest.alt.as_deref(),
        Some("1320, no statistically significant change")
    );
    assert_eq!(r.report.fdr_threshold, Some(None));
    let c = records(&with_report_field(
        {
            let mut w = two_windows(BASELINE, BASELINE.map(|b| b + 10.0));
            set_columns(&mut w, "baseline, latest, ytd, lytd");
            w
        },
        "significance",
        "fdr",
    ));
    assert!(
        c.log.iter().any(|l| l.starts_with(
            "C latest: class changed by significance = fdr: significant deterioration on its own → no significant change"
        )),
        "{:?}",
        c.log
    );
}

#[test]
fn an_unknown_significance_is_an_error_naming_the_cell() {
    let w = with_report_field(minimal(|_| 10.0), "significance", "bonferroni");
    assert_eq!(
        common::errors(&w),
        ["Report!B7: expected one of per-comparison, fdr, found \"bonferroni\""]
    );
}

/// A rising seasonal count reported at May 2015 with projection year
/// 2015/16 (two of its months observed).
fn rising_in_may() -> WorkbookData {
    let mut w = minimal(|i| {
        let s = (std::f64::consts::TAU * i as f64 / 12.0).sin();
        (200.0 + 2.0 * i as f64 + 15.0 * s + ((i * 37) % 11) as f64 - 5.0).round()
    });
    set_report(
        &mut w,
        "period_end",
        Value::Date(NaiveDate::from_ymd_opt(2015, 5, 31).unwrap()),
    );
    set_report(&mut w, "projection", t("2015/16"));
    w
}

#[test]
fn a_projection_year_partly_observed_counts_its_months_as_observed() {
    // Reference: statsmodels 0.15.0 OLS of the last 36 months (June 2012 –
    // May 2015) on 0..35: ρ̂ = 0.7323784312778068 from its residuals; the
    // year = April + May 2015 observed + the line over June 2015 – March
    // 2016 (x = 36..45); variance scale·(10 + sᵀ(XᵀX)⁻¹s)·(1 + ρ̂)/(1 − ρ̂),
    // t = scipy t.ppf(0.975, 34) (the months rounded half away from zero,
    // as Rust's round): 3352.6838266838263 (3051.1370908082413
    // to 3654.2305625594113).
    let c = records(&rising_in_may());
    let p = cell(&c, "C", Column::Projection).unwrap();
    assert_eq!(p.text, "3353");
    assert!(
        (p.value.unwrap() - 3352.6838266838263).abs() < 1e-6,
        "{p:?}"
    );
    let [low, high] = p.interval.flatten().unwrap();
    assert!((low - 3051.1370908082413).abs() < 1e-6, "{p:?}");
    assert!((high - 3654.2305625594113).abs() < 1e-6, "{p:?}");
    assert_eq!((p.low, p.high), (Some(low), Some(high)));
    assert_eq!((p.months_observed, p.months_projected), (Some(2), Some(10)));
    assert!((p.rho.flatten().unwrap() - 0.7323784312778068).abs() < 1e-9);
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["months_observed"], 2);
    assert_eq!(json["interval"].as_array().unwrap().len(), 2);
    // The chart's caption says how many months are observed.
    let chart = c
        .records
        .appendix
        .iter()
        .find(|a| a.indicator == "C")
        .unwrap();
    assert!(
        chart.caption.contains("2 months observed, 10 projected"),
        "{}",
        chart.caption
    );
}

#[test]
fn a_falling_count_is_not_projected_where_its_trend_reaches_zero() {
    // Regression (v2 printed "0 (0 to 0)", a false certainty): falling by
    // 14 a month from 600, the line reaches 0 before 2016/17 ends.
    let c = records(&minimal(|i| (600.0 - 14.0 * i as f64).max(0.0)));
    let p = cell(&c, "C", Column::Projection).unwrap();
    assert_eq!(p.text, "n/a");
    assert_eq!(p.value, None);
    assert_eq!(
        p.footnote.as_deref(),
        Some("the trend falls to zero before 2016/17; no projection")
    );
    assert!(p.footnote_marker.is_some());
    assert!(
        c.log
            .iter()
            .any(|l| l.starts_with("C projection: the fitted trend reaches 0")),
        "{:?}",
        c.log
    );
    let chart = c
        .records
        .appendix
        .iter()
        .find(|a| a.indicator == "C")
        .unwrap();
    assert!(chart.projection.is_none());
}

#[test]
fn a_survey_at_zero_every_month_gets_an_interval_of_honest_width() {
    // Regression: v2 printed "1.2% (1.2% to 1.2%)".
    let mut w = minimal(|_| 100.0);
    let monthly = w.sheet_mut("Monthly").unwrap();
    for i in 0..45 {
        monthly.set(2 + 2 * i, 2, Value::Number(0.0));
    }
    let p = cell(&records(&w), "P", Column::Projection).unwrap();
    let [low, high] = p.interval.flatten().unwrap();
    let value = p.value.unwrap();
    assert!(low < value && value < high && high - low > 0.001, "{p:?}");
}

#[test]
fn the_build_log_names_every_class_changed_from_v2_and_why() {
    // Each month 10 higher: v2 said no significant change (φ* ≈ 2.60 around
    // each window's mean, p ≈ 0.138); v3 says deterioration (p ≈ 0.0358).
    let c = records(&two_windows(BASELINE, BASELINE.map(|b| b + 10.0)));
    let changed: Vec<&String> = c
        .log
        .iter()
        .filter(|l| l.contains("class changed from v2"))
        .collect();
    assert_eq!(changed.len(), 1, "{:?}", c.log);
    assert_eq!(
        changed[0],
        "C latest: class changed from v2: no significant change (v2: φ* = 2.60, p = 0.1385) → \
         significant deterioration (p = 0.0358); why: v3 judges the noise by calendar-month \
         pairs, so seasons no longer count as noise (φ̂ = 0.01 on 11 df), and tests against \
         Student's t with p = max(p_t, p_exact)"
    );
    assert!(c.log.contains(
        &"methods v3: 1 printed class differs from methods v2's (logged above, with why)"
            .to_string()
    ));
    // Overlapping windows: v2's classes are withdrawn, each logged.
    let mut w = minimal(seasonal);
    set_report(&mut w, "baseline", t("2014/15"));
    let c = records(&w);
    let overlap: Vec<&String> = c
        .log
        .iter()
        .filter(|l| l.contains("class changed from v2") && l.contains("overlap"))
        .collect();
    assert_eq!(overlap.len(), 2, "{:?}", c.log);
    assert!(overlap[0].starts_with("C latest: class changed from v2: "));
    assert!(overlap[0].contains("→ uncoloured"));
}

#[test]
fn the_samples_build_log_says_no_class_changed_from_v2() {
    // The sample's classes are v2's (SP11.offences stays no significant
    // change: v2's p ≈ 0.54, v3's 0.054).
    let c = records(&common::sample());
    assert!(
        !c.log.iter().any(|l| l.contains("class changed")),
        "{:?}",
        c.log
    );
    assert!(c
        .log
        .contains(&"methods v3: no printed class differs from methods v2's".to_string()));
    // Under fdr neither: the sample's 11 significant classes stay.
    let c = records(&with_report_field(common::sample(), "significance", "fdr"));
    assert!(
        !c.log.iter().any(|l| l.contains("class changed")),
        "{:?}",
        c.log
    );
}
