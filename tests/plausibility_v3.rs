//! Input contract v3, "plausibility" (`shared/spec/workbook.md`): the slips
//! that printed wrong figures with `check` saying 0 warnings (issue #25) —
//! a percent typed as a plain number, a survey base with an extra zero, a
//! peer's population in thousands, the home force's peer count from another
//! period, last quarter's `Peers` left in place, a period not moved on —
//! each an error or a warning naming its cell, with both sides of each
//! rule; and the text limits of v3 (a 2,000-character paragraph or note, a
//! 300-character title, the published SP17 paragraph of 402 characters).

mod common;

use std::io::{Read, Write};

use boardpack::input::{Column, LoadError, Workbook};
use boardpack::support::xlsx::{SheetData, Value, WorkbookData};
use common::t;

/// The workbook's errors and warnings, as printed lines.
fn problems(w: &WorkbookData) -> Vec<String> {
    problems_of(&w.to_bytes().expect("workbook writes"))
}

fn problems_of(bytes: &[u8]) -> Vec<String> {
    match boardpack::pipeline::records(bytes) {
        Ok(c) => c.warnings.iter().map(|p| p.to_string()).collect(),
        Err(LoadError::Invalid(e)) => e.problems.iter().map(|p| p.to_string()).collect(),
        Err(e) => vec![e.to_string()],
    }
}

/// Asserts that `lines` has exactly one line equal to `expected`.
fn has(lines: &[String], expected: &str) {
    assert_eq!(
        lines.iter().filter(|l| *l == expected).count(),
        1,
        "expected {expected:?} once in:\n{}",
        lines.join("\n")
    );
}

/// Asserts that no line of `lines` contains `part`.
fn none_says(lines: &[String], part: &str) {
    assert!(
        !lines.iter().any(|l| l.contains(part)),
        "expected no line with {part:?} in:\n{}",
        lines.join("\n")
    );
}

/// The minimal workbook: C counts 100 + i % 7 a month, P 80 of 100.
fn minimal() -> WorkbookData {
    common::minimal(|i| 100.0 + (i % 7) as f64)
}

/// The minimal workbook with a `Values` sheet of `(indicator, column, value)`.
fn with_values(entries: &[(&str, &str, Value)]) -> WorkbookData {
    let mut w = minimal();
    let mut values = SheetData::new("Values", &["Indicator", "Column", "Value", "Base", "Note"]);
    for (code, column, value) in entries {
        values.row(vec![t(code), t(column), value.clone()]);
    }
    w.sheets.push(values);
    w
}

/// The warnings but the one of a given `% Var.` that the printed figures
/// contradict.
fn other_than_contradiction(c: &boardpack::Computed) -> Vec<String> {
    c.warnings
        .iter()
        .map(|w| w.to_string())
        .filter(|w| !w.contains("figures printed beside it give"))
        .collect()
}

fn set(w: &mut WorkbookData, sheet: &str, row: usize, col: &str, v: Value) {
    let s = w.sheet_mut(sheet).unwrap();
    let c = s.col(col).unwrap_or_else(|| panic!("{sheet} has {col}"));
    s.set(row, c, v);
}

// ---- Percents where a percent is meant -------------------------------------

/// Issue #25: a `Values` `var` typed `-59` printed `-5900%`.
#[test]
fn a_var_typed_minus_59_is_an_error_not_minus_5900_percent() {
    let lines = problems(&with_values(&[("C", "var", Value::Number(-59.0))]));
    assert_eq!(
        lines,
        ["Values!C2: expected the change as a percent (-59% or -0.59), found the number -59 (a plain number, not a percent: it would print as -5900%); type it as -59%"]
    );
    // A change above 100% typed as a plain number is refused too.
    let lines = problems(&with_values(&[("C", "var", Value::Number(1.2))]));
    has(&lines, "Values!C2: expected the change as a percent (-59% or -0.59), found the number 1.2 (a plain number, not a percent: it would print as +120%); type it as 1.2%");
}

