//! Problems found in a workbook, each tied to the place an analyst must look
//! (`Monthly!C37`), with what was expected and what was found. Enters: a
//! [`Location`] and a message; leaves: a [`Problem`] (error or warning), and
//! [`WorkbookErrors`], all of a workbook's problems as one error.

use std::fmt;

/// Where a problem is: a whole file, a sheet, a header, or one cell.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    /// The workbook as a whole (a missing sheet, an unreadable file).
    Workbook,
    /// A whole sheet.
    Sheet(String),
    /// A sheet's header row, for a missing column.
    Header(String),
    /// One cell; `row` and `col` count from 0.
    Cell { sheet: String, row: u32, col: u32 },
}

impl Location {
    /// A cell of `sheet`, counting rows and columns from 0.
    pub fn cell(sheet: &str, row: u32, col: u32) -> Location {
        Location::Cell {
            sheet: sheet.to_string(),
            row,
            col,
        }
    }
}

/// The contract's sheets in their order, for grouping messages by sheet.
const SHEET_ORDER: [&str; 9] = [
    "report",
    "priorities",
    "indicators",
    "monthly",
    "values",
    "peers",
    "narrative",
    "savings",
    "footnotes",
];

impl Location {
    /// Where the location's sheet comes in the contract's order: the
    /// workbook first, then the sheets in order, then any other sheet.
    pub fn sheet_order(&self) -> usize {
        let sheet = match self {
            Location::Workbook => return 0,
            Location::Sheet(s) | Location::Header(s) | Location::Cell { sheet: s, .. } => s,
        };
        let key = sheet.trim().to_lowercase();
        1 + SHEET_ORDER
            .iter()
            .position(|s| *s == key)
            .unwrap_or(SHEET_ORDER.len())
    }
}

/// Quotes a sheet name the way Excel does in a reference, when it must.
fn sheet_ref(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
    {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "''"))
    }
}

/// Column letters for a 0-based column index: 0 → `A`, 26 → `AA`.
pub fn column_letters(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Workbook => write!(f, "workbook"),
            Location::Sheet(s) => write!(f, "sheet {}", sheet_ref(s)),
            Location::Header(s) => write!(f, "{}!1:1", sheet_ref(s)),
            Location::Cell { sheet, row, col } => {
                write!(
                    f,
                    "{}!{}{}",
                    sheet_ref(sheet),
                    column_letters(*col),
                    row + 1
                )
            }
        }
    }
}

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The workbook cannot be published until this is fixed.
    Error,
    /// Published, but the analyst should know (a figure left empty, a row unused).
    Warning,
}

/// One finding about the workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub location: Location,
    pub message: String,
}

impl Problem {
    pub fn error(location: Location, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Error,
            location,
            message: message.into(),
        }
    }

    pub fn warning(location: Location, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Warning,
            location,
            message: message.into(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// `1 row`, `2 rows`, `1 priority`, `2 priorities`: a count and its noun, singular or plural.
pub fn plural(n: usize, noun: &str) -> String {
    match (n, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        _ => format!("{n} {noun}s"),
    }
}

/// Shows a found cell value inside a message: text quoted, nothing as `an empty cell`.
pub fn found(text: &str) -> String {
    if text.is_empty() {
        "an empty cell".to_string()
    } else {
        format!("{text:?}")
    }
}

/// Every error of a workbook, reported together.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{} in the workbook:\n{}", count_errors(.problems), list(.problems))]
pub struct WorkbookErrors {
    /// Grouped by sheet (the workbook, then the contract's sheets in
    /// order); within a sheet, errors first, then warnings, in the order found.
    pub problems: Vec<Problem>,
}

fn count_errors(problems: &[Problem]) -> String {
    plural(problems.iter().filter(|p| p.is_error()).count(), "error")
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| match p.severity {
            Severity::Error => format!("  error: {p}"),
            Severity::Warning => format!("  warning: {p}"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_references() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(Location::cell("Monthly", 36, 2).to_string(), "Monthly!C37");
        assert_eq!(Location::cell("My data", 0, 0).to_string(), "'My data'!A1");
    }
}
