//! The command line as an analyst runs it: exit codes, outputs, messages.

mod common;

use std::path::Path;
use std::process::Command;

fn boardpack(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("inputs")).unwrap();
    std::fs::write(
        dir.path().join("inputs/dashboard-2015-12.xlsx"),
        common::sample_bytes(),
    )
    .unwrap();
    dir
}

#[test]
fn build_with_no_arguments_builds_the_sample_to_out() {
    let dir = workspace();
    let out = boardpack(dir.path(), &["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = dir.path().join("out/dashboard-2015-12.pdf");
    assert!(pdf.exists());
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "out/dashboard-2015-12.pdf"
    );
}

#[test]
fn build_writes_the_records_when_asked() {
    let dir = workspace();
    let out = boardpack(
        dir.path(),
        &[
            "build",
            "inputs/dashboard-2015-12.xlsx",
            "-o",
            "x/dash.pdf",
            "--records",
            "x/records.json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("x/records.json")).unwrap()).unwrap();
    assert_eq!(json["report"]["title"], "Police & Crime Plan Dashboard");
    assert!(dir.path().join("x/dash.pdf").exists());
}

#[test]
fn check_accepts_the_sample_and_reports_its_warnings() {
    let dir = workspace();
    let out = boardpack(dir.path(), &["check", "inputs/dashboard-2015-12.xlsx"]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("ok (19 priorities, 48 rows, 0 warnings)"),
        "{stdout}"
    );
    // The sample says what it leaves empty: nothing warns (issue #12).
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    // A warning is reported once, also with -v; counts are singular or plural.
    let mut w = common::sample();
    let row = common::row_of(&w, "Values", "SP17.absent");
    w.sheet_mut("Values").unwrap().rows.remove(row);
    std::fs::write(dir.path().join("one.xlsx"), w.to_bytes().unwrap()).unwrap();
    let out = boardpack(dir.path(), &["check", "one.xlsx", "-v"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr
            .matches("warning: Indicators!A49: SP17.absent")
            .count(),
        1,
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("ok (19 priorities, 48 rows, 1 warning)"),
        "{stdout}"
    );
}

#[test]
fn a_broken_workbook_exits_1_names_every_cell_and_writes_nothing() {
    let dir = workspace();
    let mut w = common::sample();
    let monthly = w.sheet_mut("Monthly").unwrap();
    monthly.set(36, 2, common::t("twelve"));
    monthly.set(40, 2, boardpack::support::xlsx::Value::Number(-3.0));
    std::fs::write(dir.path().join("bad.xlsx"), w.to_bytes().unwrap()).unwrap();
    std::fs::create_dir_all(dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("out/bad.pdf"), b"previous").unwrap();
    let out = boardpack(
        dir.path(),
        &["build", "bad.xlsx", "--records", "out/bad.json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Monthly!C37: expected a number, found \"twelve\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("Monthly!C41: expected a count (zero or more), found -3"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        std::fs::read(dir.path().join("out/bad.pdf")).unwrap(),
        b"previous"
    );
    assert!(!dir.path().join("out/bad.json").exists());
}

#[test]
fn usage_errors_exit_2() {
    let dir = workspace();
    assert_eq!(
        boardpack(dir.path(), &["build", "--no-such-flag"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(boardpack(dir.path(), &["check"]).status.code(), Some(2));
    assert_eq!(boardpack(dir.path(), &[]).status.code(), Some(2));
}

#[test]
fn a_missing_workbook_file_is_a_clear_error() {
    let dir = workspace();
    let out = boardpack(dir.path(), &["build", "nope.xlsx"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read the workbook nope.xlsx"),
        "{stderr}"
    );
}

#[test]
fn every_subcommand_has_help() {
    let dir = workspace();
    for sub in [
        vec!["--help"],
        vec!["build", "--help"],
        vec!["check", "--help"],
    ] {
        let out = boardpack(dir.path(), &sub);
        assert!(out.status.success(), "{sub:?}");
        assert!(!out.stdout.is_empty());
    }
}

#[test]
fn a_batch_builds_every_workbook_and_reports_failures_per_workbook() {
    let dir = workspace();
    let batch = dir.path().join("batch");
    std::fs::create_dir(&batch).unwrap();
    for name in ["north", "south", "east"] {
        std::fs::write(batch.join(format!("{name}.xlsx")), common::sample_bytes()).unwrap();
    }
    std::fs::write(batch.join("west.xlsx"), b"not a workbook").unwrap();
    std::fs::write(batch.join("~$north.xlsx"), b"excel lock file").unwrap();
    let out = boardpack(dir.path(), &["build", "batch", "-o", "pdfs"]);
    assert_eq!(out.status.code(), Some(1), "one workbook failed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("west.xlsx: this looks like a CSV or text file, not a workbook"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 of 4 workbooks not built: batch/west.xlsx; the other PDFs were written"),
        "{stderr}"
    );
    for name in ["north", "south", "east"] {
        assert!(
            dir.path().join(format!("pdfs/{name}.pdf")).exists(),
            "{name}"
        );
    }
    assert!(!dir.path().join("pdfs/west.pdf").exists());
    // The same PDFs as one at a time.
    let single = boardpack(dir.path(), &["build", "batch/north.xlsx", "-o", "one.pdf"]);
    assert!(single.status.success());
    assert_eq!(
        std::fs::read(dir.path().join("one.pdf")).unwrap(),
        std::fs::read(dir.path().join("pdfs/north.pdf")).unwrap()
    );
}

#[test]
fn a_batch_output_named_like_a_pdf_is_refused_not_made_a_folder() {
    let dir = workspace();
    for name in ["a", "b"] {
        std::fs::write(
            dir.path().join(format!("{name}.xlsx")),
            common::sample_bytes(),
        )
        .unwrap();
    }
    let out = boardpack(dir.path(), &["build", "a.xlsx", "b.xlsx", "-o", "both.pdf"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("expected a folder for the 2 PDFs after -o, found the file name both.pdf"),
        "{stderr}"
    );
    assert!(!dir.path().join("both.pdf").exists());
}

#[test]
fn emit_typst_writes_a_project_the_engine_alone_compiles_to_the_same_pages() {
    let dir = workspace();
    let out = boardpack(
        dir.path(),
        &["build", "--emit-typst", "project", "-o", "d.pdf"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let project = dir.path().join("project");
    for f in [
        "main.typ",
        "records.json",
        "theme.json",
        "render.json",
        "fonts/LiberationSans-Regular.ttf",
    ] {
        assert!(project.join(f).exists(), "{f}");
    }
    assert_eq!(
        std::fs::read_to_string(project.join("main.typ")).unwrap(),
        boardpack::render::document::DASHBOARD_LAYOUT
    );
    // The palette and the data are indented for the analyst who edits them
    // (the build's own world holds them compact).
    for f in ["theme.json", "records.json", "render.json"] {
        let text = std::fs::read_to_string(project.join(f)).unwrap();
        assert!(text.lines().count() > 10, "{f} is not indented");
    }
    let date = chrono::NaiveDate::from_ymd_opt(2015, 12, 31).unwrap();
    let alone = boardpack::render::document::render_project(&project, date).unwrap();
    let ours = std::fs::read(dir.path().join("d.pdf")).unwrap();
    let pages = |pdf: &[u8]| pdf_extract::extract_text_from_mem_by_pages(pdf).unwrap();
    assert_eq!(pages(&alone), pages(&ours));
}

/// `check` takes a batch as `build` does (a folder, or several workbooks):
/// each is checked, every problem printed, and the failures summed up.
#[test]
fn check_takes_a_batch_and_names_the_workbooks_with_errors() {
    let dir = workspace();
    let batch = dir.path().join("batch");
    std::fs::create_dir(&batch).unwrap();
    for name in ["north", "south"] {
        std::fs::write(batch.join(format!("{name}.xlsx")), common::sample_bytes()).unwrap();
    }
    let mut bad = common::sample();
    bad.sheet_mut("Monthly")
        .unwrap()
        .set(36, 2, common::t("twelve"));
    std::fs::write(batch.join("west.xlsx"), bad.to_bytes().unwrap()).unwrap();
    let out = boardpack(dir.path(), &["check", "batch"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for name in ["north", "south"] {
        assert!(
            stdout.contains(&format!("batch/{name}.xlsx: ok (")),
            "{stdout}"
        );
    }
    assert!(!stdout.contains("west"), "{stdout}");
    assert!(
        stderr.contains("batch/west.xlsx does not meet the workbook contract")
            && stderr.contains("Monthly!C37: expected a number, found \"twelve\"")
            && stderr.contains("1 of 3 workbooks have errors: batch/west.xlsx"),
        "{stderr}"
    );
    // Named one by one, the good ones pass.
    let out = boardpack(
        dir.path(),
        &["check", "batch/north.xlsx", "batch/south.xlsx"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
}
