//! Regression tests for the archive's integrity and the sign-off guards
//! (issue 15, items 4, 9 and 10; issue 17's date guards): a forged
//! manifest, a deleted or replaced version, a forged list row, version
//! numbers that would wrap, dates out of range — each found or refused,
//! none panicking.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use boardpack::pack::archive::Manifest;

use common::run as boardpack;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A folder with the sample workbook and an archive of `n` versions of
/// 2015-12; returns the folder and the version folders.
fn archive_of(n: usize) -> (common::Scratch, Vec<PathBuf>) {
    let dir = common::Scratch::new();
    std::fs::write(dir.path().join("w.xlsx"), common::sample_bytes()).unwrap();
    let mut versions = Vec::new();
    for v in 1..=n {
        let date = format!("2016-01-{:02}", 20 + v);
        let reason = format!("correction {v}");
        let mut args = vec![
            "sign-off",
            "w.xlsx",
            "--by",
            "Jane Smith",
            "--role",
            "Secretary",
        ];
        args.extend(["--date", &date, "--archive", "archive"]);
        if v > 1 {
            args.extend(["--reason", &reason]);
        }
        let out = boardpack(dir.path(), &args);
        assert!(out.status.success(), "{}", stderr(&out));
        versions.push(dir.path().join(format!("archive/2015-12/v{v}")));
    }
    (dir, versions)
}

fn archive_verify(dir: &Path) -> Output {
    boardpack(dir, &["archive", "verify", "--archive", "archive"])
}

/// Sign-off makes an archive read-only: a test gives back the write bits
/// before it tampers with one.
fn tamper(dir: &Path) {
    common::writable(&dir.join("archive"));
}

fn edit_manifest(version: &Path, edit: impl FnOnce(&mut Manifest)) {
    common::writable(version);
    let path = version.join("manifest.json");
    let mut m: Manifest = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut m);
    std::fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
}