/// The other side: a plain fraction, text ending in `%`, and a number in a
/// percent format (what Excel keeps of `-59%` or `120%` typed) are percents.
#[test]
fn a_var_typed_as_a_percent_or_a_fraction_prints_as_given() {
    for (value, printed) in [
        (Value::Number(-0.59), "-59%"),
        (t("-59%"), "-59%"),
        (Value::Percent(-0.59), "-59%"),
        // 120% typed in Excel: 1.2 in a percent format.
        (Value::Percent(1.2), "+120%"),
        (t("120%"), "+120%"),
        // A percent-formatted cell shows -5900% in Excel: what it says.
        (Value::Percent(-59.0), "-5900%"),
    ] {
        let w = with_values(&[("C", "var", value.clone())]);
        let c = common::records(&w);
        // (The minimal workbook's own figures give another change: that
        // warning is tested below.)
        assert_eq!(
            other_than_contradiction(&c),
            Vec::<String>::new(),
            "{value:?}"
        );
        let cell = common::cell(&c, "C", Column::Var).expect("a var cell");
        assert_eq!(cell.text, printed, "{value:?}");
    }
}

/// Issue #25: a proportion's `var` typed `-4.1` printed `-410.0pp`.
#[test]
fn a_proportions_var_typed_minus_4_1_is_an_error_not_minus_410_points() {
    let lines = problems(&with_values(&[("P", "var", Value::Number(-4.1))]));
    assert_eq!(
        lines,
        ["Values!C2: expected the change in percentage points as a percent (-4.1% or -0.041), found the number -4.1 (a plain number, not a percent: it would print as -410.0pp); type it as -4.1%"]
    );
    for value in [Value::Number(-0.041), t("-4.1%"), Value::Percent(-0.041)] {
        let c = common::records(&with_values(&[("P", "var", value.clone())]));
        assert_eq!(
            other_than_contradiction(&c),
            Vec::<String>::new(),
            "{value:?}"
        );
        assert_eq!(common::cell(&c, "P", Column::Var).unwrap().text, "-4.1pp");
    }
}

/// A proportion's figure typed `84.5` for 84.5%: the error says how to type it.
#[test]
fn a_proportions_figure_typed_as_a_plain_number_says_type_it_as_a_percent() {
    let lines = problems(&with_values(&[("P", "latest", Value::Number(84.5))]));
    assert_eq!(
        lines,
        ["Values!C2: expected a percent for a proportion (84.5% or 0.845), found the number 84.5 (a plain number, not a percent: it would print as 8450.0%); type it as 84.5%"]
    );
    for value in [Value::Number(0.845), t("84.5%"), Value::Percent(0.845)] {
        let c = common::records(&with_values(&[("P", "latest", value.clone())]));
        assert_eq!(c.warnings, vec![], "{value:?}");
        assert_eq!(common::cell(&c, "P", Column::Latest).unwrap().text, "84.5%");
    }
    // A percent over 100% is no proportion, whatever its format.
    let lines = problems(&with_values(&[("P", "latest", Value::Percent(1.2))]));
    assert_eq!(
        lines,
        ["Values!C2: expected a percent for a proportion (84.5% or 0.845), found the number 1.2"]
    );
}

