//! The sample workbook `inputs/dashboard-2015-12.xlsx`: the published
//! December 2015 Leicester, Leicestershire & Rutland dashboard as a workbook
//! of the input contract. Its monthly series are made up, but every window
//! sums exactly to the published totals (667 → 271, 58805 → 59653, …), the
//! survey numerators and respondents give exactly the published percentages,
//! and the `Peers` sheet gives the published positions.
//!
//! Regenerate with `cargo run --example make-sample`; a test keeps the
//! committed file equal to what this module writes.

use chrono::NaiveDate;

use crate::methods::period::{FinancialYear, Month, Window};
use crate::support::xlsx::{SheetData, Value, WorkbookData};

/// Where the sample lives in the repository.
pub const SAMPLE_PATH: &str = "inputs/dashboard-2015-12.xlsx";

fn t(s: &str) -> Value {
    Value::from(s)
}

fn last_day(m: Month) -> NaiveDate {
    NaiveDate::from_ymd_opt(m.year, m.month, m.days()).expect("valid month")
}

/// Splits `total` over `weights` in whole numbers that sum exactly to it
/// (largest remainder).
pub fn spread(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut out: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
    let short = total - out.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let (fa, fb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        fb.partial_cmp(&fa).expect("finite").then(a.cmp(&b))
    });
    for &i in order.iter().take(short as usize) {
        out[i] += 1;
    }
    out
}

/// A month's seasonal weight (crime is higher in summer).
fn season(m: Month) -> f64 {
    [
        0.93, 0.88, 0.97, 0.98, 1.03, 1.02, 1.08, 1.06, 1.01, 1.02, 0.99, 1.03,
    ][m.month as usize - 1]
}

/// A small, fixed wobble so series are not perfectly smooth.
fn wobble(i: usize) -> f64 {
    [
        1.0, 1.03, 0.98, 1.01, 0.97, 1.02, 0.99, 1.04, 0.96, 1.0, 1.02, 0.98,
    ][i % 12]
}

/// Monthly counts from `first` to Dec 2015: the baseline year sums to
/// `baseline`, calendar 2015 to `latest`, the months between follow a
/// straight line between the two levels.
fn count_series(first: Month, baseline: Option<u64>, latest: u64) -> Vec<(Month, u64)> {
    let base_win = FinancialYear { start_year: 2012 }.window();
    let latest_win = Window::ending(Month::new(2015, 12).expect("valid"), 12);
    let mut out = Vec::new();
    let weights = |w: Window| -> Vec<f64> {
        w.months()
            .enumerate()
            .map(|(i, m)| season(m) * wobble(i + m.month as usize))
            .collect()
    };
    let b_level = baseline.unwrap_or(latest) as f64;
    if let Some(b) = baseline {
        out.extend(base_win.months().zip(spread(b, &weights(base_win))));
    }
    let from = if baseline.is_some() {
        base_win.last.plus(1)
    } else {
        first
    };
    for (i, m, pos) in between(from) {
        let level = b_level + (latest as f64 - b_level) * pos;
        let v = (level / 12.0 * season(m) * wobble(i + 5)).round() as u64;
        out.push((m, v));
    }
    out.extend(
        latest_win
            .months()
            .zip(spread(latest, &weights(latest_win))),
    );
    out.retain(|(m, _)| *m >= first);
    out
}

/// The months from `first` to the one before the latest 12, each with its
/// index and its position on the straight line from the baseline year's
/// middle (0) to the latest 12 months' middle (1).
fn between(first: Month) -> Vec<(usize, Month, f64)> {
    let base_win = FinancialYear { start_year: 2012 }.window();
    let latest_win = Window::ending(Month::new(2015, 12).expect("valid"), 12);
    let middle = base_win.first.plus(6);
    let span = middle.months_until(latest_win.first.plus(6)) as f64;
    let months = Window {
        first,
        last: latest_win.first.plus(-1),
    };
    months
        .months()
        .enumerate()
        .map(|(i, m)| (i, m, middle.months_until(m) as f64 / span))
        .collect()
}

