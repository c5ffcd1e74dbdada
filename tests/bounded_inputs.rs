//! Issue #28: every input is type-checked and size-checked before it is
//! read (a FIFO never blocks, a device never ends, a file of gigabytes is
//! never read whole), each refusal naming the file, in well under a second
//! and under 1 GB of memory.

mod common;
#[path = "common/measured.rs"]
mod measured;

use measured::{measured, Measured};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn refused(dir: &Path, args: &[&str], said: &str) -> Measured {
    measured::refused(dir, args, said)
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

/// A sparse file of `size` bytes: it takes no disk, and only its size is
/// ever looked at.
fn sparse(path: &Path, size: u64) {
    let f = std::fs::File::create(path).unwrap();
    f.set_len(size).unwrap();
}

#[test]
fn check_of_a_fifo_is_refused_naming_it_not_blocking() {
    let dir = common::Scratch::new();
    mkfifo(&dir.path().join("pipe.xlsx"));
    for command in ["check", "build", "next"] {
        let mut args = vec![command, "pipe.xlsx"];
        if command == "next" {
            args.extend(["--period-end", "2016-03-31"]);
        }
        refused(
            dir.path(),
            &args,
            "cannot read the workbook pipe.xlsx\n  caused by: it is a FIFO (named pipe), not a regular file: boardpack reads only regular files",
        );
    }
    refused(
        dir.path(),
        &["check", "/dev/zero"],
        "cannot read the workbook /dev/zero\n  caused by: it is a device, not a regular file",
    );
}

#[test]
fn a_single_file_layout_fed_by_a_fifo_is_refused_not_read_without_end() {
    let dir = common::dir_with_sample("w.xlsx");
    let fifo = dir.path().join("lay.typ");
    mkfifo(&fifo);
    // A writer that never stops: the FIFO would grow without bound.
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
        // Without a reader this fails at once (ENXIO), as it should.
        if let Ok(mut f) = options.write(true).open(&fifo) {
            let chunk = vec![b'x'; 1 << 16];
            while f.write_all(&chunk).is_ok() {}
        }
    });
    refused(
        dir.path(),
        &["build", "w.xlsx", "--layout", "lay.typ", "-o", "w.pdf"],
        "cannot read the layout lay.typ: it is a FIFO (named pipe), not a regular file",
    );
    writer.join().unwrap();
    assert!(!dir.path().join("w.pdf").exists());
}

#[test]
fn a_file_of_1_2_gb_in_a_layout_folder_is_refused_before_it_is_read() {
    let dir = common::dir_with_sample("w.xlsx");
    let lay = dir.path().join("lay");
    std::fs::create_dir(&lay).unwrap();
    std::fs::write(lay.join("main.typ"), "= Hello").unwrap();
    sparse(&lay.join("logo.png"), 1_200_000_000);
    refused(
        dir.path(),
        &["build", "w.xlsx", "--layout", "lay", "-o", "w.pdf"],
        "the layout folder lay holds logo.png of 1200000000 bytes, more than a layout folder may hold (52428800 bytes in all): it was not read",
    );
    assert!(!dir.path().join("w.pdf").exists());
    // A single file as large: refused as it stands.
    sparse(&dir.path().join("big.typ"), 1_200_000_000);
    refused(
        dir.path(),
        &["build", "w.xlsx", "--layout", "big.typ", "-o", "w.pdf"],
        "cannot read the layout big.typ: the layout is 1200000000 bytes, over boardpack's limit of 52428800 bytes",
    );
}

/// The sample signed off into `arch` in a fresh folder, made writable.
fn signed() -> common::Scratch {
    let dir = common::dir_with_sample("sample.xlsx");
    let signed = common::sign_off(dir.path(), "sample.xlsx", "2016-01-28", "arch", &[]);
    assert!(signed.status.success(), "{}", stderr(&signed));
    common::writable(&dir.path().join("arch"));
    dir
}

/// The signed sample's PDF in the archive.
fn archived_pdf(dir: &Path) -> std::path::PathBuf {
    let v1 = dir.join("arch/2015-12/v1");
    std::fs::read_dir(&v1)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .unwrap()
}

#[test]
fn a_pdf_of_1_1_gb_in_the_archive_is_refused_before_it_is_read() {
    let dir = signed();
    let pdf = archived_pdf(dir.path());
    let name = pdf.file_name().unwrap().to_string_lossy().into_owned();
    let size = 1_100_000_000u64;
    std::fs::OpenOptions::new()
        .write(true)
        .open(&pdf)
        .unwrap()
        .set_len(size)
        .unwrap();
    let over = format!("{name} is {size} bytes, over boardpack's limit of 536870912 bytes");
    refused(
        dir.path(),
        &["archive", "verify", "--archive", "arch"],
        &over,
    );
    let path = pdf
        .strip_prefix(dir.path())
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    refused(
        dir.path(),
        &["verify", &path],
        &format!("cannot read {path}\n  caused by: the PDF is {size} bytes, over boardpack's limit of 536870912 bytes"),
    );
    // The next period's build reads the last pack: refused, not read.
    let next = common::run(
        dir.path(),
        &[
            "next",
            "sample.xlsx",
            "--period-end",
            "2016-03-31",
            "-o",
            "next.xlsx",
        ],
    );
    assert!(next.status.success(), "{}", stderr(&next));
    refused(
        dir.path(),
        &["build", "next.xlsx", "--archive", "arch", "-o", "next.pdf"],
        &format!("the last signed-off pack arch/2015-12/v1/{name} cannot be read: {over}"),
    );
    std::fs::OpenOptions::new()
        .write(true)
        .open(&pdf)
        .unwrap()
        .set_len(0)
        .unwrap();
}

