//! boardpack: publishes a police force's monthly performance workbook as the
//! quarterly Police & Crime Plan Dashboard PDF, and archives signed-off packs
//! so they can be verified years later.
//!
//! The pipeline has one type at each stage boundary:
//!
//! ```text
//! .xlsx ──workbook──▶ Workbook ──compute──▶ Records ──charts──▶ Charts ──document──▶ PDF
//! ```
//!
//! [`pipeline`] strings the stages together; [`cli`] is the command line.
//!
//! ```
//! // The sample workbook, built in memory: records, charts and PDF.
//! let bytes = boardpack::sample::sample().to_bytes().unwrap();
//! let built = boardpack::pipeline::build(&bytes, boardpack::document::RenderOptions::draft).unwrap();
//! let sp11 = built.records.rows.iter().find(|r| r.code == "SP11.offences").unwrap();
//! assert_eq!(sp11.cells[&boardpack::workbook::Column::Latest].text, "59653");
//! assert!(built.pdf.starts_with(b"%PDF-"));
//! ```

pub mod archive;
pub mod charts;
pub mod cli;
pub mod compute;
pub mod document;
pub mod fonts;
pub mod limits;
pub mod output;
pub mod period;
pub mod pipeline;
pub mod problem;
pub mod projection;
pub mod records;
pub mod sample;
pub mod sheet;
pub mod signoff;
pub mod spc;
pub mod starter;
pub mod stats;
pub mod theme;
pub mod verify;
pub mod workbook;
pub mod xlsx;

pub use charts::Charts;
pub use compute::{compute, Computed};
pub use records::Records;
pub use workbook::Workbook;
