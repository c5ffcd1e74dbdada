//! Stage 1: the force's `.xlsx` workbook → [`Workbook`], the typed sheets of
//! the input contract (`docs/workbook.md`). Every violation of the contract is
//! collected, each naming its sheet and cell; warnings travel alongside.

pub mod limits;
pub mod problem;
pub mod table;

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx};
use chrono::NaiveDate;
use serde::Serialize;

use crate::input::problem::{found, Location, Problem, WorkbookErrors};
use crate::input::table::{describe, fmt_number, norm, RowRef, Table};
use crate::methods::period::{FinancialYear, Month};

/// A priority or indicator code, compared without regard to case or spaces
/// (`14A` and `14a` are the same code).
pub fn code_key(code: &str) -> String {
    code.trim().to_uppercase()
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
}

impl Report {
    /// The reporting month M.
    pub fn month(&self) -> Month {
        use chrono::Datelike;
        Month::new(self.period_end.year(), self.period_end.month()).expect("valid date")
    }
}

/// How a priority's panel is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    Table,
    Assessment,
    Narrative,
    Savings,
}

/// A column of a priority's table (and of the `Values` sheet).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Column {
    Baseline,
    Latest,
    Var,
    Ytd,
    Lytd,
    Projection,
    Assessment,
}

impl Column {
    pub const TABLE: [Column; 6] = [
        Column::Baseline,
        Column::Latest,
        Column::Var,
        Column::Ytd,
        Column::Lytd,
        Column::Projection,
    ];
    pub const ALL: [Column; 7] = [
        Column::Baseline,
        Column::Latest,
        Column::Var,
        Column::Ytd,
        Column::Lytd,
        Column::Projection,
        Column::Assessment,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Column::Baseline => "baseline",
            Column::Latest => "latest",
            Column::Var => "var",
            Column::Ytd => "ytd",
            Column::Lytd => "lytd",
            Column::Projection => "projection",
            Column::Assessment => "assessment",
        }
    }
}

/// What an indicator row measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Count,
    Proportion,
    Rank,
    Spc,
    Assessment,
}

/// Which direction is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    /// Lower is better.
    Down,
    /// Higher is better.
    Up,
}

/// Sheet `Priorities`, one row.
#[derive(Debug, Clone, PartialEq)]
pub struct Priority {
    pub code: String,
    pub title: String,
    pub layout: Layout,
    pub columns: Vec<Column>,
    pub note: Option<String>,
}

/// Sheet `Indicators`, one row.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub code: String,
    /// The priority's code key.
    pub priority: String,
    pub label: String,
    pub kind: Kind,
    pub polarity: Option<Polarity>,
    /// The source indicator's code key (rank and spc rows).
    pub source: Option<String>,
    pub footnote: Option<String>,
    pub note: Option<String>,
    /// Where the row is, for messages raised later.
    pub location: Location,
}

/// Sheet `Monthly`, one row.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthlyValue {
    /// The indicator's code key.
    pub indicator: String,
    pub month: Month,
    pub value: f64,
    pub base: Option<f64>,
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
}

/// Sheet `Values`, one row.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueEntry {
    /// The indicator's code key.
    pub indicator: String,
    pub column: Column,
    pub value: Given,
    pub base: Option<f64>,
    pub note: Option<String>,
    pub location: Location,
}

/// Sheet `Peers`, one row.
#[derive(Debug, Clone, PartialEq)]
pub struct Peer {
    /// The indicator's code key.
    pub indicator: String,
    pub force: String,
    pub value: f64,
    pub population: f64,
}

/// The kind of a narrative line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NarrativeKind {
    Heading,
    Paragraph,
    Bullet,
}

/// Sheet `Narrative`, one row.
#[derive(Debug, Clone, PartialEq)]
pub struct NarrativeEntry {
    /// A priority code key, or a free heading as typed.
    pub section: String,
    pub kind: NarrativeKind,
    pub text: String,
}

/// Sheet `Savings`, one row.
#[derive(Debug, Clone, PartialEq)]
pub struct SavingsItem {
    pub item: String,
    /// £ millions.
    pub amount: f64,
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
}

/// A workbook that met the contract, with the warnings found on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub workbook: Workbook,
    pub warnings: Vec<Problem>,
}

