//! Packs that leave the pipeline: outputs written whole or not at all
//! ([`output`]), final signed-off packs ([`signoff`]), the append-only
//! [`archive`] and [`verify`], which rebuilds a pack from what it carries.
//!
//! Enters: workbook bytes and a sign-off (through [`crate::pipeline`]).
//! Leaves: files on disk — PDFs, records, archive versions.

pub mod archive;
pub mod copy;
pub mod limits;
pub mod output;
pub mod settings;
pub mod signature;
pub mod signoff;
pub mod verify;
