//! The Changes page and `diff` compare like with like (issue 25): each
//! changed figure names its window or year; figures whose window moved on
//! with the period are roll-ons, summarised apart; "data restated" only
//! for the same window, with the months restated; months restated behind
//! a figure that rolled on are listed; a baseline change is said once; a
//! first figure is "new"; rows are named by label under their priority's
//! number, never by code.

mod common;

use boardpack::compute::changes::{diff, Change, Diff};
use boardpack::methods::period::Month;
use boardpack::support::xlsx::{Value, WorkbookData};
use chrono::NaiveDate;
use common::t;

/// A workbook of `common::minimal`'s shape whose period ends with `last`,
/// monthly from April 2012 to `last`, printing every window column, with
/// the baseline and projection years given. `count(month)` gives the count
/// `C` of each month.
fn book(
    last: (i32, u32),
    baseline: &str,
    projection: &str,
    count: impl Fn(Month) -> f64,
) -> WorkbookData {
    let mut w = common::minimal(|_| 0.0);
    let last = Month::new(last.0, last.1).unwrap();
    let day = |m: Month| NaiveDate::from_ymd_opt(m.year, m.month, 1).unwrap();
    let end = day(last.plus(1)).pred_opt().unwrap();
    let report = w.sheet_mut("Report").unwrap();
    for row in report.rows.iter_mut() {
        match &row[0] {
            Value::Text(f) if f == "period_end" => row[1] = Value::Date(end),
            Value::Text(f) if f == "baseline" => row[1] = t(baseline),
            Value::Text(f) if f == "projection" => row[1] = t(projection),
            _ => {}
        }
    }
    let pri = w.sheet_mut("Priorities").unwrap();
    pri.rows[1][3] = t("baseline, latest, var, ytd, lytd, projection");
    let monthly = w.sheet_mut("Monthly").unwrap();
    monthly.rows.truncate(1);
    let first = Month::new(2012, 4).unwrap();
    for i in 0..=first.months_until(last) {
        let m = first.plus(i);
        monthly.row(vec![t("C"), Value::Date(day(m)), Value::Number(count(m))]);
        monthly.row(vec![
            t("P"),
            Value::Date(day(m)),
            Value::Number(80.0),
            Value::Number(100.0),
        ]);
    }
    w
}

/// A steady count with some wobble, so that tests run.
fn steady(m: Month) -> f64 {
    100.0 + ((m.year as u32 * 12 + m.month) % 7) as f64
}

fn records(w: &WorkbookData) -> serde_json::Value {
    serde_json::to_value(&common::records(w).records).unwrap()
}

fn all(d: &Diff) -> Vec<&Change> {
    d.priorities.iter().flat_map(|p| &p.changes).collect()
}

fn lines(d: &Diff) -> Vec<String> {
    all(d).iter().map(|c| c.describe()).collect()
}

/// Regression: a March pack against a June pack compared the projection of
/// 2016/17 with that of 2017/18 and the YTD of a whole year with that of
/// three months as if they were the same figures.
#[test]
fn over_a_year_boundary_the_windows_roll_on_and_are_not_compared() {
    let old = records(&book((2016, 3), "2012/13", "2016/17", steady));
    let new = records(&book((2016, 6), "2012/13", "2017/18", steady));
    let d = diff(&old, &new);
    for c in all(&d) {
        assert!(
            !matches!(
                c,
                Change::Restated { .. } | Change::Projection { .. } | Change::New { .. }
            ),
            "a rolled-on figure was compared: {c:?}"
        );
    }
    let text = d.text();
    assert!(!text.contains("revised"), "{text}");
    assert!(!text.contains("restated"), "{text}");
    let rolled = d.rolled_on_lines();
    for want in [
        "Latest 12 months: 2015/16 → Jul 2015–Jun 2016 (2 figures)",
        "YTD: 2015/16 → Apr–Jun 2016, a new financial year (2 figures)",
        "L.YTD: 2014/15 → Apr–Jun 2015, a new financial year (2 figures)",
        "Projection: 2016/17 → 2017/18, the projection year moved on (2 figures)",
    ] {
        assert!(rolled.iter().any(|l| l == want), "{want}: {rolled:?}");
    }
    assert_eq!(
        d.rolled_on_heading(),
        "Rolled on with the period (not revisions): 8 figures"
    );
    // The baseline did not move: nothing said of it.
    assert!(d.baseline_changed.is_none());
    assert!(!text.contains("Baseline"), "{text}");
}

