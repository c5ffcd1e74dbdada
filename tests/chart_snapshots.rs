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
    let theme = boardpack::render::theme::theme();
    assert!(spc.svg.contains(&theme.charts.spc_common));
    let savings = a.get(&ChartId::savings("2")).unwrap();
    assert!(savings.svg.contains("£20.3m"));
    assert!(savings.svg.contains("£ millions"));
}

/// Issue #31 (3): common-cause points and the series' line were #A6A6A6,
/// 2.43:1 on white, 2.08:1 on the baseline's shade, 1.85:1 on the
/// projection's band. Every colour an SPC chart draws in (the PDF's and the
/// HTML page's, the same SVG), but for the backgrounds themselves and the
/// grid, meets 3:1 against each background (WCAG 2.2 1.4.11).
#[test]
fn every_colour_drawn_in_a_chart_meets_3_to_1_on_each_background() {
    use boardpack::render::theme::{contrast, theme};
    let records = fixed();
    let t = theme();
    let rendered = charts::render(&records, &t);
    let spc = rendered.get(&ChartId::spc("c")).unwrap();
    let ch = &t.charts;
    let backgrounds = [&ch.background, &ch.baseline_shade, &ch.projection_band];
    for b in backgrounds {
        assert!(spc.svg.contains(b.as_str()), "{b} is drawn");
    }
    let mut seen = std::collections::BTreeSet::new();
    for chart in rendered.charts.values() {
        let svg = &chart.svg;
        for (i, _) in svg.match_indices('#') {
            let hex = &svg[i..(i + 7).min(svg.len())];
            if hex.len() == 7 && hex[1..].bytes().all(|b| b.is_ascii_hexdigit()) {
                seen.insert(hex.to_ascii_uppercase());
            }
        }
    }
    let not_data = [
        &ch.background,
        &ch.baseline_shade,
        &ch.projection_band,
        &ch.grid,
    ];
    let marks: Vec<&String> = seen
        .iter()
        .filter(|c| !not_data.iter().any(|n| n.eq_ignore_ascii_case(c)))
        .collect();
    // The line, points, mean, limits, trend, bars, axis and text at least.
    assert!(marks.len() >= 8, "{marks:?}");
    let mut lowest = (f64::MAX, String::new());
    for m in marks {
        for b in backgrounds {
            let c = contrast(m, b);
            assert!(c >= 3.0, "{m} on {b}: {c:.2}:1");
            if c < lowest.0 {
                lowest = (c, format!("{m} on {b}"));
            }
        }
    }
    eprintln!(
        "lowest contrast of a chart's mark: {:.2}:1 ({})",
        lowest.0, lowest.1
    );
}
