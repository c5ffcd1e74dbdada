//! The computed records (`docs/records.md`): every figure the dashboard
//! prints, as the computation stage hands it to the charts and the layout,
//! and as `--records FILE.json` exports it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::input::{Column, Kind, Layout, NarrativeKind, Polarity, Significance};
use crate::methods::period::{Month, Window};

/// Everything the layout places. Serialises to the records export.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Records {
    pub report: ReportRecord,
    /// One entry per printed indicator row, in print order.
    pub rows: Vec<Row>,
    /// The panels, in print order.
    pub priorities: Vec<PriorityRecord>,
    /// Comment boxes with free headings (Narrative sections that are not
    /// priority codes), in sheet order; the closing `Note` is apart.
    pub comments: Vec<CommentBox>,
    /// The closing note box (`Narrative` section `Note`), if any.
    pub note: Option<CommentBox>,
    /// The KEY, built from what the pack prints: one entry per class and
    /// comparison that appears (baseline year; same period last year), and
    /// the SPC icons when SPC rows or charts appear.
    pub key: Vec<KeyEntry>,
    /// The KEY's sentence on the pack's many comparisons (methods v3):
    /// `This pack makes 17 comparisons; with no real change anywhere, about
    /// 1 of them would still show as significant.`, or absent when the pack
    /// tests nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_comparisons: Option<String>,
    /// The KEY's months: for each window column the pack prints (baseline,
    /// latest, YTD, L.YTD, projection), which months it covers.
    pub key_periods: Vec<KeyPeriod>,
    /// The footnotes' texts by marker: the `Footnotes` sheet's rows (sheet
    /// order), then the automatic notes of cells (`automatic`, in order of
    /// first use). Each prints once at the foot of every page its marker is
    /// used on.
    pub footnotes: Vec<FootnoteRecord>,
    /// The SPC chart appendix, one entry per count or proportion indicator
    /// with a series.
    pub appendix: Vec<SpcChartRecord>,
    /// The appendix's opening paragraphs: how the charts are read.
    pub appendix_intro: Vec<String>,
    /// The `Peers` rows the Position v MSG rows are computed from, as
    /// given, so that a later pack can tell a `Peers` sheet left unchanged
    /// (absent when the workbook has none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub peers: Vec<PeerRecord>,
    /// What changed since the last signed-off pack of an earlier period,
    /// when the build was given the archive (`build --archive`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<ChangesRecord>,
}

/// One `Peers` row: a force's count for the latest 12 months and its
/// population, for one count indicator.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PeerRecord {
    /// The count indicator's code (`SP11.offences`).
    pub indicator: String,
    pub force: String,
    pub value: f64,
    pub population: f64,
}

/// The changes section: since which pack, and one line per change.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChangesRecord {
    /// `Changes since the Strategic Partnership Board pack for December 2015 (version 1)`.
    pub heading: String,
    /// What changed for the whole pack, printed before the table: the
    /// baseline year changed (`Baseline year changed from 2012/13 to 2013/14: …`).
    pub notes: Vec<String>,
    /// Figures revised or restated, classes, readings and positions that
    /// moved, new figures: one line per change, by priority.
    pub lines: Vec<ChangeLine>,
    /// `Rolled on with the period (not revisions): 39 figures`, or empty
    /// when no window moved.
    pub rolled_on_heading: String,
    /// One line per column whose window moved on with the period
    /// (`Latest 12 months: Jan–Dec 2015 → Apr 2015–Mar 2016 (12 figures)`).
    pub rolled_on: Vec<String>,
}

/// One change, under its priority.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChangeLine {
    /// `11 To reduce all crime`.
    pub priority: String,
    /// The change, led by the indicator's label (`Number of offences —
    /// Baseline 2012/13: 58805 → 58905, data restated: Apr 2012 +100`).
    pub change: String,
}

