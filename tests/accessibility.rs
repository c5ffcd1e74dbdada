//! Every PDF is an accessible PDF: tagged, PDF/UA-1, in British English, with
//! its title shown, headings, real table headers, and alt text on every
//! figure.

mod common;

use boardpack::pipeline;
use boardpack::render::document::RenderOptions;
use common::{reading, resolve, Elem};
use lopdf::{Dictionary, Document, Object};

fn draft() -> Vec<u8> {
    pipeline::build(&common::sample_bytes(), RenderOptions::draft)
        .unwrap()
        .pdf
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
    let h3 = roles.iter().filter(|r| **r == "H3").count();
    assert!(h3 >= 19, "a heading for each priority: {h3}");
}

#[test]
fn a_draft_is_tagged_pdf_ua_with_alt_text_and_table_headers() {
    check_accessible(&draft());
}

#[test]
fn a_signed_off_pack_is_too() {
    check_accessible(&signed_off());
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
            "SPC chart of SP11, monthly, April 2012 to December 2015: \
             59,653 in the latest 12 months, 1% above the 2012/13 baseline of 58,805; \
             no statistically significant change. The monthly figures"
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
            .contains("Latest estimate of savings required, 20.3 million pounds"),
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
            .any(|a| a.starts_with("SPC chart of SP11, monthly")),
        "{alts:?}"
    );
    assert!(
        alts.iter().any(|a| a == "significant deterioration"),
        "the class symbols say their class"
    );
}

fn draft_reading() -> Vec<Elem> {
    reading(&Document::load_mem(&draft()).unwrap())
}

fn signed_off() -> Vec<u8> {
    let s = boardpack::pack::signoff::SignOff::new(
        "J",
        "R",
        chrono::NaiveDate::from_ymd_opt(2016, 1, 28).unwrap(),
        None,
        "w.xlsx",
    );
    boardpack::pack::signoff::build_final(&common::sample_bytes(), &s)
        .unwrap()
        .pdf
}

/// A text entry of the document information dictionary.
fn info(doc: &Document, key: &[u8]) -> String {
    let trailer_info = doc.trailer.get(b"Info").unwrap();
    let dict = resolve(doc, trailer_info).as_dict().unwrap();
    lopdf::decode_text_string(resolve(doc, dict.get(key).unwrap())).unwrap()
}

/// Issue #16 (1): a draft was told from a final pack only by artifacts.
#[test]
fn a_draft_says_so_in_its_title_and_as_text_at_the_top_of_page_one() {
    let doc = Document::load_mem(&draft()).unwrap();
    assert_eq!(
        info(&doc, b"Title"),
        "DRAFT — not signed off: Police & Crime Plan Dashboard — Leicestershire (Leicester, Leicestershire and Rutland) — Period ended December 2015"
    );
    let r = reading(&doc);
    let h1 = r.iter().position(|e| e.role == "H1").unwrap();
    let next: Vec<(&str, &str)> = r[h1 + 1..]
        .iter()
        .filter(|e| !e.text.is_empty())
        .take(2)
        .map(|e| (e.role.as_str(), e.text.as_str()))
        .collect();
    assert_eq!(
        next,
        [
            ("P", "DRAFT — not signed off"),
            ("P", "Period ended December 2015")
        ]
    );

    let doc = Document::load_mem(&signed_off()).unwrap();
    assert_eq!(
        info(&doc, b"Title"),
        "Police & Crime Plan Dashboard — Leicestershire (Leicester, Leicestershire and Rutland) — Period ended December 2015"
    );
    assert!(!reading(&doc).iter().any(|e| e.text.contains("DRAFT")));
}

/// Issue #16 (2): footnote marks read as plain text ("year olds 1").
#[test]
fn footnote_marks_are_references_to_notes_not_plain_text() {
    let built = pipeline::build(&common::sample_bytes(), RenderOptions::draft).unwrap();
    let r = reading(&Document::load_mem(&built.pdf).unwrap());
    let row = r
        .iter()
        // (then the thin space before its mark: issue #31)
        .position(|e| e.text == "Reduction in offending by 18-24 year olds\u{2009}")
        .expect("the indicator's name, without its mark");
    // The mark itself is a link to the note, labelled with its marker.
    let within = |i: usize, role: &str| common::within(&r, i, role);
    assert!(r.iter().enumerate().any(
        |(i, e)| e.text == "1" && within(i, "Link").and_then(|l| within(l, "TH")) == Some(row)
    ));
    // Issue #31 (4): the note was inside the row header that cited it, so
    // every cell of the row was announced with it. It is a Note after the
    // row's table, in no cell.
    let table = within(row, "Table").unwrap();
    let note = r
        .iter()
        .position(|e| {
            e.role == "Note"
                && e.text.trim_start_matches('\u{2009}')
                    == "Data held by partner agencies: not yet available for this period."
        })
        .expect("the note");
    assert!(note > row, "after the row");
    for cell in ["TH", "TD", "Table"] {
        assert_eq!(within(note, cell), None, "the note is in no {cell}");
    }
    let next_table = r[table + 1..]
        .iter()
        .position(|e| e.role == "Table")
        .unwrap()
        + table
        + 1;
    assert!(note < next_table, "right after its table");
    for (i, e) in r.iter().enumerate().filter(|(_, e)| e.role == "Note") {
        assert_eq!(within(i, "TH"), None, "{}", e.text);
        assert_eq!(within(i, "TD"), None, "{}", e.text);
    }
    for f in &built.records.footnotes {
        assert!(
            r.iter()
                .any(|e| e.role == "Note" && e.text.trim_start_matches('\u{2009}') == f.text),
            "footnote {} is a Note",
            f.marker
        );
    }
}

