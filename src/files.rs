//! Reading a file within bounds (issue #28), for every stage that reads
//! one (the workbook, a layout and its files, an archive's PDFs, manifests
//! and log): only a regular file is read — a FIFO, a device, a socket or a
//! folder is refused before it is opened for reading, so nothing blocks or
//! reads for ever — and its size is checked before any of it is read, and
//! again as it is read (at most one byte past the limit is ever read).

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

/// What a file that is not a regular one is, as the refusal says it.
pub fn kind(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a link (links are not followed here)"
    } else if t.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

/// The refusal of a file that is `meta`'s kind, not a regular file.
fn not_regular(meta: &Metadata) -> std::io::Error {
    std::io::Error::other(format!(
        "it is {}, not a regular file: boardpack reads only regular files",
        kind(meta)
    ))
}

/// Opens a regular file for reading (through a link when `follow` is
/// set), with its metadata. Anything else is refused before it is opened;
/// and it is opened without blocking, and looked at again once open, so a
/// file replaced by a FIFO in between is refused too, never waited on.
pub fn open_regular(path: &Path, follow: bool) -> std::io::Result<(File, Metadata)> {
    let meta = if follow {
        std::fs::metadata(path)?
    } else {
        std::fs::symlink_metadata(path)?
    };
    if !meta.file_type().is_file() {
        return Err(not_regular(&meta));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY;
        if !follow {
            flags |= libc::O_NOFOLLOW;
        }
        options.custom_flags(flags);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(not_regular(&meta));
    }
    Ok((file, meta))
}

/// The refusal of `what` (`the manifest`, `the PDF`) of `size` bytes, if
/// it is over `max`.
pub fn over(what: &str, size: u64, max: u64) -> Option<String> {
    (size > max).then(|| {
        format!(
            "{what} is {size} bytes, over boardpack's limit of {max} bytes (a real one is far smaller): it was not read; it was replaced or damaged"
        )
    })
}

/// Reads a regular file of at most `max` bytes (see [`open_regular`]): a
/// larger file is refused before anything is read, and at most `max + 1`
/// bytes are ever read. `what` names the file in the refusal.
pub fn read_regular(path: &Path, what: &str, max: u64, follow: bool) -> std::io::Result<Vec<u8>> {
    let (file, meta) = open_regular(path, follow)?;
    if let Some(why) = over(what, meta.len(), max) {
        return Err(std::io::Error::other(why));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    match over(what, bytes.len() as u64, max) {
        Some(why) => Err(std::io::Error::other(why)),
        None => Ok(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.xlsx");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let e = read_regular(&fifo, "the workbook", 10, true).unwrap_err();
        assert_eq!(
            e.to_string(),
            "it is a FIFO (named pipe), not a regular file: boardpack reads only regular files"
        );
        let e = read_regular(Path::new("/dev/zero"), "the workbook", 10, true).unwrap_err();
        assert!(e.to_string().starts_with("it is a device"), "{e}");
    }
}
