//! Quarter to quarter (issue 18): signing off the sample (2015-12), then
//! building a March 2016 workbook with the same archive gives a changes
//! section whose rows match `diff`'s; a revised baseline shows as a
//! revision, a changed savings amount as itself; text carried over
//! unchanged is warned of, naming its cell, and listed.

mod common;

use std::process::Output;

use common::run as boardpack;

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A folder with the sample signed off, and the March 2016 workbook that
/// `next` writes, its April 2012 all-crime count restated (+100).
fn quarter() -> common::Scratch {
    let dir = common::Scratch::new();
    std::fs::write(
        dir.path().join("dashboard-2015-12.xlsx"),
        common::sample_bytes(),
    )
    .unwrap();
    ok(&common::sign_off(
        dir.path(),
        "dashboard-2015-12.xlsx",
        "2016-01-28",
        "arch",
        &[],
    ));
    // The March workbook as `next` writes it (tests/next.rs tests the
    // command itself), with one baseline month restated.
    let december = boardpack::input::Workbook::from_bytes(&common::sample_bytes()).unwrap();
    let march = chrono::NaiveDate::from_ymd_opt(2016, 3, 31).unwrap();
    let book =
        boardpack::support::next::next(&common::sample_bytes(), &december.workbook, march).unwrap();
    let mut book = book;
    let monthly = book.sheet_mut("Monthly").unwrap();
    let row = monthly
        .rows
        .iter()
        .position(|r| {
            matches!(&r[0], boardpack::support::xlsx::Value::Text(t) if t == "SP11.offences")
                && matches!(&r[1], boardpack::support::xlsx::Value::Date(d) if d.to_string() == "2012-04-30")
        })
        .expect("SP11 April 2012");
    if let boardpack::support::xlsx::Value::Number(v) = monthly.rows[row][2] {
        monthly.rows[row][2] = boardpack::support::xlsx::Value::Number(v + 100.0);
    }
    // And the savings realised moved on.
    let savings = book.sheet_mut("Savings").unwrap();
    let row = savings
        .rows
        .iter()
        .position(|r| matches!(&r[0], boardpack::support::xlsx::Value::Text(t) if t == "Savings realised to date"))
        .expect("savings realised");
    savings.rows[row][1] = boardpack::support::xlsx::Value::Number(17.0);
    std::fs::write(dir.path().join("m.xlsx"), book.to_bytes().unwrap()).unwrap();
    dir
}

