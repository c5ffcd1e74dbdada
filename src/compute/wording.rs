//! Every word and number format the compute stage prints, in one place.
//!
//! Enters: numbers, months, classes and codes from the other compute files.
//! Leaves: the exact strings of the records (cell texts, column labels, the
//! KEY, captions, alt texts, the appendix intro) and of the warnings and the
//! build log. Changing a word here changes it everywhere it is printed.

use std::fmt;

use crate::compute::measure::{NoTest, Tested, V2Why};
use crate::compute::records::{
    Class, KeyEntry, KeyPeriod, PairsFrom, ProjectionRecord, ReportRecord, Row, SavingsBar, Test,
};
use crate::compute::spc_cells::NoReading;
use crate::compute::windows::{Windows, LATEST_MONTHS};
use crate::input::problem::Location;
use crate::input::{Column, Kind, Layout, NumberStyle, RankStyle, Report};
use crate::methods::period::{ordinal, FinancialYear, Month, Window, BASELINE_MONTHS};
use crate::methods::projection::MIN_MONTHS;
use crate::methods::rounding::{fixed, fixed_f64, Exact};
use crate::methods::spc::{self, Analysis, Reading};

/// What a window with months missing prints.
pub(super) const GAP: &str = "n/a";

/// The footnote of an `n/a` cell: `No data for Dec 2015.`
pub(super) fn gap_footnote(missing: &[Month]) -> String {
    format!("No data for {}.", months_phrase(missing))
}

/// The marker of the `n`th automatic note (from 0): `a` … `z`, then `aa`,
/// `ab` … (letters, so that it is not taken for a workbook's `1`, `2`, `*`).
pub(super) fn note_marker(n: usize) -> String {
    let mut n = n + 1;
    let mut letters = Vec::new();
    while n > 0 {
        n -= 1;
        letters.push(b'a' + (n % 26) as u8);
        n /= 26;
    }
    letters.iter().rev().map(|&b| char::from(b)).collect()
}

/// What a figure given as `NA` prints.
pub(super) const NA: &str = "NA";

/// What a screen reader should say for a printed figure or heading that a
/// speech engine misreads (issue #31: `NA` was said "nah", `L.YTD` "L dot
/// itd", `£20.3m` "pound twenty point three m", `+6.1pp` "plus six point
/// one p p"): `None` where the printed
/// text reads right.
pub fn spoken(printed: &str) -> Option<String> {
    let t = printed.trim();
    match t {
        NA => return Some("not available".into()),
        "L.YTD" => return Some("last year to date".into()),
        "YTD" => return Some("year to date".into()),
        "% Var." | "% Var" => return Some("percentage variance".into()),
        _ => {}
    }
    // A proportion's change, `+6.1pp`: "pp" was said letter by letter.
    if let Some(points) = t.strip_suffix("pp") {
        let (sign, size) = if let Some(s) = points.strip_prefix('+') {
            ("plus ", s)
        } else if let Some(s) = points.strip_prefix(['-', '\u{2212}']) {
            ("minus ", s)
        } else {
            ("", points)
        };
        size.parse::<f64>().ok()?;
        return Some(format!("{sign}{size} percentage points"));
    }
    if let Some(months) = months_said(t) {
        return Some(months);
    }
    let amount = t.strip_prefix('£')?.strip_suffix('m')?;
    amount.parse::<f64>().ok()?;
    Some(format!("{amount} million pounds"))
}

/// The KEY's months in words: `Apr 2023–Mar 2024 (12 months)` is said
/// "April 2023 to March 2024 (12 months)", `Jan–Dec 2015 (12 months)`
/// "January to December 2015 (12 months)". The second listen-through
/// heard the abbreviated months, and no "to": a screen reader does not say
/// an en dash at its usual punctuation level.
fn months_said(t: &str) -> Option<String> {
    let (range, count) = t.split_once(" (")?;
    let n = count
        .strip_suffix(" months)")
        .or_else(|| count.strip_suffix(" month)"))?;
    n.parse::<u32>().ok()?;
    // A month's name from its printed three letters (`Month::short_label`'s).
    let month = |m: &str| {
        (1..=12)
            .filter_map(|i| Month::new(2000, i))
            .map(Month::name)
            .find(|name| name.get(..3) == Some(m))
    };
    let said = |part: &str| -> Option<String> {
        match part.split_once(' ') {
            Some((m, y)) => {
                let year = y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit());
                year.then(|| month(m).map(|m| format!("{m} {y}")))?
            }
            None => month(part).map(str::to_string),
        }
    };
    let words = match range.split_once('–') {
        Some((a, b)) => format!("{} to {}", said(a)?, said(b)?),
        None => said(range)?,
    };
    Some(format!("{words} ({count}"))
}

/// The amounts in money within workbook text (`£20m` in "deliver over
/// £20m in revenue saving"), each with the byte range it lies at, that
/// [`spoken`] says as money: `£`, digits (a decimal point), `m`, then no
/// letter or digit. A title's `£20m` was said "pound twenty m".
fn money_in(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (start, _) in text.match_indices('£') {
        let rest = &text[start + '£'.len_utf8()..];
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let after = &rest[digits..];
        let Some(tail) = after.strip_prefix('m') else {
            continue;
        };
        if tail.starts_with(|c: char| c.is_alphanumeric()) {
            continue;
        }
        let end = start + '£'.len_utf8() + digits + 1;
        if spoken(&text[start..end]).is_some() {
            out.push((start, end));
        }
    }
    out
}

/// Workbook text cut before and after each amount in money in it
/// ([`money_in`]), each part with whether it is one: "deliver over ",
/// ("£20m", true), " in revenue saving". Empty parts are left out.
pub fn money_parts(text: &str) -> Vec<(&str, bool)> {
    let mut parts = Vec::new();
    let mut at = 0;
    for (a, b) in money_in(text) {
        parts.push((&text[at..a], false));
        parts.push((&text[a..b], true));
        at = b;
    }
    parts.push((&text[at..], false));
    parts.retain(|(p, _)| !p.is_empty());
    parts
}

/// What an empty cell of a table says to a screen reader (and prints as a
/// dash): `not applicable` where the row's kind has no figure in that
/// column (a position, an assessment, an SPC reading has one), else `no
/// data` (a figure left blank or not computable).
pub fn empty_cell_words(kind: crate::input::Kind) -> &'static str {
    use crate::input::Kind;
    match kind {
        Kind::Rank | Kind::Assessment | Kind::Spc => "not applicable",
        Kind::Count | Kind::Proportion => "no data",
    }
}

/// A priority's table summarised for a screen reader (the PDF's table
/// summary): which priority, and its columns as they are said.
pub fn table_summary(p: &crate::compute::records::PriorityRecord) -> String {
    let columns: Vec<String> = p
        .columns
        .iter()
        .map(|h| spoken(&h.label).unwrap_or_else(|| h.label.clone()))
        .collect();
    format!(
        "{}: one row per indicator, named first, then {}.",
        table_name(p),
        columns.join(", ")
    )
}

/// A priority's table's name (the HTML page's caption and scroll region):
/// `Indicators of priority 11 To reduce all crime`.
pub fn table_name(p: &crate::compute::records::PriorityRecord) -> String {
    format!("Indicators of priority {} {}", p.code, p.title)
}

/// A savings panel's table's name (the HTML page's caption):
/// `Savings of priority 18 With staff and partners, …`.
pub fn savings_table_name(p: &crate::compute::records::PriorityRecord) -> String {
    format!("Savings of priority {} {}", p.code, p.title)
}

/// The heading above the panels.
pub(super) const HEADING: &str = "Strategic Priorities";

/// The savings chart's unit.
pub(super) const SAVINGS_UNIT: &str = "£ millions";

