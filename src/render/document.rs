//! Stage 4: [`Records`] + [`Charts`] → PDF bytes. The Typst layout
//! (`layouts/dashboard.typ`) is compiled in-process by a [`World`] whose
//! files are in memory (the records and palette as JSON, the charts as SVG),
//! whose fonts are the embedded ones and whose clock is pinned, so the same
//! inputs give the same bytes.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::compute::records::Records;
use crate::render::charts::Charts;
use crate::render::fonts::FACES;
use crate::render::theme;

/// The built-in layout.
pub const DASHBOARD_LAYOUT: &str = include_str!("../../layouts/dashboard.typ");

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

/// A layout to compile.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Shown in diagnostics, e.g. `layouts/dashboard.typ`.
    pub name: String,
    pub source: String,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            name: "layouts/dashboard.typ".into(),
            source: DASHBOARD_LAYOUT.into(),
        }
    }
}

/// Who signed the pack off.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SignOffBlock {
    pub by: String,
    pub role: String,
    /// `31 January 2016`.
    pub date: String,
    pub reason: Option<String>,
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
        let date = NaiveDate::parse_from_str(&records.report.period_end, "%Y-%m-%d")
            .unwrap_or_else(|_| NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid"));
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

/// Typst found errors in the layout.
#[derive(Debug, thiserror::Error)]
#[error("the layout could not be compiled:\n{}", .diagnostics.join("\n"))]
pub struct LayoutError {
    /// `FILE:LINE:COL: error: message`, with the source line and hints.
    pub diagnostics: Vec<String>,
}

/// The embedded fonts, parsed once per process.
struct FontSet {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<FontSet> = LazyLock::new(|| {
    FontSet::new(
        FACES
            .iter()
            .flat_map(|(_, bytes)| Font::iter(Bytes::new(*bytes)))
            .collect(),
    )
});

impl FontSet {
    fn new(fonts: Vec<Font>) -> FontSet {
        FontSet {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    }
}

/// The in-memory world a layout is compiled in.
struct PackWorld<'f> {
    fonts: &'f FontSet,
    library: LazyHash<Library>,
    main: FileId,
    source: Source,
    files: BTreeMap<String, Bytes>,
    today: Datetime,
}

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("paths built here are valid"),
    )
    .intern()
}

