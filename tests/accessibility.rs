//! Every PDF is an accessible PDF: tagged, PDF/UA-1, in British English, with
//! its title shown, headings, real table headers, and alt text on every
//! figure.

mod common;

use boardpack::pipeline;
use boardpack::render::document::RenderOptions;
use lopdf::{Dictionary, Document, Object};

fn draft() -> Vec<u8> {
    pipeline::build(&common::sample_bytes(), RenderOptions::draft)
        .unwrap()
        .pdf
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap(),
        other => other,
    }
}

/// Every structure element under the root, depth first: (role, dictionary).
fn struct_elems(doc: &Document) -> Vec<(String, Dictionary)> {
    let catalog = doc.catalog().unwrap();
    let root = resolve(
        doc,
        catalog.get(b"StructTreeRoot").expect("a structure tree"),
    )
    .as_dict()
    .unwrap();
    let mut out = Vec::new();
    let mut stack: Vec<Object> = vec![root.get(b"K").unwrap().clone()];
    while let Some(k) = stack.pop() {
        match resolve(doc, &k) {
            Object::Array(items) => stack.extend(items.iter().cloned()),
            Object::Dictionary(d) => {
                if let Ok(s) = d.get(b"S").and_then(|s| s.as_name()) {
                    out.push((String::from_utf8_lossy(s).into_owned(), d.clone()));
                    if let Ok(kids) = d.get(b"K") {
                        stack.push(kids.clone());
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn check_accessible(pdf: &[u8]) {
    let doc = Document::load_mem(pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    // Language.
    let lang = resolve(&doc, catalog.get(b"Lang").expect("/Lang set"))
        .as_str()
        .unwrap();
    assert_eq!(lang, b"en-GB");
    // Marked content, and viewers show the title.
    let mark = resolve(&doc, catalog.get(b"MarkInfo").unwrap())
        .as_dict()
        .unwrap();
    assert!(mark.get(b"Marked").unwrap().as_bool().unwrap());
    let prefs = resolve(
        &doc,
        catalog
            .get(b"ViewerPreferences")
            .expect("viewer preferences"),
    )
    .as_dict()
    .unwrap();
    assert!(prefs.get(b"DisplayDocTitle").unwrap().as_bool().unwrap());
    // The PDF/UA identifier in the XMP metadata.
    let meta = resolve(&doc, catalog.get(b"Metadata").unwrap())
        .as_stream()
        .unwrap();
    let xmp = String::from_utf8_lossy(&meta.content).into_owned();
    assert!(
        xmp.contains("<pdfuaid:part>1</pdfuaid:part>"),
        "no PDF/UA id"
    );
    assert!(xmp.contains("Police &amp; Crime Plan Dashboard"));

    let elems = struct_elems(&doc);
    let roles: Vec<&str> = elems.iter().map(|(s, _)| s.as_str()).collect();
    // Every figure has alt text.
    let figures: Vec<&Dictionary> = elems
        .iter()
        .filter(|(s, _)| s == "Figure")
        .map(|(_, d)| d)
        .collect();
    assert!(figures.len() >= 10, "{} figures", figures.len());
    for f in &figures {
        let alt = f.get(b"Alt").expect("every Figure has /Alt");
        let alt = resolve(&doc, alt).as_str().unwrap();
        assert!(!alt.is_empty());
    }
    // Tables with header cells; headings.
    assert!(roles.contains(&"Table"));
    let th = roles.iter().filter(|r| **r == "TH").count();
    assert!(th >= 19 * 2, "{th} TH cells");
    assert!(roles.contains(&"H1"), "a level-1 heading: {roles:?}");
    let h2 = roles.iter().filter(|r| **r == "H2").count();
    assert!(h2 >= 19, "a heading for each priority: {h2}");
}

#[test]
fn a_draft_is_tagged_pdf_ua_with_alt_text_and_table_headers() {
    check_accessible(&draft());
}

#[test]
fn a_signed_off_pack_is_too() {
    let s = boardpack::pack::signoff::SignOff::new(
        "J",
        "R",
        chrono::NaiveDate::from_ymd_opt(2016, 1, 28).unwrap(),
        None,
        "w.xlsx",
    );
    let pdf = boardpack::pack::signoff::build_final(&common::sample_bytes(), &s)
        .unwrap()
        .pdf;
    check_accessible(&pdf);
}

#[test]
fn chart_alt_text_is_generated_from_the_record() {
    let built = pipeline::build(&common::sample_bytes(), RenderOptions::draft).unwrap();
    let chart = built
        .records
        .appendix
        .iter()
        .find(|c| c.indicator == "SP11.offences")
        .unwrap();
    assert!(
        chart.alt.starts_with(
            "SPC chart of SP11 Number of offences, monthly, April 2012 to December 2015: \
             59,653 in the latest 12 months, 1% above the 2012/13 baseline of 58,805; \
             no statistically significant change; SPC: "
        ),
        "{}",
        chart.alt
    );
    let savings = built
        .records
        .priorities
        .iter()
        .find_map(|p| p.savings.as_ref())
        .unwrap();
    assert!(
        savings
            .alt
            .contains("Latest estimate of savings required £20.3m"),
        "{}",
        savings.alt
    );
    // The alt text is in the PDF.
    let doc = Document::load_mem(&built.pdf).unwrap();
    let alts: Vec<String> = struct_elems(&doc)
        .iter()
        .filter_map(|(_, d)| d.get(b"Alt").ok())
        .map(|a| {
            let bytes = resolve(&doc, a).as_str().unwrap();
            lopdf::decode_text_string(&Object::String(
                bytes.to_vec(),
                lopdf::StringFormat::Literal,
            ))
            .unwrap_or_else(|_| String::from_utf8_lossy(bytes).into_owned())
        })
        .collect();
    assert!(
        alts.iter()
            .any(|a| a.starts_with("SPC chart of SP11 Number of offences")),
        "{alts:?}"
    );
    assert!(
        alts.iter().any(|a| a == "significant deterioration"),
        "the class symbols say their class"
    );
}
