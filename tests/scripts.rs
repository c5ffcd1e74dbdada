//! Regression test for issue 15, item 5: text in the scripts Leicester's
//! communities write (Gujarati, Punjabi in Gurmukhi, Urdu in Arabic script,
//! Hindi in Devanagari, Bengali) and in Latin with diacritics (Polish,
//! Welsh, Romanian), Greek and Cyrillic builds a PDF/UA pack whose text is
//! all there, set in the embedded fonts.

mod common;

use common::{build, minimal, t};

const TEXTS: [&str; 9] = [
    "ગુજરાતી સમુદાય સાથે બેઠક",            // Gujarati
    "ਪੰਜਾਬੀ ਭਾਈਚਾਰੇ ਨਾਲ ਮੀਟਿੰਗ",          // Punjabi (Gurmukhi)
    "اردو بولنے والی برادری سے ملاقات", // Urdu (Arabic script)
    "हिंदी समुदाय के साथ बैठक",            // Hindi (Devanagari)
    "বাংলা সম্প্রদায়ের সাথে সভা",             // Bengali
    "Spotkanie z Polską społecznością: źródło, łąka",
    "Cyfarfod â’r gymuned: ŵyn a ŷd",
    "Ελληνική κοινότητα",
    "Українська громада",
];

#[test]
fn community_scripts_print_in_the_embedded_fonts() {
    let mut w = minimal(|_| 10.0);
    let mut narrative =
        boardpack::support::xlsx::SheetData::new("Narrative", &["Section", "Kind", "Text"]);
    for text in TEXTS {
        narrative.row(vec![t("1"), t("bullet"), t(text)]);
    }
    w.sheets.push(narrative);
    let built = build(&w);
    let doc = lopdf::Document::load_mem(&built.pdf).unwrap();
    // Every font in the PDF is embedded, and the Noto faces were used.
    let mut names = Vec::new();
    for (_, object) in doc.objects.iter() {
        if let Ok(d) = object.as_dict() {
            if d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"FontDescriptor") {
                let name = d.get(b"FontName").and_then(|n| n.as_name()).unwrap();
                names.push(String::from_utf8_lossy(name).into_owned());
                assert!(
                    d.has(b"FontFile2") || d.has(b"FontFile3") || d.has(b"FontFile"),
                    "{} is not embedded",
                    names.last().unwrap()
                );
            }
        }
    }
    for family in [
        "NotoSansGujarati",
        "NotoSansGurmukhi",
        "NotoSansArabic",
        "NotoSansDevanagari",
        "NotoSansBengali",
    ] {
        assert!(
            names.iter().any(|n| n.contains(family)),
            "{family} not used: {names:?}"
        );
    }
    // The Latin, Greek and Cyrillic lines come through as text (the
    // shaped scripts are checked by font use above: text extraction of
    // complex scripts depends on the extractor, not on the PDF).
    let text = common::pdf_text(&built.pdf);
    let squeeze = |s: &str| s.split_whitespace().collect::<String>().to_lowercase();
    for s in &TEXTS[5..] {
        assert!(
            squeeze(&text).contains(&squeeze(&common::normalise(s))),
            "{s} missing"
        );
    }
}
