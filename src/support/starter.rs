//! `boardpack init`: a blank workbook of the input contract for an analyst
//! starting out — an Instructions sheet, every sheet with its header row,
//! drop-downs for the keyword columns, date-formatted month columns, and one
//! example priority that checks and builds.

use chrono::{Datelike, NaiveDate};

use crate::methods::period::{FinancialYear, Month, Window};
use crate::support::xlsx::{SheetData, Validation, Value, WorkbookData};

fn t(s: &str) -> Value {
    Value::from(s)
}

/// The lists behind the drop-downs, one column each (row 1 the name).
const LISTS: [(&str, &[&str]); 6] = [
    ("Layout", &["table", "assessment", "narrative", "savings"]),
    (
        "Columns",
        &[
            "baseline, latest, var",
            "baseline, latest",
            "baseline, latest, projection",
            "baseline, latest, var, projection",
            "ytd, lytd, var",
        ],
    ),
    (
        "Kind",
        &["count", "proportion", "rank", "spc", "assessment"],
    ),
    ("Polarity", &["down", "up"]),
    (
        "Column",
        &[
            "baseline",
            "latest",
            "var",
            "ytd",
            "lytd",
            "projection",
            "assessment",
        ],
    ),
    ("NarrativeKind", &["heading", "paragraph", "bullet"]),
];

fn list_source(name: &str) -> String {
    let (col, (_, items)) = LISTS
        .iter()
        .enumerate()
        .find(|(_, (n, _))| *n == name)
        .expect("a known list");
    let letter = crate::input::problem::column_letters(col as u32);
    format!("=Lists!${letter}$2:${letter}${}", items.len() + 1)
}

/// A drop-down that suggests the list's words; any value may be typed
/// (`boardpack check` says which cell holds a word it does not know).
fn drop_down(column: usize, list: &str, prompt: &str) -> Validation {
    Validation {
        column,
        source: list_source(list),
        prompt: prompt.to_string(),
        suggest_only: true,
    }
}

