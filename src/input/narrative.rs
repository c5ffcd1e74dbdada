//! Sheet `Narrative` (optional): headings, paragraphs and bullets →
//! [`NarrativeEntry`] values. A section that is a priority's code goes in
//! that priority's panel; any other is a free heading.

use crate::input::checks::{is_priority, Context};
use crate::input::contract::{Code, NarrativeEntry, Section};
use crate::input::package::Sheet;
use crate::input::problem::Problem;
use crate::input::table::{keyword, take, RowRef, Seen};
use crate::input::text;

const SHEET: Sheet = Sheet::new("Narrative", &["Section", "Kind", "Text"]);

/// The sheet's lines, in sheet order.
pub(super) fn parse_narrative(cx: &Context, problems: &mut Vec<Problem>) -> Vec<NarrativeEntry> {
    let read = |row: &RowRef, _: &mut Seen<()>, problems: &mut Vec<Problem>| {
        let section = take(row.text("Section"), problems);
        let kind = keyword(row, "Kind", problems);
        let text = take(
            row.required_limited("Text", "the text to print", text::NARRATIVE),
            problems,
        );
        let (section, kind, text) = (section?, kind?, text?);
        let section = match is_priority(cx.priorities, &section) {
            true => Section::Priority(Code::new(&section)),
            false => Section::Heading(section),
        };
        Some(NarrativeEntry {
            section,
            kind,
            text,
            location: row.loc("Text"),
        })
    };
    cx.sheets.read_rows(&SHEET, false, problems, read)
}
