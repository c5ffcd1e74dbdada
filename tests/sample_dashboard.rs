//! The sample workbook against the published December 2015 dashboard: every
//! published figure and phrase is in the PDF's text, the records carry the
//! published classes, and builds are byte-for-byte repeatable.

mod common;

use boardpack::compute::records::{Class, PairsFrom, Records, Test};
use boardpack::input::Column;
use boardpack::pipeline;
use boardpack::render::document::RenderOptions;

fn built() -> &'static pipeline::Built {
    use std::sync::OnceLock;
    static BUILT: OnceLock<pipeline::Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        pipeline::build(&common::sample_bytes(), RenderOptions::draft).expect("sample builds")
    })
}

use common::published;

#[test]
fn the_sample_pdf_holds_every_published_figure_and_phrase() {
    let text = common::pdf_text(&built().pdf);
    let (figures, phrases) = published();
    assert_eq!(figures.len(), 45, "the reference has 45 figures");
    assert_eq!(phrases.len(), 103, "the reference has 103 phrases");
    let tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || "()[],;:▲▼●".contains(c))
        .filter(|t| !t.is_empty())
        .collect();
    let missing_figures: Vec<&String> = figures
        .iter()
        .filter(|f| !tokens.contains(&f.to_lowercase().as_str()))
        .collect();
    let missing_phrases: Vec<&String> = phrases
        .iter()
        .filter(|p| !text.contains(&common::normalise(p)))
        .collect();
    assert!(
        missing_figures.is_empty(),
        "missing figures: {missing_figures:?}"
    );
    assert!(
        missing_phrases.is_empty(),
        "missing phrases: {missing_phrases:?}"
    );
}

fn cell<'r>(
    records: &'r Records,
    code: &str,
    column: Column,
) -> &'r boardpack::compute::records::Cell {
    let row = records
        .rows
        .iter()
        .find(|r| r.code == code)
        .unwrap_or_else(|| panic!("row {code}"));
    row.cells
        .get(&column)
        .unwrap_or_else(|| panic!("{code} has a {column:?} cell"))
}

#[test]
fn the_records_carry_the_published_classes_and_p_values() {
    let r = &built().records;
    let sp1 = cell(r, "SP1.fte", Column::Latest);
    assert_eq!(sp1.text, "271");
    assert_eq!(sp1.class, Some(Class::Improvement));
    // Methods v3: p = max(p_t, p_exact); Student's t on 11 degrees of
    // freedom gives 5.38e-8 where the exact test gives 3.3e-39. The class
    // is the published one. Reference: scipy 1.17.1 from the sample's
    // months (2 * t.sf(12.9299, 11)).
    let p1 = sp1.p_value.unwrap();
    assert!((p1 - 5.382299477646728e-08).abs() < 1e-13, "p = {p1}");
    // Methods v3: the all-crime months paired by calendar month have
    // φ̂ ≈ 1.305 on 11 df (v2's φ* ≈ 15.95 counted the seasons as noise),
    // z ≈ 2.157, p_t ≈ 0.0540 > 0.05: still no significant change, as v2
    // (the exact test's p ≈ 0.014 is in
    // `the_exact_count_test_restores_every_v1_class`). Reference: scipy
    // 1.17.1 (2 * t.sf(z, 11)) on the sample's months.
    let sp11 = cell(r, "SP11.offences", Column::Latest);
    assert_eq!(sp11.text, "59653");
    assert_eq!(sp11.class, Some(Class::NoChange));
    assert_eq!(sp11.test, Some(Some(Test::OverdispersedPoisson)));
    let phi = sp11.dispersion.flatten().unwrap();
    assert!((phi - 1.305183967670459).abs() < 1e-9, "φ̂ = {phi}");
    assert_eq!(sp11.df, Some(Some(11)));
    assert_eq!(sp11.pairs_from, Some(Some(PairsFrom::Own)));
    assert!(
        (sp11.p_value.unwrap() - 0.05401922267080133).abs() < 1e-9,
        "{:?}",
        sp11.p_value
    );
    let sp13 = cell(r, "SP13.offences", Column::Latest);
    assert_eq!(sp13.text, "4452");
    assert_eq!(sp13.class, Some(Class::NoChange));
    assert_eq!(cell(r, "SP1.fte", Column::Var).text, "-59%");
    assert_eq!(cell(r, "SP17.locations", Column::Var).text, "-66%");
    assert_eq!(cell(r, "SP11.msg", Column::Latest).text, "3rd");
    assert_eq!(cell(r, "SP13.msg", Column::Latest).text, "1st");
    assert_eq!(cell(r, "SP14B.msg", Column::Latest).text, "5th");
    assert_eq!(cell(r, "SP9.satisfaction", Column::Baseline).text, "84.5%");
    assert_eq!(
        cell(r, "SP5.satisfaction", Column::Latest).note.as_deref(),
        Some("To May 15")
    );
    assert_eq!(cell(r, "SP3.nte", Column::Ytd).text, "NA");
    assert_eq!(cell(r, "SP4.asb", Column::Assessment).text, "No change");
    // The Absent row has no baseline (its series starts September 2014):
    // the cell and % Var. print empty, the latest 12 months print 604.
    let absent = r.rows.iter().find(|x| x.code == "SP17.absent").unwrap();
    assert!(!absent.cells.contains_key(&Column::Baseline));
    assert!(!absent.cells.contains_key(&Column::Var));
    assert_eq!(absent.cells[&Column::Latest].text, "604");
}