/// Why a file could not be read at all, or the contract's violations.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{0}")]
    NotAWorkbook(String),
    #[error("refused: {0}")]
    Refused(#[from] crate::input::limits::Refused),
    #[error(transparent)]
    Invalid(#[from] WorkbookErrors),
}

impl Workbook {
    /// Reads and validates a workbook from its bytes, within the default
    /// input limits.
    pub fn from_bytes(bytes: &[u8]) -> Result<Loaded, LoadError> {
        Workbook::from_bytes_within(bytes, &crate::input::limits::InputLimits::default())
    }

    /// Reads and validates a workbook from its bytes, refusing first what is
    /// over `limits`.
    pub fn from_bytes_within(
        bytes: &[u8],
        limits: &crate::input::limits::InputLimits,
    ) -> Result<Loaded, LoadError> {
        crate::input::limits::check_package(bytes, limits)?;
        let sheets = RawSheets::open(bytes)?;
        parse(&sheets)
    }

    /// The indicator with this code key.
    pub fn indicator(&self, key: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| code_key(&i.code) == key)
    }
}

/// The sheets of a workbook as calamine read them.
pub struct RawSheets {
    /// In workbook order.
    sheets: Vec<RawSheet>,
}

/// One sheet as calamine read it.
struct RawSheet {
    /// The name as the workbook spells it.
    name: String,
    values: Range<Data>,
    /// Formula texts, to tell an unsaved formula from an empty cell.
    formulas: Option<Range<String>>,
}

