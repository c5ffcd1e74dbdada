//! The stages strung together: workbook bytes → PDF bytes, with the
//! warnings and build log an analyst sees.

use crate::compute::changes::{self, Previous};
use crate::compute::records::Records;
use crate::compute::{self, Computed};
use crate::input::limits::InputLimits;
use crate::input::problem::Problem;
use crate::input::{LoadError, Workbook};
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
    let mut computed = compute::compute(&loaded.workbook);
    let mut warnings = loaded.warnings;
    if let Some(previous) = previous {
        computed.records.changes = Some(changes::section(previous, &computed.records));
        warnings.extend(changes::stale_text(&loaded.workbook, previous));
    }
    // Each warning once, however many ways it was reached.
    for w in computed.warnings.drain(..) {
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    }
    computed.warnings = warnings;
    Ok(computed)
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
    // The fonts and Typst's library are made ready while the workbook is read.
    let computed = std::thread::scope(|scope| {
        scope.spawn(document::warm_up);
        records_since(bytes, limits, previous)
    })?;
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
