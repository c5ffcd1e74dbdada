//! Cross-sheet checks. Enter: the sheets already parsed; leave: problems.
//! References from one sheet to another ([`Context`], [`Index`] and
//! [`unknown_code`]: one wording for a code that names nothing), and the checks that need
//! every sheet read first ([`check_ranks`], [`check_unused`],
//! [`check_period_moved_on`]).

use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::input::contract::{Code, Indicator, Kind, Layout, MonthlyValue, Peer, Priority, Report};
use crate::input::package::RawSheets;
use crate::input::problem::{found, plural, Location, Problem};
use crate::input::table::{norm, take, RowRef};

/// The message for a code that is not in the sheet it must come from.
pub(super) fn unknown_code(sheet: &str, code: &str) -> String {
    format!("expected a code from sheet {sheet}, found {}", found(code))
}

/// How alike a code that names nothing must be to an indicator's code for
/// the message to suggest it (Jaro–Winkler, 0 to 1): `DC2.rapes` is 0.98
/// like `DC2.rape`.
const LIKELY: f64 = 0.9;

/// A code that names no indicator, as [`Index::reference`] found it.
struct Unknown {
    key: Code,
    at: Location,
    typed: String,
    more: Vec<Location>,
}

/// What the sheets read after `Indicators` may refer to.
pub(super) struct Context<'a> {
    pub(super) sheets: &'a RawSheets,
    pub(super) priorities: &'a [(Priority, Location)],
    pub(super) indicators: Index<'a>,
}

/// True when `code` is a priority's code (any case, trimmed).
pub(super) fn is_priority(priorities: &[(Priority, Location)], code: &str) -> bool {
    priorities.iter().any(|(p, _)| p.code == Code::new(code))
}

/// Per broken indicator code, the sheets of the rows referring to it.
pub(super) type Dependents = BTreeMap<Code, Vec<String>>;

/// The indicators by code key, for looking up references; and the rows of
/// `Indicators` that could not be read, with the rows elsewhere that refer
/// to them (one cause, one message: those rows are counted, not reported).
pub(super) struct Index<'a> {
    list: &'a [Indicator],
    by_code: BTreeMap<&'a Code, &'a Indicator>,
    broken: &'a [(Code, Location)],
    dependents: RefCell<Dependents>,
    /// Codes that name no indicator, in the order found: the code key,
    /// where it was first found, as typed there, and the later places (one
    /// cause, one message).
    unknown: RefCell<Vec<Unknown>>,
}