/// The sample saved by LibreOffice, its `content.xml` edited by `edit`.
fn sample_ods(edit: impl Fn(String) -> String) -> Vec<u8> {
    let ods = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/dashboard-2015-12.ods"
    ))
    .unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&ods)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name == "content.xml" {
            bytes = edit(String::from_utf8(bytes).unwrap()).into_bytes();
        }
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        out.start_file(name, stored).unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// In an `.ods`, a cell of value type `percentage` is a percent, as a
/// percent-formatted `.xlsx` cell is; a `float` one is a plain number.
#[test]
fn an_ods_percentage_cell_is_a_percent_and_a_float_cell_is_not() {
    let cell =
        r#"office:value-type="percentage" office:value="0.865" calcext:value-type="percentage""#;
    let lines = problems_of(&sample_ods(|x| x));
    assert_eq!(lines, Vec::<String>::new());
    let at = |lines: &[String]| {
        lines
            .iter()
            .find(|l| l.contains("SP5") || l.starts_with("Values!"))
            .cloned()
            .unwrap_or_default()
    };
    // 8650% as a percentage: no proportion, but no slip of format either.
    let percent = problems_of(&sample_ods(|x| {
        assert!(x.contains(cell));
        x.replace(cell, &cell.replace("0.865", "86.5"))
    }));
    assert!(
        at(&percent).ends_with(
            "expected a percent for a proportion (84.5% or 0.845), found the number 86.5"
        ),
        "{percent:?}"
    );
    // 86.5 as a plain number: type it as 86.5%.
    let plain = problems_of(&sample_ods(|x| {
        x.replace(
            cell,
            r#"office:value-type="float" office:value="86.5" calcext:value-type="float""#,
        )
    }));
    assert!(
        at(&plain).ends_with(
            "(a plain number, not a percent: it would print as 8650.0%); type it as 86.5%"
        ),
        "{plain:?}"
    );
}

/// v2 refused a rate typed into a survey's `Value` (`84%`, `0.84`) but
/// could not tell a percent-formatted `100%` from 1 response: with cell
/// formats read, it is refused too; a plain 1 (one response) is not.
#[test]
fn a_survey_value_typed_as_100_percent_is_an_error_and_one_response_is_not() {
    // Row 2 is P's first month: Value 80 of Base 100.
    let mut w = minimal();
    set(&mut w, "Monthly", 2, "Value", Value::Percent(1.0));
    assert_eq!(
        common::errors(&w),
        ["Monthly!C3: expected the number of positive responses (Value is a count, not a rate), found 1; for a rate of 100% of 100 respondents type 100"]
    );
    let mut w = minimal();
    set(&mut w, "Monthly", 2, "Value", Value::Number(1.0));
    assert_eq!(common::errors(&w), Vec::<String>::new());
}

// ---- Survey bases ----------------------------------------------------------

/// Issue #25: a survey `Base` typed with an extra zero turned 83.7% into
/// 49.7% "significant deterioration", with 0 warnings.
#[test]
fn a_survey_base_with_an_extra_zero_is_warned_of_naming_its_cell() {
    // P's month 40 (August 2015) is row 82 of the long sheet.
    let mut w = minimal();
    set(&mut w, "Monthly", 82, "Base", Value::Number(1000.0));
    let lines = problems(&w);
    has(&lines, "Monthly!D83: the Base of P for August 2015 is 1000, more than 5 times the median Base of its months (100): check it is not a slip (an extra or a missing digit in a base prints a wrong rate)");
    assert_eq!(lines.len(), 1, "{lines:?}");
    // And a digit missing (8 of 10: the value is far off its median too).
    let mut w = minimal();
    set(&mut w, "Monthly", 2, "Value", Value::Number(8.0));
    set(&mut w, "Monthly", 2, "Base", Value::Number(10.0));
    let lines = problems(&w);
    has(&lines, "Monthly!D3: the Base of P for April 2012 is 10, less than a fifth of the median Base of its months (100): check it is not a slip (an extra or a missing digit in a base prints a wrong rate)");
    has(&lines, "Monthly!C3: P for April 2012 is 8, less than a fifth of the median of its months (80): check it is not a slip");
    assert_eq!(lines.len(), 2, "{lines:?}");
    // Bases within five times of the median are not warned of.
    let mut w = minimal();
    set(&mut w, "Monthly", 82, "Base", Value::Number(490.0));
    set(&mut w, "Monthly", 2, "Value", Value::Number(21.0));
    set(&mut w, "Monthly", 2, "Base", Value::Number(21.0));
    assert_eq!(problems(&w), Vec::<String>::new());
}

