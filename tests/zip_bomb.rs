//! A zip bomb is refused before it is parsed: quickly, and with modest
//! memory (measured by a counting allocator in this test binary).

use std::io::Write;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

#[path = "common/counting.rs"]
mod counting;
use counting::{CURRENT, PEAK};

/// An `.xlsx`-looking zip whose one worksheet inflates to `size` bytes of
/// nothing, but which declares a small size for it.
fn bomb(size: usize) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(size > u32::MAX as usize);
    z.start_file("[Content_Types].xml", opts).unwrap();
    z.write_all(b"<Types/>").unwrap();
    z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..size / chunk.len() {
        z.write_all(&chunk).unwrap();
    }
    z.finish().unwrap().into_inner()
}

#[test]
fn a_zip_bomb_is_refused_quickly_with_modest_memory() {
    let bytes = bomb(1 << 30); // 1 GiB of spaces, about 1 MB on disk
    assert!(bytes.len() < 4 << 20, "{} bytes", bytes.len());
    let before = CURRENT.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let started = Instant::now();
    let result = boardpack::Workbook::from_bytes(&bytes);
    let took = started.elapsed();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    match result {
        Err(boardpack::input::LoadError::Refused(why)) => {
            assert!(why.to_string().contains("inflate to more than"), "{why}")
        }
        other => panic!("not refused: {other:?}"),
    }
    assert!(took < Duration::from_secs(1), "took {took:?}");
    assert!(peak < 16 << 20, "peak extra memory {peak} bytes");
}

#[test]
fn the_limits_can_be_raised_and_lowered() {
    let limits = boardpack::input::limits::InputLimits {
        max_file_bytes: 1000,
        ..Default::default()
    };
    let sample = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/inputs/dashboard-2015-12.xlsx"
    ))
    .unwrap();
    let refused = boardpack::input::limits::check_package(&sample, &limits).unwrap_err();
    assert!(
        refused.to_string().contains("over the limit of 1000 bytes"),
        "{refused}"
    );
    let small = bomb(8 << 20);
    let tight = boardpack::input::limits::InputLimits {
        max_inflated_bytes: 4 << 20,
        ..Default::default()
    };
    assert!(boardpack::input::limits::check_package(&small, &tight).is_err());
    let loose = boardpack::input::limits::InputLimits {
        max_inflated_bytes: 64 << 20,
        ..Default::default()
    };
    assert!(boardpack::input::limits::check_package(&small, &loose).is_ok());
    assert!(boardpack::input::limits::check_package(
        &sample,
        &boardpack::input::limits::InputLimits::default()
    )
    .is_ok());
}

#[test]
fn the_cli_refuses_a_file_over_the_size_limit_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let f = std::fs::File::create(dir.path().join("big.xlsx")).unwrap();
    f.set_len(60 << 20).unwrap(); // sparse: 60 MiB
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .args(["check", "big.xlsx"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("big.xlsx was refused"), "{stderr}");
    assert!(stderr.contains("--max-workbook-bytes"), "{stderr}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .args(["check", "big.xlsx", "--max-workbook-bytes", "100000000"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    // Now read, and found not to be a workbook.
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a zip package"));
}