/// Regression: burglary April–June restated by +69 in September was never
/// reported, because every window of September's pack had moved on from
/// June's.
#[test]
fn months_restated_behind_rolled_on_figures_are_listed_with_the_change() {
    let old = records(&book((2017, 6), "2012/13", "2017/18", steady));
    let restated = |m: Month| {
        let in_q1 = m.year == 2017 && (4..=6).contains(&m.month);
        steady(m) + if in_q1 { 23.0 } else { 0.0 }
    };
    let new = records(&book((2017, 9), "2012/13", "2017/18", restated));
    let d = diff(&old, &new);
    let months: Vec<&Change> = all(&d)
        .into_iter()
        .filter(|c| matches!(c, Change::MonthsRestated { .. }))
        .collect();
    assert_eq!(months.len(), 1, "{:?}", lines(&d));
    let Change::MonthsRestated {
        row,
        months: runs,
        printed_in,
    } = months[0]
    else {
        unreachable!()
    };
    assert_eq!(row, "Count row");
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].text, "Apr–Jun 2017 +69");
    assert_eq!(
        (runs[0].first.as_str(), runs[0].last.as_str()),
        ("2017-04", "2017-06")
    );
    assert!(
        printed_in.contains(&"YTD Apr–Jun 2017".to_string())
            && printed_in.contains(&"Latest 12 months Jul 2016–Jun 2017".to_string()),
        "{printed_in:?}"
    );
    let said = months[0].describe();
    assert!(
        said.starts_with(
            "Count row — earlier months restated: Apr–Jun 2017 +69 (in the earlier pack's "
        ),
        "{said}"
    );
    // The proportion was not restated: nothing said of it.
    assert!(
        !lines(&d)
            .iter()
            .any(|l| l.starts_with("Proportion row — earlier")),
        "{:?}",
        lines(&d)
    );
}

/// A figure of the same window that changed is "data restated", with the
/// months restated and its window named.
#[test]
fn a_same_window_figure_restated_lists_its_months() {
    let old = records(&book((2015, 12), "2012/13", "2016/17", steady));
    let bumped = |m: Month| {
        steady(m)
            + if m == Month::new(2012, 4).unwrap() {
                100.0
            } else {
                0.0
            }
    };
    let new = records(&book((2015, 12), "2012/13", "2016/17", bumped));
    let d = diff(&old, &new);
    let l = lines(&d);
    let baseline = l
        .iter()
        .find(|l| l.starts_with("Count row — Baseline 2012/13: "))
        .unwrap_or_else(|| panic!("{l:?}"));
    assert!(
        baseline.ends_with(", data restated: Apr 2012 +100"),
        "{baseline}"
    );
    // Nothing rolled on: the period is the same.
    assert!(d.rolled_on.is_empty(), "{:?}", d.rolled_on);
    assert!(!l.iter().any(|l| l.contains("earlier months")), "{l:?}");
}

/// Regression: a baseline year changed was called "same window, data
/// restated" figure by figure.
#[test]
fn a_baseline_change_is_said_once_not_as_restated_figures() {
    let old = records(&book((2015, 12), "2012/13", "2016/17", steady));
    let new = records(&book((2015, 12), "2013/14", "2016/17", steady));
    let d = diff(&old, &new);
    let b = d
        .baseline_changed
        .as_ref()
        .expect("the baseline change is said");
    assert_eq!(
        (b.old.as_str(), b.new.as_str(), b.figures),
        ("2012/13", "2013/14", 2)
    );
    assert_eq!(
        d.notes(),
        ["Baseline year changed from 2012/13 to 2013/14: 2 baseline figures now of 2013/14, not revisions"]
    );
    for c in all(&d) {
        assert!(
            !matches!(c, Change::Restated { column, .. } if column == "baseline"),
            "{c:?}"
        );
    }
    assert!(!d.text().contains("restated"), "{}", d.text());
    assert!(d
        .text()
        .contains("Baseline year changed from 2012/13 to 2013/14"));
}

/// Regression: a first figure where the earlier pack printed `n/a` was
/// "revised n/a → 264,371".
#[test]
fn a_first_figure_is_new_not_revised() {
    let mut old = book((2015, 12), "2012/13", "2016/17", steady);
    let monthly = old.sheet_mut("Monthly").unwrap();
    monthly.rows.retain(|r| {
        !(matches!(&r[0], Value::Text(c) if c == "C")
            && matches!(&r[1], Value::Date(d) if *d == NaiveDate::from_ymd_opt(2015, 11, 1).unwrap()))
    });
    let old = records(&old);
    let latest = &old["rows"][0]["cells"]["latest"];
    assert_eq!(latest["text"], "n/a", "{latest}");
    let new = records(&book((2015, 12), "2012/13", "2016/17", steady));
    let d = diff(&old, &new);
    let l = lines(&d);
    let want = format!(
        "Count row — Latest 12 months Jan–Dec 2015: new figure {} (was n/a)",
        new["rows"][0]["cells"]["latest"]["text"].as_str().unwrap()
    );
    assert!(l.contains(&want), "{want}: {l:?}");
    assert!(!l.iter().any(|l| l.contains("revised")), "{l:?}");
}

