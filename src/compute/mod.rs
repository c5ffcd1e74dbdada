//! Stage 2: [`Workbook`] → [`Records`], by the methods of `docs/methods.md`:
//! window sums and rates, % Var., significance classes, Position v MSG, SPC
//! readings and projections, `Values` overrides, `NA` and empty cells.

pub mod records;

use std::collections::BTreeMap;

use crate::compute::records::*;
use crate::input::problem::Problem;
use crate::input::{code_key, Column, Given, Indicator, Kind, Layout, Polarity, Workbook};
use crate::methods::period::{ordinal, FinancialYear, Month, Window};
use crate::methods::projection::{Fit, Interval, MAX_MONTHS, MIN_MONTHS};
use crate::methods::spc::{self, Direction, Reading};
use crate::methods::stats::{poisson_p_value, two_proportion_z};

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

/// A figure before it is printed.
#[derive(Debug, Clone, PartialEq)]
enum Fig {
    /// Nothing to print.
    Missing,
    /// `NA`.
    NotAvailable,
    /// A count (a window's sum).
    Count(f64),
    /// A proportion, with its respondents when known.
    Rate { p: f64, n: Option<f64> },
}

/// One indicator's monthly values: month → (value, base).
type Series = BTreeMap<Month, (f64, Option<f64>)>;

/// The reporting windows.
#[derive(Debug, Clone, Copy)]
pub struct Windows {
    pub month: Month,
    pub latest: Window,
    pub baseline: Window,
    pub ytd: Window,
    pub lytd: Window,
    pub projection: Option<Window>,
}

impl Windows {
    pub fn new(month: Month, baseline: FinancialYear, projection: Option<FinancialYear>) -> Self {
        let ytd = Window {
            first: month.financial_year().first_month(),
            last: month,
        };
        Windows {
            month,
            latest: Window::ending(month, 12),
            baseline: baseline.window(),
            ytd,
            lytd: Window {
                first: ytd.first.plus(-12),
                last: ytd.last.plus(-12),
            },
            projection: projection.map(|p| p.window()),
        }
    }

    fn of(&self, column: Column) -> Option<Window> {
        match column {
            Column::Baseline => Some(self.baseline),
            Column::Latest => Some(self.latest),
            Column::Ytd => Some(self.ytd),
            Column::Lytd => Some(self.lytd),
            _ => None,
        }
    }
}

/// Sums a window of a series: a count, or a rate Σ Value / Σ Base. Any
/// missing month gives `Err` with the missing months.
fn window_figure(series: &Series, window: Window, kind: Kind) -> Result<Fig, Vec<Month>> {
    let missing: Vec<Month> = window
        .months()
        .filter(|m| !series.contains_key(m))
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let (mut x, mut n) = (0.0, 0.0);
    for m in window.months() {
        let (v, b) = series[&m];
        x += v;
        n += b.unwrap_or(0.0);
    }
    Ok(match kind {
        Kind::Proportion if n > 0.0 => Fig::Rate {
            p: x / n,
            n: Some(n),
        },
        Kind::Proportion => Fig::Missing,
        _ => Fig::Count(x),
    })
}

