//! What changed between two packs: the board's first question. Both sides
//! are records as `--records` exports them (`docs/records.md`), whether
//! computed from a workbook, read from a records file or taken from a
//! signed-off pack's attachment; the comparison reads the export contract,
//! so packs of older boardpack versions compare too.
//!
//! Like is compared with like: each figure is compared only with the figure
//! of the same window (its months, or its financial year). A figure whose
//! window moved on with the period (latest 12 months, YTD, L.YTD, the
//! projection year) is a roll-on, summarised apart, never a revision; a
//! changed baseline year is said once; a figure of the same window that
//! changed is "data restated", with the months restated; months restated
//! behind figures that rolled on are listed too; a figure where there was
//! none is "new". A cell's window is its `window` field, or, in records
//! without it, inferred from the report's period and years and the column.
//!
//! Enters: two records documents (JSON values). Leaves: a [`Diff`], by
//! priority, rows named by their label under their priority's number.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::compute::records::{ChangeLine, ChangesRecord, Class, Records};
use crate::compute::windows::LATEST_MONTHS;
use crate::compute::wording;
use crate::input::problem::Problem;
use crate::input::Workbook;
use crate::methods::period::{FinancialYear, Month, Window};

/// The comparison of an older pack with a newer one.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Diff {
    /// `2015-12`, `2016-03`: the periods compared.
    pub old_period: String,
    pub new_period: String,
    /// The baseline year changed: said once, its figures not listed.
    pub baseline_changed: Option<BaselineChanged>,
    /// One entry per priority with anything to say, in the newer pack's order.
    pub priorities: Vec<PriorityChanges>,
    /// The figures whose window moved on with the period (or whose
    /// projection year moved on): one entry per column and move.
    pub rolled_on: Vec<RolledOn>,
}

/// `Report.baseline` moved: the baseline figures are of another year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaselineChanged {
    /// `2012/13`.
    pub old: String,
    pub new: String,
    /// The baseline figures printed in both packs.
    pub figures: usize,
}

/// Figures of one column whose window moved on: not revisions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RolledOn {
    /// `latest`, `ytd`, `lytd`, `baseline` or `projection`.
    pub column: String,
    /// The windows, in words: `Jan–Dec 2015`, `2016/17`.
    pub old: String,
    pub new: String,
    /// The window starts in another financial year (a YTD reset in April),
    /// or the projection year moved on.
    pub new_year: bool,
    pub figures: usize,
}

/// What changed in one priority.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PriorityChanges {
    pub code: String,
    pub title: String,
    pub changes: Vec<Change>,
}

/// A run of consecutive months restated, with the net change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthRun {
    /// `2017-04`.
    pub first: String,
    pub last: String,
    /// The net change over the run (a count's, or a proportion's pooled
    /// rate's as a fraction), or null when it cannot be said.
    pub change: Option<f64>,
    /// `Apr–Jun 2017 +69`.
    pub text: String,
}

/// One change, with the row it is about (the indicator's label; the
/// priority is the entry's).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    /// A figure's class moved (`no-change` → `deterioration`). `window` is
    /// the newer figure's; `old_window` the older's when it moved on.
    Class {
        row: String,
        column: String,
        window: String,
        old_window: Option<String>,
        old: String,
        new: String,
    },
    /// An SPC reading moved (`common-cause` → `concern`), each of its month.
    Reading {
        row: String,
        old_month: String,
        month: String,
        old: String,
        new: String,
    },
    /// An SPC chart the earlier pack did not print (its series then had
    /// a gap, or no data): its months are not "new" special causes.
    NewChart {
        row: String,
        reading: String,
    },
    /// Months newly read as special causes in an SPC chart.
    NewSpecialCause {
        row: String,
        months: Vec<String>,
        signal: String,
    },
    /// A Position v MSG moved, each as at its pack's month.
    Position {
        row: String,
        old_month: String,
        month: String,
        old: String,
        new: String,
    },
    /// An assessment's text changed, each as at its pack's month.
    Assessment {
        row: String,
        old_month: String,
        month: String,
        old: String,
        new: String,
    },
    /// The projection of the same year changed.
    Projection {
        row: String,
        year: String,
        old: String,
        new: String,
    },
    /// A figure of the same window printed differently: with `months`, the
    /// monthly data were restated (those months); without, the figure was
    /// revised (given in `Values`, or the records carry no months).
    Restated {
        row: String,
        column: String,
        window: String,
        old: String,
        new: String,
        months: Vec<MonthRun>,
    },
    /// Months the older pack had that were restated since, besides those
    /// of a same-window figure above: `printed_in` names the older pack's
    /// figures that summed them.
    MonthsRestated {
        row: String,
        months: Vec<MonthRun>,
        printed_in: Vec<String>,
    },
    /// A figure where the older pack had none (`n/a`, `NA` or nothing).
    New {
        row: String,
        column: String,
        window: String,
        new: String,
        /// What the older pack printed (`n/a`), or empty.
        was: String,
    },
    /// A figure the older pack had, that is now `n/a`, `NA` or gone.
    Withdrawn {
        row: String,
        column: String,
        window: String,
        old_window: Option<String>,
        old: String,
        /// What the newer pack prints, or empty.
        now: String,
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
    /// Some of a priority's narrative items carried over word for word,
    /// among others edited.
    NarrativePartlyUnchanged {
        unchanged: usize,
        items: usize,
    },
}