/// Rows are named by their label under their priority's number, never by
/// their internal code (`SP11.offences`).
#[test]
fn rows_are_named_by_priority_number_and_label_not_code() {
    let old = records(&common::sample());
    let mut w = common::sample();
    let monthly = w.sheet_mut("Monthly").unwrap();
    let (ic, mc, vc) = (
        monthly.col("Indicator").unwrap(),
        monthly.col("Month").unwrap(),
        monthly.col("Value").unwrap(),
    );
    for row in monthly.rows.iter_mut().skip(1) {
        let hit = matches!(&row[ic], Value::Text(c) if c == "SP11.offences")
            && matches!(&row[mc], Value::Date(d) if d.to_string().starts_with("2012-04"));
        if let (true, Value::Number(v)) = (hit, &row[vc]) {
            row[vc] = Value::Number(v + 100.0);
        }
    }
    let d = diff(&old, &records(&w));
    let text = d.text();
    assert!(!text.contains("SP11.offences"), "{text}");
    let codes: Vec<String> = old["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .filter(|c| c.contains('.'))
        .collect();
    for code in &codes {
        assert!(!text.contains(code.as_str()), "{code} in {text}");
    }
    let p11 = d
        .priorities
        .iter()
        .find(|p| p.code == "11")
        .expect("priority 11");
    assert_eq!(p11.title, "To reduce all crime");
    assert!(
        text.contains("11 To reduce all crime\n  Number of offences — Baseline 2012/13: 58805 → 58905, data restated: Apr 2012 +100\n"),
        "{text}"
    );
}

/// Records of packs made before cells carried `window` and rows `monthly`
/// (an archive's older packs): the window is inferred from the report's
/// period and years, the months read from the appendix charts' points.
#[test]
fn older_records_without_windows_or_months_still_compare_like_with_like() {
    let strip = |mut r: serde_json::Value| {
        for row in r["rows"].as_array_mut().unwrap() {
            row.as_object_mut().unwrap().remove("monthly");
            for (_, cell) in row["cells"].as_object_mut().unwrap() {
                cell.as_object_mut().unwrap().remove("window");
            }
        }
        r
    };
    // A restatement behind figures that rolled on.
    let old = strip(records(&book((2017, 6), "2012/13", "2017/18", steady)));
    let restated = |m: Month| {
        let in_q1 = m.year == 2017 && (4..=6).contains(&m.month);
        steady(m) + if in_q1 { 23.0 } else { 0.0 }
    };
    let new = records(&book((2017, 9), "2012/13", "2017/18", restated));
    let d = diff(&old, &new);
    let l = lines(&d);
    assert!(
        l.iter()
            .any(|l| l.starts_with("Count row — earlier months restated: Apr–Jun 2017 +69")),
        "{l:?}"
    );
    assert_eq!(
        d.rolled_on_heading(),
        "Rolled on with the period (not revisions): 6 figures"
    );
    // A same-window restatement, both sides without the fields.
    let old = strip(records(&book((2015, 12), "2012/13", "2016/17", steady)));
    let bumped = |m: Month| {
        steady(m)
            + if m == Month::new(2012, 4).unwrap() {
                100.0
            } else {
                0.0
            }
    };
    let new = strip(records(&book((2015, 12), "2012/13", "2016/17", bumped)));
    let l = lines(&diff(&old, &new));
    assert!(
        l.iter()
            .any(|l| l.starts_with("Count row — Baseline 2012/13: ")
                && l.ends_with(", data restated: Apr 2012 +100")),
        "{l:?}"
    );
}

/// A position is said as at each pack's month; `--json` gives the same
/// changes with their kinds, the roll-ons and the baseline apart.
#[test]
fn positions_name_their_month_and_json_keeps_roll_ons_apart() {
    let old = records(&book((2015, 12), "2012/13", "2016/17", steady));
    let mut w = book((2016, 3), "2012/13", "2016/17", steady);
    let peers = w.sheet_mut("Peers").unwrap();
    let north = peers
        .rows
        .iter()
        .position(|r| matches!(&r[1], Value::Text(f) if f == "North"))
        .unwrap();
    peers.rows[north][2] = Value::Number(500.0);
    // The minimal workbook's counts here are all 0 (every force level at
    // =1st): the home force's count moves too, so that its position moves.
    let home = peers
        .rows
        .iter()
        .position(|r| matches!(&r[1], Value::Text(f) if f == "Home"))
        .unwrap();
    peers.rows[home][2] = Value::Number(600.0);
    let new = records(&w);
    let d = diff(&old, &new);
    let l = lines(&d);
    let position = l
        .iter()
        .find(|l| l.starts_with("Position v MSG — Position for Mar 2016: "))
        .unwrap_or_else(|| panic!("{l:?}"));
    assert!(position.ends_with(" for Dec 2015)"), "{position}");
    let json = serde_json::to_value(&d).unwrap();
    assert!(json["baseline_changed"].is_null(), "{json}");
    let rolled = json["rolled_on"].as_array().unwrap();
    assert!(
        rolled.iter().any(|r| r["column"] == "ytd"
            && r["old"] == "Apr–Dec 2015"
            && r["new"] == "2015/16"
            && r["new_year"] == false
            && r["figures"] == 2),
        "{rolled:?}"
    );
    let kinds: Vec<&str> = json["priorities"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"position"), "{kinds:?}");
    assert!(!kinds.contains(&"restated"), "{kinds:?}");
}
