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
        in_pack.iter().any(|l| l.contains("SP11.offences") && l.contains("(baseline): revised 58805 → 58905")),
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