impl Change {
    /// The change in words, for the terminal and the pack: led by the
    /// row's label.
    pub fn describe(&self) -> String {
        use wording::change_line as line;
        let runs = |months: &[MonthRun]| -> Vec<String> {
            months.iter().map(|m| m.text.clone()).collect()
        };
        match self {
            Change::Class {
                row,
                column,
                window,
                old_window,
                old,
                new,
            } => line(
                row,
                &wording::class_change(
                    &wording::figure_named(column, window),
                    &class_words(old),
                    &class_words(new),
                    old_window.as_deref(),
                ),
            ),
            Change::Reading {
                row,
                old_month,
                month,
                old,
                new,
            } => line(
                row,
                &wording::at_month_change(
                    wording::SPC_READING,
                    old_month,
                    month,
                    &reading_words(old),
                    &reading_words(new),
                ),
            ),
            Change::NewChart { row, reading } => line(row, &wording::new_chart(reading)),
            Change::NewSpecialCause {
                row,
                months,
                signal,
            } => {
                let months: Vec<String> = months
                    .iter()
                    .map(|m| Month::parse_iso(m).map_or_else(|| m.clone(), |m| m.short_label()))
                    .collect();
                line(
                    row,
                    &wording::new_special_cause(&reading_words(signal), &months),
                )
            }
            Change::Position {
                row,
                old_month,
                month,
                old,
                new,
            } => line(
                row,
                &wording::at_month_change(wording::POSITION, old_month, month, old, new),
            ),
            Change::Assessment {
                row,
                old_month,
                month,
                old,
                new,
            } => line(
                row,
                &wording::at_month_change(wording::ASSESSMENT, old_month, month, old, new),
            ),
            Change::Projection {
                row,
                year,
                old,
                new,
            } => line(
                row,
                &wording::figure_change(&wording::figure_named("projection", year), old, new),
            ),
            Change::Restated {
                row,
                column,
                window,
                old,
                new,
                months,
            } => line(
                row,
                &wording::restated(
                    &wording::figure_named(column, window),
                    old,
                    new,
                    &runs(months),
                ),
            ),
            Change::MonthsRestated {
                row,
                months,
                printed_in,
            } => line(row, &wording::months_restated(&runs(months), printed_in)),
            Change::New {
                row,
                column,
                window,
                new,
                was,
            } => line(
                row,
                &wording::new_figure(&wording::figure_named(column, window), new, was),
            ),
            Change::Withdrawn {
                row,
                column,
                window,
                old_window,
                old,
                now,
            } => line(
                row,
                &wording::withdrawn_figure(
                    &wording::figure_named(column, window),
                    old,
                    now,
                    old_window.as_deref(),
                ),
            ),
            Change::RowAdded { row } => line(row, wording::ROW_ADDED),
            Change::RowRemoved { row } => line(row, wording::ROW_REMOVED),
            Change::Savings { item, old, new } => wording::savings_change(item, old, new),
            Change::NarrativeUnchanged { items } => wording::narrative_unchanged(*items),
            Change::NarrativePartlyUnchanged { unchanged, items } => {
                wording::narrative_partly_unchanged(*unchanged, *items)
            }
        }
    }
}

/// A figure's class in the words the pack uses, or `no class`.
fn class_words(name: &str) -> String {
    match Class::named(name) {
        Some(c) => c.short_words().to_string(),
        None if name.is_empty() => wording::NO_CLASS.to_string(),
        None => name.to_string(),
    }
}

