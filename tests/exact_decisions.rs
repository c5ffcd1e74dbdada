//! Methods v3, "exact comparisons" and "text percentages": no class or
//! reading depends on a floating-point tie. Each case puts a figure exactly
//! on the line that decides it (the SPC centre line, a process limit, a
//! two-sigma line, a rounding half) and checks the pack reads it as on the
//! line; a neighbour just over the line checks that the rule still fires.

mod common;

use boardpack::compute::records::{Class, SpcChartRecord};
use boardpack::input::Column;
use boardpack::support::xlsx::{SheetData, Value, WorkbookData};
use boardpack::Computed;
use common::{build, cell, minimal, pdf_text, records, t};

/// Months in the minimal workbook: April 2012 to December 2015.
const MONTHS: usize = 45;

/// The minimal workbook with the survey `P`'s month `i` as `p(i)`
/// (positive responses, respondents), its SPC row reading `P`.
fn survey(p: impl Fn(usize) -> (f64, f64)) -> WorkbookData {
    let mut w = minimal(|_| 100.0);
    let monthly = w.sheet_mut("Monthly").unwrap();
    for i in 0..MONTHS {
        let (x, n) = p(i);
        monthly.set(2 + 2 * i, 2, Value::Number(x));
        monthly.set(2 + 2 * i, 3, Value::Number(n));
    }
    // Indicators row 4 is the SPC row; column 5 its Source.
    w.sheet_mut("Indicators").unwrap().set(4, 5, t("P"));
    w
}

/// The appendix chart of `code`.
fn chart<'a>(c: &'a Computed, code: &str) -> &'a SpcChartRecord {
    c.records
        .appendix
        .iter()
        .find(|a| a.indicator == code)
        .unwrap_or_else(|| panic!("{code} has an SPC chart"))
}

/// The SPC row's reading of the reporting month.
fn reading(c: &Computed) -> Class {
    cell(c, "S", Column::Latest)
        .and_then(|s| s.class)
        .expect("the SPC row has a reading")
}

#[test]
fn a_survey_at_70_percent_every_month_reads_common_cause_at_every_point() {
    // The case: in floating point the centre line was
    // 0.7000000000000001 and every month "special cause concern".
    let bases = [100.0, 200.0, 110.0, 90.0, 50.0, 130.0, 70.0, 120.0, 150.0];
    let w = survey(|i| {
        let n = bases[i % bases.len()];
        (n * 7.0 / 10.0, n)
    });
    let c = records(&w);
    assert_eq!(reading(&c), Class::CommonCause);
    assert_eq!(cell(&c, "S", Column::Latest).unwrap().text, "Common cause");
    let p = chart(&c, "P");
    assert_eq!(p.reading, Class::CommonCause);
    assert_eq!(p.points.len(), MONTHS);
    let flagged: Vec<_> = p
        .points
        .iter()
        .filter(|pt| pt.signal != Class::CommonCause)
        .map(|pt| pt.month)
        .collect();
    assert!(flagged.is_empty(), "special cause at {flagged:?}");
    assert_eq!(p.mean, 0.7);
    assert_eq!((p.lower_limit, p.upper_limit), (0.7, 0.7));
    // Its alt text reads the series as level (it read "fall overall": with
    // no variation, "less than half a sigma" was never true).
    assert!(p.alt.contains("stay level overall"), "{}", p.alt);
    assert!(p.alt.contains("0 improvement, 0 concern"), "{}", p.alt);
}

/// Baseline rates (of 100) whose upper process limit is exactly 99.1 %.
const ON_UPPER_LIMIT: [f64; 12] = [
    70.0, 67.0, 66.0, 72.0, 82.0, 62.0, 77.0, 76.0, 84.0, 60.0, 72.0, 82.0,
];

#[test]
fn a_monthly_rate_exactly_on_the_process_limit_is_not_outside_it() {
    // The baseline pattern every year; the reporting month x of 1000.
    let pack = |x: f64| {
        records(&survey(|i| {
            if i == MONTHS - 1 {
                (x, 1000.0)
            } else {
                (ON_UPPER_LIMIT[i % 12], 100.0)
            }
        }))
    };
    let c = pack(991.0);
    let p = chart(&c, "P");
    assert_eq!(p.upper_limit, 0.991);
    // Floating point put the limit at 0.9909999999999997, below 99.1 %.
    assert_eq!(reading(&c), Class::CommonCause);
    assert!(p.points.iter().all(|pt| pt.signal == Class::CommonCause));
    // One response more is above the limit: an improvement (polarity up).
    assert_eq!(reading(&pack(992.0)), Class::Improvement);
}

/// Baseline counts whose lower two-sigma line is exactly 472.
const ON_LOWER_TWO_SIGMA: [f64; 12] = [
    526.0, 530.0, 517.0, 525.0, 484.0, 533.0, 531.0, 498.0, 466.0, 537.0, 534.0, 515.0,
];

