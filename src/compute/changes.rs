//! What changed between two packs: the board's first question. Both sides
//! are records as `--records` exports them (`docs/records.md`), whether
//! computed from a workbook, read from a records file or taken from a
//! signed-off pack's attachment; the comparison reads the export contract,
//! so packs of older boardpack versions compare too.
//!
//! Enters: two records documents (JSON values). Leaves: a [`Diff`], by
//! priority: classes, SPC readings and new special causes, positions,
//! projections, revised figures for the same window (a restated baseline is
//! a revision, not a change), rows added or removed, narratives unchanged.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::compute::records::{ChangeLine, ChangesRecord, Class, Records};
use crate::compute::wording;
use crate::input::problem::Problem;
use crate::input::Workbook;

/// The comparison of an older pack with a newer one.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Diff {
    /// `2015-12`, `2016-03`: the periods compared.
    pub old_period: String,
    pub new_period: String,
    /// One entry per priority with anything to say, in the newer pack's order.
    pub priorities: Vec<PriorityChanges>,
}

/// What changed in one priority.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PriorityChanges {
    pub code: String,
    pub title: String,
    pub changes: Vec<Change>,
}

/// One change, with the row it is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    /// A figure's class moved (`no-change` → `deterioration`).
    Class {
        row: String,
        column: String,
        old: String,
        new: String,
    },
    /// An SPC reading moved (`common-cause` → `concern`).
    Reading {
        row: String,
        old: String,
        new: String,
    },
    /// Months newly read as special causes in an SPC chart.
    NewSpecialCause {
        row: String,
        months: Vec<String>,
        signal: String,
    },
    /// A Position v MSG moved.
    Position {
        row: String,
        old: String,
        new: String,
    },
    /// A projection changed.
    Projection {
        row: String,
        old: String,
        new: String,
    },
    /// A figure for the same window printed differently: the data were revised.
    Revised {
        row: String,
        column: String,
        old: String,
        new: String,
    },
    /// A figure whose window moved on changed.
    Figure {
        row: String,
        column: String,
        old: String,
        new: String,
    },
    RowAdded {
        row: String,
    },
    RowRemoved {
        row: String,
    },
    /// A savings amount changed (or an item came or went: `—`).
    Savings {
        item: String,
        old: String,
        new: String,
    },
    /// The narrative is word for word the last pack's: is it still true?
    NarrativeUnchanged {
        items: usize,
    },
}