/// The heading of the closing note box.
pub(super) const NOTE_HEADING: &str = "Note:";

// ---- Numbers -------------------------------------------------------------

/// Prints a count: whole numbers without separators (`58805`), never `-0`.
pub fn count_text(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        fixed_f64(v.round(), 0, false)
    } else {
        fixed_f64(v, 1, false)
    }
}

/// Prints a proportion with one decimal (`84.5%`), rounded half away from
/// zero on the decimal it holds (`0.1725` → `17.3%`).
pub fn percent_text(p: f64) -> String {
    Exact::from_f64(p).map_or_else(|| format!("{p}"), |x| percent_exact(&x))
}

/// Prints an exact proportion with one decimal (`69/400` → `17.3%`).
pub(super) fn percent_exact(p: &Exact) -> String {
    format!("{}%", fixed(&p.times_ten_pow(2), 1, false))
}

/// Prints a change as a whole percent with its sign (`-59%`, `+2%`, `0%`).
pub fn var_text(change: f64) -> String {
    Exact::from_f64(change).map_or_else(|| format!("{change}"), |x| var_exact(&x))
}

/// Prints an exact change as a whole percent with its sign (`+58%` for
/// 23/40), never `-0%`.
pub(super) fn var_exact(change: &Exact) -> String {
    format!("{}%", fixed(&change.times_ten_pow(2), 0, true))
}

/// Prints a change between two proportions in percentage points, one
/// decimal, with its sign (`-4.1pp`, `+0.6pp`, `0.0pp`).
pub(super) fn points_exact(change: &Exact) -> String {
    format!("{}pp", fixed(&change.times_ten_pow(2), 1, true))
}

/// A figure of an indicator of `kind` in alt texts and captions: a count
/// grouped (`59,653`), a proportion as a percentage (`84.5%`).
pub(super) fn figure_words(kind: Kind, v: f64) -> String {
    match kind {
        Kind::Proportion => percent_text(v),
        _ => grouped(v),
    }
}

/// Prints a savings amount (`£20.3m`), rounded half away from zero on the
/// decimal typed (`20.15` is `£20.2m`; `{:.1}` printed `£20.1m`), never `-0`.
pub fn money_text(millions: f64) -> String {
    format!("£{}m", fixed_f64(millions, 1, false))
}

