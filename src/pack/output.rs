//! Writing outputs safely: to a temporary file beside the target, synced,
//! then renamed over it, so a reader never sees half a PDF and a failed run
//! leaves an existing file untouched. Before anything is built, the output
//! paths are checked: never an input, never named twice, never a folder,
//! device or symbolic link. Files get the mode the user's umask gives.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why an output could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {source}", .path.display())]
pub struct WriteError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// An output path that must not be written: a usage error, found before
/// anything is built.
#[derive(Debug, thiserror::Error)]
pub enum OutputPathError {
    #[error("{} is an input of this run: boardpack never writes over its input; name another output", .path.display())]
    IsAnInput { path: PathBuf },
    #[error("{} is named for two outputs; give each output its own name", .path.display())]
    NamedTwice { path: PathBuf },
    #[error("{} is {what}, not a file: name a file to write (boardpack replaces only regular files)", .path.display())]
    NotAFile { path: PathBuf, what: &'static str },
}

/// Checks that each output may be written: not one of the `inputs` (the
/// same file under any name), not named twice, and, where something exists
/// already, a regular file (not a folder, a device or a symbolic link).
pub fn check_outputs(outputs: &[&Path], inputs: &[&Path]) -> Result<(), OutputPathError> {
    let mut seen: Vec<PathBuf> = Vec::new();
    for &out in outputs {
        let norm = normalise(out);
        if seen.contains(&norm) {
            return Err(OutputPathError::NamedTwice {
                path: out.to_path_buf(),
            });
        }
        seen.push(norm.clone());
        for &input in inputs {
            if normalise(input) == norm || same_file::is_same_file(input, out).unwrap_or(false) {
                return Err(OutputPathError::IsAnInput {
                    path: out.to_path_buf(),
                });
            }
        }
        if let Ok(meta) = std::fs::symlink_metadata(out) {
            let kind = meta.file_type();
            let what = if kind.is_symlink() {
                Some("a symbolic link")
            } else if kind.is_dir() {
                Some("a folder")
            } else if !kind.is_file() {
                Some("a device or other special file")
            } else {
                None
            };
            if let Some(what) = what {
                return Err(OutputPathError::NotAFile {
                    path: out.to_path_buf(),
                    what,
                });
            }
        }
    }
    Ok(())
}

/// A path made absolute, its folder resolved where it exists, so that two
/// names of one file compare equal.
fn normalise(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (abs.parent(), abs.file_name()) {
        (Some(dir), Some(name)) => dir
            .canonicalize()
            .map(|d| d.join(name))
            .unwrap_or(abs.clone()),
        _ => abs,
    }
}

/// Temporary files and folders staged and not yet renamed into place, so
/// that an interrupted run ([`remove_staged`], called on Ctrl-C) leaves none.
static STAGED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Notes a temporary path as staged until the returned guard is dropped.
pub(crate) fn staged(path: &Path) -> StagedGuard {
    STAGED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(path.to_path_buf());
    StagedGuard(path.to_path_buf())
}

/// Forgets a staged path when the write it belongs to ends, either way.
pub(crate) struct StagedGuard(PathBuf);

impl Drop for StagedGuard {
    fn drop(&mut self) {
        let mut staged = STAGED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = staged.iter().position(|p| *p == self.0) {
            staged.remove(i);
        }
    }
}

/// Removes every temporary file and folder still staged: for an
/// interrupted run, before it exits.
pub fn remove_staged() {
    let staged = STAGED.lock().unwrap_or_else(|e| e.into_inner());
    for path in staged.iter() {
        let _ = std::fs::remove_file(path).or_else(|_| std::fs::remove_dir_all(path));
    }
}

/// Writes several files as one: each is staged in a synced temporary file
/// beside its target first, and only when all are staged are they renamed
/// into place. A failure while staging leaves every target untouched.
pub fn write_all_atomic(files: &[(&Path, &[u8])]) -> Result<(), WriteError> {
    let mut staged = Vec::new();
    for (path, bytes) in files {
        let tmp = stage(path, bytes)?;
        let guard = self::staged(tmp.path());
        staged.push((*path, tmp, guard));
    }
    for (path, tmp, _guard) in staged {
        tmp.persist(path).map_err(|e| WriteError {
            path: path.to_path_buf(),
            source: e.error,
        })?;
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically, creating missing directories.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_all_atomic(&[(path, bytes)])
}

fn stage(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, WriteError> {
    let err = |source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(err)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".boardpack-").suffix(".tmp");
    // Read and write for everyone, less what the umask takes away (the mode
    // is given to `open`, which applies the umask), as any program's new
    // files are; not the 0600 of a private temporary file.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(&dir).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    Ok(tmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_without_leaving_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a/b/out.pdf");
        write_atomic(&target, b"one").unwrap();
        write_atomic(&target, b"two").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(target.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.pdf")]);
    }

    #[test]
    fn an_interrupted_write_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = stage(&dir.path().join("out.pdf"), b"half").unwrap();
        let _guard = staged(tmp.path());
        let path = tmp.path().to_path_buf();
        // What Ctrl-C does before exiting; the temporary file would
        // otherwise outlive a process that exits without unwinding.
        let _kept = tmp.into_temp_path().keep().unwrap();
        assert!(path.exists());
        remove_staged();
        assert!(!path.exists());
    }

    #[test]
    fn unwritable_directory_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        // A path under a regular file cannot be created.
        let e = write_atomic(&file.join("out.pdf"), b"y").unwrap_err();
        assert!(e.to_string().starts_with("cannot write"), "{e}");
    }
}
