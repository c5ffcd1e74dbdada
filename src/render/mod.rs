//! Stage 3 and 4: [`Records`](crate::compute::records::Records) → charts →
//! PDF. [`charts`] draws the SVG charts from the records, [`document`]
//! compiles the Typst layout in an in-memory [`world`](document) with the
//! embedded [`fonts`] and the [`theme`]'s palette; [`svg`] makes plotters'
//! output cheaper to lay out.
//!
//! Enters: `&Records`. Leaves: [`Charts`](charts::Charts), then PDF bytes.

pub mod budget;
pub mod charts;
pub mod document;
pub mod fonts;
pub mod html;
pub mod layout;
pub mod overflow;
pub mod reading;
pub mod svg;
pub mod tagging;
pub mod theme;
pub mod world;