/// The report's heading facts.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReportRecord {
    pub title: String,
    /// ISO date, e.g. `2015-12-31`.
    /// The reporting month's last day (ISO in JSON: `2015-12-31`).
    pub period_end: chrono::NaiveDate,
    /// `Period ended December 2015`.
    pub period_label: String,
    pub force: String,
    pub area: Option<String>,
    /// The force as every page's footer and the PDF's title name it:
    /// `Leicestershire (Leicester, Leicestershire and Rutland)`.
    pub force_name: String,
    /// `2012/13`.
    pub baseline: String,
    /// `2016/17`, if the workbook names one.
    pub projection: Option<String>,
    pub board: Option<String>,
    pub confidence: f64,
    /// `Strategic Priorities`.
    pub heading: String,
    /// N: the printed comparisons that ran a test (methods v3).
    pub comparisons: usize,
    /// M = N × (1 − confidence), exactly, rounded half up.
    pub expected_by_chance: i128,
    /// `per-comparison` or `fdr`.
    pub significance: Significance,
    /// With `fdr`: the Benjamini–Hochberg threshold (the largest p declared
    /// significant), or null when none is; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fdr_threshold: Option<Option<f64>>,
}

/// One printed indicator row.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Row {
    pub code: String,
    pub priority: String,
    pub label: String,
    pub kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub polarity: Option<Polarity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footnote: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Keyed by column name; a column with nothing to print is absent.
    pub cells: BTreeMap<Column, Cell>,
    /// A count or proportion row's monthly series (sheet `Monthly`), so
    /// that a later pack can say which months were restated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly: Option<MonthlySeries>,
}

/// A monthly series, compactly: its first month and one entry a month
/// from there (null for a month with no value).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MonthlySeries {
    /// `2012-04` in JSON.
    pub first: Month,
    /// Counts, or a proportion's positive responses.
    pub values: Vec<Option<f64>>,
    /// A proportion's respondents, month by month.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bases: Option<Vec<Option<f64>>>,
}

/// One printed figure.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Cell {
    /// Exactly what the PDF prints (`NA` included).
    pub text: String,
    /// The number behind the text (proportions as 0–1), or null.
    pub value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<Class>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    /// On a tested cell (records v3): φ̂ as estimated (not floored at 1),
    /// or null when not estimated (a `Values` figure, a proportion, the
    /// exact test).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispersion: Option<Option<f64>>,
    /// On a tested cell (records v3): φ̂'s degrees of freedom, or null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub df: Option<Option<u32>>,
    /// On a tested cell (records v3): whose pairs estimated φ̂, or null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pairs_from: Option<Option<PairsFrom>>,
    /// On a tested cell: the test that gave `p_value`; null on a count left
    /// untested for too few months (records v3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test: Option<Option<Test>>,
    /// A count comparison of monthly series with no φ̂ under
    /// `overdispersed`: `too-few-months`, and no class (records v3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub untested: Option<Untested>,
    /// `true` when the compared windows share months: no test, no class
    /// (records v3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overlap: Option<bool>,
    /// The class a tested figure has when its change is significant (its
    /// direction read through the polarity), so that a pack-wide decision
    /// (`Report.significance = fdr`) can class it; not exported.
    #[serde(skip)]
    pub if_significant: Option<Class>,
    /// Small text printed beside the figure (`To May 15`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// For a projection (methods v3): the year's months observed and to
    /// come, ρ̂ of a count fit (null for a proportion), and the 95 %
    /// interval `[low, high]` (null when none prints).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub months_observed: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub months_projected: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rho: Option<Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Option<[f64; 2]>>,
    /// For a projection: the 95% prediction interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// What a screen reader says for the cell when the text alone is not
    /// enough (the class of a coloured figure).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
    /// For an SPC reading: the variation icon's file in the layout's world.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon: Option<ChartId>,
    /// A footnote's text for the cell (`n/a`: which months are missing),
    /// printed at the foot of the page, linked from the cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footnote: Option<String>,
    /// The marker printed after the cell's text for its `footnote` (`a`,
    /// `b` …, given in print order; see `compute/notes.rs`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footnote_marker: Option<String>,
    /// The months the figure covers (`{"first": "2015-01", "last":
    /// "2015-12"}`): a window column's window, a projection's year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
}