/// Monthly (positives, respondents) for a survey: 1000 respondents in each
/// published window, so the rates print exactly; a straight line between.
fn survey_series(baseline: Option<u64>, latest: u64) -> Vec<(Month, u64, u64)> {
    let base_win = FinancialYear { start_year: 2012 }.window();
    let latest_win = Window::ending(Month::new(2015, 12).expect("valid"), 12);
    let mut out = Vec::new();
    let base_weights: Vec<f64> = (0..12).map(|i| wobble(i + 3)).collect();
    let window = |w: Window, per_mille: u64, out: &mut Vec<(Month, u64, u64)>| {
        let bases = spread(1000, &base_weights);
        let values = spread(
            per_mille,
            &bases.iter().map(|b| *b as f64).collect::<Vec<_>>(),
        );
        for ((m, b), v) in w.months().zip(bases).zip(values) {
            out.push((m, v.min(b), b));
        }
    };
    if let Some(b) = baseline {
        window(base_win, b, &mut out);
    }
    let start = if baseline.is_some() {
        base_win.last.plus(1)
    } else {
        latest_win.first.plus(-24)
    };
    let b_rate = baseline.unwrap_or(latest) as f64 / 1000.0;
    let l_rate = latest as f64 / 1000.0;
    for (i, m, pos) in between(start) {
        let rate = b_rate + (l_rate - b_rate) * pos;
        let base = (83.0 * wobble(i + 7)).round() as u64;
        out.push((m, (rate * base as f64).round() as u64, base));
    }
    window(latest_win, latest, &mut out);
    out
}

const FORCES: [(&str, u64); 8] = [
    ("Leicestershire", 1_029_000),
    ("Avon and Somerset", 1_650_000),
    ("Essex", 1_780_000),
    ("Hampshire", 1_930_000),
    ("Kent", 1_790_000),
    ("Nottinghamshire", 1_110_000),
    ("South Yorkshire", 1_370_000),
    ("Staffordshire", 1_110_000),
];

/// Peer rows placing the home force `position`th (lower rate is better).
fn peers(sheet: &mut SheetData, indicator: &str, home_value: u64, position: usize) {
    let home_rate = home_value as f64 / FORCES[0].1 as f64;
    let better = [0.82, 0.9, 0.95, 0.97, 0.985, 0.99, 0.995];
    let worse = [1.21, 1.14, 1.09, 1.06, 1.04, 1.025, 1.012];
    for (i, (force, pop)) in FORCES.iter().enumerate() {
        let value = if i == 0 {
            home_value
        } else {
            let factor = if i < position {
                better[i - 1]
            } else {
                worse[i - position]
            };
            (home_rate * factor * *pop as f64).round() as u64
        };
        sheet.row(vec![t(indicator), t(force), value.into(), (*pop).into()]);
    }
}

/// The sample's indicator rows that do not follow a pattern (the repeated
/// survey and crime rows are added in `sample`).
#[rustfmt::skip]
const INDICATORS: &[[&str; 8]] = &[
    ["SP1.fte", "1", "Reduction in the number of 10-17 year olds entering the criminal justice system for the first time and receiving community resolutions, youth cautions and youth conditional cautions", "count", "down", "", "", ""],
    ["SP2.offending", "2", "Reduction in offending by 18-24 year olds", "count", "down", "", "1", ""],
    ["SP2.reoffending", "2", "Reduction in re-offending by 18-24 year olds", "count", "down", "", "2", ""],
    ["SP3.completions", "3", "Increase in the number of successful drug and alcohol treatment completions", "count", "up", "", "1", ""],
    ["SP3.representations", "3", "Decrease in all re-presentations to drug and alcohol treatment", "count", "down", "", "1", ""],
    ["SP3.reoffending", "3", "Reduction in reoffending rates amongst those offenders entering a criminal justice drugs treatment programme", "proportion", "down", "", "2", ""],
    ["SP3.nte", "3", "Reduction in the number of incidents recorded in or near licensed premises during the night-time economy hours of 7pm to 7am", "count", "down", "", "3", ""],
    ["SP4.reoffending", "4", "Reduction in re-offending within families engaged in a Troubled/Supported family programme", "assessment", "", "", "", ""],
    ["SP4.asb", "4", "Reduction in recorded ASB committed by families engaged in a Troubled/Supported families programme", "assessment", "", "", "", ""],
    ["SP8.satisfaction", "8", "Satisfaction with service", "proportion", "up", "", "", ""],
    ["SP9.satisfaction", "9", "Satisfaction with service", "proportion", "up", "", "", ""],
    ["SP10.confidence", "10", "Confidence that Police are doing a good job.", "proportion", "up", "", "", "(CBS data)"],
    ["SP11.offences", "11", "Number of offences", "count", "down", "", "", ""],
    ["SP11.msg", "11", "Position v MSG", "rank", "", "SP11.offences", "", ""],
    ["SP11.spc", "11", "SPC variance", "spc", "", "SP11.offences", "", ""],
    ["SP17.storm", "17", "Reduction in no. of missing reports (STORM)", "count", "down", "", "", ""],
    ["SP17.compact", "17", "Reduction in no. of missing reports (COMPACT)", "count", "down", "", "", ""],
    ["SP17.locations", "17", "Reduction in reports received from the nine key locations", "count", "down", "", "", ""],
    ["SP17.absent", "17", "Reduction in no. of \"Absent\" reports (COMPACT)", "count", "down", "", "", ""],
];

