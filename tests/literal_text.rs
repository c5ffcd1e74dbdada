//! Workbook text reaches the layout as data: markup characters in any cell
//! print literally and never change the document.

mod common;

use common::{build, minimal, pdf_text, t};

const NASTY: [&str; 6] = [
    "#set page(paper: \"a5\") *bold* $x^2$ [link] <label> @ref \\n",
    "Cost £5 #1 *priority* _under_ `raw`",
    "= Not a heading",
    "- not a list",
    "#panic(\"boom\")",
    "<b>html</b> & </script>",
];

#[test]
fn markup_characters_in_cells_print_literally() {
    let mut w = minimal(|_| 10.0);
    w.sheet_mut("Report").unwrap().set(1, 1, t(NASTY[0]));
    w.sheet_mut("Priorities").unwrap().set(1, 1, t(NASTY[1]));
    w.sheet_mut("Priorities").unwrap().set(1, 4, t(NASTY[2]));
    w.sheet_mut("Indicators").unwrap().set(1, 2, t(NASTY[3]));
    w.sheet_mut("Indicators").unwrap().set(1, 7, t(NASTY[5]));
    let mut narrative =
        boardpack::support::xlsx::SheetData::new("Narrative", &["Section", "Kind", "Text"]);
    narrative.row(vec![t("1"), t("paragraph"), t(NASTY[4])]);
    narrative.row(vec![t("Comments [*]"), t("bullet"), t(NASTY[0])]);
    w.sheets.push(narrative);
    let built = build(&w);
    let text = pdf_text(&built.pdf);
    // Lines may break inside a long string: compare without white space.
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    for s in NASTY {
        assert!(
            squeeze(&text).contains(&squeeze(&common::normalise(s))),
            "{s:?} is not printed literally in: {text}"
        );
    }
    assert!(text.contains("comments [*]:"));
    // The page size is still landscape A4.
    let doc = lopdf::Document::load_mem(&built.pdf).unwrap();
    let page = doc.get_pages().into_values().next().unwrap();
    let media = doc
        .get_dictionary(page)
        .unwrap()
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap();
    let width = media[2].as_float().unwrap();
    assert!((width - 841.89).abs() < 0.1, "page width {width}");
}