/// The sample's survey, one month's base typed with an extra zero.
#[test]
fn the_samples_survey_base_with_an_extra_zero_is_warned_of() {
    let mut w = common::sample();
    let monthly = w.sheet_mut("Monthly").unwrap();
    let base = monthly.col("Base").unwrap();
    let row = monthly
        .rows
        .iter()
        .rposition(|r| r.first() == Some(&t("SP8.satisfaction")))
        .unwrap();
    let Value::Number(b) = monthly.rows[row][base] else {
        panic!("a base")
    };
    monthly.rows[row][base] = Value::Number(b * 10.0);
    let lines = problems(&w);
    let at = format!("Monthly!D{}: the Base of SP8.satisfaction for ", row + 1);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&at) && l.contains("more than 5 times the median Base")),
        "{lines:?}"
    );
}

/// The same check on a month-across sheet names the base row's cell.
#[test]
fn a_month_across_survey_base_off_its_median_names_the_base_rows_cell() {
    let mut w = minimal();
    let long = w.sheet("Monthly").unwrap().clone();
    let mut across = SheetData::new("Monthly", &["Indicator", "Measure"]);
    let mut rows = [
        vec![t("C"), t("value")],
        vec![t("P"), t("value")],
        vec![t("P"), t("base")],
    ];
    for r in long.rows[1..].chunks(2) {
        across.rows[0].push(r[0][1].clone());
        rows[0].push(r[0][2].clone());
        rows[1].push(r[1][2].clone());
        rows[2].push(r[1][3].clone());
    }
    rows[2][2 + 40] = Value::Number(1000.0);
    for r in rows {
        across.row(r);
    }
    *w.sheet_mut("Monthly").unwrap() = across;
    let lines = problems(&w);
    // Column C is April 2012; August 2015 (month 40) is column AQ.
    has(&lines, "Monthly!AQ4: the Base of P for August 2015 is 1000, more than 5 times the median Base of its months (100): check it is not a slip (an extra or a missing digit in a base prints a wrong rate)");
}

// ---- Peers -----------------------------------------------------------------

/// Peers rows of the minimal workbook: Home (row 2), North, South, and
/// `more` forces of population 1,000.
fn with_peers(more: usize) -> WorkbookData {
    let mut w = minimal();
    let peers = w.sheet_mut("Peers").unwrap();
    for k in 0..more {
        peers.row(vec![
            t("C"),
            t(&format!("Force {k}")),
            Value::Number(1300.0 + k as f64),
            Value::Number(1000.0),
        ]);
    }
    w
}

/// Issue #25: a peer's population typed in thousands moved Position v MSG
/// from 2nd to 1st, with 0 warnings.
#[test]
fn a_peer_population_typed_in_thousands_is_warned_of_naming_its_cell() {
    let mut w = with_peers(2);
    set(&mut w, "Peers", 3, "Population", Value::Number(2_000_000.0));
    set(&mut w, "Peers", 4, "Population", Value::Number(1.0));
    let lines = problems(&w);
    has(&lines, "Peers!D4: the population of \"South\" for C is 2000000, more than 5 times the median population of its peers (1000): check it is not typed in thousands or with a digit too many (it moves the Position v MSG)");
    has(&lines, "Peers!D5: the population of \"Force 0\" for C is 1, less than a fifth of the median population of its peers (1000): check it is not typed in thousands or with a digit too many (it moves the Position v MSG)");
    assert_eq!(lines.len(), 2, "{lines:?}");
    // Populations within five times of the median are not.
    let mut w = with_peers(2);
    set(&mut w, "Peers", 3, "Population", Value::Number(4_900.0));
    set(&mut w, "Peers", 4, "Population", Value::Number(201.0));
    none_says(&problems(&w), "population");
}