/// Thousands-separated whole number, for alt texts (`59,653`), never `-0`.
pub(super) fn grouped(v: f64) -> String {
    let v = v.round();
    let out = group_digits(&format!("{}", v.abs() as u64));
    // A value that rounds to zero prints without a sign: never `-0`.
    if v < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

/// `58805` → `58,805`.
fn group_digits(s: &str) -> String {
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A Position v MSG: `3rd`, or `=3rd` when shared.
pub(super) fn position_text(position: u64, shared: bool) -> String {
    if shared {
        format!("={}", ordinal(position))
    } else {
        ordinal(position)
    }
}

/// A position as `Report.rank_style` asks: `3rd`, or `3rd of 8`.
pub(super) fn position_styled(text: String, peers: usize, style: RankStyle) -> String {
    match style {
        RankStyle::Ordinal => text,
        RankStyle::Of => format!("{text} of {peers}"),
    }
}

/// A count's printed text as `Report.number_style` asks: `58805` stays, or
/// becomes `58,805` (`-1,234.5` keeps its sign and decimal).
pub fn count_styled(plain: &str, style: NumberStyle) -> String {
    match style {
        NumberStyle::Plain => plain.to_string(),
        NumberStyle::Grouped => {
            let (sign, unsigned) = plain.strip_prefix('-').map_or(("", plain), |u| ("-", u));
            let (whole, decimals) = unsigned
                .split_once('.')
                .map_or((unsigned, None), |(w, d)| (w, Some(d)));
            let decimals = decimals.map(|d| format!(".{d}")).unwrap_or_default();
            format!("{sign}{}{decimals}", group_digits(whole))
        }
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

// ---- Quarter to quarter ---------------------------------------------------

/// `Changes since the Strategic Partnership Board pack for December 2015 (version 1)`.
pub fn changes_heading(board: &str, since: &str, version: u32) -> String {
    let board = if board.is_empty() { "board" } else { board };
    format!("Changes since the {board} pack for {since} (version {version})")
}

// ---- Changes since an earlier pack (`diff`, `build --archive`) ----------

/// A class that is absent, in a change line.
pub(super) const NO_CLASS: &str = "no class";
/// An SPC reading that is absent (no chart could be drawn), in a change line.
pub(super) const NO_READING: &str = "no reading";
pub(super) const ROW_ADDED: &str = "row added";
pub(super) const ROW_REMOVED: &str = "row removed";

/// `Number of offences — Baseline 2012/13: 58805 → 58905`: a change led by
/// its row's label.
pub(super) fn change_line(row: &str, what: &str) -> String {
    if row.is_empty() {
        what.to_string()
    } else {
        format!("{row} — {what}")
    }
}

/// `Apr 2012`, `Apr–Jun 2017`, `Nov 2016–Jan 2017`.
pub(super) fn months_range(first: Month, last: Month) -> String {
    if first == last {
        first.short_label()
    } else if first.year == last.year {
        format!("{}–{}", &first.name()[..3], last.short_label())
    } else {
        format!("{}–{}", first.short_label(), last.short_label())
    }
}

/// A figure's window in words: a financial year (`2012/13`) when it is
/// one, else its months (`Jan–Dec 2015`, `Apr 2015–Mar 2016`).
pub(super) fn window_words(w: Window) -> String {
    if w.first.month == 4 && w.len() == 12 {
        w.first.financial_year().to_string()
    } else {
        months_range(w.first, w.last)
    }
}

/// A column's name in a change line.
fn column_words(column: &str) -> String {
    match column {
        "baseline" => "Baseline".into(),
        "latest" => format!("Latest {LATEST_MONTHS} months"),
        "ytd" => "YTD".into(),
        "lytd" => "L.YTD".into(),
        "var" => "% Var.".into(),
        "projection" => "Projection".into(),
        "assessment" => "Assessment".into(),
        other => other.to_string(),
    }
}

/// A figure named by its column and window: `Baseline 2012/13`,
/// `Latest 12 months Jan–Dec 2015`, `Projection 2016/17`.
pub(super) fn figure_named(column: &str, window: &str) -> String {
    let column = column_words(column);
    if window.is_empty() {
        column
    } else {
        format!("{column} {window}")
    }
}

/// `Latest 12 months Jan–Dec 2015: no significant change → deterioration`;
/// when the window moved on, the earlier class with its own window.
pub(super) fn class_change(figure: &str, old: &str, new: &str, old_window: Option<&str>) -> String {
    match old_window {
        None => format!("{figure}: {old} → {new}"),
        Some(w) => format!("{figure}: {new} (was {old} for {w})"),
    }
}

/// What is read as at a pack's month, in a change line.
pub(super) const SPC_READING: &str = "SPC reading";
pub(super) const POSITION: &str = "Position";
pub(super) const ASSESSMENT: &str = "Assessment";

/// An SPC reading, a position or an assessment that moved, each as at its
/// pack's month: `SPC reading for Mar 2016: special cause concern (was
/// common cause for Dec 2015)`.
pub(super) fn at_month_change(
    what: &str,
    old_month: &str,
    month: &str,
    old: &str,
    new: &str,
) -> String {
    if old_month == month {
        format!("{what} for {month}: {old} → {new}")
    } else {
        format!("{what} for {month}: {new} (was {old} for {old_month})")
    }
}

/// `SPC chart in the appendix for the first time (the earlier pack printed
/// none): Special cause concern`.
pub(super) fn new_chart(reading: &str) -> String {
    if reading.is_empty() {
        "SPC chart in the appendix for the first time (the earlier pack printed none)".to_string()
    } else {
        format!("SPC chart in the appendix for the first time (the earlier pack printed none): {reading}")
    }
}

/// `new special cause (special cause concern) in Jan 2016, Feb 2016`.
pub(super) fn new_special_cause(reading: &str, months: &[String]) -> String {
    format!("new special cause ({reading}) in {}", months.join(", "))
}

/// `Projection 2016/17: 61427 → 62010`.
pub(super) fn figure_change(figure: &str, old: &str, new: &str) -> String {
    format!("{figure}: {old} → {new}")
}

/// A figure of the same window that changed: with the months whose data
/// were restated, or, without them, `revised`.
pub(super) fn restated(figure: &str, old: &str, new: &str, runs: &[String]) -> String {
    if runs.is_empty() {
        format!("{figure}: revised {old} → {new}")
    } else {
        format!(
            "{figure}: {old} → {new}, data restated: {}",
            runs.join(", ")
        )
    }
}

/// Months of the earlier pack restated since, and the figures of that
/// pack that summed them.
pub(super) fn months_restated(runs: &[String], printed_in: &[String]) -> String {
    let mut out = format!("earlier months restated: {}", runs.join(", "));
    if !printed_in.is_empty() {
        out.push_str(&format!(
            " (in the earlier pack's {})",
            and_words(printed_in)
        ));
    }
    out
}

/// `a`, `a and b`, `a, b and c`.
fn and_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// `YTD 2015/16: new figure 264371 (was n/a)`.
pub(super) fn new_figure(figure: &str, new: &str, was: &str) -> String {
    if was.is_empty() {
        format!("{figure}: new figure {new}")
    } else {
        format!("{figure}: new figure {new} (was {was})")
    }
}

/// `YTD 2015/16: n/a (was 264371 for Apr–Dec 2015)`.
pub(super) fn withdrawn_figure(
    figure: &str,
    old: &str,
    now: &str,
    old_window: Option<&str>,
) -> String {
    let now = if now.is_empty() { "no figure" } else { now };
    match old_window {
        None => format!("{figure}: {now} (was {old})"),
        Some(w) => format!("{figure}: {now} (was {old} for {w})"),
    }
}

/// `Savings realised to date: £16.1m → £17.0m`.
pub(super) fn savings_change(item: &str, old: &str, new: &str) -> String {
    format!("{item}: {old} → {new}")
}

/// A narrative carried over word for word.
pub(super) fn narrative_unchanged(items: usize) -> String {
    format!(
        "narrative unchanged ({items} {}): check it still holds",
        if items == 1 { "item" } else { "items" }
    )
}

/// `narrative: 1 of 3 items word for word as in the earlier pack: …`.
pub(super) fn narrative_partly_unchanged(unchanged: usize, items: usize) -> String {
    format!("narrative: {unchanged} of {items} items word for word as in the earlier pack: check they still hold")
}

/// `Apr–Jun 2017 +69`: a run of restated months and its net change (a
/// count's, or a proportion's pooled rate's in percentage points).
pub(super) fn month_run(first: Month, last: Month, change: Option<f64>, counts: bool) -> String {
    let months = months_range(first, last);
    match change {
        Some(c) if counts => format!("{months} {}", fixed_f64(c, count_decimals(c), true)),
        Some(c) => format!("{months} {}pp", fixed_f64(c * 100.0, 1, true)),
        None => months,
    }
}

/// Whole counts print whole; a fractional one with one decimal, as [`count_text`].
fn count_decimals(v: f64) -> u32 {
    if (v - v.round()).abs() < 1e-9 {
        0
    } else {
        1
    }
}

/// The baseline year changed: said once, for all its figures.
pub(super) fn baseline_changed(old: &str, new: &str, figures: usize) -> String {
    format!(
        "Baseline year changed from {old} to {new}: {} now of {new}, not revisions",
        crate::input::problem::plural(figures, "baseline figure")
    )
}

/// `Rolled on with the period (not revisions): 39 figures`.
pub(super) fn rolled_on_heading(figures: usize) -> String {
    format!(
        "Rolled on with the period (not revisions): {}",
        crate::input::problem::plural(figures, "figure")
    )
}

/// `Latest 12 months: Jan–Dec 2015 → Apr 2015–Mar 2016 (12 figures)`.
pub(super) fn rolled_on(
    column: &str,
    old: &str,
    new: &str,
    new_year: bool,
    figures: usize,
) -> String {
    let why = match column {
        "projection" if new_year => ", the projection year moved on",
        "ytd" | "lytd" if new_year => ", a new financial year",
        _ => "",
    };
    format!(
        "{}: {old} → {new}{why} ({})",
        column_words(column),
        crate::input::problem::plural(figures, "figure")
    )
}

/// A `Values` note word for word the last signed-off pack's.
pub(super) fn stale_note(note: &str, period: &str) -> String {
    format!(
        "the note {note:?} is unchanged from the pack signed off for {period}: is it still the right period?"
    )
}

/// A `Narrative` line word for word the last signed-off pack's.
pub(super) fn stale_narrative(period: &str) -> String {
    format!("this narrative is unchanged from the pack signed off for {period}: is it still true?")
}

/// The `Peers` rows of an indicator are the last signed-off pack's.
pub(super) fn stale_peers(code: &str, forces: usize, period: &str) -> String {
    format!(
        "the Peers rows for {code} ({}) are unchanged from the pack signed off for {period}, every count and population: are the counts for this period's latest 12 months? (last quarter's counts give last quarter's Position v MSG)",
        crate::input::problem::plural(forces, "force")
    )
}

/// What a v2+ pack prints on its first page and in its metadata:
/// `Version 2 — supersedes version 1 of 28 January 2016: Corrected SP17`.
pub fn supersedes(version: u32, previous: u32, date: &str, reason: Option<&str>) -> String {
    let mut line = format!("Version {version} — supersedes version {previous} of {date}");
    if let Some(r) = reason {
        line.push_str(": ");
        line.push_str(r);
    }
    line
}

// ---- The pack's own words --------------------------------------------------

/// Marks a pack that the board has not approved, in every output.
pub const DRAFT_MARK: &str = "DRAFT — not signed off";

/// The force as every page names it: `Leicestershire (Leicester,
/// Leicestershire and Rutland)`, or the force alone where the workbook
/// gives no area.
pub fn force_name(force: &str, area: Option<&str>) -> String {
    match area.map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) => format!("{force} ({a})"),
        None => force.to_string(),
    }
}

/// The PDF's title as viewers and screen readers announce it, naming the
/// force so that the packs of a batch are told apart; a draft's starts
/// with its status: "DRAFT — not signed off: Police & Crime Plan Dashboard
/// — Leicestershire (Leicester, Leicestershire and Rutland) — Period ended
/// December 2015".
pub fn document_title(report: &ReportRecord, draft: bool) -> String {
    let status = if draft {
        format!("{DRAFT_MARK}: ")
    } else {
        String::new()
    };
    format!(
        "{status}{} — {} — {}",
        report.title, report.force_name, report.period_label
    )
}

/// The PDF's subject: "Police & Crime Plan Dashboard for Leicestershire
/// Police (Leicester, Leicestershire and Rutland), period ended December
/// 2015 (draft, not signed off)". Only the label's first letter is lowered:
/// a month keeps its capital.
pub fn document_description(report: &ReportRecord, draft: bool) -> String {
    let mut period = report.period_label.chars();
    let period = period
        .next()
        .map(|c| c.to_lowercase().chain(period).collect::<String>())
        .unwrap_or_default();
    format!(
        "{} for {}{}, {period}{}",
        report.title,
        report.force,
        report
            .area
            .as_ref()
            .map(|a| format!(" ({a})"))
            .unwrap_or_default(),
        if draft {
            " (draft, not signed off)"
        } else {
            ""
        }
    )
}

/// The KEY's opening line, as published.
pub const KEY_INTRO: &str = "Classification of \"Continuous Improvement\".";

/// The appendix's heading.
pub const APPENDIX_TITLE: &str = "Appendix: SPC charts";

// ---- Months --------------------------------------------------------------

/// `Jan 2015, Feb 2015` or `Apr 2012 to Mar 2013 (12 months)`.
pub(super) fn months_phrase(months: &[Month]) -> String {
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

/// `Period ended December 2015`.
pub(super) fn period_label(month: Month) -> String {
    format!("Period ended {}", month.long_label())
}

// ---- Classes -------------------------------------------------------------

impl Class {
    /// The class's name in the records and file names: `no-change`.
    pub fn name(self) -> &'static str {
        match self {
            Class::Improvement => "improvement",
            Class::NoChange => "no-change",
            Class::Deterioration => "deterioration",
            Class::CommonCause => "common-cause",
            Class::Concern => "concern",
        }
    }

    /// The class a records name (`no-change`) stands for.
    pub fn named(name: &str) -> Option<Class> {
        [
            Class::Improvement,
            Class::NoChange,
            Class::Deterioration,
            Class::CommonCause,
            Class::Concern,
        ]
        .into_iter()
        .find(|c| c.name() == name)
    }

    /// Short words for the class, as the layout prints beside a symbol:
    /// `significant improvement`, `special cause concern`.
    pub fn short_words(self) -> &'static str {
        match self {
            Class::Improvement => "significant improvement",
            Class::NoChange => "no significant change",
            Class::Deterioration => "significant deterioration",
            Class::CommonCause => "common cause",
            Class::Concern => "special cause concern",
        }
    }

    /// Words for the class, as the KEY and alt texts say it.
    pub fn words(self) -> &'static str {
        match self {
            Class::Improvement => "statistically significant improvement",
            Class::NoChange => "no statistically significant change",
            Class::Deterioration => "statistically significant deterioration",
            Class::CommonCause => "common cause variation",
            Class::Concern => "special cause concern",
        }
    }
}