#[test]
fn counts_exactly_on_a_two_sigma_line_are_not_beyond_it() {
    // The baseline pattern every year; the last three months a, 515, b.
    let pack = |a: f64, b: f64| {
        records(&minimal(|i| match MONTHS - i {
            3 => a,
            1 => b,
            _ => ON_LOWER_TWO_SIGMA[i % 12],
        }))
    };
    // Floating point put the line at 472.00000000000006: two months of 472
    // were "two of three below the two-sigma line".
    let c = pack(472.0, 472.0);
    assert_eq!(reading(&c), Class::CommonCause);
    let chart = chart(&c, "C");
    assert!(chart
        .points
        .iter()
        .all(|pt| pt.signal == Class::CommonCause));
    // One on the line, one beyond: not two beyond.
    assert_eq!(reading(&pack(471.0, 472.0)), Class::CommonCause);
    // Both beyond: special cause, an improvement for a count where down is good.
    assert_eq!(reading(&pack(471.0, 471.0)), Class::Improvement);
}

#[test]
fn counts_exactly_on_the_centre_line_break_a_shift() {
    // Baseline 10, 12, 10, … (mean exactly 11), then 11 every month: no
    // point is above or below the line, so there is no run of seven.
    let c = records(&minimal(|i| match i {
        0..12 => 10.0 + 2.0 * (i % 2) as f64,
        _ => 11.0,
    }));
    assert_eq!(reading(&c), Class::CommonCause);
    assert!(chart(&c, "C")
        .points
        .iter()
        .all(|pt| pt.signal == Class::CommonCause));
    // A month's count above the line every month is a shift.
    let c = records(&minimal(|i| match i {
        0..12 => 10.0 + 2.0 * (i % 2) as f64,
        _ => 12.0,
    }));
    assert_eq!(reading(&c), Class::Concern);
}

/// The minimal workbook with `Values` entries (indicator, column, value).
fn with_values(entries: &[(&str, &str, Value)]) -> WorkbookData {
    let mut w = minimal(|_| 100.0);
    let mut values = SheetData::new("Values", &["Indicator", "Column", "Value", "Base", "Note"]);
    for (code, column, value) in entries {
        values.row(vec![
            t(code),
            t(column),
            value.clone(),
            Value::Empty,
            Value::Empty,
        ]);
    }
    w.sheets.push(values);
    w
}

#[test]
fn a_percent_typed_as_text_on_a_half_rounds_half_away_from_zero() {
    // "93.85%" was read as 93.85 / 100 = 0.9384999999999999 and printed
    // 93.8%; it is the decimal 0.9385, and prints 93.9%.
    let w = with_values(&[
        ("P", "latest", t("93.85%")),
        ("P", "baseline", t("93.849%")),
        ("P", "var", t("-1.45%")),
    ]);
    let c = records(&w);
    assert_eq!(cell(&c, "P", Column::Latest).unwrap().text, "93.9%");
    // Below the half: down.
    assert_eq!(cell(&c, "P", Column::Baseline).unwrap().text, "93.8%");
    // A negative half rounds away from zero: -1.45 points is -1.5pp (read
    // as -0.014499999999999999 it printed -1.4pp).
    assert_eq!(cell(&c, "P", Column::Var).unwrap().text, "-1.5pp");
    // And so the pack prints.
    let text = pdf_text(&build(&w).pdf);
    for printed in ["93.9%", "93.8%", "-1.5pp"] {
        assert!(text.contains(printed), "{printed} in {text}");
    }
    assert!(!text.contains("-1.4pp"), "{text}");
}

#[test]
fn a_numeric_percent_cell_is_read_as_the_decimal_it_holds() {
    // A cell holding 0.9385 formatted as a percent shows 93.85% in the
    // spreadsheet; it is read as 9385/10000 and prints 93.9%.
    let w = with_values(&[
        ("P", "latest", Value::Percent(0.9385)),
        ("P", "baseline", Value::Number(0.1725)),
    ]);
    let c = records(&w);
    assert_eq!(cell(&c, "P", Column::Latest).unwrap().text, "93.9%");
    assert_eq!(cell(&c, "P", Column::Baseline).unwrap().text, "17.3%");
    // A formula's result a binary hair below the half (=93.85/100 holds
    // 0.9384999999999999) shows 93.85% in the spreadsheet, and prints as
    // that: read to the 15 digits a spreadsheet shows.
    let w = with_values(&[("P", "latest", Value::Percent(93.85 / 100.0))]);
    let c = records(&w);
    assert_eq!(cell(&c, "P", Column::Latest).unwrap().text, "93.9%");
}

#[test]
fn a_confidence_typed_as_text_percent_is_the_decimal_it_shows() {
    // "99.9%" is 0.999 (read as 99.9 / 100 it was 0.9990000000000001).
    let mut w = minimal(|_| 100.0);
    w.sheet_mut("Report")
        .unwrap()
        .row(vec![t("confidence"), t("99.9%")]);
    let c = records(&w);
    assert_eq!(c.records.report.confidence, 0.999);
}

#[test]
fn a_savings_amount_on_a_half_rounds_half_away_from_zero() {
    // £20.15m printed £20.1m (`{:.1}` on the binary value 20.149999…).
    let mut w = common::sample();
    let savings = w.sheet_mut("Savings").unwrap();
    savings.set(1, 1, Value::Number(20.15));
    savings.set(2, 1, Value::Number(16.05));
    let c = records(&w);
    let bars: Vec<&str> = c
        .records
        .priorities
        .iter()
        .filter_map(|p| p.savings.as_ref())
        .flat_map(|s| s.items.iter().map(|i| i.text.as_str()))
        .collect();
    assert_eq!(bars, ["£20.2m", "£16.1m", "£2.4m", "£1.8m"]);
}