/// Issue #16 (3): a figure was announced without its indicator.
#[test]
fn indicator_names_are_row_headers_of_their_figures() {
    let r = draft_reading();
    let attr = |e: &Elem, key: &[u8]| -> Option<Object> {
        let a = e.dict.get(b"A").ok()?.as_array().ok()?;
        a.iter()
            .filter_map(|d| d.as_dict().ok())
            .find_map(|d| d.get(key).ok().cloned())
    };
    let ids = |o: Option<Object>| -> Vec<Vec<u8>> {
        o.map(|o| {
            o.as_array()
                .unwrap()
                .iter()
                .map(|i| i.as_str().unwrap().to_vec())
                .collect()
        })
        .unwrap_or_default()
    };
    let row_headers: Vec<&Elem> = r
        .iter()
        .filter(|e| {
            e.role == "TH"
                && attr(e, b"Scope").and_then(|s| s.as_name().ok().map(<[u8]>::to_vec))
                    == Some(b"Row".to_vec())
        })
        .collect();
    assert!(row_headers.len() >= 40, "{} row headers", row_headers.len());
    let total = r
        .iter()
        .position(|e| e.role == "TD" && e.text == "59653")
        .unwrap();
    let headers = ids(attr(&r[total], b"Headers"));
    let named: Vec<&str> = r
        .iter()
        .filter(|e| e.role == "TH")
        .filter(|e| {
            e.dict
                .get(b"ID")
                .ok()
                .map(|i| headers.contains(&i.as_str().unwrap().to_vec()))
                .unwrap_or(false)
        })
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(named, ["Latest 12 months", "Number of offences"]);
}

/// Issue #16 (4): "Strategic Priorities" was no heading, and the priority
/// number lay outside its heading ("11" missing from the headings list).
#[test]
fn strategic_priorities_is_a_heading_and_each_priority_heading_has_its_number() {
    let pdf = draft();
    let doc = Document::load_mem(&pdf).unwrap();
    let r = reading(&doc);
    let h2: Vec<&str> = r
        .iter()
        .filter(|e| e.role == "H2")
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(h2[0], "Strategic Priorities");
    // Issue #31 (10): the priorities are under it (level 3), not beside it.
    let h3: Vec<&str> = r
        .iter()
        .filter(|e| e.role == "H3")
        .map(|e| e.text.as_str())
        .collect();
    assert!(h3.contains(&"11 To reduce all crime"), "{h3:?}");
    assert!(h3.contains(&"14A To reduce Theft from Motor Vehicles"));
    let first = r.iter().position(|e| e.role == "H2").unwrap();
    assert_eq!(
        r[first + 1..]
            .iter()
            .find(|e| e.role.starts_with('H'))
            .unwrap()
            .role,
        "H3"
    );
    // The bookmarks (a viewer's headings list) say the same.
    let outline = bookmarks(&doc);
    assert!(
        outline.contains(&"11 To reduce all crime".to_string()),
        "{outline:?}"
    );
    assert!(outline.contains(&"Strategic Priorities".to_string()));
}

/// The titles of the PDF's bookmarks.
fn bookmarks(doc: &Document) -> Vec<String> {
    let mut outline = Vec::new();
    let catalog = doc.catalog().unwrap();
    let outlines = resolve(doc, catalog.get(b"Outlines").unwrap())
        .as_dict()
        .unwrap();
    let mut stack = vec![outlines.get(b"First").unwrap().clone()];
    while let Some(o) = stack.pop() {
        let d = resolve(doc, &o).as_dict().unwrap();
        outline.push(lopdf::decode_text_string(resolve(doc, d.get(b"Title").unwrap())).unwrap());
        for k in [&b"Next"[..], b"First"] {
            if let Ok(n) = d.get(k) {
                stack.push(n.clone());
            }
        }
    }
    outline
}

/// Issue #16 (5): the SPC reading, the appendix icons, the KEY and the
/// savings panel were read twice.
#[test]
fn nothing_is_read_twice() {
    let r = draft_reading();
    let said: Vec<String> = r
        .iter()
        .filter(|e| !e.text.is_empty())
        .map(|e| e.text.to_lowercase().replace("spc: ", ""))
        .collect();
    // An empty cell's words ("no data") are said once per cell.
    let empty = ["no data", "not applicable"];
    for w in said.windows(2) {
        if empty.contains(&w[0].as_str()) && empty.contains(&w[1].as_str()) {
            continue;
        }
        assert!(
            !(w[0].len() > 3 && w[1].len() > 3 && (w[1].contains(&w[0]) || w[0].contains(&w[1]))),
            "read twice: {w:?}"
        );
    }
    // The SPC cell reads its reading once, as words.
    assert!(!r
        .iter()
        .any(|e| e.role == "Figure" && e.text.starts_with("SPC: ")));
    // The savings panel reads its chart's alt text alone: each item once.
    let start = r
        .iter()
        .position(|e| e.role == "H3" && e.text.starts_with("18 "))
        .unwrap();
    let end = start
        + 1
        + r[start + 1..]
            .iter()
            .position(|e| e.role == "H2" || e.role == "H3")
            .unwrap();
    // (What lies in the heading, its "£20m" said as money, is the heading's.)
    let panel: Vec<&str> = r[start + 1..end]
        .iter()
        .filter(|e| !e.text.is_empty() && e.parent != start)
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(panel.len(), 1, "{panel:?}");
    assert!(panel[0].starts_with("Bar chart of savings"));
    // The KEY reads its labels; its samples are artifacts.
    let key = r.iter().position(|e| e.text == "KEY:").unwrap();
    let note = r.iter().position(|e| e.text == "Note:").unwrap();
    assert!(!r[key..note].iter().any(|e| e.role == "Figure"));
}