impl<'a> Index<'a> {
    pub(super) fn new(list: &'a [Indicator], broken: &'a [(Code, Location)]) -> Index<'a> {
        Index::counting(list, broken, Dependents::new())
    }

    /// An index that goes on counting the references to broken rows
    /// counted before (by `Indicators` itself).
    pub(super) fn counting(
        list: &'a [Indicator],
        broken: &'a [(Code, Location)],
        dependents: Dependents,
    ) -> Index<'a> {
        Index {
            list,
            by_code: list.iter().map(|i| (&i.code, i)).collect(),
            broken,
            dependents: RefCell::new(dependents),
            unknown: RefCell::new(Vec::new()),
        }
    }

    /// The references to broken rows counted so far.
    pub(super) fn take_dependents(&self) -> Dependents {
        std::mem::take(&mut *self.dependents.borrow_mut())
    }

    /// True when `code` names an `Indicators` row that could not be read.
    pub(super) fn is_broken(&self, code: &Code) -> bool {
        self.broken.iter().any(|(c, _)| c == code)
    }

    /// True when `code` names an `Indicators` row that could not be read:
    /// the reference at `at` is counted against it.
    pub(super) fn depends_on_broken(&self, code: &str, at: &Location) -> bool {
        let code = Code::new(code);
        if !self.is_broken(&code) {
            return false;
        }
        let sheet = match at {
            Location::Cell { sheet, .. } | Location::Sheet(sheet) | Location::Header(sheet) => {
                sheet.clone()
            }
            Location::Workbook => "the workbook".into(),
        };
        self.dependents
            .borrow_mut()
            .entry(code)
            .or_default()
            .push(sheet);
        true
    }

    /// One line per broken `Indicators` row that other rows refer to, at
    /// its `Code` cell, saying how many.
    pub(super) fn report_dependents(&self, problems: &mut Vec<Problem>) {
        for (code, sheets) in self.take_dependents() {
            let at = self
                .broken
                .iter()
                .find(|(c, _)| *c == code)
                .map(|(_, l)| l.clone());
            let mut names: Vec<&str> = sheets.iter().map(String::as_str).collect();
            names.dedup();
            let n = sheets.len();
            problems.push(Problem::warning(
                at.unwrap_or(Location::Workbook),
                format!(
                    "{} of sheet{} {} refer{} to {code}: not checked until this row is fixed",
                    plural(n, "row"),
                    if names.len() == 1 { "" } else { "s" },
                    names.join(", "),
                    if n == 1 { "s" } else { "" },
                ),
            ));
        }
    }

    /// The indicator with this code (any case, trimmed).
    pub(super) fn get(&self, code: &str) -> Option<&'a Indicator> {
        self.by_code.get(&Code::new(code)).copied()
    }

    /// True when some indicator is of this kind.
    pub(super) fn has_kind(&self, kind: Kind) -> bool {
        self.list.iter().any(|i| i.kind == kind)
    }

    /// A row's `Indicator` cell: the code as typed and the indicator it
    /// names; a code that names none is an error. `None` when the cell
    /// cannot be read.
    pub(super) fn reference(
        &self,
        row: &RowRef,
        problems: &mut Vec<Problem>,
    ) -> Option<(String, Option<&'a Indicator>)> {
        let code = take(row.text("Indicator"), problems)?;
        let indicator = self.get(&code);
        let at = row.loc("Indicator");
        if indicator.is_none() && !self.depends_on_broken(&code, &at) {
            let key = Code::new(&code);
            let mut unknown = self.unknown.borrow_mut();
            match unknown.iter_mut().find(|u| u.key == key) {
                Some(u) => u.more.push(at),
                None => unknown.push(Unknown {
                    key,
                    at,
                    typed: code.clone(),
                    more: Vec::new(),
                }),
            }
        }
        Some((code, indicator))
    }

    /// One error per code that names no indicator, where it was first
    /// found, with the indicator it most likely means and how many more
    /// rows have it: a mistyped code in `Monthly` is one message, not one
    /// per month.
    pub(super) fn report_unknown(&self, problems: &mut Vec<Problem>) {
        for u in std::mem::take(&mut *self.unknown.borrow_mut()) {
            let mut message = unknown_code("Indicators", &u.typed);
            if let Some(code) = self.likely(&u.typed) {
                message.push_str(&format!("; did you mean {}?", found(&code)));
            }
            if let Some(last) = u.more.last() {
                let n = u.more.len();
                message.push_str(&format!(
                    " (and {n} more row{}, to {last})",
                    if n == 1 { "" } else { "s" }
                ));
            }
            problems.push(Problem::error(u.at, message));
        }
    }

    /// The indicator code closest to `typed`, if one is close enough to be
    /// a slip of the keyboard (Jaro–Winkler similarity, case ignored).
    fn likely(&self, typed: &str) -> Option<String> {
        let typed = typed.trim().to_lowercase();
        self.list
            .iter()
            .map(|i| {
                let code = i.code.to_string();
                (strsim::jaro_winkler(&typed, &code.to_lowercase()), code)
            })
            .filter(|(score, _)| *score >= LIKELY)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, code)| code)
    }
}