/// `common cause`, `special cause improvement`, `special cause concern`:
/// an SPC reading as a screen reader says it beside the printed text.
pub fn reading_words(class: Class) -> &'static str {
    match class {
        Class::Improvement => "special cause improvement",
        Class::Concern => "special cause concern",
        _ => "common cause",
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

/// The KEY, from what the pack prints: for each comparison that appears (a
/// classed `latest` cell is compared with the baseline year, a classed `ytd`
/// cell with the same period last year), a line per class that appears; then
/// the SPC icons when the pack prints SPC readings or charts.
pub(super) fn key(baseline: &str, rows: &[Row], spc_charts: bool) -> Vec<KeyEntry> {
    let classes_in = |column: Column| {
        [Class::Improvement, Class::NoChange, Class::Deterioration]
            .into_iter()
            .filter(|c| {
                rows.iter()
                    .any(|r| r.cells.get(&column).and_then(|cell| cell.class) == Some(*c))
            })
            .collect::<Vec<_>>()
    };
    let compared = [
        (Column::Latest, format!("as compared to end of {baseline}")),
        (
            Column::Ytd,
            "as compared to the same period last year".to_string(),
        ),
    ];
    let mut key = Vec::new();
    for (column, against) in compared {
        for class in classes_in(column) {
            let words = match class {
                Class::Improvement => "Statistically Significant Improvements",
                Class::NoChange => "No Statistically Significant change",
                _ => "Statistically Significant deterioration",
            };
            key.push(KeyEntry {
                class,
                label: format!("{words} {against}"),
                footnote: (class == Class::NoChange).then(|| crate::input::KEY_MARKER.to_string()),
                icon: None,
            });
        }
    }
    let spc_rows = rows.iter().any(|r| r.kind == crate::input::Kind::Spc);
    if spc_rows || spc_charts {
        for class in [Class::CommonCause, Class::Improvement, Class::Concern] {
            key.push(KeyEntry {
                class,
                label: format!("SPC: {}", reading_words(class)),
                footnote: None,
                icon: Some(crate::compute::records::ChartId::icon(class)),
            });
        }
    }
    key
}

/// The KEY's sentence on the pack's many comparisons (methods v3): `This
/// pack makes 17 comparisons; with no real change anywhere, about 1 of them
/// would still show as significant.`
/// Under one expected (M rounds to 0, fewer than 10 comparisons at 95 %),
/// `about 0 of them` reads as "none": it says `fewer than one`.
pub(super) fn comparisons_sentence(n: usize, expected: i128) -> String {
    let noun = if n == 1 { "comparison" } else { "comparisons" };
    let how_many = if expected < 1 {
        "fewer than one".to_string()
    } else {
        format!("about {expected}")
    };
    format!(
        "This pack makes {n} {noun}; with no real change anywhere, {how_many} of them would still show as significant."
    )
}

/// The KEY's sentence under `Report.significance = fdr`: `Significant after
/// allowing for the pack's 17 comparisons (false discovery rate 5 %).`
pub(super) fn fdr_sentence(n: usize, q: &Exact) -> String {
    let noun = if n == 1 { "comparison" } else { "comparisons" };
    let rate = fixed(&q.times_ten_pow(2), 2, false);
    let rate = rate.trim_end_matches('0').trim_end_matches('.');
    format!("Significant after allowing for the pack's {n} {noun} (false discovery rate {rate} %).")
}

/// The summary of a chart's description in the HTML page (a `<details>`).
pub const CHART_DESCRIPTION: &str = "Chart description";

/// The heading over the KEY's months: which months each column covers.
pub const KEY_PERIODS_HEADING: &str = "Months each column covers:";

/// The months of a window: `Jan–Dec 2015`, `Apr 2015–Mar 2016`, `Apr 2016`.
pub(super) fn window_months(window: Window) -> String {
    months_range(window.first, window.last)
}

/// What the KEY says of each window column the pack prints, in the
/// tables' order: `Latest 12 months` covers `Jan–Dec 2015 (12 months)`;
/// `YTD` (a June pack's) `Apr–Jun 2016 (3 months)`; the projection year
/// the months it projects.
pub(super) fn key_periods(
    printed: &[Column],
    windows: &Windows,
    report: &Report,
) -> Vec<KeyPeriod> {
    let mut out = Vec::new();
    for column in [
        Column::Baseline,
        Column::Latest,
        Column::Ytd,
        Column::Lytd,
        Column::Projection,
    ] {
        if !printed.contains(&column) {
            continue;
        }
        let window = match column {
            Column::Projection => windows.projection,
            _ => windows.of(column),
        };
        let Some(window) = window else { continue };
        let n = window.len();
        let months = format!(
            "{} ({n} month{})",
            window_months(window),
            if n == 1 { "" } else { "s" }
        );
        out.push(KeyPeriod {
            column,
            label: column_label(column, printed, report),
            months,
        });
    }
    out
}

// ---- Headings ------------------------------------------------------------

/// Column heading text.
pub(super) fn column_label(column: Column, columns: &[Column], report: &Report) -> String {
    match column {
        Column::Baseline => format!("Baseline {}", report.baseline),
        Column::Latest => format!("Latest {LATEST_MONTHS} months"),
        Column::Var if columns.contains(&Column::Baseline) => "% Var.".into(),
        Column::Var => "% Var".into(),
        Column::Ytd => "YTD".into(),
        Column::Lytd => "L.YTD".into(),
        Column::Projection => match report.projection {
            Some(p) => format!("Projection {p}"),
            None => "Projection".into(),
        },
        Column::Assessment => "Assessment".into(),
    }
}

/// A comment box's heading: the section as typed, with one colon.
pub(super) fn comment_heading(section: &str) -> String {
    format!("{}:", section.trim().trim_end_matches(':').trim_end())
}

/// `Priority 3: Number of offences`: an appendix chart's title, by the
/// priority's number as written and the indicator's label.
pub(super) fn spc_title(priority: &str, row: &Row) -> String {
    format!("Priority {priority}: {}", row.label)
}

// ---- Alt texts and captions ----------------------------------------------

/// A coloured figure for a screen reader: `271, statistically significant improvement`.
pub(super) fn class_alt(text: &str, class: Class) -> String {
    format!("{}, {}", text, class.words())
}

/// An SPC cell for a screen reader: `SPC: common cause`.
pub(super) fn spc_cell_alt(reading: &str) -> String {
    format!("SPC: {}", reading.to_lowercase())
}

/// A Position v MSG for a screen reader.
pub(super) fn position_alt(text: &str, peers: usize) -> String {
    format!("{text} of {peers} forces in the most similar group")
}

/// The savings chart for a screen reader.
/// The amounts as they are said (`20.3 million pounds`, not "pound twenty
/// point three m": issue #31).
pub(super) fn savings_alt(items: &[SavingsBar]) -> String {
    format!(
        "Bar chart of savings: {}.",
        items
            .iter()
            .map(|b| format!(
                "{}, {}",
                b.label,
                spoken(&b.text).unwrap_or_else(|| b.text.clone())
            ))
            .collect::<Vec<_>>()
            .join("; ")
    )
}

/// Printed under an appendix chart: the reading and the projection in words.
pub(super) fn spc_caption(
    kind: Kind,
    month: Month,
    reading: Class,
    projection: Option<&ProjectionRecord>,
) -> String {
    let mut caption = format!("{}: {}.", month.long_label(), reading_text(reading));
    if let Some(p) = projection {
        let w = |v| figure_words(kind, v);
        let interval = p.interval.map_or_else(String::new, |(l, h)| {
            format!(" (95% prediction interval {} to {})", w(l), w(h))
        });
        let observed = if p.months_observed > 0 {
            format!(
                "; {} months observed, {} projected",
                p.months_observed, p.months_projected
            )
        } else {
            String::new()
        };
        caption.push_str(&format!(
            " Projection {}: {}{interval}, from a {} fitted to the last {} months{observed}.",
            p.year,
            w(p.value),
            if kind == Kind::Proportion {
                "binomial trend on the logit scale"
            } else {
                "straight line"
            },
            p.months_fitted,
        ));
    }
    caption
}

/// What an appendix chart shows, for a screen reader.
pub(super) struct SpcAltFacts<'a> {
    pub row: &'a Row,
    /// The process limits as drawn (clipped to the measure's range).
    pub limits: (f64, f64),
    pub series: &'a [(Month, f64)],
    pub analysis: &'a Analysis,
    pub baseline: FinancialYear,
    /// The series' shape; none for an empty series.
    pub shape: Option<Shape>,
}