impl RawSheets {
    /// Opens an `.xlsx` file's bytes; anything else is a one-line error.
    pub fn open(bytes: &[u8]) -> Result<RawSheets, LoadError> {
        let not = |why: &str| LoadError::NotAWorkbook(why.to_string());
        if bytes.is_empty() {
            return Err(not("the file is empty, not an .xlsx workbook"));
        }
        if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            return Err(not(
                "this is an old-style .xls file or a password-protected workbook; save it from Excel as an .xlsx workbook without a password",
            ));
        }
        if !bytes.starts_with(b"PK\x03\x04") {
            return Err(not(
                "the file is not an .xlsx workbook (it is not a zip package)",
            ));
        }
        if is_opendocument(bytes) {
            return Err(not(
                "this is an OpenDocument spreadsheet (.ods); save it as an Excel workbook (.xlsx)",
            ));
        }
        let mut xlsx: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
            LoadError::NotAWorkbook(format!(
                "the file is damaged or truncated, or not an .xlsx workbook ({e})"
            ))
        })?;
        let names = xlsx.sheet_names().to_vec();
        let mut sheets = Vec::new();
        for name in names {
            let values = xlsx.worksheet_range(&name).map_err(|e| {
                LoadError::NotAWorkbook(format!("sheet {name:?} could not be read: {e}"))
            })?;
            let formulas = xlsx.worksheet_formula(&name).ok();
            sheets.push(RawSheet {
                name,
                values,
                formulas,
            });
        }
        Ok(RawSheets { sheets })
    }

    fn find(&self, wanted: &str) -> Option<&RawSheet> {
        self.sheets.iter().find(|s| norm(&s.name) == norm(wanted))
    }

    /// A sheet as a table with its required columns, or a problem.
    fn table<'s>(
        &'s self,
        wanted: &str,
        required: &[&str],
        sheet_required: bool,
        problems: &mut Vec<Problem>,
    ) -> Option<Table<'s>> {
        match self.find(wanted) {
            Some(s) => Table::new(&s.name, &s.values, s.formulas.as_ref(), required, problems),
            None => {
                if sheet_required {
                    problems.push(Problem::error(
                        Location::Workbook,
                        format!(
                            "expected a sheet named \"{wanted}\", found none (sheets: {})",
                            self.names()
                        ),
                    ));
                }
                None
            }
        }
    }

    fn names(&self) -> String {
        if self.sheets.is_empty() {
            return "none".into();
        }
        self.sheets
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// An OpenDocument package names its type in a `mimetype` part.
fn is_opendocument(bytes: &[u8]) -> bool {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    let Ok(mut part) = zip.by_name("mimetype") else {
        return false;
    };
    let mut head = [0u8; 64];
    let n = std::io::Read::read(&mut part, &mut head).unwrap_or(0);
    head[..n].starts_with(b"application/vnd.oasis.opendocument")
}

/// Parses one keyword cell against its allowed words.
fn keyword<T: Copy>(
    row: &RowRef,
    header: &str,
    allowed: &[(&str, T)],
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let text = match row.text(header) {
        Ok(t) => t,
        Err(p) => {
            problems.push(p);
            return None;
        }
    };
    let words = allowed
        .iter()
        .map(|(w, _)| *w)
        .collect::<Vec<_>>()
        .join(", ");
    match allowed.iter().find(|(w, _)| *w == norm(&text)) {
        Some((_, v)) => Some(*v),
        None => {
            problems.push(row.error(
                header,
                format!("expected one of {words}, found {}", found(&text)),
            ));
            None
        }
    }
}

const LAYOUTS: [(&str, Layout); 4] = [
    ("table", Layout::Table),
    ("assessment", Layout::Assessment),
    ("narrative", Layout::Narrative),
    ("savings", Layout::Savings),
];
const KINDS: [(&str, Kind); 5] = [
    ("count", Kind::Count),
    ("proportion", Kind::Proportion),
    ("rank", Kind::Rank),
    ("spc", Kind::Spc),
    ("assessment", Kind::Assessment),
];
const POLARITIES: [(&str, Polarity); 2] = [("down", Polarity::Down), ("up", Polarity::Up)];
const NARRATIVE_KINDS: [(&str, NarrativeKind); 3] = [
    ("heading", NarrativeKind::Heading),
    ("paragraph", NarrativeKind::Paragraph),
    ("bullet", NarrativeKind::Bullet),
];

fn column_word(word: &str) -> Option<Column> {
    Column::ALL.into_iter().find(|c| c.name() == norm(word))
}

/// Pushes a problem from a `Result`, giving back the value.
fn take<T>(r: Result<T, Problem>, problems: &mut Vec<Problem>) -> Option<T> {
    r.map_err(|p| problems.push(p)).ok()
}

/// Rows whose key cell is blank though others are filled are typing slips.
fn keyed_rows<'t, 'a>(
    table: &'t Table<'a>,
    key: &str,
    problems: &mut Vec<Problem>,
) -> Vec<RowRef<'t, 'a>> {
    let mut out = Vec::new();
    for row in table.rows() {
        match row.text(key) {
            Ok(t) if t.is_empty() => problems.push(row.error(
                key,
                format!("expected a value in the {key} column (the row's other cells are filled), found an empty cell"),
            )),
            Ok(_) => out.push(row),
            Err(p) => problems.push(p),
        }
    }
    out
}

fn parse(sheets: &RawSheets) -> Result<Loaded, LoadError> {
    let mut problems = Vec::new();
    let report = parse_report(sheets, &mut problems);
    let priorities = parse_priorities(sheets, &mut problems);
    let (indicators, indicator_rows) = parse_indicators(sheets, &priorities, &mut problems);
    let index = Index::new(&indicators);
    let monthly = parse_monthly(sheets, &index, &mut problems);
    let values = parse_values(sheets, &index, &mut problems);
    let peers = parse_peers(sheets, &index, &mut problems);
    let narrative = parse_narrative(sheets, &priorities, &mut problems);
    let savings = parse_savings(sheets, &priorities, &mut problems);
    check_ranks(
        sheets,
        report.as_ref(),
        &indicators,
        &indicator_rows,
        &peers,
        &mut problems,
    );
    check_unused(&indicators, &priorities, &peers, &mut problems);

    let (errors, warnings): (Vec<_>, Vec<_>) = problems.into_iter().partition(|p| p.is_error());
    match report {
        Some(report) if errors.is_empty() => Ok(Loaded {
            workbook: Workbook {
                report,
                priorities: priorities.into_iter().map(|(p, _)| p).collect(),
                indicators,
                monthly,
                values,
                peers,
                narrative,
                savings,
            },
            warnings,
        }),
        _ => {
            let mut all = errors;
            all.extend(warnings);
            Err(WorkbookErrors { problems: all }.into())
        }
    }
}

fn parse_report(sheets: &RawSheets, problems: &mut Vec<Problem>) -> Option<Report> {
    let table = sheets.table("Report", &["Field", "Value"], true, problems)?;
    let mut fields: BTreeMap<String, RowRef> = BTreeMap::new();
    for row in keyed_rows(&table, "Field", problems) {
        let Some(name) = take(row.text("Field"), problems) else {
            continue;
        };
        let key = norm(&name);
        const KNOWN: [&str; 9] = [
            "title",
            "period_end",
            "force",
            "area",
            "baseline",
            "projection",
            "confidence",
            "board",
            "spc_run_length",
        ];
        if !KNOWN.contains(&key.as_str()) {
            problems.push(row.warning(
                "Field",
                format!(
                    "unknown field {} is ignored (fields: {})",
                    found(&name),
                    KNOWN.join(", ")
                ),
            ));
            continue;
        }
        if let Some(first) = fields.get(&key) {
            problems.push(row.error(
                "Field",
                format!(
                    "expected each field once, found {} again (first at {})",
                    found(&name),
                    first.loc("Field")
                ),
            ));
            continue;
        }
        fields.insert(key, row);
    }
    let missing = |field: &str, problems: &mut Vec<Problem>| {
        problems.push(Problem::error(
            Location::Sheet(table.name.clone()),
            format!("expected a row with Field \"{field}\", found none"),
        ));
    };
    let text = |field: &str, required: bool, problems: &mut Vec<Problem>| -> Option<String> {
        match fields.get(field) {
            Some(row) => {
                let t = take(row.text("Value"), problems)?;
                if t.is_empty() && required {
                    problems.push(row.error(
                        "Value",
                        format!("expected the {field}, found an empty cell"),
                    ));
                }
                (!t.is_empty()).then_some(t)
            }
            None => {
                if required {
                    missing(field, problems);
                }
                None
            }
        }
    };
    let title = text("title", true, problems);
    let force = text("force", true, problems);
    let area = text("area", false, problems);
    let board = text("board", false, problems);

    let period_end = match fields.get("period_end") {
        None => {
            missing("period_end", problems);
            None
        }
        Some(row) => match take(row.date("Value"), problems) {
            Some(Some(d)) => Some(d),
            Some(None) => {
                problems.push(row.error(
                    "Value",
                    "expected the last day of the reporting month (e.g. 2015-12-31), found an empty cell",
                ));
                None
            }
            None => None,
        },
    };

    let year = |field: &str, required: bool, problems: &mut Vec<Problem>| {
        let row = fields.get(field);
        let t = text(field, required, problems)?;
        let fy = FinancialYear::parse(&t);
        if fy.is_none() {
            problems.push(row.expect("text came from a row").error(
                "Value",
                format!(
                    "expected a financial year such as 2012/13, found {}",
                    found(&t)
                ),
            ));
        }
        fy
    };
    let baseline = year("baseline", true, problems);
    let projection = year("projection", false, problems);

    let confidence = match fields.get("confidence") {
        None => Some(0.95),
        Some(row) => match take(row.number("Value"), problems) {
            Some(None) => Some(0.95),
            Some(Some(c)) if c > 0.5 && c < 1.0 => Some(c),
            Some(Some(c)) => {
                problems.push(row.error(
                    "Value",
                    format!(
                        "expected a confidence level between 0.5 and 1 (e.g. 0.95 or 95%), found {}",
                        fmt_number(c)
                    ),
                ));
                None
            }
            None => None,
        },
    };
    let spc_run_length = match fields.get("spc_run_length") {
        None => Some(7),
        Some(row) => match take(row.number("Value"), problems) {
            Some(None) => Some(7),
            Some(Some(n)) if n == 6.0 || n == 7.0 => Some(n as usize),
            Some(Some(n)) => {
                problems
                    .push(row.error("Value", format!("expected 6 or 7, found {}", fmt_number(n))));
                None
            }
            None => None,
        },
    };
    if let (Some(pe), Some(row)) = (period_end, fields.get("period_end")) {
        use chrono::Datelike;
        let m = Month::new(pe.year(), pe.month()).expect("valid date");
        if pe.day() != m.days() {
            problems.push(row.warning(
                "Value",
                format!(
                    "period_end is normally the last day of the month; {} is read as the month {}",
                    pe,
                    m.long_label()
                ),
            ));
        }
    }
    Some(Report {
        title: title?,
        period_end: period_end?,
        force: force?,
        area,
        baseline: baseline?,
        projection,
        confidence: confidence?,
        board,
        spc_run_length: spc_run_length?,
    })
}

/// The priorities with the row each came from.
fn parse_priorities(sheets: &RawSheets, problems: &mut Vec<Problem>) -> Vec<(Priority, Location)> {
    let Some(table) = sheets.table("Priorities", &["Code", "Title", "Layout"], true, problems)
    else {
        return Vec::new();
    };
    let mut out: Vec<(Priority, Location)> = Vec::new();
    for row in keyed_rows(&table, "Code", problems) {
        let Some(code) = take(row.text("Code"), problems) else {
            continue;
        };
        if let Some((_, first)) = out
            .iter()
            .find(|(p, _)| code_key(&p.code) == code_key(&code))
        {
            problems.push(row.error(
                "Code",
                format!(
                    "expected a unique priority code, found {} already at {first}",
                    found(&code)
                ),
            ));
            continue;
        }
        let title = take(row.required_text("Title", "the priority's title"), problems);
        let layout = keyword(&row, "Layout", &LAYOUTS, problems);
        let note = take(row.optional_text("Note"), problems).flatten();
        let mut columns = Vec::new();
        if layout == Some(Layout::Table) {
            let list = take(row.text("Columns"), problems).unwrap_or_default();
            let allowed = Column::TABLE.map(|c| c.name()).join(", ");
            if list.is_empty() {
                problems.push(row.error(
                    "Columns",
                    format!("expected a comma list of columns for a table ({allowed}), found an empty cell"),
                ));
            }
            for word in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
                match column_word(word).filter(|c| *c != Column::Assessment) {
                    Some(c) if columns.contains(&c) => problems.push(row.error(
                        "Columns",
                        format!("expected each column once, found {} twice", found(word)),
                    )),
                    Some(c) => columns.push(c),
                    None => problems.push(row.error(
                        "Columns",
                        format!("expected columns from {allowed}, found {}", found(word)),
                    )),
                }
            }
        }
        if let (Some(title), Some(layout)) = (title, layout) {
            out.push((
                Priority {
                    code,
                    title,
                    layout,
                    columns,
                    note,
                },
                row.loc("Code"),
            ));
        }
    }
    out
}

