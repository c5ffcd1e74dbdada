//! Bounds on the JSON that packs and archives carry (issue #28): a file or
//! attachment larger than its limit is refused before it is read whole or
//! parsed, so that a tampered archive or a forged pack cannot make
//! boardpack ask for gigabytes. serde_json refuses JSON nested deeper than
//! 128 levels on its own (an error, not a crash).

use std::path::Path;

/// Records (`records.json`, a pack's attached records, a records file
/// given to `diff`): a pack of 300 indicators carries about 2 MB.
pub const MAX_RECORDS_BYTES: u64 = 64 * 1024 * 1024;

/// A `manifest.json` or a pack's `sign-off.json`: a few kilobytes.
pub const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;

/// The most a PDF read by `verify`, `diff` or `build --archive` may be
/// (a pack carries its workbook's copy and records: a few megabytes).
pub const MAX_PDF_BYTES: u64 = 512 * 1024 * 1024;

/// An archive's log `archive-log.jsonl`: one short line per version.
pub const MAX_LOG_BYTES: u64 = 64 * 1024 * 1024;

/// An archive's `boardpack.toml`: a few lines.
pub const MAX_SETTINGS_BYTES: u64 = 1024 * 1024;

pub use crate::files::over;

/// Reads a regular file (through links when `follow` is set) of at most
/// `max` bytes: a larger file, a folder, a FIFO or a device is refused
/// before anything is read, and at most `max + 1` bytes are ever read.
pub fn read_within(path: &Path, what: &str, max: u64, follow: bool) -> std::io::Result<Vec<u8>> {
    if !follow {
        let meta = std::fs::symlink_metadata(path)?;
        if meta.file_type().is_symlink() || meta.is_dir() {
            return Err(std::io::Error::other(
                "it is a link or a folder, not a file of the archive",
            ));
        }
    }
    crate::files::read_regular(path, what, max, follow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_over_its_limit_is_refused_before_it_is_read() {
        let dir = std::env::temp_dir().join(format!("bp-limits-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("manifest.json");
        let f = std::fs::File::create(&path).unwrap();
        // A sparse file: its size is all that is looked at.
        f.set_len(MAX_MANIFEST_BYTES + 1).unwrap();
        let e = read_within(&path, "the manifest", MAX_MANIFEST_BYTES, false).unwrap_err();
        assert!(e.to_string().starts_with(&format!(
            "the manifest is {} bytes, over boardpack's limit of {MAX_MANIFEST_BYTES} bytes",
            MAX_MANIFEST_BYTES + 1
        )));
        f.set_len(10).unwrap();
        assert_eq!(
            read_within(&path, "the manifest", MAX_MANIFEST_BYTES, false)
                .unwrap()
                .len(),
            10
        );
        let e = read_within(&dir, "the manifest", MAX_MANIFEST_BYTES, true).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