/// Which way a monthly series runs, first months against last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Trend {
    Rising,
    Falling,
    Level,
}

/// The shape of an SPC chart's series, as its alt text says it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Shape {
    pub trend: Trend,
    /// Months averaged at each end (12, or a third of a shorter series).
    pub span: usize,
    /// The mean of the first and of the last `span` months.
    pub first: f64,
    pub last: f64,
    pub high: (Month, f64),
    pub low: (Month, f64),
    pub latest: (Month, f64),
}

/// " The monthly figures rise overall: the first 12 months average 4,512,
/// the last 12 4,971; highest 5,240 in July 2015, lowest 3,980 in
/// February 2013. Latest month, December 2015: 4,803."
fn shape_words(kind: Kind, s: &Shape) -> String {
    let w = |v| figure_words(kind, v);
    let way = match s.trend {
        Trend::Rising => "rise overall",
        Trend::Falling => "fall overall",
        Trend::Level => "stay level overall",
    };
    format!(
        " The monthly figures {way}: the first {} average {}, the last {} {}; \
         highest {} in {}, lowest {} in {}. Latest month, {}: {}.",
        crate::input::problem::plural(s.span, "month"),
        w(s.first),
        s.span,
        w(s.last),
        w(s.high.1),
        s.high.0.long_label(),
        w(s.low.1),
        s.low.0.long_label(),
        s.latest.0.long_label(),
        w(s.latest.1),
    )
}

/// "SPC chart of SP11, monthly, April 2012 to December 2015: 59,653 in the
/// latest 12 months, 1% above the 2012/13 baseline of 58,805; statistically
/// significant deterioration. The monthly figures …"
/// The indicator's name is left to the chart's heading, read just before
/// it (a long name was read twice), and the latest reading and the
/// projection to its caption, read just after it (issue #31: December's
/// reading was said four times).
pub(super) fn spc_alt(f: &SpcAltFacts) -> String {
    let label = |m: Option<&(Month, f64)>| m.map(|(m, _)| m.long_label()).unwrap_or_default();
    let (first, last) = (label(f.series.first()), label(f.series.last()));
    let mut s = format!(
        "SPC chart of SP{}, monthly, {first} to {last}",
        f.row.priority
    );
    let mut clauses = Vec::new();
    let latest = f.row.cells.get(&Column::Latest);
    let baseline = f.row.cells.get(&Column::Baseline);
    if let (Some(lv), Some(bv)) = (latest.and_then(|c| c.value), baseline.and_then(|c| c.value)) {
        // The figure's note ("To Feb 27") with it, as the table prints it:
        // the alt text said "76.4% in the latest 12 months" of a figure
        // to February (the second listen-through).
        let note = latest.and_then(|c| c.note.as_deref());
        clauses.push(against_baseline(f.row.kind, lv, bv, f.baseline, note));
    }
    if let Some(c) = latest.and_then(|c| c.class) {
        clauses.push(c.words().to_string());
    }
    // (No clause, a table of YTD columns or an `NA` baseline: no ": ." read
    // as "colon dot".)
    if !clauses.is_empty() {
        s.push_str(": ");
        s.push_str(&clauses.join("; "));
    }
    s.push('.');
    if let Some(shape) = &f.shape {
        s.push_str(&shape_words(f.row.kind, shape));
    }
    let w = |v| figure_words(f.row.kind, v);
    s.push_str(&format!(
        " Centre line (the {} mean) {}, process limits {} to {}.",
        f.baseline,
        w(f.analysis.limits.mean),
        w(f.limits.0),
        w(f.limits.1)
    ));
    let count = |r: Reading| f.analysis.readings.iter().filter(|x| **x == r).count();
    s.push_str(&format!(
        " Special cause points: {} improvement, {} concern.",
        count(Reading::Improvement),
        count(Reading::Concern),
    ));
    s
}

/// `59,653 in the latest 12 months, 1% above the 2012/13 baseline of
/// 58,805`; for a proportion `80.4% …, 4.1 percentage points below … 84.5%`;
/// a figure with a note `76.4% in the latest 12 months (To Feb 27), …`.
/// The change is rounded half away from zero on the exact fraction.
fn against_baseline(
    kind: Kind,
    latest: f64,
    baseline: f64,
    year: FinancialYear,
    note: Option<&str>,
) -> String {
    let (Some(l), Some(b)) = (Exact::from_f64(latest), Exact::from_f64(baseline)) else {
        return String::new();
    };
    let diff = l.minus(&b);
    let (size, unit) = match kind {
        Kind::Proportion => (
            fixed(&diff.times_ten_pow(2), 1, false),
            " percentage points",
        ),
        _ => match diff.ratio(&b) {
            Some(c) => (fixed(&c.times_ten_pow(2), 0, false), "%"),
            None => ("0".to_string(), "%"),
        },
    };
    let size = size.trim_start_matches('-');
    let relation = if size.trim_start_matches(['0', '.']).is_empty() {
        "level with".to_string()
    } else if latest > baseline {
        format!("{size}{unit} above")
    } else {
        format!("{size}{unit} below")
    };
    let note = note.map(|n| format!(" ({n})")).unwrap_or_default();
    format!(
        "{} in the latest {LATEST_MONTHS} months{note}, {relation} the {year} baseline of {}",
        figure_words(kind, latest),
        figure_words(kind, baseline)
    )
}

