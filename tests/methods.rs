//! Figures computed from workbooks built for the purpose: the methods
//! contract's cases (`docs/methods.md`) and edge cases of our own.

mod common;

use boardpack::compute::records::Class;
use boardpack::input::Column;
use boardpack::support::xlsx::Value;
use common::{cell, minimal, records, t};

#[test]
fn windows_sum_the_baseline_year_and_the_latest_twelve_months() {
    // 10 a month in the baseline year, 5 a month in 2015.
    let c = records(&minimal(|i| {
        if i < 12 {
            10.0
        } else if i >= 33 {
            5.0
        } else {
            7.0
        }
    }));
    assert_eq!(cell(&c, "C", Column::Baseline).unwrap().text, "120");
    assert_eq!(cell(&c, "C", Column::Latest).unwrap().text, "60");
    assert_eq!(cell(&c, "C", Column::Var).unwrap().text, "-50%");
    let latest = cell(&c, "C", Column::Latest).unwrap();
    assert_eq!(latest.class, Some(Class::Improvement));
}

#[test]
fn zero_baseline_prints_no_var_but_is_still_tested() {
    let c = records(&minimal(|i| if i < 12 { 0.0 } else { 2.0 }));
    assert_eq!(cell(&c, "C", Column::Baseline).unwrap().text, "0");
    assert!(
        cell(&c, "C", Column::Var).is_none(),
        "no % Var. from a zero baseline"
    );
    let latest = cell(&c, "C", Column::Latest).unwrap();
    assert_eq!(latest.text, "24");
    assert_eq!(latest.class, Some(Class::Deterioration));
}

#[test]
fn a_missing_month_prints_n_a_naming_it_and_warns() {
    let mut w = minimal(|_| 10.0);
    // Drop March 2015 (month index 35) of C: rows are C, P alternating.
    let monthly = w.sheet_mut("Monthly").unwrap();
    monthly.rows.remove(1 + 35 * 2);
    let c = records(&w);
    // No partial sum: a visible gap, its footnote naming the month (issue #14).
    let latest = cell(&c, "C", Column::Latest).unwrap();
    assert_eq!((latest.text.as_str(), latest.value), ("n/a", None));
    assert_eq!(latest.footnote.as_deref(), Some("No data for Mar 2015."));
    assert!(cell(&c, "C", Column::Var).is_none());
    assert_eq!(cell(&c, "C", Column::Baseline).unwrap().text, "120");
    let warning = c
        .warnings
        .iter()
        .map(|w| w.to_string())
        .find(|w| w.contains("C:") && w.contains("latest"))
        .expect("a warning for the latest window");
    assert!(warning.contains("Mar 2015"), "{warning}");
}

#[test]
fn position_v_msg_ranks_by_rate_and_shares_tied_positions() {
    // Home 120/1000 = 0.12 (its latest 12 months); North 0.06 (better);
    // South 360/2000 = 0.18.
    let c = records(&minimal(|_| 10.0));
    assert_eq!(cell(&c, "R", Column::Latest).unwrap().text, "2nd");
    // South at 240/2000 = 0.12: tied with home.
    let mut w = minimal(|_| 10.0);
    let peers = w.sheet_mut("Peers").unwrap();
    assert_eq!(peers.rows[1][2], Value::Number(120.0));
    peers.set(3, 2, Value::Number(240.0));
    let c = records(&w);
    let rank = cell(&c, "R", Column::Latest).unwrap();
    assert_eq!(rank.text, "=2nd");
    assert_eq!(rank.value, Some(2.0));
}

#[test]
fn na_in_values_prints_na_and_replaces_the_computed_figure() {
    let mut w = minimal(|_| 10.0);
    let mut values = boardpack::support::xlsx::SheetData::new(
        "Values",
        &["Indicator", "Column", "Value", "Base", "Note"],
    );
    values.row(vec![
        t("C"),
        t("latest"),
        t("NA"),
        Value::Empty,
        Value::Empty,
    ]);
    values.row(vec![
        t("P"),
        t("baseline"),
        t("84.5%"),
        Value::Number(1000.0),
        t("survey"),
    ]);
    values.row(vec![
        t("P"),
        t("latest"),
        Value::Percent(0.804),
        Value::Number(1000.0),
        Value::Empty,
    ]);
    w.sheets.push(values);
    let c = records(&w);
    let latest = cell(&c, "C", Column::Latest).unwrap();
    assert_eq!(latest.text, "NA");
    assert_eq!(latest.value, None);
    assert_eq!(latest.class, None);
    // Percent text and a percent-formatted number are both proportions,
    // and with their bases the z-test runs: 84.5% v 80.4% of 1000.
    let base = cell(&c, "P", Column::Baseline).unwrap();
    assert_eq!(base.text, "84.5%");
    assert_eq!(base.note.as_deref(), Some("survey"));
    let p = cell(&c, "P", Column::Latest).unwrap();
    assert_eq!(p.text, "80.4%");
    assert_eq!(p.class, Some(Class::Deterioration));
    assert!(
        c.log
            .iter()
            .any(|l| l.contains("C latest: NA from Values!C2")),
        "{:?}",
        c.log
    );
}