/// Issue #16 (6): each bullet was a one-item list, block text a `Span`.
#[test]
fn a_run_of_bullets_is_one_list_and_block_text_is_a_paragraph() {
    let r = draft_reading();
    let items = |l: usize| r.iter().filter(|e| e.role == "LI" && e.parent == l).count();
    let lists: Vec<usize> = r
        .iter()
        .enumerate()
        .filter(|(_, e)| e.role == "L")
        .map(|(i, _)| items(i))
        .collect();
    // SP15's four bullets, SP16's three, the comment box's two.
    assert_eq!(lists, [4, 3, 2]);
    for text in [
        "Period ended December 2015",
        "Please see performance report for SP2 details.",
        "Statistically Significant Improvements as compared to end of 2012/13",
        "December 2015: Common cause. Projection 2016/17: 61,427 (95% prediction interval 55,897 to 66,957), from a straight line fitted to the last 36 months.",
    ] {
        let e = r.iter().find(|e| e.text == text).expect(text);
        assert_eq!(e.role, "P", "{text}");
    }
    // The only spans left are the footnote marks' labels and the
    // abbreviations with their expansions (issue #31).
    for e in r
        .iter()
        .filter(|e| e.role == "Span" && !e.text.is_empty() && !e.dict.has(b"E"))
    {
        assert!(e.text.chars().count() <= 2, "a span of text: {}", e.text);
    }
}

/// Issue #16 (7): the SPC alt text omitted the trend and the latest month.
#[test]
fn spc_alt_text_says_the_trend_and_the_latest_month() {
    let built = pipeline::build(&common::sample_bytes(), RenderOptions::draft).unwrap();
    let r = reading(&Document::load_mem(&built.pdf).unwrap());
    for chart in &built.records.appendix {
        let last = chart.points.last().unwrap();
        let fig = r
            .iter()
            .find(|e| e.role == "Figure" && e.text == chart.alt)
            .expect("the record's alt text is the figure's");
        assert!(
            ["rise overall", "fall overall", "stay level overall"]
                .iter()
                .any(|w| fig.text.contains(&format!("The monthly figures {w}"))),
            "{}",
            fig.text
        );
        assert!(fig
            .text
            .contains(&format!("Latest month, {}: ", last.month.long_label())));
    }
}

/// Issue #16 (8): the Subject said "period ended december 2015".
#[test]
fn the_subject_keeps_the_month_capitalised() {
    let doc = Document::load_mem(&draft()).unwrap();
    assert_eq!(
        info(&doc, b"Subject"),
        "Police & Crime Plan Dashboard for Leicestershire (Leicester, Leicestershire and Rutland), \
         period ended December 2015 (draft, not signed off)"
    );
}

/// Another force's draft: the title, the subject, the row headers and the
/// SPC alt text follow its workbook (a count rising by 3 a month from 100
/// in April 2012: 232 in December 2015; the first year averages 116.5, the
/// last 215.5, both rounded half away from zero).
#[test]
fn another_forces_draft_reads_its_own_title_rows_and_trend() {
    let built = common::build(&common::minimal(|i| 100.0 + 3.0 * i as f64));
    let doc = Document::load_mem(&built.pdf).unwrap();
    assert_eq!(
        info(&doc, b"Title"),
        "DRAFT — not signed off: Test Dashboard — Home — Period ended December 2015"
    );
    assert_eq!(
        info(&doc, b"Subject"),
        "Test Dashboard for Home, period ended December 2015 (draft, not signed off)"
    );
    let r = reading(&doc);
    assert!(r.iter().any(|e| e.role == "TH" && e.text == "Count row"));
    assert!(r
        .iter()
        .any(|e| e.role == "H3" && e.text == "1 Test priority"));
    let alt = &r
        .iter()
        .find(|e| e.role == "Figure" && e.text.starts_with("SPC chart of SP1,"))
        .unwrap()
        .text;
    assert!(
        alt.contains(
            "The monthly figures rise overall: the first 12 months average 117, the last 12 \
             216; highest 232 in December 2015, lowest 100 in April 2012. \
             Latest month, December 2015: 232."
        ),
        "{alt}"
    );
}

/// Issue #31 (9): missing spaces in the tagged text ("completions1",
/// "86.5%To May 15", "job.(CBS data)"), so a search for the words failed.
#[test]
fn tagged_text_keeps_the_spaces_between_words_marks_and_notes() {
    let r = draft_reading();
    let said: Vec<&str> = r.iter().map(|e| e.text.as_str()).collect();
    let all = said.join("|");
    for glued in ["completions1", "86.5%To", "job.(CBS"] {
        assert!(!all.contains(glued), "{glued} in the tagged text");
    }
    assert!(
        said.iter()
            .any(|t| t.ends_with("treatment completions\u{2009}")
                || t.contains("treatment completions\u{2009}1")),
        "the mark after a space"
    );
    assert!(said
        .iter()
        .any(|t| t.contains("doing a good job. (CBS data)")));
    // A note's number (its link) and its first word: "1Data held…".
    let notes: Vec<&Elem> = r.iter().filter(|e| e.role == "Note").collect();
    assert!(!notes.is_empty());
    for n in notes {
        assert!(n.text.starts_with('\u{2009}'), "{:?}", n.text);
    }
    // The figure and its note: two paragraphs of one cell.
    let note = r
        .iter()
        .position(|e| e.text == "To May 15")
        .expect("the note");
    let figure = r
        .iter()
        .position(|e| e.text.ends_with("86.5%"))
        .expect("the figure");
    assert_eq!(r[note].role, "P");
    assert_eq!(r[note].parent, r[figure].parent);
    assert_eq!(r[r[note].parent].role, "TD");
}