/// How the appendix's charts are read, for its opening paragraphs.
pub(super) fn appendix_intro(report: &Report, windows: &Windows) -> Vec<String> {
    vec![
        format!(
            "Statistical process control (XmR) charts of each count and proportion indicator (proportions as monthly rates), monthly from {} to {}, read by the NHS Making Data Count rules.",
            windows.baseline.first.long_label(),
            windows.month.long_label()
        ),
        format!(
            "The centre line is the mean of the baseline year {} (shaded) and the dashed process limits are that mean ± 2.66 × the mean moving range. A point is special cause when it lies outside the limits, in a run of {} or more on one side of the mean, in a run of {} or more rising or falling, or is one of two of three beyond the same two-sigma line. Blue rings are special cause improvement, orange squares special cause concern, small grey dots common cause.",
            report.baseline, report.spc_run_length, report.spc_run_length
        ),
        "Where a projection is printed, the purple dashed line is the trend through the last 36 months (at least 24: least squares for a count, a binomial fit on the logit scale for a proportion), carried through the projection year; the months of the year already observed count as observed, and the shaded band is the 95% prediction interval of the year's figure, spread over the months still to come.".to_string(),
    ]
}

// ---- Warnings and the build log ------------------------------------------

/// The home force's `Peers` count is not the pack's own latest 12 months.
pub(super) fn home_count_off(code: &str, home: f64, own: f64, window: Window) -> String {
    format!(
        "the home force's count for {code} is {}, but the pack's own latest 12 months ({}) sum to {} in sheet Monthly: the peers' counts are probably from another period; update them all for the latest 12 months (the Position v MSG compares them)",
        count_text(home),
        window.label(),
        count_text(own)
    )
}

/// An indicator under a panel that prints no rows.
pub(super) fn unused_indicator(code: &str, priority: &str, layout: Layout) -> String {
    format!(
        "{code} is unused: priority {priority} is laid out as {}, which prints no indicator rows",
        if layout == Layout::Savings {
            "savings"
        } else {
            "narrative"
        }
    )
}

/// An indicator with neither a series nor `Values` for some printed columns.
pub(super) fn no_data(code: &str, columns: &[&str]) -> String {
    format!(
        "{code} has no rows in sheet Monthly and no Values entry for {}: {} empty",
        columns.join(", "),
        if columns.len() == 1 {
            "it prints"
        } else {
            "they print"
        }
    )
}

/// A window with months missing from the series.
pub(super) fn window_gap(code: &str, column: Column, window: Window, missing: &[Month]) -> String {
    let prints = if missing.len() < window.months().count() {
        format!("the cell prints {GAP} with a footnote naming the months")
    } else {
        "the cell prints empty".to_string()
    };
    format!(
        "{code}: the {} window ({}) has no data for {}: {prints}",
        column.name(),
        window.label(),
        months_phrase(missing)
    )
}

/// A `Values` entry for a column its panel does not print.
pub(super) fn unused_value(indicator: &str, column: Column) -> String {
    format!(
        "unused: the panel of {indicator} has no {} column, so this value is not printed",
        column.name()
    )
}

/// Log line of a figure taken from `Values` (a blank cell, printed blank,
/// said as `blank`).
pub(super) fn given_log(code: &str, column: Column, text: &str, location: &Location) -> String {
    let text = if text.trim().is_empty() {
        "blank"
    } else {
        text
    };
    format!("{code} {}: {text} from {location}", column.name())
}

/// A `% Var.` given in `Values` that the figures printed before it do not
/// give.
pub(super) fn var_contradicts(
    code: &str,
    given: &str,
    computed: &str,
    now: Column,
    then: Column,
) -> String {
    format!(
        "the % Var. of {code} is given as {given}, but the {} and {} figures printed beside it give {computed}: the pack would print a change its own figures contradict; correct the Values entry (or delete it, and the change is computed)",
        short_heading(then),
        short_heading(now)
    )
}

/// A window column's short heading (`Baseline`, `Latest`, `YTD`, `L.YTD`).
fn short_heading(column: Column) -> &'static str {
    match column {
        Column::Baseline => "Baseline",
        Column::Latest => "Latest",
        Column::Ytd => "YTD",
        Column::Lytd => "L.YTD",
        Column::Var => "% Var.",
        Column::Projection => "Projection",
        Column::Assessment => "Assessment",
    }
}

/// Log line of a window figure taken from `Values`, with what it replaces.
pub(super) fn replaced_log(
    code: &str,
    column: Column,
    text: &str,
    location: &Location,
    computed: Option<String>,
) -> String {
    let computed = match computed {
        Some(c) => format!("replaces {c} computed from Monthly"),
        None => "no figure from Monthly".into(),
    };
    format!("{} ({computed})", given_log(code, column, text, location))
}

/// Log line of a figure printed without a significance test.
pub(super) fn uncoloured_log(code: &str, column: Column, why: NoTest) -> String {
    format!(
        "{code} {}: printed uncoloured, no significance test: {why}",
        column.name()
    )
}

/// The footnote of a figure whose compared windows share months (methods v3).
pub(super) const OVERLAP_FOOTNOTE: &str = "compared windows overlap";

/// The footnote of a count left untested for too few months (methods v3).
pub(super) const TOO_FEW_MONTHS_FOOTNOTE: &str = "too few months to judge the variation";

/// Log line of a count whose class differs from the exact Poisson test's
/// (methods v3): `SP11.offences latest: no significant change by the
/// overdispersed Poisson test (φ̂ = 12.31 on 11 df from its own month
/// pairs, p = 0.5312); the exact Poisson test gives significant
/// deterioration (p = 0.0137)`.
pub(super) fn overdispersed_log(code: &str, column: Column, t: &Tested) -> String {
    let phi = t.dispersion.map_or_else(String::new, |f| {
        let df = t.df.map_or_else(String::new, |d| format!(" on {d} df"));
        let from = match t.pairs_from {
            Some(PairsFrom::Own) => " from its own month pairs",
            Some(PairsFrom::Last24Months) => " from the last 24 months",
            None => "",
        };
        format!("φ̂ = {}{df}{from}, ", fixed_f64(f, 2, false))
    });
    format!(
        "{code} {}: {} by the {} test ({phi}{}); the exact Poisson test gives {} ({})",
        column.name(),
        t.class.short_words(),
        test_words(t.test),
        p_text(t.p_value),
        t.exact_class.short_words(),
        p_text(t.exact_p),
    )
}