/// A rank row needs peers for its source, including the home force.
pub(super) fn check_ranks(
    cx: &Context,
    report: Option<&Report>,
    indicators: &[Indicator],
    peers: &[Peer],
    problems: &mut Vec<Problem>,
) {
    if !cx.sheets.has("Peers") {
        return;
    }
    for rank in indicators.iter().filter(|i| i.kind == Kind::Rank) {
        let Some(source) = &rank.source else { continue };
        if cx.indicators.is_broken(source) {
            continue;
        }
        // Name the source as the workbook spells it.
        let shown = indicators
            .iter()
            .find(|i| i.code == *source)
            .map(|i| &i.code)
            .unwrap_or(source);
        let rows: Vec<&Peer> = peers.iter().filter(|p| &p.indicator == source).collect();
        if rows.is_empty() {
            problems.push(Problem::error(
                rank.location.clone(),
                format!(
                    "expected rows in sheet Peers for {shown} (the source of this Position v MSG row), found none"
                ),
            ));
        } else if let Some(report) = report {
            if !rows.iter().any(|p| norm(&p.force) == norm(&report.force)) {
                problems.push(Problem::error(
                    rank.location.clone(),
                    format!(
                        "expected the home force {} among the Peers rows for {shown}, found only {}",
                        found(&report.force),
                        rows.iter().map(|p| p.force.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
    }
}

/// Warnings for rows that nothing prints.
pub(super) fn check_unused(
    indicators: &[Indicator],
    priorities: &[(Priority, Location)],
    peers: &[Peer],
    problems: &mut Vec<Problem>,
) {
    for (p, loc) in priorities {
        let has_rows = indicators.iter().any(|i| i.priority == p.code);
        if matches!(p.layout, Layout::Table | Layout::Assessment) && !has_rows {
            problems.push(Problem::warning(
                loc.clone(),
                format!(
                    "priority {} is laid out as a {} but has no rows in sheet Indicators: its panel prints empty",
                    p.code,
                    p.layout.name()
                ),
            ));
        }
    }
    let mut warned = Vec::new();
    for peer in peers {
        let used = indicators
            .iter()
            .any(|i| i.kind == Kind::Rank && i.source.as_ref() == Some(&peer.indicator));
        if !used && !warned.contains(&peer.indicator) {
            warned.push(peer.indicator.clone());
            problems.push(Problem::warning(
                Location::Sheet("Peers".into()),
                format!(
                    "rows for {} are unused: no Position v MSG row has it as its Source",
                    peer.indicator
                ),
            ));
        }
    }
}

/// Months of data after `period_end` that suggest the period was not moved
/// on (contract v3).
const MONTHS_AFTER: usize = 3;

/// A warning at `period_end` when sheet `Monthly` holds data for
/// [`MONTHS_AFTER`] or more months after it: a workbook copied from last
/// quarter whose period was not moved on builds last quarter's pack. The
/// message suggests the last of those months' end.
pub(super) fn check_period_moved_on(
    report: &Report,
    monthly: &[MonthlyValue],
    problems: &mut Vec<Problem>,
) {
    let month = report.month();
    let mut after: Vec<_> = monthly
        .iter()
        .map(|m| m.month)
        .filter(|m| *m > month)
        .collect();
    after.sort();
    after.dedup();
    let (Some(first), Some(last)) = (after.first(), after.last()) else {
        return;
    };
    if after.len() < MONTHS_AFTER {
        return;
    }
    let at = report
        .period_end_at
        .clone()
        .unwrap_or_else(|| Location::Sheet("Report".into()));
    let end = chrono::NaiveDate::from_ymd_opt(last.year, last.month, last.days())
        .expect("a month's last day is a date");
    problems.push(Problem::warning(
        at,
        format!(
            "sheet Monthly holds data for {} after period_end ({} to {}), which the pack leaves out: if this pack is for a later period, set period_end to {end} (the pack reports the period ended {})",
            plural(after.len(), "month"),
            first.long_label(),
            last.long_label(),
            month.long_label()
        ),
    ));
}