/// An SPC reading in the words the pack uses, or `no reading`.
fn reading_words(name: &str) -> String {
    match Class::named(name) {
        Some(c) => wording::reading_words(c).to_string(),
        None if name.is_empty() => wording::NO_READING.to_string(),
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

/// One side of the comparison: its records, reporting month and years.
struct Side<'v> {
    /// The appendix charts by indicator key (upper case), the first of a key.
    charts: BTreeMap<String, &'v Value>,
    month: Option<Month>,
    baseline: Option<FinancialYear>,
    projection: Option<FinancialYear>,
}

impl<'v> Side<'v> {
    fn new(records: &'v Value) -> Side<'v> {
        let report = &records["report"];
        let mut charts = BTreeMap::new();
        for c in records["appendix"].as_array().into_iter().flatten() {
            let key = str_of(c, "indicator").trim().to_uppercase();
            charts.entry(key).or_insert(c);
        }
        Side {
            charts,
            month: Month::parse_iso(str_of(report, "period_end")),
            baseline: FinancialYear::parse(str_of(report, "baseline")),
            projection: FinancialYear::parse(str_of(report, "projection")),
        }
    }

    /// A cell's window: its `window` field, or (records before it) the
    /// column's window from the report's period and years.
    fn window(&self, column: &str, cell: &Value) -> Option<Window> {
        let w = &cell["window"];
        if let (Some(first), Some(last)) = (
            Month::parse_iso(str_of(w, "first")),
            Month::parse_iso(str_of(w, "last")),
        ) {
            return Some(Window { first, last });
        }
        let month = self.month;
        let ytd = month.map(|m| Window {
            first: m.financial_year().first_month(),
            last: m,
        });
        match column {
            "baseline" => self.baseline.map(FinancialYear::window),
            "projection" => self.projection.map(FinancialYear::window),
            "latest" => month.map(|m| Window::ending(m, LATEST_MONTHS)),
            "ytd" => ytd,
            "lytd" => ytd.map(|w| Window {
                first: w.first.plus(-LATEST_MONTHS),
                last: w.last.plus(-LATEST_MONTHS),
            }),
            _ => None,
        }
    }

    /// A row's monthly values, month → (value, base): its `monthly` field,
    /// or (records before it) its appendix chart's points (a proportion's
    /// as rates, without bases).
    fn months(&self, code_key: &str, row: &Value) -> Option<Months> {
        let m = &row["monthly"];
        if let Some(first) = Month::parse_iso(str_of(m, "first")) {
            let values = m["values"].as_array()?;
            let bases = m["bases"].as_array();
            let mut by_month = BTreeMap::new();
            for (i, v) in values.iter().enumerate() {
                let Some(v) = v.as_f64() else { continue };
                let base = bases.and_then(|b| b.get(i)).and_then(Value::as_f64);
                by_month.insert(first.plus(i as i64), (v, base));
            }
            return Some(Months {
                by_month,
                kind: if bases.is_some() {
                    MonthsKind::Responses
                } else {
                    MonthsKind::Counts
                },
            });
        }
        let chart = *self.charts.get(code_key)?;
        let by_month = chart["points"]
            .as_array()?
            .iter()
            .filter_map(|p| {
                Some((
                    Month::parse_iso(str_of(p, "month"))?,
                    (p["value"].as_f64()?, None),
                ))
            })
            .collect();
        Some(Months {
            by_month,
            kind: if str_of(chart, "kind") == "proportion" {
                MonthsKind::Rates
            } else {
                MonthsKind::Counts
            },
        })
    }

    fn month_label(&self) -> String {
        self.month.map(Month::short_label).unwrap_or_default()
    }
}

/// What a row's monthly values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MonthsKind {
    /// Counts: a run's change is the change of its sum.
    Counts,
    /// A proportion's positive responses with their bases: a run's change
    /// is the change of its pooled rate.
    Responses,
    /// A proportion's monthly rates without bases: no net change is said.
    Rates,
}

struct Months {
    by_month: BTreeMap<Month, (f64, Option<f64>)>,
    kind: MonthsKind,
}

impl Months {
    /// A proportion's responses as monthly rates, to compare with a side
    /// that has only rates (older records' chart points).
    fn into_rates(self) -> Months {
        if self.kind != MonthsKind::Responses {
            return self;
        }
        let by_month = self
            .by_month
            .into_iter()
            .filter_map(|(m, (v, b))| b.filter(|b| *b > 0.0).map(|b| (m, (v / b, None))))
            .collect();
        Months {
            by_month,
            kind: MonthsKind::Rates,
        }
    }

    /// Both sides as the same kind of values: rates when either has only rates.
    fn alike(old: Months, new: Months) -> (Months, Months) {
        if old.kind == MonthsKind::Rates || new.kind == MonthsKind::Rates {
            (old.into_rates(), new.into_rates())
        } else {
            (old, new)
        }
    }
}

/// The months the older side had, up to its reporting month, whose value
/// (or base) the newer side gives differently.
fn restated_months(old: &Months, new: &Months, until: Option<Month>) -> BTreeSet<Month> {
    old.by_month
        .iter()
        .filter(|(m, _)| until.is_none_or(|u| **m <= u))
        .filter(|(m, (v, b))| {
            new.by_month.get(*m).is_some_and(|(nv, nb)| {
                // Counts and rates are not compared (a kind changed).
                let same_kind = old.kind == new.kind;
                let base_differs = match (nb, b) {
                    (Some(x), Some(y)) => !same_number(*x, *y),
                    (x, y) => x.is_some() != y.is_some(),
                };
                same_kind
                    && (!same_number(*nv, *v)
                        || (old.kind == MonthsKind::Responses && base_differs))
            })
        })
        .map(|(m, _)| *m)
        .collect()
}

/// Whether two monthly values are the same number: one side may have been
/// read back from JSON text, whose parsing can land one unit in the last
/// place away from the number written.
fn same_number(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Consecutive months as runs, each with its net change.
fn runs(months: &BTreeSet<Month>, old: &Months, new: &Months) -> Vec<MonthRun> {
    let mut groups: Vec<Vec<Month>> = Vec::new();
    for m in months {
        match groups.last_mut() {
            Some(g) if g.last().is_some_and(|l| l.plus(1) == *m) => g.push(*m),
            _ => groups.push(vec![*m]),
        }
    }
    groups
        .into_iter()
        .map(|g| {
            let (first, last) = (g[0], g[g.len() - 1]);
            let sum = |side: &Months, base: bool| -> f64 {
                g.iter()
                    .filter_map(|m| side.by_month.get(m))
                    .map(|(v, b)| if base { b.unwrap_or(0.0) } else { *v })
                    .sum()
            };
            let change = match old.kind {
                MonthsKind::Counts => Some(sum(new, false) - sum(old, false)),
                MonthsKind::Responses => {
                    let (nn, on) = (sum(new, true), sum(old, true));
                    (nn > 0.0 && on > 0.0).then(|| sum(new, false) / nn - sum(old, false) / on)
                }
                MonthsKind::Rates => None,
            };
            MonthRun {
                first: first.to_string(),
                last: last.to_string(),
                change,
                text: wording::month_run(first, last, change, old.kind == MonthsKind::Counts),
            }
        })
        .collect()
}

/// Whether a cell prints a figure (a number), rather than `n/a`, `NA` or nothing.
fn has_figure(cell: Option<&Value>) -> bool {
    cell.is_some_and(|c| c["value"].is_number())
}

/// The moves of windows seen so far, by column and windows, in first-seen order.
#[derive(Default)]
struct Moves {
    seen: Vec<((String, Window, Window), usize)>,
    /// Where each key is in `seen`.
    at: std::collections::HashMap<(String, Window, Window), usize>,
}

impl Moves {
    fn add(&mut self, column: &str, old: Window, new: Window) {
        let key = (column.to_string(), old, new);
        match self.at.get(&key) {
            Some(&i) => self.seen[i].1 += 1,
            None => {
                self.at.insert(key.clone(), self.seen.len());
                self.seen.push((key, 1));
            }
        }
    }
}

/// Compares an older pack's records with a newer one's.
pub fn diff(old: &Value, new: &Value) -> Diff {
    let sides = (Side::new(old), Side::new(new));
    let old_rows: BTreeMap<String, &Value> = rows(old).into_iter().collect();
    let new_rows = rows(new);
    let mut by_priority: BTreeMap<String, Vec<Change>> = BTreeMap::new();
    let mut moves = Moves::default();
    for (key, n) in &new_rows {
        let priority = str_of(n, "priority").to_string();
        let label = row_name(n);
        let changes = match old_rows.get(key) {
            None => vec![Change::RowAdded { row: label }],
            Some(o) => row_changes(&sides, key, (*o, *n), &label, &mut moves),
        };
        by_priority.entry(priority).or_default().extend(changes);
    }
    let new_keys: BTreeSet<&str> = new_rows.iter().map(|(k, _)| k.as_str()).collect();
    for (key, o) in &old_rows {
        if !new_keys.contains(key.as_str()) {
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
    let (baseline_changed, rolled_on) = summarise_moves(old, new, moves);
    Diff {
        old_period: period(old),
        new_period: period(new),
        baseline_changed,
        priorities,
        rolled_on,
    }
}

/// The moved windows: a changed baseline year said once; the rest rolled on.
fn summarise_moves(
    old: &Value,
    new: &Value,
    moves: Moves,
) -> (Option<BaselineChanged>, Vec<RolledOn>) {
    let (ob, nb) = (
        str_of(&old["report"], "baseline"),
        str_of(&new["report"], "baseline"),
    );
    let baseline_moved = !ob.is_empty() && !nb.is_empty() && ob != nb;
    let mut baseline_figures = 0;
    let mut rolled = Vec::new();
    for ((column, o, n), figures) in moves.seen {
        if column == "baseline" && baseline_moved {
            baseline_figures += figures;
            continue;
        }
        rolled.push(RolledOn {
            new_year: o.first.financial_year() != n.first.financial_year(),
            old: wording::window_words(o),
            new: wording::window_words(n),
            column,
            figures,
        });
    }
    let baseline = baseline_moved.then(|| BaselineChanged {
        old: ob.to_string(),
        new: nb.to_string(),
        figures: baseline_figures,
    });
    (baseline, rolled)
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
    // Each box by its heading and items, written out (a set, not a search
    // of every old box for every new one).
    let said = |b: &Value| serde_json::json!([b["heading"], b["items"]]).to_string();
    let before: std::collections::HashSet<String> = boxes(old).iter().map(said).collect();
    boxes(new)
        .iter()
        .filter_map(|b| {
            let items = b["items"].as_array().map_or(0, Vec::len);
            let same = before.contains(&said(b));
            (items > 0 && same).then(|| PriorityChanges {
                code: String::new(),
                title: str_of(b, "heading").trim_end_matches(':').to_string(),
                changes: vec![Change::NarrativeUnchanged { items }],
            })
        })
        .collect()
}

/// A row as the board knows it: its label (the priority's number is said
/// by the entry it is under), never its internal code.
fn row_name(row: &Value) -> String {
    match str_of(row, "label").trim() {
        "" => str_of(row, "code").to_string(),
        label => label.to_string(),
    }
}

/// One row's changes, cell by cell: figures of the same window compared,
/// moved windows counted as roll-ons, restated months listed.
fn row_changes(
    (old_side, new_side): &(Side, Side),
    key: &str,
    (o, n): (&Value, &Value),
    row: &str,
    moves: &mut Moves,
) -> Vec<Change> {
    let mut out = Vec::new();
    let kind = str_of(n, "kind");
    let (ocells, ncells) = (&o["cells"], &n["cells"]);
    let mut columns: Vec<&str> = Vec::new();
    let mut seen = BTreeSet::new();
    for cells in [ncells, ocells] {
        for c in cells.as_object().into_iter().flat_map(|m| m.keys()) {
            if seen.insert(c.as_str()) {
                columns.push(c);
            }
        }
    }
    let cell = |cells: &'_ Value, c: &str| cells.get(c).filter(|v| v.is_object()).cloned();
    if matches!(kind, "spc" | "rank" | "assessment") {
        for c in &columns {
            let (oc, nc) = (cell(ocells, c), cell(ncells, c));
            let text = |x: &Option<Value>| x.as_ref().map(|v| str_of(v, "text").to_string());
            let class = |x: &Option<Value>| x.as_ref().map(|v| str_of(v, "class").to_string());
            let (ot, nt) = (text(&oc).unwrap_or_default(), text(&nc).unwrap_or_default());
            let row = row.to_string();
            match kind {
                "spc" if class(&oc) != class(&nc) => out.push(Change::Reading {
                    row,
                    old_month: old_side.month_label(),
                    month: new_side.month_label(),
                    old: class(&oc).unwrap_or_default(),
                    new: class(&nc).unwrap_or_default(),
                }),
                "rank" if ot != nt => out.push(Change::Position {
                    row,
                    old_month: old_side.month_label(),
                    month: new_side.month_label(),
                    old: ot,
                    new: nt,
                }),
                "assessment" if ot != nt => out.push(Change::Assessment {
                    row,
                    old_month: old_side.month_label(),
                    month: new_side.month_label(),
                    old: ot,
                    new: nt,
                }),
                _ => {}
            }
        }
        return out;
    }
    let (om, nm) = match (old_side.months(key, o), new_side.months(key, n)) {
        (Some(a), Some(b)) => {
            let (a, b) = Months::alike(a, b);
            (Some(a), Some(b))
        }
        other => other,
    };
    let changed = match (&om, &nm) {
        (Some(a), Some(b)) => restated_months(a, b, old_side.month),
        _ => BTreeSet::new(),
    };
    let mut explained: BTreeSet<Month> = BTreeSet::new();
    let mut moved = false;
    let mut revised = false;
    let mut var: Option<(String, String)> = None;
    for c in &columns {
        let (oc, nc) = (cell(ocells, c), cell(ncells, c));
        let (ot, nt) = (
            oc.as_ref()
                .map(|v| str_of(v, "text").to_string())
                .unwrap_or_default(),
            nc.as_ref()
                .map(|v| str_of(v, "text").to_string())
                .unwrap_or_default(),
        );
        if *c == "var" {
            if has_figure(oc.as_ref()) && has_figure(nc.as_ref()) && ot != nt {
                var = Some((ot, nt));
            }
            continue;
        }
        let ow = oc.as_ref().and_then(|v| old_side.window(c, v));
        let nw = nc.as_ref().and_then(|v| new_side.window(c, v));
        let words = |w: Option<Window>| w.map(wording::window_words).unwrap_or_default();
        let same_window = ow == nw;
        let column = c.to_string();
        let row = row.to_string();
        match (has_figure(oc.as_ref()), has_figure(nc.as_ref())) {
            (false, true) => out.push(Change::New {
                row,
                column,
                window: words(nw),
                new: nt,
                was: ot,
            }),
            (true, false) => out.push(Change::Withdrawn {
                row,
                column,
                window: words(nw.or(ow)),
                old_window: (!same_window && nw.is_some()).then(|| words(ow)),
                old: ot,
                now: nt,
            }),
            (false, false) => {}
            (true, true) => {
                if let (false, Some(a), Some(b)) = (same_window, ow, nw) {
                    moved = true;
                    moves.add(c, a, b);
                } else if ot != nt && *c == "projection" {
                    out.push(Change::Projection {
                        row: row.clone(),
                        year: words(nw),
                        old: ot,
                        new: nt,
                    });
                } else if ot != nt {
                    revised = true;
                    let within: BTreeSet<Month> = changed
                        .iter()
                        .filter(|m| nw.is_some_and(|w| w.first <= **m && **m <= w.last))
                        .copied()
                        .collect();
                    explained.extend(&within);
                    let months = match (&om, &nm) {
                        (Some(a), Some(b)) => runs(&within, a, b),
                        _ => Vec::new(),
                    };
                    out.push(Change::Restated {
                        row: row.clone(),
                        column: column.clone(),
                        window: words(nw),
                        old: ot,
                        new: nt,
                        months,
                    });
                }
                let (ocl, ncl) = (
                    oc.as_ref().map(|v| str_of(v, "class")).unwrap_or_default(),
                    nc.as_ref().map(|v| str_of(v, "class")).unwrap_or_default(),
                );
                if ocl != ncl {
                    out.push(Change::Class {
                        row,
                        column,
                        window: words(nw),
                        old_window: (!same_window).then(|| words(ow)),
                        old: ocl.into(),
                        new: ncl.into(),
                    });
                }
            }
        }
    }
    // A % Var. follows its figures: said only when its windows did not
    // move and no figure of the row explains it (a `Values` entry changed).
    if let (Some((ot, nt)), false, false) = (var, moved, revised) {
        out.push(Change::Restated {
            row: row.to_string(),
            column: "var".into(),
            window: String::new(),
            old: ot,
            new: nt,
            months: Vec::new(),
        });
    }
    let rest: BTreeSet<Month> = changed.difference(&explained).copied().collect();
    if let (false, Some(a), Some(b)) = (rest.is_empty(), &om, &nm) {
        let printed_in = ocells
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(c, v)| *c != "projection" && has_figure(Some(v)))
            .filter_map(|(c, v)| {
                let w = old_side.window(c, v)?;
                rest.iter()
                    .any(|m| w.first <= *m && *m <= w.last)
                    .then(|| wording::figure_named(c, &wording::window_words(w)))
            })
            .collect();
        out.push(Change::MonthsRestated {
            row: row.to_string(),
            months: runs(&rest, a, b),
            printed_in,
        });
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
    let names = row_names(new);
    let chart_row_name = |chart: &Value| -> String {
        let key = str_of(chart, "indicator").trim().to_uppercase();
        names
            .get(&key)
            .cloned()
            .unwrap_or_else(|| str_of(chart, "title").to_string())
    };
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
        let Some(before) = old_charts.get(&key).map(flagged) else {
            // No chart before: every flagged month would read as "new"
            // although only the series became whole.
            by_priority
                .entry(str_of(&chart, "priority").to_string())
                .or_default()
                .push(Change::NewChart {
                    row: chart_row_name(&chart),
                    reading: str_of(&chart, "reading_text").to_string(),
                });
            continue;
        };
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
                    row: chart_row_name(&chart),
                    months,
                    signal,
                });
        }
    }
}

