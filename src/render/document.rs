//! Stage 4: [`Records`] + [`Charts`] → PDF bytes. The Typst layout
//! (`layouts/dashboard.typ`) is compiled in-process in the in-memory world of
//! [`crate::render::world`]: the records and palette as JSON, the charts as
//! SVG, the embedded fonts, the clock pinned, so the same inputs give the
//! same bytes.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use typst::foundations::Bytes;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard};

use crate::compute::records::Records;
use crate::compute::wording;
pub use crate::compute::wording::{APPENDIX_TITLE, DRAFT_MARK};
use crate::render::charts::Charts;
pub use crate::render::world::LayoutError;
use crate::render::world::{pdf_options, project_main, read_project, FontSet, PackWorld, EMBEDDED};
use crate::render::{budget, overflow, theme};

pub use crate::render::layout::{Layout, DASHBOARD_LAYOUT, MAIN};

/// How to render a pack.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The layout's source and the name shown in its diagnostics.
    pub layout: Layout,
    /// A draft carries "DRAFT — not signed off" on every page.
    pub draft: bool,
    /// The document's date (the sign-off date; for drafts the period end).
    pub date: NaiveDate,
    /// Printed in the sign-off block of a final pack.
    pub sign_off: Option<SignOffBlock>,
    /// PDF/A-3b on top of PDF/UA-1 (final packs).
    pub archival: bool,
    /// Files attached to the PDF (name, bytes, relationship, MIME type, description).
    pub attachments: Vec<Attachment>,
}

/// Who signed the pack off.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SignOffBlock {
    pub by: String,
    pub role: String,
    /// `31 January 2016`.
    pub date: String,
    pub reason: Option<String>,
    /// v2 and later: `Version 2 — supersedes version 1 of 28 January 2016:
    /// REASON`, printed on the first page and in the metadata.
    pub supersedes: Option<String>,
}

/// A file embedded in the PDF.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub name: String,
    pub bytes: Vec<u8>,
    /// `Source`, `Data`, …
    pub relationship: String,
    pub mime: String,
    pub description: String,
}

impl RenderOptions {
    /// A draft of the built-in layout dated at the period end.
    pub fn draft(records: &Records) -> RenderOptions {
        let date = records.report.period_end;
        RenderOptions {
            layout: Layout::default(),
            draft: true,
            date,
            sign_off: None,
            archival: false,
            attachments: Vec::new(),
        }
    }
}

/// What the layout reads besides the records: how to render.
#[derive(serde::Serialize)]
struct RenderInfo<'a> {
    /// The PDF's title, as viewers show it.
    title: String,
    description: String,
    appendix_title: &'static str,
    /// The heading over the KEY's months.
    key_periods_heading: &'static str,
    /// Marks a panel's title where it continues onto a further column or page.
    continued: &'static str,
    draft: bool,
    /// "DRAFT — not signed off", printed in the footer and at the top.
    draft_mark: &'static str,
    date: String,
    sign_off: Option<&'a SignOffBlock>,
    charts: BTreeMap<&'a str, ChartInfo>,
    attachments: Vec<AttachmentInfo<'a>>,
    keywords: Vec<String>,
    /// The priorities (by key) whose panels are too tall for a column, to
    /// be laid out to flow on ([`compile`] finds them).
    long_panels: &'a [String],
    /// The draft's watermark (drawn letters) and an empty cell's dash.
    watermark: String,
    dash: String,
    /// What an empty cell says, by the row's kind ("no data", "not applicable").
    empty_cells: BTreeMap<&'static str, &'static str>,
    /// Each table's summary for a screen reader, by priority key.
    table_summaries: BTreeMap<&'a str, String>,
    /// The highlight colour that marks each printed abbreviation for its
    /// expansion (`NA`: "not available"; see [`super::tagging`]).
    spoken: BTreeMap<String, String>,
    /// The highlight colour that marks a run the layout lets break
    /// anywhere, to be read as one word (see [`super::tagging`]).
    whole_run: String,
    /// Each priority's title (by key) in parts, each amount in money
    /// (`£20m`) a part of its own, so that the layout can print it through
    /// `said()` without reading the text itself.
    titles: BTreeMap<&'a str, Vec<&'a str>>,
}

#[derive(serde::Serialize)]
struct ChartInfo {
    width: f64,
    height: f64,
    rows: Vec<f64>,
}