/// Log line of a class that differs from methods v2's, and why:
/// `SP11.offences latest: class changed from v2: no significant change
/// (v2: φ* = 15.95, p = 0.5373) → significant deterioration (p = 0.0312);
/// why: …`.
pub(super) fn v2_change_log(
    code: &str,
    column: Column,
    v2: Option<(Class, Option<f64>, f64)>,
    v3: Option<Class>,
    why: V2Why,
) -> String {
    let before = v2.map_or_else(
        || "no test".to_string(),
        |(class, phi, p)| {
            let phi = phi.map_or_else(String::new, |f| {
                format!("φ* = {}, ", fixed_f64(f, 2, false))
            });
            format!("{} (v2: {phi}{})", class.short_words(), p_text(p))
        },
    );
    let (after, reason) = match why {
        V2Why::Overlap => (
            "uncoloured".to_string(),
            "the compared windows overlap, and v3 runs no test on overlapping windows".to_string(),
        ),
        V2Why::TooFewMonths => (
            "uncoloured".to_string(),
            "too few months to judge the variation (v3 needs 3 calendar-month pairs, or the last 24 months to borrow from)".to_string(),
        ),
        V2Why::Tested(t) => {
            let how = match (t.test, t.dispersion, t.df) {
                (Test::OverdispersedPoisson, Some(phi), Some(df)) => format!(
                    "v3 judges the noise by calendar-month pairs, so seasons no longer count as noise (φ̂ = {} on {df} df{}), and tests against Student's t with p = max(p_t, p_exact)",
                    fixed_f64(phi, 2, false),
                    if t.pairs_from == Some(PairsFrom::Last24Months) { " from the last 24 months" } else { "" },
                ),
                _ => format!("v3 runs the {} test here", test_words(t.test)),
            };
            let class = v3.unwrap_or(t.class);
            (format!("{} ({})", class.short_words(), p_text(t.p_value)), how)
        }
    };
    format!(
        "{code} {}: class changed from v2: {before} → {after}; why: {reason}",
        column.name()
    )
}

/// Log line of a class that `Report.significance = fdr` changed (from the
/// comparison's own class, the per-comparison rule of v2 and v3).
pub(super) fn fdr_change_log(
    code: &str,
    column: Column,
    before: Option<Class>,
    after: Class,
    n: usize,
    threshold: Option<f64>,
) -> String {
    let before = before.map_or("no class", |c| c.short_words());
    let threshold = threshold.map_or_else(
        || "none is significant".to_string(),
        |t| format!("threshold {}", p_text(t)),
    );
    format!(
        "{code} {}: class changed by significance = fdr: {before} on its own → {}; why: it allows for the pack's {n} comparisons (Benjamini–Hochberg, {threshold})",
        column.name(),
        after.short_words(),
    )
}

/// The build log's summary of classes changed from methods v2.
pub(super) fn v2_changes_summary(n: usize) -> String {
    match n {
        0 => "methods v3: no printed class differs from methods v2's".to_string(),
        1 => "methods v3: 1 printed class differs from methods v2's (logged above, with why)"
            .to_string(),
        n => format!(
            "methods v3: {n} printed classes differ from methods v2's (logged above, with why)"
        ),
    }
}

/// A test's name in words: `overdispersed Poisson`.
pub(super) fn test_words(test: Test) -> &'static str {
    match test {
        Test::ExactPoisson => "exact Poisson",
        Test::OverdispersedPoisson => "overdispersed Poisson",
        Test::TwoProportionZ => "two-proportion z",
    }
}

/// A p-value in the log: `p = 0.0139` (four decimals), or `p < 0.0001`.
fn p_text(p: f64) -> String {
    if p < 1e-4 {
        "p < 0.0001".into()
    } else {
        format!("p = {}", fixed_f64(p, 4, false))
    }
}

/// A projection year already over by the reporting month: not projected.
pub(super) fn projection_year_over(year: FinancialYear, month: Month) -> String {
    format!(
        "the projection year {year} ended by {}, the reporting month: nothing is projected and the projection cells print empty (name a later year)",
        month.long_label()
    )
}

/// The footnote of a count whose trend falls to 0 within the projection
/// year (methods v3).
pub(super) fn falls_to_zero_footnote(year: FinancialYear) -> String {
    format!("the trend falls to zero before {year}; no projection")
}

/// Log line of a count whose trend falls to 0 within the projection year.
pub(super) fn projection_falls_to_zero(code: &str, year: Window) -> String {
    format!(
        "{code} projection: the fitted trend reaches 0 before {} ends; no projection (the cell prints n/a with a footnote)",
        window_months(year)
    )
}

/// Log line of a projection with too short a series.
pub(super) fn projection_too_short(code: &str, month: Month, found: usize) -> String {
    format!(
        "{code} projection: needs at least {MIN_MONTHS} consecutive months up to {}, found {found}; the cell prints empty",
        month.short_label(),
    )
}

/// An `spc` row without a reading.
pub(super) fn no_spc_reading(code: &str, why: &NoReading) -> String {
    format!("{code}: no SPC reading: {why}")
}

/// A count row without an appendix chart.
pub(super) fn no_spc_chart(code: &str, why: &NoReading) -> String {
    format!("{code}: no SPC chart in the appendix: {why}")
}

impl fmt::Display for NoTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NoTest::NoVariance => "the proportions leave no variance to test against",
            NoTest::NoBase => "a proportion given without its respondents (Base) cannot be tested",
            NoTest::NeedsBoth => "both figures are needed for a test",
            NoTest::TooFewMonths => "too few months to judge the variation (fewer than 3 calendar-month pairs with counts, and not all of the last 24 months in Monthly)",
            NoTest::Overlap => "the compared windows overlap (they share months, so the two figures are not independent)",
        })
    }
}

impl fmt::Display for NoReading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoReading::NoSeries { code } => write!(f, "{code} has no monthly series"),
            NoReading::BaselineGap {
                code,
                baseline,
                missing,
            } => write!(
                f,
                "the baseline year {baseline} needs {BASELINE_MONTHS} monthly values of {code} for the limits, but {} {} missing",
                months_phrase(missing),
                if missing.len() == 1 { "is" } else { "are" }
            ),
            NoReading::SeriesGap {
                code,
                span,
                missing,
            } => write!(
                f,
                "the series of {code} from {} to {} is missing {}",
                span.first.short_label(),
                span.last.short_label(),
                months_phrase(missing)
            ),
            NoReading::TooShort { first } => write!(
                f,
                "an XmR chart needs at least {} months from {}",
                spc::MIN_POINTS_FOR_LIMITS,
                first.short_label()
            ),
        }
    }
}

// ---- Layout ----------------------------------------------------------

/// The edge of a page's body that laid-out content crosses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    Top,
    Bottom,
    Left,
    Right,
}

/// Names a section of the layout, from its marker: `priority 3 "Title"`,
/// `the KEY`, `comment box "Heading"`, `appendix chart "Title"`.
pub fn section_name(kind: &str, code: Option<&str>, title: Option<&str>) -> String {
    let quoted = |t: Option<&str>| {
        t.map(|t| {
            let short: String = t.chars().take(60).collect();
            let more = if short.len() < t.len() { "…" } else { "" };
            format!(" \"{short}{more}\"")
        })
        .unwrap_or_default()
    };
    match kind {
        "priority" => format!("priority {}{}", code.unwrap_or("?"), quoted(title)),
        "key" => "the KEY".to_string(),
        "comment" => format!("comment box{}", quoted(title)),
        "appendix" => format!("appendix chart{}", quoted(title)),
        "" => "the page's opening content".to_string(),
        other => format!("{other}{}", quoted(title)),
    }
}

/// A laid-out section with content outside the page's body:
/// `page 2: priority 3 "Title" runs 12.3 mm past the bottom margin (over the
/// footer), at "text"; ...`.
pub fn overflow_text(page: usize, section: &str, sample: &str, edge: Edge, mm: f64) -> String {
    let past = match edge {
        Edge::Bottom => "past the bottom margin (over the footer)",
        Edge::Top => "above the top margin",
        Edge::Left => "past the left margin",
        Edge::Right => "past the right margin",
    };
    let sample: String = sample.chars().take(40).collect();
    format!(
        "page {page}: {section} runs {mm:.1} mm {past}, at \"{sample}\": expected every line inside \
         the page's body; shorten that text in the workbook (or split the priority), or fix the layout"
    )
}

