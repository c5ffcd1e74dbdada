//! Issue #28: a layout — a file, a folder, or the one a pack carries, which
//! `verify` runs — compiles within a time and memory budget; past it, the
//! command stops with an error naming the layout, in seconds and well
//! under 1 GB. An image's size is read from its header before it is
//! decoded.

mod common;
#[path = "common/measured.rs"]
mod measured;

use measured::{measured, refused};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A folder holding the sample as `w.xlsx` and `lay.typ` with `source`.
fn with_layout(source: &str) -> common::Scratch {
    let dir = common::dir_with_sample("w.xlsx");
    std::fs::write(dir.path().join("lay.typ"), source).unwrap();
    dir
}

#[test]
fn a_layout_looping_over_range_400000000_is_stopped_by_its_budget() {
    let dir = with_layout("#for i in range(400000000) {}\n");
    let m = refused(
        dir.path(),
        &["build", "w.xlsx", "--layout", "lay.typ", "-o", "w.pdf"],
        "the layout lay.typ ",
    );
    let err = stderr(&m.out);
    assert!(
        err.contains("needed more than its memory budget of 512 MB")
            || err.contains("did not finish within its time budget of 8 s"),
        "{err}"
    );
    assert!(err.contains("BOARDPACK_LAYOUT_MEMORY_MB"), "{err}");
    assert!(!dir.path().join("w.pdf").exists());
}

#[test]
fn a_layout_repeating_a_string_3000000000_times_is_stopped_by_its_memory_budget() {
    let dir = with_layout("#let s = \"x\" * 3000000000\n#s.len()\n");
    refused(
        dir.path(),
        &["build", "w.xlsx", "--layout", "lay.typ", "-o", "w.pdf"],
        "boardpack: error: the layout lay.typ needed more than its memory budget of 512 MB",
    );
    assert!(!dir.path().join("w.pdf").exists());
    // Raised, and lowered, by the flag or the environment.
    let m = measured(
        dir.path(),
        &[
            "build",
            "w.xlsx",
            "--layout",
            "lay.typ",
            "-o",
            "w.pdf",
            "--layout-memory-mb",
            "100",
        ],
    );
    assert!(
        stderr(&m.out).contains("needed more than its memory budget of 100 MB"),
        "{}",
        stderr(&m.out)
    );
    assert!(m.peak < 400 << 20, "{}", m.peak);
}

#[test]
fn nested_loops_past_the_time_budget_are_stopped_naming_the_layout() {
    let dir = with_layout(
        "#for i in range(100000) { for j in range(100000) { let k = i + j } }\n= Never\n",
    );
    let m = refused(
        dir.path(),
        &[
            "build",
            "w.xlsx",
            "--layout",
            "lay.typ",
            "-o",
            "w.pdf",
            "--layout-seconds",
            "2",
        ],
        "the layout lay.typ did not finish within its time budget of 2 s (a layout's budget: 2 s and 512 MB; --layout-seconds N / --layout-memory-mb N, or BOARDPACK_LAYOUT_SECONDS / BOARDPACK_LAYOUT_MEMORY_MB, raise it): it was stopped, and nothing was written",
    );
    assert!(m.took >= Duration::from_secs(2), "{:?}", m.took);
    assert!(!dir.path().join("w.pdf").exists());
    // The same from the environment (check runs no layout: build does).
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .args(["build", "w.xlsx", "--layout", "lay.typ", "-o", "w.pdf"])
        .env("BOARDPACK_LAYOUT_SECONDS", "1")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("did not finish within its time budget of 1 s"),
        "{}",
        stderr(&out)
    );
}

/// A PNG's first bytes declaring `w` × `h` pixels, then `more` bytes of
/// image data (never decoded).
fn png(w: u32, h: u32, more: usize) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    b.extend(w.to_be_bytes());
    b.extend(h.to_be_bytes());
    b.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    b.extend(vec![0u8; more]);
    b
}

#[test]
fn a_40000_by_40000_png_logo_is_refused_from_its_header_before_it_is_decoded() {
    let dir = common::dir_with_sample("w.xlsx");
    let lay = dir.path().join("lay");
    std::fs::create_dir(&lay).unwrap();
    std::fs::write(lay.join("main.typ"), "#image(\"/logo.png\", width: 2cm)\n").unwrap();
    std::fs::write(lay.join("logo.png"), png(40000, 40000, 6 << 20)).unwrap();
    refused(
        dir.path(),
        &["build", "w.xlsx", "--layout", "lay", "-o", "w.pdf"],
        "lay/logo.png is an image of 40000 × 40000 pixels, more than a layout's image may have (40000000 pixels; decoding it would take 6103 MB): it was not decoded",
    );
    assert!(!dir.path().join("w.pdf").exists());
}

