//! Sheet `Peers` (required when a rank indicator exists): each force of the
//! Most Similar Group with its count and population → [`Peer`] values, for
//! the `Position v MSG` rows. Each force once per count indicator.

use crate::input::checks::Index;
use crate::input::contract::{code_key, Kind, Peer};
use crate::input::package::{RawSheets, Sheet};
use crate::input::problem::{found, Location, Problem};
use crate::input::table::{norm, take, RowRef, Seen};

const PEERS: Sheet = Sheet {
    name: "Peers",
    columns: &["Indicator", "Force", "Value", "Population"],
    key: "Indicator",
};

pub(super) fn parse_peers(
    sheets: &RawSheets,
    indicators: &Index,
    problems: &mut Vec<Problem>,
) -> Vec<Peer> {
    let needed = indicators.has_kind(Kind::Rank);
    let mut seen = Seen::new();
    sheets.read_rows(&PEERS, needed, problems, |row, problems| {
        read_peer(row, indicators, &mut seen, problems)
    })
}

/// One row; each force once per indicator.
fn read_peer(
    row: &RowRef,
    indicators: &Index,
    seen: &mut Seen<(String, String)>,
    problems: &mut Vec<Problem>,
) -> Option<Peer> {
    let (code, indicator) = indicators.reference(row, problems)?;
    if indicator.is_some_and(|i| i.kind != Kind::Count) {
        problems.push(row.error(
            "Indicator",
            format!(
                "expected a count indicator, found {} which is not a count",
                found(&code)
            ),
        ));
    }
    let force = take(row.required_text("Force", "a force name"), problems);
    let value = take(
        row.count("Value", "the force's count for the latest 12 months"),
        problems,
    );
    let population = take(
        row.count("Population", "the force area's population"),
        problems,
    );
    if population == Some(0.0) {
        problems.push(row.error("Population", "expected a population above zero, found 0"));
    }
    let (force, i) = (force?, indicator?);
    let again = |first: &Location| {
        format!(
            "expected each force once per indicator, found {} again (first at {first})",
            found(&force)
        )
    };
    if !seen.once(
        (code_key(&code), norm(&force)),
        row,
        "Force",
        again,
        problems,
    ) {
        return None;
    }
    let (value, population) = (value?, population?);
    (i.kind == Kind::Count && population > 0.0).then(|| Peer {
        indicator: code_key(&i.code),
        force,
        value,
        population,
    })
}
