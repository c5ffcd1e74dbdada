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

fn drop_down(column: usize, list: &str, prompt: &str) -> Validation {
    Validation {
        column,
        source: list_source(list),
        prompt: prompt.to_string(),
    }
}

const INSTRUCTIONS: &[&str] = &[
    "How to fill in this workbook",
    "",
    "boardpack turns this workbook into the Police & Crime Plan Dashboard PDF. Fill the sheets, then run:",
    "    boardpack check THIS-FILE.xlsx     (lists every problem, with its cell)",
    "    boardpack build THIS-FILE.xlsx     (writes the PDF to out/)",
    "",
    "Report — one row per field: title, period_end (last day of the reporting month), force (the home force, as named in Peers), baseline (financial year, e.g. 2012/13), projection, confidence, board, area, spc_run_length.",
    "Priorities — one row per strategic priority, in print order. Layout: table, assessment, narrative or savings (drop-down). Columns (tables only): which figures to print, in order (drop-down, or type your own comma list from baseline, latest, var, ytd, lytd, projection).",
    "Indicators — one row per printed row of a panel, in print order. Kind: count, proportion (surveys), rank (Position v MSG), spc (SPC variance) or assessment. Polarity (count and proportion): down when lower is better, up when higher is better. Source (rank and spc rows): the count indicator they are derived from.",
    "Monthly — one row per indicator per month: the month (any date in it), the count or number of positive responses (Value) and, for surveys, the respondents (Base).",
    "Values — figures that do not come from Monthly: a number, a percent, NA, or words for an assessment. They replace the computed figure.",
    "Peers — each force's count for the latest 12 months and its population, for Position v MSG.",
    "Narrative — text for narrative panels (Section = the priority's code), comment boxes (Section = a heading of your own) and the closing Note (Section = Note).",
    "Savings — one row per bar of the savings chart, in £ millions.",
    "",
    "Every figure is computed as docs/methods.md describes. The example rows (priority 1) can be deleted or overwritten.",
    "The Lists sheet (hidden) holds the drop-down choices.",
];

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

    let mut instructions = SheetData::new("Instructions", &["boardpack workbook"]);
    for line in INSTRUCTIONS {
        instructions.row(vec![t(line)]);
    }

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
    for (i, m) in span.months().enumerate() {
        let season = [
            0.93, 0.88, 0.97, 0.98, 1.03, 1.02, 1.08, 1.06, 1.01, 1.02, 0.99, 1.03,
        ][m.month as usize - 1];
        let v = ((1000.0 - i as f64 * 2.0) * season).round();
        let d = NaiveDate::from_ymd_opt(m.year, m.month, m.days()).expect("valid");
        monthly.row(vec![t("SP1.offences"), Value::Date(d), Value::Number(v)]);
    }
    monthly.date_columns = vec![1];

    let mut values = SheetData::new("Values", &["Indicator", "Column", "Value", "Base", "Note"]);
    values.validations = vec![drop_down(1, "Column", "Which cell the value fills")];

    let mut peers = SheetData::new("Peers", &["Indicator", "Force", "Value", "Population"]);
    for (force, value, population) in [
        ("Home Force", 11_500.0, 1_000_000.0),
        ("Neighbour A", 14_000.0, 1_100_000.0),
        ("Neighbour B", 9_000.0, 900_000.0),
        ("Neighbour C", 16_000.0, 1_200_000.0),
    ] {
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
