//! Issue #28: hostile files cannot hide what boardpack prints, nor exhaust
//! its time or memory.

mod common;

use std::path::Path;

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Records of the sample, as `build --records` writes them.
fn sample_records(dir: &Path) -> serde_json::Value {
    let records = common::records(&common::sample()).records;
    let v = serde_json::to_value(&records).unwrap();
    std::fs::write(dir.join("old.json"), serde_json::to_vec(&v).unwrap()).unwrap();
    v
}

#[test]
fn archive_list_of_a_manifest_whose_signer_holds_an_escape_shows_it_escaped() {
    let dir = common::dir_with_sample("sample.xlsx");
    let signed = common::sign_off(dir.path(), "sample.xlsx", "2016-01-28", "arch", &[]);
    assert!(signed.status.success(), "{}", stderr(&signed));
    common::writable(&dir.path().join("arch"));
    let path = dir.path().join("arch/2015-12/v1/manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    m["signed_off_by"] = "J\u{1b}[8m hidden \u{9b}2J \u{202e}evil".into();
    std::fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    let out = common::run(dir.path(), &["archive", "list", "--archive", "arch"]);
    let (text, err) = (stdout(&out), stderr(&out));
    for raw in ['\u{1b}', '\u{9b}', '\u{202e}'] {
        assert!(
            !text.contains(raw) && !err.contains(raw),
            "{raw:?} printed raw: {text}{err}"
        );
    }
    assert!(text.contains("J\\u{1b}[8m"), "{text}");
    assert!(
        text.contains("\\u{9b}2J") && text.contains("\\u{202e}evil"),
        "{text}"
    );
    assert!(err.contains("the archive is not whole"), "{err}");
    // --json: the same text as JSON escapes, which read back as it was.
    let out = common::run(
        dir.path(),
        &["archive", "list", "--archive", "arch", "--json"],
    );
    let text = stdout(&out);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{9b}') && !text.contains('\u{202e}'));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v[0]["signed_off_by"], m["signed_off_by"]);
}

#[test]
fn diff_of_records_holding_an_escape_shows_it_escaped() {
    let dir = common::Scratch::new();
    let mut v = sample_records(dir.path());
    let row = &mut v["rows"][0];
    let label = row["label"].as_str().unwrap().to_string();
    row["label"] = format!("{label}\u{1b}[8m\u{7f}\u{2066}").into();
    // A new code: the row is named as added (and the old one removed).
    let rows = v["rows"].as_array_mut().unwrap();
    let code = rows[0]["code"].as_str().unwrap().to_string();
    rows[0]["code"] = format!("{code}\u{1b}[31m").into();
    std::fs::write(dir.path().join("new.json"), serde_json::to_vec(&v).unwrap()).unwrap();
    let out = common::run(dir.path(), &["diff", "old.json", "new.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7f}') && !text.contains('\u{2066}'),
        "{text}"
    );
    assert!(
        text.contains(&format!("{label}\\u{{1b}}[8m\\u{{7f}}\\u{{2066}}")),
        "{text}"
    );
}
