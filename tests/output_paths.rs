//! Regression tests for outputs that must never be written (issue 15, item
//! 8 and 10): an output that is the input, or the other output, or not a
//! regular file is a usage error (exit 2) and nothing is written; batch
//! names that collide are refused before anything is built; new files get
//! the umask's mode.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::run as boardpack;

fn with_workbook() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("w.xlsx"), common::sample_bytes()).unwrap();
    dir
}

fn usage_error(out: &Output, says: &str) {
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(says), "expected {says:?} in: {stderr}");
}

fn no_temporary_files(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "left behind: {name}");
    }
}

#[test]
fn output_named_as_the_workbook_does_not_overwrite_it() {
    let dir = with_workbook();
    let out = boardpack(dir.path(), &["build", "w.xlsx", "-o", "w.xlsx"]);
    usage_error(&out, "w.xlsx is an input of this run");
    assert_eq!(
        std::fs::read(dir.path().join("w.xlsx")).unwrap(),
        common::sample_bytes()
    );
}

#[test]
fn records_named_as_the_workbook_do_not_overwrite_it() {
    let dir = with_workbook();
    let out = boardpack(dir.path(), &["build", "w.xlsx", "--records", "./w.xlsx"]);
    usage_error(&out, "is an input of this run");
    assert_eq!(
        std::fs::read(dir.path().join("w.xlsx")).unwrap(),
        common::sample_bytes()
    );
}

#[test]
fn pdf_and_records_with_one_name_are_refused() {
    let dir = with_workbook();
    let out = boardpack(
        dir.path(),
        &["build", "w.xlsx", "-o", "x", "--records", "x"],
    );
    usage_error(&out, "x is named for two outputs");
    assert!(!dir.path().join("x").exists());
}

#[cfg(unix)]
#[test]
fn output_to_a_device_does_not_replace_it() {
    let dir = with_workbook();
    let out = boardpack(dir.path(), &["build", "w.xlsx", "-o", "/dev/null"]);
    usage_error(
        &out,
        "/dev/null is a device or other special file, not a file",
    );
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert!(!meta.is_file(), "/dev/null is still a device");
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_does_not_replace_the_link() {
    let dir = with_workbook();
    std::os::unix::fs::symlink("elsewhere.pdf", dir.path().join("link.pdf")).unwrap();
    let out = boardpack(dir.path(), &["build", "w.xlsx", "-o", "link.pdf"]);
    usage_error(&out, "link.pdf is a symbolic link");
    let meta = std::fs::symlink_metadata(dir.path().join("link.pdf")).unwrap();
    assert!(meta.file_type().is_symlink());
}

#[test]
fn output_that_is_a_folder_is_refused() {
    let dir = with_workbook();
    std::fs::create_dir(dir.path().join("x.pdf")).unwrap();
    let out = boardpack(dir.path(), &["build", "w.xlsx", "-o", "x.pdf"]);
    usage_error(&out, "x.pdf is a folder");
}

#[test]
fn batch_workbooks_with_one_name_are_refused_before_anything_is_written() {
    let dir = with_workbook();
    for sub in ["a", "b"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        std::fs::write(dir.path().join(sub).join("w.xlsx"), common::sample_bytes()).unwrap();
    }
    let out = boardpack(dir.path(), &["build", "a/w.xlsx", "b/w.xlsx", "-o", "out"]);
    usage_error(&out, "would both be written as w.pdf");
    assert!(!dir.path().join("out").exists());
}

#[cfg(unix)]
#[test]
fn files_are_created_with_the_umask_mode_not_0600() {
    use std::os::unix::fs::PermissionsExt;
    let dir = with_workbook();
    // The test process's umask is inherited; 022 is the common default and
    // what the check below expects of it.
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 022 && exec {} build w.xlsx -o p.pdf --records r.json",
            env!("CARGO_BIN_EXE_boardpack")
        ))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in ["p.pdf", "r.json"] {
        let mode = std::fs::metadata(dir.path().join(f))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o644, "{f} has mode {mode:o}");
    }
    no_temporary_files(dir.path());
}
