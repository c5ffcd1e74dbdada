//! Sheet `Savings` (required when a `savings` priority exists): items and
//! amounts in £ millions → [`SavingsItem`] values.

use crate::input::checks::Context;
use crate::input::contract::{Layout, SavingsItem};
use crate::input::problem::{Location, Problem};
use crate::input::table::{fmt_number, take};
use crate::input::text;

/// The sheet's items; at least one when a priority is laid out as savings.
pub(super) fn parse_savings(cx: &Context, problems: &mut Vec<Problem>) -> Vec<SavingsItem> {
    let needed = cx
        .priorities
        .iter()
        .any(|(p, _)| p.layout == Layout::Savings);
    let Some(table) = cx
        .sheets
        .table("Savings", &["Item", "Amount"], needed, problems)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for row in table.keyed_rows("Item", problems) {
        let item = take(row.limited("Item", text::SAVINGS_ITEM), problems);
        let amount = match take(row.number("Amount"), problems) {
            Some(Some(a)) if a >= 0.0 => Some(a),
            Some(Some(a)) => {
                problems.push(row.error(
                    "Amount",
                    format!(
                        "expected an amount in £ millions (zero or more), found {}",
                        fmt_number(a)
                    ),
                ));
                None
            }
            Some(None) => {
                problems.push(row.empty("Amount", "an amount in £ millions"));
                None
            }
            None => None,
        };
        if let (Some(item), Some(amount)) = (item, amount) {
            out.push(SavingsItem { item, amount });
        }
    }
    if needed && out.is_empty() && !problems.iter().any(|p| p.is_error()) {
        problems.push(Problem::error(
            Location::Sheet(table.name.clone()),
            "expected at least one savings row for the savings priority, found none",
        ));
    }
    problems.append(&mut table.take_notices());
    out
}
