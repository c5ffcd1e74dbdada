//! A force's branded layout, from eject to signed pack (issue #17): a layout
//! folder with a logo and its own palette signs off, the pack carries it,
//! `verify` rebuilds with it and names it when it was changed; the palette
//! reaches the charts and the PDF; versions say what they supersede.

mod common;

use std::path::{Path, PathBuf};

use boardpack::pack::archive::{self, Manifest};
use boardpack::pack::signoff::{build_final_within, SignOff, LAYOUT_ATTACHMENT};
use boardpack::pack::verify::{attachments, verify, Verdict};
use boardpack::render::document::Layout;
use boardpack::render::theme::Theme;

/// The force's savings bars and panel headings: colours no built-in uses.
const BAR: &str = "#B03A2E";
const HEADING: &str = "#5B2C6F";

/// The crest: an SVG the layout places in every page's footer.
const LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" viewBox="0 0 20 20"><path d="M10 1 L18 5 L16 15 L10 19 L4 15 L2 5 Z" fill="#5B2C6F"/></svg>"##;

/// What the analyst does: eject the built-in layout with `--emit-typst`,
/// add the crest to the footer, change the palette. Returns the folder.
fn branded(dir: &Path) -> PathBuf {
    let out = common::run(
        dir,
        &["build", "dashboard-2015-12.xlsx", "--emit-typst", "brand"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let brand = dir.join("brand");
    let main = std::fs::read_to_string(brand.join("main.typ")).unwrap();
    let footer_title = "[#report.title — #report.period_label],";
    assert!(
        main.contains(footer_title),
        "the ejected layout has its footer"
    );
    let main = main.replace(
        footer_title,
        "[#box(height: 7pt, image(\"/logo.svg\", alt: \"Northshire Police crest\")) #report.title — #report.period_label],",
    );
    std::fs::write(brand.join("main.typ"), main).unwrap();
    std::fs::write(brand.join("logo.svg"), LOGO).unwrap();
    let mut theme: serde_json::Value =
        serde_json::from_slice(&std::fs::read(brand.join("theme.json")).unwrap()).unwrap();
    assert!(
        theme["charts"]["bar"].is_string(),
        "the ejected theme.json holds the charts' colours"
    );
    theme["charts"]["bar"] = BAR.into();
    theme["heading_fill"] = HEADING.into();
    theme["number_text"] = HEADING.into();
    std::fs::write(
        brand.join("theme.json"),
        serde_json::to_vec_pretty(&theme).unwrap(),
    )
    .unwrap();
    brand
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const SIGN_OFF: [&str; 7] = [
    "sign-off",
    "dashboard-2015-12.xlsx",
    "--by=Jane Smith",
    "--role=Board Secretary",
    "--date=2016-01-28",
    "--layout=brand",
    "--archive=arch",
];

/// Signs the sample off in the branded layout; returns the folder and the
/// archived v1's path.
fn signed_branded() -> (common::Scratch, PathBuf) {
    let dir = common::dir_with_sample("dashboard-2015-12.xlsx");
    branded(dir.path());
    let out = common::run(dir.path(), &SIGN_OFF);
    assert!(out.status.success(), "{}", stderr(&out));
    let v1 = dir.path().join("arch/2015-12/v1/dashboard-2015-12.pdf");
    assert!(v1.exists());
    (dir, v1)
}

/// The file specification of the attached layout.
fn layout_filespec(doc: &lopdf::Document) -> Option<&lopdf::Dictionary> {
    doc.objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .find(|d| {
            d.get(b"UF")
                .and_then(|n| n.as_str())
                .is_ok_and(|n| n.ends_with(LAYOUT_ATTACHMENT.as_bytes()))
        })
}

/// The PDF with its attached layout bundle replaced by `bundle`.
fn with_attached_layout(pdf: &[u8], bundle: Vec<u8>) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(pdf).unwrap();
    let stream = layout_filespec(&doc)
        .and_then(|d| {
            d.get(b"EF")
                .ok()?
                .as_dict()
                .ok()?
                .get(b"F")
                .ok()?
                .as_reference()
                .ok()
        })
        .expect("the pack carries its layout");
    doc.get_object_mut(stream)
        .unwrap()
        .as_stream_mut()
        .unwrap()
        .set_plain_content(bundle);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn differs(verdict: Verdict) -> Vec<String> {
    match verdict {
        Verdict::Differs(why) => why,
        Verdict::Verified => panic!("a changed pack verified"),
    }
}

fn attached_layout(pdf: &[u8]) -> Vec<u8> {
    attachments(pdf)
        .unwrap()
        .into_iter()
        .find(|(n, _)| n == LAYOUT_ATTACHMENT)
        .expect("the pack carries layout.zip")
        .1
}

#[test]
fn a_branded_layout_with_a_logo_signs_off_carries_its_layout_and_verifies() {
    let (dir, v1) = signed_branded();
    let pdf = std::fs::read(&v1).unwrap();
    // The pack holds the layout the analyst made, logo and theme included,
    // and the manifest records its hash.
    let layout = Layout::from_bundle(LAYOUT_ATTACHMENT, &attached_layout(&pdf)).unwrap();
    assert_eq!(layout.files["/logo.svg"], LOGO.as_bytes());
    assert!(layout.source.contains("image(\"/logo.svg\""));
    assert_eq!(layout.theme().unwrap().charts.bar, BAR);
    assert!(
        !layout
            .files
            .keys()
            .any(|k| k.starts_with("/charts/") || k.starts_with("/fonts/") || k == "/records.json"),
        "the ejected pack data is not part of the layout: {:?}",
        layout.files.keys().collect::<Vec<_>>()
    );
    let manifest: Manifest = serde_json::from_slice(
        &std::fs::read(dir.path().join("arch/2015-12/v1/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        manifest.layout_sha256,
        boardpack::pack::signoff::sha256(&layout.bundle())
    );
    assert_eq!(verify(&pdf, Some(&manifest)), Verdict::Verified);
    let out = common::run(
        dir.path(),
        &["verify", "arch/2015-12/v1/dashboard-2015-12.pdf"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // The HTML page archived beside it is in the same palette.
    let html =
        std::fs::read_to_string(dir.path().join("arch/2015-12/v1/dashboard-2015-12.html")).unwrap();
    assert!(html.contains(&format!("background:{HEADING}")), "{html}");
    assert!(html.contains(&format!("fill=\"{BAR}\"")));
    let text = common::pdf_text(&pdf);
    assert!(text.contains("signed off by jane smith, board secretary, on 28 january 2016"));
}

#[test]
fn one_byte_changed_in_the_attached_layout_or_its_logo_makes_verify_name_the_layout() {
    let (_dir, v1) = signed_branded();
    let pdf = std::fs::read(&v1).unwrap();
    let bundle = attached_layout(&pdf);

    let mut changed = bundle.clone();
    let at = changed.len() / 2;
    changed[at] ^= 0x01;
    let why = differs(verify(&with_attached_layout(&pdf, changed), None));
    assert!(
        why[0].starts_with("the layout differs: the attached layout.zip has sha256"),
        "{why:?}"
    );

    // The logo one byte different, in a well-formed bundle.
    let mut layout = Layout::from_bundle(LAYOUT_ATTACHMENT, &bundle).unwrap();
    let logo = layout.files.get_mut("/logo.svg").unwrap();
    let at = logo.iter().position(|b| *b == b'5').unwrap();
    logo[at] = b'6';
    let why = differs(verify(&with_attached_layout(&pdf, layout.bundle()), None));
    assert!(why[0].starts_with("the layout differs"), "{why:?}");
    assert!(why[0].contains("main.typ or one of its files"), "{why:?}");

    // Unchanged, the same rewrite of the PDF is caught only as a changed PDF.
    let why = differs(verify(&with_attached_layout(&pdf, bundle), None));
    assert!(why.iter().all(|w| !w.contains("layout differs")), "{why:?}");
}

#[test]
fn the_themes_colours_reach_the_charts_svg_and_the_pdf() {
    let dir = common::dir_with_sample("dashboard-2015-12.xlsx");
    let brand = branded(dir.path());
    let layout = Layout::read(&brand).unwrap();
    let sign_off = SignOff::new(
        "Jane Smith",
        "Board Secretary",
        chrono::NaiveDate::from_ymd_opt(2016, 1, 28).unwrap(),
        None,
        "dashboard-2015-12.xlsx",
    )
    .with_layout(&layout);
    let built = build_final_within(
        &common::sample_bytes(),
        &sign_off,
        &layout,
        &Default::default(),
    )
    .unwrap();
    let savings: Vec<_> = built
        .charts
        .charts
        .values()
        .filter(|c| c.id.path().starts_with("/charts/savings-"))
        .collect();
    assert!(!savings.is_empty());
    for c in savings {
        assert!(c.svg.contains(&format!("fill=\"{BAR}\"")), "{}", c.svg);
        assert!(
            !c.svg.contains("#2F5597"),
            "the built-in bar colour is gone"
        );
    }
    // In the PDF: the bars (drawn from the chart) and the headings (from
    // theme.json in the layout) in the force's colours.
    let colours = fill_colours(&built.pdf);
    for hex in [BAR, HEADING] {
        assert!(
            colours.contains(&hex.to_string()),
            "{hex} not among {colours:?}"
        );
    }
    assert!(!colours.contains(&"#2F5597".to_string()), "{colours:?}");
}

/// Every colour set by `rg`/`sc`/`scn` in the PDF's content streams, as `#RRGGBB`.
fn fill_colours(pdf: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut out = Vec::new();
    for object in doc.objects.values() {
        let Ok(stream) = object.as_stream() else {
            continue;
        };
        let Ok(content) = stream.decompressed_content() else {
            continue;
        };
        let Ok(ops) = lopdf::content::Content::decode(&content) else {
            continue;
        };
        for op in ops.operations {
            if !matches!(
                op.operator.as_str(),
                "rg" | "RG" | "sc" | "scn" | "SC" | "SCN"
            ) {
                continue;
            }
            let v: Vec<f32> = op
                .operands
                .iter()
                .filter_map(|o| o.as_float().ok())
                .collect();
            if v.len() == 3 {
                let c = |x: f32| (x * 255.0).round() as u8;
                out.push(format!("#{:02X}{:02X}{:02X}", c(v[0]), c(v[1]), c(v[2])));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The XMP metadata of a PDF, read through its catalog.
fn xmp(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let id = catalog.get(b"Metadata").unwrap().as_reference().unwrap();
    let stream = doc.get_object(id).unwrap().as_stream().unwrap();
    let bytes = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    String::from_utf8(bytes).unwrap()
}

#[test]
fn a_branded_pack_is_pdf_a_3b_and_pdf_ua_1_with_its_layout_as_source() {
    let (_dir, v1) = signed_branded();
    let pdf = std::fs::read(&v1).unwrap();
    let x = xmp(&pdf);
    assert!(x.contains("<pdfaid:part>3</pdfaid:part>"), "{x}");
    assert!(
        x.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
        "{x}"
    );
    assert!(x.contains("<pdfuaid:part>1</pdfuaid:part>"), "{x}");
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let relationship = layout_filespec(&doc)
        .and_then(|d| d.get(b"AFRelationship").ok()?.as_name().ok())
        .map(|n| String::from_utf8_lossy(n).into_owned());
    assert_eq!(relationship.as_deref(), Some("Source"));
}

#[test]
fn v2_prints_the_version_it_supersedes_on_the_page_and_in_the_metadata() {
    let (dir, v1) = signed_branded();
    let mut again: Vec<&str> = SIGN_OFF
        .iter()
        .map(|a| {
            if *a == "--date=2016-01-28" {
                "--date=2016-02-03"
            } else {
                a
            }
        })
        .collect();
    again.extend(["--reason", "Corrected SP17 figures"]);
    let out = common::run(dir.path(), &again);
    assert!(out.status.success(), "{}", stderr(&out));
    let v2 = dir.path().join("arch/2015-12/v2/dashboard-2015-12.pdf");
    let pdf = std::fs::read(&v2).unwrap();
    let line = "Version 2 — supersedes version 1 of 28 January 2016: Corrected SP17 figures";
    let page = common::pdf_text(&pdf);
    assert!(page.contains(&common::normalise(line)), "{page}");
    let x = xmp(&pdf);
    assert!(x.contains(line), "the metadata says it too: {x}");
    // The record carries the version; v1 says nothing of versions.
    let record: SignOff = serde_json::from_slice(
        &attachments(&pdf)
            .unwrap()
            .into_iter()
            .find(|(n, _)| n == "sign-off.json")
            .unwrap()
            .1,
    )
    .unwrap();
    assert_eq!(record.version, 2);
    assert_eq!(
        record.supersedes.map(|s| (s.version, s.date.to_string())),
        Some((1, "2016-01-28".to_string()))
    );
    let v1_page = common::pdf_text(&std::fs::read(&v1).unwrap());
    assert!(!v1_page.contains("supersedes"), "{v1_page}");
    // v2 verifies (its layout and version rebuild it), and the list shows both.
    let out = common::run(
        dir.path(),
        &["verify", "arch/2015-12/v2/dashboard-2015-12.pdf"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let versions: Vec<u32> = archive::list(&dir.path().join("arch"))
        .unwrap()
        .iter()
        .map(|e| e.manifest.version)
        .collect();
    assert_eq!(versions, [1, 2]);
}

#[test]
fn a_theme_with_an_unreadable_colour_is_refused_naming_the_field_and_file() {
    let dir = common::dir_with_sample("dashboard-2015-12.xlsx");
    let brand = branded(dir.path());
    let mut theme: serde_json::Value =
        serde_json::from_slice(&std::fs::read(brand.join("theme.json")).unwrap()).unwrap();
    theme["charts"]["bar"] = "crimson".into();
    std::fs::write(brand.join("theme.json"), theme.to_string()).unwrap();
    let out = common::run(dir.path(), &SIGN_OFF);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("brand/theme.json: charts.bar is \"crimson\"; expected a colour #RRGGBB"),
        "{err}"
    );
    assert!(!dir.path().join("arch").exists());
    // The same theme read directly says the same.
    let e = Theme::from_json(theme.to_string().as_bytes()).unwrap_err();
    assert!(e[0].starts_with("charts.bar is \"crimson\""), "{e:?}");
}

#[test]
fn verify_names_the_fonts_when_the_manifest_recorded_other_fonts() {
    let (dir, v1) = signed_branded();
    let pdf = std::fs::read(&v1).unwrap();
    let path = dir.path().join("arch/2015-12/v1/manifest.json");
    let mut manifest: Manifest = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    manifest.fonts[0].1 = "0".repeat(64);
    let why = differs(verify(&pdf, Some(&manifest)));
    assert_eq!(
        why,
        [format!(
            "the fonts differ: the manifest recorded LiberationSans-Regular.ttf that this build does not embed, and this build embeds LiberationSans-Regular.ttf that it did not record; verify it with {}",
            boardpack::pack::signoff::tool_version()
        )]
    );
}
