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

#[test]
fn diff_refuses_json_that_is_not_records_naming_what_it_is() {
    let dir = common::Scratch::new();
    sample_records(dir.path());
    let manifest = serde_json::json!({
        "period": "2015-12", "version": 1, "pdf": "m.pdf", "pdf_sha256": "ab",
        "workbook": "m.xlsx", "workbook_sha256": "cd", "layout_sha256": "ef",
        "fonts": [], "tool": "boardpack 0.1.0", "signed_off_by": "J", "role": "S",
        "date": "2016-01-28", "reason": null
    });
    std::fs::write(dir.path().join("manifest.json"), manifest.to_string()).unwrap();
    std::fs::write(
        dir.path().join("package.json"),
        r#"{"name": "x", "version": "1.0.0", "dependencies": {}}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("list.json"), "[1, 2]").unwrap();
    for (file, said) in [
        ("manifest.json", "manifest.json is an archive's manifest (of 2015-12 v1), not records: give the signed-off PDF beside it: diff compares signed-off packs, records files (boardpack build --records) or workbooks"),
        ("package.json", "package.json is JSON but not records (records have \"report\" and \"rows\"; this is an object with keys name, version, dependencies)"),
        ("list.json", "list.json is JSON but not records (records have \"report\" and \"rows\"; this is a list of 2 items)"),
    ] {
        for args in [["diff", file, "old.json"], ["diff", "old.json", file]] {
            let out = common::run(dir.path(), &args);
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            assert!(stderr(&out).contains(said), "{args:?}: {}", stderr(&out));
            assert!(!stdout(&out).contains("nothing changed"), "{args:?}");
        }
    }
}

#[test]
fn diff_reads_a_records_file_with_a_byte_order_mark_as_records() {
    let dir = common::Scratch::new();
    let v = sample_records(dir.path());
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(serde_json::to_vec_pretty(&v).unwrap());
    std::fs::write(dir.path().join("bom.json"), bytes).unwrap();
    let out = common::run(dir.path(), &["diff", "old.json", "bom.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("CSV"), "{}", stderr(&out));
    let same = common::run(dir.path(), &["diff", "old.json", "old.json"]);
    assert_eq!(stdout(&out), stdout(&same));
}

/// Records of `rows` count rows coded `R{i}` for `i` in `codes`, each with
/// a figure and (for the first `charts`) an appendix chart.
fn many_rows(codes: std::ops::Range<usize>, charts: usize, value: f64) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = codes
        .clone()
        .map(|i| {
            serde_json::json!({
                "code": format!("R{i}"), "label": format!("Row {i}"), "priority": "p1",
                "kind": "count",
                "cells": {"latest": {"value": value, "text": format!("{value}")}}
            })
        })
        .collect();
    let appendix: Vec<serde_json::Value> = codes
        .take(charts)
        .map(|i| {
            serde_json::json!({
                "indicator": format!("R{i}"), "priority": "p1", "title": format!("Chart {i}"),
                "kind": "count", "points": [{"month": "2015-12", "value": value, "signal": "shift"}]
            })
        })
        .collect();
    serde_json::json!({
        "report": {"period_end": "2015-12-31", "baseline": "2012/13", "projection": "2015/16"},
        "rows": rows,
        "priorities": [{"key": "p1", "code": "1", "title": "One"}],
        "appendix": appendix,
    })
}

#[test]
fn diff_of_100000_rows_a_side_is_not_quadratic() {
    const N: usize = 100_000;
    // Half the rows removed, half added, half compared; 5,000 charts a side.
    let old = many_rows(0..N, 5_000, 1.0);
    let new = many_rows(N / 2..N + N / 2, 5_000, 2.0);
    let started = std::time::Instant::now();
    let d = boardpack::compute::changes::diff(&old, &new);
    let text = d.text();
    let took = started.elapsed();
    eprintln!("diff of {N} rows a side: {took:?}");
    assert!(
        text.contains("Row 0") && text.contains("Row 149999"),
        "{}",
        &text[..500]
    );
    assert!(
        took < std::time::Duration::from_secs(5),
        "diff took {took:?}"
    );
}

#[test]
fn a_manifest_over_its_limit_is_refused_before_it_is_read() {
    let dir = common::dir_with_sample("sample.xlsx");
    let signed = common::sign_off(dir.path(), "sample.xlsx", "2016-01-28", "arch", &[]);
    assert!(signed.status.success(), "{}", stderr(&signed));
    common::writable(&dir.path().join("arch"));
    // 2 GB that would be read whole (a sparse file: it takes no disk).
    let path = dir.path().join("arch/2015-12/v1/manifest.json");
    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len(2 << 30).unwrap();
    let started = std::time::Instant::now();
    let out = common::run(dir.path(), &["archive", "verify", "--archive", "arch"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!(
            "2015-12 v1: manifest.json cannot be read: the manifest is {} bytes, over boardpack's limit of 1048576 bytes",
            2u64 << 30
        )),
        "{}",
        stderr(&out)
    );
    let out = common::run(dir.path(), &["archive", "list", "--archive", "arch"]);
    assert!(
        stderr(&out).contains("the archive is not whole"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    f.set_len(0).unwrap();
}

#[test]
fn a_records_file_over_its_limit_is_refused_before_it_is_parsed() {
    let dir = common::Scratch::new();
    sample_records(dir.path());
    let path = dir.path().join("big.json");
    std::fs::write(&path, "{").unwrap();
    let size = (64 << 20) + 1;
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(size)
        .unwrap();
    // Over the workbook limit as it stands: refused unread.
    let out = common::run(dir.path(), &["diff", "old.json", "big.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("big.json was refused"),
        "{}",
        stderr(&out)
    );
    // With that limit raised, the records limit still holds.
    let out = common::run(
        dir.path(),
        &[
            "diff",
            "old.json",
            "big.json",
            "--max-workbook-bytes",
            "200000000",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!(
            "the records file big.json is {size} bytes, over boardpack's limit of 67108864 bytes"
        )),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(&path).unwrap();
}
