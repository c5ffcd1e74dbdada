//! Writing outputs safely: to a temporary file beside the target, synced,
//! then renamed over it, so a reader never sees half a PDF and a failed run
//! leaves an existing file untouched. Before anything is built, the output
//! paths are checked ([`check_outputs`]): never an input (the workbook, a
//! layout's file or folder), never inside an archive of signed-off packs
//! (whatever `--archive` says), never named twice, never a folder, device,
//! FIFO or symbolic link. Files get the mode the user's umask gives.
//!
//! Nothing is left behind: the temporary files and folders of a run are
//! noted while they exist, and removed when the run is interrupted
//! ([`exit_interrupted`], on Ctrl-C or SIGTERM); their names hold the
//! process's id and machine, so that a later run removes what a killed
//! one left ([`sweep`]) without touching a run still going.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::pack::archive::enclosing_archive;

/// Why an output could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {source}", .path.display())]
pub struct WriteError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// The file `--emit-typst` writes into a folder it ejects: the files it
/// wrote, one a line. Only a folder holding it (or an empty or new one) is
/// ejected into.
pub const EJECTED: &str = ".boardpack-ejected";

/// An output path that must not be written: a usage error, found before
/// anything is built (or, for a project's files, before any is written).
#[derive(Debug, thiserror::Error)]
pub enum OutputPathError {
    #[error("{} is an input of this run: boardpack never writes over its input; name another output", .path.display())]
    IsAnInput { path: PathBuf },
    #[error("{} lies inside the folder {}, an input of this run (the layout): boardpack never writes into its input; name an output outside that folder", .path.display(), .input.display())]
    InsideAnInput { path: PathBuf, input: PathBuf },
    #[error("{} is named for two outputs; give each output its own name", .path.display())]
    NamedTwice { path: PathBuf },
    #[error("{} is {what}, not a file: name a file to write (boardpack replaces only regular files)", .path.display())]
    NotAFile { path: PathBuf, what: &'static str },
    #[error("{} lies inside the archive of signed-off packs {}: only sign-off writes there, and nothing in it is ever replaced; name an output outside the archive (e.g. out/)", .path.display(), .archive.display())]
    InArchive { path: PathBuf, archive: PathBuf },
    #[error("{} is {what}, not a folder: --emit-typst writes a Typst project into a folder; name a new or empty one", .path.display())]
    NotAFolder { path: PathBuf, what: &'static str },
    #[error("{} is {what}, not a folder: --emit-typst writes the project's {} into a folder of that name; move it away, or name a new folder (nothing was built or written)", .path.display(), .path.file_name().unwrap_or_default().to_string_lossy())]
    SubNotAFolder { path: PathBuf, what: &'static str },
    #[error("{} is not empty and was not written by --emit-typst (it holds {found} and no {EJECTED}): --emit-typst writes only into a new or empty folder, or one it ejected itself; name a new folder", .path.display())]
    NotEjected { path: PathBuf, found: String },
    #[error("{} is a symbolic link: --emit-typst never writes through a link (it leads to {}); remove the link, or name a new folder", .path.display(), .target.display())]
    ThroughALink { path: PathBuf, target: PathBuf },
    #[error("{} was not written by --emit-typst (its {EJECTED} does not list it), and the project would replace it: move it away, or name a new folder", .path.display())]
    NotOurs { path: PathBuf },
    #[error("the archive folder {} lies inside the archive {}: name the archive's own folder (--archive {})", .path.display(), .archive.display(), .archive.display())]
    ArchiveInsideArchive { path: PathBuf, archive: PathBuf },
}

/// Checks that each output may be written: not one of the `inputs` (the
/// same file under any name) nor inside one that is a folder, not inside
/// an archive, not named twice, and, where something exists already, a
/// regular file (not a folder, a device, a FIFO or a symbolic link).
pub fn check_outputs(outputs: &[&Path], inputs: &[&Path]) -> Result<(), OutputPathError> {
    let mut seen: Vec<PathBuf> = Vec::new();
    for &out in outputs {
        let norm = resolved(out);
        if seen.contains(&norm) {
            return Err(OutputPathError::NamedTwice {
                path: out.to_path_buf(),
            });
        }
        seen.push(norm.clone());
        not_an_input(out, &norm, inputs)?;
        not_archived(out, &norm)?;
        if let Some(what) = not_a_file(out) {
            return Err(OutputPathError::NotAFile {
                path: out.to_path_buf(),
                what,
            });
        }
    }
    Ok(())
}

/// Checks the folder sign-off archives into: not inside another archive
/// (a period or version folder of one), nor an input or inside one.
pub fn check_archive_folder(dir: &Path, inputs: &[&Path]) -> Result<(), OutputPathError> {
    let norm = resolved(dir);
    not_an_input(dir, &norm, inputs)?;
    let enclosing = enclosing_archive(dir).or_else(|| enclosing_archive(&norm));
    if let Some(archive) = enclosing {
        if resolved(&archive) != norm {
            return Err(OutputPathError::ArchiveInsideArchive {
                path: dir.to_path_buf(),
                archive,
            });
        }
    }
    Ok(())
}

fn not_an_input(out: &Path, norm: &Path, inputs: &[&Path]) -> Result<(), OutputPathError> {
    for &input in inputs {
        let input_norm = resolved(input);
        if input_norm == norm || same_place(input, out) {
            return Err(OutputPathError::IsAnInput {
                path: out.to_path_buf(),
            });
        }
        if input.is_dir() && norm.starts_with(&input_norm) {
            return Err(OutputPathError::InsideAnInput {
                path: out.to_path_buf(),
                input: input.to_path_buf(),
            });
        }
    }
    Ok(())
}

/// Whether two paths name one file (hard links too), found without
/// opening either: opening a FIFO would wait for a writer.
fn same_place(a: &Path, b: &Path) -> bool {
    let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        x.dev() == y.dev() && x.ino() == y.ino()
    }
    #[cfg(not(unix))]
    {
        x.is_file() && y.is_file() && same_file::is_same_file(a, b).unwrap_or(false)
    }
}

/// Refuses a path inside an archive: by its name, and by the place it
/// resolves to (a link to a version folder is the version folder).
fn not_archived(out: &Path, norm: &Path) -> Result<(), OutputPathError> {
    match enclosing_archive(out).or_else(|| enclosing_archive(norm)) {
        Some(archive) => Err(OutputPathError::InArchive {
            path: out.to_path_buf(),
            archive,
        }),
        None => Ok(()),
    }
}

/// What an existing path is, when it is not a regular file.
fn not_a_file(path: &Path) -> Option<&'static str> {
    let kind = std::fs::symlink_metadata(path).ok()?.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_symlink() {
        return Some("a symbolic link");
    }
    if kind.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
    }
    Some("a special file")
}