#[test]
fn proportions_without_respondents_print_uncoloured_and_the_log_says_why() {
    let mut w = minimal(|_| 10.0);
    let mut values =
        boardpack::support::xlsx::SheetData::new("Values", &["Indicator", "Column", "Value"]);
    values.row(vec![t("P"), t("latest"), t("90%")]);
    w.sheets.push(values);
    let c = records(&w);
    let p = cell(&c, "P", Column::Latest).unwrap();
    assert_eq!(p.text, "90.0%");
    assert_eq!(p.class, None);
    assert!(
        c.log
            .iter()
            .any(|l| l.contains("P latest") && l.contains("Base")),
        "{:?}",
        c.log
    );
}

#[test]
fn dates_in_the_1904_system_read_as_the_same_months() {
    let mut w = minimal(|i| if i < 12 { 10.0 } else { 5.0 });
    let plain = records(&w);
    w.date_1904 = true;
    let c = records(&w);
    assert_eq!(c.records.report.period_end.to_string(), "2015-12-31");
    assert_eq!(
        cell(&c, "C", Column::Baseline),
        cell(&plain, "C", Column::Baseline)
    );
    assert_eq!(cell(&c, "C", Column::Latest).unwrap().text, "60");
}

#[test]
fn iso_text_months_and_thousands_separators_are_accepted() {
    let mut w = minimal(|_| 1000.0);
    let monthly = w.sheet_mut("Monthly").unwrap();
    for r in monthly.rows.iter_mut().skip(1) {
        if let Value::Date(d) = r[1] {
            r[1] = Value::Text(d.format("%Y-%m").to_string());
        }
        if r[0] == t("C") {
            r[2] = t("1,000");
        }
    }
    let c = records(&w);
    assert_eq!(cell(&c, "C", Column::Latest).unwrap().text, "12000");
}

#[test]
fn codes_typed_as_numbers_match_their_text() {
    let mut w = minimal(|_| 10.0);
    // Priority code 1 as a number in Priorities; "1" as text in Indicators.
    w.sheet_mut("Priorities")
        .unwrap()
        .set(1, 0, Value::Number(1.0));
    let c = records(&w);
    assert_eq!(c.records.priorities[0].code, "1");
    assert_eq!(c.records.rows.len(), 4);
    // 14a and 14A are the same code.
    let mut w = minimal(|_| 10.0);
    w.sheet_mut("Priorities").unwrap().set(1, 0, t("14A"));
    let ind = w.sheet_mut("Indicators").unwrap();
    for r in 1..=4 {
        ind.set(r, 1, t("14a"));
    }
    let c = records(&w);
    assert_eq!(c.records.rows.len(), 4);
    assert!(c.records.rows.iter().all(|r| r.priority == "14A"));
}

#[test]
fn spc_and_projection_cells_are_filled_from_the_series() {
    // A steady rise: the projection follows the line.
    let c = records(&minimal(|i| 100.0 + i as f64));
    let spc = cell(&c, "S", Column::Latest).unwrap();
    assert_eq!(
        spc.class,
        Some(Class::Concern),
        "a rising count is concern when down is good"
    );
    assert_eq!(spc.text, "Special cause concern");
    // Months 9..44 fitted exactly; 2016/17 is months 48..59: Σ(100 + i) = 1200 + 642.
    let proj = cell(&c, "C", Column::Projection).unwrap();
    assert_eq!(proj.text, "1842");
    // Methods v3: a perfect line would give an interval of no width; none
    // prints.
    assert_eq!((proj.low, proj.interval), (None, Some(None)));
}

#[test]
fn ytd_and_lytd_follow_the_financial_year_of_the_reporting_month() {
    // Month i counts i + 1 (April 2012 = 1). Period ends June 2015 (i = 38):
    // YTD = April–June 2015 (i = 36..=38), L.YTD = April–June 2014 (i = 24..=26).
    let mut w = minimal(|i| i as f64 + 1.0);
    w.sheet_mut("Report").unwrap().set(
        2,
        1,
        Value::Date(chrono::NaiveDate::from_ymd_opt(2015, 6, 30).unwrap()),
    );
    w.sheet_mut("Priorities")
        .unwrap()
        .set(1, 3, t("ytd, lytd, var"));
    let c = records(&w);
    assert_eq!(c.records.report.period_label, "Period ended June 2015");
    assert_eq!(cell(&c, "C", Column::Ytd).unwrap().text, "114"); // 37 + 38 + 39
    assert_eq!(cell(&c, "C", Column::Lytd).unwrap().text, "78"); // 25 + 26 + 27
    assert_eq!(cell(&c, "C", Column::Var).unwrap().text, "+46%");
    // More offences with polarity down: the YTD figure is classed.
    let ytd = cell(&c, "C", Column::Ytd).unwrap();
    assert_eq!(ytd.class, Some(Class::Deterioration));
    let heads: Vec<&str> = c.records.priorities[0]
        .columns
        .iter()
        .map(|h| h.label.as_str())
        .collect();
    assert_eq!(heads, ["YTD", "L.YTD", "% Var"]);
}