/// The home force's count must be the pack's own latest 12 months (within
/// 1%): last year's counts rank the force against another period.
#[test]
fn a_home_peer_count_off_the_packs_latest_12_months_is_warned_of() {
    let w = minimal();
    let own = common::cell(&common::records(&w), "C", Column::Latest)
        .unwrap()
        .value
        .unwrap();
    let mut off = w.clone();
    set(&mut off, "Peers", 1, "Value", Value::Number(1100.0));
    let lines = problems(&off);
    has(
        &lines,
        &format!("Peers!C2: the home force's count for C is 1100, but the pack's own latest 12 months (Jan 2015 to Dec 2015) sum to {own} in sheet Monthly: the peers' counts are probably from another period; update them all for the latest 12 months (the Position v MSG compares them)"),
    );
    assert_eq!(lines.len(), 1, "{lines:?}");
    // Within 1% is the same period (a count revised since).
    for within in [own * 1.01, own * 0.99] {
        let mut w = w.clone();
        set(&mut w, "Peers", 1, "Value", Value::Number(within.round()));
        none_says(&problems(&w), "home force's count");
    }
    // Without the whole window in Monthly there is nothing to compare.
    let mut gap = off.clone();
    gap.sheet_mut("Monthly")
        .unwrap()
        .rows
        .retain(|r| !(r.first() == Some(&t("C")) && r.get(1) == Some(&common_date(2015, 6))));
    none_says(&problems(&gap), "home force's count");
}

fn common_date(year: i32, month: u32) -> Value {
    Value::Date(chrono::NaiveDate::from_ymd_opt(year, month, 1).unwrap())
}

/// The sample's peer counts are its own latest figures: no warning.
#[test]
fn the_sample_builds_with_no_warnings() {
    assert_eq!(problems_of(&common::sample_bytes()), Vec::<String>::new());
}