/// Each monthly series of the sample: code, whether a survey, the baseline
/// year's and the latest 12 months' totals (a survey's: positive responses
/// per 1000 respondents).
#[rustfmt::skip]
const SERIES: [(&str, bool, Option<u64>, u64); 18] = [
    ("SP1.fte", false, Some(667), 271), ("SP11.offences", false, Some(58805), 59653), ("SP12.offences", false, Some(3935), 4014),
    ("SP13.offences", false, Some(4365), 4452), ("SP14A.offences", false, Some(5236), 6691), ("SP14B.offences", false, Some(1051), 1428),
    ("SP17.storm", false, Some(5929), 4494), ("SP17.compact", false, Some(5417), 2827), ("SP17.locations", false, Some(1162), 397),
    ("SP17.absent", false, None, 604), ("SP7.satisfaction", true, Some(842), 909), ("SP8.satisfaction", true, Some(829), 736),
    ("SP9.satisfaction", true, Some(845), 804), ("SP10.confidence", true, Some(753), 855), ("SP12.satisfaction", true, Some(897), 891),
    ("SP13.satisfaction", true, Some(781), 773), ("SP14A.satisfaction", true, Some(859), 748), ("SP14B.satisfaction", true, Some(755), 748),
];

/// The Narrative sheet of the sample: section, kind, text.
const COMMENTS: &str = "SP5/6/7/12/14A/14B/15 Comments";
#[rustfmt::skip]
const NARRATIVE: [(&str, &str, &str); 13] = [
    (COMMENTS, "bullet", "\"Victim focused crime outcomes\" metrics being developed by Leicestershire Police (OCC and OPCC)"),
    (COMMENTS, "bullet", "The service awareness measures require further consultation with partners and specialists and a meeting took place on the 3rd September with performance leads and subject specialists to take this work forward."),
    ("15", "paragraph", "Q3 data is showing evidence of the following trends:"),
    ("15", "bullet", "Reduction in the number of children reported missing, reduction in repeat incidences of children going missing and a reduction of children going missing more than once"),
    ("15", "bullet", "Increase in the number of CSE referrals (highlighting improved and heightened awareness amongst professionals)"),
    ("15", "bullet", "Reported increase in awareness of CSE amongst professionals, children and young people"),
    ("15", "bullet", "Increase in the number of CSE related investigations and prosecutions"),
    ("16", "bullet", "Review and streamline conveyancing of patients across partner agencies leading to better use of resources."),
    ("16", "bullet", "Deliver mental health training to front line operation staff including police officers, probation and housing officers."),
    ("16", "bullet", "Review key policies and procedures relating to mental health issues across the agencies ensuring they are consistent, efficient and effective."),
    ("16", "paragraph", "A written update will be provided to SPB Executive Group."),
    ("SP18 Comments", "paragraph", "Covers period 1st April 2013 to 31st March 2017 (i.e. period covered by Police and Crime Plan). Indicates the latest estimate as at February 2016 and is under continual review."),
    ("Note", "paragraph", "Continuous Improvement in service is measured by monitored by surveys of levels of confidence and satisfaction."),
];