#[derive(serde::Serialize)]
struct AttachmentInfo<'a> {
    path: String,
    name: &'a str,
    relationship: &'a str,
    mime: &'a str,
    description: &'a str,
}

pub use crate::render::layout::THEME_FILE;

/// How the JSON files are written: compact for the world a build compiles
/// in (less for Typst to parse), indented for a project an analyst reads
/// and edits (`--emit-typst`, its `theme.json` above all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Json {
    Compact,
    Indented,
}

impl Json {
    fn bytes(self, value: &impl serde::Serialize) -> Vec<u8> {
        match self {
            Json::Compact => serde_json::to_vec(value),
            Json::Indented => serde_json::to_vec_pretty(value),
        }
        .expect("the layout's data serialises")
    }
}

/// Files the layout can read, by path: what `--emit-typst` writes out too.
/// `long_panels` are the priorities whose panels flow on ([`compile`]).
pub fn layout_files(
    records: &Records,
    charts: &Charts,
    options: &RenderOptions,
    long_panels: &[String],
    json: Json,
) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    files.insert("/records.json".to_string(), json.bytes(records));
    files.insert(THEME_FILE.to_string(), json.bytes(&theme::theme()));
    files.insert(
        RENDER_FILE.to_string(),
        render_json(records, charts, options, long_panels, json),
    );
    for c in charts.charts.values() {
        files.insert(c.id.path().to_string(), c.svg.clone().into_bytes());
    }
    for a in &options.attachments {
        files.insert(format!("/attachments/{}", a.name), a.bytes.clone());
    }
    files
}

/// The path of what the build tells the layout ([`render_json`]).
const RENDER_FILE: &str = "/render.json";

/// `render.json`: what the build tells the layout beside the records (the
/// document's title and keywords, the charts' sizes, the attachments, the
/// panels that flow on).
fn render_json(
    records: &Records,
    charts: &Charts,
    options: &RenderOptions,
    long_panels: &[String],
    json: Json,
) -> Vec<u8> {
    let info = RenderInfo {
        title: wording::document_title(&records.report, options.draft),
        description: wording::document_description(&records.report, options.draft)
            + &superseding(options)
                .map(|line| format!(". {line}"))
                .unwrap_or_default(),
        appendix_title: APPENDIX_TITLE,
        key_periods_heading: wording::KEY_PERIODS_HEADING,
        continued: wording::CONTINUED,
        draft: options.draft,
        draft_mark: DRAFT_MARK,
        date: options.date.to_string(),
        sign_off: options.sign_off.as_ref(),
        charts: charts
            .charts
            .values()
            .map(|c| {
                (
                    c.id.path(),
                    ChartInfo {
                        width: c.width,
                        height: c.height,
                        rows: c.rows.clone(),
                    },
                )
            })
            .collect(),
        attachments: options
            .attachments
            .iter()
            .map(|a| AttachmentInfo {
                path: format!("/attachments/{}", a.name),
                name: &a.name,
                relationship: &a.relationship,
                mime: &a.mime,
                description: &a.description,
            })
            .collect(),
        keywords: keywords(records, options.draft)
            .into_iter()
            .chain(superseding(options).map(str::to_string))
            .collect(),
        long_panels,
        watermark: crate::compute::records::ChartId::watermark()
            .path()
            .to_string(),
        dash: crate::compute::records::ChartId::dash().path().to_string(),
        empty_cells: crate::input::Kind::ALL
            .iter()
            .map(|k| (k.name(), wording::empty_cell_words(*k)))
            .collect(),
        table_summaries: records
            .priorities
            .iter()
            .map(|p| (p.key.as_str(), wording::table_summary(p)))
            .collect(),
        spoken: super::tagging::marks(&super::tagging::abbreviations(records))
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        whole_run: super::tagging::whole_run_mark(),
        titles: records
            .priorities
            .iter()
            .map(|p| {
                let parts = wording::money_parts(&p.title);
                (p.key.as_str(), parts.into_iter().map(|(t, _)| t).collect())
            })
            .collect(),
    };
    json.bytes(&info)
}

/// The supersedes line of a v2+ pack.
fn superseding(options: &RenderOptions) -> Option<&str> {
    options.sign_off.as_ref()?.supersedes.as_deref()
}

