//! The world a Typst layout is compiled in: files in memory (the records,
//! palette and charts, or a project folder read whole), the embedded fonts
//! (or a project's own), and a clock pinned to the document's date, so the
//! same inputs give the same bytes. Also the one place that turns Typst's
//! diagnostics into `FILE:LINE:COL: severity: message` lines and sets the
//! PDF export's options.
//!
//! Enters: a layout source and its files. Leaves: a [`PagedDocument`] and
//! Typst's warnings, or a [`LayoutError`]; then PDF bytes.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Feature, Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::render::fonts::FACES;

/// Typst found errors in the layout (or could not read a project).
#[derive(Debug, thiserror::Error)]
#[error("the layout could not be compiled:\n{}", .diagnostics.join("\n"))]
pub struct LayoutError {
    /// `FILE:LINE:COL: error: message`, with the source line and hints.
    pub diagnostics: Vec<String>,
}

impl LayoutError {
    pub(crate) fn one(message: impl Into<String>) -> LayoutError {
        LayoutError {
            diagnostics: vec![message.into()],
        }
    }
}

/// A set of fonts with its book, as a world offers them.
pub(crate) struct FontSet {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

impl FontSet {
    pub(crate) fn new(fonts: Vec<Font>) -> FontSet {
        FontSet {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    }
}

/// The embedded fonts, parsed once per process.
pub(crate) static EMBEDDED: LazyLock<FontSet> = LazyLock::new(|| {
    FontSet::new(
        FACES
            .iter()
            .flat_map(|(_, bytes)| Font::iter(Bytes::new(*bytes)))
            .collect(),
    )
});

/// Typst's standard library with `a11y-extras`, built once per process
/// (every world of a batch shares it). The feature gives the layout
/// `pdf.header-cell`: indicator names are row headers, so each figure is
/// announced with its indicator.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| {
    LazyHash::new(
        Library::builder()
            .with_features([Feature::A11yExtras].into_iter().collect())
            .build(),
    )
});

/// Builds what every compilation shares (the embedded fonts, the standard
/// library), so that it can be done while the workbook is read.
pub(crate) fn warm_up() {
    LazyLock::force(&EMBEDDED);
    LazyLock::force(&LIBRARY);
}

/// The in-memory world a layout is compiled in.
pub(crate) struct PackWorld<'f> {
    fonts: &'f FontSet,
    main: FileId,
    source: Source,
    files: BTreeMap<String, Bytes>,
    today: Datetime,
    /// The main file's name in diagnostics, e.g. `layouts/dashboard.typ`.
    main_name: String,
}

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("paths built here are valid"),
    )
    .intern()
}

/// A date as Typst's, at midnight; Typst (and PDF) dates run from year 1
/// to 9999, so a later one is an error, not a panic.
fn datetime(date: NaiveDate) -> Result<Datetime, LayoutError> {
    Datetime::from_ymd_hms(date.year(), date.month() as u8, date.day() as u8, 0, 0, 0)
        .filter(|_| (1..=9999).contains(&date.year()))
        .ok_or_else(|| {
            LayoutError::one(format!(
                "the document date {date} is outside the years 1 to 9999 that a PDF can carry"
            ))
        })
}