/// A path made absolute, its existing part resolved (links followed,
/// `..` folded), so that two names of one place compare equal and a link
/// to a folder is that folder.
fn resolved(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest = Vec::new();
    let mut at = abs.as_path();
    loop {
        if let Ok(real) = at.canonicalize() {
            return rest.iter().rev().fold(real, |p, name| p.join(name));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                at = parent;
            }
            _ => return abs,
        }
    }
}

/// A folder `--emit-typst` may write into, as it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmitFolder {
    /// The files its [`EJECTED`] lists (`None`: a new or empty folder).
    pub listed: Option<BTreeSet<String>>,
    /// The folder is the layout of this build (`--layout DIR
    /// --emit-typst DIR` refreshes its data): only the pack's data is
    /// written there, never a file of the layout.
    pub is_layout: bool,
}

/// Checks, before anything is built, the folder `--emit-typst` writes
/// into: a new or empty folder, or one it ejected itself (holding its
/// [`EJECTED`]); not a link, not holding a linked `charts/`, `fonts/` or
/// `attachments/`; not inside an archive or an input (the layout folder
/// itself is allowed, to refresh its data).
pub fn check_emit_folder(
    dir: &Path,
    inputs: &[&Path],
    layout_folder: Option<&Path>,
) -> Result<EmitFolder, OutputPathError> {
    if let Ok(meta) = std::fs::symlink_metadata(dir) {
        if meta.file_type().is_symlink() {
            return Err(link_error(dir));
        }
        if !meta.is_dir() {
            return Err(OutputPathError::NotAFolder {
                path: dir.to_path_buf(),
                what: not_a_file(dir).unwrap_or("a file"),
            });
        }
    }
    let norm = resolved(dir);
    not_archived(dir, &norm)?;
    let is_layout = layout_folder.is_some_and(|l| l.is_dir() && resolved(l) == norm);
    let others: Vec<&Path> = inputs
        .iter()
        .copied()
        .filter(|i| !(is_layout && Some(*i) == layout_folder))
        .collect();
    not_an_input(dir, &norm, &others)?;
    for sub in ["charts", "fonts", "attachments"] {
        let path = dir.join(sub);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => return Err(link_error(&path)),
            // Found before anything is built or written (it failed after
            // the PDF and HTML were written, with "File exists").
            Ok(m) if !m.is_dir() => {
                return Err(OutputPathError::SubNotAFolder {
                    what: not_a_file(&path).unwrap_or("a file"),
                    path,
                })
            }
            _ => {}
        }
    }
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    if names.is_empty() {
        return Ok(EmitFolder {
            listed: None,
            is_layout,
        });
    }
    let marker = dir.join(EJECTED);
    let listed = std::fs::symlink_metadata(&marker)
        .is_ok_and(|m| m.is_file())
        .then(|| std::fs::read_to_string(&marker).ok())
        .flatten();
    match listed {
        Some(text) => Ok(EmitFolder {
            listed: Some(
                text.lines()
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(str::to_string)
                    .collect(),
            ),
            is_layout,
        }),
        None => {
            names.sort();
            let more = names.len().saturating_sub(3);
            let mut found = names
                .iter()
                .take(3)
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ");
            if more > 0 {
                found.push_str(&format!(" and {more} more"));
            }
            Err(OutputPathError::NotEjected {
                path: dir.to_path_buf(),
                found,
            })
        }
    }
}