/// Issue #31 (9): the DRAFT watermark's letters were scattered through the
/// extracted text: it is drawn, not printed as text.
#[test]
fn the_watermark_is_no_text() {
    let pdf = draft();
    let glyphs = common::glyphs::glyphs(&pdf);
    assert!(!glyphs.is_empty());
    let big: Vec<_> = glyphs.iter().filter(|g| g.size > 20.0).collect();
    assert!(big.is_empty(), "{big:?}");
}

/// Issue #31 (7): footnote marks at 5.2 pt in tables and 4.55 pt at the
/// foot; the docs say nothing is under 7 pt.
#[test]
fn no_text_is_under_7_pt() {
    // The sample, and the two listen-throughs' workbooks (tables that
    // flow on, columns scaled to fit, notes under figures).
    let unseen = common::build(&common::unseen::avon()).pdf;
    let cumbria = pipeline::build(&cumbria_ods(), RenderOptions::draft)
        .unwrap()
        .pdf;
    for pdf in [draft(), signed_off(), unseen, cumbria] {
        let glyphs = common::glyphs::glyphs(&pdf);
        let smallest = glyphs
            .iter()
            .filter(|g| !g.text.trim().is_empty())
            .min_by(|a, b| a.size.total_cmp(&b.size))
            .unwrap();
        eprintln!(
            "smallest text: {:.2} pt ({:?}, page {})",
            smallest.size, smallest.text, smallest.page
        );
        assert!(smallest.size >= 6.99, "{smallest:?}");
    }
}

/// Issue #31 (8, 10): empty cells were read "blank"; tables had no name
/// (nine began "Satisfaction with service").
#[test]
fn empty_cells_say_why_and_tables_have_summaries() {
    let r = draft_reading();
    let doc = Document::load_mem(&draft()).unwrap();
    let mut tables = 0;
    for (role, d) in struct_elems(&doc) {
        if role != "Table" {
            continue;
        }
        tables += 1;
        let a = d.get(b"A").expect("the table's attributes");
        let attrs: Vec<Dictionary> = match resolve(&doc, a) {
            Object::Array(items) => items
                .iter()
                .filter_map(|i| resolve(&doc, i).as_dict().ok().cloned())
                .collect(),
            Object::Dictionary(d) => vec![d.clone()],
            _ => vec![],
        };
        let summary = attrs
            .iter()
            .find_map(|d| d.get(b"Summary").ok())
            .map(|s| lopdf::decode_text_string(resolve(&doc, s)).unwrap())
            .expect("a /Summary");
        assert!(summary.starts_with("Indicators of priority "), "{summary}");
    }
    assert!(tables >= 15, "{tables}");
    // Every data cell says something: its text or a figure's alt text.
    let has_words = |i: usize| {
        !r[i].text.trim().is_empty()
            || r.iter().enumerate().any(|(j, e)| {
                let mut p = j;
                while p != 0 && p != i {
                    p = r[p].parent;
                }
                p == i && j != i && !e.text.trim().is_empty()
            })
    };
    let tds: Vec<usize> = (0..r.len()).filter(|&i| r[i].role == "TD").collect();
    assert!(tds.len() > 100);
    let silent: Vec<usize> = tds.iter().copied().filter(|&i| !has_words(i)).collect();
    assert!(silent.is_empty(), "{} cells read blank", silent.len());
    assert!(r
        .iter()
        .any(|e| e.role == "Figure" && e.text == "not applicable"));
}

/// Issue #31 (6): a narrative priority that broke across columns was tagged
/// as a layout table (its heading a column header, its paragraph and list
/// in cells).
#[test]
fn a_narrative_panel_that_flows_on_is_no_table() {
    let mut w = common::sample();
    let paragraph =
        "The partnership has continued to deliver the plan across the force area. ".repeat(24);
    let narrative = w.sheet_mut("Narrative").unwrap();
    for _ in 0..4 {
        narrative.row(vec![
            common::t("15"),
            common::t("paragraph"),
            common::t(paragraph.trim()),
        ]);
    }
    let built = common::build(&w);
    let key = built
        .records
        .priorities
        .iter()
        .find(|p| p.code == "15")
        .unwrap()
        .key
        .clone();
    assert!(built.long_panels.contains(&key), "the panel flows on");
    let r = reading(&Document::load_mem(&built.pdf).unwrap());
    let within = |i: usize, role: &str| common::within(&r, i, role).is_some();
    let headings: Vec<usize> = (0..r.len())
        .filter(|&i| r[i].role == "H3" && r[i].text.starts_with("15 "))
        .collect();
    assert_eq!(headings.len(), 1, "its heading read once");
    assert!(
        !within(headings[0], "Table"),
        "its heading is no table header"
    );
    let para = r
        .iter()
        .position(|e| e.text.starts_with("The partnership has continued"))
        .unwrap();
    assert_eq!(r[para].role, "P");
    assert!(!within(para, "Table"), "its paragraphs are no table cells");
}

