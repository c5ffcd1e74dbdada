//! The stages strung together: workbook bytes → PDF bytes, with the
//! warnings and build log an analyst sees.

use crate::compute::changes::{self, Previous};
use crate::compute::records::Records;
use crate::compute::{self, Computed};
use crate::input::limits::InputLimits;
use crate::input::problem::Problem;
use crate::input::{LoadError, Loaded, Workbook};
use crate::render::charts::{self, Charts};
use crate::render::document::{self, LayoutError, RenderOptions};

/// A built pack.
#[derive(Debug, Clone)]
pub struct Built {
    pub records: Records,
    pub charts: Charts,
    pub pdf: Vec<u8>,
    pub warnings: Vec<Problem>,
    /// Typst's warnings on a layout that compiled (`FILE:LINE:COL: warning: …`).
    pub layout_warnings: Vec<String>,
    /// The priorities whose panels flow on past a column
    /// ([`document::compile`]).
    pub long_panels: Vec<String>,
    pub log: Vec<String>,
}

/// Why a pack could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Workbook(#[from] LoadError),
    #[error(transparent)]
    Layout(#[from] LayoutError),
}

/// Reads and computes: workbook bytes → records, warnings and log.
pub fn records(bytes: &[u8]) -> Result<Computed, LoadError> {
    records_within(bytes, &InputLimits::default())
}

/// As [`records`], refusing first a workbook over `limits`.
pub fn records_within(bytes: &[u8], limits: &InputLimits) -> Result<Computed, LoadError> {
    records_since(bytes, limits, None)
}

/// As [`records_within`], with the last signed-off pack of an earlier
/// period: the records get its changes section, and text carried over word
/// for word is warned of.
pub fn records_since(
    bytes: &[u8],
    limits: &InputLimits,
    previous: Option<&Previous>,
) -> Result<Computed, LoadError> {
    let loaded = Workbook::from_bytes_within(bytes, limits)?;
    Ok(records_of(loaded, previous))
}

/// The records of a workbook already read: its reading's warnings first,
/// then the computation's, each once; with `previous`, the changes since it
/// (see [`records_since`]).
pub fn records_of(loaded: Loaded, previous: Option<&Previous>) -> Computed {
    let mut computed = compute::compute(&loaded.workbook);
    let mut warnings = loaded.warnings;
    if let Some(previous) = previous {
        with_changes(&mut computed, previous);
        warnings.extend(changes::stale_text(&loaded.workbook, previous));
        warnings.extend(changes::stale_peers(&loaded.workbook, previous));
    }
    // Each warning once, however many ways it was reached.
    for w in computed.warnings.drain(..) {
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    }
    computed.warnings = warnings;
    computed
}

/// Adds to computed records the changes since `previous` (the "Changes
/// since …" section), as `build --archive` and `sign-off` print it.
pub fn with_changes(computed: &mut Computed, previous: &Previous) {
    computed.records.changes = Some(changes::section(previous, &computed.records));
}

/// Runs `read` (reading the workbook, computing its records) while the
/// fonts and Typst's library are made ready on another thread, as every
/// build that goes on to the layout does.
pub fn while_warming<T>(read: impl FnOnce() -> T) -> T {
    std::thread::scope(|scope| {
        scope.spawn(document::warm_up);
        read()
    })
}

/// The whole pipeline. `options` chooses the render (draft or final) from
/// the records.
pub fn build(
    bytes: &[u8],
    options: impl FnOnce(&Records) -> RenderOptions,
) -> Result<Built, BuildError> {
    build_within(bytes, &InputLimits::default(), options)
}

/// As [`build`], refusing first a workbook over `limits`.
pub fn build_within(
    bytes: &[u8],
    limits: &InputLimits,
    options: impl FnOnce(&Records) -> RenderOptions,
) -> Result<Built, BuildError> {
    build_since(bytes, limits, None, options)
}

/// As [`build_within`], with the changes since `previous` (see
/// [`records_since`]).
pub fn build_since(
    bytes: &[u8],
    limits: &InputLimits,
    previous: Option<&Previous>,
    options: impl FnOnce(&Records) -> RenderOptions,
) -> Result<Built, BuildError> {
    let computed = while_warming(|| records_since(bytes, limits, previous))?;
    Ok(render(computed, options)?)
}

/// The rest of the pipeline, from computed records: charts, layout, PDF.
/// `options` chooses the render (draft or final) from the records.
pub fn render(
    computed: Computed,
    options: impl FnOnce(&Records) -> RenderOptions,
) -> Result<Built, LayoutError> {
    let options = options(&computed.records);
    // The charts in the layout's palette (its theme.json, or the built-in).
    let theme = options.layout.theme()?;
    let charts = charts::render(&computed.records, &theme);
    let compiled = document::compile(&computed.records, &charts, &options)?;
    let pdf = compiled.pdf()?;
    Ok(Built {
        records: computed.records,
        charts,
        pdf,
        warnings: computed.warnings,
        layout_warnings: compiled.warnings().to_vec(),
        long_panels: compiled.long_panels().to_vec(),
        log: computed.log,
    })
}
