//! boardpack: publishes a police force's monthly performance workbook as the
//! quarterly Police & Crime Plan Dashboard PDF, and archives signed-off packs
//! so they can be verified years later.
//!
//! The pipeline has one type at each stage boundary:
//!
//! ```text
//! .xlsx ──input──▶ Workbook ──compute──▶ Records ──render::charts──▶ Charts ──render::document──▶ PDF
//!                                                                              └──pack──▶ signed-off archive
//! ```
//!
//! Each stage is a folder: [`input`], [`compute`], [`render`], [`pack`];
//! [`methods`] holds the pure statistical and calendar methods, [`support`]
//! writes workbooks. [`pipeline`] strings the stages together; [`cli`] is the
//! command line. `docs/architecture.md` is the map.
//!
//! ```
//! // The sample workbook, built in memory: records, charts and PDF.
//! let bytes = boardpack::support::sample::sample().to_bytes().unwrap();
//! let built = boardpack::pipeline::build(&bytes, boardpack::render::document::RenderOptions::draft).unwrap();
//! let sp11 = built.records.rows.iter().find(|r| r.code == "SP11.offences").unwrap();
//! assert_eq!(sp11.cells[&boardpack::input::Column::Latest].text, "59653");
//! assert!(built.pdf.starts_with(b"%PDF-"));
//! ```

pub mod cli;
pub mod compute;
pub mod files;
pub mod input;
pub mod methods;
pub mod pack;
pub mod pdf_update;
pub mod pipeline;
pub mod render;
pub mod support;

pub use compute::records::Records;
pub use compute::{compute, Computed};
pub use input::Workbook;
pub use render::charts::Charts;
