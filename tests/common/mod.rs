//! Helpers shared by the integration tests: building workbooks in memory,
//! running the pipeline, and reading PDFs back with Rust crates only.

#![allow(dead_code)]

pub mod cells;
pub mod cumbria;
pub mod glyphs;
pub mod unseen;

use boardpack::pipeline::{self, Built};
use boardpack::render::document::RenderOptions;
use boardpack::support::xlsx::{Value, WorkbookData};
pub use cells::t;

/// The sample workbook as data, to mutate.
pub fn sample() -> WorkbookData {
    boardpack::support::sample::sample()
}

/// The committed sample workbook's bytes.
pub fn sample_bytes() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/inputs/dashboard-2015-12.xlsx"
    ))
    .expect("the sample workbook is committed")
}

/// Builds a draft from workbook data.
pub fn build(data: &WorkbookData) -> Built {
    let bytes = data.to_bytes().expect("workbook writes");
    pipeline::build(&bytes, RenderOptions::draft).expect("workbook builds")
}

/// The text of a PDF, whitespace folded, as the fidelity check reads it.
pub fn pdf_text(pdf: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(pdf).expect("the PDF's text extracts");
    normalise(&text)
}

/// Folds white space and the typographic variants the fidelity check folds.
pub fn normalise(text: &str) -> String {
    let t = text
        .replace(['\u{2212}', '\u{2013}', '\u{2014}'], "-")
        .replace(['\u{2019}', '\u{2018}'], "'")
        .replace(['\u{201c}', '\u{201d}'], "\"")
        .replace('\u{fb01}', "fi")
        .replace('\u{fb02}', "fl")
        .replace('\u{a0}', " ");
    t.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The row index (0 = header) in `sheet` whose first cell is `key`.
pub fn row_of(data: &WorkbookData, sheet: &str, key: &str) -> usize {
    let s = data.sheet(sheet).expect("sheet exists");
    s.rows
        .iter()
        .position(|r| match r.first() {
            Some(Value::Text(x)) => x == key,
            Some(Value::Number(n)) => format!("{n}") == key,
            _ => false,
        })
        .unwrap_or_else(|| panic!("{sheet} has a row {key}"))
}

/// A small workbook of the contract: one table priority with a count
/// indicator `C` (polarity down), a proportion `P`, a rank and an SPC row,
/// monthly from April 2012 to December 2015. `count(month_index)` gives
/// the count of each month (0 = April 2012).
pub fn minimal(count: impl Fn(usize) -> f64) -> WorkbookData {
    use boardpack::methods::period::Month;
    use boardpack::support::xlsx::SheetData;
    use chrono::NaiveDate;
    let mut report = SheetData::new("Report", &["Field", "Value"]);
    report
        .row(vec![t("title"), t("Test Dashboard")])
        .row(vec![
            t("period_end"),
            Value::Date(NaiveDate::from_ymd_opt(2015, 12, 31).unwrap()),
        ])
        .row(vec![t("force"), t("Home")])
        .row(vec![t("baseline"), t("2012/13")])
        .row(vec![t("projection"), t("2016/17")]);
    let mut pri = SheetData::new(
        "Priorities",
        &["Code", "Title", "Layout", "Columns", "Note"],
    );
    pri.row(vec![
        t("1"),
        t("Test priority"),
        t("table"),
        t("baseline, latest, var, projection"),
        Value::Empty,
    ]);
    let mut ind = SheetData::new(
        "Indicators",
        &[
            "Code", "Priority", "Label", "Kind", "Polarity", "Source", "Footnote", "Note",
        ],
    );
    ind.row(vec![
        t("C"),
        t("1"),
        t("Count row"),
        t("count"),
        t("down"),
        Value::Empty,
        Value::Empty,
        Value::Empty,
    ]);
    ind.row(vec![
        t("P"),
        t("1"),
        t("Proportion row"),
        t("proportion"),
        t("up"),
        Value::Empty,
        Value::Empty,
        Value::Empty,
    ]);
    ind.row(vec![
        t("R"),
        t("1"),
        t("Position v MSG"),
        t("rank"),
        Value::Empty,
        t("C"),
        Value::Empty,
        Value::Empty,
    ]);
    ind.row(vec![
        t("S"),
        t("1"),
        t("SPC variance"),
        t("spc"),
        Value::Empty,
        t("C"),
        Value::Empty,
        Value::Empty,
    ]);
    let mut monthly = SheetData::new("Monthly", &["Indicator", "Month", "Value", "Base"]);
    let first = Month::new(2012, 4).unwrap();
    for i in 0..45 {
        let m = first.plus(i as i64);
        let d = NaiveDate::from_ymd_opt(m.year, m.month, 1).unwrap();
        monthly.row(vec![t("C"), Value::Date(d), Value::Number(count(i))]);
        monthly.row(vec![
            t("P"),
            Value::Date(d),
            Value::Number(80.0),
            Value::Number(100.0),
        ]);
    }
    // The home force's count is the latest 12 months' (contract v3 warns
    // of one that is not); North's rate is half the home's, South's 1.5
    // times: the home force is 2nd.
    let home: f64 = (33..45).map(&count).sum();
    let mut peers = SheetData::new("Peers", &["Indicator", "Force", "Value", "Population"]);
    peers
        .row(vec![
            t("C"),
            t("Home"),
            Value::Number(home),
            Value::Number(1000.0),
        ])
        .row(vec![
            t("C"),
            t("North"),
            Value::Number((home / 2.0).round()),
            Value::Number(1000.0),
        ])
        .row(vec![
            t("C"),
            t("South"),
            Value::Number(home * 3.0),
            Value::Number(2000.0),
        ]);
    WorkbookData {
        sheets: vec![report, pri, ind, monthly, peers],
        date_1904: false,
    }
}

/// Computes the records of workbook data, panicking on workbook errors.
pub fn records(data: &WorkbookData) -> boardpack::Computed {
    let bytes = data.to_bytes().expect("workbook writes");
    match boardpack::pipeline::records(&bytes) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

/// The workbook errors of workbook data, as printed lines.
pub fn errors(data: &WorkbookData) -> Vec<String> {
    errors_of(&data.to_bytes().expect("workbook writes"))
}

/// The workbook errors of a workbook's bytes, as printed lines (or the one
/// line of a file refused or not a workbook).
pub fn errors_of(bytes: &[u8]) -> Vec<String> {
    match boardpack::pipeline::records(bytes) {
        Ok(_) => Vec::new(),
        Err(boardpack::input::LoadError::Invalid(e)) => e
            .problems
            .iter()
            .filter(|p| p.is_error())
            .map(|p| p.to_string())
            .collect(),
        Err(e) => vec![e.to_string()],
    }
}

/// A cell of a computed row.
pub fn cell(
    c: &boardpack::Computed,
    code: &str,
    column: boardpack::input::Column,
) -> Option<boardpack::compute::records::Cell> {
    c.records
        .rows
        .iter()
        .find(|r| r.code == code)
        .and_then(|r| r.cells.get(&column).cloned())
}

/// A temporary folder holding the sample workbook under `name` (deleted
/// with any read-only archive signed off in it).
pub fn dir_with_sample(name: &str) -> Scratch {
    let dir = Scratch::new();
    std::fs::write(dir.path().join(name), sample_bytes()).expect("the sample is written");
    dir
}

/// A layout folder `lay` in `dir` holding the built-in layout as its
/// `main.typ`.
pub fn dashboard_layout_folder(dir: &std::path::Path) -> std::path::PathBuf {
    let lay = dir.join("lay");
    std::fs::create_dir(&lay).unwrap();
    std::fs::write(
        lay.join("main.typ"),
        boardpack::render::layout::DASHBOARD_LAYOUT,
    )
    .unwrap();
    lay
}

/// Runs the `boardpack` binary in `dir`.
pub fn run(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .args(args)
        .current_dir(dir)
        .env_remove("BOARDPACK_ARCHIVE")
        .output()
        .expect("the binary runs")
}

/// Signs `workbook` off in `dir` by "J", "S" on `date`, into `archive`,
/// with any `more` arguments.
pub fn sign_off(
    dir: &std::path::Path,
    workbook: &str,
    date: &str,
    archive: &str,
    more: &[&str],
) -> std::process::Output {
    let mut args = vec!["sign-off", workbook, "--by", "J", "--role", "S"];
    args.extend(["--date", date, "--archive", archive]);
    args.extend(more);
    run(dir, &args)
}

/// Figures and phrases of the published dashboard, split as the fidelity
/// tool splits them (`tests/fixtures/published-dashboard-2015-12.txt`).
pub fn published() -> (Vec<String>, Vec<String>) {
    let text = include_str!("../fixtures/published-dashboard-2015-12.txt");
    let skip = ["", "£ millions", "KEY :", "Note :"];
    let layout_words = [
        "NA",
        "Baseline 2012/13",
        "Latest 12 months",
        "% Var.",
        "% Var",
        "YTD",
        "L.YTD",
        "Projection 2016/17",
        "Assessment",
    ];
    let (mut figures, mut phrases) = (Vec::new(), Vec::new());
    for raw in text.lines() {
        if skip.contains(&raw.trim()) {
            continue;
        }
        for cell in raw.split('\t').map(str::trim).filter(|c| !c.is_empty()) {
            let is_figure = {
                let c = cell.trim_end_matches('%');
                let c = c.strip_prefix('-').unwrap_or(c);
                let ordinal = ["st", "nd", "rd", "th"].iter().any(|s| {
                    cell.strip_suffix(s)
                        .is_some_and(|n| n.parse::<u32>().is_ok())
                });
                ordinal
                    || (!c.is_empty()
                        && c.chars()
                            .all(|ch| ch.is_ascii_digit() || ch == '.' || ch == ','))
            };
            if is_figure {
                figures.push(cell.replace(',', ""));
            } else if !layout_words.contains(&cell) {
                // Drop a footnote marker, a leading priority number, a bullet dash.
                let mut c = cell.to_string();
                if let Some((head, last)) = c.rsplit_once(' ') {
                    if last.len() == 1 && last.chars().all(|ch| ch.is_ascii_digit()) {
                        c = head.to_string();
                    }
                }
                if let Some((first, rest)) = c.split_once(' ') {
                    let code = first.trim_end_matches(['A', 'B']);
                    if !code.is_empty()
                        && code.len() <= 2
                        && code.chars().all(|ch| ch.is_ascii_digit())
                        && rest.starts_with(|ch: char| ch.is_ascii_uppercase())
                    {
                        c = rest.to_string();
                    }
                }
                let c = c.trim_start_matches(['-', ' ']).to_string();
                if c.len() >= 4 {
                    phrases.push(c);
                }
            }
        }
    }
    (figures, phrases)
}

// ---- Reading a PDF's structure tree as a screen reader meets it ----------

// (In the library, which `cargo run --example listen` uses too.)
#[allow(unused_imports)]
pub use boardpack::render::reading::{listen, reading, resolve, Elem};

/// The indices of element `i`'s ancestors in a reading, nearest first, up
/// to the root (0).
pub fn ancestors(r: &[Elem], mut i: usize) -> Vec<usize> {
    let mut out = Vec::new();
    while i != 0 {
        i = r[i].parent;
        out.push(i);
    }
    out
}

/// Element `i`'s nearest ancestor of `role` in a reading.
pub fn within(r: &[Elem], i: usize, role: &str) -> Option<usize> {
    ancestors(r, i).into_iter().find(|&a| r[a].role == role)
}

/// Gives back the write bits that sign-off takes from an archive's files
/// and folders, under `path` (links left alone), so that a test can tamper
/// with an archive and its temporary folder can be deleted.
pub fn writable(path: &std::path::Path) {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
    if meta.file_type().is_symlink() {
        return;
    }
    #[cfg(unix)]
    let permissions = {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() | if meta.is_dir() { 0o700 } else { 0o600 };
        std::fs::Permissions::from_mode(mode)
    };
    #[cfg(not(unix))]
    #[allow(clippy::permissions_set_readonly_false)]
    let permissions = {
        let mut p = meta.permissions();
        p.set_readonly(false);
        p
    };
    let _ = std::fs::set_permissions(path, permissions);
    if meta.is_dir() {
        for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
            writable(&entry.path());
        }
    }
}

/// A temporary folder that may hold an archive (read-only folders and
/// all): made writable again and deleted when dropped.
pub struct Scratch(pub tempfile::TempDir);

impl Scratch {
    pub fn new() -> Scratch {
        Scratch(tempfile::tempdir().expect("a temporary folder"))
    }

    pub fn path(&self) -> &std::path::Path {
        self.0.path()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        writable(self.0.path());
    }
}

/// Copies a folder (not following links), its copy writable.
pub fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_tree(&src, &dst);
        } else if kind.is_symlink() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(std::fs::read_link(&src).unwrap(), &dst).unwrap();
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
    writable(to);
}