/// The Instructions sheet: one paragraph a row, wrapped in a wide column;
/// everything an analyst needs, with no other document to hand.
const INSTRUCTIONS: &[&str] = &[
    "How to fill in this workbook",
    "boardpack turns this workbook into the Police & Crime Plan Dashboard PDF. Fill in the sheets below, then run: boardpack check THIS-FILE.xlsx (lists every problem, naming its sheet and cell, e.g. Monthly!C37) and boardpack build THIS-FILE.xlsx (writes the PDF to the out folder). Row 1 of each sheet holds the column headers: keep them (their order does not matter). Blank rows are skipped. The example rows (priority 1) can be overwritten or deleted.",
    "Dates may be real Excel dates, 2016-09-30, 30/09/2016 (day first), 2016-09 or Sep 2016. Numbers may have thousands separators (58,805). Codes are text: 14A and 14a are the same code.",
    "REPORT — one row per field (column Field, column Value). title: printed at the top. period_end: the last day of the reporting month. force: the home force, spelled as in Peers. area and board: printed in the PDF's details. baseline: the financial year compared against (2012/13 = April 2012 to March 2013). projection: the financial year projected to. confidence: the level of the significance tests (0.95). spc_run_length: points in an SPC shift or trend (6 or 7). number_style: grouped (58,805) or plain (58805). rank_style: ordinal (3rd) or of (3rd of 8).",
    "PRIORITIES — one row per strategic priority, in print order. Code: 1, 2, 14A …, each once. Title: the priority's full title. Layout: table (rows of figures), assessment (rows of words), narrative (text from the Narrative sheet) or savings (the savings chart). Columns (tables only): the figures to print, in order — pick a set from the drop-down or type your own comma list of baseline, latest, var, ytd, lytd, projection. Note: printed small under the panel.",
    "The columns: baseline = the baseline financial year's total; latest = the latest 12 months to period_end; var = the % change between the pair printed before it (latest against baseline, or ytd against lytd; counts only); ytd = this financial year to date; lytd = the same months a year earlier; projection = the straight-line trend of the last 36 months (at least 24) carried through the projection year. A latest or ytd figure is coloured and marked when it differs significantly from the one it is compared with.",
    "INDICATORS — one row per printed row of a panel, in print order. Code: your name for the row, e.g. SP1.offences, each once. Priority: the priority's code. Label: the row's text. Kind: count (monthly counts), proportion (surveys: positive responses of respondents), rank (Position v MSG: where the home force stands among its most similar group), spc (SPC variance: the statistical process control reading of a series) or assessment (words). Polarity (count and proportion): down when lower is better, up when higher is better. Source (rank and spc rows): the code of the count row they are derived from. Footnote: a marker printed after the label (its text goes in the Footnotes sheet). Note: printed small beside the label.",
    "MONTHLY — the monthly figures of count and proportion rows. Either one row per indicator and month (Indicator, Month: any date in the month, Value: the count or the number of positive responses, Base: for surveys, the number of respondents), or one row per indicator with the months across (Indicator, Measure, then a column per month headed Sep-16, Oct-16 …; a survey takes two rows, Measure = value and Measure = base). A month with no figure has no row (or, months across, a blank cell): a figure that needs it prints n/a with a footnote, and the build warns of it.",
    "VALUES — figures that do not come from Monthly, each replacing the computed one. Indicator: the row's code. Column: baseline, latest, var, ytd, lytd, projection or assessment. Value: a number, a percent (84.5%), NA (prints NA), words (for assessment), or empty to leave the cell empty on purpose. A var, and a survey's figure, is a percent: type -59% or 84.5% (a plain -59 is refused: it would print -5900%). Base: the respondents behind a percent, so it can be tested. Note: printed small beside the figure, e.g. To May 15.",
    "PEERS — for Position v MSG rows: each force of the most similar group. Indicator: the count row compared. Force: the force's name (the home force included). Value: its count for the latest 12 months. Population: its area's resident population.",
    "NARRATIVE — text. Section: a priority's code (the text goes in its panel), a heading of your own (a comment box, e.g. SP18 Comments) or Note (the closing note). Kind: heading, paragraph or bullet. Text: printed exactly as typed.",
    "SAVINGS — for a savings priority: one row per bar of the chart. Item: the bar's label. Amount: £ millions.",
    "FOOTNOTES — the text of each marker used in Indicators.Footnote (1, 2 …), printed at the foot of the page where it is used: Marker, Text. The row with marker * explains the * the KEY prints after \"No Statistically Significant change\"; delete it to print the * bare, as the published dashboard does.",
    "The drop-downs suggest the words boardpack knows; you may type others (boardpack check names any cell it cannot read). The Lists sheet (hidden) holds the drop-down choices.",
];

/// What the KEY's `*` (after "No Statistically Significant change") means,
/// as the sample's `Footnotes` sheet says it.
pub const KEY_STAR: &str = "The difference from the baseline year is within what chance variation would give (p of 0.05 or more).";

