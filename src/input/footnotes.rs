//! Sheet `Footnotes` (optional, contract v2): columns `Marker`, `Text` →
//! [`Footnote`] values, the text each marker of `Indicators.Footnote` stands
//! for. When the sheet exists, every marker used must have a row (an error at
//! the `Indicators` cell) and a row no indicator uses is a warning; without
//! the sheet, markers print bare as in v1.

use crate::input::contract::Footnote;
use crate::input::package::{RawSheets, Sheet};
use crate::input::problem::{found, Location, Problem};
use crate::input::table::take;
use crate::input::text;

/// The marker the KEY prints after "no significant change".
pub const KEY_MARKER: &str = "*";

const SHEET: Sheet = Sheet::new("Footnotes", &["Marker", "Text"]);

/// The sheet's rows, one per marker, in sheet order; empty when absent.
pub(super) fn parse_footnotes(sheets: &RawSheets, problems: &mut Vec<Problem>) -> Vec<Footnote> {
    sheets.read_rows(&SHEET, false, problems, |row, seen, problems| {
        let marker = take(row.text("Marker"), problems)?;
        let text = take(
            row.required_limited("Text", "the footnote's text", text::FOOTNOTE),
            problems,
        );
        let again = |first: &Location| {
            format!(
                "expected each marker once, found {} again (first at {first})",
                found(&marker)
            )
        };
        if !seen.once(marker.clone(), row, "Marker", again, problems) {
            return None;
        }
        Some(Footnote {
            marker,
            text: text?,
            location: row.loc("Marker"),
        })
    })
}

/// With a `Footnotes` sheet, each `Indicators.Footnote` marker must have a
/// row (an error at the Indicators cell); a row no indicator uses is a warning.
pub(super) fn check_footnotes(
    sheets: &RawSheets,
    footnotes: &[Footnote],
    problems: &mut Vec<Problem>,
) {
    if !sheets.has(SHEET.name) {
        return;
    }
    // The KEY's `*` (on "no significant change") is used by every pack.
    let mut used = vec![KEY_MARKER.to_string()];
    let mut ignored = Vec::new();
    if let Some(table) = sheets.table("Indicators", &[], false, &mut ignored) {
        for row in table.rows() {
            let Ok(marker) = row.text("Footnote") else {
                continue;
            };
            if marker.is_empty() {
                continue;
            }
            if !footnotes.iter().any(|f| f.marker == marker) {
                problems.push(row.error(
                    "Footnote",
                    format!(
                        "expected a marker with a row in sheet Footnotes ({}), found {}",
                        markers(footnotes),
                        found(&marker)
                    ),
                ));
            }
            used.push(marker);
        }
    }
    for f in footnotes.iter().filter(|f| !used.contains(&f.marker)) {
        problems.push(Problem::warning(
            f.location.clone(),
            format!(
                "footnote {} is unused: no row of sheet Indicators has it as its Footnote, so it is not printed",
                found(&f.marker)
            ),
        ));
    }
}

/// The markers of the sheet, for a message.
fn markers(footnotes: &[Footnote]) -> String {
    if footnotes.is_empty() {
        return "none".into();
    }
    footnotes
        .iter()
        .map(|f| f.marker.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
