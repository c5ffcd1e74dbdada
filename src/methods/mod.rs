//! The pure methods of `docs/methods.md`: calendar months and reporting
//! windows, significance tests, the SPC rule engine and projections. Each is
//! a function of numbers and dates only — no workbook, no records, no output
//! — so each is tested against worked examples on its own. [`crate::input`]
//! uses the calendar types; [`crate::compute`] uses all of them.

pub mod period;
pub mod projection;
pub mod rounding;
pub mod spc;
pub mod stats;
