//! Sheet `Priorities`: one row per strategic priority, in print order →
//! [`Priority`] values, each with the location of its row (for the
//! cross-sheet checks). Codes are unique; a `table` lists its columns.

use crate::input::contract::{Code, Column, Layout, Priority, Word};
use crate::input::package::{RawSheets, Sheet};
use crate::input::problem::{found, Location, Problem};
use crate::input::table::{keyword, take, RowRef, Seen};
use crate::input::text;

const SHEET: Sheet = Sheet::new("Priorities", &["Code", "Title", "Layout"]);

/// The priorities with the row each came from.
pub(super) fn parse_priorities(
    sheets: &RawSheets,
    problems: &mut Vec<Problem>,
) -> Vec<(Priority, Location)> {
    sheets.read_rows(&SHEET, true, problems, read_priority)
}

/// One row; codes are unique.
fn read_priority(
    row: &RowRef,
    seen: &mut Seen<Code>,
    problems: &mut Vec<Problem>,
) -> Option<(Priority, Location)> {
    let code = take(row.text("Code"), problems)?;
    let again = |first: &Location| {
        format!(
            "expected a unique priority code, found {} already at {first}",
            found(&code)
        )
    };
    if seen.repeated(&Code::new(&code), row, "Code", again, problems) {
        return None;
    }
    let title = take(
        row.required_limited("Title", "the priority's title", text::PRIORITY_TITLE),
        problems,
    );
    let layout = keyword(row, "Layout", problems);
    let note = take(row.optional_limited("Note", text::NOTE), problems).flatten();
    let columns = match layout {
        Some(Layout::Table) => table_columns(row, problems),
        _ => Vec::new(),
    };
    let (title, layout) = (title?, layout?);
    seen.insert(Code::new(&code), row.loc("Code"));
    let priority = Priority {
        code: Code::new(&code),
        title,
        layout,
        columns,
        note,
    };
    Some((priority, row.loc("Code")))
}

/// Whether `before` holds a pair `var` can compare: baseline and latest, or
/// ytd and lytd (methods v2: a `var` with no pair before it is refused).
fn has_pair(before: &[Column]) -> bool {
    let both = |a, b| before.contains(&a) && before.contains(&b);
    both(Column::Baseline, Column::Latest) || both(Column::Ytd, Column::Lytd)
}

/// A `table` priority's `Columns` cell: a comma list, each column once,
/// `var` only after a pair.
fn table_columns(row: &RowRef, problems: &mut Vec<Problem>) -> Vec<Column> {
    let mut columns = Vec::new();
    let list = take(row.text("Columns"), problems).unwrap_or_default();
    let allowed = Column::TABLE.map(|c| c.name()).join(", ");
    if list.is_empty() {
        problems.push(row.empty(
            "Columns",
            &format!("a comma list of columns for a table ({allowed})"),
        ));
    }
    for word in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        match Column::from_word(word).filter(|c| *c != Column::Assessment) {
            Some(c) if columns.contains(&c) => problems.push(row.error(
                "Columns",
                format!("expected each column once, found {} twice", found(word)),
            )),
            Some(Column::Var) if !has_pair(&columns) => problems.push(row.error(
                "Columns",
                format!(
                    "expected var after the pair it compares (baseline, latest or ytd, lytd), found {}",
                    found(&list)
                ),
            )),
            Some(c) => columns.push(c),
            None => problems.push(row.error(
                "Columns",
                format!("expected columns from {allowed}, found {}", found(word)),
            )),
        }
    }
    columns
}