/// `Jan 2015, Feb 2015` or `Apr 2012 to Mar 2013 (12 months)`.
fn months_phrase(months: &[Month]) -> String {
    let consecutive = months.windows(2).all(|w| w[0].months_until(w[1]) == 1);
    if months.len() > 2 && consecutive {
        format!(
            "{} to {} ({} months)",
            months[0].short_label(),
            months[months.len() - 1].short_label(),
            months.len()
        )
    } else {
        months
            .iter()
            .map(|m| m.short_label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Prints a count: whole numbers without separators (`58805`).
pub fn count_text(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// Prints a proportion with one decimal (`84.5%`).
pub fn percent_text(p: f64) -> String {
    format!("{:.1}%", p * 100.0)
}

/// Prints a change as a whole percent with its sign (`-59%`, `+2%`, `0%`).
pub fn var_text(change: f64) -> String {
    let r = (change * 100.0).round();
    if r == 0.0 {
        "0%".to_string()
    } else if r > 0.0 {
        format!("+{r}%")
    } else {
        format!("{r}%")
    }
}

/// Prints a savings amount (`£20.3m`).
pub fn money_text(millions: f64) -> String {
    format!("£{millions:.1}m")
}

impl Fig {
    fn cell(&self) -> Option<Cell> {
        match self {
            Fig::Missing => None,
            Fig::NotAvailable => Some(Cell {
                text: "NA".into(),
                ..Cell::default()
            }),
            Fig::Count(v) => Some(Cell {
                text: count_text(*v),
                value: Some(*v),
                ..Cell::default()
            }),
            Fig::Rate { p, .. } => Some(Cell {
                text: percent_text(*p),
                value: Some(*p),
                ..Cell::default()
            }),
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            Fig::Count(v) => Some(*v),
            Fig::Rate { p, .. } => Some(*p),
            _ => None,
        }
    }
}

/// The significance class of `now` against `then`, with its p-value, or why
/// no test ran.
fn significance(
    now: &Fig,
    then: &Fig,
    polarity: Polarity,
    confidence: f64,
) -> Result<(Class, f64), &'static str> {
    let (p_value, higher) = match (now, then) {
        (Fig::Count(a), Fig::Count(b)) => {
            let (a, b) = (a.round().max(0.0) as u64, b.round().max(0.0) as u64);
            (poisson_p_value(a, b), a > b)
        }
        (Fig::Rate { p: p1, n: Some(n1) }, Fig::Rate { p: p2, n: Some(n2) }) => {
            let t = two_proportion_z(p1 * n1, *n1, p2 * n2, *n2)
                .ok_or("the proportions leave no variance to test against")?;
            (t.p_value, t.z > 0.0)
        }
        (Fig::Rate { .. }, Fig::Rate { .. }) => {
            return Err("a proportion given without its respondents (Base) cannot be tested")
        }
        _ => return Err("both figures are needed for a test"),
    };
    let class = if p_value >= 1.0 - confidence {
        Class::NoChange
    } else if higher == (polarity == Polarity::Up) {
        Class::Improvement
    } else {
        Class::Deterioration
    };
    Ok((class, p_value))
}

/// Column heading text.
fn column_label(column: Column, columns: &[Column], w: &Workbook) -> String {
    match column {
        Column::Baseline => format!("Baseline {}", w.report.baseline),
        Column::Latest => "Latest 12 months".into(),
        Column::Var if columns.contains(&Column::Baseline) => "% Var.".into(),
        Column::Var => "% Var".into(),
        Column::Ytd => "YTD".into(),
        Column::Lytd => "L.YTD".into(),
        Column::Projection => match w.report.projection {
            Some(p) => format!("Projection {p}"),
            None => "Projection".into(),
        },
        Column::Assessment => "Assessment".into(),
    }
}

/// The comparison a `% Var.` column reports: the nearest pair printed
/// before it (latest v baseline, or ytd v lytd).
fn var_pair(columns: &[Column]) -> (Column, Column) {
    let at = columns
        .iter()
        .position(|c| *c == Column::Var)
        .unwrap_or(columns.len());
    for c in columns[..at].iter().rev() {
        match c {
            Column::Ytd | Column::Lytd => return (Column::Ytd, Column::Lytd),
            Column::Latest | Column::Baseline => return (Column::Latest, Column::Baseline),
            _ => {}
        }
    }
    if columns.contains(&Column::Ytd) {
        (Column::Ytd, Column::Lytd)
    } else {
        (Column::Latest, Column::Baseline)
    }
}

/// An XmR analysis with its months, or why there is none.
type Xmr = Result<(Vec<(Month, f64)>, spc::Analysis), String>;

struct Ctx<'w> {
    w: &'w Workbook,
    windows: Windows,
    series: BTreeMap<String, Series>,
    /// Indicators by code key.
    indicators: BTreeMap<String, &'w Indicator>,
    /// `Values` entries by (indicator key, column).
    values: BTreeMap<(String, Column), &'w crate::input::ValueEntry>,
    /// Each source's XmR analysis and projection, computed once.
    xmr_cache: BTreeMap<String, Xmr>,
    projection_cache: BTreeMap<String, Option<(Interval, Month, Fit)>>,
    warnings: Vec<Problem>,
    log: Vec<String>,
}

/// Computes every record of the workbook.
pub fn compute(w: &Workbook) -> Computed {
    let windows = Windows::new(w.report.month(), w.report.baseline, w.report.projection);
    let mut series: BTreeMap<String, Series> = BTreeMap::new();
    for m in &w.monthly {
        series
            .entry(m.indicator.clone())
            .or_default()
            .insert(m.month, (m.value, m.base));
    }
    let mut ctx = Ctx {
        w,
        windows,
        series,
        indicators: w
            .indicators
            .iter()
            .map(|i| (code_key(&i.code), i))
            .collect(),
        values: w
            .values
            .iter()
            .map(|v| ((v.indicator.clone(), v.column), v))
            .collect(),
        xmr_cache: BTreeMap::new(),
        projection_cache: BTreeMap::new(),
        warnings: Vec::new(),
        log: Vec::new(),
    };

    let mut rows = Vec::new();
    let mut priorities = Vec::new();
    for p in &w.priorities {
        let pkey = code_key(&p.code);
        let columns: Vec<Column> = match p.layout {
            Layout::Table => p.columns.clone(),
            Layout::Assessment => vec![Column::Assessment],
            _ => Vec::new(),
        };
        for ind in w.indicators.iter().filter(|i| i.priority == pkey) {
            if matches!(p.layout, Layout::Narrative | Layout::Savings) {
                ctx.warnings.push(Problem::warning(
                    ind.location.clone(),
                    format!(
                        "{} is unused: priority {} is laid out as {}, which prints no indicator rows",
                        ind.code,
                        p.code,
                        if p.layout == Layout::Savings { "savings" } else { "narrative" }
                    ),
                ));
                continue;
            }
            rows.push(ctx.row(ind, &columns));
        }
        let narrative = w
            .narrative
            .iter()
            .filter(|n| n.section == pkey)
            .map(|n| NarrativeItem {
                kind: n.kind,
                text: n.text.clone(),
            })
            .collect();
        let savings = (p.layout == Layout::Savings).then(|| savings_record(w, &p.code));
        priorities.push(PriorityRecord {
            code: p.code.clone(),
            key: pkey.clone(),
            title: p.title.clone(),
            layout: p.layout,
            columns: columns
                .iter()
                .map(|&c| ColumnHead {
                    key: c,
                    label: column_label(c, &columns, w),
                })
                .collect(),
            note: p.note.clone(),
            narrative,
            savings,
        });
    }
    ctx.warn_unused_values(&rows);

    let (comments, note) = comment_boxes(w);
    let appendix = ctx.appendix(&rows);
    let appendix_intro = appendix_intro(w, &windows);
    let baseline = w.report.baseline.to_string();
    let key = vec![
        KeyEntry {
            class: Class::Improvement,
            label: format!(
                "Statistically Significant Improvements as compared to end of {baseline}"
            ),
        },
        KeyEntry {
            class: Class::NoChange,
            label: format!(
                "No Statistically Significant change as compared to end of {baseline} *"
            ),
        },
        KeyEntry {
            class: Class::Deterioration,
            label: format!(
                "Statistically Significant deterioration as compared to end of {baseline}"
            ),
        },
    ];
    let records = Records {
        report: ReportRecord {
            title: w.report.title.clone(),
            period_end: w.report.period_end.to_string(),
            period_label: format!("Period ended {}", windows.month.long_label()),
            force: w.report.force.clone(),
            area: w.report.area.clone(),
            baseline,
            projection: w.report.projection.map(|p| p.to_string()),
            board: w.report.board.clone(),
            confidence: w.report.confidence,
            heading: "Strategic Priorities".into(),
        },
        rows,
        priorities,
        comments,
        note,
        key,
        appendix,
        appendix_intro,
    };
    Computed {
        records,
        warnings: ctx.warnings,
        log: ctx.log,
    }
}

/// How the appendix's charts are read, for its opening paragraphs.
fn appendix_intro(w: &Workbook, windows: &Windows) -> Vec<String> {
    vec![
        format!(
            "Statistical process control (XmR) charts of each count indicator, monthly from {} to {}, read by the NHS Making Data Count rules.",
            windows.baseline.first.long_label(),
            windows.month.long_label()
        ),
        format!(
            "The centre line is the mean of the baseline year {} (shaded) and the dashed process limits are that mean ± 2.66 × the mean moving range. A point is special cause when it lies outside the limits, in a run of {} or more on one side of the mean, in a run of {} or more rising or falling, or is one of two of three beyond the same two-sigma line. Blue points are special cause improvement, orange special cause concern, grey common cause.",
            w.report.baseline, w.report.spc_run_length, w.report.spc_run_length
        ),
        "Where a projection is printed, the purple dashed line is the least-squares trend through the last 36 months (at least 24), carried through the projection year; the shaded band is its 95% prediction interval for an average month.".to_string(),
    ]
}

fn comment_boxes(w: &Workbook) -> (Vec<CommentBox>, Option<CommentBox>) {
    let mut boxes: Vec<CommentBox> = Vec::new();
    let mut note: Option<CommentBox> = None;
    for n in &w.narrative {
        let is_priority = w.priorities.iter().any(|p| code_key(&p.code) == n.section);
        if is_priority {
            continue;
        }
        let item = NarrativeItem {
            kind: n.kind,
            text: n.text.clone(),
        };
        if n.section.trim().eq_ignore_ascii_case("note") {
            note.get_or_insert_with(|| CommentBox {
                heading: "Note:".into(),
                items: Vec::new(),
            })
            .items
            .push(item);
            continue;
        }
        let heading = format!("{}:", n.section.trim().trim_end_matches(':').trim_end());
        match boxes.iter_mut().find(|b| b.heading == heading) {
            Some(b) => b.items.push(item),
            None => boxes.push(CommentBox {
                heading,
                items: vec![item],
            }),
        }
    }
    (boxes, note)
}

fn savings_record(w: &Workbook, code: &str) -> SavingsRecord {
    let items: Vec<SavingsBar> = w
        .savings
        .iter()
        .map(|s| SavingsBar {
            label: s.item.clone(),
            amount: s.amount,
            text: money_text(s.amount),
        })
        .collect();
    let alt = format!(
        "Bar chart of savings in £ millions: {}.",
        items
            .iter()
            .map(|b| format!("{} {}", b.label, b.text))
            .collect::<Vec<_>>()
            .join("; ")
    );
    SavingsRecord {
        items,
        unit: "£ millions".into(),
        chart: format!("/charts/savings-{}.svg", slug(code)),
        alt,
    }
}

/// A file-name-safe form of a code.
pub fn slug(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

impl Ctx<'_> {
    fn given(&self, ind: &Indicator, column: Column) -> Option<&'_ crate::input::ValueEntry> {
        self.values.get(&(code_key(&ind.code), column)).copied()
    }

    fn indicator(&self, key: &str) -> Option<&'_ Indicator> {
        self.indicators.get(key).copied()
    }

    /// A window's figure: from `Values` if given there, else from the series.
    /// `warn` says whether a missing figure is worth a warning (it prints).
    fn figure(&mut self, ind: &Indicator, column: Column, warn: bool) -> (Fig, Option<String>) {
        if let Some(v) = self.given(ind, column).cloned() {
            let fig = match (&v.value, ind.kind) {
                (Given::NotAvailable, _) => Fig::NotAvailable,
                (Given::Number(x) | Given::Percent(x), Kind::Proportion) => {
                    Fig::Rate { p: *x, n: v.base }
                }
                (Given::Number(x) | Given::Percent(x), _) => Fig::Count(*x),
                (Given::Text(_), _) => Fig::Missing,
            };
            if warn {
                let computed = self
                    .windows
                    .of(column)
                    .and_then(|win| {
                        self.series
                            .get(&code_key(&ind.code))
                            .and_then(|s| window_figure(s, win, ind.kind).ok())
                    })
                    .and_then(|f| f.cell())
                    .map(|c| format!("replaces {} computed from Monthly", c.text))
                    .unwrap_or_else(|| "no figure from Monthly".into());
                let shown = fig.cell().map(|c| c.text).unwrap_or_default();
                self.log.push(format!(
                    "{} {}: {} from {} ({computed})",
                    ind.code,
                    column.name(),
                    shown,
                    v.location
                ));
            }
            return (fig, v.note.clone());
        }
        let Some(window) = self.windows.of(column) else {
            return (Fig::Missing, None);
        };
        let key = code_key(&ind.code);
        let Some(series) = self.series.get(&key) else {
            // Warned once per row by `measure_cells`.
            return (Fig::Missing, None);
        };
        match window_figure(series, window, ind.kind) {
            Ok(f) => (f, None),
            Err(missing) => {
                if warn {
                    self.warnings.push(Problem::warning(
                        ind.location.clone(),
                        format!(
                            "{}: the {} window ({}) has no data for {}: the cell prints empty",
                            ind.code,
                            column.name(),
                            window.label(),
                            months_phrase(&missing)
                        ),
                    ));
                }
                (Fig::Missing, None)
            }
        }
    }

    fn row(&mut self, ind: &Indicator, columns: &[Column]) -> Row {
        let mut cells = BTreeMap::new();
        match ind.kind {
            Kind::Count | Kind::Proportion => self.measure_cells(ind, columns, &mut cells),
            Kind::Rank => {
                if let Some(c) = self.rank_cell(ind) {
                    cells.insert(Column::Latest, c);
                }
            }
            Kind::Spc => {
                if let Some(c) = self.spc_cell(ind) {
                    cells.insert(Column::Latest, c);
                }
            }
            Kind::Assessment => {
                if let Some(v) = self.given(ind, Column::Assessment) {
                    let text = match &v.value {
                        Given::Text(t) => t.clone(),
                        Given::NotAvailable => "NA".into(),
                        Given::Number(x) | Given::Percent(x) => count_text(*x),
                    };
                    cells.insert(
                        Column::Assessment,
                        Cell {
                            text,
                            note: v.note.clone(),
                            ..Cell::default()
                        },
                    );
                }
            }
        }
        Row {
            code: ind.code.clone(),
            priority: ind.priority.clone(),
            label: ind.label.clone(),
            kind: ind.kind,
            polarity: ind.polarity,
            footnote: ind.footnote.clone(),
            note: ind.note.clone(),
            cells,
        }
    }

    fn measure_cells(
        &mut self,
        ind: &Indicator,
        columns: &[Column],
        cells: &mut BTreeMap<Column, Cell>,
    ) {
        let polarity = ind.polarity.unwrap_or(Polarity::Down);
        let confidence = self.w.report.confidence;
        let mut figs: BTreeMap<Column, Fig> = BTreeMap::new();
        let mut no_data = Vec::new();
        let has_series = self.series.contains_key(&code_key(&ind.code));
        for &c in columns {
            if self.windows.of(c).is_some() {
                let (fig, note) = self.figure(ind, c, true);
                if let Some(mut cell) = fig.cell() {
                    cell.note = note;
                    cells.insert(c, cell);
                } else if !has_series && self.given(ind, c).is_none() {
                    no_data.push(c.name());
                }
                figs.insert(c, fig);
            }
        }
        if !no_data.is_empty() {
            self.warnings.push(Problem::warning(
                ind.location.clone(),
                format!(
                    "{} has no rows in sheet Monthly and no Values entry for {}: {} empty",
                    ind.code,
                    no_data.join(", "),
                    if no_data.len() == 1 {
                        "it prints"
                    } else {
                        "they print"
                    }
                ),
            ));
        }
        // Comparisons need both figures even when one is not printed.
        let mut fig_of = |ctx: &mut Self, c: Column| -> Fig {
            if let Some(f) = figs.get(&c) {
                return f.clone();
            }
            let f = ctx.figure(ind, c, false).0;
            figs.insert(c, f.clone());
            f
        };
        for (now_col, then_col) in [
            (Column::Latest, Column::Baseline),
            (Column::Ytd, Column::Lytd),
        ] {
            if !cells.contains_key(&now_col) {
                continue;
            }
            let now = fig_of(self, now_col);
            let then = fig_of(self, then_col);
            if matches!(now, Fig::Missing | Fig::NotAvailable)
                || matches!(then, Fig::Missing | Fig::NotAvailable)
            {
                continue;
            }
            match significance(&now, &then, polarity, confidence) {
                Ok((class, p)) => {
                    let cell = cells.get_mut(&now_col).expect("checked above");
                    cell.class = Some(class);
                    cell.p_value = Some(p);
                    cell.alt = Some(format!("{}, {}", cell.text, class.words()));
                }
                Err(why) => self.log.push(format!(
                    "{} {}: printed uncoloured, no significance test: {why}",
                    ind.code,
                    now_col.name()
                )),
            }
        }
        if columns.contains(&Column::Var) {
            if let Some(v) = self.given(ind, Column::Var).cloned() {
                let cell = match v.value {
                    Given::NotAvailable => Some(Cell {
                        text: "NA".into(),
                        ..Cell::default()
                    }),
                    Given::Number(x) | Given::Percent(x) => Some(Cell {
                        text: var_text(x),
                        value: Some(x),
                        ..Cell::default()
                    }),
                    Given::Text(_) => None,
                };
                self.log.push(format!(
                    "{} var: {} from {}",
                    ind.code,
                    cell.as_ref().map(|c| c.text.as_str()).unwrap_or(""),
                    v.location
                ));
                if let Some(mut cell) = cell {
                    cell.note = v.note.clone();
                    cells.insert(Column::Var, cell);
                }
            } else if ind.kind == Kind::Count {
                let (now_col, then_col) = var_pair(columns);
                let now = fig_of(self, now_col);
                let then = fig_of(self, then_col);
                match (now.number(), then.number()) {
                    (Some(a), Some(b)) if b != 0.0 => {
                        let change = (a - b) / b;
                        cells.insert(
                            Column::Var,
                            Cell {
                                text: var_text(change),
                                value: Some(change),
                                ..Cell::default()
                            },
                        );
                    }
                    _ if now == Fig::NotAvailable || then == Fig::NotAvailable => {
                        cells.insert(
                            Column::Var,
                            Cell {
                                text: "NA".into(),
                                ..Cell::default()
                            },
                        );
                    }
                    _ => {}
                }
            }
        }
        if columns.contains(&Column::Projection) {
            if let Some(v) = self.given(ind, Column::Projection).cloned() {
                let fig = match (&v.value, ind.kind) {
                    (Given::NotAvailable, _) => Fig::NotAvailable,
                    (Given::Number(x) | Given::Percent(x), Kind::Proportion) => {
                        Fig::Rate { p: *x, n: None }
                    }
                    (Given::Number(x) | Given::Percent(x), _) => Fig::Count(*x),
                    _ => Fig::Missing,
                };
                self.log.push(format!(
                    "{} projection: {} from {}",
                    ind.code,
                    fig.cell().map(|c| c.text).unwrap_or_default(),
                    v.location
                ));
                if let Some(mut cell) = fig.cell() {
                    cell.note = v.note.clone();
                    cells.insert(Column::Projection, cell);
                }
            } else if let Some((p, _, _)) = self.projection(ind) {
                let (text, value) = match ind.kind {
                    Kind::Proportion => (percent_text(p.value), p.value),
                    _ => (count_text(p.value.round()), p.value),
                };
                cells.insert(
                    Column::Projection,
                    Cell {
                        text,
                        value: Some(value),
                        low: Some(p.low),
                        high: Some(p.high),
                        ..Cell::default()
                    },
                );
            }
        }
    }

    /// The monthly values of an indicator as rates or counts.
    fn monthly_values(&self, ind: &Indicator) -> Vec<(Month, f64)> {
        let Some(series) = self.series.get(&code_key(&ind.code)) else {
            return Vec::new();
        };
        series
            .iter()
            .filter_map(|(m, (v, b))| match ind.kind {
                Kind::Proportion => b.filter(|b| *b > 0.0).map(|b| (*m, v / b)),
                _ => Some((*m, *v)),
            })
            .collect()
    }

    /// The projection of an indicator over the projection year: the line's
    /// total (mean for a proportion) with its 95% prediction interval, and
    /// the first fitted month.
    fn projection(&mut self, ind: &Indicator) -> Option<(Interval, Month, Fit)> {
        let key = code_key(&ind.code);
        if let Some(p) = self.projection_cache.get(&key) {
            return *p;
        }
        let p = self.projection_uncached(ind);
        self.projection_cache.insert(key, p);
        p
    }

    fn projection_uncached(&mut self, ind: &Indicator) -> Option<(Interval, Month, Fit)> {
        let year = self.windows.projection?;
        let m = self.windows.month;
        let values: BTreeMap<Month, f64> = self
            .monthly_values(ind)
            .into_iter()
            .filter(|(mo, _)| *mo <= m)
            .collect();
        // The unbroken run of months ending at M, at most 36.
        let mut fitted = Vec::new();
        let mut month = m;
        while fitted.len() < MAX_MONTHS {
            match values.get(&month) {
                Some(v) => fitted.push(*v),
                None => break,
            }
            month = month.plus(-1);
        }
        if fitted.len() < MIN_MONTHS {
            self.log.push(format!(
                "{} projection: needs at least {MIN_MONTHS} consecutive months up to {}, found {}; the cell prints empty",
                ind.code,
                m.short_label(),
                fitted.len()
            ));
            return None;
        }
        fitted.reverse();
        let first = m.plus(-(fitted.len() as i64 - 1));
        let fit = Fit::new(&fitted)?;
        let xs: Vec<f64> = year
            .months()
            .map(|mo| first.months_until(mo) as f64)
            .collect();
        let interval = match ind.kind {
            Kind::Proportion => fit.mean(&xs, 0.95).clamp(0.0, 1.0),
            _ => fit.total(&xs, 0.95),
        };
        Some((interval, first, fit))
    }

    fn rank_cell(&mut self, ind: &Indicator) -> Option<Cell> {
        if let Some(v) = self.given(ind, Column::Latest).cloned() {
            let cell = match v.value {
                Given::NotAvailable => Cell {
                    text: "NA".into(),
                    ..Cell::default()
                },
                Given::Number(x) | Given::Percent(x) => Cell {
                    text: ordinal(x as u64),
                    value: Some(x),
                    ..Cell::default()
                },
                Given::Text(_) => return None,
            };
            self.log.push(format!(
                "{} latest: {} from {}",
                ind.code, cell.text, v.location
            ));
            return Some(cell);
        }
        let source = ind.source.as_ref()?;
        let polarity = self
            .indicator(source)
            .and_then(|s| s.polarity)
            .unwrap_or(Polarity::Down);
        let peers: Vec<_> = self
            .w
            .peers
            .iter()
            .filter(|p| &p.indicator == source)
            .collect();
        let home = peers.iter().find(|p| {
            p.force
                .trim()
                .eq_ignore_ascii_case(self.w.report.force.trim())
        })?;
        // Compare rates exactly by cross-multiplying: a/b < c/d ⇔ a·d < c·b.
        let better = |p: &&crate::input::Peer| {
            let (lhs, rhs) = (p.value * home.population, home.value * p.population);
            match polarity {
                Polarity::Down => lhs < rhs,
                Polarity::Up => lhs > rhs,
            }
        };
        let tied = |p: &&crate::input::Peer| {
            !std::ptr::eq(*p, *home) && p.value * home.population == home.value * p.population
        };
        let position = 1 + peers.iter().filter(|p| better(p)).count() as u64;
        let shared = peers.iter().any(tied);
        let text = if shared {
            format!("={}", ordinal(position))
        } else {
            ordinal(position)
        };
        Some(Cell {
            alt: Some(format!(
                "{} of {} forces in the most similar group",
                text,
                peers.len()
            )),
            text,
            value: Some(position as f64),
            ..Cell::default()
        })
    }

    /// The XmR analysis of a count or proportion indicator from the first
    /// baseline month to M, or why there is none.
    fn xmr(&mut self, source: &Indicator) -> Xmr {
        let key = code_key(&source.code);
        if let Some(x) = self.xmr_cache.get(&key) {
            return x.clone();
        }
        let x = self.xmr_uncached(source);
        self.xmr_cache.insert(key, x.clone());
        x
    }

    fn xmr_uncached(&self, source: &Indicator) -> Xmr {
        let start = self.windows.baseline.first;
        let m = self.windows.month;
        let values: BTreeMap<Month, f64> = self.monthly_values(source).into_iter().collect();
        let span = Window {
            first: start,
            last: m,
        };
        let missing: Vec<Month> = span
            .months()
            .filter(|mo| !values.contains_key(mo))
            .collect();
        let baseline_missing: Vec<Month> = self
            .windows
            .baseline
            .months()
            .filter(|mo| !values.contains_key(mo))
            .collect();
        if values.is_empty() {
            return Err(format!("{} has no monthly series", source.code));
        }
        if !baseline_missing.is_empty() {
            return Err(format!(
                "the baseline year {} needs 12 monthly values of {} for the limits, but {} {} missing",
                self.w.report.baseline,
                source.code,
                months_phrase(&baseline_missing),
                if baseline_missing.len() == 1 { "is" } else { "are" }
            ));
        }
        if !missing.is_empty() {
            return Err(format!(
                "the series of {} from {} to {} is missing {}",
                source.code,
                start.short_label(),
                m.short_label(),
                months_phrase(&missing)
            ));
        }
        let series: Vec<(Month, f64)> = span.months().map(|mo| (mo, values[&mo])).collect();
        let ys: Vec<f64> = series.iter().map(|(_, v)| *v).collect();
        let direction = match source.polarity {
            Some(Polarity::Up) => Direction::High,
            _ => Direction::Low,
        };
        let analysis = spc::analyse(&ys, 0..12, direction, self.w.report.spc_run_length)
            .ok_or_else(|| {
                format!(
                    "an XmR chart needs at least {} months from {}",
                    spc::MIN_POINTS_FOR_LIMITS,
                    start.short_label()
                )
            })?;
        Ok((series, analysis))
    }

    fn spc_cell(&mut self, ind: &Indicator) -> Option<Cell> {
        let source = self.indicator(ind.source.as_ref()?)?.clone();
        match self.xmr(&source) {
            Ok((_, analysis)) => {
                let class = reading_class(analysis.last());
                let text = reading_text(class).to_string();
                Some(Cell {
                    alt: Some(format!("SPC: {}", text.to_lowercase())),
                    icon: Some(crate::render::charts::icon_path(class)),
                    text,
                    value: None,
                    class: Some(class),
                    ..Cell::default()
                })
            }
            Err(why) => {
                self.warnings.push(Problem::warning(
                    ind.location.clone(),
                    format!("{}: no SPC reading: {why}", ind.code),
                ));
                None
            }
        }
    }

    fn warn_unused_values(&mut self, rows: &[Row]) {
        for v in &self.w.values {
            let printed = rows
                .iter()
                .any(|r| code_key(&r.code) == v.indicator && r.cells.contains_key(&v.column));
            let row_printed = rows.iter().any(|r| code_key(&r.code) == v.indicator);
            if row_printed && !printed {
                self.warnings.push(Problem::warning(
                    v.location.clone(),
                    format!(
                        "unused: the panel of {} has no {} column, so this value is not printed",
                        v.indicator,
                        v.column.name()
                    ),
                ));
            }
        }
    }

    /// One XmR chart per count indicator with a monthly series.
    fn appendix(&mut self, rows: &[Row]) -> Vec<SpcChartRecord> {
        let mut out = Vec::new();
        for row in rows.iter().filter(|r| r.kind == Kind::Count) {
            let Some(ind) = self.indicator(&code_key(&row.code)).cloned() else {
                continue;
            };
            if !self.series.contains_key(&code_key(&ind.code)) {
                continue;
            }
            let (series, analysis) = match self.xmr(&ind) {
                Ok(x) => x,
                Err(why) => {
                    self.log
                        .push(format!("{}: no SPC chart in the appendix: {why}", ind.code));
                    continue;
                }
            };
            let projection = if row.cells.contains_key(&Column::Projection)
                && self.given(&ind, Column::Projection).is_none()
            {
                self.projection(&ind).map(|(p, first, fit)| {
                    let year = self.windows.projection.expect("projected");
                    let line = Window {
                        first,
                        last: year.last,
                    }
                    .months()
                    .map(|mo| (mo.to_string(), fit.at(first.months_until(mo) as f64)))
                    .collect();
                    ProjectionRecord {
                        line,
                        value: p.value,
                        low: p.low,
                        high: p.high,
                        year: self
                            .w
                            .report
                            .projection
                            .map(|y| y.to_string())
                            .unwrap_or_default(),
                        months_fitted: fit.n,
                    }
                })
            } else {
                None
            };
            let reading = reading_class(analysis.last());
            let points: Vec<SpcPoint> = series
                .iter()
                .zip(&analysis.readings)
                .map(|((mo, v), r)| SpcPoint {
                    month: mo.to_string(),
                    value: *v,
                    signal: reading_class(*r),
                })
                .collect();
            let title = format!("SP{} {}", row.priority, row.label);
            let alt = spc_alt(self, row, &series, &analysis, reading, projection.as_ref());
            let mut caption = format!(
                "{}: {}.",
                self.windows.month.long_label(),
                reading_text(reading)
            );
            if let Some(p) = &projection {
                caption.push_str(&format!(
                    " Projection {}: {} (95% prediction interval {} to {}), from a straight line fitted to the last {} months.",
                    p.year,
                    grouped(p.value),
                    grouped(p.low),
                    grouped(p.high),
                    p.months_fitted
                ));
            }
            out.push(SpcChartRecord {
                indicator: ind.code.clone(),
                priority: row.priority.clone(),
                title,
                chart: format!("/charts/spc-{}.svg", slug(&ind.code)),
                points,
                mean: analysis.limits.mean,
                lower_limit: analysis.limits.lower,
                upper_limit: analysis.limits.upper,
                baseline_label: self.windows.baseline.label(),
                reading,
                reading_text: reading_text(reading).to_string(),
                icon: crate::render::charts::icon_path(reading),
                caption,
                projection,
                alt,
            });
        }
        out
    }
}