impl<'f> PackWorld<'f> {
    /// A world whose main file is `/main.typ` with `source`, shown in
    /// diagnostics as `main_name`, with `files` beside it and the clock at
    /// `date` (an error past the year 9999).
    pub(crate) fn new(
        fonts: &'f FontSet,
        main_name: &str,
        source: String,
        files: BTreeMap<String, Bytes>,
        date: NaiveDate,
    ) -> Result<PackWorld<'f>, LayoutError> {
        let main = file_id("/main.typ");
        Ok(PackWorld {
            fonts,
            main,
            source: Source::new(main, source),
            files,
            today: datetime(date)?,
            main_name: main_name.to_string(),
        })
    }

    /// Lays the document out. Returns it with Typst's warnings, as
    /// `FILE:LINE:COL: warning: …` lines; errors (with the warnings after
    /// them) are a [`LayoutError`].
    pub(crate) fn compile(&self) -> Result<(PagedDocument, Vec<String>), LayoutError> {
        let warned = typst::compile::<PagedDocument>(self);
        match warned.output {
            Ok(document) => Ok((document, self.diagnostics(warned.warnings.iter()))),
            Err(errors) => Err(LayoutError {
                diagnostics: self.diagnostics(errors.iter().chain(&warned.warnings)),
            }),
        }
    }

    /// Exports a laid-out document as PDF.
    pub(crate) fn export(
        &self,
        document: &PagedDocument,
        options: &PdfOptions,
    ) -> Result<Vec<u8>, LayoutError> {
        typst_pdf::pdf(document, options).map_err(|errors| LayoutError {
            diagnostics: self.diagnostics(errors.iter()),
        })
    }

    /// `FILE:LINE:COL: error: message`, then the source line and hints.
    fn diagnostics<'a>(&self, diags: impl Iterator<Item = &'a SourceDiagnostic>) -> Vec<String> {
        diags.map(|d| self.diagnostic(d)).collect()
    }

    fn diagnostic(&self, d: &SourceDiagnostic) -> String {
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = match self.place(d) {
            Some((name, line, col, text)) => format!(
                "{name}:{line}:{col}: {severity}: {}\n    {line} | {text}",
                d.message
            ),
            None => format!("{}: {severity}: {}", self.main_name, d.message),
        };
        for hint in &d.hints {
            out.push_str(&format!("\n  = hint: {}", hint.v));
        }
        out
    }

    /// Where a diagnostic points: file name, line and column (from 1), and
    /// the text of that line.
    fn place(&self, d: &SourceDiagnostic) -> Option<(String, usize, usize, String)> {
        let id = d.span.id()?;
        let source = self.source(id).ok()?;
        let range = self.range(d.span)?;
        let (line, col) = source.lines().byte_to_line_column(range.start)?;
        let name = if id == self.main {
            self.main_name.clone()
        } else {
            id.vpath().get_without_slash().to_string()
        };
        let text = source.text().lines().nth(line).unwrap_or("").to_string();
        Some((name, line + 1, col + 1, text))
    }
}

impl World for PackWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
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
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(bytes.as_slice()).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_string()))
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let path = id.vpath().get_with_slash();
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| FileError::NotFound(std::path::PathBuf::from(path)))
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// The PDF export's options: tagged, dated `date`, identified by `ident`,
/// to the given standards.
pub(crate) fn pdf_options(
    ident: String,
    date: NaiveDate,
    standards: &[PdfStandard],
) -> Result<PdfOptions, LayoutError> {
    Ok(PdfOptions {
        ident: Smart::Custom(ident),
        creator: Smart::Custom(Some(format!("boardpack {}", env!("CARGO_PKG_VERSION")))),
        timestamp: Some(Timestamp::new_utc(datetime(date)?)),
        page_ranges: None,
        standards: PdfStandards::new(standards)
            .map_err(|e| LayoutError::one(format!("PDF standards: {}", e.message())))?,
        tagged: true,
        pretty: false,
    })
}

/// Reads a Typst project folder as `typst compile --features a11y-extras --root DIR --font-path
/// DIR/fonts --ignore-system-fonts DIR/main.typ` sees it: every file under
/// `dir` by its path from `dir`, and the fonts under `dir/fonts`.
pub(crate) fn read_project(
    dir: &std::path::Path,
) -> Result<(BTreeMap<String, Bytes>, Vec<Font>), LayoutError> {
    let mut files = BTreeMap::new();
    let mut fonts = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    let io =
        |p: &std::path::Path, e: std::io::Error| LayoutError::one(format!("{}: {e}", p.display()));
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| io(&d, e))? {
            let path = entry.map_err(|e| io(&d, e))?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).map_err(|e| io(&path, e))?;
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
    Ok((files, fonts))
}

/// The main source of a project read by [`read_project`].
pub(crate) fn project_main(
    dir: &std::path::Path,
    files: &BTreeMap<String, Bytes>,
) -> Result<String, LayoutError> {
    files
        .get("/main.typ")
        .map(|b| String::from_utf8_lossy(b.as_slice()).into_owned())
        .ok_or_else(|| LayoutError::one(format!("{} has no main.typ", dir.display())))
}