/// A folder with the sample signed off for December 2015, and the March
/// 2016 workbook `next` writes (`m.xlsx`), `edit`ed.
fn signed_and_next(edit: impl Fn(&mut WorkbookData)) -> common::Scratch {
    let dir = common::dir_with_sample("dashboard-2015-12.xlsx");
    let out = common::sign_off(
        dir.path(),
        "dashboard-2015-12.xlsx",
        "2016-01-28",
        "arch",
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let december = Workbook::from_bytes(&common::sample_bytes()).unwrap();
    let march = chrono::NaiveDate::from_ymd_opt(2016, 3, 31).unwrap();
    let mut book =
        boardpack::support::next::next(&common::sample_bytes(), &december.workbook, march).unwrap();
    edit(&mut book);
    std::fs::write(dir.path().join("m.xlsx"), book.to_bytes().unwrap()).unwrap();
    dir
}

/// Issue #25: last quarter's `Peers` left in place printed last quarter's
/// Position v MSG, with 0 warnings. With the archive, each indicator whose
/// Peers rows are all the last signed pack's is warned of at its first
/// `Value` cell; one brought up to date is not.
#[test]
fn last_quarters_peers_left_in_place_are_warned_of_with_the_archive() {
    let dir = signed_and_next(|book| {
        // SP12's counts brought up to date.
        let peers = book.sheet_mut("Peers").unwrap();
        for r in peers.rows.iter_mut() {
            if r.first() == Some(&t("SP12.offences")) {
                if let Value::Number(v) = r[2] {
                    r[2] = Value::Number(v + 3.0);
                }
            }
        }
    });
    let out = common::run(
        dir.path(),
        &["build", "m.xlsx", "--archive", "arch", "-o", "m.pdf"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let says = |code: &str| {
        format!("the Peers rows for {code} (8 forces) are unchanged from the pack signed off for 2015-12, every count and population: are the counts for this period's latest 12 months? (last quarter's counts give last quarter's Position v MSG)")
    };
    assert!(
        stderr.contains(&format!("warning: Peers!C2: {}", says("SP11.offences"))),
        "{stderr}"
    );
    for code in ["SP13.offences", "SP14A.offences", "SP14B.offences"] {
        assert!(stderr.contains(&says(code)), "{code}: {stderr}");
    }
    assert!(!stderr.contains(&says("SP12.offences")), "{stderr}");
    // Without the archive nothing is compared.
    let out = common::run(dir.path(), &["check", "m.xlsx"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("Peers rows for"));
}

/// The records carry the Peers rows (`docs/records.md`), and a pack whose
/// records carry none (an older version's) warns of nothing.
#[test]
fn stale_peers_are_read_from_the_records_peers() {
    use boardpack::compute::changes::{stale_peers, Previous};
    let loaded = Workbook::from_bytes(&common::sample_bytes()).unwrap();
    let computed = common::records(&common::sample());
    let mut records = serde_json::to_value(&computed.records).unwrap();
    let peers = records["peers"].as_array().expect("records carry peers");
    assert_eq!(peers.len(), 40);
    assert_eq!(peers[0]["indicator"], "SP11.offences");
    assert_eq!(peers[0]["force"], "Leicestershire");
    assert_eq!(peers[0]["value"], 59653.0);
    let previous = |records: &serde_json::Value| Previous {
        period: "2015-09".into(),
        version: 1,
        records: records.clone(),
        bytes: serde_json::to_vec(records).unwrap(),
    };
    assert_eq!(stale_peers(&loaded.workbook, &previous(&records)).len(), 5);
    // One force's population changed: that indicator is not stale.
    records["peers"][3]["population"] = serde_json::json!(1.0);
    assert_eq!(stale_peers(&loaded.workbook, &previous(&records)).len(), 4);
    records.as_object_mut().unwrap().remove("peers");
    assert!(stale_peers(&loaded.workbook, &previous(&records)).is_empty());
}

// ---- A period not moved on -------------------------------------------------

/// A workbook copied from last quarter, `period_end` not moved on, builds
/// last quarter's pack: three months of data after it are warned of.
#[test]
fn monthly_data_three_months_after_period_end_suggests_the_later_period() {
    let at = |w: &WorkbookData| {
        let report = w.sheet("Report").unwrap();
        let row = report
            .rows
            .iter()
            .position(|r| r.first() == Some(&t("period_end")))
            .unwrap();
        row
    };
    let end = |m: u32, d: u32| Value::Date(chrono::NaiveDate::from_ymd_opt(2015, m, d).unwrap());
    let mut w = minimal();
    let row = at(&w);
    set(&mut w, "Report", row, "Value", end(9, 30));
    let lines = problems(&w);
    has(&lines, &format!("Report!B{}: sheet Monthly holds data for 3 months after period_end (October 2015 to December 2015), which the pack leaves out: if this pack is for a later period, set period_end to 2015-12-31 (the pack reports the period ended September 2015)", row + 1));
    // Two months after is a pack prepared before the quarter's data were
    // taken out, or a late one: not warned of.
    let mut w = minimal();
    set(&mut w, "Report", row, "Value", end(10, 31));
    none_says(&problems(&w), "after period_end");
}

// ---- Text limits (v3) ------------------------------------------------------

/// The published dashboard's SP17 paragraph, 402 characters.
const SP17: &str = "COMPACT is a case management system. Incidents recorded on STORM may be closed before they are raised on COMPACT if the person is traced in the meantime. A new practice for recording incidents was introduced in April 2013 and hence there is no baseline for the reduction of incidents recorded as \"Absent\". The absent category was added to COMPACT September 2014 so there is no comparator at this stage.";

/// Issue #25: the published SP17 paragraph (402 characters) was refused
/// with "at most 400 characters (what the layout can show)".
#[test]
fn the_published_402_character_sp17_paragraph_builds() {
    assert_eq!(SP17.chars().count(), 402);
    let mut w = common::sample();
    w.sheet_mut("Narrative")
        .unwrap()
        .row(vec![t("17"), t("paragraph"), t(SP17)]);
    let built = common::build(&w);
    assert!(built.warnings.is_empty(), "{:?}", built.warnings);
    let text = common::pdf_text(&built.pdf);
    assert!(
        text.matches(&common::normalise(SP17)).count() >= 2,
        "the paragraph (and the priority's note) print whole"
    );
}

/// Texts at the v3 limits lay out whole (the layout flows): a panel with a
/// 2,000-character paragraph, 2,000-character notes, a 300-character
/// title; one character more is refused naming the cell.
#[test]
fn a_panel_with_2000_character_texts_and_a_300_character_title_builds() {
    use boardpack::input::text;
    let fill = |max: usize, words: &str| -> String {
        let s: String = words
            .repeat(max / words.len() + 1)
            .chars()
            .take(max)
            .collect();
        format!("{}.", s.trim_end().trim_end_matches(['.', ',']))
    };
    assert_eq!((text::NARRATIVE.max, text::NOTE.max), (2000, 2000));
    assert_eq!(text::PRIORITY_TITLE.max, 300);
    let paragraph = fill(
        1999,
        "the partnership has continued to deliver the plan across the force area, ",
    );
    let title = fill(
        299,
        "To reduce the harm caused to victims and communities in the force area ",
    );
    let note = fill(
        1999,
        "figures are provisional until the year end audit is complete, ",
    );
    let value_note = fill(1999, "to May 15 and provisional ");
    let mut w = common::sample();
    set(&mut w, "Priorities", 1, "Title", t(&title));
    set(&mut w, "Priorities", 1, "Note", t(&note));
    // In a table's panel, a narrative priority's, a comment box of its own
    // and the closing note.
    let narrative = w.sheet_mut("Narrative").unwrap();
    for section in ["1", "15", "SP18 Comments", "Note"] {
        narrative.row(vec![t(section), t("paragraph"), t(&paragraph)]);
    }
    let values = w.sheet_mut("Values").unwrap();
    let row = values
        .rows
        .iter()
        .position(|r| r.first() == Some(&t("SP5.satisfaction")) && r.get(1) == Some(&t("latest")))
        .unwrap();
    let note_col = values.col("Note").unwrap();
    values.set(row, note_col, t(&value_note));
    let built = common::build(&w);
    assert!(built.warnings.is_empty(), "{:?}", built.warnings);
    // The panel flows on into the next column, under its title marked
    // continued and its table's header repeated: read without them.
    let continued = format!(
        "1 {} (continued) indicator baseline 2012/13 latest 12 months % var. ",
        common::normalise(&title)
    );
    let text = common::pdf_text(&built.pdf);
    assert!(text.contains(&continued), "the panel flows on");
    let text = text.replace(&continued, "");
    assert_eq!(
        text.matches(&common::normalise(&paragraph)).count(),
        4,
        "every paragraph whole"
    );
    // (The 2,000-character Values note builds; how a table places a long
    // note is the table layout's, tested with it.)
    for s in [&paragraph, &title, &note] {
        assert!(
            text.contains(&common::normalise(s)),
            "{:?}… is not whole in the PDF",
            &s[..40]
        );
    }
    // One character over is refused, naming the cell.
    let mut w = common::sample();
    w.sheet_mut("Narrative")
        .unwrap()
        .row(vec![t("1"), t("paragraph"), t(&"a".repeat(2001))]);
    let rows = w.sheet("Narrative").unwrap().rows.len();
    set(&mut w, "Priorities", 1, "Title", t(&"b".repeat(301)));
    let lines = common::errors(&w);
    has(&lines, "Priorities!B2: expected a priority title of at most 300 characters (what the layout can show), found 301 characters; shorten it");
    has(&lines, &format!("Narrative!C{rows}: expected a narrative text of at most 2000 characters (what the layout can show), found 2001 characters; shorten it"));
}

// ---- What `check` says -----------------------------------------------------

/// Issue #25: `check` said 0 warnings for each of these slips. Now it
/// names each, and a plain `-59` for a `var` fails the check.
#[test]
fn check_names_the_slips_it_said_0_warnings_for() {
    let mut w = common::sample();
    // A survey base typed with an extra zero.
    let monthly = w.sheet_mut("Monthly").unwrap();
    let base = monthly.col("Base").unwrap();
    let survey = monthly
        .rows
        .iter()
        .rposition(|r| r.first() == Some(&t("SP8.satisfaction")))
        .unwrap();
    if let Value::Number(b) = monthly.rows[survey][base] {
        monthly.rows[survey][base] = Value::Number(b * 10.0);
    }
    // A peer's population typed in thousands.
    let peers = w.sheet_mut("Peers").unwrap();
    let kent = peers
        .rows
        .iter()
        .position(|r| r.first() == Some(&t("SP11.offences")) && r.get(1) == Some(&t("Kent")))
        .unwrap();
    peers.rows[kent][3] = Value::Number(1790.0);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("w.xlsx"), w.to_bytes().unwrap()).unwrap();
    let out = common::run(dir.path(), &["check", "w.xlsx"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("2 warnings"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "warning: Monthly!D{}: the Base of SP8.satisfaction",
            survey + 1
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("warning: Peers!D{}: the population of \"Kent\" for SP11.offences is 1790, less than a fifth of the median population of its peers (1240000)", kent + 1)),
        "{stderr}"
    );
    // A var typed -59 is an error: nothing is built from it.
    let values = w.sheet_mut("Values").unwrap();
    values.row(vec![t("SP11.offences"), t("var"), Value::Number(-59.0)]);
    let row = values.rows.len();
    std::fs::write(dir.path().join("w.xlsx"), w.to_bytes().unwrap()).unwrap();
    let out = common::run(dir.path(), &["check", "w.xlsx"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("error: Values!C{row}: expected the change as a percent (-59% or -0.59), found the number -59 (a plain number, not a percent: it would print as -5900%); type it as -59%")),
        "{stderr}"
    );
}

/// The workbook `init` writes builds with no warning (its home force's peer
/// count is its latest 12 months'), whatever its period.
#[test]
fn the_starter_workbook_builds_with_no_warnings() {
    for (y, m, d) in [(2016, 9, 30), (2017, 3, 31), (2020, 12, 31)] {
        let end = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let w = boardpack::support::starter::starter(end);
        assert_eq!(problems(&w), Vec::<String>::new(), "{end}");
        let c = common::records(&w);
        let rank = common::cell(&c, "SP1.msg", Column::Latest).unwrap();
        assert_eq!(rank.text, "2nd", "{end}");
    }
}

/// A `% Var.` typed in `Values` that the row's own Baseline and Latest
/// contradict (`-59%` beside 141279 → 149905, +6 %) printed with no warning
/// and no word in the log of what it replaced.
#[test]
fn a_given_var_that_the_printed_figures_contradict_is_a_warning() {
    let computed = boardpack::pipeline::records(&minimal().to_bytes().unwrap()).unwrap();
    let row = computed
        .records
        .rows
        .iter()
        .find(|r| r.code.as_str() == "C")
        .unwrap();
    let var = row.cells[&Column::Var].text.clone();
    let lines = problems(&with_values(&[("C", "var", t("-59%"))]));
    has(
        &lines,
        &format!(
            "Values!C2: the % Var. of C is given as -59%, but the Baseline and Latest figures printed beside it give {var}: the pack would print a change its own figures contradict; correct the Values entry (or delete it, and the change is computed)"
        ),
    );
    // The same change, typed: no warning.
    let lines = problems(&with_values(&[("C", "var", t(&var))]));
    none_says(&lines, "% Var.");
}