/// The sample workbook's sheets.
pub fn sample() -> WorkbookData {
    let report = SheetData::fields(
        "Report",
        [
            ("title", t("Police & Crime Plan Dashboard")),
            (
                "period_end",
                Value::Date(NaiveDate::from_ymd_opt(2015, 12, 31).expect("valid")),
            ),
            ("force", t("Leicestershire")),
            ("area", t("Leicester, Leicestershire and Rutland")),
            ("baseline", t("2012/13")),
            ("projection", t("2016/17")),
            ("confidence", Value::Number(0.95)),
            ("board", t("Strategic Partnership Board")),
            ("spc_run_length", Value::Number(7.0)),
        ],
    );

    let mut pri = SheetData::new(
        "Priorities",
        &["Code", "Title", "Layout", "Columns", "Note"],
    );
    let bl = "baseline, latest";
    let blv = "baseline, latest, var";
    let blp = "baseline, latest, projection";
    let priorities: [(&str, &str, &str, &str, &str); 19] = [
        ("1", "Preventing and diverting young people from offending", "table", blv, ""),
        ("2", "Reducing reoffending amongst young people and adults", "table", blv, "Please see performance report for SP2 details."),
        ("3", "Reducing alcohol and drug related offending and reoffending", "table", "ytd, lytd, var", "Please see performance report for SP3 details."),
        ("4", "Reducing crime and Anti-social behaviour (ASB) caused by families in a Troubled/Supported families programme", "assessment", "", ""),
        ("5", "To increase reporting of Domestic Violence with Injury and ensure a positive outcomes for victims and witnesses", "table", bl, ""),
        ("6", "To increase reporting of serious sexual offences and ensure a positive outcome for victims and witnesses", "table", bl, ""),
        ("7", "To improve outcomes for victims of Hate crimes", "table", blp, ""),
        ("8", "To improve outcomes for victims of ASB", "table", bl, ""),
        ("9", "To continually improve the quality of service and response to victims of crime", "table", blp, ""),
        ("10", "To continually improve outcomes the police services to the communities of Leicester, Leicestershire and Rutland.", "table", blp, ""),
        ("11", "To reduce all crime", "table", blp, ""),
        ("12", "To reduce Domestic Burglary", "table", blp, ""),
        ("13", "To reduce Violence Against the Person - with Injury", "table", blp, ""),
        ("14A", "To reduce Theft from Motor Vehicles", "table", blp, ""),
        ("14B", "To reduce Theft of Motor Vehicles", "table", blp, ""),
        ("15", "To prevent child abuse and child sexual exploitation (CSE) and provide a safe and supportive environment for victims and witnesses.", "narrative", "", ""),
        ("16", "Improving the response, service and outcomes for those with mental health need", "narrative", "", ""),
        ("17", "To reduce the number of repeat missing person reports", "table", blv, "COMPACT is a case management system. Incidents recorded on STORM may be closed before they are raised on COMPACT if the person is traced in the meantime. A new practice for recording incidents was introduced in April 2013 and hence there is no baseline for the reduction of incidents recorded as \"Absent\". The absent category was added to COMPACT September 2014 so there is no comparator at this stage."),
        ("18", "With staff and partners, transform the way we protect our communities and deliver over £20m in revenue saving by 2016/17.", "savings", "", ""),
    ];
    for (code, title, layout, columns, note) in priorities {
        // Codes 1–18 typed as numbers, as analysts do; 14A/14B as text.
        let code_cell = code
            .parse::<f64>()
            .map(Value::Number)
            .unwrap_or_else(|_| t(code));
        pri.row(vec![code_cell, t(title), t(layout), t(columns), t(note)]);
    }

    let mut ind = SheetData::new(
        "Indicators",
        &[
            "Code", "Priority", "Label", "Kind", "Polarity", "Source", "Footnote", "Note",
        ],
    );
    let mut rows: Vec<[String; 8]> = INDICATORS.iter().map(|r| r.map(str::to_string)).collect();
    // The victim-outcome and satisfaction rows repeat across priorities.
    let survey = |p: &str, label: &str, what: &str, note: &str| -> [String; 8] {
        let code = format!("SP{p}.{what}");
        [
            code,
            p.into(),
            label.into(),
            "proportion".into(),
            "up".into(),
            String::new(),
            String::new(),
            note.into(),
        ]
    };
    let at = rows
        .iter()
        .position(|r| r[0] == "SP8.satisfaction")
        .expect("listed");
    let mut victims = Vec::new();
    for p in ["5", "6", "7"] {
        victims.push(survey(p, "A victim focused crime outcome", "outcome", ""));
        victims.push(survey(p, "Satisfaction with service", "satisfaction", ""));
        victims.push(survey(
            p,
            "Awareness of services available",
            "awareness",
            "",
        ));
    }
    rows.splice(at..at, victims);
    let at = rows
        .iter()
        .position(|r| r[0] == "SP17.storm")
        .expect("listed");
    let mut crimes = Vec::new();
    for (p, note) in [
        ("12", ""),
        ("13", "(all violent crime)"),
        ("14A", "(all vehicle crime)"),
        ("14B", "(all vehicle crime)"),
    ] {
        let c = format!("SP{p}.offences");
        let row = |cells: [&str; 8]| cells.map(str::to_string);
        crimes.push(row([
            &c,
            p,
            "Number of offences",
            "count",
            "down",
            "",
            "",
            "",
        ]));
        crimes.push(row([
            &format!("SP{p}.msg"),
            p,
            "Position v MSG",
            "rank",
            "",
            &c,
            "",
            "",
        ]));
        crimes.push(row([
            &format!("SP{p}.spc"),
            p,
            "SPC variance",
            "spc",
            "",
            &c,
            "",
            "",
        ]));
        crimes.push(survey(p, "A victim focused crime outcome", "outcome", ""));
        crimes.push(survey(p, "Satisfaction with service", "satisfaction", note));
    }
    rows.splice(at..at, crimes);
    for r in rows {
        ind.row(r.iter().map(|c| t(c)).collect());
    }

    let mut monthly = SheetData::new("Monthly", &["Indicator", "Month", "Value", "Base"]);
    let start = Month::new(2012, 4).expect("valid");
    for (code, survey, baseline, latest) in SERIES {
        let rows: Vec<(Month, Vec<Value>)> = match (survey, baseline) {
            (true, _) => survey_series(baseline, latest)
                .into_iter()
                .map(|(m, v, b)| (m, vec![v.into(), b.into()]))
                .collect(),
            // A series with no baseline year starts in September 2014.
            (false, None) => count_series(Month::new(2014, 9).expect("valid"), None, latest)
                .into_iter()
                .map(|(m, v)| (m, vec![v.into()]))
                .collect(),
            (false, Some(_)) => count_series(start, baseline, latest)
                .into_iter()
                .map(|(m, v)| (m, vec![v.into()]))
                .collect(),
        };
        for (m, figures) in rows {
            let mut row = vec![t(code), Value::Date(last_day(m))];
            row.extend(figures);
            monthly.row(row);
        }
    }

    let mut values = SheetData::new("Values", &["Indicator", "Column", "Value", "Base", "Note"]);
    let mut val = |code: &str, col: &str, v: Value, note: &str| {
        values.row(vec![t(code), t(col), v, Value::Empty, t(note)]);
    };
    for code in [
        "SP3.completions",
        "SP3.representations",
        "SP3.reoffending",
        "SP3.nte",
    ] {
        for col in ["ytd", "lytd", "var"] {
            val(code, col, t("NA"), "");
        }
    }
    val("SP4.reoffending", "assessment", t("No change"), "");
    val("SP4.asb", "assessment", t("No change"), "");
    for p in ["5", "6", "7"] {
        val(&format!("SP{p}.outcome"), "baseline", t("NA"), "");
        val(&format!("SP{p}.outcome"), "latest", t("NA"), "");
    }
    val("SP5.satisfaction", "baseline", t("NA"), "");
    val(
        "SP5.satisfaction",
        "latest",
        Value::Percent(0.865),
        "To May 15",
    );
    val("SP6.satisfaction", "baseline", t("NA"), "");
    for p in ["5", "6"] {
        val(&format!("SP{p}.awareness"), "baseline", t("NA"), "");
        val(&format!("SP{p}.awareness"), "latest", t("NA"), "");
    }
    val("SP7.awareness", "latest", t("NA"), "");
    for p in ["12", "13", "14A", "14B"] {
        val(&format!("SP{p}.outcome"), "baseline", t("NA"), "");
    }
    // Left empty on purpose, as published: an empty Value says so, and
    // nothing warns that these cells have no data.
    for (code, col) in [
        ("SP2.offending", "baseline"),
        ("SP2.offending", "latest"),
        ("SP2.reoffending", "baseline"),
        ("SP2.reoffending", "latest"),
        ("SP6.satisfaction", "latest"),
        ("SP7.awareness", "baseline"),
        ("SP12.outcome", "latest"),
        ("SP13.outcome", "latest"),
        ("SP14A.outcome", "latest"),
        ("SP14B.outcome", "latest"),
        ("SP17.absent", "baseline"),
    ] {
        val(code, col, Value::Empty, "");
    }

    let mut peer_sheet = SheetData::new("Peers", &["Indicator", "Force", "Value", "Population"]);
    peers(&mut peer_sheet, "SP11.offences", 59653, 3);
    peers(&mut peer_sheet, "SP12.offences", 4014, 7);
    peers(&mut peer_sheet, "SP13.offences", 4452, 1);
    peers(&mut peer_sheet, "SP14A.offences", 6691, 7);
    peers(&mut peer_sheet, "SP14B.offences", 1428, 5);

    let mut narrative = SheetData::new("Narrative", &["Section", "Kind", "Text"]);
    for (section, kind, text) in NARRATIVE {
        narrative.row(vec![t(section), t(kind), t(text)]);
    }

    let mut savings = SheetData::new("Savings", &["Item", "Amount"]);
    savings
        .row(vec![
            t("Latest estimate of savings required"),
            Value::Number(20.3),
        ])
        .row(vec![t("Savings realised to date"), Value::Number(16.1)])
        .row(vec![
            t("Savings identified but not yet realised (est)"),
            Value::Number(2.4),
        ])
        .row(vec![
            t("Further savings required to be identified and realised by end of 2016/17"),
            Value::Number(1.8),
        ]);

    // The texts the published markers 1, 2, 3 and the KEY's * stand for.
    let mut footnotes = SheetData::new("Footnotes", &["Marker", "Text"]);
    for (marker, text) in [
        (
            "1",
            "Data held by partner agencies: not yet available for this period.",
        ),
        (
            "2",
            "A measure being developed with partners: no baseline yet.",
        ),
        (
            "3",
            "A new recording practice for the night-time economy: no comparable data yet.",
        ),
        ("*", crate::support::starter::KEY_STAR),
    ] {
        footnotes.row(vec![t(marker), t(text)]);
    }

    WorkbookData {
        sheets: vec![
            report, pri, ind, monthly, values, peer_sheet, narrative, savings, footnotes,
        ],
        date_1904: false,
    }
}