fn parse_indicators(
    sheets: &RawSheets,
    priorities: &[(Priority, Location)],
    problems: &mut Vec<Problem>,
) -> (Vec<Indicator>, BTreeMap<String, Location>) {
    let mut source_locs = BTreeMap::new();
    let Some(table) = sheets.table(
        "Indicators",
        &["Code", "Priority", "Label", "Kind"],
        true,
        problems,
    ) else {
        return (Vec::new(), source_locs);
    };
    let mut out: Vec<Indicator> = Vec::new();
    let mut seen: BTreeMap<String, Location> = BTreeMap::new();
    let mut sources: Vec<(usize, String, Location)> = Vec::new();
    for row in keyed_rows(&table, "Code", problems) {
        let Some(code) = take(row.text("Code"), problems) else {
            continue;
        };
        if let Some(first) = seen.get(&code_key(&code)) {
            problems.push(row.error(
                "Code",
                format!(
                    "expected a unique indicator code, found {} already at {}",
                    found(&code),
                    first
                ),
            ));
            continue;
        }
        seen.insert(code_key(&code), row.loc("Code"));
        let priority = take(row.required_text("Priority", "a priority code"), problems);
        if let Some(p) = &priority {
            if !priorities
                .iter()
                .any(|(q, _)| code_key(&q.code) == code_key(p))
            {
                problems.push(row.error(
                    "Priority",
                    format!("expected a code from sheet Priorities, found {}", found(p)),
                ));
            }
        }
        let label = take(row.required_text("Label", "the row's label"), problems);
        let kind = keyword(&row, "Kind", &KINDS, problems);
        let polarity = match kind {
            Some(Kind::Count | Kind::Proportion) => {
                keyword(&row, "Polarity", &POLARITIES, problems)
            }
            _ => None,
        };
        let source = match kind {
            Some(Kind::Rank | Kind::Spc) => {
                let s = take(
                    row.required_text(
                        "Source",
                        "the code of the count indicator this row is derived from",
                    ),
                    problems,
                );
                if let Some(s) = &s {
                    sources.push((out.len(), s.clone(), row.loc("Source")));
                }
                s.map(|s| code_key(&s))
            }
            _ => None,
        };
        let footnote = take(row.optional_text("Footnote"), problems).flatten();
        let note = take(row.optional_text("Note"), problems).flatten();
        if let (Some(priority), Some(label), Some(kind)) = (priority, label, kind) {
            if matches!(kind, Kind::Count | Kind::Proportion) && polarity.is_none() {
                continue;
            }
            out.push(Indicator {
                code,
                priority: code_key(&priority),
                label,
                kind,
                polarity,
                source,
                footnote,
                note,
                location: row.loc("Code"),
            });
        }
    }
    let index = Index::new(&out);
    for (_, source, loc) in sources {
        match index.get(&source) {
            Some(i) if i.kind == Kind::Count => {}
            Some(i) => problems.push(Problem::error(
                loc.clone(),
                format!(
                    "expected the code of a count indicator, found {} which is a {} indicator",
                    found(&source),
                    format!("{:?}", i.kind).to_lowercase()
                ),
            )),
            None => problems.push(Problem::error(
                loc.clone(),
                format!(
                    "expected a code from sheet Indicators, found {}",
                    found(&source)
                ),
            )),
        }
        source_locs.insert(code_key(&source), loc);
    }
    (out, source_locs)
}