fn keywords(records: &Records, draft: bool) -> Vec<String> {
    let mut k = vec![
        records.report.title.clone(),
        records.report.force.clone(),
        records.report.period_label.clone(),
    ];
    if let Some(b) = &records.report.board {
        k.push(b.clone());
    }
    k.push(
        if draft {
            "DRAFT, not signed off"
        } else {
            "signed off"
        }
        .to_string(),
    );
    k
}

/// Every file of the layout's world: the layout folder's files, then the
/// pack's own data ([`layout_files`]) over them; only the palette may come
/// from the folder (a branded `theme.json`). What `--emit-typst` writes.
pub fn world_files(
    records: &Records,
    charts: &Charts,
    options: &RenderOptions,
    long_panels: &[String],
    json: Json,
) -> BTreeMap<String, Vec<u8>> {
    let mut files = options.layout.files.clone();
    for (path, bytes) in layout_files(records, charts, options, long_panels, json) {
        if path == THEME_FILE && files.contains_key(THEME_FILE) {
            continue;
        }
        files.insert(path, bytes);
    }
    files
}

/// The files of an ejected project (`--emit-typst`) that are the layout's
/// own, by their path from the folder: `main.typ`, `theme.json` and the
/// layout folder's other files (a logo, imports), as they would be
/// written. The rest (records, render data, charts, fonts) is the build's.
pub fn ejected_layout_files(layout: &Layout) -> BTreeMap<String, Vec<u8>> {
    let mut files = layout.files.clone();
    files
        .entry(THEME_FILE.to_string())
        .or_insert_with(|| Json::Indented.bytes(&theme::theme()));
    files.insert(format!("/{MAIN}"), layout.source.clone().into_bytes());
    files
}

/// Prepares, on the calling thread, what every compilation shares (the
/// embedded fonts, Typst's standard library, the charts' fonts): a build
/// runs it beside the reading of the workbook.
pub fn warm_up() {
    crate::render::world::warm_up();
    crate::render::fonts::register_for_charts();
}

/// Drops Typst's memoised results older than `max_age` compilations, as a
/// long-running process (watch, a fuzzer) should between builds.
pub fn evict_cache(max_age: usize) {
    typst::comemo::evict(max_age);
}

/// Compiles the layout and exports the PDF.
pub fn render(
    records: &Records,
    charts: &Charts,
    options: &RenderOptions,
) -> Result<Vec<u8>, LayoutError> {
    compile(records, charts, options)?.pdf()
}

/// At most this many layouts of one pack: the first lays every panel out
/// whole, later ones let the panels found too tall flow on.
const MAX_LAYOUT_ROUNDS: usize = 4;

/// A laid-out pack, ready for PDF export.
pub struct Compiled {
    world: std::sync::Arc<PackWorld<'static>>,
    document: std::sync::Arc<PagedDocument>,
    options: std::sync::Arc<PdfOptions>,
    /// The compilation's deadline, which the export keeps to.
    deadline: budget::Deadline,
    warnings: Vec<String>,
    long_panels: Vec<String>,
    /// The abbreviations the layout marks, for their expansions.
    abbreviations: Vec<String>,
}