/// The sample as the `n`th of a batch of forces: its monthly counts scaled
/// by a factor of its own (0.62 to 1.40), so that no two packs of a batch
/// share their figures, charts or tables. Deterministic; `force_variant(0)`
/// is the sample itself.
pub fn force_variant(n: usize) -> WorkbookData {
    let mut data = sample();
    if n == 0 {
        return data;
    }
    let factor = 0.62 + 0.78 * ((n * 37) % 43) as f64 / 42.0;
    let monthly = data.sheet_mut("Monthly").expect("the sample has Monthly");
    let (value, base) = (
        monthly.col("Value").expect("a Value column"),
        monthly.col("Base").expect("a Base column"),
    );
    for row in monthly.rows.iter_mut().skip(1) {
        let survey = matches!(row.get(base), Some(Value::Number(_)));
        if let (false, Some(Value::Number(v))) = (survey, row.get_mut(value)) {
            *v = (*v * factor).round();
        }
    }
    data
}

/// A workbook for measuring scale: `priorities` table priorities, each with
/// `per_priority` count indicators of `months` monthly values ending in
/// December 2015 (with a Position v MSG and an SPC row for the first), and
/// peers for each count. Deterministic.
pub fn scale(priorities: usize, per_priority: usize, months: usize) -> WorkbookData {
    let mut report = SheetData::new("Report", &["Field", "Value"]);
    report
        .row(vec![t("title"), t("Scale Dashboard")])
        .row(vec![
            t("period_end"),
            Value::Date(NaiveDate::from_ymd_opt(2015, 12, 31).expect("valid")),
        ])
        .row(vec![t("force"), t("Leicestershire")])
        .row(vec![t("baseline"), t("2012/13")])
        .row(vec![t("projection"), t("2016/17")]);
    let mut pri = SheetData::new("Priorities", &["Code", "Title", "Layout", "Columns"]);
    let mut ind = SheetData::new(
        "Indicators",
        &["Code", "Priority", "Label", "Kind", "Polarity", "Source"],
    );
    let mut monthly = SheetData::new("Monthly", &["Indicator", "Month", "Value"]);
    let mut peers = SheetData::new("Peers", &["Indicator", "Force", "Value", "Population"]);
    let last = Month::new(2015, 12).expect("valid");
    let first = last.plus(-(months as i64 - 1));
    for p in 1..=priorities {
        let code = p.to_string();
        pri.row(vec![
            t(&code),
            t(&format!("Priority {p}: to reduce offences of kind {p}")),
            t("table"),
            t("baseline, latest, var, projection"),
        ]);
        for k in 1..=per_priority {
            let c = format!("P{p}.I{k}");
            ind.row(vec![
                t(&c),
                t(&code),
                t(&format!("Offences of kind {p}.{k}")),
                t("count"),
                t("down"),
                Value::Empty,
            ]);
            if k == 1 {
                ind.row(vec![
                    t(&format!("P{p}.msg")),
                    t(&code),
                    t("Position v MSG"),
                    t("rank"),
                    Value::Empty,
                    t(&c),
                ]);
                ind.row(vec![
                    t(&format!("P{p}.spc")),
                    t(&code),
                    t("SPC variance"),
                    t("spc"),
                    Value::Empty,
                    t(&c),
                ]);
                for (f, (force, pop)) in FORCES.iter().enumerate() {
                    let v = 1000 + ((p * 37 + f * 101) % 400) as u64;
                    peers.row(vec![t(&c), t(force), v.into(), (*pop).into()]);
                }
            }
            let level = 50.0 + ((p * 13 + k * 7) % 200) as f64;
            for (i, m) in (Window { first, last }).months().enumerate() {
                let v = level * season(m) * wobble(i + p + k) + (i as f64) * 0.05 * k as f64;
                monthly.row(vec![t(&c), Value::Date(last_day(m)), v.round().into()]);
            }
        }
    }
    WorkbookData {
        sheets: vec![report, pri, ind, monthly, peers],
        date_1904: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_is_exact() {
        let parts = spread(
            667,
            &[1.0, 2.0, 3.0, 1.5, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        );
        assert_eq!(parts.iter().sum::<u64>(), 667);
    }

    #[test]
    fn force_variants_scale_the_counts_and_keep_the_surveys() {
        let counts = |d: &WorkbookData| -> Vec<(f64, bool)> {
            let m = d.sheet("Monthly").unwrap();
            let (v, b) = (m.col("Value").unwrap(), m.col("Base").unwrap());
            m.rows[1..]
                .iter()
                .map(|r| match (&r[v], r.get(b)) {
                    (Value::Number(x), Some(Value::Number(_))) => (*x, true),
                    (Value::Number(x), _) => (*x, false),
                    other => panic!("a number, found {other:?}"),
                })
                .collect()
        };
        let sample = counts(&sample());
        assert_eq!(counts(&force_variant(0)), sample);
        let a = counts(&force_variant(1));
        let b = counts(&force_variant(2));
        assert_ne!(a, b);
        for ((s, survey), (x, _)) in sample.iter().zip(&a) {
            if *survey {
                assert_eq!(s, x, "a survey's figures are kept");
            } else {
                assert!((0.62 * s).round() <= *x && *x <= (1.40 * s).round());
            }
        }
    }

    #[test]
    fn count_windows_sum_to_the_published_totals() {
        let s = count_series(Month::new(2012, 4).unwrap(), Some(58805), 59653);
        let sum = |w: Window| -> u64 {
            s.iter()
                .filter(|(m, _)| *m >= w.first && *m <= w.last)
                .map(|(_, v)| v)
                .sum()
        };
        assert_eq!(sum(FinancialYear { start_year: 2012 }.window()), 58805);
        assert_eq!(
            sum(Window::ending(Month::new(2015, 12).unwrap(), 12)),
            59653
        );
        assert_eq!(s.len(), 45);
    }
}