fn link_error(path: &Path) -> OutputPathError {
    OutputPathError::ThroughALink {
        path: path.to_path_buf(),
        target: std::fs::read_link(path).unwrap_or_default(),
    }
}

/// The files of an ejected project to write into `dir`, checked: `files`
/// are the project's (by their path from the folder), of which are written
/// those not already there with the same bytes (in the layout's own
/// folder, only the pack's data), and the [`EJECTED`] list. Refuses, before
/// any is written, a file that is not ours in an ejected folder, a path
/// through a link, and any output [`check_outputs`] refuses.
pub fn plan_ejected(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    folder: &EmitFolder,
    inputs: &[&Path],
) -> Result<Vec<(PathBuf, Vec<u8>)>, OutputPathError> {
    let mut writes = Vec::new();
    for (rel, bytes) in files {
        if folder.is_layout && !crate::render::layout::is_pack_data(&format!("/{rel}")) {
            continue; // the layout's own file, read from this very folder
        }
        let path = dir.join(rel);
        for above in path.ancestors().skip(1) {
            if above == dir || !above.starts_with(dir) {
                break;
            }
            if std::fs::symlink_metadata(above).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(link_error(above));
            }
        }
        let meta = std::fs::symlink_metadata(&path).ok();
        if meta.as_ref().is_some_and(|m| m.is_file()) {
            if std::fs::read(&path).is_ok_and(|on_disk| on_disk == *bytes) {
                continue; // unchanged: not rewritten
            }
            if folder.listed.as_ref().is_some_and(|l| !l.contains(rel)) {
                return Err(OutputPathError::NotOurs { path });
            }
        }
        writes.push((path, bytes.clone()));
    }
    let mut listing = String::from(
        "# Written by boardpack build --emit-typst: a Typst project. boardpack ejects into this folder again only while this file is here; the files it wrote:\n",
    );
    for (rel, _) in files {
        listing.push_str(rel);
        listing.push('\n');
    }
    writes.push((dir.join(EJECTED), listing.into_bytes()));
    let others: Vec<&Path> = inputs
        .iter()
        .copied()
        .filter(|i| !(folder.is_layout && resolved(i) == resolved(dir)))
        .collect();
    let paths: Vec<&Path> = writes.iter().map(|(p, _)| p.as_path()).collect();
    check_outputs(&paths, &others)?;
    Ok(writes)
}

/// Temporary files and folders staged and not yet renamed into place, so
/// that an interrupted run ([`exit_interrupted`]) leaves none.
static STAGED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// How a temporary file's name begins (`.boardpack-<pid>-<host>-…tmp`).
pub(crate) const TEMP_PREFIX: &str = ".boardpack-";
const TEMP_SUFFIX: &str = ".tmp";
/// How a version folder being written begins (`.signing-<pid>-<host>-…`).
pub(crate) const SIGNING_PREFIX: &str = ".signing-";

/// The start of a temporary name for this process: `kind`, the process's
/// id and a tag of the machine's name, so that a later run can tell a
/// leftover of a process that has ended from the work of one still going.
pub(crate) fn staging_prefix(kind: &str) -> String {
    format!("{kind}{}-{}-", std::process::id(), host_tag())
}

/// Eight hex digits of the machine's name: runs on two machines sharing a
/// folder (an archive on a network drive) tell their temporary files apart.
fn host_tag() -> &'static str {
    static TAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TAG.get_or_init(|| {
        let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .or_else(|| std::env::var("COMPUTERNAME").ok())
            .unwrap_or_default();
        crate::pack::signoff::sha256(name.trim().as_bytes())[..8].to_string()
    })
}

