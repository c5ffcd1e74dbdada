//! The analyst's path: init → check → build, custom layouts and their
//! errors, watch, help, completions and the manual page.

mod common;

use std::io::{BufRead, BufReader, Lines};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
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

/// `watch w.xlsx -o w.pdf` and `more` in `dir`, once its first PDF is
/// written; with the rest of its standard output, kept open while it runs.
fn spawn_watch(dir: &Path, more: &[&str]) -> (Child, Lines<BufReader<ChildStdout>>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .args(["watch", "w.xlsx", "-o", "w.pdf"])
        .args(more)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "w.pdf");
    (child, lines)
}

#[test]
fn watch_rebuilds_when_the_workbook_changes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("w.xlsx"), common::sample_bytes()).unwrap();
    let (mut child, _lines) = spawn_watch(dir.path(), &["--interval", "50", "--max-builds", "2"]);
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
        stderr.contains("Monthly!C37: expected a number")
            && stderr.contains("not built (")
            && stderr.contains("; w.pdf left as it was:"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(dir.path().join("w.pdf")).unwrap(), first);
}

/// `watch` on the sample in a temporary folder, stopping after two builds;
/// `save` changes the workbook once the first PDF is written. Returns
/// watch's standard error and the PDF then written.
fn watch_one_save(save: impl FnOnce(&Path)) -> (String, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("w.xlsx"), common::sample_bytes()).unwrap();
    let (mut child, _lines) = spawn_watch(dir.path(), &["--max-builds", "2"]);
    std::thread::sleep(Duration::from_millis(20));
    save(dir.path());
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("watch did not rebuild");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "{stderr}");
    (stderr, std::fs::read(dir.path().join("w.pdf")).unwrap())
}

/// Regression: a workbook written in place (not saved by rename) was read
/// half written and reported as "damaged or truncated" on every save.
#[test]
fn watch_waits_for_a_workbook_written_in_place_instead_of_calling_it_damaged() {
    let other = boardpack::support::sample::force_variant(2)
        .to_bytes()
        .unwrap();
    let (stderr, pdf) = watch_one_save(|dir| {
        use std::io::Write;
        let mut f = std::fs::File::create(dir.join("w.xlsx")).unwrap();
        let half = other.len() / 2;
        f.write_all(&other[..half]).unwrap();
        f.flush().unwrap();
        // A pause mid-write longer than the settling time: the half is read.
        std::thread::sleep(Duration::from_millis(120));
        f.write_all(&other[half..]).unwrap();
    });
    assert!(!stderr.contains("damaged"), "{stderr}");
    assert!(!stderr.contains("not built"), "{stderr}");
    assert_eq!(stderr.matches("rebuilt in").count(), 2, "{stderr}");
    // The rebuild says which printed figures changed: force 2's counts are
    // the sample's scaled, so every count's latest figure moved (eight
    // listed, the rest counted).
    assert!(
        stderr.contains("  changed: Reduction in the number of 10-17 year olds ")
            && stderr.contains("— Latest 12 months Jan–Dec 2015: 271 → ")
            && stderr.contains(", data restated: Jan–Dec 2015 +"),
        "{stderr}"
    );
    assert!(
        stderr.contains("more (boardpack diff lists them all)"),
        "{stderr}"
    );
    let text = common::pdf_text(&pdf);
    let expected = common::pdf_text(
        &boardpack::pipeline::build(&other, boardpack::render::document::RenderOptions::draft)
            .unwrap()
            .pdf,
    );
    assert_eq!(text, expected);
}

/// A save that renames the old file away and the new one in leaves a
/// moment without the workbook; it is not reported.
#[test]
fn watch_says_nothing_of_the_moment_without_the_workbook_in_a_save_by_renames() {
    let (stderr, _) = watch_one_save(|dir| {
        std::fs::rename(dir.join("w.xlsx"), dir.join("w.old")).unwrap();
        std::thread::sleep(Duration::from_millis(60));
        std::fs::write(dir.join("w.new"), common::sample_bytes()).unwrap();
        std::fs::rename(dir.join("w.new"), dir.join("w.xlsx")).unwrap();
        std::fs::remove_file(dir.join("w.old")).unwrap();
    });
    assert!(!stderr.contains("waiting for"), "{stderr}");
    assert_eq!(stderr.matches("rebuilt in").count(), 2, "{stderr}");
    // The same workbook saved again: nothing printed changed, and it says so.
    assert!(
        stderr.contains("\n  no printed figure changed\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("changed:"), "{stderr}");
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

/// Regression: ejecting again into a layout folder silently reset the
/// analyst's edited `main.typ` and `theme.json` to the built-in ones.
#[test]
fn ejecting_again_never_overwrites_an_edited_layout() {
    let dir = common::dir_with_sample("w.xlsx");
    let eject = |more: &[&str]| {
        let mut args = vec!["build", "w.xlsx", "-o", "w.pdf", "--emit-typst", "mine"];
        args.extend(more);
        boardpack(dir.path(), &args)
    };
    // Ejecting the same layout again is harmless: nothing of it changes.
    ok(&eject(&[]));
    ok(&eject(&[]));
    let main = dir.path().join("mine/main.typ");
    let edited = std::fs::read_to_string(&main).unwrap() + "\n// Lancashire's footer\n";
    std::fs::write(&main, &edited).unwrap();
    std::fs::remove_file(dir.path().join("w.pdf")).unwrap();
    let out = eject(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr
            .contains("mine holds a layout of its own (main.typ differs from the built-in layout)")
            && stderr.contains("add --layout mine"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&main).unwrap(), edited);
    assert!(
        !dir.path().join("w.pdf").exists(),
        "refused before building"
    );
    // With its own layout, the folder's data is refreshed and the edit kept.
    std::fs::remove_file(dir.path().join("mine/records.json")).unwrap();
    ok(&eject(&["--layout", "mine"]));
    assert_eq!(std::fs::read_to_string(&main).unwrap(), edited);
    assert!(dir.path().join("mine/records.json").exists());
}

/// Regression: `watch` with a layout folder took its own listing of the
/// folder (an "opened" event) for a change and looked again hundreds of
/// times a second: a whole core busy while nothing changed.
#[cfg(target_os = "linux")]
#[test]
fn watch_with_a_layout_folder_sits_idle_between_saves() {
    let dir = common::dir_with_sample("w.xlsx");
    ok(&boardpack(
        dir.path(),
        &["build", "w.xlsx", "-o", "w.pdf", "--emit-typst", "mine"],
    ));
    let (mut child, _lines) = spawn_watch(dir.path(), &["--layout", "mine"]);
    // CPU time (user + system, in clock ticks of 1/100 s) of the process.
    let cpu = || -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", child.id())).unwrap();
        // Fields after the command name (which is in parentheses).
        let fields: Vec<&str> = stat
            .rsplit(')')
            .next()
            .unwrap()
            .split_whitespace()
            .collect();
        fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
    };
    std::thread::sleep(Duration::from_millis(300));
    let before = cpu();
    std::thread::sleep(Duration::from_secs(1));
    let used = cpu() - before;
    let _ = child.kill();
    let _ = child.wait();
    assert!(used <= 10, "watch used {used}/100 s of CPU in 1 s idle");
}
