//! Sheet `Peers` (required when a rank indicator exists): each force of the
//! Most Similar Group with its count and population → [`Peer`] values, for
//! the `Position v MSG` rows. Each force once per count indicator.

use crate::input::checks::Context;
use crate::input::contract::{Code, Kind, Peer};
use crate::input::package::Sheet;
use crate::input::problem::{found, Location, Problem};
use crate::input::table::{norm, take};
use crate::input::text;

const SHEET: Sheet = Sheet::new("Peers", &["Indicator", "Force", "Value", "Population"]);

/// The sheet's rows, each force once per indicator.
pub(super) fn parse_peers(cx: &Context, problems: &mut Vec<Problem>) -> Vec<Peer> {
    let needed = cx.indicators.has_kind(Kind::Rank);
    cx.sheets
        .read_rows(&SHEET, needed, problems, |row, seen, problems| {
            let (code, indicator) = cx.indicators.reference(row, problems)?;
            if indicator.is_some_and(|i| i.kind != Kind::Count) {
                problems.push(row.error(
                    "Indicator",
                    format!(
                        "expected a count indicator, found {} which is not a count",
                        found(&code)
                    ),
                ));
            }
            let force = take(
                row.required_limited("Force", "a force name", text::PEER),
                problems,
            );
            let latest = "the force's count for the latest 12 months";
            let value = take(row.count("Value", latest), problems);
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
                (Code::new(&code), norm(&force)),
                row,
                "Force",
                again,
                problems,
            ) {
                return None;
            }
            let (value, population) = (value?, population?);
            (i.kind == Kind::Count && population > 0.0).then(|| Peer {
                indicator: i.code.clone(),
                force,
                value,
                population,
            })
        })
}