/// Issue #31 (4), in a panel that flows on: the note was still declared
/// inside the first cell citing it there (its row header, read with every
/// cell of the row). It is a Note in a row of its own right after the row
/// citing it, and on the same page, so it prints at the foot of its mark's
/// page.
#[test]
fn a_note_in_a_panel_that_flows_on_follows_its_row_in_no_header() {
    let built0 = common::build(&common::sample());
    let cited = built0
        .records
        .rows
        .iter()
        .find(|r| r.footnote.as_deref() == Some("1"))
        .expect("a row citing note 1")
        .clone();
    let priority = built0
        .records
        .priorities
        .iter()
        .find(|p| p.key == cited.priority)
        .unwrap()
        .clone();
    let mut w = common::sample();
    let paragraph =
        "The partnership has continued to deliver the plan across the force area. ".repeat(24);
    let narrative = w.sheet_mut("Narrative").unwrap();
    for _ in 0..4 {
        narrative.row(vec![
            common::t(&priority.code),
            common::t("paragraph"),
            common::t(paragraph.trim()),
        ]);
    }
    let built = common::build(&w);
    assert!(
        built.long_panels.contains(&priority.key),
        "the panel flows on"
    );
    let note_text = &built
        .records
        .footnotes
        .iter()
        .find(|f| f.marker == "1")
        .unwrap()
        .text;
    let r = reading(&Document::load_mem(&built.pdf).unwrap());
    let ancestors = |i: usize| common::ancestors(&r, i);
    let label = format!("{}\u{2009}", cited.label);
    let row_header = r
        .iter()
        .position(|e| e.role == "TH" && e.text == label)
        .or_else(|| {
            // The label's text is in a child of its header cell.
            let t = r.iter().position(|e| e.text == label)?;
            ancestors(t).into_iter().find(|&a| r[a].role == "TH")
        })
        .expect("the row header");
    let row = ancestors(row_header)
        .into_iter()
        .find(|&a| r[a].role == "TR")
        .unwrap();
    let notes: Vec<usize> = (0..r.len())
        .filter(|&i| r[i].role == "Note" && r[i].text.trim_start_matches('\u{2009}') == note_text)
        .collect();
    assert_eq!(notes.len(), 1, "the note is declared once on its page");
    let note = notes[0];
    assert!(note > row_header, "after the row");
    let up = ancestors(note);
    assert!(
        !up.iter().any(|&a| r[a].role == "TH"),
        "the note is in no row header"
    );
    assert!(!up.contains(&row), "the note is in no cell of its row");
    // The row right after the citing row holds the note and nothing else.
    let note_row = up.iter().copied().find(|&a| r[a].role == "TR").unwrap();
    let rows: Vec<usize> = (0..r.len())
        .filter(|&i| r[i].role == "TR" && r[i].parent == r[row].parent)
        .collect();
    let at = rows.iter().position(|&x| x == row).unwrap();
    assert_eq!(rows.get(at + 1), Some(&note_row), "the next row");
    let words: String = (note_row + 1..r.len())
        .filter(|&i| ancestors(i).contains(&note_row))
        .map(|i| r[i].text.as_str())
        .collect();
    assert!(
        words.contains(note_text.as_str()) && words.len() < note_text.len() + 8,
        "only the note: {words:?}"
    );
    // Printed at the foot of the page its mark is on.
    let pages: Vec<String> = pdf_extract::extract_text_from_mem_by_pages(&built.pdf)
        .unwrap()
        .iter()
        .map(|p| common::normalise(p))
        .collect();
    let page = pages
        .iter()
        .position(|p| p.contains(&common::normalise(&cited.label)))
        .expect("the row's page");
    assert!(
        pages[page].contains(&common::normalise(note_text)),
        "on its mark's page"
    );
}