impl Change {
    /// The change in words, for the terminal and the pack.
    pub fn describe(&self) -> String {
        match self {
            Change::Class {
                row,
                column,
                old,
                new,
            } => {
                format!(
                    "{row} ({column}): {} → {}",
                    class_words(old),
                    class_words(new)
                )
            }
            Change::Reading { row, old, new } => {
                format!("{row}: SPC {} → {}", reading_words(old), reading_words(new))
            }
            Change::NewSpecialCause {
                row,
                months,
                signal,
            } => format!(
                "{row}: new special cause ({}) in {}",
                reading_words(signal),
                months
                    .iter()
                    .map(|m| crate::methods::period::Month::parse_iso(m)
                        .map_or_else(|| m.clone(), |m| m.short_label()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Change::Position { row, old, new } => format!("{row}: position {old} → {new}"),
            Change::Savings { item, old, new } => format!("{item}: {old} → {new}"),
            Change::Projection { row, old, new } => format!("{row}: projection {old} → {new}"),
            Change::Revised {
                row,
                column,
                old,
                new,
            } => {
                format!("{row} ({column}): revised {old} → {new} (same window, data restated)")
            }
            Change::Figure {
                row,
                column,
                old,
                new,
            } => format!("{row} ({column}): {old} → {new}"),
            Change::RowAdded { row } => format!("{row}: row added"),
            Change::RowRemoved { row } => format!("{row}: row removed"),
            Change::NarrativeUnchanged { items } => format!(
                "narrative unchanged ({items} {}): check it still holds",
                if *items == 1 { "item" } else { "items" }
            ),
        }
    }
}

/// A figure's class in the words the pack uses, or `no class`.
fn class_words(name: &str) -> String {
    match Class::named(name) {
        Some(c) => c.short_words().to_string(),
        None if name.is_empty() => "no class".to_string(),
        None => name.to_string(),
    }
}

/// An SPC reading in the words the pack uses.
fn reading_words(name: &str) -> String {
    match Class::named(name) {
        Some(c) => wording::reading_words(c).to_string(),
        None => name.to_string(),
    }
}

fn str_of<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn period(records: &Value) -> String {
    str_of(&records["report"], "period_end")
        .chars()
        .take(7)
        .collect()
}

/// Rows by code key (upper case), in print order.
fn rows(records: &Value) -> Vec<(String, &Value)> {
    records["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| (str_of(r, "code").trim().to_uppercase(), r))
                .collect()
        })
        .unwrap_or_default()
}

/// Compares an older pack's records with a newer one's.
pub fn diff(old: &Value, new: &Value) -> Diff {
    let same_period = period(old) == period(new);
    let same_baseline = str_of(&old["report"], "baseline") == str_of(&new["report"], "baseline");
    let old_rows: BTreeMap<String, &Value> = rows(old).into_iter().collect();
    let new_rows = rows(new);
    let mut by_priority: BTreeMap<String, Vec<Change>> = BTreeMap::new();
    for (key, n) in &new_rows {
        let priority = str_of(n, "priority").to_string();
        let label = row_name(n);
        let changes = match old_rows.get(key) {
            None => vec![Change::RowAdded { row: label }],
            Some(o) => row_changes(o, n, &label, same_period, same_baseline),
        };
        by_priority.entry(priority).or_default().extend(changes);
    }
    for (key, o) in &old_rows {
        if !new_rows.iter().any(|(k, _)| k == key) {
            by_priority
                .entry(str_of(o, "priority").to_string())
                .or_default()
                .push(Change::RowRemoved { row: row_name(o) });
        }
    }
    spc_changes(old, new, &mut by_priority);
    narrative_changes(old, new, &mut by_priority);
    savings_changes(old, new, &mut by_priority);
    let mut priorities = priorities_in_order(new, old, by_priority);
    priorities.extend(boxes_unchanged(old, new));
    Diff {
        old_period: period(old),
        new_period: period(new),
        priorities,
    }
}

/// The comment boxes of their own (`SP18 Comments`, `Note`) whose text is
/// word for word the older pack's, after the priorities: an entry each,
/// with no code and the box's heading as its title.
fn boxes_unchanged(old: &Value, new: &Value) -> Vec<PriorityChanges> {
    let boxes = |records: &Value| -> Vec<Value> {
        let mut out: Vec<Value> = records["comments"].as_array().cloned().unwrap_or_default();
        if records["note"].is_object() {
            out.push(records["note"].clone());
        }
        out
    };
    let before = boxes(old);
    boxes(new)
        .iter()
        .filter_map(|b| {
            let items = b["items"].as_array().map_or(0, Vec::len);
            let same = before
                .iter()
                .any(|o| o["heading"] == b["heading"] && o["items"] == b["items"]);
            (items > 0 && same).then(|| PriorityChanges {
                code: String::new(),
                title: str_of(b, "heading").trim_end_matches(':').to_string(),
                changes: vec![Change::NarrativeUnchanged { items }],
            })
        })
        .collect()
}

fn row_name(row: &Value) -> String {
    format!("{} {}", str_of(row, "code"), str_of(row, "label"))
}

/// One row's changes, cell by cell.
fn row_changes(
    o: &Value,
    n: &Value,
    row: &str,
    same_period: bool,
    same_baseline: bool,
) -> Vec<Change> {
    let mut out = Vec::new();
    let kind = str_of(n, "kind");
    let empty = Value::Null;
    let cells = n["cells"].as_object().into_iter().flatten();
    for (column, nc) in cells {
        let oc = o["cells"].get(column).unwrap_or(&empty);
        let (ot, nt) = (str_of(oc, "text"), str_of(nc, "text"));
        let (ocl, ncl) = (str_of(oc, "class"), str_of(nc, "class"));
        let (row, column) = (row.to_string(), column.clone());
        match kind {
            "spc" if ocl != ncl => out.push(Change::Reading {
                row,
                old: ocl.into(),
                new: ncl.into(),
            }),
            "rank" if ot != nt => out.push(Change::Position {
                row,
                old: ot.into(),
                new: nt.into(),
            }),
            "spc" | "rank" => {}
            _ if column == "projection" && ot != nt => out.push(Change::Projection {
                row,
                old: ot.into(),
                new: nt.into(),
            }),
            _ => {
                let same_window = match column.as_str() {
                    "baseline" => same_baseline,
                    "projection" => true,
                    _ => same_period,
                };
                if ot != nt && !ot.is_empty() && same_window {
                    out.push(Change::Revised {
                        row: row.clone(),
                        column: column.clone(),
                        old: ot.into(),
                        new: nt.into(),
                    });
                } else if ot != nt && !same_window && column != "var" {
                    out.push(Change::Figure {
                        row: row.clone(),
                        column: column.clone(),
                        old: ot.into(),
                        new: nt.into(),
                    });
                }
                if ocl != ncl && (!ocl.is_empty() || !ncl.is_empty()) {
                    out.push(Change::Class {
                        row,
                        column,
                        old: ocl.into(),
                        new: ncl.into(),
                    });
                }
            }
        }
    }
    out
}

/// Months newly flagged as special causes in the appendix's charts.
fn spc_changes(old: &Value, new: &Value, by_priority: &mut BTreeMap<String, Vec<Change>>) {
    let charts = |r: &Value| -> BTreeMap<String, Value> {
        r["appendix"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| (str_of(c, "indicator").to_uppercase(), c.clone()))
            .collect()
    };
    let old_charts = charts(old);
    for (key, chart) in charts(new) {
        let flagged = |c: &Value| -> BTreeMap<String, String> {
            c["points"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| str_of(p, "signal") != "common-cause")
                .map(|p| {
                    (
                        str_of(p, "month").to_string(),
                        str_of(p, "signal").to_string(),
                    )
                })
                .collect()
        };
        let before = old_charts.get(&key).map(flagged).unwrap_or_default();
        let mut fresh: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (month, signal) in flagged(&chart) {
            if !before.contains_key(&month) {
                fresh.entry(signal).or_default().push(month);
            }
        }
        for (signal, months) in fresh {
            by_priority
                .entry(str_of(&chart, "priority").to_string())
                .or_default()
                .push(Change::NewSpecialCause {
                    row: format!(
                        "{} {}",
                        str_of(&chart, "indicator"),
                        str_of(&chart, "title")
                    ),
                    months,
                    signal,
                });
        }
    }
}

/// Savings amounts that changed, by item label (an item that came or went
/// shows `—` on the side it is missing from), under the savings priority.
fn savings_changes(old: &Value, new: &Value, by_priority: &mut BTreeMap<String, Vec<Change>>) {
    let items = |records: &Value| -> Vec<(String, String, String)> {
        records["priorities"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|p| {
                let key = str_of(p, "key").to_string();
                p["savings"]["items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(move |i| {
                        (
                            key.clone(),
                            str_of(i, "label").to_string(),
                            str_of(i, "text").to_string(),
                        )
                    })
            })
            .collect()
    };
    let before = items(old);
    let after = items(new);
    let text_of = |list: &[(String, String, String)], label: &str| {
        list.iter()
            .find(|(_, l, _)| l == label)
            .map(|(_, _, t)| t.clone())
    };
    for (key, label, text) in &after {
        let was = text_of(&before, label);
        if was.as_deref() != Some(text.as_str()) {
            by_priority
                .entry(key.clone())
                .or_default()
                .push(Change::Savings {
                    item: label.clone(),
                    old: was.unwrap_or_else(|| "—".into()),
                    new: text.clone(),
                });
        }
    }
    for (key, label, text) in &before {
        if text_of(&after, label).is_none() {
            by_priority
                .entry(key.clone())
                .or_default()
                .push(Change::Savings {
                    item: label.clone(),
                    old: text.clone(),
                    new: "—".into(),
                });
        }
    }
}

/// Priorities whose narrative is word for word the older pack's.
fn narrative_changes(old: &Value, new: &Value, by_priority: &mut BTreeMap<String, Vec<Change>>) {
    let old_narratives: BTreeMap<&str, &Value> = old["priorities"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| (str_of(p, "key"), &p["narrative"]))
        .collect();
    for p in new["priorities"].as_array().into_iter().flatten() {
        let items = p["narrative"].as_array().map_or(0, Vec::len);
        if items > 0 && old_narratives.get(str_of(p, "key")) == Some(&&p["narrative"]) {
            by_priority
                .entry(str_of(p, "key").to_string())
                .or_default()
                .push(Change::NarrativeUnchanged { items });
        }
    }
}

/// The priorities with changes, in the newer pack's order (then any only
/// the older one had).
fn priorities_in_order(
    new: &Value,
    old: &Value,
    mut by_priority: BTreeMap<String, Vec<Change>>,
) -> Vec<PriorityChanges> {
    let mut out = Vec::new();
    let all = new["priorities"].as_array().into_iter().flatten();
    let all = all.chain(old["priorities"].as_array().into_iter().flatten());
    for p in all {
        if let Some(changes) = by_priority.remove(str_of(p, "key")) {
            if !changes.is_empty() {
                out.push(PriorityChanges {
                    code: str_of(p, "code").to_string(),
                    title: str_of(p, "title").to_string(),
                    changes,
                });
            }
        }
    }
    out
}

impl Diff {
    /// The comparison as lines, by priority.
    pub fn text(&self) -> String {
        let mut out = format!("changes from {} to {}:\n", self.old_period, self.new_period);
        if self.priorities.is_empty() {
            out.push_str("  nothing changed\n");
        }
        for p in &self.priorities {
            out.push_str(format!("{} {}", p.code, p.title).trim());
            out.push('\n');
            for c in &p.changes {
                out.push_str(&format!("  {}\n", c.describe()));
            }
        }
        out
    }
}

/// The last signed-off pack of an earlier period, as the archive holds it.
#[derive(Debug, Clone)]
pub struct Previous {
    /// `2015-12`.
    pub period: String,
    pub version: u32,
    /// Its records, as attached to the pack.
    pub records: Value,
}

/// The changes section of a pack built after `previous` was signed off.
pub fn section(previous: &Previous, records: &Records) -> ChangesRecord {
    let new = serde_json::to_value(records).expect("records serialise");
    let d = diff(&previous.records, &new);
    let since = str_of(&previous.records["report"], "period_label")
        .strip_prefix("Period ended ")
        .unwrap_or(&previous.period)
        .to_string();
    let board = str_of(&previous.records["report"], "board");
    let lines = d
        .priorities
        .iter()
        .flat_map(|p| {
            p.changes.iter().map(move |c| ChangeLine {
                priority: format!("{} {}", p.code, p.title).trim().to_string(),
                change: c.describe(),
            })
        })
        .collect();
    ChangesRecord {
        heading: wording::changes_heading(board, &since, previous.version),
        lines,
    }
}

/// Warnings for text carried over unchanged from the last signed-off pack:
/// a `Values` note or a `Narrative` line word for word the same is often
/// last quarter's (`year to Jun 16`) — each names its cell.
pub fn stale_text(w: &Workbook, previous: &Previous) -> Vec<Problem> {
    let old = &previous.records;
    let old_notes: Vec<&str> = old["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["cells"].as_object().into_iter().flatten())
        .filter_map(|(_, c)| c.get("note").and_then(Value::as_str))
        .collect();
    let old_narrative: Vec<&str> = old["priorities"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(old["comments"].as_array().into_iter().flatten())
        .chain(old.get("note"))
        .flat_map(|p| {
            let items = p.get("narrative").or_else(|| p.get("items"));
            items.and_then(Value::as_array).into_iter().flatten()
        })
        .filter_map(|i| i.get("text").and_then(Value::as_str))
        .collect();
    let notes = w.values.iter().filter_map(|v| {
        let note = v.note.as_deref()?;
        old_notes.contains(&note).then(|| {
            Problem::warning(
                v.note_location.clone(),
                wording::stale_note(note, &previous.period),
            )
        })
    });
    let narrative = w
        .narrative
        .iter()
        .filter(|n| old_narrative.contains(&n.text.as_str()))
        .map(|n| {
            Problem::warning(
                n.location.clone(),
                wording::stale_narrative(&previous.period),
            )
        });
    notes.chain(narrative).collect()
}

/// Warnings for `Peers` rows carried over unchanged from the last
/// signed-off pack of an earlier period (contract v3): for each indicator
/// whose every force's count and population are the last pack's (as its
/// records' `peers` hold them), one warning at its first `Value` cell —
/// last quarter's counts give last quarter's Position v MSG. A pack whose
/// records carry no peers (older versions) gives none.
pub fn stale_peers(w: &Workbook, previous: &Previous) -> Vec<Problem> {
    let key = |code: &str, force: &str| (code.trim().to_uppercase(), force.trim().to_lowercase());
    let old: Vec<((String, String), f64, f64)> = previous.records["peers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let k = key(p["indicator"].as_str()?, p["force"].as_str()?);
            Some((k, p["value"].as_f64()?, p["population"].as_f64()?))
        })
        .collect();
    let mut out = Vec::new();
    let mut done: Vec<&crate::input::Code> = Vec::new();
    for first in &w.peers {
        if done.contains(&&first.indicator) {
            continue;
        }
        done.push(&first.indicator);
        let rows: Vec<_> = w
            .peers
            .iter()
            .filter(|p| p.indicator == first.indicator)
            .map(|p| (key(p.indicator.as_str(), &p.force), p.value, p.population))
            .collect();
        let code = key(first.indicator.as_str(), "").0;
        let before = old.iter().filter(|o| o.0 .0 == code).count();
        if before == rows.len() && rows.iter().all(|r| old.contains(r)) {
            out.push(Problem::warning(
                first.value_at.clone(),
                wording::stale_peers(first.indicator.as_str(), rows.len(), &previous.period),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Months print as elsewhere in the pack (`Jan 2016`), not `2016-01`.
    #[test]
    fn new_special_causes_name_their_months_as_the_pack_does() {
        let c = Change::NewSpecialCause {
            row: "SP11.offences Number of offences".into(),
            months: vec!["2016-01".into(), "2016-02".into()],
            signal: "concern".into(),
        };
        let text = c.describe();
        assert!(
            text.starts_with("SP11.offences Number of offences: new special cause (")
                && text.ends_with(") in Jan 2016, Feb 2016"),
            "{text}"
        );
    }
}
