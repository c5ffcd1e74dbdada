//! Sheet `Indicators`: one row per printed row of a priority's panel →
//! [`Indicator`] values. Codes are unique; each names a priority from sheet
//! `Priorities`; a rank row's `Source` names a count indicator, an spc row's
//! a count or a proportion.

use crate::input::checks::{is_priority, unknown_code, Dependents, Index};
use crate::input::contract::{Code, Indicator, Kind, Priority};
use crate::input::package::{RawSheets, Sheet};
use crate::input::problem::{found, Location, Problem};
use crate::input::table::{keyword, take, RowRef};
use crate::input::text;

const SHEET: Sheet = Sheet::new("Indicators", &["Code", "Priority", "Label", "Kind"]);

/// The rows read, and those with a code that could not be read (each
/// with its `Code` cell), so that rows referring to them are not reported
/// again one by one.
pub(super) fn parse_indicators(
    sheets: &RawSheets,
    priorities: &[(Priority, Location)],
    problems: &mut Vec<Problem>,
) -> (Vec<Indicator>, Vec<(Code, Location)>, Dependents) {
    let mut sources = Vec::new();
    let mut broken = Vec::new();
    let out = sheets.read_rows(&SHEET, true, problems, |row, seen, problems| {
        let code = take(row.text("Code"), problems)?;
        let again = |first: &Location| {
            format!(
                "expected a unique indicator code, found {} already at {first}",
                found(&code)
            )
        };
        if !seen.once(Code::new(&code), row, "Code", again, problems) {
            return None;
        }
        let read = read_indicator(row, code.clone(), priorities, &mut sources, problems);
        if read.is_none() {
            broken.push((Code::new(&code), row.loc("Code")));
        }
        read
    });
    let index = Index::new(&out, &broken);
    check_sources(&index, sources, problems);
    let dependents = index.take_dependents();
    (out, broken, dependents)
}

/// One row after its code; each `Source` read is noted in `sources`, with
/// its cell, to be checked once every row is read.
fn read_indicator(
    row: &RowRef,
    code: String,
    priorities: &[(Priority, Location)],
    sources: &mut Vec<(String, Location, Kind)>,
    problems: &mut Vec<Problem>,
) -> Option<Indicator> {
    let priority = take(row.required_text("Priority", "a priority code"), problems);
    if let Some(p) = &priority {
        if !is_priority(priorities, p) {
            problems.push(row.error("Priority", unknown_code("Priorities", p)));
        }
    }
    let label = take(
        row.required_limited("Label", "the row's label", text::LABEL),
        problems,
    );
    let kind = keyword::<Kind>(row, "Kind", problems);
    let polarity = match kind {
        Some(k) if k.is_monthly() => keyword(row, "Polarity", problems),
        _ => None,
    };
    let source = match kind {
        Some(k @ (Kind::Rank | Kind::Spc)) => {
            let what = "the code of the count indicator this row is derived from";
            let s = take(row.required_limited("Source", what, text::SOURCE), problems);
            if let Some(s) = &s {
                sources.push((s.clone(), row.loc("Source"), k));
            }
            s.map(|s| Code::new(&s))
        }
        _ => None,
    };
    let footnote = take(row.optional_text("Footnote"), problems).flatten();
    let note = take(row.optional_limited("Note", text::NOTE), problems).flatten();
    let (priority, label, kind) = (priority?, label?, kind?);
    if kind.is_monthly() && polarity.is_none() {
        return None;
    }
    Some(Indicator {
        code: Code::new(&code),
        priority: Code::new(&priority),
        label,
        kind,
        polarity,
        source,
        footnote,
        note,
        location: row.loc("Code"),
    })
}

/// Each `Source` must name a count indicator; an `spc` row's may also name
/// a proportion (methods v2: Making Data Count charts any measure).
fn check_sources(
    index: &Index,
    sources: Vec<(String, Location, Kind)>,
    problems: &mut Vec<Problem>,
) {
    for (source, loc, kind) in sources {
        let message = match index.get(&source) {
            Some(i) if i.kind == Kind::Count => continue,
            Some(i) if i.kind == Kind::Proportion && kind == Kind::Spc => continue,
            None if index.depends_on_broken(&source, &loc) => continue,
            Some(i) => format!(
                "expected the code of a count indicator, found {} which is a {} indicator",
                found(&source),
                i.kind
            ),
            None => unknown_code("Indicators", &source),
        };
        problems.push(Problem::error(loc, message));
    }
}
