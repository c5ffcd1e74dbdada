//! The input contract's types (`docs/workbook.md`): what a workbook that met
//! the contract holds once read. Nothing enters here; the sheet parsers build
//! these values and [`Workbook`] leaves the stage. The contract's keywords
//! (layouts, kinds, polarities, columns) are written once, beside their variants.

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use crate::input::problem::Location;
use crate::input::table::{month_of, norm};
use crate::methods::period::{FinancialYear, Month};

/// A priority or indicator code: shown as the workbook writes it
/// (`SP14a.outcome`), compared by its key, normalised once — trimmed and
/// upper-cased — so that `14A` and `14a` are the same code.
#[derive(Debug, Clone)]
pub struct Code {
    written: String,
    key: String,
}

impl Code {
    /// A code as written in a cell.
    pub fn new(written: &str) -> Code {
        let written = written.trim();
        Code {
            written: written.to_string(),
            key: written.to_uppercase(),
        }
    }

    /// The normalised key, as records and the layout match codes by.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The code as written.
    pub fn as_str(&self) -> &str {
        &self.written
    }
}

impl PartialEq for Code {
    fn eq(&self, other: &Code) -> bool {
        self.key == other.key
    }
}

impl Eq for Code {}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Code) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Code) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

impl std::hash::Hash for Code {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.key.hash(h)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.written)
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.written)
    }
}

/// A closed list of the contract's words, such as a `Kind` cell's.
pub trait Word: Copy + 'static {
    /// Every value, in the contract's order.
    fn all() -> &'static [Self];
    /// The word as the contract spells it.
    fn word(self) -> &'static str;
    /// The value a cell's word names (trimmed, any case).
    fn from_word(text: &str) -> Option<Self> {
        let text = norm(text);
        Self::all().iter().copied().find(|v| v.word() == text)
    }
    /// The words, for a message: `count, proportion, rank`.
    fn list() -> String {
        Self::all()
            .iter()
            .map(|v| v.word())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Declares the enums of contract words: each variant with its word, an
/// inherent `ALL` and `name()`, [`Word`] and `Display` (the word).
macro_rules! contract_words {
    ($(
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $word:literal,)+
        }
    )+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in the contract's order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The word as the contract spells it.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }
        }

        impl Word for $name {
            fn all() -> &'static [Self] {
                $name::ALL
            }
            fn word(self) -> &'static str {
                self.name()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    )+};
}

contract_words! {
    /// How a priority's panel is laid out.
    pub enum Layout {
        Table = "table", Assessment = "assessment", Narrative = "narrative", Savings = "savings",
    }

    /// A column of a priority's table (and of the `Values` sheet).
    #[derive(PartialOrd, Ord, Hash)]
    pub enum Column {
        Baseline = "baseline", Latest = "latest", Var = "var", Ytd = "ytd", Lytd = "lytd",
        Projection = "projection", Assessment = "assessment",
    }

    /// What an indicator row measures.
    pub enum Kind {
        Count = "count", Proportion = "proportion", Rank = "rank", Spc = "spc",
        Assessment = "assessment",
    }

    /// Which direction is better.
    pub enum Polarity {
        #[doc = "Lower is better."] Down = "down",
        #[doc = "Higher is better."] Up = "up",
    }

    /// Which test compares two counts (`Report.count_test`, methods v2).
    pub enum CountTest {
        #[doc = "The quasi-Poisson z test where the months are overdispersed (the default)."]
        Overdispersed = "overdispersed",
        #[doc = "Always the exact conditional Poisson test (as methods v1)."]
        Exact = "exact",
    }

    /// How significance is decided across the pack (`Report.significance`,
    /// methods v3).
    pub enum Significance {
        #[doc = "Each comparison at its own level, as published (the default)."]
        #[serde(rename = "per-comparison")]
        PerComparison = "per-comparison",
        #[doc = "Benjamini–Hochberg over the pack's comparisons."]
        Fdr = "fdr",
    }

    /// The kind of a narrative line.
    pub enum NarrativeKind {
        Heading = "heading", Paragraph = "paragraph", Bullet = "bullet",
    }

    /// How counts are printed (`Report.number_style`).
    pub enum NumberStyle {
        #[doc = "58805, as published (the default for workbooks without the field)."] Plain = "plain",
        #[doc = "58,805 (what `init` writes)."] Grouped = "grouped",
    }

    /// How a Position v MSG is printed (`Report.rank_style`).
    pub enum RankStyle {
        #[doc = "3rd, as published (the default)."] Ordinal = "ordinal",
        #[doc = "3rd of 8."] Of = "of",
    }
}

impl Column {
    /// The columns a `table` priority may print.
    pub const TABLE: [Column; 6] = [
        Column::Baseline,
        Column::Latest,
        Column::Var,
        Column::Ytd,
        Column::Lytd,
        Column::Projection,
    ];
}

impl Kind {
    /// Count and proportion rows have monthly values (and a polarity).
    pub fn is_monthly(self) -> bool {
        matches!(self, Kind::Count | Kind::Proportion)
    }
}

