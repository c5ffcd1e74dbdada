//! `boardpack diff` (issue 18): what changed between two packs, by
//! priority, from workbooks, records files or signed-off packs.

mod common;

use boardpack::compute::changes::{diff, Change};
use boardpack::support::xlsx::{Value, WorkbookData};

fn records(w: &WorkbookData) -> serde_json::Value {
    serde_json::to_value(&common::records(w).records).unwrap()
}

/// Sets every `Monthly` value of `code` in `month` (first day given) with `f`.
fn restate(w: &mut WorkbookData, code: &str, month: (i32, u32), f: impl Fn(f64) -> f64) {
    let sheet = w.sheet_mut("Monthly").unwrap();
    let (ic, mc, vc) = (
        sheet.col("Indicator").unwrap(),
        sheet.col("Month").unwrap(),
        sheet.col("Value").unwrap(),
    );
    let mut hits = 0;
    for row in sheet.rows.iter_mut().skip(1) {
        let is_code = matches!(&row[ic], Value::Text(t) if t == code);
        let is_month = matches!(&row[mc], Value::Date(d) if (d.year(), d.month()) == month);
        if is_code && is_month {
            if let Value::Number(v) = row[vc] {
                row[vc] = Value::Number(f(v));
                hits += 1;
            }
        }
    }
    assert_eq!(hits, 1, "{code} {month:?}");
}

use chrono::Datelike;

fn changes_of<'d>(d: &'d boardpack::compute::changes::Diff, priority: &str) -> &'d [Change] {
    d.priorities
        .iter()
        .find(|p| p.code == priority)
        .map(|p| p.changes.as_slice())
        .unwrap_or(&[])
}

#[test]
fn the_same_pack_twice_changes_nothing_but_flags_unchanged_narratives() {
    let r = records(&common::sample());
    let d = diff(&r, &r);
    for p in &d.priorities {
        for c in &p.changes {
            assert!(matches!(c, Change::NarrativeUnchanged { .. }), "{c:?}");
        }
    }
    assert!(d.text().contains("narrative unchanged"), "{}", d.text());
}

#[test]
fn a_restated_baseline_month_is_a_revision_not_a_change() {
    let old = common::sample();
    let mut new = common::sample();
    restate(&mut new, "SP11.offences", (2012, 4), |v| v + 100.0);
    let d = diff(&records(&old), &records(&new));
    let sp11 = changes_of(&d, "11");
    assert!(
        sp11.iter().any(|c| matches!(c,
            Change::Restated { row, column, old, new, months, .. }
                if row == "Number of offences" && column == "baseline"
                    && old == "58805" && new == "58905"
                    && months.len() == 1 && months[0].text == "Apr 2012 +100")),
        "{sp11:?}"
    );
    assert!(d.text().contains(
        "Number of offences — Baseline 2012/13: 58805 → 58905, data restated: Apr 2012 +100"
    ));
}

#[test]
fn a_class_that_moves_is_reported_with_its_row() {
    let old = common::sample();
    let mut new = common::sample();
    // Far fewer young people entering the system in the latest year: the
    // class of SP1 stays improvement, but all crime rises sharply.
    for m in [(2015, 10), (2015, 11), (2015, 12)] {
        restate(&mut new, "SP11.offences", m, |v| v * 3.0);
    }
    let d = diff(&records(&old), &records(&new));
    let sp11 = changes_of(&d, "11");
    assert!(
        sp11.iter().any(|c| matches!(c,
            Change::Class { row, column, window, old_window: None, old, new }
                if row == "Number of offences" && column == "latest" && window == "Jan–Dec 2015"
                    && old == "no-change" && new == "deterioration")),
        "{sp11:?}"
    );
    assert!(
        sp11.iter()
            .any(|c| matches!(c, Change::NewSpecialCause { .. })),
        "{sp11:?}"
    );
}

#[test]
fn rows_added_and_removed_are_named() {
    let old = records(&common::sample());
    let mut new = old.clone();
    let rows = new["rows"].as_array_mut().unwrap();
    let removed = rows.remove(0);
    let d = diff(&old, &new);
    let text = d.text();
    let line = text
        .lines()
        .find(|l| l.contains("row removed"))
        .expect("a removed row");
    assert!(
        line.trim_start()
            .starts_with(&format!("{} — ", removed["label"].as_str().unwrap())),
        "{text}"
    );
    let d = diff(&new, &old);
    assert!(d.text().contains("row added"));
}

#[test]
fn the_command_reads_workbooks_records_and_signed_packs_and_exits_0() {
    let dir = common::Scratch::new();
    std::fs::write(dir.path().join("old.xlsx"), common::sample_bytes()).unwrap();
    let mut new = common::sample();
    restate(&mut new, "SP11.offences", (2012, 4), |v| v + 100.0);
    std::fs::write(dir.path().join("new.xlsx"), new.to_bytes().unwrap()).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_boardpack"))
            .args(args)
            .current_dir(dir.path())
            .env_remove("BOARDPACK_ARCHIVE")
            .output()
            .unwrap()
    };
    let signed = common::sign_off(dir.path(), "old.xlsx", "2016-01-28", "arch", &[]);
    assert!(
        signed.status.success(),
        "{}",
        String::from_utf8_lossy(&signed.stderr)
    );
    let built = run(&[
        "build",
        "new.xlsx",
        "-o",
        "new.pdf",
        "--records",
        "new.json",
    ]);
    assert!(built.status.success());
    for (old, new) in [
        ("old.xlsx", "new.xlsx"),
        ("arch/2015-12/v1/old.pdf", "new.json"),
        ("arch/2015-12/v1/old.pdf", "new.xlsx"),
    ] {
        let out = run(&["diff", old, new]);
        assert_eq!(out.status.code(), Some(0), "{old} {new}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Baseline 2012/13: 58805 → 58905, data restated: Apr 2012 +100"),
            "{old} {new}: {text}"
        );
    }
    let out = run(&["diff", "old.xlsx", "new.xlsx", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["old_period"], "2015-12");
    assert!(v["priorities"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["code"] == "11"));
}
