//! Workbooks as LibreOffice Calc and Gnumeric save them (issue #27,
//! `docs/workbook.md`, "As spreadsheet programs write it"). The fixtures in
//! `tests/fixtures/programs/` were written by the programs themselves
//! (`scripts/make-program-fixtures.sh`): `<case>.lo.xlsx`, `<case>.lo.ods`
//! (LibreOffice), `<case>.gn.xlsx`, `<case>.gn.ods` (Gnumeric), each from
//! the sample edited as the case says.

mod common;

use common::errors_of;

const SAVED_BY: [&str; 4] = ["lo.xlsx", "lo.ods", "gn.xlsx", "gn.ods"];

fn fixture(case: &str, saved_by: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/programs/{case}.{saved_by}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The case as each program saved it gives the sample's records.
fn gives_the_samples_records(case: &str) {
    let sample = boardpack::pipeline::records(&common::sample_bytes()).unwrap();
    let sample = serde_json::to_value(&sample.records).unwrap();
    for saved_by in SAVED_BY {
        let read = boardpack::pipeline::records(&fixture(case, saved_by))
            .unwrap_or_else(|e| panic!("{case}.{saved_by}: {e}"));
        assert_eq!(
            serde_json::to_value(&read.records).unwrap(),
            sample,
            "{case}.{saved_by}"
        );
    }
}

#[test]
fn the_sample_round_tripped_through_libreoffice_and_gnumeric_gives_its_records() {
    gives_the_samples_records("sample");
}

/// Monthly's header row coloured out to column HZ (LibreOffice and
/// Gnumeric write `<c r="HZ1" s="1"/>`), Report's header row formatted
/// whole (Gnumeric writes 16,384 empty styled cells): formatting, not data.
#[test]
fn empty_formatted_cells_far_outside_the_table_are_not_values_far_outside_it() {
    gives_the_samples_records("styled-empty");
}

/// `=IF(1=0,"x","")` in Priorities!E2 and Indicators!H2, saved with an
/// empty result: empty cells, not "a formula with no saved result".
#[test]
fn a_formula_whose_saved_result_is_an_empty_string_is_an_empty_cell() {
    gives_the_samples_records("empty-formula");
}

/// Monthly!C2 `=1/0` and Monthly!C3 `=NA()`: in `.ods` as in `.xlsx`, an
/// error naming the cell and the error (LibreOffice's `.ods` read them as
/// empty cells with an unsaved formula).
#[test]
fn formula_error_cells_are_errors_naming_the_cell_and_the_error() {
    for saved_by in SAVED_BY {
        let errors = errors_of(&fixture("error-cells", saved_by));
        for (at, error) in [("Monthly!C2", "#DIV/0!"), ("Monthly!C3", "#N/A")] {
            assert!(
                errors
                    .iter()
                    .any(|e| e.starts_with(at) && e.contains(&format!("found the error {error}"))),
                "{saved_by}: {at} {error} in {errors:#?}"
            );
        }
        assert_eq!(errors.len(), 2, "{saved_by}: {errors:#?}");
    }
}