/// Significance class of a figure, or the SPC reading of an `spc` row. Its
/// words ([`Class::words`]) are in `wording.rs`.
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    Improvement,
    NoChange,
    Deterioration,
    CommonCause,
    Concern,
}

/// The significance test behind a class (records v2).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Test {
    /// The exact conditional test for two Poisson counts.
    ExactPoisson,
    /// The month-pair test of methods v3 (φ̂ from calendar-month pairs,
    /// Student's t, p = max(p_t, p_exact)).
    OverdispersedPoisson,
    /// The pooled two-proportion z-test.
    TwoProportionZ,
}

/// Whose calendar-month pairs estimated a count comparison's φ̂ (records v3).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum PairsFrom {
    /// The comparison's own pairs.
    Own,
    /// A shorter comparison's: the 12 months ending at M against the 12
    /// before them.
    #[serde(rename = "last-24-months")]
    Last24Months,
}

/// Why a comparison that could be tested was not (records v3).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Untested {
    /// Too few months to judge the variation (no φ̂).
    TooFewMonths,
}

/// A panel's column heading.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ColumnHead {
    pub key: Column,
    /// `Baseline 2012/13`, `Latest 12 months`, `% Var.` ….
    pub label: String,
}

/// One strategic priority's panel.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PriorityRecord {
    pub code: String,
    /// The code as rows refer to it (upper case).
    pub key: String,
    pub title: String,
    pub layout: Layout,
    pub columns: Vec<ColumnHead>,
    pub note: Option<String>,
    pub narrative: Vec<NarrativeItem>,
    pub savings: Option<SavingsRecord>,
}

/// One line of narrative text.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NarrativeItem {
    pub kind: NarrativeKind,
    pub text: String,
}

/// A comment box of its own.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CommentBox {
    /// As printed, with its colon: `SP18 Comments:`.
    pub heading: String,
    pub items: Vec<NarrativeItem>,
}

/// The savings panel's chart data.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SavingsRecord {
    pub items: Vec<SavingsBar>,
    /// `£ millions`.
    pub unit: String,
    /// The chart's file in the layout's world, e.g. `/charts/savings-18.svg`.
    pub chart: ChartId,
    pub alt: String,
}

/// One bar of the savings chart.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SavingsBar {
    pub label: String,
    /// £ millions.
    pub amount: f64,
    /// `£20.3m`.
    pub text: String,
}

/// A footnote's text.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FootnoteRecord {
    /// As written and printed: `1`, `*`; an automatic note's letter: `a`.
    pub marker: String,
    pub text: String,
    /// A note the computation gave a cell (its `footnote`), not a row of the
    /// `Footnotes` sheet.
    pub automatic: bool,
}

/// One line of the KEY: a significance class against one comparison, or
/// an SPC reading's icon.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct KeyEntry {
    pub class: Class,
    pub label: String,
    /// The footnote marker printed after the label (`*`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footnote: Option<String>,
    /// The SPC icon the entry explains (SPC entries only; class entries
    /// show the class's fill and symbol).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon: Option<ChartId>,
}

/// One line of the KEY's months: a column and the months it covers.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct KeyPeriod {
    pub column: Column,
    /// The column's heading: `Latest 12 months`, `YTD`.
    pub label: String,
    /// `Jan–Dec 2015 (12 months)`.
    pub months: String,
}

