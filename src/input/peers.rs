//! Sheet `Peers` (required when a rank indicator exists): each force of the
//! Most Similar Group with its count and population → [`Peer`] values, for
//! the `Position v MSG` rows. Each force once per count indicator.

use crate::input::checks::Context;
use crate::input::contract::{Code, Kind, Peer};
use crate::input::package::Sheet;
use crate::input::problem::{found, Location, Problem};
use crate::input::table::{fmt_number, norm, take};
use crate::input::text;

const SHEET: Sheet = Sheet::new("Peers", &["Indicator", "Force", "Value", "Population"]);

/// The sheet's rows, each force once per indicator; a population far off
/// the peers' median is warned of ([`warn_populations`]).
pub(super) fn parse_peers(cx: &Context, problems: &mut Vec<Problem>) -> Vec<Peer> {
    let peers = read_peers(cx, problems);
    warn_populations(&peers, problems);
    peers
}

/// Warns of each force whose `Population` is more than 5 times, or less
/// than a fifth of, the median of its indicator's peers' populations: a
/// population typed in thousands (or with a digit too many) moves the home
/// force's position silently (contract v3).
fn warn_populations(peers: &[Peer], problems: &mut Vec<Problem>) {
    // Each indicator once, in sheet order.
    let mut codes: Vec<&Code> = Vec::new();
    for p in peers {
        if !codes.contains(&&p.indicator) {
            codes.push(&p.indicator);
        }
    }
    for code in codes {
        let group: Vec<&Peer> = peers.iter().filter(|p| &p.indicator == code).collect();
        let populations = group
            .iter()
            .enumerate()
            .map(|(i, p)| (p.population, &p.population_at, i));
        for (at, i, v, median) in super::monthly::off_median(populations) {
            let how = super::monthly::how_far(v, median);
            problems.push(Problem::warning(
                at.clone(),
                format!(
                    "the population of {} for {code} is {}, {how} the median population of its peers ({}): check it is not typed in thousands or with a digit too many (it moves the Position v MSG)",
                    found(&group[i].force),
                    fmt_number(v),
                    fmt_number(median)
                ),
            ));
        }
    }
}

/// The rows as read, each checked on its own.
fn read_peers(cx: &Context, problems: &mut Vec<Problem>) -> Vec<Peer> {
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
                value_at: row.loc("Value"),
                population_at: row.loc("Population"),
            })
        })
}
