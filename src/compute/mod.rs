//! Stage 2, compute: [`Workbook`] → [`Computed`] `{ records, warnings, log }`,
//! by the methods of `docs/methods.md`.
//!
//! Enters: a `&Workbook` that met the contract (stage 1, [`crate::input`]).
//! Leaves: the [`Records`] the charts and the layout place (stage 3,
//! `render`), with the warnings for the analyst and the build log.
//!
//! This file only orchestrates. The steps are in their own files:
//! - `context.rs`: what the steps share — the read-only inputs, the memo of
//!   XmR analyses and projections, the diagnostics;
//! - `windows.rs`: the reporting windows each column sums over;
//! - `panels.rs` → `rows.rs`: the panels and their indicator rows;
//! - `figures.rs`: window sums and rates, and `Values` overrides;
//! - `measure.rs`: a count or proportion row's cells (significance, % Var.);
//! - `ranks.rs`: Position v MSG;
//! - `spc_cells.rs`: XmR readings and the `spc` row's cell;
//! - `projections.rs`: the projection cell and line;
//! - `appendix.rs`: the SPC chart appendix's records;
//! - `notes.rs`: the footnotes, and the markers of the cells' own notes;
//! - `wording.rs`: every printed word and number format;
//! - `records.rs`: the records types (`docs/records.md`).

mod appendix;
pub mod changes;
mod comparisons;
mod context;
mod figures;
mod measure;
mod notes;
mod panels;
mod projections;
mod ranks;
pub mod records;
mod rows;
mod spc_cells;
mod windows;
pub mod wording;

use crate::compute::context::{Diagnostics, Inputs, Memo};
use crate::compute::records::{Records, ReportRecord};
use crate::input::problem::{Location, Problem};
use crate::input::Workbook;

pub use windows::Windows;
pub use wording::{count_text, money_text, percent_text, reading_text, slug, var_text};

/// The records with what the computation noticed on the way.
#[derive(Debug, Clone)]
pub struct Computed {
    pub records: Records,
    /// Figures left empty, rows unused: for the analyst, on stderr.
    pub warnings: Vec<Problem>,
    /// The build log: which `Values` replaced which figures, which tests
    /// could not run and why.
    pub log: Vec<String>,
}

/// Computes every record of the workbook.
pub fn compute(w: &Workbook) -> Computed {
    let inputs = Inputs::new(w);
    let mut memo = Memo::default();
    let mut diag = Diagnostics::default();

    if projections::year_over(&inputs) {
        if let Some(year) = w.report.projection {
            let at = w.report.projection_at.clone();
            let at = at.unwrap_or_else(|| Location::Sheet("Report".into()));
            diag.warn(
                &at,
                wording::projection_year_over(year, inputs.windows.month),
            );
        }
    }
    ranks::warn_home_counts(&inputs, &mut diag);
    let (mut rows, priorities) = panels::panels(&inputs, &mut memo, &mut diag);
    style_counts(&mut rows, w.report.number_style);
    rows::warn_unused_values(&inputs, &mut diag, &rows);
    let (comments, note) = panels::comment_boxes(w);
    let appendix = appendix::appendix(&inputs, &mut memo, &mut diag, &rows);
    diag.finish();
    let many = comparisons::many_comparisons(&mut rows, &w.report);
    diag.v2_changes += many.fdr_changes.len();
    for line in &many.fdr_changes {
        diag.log(line.clone());
    }
    let summary = wording::v2_changes_summary(diag.v2_changes);
    diag.log(summary);
    let mut report = report_record(&inputs);
    report.comparisons = many.n;
    report.expected_by_chance = many.expected;
    report.fdr_threshold = many.threshold;
    let key = wording::key(&report.baseline, &rows, !appendix.is_empty());
    let footnotes = notes::footnotes(w, &mut rows, &priorities, &key);
    let printed: Vec<crate::input::Column> = priorities
        .iter()
        .flat_map(|p| p.columns.iter().map(|c| c.key))
        .collect();
    let records = Records {
        key,
        key_comparisons: many.sentence,
        key_periods: wording::key_periods(&printed, &inputs.windows, &w.report),
        report,
        rows,
        priorities,
        comments,
        note,
        footnotes,
        appendix,
        appendix_intro: wording::appendix_intro(&w.report, &inputs.windows),
        peers: w
            .peers
            .iter()
            .map(|p| records::PeerRecord {
                indicator: p.indicator.to_string(),
                force: p.force.clone(),
                value: p.value,
                population: p.population,
            })
            .collect(),
        changes: None,
    };
    Computed {
        records,
        warnings: diag.warnings,
        log: diag.log,
    }
}

/// Prints the counts of count rows as `Report.number_style` asks: the
/// figures are computed once, plain (`58805`), and grouped here if asked.
fn style_counts(rows: &mut [records::Row], style: crate::input::NumberStyle) {
    let plain = |t: &str| {
        let digits = t.strip_prefix('-').unwrap_or(t);
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
    };
    for row in rows
        .iter_mut()
        .filter(|r| r.kind == crate::input::Kind::Count)
    {
        for cell in row.cells.values_mut().filter(|c| plain(&c.text)) {
            cell.text = wording::count_styled(&cell.text, style);
        }
    }
}

/// The report's heading facts.
fn report_record(inputs: &Inputs) -> ReportRecord {
    let r = &inputs.w.report;
    ReportRecord {
        title: r.title.clone(),
        period_end: r.period_end,
        period_label: wording::period_label(inputs.windows.month),
        force: r.force.clone(),
        area: r.area.clone(),
        force_name: wording::force_name(&r.force, r.area.as_deref()),
        baseline: r.baseline.to_string(),
        projection: r.projection.map(|p| p.to_string()),
        board: r.board.clone(),
        confidence: r.confidence,
        heading: wording::HEADING.into(),
        comparisons: 0,
        expected_by_chance: 0,
        significance: r.significance,
        fdr_threshold: None,
    }
}
