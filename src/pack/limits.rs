//! Bounds on the JSON that packs and archives carry (issue #28): a file or
//! attachment larger than its limit is refused before it is read whole or
//! parsed, so that a tampered archive or a forged pack cannot make
//! boardpack ask for gigabytes. serde_json refuses JSON nested deeper than
//! 128 levels on its own (an error, not a crash).

use std::io::Read;
use std::path::Path;

/// Records (`records.json`, a pack's attached records, a records file
/// given to `diff`): a pack of 300 indicators carries about 2 MB.
pub const MAX_RECORDS_BYTES: u64 = 64 * 1024 * 1024;

/// A `manifest.json` or a pack's `sign-off.json`: a few kilobytes.
pub const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;

/// The refusal of `what` (`the manifest`, `the records`) of `size` bytes,
/// if it is over `max`.
pub fn over(what: &str, size: u64, max: u64) -> Option<String> {
    (size > max).then(|| {
        format!(
            "{what} is {size} bytes, over boardpack's limit of {max} bytes (a real one is far smaller): it was not read; it was replaced or damaged"
        )
    })
}

/// Reads a regular file (through links when `follow` is set) of at most
/// `max` bytes: a larger file, a folder, a FIFO or a device is refused
/// before anything is read, and at most `max + 1` bytes are ever read.
pub fn read_within(path: &Path, what: &str, max: u64, follow: bool) -> std::io::Result<Vec<u8>> {
    let meta = if follow {
        std::fs::metadata(path)?
    } else {
        std::fs::symlink_metadata(path)?
    };
    if !meta.file_type().is_file() {
        return Err(std::io::Error::other(if follow {
            "it is not a regular file (a folder, a pipe or a device)"
        } else {
            "it is a link or a folder, not a file of the archive"
        }));
    }
    if let Some(why) = over(what, meta.len(), max) {
        return Err(std::io::Error::other(why));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)?;
    match over(what, bytes.len() as u64, max) {
        Some(why) => Err(std::io::Error::other(why)),
        None => Ok(bytes),
    }
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
