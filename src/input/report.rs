//! Sheet `Report` (columns `Field`, `Value`): one row per field → [`Report`],
//! what the dashboard is for. Unknown fields are warnings; a field given twice,
//! a required field missing or a value out of range are errors.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::input::contract::{CountTest, NumberStyle, RankStyle, Report, Significance, Word};
use crate::input::package::RawSheets;
use crate::input::problem::{found, Location, Problem};
use crate::input::table::{
    fmt_number, is_blank, keyword, month_of, norm, take, RowRef, Seen, Table,
};
use crate::input::text;
use crate::methods::period::FinancialYear;

/// The fields the contract knows, in its order.
const KNOWN: [&str; 13] = [
    "title",
    "period_end",
    "force",
    "area",
    "baseline",
    "projection",
    "confidence",
    "board",
    "spc_run_length",
    "number_style",
    "rank_style",
    "count_test",
    "significance",
];

/// The default confidence level of significance tests.
const CONFIDENCE: f64 = 0.95;
/// The default number of points in an SPC shift or trend.
const SPC_RUN_LENGTH: usize = 7;

pub(super) fn parse_report(sheets: &RawSheets, problems: &mut Vec<Problem>) -> Option<Report> {
    let table = sheets.table("Report", &["Field", "Value"], true, problems)?;
    let fields = Fields::read(&table, problems);
    let title = fields.text("title", true, text::REPORT_TITLE, problems);
    let force = fields.text("force", true, text::REPORT_NAME, problems);
    let area = fields.text("area", false, text::REPORT_NAME, problems);
    let board = fields.text("board", false, text::REPORT_NAME, problems);
    let period_end = fields.period_end(problems);
    let baseline = fields.year("baseline", true, problems);
    let projection = fields.year("projection", false, problems);
    let confidence = fields.number("confidence", CONFIDENCE, problems, |c| {
        (c > 0.5 && c < 1.0).then_some(c).ok_or_else(|| {
            format!(
                "expected a confidence level between 0.5 and 1 (e.g. 0.95 or 95%), found {}",
                fmt_number(c)
            )
        })
    });
    let spc_run_length = fields.number("spc_run_length", SPC_RUN_LENGTH, problems, |n| {
        (n == 6.0 || n == 7.0)
            .then_some(n as usize)
            .ok_or_else(|| format!("expected 6 or 7, found {}", fmt_number(n)))
    });
    let number_style = fields.word("number_style", NumberStyle::Plain, problems);
    let rank_style = fields.word("rank_style", RankStyle::Ordinal, problems);
    let count_test = fields.word("count_test", CountTest::Overdispersed, problems);
    let significance = fields.word("significance", Significance::PerComparison, problems);
    if let Some(pe) = period_end {
        fields.check_month_end(pe, problems);
    }
    problems.append(&mut table.take_notices());
    Some(Report {
        title: title?,
        period_end: period_end?,
        force: force?,
        area,
        baseline: baseline?,
        projection,
        confidence: confidence?,
        board,
        spc_run_length: spc_run_length?,
        number_style: number_style?,
        rank_style: rank_style?,
        count_test: count_test?,
        significance: significance?,
        projection_at: fields.rows.get("projection").map(|r| r.loc("Value")),
        period_end_at: fields.rows.get("period_end").map(|r| r.loc("Value")),
    })
}

/// The sheet's rows by field name (normalised).
struct Fields<'t, 'a> {
    sheet: String,
    rows: BTreeMap<String, RowRef<'t, 'a>>,
}