#[test]
fn a_march_pack_built_with_the_archive_says_what_changed_since_december() {
    let dir = quarter();
    let stderr = ok(&boardpack(
        dir.path(),
        &[
            "build",
            "m.xlsx",
            "--archive",
            "arch",
            "-o",
            "m.pdf",
            "--records",
            "m.json",
        ],
    ));
    let records: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("m.json")).unwrap()).unwrap();
    let changes = &records["changes"];
    assert_eq!(
        changes["heading"],
        "Changes since the Strategic Partnership Board pack for December 2015 (version 1)"
    );
    // The section's rows are diff's.
    let d = boardpack::compute::changes::diff(
        &serde_json::from_slice(
            &boardpack::pack::verify::attachments(
                &std::fs::read(dir.path().join("arch/2015-12/v1/dashboard-2015-12.pdf")).unwrap(),
            )
            .unwrap()
            .into_iter()
            .find(|(n, _)| n == "records.json")
            .unwrap()
            .1,
        )
        .unwrap(),
        &{
            let mut r = records.clone();
            r.as_object_mut().unwrap().remove("changes");
            r
        },
    );
    let from_diff: Vec<String> = d
        .priorities
        .iter()
        .flat_map(|p| p.changes.iter().map(|c| c.describe()))
        .collect();
    let in_pack: Vec<String> = changes["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["change"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(in_pack, from_diff);
    assert!(
        in_pack.iter().any(|l| l.starts_with(
            "Number of offences — Baseline 2012/13: 58805 → 58905, data restated: Apr 2012 +100"
        )),
        "{in_pack:?}"
    );
    // Rows are named by their label, never their internal code.
    assert!(
        !in_pack.iter().any(|l| l.contains("SP11.offences")),
        "{in_pack:?}"
    );
    // The windows that moved on with the period are summarised apart,
    // not listed as changes.
    assert_eq!(
        changes["rolled_on"].as_array().unwrap().len(),
        d.rolled_on.len()
    );
    assert!(!d.rolled_on.is_empty());
    assert!(
        changes["rolled_on_heading"]
            .as_str()
            .unwrap()
            .starts_with("Rolled on with the period (not revisions): "),
        "{changes}"
    );
    assert!(
        !in_pack
            .iter()
            .any(|l| l.contains(" → ") && l.contains("Latest 12 months") && !l.contains("was")),
        "{in_pack:?}"
    );
    // Regression: the comment boxes of their own and the Note, carried over
    // word for word, were warned of but left out of the section.
    let lines: Vec<(String, String)> = changes["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["priority"].as_str().unwrap().to_string(),
                l["change"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Regression: changed savings amounts were not reported.
    assert!(
        lines
            .iter()
            .any(|(p, c)| p.starts_with("18 ") && c == "Savings realised to date: £16.1m → £17.0m"),
        "{lines:?}"
    );
    for (heading, items) in [("SP18 Comments", 1), ("Note", 1)] {
        let s = if items == 1 { "" } else { "s" };
        assert!(
            lines.contains(&(
                heading.to_string(),
                format!("narrative unchanged ({items} item{s}): check it still holds")
            )),
            "{heading}: {lines:?}"
        );
    }
    // The section is in the PDF, as a real table.
    let text = common::pdf_text(&std::fs::read(dir.path().join("m.pdf")).unwrap());
    assert!(text.contains(&common::normalise(
        "Changes since the Strategic Partnership Board pack for December 2015 (version 1)"
    )));
    // Narratives carried over are warned of, naming their cells.
    assert!(
        stderr.contains("Narrative!C")
            && stderr.contains("unchanged from the pack signed off for 2015-12"),
        "{stderr}"
    );
}

#[test]
fn without_an_earlier_pack_nothing_is_added() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("w.xlsx"), common::sample_bytes()).unwrap();
    // An archive with nothing signed off yet (one not there is an error:
    // tests/archive_integrity.rs).
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let stderr = ok(&boardpack(
        dir.path(),
        &[
            "build",
            "w.xlsx",
            "--archive",
            "empty",
            "-o",
            "w.pdf",
            "--records",
            "w.json",
        ],
    ));
    assert!(stderr.is_empty(), "{stderr}");
    let records: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("w.json")).unwrap()).unwrap();
    assert!(records.get("changes").is_none());
}