/// Two runs of a section's text laid over each other: `page 1: priority 3
/// "Title" prints "focused" over "NA" (12.3 mm from the left, 45.6 mm from
/// the top): …`.
pub fn overlap_text(
    page: usize,
    section: &str,
    first: &str,
    second: &str,
    (x, y): (f64, f64),
) -> String {
    let short = |s: &str| s.trim().chars().take(40).collect::<String>();
    format!(
        "page {page}: {section} prints \"{}\" over \"{}\" ({x:.1} mm from the left, {y:.1} mm \
         from the top): expected no text over other text; shorten the label or note in the \
         workbook (or print fewer columns for that priority), or fix the layout",
        short(first),
        short(second)
    )
}

/// Marks a panel's title where it continues onto a further column or page.
pub const CONTINUED: &str = "(continued)";

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (the second listen-through): the KEY's months were read
    /// "Apr 2023 Mar 2024", the dash unsaid.
    #[test]
    fn the_keys_months_are_said_in_words() {
        let said = |t| spoken(t).unwrap();
        assert_eq!(
            said("Apr 2023–Mar 2024 (12 months)"),
            "April 2023 to March 2024 (12 months)"
        );
        assert_eq!(
            said("Jan–Dec 2015 (12 months)"),
            "January to December 2015 (12 months)"
        );
        assert_eq!(said("Dec 2015 (1 month)"), "December 2015 (1 month)");
        // Workbook text that only looks like it is left as typed.
        for t in [
            "Apr 2023–Mar 2024",
            "Apt 2023 (12 months)",
            "Victims (12 months)",
            "Apr 23–Mar 24 (12 months)",
        ] {
            assert_eq!(spoken(t), None, "{t}");
        }
    }

    /// Regression: six comparisons printed "about 0 of them would still
    /// show as significant", which reads as "none".
    #[test]
    fn fewer_than_one_expected_false_alarm_is_not_said_about_0() {
        assert_eq!(
            comparisons_sentence(6, 0),
            "This pack makes 6 comparisons; with no real change anywhere, fewer than one of them would still show as significant."
        );
        assert_eq!(
            comparisons_sentence(17, 1),
            "This pack makes 17 comparisons; with no real change anywhere, about 1 of them would still show as significant."
        );
    }

    /// Regression: a blank `Values` cell was logged as `baseline:  from …`.
    #[test]
    fn a_blank_value_in_the_log_is_said_blank() {
        let at = Location::cell("Values", 33, 2);
        assert_eq!(
            given_log("SP2.offending", Column::Baseline, "", &at),
            "SP2.offending baseline: blank from Values!C34"
        );
        assert_eq!(
            given_log("SP3.completions", Column::Ytd, "NA", &at),
            "SP3.completions ytd: NA from Values!C34"
        );
    }

    #[test]
    fn p_values_in_the_log_read_p_equals_or_p_below() {
        assert_eq!(p_text(0.013_93), "p = 0.0139");
        assert_eq!(p_text(0.000_01), "p < 0.0001");
    }

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
        // Halves round away from zero on the decimal typed (methods v3).
        assert_eq!(format!("{:.1}", 20.15f64), "20.1");
        assert_eq!(money_text(20.15), "£20.2m");
        assert_eq!(money_text(20.25), "£20.3m");
        assert_eq!(money_text(-0.04), "£0.0m");
        assert_eq!(grouped(59653.0), "59,653");
        assert_eq!(grouped(1_234_567.0), "1,234,567");
        assert_eq!(grouped(667.0), "667");
    }

    #[test]
    fn exact_halves_and_no_minus_zero_in_printed_forms() {
        // Methods v2: rounding on the exact fraction, half away from zero.
        assert_eq!(percent_text(69.0 / 400.0), "17.3%");
        assert_eq!(var_text((63.0 - 40.0) / 40.0), "+58%");
        assert_eq!(var_text((40.0 - 63.0) / 63.0), "-37%");
        assert_eq!(var_text(-0.005), "-1%");
        let e = |v: f64| Exact::from_f64(v).unwrap();
        assert_eq!(points_exact(&e(0.804).minus(&e(0.845))), "-4.1pp");
        assert_eq!(points_exact(&e(0.006)), "+0.6pp");
        assert_eq!(points_exact(&e(-0.0004)), "0.0pp");
        // Never `-0`, in cells, alt texts and captions.
        assert_eq!(grouped(-0.4), "0");
        assert_eq!(grouped(-1146.0), "-1,146");
        assert_eq!(count_text(-0.04), "0.0");
        assert_eq!(count_text(-0.0), "0");
        assert_eq!(figure_words(Kind::Proportion, 0.1725), "17.3%");
    }

    #[test]
    fn a_windows_months_name_the_year_once_where_they_share_it() {
        let m = |y, mo| Month::new(y, mo).unwrap();
        let w = |first, last| Window { first, last };
        assert_eq!(window_months(w(m(2015, 1), m(2015, 12))), "Jan–Dec 2015");
        assert_eq!(
            window_months(w(m(2015, 4), m(2016, 3))),
            "Apr 2015–Mar 2016"
        );
        assert_eq!(window_months(w(m(2016, 4), m(2016, 4))), "Apr 2016");
    }

    #[test]
    fn the_force_is_named_with_its_area_where_given() {
        assert_eq!(
            force_name(
                "Leicestershire",
                Some("Leicester, Leicestershire and Rutland")
            ),
            "Leicestershire (Leicester, Leicestershire and Rutland)"
        );
        assert_eq!(force_name("Northshire", None), "Northshire");
        assert_eq!(force_name("Northshire", Some("  ")), "Northshire");
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
    fn shape_words_say_the_way_the_extremes_and_the_latest_month() {
        let m = |y, mo| Month::new(y, mo).unwrap();
        let shape = Shape {
            trend: Trend::Rising,
            span: 12,
            first: 4512.4,
            last: 4970.6,
            high: (m(2015, 7), 5240.0),
            low: (m(2013, 2), 3980.0),
            latest: (m(2015, 12), 4803.0),
        };
        assert_eq!(
            shape_words(Kind::Count, &shape),
            " The monthly figures rise overall: the first 12 months average 4,512, \
             the last 12 4,971; highest 5,240 in July 2015, lowest 3,980 in February 2013. \
             Latest month, December 2015: 4,803."
        );
        let level = Shape {
            trend: Trend::Level,
            span: 1,
            first: 0.845,
            last: 0.85,
            ..shape
        };
        assert!(shape_words(Kind::Proportion, &level).starts_with(
            " The monthly figures stay level overall: the first 1 month average 84.5%,"
        ));
    }
}

#[cfg(test)]
mod spoken_tests {
    use super::*;

    /// Issue #31 (8): `NA`, `L.YTD` and `£20.3m` were misread aloud.
    #[test]
    fn abbreviations_and_money_have_a_spoken_form() {
        assert_eq!(spoken("NA").as_deref(), Some("not available"));
        assert_eq!(spoken("L.YTD").as_deref(), Some("last year to date"));
        assert_eq!(spoken("% Var").as_deref(), Some("percentage variance"));
        assert_eq!(
            spoken(&money_text(20.3)).as_deref(),
            Some("20.3 million pounds")
        );
        assert_eq!(spoken("£-1.5m").as_deref(), Some("-1.5 million pounds"));
        assert_eq!(spoken("59653"), None);
        assert_eq!(spoken("£ millions"), None);
        assert_eq!(empty_cell_words(crate::input::Kind::Rank), "not applicable");
        assert_eq!(empty_cell_words(crate::input::Kind::Count), "no data");
    }
}