#[test]
fn a_whole_archive_verifies_and_each_manifest_chains_to_the_previous() {
    let (dir, versions) = archive_of(2);
    let out = archive_verify(dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("holds 2 versions"));
    let v1 = std::fs::read(versions[0].join("manifest.json")).unwrap();
    let v2: Manifest =
        serde_json::from_slice(&std::fs::read(versions[1].join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        v2.previous_manifest_sha256.as_deref(),
        Some(boardpack::pack::signoff::sha256(&v1).as_str())
    );
}

#[test]
fn an_edited_signer_in_the_manifest_no_longer_verifies() {
    let (dir, versions) = archive_of(1);
    edit_manifest(&versions[0], |m| m.signed_off_by = "Someone Else".into());
    let out = boardpack(dir.path(), &["verify", "archive/2015-12/v1/w.pdf"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "its signed_off_by is \"Someone Else\", the pack's sign-off record says \"Jane Smith\""
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn every_manifest_field_is_checked_against_the_pack() {
    let (dir, versions) = archive_of(1);
    type Edit = Box<dyn Fn(&mut Manifest)>;
    let edits: Vec<(&str, Edit)> = vec![
        ("role", Box::new(|m| m.role = "Chair".into())),
        (
            "date",
            Box::new(|m| m.date = chrono::NaiveDate::from_ymd_opt(2016, 2, 1).unwrap()),
        ),
        ("reason", Box::new(|m| m.reason = Some("forged".into()))),
        ("period", Box::new(|m| m.period = "2016-03".into())),
    ];
    let original = std::fs::read(versions[0].join("manifest.json")).unwrap();
    tamper(dir.path());
    for (field, edit) in edits {
        std::fs::write(versions[0].join("manifest.json"), &original).unwrap();
        edit_manifest(&versions[0], edit);
        let out = boardpack(dir.path(), &["verify", "archive/2015-12/v1/w.pdf"]);
        assert_eq!(out.status.code(), Some(1), "{field}");
        assert!(
            stderr(&out).contains(&format!("its {field} is")),
            "{field}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn an_edited_version_number_is_found_by_archive_verify() {
    let (dir, versions) = archive_of(1);
    edit_manifest(&versions[0], |m| m.version = 7);
    let out = archive_verify(dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("2015-12 v1: the manifest says 2015-12 v7"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_deleted_manifest_is_found_not_silently_dropped() {
    let (dir, versions) = archive_of(2);
    tamper(dir.path());
    std::fs::remove_file(versions[0].join("manifest.json")).unwrap();
    let out = archive_verify(dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("2015-12 v1: no manifest.json"),
        "{}",
        stderr(&out)
    );
    let list = boardpack(dir.path(), &["archive", "list", "--archive", "archive"]);
    assert!(
        stderr(&list).contains("the archive is not whole"),
        "{}",
        stderr(&list)
    );
}

#[test]
fn a_deleted_version_is_found() {
    let (dir, versions) = archive_of(3);
    tamper(dir.path());
    std::fs::remove_dir_all(&versions[1]).unwrap();
    let out = archive_verify(dir.path());
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(e.contains("v2 is missing"), "{e}");
    assert!(
        e.contains("2015-12 v3: the manifest does not hold the hash of the previous"),
        "{e}"
    );
}

#[test]
fn a_replaced_earlier_version_is_found() {
    let (dir, versions) = archive_of(2);
    // v1 re-signed by someone else and put in v1's place.
    edit_manifest(&versions[0], |m| m.reason = Some("x".into()));
    let e = stderr(&archive_verify(dir.path()));
    assert!(
        e.contains("2015-12 v2: the manifest does not hold the hash"),
        "{e}"
    );
}

#[test]
fn reordered_versions_are_found() {
    let (dir, versions) = archive_of(2);
    tamper(dir.path());
    let tmp = versions[0].with_file_name("swap");
    std::fs::rename(&versions[0], &tmp).unwrap();
    std::fs::rename(&versions[1], &versions[0]).unwrap();
    std::fs::rename(&tmp, &versions[1]).unwrap();
    let e = stderr(&archive_verify(dir.path()));
    assert!(
        e.contains("2015-12 v1: the manifest says 2015-12 v2"),
        "{e}"
    );
    assert!(
        e.contains("2015-12 v1: the manifest names a previous version"),
        "{e}"
    );
}

#[test]
fn a_newline_in_by_cannot_forge_a_row_of_the_list() {
    let (dir, _) = archive_of(0);
    let out = boardpack(
        dir.path(),
        &[
            "sign-off",
            "w.xlsx",
            "--by",
            "Jane\n2015-12 v9 Forged",
            "--role",
            "Secretary",
            "--date",
            "2016-01-28",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--by holds a control character (U+000A)"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("archive").exists());
}

#[test]
fn a_version_folder_at_the_largest_number_is_an_error_not_a_wrap() {
    let (dir, _) = archive_of(0);
    std::fs::create_dir_all(dir.path().join("archive/2015-12/v4294967295")).unwrap();
    let out = boardpack(
        dir.path(),
        &[
            "sign-off",
            "w.xlsx",
            "--by",
            "J",
            "--role",
            "S",
            "--date",
            "2016-01-28",
            "--reason",
            "r",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the largest number a version can have"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("archive/2015-12/v0").exists());
}

/// A sign-off date may be written day first, as the workbook's dates may.
#[test]
fn a_sign_off_date_written_day_first_is_read_day_first() {
    let (dir, _) = archive_of(0);
    let out = common::sign_off(dir.path(), "w.xlsx", "28/01/2016", "archive", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let m: Manifest = serde_json::from_slice(
        &std::fs::read(dir.path().join("archive/2015-12/v1/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(m.date.to_string(), "2016-01-28");
}

#[test]
fn sign_off_dates_out_of_range_are_usage_errors() {
    let (dir, _) = archive_of(0);
    for (date, says) in [
        ("+10000-01-01", "outside the years 1900 to 9999"),
        ("0000-01-01", "outside the years 1900 to 9999"),
        (
            "28/13/2016",
            "is not a date in the form YYYY-MM-DD (or DD/MM/YYYY)",
        ),
        ("Jan 2016", "names a month, not a day: give the day"),
        ("2015-12-30", "is before the period ends (2015-12-31)"),
        ("9999-12-31", "is after today"),
    ] {
        let out = boardpack(
            dir.path(),
            &[
                "sign-off", "w.xlsx", "--by", "J", "--role", "S", "--date", date,
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{date}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{date}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{date}");
    }
    assert!(!dir.path().join("archive").exists());
}

#[test]
fn verify_of_a_pack_dated_past_9999_is_an_error_not_a_panic() {
    use boardpack::pack::signoff::{build_final, SignOff};
    let mut s = SignOff::new(
        "J",
        "S",
        chrono::NaiveDate::from_ymd_opt(2016, 1, 28).unwrap(),
        None,
        "w.xlsx",
    );
    s.date = chrono::NaiveDate::from_ymd_opt(10000, 1, 1).unwrap();
    let Err(e) = build_final(&common::sample_bytes(), &s) else {
        panic!("a date past 9999 was accepted")
    };
    assert!(e.to_string().contains("outside the years 1 to 9999"), "{e}");
}

#[test]
fn archive_list_marks_the_current_version_aligned_and_as_json() {
    let (dir, _) = archive_of(2);
    let out = boardpack(dir.path(), &["archive", "list", "--archive", "archive"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    // A heading, and per version its row and its PDF's path.
    assert_eq!(lines.len(), 5, "{text}");
    assert!(
        lines[1].contains("v1 ") && !lines[1].contains("(current)"),
        "{text}"
    );
    assert!(
        lines[3].contains("v2 (current)") && lines[3].contains("correction 2"),
        "{text}"
    );
    assert!(
        lines[4].starts_with("  archive/2015-12/v2/w.pdf (sha256 "),
        "{text}"
    );
    // Columns line up: the reason starts at the same place on every row.
    let at: Vec<usize> = [lines[0], lines[1], lines[3]]
        .iter()
        .map(|l| {
            l.find("correction")
                .or_else(|| l.find("REASON"))
                .or_else(|| l.rfind(" -").map(|i| i + 1))
                .unwrap()
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] == w[1]), "{text}");

    let out = boardpack(
        dir.path(),
        &["archive", "list", "--archive", "archive", "--json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[1]["version"], 2);
    assert_eq!(v[1]["current"], true);
    assert_eq!(v[0]["current"], false);
    assert_eq!(v[1]["reason"], "correction 2");
}

#[test]
fn verify_of_a_pack_with_a_huge_deflated_attachment_is_refused_with_bounded_memory() {
    use std::io::Write;
    let (dir, versions) = archive_of(1);
    tamper(dir.path());
    let pdf_path = versions[0].join("w.pdf");
    let mut doc = lopdf::Document::load(&pdf_path).unwrap();
    // 300 MiB of zeros deflate to about 300 KiB.
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let block = vec![0u8; 1 << 20];
    for _ in 0..300 {
        z.write_all(&block).unwrap();
    }
    let bomb = z.finish().unwrap();
    let mut replaced = 0;
    for object in doc.objects.values_mut() {
        if let Ok(stream) = object.as_stream_mut() {
            if stream.dict.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"EmbeddedFile") {
                stream.set_content(bomb.clone());
                stream
                    .dict
                    .set("Filter", lopdf::Object::Name(b"FlateDecode".to_vec()));
                replaced += 1;
            }
        }
    }
    assert!(replaced > 0);
    doc.save(&pdf_path).unwrap();
    let out = boardpack(dir.path(), &["verify", "archive/2015-12/v1/w.pdf"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("inflates to more than"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn sign_off_archives_the_html_page_and_verify_checks_its_hash() {
    let (dir, versions) = archive_of(1);
    let html = versions[0].join("w.html");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("Signed off by Jane Smith, Secretary, on 21 January 2016."));
    assert!(!page.contains("class=\"draft\""));
    let m: Manifest =
        serde_json::from_slice(&std::fs::read(versions[0].join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m.html.as_deref(), Some("w.html"));
    assert_eq!(
        m.html_sha256.as_deref(),
        Some(boardpack::pack::signoff::sha256(page.as_bytes()).as_str())
    );
    tamper(dir.path());
    std::fs::write(&html, page.replace("Jane Smith", "Someone Else")).unwrap();
    let out = boardpack(dir.path(), &["verify", "archive/2015-12/v1/w.pdf"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the HTML page w.html was changed"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&archive_verify(dir.path())).contains("the HTML page w.html was changed"));
}

/// Regression: a mistyped archive path (or a drive not connected) was taken
/// for an empty archive — `archive verify` said "verified", `build
/// --archive` left the changes out without a word.
#[test]
fn an_archive_that_is_not_there_is_an_error_not_an_empty_archive() {
    let (dir, _) = archive_of(1);
    let says = "there is no archive at archve (no such folder)";
    for args in [
        &["archive", "verify", "--archive", "archve"][..],
        &["archive", "list", "--archive", "archve"],
        &["archive", "list", "--archive", "archve", "--json"],
        &["build", "w.xlsx", "--archive", "archve", "-o", "w.pdf"],
    ] {
        let out = boardpack(dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("verified"), "{args:?}");
    }
    assert!(!dir.path().join("w.pdf").exists());
    assert!(!dir.path().join("archve").exists());
    // Signing off into a folder not there starts an archive, and says so.
    let out = common::sign_off(dir.path(), "w.xlsx", "2016-01-28", "archve", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("note: archve was not there, so this sign-off started a new archive"),
        "{}",
        stderr(&out)
    );
    // Into the existing archive, no such note.
    let out = common::sign_off(
        dir.path(),
        "w.xlsx",
        "2016-01-29",
        "archive",
        &["--reason", "r"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("note:"), "{}", stderr(&out));
}

/// Regression: a new version could be dated before the one it replaces,
/// and the pack then read "signed off on 5 January 2016 … supersedes
/// version 2 of 10 February 2016".
#[test]
fn a_new_version_dated_before_the_one_it_replaces_is_refused() {
    let (dir, versions) = archive_of(2);
    // v2 was signed off on 2016-01-22.
    let out = common::sign_off(
        dir.path(),
        "w.xlsx",
        "2016-01-21",
        "archive",
        &["--reason", "backdated"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "--date 2016-01-21 is before v2 of 2015-12 was signed off (2016-01-22): a new version is signed off on or after the one it replaces"
        ),
        "{}",
        stderr(&out)
    );
    assert!(!versions[1].with_file_name("v3").exists());
    // The same day as the version it replaces is fine.
    let out = common::sign_off(
        dir.path(),
        "w.xlsx",
        "2016-01-22",
        "archive",
        &["--reason", "same day"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

/// The hint after a damaged archive's list names the archive listed, so
/// that the command it gives checks that archive, not the default one.
#[test]
fn the_list_hint_names_the_archive_it_found_damaged() {
    let (dir, versions) = archive_of(2);
    tamper(dir.path());
    std::fs::rename(dir.path().join("archive"), dir.path().join("arch-t")).unwrap();
    let v1 = dir.path().join("arch-t").join(
        versions[0]
            .strip_prefix(dir.path().join("archive"))
            .unwrap(),
    );
    std::fs::remove_file(v1.join("w.pdf")).unwrap();
    let out = boardpack(dir.path(), &["archive", "list", "--archive", "arch-t"]);
    assert!(
        stderr(&out).contains("run `boardpack archive verify --archive arch-t` to see them"),
        "{}",
        stderr(&out)
    );
}

// Issue 26: the chain covers the whole archive. One real archive of two
// periods and five versions is built once; each test tampers with a copy.

/// The reason of 2015-12 v3: longer than a line of `archive list`.
const LONG_REASON: &str = "the board asked for the SP17 figures to be restated after the force found that two months of data had been entered twice by the records team";

/// A real archive, built once: 2015-12 v1, v2 and v3 (v3 in the layout
/// folder `brand`, with a long reason) and 2016-03 v1 and v2, with the
/// workbooks beside it.
fn base() -> &'static Path {
    use std::sync::OnceLock;
    static BASE: OnceLock<tempfile::TempDir> = OnceLock::new();
    BASE.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("archive-base-")
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .unwrap();
        let at = dir.path();
        std::fs::write(at.join("w.xlsx"), common::sample_bytes()).unwrap();
        let december = boardpack::input::Workbook::from_bytes(&common::sample_bytes()).unwrap();
        let march = chrono::NaiveDate::from_ymd_opt(2016, 3, 31).unwrap();
        let book =
            boardpack::support::next::next(&common::sample_bytes(), &december.workbook, march)
                .unwrap();
        std::fs::write(at.join("m.xlsx"), book.to_bytes().unwrap()).unwrap();
        let ok = |out: Output| assert!(out.status.success(), "{}", stderr(&out));
        ok(boardpack(
            at,
            &[
                "build",
                "w.xlsx",
                "-o",
                "draft.pdf",
                "--emit-typst",
                "brand",
            ],
        ));
        let signings: [(&str, &str, &[&str]); 5] = [
            ("w.xlsx", "2016-01-21", &[]),
            ("w.xlsx", "2016-01-22", &["--reason", "correction 2"]),
            (
                "w.xlsx",
                "2016-01-23",
                &["--reason", LONG_REASON, "--layout", "brand"],
            ),
            ("m.xlsx", "2016-04-20", &["--accept-warnings"]),
            (
                "m.xlsx",
                "2016-04-21",
                &["--accept-warnings", "--reason", "correction"],
            ),
        ];
        for (workbook, date, more) in signings {
            ok(common::sign_off(at, workbook, date, "archive", more));
        }
        dir
    })
    .path()
}

/// A writable copy of the base archive (and its workbooks) to tamper with.
fn copy() -> common::Scratch {
    let dir = common::Scratch::new();
    common::copy_tree(base(), dir.path());
    dir
}

/// `archive verify` of a tampered archive: it fails; what it says.
fn findings(dir: &Path) -> String {
    let out = archive_verify(dir);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    stderr(&out)
}

fn log_lines(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("archive").join(boardpack::pack::archive::LOG))
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

fn write_log(dir: &Path, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(
        dir.join("archive").join(boardpack::pack::archive::LOG),
        text,
    )
    .unwrap();
}

#[test]
fn the_archive_verifies_and_its_log_lists_every_version_in_order() {
    let out = archive_verify(base());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("holds 5 versions"));
    let entries: Vec<boardpack::pack::archive::LogEntry> = log_lines(base())
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let order: Vec<String> = entries
        .iter()
        .map(|e| format!("{} v{}", e.period, e.version))
        .collect();
    assert_eq!(
        order,
        [
            "2015-12 v1",
            "2015-12 v2",
            "2015-12 v3",
            "2016-03 v1",
            "2016-03 v2"
        ]
    );
    assert_eq!(entries[0].previous_sha256, None);
    let lines = log_lines(base());
    for (i, e) in entries.iter().enumerate().skip(1) {
        assert_eq!(
            e.previous_sha256.as_deref(),
            Some(boardpack::pack::signoff::sha256(lines[i - 1].as_bytes()).as_str())
        );
    }
    let manifest = std::fs::read(base().join("archive/2016-03/v2/manifest.json")).unwrap();
    assert_eq!(
        entries[4].manifest_sha256,
        boardpack::pack::signoff::sha256(&manifest)
    );
}

/// Regression: deleting the latest version, or a whole period, left an
/// archive that "verified".
#[test]
fn deleting_the_latest_version_or_a_whole_period_is_found() {
    let dir = copy();
    std::fs::remove_dir_all(dir.path().join("archive/2015-12/v3")).unwrap();
    let e = findings(dir.path());
    assert!(
        e.contains("2015-12 v3: archive-log.jsonl line 3 archived it, but its folder is missing"),
        "{e}"
    );

    let dir = copy();
    std::fs::remove_dir_all(dir.path().join("archive/2016-03")).unwrap();
    let e = findings(dir.path());
    for v in [
        "2016-03 v1: archive-log.jsonl line 4",
        "2016-03 v2: archive-log.jsonl line 5",
    ] {
        assert!(
            e.contains(&format!("{v} archived it, but its folder is missing")),
            "{e}"
        );
    }
}

/// Regression: the archived HTML page deleted with its manifest's fields
/// "verified".
#[test]
fn a_deleted_html_page_with_its_manifest_fields_is_found() {
    let dir = copy();
    let v2 = dir.path().join("archive/2016-03/v2");
    std::fs::remove_file(v2.join("m.html")).unwrap();
    edit_manifest(&v2, |m| {
        m.html = None;
        m.html_sha256 = None;
    });
    let e = findings(dir.path());
    assert!(
        e.contains("2016-03 v2: manifest.json is not the one archived: its sha256 differs from the one archive-log.jsonl line 5 recorded"),
        "{e}"
    );
    // The page deleted alone is found too.
    let dir = copy();
    std::fs::remove_file(dir.path().join("archive/2016-03/v2/m.html")).unwrap();
    let e = findings(dir.path());
    assert!(
        e.contains("2016-03 v2: cannot read the HTML page m.html"),
        "{e}"
    );
}

/// Regression: a manifest whose `pdf` pointed outside the archive was
/// followed (`archive verify` opened `/etc/passwd`), and a good copy put
/// there "verified".
#[test]
fn a_manifest_naming_a_file_outside_its_folder_is_refused_before_it_is_opened() {
    for name in ["../../x.pdf", "/etc/passwd", "..", "sub/w.pdf"] {
        let dir = copy();
        let v3 = dir.path().join("archive/2015-12/v3");
        // The pack itself, where the manifest now points.
        std::fs::copy(v3.join("w.pdf"), dir.path().join("archive/x.pdf")).unwrap();
        std::fs::remove_file(v3.join("w.pdf")).unwrap();
        edit_manifest(&v3, |m| m.pdf = name.into());
        let e = findings(dir.path());
        assert!(
            e.contains(&format!(
                "2015-12 v3: the manifest names the PDF {name:?}, which is not a file of its own version folder"
            )),
            "{name}: {e}"
        );
        assert!(!e.contains("root:"), "{name}: {e}");
    }
    let dir = copy();
    edit_manifest(&dir.path().join("archive/2016-03/v1"), |m| {
        m.html = Some("../../../elsewhere/m.html".into())
    });
    let e = findings(dir.path());
    assert!(
        e.contains("2016-03 v1: the manifest names the HTML page \"../../../elsewhere/m.html\", which is not a file of its own version folder"),
        "{e}"
    );
}

/// The PDF renamed, its manifest edited to match: the manifest is not the
/// one archived, and not the names sign-off gives the workbook's pack.
#[test]
fn a_renamed_pdf_with_its_manifest_edited_is_found() {
    let dir = copy();
    let v2 = dir.path().join("archive/2016-03/v2");
    common::writable(&v2);
    std::fs::rename(v2.join("m.pdf"), v2.join("approved.pdf")).unwrap();
    edit_manifest(&v2, |m| m.pdf = "approved.pdf".into());
    let e = findings(dir.path());
    assert!(
        e.contains("2016-03 v2: the manifest was changed: its pdf is \"approved.pdf\", but sign-off names the PDF of the workbook its sign-off record names (\"m.xlsx\") \"m.pdf\""),
        "{e}"
    );
    assert!(
        e.contains("2016-03 v2: manifest.json is not the one archived"),
        "{e}"
    );
}

/// Regression: a version folder, or its PDF, replaced by a link to a copy
/// elsewhere "verified".
#[test]
#[cfg(unix)]
fn a_version_folder_or_pdf_replaced_by_a_link_is_found() {
    let dir = copy();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::rename(dir.path().join("archive/2015-12/v2"), &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.path().join("archive/2015-12/v2")).unwrap();
    let e = findings(dir.path());
    assert!(
        e.contains("2015-12 v2: its folder is a symbolic link (to "),
        "{e}"
    );

    let dir = copy();
    let v1 = dir.path().join("archive/2016-03/v1");
    std::fs::rename(v1.join("m.pdf"), dir.path().join("m-copy.pdf")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("m-copy.pdf"), v1.join("m.pdf")).unwrap();
    let e = findings(dir.path());
    assert!(
        e.contains("2016-03 v1: m.pdf is a symbolic link (to "),
        "{e}"
    );
    // verify of the pack through the link says so too.
    let out = boardpack(dir.path(), &["verify", "archive/2016-03/v1/m.pdf"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("2016-03/v1/m.pdf is a symbolic link"),
        "{}",
        stderr(&out)
    );
}

/// Regression: v2 copied as v3, its manifest edited to say v3 and chained
/// to v2, "verified".
#[test]
fn a_version_copied_as_the_next_with_its_manifest_edited_is_found() {
    let dir = copy();
    let period = dir.path().join("archive/2016-03");
    common::copy_tree(&period.join("v2"), &period.join("v3"));
    let v2 = std::fs::read(period.join("v2/manifest.json")).unwrap();
    edit_manifest(&period.join("v3"), |m| {
        m.version = 3;
        m.previous_manifest_sha256 = Some(boardpack::pack::signoff::sha256(&v2));
    });
    let e = findings(dir.path());
    assert!(
        e.contains("2016-03 v3: a version folder the archive's log does not list"),
        "{e}"
    );
    assert!(
        e.contains("2016-03 v3: the manifest was changed: its version is \"3\", the pack's sign-off record says \"2\""),
        "{e}"
    );
}

/// A line of the log removed, two swapped, one duplicated or one inserted:
/// each is found, naming the line and the version.
#[test]
fn log_lines_removed_reordered_duplicated_or_inserted_are_found() {
    let lines = log_lines(base());
    let forged = lines[2].replace("\"version\":3", "\"version\":4");
    type Edit = fn(&mut Vec<String>, &str);
    let cases: [(&str, Edit, &[&str]); 4] = [
        (
            "removed",
            |l, _| {
                l.remove(1);
            },
            &[
                "2015-12 v3: archive-log.jsonl line 2 does not hold the hash of line 1",
                "2015-12 v3: archive-log.jsonl line 2 archives it, but the period's next version was v2",
                "2015-12 v2: a version folder the archive's log does not list",
            ],
        ),
        (
            "reordered",
            |l, _| l.swap(1, 2),
            &[
                "2015-12 v3: archive-log.jsonl line 2 does not hold the hash of line 1",
                "2015-12 v2: archive-log.jsonl line 3 does not hold the hash of line 2",
            ],
        ),
        (
            "duplicated",
            |l, _| {
                let d = l[3].clone();
                l.insert(4, d);
            },
            &[
                "2016-03 v1: archive-log.jsonl line 5 does not hold the hash of line 4",
                "2016-03 v1: archive-log.jsonl line 5 archives it again (line 4 did): a line was duplicated",
            ],
        ),
        (
            "inserted",
            |l, forged| l.insert(3, forged.to_string()),
            &[
                "2015-12 v4: archive-log.jsonl line 4 does not hold the hash of line 3",
                "2015-12 v4: archive-log.jsonl line 4 archived it, but its folder is missing",
                "2016-03 v1: archive-log.jsonl line 5 does not hold the hash of line 4",
            ],
        ),
    ];
    for (what, edit, says) in cases {
        let dir = copy();
        let mut l = lines.clone();
        edit(&mut l, &forged);
        write_log(dir.path(), &l);
        let e = findings(dir.path());
        for s in says {
            assert!(e.contains(s), "{what}: {s}\n{e}");
        }
    }
    // The log deleted: every manifest says its version was logged; a
    // sign-off does not start a new log over them.
    let dir = copy();
    std::fs::remove_file(dir.path().join("archive/archive-log.jsonl")).unwrap();
    let e = findings(dir.path());
    assert!(
        e.contains("archive-log.jsonl is missing, but 2015-12 v1 was entered in it when archived: the log was deleted"),
        "{e}"
    );
    let out = common::sign_off(
        dir.path(),
        "m.xlsx",
        "2016-04-22",
        "archive",
        &["--accept-warnings", "--reason", "r"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("the log was deleted, and a new one would vouch for whatever is there now"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("archive/2016-03/v3").exists());
    assert!(!dir.path().join("archive/archive-log.jsonl").exists());
}

/// Regression: `verify PDF` said a pack "matches its manifest" when the
/// manifest's version was changed.
#[test]
fn verify_pdf_finds_a_manifest_whose_version_was_changed() {
    let dir = copy();
    edit_manifest(&dir.path().join("archive/2015-12/v2"), |m| m.version = 3);
    let out = boardpack(dir.path(), &["verify", "archive/2015-12/v2/w.pdf"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let e = stderr(&out);
    assert!(
        e.contains("its version is \"3\", the pack's sign-off record says \"2\""),
        "{e}"
    );
    assert!(
        e.contains("but its manifest says 2015-12 v3 (w.pdf)"),
        "{e}"
    );
    assert!(
        e.contains("its manifest.json is not the one archived"),
        "{e}"
    );
    // Its manifest deleted: verify PDF says so.
    std::fs::remove_file(dir.path().join("archive/2015-12/v2/manifest.json")).unwrap();
    let out = boardpack(dir.path(), &["verify", "archive/2015-12/v2/w.pdf"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("but has no manifest.json beside it"),
        "{}",
        stderr(&out)
    );
    // Untouched, it verifies, and says where it is in the archive.
    let out = boardpack(base(), &["verify", "archive/2015-12/v2/w.pdf"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("it is 2015-12 v2 of the archive"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Regression: a workbook named with any character outside ASCII signed
/// off, then its untouched pack failed to verify ("the workbook … is not
/// attached": the attachment's UTF-16 name was read as UTF-8).
#[test]
fn workbooks_named_in_any_script_sign_off_and_verify() {
    let dir = common::Scratch::new();
    let names = [
        "café – 2015-12.xlsx",
        "Πίνακας ελέγχου 2015-12.xlsx",
        "仪表板 2015-12.xlsx",
        "📊 board pack 2015-12.xlsx",
    ];
    for (i, name) in names.iter().enumerate() {
        std::fs::write(dir.path().join(name), common::sample_bytes()).unwrap();
        let date = format!("2016-01-{}", 21 + i);
        let more: &[&str] = if i == 0 {
            &[]
        } else {
            &["--reason", "renamed"]
        };
        let out = common::sign_off(dir.path(), name, &date, "archive", more);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let pdf = format!(
            "archive/2015-12/v{}/{}.pdf",
            i + 1,
            name.trim_end_matches(".xlsx")
        );
        let bytes = std::fs::read(dir.path().join(&pdf)).unwrap();
        let attached: Vec<String> = boardpack::pack::verify::attachments(&bytes)
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert!(attached.contains(&name.to_string()), "{name}: {attached:?}");
        let out = boardpack(dir.path(), &["verify", &pdf]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
    }
    let out = archive_verify(dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Archived files are read-only once their version is complete: files
/// 0444, version folders 0555, the log 0444; the period folder and the
/// archive's root stay writable for later versions and the log.
#[test]
#[cfg(unix)]
fn archived_files_and_version_folders_are_read_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let archive = base().join("archive");
    for v in ["2015-12/v1", "2015-12/v3", "2016-03/v2"] {
        let dir = archive.join(v);
        assert_eq!(mode(&dir), 0o555, "{v}");
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            assert_eq!(mode(&file), 0o444, "{}", file.display());
        }
    }
    assert_eq!(mode(&archive.join("archive-log.jsonl")), 0o444);
    assert_ne!(mode(&archive.join("2015-12")) & 0o200, 0);
    assert_ne!(mode(&archive) & 0o200, 0);
    // Where permissions bind (not for root), a write is refused.
    let pdf = archive.join("2015-12/v1/w.pdf");
    if std::fs::OpenOptions::new().append(true).open(&pdf).is_err() {
        assert!(std::fs::write(archive.join("2015-12/v1/extra.txt"), b"x").is_err());
    }
}

/// `archive withdraw` marks a version withdrawn: it stays, `archive list`
/// marks it (and the next version current), its pack verifies and says so.
#[test]
fn a_withdrawn_version_stays_listed_withdrawn_and_its_pack_verifies_saying_so() {
    let dir = copy();
    let reason = "signed off in error: the board had not approved the restated figures, which it will consider again in March";
    let out = boardpack(
        dir.path(),
        &[
            "archive",
            "withdraw",
            "2016-03",
            "v2",
            "--reason",
            reason,
            "--archive",
            "archive",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("archive/2016-03/v2/m.pdf").exists());
    let out = boardpack(dir.path(), &["verify", "archive/2016-03/v2/m.pdf"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        said.contains("withdrawn: 2016-03 v2 was withdrawn on "),
        "{said}"
    );
    assert!(said.contains(reason), "{said}");

    let out = boardpack(dir.path(), &["archive", "list", "--archive", "archive"]);
    let list = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(list.contains("v2 (withdrawn)"), "{list}");
    assert!(list.contains("v1 (current)"), "{list}");
    assert!(list.contains("withdrawn on "), "{list}");
    assert!(list.lines().all(|l| l.chars().count() <= 100), "{list}");
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));

    let out = archive_verify(dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let out = boardpack(
        dir.path(),
        &["archive", "list", "--archive", "archive", "--json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[4]["withdrawn"]["reason"], reason);
    assert_eq!(v[4]["current"], false);
    assert_eq!(v[3]["current"], true);

    // The changes of a later pack are against the latest version not
    // withdrawn.
    let archive = dir.path().join("archive");
    let before = boardpack::pack::archive::previous(&archive, "2016-06").unwrap();
    assert_eq!(
        before.map(|p| (p.period, p.version)),
        Some(("2016-03".into(), 1))
    );

    // Withdrawn again, or a version not archived: refused.
    for (version, says) in [
        ("v2", "2016-03 v2 was withdrawn already, on "),
        (
            "v9",
            "2016-03 v9 is not in the archive's log, so it cannot be withdrawn",
        ),
    ] {
        let out = boardpack(
            dir.path(),
            &[
                "archive",
                "withdraw",
                "2016-03",
                version,
                "--reason",
                "again",
                "--archive",
                "archive",
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{version}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{version}: {}", stderr(&out));
    }
    let out = boardpack(
        dir.path(),
        &[
            "archive",
            "withdraw",
            "2016-03",
            "v1",
            "--reason",
            " ",
            "--archive",
            "archive",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// Regression: `archive list` showed the layout as a hash, and a long
/// reason ran its line past 300 characters.
#[test]
fn archive_list_names_the_layout_and_wraps_long_reasons() {
    let out = boardpack(base(), &["archive", "list", "--archive", "archive"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let list = String::from_utf8_lossy(&out.stdout).into_owned();
    let row = |v: &str| {
        list.lines()
            .find(|l| l.starts_with("2015-12") && l.contains(v))
            .unwrap_or_else(|| panic!("{v}: {list}"))
            .to_string()
    };
    assert!(row("v1 ").contains("built-in"), "{list}");
    assert!(row("v3 (current)").contains("brand"), "{list}");
    assert!(list.lines().all(|l| l.chars().count() <= 100), "{list}");
    // The reason is all there, wrapped at spaces.
    let words: String = list.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains(&LONG_REASON[..60]), "{list}");
    assert!(list.contains("twice by the records team"), "{list}");
}

/// An archive made before the log: `archive verify` says so (exit 0); the
/// next sign-off enters its versions in a new log, in order, and says so.
#[test]
fn an_archive_made_before_the_log_is_entered_in_it_by_the_next_sign_off() {
    let dir = copy();
    let archive = dir.path().join("archive");
    std::fs::remove_file(archive.join("archive-log.jsonl")).unwrap();
    // The manifests as written before the log: not marked logged, chained.
    for period in ["2015-12", "2016-03"] {
        let mut previous: Option<Vec<u8>> = None;
        for v in 1..=if period == "2015-12" { 3 } else { 2 } {
            let folder = archive.join(period).join(format!("v{v}"));
            edit_manifest(&folder, |m| {
                m.logged = false;
                m.previous_manifest_sha256 =
                    previous.as_deref().map(boardpack::pack::signoff::sha256);
            });
            previous = Some(std::fs::read(folder.join("manifest.json")).unwrap());
        }
    }
    let out = archive_verify(dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "note: the archive has no archive-log.jsonl: it was made before boardpack kept one"
        ),
        "{}",
        stderr(&out)
    );
    let out = common::sign_off(
        dir.path(),
        "m.xlsx",
        "2016-04-22",
        "archive",
        &["--accept-warnings", "--reason", "after the log"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the 5 versions there (2015-12 v1, 2015-12 v2, 2015-12 v3, 2016-03 v1, 2016-03 v2) were entered in a new log"),
        "{}",
        stderr(&out)
    );
    let lines = log_lines(dir.path());
    assert_eq!(lines.len(), 6);
    assert!(lines[0].contains("\"entered_late\":true"), "{}", lines[0]);
    assert!(!lines[5].contains("entered_late"), "{}", lines[5]);
    let out = archive_verify(dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("holds 6 versions"));
}
