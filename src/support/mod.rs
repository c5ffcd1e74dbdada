//! Support, not a stage: writing workbooks of the input contract
//! ([`xlsx`]), the sample workbook ([`sample`]) and the blank starter
//! workbook of `boardpack init` ([`starter`]).

pub mod next;
pub mod sample;
pub mod starter;
pub mod xlsx;
