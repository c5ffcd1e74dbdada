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
fn archive_of(n: usize) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
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

fn edit_manifest(version: &Path, edit: impl FnOnce(&mut Manifest)) {
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
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[1].contains("v1 ") && !lines[1].contains("(current)"),
        "{text}"
    );
    assert!(
        lines[2].contains("v2 (current)") && lines[2].contains("correction 2"),
        "{text}"
    );
    // Columns line up: the PDF column starts at the same place on every line.
    let at: Vec<usize> = lines
        .iter()
        .map(|l| l.find("archive/").or_else(|| l.find("PDF")).unwrap())
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