/// `bytes` zipped as `main.typ` and `note.txt`, as a layout bundle.
fn bundle(main: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("main.typ", options).unwrap();
    zip.write_all(main.as_bytes()).unwrap();
    zip.start_file("note.txt", options).unwrap();
    zip.write_all(b"note").unwrap();
    zip.finish().unwrap().into_inner()
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A signed pack whose layout.zip is replaced by one whose main.typ is
/// `main`, and its sign-off record made to name it: what a forger sends.
fn forged_pack(dir: &Path, main: &str) -> Vec<u8> {
    let lay = common::dashboard_layout_folder(dir);
    std::fs::write(lay.join("note.txt"), "note").unwrap();
    let signed = common::sign_off(
        dir,
        "sample.xlsx",
        "2016-01-28",
        "arch",
        &["--layout", "lay"],
    );
    assert!(signed.status.success(), "{}", stderr(&signed));
    let v1 = dir.join("arch/2015-12/v1");
    let pdf = std::fs::read_dir(&v1)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .unwrap();
    let mut doc = lopdf::Document::load(&pdf).unwrap();
    let new_bundle = bundle(main);
    let ids: Vec<lopdf::ObjectId> = doc.objects.keys().copied().collect();
    let mut replaced = 0;
    for id in ids {
        let Ok(dict) = doc.get_object(id).and_then(|o| o.as_dict()) else {
            continue;
        };
        if dict.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"Filespec") {
            continue;
        }
        let name = String::from_utf8_lossy(dict.get(b"UF").unwrap().as_str().unwrap()).into_owned();
        let stream_id = dict
            .get(b"EF")
            .unwrap()
            .as_dict()
            .unwrap()
            .get(b"F")
            .unwrap()
            .as_reference()
            .unwrap();
        let stream = doc
            .get_object_mut(stream_id)
            .unwrap()
            .as_stream_mut()
            .unwrap();
        let content = if name.ends_with("layout.zip") {
            new_bundle.clone()
        } else if name.ends_with("sign-off.json") {
            let mut plain = stream.clone();
            plain.decompress().unwrap();
            let mut v: serde_json::Value = serde_json::from_slice(&plain.content).unwrap();
            v["layout_sha256"] = sha256(&new_bundle).into();
            serde_json::to_vec(&v).unwrap()
        } else {
            continue;
        };
        stream.dict.remove(b"Filter");
        stream.dict.remove(b"DecodeParms");
        stream.set_content(content);
        replaced += 1;
    }
    assert_eq!(replaced, 2, "the pack carries layout.zip and sign-off.json");
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn verify_of_a_pack_whose_layout_loops_stops_at_the_budget_and_says_so() {
    let dir = common::dir_with_sample("sample.xlsx");
    let forged = forged_pack(
        dir.path(),
        "#for i in range(100000) { for j in range(100000) { let k = i + j } }\n",
    );
    std::fs::write(dir.path().join("forged.pdf"), forged).unwrap();
    let m = refused(
        dir.path(),
        &["verify", "forged.pdf", "--layout-seconds", "2"],
        "the layout layout.zip:main.typ did not finish within its time budget of 2 s",
    );
    assert!(
        stderr(&m.out).contains("forged.pdf is not verified"),
        "{}",
        stderr(&m.out)
    );
}

#[test]
fn verify_of_a_pack_whose_layout_allocates_stops_at_the_memory_budget() {
    let dir = common::dir_with_sample("sample.xlsx");
    let forged = forged_pack(dir.path(), "#let s = \"x\" * 3000000000\n#s.len()\n");
    std::fs::write(dir.path().join("forged.pdf"), forged).unwrap();
    refused(
        dir.path(),
        &["verify", "forged.pdf"],
        "the layout layout.zip:main.typ needed more than its memory budget of 512 MB",
    );
}

#[test]
fn verify_of_a_pack_carrying_its_own_layout_says_it_compiled_within_the_budget() {
    let dir = common::dir_with_sample("sample.xlsx");
    let lay = common::dashboard_layout_folder(dir.path());
    std::fs::write(lay.join("note.txt"), "note").unwrap();
    let signed = common::sign_off(
        dir.path(),
        "sample.xlsx",
        "2016-01-28",
        "arch",
        &["--layout", "lay"],
    );
    assert!(signed.status.success(), "{}", stderr(&signed));
    let pdf = std::fs::read_dir(dir.path().join("arch/2015-12/v1"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .unwrap();
    let m = measured(dir.path(), &["verify", pdf.to_str().unwrap()]);
    assert!(m.out.status.success(), "{}", stderr(&m.out));
    assert!(
        stderr(&m.out).contains(
            "note: the pack carries its own layout (layout.zip), compiled within boardpack's layout budget of 8 s and 512 MB"
        ),
        "{}",
        stderr(&m.out)
    );
}

#[test]
fn watch_stops_when_the_layout_runs_past_its_time_budget() {
    let dir = with_layout("#for i in range(100000) { for j in range(100000) { let k = i + j } }\n");
    let m = refused(
        dir.path(),
        &[
            "watch",
            "w.xlsx",
            "--layout",
            "lay.typ",
            "-o",
            "w.pdf",
            "--layout-seconds",
            "1",
        ],
        "watch stopped: the layout ran past its time budget, and its compilation cannot be interrupted; fix the layout (or raise --layout-seconds) and start watch again",
    );
    assert!(
        stderr(&m.out).contains("the layout lay.typ did not finish within its time budget of 1 s"),
        "{}",
        stderr(&m.out)
    );
    assert!(!dir.path().join("w.pdf").exists());
}