/// The rows' labels by code key (the first row of a key), to name the row
/// a chart is of (a chart of no row is named by its title).
fn row_names(records: &Value) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for (key, row) in rows(records) {
        names.entry(key).or_insert_with(|| row_name(row));
    }
    names
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
    // An item's text by label (the first item of a label).
    let by_label = |list: &[(String, String, String)]| -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        for (_, l, t) in list {
            m.entry(l.clone()).or_insert_with(|| t.clone());
        }
        m
    };
    let (before_by, after_by) = (by_label(&before), by_label(&after));
    let text_of = |m: &BTreeMap<String, String>, label: &str| m.get(label).cloned();
    for (key, label, text) in &after {
        let was = text_of(&before_by, label);
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
        if text_of(&after_by, label).is_none() {
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
        let Some(before) = old_narratives.get(str_of(p, "key")) else {
            continue;
        };
        let change = if items > 0 && *before == &p["narrative"] {
            Some(Change::NarrativeUnchanged { items })
        } else {
            // A paragraph carried over among edited bullets is as stale as
            // a narrative carried over whole.
            let old_texts: BTreeSet<&str> = before
                .as_array()
                .into_iter()
                .flatten()
                .map(|i| str_of(i, "text"))
                .collect();
            let unchanged = p["narrative"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|i| !str_of(i, "text").trim().is_empty())
                .filter(|i| old_texts.contains(str_of(i, "text")))
                .count();
            (unchanged > 0).then_some(Change::NarrativePartlyUnchanged { unchanged, items })
        };
        if let Some(change) = change {
            by_priority
                .entry(str_of(p, "key").to_string())
                .or_default()
                .push(change);
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
    /// The comparison as lines: the baseline year, by priority, then the
    /// figures rolled on.
    pub fn text(&self) -> String {
        let mut out = format!("changes from {} to {}:\n", self.old_period, self.new_period);
        if self.priorities.is_empty()
            && self.baseline_changed.is_none()
            && self.rolled_on.is_empty()
        {
            out.push_str("  nothing changed\n");
        }
        for note in self.notes() {
            out.push_str(&format!("{note}\n"));
        }
        for p in &self.priorities {
            out.push_str(format!("{} {}", p.code, p.title).trim());
            out.push('\n');
            for c in &p.changes {
                out.push_str(&format!("  {}\n", c.describe()));
            }
        }
        if !self.rolled_on.is_empty() {
            out.push_str(&format!("{}\n", self.rolled_on_heading()));
            for line in self.rolled_on_lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out
    }

    /// What is said once for the whole pack: the baseline year changed.
    pub fn notes(&self) -> Vec<String> {
        self.baseline_changed
            .iter()
            .map(|b| wording::baseline_changed(&b.old, &b.new, b.figures))
            .collect()
    }

    /// `Rolled on with the period (not revisions): 39 figures`.
    pub fn rolled_on_heading(&self) -> String {
        if self.rolled_on.is_empty() {
            return String::new();
        }
        wording::rolled_on_heading(self.rolled_on.iter().map(|r| r.figures).sum())
    }

    /// One line per column whose window moved on.
    pub fn rolled_on_lines(&self) -> Vec<String> {
        self.rolled_on
            .iter()
            .map(|r| wording::rolled_on(&r.column, &r.old, &r.new, r.new_year, r.figures))
            .collect()
    }
}

/// The last signed-off pack of an earlier period, as the archive holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Previous {
    /// `2015-12`.
    pub period: String,
    pub version: u32,
    /// Its records, as attached to the pack.
    pub records: Value,
    /// The records' bytes as attached (`records.json`): a signed-off pack
    /// whose Changes page compares with this pack carries them verbatim,
    /// so that its page is rebuilt from exactly the same records.
    pub bytes: Vec<u8>,
}

impl Previous {
    /// The pack of `period`, version `version`, from its records' bytes;
    /// `None` when they are not a JSON document.
    pub fn from_json(period: &str, version: u32, bytes: Vec<u8>) -> Option<Previous> {
        let records = serde_json::from_slice(&bytes).ok()?;
        Some(Previous {
            period: period.to_string(),
            version,
            records,
            bytes,
        })
    }
}

/// The changes section of a pack built after `previous` was signed off.
pub fn section(previous: &Previous, records: &Records) -> ChangesRecord {
    let mut new = serde_json::to_value(records).expect("records serialise");
    if let Some(map) = new.as_object_mut() {
        map.remove("changes");
    }
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
        notes: d.notes(),
        lines,
        rolled_on_heading: d.rolled_on_heading(),
        rolled_on: d.rolled_on_lines(),
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

    /// Months print as elsewhere in the pack (`Jan 2016`), not `2016-01`;
    /// the row is named by its label, not its code.
    /// A chart the earlier pack did not print (its series had a gap) read
    /// every flagged month of the new one as a "new special cause", back to
    /// 2015: it is said once, as a chart printed for the first time.
    #[test]
    fn a_chart_the_earlier_pack_did_not_print_is_new_not_its_months() {
        let chart = serde_json::json!({
            "indicator": "SP2.vehicle", "priority": "2", "title": "Priority 2: Vehicle offences",
            "reading_text": "Special cause concern",
            "points": [
                {"month": "2015-01", "signal": "concern"},
                {"month": "2015-02", "signal": "common-cause"}
            ]
        });
        let old = serde_json::json!({"appendix": [], "rows": []});
        let new = serde_json::json!({"appendix": [chart.clone()], "rows": []});
        let mut by_priority = BTreeMap::new();
        spc_changes(&old, &new, &mut by_priority);
        let lines: Vec<String> = by_priority["2"].iter().map(Change::describe).collect();
        assert_eq!(
            lines,
            ["Priority 2: Vehicle offences — SPC chart in the appendix for the first time (the earlier pack printed none): Special cause concern"]
        );
        // With a chart before, a month newly flagged is still listed.
        let mut before = chart.clone();
        before["points"][0]["signal"] = "common-cause".into();
        let old = serde_json::json!({"appendix": [before], "rows": []});
        let mut by_priority = BTreeMap::new();
        spc_changes(&old, &new, &mut by_priority);
        assert!(matches!(
            by_priority["2"][..],
            [Change::NewSpecialCause { .. }]
        ));
    }

    /// A priority's paragraph carried over word for word beside an edited
    /// bullet was never listed (only a narrative unchanged whole was).
    #[test]
    fn a_paragraph_carried_over_among_edited_items_is_listed() {
        let pack = |bullet: &str| {
            serde_json::json!({"priorities": [{"key": "6", "narrative": [
                {"kind": "paragraph", "text": "The long paragraph."},
                {"kind": "bullet", "text": bullet}
            ]}]})
        };
        let mut by_priority = BTreeMap::new();
        narrative_changes(&pack("Q1 figures"), &pack("Q2 figures"), &mut by_priority);
        assert_eq!(
            by_priority["6"],
            [Change::NarrativePartlyUnchanged {
                unchanged: 1,
                items: 2
            }]
        );
        assert_eq!(
            by_priority["6"][0].describe(),
            "narrative: 1 of 2 items word for word as in the earlier pack: check they still hold"
        );
        let mut by_priority = BTreeMap::new();
        narrative_changes(&pack("Q1 figures"), &pack("Q1 figures"), &mut by_priority);
        assert_eq!(by_priority["6"], [Change::NarrativeUnchanged { items: 2 }]);
    }

    #[test]
    fn new_special_causes_name_their_months_as_the_pack_does() {
        let c = Change::NewSpecialCause {
            row: "Number of offences".into(),
            months: vec!["2016-01".into(), "2016-02".into()],
            signal: "concern".into(),
        };
        let text = c.describe();
        assert!(
            text.starts_with("Number of offences — new special cause (")
                && text.ends_with(") in Jan 2016, Feb 2016"),
            "{text}"
        );
    }

    fn m(y: i32, mo: u32) -> Month {
        Month::new(y, mo).unwrap()
    }

    #[test]
    fn windows_read_as_years_or_months() {
        let fy = Window {
            first: m(2012, 4),
            last: m(2013, 3),
        };
        assert_eq!(wording::window_words(fy), "2012/13");
        let cal = Window::ending(m(2015, 12), 12);
        assert_eq!(wording::window_words(cal), "Jan–Dec 2015");
        let across = Window::ending(m(2016, 2), 12);
        assert_eq!(wording::window_words(across), "Mar 2015–Feb 2016");
        let one = Window::ending(m(2016, 4), 1);
        assert_eq!(wording::window_words(one), "Apr 2016");
    }

    /// Records without `window` fields (older packs): the window is the
    /// column's, from the report's period and years.
    #[test]
    fn windows_are_inferred_for_records_without_them() {
        let records = serde_json::json!({
            "report": {"period_end": "2016-06-30", "baseline": "2012/13", "projection": "2016/17"}
        });
        let side = Side::new(&records);
        let none = Value::Null;
        let w = |c| side.window(c, &none).map(wording::window_words);
        assert_eq!(w("latest").as_deref(), Some("Jul 2015–Jun 2016"));
        assert_eq!(w("ytd").as_deref(), Some("Apr–Jun 2016"));
        assert_eq!(w("lytd").as_deref(), Some("Apr–Jun 2015"));
        assert_eq!(w("baseline").as_deref(), Some("2012/13"));
        assert_eq!(w("projection").as_deref(), Some("2016/17"));
        assert_eq!(w("var"), None);
    }

    #[test]
    fn restated_months_run_together_with_their_net_change() {
        let months = |vals: &[(Month, f64)]| Months {
            by_month: vals.iter().map(|(m, v)| (*m, (*v, None))).collect(),
            kind: MonthsKind::Counts,
        };
        let old = months(&[
            (m(2017, 3), 10.0),
            (m(2017, 4), 100.0),
            (m(2017, 5), 100.0),
            (m(2017, 6), 100.0),
            (m(2017, 7), 5.0),
        ]);
        let new = months(&[
            (m(2017, 3), 10.0),
            (m(2017, 4), 123.0),
            (m(2017, 5), 123.0),
            (m(2017, 6), 123.0),
            (m(2017, 7), 5.0),
            (m(2017, 8), 7.0),
        ]);
        let changed = restated_months(&old, &new, Some(m(2017, 7)));
        let r = runs(&changed, &old, &new);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].text, "Apr–Jun 2017 +69");
        assert_eq!(r[0].change, Some(69.0));
    }

    /// A proportion's restated months: the pooled rate's change in
    /// percentage points; against older records' rates only, the months.
    #[test]
    fn restated_proportion_months_say_points_or_only_months() {
        let responses = |x: f64| Months {
            by_month: [
                (m(2017, 4), (x, Some(100.0))),
                (m(2017, 5), (80.0, Some(100.0))),
            ]
            .into_iter()
            .collect(),
            kind: MonthsKind::Responses,
        };
        let (old, new) = (responses(80.0), responses(90.0));
        let changed = restated_months(&old, &new, None);
        assert_eq!(runs(&changed, &old, &new)[0].text, "Apr 2017 +10.0pp");
        let rates = Months {
            by_month: [(m(2017, 4), (0.8, None)), (m(2017, 5), (0.8, None))]
                .into_iter()
                .collect(),
            kind: MonthsKind::Rates,
        };
        let (old, new) = Months::alike(rates, responses(90.0));
        let changed = restated_months(&old, &new, None);
        assert_eq!(runs(&changed, &old, &new)[0].text, "Apr 2017");
    }
}