/// The whole workbook, typed and cross-checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Workbook {
    pub report: Report,
    pub priorities: Vec<Priority>,
    pub indicators: Vec<Indicator>,
    pub monthly: Vec<MonthlyValue>,
    pub values: Vec<ValueEntry>,
    pub peers: Vec<Peer>,
    pub narrative: Vec<NarrativeEntry>,
    pub savings: Vec<SavingsItem>,
    /// Sheet `Footnotes`, in sheet order; empty when the sheet is absent.
    pub footnotes: Vec<Footnote>,
}

impl Workbook {
    /// The indicator with this code.
    pub fn indicator(&self, code: &Code) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.code == *code)
    }
}

/// Sheet `Report`: what the dashboard is for.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub title: String,
    pub period_end: NaiveDate,
    pub force: String,
    pub area: Option<String>,
    pub baseline: FinancialYear,
    pub projection: Option<FinancialYear>,
    pub confidence: f64,
    pub board: Option<String>,
    pub spc_run_length: usize,
    /// How counts are printed; `plain` when the field is absent.
    pub number_style: NumberStyle,
    /// How a Position v MSG is printed; `ordinal` when the field is absent.
    pub rank_style: RankStyle,
    /// Which test compares two counts (default `overdispersed`).
    pub count_test: CountTest,
    /// How significance is decided across the pack (default
    /// `per-comparison`).
    pub significance: Significance,
    /// Where the projection year was given (`Report!B7`), for warnings.
    pub projection_at: Option<Location>,
    /// Where `period_end` was given (`Report!B3`), for warnings.
    pub period_end_at: Option<Location>,
}

impl Report {
    /// The reporting month M.
    pub fn month(&self) -> Month {
        month_of(self.period_end)
    }
}

/// Sheet `Priorities`, one row.
#[derive(Debug, Clone, PartialEq)]
pub struct Priority {
    pub code: Code,
    pub title: String,
    /// Printed under the panel.
    pub note: Option<String>,
    pub layout: Layout,
    /// The columns of a `table`, in print order.
    pub columns: Vec<Column>,
}

/// Sheet `Indicators`, one row.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub code: Code,
    /// The priority's code.
    pub priority: Code,
    pub label: String,
    pub kind: Kind,
    pub polarity: Option<Polarity>,
    /// The source indicator's code (rank and spc rows).
    pub source: Option<Code>,
    pub footnote: Option<String>,
    pub note: Option<String>,
    /// Where the row is, for messages raised later.
    pub location: Location,
}

/// Sheet `Monthly`, one row.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthlyValue {
    /// The indicator's code.
    pub indicator: Code,
    pub month: Month,
    /// A count, or a proportion's positive responses.
    pub value: f64,
    /// A proportion's respondents.
    pub base: Option<f64>,
}

/// Sheet `Values`, one row.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueEntry {
    /// The indicator's code.
    pub indicator: Code,
    pub column: Column,
    pub value: Given,
    /// Respondents behind a percent, for its significance test.
    pub base: Option<f64>,
    /// Printed small beside the figure.
    pub note: Option<String>,
    /// The `Note` cell, for messages raised later.
    pub note_location: Location,
    /// The `Value` cell, for messages raised later.
    pub location: Location,
}

/// A figure given in sheet `Values`.
#[derive(Debug, Clone, PartialEq)]
pub enum Given {
    /// A number as typed (a count, or a proportion 0–1 from a percent cell).
    Number(f64),
    /// Written with a percent sign: the proportion (`84.5%` → 0.845).
    Percent(f64),
    /// `NA`: printed as `NA`.
    NotAvailable,
    /// Words, for an `assessment` cell.
    Text(String),
    /// An empty `Value`: the cell is left empty on purpose (it prints
    /// empty, and nothing warns that it has no data).
    Blank,
}

/// Sheet `Peers`, one row.
#[derive(Debug, Clone, PartialEq)]
pub struct Peer {
    /// The indicator's code.
    pub indicator: Code,
    /// The force as the workbook names it.
    pub force: String,
    /// The force's count for the latest 12 months.
    pub value: f64,
    /// The force area's resident population.
    pub population: f64,
    /// The `Value` and `Population` cells, for messages raised later.
    pub value_at: Location,
    pub population_at: Location,
}

/// Sheet `Narrative`, one row.
#[derive(Debug, Clone, PartialEq)]
pub struct NarrativeEntry {
    pub section: Section,
    pub kind: NarrativeKind,
    pub text: String,
    /// The `Text` cell, for messages raised later.
    pub location: Location,
}

/// Where a `Narrative` line goes: a priority's panel, or a box with a
/// free heading (`Comments`, `Note`).
#[derive(Debug, Clone, PartialEq)]
pub enum Section {
    Priority(Code),
    Heading(String),
}

/// Sheet `Footnotes`, one row: the text a marker in `Indicators.Footnote`
/// stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Footnote {
    /// The marker as written (`1`, `2`, `*`).
    pub marker: String,
    pub text: String,
    /// The `Marker` cell, for messages raised later.
    pub location: Location,
}

/// Sheet `Savings`, one row.
#[derive(Debug, Clone, PartialEq)]
pub struct SavingsItem {
    pub item: String,
    /// £ millions.
    pub amount: f64,
}