/// Issue #31 (8, 10): `NA` was said "nah", `L.YTD` "L dot itd", `£20.3m`
/// "pound twenty point three m"; footnote marks were `Lbl` outside any
/// list; the SPC reading, spanning the figure columns, was announced under
/// each of their headings. Checked in a draft and a signed-off pack.
#[test]
fn abbreviations_are_expanded_marks_are_references_and_the_spc_cell_has_its_own_header() {
    for pdf in [draft(), signed_off()] {
        let doc = Document::load_mem(&pdf).unwrap();
        let r = reading(&doc);
        let text_of = |i: usize| -> String {
            // The element's text with all that lies inside it.
            let mut t = String::new();
            for (j, e) in r.iter().enumerate() {
                let mut p = j;
                while p != 0 && p != i {
                    p = r[p].parent;
                }
                if p == i {
                    t.push_str(&e.text);
                }
            }
            t
        };
        let expansion = |e: &Elem| {
            e.dict
                .get(b"E")
                .ok()
                .map(|s| lopdf::decode_text_string(resolve(&doc, s)).unwrap())
        };
        // Each expanded Span holds exactly its printed text.
        let spans: Vec<(String, String)> = (0..r.len())
            .filter(|&i| r[i].role == "Span")
            .filter_map(|i| Some((text_of(i), expansion(&r[i])?)))
            .collect();
        let said = |printed: &str| -> Vec<&str> {
            spans
                .iter()
                .filter(|(t, _)| t == printed)
                .map(|(_, e)| e.as_str())
                .collect()
        };
        assert!(said("NA").len() >= 20, "{spans:?}");
        assert!(said("NA").iter().all(|e| *e == "not available"));
        assert!(!said("L.YTD").is_empty());
        assert!(said("L.YTD").iter().all(|e| *e == "last year to date"));
        assert!(said("YTD").iter().all(|e| *e == "year to date"));
        assert!(!said("YTD").is_empty());
        assert!(spans
            .iter()
            .any(|(t, e)| t.replace(' ', "") == "%Var." && e == "percentage variance"));
        // Money is printed only in the savings chart, whose alt text says
        // it; in a cell it would be a Span like the rest.
        for (t, e) in spans.iter().filter(|(t, _)| t.starts_with('£')) {
            let amount = t.trim_start_matches('£').trim_end_matches('m');
            assert_eq!(e, &format!("{amount} million pounds"));
        }
        let savings = r
            .iter()
            .find(|e| e.role == "Figure" && e.text.starts_with("Bar chart of savings"))
            .expect("the savings chart");
        assert!(
            savings.text.contains("20.3 million pounds"),
            "{}",
            savings.text
        );
        assert!(!savings.text.contains('£'), "{}", savings.text);
        // Every NA in a cell is inside its expansion: none is said "nah".
        for (i, e) in r.iter().enumerate() {
            if e.text == "NA" {
                assert_eq!(r[i].role, "Span", "NA outside a Span");
                assert!(expansion(e).is_some(), "NA without /E");
            }
        }
        // The marking highlight leaves no background colour behind.
        for e in &r {
            if let Ok(a) = e.dict.get(b"A") {
                let attrs: Vec<&Object> = match a {
                    Object::Array(items) => items.iter().collect(),
                    o => vec![o],
                };
                for a in attrs {
                    let d = resolve(&doc, a).as_dict().unwrap();
                    if let Ok(c) = d.get(b"BackgroundColor") {
                        let red = c.as_array().unwrap()[0].as_float().unwrap();
                        assert!((red * 255.0 - 176.0).abs() > 0.5, "a mark's colour left");
                    }
                }
            }
        }

        // No Lbl outside a list; a footnote mark is a Reference to its
        // note, around its Link.
        for e in r.iter().filter(|e| e.role == "Lbl") {
            assert_eq!(r[e.parent].role, "LI", "a Lbl in {}", r[e.parent].role);
        }
        let marks: Vec<usize> = (0..r.len())
            .filter(|&i| r[i].role == "Link" && r[r[i].parent].role == "Reference")
            .collect();
        assert!(marks.len() >= 4, "{}", marks.len());

        // The SPC reading's cell: headed by its row's header only.
        let headers = |e: &Elem| -> Vec<Vec<u8>> {
            let a = match e.dict.get(b"A") {
                Ok(Object::Array(items)) => items.clone(),
                Ok(o) => vec![o.clone()],
                Err(_) => vec![],
            };
            a.iter()
                .filter_map(|d| {
                    resolve(&doc, d)
                        .as_dict()
                        .ok()?
                        .get(b"Headers")
                        .ok()
                        .cloned()
                })
                .flat_map(|h| h.as_array().unwrap().clone())
                .map(|h| h.as_str().unwrap().to_vec())
                .collect()
        };
        let named = |ids: &[Vec<u8>]| -> Vec<String> {
            (0..r.len())
                .filter(|&i| r[i].role == "TH")
                .filter(|&i| {
                    r[i].dict
                        .get(b"ID")
                        .is_ok_and(|d| ids.contains(&d.as_str().unwrap().to_vec()))
                })
                .map(text_of)
                .collect()
        };
        let spc: Vec<usize> = (0..r.len())
            .filter(|&i| r[i].role == "TD" && text_of(i).to_lowercase().contains("cause"))
            .collect();
        assert!(!spc.is_empty(), "an SPC reading's cell");
        for i in spc {
            let heads = named(&headers(&r[i]));
            assert_eq!(heads.len(), 1, "{heads:?}");
            assert!(!heads[0].contains("Baseline") && !heads[0].contains("Projection"));
        }
    }
}

// ---- The listen-through of a workbook nobody had built (issue #31) -------

/// The transcript of the unseen workbook's draft (Avon and Somerset,
/// September 2026), as `cargo run --example listen` prints it.
fn unseen_listen() -> &'static [String] {
    static LINES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    LINES.get_or_init(|| {
        let built = common::build(&common::unseen::avon());
        common::listen(&Document::load_mem(&built.pdf).unwrap())
    })
}

#[test]
fn the_listen_through_reads_an_unseen_pack_from_its_title_to_its_appendix() {
    let lines = unseen_listen();
    assert_eq!(lines[0], "heading level 1: Police & Crime Plan Dashboard");
    assert_eq!(lines[1], "DRAFT — not signed off");
    let has = |l: &str| lines.iter().any(|x| x == l);
    // A figure with its row's and its column's header, the class said once.
    assert!(has(
        "Total recorded crime, Latest 12 months: graphic: significant improvement | 130,928"
    ));
    assert!(has(
        "Incidents in the night-time economy, year to date: not available"
    ));
    // Workbook text read as typed.
    assert!(has(
        "Figures exclude #OpBluestone cases <pilot> & [restricted] items; ask @ASPolice for $ costs*."
    ));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("heading level 1: Appendix")));
    // Nothing is announced as "blank".
    let blank: Vec<&String> = lines.iter().filter(|l| l.ends_with(": blank")).collect();
    assert!(blank.is_empty(), "{blank:?}");
}

#[test]
fn a_long_run_that_may_break_anywhere_is_read_as_one_word_not_letter_by_letter() {
    // The layout breaks a run of 24 characters (an e-mail address) with a
    // zero-width space after every letter, which a screen reader was given.
    let lines = unseen_listen();
    assert!(
        lines.iter().any(|l| l
            == "Prepared by the OPCC performance team. Queries: performance@avonandsomerset-pcc.example (not a real address)."),
        "{:?}",
        lines.iter().find(|l| l.starts_with("Prepared"))
    );
    let split: Vec<&String> = lines.iter().filter(|l| l.contains('\u{200B}')).collect();
    assert!(split.is_empty(), "{split:?}");
}

#[test]
fn an_spc_alt_text_with_no_headline_figures_reads_no_colon_dot() {
    // A YTD table (no baseline or latest 12 months) or an NA baseline:
    // the chart's alt text read "…September 2026: . The monthly figures".
    let charts: Vec<&String> = unseen_listen()
        .iter()
        .filter(|l| l.starts_with("graphic: SPC chart"))
        .collect();
    assert!(charts.len() > 20);
    for c in &charts {
        assert!(!c.contains(": ."), "{c}");
    }
    assert!(charts.iter().any(|c| {
        c.starts_with(
        "graphic: SPC chart of SP2, monthly, April 2023 to September 2026. The monthly figures rise"
    )
    }));
}