#[test]
fn an_archive_log_of_1_1_gb_is_refused_before_it_is_read() {
    let dir = signed();
    let log = dir.path().join("arch/archive-log.jsonl");
    let size = 1_100_000_000u64;
    std::fs::OpenOptions::new()
        .write(true)
        .open(&log)
        .unwrap()
        .set_len(size)
        .unwrap();
    refused(
        dir.path(),
        &["archive", "verify", "--archive", "arch"],
        &format!("the archive's log archive-log.jsonl is {size} bytes, over boardpack's limit of 67108864 bytes"),
    );
    std::fs::OpenOptions::new()
        .write(true)
        .open(&log)
        .unwrap()
        .set_len(0)
        .unwrap();
}

#[test]
fn watch_when_the_workbook_becomes_a_fifo_says_so_and_does_not_block() {
    let dir = common::dir_with_sample("w.xlsx");
    let mut child = Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .args(["watch", "w.xlsx", "-o", "w.pdf", "--interval", "50"])
        .args(["--max-builds", "2"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::BufRead;
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "w.pdf");
    std::fs::remove_file(dir.path().join("w.xlsx")).unwrap();
    mkfifo(&dir.path().join("w.xlsx"));
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(10) {
            child.kill().unwrap();
            panic!("watch blocked on the FIFO");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success());
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(
        err.contains("cannot read the workbook w.xlsx\n  caused by: it is a FIFO (named pipe), not a regular file"),
        "{err}"
    );
}

#[test]
fn watch_ignores_dangling_links_in_the_layout_folder_as_build_does() {
    let dir = common::dir_with_sample("w.xlsx");
    let lay = common::dashboard_layout_folder(dir.path());
    // An editor's lock link (Emacs's .#main.typ) and a link whose file is gone.
    std::os::unix::fs::symlink("analyst@host.1234:1700000000", lay.join(".#main.typ")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/logo.png", lay.join("old-logo.png")).unwrap();
    let build = common::run(
        dir.path(),
        &["build", "w.xlsx", "--layout", "lay", "-o", "b.pdf"],
    );
    assert!(build.status.success(), "{}", stderr(&build));
    let m = measured(
        dir.path(),
        &[
            "watch",
            "w.xlsx",
            "--layout",
            "lay",
            "-o",
            "w.pdf",
            "--max-builds",
            "1",
        ],
    );
    let err = stderr(&m.out);
    assert!(m.out.status.success(), "{err}");
    assert!(!err.contains("waiting for"), "{err}");
    assert!(err.contains("rebuilt in"), "{err}");
    assert!(m.took < Duration::from_secs(10), "{:?}", m.took);
    assert!(dir.path().join("w.pdf").exists());
}

#[test]
fn a_failed_emit_typst_whose_charts_is_a_file_writes_nothing() {
    let dir = common::dir_with_sample("w.xlsx");
    std::fs::create_dir(dir.path().join("proj")).unwrap();
    std::fs::write(dir.path().join("proj/charts"), "not a folder").unwrap();
    let out = common::run(
        dir.path(),
        &[
            "build",
            "w.xlsx",
            "-o",
            "w.pdf",
            "--html",
            "w.html",
            "--emit-typst",
            "proj",
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("proj/charts is a file, not a folder: --emit-typst writes the project's charts into a folder of that name; move it away, or name a new folder (nothing was built or written)"),
        "{err}"
    );
    assert!(!err.contains("os error 17"), "{err}");
    assert!(!dir.path().join("w.pdf").exists());
    assert!(!dir.path().join("w.html").exists());
    assert_eq!(
        std::fs::read_dir(dir.path().join("proj")).unwrap().count(),
        1,
        "nothing written into the project"
    );
}

#[test]
fn a_linked_logo_is_said_to_be_a_link_that_is_not_followed() {
    let dir = common::dir_with_sample("w.xlsx");
    let lay = dir.path().join("lay");
    std::fs::create_dir(&lay).unwrap();
    std::fs::write(lay.join("main.typ"), "#image(\"/logo.png\", width: 2cm)\n").unwrap();
    std::fs::write(dir.path().join("real.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    std::os::unix::fs::symlink("../real.png", lay.join("logo.png")).unwrap();
    let out = common::run(
        dir.path(),
        &["build", "w.xlsx", "--layout", "lay", "-o", "w.pdf"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("file not found (searched at /logo.png)"),
        "{err}"
    );
    assert!(
        err.contains("lay/logo.png is a symbolic link, and links in a layout folder are not followed (the folder is all the layout sees): copy the file into the folder instead"),
        "{err}"
    );
    assert!(!dir.path().join("w.pdf").exists());
}

#[test]
fn a_logo_that_is_a_fifo_is_not_read_and_is_said_to_be_one() {
    let dir = common::dir_with_sample("w.xlsx");
    let lay = dir.path().join("lay");
    std::fs::create_dir(&lay).unwrap();
    std::fs::write(lay.join("main.typ"), "#image(\"/logo.png\", width: 2cm)\n").unwrap();
    mkfifo(&lay.join("logo.png"));
    refused(
        dir.path(),
        &["build", "w.xlsx", "--layout", "lay", "-o", "w.pdf"],
        "lay/logo.png is a FIFO (named pipe), not a regular file, and a layout folder's files are read only if they are regular files: put the file itself there",
    );
    assert!(!dir.path().join("w.pdf").exists());
}
