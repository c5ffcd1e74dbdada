//! Properties over generated workbooks: every valid workbook builds, and any
//! single-cell change gives either a build or errors that each name a place.

mod common;

use boardpack::input::problem::Location;
use boardpack::input::LoadError;
use boardpack::pipeline::{self, BuildError};
use boardpack::render::document::RenderOptions;
use boardpack::support::xlsx::Value;
use proptest::prelude::*;

fn cell_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Empty),
        "[a-zA-Z0-9 #*$@<>\\[\\]\\\\%,.-]{0,12}".prop_map(Value::Text),
        (-1000.0f64..100000.0).prop_map(Value::Number),
        (0.0f64..1.2).prop_map(Value::Percent),
        Just(Value::Text("NA".into())),
        Just(Value::Error("#DIV/0!".into())),
        Just(Value::Error("#REF!".into())),
        Just(Value::Formula("=A1".into())),
        (2000i32..2030, 1u32..13, 1u32..29)
            .prop_map(|(y, m, d)| Value::Date(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap())),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any series of counts, any survey results, any label text: it builds.
    #[test]
    fn random_valid_workbooks_always_build(
        counts in proptest::collection::vec(0u32..100_000, 45),
        positives in 0u32..=100,
        label in "[ -~]{1,60}",
        position in 0.0f64..10_000.0,
    ) {
        let mut w = common::minimal(|i| counts[i] as f64);
        w.sheet_mut("Indicators").unwrap().set(1, 2, Value::Text(label.clone()));
        w.sheet_mut("Peers").unwrap().set(2, 2, Value::Number(position.round()));
        let monthly = w.sheet_mut("Monthly").unwrap();
        for r in monthly.rows.iter_mut().skip(1) {
            if r[0] == common::t("P") {
                r[2] = Value::Number(positives as f64);
            }
        }
        let bytes = w.to_bytes().unwrap();
        let built = pipeline::build(&bytes, RenderOptions::draft);
        prop_assert!(built.is_ok(), "{:?}", built.err());
        let built = built.unwrap();
        prop_assert!(built.pdf.starts_with(b"%PDF-"));
        prop_assert_eq!(built.records.rows.len(), 4);
    }

    /// One cell of the sample changed to anything: a build, or errors that
    /// each say where.
    #[test]
    fn single_cell_mutations_build_or_give_located_errors(
        sheet in 0usize..8,
        row in 0usize..60,
        col in 0usize..8,
        value in cell_value(),
    ) {
        let mut w = common::sample();
        let s = &mut w.sheets[sheet];
        let row = row % s.rows.len();
        s.set(row, col, value);
        let bytes = w.to_bytes().unwrap();
        match pipeline::build(&bytes, RenderOptions::draft) {
            Ok(built) => prop_assert!(built.pdf.starts_with(b"%PDF-")),
            Err(BuildError::Workbook(LoadError::Invalid(e))) => {
                let errors: Vec<_> = e.problems.iter().filter(|p| p.is_error()).collect();
                prop_assert!(!errors.is_empty());
                for p in errors {
                    let located = match &p.location {
                        Location::Cell { .. } | Location::Header(_) | Location::Sheet(_) => true,
                        Location::Workbook => p.message.contains("sheet named"),
                    };
                    prop_assert!(located, "unlocated: {}", p);
                    prop_assert!(p.message.starts_with("expected"), "no expectation: {}", p);
                }
            }
            Err(other) => prop_assert!(false, "{other}"),
        }
    }
}
