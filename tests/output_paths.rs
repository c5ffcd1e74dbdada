//! Regression tests for outputs that must never be written (issue 15, item
//! 8 and 10; issue 26): an output that is the input, or inside the layout
//! folder, or inside an archive of signed-off packs, or the other output,
//! or not a regular file is a usage error (exit 2) and nothing is written,
//! in every command; `--emit-typst` writes only into a folder of its own,
//! never through a link; batch names that collide are refused before
//! anything is built; new files get the umask's mode; an interrupted run
//! leaves no temporary file, and the next run removes what a killed one
//! left.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

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
    usage_error(&out, "/dev/null is a device, not a file");
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

/// A workbook large enough that its outputs take a while to write.
#[cfg(target_os = "linux")]
fn larger_workbook(dir: &Path) {
    let bytes = boardpack::support::sample::scale(20, 3, 60)
        .to_bytes()
        .unwrap();
    std::fs::write(dir.join("big.xlsx"), bytes).unwrap();
}

/// The temporary files and folders in a folder (`.boardpack-…tmp`,
/// `.signing-…`).
fn temporary_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".tmp") || n.starts_with(".signing-"))
                .collect()
        })
        .unwrap_or_default()
}

/// Runs boardpack with `args` (each `{n}` replaced by the attempt's
/// number) until a run is caught while it has temporary files in `staged`
/// (stopped the moment one is seen); sends it `signal`, resumes it, and
/// checks it leaves none.
#[cfg(target_os = "linux")]
fn signalled_while_writing_leaves_nothing(dir: &Path, args: &[&str], staged: &str, signal: i32) {
    let kill = |pid: u32, sig: i32| {
        // SAFETY: kill(2) with a child's id and a signal number.
        unsafe { libc::kill(pid as libc::pid_t, sig) };
    };
    for attempt in 0..20 {
        let n = attempt.to_string();
        let folder = dir.join(staged.replace("{n}", &n));
        let mut child = Command::new(env!("CARGO_BIN_EXE_boardpack"))
            .args(args.iter().map(|a| a.replace("{n}", &n)))
            .current_dir(dir)
            .env_remove("BOARDPACK_ARCHIVE")
            .stderr(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let caught = loop {
            if let Ok(Some(_)) = child.try_wait() {
                break false;
            }
            if !temporary_files(&folder).is_empty() {
                kill(child.id(), libc::SIGSTOP);
                if temporary_files(&folder).is_empty() {
                    kill(child.id(), libc::SIGCONT);
                    continue;
                }
                kill(child.id(), signal);
                kill(child.id(), libc::SIGCONT);
                break true;
            }
        };
        let status = child.wait().unwrap();
        if caught {
            assert_eq!(
                temporary_files(&folder),
                Vec::<String>::new(),
                "left behind after signal {signal} ({status})"
            );
            return;
        }
    }
    panic!("no run was caught while writing its outputs");
}

/// Sends `signal` to a build caught while its outputs are staged.
#[cfg(target_os = "linux")]
fn a_build_signalled_while_writing_leaves_no_temporary_file(signal: i32) {
    let dir = tempfile::tempdir().unwrap();
    larger_workbook(dir.path());
    let args = [
        "build",
        "big.xlsx",
        "--records",
        "out{n}/r.json",
        "--html",
        "out{n}/p.html",
        "-o",
        "out{n}/p.pdf",
    ];
    signalled_while_writing_leaves_nothing(dir.path(), &args, "out{n}", signal);
}

/// Regression (issue 26): SIGTERM during a sign-off left its hidden
/// `.signing-*` folder in the archive.
#[cfg(target_os = "linux")]
#[test]
fn sigterm_during_a_sign_off_leaves_no_signing_folder() {
    let dir = tempfile::tempdir().unwrap();
    larger_workbook(dir.path());
    let args = [
        "sign-off",
        "big.xlsx",
        "--by",
        "J",
        "--role",
        "S",
        "--accept-warnings",
        "--archive",
        "arch{n}",
    ];
    // The scale workbook's period ends in December 2015.
    signalled_while_writing_leaves_nothing(dir.path(), &args, "arch{n}/2015-12", libc::SIGTERM);
}

/// Regression (issue 26): SIGTERM during a build left `.boardpack-*.tmp`
/// files beside its outputs.
#[cfg(target_os = "linux")]
#[test]
fn sigterm_during_a_build_leaves_no_temporary_file() {
    a_build_signalled_while_writing_leaves_no_temporary_file(libc::SIGTERM);
}

/// Regression (issue 26): as SIGTERM, for Ctrl-C (SIGINT).
#[cfg(target_os = "linux")]
#[test]
fn sigint_during_a_build_leaves_no_temporary_file() {
    a_build_signalled_while_writing_leaves_no_temporary_file(libc::SIGINT);
}

/// Every file under a folder (links not followed), with its bytes; a link
/// as its target's name.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let kind = e.file_type().unwrap();
            if kind.is_dir() {
                stack.push(e.path());
            } else if kind.is_symlink() {
                let target = std::fs::read_link(e.path()).unwrap();
                out.insert(e.path(), target.to_string_lossy().as_bytes().to_vec());
            } else {
                out.insert(e.path(), std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

/// Runs boardpack in `dir`, killing it (and failing) if it has not ended
/// within a minute: a refused output must not wait on anything.
fn run_within_a_minute(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .args(args)
        .current_dir(dir)
        .env_remove("BOARDPACK_ARCHIVE")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("boardpack {args:?} had not ended after a minute");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Regression (issue 26): `build -o archive/2018-03/v1/x.pdf` exited 0 and
/// replaced the signed pack with a draft (so did `--html`, `--records`,
/// `--emit-typst`, a batch, `watch`, `next` and `init` into the archive),
/// even with `--archive` given. Every one is refused, whatever `--archive`
/// says, and the archive is as it was.
#[test]
fn outputs_aimed_at_the_archive_are_refused_and_the_signed_packs_kept() {
    let dir = with_workbook();
    std::fs::write(dir.path().join("w2.xlsx"), common::sample_bytes()).unwrap();
    for (date, more) in [
        ("2016-01-28", &[][..]),
        ("2016-01-29", &["--reason", "a fix"][..]),
    ] {
        let out = common::sign_off(dir.path(), "w.xlsx", date, "arch", more);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::create_dir(dir.path().join("other")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("arch/2015-12/v1", dir.path().join("v1link")).unwrap();
    let before = snapshot(&dir.path().join("arch"));
    let v1 = "arch/2015-12/v1";
    let cases: Vec<Vec<String>> = [
        vec!["build", "w.xlsx", "-o", "arch/2015-12/v1/w.pdf"],
        vec![
            "build",
            "w.xlsx",
            "-o",
            "arch/2015-12/v2/w.pdf",
            "--archive",
            "arch",
        ],
        vec![
            "build",
            "w.xlsx",
            "-o",
            "arch/2015-12/v1/w.pdf",
            "--archive",
            "other",
        ],
        vec![
            "build",
            "w.xlsx",
            "-o",
            "d.pdf",
            "--html",
            "arch/2015-12/v1/w.html",
        ],
        vec![
            "build",
            "w.xlsx",
            "-o",
            "d.pdf",
            "--records",
            "arch/2015-12/v2/r.json",
        ],
        vec!["build", "w.xlsx", "-o", "d.pdf", "--emit-typst", v1],
        vec![
            "build",
            "w.xlsx",
            "-o",
            "d.pdf",
            "--emit-typst",
            "arch/2015-12/v1/project",
        ],
        vec!["build", "w.xlsx", "-o", "arch/2015-12/draft.pdf"],
        vec!["build", "w.xlsx", "-o", "arch/draft.pdf"],
        vec!["build", "w.xlsx", "w2.xlsx", "-o", v1],
        vec![
            "watch",
            "w.xlsx",
            "-o",
            "arch/2015-12/v1/w.pdf",
            "--max-builds",
            "1",
        ],
        vec![
            "next",
            "w.xlsx",
            "--period-end",
            "2016-03",
            "-o",
            "arch/2015-12/v1/n.xlsx",
        ],
        vec!["init", "arch/2015-12/v1/new.xlsx"],
    ]
    .into_iter()
    .map(|c| c.into_iter().map(String::from).collect())
    .chain(cfg!(unix).then(|| {
        vec![
            "build".into(),
            "w.xlsx".into(),
            "-o".into(),
            "v1link/w.pdf".into(),
        ]
    }))
    .collect();
    for case in &cases {
        let args: Vec<&str> = case.iter().map(String::as_str).collect();
        let out = run_within_a_minute(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("lies inside the archive of signed-off packs"),
            "{args:?}: {stderr}"
        );
        assert_eq!(
            snapshot(&dir.path().join("arch")),
            before,
            "{args:?} changed the archive"
        );
        assert!(
            !dir.path().join("d.pdf").exists(),
            "{args:?} built before refusing"
        );
    }
    // Sign-off into a period folder would nest an archive in the archive.
    let out = common::sign_off(
        dir.path(),
        "w.xlsx",
        "2016-01-30",
        "arch/2015-12",
        &["--reason", "x"],
    );
    usage_error(
        &out,
        "the archive folder arch/2015-12 lies inside the archive",
    );
    assert_eq!(snapshot(&dir.path().join("arch")), before);
}

/// An ejected layout folder `lay/` (the analyst's own layout).
fn with_layout() -> tempfile::TempDir {
    let dir = with_workbook();
    let out = boardpack(
        dir.path(),
        &["build", "w.xlsx", "-o", "w.pdf", "--emit-typst", "lay"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// Regression (issue 26): `--html lay/main.typ` with `--layout lay/`
/// overwrote the layout; no output may be a layout's file or lie in its
/// folder, in build, watch or sign-off. Refreshing an ejected layout's data
/// with its own layout still works, and leaves the layout's files as they
/// were (not even rewritten).
#[test]
fn outputs_aimed_at_the_layout_are_refused_and_the_layout_kept() {
    let dir = with_layout();
    std::fs::write(dir.path().join("w2.xlsx"), common::sample_bytes()).unwrap();
    let lay = dir.path().join("lay");
    let before = snapshot(&lay);
    for args in [
        &[
            "build",
            "w.xlsx",
            "--layout",
            "lay",
            "--html",
            "lay/main.typ",
        ][..],
        &[
            "build",
            "w.xlsx",
            "--layout",
            "lay/",
            "-o",
            "lay/theme.json",
        ],
        &[
            "build",
            "w.xlsx",
            "--layout",
            "lay",
            "--records",
            "lay/extra.json",
        ],
        &["build", "w.xlsx", "w2.xlsx", "--layout", "lay", "-o", "lay"],
        &[
            "watch",
            "w.xlsx",
            "--layout",
            "lay",
            "-o",
            "lay/x.pdf",
            "--max-builds",
            "1",
        ],
    ] {
        let out = run_within_a_minute(dir.path(), args);
        usage_error(&out, "an input of this run");
        assert_eq!(snapshot(&lay), before, "{args:?} changed the layout");
    }
    let out = boardpack(
        dir.path(),
        &[
            "build",
            "w.xlsx",
            "--layout",
            "lay/main.typ",
            "--html",
            "lay/main.typ",
        ],
    );
    usage_error(&out, "lay/main.typ is an input of this run");
    let out = common::sign_off(
        dir.path(),
        "w.xlsx",
        "2016-01-28",
        "lay/archive",
        &["--layout", "lay"],
    );
    usage_error(&out, "lies inside the folder lay, an input of this run");
    assert_eq!(snapshot(&lay), before);

    // Refreshing the folder's data with its own layout writes its data,
    // never its files.
    let main = lay.join("main.typ");
    let written = std::fs::metadata(&main).unwrap().modified().unwrap();
    std::fs::remove_file(lay.join("records.json")).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    let out = boardpack(
        dir.path(),
        &[
            "build",
            "w.xlsx",
            "-o",
            "w.pdf",
            "--layout",
            "lay",
            "--emit-typst",
            "lay",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(lay.join("records.json").exists());
    assert_eq!(
        std::fs::metadata(&main).unwrap().modified().unwrap(),
        written
    );
}

/// Regression (issue 26): `watch WB -o WB` replaced the workbook with the
/// PDF (build refused it).
#[test]
fn watch_never_writes_over_its_workbook() {
    let dir = with_workbook();
    let out = run_within_a_minute(
        dir.path(),
        &["watch", "w.xlsx", "-o", "./w.xlsx", "--max-builds", "1"],
    );
    usage_error(&out, "w.xlsx is an input of this run");
    assert_eq!(
        std::fs::read(dir.path().join("w.xlsx")).unwrap(),
        common::sample_bytes()
    );
}

/// Regression (issue 26): `watch -o /dev/full` replaced the device.
#[cfg(unix)]
#[test]
fn watch_to_a_device_does_not_replace_it() {
    use std::os::unix::fs::FileTypeExt;
    let dir = with_workbook();
    let out = run_within_a_minute(
        dir.path(),
        &["watch", "w.xlsx", "-o", "/dev/full", "--max-builds", "1"],
    );
    usage_error(&out, "/dev/full is a device, not a file");
    let kind = std::fs::symlink_metadata("/dev/full").unwrap().file_type();
    assert!(kind.is_char_device(), "/dev/full is still a device");
}

/// Regression (issue 26): an output that is a FIFO is refused at once (it
/// was opened to compare it with the workbook, which waits for a writer).
#[cfg(unix)]
#[test]
fn output_to_a_fifo_is_refused_without_waiting() {
    use std::os::unix::fs::FileTypeExt;
    let dir = with_workbook();
    let fifo = dir.path().join("pipe.pdf");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo(3) with a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    for args in [
        &["build", "w.xlsx", "-o", "pipe.pdf"][..],
        &["build", "w.xlsx", "-o", "d.pdf", "--html", "pipe.pdf"],
        &["watch", "w.xlsx", "-o", "pipe.pdf", "--max-builds", "1"],
    ] {
        let out = run_within_a_minute(dir.path(), args);
        usage_error(&out, "pipe.pdf is a FIFO (named pipe), not a file");
    }
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
}

/// Regression (issue 26): `--emit-typst` wrote the fonts through a linked
/// `fonts/` into another folder; a link anywhere on its way is refused.
#[cfg(unix)]
#[test]
fn emit_typst_never_writes_through_a_link() {
    let dir = with_layout();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::remove_dir_all(dir.path().join("lay/fonts")).unwrap();
    std::os::unix::fs::symlink("../elsewhere", dir.path().join("lay/fonts")).unwrap();
    let out = boardpack(
        dir.path(),
        &["build", "w.xlsx", "-o", "d.pdf", "--emit-typst", "lay"],
    );
    usage_error(
        &out,
        "lay/fonts is a symbolic link: --emit-typst never writes through a link",
    );
    std::fs::remove_file(dir.path().join("lay/fonts")).unwrap();
    std::os::unix::fs::symlink("../elsewhere", dir.path().join("lay/charts-link")).unwrap();
    std::fs::remove_dir_all(dir.path().join("lay/charts")).unwrap();
    std::os::unix::fs::symlink("../elsewhere", dir.path().join("lay/charts")).unwrap();
    let out = boardpack(
        dir.path(),
        &["build", "w.xlsx", "-o", "d.pdf", "--emit-typst", "lay"],
    );
    usage_error(&out, "lay/charts is a symbolic link");
    // The folder itself a link to another.
    std::os::unix::fs::symlink("elsewhere", dir.path().join("project")).unwrap();
    let out = boardpack(
        dir.path(),
        &["build", "w.xlsx", "-o", "d.pdf", "--emit-typst", "project"],
    );
    usage_error(&out, "project is a symbolic link");
    assert_eq!(
        std::fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "written through a link"
    );
    assert!(!dir.path().join("d.pdf").exists());
}

/// Regression (issue 26): `--emit-typst` into a folder it never ejected
/// replaced that folder's files. It writes only into a new or empty
/// folder, or one holding its own `.boardpack-ejected`.
#[test]
fn emit_typst_never_writes_into_a_folder_it_did_not_eject() {
    let dir = with_workbook();
    let theirs = dir.path().join("theirs");
    std::fs::create_dir_all(theirs.join("charts")).unwrap();
    std::fs::write(theirs.join("records.json"), b"the analyst's own notes").unwrap();
    let before = snapshot(&theirs);
    let out = boardpack(
        dir.path(),
        &["build", "w.xlsx", "-o", "d.pdf", "--emit-typst", "theirs"],
    );
    usage_error(
        &out,
        "theirs is not empty and was not written by --emit-typst (it holds charts, records.json and no .boardpack-ejected)",
    );
    assert_eq!(snapshot(&theirs), before);
    assert!(
        !dir.path().join("d.pdf").exists(),
        "refused before building"
    );
    // An empty folder is ejected into, and marked as ejected.
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let out = boardpack(
        dir.path(),
        &["build", "w.xlsx", "-o", "d.pdf", "--emit-typst", "empty"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let marker = std::fs::read_to_string(dir.path().join("empty/.boardpack-ejected")).unwrap();
    assert!(marker.lines().any(|l| l == "records.json") && marker.lines().any(|l| l == "main.typ"));
    // In an ejected folder, a file it did not write is never replaced.
    let listed = marker.replace("render.json\n", "");
    std::fs::write(dir.path().join("empty/.boardpack-ejected"), listed).unwrap();
    std::fs::write(dir.path().join("empty/render.json"), b"mine").unwrap();
    let out = boardpack(
        dir.path(),
        &["build", "w.xlsx", "-o", "d.pdf", "--emit-typst", "empty"],
    );
    usage_error(&out, "render.json was not written by --emit-typst");
    assert_eq!(
        std::fs::read(dir.path().join("empty/render.json")).unwrap(),
        b"mine"
    );
}

/// A process id no process has any more: a child's, once it has ended.
#[cfg(target_os = "linux")]
fn ended_process() -> u32 {
    let mut child = Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

/// The tag of this machine in temporary names (eight hex digits of the
/// sha256 of its name).
#[cfg(target_os = "linux")]
fn host_tag() -> String {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    boardpack::pack::signoff::sha256(name.trim().as_bytes())[..8].to_string()
}

/// Regression (issue 26): a killed build left `.boardpack-*.tmp` files and
/// a killed sign-off hidden `.signing-*` folders that nobody reported. The
/// next build into that folder, and the next sign-off or archive command
/// on that archive, removes them and says so; those of a run still going
/// (here: this test's own process) are left alone.
#[cfg(target_os = "linux")]
#[test]
fn what_a_killed_run_left_is_removed_by_the_next_run() {
    let dir = with_workbook();
    let (gone, alive, host) = (ended_process(), std::process::id(), host_tag());
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let left = format!(".boardpack-{gone}-{host}-Ab12Cd.tmp");
    let going = format!(".boardpack-{alive}-{host}-Ef34Gh.tmp");
    std::fs::write(out_dir.join(&left), b"half a pdf").unwrap();
    std::fs::write(out_dir.join(&going), b"being written").unwrap();
    let out = boardpack(dir.path(), &["build", "w.xlsx", "-o", "out/w.pdf"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "removed out/{left}, left by an interrupted run of boardpack (process {gone} has ended)"
        )),
        "{stderr}"
    );
    assert!(!out_dir.join(&left).exists());
    assert!(
        out_dir.join(&going).exists(),
        "a live run's file was removed"
    );

    // A sign-off killed while archiving: its folder, read-only already.
    let out = common::sign_off(dir.path(), "w.xlsx", "2016-01-28", "arch", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let period = dir.path().join("arch/2015-12");
    let leave = |name: &str| {
        let folder = period.join(name);
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("w.pdf"), b"half a pack").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
        }
        name.to_string()
    };
    let live = leave(&format!(".signing-{alive}-{host}-Live01"));
    for command in [
        vec!["archive", "list", "--archive", "arch"],
        vec!["archive", "verify", "--archive", "arch"],
        vec![
            "sign-off",
            "w.xlsx",
            "--by",
            "J",
            "--role",
            "S",
            "--date",
            "2016-01-29",
        ],
    ] {
        let name = leave(&format!(".signing-{gone}-{host}-Dead01"));
        let mut args = command.clone();
        if command[0] == "sign-off" {
            args.extend(["--archive", "arch", "--reason", "again"]);
        }
        let out = boardpack(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "removed arch/2015-12/{name}, left by an interrupted run"
            )),
            "{args:?}: {stderr}"
        );
        assert!(!period.join(&name).exists(), "{args:?} left {name}");
    }
    assert!(
        period.join(&live).exists(),
        "a live sign-off's folder was removed"
    );
    assert!(period.join("v2").exists());
}