/// Lays the pack out: compiles the layout with the records and charts.
///
/// Every panel is laid out whole first. A panel that runs past its column
/// (the overflow check names it) is then laid out again to flow on, with
/// its key in `render.long_panels`: one more compilation, which reuses
/// Typst's memoised work for everything else, instead of measuring every
/// panel in the layout. What still runs off a page is an error.
pub fn compile(
    records: &Records,
    charts: &Charts,
    options: &RenderOptions,
) -> Result<Compiled, LayoutError> {
    // Every round and the export within one time budget (and the memory
    // budget): a layout is code, which may loop or allocate without end.
    let deadline = budget::Deadline::start(&options.layout.name);
    let mut long_panels: Vec<String> = Vec::new();
    let mut rounds = 0;
    // The records, charts and theme are serialised once; a later round
    // changes only `render.json` (its `long_panels`).
    let mut files: BTreeMap<String, Bytes> =
        world_files(records, charts, options, &long_panels, Json::Compact)
            .into_iter()
            .map(|(k, v)| (k, Bytes::new(v)))
            .collect();
    let (world, document, warnings) = loop {
        rounds += 1;
        if rounds > 1 {
            let render = render_json(records, charts, options, &long_panels, Json::Compact);
            files.insert(RENDER_FILE.to_string(), Bytes::new(render));
        }
        let world = PackWorld::new(
            &EMBEDDED,
            &options.layout.name,
            options.layout.source.clone(),
            files.clone(),
            options.date,
        )?;
        let (world, compiled) = budget::within(&deadline, move || {
            let compiled = world.compile();
            (world, compiled)
        })?;
        let (document, warnings) = compiled?;
        let found = overflow::inspect(&document);
        let past = found.overflows.iter().filter_map(|o| o.panel.as_ref());
        let new: Vec<&String> = found
            .long_panels
            .iter()
            .chain(past)
            .filter(|key| !long_panels.contains(key))
            .collect();
        // Each round adds panels to flow on; a few rounds settle any pack
        // (panels too tall for a column are found in the first).
        if !new.is_empty() && rounds < MAX_LAYOUT_ROUNDS {
            long_panels.extend(new.into_iter().cloned());
            long_panels.sort();
            long_panels.dedup();
            continue;
        }
        // Nothing new to flow on (or a layout that does not read
        // `long_panels`): what overflows is the analyst's to fix.
        // Text over other text in a section (a figure over a label's
        // word) is as unreadable as text off the page.
        if !found.overflows.is_empty() || !found.overlaps.is_empty() {
            let overflows = found.overflows.iter().map(|o| o.message());
            let overlaps = found.overlaps.iter().map(|o| o.message());
            return Err(LayoutError {
                diagnostics: overflows.chain(overlaps).collect(),
            });
        }
        break (world, document, warnings);
    };
    let mut standards = vec![PdfStandard::Ua_1];
    if options.archival {
        standards.push(PdfStandard::A_3b);
    }
    let ident = format!(
        "boardpack/{}/{}",
        records.report.period_end,
        if options.draft { "draft" } else { "final" }
    );
    Ok(Compiled {
        options: std::sync::Arc::new(pdf_options(ident, options.date, &standards)?),
        world: std::sync::Arc::new(world),
        document: std::sync::Arc::new(document),
        deadline,
        warnings,
        long_panels,
        abbreviations: super::tagging::abbreviations(records),
    })
}

impl Compiled {
    /// Exports the PDF: tagged, PDF/UA-1 (and PDF/A-3b for final packs).
    pub fn pdf(&self) -> Result<Vec<u8>, LayoutError> {
        let (world, document, options) = (
            self.world.clone(),
            self.document.clone(),
            self.options.clone(),
        );
        let pdf = budget::within(&self.deadline, move || world.export(&document, &options))??;
        // What Typst 0.15 cannot tag (issue #31): expansions, footnote
        // marks' roles, a spanning cell's headers.
        super::tagging::refine(pdf, &self.abbreviations).map_err(|e| LayoutError {
            diagnostics: vec![format!(
                "the exported PDF's structure cannot be completed: {e}"
            )],
        })
    }

    /// The priorities (by key) whose panels were too tall for a column and
    /// flow on: what `--emit-typst` writes into `render.json` for the same
    /// pages.
    pub fn long_panels(&self) -> &[String] {
        &self.long_panels
    }

    /// Number of pages.
    pub fn pages(&self) -> usize {
        self.document.pages().len()
    }

    /// Typst's warnings on a layout that compiled, as
    /// `FILE:LINE:COL: warning: message` with the source line.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
}

/// Compiles a Typst project on disk the way the Typst engine alone does
/// (`typst compile --features a11y-extras --root DIR --font-path DIR/fonts --ignore-system-fonts
/// DIR/main.typ`): every file under `dir` is in the world, the fonts come
/// from `dir/fonts`, nothing else. Returns the PDF, exported as drafts are.
pub fn render_project(dir: &std::path::Path, date: NaiveDate) -> Result<Vec<u8>, LayoutError> {
    let (files, fonts) = read_project(dir)?;
    let source = project_main(dir, &files)?;
    let fonts = FontSet::new(fonts);
    let world = PackWorld::new(&fonts, "main.typ", source, files, date)?;
    let (document, _) = world.compile()?;
    let options = pdf_options("boardpack/project".into(), date, &[PdfStandard::Ua_1])?;
    world.export(&document, &options)
}