/// Creates a temporary file or folder (`create`) and notes it as staged
/// until the returned guard is dropped. It is created while the list is
/// held, so an interruption either finds it noted or stops its creation.
pub(crate) fn create_staged<T>(
    create: impl FnOnce() -> std::io::Result<T>,
    path_of: impl Fn(&T) -> &Path,
) -> std::io::Result<(T, StagedGuard)> {
    let mut staged = STAGED.lock().unwrap_or_else(|e| e.into_inner());
    let made = create()?;
    let path = path_of(&made).to_path_buf();
    staged.push(path.clone());
    Ok((made, StagedGuard(path)))
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

/// Removes every temporary file and folder still staged.
pub fn remove_staged() {
    let mut staged = STAGED.lock().unwrap_or_else(|e| e.into_inner());
    for path in staged.drain(..) {
        remove_any(&path);
    }
}

/// Removes every temporary file and folder still staged and exits with
/// `code`: for a run interrupted (Ctrl-C, SIGTERM). No other is staged
/// meanwhile: the list stays held until the process has gone.
pub fn exit_interrupted(code: i32) -> ! {
    let staged = STAGED.lock().unwrap_or_else(|e| e.into_inner());
    for path in staged.iter() {
        remove_any(path);
    }
    std::process::exit(code)
}

/// Removes a file, or a folder and all it holds (made writable first: a
/// folder being archived may have lost its write bits).
fn remove_any(path: &Path) {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
    if !meta.is_dir() {
        let _ = std::fs::remove_file(path);
        return;
    }
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut perms = match std::fs::metadata(&dir) {
            Ok(m) => m.permissions(),
            Err(_) => continue,
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            perms.set_mode(perms.mode() | 0o700);
        }
        #[cfg(not(unix))]
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        let _ = std::fs::set_permissions(&dir, perms);
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(entry.path());
            }
        }
    }
    // The run being interrupted may still be writing into the folder (a
    // file created while it was being emptied makes the removal fail):
    // tried again until it is gone, for a moment at most.
    for _ in 0..50 {
        match std::fs::remove_dir_all(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                std::thread::sleep(Duration::from_millis(2));
            }
            _ => return,
        }
    }
}

/// How long a temporary file whose run cannot be told to have ended (on
/// another machine, or where process ids cannot be looked up) is left:
/// staging takes seconds, so one older than this is a leftover.
pub const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

/// A temporary file or folder an earlier, interrupted run left behind, and
/// which [`sweep`] removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    pub path: PathBuf,
    /// Why it is known to be left over.
    pub why: String,
}

impl std::fmt::Display for Leftover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "removed {}, left by an interrupted run of boardpack ({})",
            self.path.display(),
            self.why
        )
    }
}

/// Removes from `dir` (not below it) what interrupted runs left: temporary
/// files (`.boardpack-…tmp`) and version folders being archived
/// (`.signing-…`) whose process has ended on this machine, or older than
/// [`STALE_AFTER`]. A run still going keeps its own.
pub fn sweep(dir: &Path) -> Vec<Leftover> {
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return removed;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let rest = if kind.is_file() {
            name.strip_prefix(TEMP_PREFIX)
                .and_then(|r| r.strip_suffix(TEMP_SUFFIX))
        } else if kind.is_dir() {
            name.strip_prefix(SIGNING_PREFIX)
        } else {
            None
        };
        let Some(rest) = rest else { continue };
        let age = entry
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .unwrap_or_default();
        if let Some(why) = left_over(rest, age) {
            let path = entry.path();
            remove_any(&path);
            if std::fs::symlink_metadata(&path).is_err() {
                removed.push(Leftover { path, why });
            }
        }
    }
    removed.sort_by(|a, b| a.path.cmp(&b.path));
    removed
}

/// Whether a temporary name's rest (`<pid>-<host>-<random>`) is left over,
/// and why.
fn left_over(rest: &str, age: Duration) -> Option<String> {
    let mut parts = rest.splitn(3, '-');
    let owner = match (parts.next(), parts.next(), parts.next()) {
        (Some(pid), Some(host), Some(_)) => pid.parse::<u32>().ok().map(|pid| (pid, host)),
        _ => None,
    };
    if let Some((pid, host)) = owner {
        let here = host == host_tag();
        if here && pid != std::process::id() && process_alive(pid) == Some(false) {
            return Some(format!("process {pid} has ended"));
        }
    }
    (age >= STALE_AFTER).then(|| format!("unfinished for {} minutes", age.as_secs() / 60))
}