#[test]
fn the_records_export_has_the_contract_shape() {
    let json = serde_json::to_value(&built().records).unwrap();
    assert_eq!(json["report"]["period_end"], "2015-12-31");
    assert_eq!(json["report"]["baseline"], "2012/13");
    assert_eq!(json["report"]["projection"], "2016/17");
    let rows = json["rows"].as_array().unwrap();
    let sp11 = rows.iter().find(|r| r["code"] == "SP11.offences").unwrap();
    assert_eq!(sp11["priority"], "11");
    assert_eq!(sp11["kind"], "count");
    assert_eq!(sp11["cells"]["latest"]["class"], "no-change");
    assert_eq!(sp11["cells"]["latest"]["value"], 59653.0);
    // Records v3: the test's name, φ̂ (unfloored), its df and source
    // beside the p-value.
    assert_eq!(sp11["cells"]["latest"]["test"], "overdispersed-poisson");
    let phi = sp11["cells"]["latest"]["dispersion"].as_f64().unwrap();
    assert!((phi - 1.305).abs() < 1e-3);
    assert_eq!(sp11["cells"]["latest"]["df"], 11);
    assert_eq!(sp11["cells"]["latest"]["pairs_from"], "own");
    let sp9 = rows
        .iter()
        .find(|r| r["code"] == "SP9.satisfaction")
        .unwrap();
    assert_eq!(sp9["cells"]["latest"]["test"], "two-proportion-z");
    assert!(sp9["cells"]["latest"]["dispersion"].is_null());
    assert!(sp9["cells"]["latest"]["df"].is_null());
    assert!(sp9["cells"]["latest"]["pairs_from"].is_null());
    let spc = rows.iter().find(|r| r["code"] == "SP11.spc").unwrap();
    assert!(spc["cells"]["latest"]["value"].is_null());
    let class = spc["cells"]["latest"]["class"].as_str().unwrap();
    assert!(["common-cause", "improvement", "concern"].contains(&class));
    // A column with nothing to print is absent, not null.
    let sp2 = rows.iter().find(|r| r["code"] == "SP2.offending").unwrap();
    assert_eq!(sp2["cells"], serde_json::json!({}));
}

#[test]
fn the_sample_is_laid_out_in_the_published_order() {
    let text = common::pdf_text(&built().pdf);
    let titles = [
        "preventing and diverting young people",
        "reducing reoffending amongst young people",
        "reducing alcohol and drug related",
        "to increase reporting of domestic violence",
        "to improve outcomes for victims of hate crimes",
        "to reduce all crime",
        "to reduce theft of motor vehicles",
        "to prevent child abuse",
        "to reduce the number of repeat missing person reports",
        "with staff and partners, transform",
    ];
    let positions: Vec<usize> = titles
        .iter()
        .map(|t| text.find(t).unwrap_or_else(|| panic!("{t} is printed")))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
}

#[test]
fn two_builds_of_the_same_workbook_are_byte_identical() {
    let again = pipeline::build(&common::sample_bytes(), RenderOptions::draft).unwrap();
    assert_eq!(again.pdf, built().pdf);
}

#[test]
fn the_committed_sample_is_what_the_generator_writes() {
    let generated = boardpack::support::sample::sample().to_bytes().unwrap();
    assert!(
        generated == common::sample_bytes(),
        "inputs/dashboard-2015-12.xlsx is stale: run `cargo run --example make-sample`"
    );
}

#[test]
fn the_draft_is_marked_on_every_page() {
    let text = pdf_extract::extract_text_from_mem_by_pages(&built().pdf).unwrap();
    assert!(text.len() >= 2);
    for (i, page) in text.iter().enumerate() {
        assert!(
            common::normalise(page).contains("draft - not signed off"),
            "page {} has no draft mark",
            i + 1
        );
    }
}

#[test]
fn no_text_is_set_under_seven_points() {
    // Every explicit size in the layout and the charts is at least 7 pt.
    let layout = boardpack::render::document::DASHBOARD_LAYOUT;
    let mut sizes = Vec::new();
    for (i, _) in layout.match_indices("size: ") {
        let rest = &layout[i + 6..];
        let end = rest.find("pt").unwrap_or(0);
        if let Ok(v) = rest[..end].parse::<f64>() {
            sizes.push(v);
        }
    }
    assert!(sizes.len() > 10, "{sizes:?}");
    assert!(sizes.iter().all(|s| *s >= 7.0), "{sizes:?}");
    // Chart text: font-size attributes in the SVGs (drawn at 1 pt per unit
    // or larger).
    for chart in built().charts.charts.values() {
        for (i, _) in chart.svg.match_indices("font-size=\"") {
            let rest = &chart.svg[i + 11..];
            let v: f64 = rest[..rest.find('"').unwrap()].parse().unwrap();
            assert!(v >= 7.0, "{}: font-size {v}", chart.id);
        }
    }
}

#[test]
fn the_key_prints_the_packs_number_of_comparisons() {
    // Methods v3: N = 17 tested comparisons, M = 17 × 5/100 rounded = 1.
    let text = common::pdf_text(&built().pdf);
    let sentence = common::normalise(
        "This pack makes 17 comparisons; with no real change anywhere, about 1 of them would still show as significant.",
    );
    assert!(text.contains(&sentence), "{text}");
}
