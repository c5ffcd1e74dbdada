//! Sheet `Narrative` (optional): headings, paragraphs and bullets →
//! [`NarrativeEntry`] values. A section that is a priority's code is stored
//! as its code key (the text goes in that panel); any other is a free heading.

use crate::input::contract::{code_key, NarrativeEntry, Priority};
use crate::input::package::{RawSheets, Sheet};
use crate::input::problem::{Location, Problem};
use crate::input::table::{keyword, take};

const NARRATIVE: Sheet = Sheet {
    name: "Narrative",
    columns: &["Section", "Kind", "Text"],
    key: "Section",
};

pub(super) fn parse_narrative(
    sheets: &RawSheets,
    priorities: &[(Priority, Location)],
    problems: &mut Vec<Problem>,
) -> Vec<NarrativeEntry> {
    sheets.read_rows(&NARRATIVE, false, problems, |row, problems| {
        let section = take(row.text("Section"), problems);
        let kind = keyword(row, "Kind", problems);
        let text = take(row.required_text("Text", "the text to print"), problems);
        let (section, kind, text) = (section?, kind?, text?);
        let is_priority = priorities
            .iter()
            .any(|(p, _)| code_key(&p.code) == code_key(&section));
        Some(NarrativeEntry {
            section: if is_priority {
                code_key(&section)
            } else {
                section
            },
            kind,
            text,
        })
    })
}