/// Whether a process of this machine is running; `None` where that cannot
/// be told.
fn process_alive(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return None;
    }
    Some(proc.join(pid.to_string()).exists())
}

/// Writes several files as one: each is staged in a synced temporary file
/// beside its target first, and only when all are staged are they renamed
/// into place. A failure while staging leaves every target untouched. A
/// target that is there and not a regular file (a link, a device, a FIFO,
/// a folder) is refused, whatever was checked before.
pub fn write_all_atomic(files: &[(&Path, &[u8])]) -> Result<(), WriteError> {
    let files: Vec<_> = files.iter().map(|(p, b)| (*p, *b, false)).collect();
    write_all_atomic_private(&files)
}

/// [`write_all_atomic`], each file marked private (`true`) written for
/// its owner only (mode 0600: a private key), from its first byte.
pub fn write_all_atomic_private(files: &[(&Path, &[u8], bool)]) -> Result<(), WriteError> {
    let mut staged = Vec::new();
    for (path, bytes, private) in files {
        let (tmp, guard) = stage(path, bytes, *private)?;
        staged.push((*path, tmp, guard));
    }
    for (path, tmp, _guard) in staged {
        refuse_special(path)?;
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

fn refuse_special(path: &Path) -> Result<(), WriteError> {
    match not_a_file(path) {
        Some(what) => Err(WriteError {
            path: path.to_path_buf(),
            source: std::io::Error::other(format!(
                "it is {what}, not a file, and boardpack replaces only regular files"
            )),
        }),
        None => Ok(()),
    }
}

fn stage(
    path: &Path,
    bytes: &[u8],
    private: bool,
) -> Result<(tempfile::NamedTempFile, StagedGuard), WriteError> {
    let err = |source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    refuse_special(path)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(err)?;
    let prefix = staging_prefix(TEMP_PREFIX);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    // Read and write for everyone, less what the umask takes away (the mode
    // is given to `open`, which applies the umask), as any program's new
    // files are; not the 0600 of a private temporary file. A private file
    // (a key) is the owner's only.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(if private {
        0o600
    } else {
        0o666
    }));
    #[cfg(not(unix))]
    let _ = private;
    let (mut tmp, guard) =
        create_staged(|| builder.tempfile_in(&dir), |t| t.path()).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    Ok((tmp, guard))
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
        let (tmp, _guard) = stage(&dir.path().join("out.pdf"), b"half", false).unwrap();
        let path = tmp.path().to_path_buf();
        // What Ctrl-C does before exiting; the temporary file would
        // otherwise outlive a process that exits without unwinding.
        let _kept = tmp.into_temp_path().keep().unwrap();
        assert!(path.exists());
        remove_staged();
        assert!(!path.exists());
    }

    #[test]
    fn a_leftover_is_removed_only_when_its_process_has_ended_or_it_is_old() {
        let dir = tempfile::tempdir().unwrap();
        // A process id that no process has (above Linux's largest).
        let dead = format!("{TEMP_PREFIX}4294967-{}-abcdef{TEMP_SUFFIX}", host_tag());
        let ours = format!("{}abcdef{TEMP_SUFFIX}", staging_prefix(TEMP_PREFIX));
        let elsewhere = format!("{TEMP_PREFIX}4294967-00000000-abcdef{TEMP_SUFFIX}");
        let signing = format!("{SIGNING_PREFIX}4294967-{}-abcdef", host_tag());
        for name in [&dead, &ours, &elsewhere, "kept.pdf"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        std::fs::create_dir_all(dir.path().join(&signing).join("inner")).unwrap();
        let removed = sweep(dir.path());
        let names: Vec<String> = removed
            .iter()
            .map(|l| l.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        if process_alive(1).is_some() {
            assert_eq!(names, vec![dead.clone(), signing.clone()]);
            assert!(removed[0].to_string().contains("process 4294967 has ended"));
        }
        for name in [&ours, &elsewhere, "kept.pdf"] {
            assert!(dir.path().join(name).exists(), "{name} was removed");
        }
        // Another machine's, or an old name's, once it is old enough.
        let old = std::time::SystemTime::now() - STALE_AFTER - Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(dir.path().join(&elsewhere))
            .unwrap()
            .set_modified(old)
            .unwrap();
        let removed = sweep(dir.path());
        assert_eq!(removed.len(), 1, "{removed:?}");
        assert!(!dir.path().join(&elsewhere).exists());
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
