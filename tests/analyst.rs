//! The analyst's path: init → check → build, custom layouts and their
//! errors, watch, help, completions and the manual page.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn boardpack(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn init_then_check_then_build() {
    let dir = tempfile::tempdir().unwrap();
    ok(&boardpack(
        dir.path(),
        &["init", "mine.xlsx", "--period-end", "2026-10-31"],
    ));
    let check = ok(&boardpack(dir.path(), &["check", "mine.xlsx"]));
    assert!(
        check.contains("mine.xlsx: ok (1 priority, 3 rows, 0 warnings)"),
        "{check}"
    );
    let built = ok(&boardpack(dir.path(), &["build", "mine.xlsx"]));
    assert_eq!(built.trim(), "out/mine.pdf");
    let text = common::pdf_text(&std::fs::read(dir.path().join("out/mine.pdf")).unwrap());
    assert!(text.contains("period ended october 2026"), "{text}");
    assert!(text.contains("baseline 2023/24"), "{text}");
    // The workbook has its instructions and drop-downs.
    let bytes = std::fs::read(dir.path().join("mine.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().unwrap().starts_with("xl/worksheets/") {
            std::io::Read::read_to_string(&mut f, &mut xml).unwrap();
        }
    }
    assert!(xml.contains("<dataValidation"), "drop-downs");
    assert!(xml.contains("Lists!$A$2:$A$5"), "the Layout list");
    // init never overwrites.
    let again = boardpack(dir.path(), &["init", "mine.xlsx"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
}

#[test]
fn a_custom_layout_builds_and_a_broken_one_is_reported_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("w.xlsx"), common::sample_bytes()).unwrap();
    std::fs::write(
        dir.path().join("mine.typ"),
        "#let records = json(\"/records.json\")\n#set document(title: records.report.title)\n#set text(font: \"Liberation Sans\", lang: \"en\")\n= #records.report.title\n#for r in records.rows [#r.label: #r.cells.at(\"latest\", default: (text: \"\")).text \\ ]\n",
    )
    .unwrap();
    ok(&boardpack(
        dir.path(),
        &["build", "w.xlsx", "--layout", "mine.typ", "-o", "mine.pdf"],
    ));
    let text = common::pdf_text(&std::fs::read(dir.path().join("mine.pdf")).unwrap());
    assert!(text.contains("number of offences: 59653"), "{text}");

    std::fs::write(
        dir.path().join("broken.typ"),
        "#let records = json(\"/records.json\")\n\n#for r in records.rows {\n  r.nope(\n}\n",
    )
    .unwrap();
    let out = boardpack(
        dir.path(),
        &["build", "w.xlsx", "--layout", "broken.typ", "-o", "b.pdf"],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.typ:4:"), "{stderr}");
    assert!(stderr.contains("error:"), "{stderr}");
    assert!(
        stderr.contains("4 |   r.nope("),
        "the source line: {stderr}"
    );
    assert!(!dir.path().join("b.pdf").exists());
}

#[test]
fn typst_warnings_reach_the_user_on_a_successful_build() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("w.xlsx"), common::sample_bytes()).unwrap();
    std::fs::write(
        dir.path().join("warns.typ"),
        "#let records = json(\"/records.json\")\n#set document(title: records.report.title)\n#set text(font: (\"No Such Family\", \"Liberation Sans\"), lang: \"en\")\n= #records.report.title\n",
    )
    .unwrap();
    let out = boardpack(
        dir.path(),
        &["build", "w.xlsx", "--layout", "warns.typ", "-o", "w.pdf"],
    );
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warns.typ:3:"), "located: {stderr}");
    assert!(stderr.contains("warning: unknown font family"), "{stderr}");
    assert!(dir.path().join("w.pdf").exists());
}

#[test]
fn watch_rebuilds_when_the_workbook_changes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("w.xlsx"), common::sample_bytes()).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .args([
            "watch",
            "w.xlsx",
            "-o",
            "w.pdf",
            "--interval",
            "50",
            "--max-builds",
            "2",
        ])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "w.pdf");
    let first = std::fs::read(dir.path().join("w.pdf")).unwrap();
    // Break the workbook: the problem is printed, the PDF kept.
    let mut w = common::sample();
    w.sheet_mut("Monthly")
        .unwrap()
        .set(36, 2, common::t("twelve"));
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(dir.path().join("w.xlsx"), w.to_bytes().unwrap()).unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "watch did not rebuild"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success());
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(
        stderr.contains("Monthly!C37: expected a number"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(dir.path().join("w.pdf")).unwrap(), first);
}

#[test]
fn every_subcommand_has_help_with_an_example() {
    let dir = tempfile::tempdir().unwrap();
    for sub in [
        "build",
        "check",
        "sign-off",
        "verify",
        "init",
        "watch",
        "completions",
        "man",
    ] {
        let out = ok(&boardpack(dir.path(), &[sub, "--help"]));
        assert!(out.contains("Usage: boardpack"), "{sub}: {out}");
        assert!(out.contains("Example"), "{sub} has no example: {out}");
    }
    let out = ok(&boardpack(dir.path(), &["archive", "list", "--help"]));
    assert!(out.contains("Example"), "{out}");
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    let dir = tempfile::tempdir().unwrap();
    let bash = ok(&boardpack(dir.path(), &["completions", "bash"]));
    assert!(
        bash.contains("sign-off") && bash.contains("--records"),
        "{bash}"
    );
    let man = ok(&boardpack(dir.path(), &["man"]));
    assert!(
        man.starts_with(".ie") || man.contains(".TH boardpack"),
        "{man}"
    );
    assert!(man.contains("sign\\-off") || man.contains("sign-off"));
}