/// One SPC chart of the appendix.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SpcChartRecord {
    /// The count or proportion indicator charted.
    pub indicator: String,
    /// `count` (monthly counts) or `proportion` (monthly rates, 0–1).
    pub kind: Kind,
    pub priority: String,
    pub title: String,
    /// The chart's file in the layout's world.
    pub chart: ChartId,
    /// Monthly points, oldest first, from the first baseline month to M.
    pub points: Vec<SpcPoint>,
    pub mean: f64,
    /// The process limits the rules use (X̄ ± 2.66 · MR̄), unclipped.
    pub lower_limit: f64,
    pub upper_limit: f64,
    /// The process limits as drawn (lower, upper): a count's lower limit
    /// clipped at 0, a proportion's limits clipped to 0–1.
    pub drawn_limits: (f64, f64),
    /// Months of the baseline period (the limits' source), e.g. `Apr 2012 to Mar 2013`.
    pub baseline_label: String,
    /// The reporting month's reading.
    pub reading: Class,
    /// The reading in words (`Common cause`).
    pub reading_text: String,
    /// The variation icon's file in the layout's world.
    pub icon: ChartId,
    /// Printed under the chart: the reading and the projection in words.
    pub caption: String,
    /// The trend line and interval into the projection year, if projected.
    pub projection: Option<ProjectionRecord>,
    /// Alt text generated from the record.
    pub alt: String,
}

impl SpcChartRecord {
    /// Whether the chart is of monthly rates (0–1) rather than counts.
    pub fn is_proportion(&self) -> bool {
        self.kind == Kind::Proportion
    }
}

/// One month of an SPC chart.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SpcPoint {
    /// `2015-12` in JSON.
    pub month: Month,
    pub value: f64,
    /// `improvement`, `concern` or `common-cause`.
    pub signal: Class,
}

/// A projection's line and interval, for the appendix chart.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProjectionRecord {
    /// The fitted line's value at each month, from the first fitted month to
    /// the end of the projection year.
    pub line: Vec<(Month, f64)>,
    /// The projection year's total (a proportion's rate).
    pub value: f64,
    /// Its 95 % interval, or null when none prints (methods v3).
    pub interval: Option<(f64, f64)>,
    /// The interval as a monthly band over the months to come (a count's
    /// interval less the observed months, per month to come), drawn on the
    /// chart.
    pub band: Option<(f64, f64)>,
    pub year: String,
    /// How many months the line was fitted to.
    pub months_fitted: usize,
    /// The projection year's months already observed and still to come.
    pub months_observed: usize,
    pub months_projected: usize,
}

/// A chart's identity: its file in the layout's world, e.g.
/// `/charts/spc-sp11-offences.svg`. Made only here, so the records, the
/// charts and the layout always agree on it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ChartId(String);

impl ChartId {
    /// The savings bars of a priority.
    pub fn savings(priority: &str) -> ChartId {
        ChartId(format!(
            "/charts/savings-{}.svg",
            crate::compute::wording::slug(priority)
        ))
    }

    /// The XmR chart of an indicator.
    pub fn spc(indicator: &str) -> ChartId {
        ChartId(format!(
            "/charts/spc-{}.svg",
            crate::compute::wording::slug(indicator)
        ))
    }

    /// The variation icon of an SPC reading (common cause, improvement, concern).
    pub fn icon(reading: Class) -> ChartId {
        let name = match reading {
            Class::Improvement | Class::Concern => reading.name(),
            _ => Class::CommonCause.name(),
        };
        ChartId(format!("/charts/icon-{name}.svg"))
    }

    /// The symbol of a significance class.
    pub fn symbol(class: Class) -> ChartId {
        ChartId(format!("/charts/symbol-{}.svg", class.name()))
    }

    /// The draft's watermark, drawn letters (no text to extract).
    pub fn watermark() -> ChartId {
        ChartId("/charts/watermark.svg".into())
    }

    /// The dash of an empty cell.
    pub fn dash() -> ChartId {
        ChartId("/charts/dash.svg".into())
    }

    /// The path in the layout's world.
    pub fn path(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ChartId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
