//! Stage 1, input: the force's `.xlsx` workbook → [`Workbook`], the typed
//! sheets of the input contract (`docs/workbook.md`).
//!
//! Enters: the file's bytes and the [`limits::InputLimits`] they must keep
//! within. Leaves: [`Loaded`] (the [`Workbook`] and its warnings), or a
//! [`LoadError`]: a file refused or not a workbook at all, or every violation
//! of the contract, each naming its sheet and cell.
//!
//! The way through: [`limits`] refuses hostile files; [`package`] (the
//! calamine adapter) reads the sheets; [`table`] reads cells by header; one
//! module per sheet parses and checks its rows into the types of
//! [`contract`]; [`checks`] holds the references and checks across sheets.
//! This stage knows nothing of the stages after it.

mod cells;
pub(crate) use cells::count_elements;
pub use cells::{list_validations, ListValidation};
mod checks;
pub mod contract;
pub mod dates;
mod footnotes;
mod formats;
pub use footnotes::KEY_MARKER;
mod indicators;
pub mod limits;
mod monthly;
mod narrative;
mod ods;
pub mod package;
mod peers;
mod priorities;
pub mod problem;
mod report;
mod savings;
mod styles;
pub use styles::{
    number_formats, sheet_styles, Borders, CellStyle, ColumnLook, RowLook, SheetStyles,
};
pub mod table;
pub mod text;
mod values;

pub use contract::{
    Code, Column, CountTest, Footnote, Given, Indicator, Kind, Layout, MonthlyValue,
    NarrativeEntry, NarrativeKind, NumberStyle, Peer, Polarity, Priority, RankStyle, Report,
    SavingsItem, Section, Significance, ValueEntry, Word, Workbook,
};
pub use package::{open_calamine, NotAWorkbook, RawSheets};

use crate::input::limits::{InputLimits, Refused};
use crate::input::problem::{Problem, WorkbookErrors};

/// A workbook that met the contract, with the warnings found on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub workbook: Workbook,
    pub warnings: Vec<Problem>,
}

/// Why a file could not be read at all, or the contract's violations.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    NotAWorkbook(#[from] NotAWorkbook),
    #[error("refused: {0}")]
    Refused(#[from] Refused),
    #[error(transparent)]
    Invalid(#[from] WorkbookErrors),
}

impl Workbook {
    /// Reads and validates a workbook from its bytes, within the default
    /// input limits.
    pub fn from_bytes(bytes: &[u8]) -> Result<Loaded, LoadError> {
        Workbook::from_bytes_within(bytes, &InputLimits::default())
    }

    /// Reads and validates a workbook from its bytes, refusing first what is
    /// over `limits`.
    pub fn from_bytes_within(bytes: &[u8], limits: &InputLimits) -> Result<Loaded, LoadError> {
        limits::check_package(bytes, limits)?;
        let sheets = RawSheets::open(bytes)?;
        parse(&sheets)
    }
}

/// Every sheet in the contract's order, then the cross-sheet checks; the
/// workbook when no problem is an error.
fn parse(sheets: &RawSheets) -> Result<Loaded, LoadError> {
    let mut problems = sheets.problems.clone();
    let report = report::parse_report(sheets, &mut problems);
    let priorities = priorities::parse_priorities(sheets, &mut problems);
    let (indicators, broken, dependents) =
        indicators::parse_indicators(sheets, &priorities, &mut problems);
    let cx = checks::Context {
        sheets,
        priorities: &priorities,
        indicators: checks::Index::counting(&indicators, &broken, dependents),
    };
    let monthly = monthly::parse_monthly(&cx, &mut problems);
    let values = values::parse_values(&cx, &mut problems);
    let peers = peers::parse_peers(&cx, &mut problems);
    let narrative = narrative::parse_narrative(&cx, &mut problems);
    let savings = savings::parse_savings(&cx, &mut problems);
    cx.indicators.report_dependents(&mut problems);
    cx.indicators.report_unknown(&mut problems);
    let footnotes = footnotes::parse_footnotes(sheets, &mut problems);
    footnotes::check_footnotes(sheets, &footnotes, &mut problems);
    checks::check_ranks(&cx, report.as_ref(), &indicators, &peers, &mut problems);
    checks::check_unused(&indicators, &priorities, &peers, &mut problems);
    if let Some(r) = &report {
        checks::check_period_moved_on(r, &monthly, &mut problems);
    }

    problems.sort_by_key(|p| (p.location.sheet_order(), !p.is_error()));
    let (errors, warnings): (Vec<_>, Vec<_>) = problems.into_iter().partition(|p| p.is_error());
    match report {
        Some(report) if errors.is_empty() => Ok(Loaded {
            workbook: Workbook {
                report,
                indicators,
                monthly,
                values,
                priorities: priorities.into_iter().map(|(p, _)| p).collect(),
                peers,
                narrative,
                savings,
                footnotes,
            },
            warnings,
        }),
        _ => {
            let mut all = errors;
            all.extend(warnings);
            all.sort_by_key(|p| p.location.sheet_order());
            Err(WorkbookErrors { problems: all }.into())
        }
    }
}