impl World for PackWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }
    fn main(&self) -> FileId {
        self.main
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            return Ok(self.source.clone());
        }
        let path = id.vpath().get_with_slash();
        match self.files.get(path) {
            Some(bytes) => {
                let text =
                    std::str::from_utf8(bytes.as_slice()).map_err(|_| FileError::InvalidUtf8)?;
                Ok(Source::new(id, text.to_string()))
            }
            None => Err(FileError::NotFound(std::path::PathBuf::from(
                id.vpath().get_with_slash(),
            ))),
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let path = id.vpath().get_with_slash();
        self.files.get(path).cloned().ok_or_else(|| {
            FileError::NotFound(std::path::PathBuf::from(id.vpath().get_with_slash()))
        })
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// What the layout reads besides the records: how to render.
#[derive(serde::Serialize)]
struct RenderInfo<'a> {
    /// The PDF's title, as viewers show it.
    title: String,
    description: String,
    appendix_title: &'static str,
    draft: bool,
    date: String,
    sign_off: Option<&'a SignOffBlock>,
    charts: BTreeMap<&'a str, ChartInfo>,
    attachments: Vec<AttachmentInfo<'a>>,
    keywords: Vec<String>,
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

/// Files the layout can read, by path: what `--emit-typst` writes out too.
pub fn layout_files(
    records: &Records,
    charts: &Charts,
    options: &RenderOptions,
) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    files.insert(
        "/records.json".to_string(),
        serde_json::to_vec_pretty(records).expect("records serialise"),
    );
    files.insert(
        "/theme.json".to_string(),
        serde_json::to_vec_pretty(&theme::theme()).expect("theme serialises"),
    );
    let info = RenderInfo {
        title: format!("{} — {}", records.report.title, records.report.period_label),
        description: format!(
            "{} for {}{}, {}{}",
            records.report.title,
            records.report.force,
            records
                .report
                .area
                .as_ref()
                .map(|a| format!(" ({a})"))
                .unwrap_or_default(),
            records.report.period_label.to_lowercase(),
            if options.draft {
                " (draft, not signed off)"
            } else {
                ""
            }
        ),
        appendix_title: "Appendix: SPC charts",
        draft: options.draft,
        date: options.date.to_string(),
        sign_off: options.sign_off.as_ref(),
        charts: charts
            .charts
            .iter()
            .map(|c| {
                (
                    c.path.as_str(),
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
        keywords: keywords(records, options.draft),
    };
    files.insert(
        "/render.json".to_string(),
        serde_json::to_vec_pretty(&info).expect("render info serialises"),
    );
    for c in &charts.charts {
        files.insert(c.path.clone(), c.svg.clone().into_bytes());
    }
    for a in &options.attachments {
        files.insert(format!("/attachments/{}", a.name), a.bytes.clone());
    }
    files
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

/// A laid-out pack, ready for PDF export.
pub struct Compiled {
    world: PackWorld<'static>,
    document: PagedDocument,
    layout_name: String,
    options: PdfOptions,
}

/// Lays the pack out: compiles the layout with the records and charts.
pub fn compile(
    records: &Records,
    charts: &Charts,
    options: &RenderOptions,
) -> Result<Compiled, LayoutError> {
    let files = layout_files(records, charts, options)
        .into_iter()
        .map(|(k, v)| (k, Bytes::new(v)))
        .collect();
    let main = file_id("/main.typ");
    let d = options.date;
    let today = Datetime::from_ymd(d.year(), d.month() as u8, d.day() as u8).expect("valid date");
    let world = PackWorld {
        fonts: &FONTS,
        library: LazyHash::new(Library::builder().build()),
        main,
        source: Source::new(main, options.layout.source.clone()),
        files,
        today,
    };
    let warned = typst::compile::<PagedDocument>(&world);
    let document = warned.output.map_err(|errors| LayoutError {
        diagnostics: diagnostics(
            &world,
            &options.layout.name,
            errors.iter().chain(&warned.warnings),
        ),
    })?;
    let mut standards = vec![PdfStandard::Ua_1];
    if options.archival {
        standards.push(PdfStandard::A_3b);
    }
    let pdf_options = PdfOptions {
        ident: Smart::Custom(format!(
            "boardpack/{}/{}",
            records.report.period_end,
            if options.draft { "draft" } else { "final" }
        )),
        creator: Smart::Custom(Some(format!("boardpack {}", env!("CARGO_PKG_VERSION")))),
        timestamp: Some(Timestamp::new_utc(
            Datetime::from_ymd_hms(d.year(), d.month() as u8, d.day() as u8, 0, 0, 0)
                .expect("valid date"),
        )),
        page_ranges: None,
        standards: PdfStandards::new(&standards).map_err(|e| LayoutError {
            diagnostics: vec![format!("PDF standards: {}", e.message())],
        })?,
        tagged: true,
        pretty: false,
    };
    Ok(Compiled {
        world,
        document,
        layout_name: options.layout.name.clone(),
        options: pdf_options,
    })
}

impl Compiled {
    /// Exports the PDF: tagged, PDF/UA-1 (and PDF/A-3b for final packs).
    pub fn pdf(&self) -> Result<Vec<u8>, LayoutError> {
        typst_pdf::pdf(&self.document, &self.options).map_err(|errors| LayoutError {
            diagnostics: diagnostics(&self.world, &self.layout_name, errors.iter()),
        })
    }

    /// Number of pages.
    pub fn pages(&self) -> usize {
        self.document.pages().len()
    }
}

/// Compiles a Typst project on disk the way the Typst engine alone does
/// (`typst compile --root DIR --font-path DIR/fonts --ignore-system-fonts
/// DIR/main.typ`): every file under `dir` is in the world, the fonts come
/// from `dir/fonts`, nothing else. Returns the PDF (untagged options aside,
/// as `render` exports drafts).
pub fn render_project(dir: &std::path::Path, date: NaiveDate) -> Result<Vec<u8>, LayoutError> {
    let err = |e: String| LayoutError {
        diagnostics: vec![e],
    };
    let mut files = BTreeMap::new();
    let mut fonts = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| err(format!("{}: {e}", d.display())))?;
        for entry in entries {
            let path = entry.map_err(|e| err(e.to_string()))?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let bytes =
                std::fs::read(&path).map_err(|e| err(format!("{}: {e}", path.display())))?;
            let rel = path
                .strip_prefix(dir)
                .expect("under dir")
                .to_string_lossy()
                .replace('\\', "/");
            if rel.starts_with("fonts/") && rel.ends_with(".ttf") {
                fonts.extend(Font::iter(Bytes::new(bytes.clone())));
            }
            files.insert(format!("/{rel}"), Bytes::new(bytes));
        }
    }
    let main_source = files
        .get("/main.typ")
        .map(|b| String::from_utf8_lossy(b.as_slice()).into_owned())
        .ok_or_else(|| err(format!("{} has no main.typ", dir.display())))?;
    let fonts = FontSet::new(fonts);
    let main = file_id("/main.typ");
    let today =
        Datetime::from_ymd(date.year(), date.month() as u8, date.day() as u8).expect("valid date");
    let world = PackWorld {
        fonts: &fonts,
        library: LazyHash::new(Library::builder().build()),
        main,
        source: Source::new(main, main_source),
        files,
        today,
    };
    let warned = typst::compile::<PagedDocument>(&world);
    let document = warned.output.map_err(|errors| LayoutError {
        diagnostics: diagnostics(&world, "main.typ", errors.iter()),
    })?;
    let options = PdfOptions {
        ident: Smart::Custom("boardpack/project".into()),
        timestamp: Some(Timestamp::new_utc(
            Datetime::from_ymd_hms(date.year(), date.month() as u8, date.day() as u8, 0, 0, 0)
                .expect("valid date"),
        )),
        standards: PdfStandards::new(&[PdfStandard::Ua_1])
            .map_err(|e| err(e.message().to_string()))?,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| LayoutError {
        diagnostics: diagnostics(&world, "main.typ", errors.iter()),
    })
}

/// `FILE:LINE:COL: error: message`, then the source line and hints.
fn diagnostics<'a>(
    world: &PackWorld,
    layout_name: &str,
    diags: impl Iterator<Item = &'a SourceDiagnostic>,
) -> Vec<String> {
    diags
        .map(|d| {
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut out = String::new();
            let place = d.span.id().and_then(|id| {
                let source = world.source(id).ok()?;
                let range = world.range(d.span)?;
                let (line, col) = source.lines().byte_to_line_column(range.start)?;
                let name = if id == world.main {
                    layout_name.to_string()
                } else {
                    id.vpath().get_without_slash().to_string()
                };
                let text = source.text().lines().nth(line).unwrap_or("").to_string();
                Some((name, line + 1, col + 1, text))
            });
            match &place {
                Some((name, line, col, text)) => {
                    out.push_str(&format!("{name}:{line}:{col}: {severity}: {}", d.message));
                    out.push_str(&format!("\n    {line} | {text}"));
                }
                None => out.push_str(&format!("{layout_name}: {severity}: {}", d.message)),
            }
            for hint in &d.hints {
                out.push_str(&format!("\n  = hint: {}", hint.v));
            }
            out
        })
        .collect()
}