fn reading_class(r: Reading) -> Class {
    match r {
        Reading::Improvement => Class::Improvement,
        Reading::Concern => Class::Concern,
        Reading::CommonCause | Reading::Neither => Class::CommonCause,
    }
}

/// `Common cause`, `Special cause improvement`, `Special cause concern`.
pub fn reading_text(class: Class) -> &'static str {
    match class {
        Class::Improvement => "Special cause improvement",
        Class::Concern => "Special cause concern",
        _ => "Common cause",
    }
}

/// Thousands-separated whole number, for alt texts (`59,653`).
fn grouped(v: f64) -> String {
    let s = format!("{}", v.round().abs() as u64);
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if v < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

fn spc_alt(
    ctx: &Ctx,
    row: &Row,
    series: &[(Month, f64)],
    analysis: &spc::Analysis,
    reading: Class,
    projection: Option<&ProjectionRecord>,
) -> String {
    let first = series
        .first()
        .map(|(m, _)| m.long_label())
        .unwrap_or_default();
    let last = series
        .last()
        .map(|(m, _)| m.long_label())
        .unwrap_or_default();
    // "Number of offences, monthly, April 2012 to December 2015: 59,653 in
    // the latest 12 months, 1% above the 2012/13 baseline of 58,805;
    // statistically significant deterioration; SPC: common cause."
    let mut s = format!(
        "SPC chart of SP{} {}, monthly, {first} to {last}",
        row.priority,
        row.label.trim_end_matches('.')
    );
    let latest = row.cells.get(&Column::Latest);
    let baseline = row.cells.get(&Column::Baseline);
    let mut clauses = Vec::new();
    if let (Some(lv), Some(bv)) = (latest.and_then(|c| c.value), baseline.and_then(|c| c.value)) {
        let change = if bv != 0.0 { (lv - bv) / bv } else { 0.0 };
        let pct = (change.abs() * 100.0).round();
        let relation = if pct == 0.0 {
            "level with".to_string()
        } else if lv > bv {
            format!("{pct}% above")
        } else {
            format!("{pct}% below")
        };
        clauses.push(format!(
            "{} in the latest 12 months, {relation} the {} baseline of {}",
            grouped(lv),
            ctx.w.report.baseline,
            grouped(bv)
        ));
    }
    if let Some(c) = latest.and_then(|c| c.class) {
        clauses.push(c.words().to_string());
    }
    clauses.push(format!("SPC: {}", reading_text(reading).to_lowercase()));
    s.push_str(": ");
    s.push_str(&clauses.join("; "));
    s.push('.');
    s.push_str(&format!(
        " Centre line (the {} mean) {}, process limits {} to {}.",
        ctx.w.report.baseline,
        grouped(analysis.limits.mean),
        grouped(analysis.limits.lower),
        grouped(analysis.limits.upper)
    ));
    let improvement = analysis
        .readings
        .iter()
        .filter(|r| **r == Reading::Improvement)
        .count();
    let concern = analysis
        .readings
        .iter()
        .filter(|r| **r == Reading::Concern)
        .count();
    s.push_str(&format!(
        " Special cause points: {improvement} improvement, {concern} concern; the reading for {} is {}.",
        ctx.windows.month.long_label(),
        reading_text(reading).to_lowercase()
    ));
    if let Some(p) = projection {
        s.push_str(&format!(
            " Projection for {}: {} (95% prediction interval {} to {}).",
            p.year,
            grouped(p.value),
            grouped(p.low),
            grouped(p.high)
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_forms() {
        assert_eq!(var_text((271.0 - 667.0) / 667.0), "-59%");
        assert_eq!(var_text((59653.0 - 58805.0) / 58805.0), "+1%");
        assert_eq!(var_text(0.004), "0%");
        assert_eq!(var_text(-0.004), "0%");
        assert_eq!(var_text(0.02), "+2%");
        assert_eq!(percent_text(0.865), "86.5%");
        assert_eq!(percent_text(845.0 / 1000.0), "84.5%");
        assert_eq!(count_text(58805.0), "58805");
        assert_eq!(money_text(20.3), "£20.3m");
        assert_eq!(grouped(59653.0), "59,653");
        assert_eq!(grouped(1_234_567.0), "1,234,567");
        assert_eq!(grouped(667.0), "667");
    }

    #[test]
    fn var_follows_the_pair_printed_before_it() {
        use Column::*;
        assert_eq!(var_pair(&[Baseline, Latest, Var]), (Latest, Baseline));
        assert_eq!(var_pair(&[Ytd, Lytd, Var]), (Ytd, Lytd));
        assert_eq!(var_pair(&[Baseline, Latest, Ytd, Lytd, Var]), (Ytd, Lytd));
        assert_eq!(
            var_pair(&[Ytd, Lytd, Latest, Baseline, Var]),
            (Latest, Baseline)
        );
    }

    #[test]
    fn missing_month_phrases() {
        let m = |y, mo| Month::new(y, mo).unwrap();
        assert_eq!(months_phrase(&[m(2015, 3)]), "Mar 2015");
        assert_eq!(
            months_phrase(&[m(2012, 4), m(2012, 5), m(2012, 6)]),
            "Apr 2012 to Jun 2012 (3 months)"
        );
        assert_eq!(
            months_phrase(&[m(2012, 4), m(2012, 9)]),
            "Apr 2012, Sep 2012"
        );
    }

    #[test]
    fn significance_reads_through_polarity() {
        let down = significance(&Fig::Count(271.0), &Fig::Count(667.0), Polarity::Down, 0.95);
        assert_eq!(down.unwrap().0, Class::Improvement);
        let up = significance(&Fig::Count(271.0), &Fig::Count(667.0), Polarity::Up, 0.95);
        assert_eq!(up.unwrap().0, Class::Deterioration);
        let same = significance(
            &Fig::Count(4452.0),
            &Fig::Count(4365.0),
            Polarity::Down,
            0.95,
        );
        assert_eq!(same.unwrap().0, Class::NoChange);
        // A zero baseline is still testable.
        let zero = significance(&Fig::Count(9.0), &Fig::Count(0.0), Polarity::Down, 0.95);
        assert_eq!(zero.unwrap().0, Class::Deterioration);
        let no_base = significance(
            &Fig::Rate { p: 0.8, n: None },
            &Fig::Rate {
                p: 0.9,
                n: Some(100.0),
            },
            Polarity::Up,
            0.95,
        );
        assert!(no_base.is_err());
    }
}