/// The indicators by code key, for looking up references.
struct Index<'a> {
    list: &'a [Indicator],
    by_key: BTreeMap<String, &'a Indicator>,
}

impl<'a> Index<'a> {
    fn new(list: &'a [Indicator]) -> Index<'a> {
        Index {
            list,
            by_key: list.iter().map(|i| (code_key(&i.code), i)).collect(),
        }
    }

    fn get(&self, code: &str) -> Option<&'a Indicator> {
        self.by_key.get(&code_key(code)).copied()
    }
}

fn parse_monthly(
    sheets: &RawSheets,
    indicators: &Index,
    problems: &mut Vec<Problem>,
) -> Vec<MonthlyValue> {
    let Some(table) = sheets.table("Monthly", &["Indicator", "Month", "Value"], true, problems)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut seen: BTreeMap<(String, Month), Location> = BTreeMap::new();
    for row in keyed_rows(&table, "Indicator", problems) {
        let Some(code) = take(row.text("Indicator"), problems) else {
            continue;
        };
        let indicator = indicators.get(&code);
        match indicator {
            None => problems.push(row.error(
                "Indicator",
                format!("expected a code from sheet Indicators, found {}", found(&code)),
            )),
            Some(i) if !matches!(i.kind, Kind::Count | Kind::Proportion) => {
                problems.push(row.error(
                    "Indicator",
                    format!(
                        "expected a count or proportion indicator (only they have monthly values), found {} which is a {} row",
                        found(&code),
                        format!("{:?}", i.kind).to_lowercase()
                    ),
                ))
            }
            _ => {}
        }
        let month = match take(row.month("Month"), problems) {
            Some(Some(m)) => Some(m),
            Some(None) => {
                problems.push(row.error(
                    "Month",
                    "expected a date (an Excel date, 2015-12-31 or 2015-12), found an empty cell",
                ));
                None
            }
            None => None,
        };
        let value = take(row.count("Value", "a count"), problems);
        let is_prop = indicator.is_some_and(|i| i.kind == Kind::Proportion);
        let base = if is_prop {
            take(row.count("Base", "the number of respondents"), problems)
        } else {
            take(row.number("Base"), problems).flatten()
        };
        if let (Some(v), Some(b), true) = (value, base, is_prop) {
            if v > b {
                problems.push(row.error(
                    "Value",
                    format!(
                        "expected at most the Base ({}) positive responses, found {}",
                        fmt_number(b),
                        fmt_number(v)
                    ),
                ));
            }
        }
        if let (Some(m), Some(_)) = (month, indicator) {
            let key = (code_key(&code), m);
            if let Some(first) = seen.get(&key) {
                problems.push(row.error(
                    "Month",
                    format!(
                        "expected one row per indicator and month, found {} for {} again (first at {first})",
                        found(&code),
                        m.long_label()
                    ),
                ));
                continue;
            }
            seen.insert(key, row.loc("Month"));
        }
        if let (Some(i), Some(month), Some(value)) = (indicator, month, value) {
            if matches!(i.kind, Kind::Count | Kind::Proportion) {
                out.push(MonthlyValue {
                    indicator: code_key(&i.code),
                    month,
                    value,
                    base: if is_prop { base } else { None },
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.indicator, a.month).cmp(&(&b.indicator, b.month)));
    out
}

fn parse_values(
    sheets: &RawSheets,
    indicators: &Index,
    problems: &mut Vec<Problem>,
) -> Vec<ValueEntry> {
    let Some(table) = sheets.table("Values", &["Indicator", "Column", "Value"], false, problems)
    else {
        return Vec::new();
    };
    let mut out: Vec<ValueEntry> = Vec::new();
    for row in keyed_rows(&table, "Indicator", problems) {
        let Some(code) = take(row.text("Indicator"), problems) else {
            continue;
        };
        let indicator = indicators.get(&code);
        if indicator.is_none() {
            problems.push(row.error(
                "Indicator",
                format!(
                    "expected a code from sheet Indicators, found {}",
                    found(&code)
                ),
            ));
        }
        let column = match take(row.text("Column"), problems) {
            Some(w) => {
                let c = column_word(&w);
                if c.is_none() {
                    let allowed = Column::ALL.map(|c| c.name()).join(", ");
                    problems.push(row.error(
                        "Column",
                        format!("expected one of {allowed}, found {}", found(&w)),
                    ));
                }
                c
            }
            None => None,
        };
        let value = given(&row, column, indicator, problems);
        let base = take(row.number("Base"), problems).flatten();
        if let Some(b) = base {
            if b <= 0.0 {
                problems.push(row.error(
                    "Base",
                    format!(
                        "expected the number of respondents (more than zero), found {}",
                        fmt_number(b)
                    ),
                ));
            } else if let Some(Given::Number(v) | Given::Percent(v)) = &value {
                let positives = if *v <= 1.0 { v * b } else { *v };
                if positives > b + 1e-9 || *v < 0.0 {
                    problems.push(row.error(
                        "Value",
                        format!(
                            "expected at most the Base ({}), found {}",
                            fmt_number(b),
                            fmt_number(*v)
                        ),
                    ));
                }
            }
        }
        let note = take(row.optional_text("Note"), problems).flatten();
        if let (Some(i), Some(column)) = (indicator, column) {
            if let Some(first) = out
                .iter()
                .find(|e| e.indicator == code_key(&i.code) && e.column == column)
            {
                problems.push(row.error(
                    "Column",
                    format!(
                        "expected one entry per indicator and column, found {} {} again (first at {})",
                        i.code,
                        column.name(),
                        first.location
                    ),
                ));
                continue;
            }
            if let Some(value) = value {
                out.push(ValueEntry {
                    indicator: code_key(&i.code),
                    column,
                    value,
                    base,
                    note,
                    location: row.loc("Value"),
                });
            }
        }
    }
    out
}

/// Reads a `Values` figure according to its column and indicator.
fn given(
    row: &RowRef,
    column: Option<Column>,
    indicator: Option<&Indicator>,
    problems: &mut Vec<Problem>,
) -> Option<Given> {
    let cell = row.cell("Value");
    let text = take(row.text("Value"), problems)?;
    if text.eq_ignore_ascii_case("NA") || text.eq_ignore_ascii_case("N/A") {
        return Some(Given::NotAvailable);
    }
    if text.is_empty() {
        problems.push(row.error(
            "Value",
            "expected a number, a percent, NA or words, found an empty cell",
        ));
        return None;
    }
    if column == Some(Column::Assessment) {
        return Some(Given::Text(text));
    }
    let is_text = matches!(cell, Data::String(_));
    let n = match take(row.number("Value"), problems) {
        Some(Some(n)) => n,
        _ => return None,
    };
    let percent = is_text && text.trim_end().ends_with('%');
    let kind = indicator.map(|i| i.kind);
    if matches!(column, Some(Column::Var)) {
        return Some(Given::Percent(n));
    }
    match kind {
        Some(Kind::Proportion) if !(0.0..=1.0).contains(&n) => {
            problems.push(row.error(
                "Value",
                format!(
                    "expected a percent for a proportion (84.5% or 0.845), found {}",
                    describe(cell)
                ),
            ));
            None
        }
        Some(Kind::Count) if n < 0.0 => {
            problems.push(row.error(
                "Value",
                format!("expected a count (zero or more), found {}", describe(cell)),
            ));
            None
        }
        Some(Kind::Rank) if n < 1.0 || n.fract() != 0.0 => {
            problems.push(row.error(
                "Value",
                format!("expected a position (1, 2, 3 …), found {}", describe(cell)),
            ));
            None
        }
        _ if percent => Some(Given::Percent(n)),
        _ => Some(Given::Number(n)),
    }
}

fn parse_peers(sheets: &RawSheets, indicators: &Index, problems: &mut Vec<Problem>) -> Vec<Peer> {
    let required = ["Indicator", "Force", "Value", "Population"];
    let needed = indicators.list.iter().any(|i| i.kind == Kind::Rank);
    let Some(table) = sheets.table("Peers", &required, needed, problems) else {
        return Vec::new();
    };
    let mut out: Vec<Peer> = Vec::new();
    let mut seen: BTreeMap<(String, String), Location> = BTreeMap::new();
    for row in keyed_rows(&table, "Indicator", problems) {
        let Some(code) = take(row.text("Indicator"), problems) else {
            continue;
        };
        let indicator = indicators.get(&code);
        match indicator {
            None => problems.push(row.error(
                "Indicator",
                format!(
                    "expected a code from sheet Indicators, found {}",
                    found(&code)
                ),
            )),
            Some(i) if i.kind != Kind::Count => problems.push(row.error(
                "Indicator",
                format!(
                    "expected a count indicator, found {} which is not a count",
                    found(&code)
                ),
            )),
            _ => {}
        }
        let force = take(row.required_text("Force", "a force name"), problems);
        let value = take(
            row.count("Value", "the force's count for the latest 12 months"),
            problems,
        );
        let population = take(
            row.count("Population", "the force area's population"),
            problems,
        );
        if population == Some(0.0) {
            problems.push(row.error("Population", "expected a population above zero, found 0"));
        }
        if let (Some(force), Some(_)) = (&force, indicator) {
            let key = (code_key(&code), norm(force));
            if let Some(first) = seen.get(&key) {
                problems.push(row.error(
                    "Force",
                    format!(
                        "expected each force once per indicator, found {} again (first at {first})",
                        found(force)
                    ),
                ));
                continue;
            }
            seen.insert(key, row.loc("Force"));
        }
        if let (Some(i), Some(force), Some(value), Some(population)) =
            (indicator, force, value, population)
        {
            if i.kind == Kind::Count && population > 0.0 {
                out.push(Peer {
                    indicator: code_key(&i.code),
                    force,
                    value,
                    population,
                });
            }
        }
    }
    out
}

fn parse_narrative(
    sheets: &RawSheets,
    priorities: &[(Priority, Location)],
    problems: &mut Vec<Problem>,
) -> Vec<NarrativeEntry> {
    let Some(table) = sheets.table("Narrative", &["Section", "Kind", "Text"], false, problems)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for row in keyed_rows(&table, "Section", problems) {
        let section = take(row.text("Section"), problems);
        let kind = keyword(&row, "Kind", &NARRATIVE_KINDS, problems);
        let text = take(row.required_text("Text", "the text to print"), problems);
        if let (Some(section), Some(kind), Some(text)) = (section, kind, text) {
            let is_priority = priorities
                .iter()
                .any(|(p, _)| code_key(&p.code) == code_key(&section));
            out.push(NarrativeEntry {
                section: if is_priority {
                    code_key(&section)
                } else {
                    section
                },
                kind,
                text,
            });
        }
    }
    out
}

fn parse_savings(
    sheets: &RawSheets,
    priorities: &[(Priority, Location)],
    problems: &mut Vec<Problem>,
) -> Vec<SavingsItem> {
    let needed = priorities.iter().any(|(p, _)| p.layout == Layout::Savings);
    let Some(table) = sheets.table("Savings", &["Item", "Amount"], needed, problems) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for row in keyed_rows(&table, "Item", problems) {
        let item = take(row.text("Item"), problems);
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
                problems.push(row.error(
                    "Amount",
                    "expected an amount in £ millions, found an empty cell",
                ));
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
    out
}

/// A rank row needs peers for its source, including the home force.
fn check_ranks(
    sheets: &RawSheets,
    report: Option<&Report>,
    indicators: &[Indicator],
    _sources: &BTreeMap<String, Location>,
    peers: &[Peer],
    problems: &mut Vec<Problem>,
) {
    if sheets.find("Peers").is_none() {
        return;
    }
    for rank in indicators.iter().filter(|i| i.kind == Kind::Rank) {
        let Some(source) = &rank.source else { continue };
        // Name the source as the workbook spells it.
        let shown = indicators
            .iter()
            .find(|i| code_key(&i.code) == *source)
            .map(|i| i.code.as_str())
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
fn check_unused(
    indicators: &[Indicator],
    priorities: &[(Priority, Location)],
    peers: &[Peer],
    problems: &mut Vec<Problem>,
) {
    for (p, loc) in priorities {
        let has_rows = indicators.iter().any(|i| i.priority == code_key(&p.code));
        if matches!(p.layout, Layout::Table | Layout::Assessment) && !has_rows {
            problems.push(Problem::warning(
                loc.clone(),
                format!(
                    "priority {} is laid out as a {} but has no rows in sheet Indicators: its panel prints empty",
                    p.code,
                    if p.layout == Layout::Table { "table" } else { "assessment" }
                ),
            ));
        }
    }
    let mut warned = Vec::new();
    for peer in peers {
        let used = indicators
            .iter()
            .any(|i| i.kind == Kind::Rank && i.source.as_deref() == Some(peer.indicator.as_str()));
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