#[test]
fn the_keys_months_say_ytd_and_lytd_as_words() {
    // The KEY printed YTD and L.YTD without their expansion: said "Y T D".
    let lines = unseen_listen();
    let at = lines
        .iter()
        .position(|l| l == "Months each column covers:")
        .expect("the KEY's months");
    let key = &lines[at..at + 11];
    assert!(key.iter().any(|l| l == "year to date"), "{key:?}");
    assert!(key.iter().any(|l| l == "last year to date"), "{key:?}");
    assert!(!key.iter().any(|l| l.contains("YTD")), "{key:?}");
}

#[test]
fn a_narratives_headings_are_headings_one_level_under_their_box() {
    // They were bold paragraphs: a screen reader could not list them.
    let lines = unseen_listen();
    let has = |l: &str| lines.iter().any(|x| x == l);
    assert!(has("heading level 4: What we did this quarter"));
    assert!(has("heading level 4: What the data shows"));
    assert!(has("heading level 3: Where the figures come from"));
    // No level is skipped on the way down (Matterhorn 14-003).
    let mut last = 0;
    for l in lines {
        if let Some(rest) = l.strip_prefix("heading level ") {
            let level: usize = rest[..1].parse().unwrap();
            assert!(level <= last + 1, "{l} after a level {last}");
            last = level;
        }
    }
    // And no bookmark for them: the outline stays the priorities'.
    let built = common::build(&common::unseen::avon());
    let outline = bookmarks(&Document::load_mem(&built.pdf).unwrap());
    assert!(outline.contains(&"4 Tackling violence against women and girls (VAWG)".to_string()));
    assert!(
        !outline.contains(&"What we did this quarter".to_string()),
        "{outline:?}"
    );
}

#[test]
fn a_proportions_change_in_points_is_said_in_words_not_p_p() {
    let lines = unseen_listen();
    assert!(lines.iter().any(|l| l
        == "Victim satisfaction with the whole experience, from first contact to the outcome of the case, percentage variance: plus 6.1 percentage points"));
    let pp: Vec<&String> = lines
        .iter()
        .filter(|l| l.ends_with("pp") || l.contains("pp,"))
        .collect();
    assert!(pp.is_empty(), "{pp:?}");
}

/// The pages (by number, from 1) whose tagged text holds `needle`.
fn pages_of(doc: &Document, needle: &str) -> Vec<u32> {
    let numbers: std::collections::HashMap<lopdf::ObjectId, u32> =
        doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let mut pages: Vec<u32> = boardpack::render::reading::marked_text(doc)
        .into_iter()
        .filter(|(_, t)| t.contains(needle))
        .map(|((page, _), _)| numbers[&page])
        .collect();
    pages.sort();
    pages.dedup();
    pages
}

#[test]
fn a_panel_moved_whole_to_the_next_page_keeps_its_notes_with_their_marks() {
    // Priority 5 did not fit the rest of page 1's last column and Typst
    // moved it whole to page 2, leaving its notes 3 and 4 at the foot of
    // page 1 (typst#5314): a reader following a mark found no note.
    let built = common::build(&common::unseen::avon());
    let doc = Document::load_mem(&built.pdf).unwrap();
    for (row, note) in [
        ("kept informed of", "Asked only of victims"),
        ("Witnesses who attended", "Witness Care Unit survey"),
        ("would recommend", "A question added in April 2025"),
    ] {
        // (The row's label is an appendix chart's heading too, later.)
        let (r, n) = (pages_of(&doc, row), pages_of(&doc, note));
        assert!(r[0] <= 2, "{row}: {r:?}");
        assert!(n.contains(&r[0]), "{row} on page {r:?}, its note on {n:?}");
    }
}

#[test]
fn a_flowing_panels_heading_is_a_heading_before_its_table_not_a_header_of_every_figure() {
    // The heading its table repeats on each column was a header cell:
    // "…, 5 Improving the service to victims …, Baseline 2023/24: 71.1%".
    let lines = unseen_listen();
    let title = "5 Improving the service to victims and witnesses across every part of the force area and partner agencies";
    let at = lines
        .iter()
        .position(|l| *l == format!("heading level 3: {title}"))
        .expect("the priority's heading");
    assert!(lines[at + 1].starts_with("table with"), "{}", lines[at + 1]);
    let with_title: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains(title) && !l.starts_with("heading") && !l.starts_with("table with"))
        .collect();
    assert!(with_title.is_empty(), "{with_title:?}");
    assert!(lines.iter().any(|l| l
        == "Victim satisfaction with the whole experience, from first contact to the outcome of the case, Baseline 2023/24: 71.1%"));
}

#[test]
fn a_flowing_panel_reads_no_blank_row_for_a_note_declared_already() {
    // Row "told the outcome" cites note 3, declared by an earlier row on
    // the page: its notes row was an empty cell, read "blank".
    let lines = unseen_listen();
    let blank: Vec<&String> = lines.iter().filter(|l| *l == "blank").collect();
    assert!(blank.is_empty(), "{} blank lines", blank.len());
    let r = reading(&Document::load_mem(&common::build(&common::unseen::avon()).pdf).unwrap());
    for (i, e) in r.iter().enumerate() {
        if e.role == "TD" {
            let said = !e.text.trim().is_empty() || r.iter().any(|k| k.parent == i);
            assert!(said, "an empty data cell");
        }
    }
}

