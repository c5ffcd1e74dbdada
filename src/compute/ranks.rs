//! Position v MSG: where the home force's rate stands among its most similar
//! group of forces.
//!
//! Enters: a `rank` indicator, sheet `Peers` and the source indicator's
//! polarity. Leaves: the row's `latest` cell (`3rd`, `=3rd`), or the
//! position given in `Values` (logged). And a warning when the home
//! force's count in `Peers` is not the pack's own latest 12 months
//! ([`warn_home_counts`]).

use crate::compute::context::{Diagnostics, Inputs};
use crate::compute::figures::{na_cell, window_figure, Fig};
use crate::compute::records::Cell;
use crate::compute::wording;
use crate::input::{Column, Given, Indicator, Peer, Polarity};
use crate::methods::period::ordinal;

/// The position cell of a `rank` row.
pub(super) fn rank_cell(inputs: &Inputs, diag: &mut Diagnostics, ind: &Indicator) -> Option<Cell> {
    match inputs.given(ind, Column::Latest) {
        Some(v) => {
            let cell = match v.value {
                Given::NotAvailable => na_cell(),
                Given::Number(x) | Given::Percent(x) => Cell {
                    text: ordinal(x as u64),
                    value: Some(x),
                    ..Cell::default()
                },
                Given::Text(_) | Given::Blank => return None,
            };
            diag.log(wording::given_log(
                ind.code.as_str(),
                Column::Latest,
                &cell.text,
                &v.location,
            ));
            Some(cell)
        }
        None => position_cell(inputs, ind),
    }
}

/// The home force's position among the peers of the row's source indicator.
fn position_cell(inputs: &Inputs, ind: &Indicator) -> Option<Cell> {
    let source = ind.source.as_ref()?;
    let polarity = inputs
        .indicator(source)
        .and_then(|s| s.polarity)
        .unwrap_or(Polarity::Down);
    let peers: Vec<&Peer> = inputs
        .w
        .peers
        .iter()
        .filter(|p| &p.indicator == source)
        .collect();
    let force = inputs.w.report.force.trim();
    let home = *peers
        .iter()
        .find(|p| p.force.trim().eq_ignore_ascii_case(force))?;
    // Compare rates exactly by cross-multiplying: a/b < c/d ⇔ a·d < c·b.
    let better = |p: &Peer| {
        let (lhs, rhs) = (p.value * home.population, home.value * p.population);
        match polarity {
            Polarity::Down => lhs < rhs,
            Polarity::Up => lhs > rhs,
        }
    };
    let tied =
        |p: &Peer| !std::ptr::eq(p, home) && p.value * home.population == home.value * p.population;
    let position = 1 + peers.iter().filter(|p| better(p)).count() as u64;
    let text = wording::position_text(position, peers.iter().any(|p| tied(p)));
    Some(Cell {
        alt: Some(wording::position_alt(&text, peers.len())),
        text: wording::position_styled(text, peers.len(), inputs.w.report.rank_style),
        value: Some(position as f64),
        ..Cell::default()
    })
}

/// How far (a share of the pack's own figure) the home force's `Peers`
/// count may be from the pack's latest 12 months before it is warned of.
const HOME_COUNT_TOLERANCE: f64 = 0.01;

/// Warns, at the home force's `Peers` `Value` cell, of each indicator whose
/// home count differs by more than 1% from the pack's own latest 12 months
/// summed from `Monthly` (when the series has every month of the window):
/// the peers' counts are then probably from another period, and the
/// Position v MSG compares unlike figures (contract v3).
pub(super) fn warn_home_counts(inputs: &Inputs, diag: &mut Diagnostics) {
    let force = inputs.w.report.force.trim();
    let window = inputs.windows.latest;
    for home in inputs
        .w
        .peers
        .iter()
        .filter(|p| p.force.trim().eq_ignore_ascii_case(force))
    {
        let Some(series) = inputs
            .indicator(&home.indicator)
            .and_then(|i| inputs.series(i))
        else {
            continue;
        };
        let Ok(Fig::Count(own)) = window_figure(series, window, crate::input::Kind::Count) else {
            continue;
        };
        if (home.value - own).abs() > HOME_COUNT_TOLERANCE * own {
            diag.warn(
                &home.value_at,
                wording::home_count_off(home.indicator.as_str(), home.value, own, window),
            );
        }
    }
}
