//! Snapshots of chart SVG for fixed input. A changed chart fails here; when
//! the change is meant, regenerate with `BOARDPACK_BLESS=1 cargo test --test
//! chart_snapshots` and review the new files in `tests/snapshots/` (open
//! them in a browser) before committing.

mod common;

use std::path::PathBuf;

use boardpack::compute::records::ChartId;
use boardpack::render::charts;

fn snapshot(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("BOARDPACK_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no snapshot {name}: run with BOARDPACK_BLESS=1"));
    assert!(
        expected == actual,
        "chart {name} differs from its snapshot; if meant, regenerate with BOARDPACK_BLESS=1 and review"
    );
}

/// Fixed input: the test workbook with a rise after the baseline, and a
/// savings sheet.
fn fixed() -> boardpack::Records {
    let mut w = common::minimal(|i| {
        100.0
            + if i < 12 {
                (i % 3) as f64 * 4.0
            } else {
                // Whole counts: a count with a fraction is an error (#12).
                (i as f64 * 0.8).round()
            }
    });
    let mut p = boardpack::support::xlsx::SheetData::new(
        "Priorities",
        &["Code", "Title", "Layout", "Columns"],
    );
    p.row(vec![
        common::t("1"),
        common::t("Test"),
        common::t("table"),
        common::t("baseline, latest, var, projection"),
    ]);
    p.row(vec![
        common::t("2"),
        common::t("Savings"),
        common::t("savings"),
        common::t(""),
    ]);
    w.sheets[1] = p;
    let mut s = boardpack::support::xlsx::SheetData::new("Savings", &["Item", "Amount"]);
    s.row(vec![common::t("Required"), 20.3.into()]);
    s.row(vec![common::t("Realised"), 16.1.into()]);
    s.row(vec![common::t("Still to find"), 4.2.into()]);
    w.sheets.push(s);
    common::records(&w).records
}

#[test]
fn chart_svg_matches_the_reviewed_snapshots() {
    let records = fixed();
    let rendered = charts::render(&records, &boardpack::render::theme::theme());
    let names: Vec<&str> = rendered.charts.keys().map(|id| id.path()).collect();
    assert!(names.contains(&"/charts/savings-2.svg"), "{names:?}");
    assert!(names.contains(&"/charts/spc-c.svg"), "{names:?}");
    for chart in rendered.charts.values() {
        let file = chart.id.path().trim_start_matches("/charts/");
        snapshot(file, &chart.svg);
    }
}

#[test]
fn chart_svg_is_deterministic_and_names_the_embedded_font() {
    let records = fixed();
    let a = charts::render(&records, &boardpack::render::theme::theme());
    let b = charts::render(&records, &boardpack::render::theme::theme());
    assert_eq!(a, b);
    let spc = a.get(&ChartId::spc("c")).unwrap();
    assert!(spc.svg.contains("font-family=\"Liberation Sans\""));
    assert!(
        spc.svg.contains("#00B0F0") || spc.svg.contains("#E46C0A") || spc.svg.contains("#A6A6A6")
    );
    let savings = a.get(&ChartId::savings("2")).unwrap();
    assert!(savings.svg.contains("£20.3m"));
    assert!(savings.svg.contains("£ millions"));
}