/// A starter workbook whose reporting month ends on `period_end`: baseline
/// the financial year three years before, projection the next one.
pub fn starter(period_end: NaiveDate) -> WorkbookData {
    let month = Month::new(period_end.year(), period_end.month()).expect("valid date");
    let fy = month.financial_year();
    let baseline = FinancialYear {
        start_year: fy.start_year - 3,
    };
    let projection = FinancialYear {
        start_year: fy.start_year + 1,
    };

    let mut instructions = SheetData::new("Instructions", &[INSTRUCTIONS[0]]);
    for line in &INSTRUCTIONS[1..] {
        instructions.row(vec![t(line)]);
    }
    // Within an A4 page's width at 100% (about 94 characters between
    // the default margins), as LibreOffice prints it: it ignores the
    // fit-to-one-page-wide setting (Excel honours it).
    instructions.text_width = Some(88.0);

    let report = SheetData::fields(
        "Report",
        [
            ("title", t("Police & Crime Plan Dashboard")),
            ("period_end", Value::Date(period_end)),
            ("force", t("Home Force")),
            ("area", t("The force area")),
            ("baseline", t(&baseline.to_string())),
            ("projection", t(&projection.to_string())),
            ("confidence", Value::Number(0.95)),
            ("board", t("Strategic Partnership Board")),
            ("spc_run_length", Value::Number(7.0)),
            ("number_style", t("grouped")),
        ],
    );

    let mut priorities = SheetData::new(
        "Priorities",
        &["Code", "Title", "Layout", "Columns", "Note"],
    );
    priorities.row(vec![
        t("1"),
        t("To reduce all crime"),
        t("table"),
        t("baseline, latest, var, projection"),
        t("An example priority: overwrite it with your own."),
    ]);
    priorities.validations = vec![
        drop_down(2, "Layout", "table, assessment, narrative or savings"),
        drop_down(3, "Columns", "Pick a set, or type a comma list"),
    ];

    let mut indicators = SheetData::new(
        "Indicators",
        &[
            "Code", "Priority", "Label", "Kind", "Polarity", "Source", "Footnote", "Note",
        ],
    );
    indicators
        .row(vec![
            t("SP1.offences"),
            t("1"),
            t("Number of offences"),
            t("count"),
            t("down"),
        ])
        .row(vec![
            t("SP1.msg"),
            t("1"),
            t("Position v MSG"),
            t("rank"),
            Value::Empty,
            t("SP1.offences"),
        ])
        .row(vec![
            t("SP1.spc"),
            t("1"),
            t("SPC variance"),
            t("spc"),
            Value::Empty,
            t("SP1.offences"),
        ]);
    indicators.validations = vec![
        drop_down(3, "Kind", "count, proportion, rank, spc or assessment"),
        drop_down(4, "Polarity", "down: lower is better; up: higher is better"),
    ];

    let mut monthly = SheetData::new("Monthly", &["Indicator", "Month", "Value", "Base"]);
    let span = Window {
        first: baseline.first_month(),
        last: month,
    };
    // The home force's count in Peers is its latest 12 months' (a count
    // from another period is warned of).
    let mut latest = 0.0;
    for (i, m) in span.months().enumerate() {
        let season = [
            0.93, 0.88, 0.97, 0.98, 1.03, 1.02, 1.08, 1.06, 1.01, 1.02, 0.99, 1.03,
        ][m.month as usize - 1];
        let v = ((1000.0 - i as f64 * 2.0) * season).round();
        let d = NaiveDate::from_ymd_opt(m.year, m.month, m.days()).expect("valid");
        monthly.row(vec![t("SP1.offences"), Value::Date(d), Value::Number(v)]);
        if month.months_until(m) > -12 {
            latest += v;
        }
    }
    monthly.date_columns = vec![1];

    let mut values = SheetData::new("Values", &["Indicator", "Column", "Value", "Base", "Note"]);
    values.validations = vec![drop_down(1, "Column", "Which cell the value fills")];

    let mut peers = SheetData::new("Peers", &["Indicator", "Force", "Value", "Population"]);
    // Rates (count per head) relative to the home force's: the home force 2nd.
    for (force, rate, population) in [
        ("Home Force", 1.0, 1_000_000.0),
        ("Neighbour A", 1.11, 1_100_000.0),
        ("Neighbour B", 0.87, 900_000.0),
        ("Neighbour C", 1.16, 1_200_000.0),
    ] {
        let value = (latest * rate * population / 1_000_000.0_f64).round();
        peers.row(vec![
            t("SP1.offences"),
            t(force),
            Value::Number(value),
            Value::Number(population),
        ]);
    }

    let mut narrative = SheetData::new("Narrative", &["Section", "Kind", "Text"]);
    narrative.row(vec![
        t("Note"),
        t("paragraph"),
        t("An example note: the closing note box prints this text."),
    ]);
    narrative.validations = vec![drop_down(
        1,
        "NarrativeKind",
        "heading, paragraph or bullet",
    )];

    let savings = SheetData::new("Savings", &["Item", "Amount"]);

    let mut footnotes = SheetData::new("Footnotes", &["Marker", "Text"]);
    footnotes.row(vec![t("*"), t(KEY_STAR)]);

    let mut lists = SheetData::new("Lists", &LISTS.map(|(n, _)| n));
    for (col, (_, items)) in LISTS.iter().enumerate() {
        for (row, item) in items.iter().enumerate() {
            lists.set(row + 1, col, t(item));
        }
    }
    lists.hidden = true;

    WorkbookData {
        sheets: vec![
            instructions,
            report,
            priorities,
            indicators,
            monthly,
            values,
            peers,
            narrative,
            savings,
            footnotes,
            lists,
        ],
        date_1904: false,
    }
}

/// The last day of the month before `today`: the usual reporting month.
pub fn default_period_end(today: NaiveDate) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("valid");
    first.pred_opt().expect("not the first day of time")
}