/// The workbook is read once when the archive is given: its period picks
/// the previous pack. A workbook with errors is reported cell by cell, as
/// without the archive, and nothing is written.
#[test]
fn a_workbook_with_errors_built_with_the_archive_reports_its_cells() {
    let dir = quarter();
    let mut book = common::sample();
    let monthly = book.sheet_mut("Monthly").unwrap();
    monthly.rows[4][2] = boardpack::support::xlsx::Value::Text("-".into());
    std::fs::write(dir.path().join("bad.xlsx"), book.to_bytes().unwrap()).unwrap();
    let out = boardpack(
        dir.path(),
        &["build", "bad.xlsx", "--archive", "arch", "-o", "bad.pdf"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("Monthly!C5: expected a number") && stderr.contains("\"-\""),
        "{stderr}"
    );
    assert!(!dir.path().join("bad.pdf").exists());
}

/// Regression: the signed-off pack dropped the Changes page the board saw
/// in the draft. Signed off with the archive, the pack prints the same
/// section `build --archive` showed, carries the earlier pack's records it
/// was built from, and verifies byte for byte.
#[test]
fn the_signed_off_pack_carries_the_changes_page_the_draft_showed() {
    let dir = quarter();
    ok(&boardpack(
        dir.path(),
        &[
            "build",
            "m.xlsx",
            "--archive",
            "arch",
            "-o",
            "m.pdf",
            "--records",
            "m.json",
        ],
    ));
    let draft: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("m.json")).unwrap()).unwrap();
    ok(&common::sign_off(
        dir.path(),
        "m.xlsx",
        "2016-04-28",
        "arch",
        &["--accept-warnings"],
    ));
    let signed = std::fs::read(dir.path().join("arch/2016-03/v1/m.pdf")).unwrap();
    let text = common::pdf_text(&signed);
    assert!(
        text.contains(&common::normalise(
            "Changes since the Strategic Partnership Board pack for December 2015 (version 1)"
        )),
        "{text}"
    );
    assert!(
        text.contains("baseline 2012/13: 58805") && text.contains("data restated: apr 2012 +100"),
        "{text}"
    );
    assert!(
        text.contains("rolled on with the period (not revisions)"),
        "{text}"
    );
    // The archived HTML page carries the same section.
    let html = std::fs::read_to_string(dir.path().join("arch/2016-03/v1/m.html")).unwrap();
    assert!(
        html.contains("<h2 id=\"changes\">Changes since the Strategic Partnership Board pack for December 2015 (version 1)</h2>")
            && html.contains("<h3>Rolled on with the period (not revisions): ")
            && html.contains("data restated: Apr 2012 +100</td>"),
        "{html}"
    );
    let files = boardpack::pack::verify::attachments(&signed).unwrap();
    let file = |name: &str| -> serde_json::Value {
        serde_json::from_slice(&files.iter().find(|(n, _)| n == name).unwrap().1).unwrap()
    };
    assert_eq!(file("records.json")["changes"], draft["changes"]);
    assert_eq!(
        file("sign-off.json")["changes_since"],
        serde_json::json!({"period": "2015-12", "version": 1})
    );
    // The December pack's records, byte for byte.
    let december = boardpack::pack::verify::attachments(
        &std::fs::read(dir.path().join("arch/2015-12/v1/dashboard-2015-12.pdf")).unwrap(),
    )
    .unwrap();
    let bytes = |files: &[(String, Vec<u8>)], name: &str| {
        files.iter().find(|(n, _)| n == name).unwrap().1.clone()
    };
    assert_eq!(
        bytes(&files, "previous-records.json"),
        bytes(&december, "records.json")
    );
    assert_eq!(
        boardpack::pack::verify::verify(&signed, None),
        boardpack::pack::verify::Verdict::Verified
    );
    let out = boardpack(dir.path(), &["archive", "verify", "--archive", "arch"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Without the pack its Changes page names, the archive is not whole.
    std::fs::create_dir(dir.path().join("only-march")).unwrap();
    std::fs::rename(
        dir.path().join("arch/2016-03"),
        dir.path().join("only-march/2016-03"),
    )
    .unwrap();
    let out = boardpack(
        dir.path(),
        &["archive", "verify", "--archive", "only-march"],
    );
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("2016-03 v1: its Changes page compares with 2015-12 v1, which the archive does not hold"),
        "{said}"
    );
}

/// A pack whose sign-off record names the earlier pack of its Changes page
/// but does not carry that pack's records is not verified: the page
/// cannot be rebuilt.
#[test]
fn a_pack_without_the_records_its_changes_page_was_built_from_is_not_verified() {
    use boardpack::pack::signoff::{build_final_since, SignOff};
    let records = serde_json::to_vec(&common::records(&common::sample()).records).unwrap();
    let previous = boardpack::compute::changes::Previous::from_json("2015-09", 1, records).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2016, 1, 28).unwrap();
    let s = SignOff::new("J", "S", date, None, "w.xlsx").comparing(Some(&previous));
    let layout = boardpack::render::document::Layout::default();
    let limits = boardpack::input::limits::InputLimits::default();
    let pdf = build_final_since(&common::sample_bytes(), &s, &layout, &limits, None)
        .unwrap()
        .pdf;
    match boardpack::pack::verify::verify(&pdf, None) {
        boardpack::pack::verify::Verdict::Differs(why) => assert!(
            why.iter()
                .any(|w| w.contains("shows the changes since 2015-09 v1")
                    && w.contains("previous-records.json")),
            "{why:?}"
        ),
        boardpack::pack::verify::Verdict::Verified => panic!("verified without its records"),
    }
}