impl<'t, 'a> Fields<'t, 'a> {
    /// The known fields, each once; unknown ones are warned about.
    fn read(table: &'t Table<'a>, problems: &mut Vec<Problem>) -> Fields<'t, 'a> {
        let mut rows = BTreeMap::new();
        let mut seen = Seen::new();
        for row in table.keyed_rows("Field", problems) {
            let Some(name) = take(row.text("Field"), problems) else {
                continue;
            };
            let key = norm(&name);
            if !KNOWN.contains(&key.as_str()) {
                problems.push(row.warning(
                    "Field",
                    format!(
                        "unknown field {} is ignored (fields: {})",
                        found(&name),
                        KNOWN.join(", ")
                    ),
                ));
                continue;
            }
            let again = |first: &Location| {
                format!(
                    "expected each field once, found {} again (first at {first})",
                    found(&name)
                )
            };
            if seen.once(key.clone(), &row, "Field", again, problems) {
                rows.insert(key, row);
            }
        }
        Fields {
            sheet: table.name.clone(),
            rows,
        }
    }

    fn missing(&self, field: &str, problems: &mut Vec<Problem>) {
        problems.push(Problem::error(
            Location::Sheet(self.sheet.clone()),
            format!("expected a row with Field \"{field}\", found none"),
        ));
    }

    /// A text field; `None` when absent or empty (an error if `required`).
    fn text(
        &self,
        field: &str,
        required: bool,
        limit: text::Limit,
        problems: &mut Vec<Problem>,
    ) -> Option<String> {
        let Some(row) = self.rows.get(field) else {
            if required {
                self.missing(field, problems);
            }
            return None;
        };
        let t = take(row.limited("Value", limit), problems)?;
        if t.is_empty() && required {
            problems.push(row.empty("Value", &format!("the {field}")));
        }
        (!t.is_empty()).then_some(t)
    }

    /// `period_end`, a required date.
    fn period_end(&self, problems: &mut Vec<Problem>) -> Option<NaiveDate> {
        let Some(row) = self.rows.get("period_end") else {
            self.missing("period_end", problems);
            return None;
        };
        match take(row.date("Value"), problems)? {
            Some(d) => Some(d),
            None => {
                problems.push(row.empty(
                    "Value",
                    "the last day of the reporting month (e.g. 2015-12-31)",
                ));
                None
            }
        }
    }

    /// A financial year such as `2012/13`.
    fn year(
        &self,
        field: &str,
        required: bool,
        problems: &mut Vec<Problem>,
    ) -> Option<FinancialYear> {
        let t = self.text(field, required, text::ANY, problems)?;
        let fy = FinancialYear::parse(&t);
        if fy.is_none() {
            problems.push(self.rows[field].error(
                "Value",
                format!(
                    "expected a financial year such as 2012/13, found {}",
                    found(&t)
                ),
            ));
        }
        fy
    }

    /// A number field with a default for an absent or empty cell; `accept`
    /// gives the value or the error's message.
    fn number<T>(
        &self,
        field: &str,
        default: T,
        problems: &mut Vec<Problem>,
        accept: impl FnOnce(f64) -> Result<T, String>,
    ) -> Option<T> {
        let Some(row) = self.rows.get(field) else {
            return Some(default);
        };
        match take(row.number("Value"), problems)? {
            None => Some(default),
            Some(n) => accept(n)
                .map_err(|m| problems.push(row.error("Value", m)))
                .ok(),
        }
    }

    /// A field of contract words (`count_test`, `number_style`,
    /// `rank_style`), with a default for an
    /// absent or empty cell.
    fn word<T: Word>(&self, field: &str, default: T, problems: &mut Vec<Problem>) -> Option<T> {
        let Some(row) = self.rows.get(field) else {
            return Some(default);
        };
        if is_blank(row.cell("Value")) {
            return Some(default);
        }
        keyword(row, "Value", problems)
    }

    /// A `period_end` that is not a month's last day is read as its month.
    fn check_month_end(&self, pe: NaiveDate, problems: &mut Vec<Problem>) {
        let Some(row) = self.rows.get("period_end") else {
            return;
        };
        let m = month_of(pe);
        if pe.day() != m.days() {
            problems.push(row.warning(
                "Value",
                format!(
                    "period_end is normally the last day of the month; {} is read as the month {}",
                    pe,
                    m.long_label()
                ),
            ));
        }
    }
}