#[test]
fn money_in_a_priority_title_is_said_as_money() {
    // "Deliver £18.5m of savings" was said "pound eighteen point five m".
    let lines = unseen_listen();
    assert!(lines.iter().any(|l| l
        == "heading level 3: 6 Deliver 18.5 million pounds of savings by 2027/28 while protecting the front line"));
    // The sample's title too; its bookmark keeps the printed text.
    let doc = Document::load_mem(&draft()).unwrap();
    let heard = common::listen(&doc);
    assert!(heard.iter().any(|l| l.starts_with("heading level 3: 18 ")
        && l.contains("deliver over 20 million pounds in revenue saving")));
    assert!(bookmarks(&doc)
        .iter()
        .any(|b| b.contains("deliver over £20m in revenue")));
}

// ---- The second listen-through: Cumbria, March 2027, saved by LibreOffice --

/// The workbook of the second listen-through as LibreOffice saved it
/// (`tests/common/cumbria.rs`, written by `cargo run --example
/// make-cumbria`, then `soffice --headless --convert-to ods`).
fn cumbria_ods() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/cumbria-2027-03.ods"
    ))
    .unwrap()
}

/// The transcript of its draft, as `cargo run --example listen` prints it.
fn cumbria_listen() -> &'static [String] {
    static LINES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    LINES.get_or_init(|| {
        let built = pipeline::build(&cumbria_ods(), RenderOptions::draft).unwrap();
        common::listen(&Document::load_mem(&built.pdf).unwrap())
    })
}

#[test]
fn the_second_listen_through_reads_a_program_saved_pack_from_its_title_to_its_appendix() {
    // The saved file is the workbook of tests/common/cumbria.rs: same records.
    let saved = pipeline::build(&cumbria_ods(), RenderOptions::draft).unwrap();
    let written = common::build(&common::cumbria::cumbria());
    assert_eq!(saved.records, written.records);
    let lines = cumbria_listen();
    assert_eq!(lines[0], "heading level 1: Police & Crime Plan Dashboard");
    assert_eq!(lines[1], "DRAFT — not signed off");
    let has = |l: &str| lines.iter().any(|x| x == l);
    // Accented names, quotes and ampersands read as typed.
    assert!(lines
        .iter()
        .any(|l| l.starts_with("Operation Hawk, led by PC Siobhán Ó Súilleabháin in Penrith")));
    assert!(has(
        "heading level 3: 1 Keeping Cumbria's communities safe: Carlisle, Penrith & Barrow-in-Furness"
    ));
    assert!(has(
        "Residents who say the police do a \"good\" or \"excellent\" job, percentage variance: plus 7.2 percentage points"
    ));
    // A year-to-date figure with its note, and an empty one saying why.
    assert!(has(
        "Drink & drug driving arrests, year to date: graphic: significant deterioration | 702 | To Feb 27"
    ));
    assert!(has(
        "Drivers stopped who were wearing a seat belt, last year to date: graphic: no data"
    ));
    assert!(has(
        "heading level 3: 6 Deliver 9.8 million pounds of savings by 2028/29"
    ));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("heading level 1: Appendix")));
    let blank: Vec<&String> = lines
        .iter()
        .filter(|l| *l == "blank" || l.ends_with(": blank"))
        .collect();
    assert!(blank.is_empty(), "{blank:?}");
}

#[test]
fn an_e_mail_address_in_a_footnote_is_read_as_one_word_not_letter_by_letter() {
    // The note's element holds its number (a `Reference`) and its text, so
    // it could not be given the text as `/ActualText`: the address was read
    // "v i c t i m s . h u b s @ …" (on both pages its row's table cites it).
    let lines = cumbria_listen();
    let note = "note: [link 6]\u{2009}The hubs opened in May 2024; contact victims.hubs@cumbria.police.example for the survey's method.";
    assert_eq!(
        lines.iter().filter(|l| *l == note).count(),
        2,
        "{:?}",
        lines.iter().find(|l| l.starts_with("note: [link 6]"))
    );
    let split: Vec<&String> = lines.iter().filter(|l| l.contains('\u{200B}')).collect();
    assert!(split.is_empty(), "{split:?}");
    // The unseen workbook's address, in a paragraph of its own, still is.
    assert!(!unseen_listen().iter().any(|l| l.contains('\u{200B}')));
}

#[test]
fn an_spc_alt_text_says_the_note_of_a_latest_figure_to_an_earlier_month() {
    // The table reads "76.4% | To Feb 27"; the chart's alt text said "76.4%
    // in the latest 12 months", as if to March.
    let lines = cumbria_listen();
    assert!(
        lines.iter().any(|l| l.starts_with(
            "graphic: SPC chart of SP5, monthly, April 2023 to March 2027: 76.4% in the latest 12 months (To Feb 27), 0.2 percentage points above"
        )),
        "{:?}",
        lines.iter().find(|l| l.contains("76.4%"))
    );
}

#[test]
fn the_keys_months_are_said_as_months_with_a_to_not_apr_dash_mar() {
    // "Apr 2023–Mar 2024": abbreviated months, and an en dash a screen
    // reader does not say at its usual punctuation level ("April 2023 March
    // 2024").
    let lines = cumbria_listen();
    let at = lines
        .iter()
        .position(|l| l == "Months each column covers:")
        .expect("the KEY's months");
    let key = &lines[at + 1..at + 11];
    assert_eq!(key[1], "April 2023 to March 2024 (12 months)", "{key:?}");
    assert_eq!(key[5], "April 2026 to March 2027 (12 months)", "{key:?}");
    assert!(!key.iter().any(|l| l.contains('–')), "{key:?}");
    // Months of one year, in the sample.
    let heard = common::listen(&Document::load_mem(&draft()).unwrap());
    assert!(heard
        .iter()
        .any(|l| l == "January to December 2015 (12 months)"));
    assert!(heard
        .iter()
        .any(|l| l == "April to December 2015 (9 months)"));
}
