//! The archive of signed-off packs: `DIR/<period>/v<N>/` holds the PDF and
//! its `manifest.json`. Append-only: a version, once written, is never
//! changed; a version appears whole (written in a temporary folder, synced,
//! then renamed into place) and two sign-offs at once cannot take the same
//! number. Each version is made read-only once complete and entered in the
//! archive's log ([`chain`]), which chains every version of every period;
//! a version may later be withdrawn (a line of the log), never removed.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::compute::changes::Previous;
use crate::pack::output;
use crate::pack::signoff::{sha256, SignOff};
use crate::render::fonts::FACES;

pub mod chain;
pub mod trust;

pub use chain::{Kind, LogEntry, Withdrawal};

/// The archive's append-only log at its root: one line per event (a version
/// archived, a version withdrawn), each chained to the one before. Its
/// presence is also what marks a folder as an archive, whatever `--archive`
/// says, so that no command writes an output into one.
pub const LOG: &str = "archive-log.jsonl";

/// The archive that holds `path` (the folder itself or a folder above it),
/// if any: a folder with the archive's [`LOG`], or (an archive made before
/// the log) a folder holding `<period>/v<N>/manifest.json` — found from a
/// version folder, a period folder or the archive itself. `path` need not
/// exist; its existing ancestors are looked at.
pub fn enclosing_archive(path: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(path).ok()?;
    let mut at: Option<&Path> = Some(abs.as_path());
    while let Some(dir) = at {
        if std::fs::symlink_metadata(dir.join(LOG)).is_ok() {
            return Some(dir.to_path_buf());
        }
        let is_version = dir
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(version_number)
            .is_some();
        if is_version && std::fs::symlink_metadata(dir.join("manifest.json")).is_ok() {
            return dir.parent().and_then(Path::parent).map(Path::to_path_buf);
        }
        // A period folder of such an archive, or the archive itself.
        if is_period(dir) && holds_versions(dir) {
            return dir.parent().map(Path::to_path_buf);
        }
        let holds_periods = std::fs::read_dir(dir).is_ok_and(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| is_period(&e.path()) && holds_versions(&e.path()))
        });
        if holds_periods {
            return Some(dir.to_path_buf());
        }
        at = dir.parent();
    }
    None
}

/// Whether a folder is named as a period's (`2015-12`).
fn is_period(dir: &Path) -> bool {
    dir.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(is_period_name)
}

/// `2015-12`: a period folder's name.
pub(crate) fn is_period_name(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || c.is_ascii_digit())
}

/// Whether a period folder holds a version folder with its manifest.
fn holds_versions(period_dir: &Path) -> bool {
    std::fs::read_dir(period_dir).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|e| {
            e.file_name().to_str().and_then(version_number).is_some()
                && std::fs::symlink_metadata(e.path().join("manifest.json")).is_ok()
        })
    })
}

/// The default archive folder.
pub const DEFAULT_DIR: &str = "archive";
/// The environment variable naming the archive folder.
pub const ENV: &str = "BOARDPACK_ARCHIVE";

/// What an archived version is: hashes of everything its bytes depend on,
/// and who signed it off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// `2015-12`.
    pub period: String,
    pub version: u32,
    /// The PDF's file name in the version folder.
    pub pdf: String,
    pub pdf_sha256: String,
    /// The workbook's file name, as attached to the PDF.
    pub workbook: String,
    pub workbook_sha256: String,
    pub layout_sha256: String,
    /// Font file → sha256.
    pub fonts: Vec<(String, String)>,
    pub tool: String,
    pub signed_off_by: String,
    pub role: String,
    pub date: chrono::NaiveDate,
    pub reason: Option<String>,
    /// The HTML companion's file name in the version folder, and its hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html_sha256: Option<String>,
    /// sha256 of the previous version's `manifest.json` (absent for v1), so
    /// that a deleted, replaced or reordered version breaks the chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_manifest_sha256: Option<String>,
    /// The layout, as `archive list` names it: its folder's (or file's)
    /// name, or `built-in`. Absent in manifests written before it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<String>,
    /// The version was entered in the archive's [`LOG`] when archived: a
    /// log missing beside it was deleted, not never made.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub logged: bool,
    /// What the workbook held that the attached copy leaves out, as the
    /// pack's sign-off record lists it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<String>,
    /// A countersigned version: the sha256 of its manifest as first
    /// archived, which the log's `archived` line and the next version's
    /// manifest hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived_manifest_sha256: Option<String>,
    /// The signatures added after sign-off (`sign-off --countersign`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countersigned: Vec<Countersignature>,
}

/// A signature added to an archived version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Countersignature {
    pub by: String,
    pub role: String,
    pub date: chrono::NaiveDate,
    pub certificate_sha256: String,
}

/// The sha256 a manifest is chained by: of its bytes as first archived
/// (kept in a countersigned version's manifest).
pub(crate) fn chained_sha256(manifest_bytes: &[u8]) -> String {
    serde_json::from_slice::<Manifest>(manifest_bytes)
        .ok()
        .and_then(|m| m.archived_manifest_sha256)
        .unwrap_or_else(|| sha256(manifest_bytes))
}

impl Manifest {
    /// Records the HTML companion archived beside the PDF.
    pub fn with_html(mut self, name: &str, html: &[u8]) -> Manifest {
        self.html = Some(name.to_string());
        self.html_sha256 = Some(sha256(html));
        self
    }

    /// The manifest of a pack about to be archived as the version its
    /// sign-off record names.
    pub fn new(period: &str, pdf_name: &str, pdf: &[u8], workbook: &[u8], s: &SignOff) -> Manifest {
        Manifest {
            period: period.to_string(),
            version: s.version,
            pdf: pdf_name.to_string(),
            pdf_sha256: sha256(pdf),
            workbook: s.workbook.clone(),
            workbook_sha256: sha256(workbook),
            layout_sha256: s.layout_sha256.clone(),
            fonts: FACES
                .iter()
                .map(|(name, bytes)| (name.to_string(), sha256(bytes)))
                .collect(),
            tool: s.tool.clone(),
            signed_off_by: s.by.clone(),
            role: s.role.clone(),
            date: s.date,
            reason: s.reason.clone(),
            html: None,
            html_sha256: None,
            previous_manifest_sha256: None,
            layout: None,
            logged: false,
            left_out: s.left_out.clone(),
            archived_manifest_sha256: None,
            countersigned: Vec::new(),
        }
    }

    /// Records the layout's name ([`layout_name`]).
    pub fn with_layout(mut self, layout: &crate::render::document::Layout) -> Manifest {
        self.layout = Some(layout_name(layout));
        self
    }
}

/// A layout as the archive names it: `built-in`, or the name of its folder
/// (of the `.typ` file, for a single file).
pub fn layout_name(layout: &crate::render::document::Layout) -> String {
    if layout.is_builtin() {
        return "built-in".into();
    }
    let path = Path::new(&layout.name);
    let named = if path.file_name().is_some_and(|n| n == "main.typ") {
        path.parent().and_then(Path::file_name)
    } else {
        path.file_name()
    };
    named
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| layout.name.clone())
}

/// Why the archive refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("cannot write to the archive {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the last signed-off pack {} cannot be read: {why}; run `boardpack archive verify --archive {}` and restore it", .path.display(), .archive.display())]
    PreviousUnreadable {
        path: PathBuf,
        archive: PathBuf,
        why: String,
    },
    #[error("there is no archive at {} (no such folder): check the path given by --archive or BOARDPACK_ARCHIVE, and that its drive is connected", .path.display())]
    Missing { path: PathBuf },
    #[error("{period} is already signed off (latest v{latest}); signing it off again makes v{next} and needs --reason saying why")]
    ReasonNeeded {
        period: String,
        latest: u32,
        next: u32,
    },
    #[error("{period} v{version} was archived by another sign-off while this pack was being built (the archive's next version is v{next}): the pack prints its version, so it is not archived; sign off again to make v{next}")]
    VersionTaken {
        period: String,
        version: u32,
        next: u32,
    },
    #[error("{period} v{latest} has no readable manifest ({}), so a new version cannot say what it supersedes: run `boardpack archive verify` and restore the folder", .path.display())]
    LatestUnreadable {
        period: String,
        latest: u32,
        path: PathBuf,
    },
    #[error("{} is a link, not the archive's own file or folder: an archive holds no links; replace it with what it links to, or restore the archive", .path.display())]
    Link { path: PathBuf },
    #[error("{} is missing, but {period} v{version} was entered in it when archived: the log was deleted, and a new one would vouch for whatever is there now; restore it from a copy of the archive, then run `boardpack archive verify`", .path.display())]
    LogDeleted {
        path: PathBuf,
        period: String,
        version: u32,
    },
    #[error("{period} v{version} is not in the archive's log, so it cannot be withdrawn: `boardpack archive list` shows the versions archived")]
    NotArchived { period: String, version: u32 },
    #[error("{period} v{version} was withdrawn already, on {date}: {reason}")]
    AlreadyWithdrawn {
        period: String,
        version: u32,
        date: chrono::NaiveDate,
        reason: String,
    },
    #[error("{period} v{version}'s manifest.json is not the one archived (its sha256 differs from the log's), so it is not withdrawn: run `boardpack archive verify` and restore the folder")]
    ManifestChanged { period: String, version: u32 },
    #[error("{period} has a version v{latest}, the largest number a version can have: no later version can be archived; check the folder {}", .dir.display())]
    VersionsExhausted {
        period: String,
        latest: u32,
        dir: PathBuf,
    },
}

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ArchiveError + '_ {
    move |source| ArchiveError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// `archive` itself, if it is a folder: reading an archive that is not
/// there (a mistyped path, a drive not connected) is an error, never an
/// empty archive.
pub fn existing(archive: &Path) -> Result<&Path, ArchiveError> {
    if archive.is_dir() {
        Ok(archive)
    } else {
        Err(ArchiveError::Missing {
            path: archive.to_path_buf(),
        })
    }
}

/// The archive folder: the flag, else `BOARDPACK_ARCHIVE`, else `archive/`.
pub fn dir(flag: Option<&Path>) -> PathBuf {
    flag.map(Path::to_path_buf)
        .or_else(|| {
            std::env::var_os(ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DIR))
}

/// The version numbers present for a period.
pub(crate) fn versions(period_dir: &Path) -> Result<Vec<u32>, ArchiveError> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(period_dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(io(period_dir)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io(period_dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(n) = version_number(&name) {
            out.push(n);
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// `v7` → 7: a version folder's name, `v` and a number from 1 without
/// leading zeros; anything else is not a version.
pub(crate) fn version_number(name: &str) -> Option<u32> {
    let digits = name.strip_prefix('v')?;
    if digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn sync_dir(path: &Path) -> Result<(), ArchiveError> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(io(path))
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), ArchiveError> {
    use std::io::Write;
    let mut f = std::fs::File::create(path).map_err(io(path))?;
    f.write_all(bytes).map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

/// The number a new sign-off of `period` takes (one after the latest
/// version folder), and the latest version's manifest, which it
/// supersedes.
pub fn next_version(archive: &Path, period: &str) -> Result<(u32, Option<Manifest>), ArchiveError> {
    let period_dir = archive.join(period);
    let latest = versions(&period_dir)?.last().copied().unwrap_or(0);
    let Some(next) = latest.checked_add(1) else {
        return Err(ArchiveError::VersionsExhausted {
            period: period.to_string(),
            latest,
            dir: period_dir,
        });
    };
    if latest == 0 {
        return Ok((next, None));
    }
    let path = period_dir.join(format!("v{latest}")).join("manifest.json");
    let manifest = chain::read_manifest(&path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| ArchiveError::LatestUnreadable {
            period: period.to_string(),
            latest,
            path,
        })?;
    Ok((next, Some(manifest)))
}

/// A pack stored: the archived PDF's path, and the versions found in an
/// archive made before its log, entered in the log started by this store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub pdf: PathBuf,
    pub entered: Vec<(String, u32)>,
}

/// Stores a signed-off pack as the version its manifest names (the pack
/// prints it), which must be the period's next; the version is written
/// read-only and entered in the archive's [`LOG`], under a lock. Signing a
/// period again needs a reason. If another sign-off took the number
/// meanwhile, refuses ([`ArchiveError::VersionTaken`]): the pack cannot be
/// renumbered, it must be built again. In an archive made before the log,
/// the versions there are first entered in a new log, in order.
pub fn store(
    archive: &Path,
    mut manifest: Manifest,
    pdf: &[u8],
    html: Option<&[u8]>,
) -> Result<Stored, ArchiveError> {
    let period_dir = archive.join(&manifest.period);
    std::fs::create_dir_all(&period_dir).map_err(io(&period_dir))?;
    if !chain::is_plain_dir(&period_dir) {
        return Err(ArchiveError::Link { path: period_dir });
    }
    let lock = chain::lock(archive)?;
    let entered = chain::start(archive, &lock)?;
    chain::prepare(archive, &lock)?;
    manifest.logged = true;
    let place = || loop {
        let latest = versions(&period_dir)?.last().copied().unwrap_or(0);
        let Some(next) = latest.checked_add(1) else {
            return Err(ArchiveError::VersionsExhausted {
                period: manifest.period.clone(),
                latest,
                dir: period_dir,
            });
        };
        if latest > 0 && manifest.reason.is_none() {
            return Err(ArchiveError::ReasonNeeded {
                period: manifest.period.clone(),
                latest,
                next,
            });
        }
        if manifest.version != next {
            return Err(ArchiveError::VersionTaken {
                period: manifest.period.clone(),
                version: manifest.version,
                next,
            });
        }
        manifest.previous_manifest_sha256 = match latest {
            0 => None,
            n => {
                let previous = period_dir.join(format!("v{n}")).join("manifest.json");
                Some(chained_sha256(
                    &chain::read_manifest(&previous).map_err(io(&previous))?,
                ))
            }
        };
        let mut builder = tempfile::Builder::new();
        // Its name holds the process: a later run removes it if this one
        // is killed (output::sweep).
        let prefix = output::staging_prefix(output::SIGNING_PREFIX);
        builder.prefix(&prefix);
        // The version folder gets the umask's mode, not a private 0700.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o777));
        let (tmp, _guard) = output::create_staged(|| builder.tempdir_in(&period_dir), |t| t.path())
            .map_err(io(&period_dir))?;
        write_synced(&tmp.path().join(&manifest.pdf), pdf)?;
        if let (Some(name), Some(html)) = (&manifest.html, html) {
            write_synced(&tmp.path().join(name), html)?;
        }
        let json = serde_json::to_vec_pretty(&manifest).expect("manifest serialises");
        write_synced(&tmp.path().join("manifest.json"), &json)?;
        sync_dir(tmp.path())?;
        let target = period_dir.join(format!("v{next}"));
        if std::fs::symlink_metadata(&target).is_ok() {
            // Another sign-off took this number meanwhile: the loop
            // refuses with VersionTaken.
            continue;
        }
        match std::fs::rename(tmp.path(), &target) {
            Ok(()) => {
                // The folder is now the version; nothing to clean up.
                let _ = tmp.keep();
                chain::seal(&target)?;
                sync_dir(&period_dir)?;
                chain::append(archive, &lock, |previous| LogEntry {
                    kind: Kind::Archived,
                    period: manifest.period.clone(),
                    version: next,
                    manifest_sha256: sha256(&json),
                    previous_sha256: previous,
                    date: manifest.date,
                    reason: None,
                    entered_late: false,
                    role: None,
                })?;
                return Ok(target.join(&manifest.pdf));
            }
            Err(_) if std::fs::symlink_metadata(&target).is_ok() => continue,
            Err(e) => return Err(io(&target)(e)),
        }
    };
    match place() {
        Ok(pdf) => Ok(Stored { pdf, entered }),
        Err(e) => {
            // Nothing archived: the log is read-only again.
            chain::reseal_log(archive);
            Err(e)
        }
    }
}

/// Countersigns an archived version: its PDF (signed once more) and its
/// manifest (`manifest`, listing the countersignature) replace the
/// version's, and a `countersigned` line enters the new manifest in the
/// log. The only change ever made to a version folder; the unsigned pack's
/// bytes and the earlier signatures stay, as the start of the new PDF.
pub fn countersign(
    archive: &Path,
    manifest: &Manifest,
    pdf: &[u8],
) -> Result<PathBuf, ArchiveError> {
    let lock = chain::lock(archive)?;
    let dir = archive
        .join(&manifest.period)
        .join(format!("v{}", manifest.version));
    let result = (|| {
        chain::prepare(archive, &lock)?;
        chain::set_mode(&dir, 0o755)?;
        let json = serde_json::to_vec_pretty(manifest).expect("manifest serialises");
        for (name, bytes) in [(manifest.pdf.as_str(), pdf), ("manifest.json", &json[..])] {
            let tmp = dir.join(format!(".countersigning-{name}"));
            write_synced(&tmp, bytes)?;
            std::fs::rename(&tmp, dir.join(name)).map_err(io(&dir))?;
        }
        sync_dir(&dir)?;
        chain::append(archive, &lock, |previous| LogEntry {
            kind: Kind::Countersigned,
            period: manifest.period.clone(),
            version: manifest.version,
            manifest_sha256: sha256(&json),
            previous_sha256: previous,
            date: manifest
                .countersigned
                .last()
                .map(|c| c.date)
                .unwrap_or(manifest.date),
            reason: None,
            entered_late: false,
            role: manifest.countersigned.last().map(|c| c.role.clone()),
        })?;
        Ok(dir.join(&manifest.pdf))
    })();
    let _ = chain::seal(&dir);
    if result.is_err() {
        chain::reseal_log(archive);
    }
    result
}

/// Withdraws an archived version: appends a withdrawal, with its reason and
/// date, to the archive's log. The version stays as it was archived; `archive
/// list` marks it withdrawn and `verify` of its pack says so. In an archive
/// made before the log, the log is started first (as by [`store`]); returns
/// the versions so entered.
pub fn withdraw(
    archive: &Path,
    period: &str,
    version: u32,
    reason: &str,
    date: chrono::NaiveDate,
) -> Result<Vec<(String, u32)>, ArchiveError> {
    let lock = chain::lock(archive)?;
    let entered = chain::start(archive, &lock)?;
    let log = chain::read(archive)?;
    let key = (period.to_string(), version);
    let Some((_, archived_sha)) = log.archived.get(&key) else {
        return Err(ArchiveError::NotArchived {
            period: period.into(),
            version,
        });
    };
    if let Some(w) = log.withdrawn.get(&key) {
        return Err(ArchiveError::AlreadyWithdrawn {
            period: period.into(),
            version,
            date: w.date,
            reason: w.reason.clone(),
        });
    }
    let manifest = archive
        .join(period)
        .join(format!("v{version}"))
        .join("manifest.json");
    let found = chain::read_manifest(&manifest).map(|b| sha256(&b)).ok();
    if found.as_ref() != Some(archived_sha) {
        return Err(ArchiveError::ManifestChanged {
            period: period.into(),
            version,
        });
    }
    chain::append(archive, &lock, |previous| LogEntry {
        kind: Kind::Withdrawn,
        period: period.into(),
        version,
        manifest_sha256: archived_sha.clone(),
        previous_sha256: previous,
        date,
        reason: Some(reason.to_string()),
        entered_late: false,
        role: None,
    })?;
    Ok(entered)
}

/// Whether a manifest's file name is a plain name of a file in its own
/// version folder: not empty, no slash or backslash, not `.` or `..`, no NUL.
pub fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !Path::new(name).is_absolute()
}

/// One archived version, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: PathBuf,
    pub manifest: Manifest,
    /// When and why it was withdrawn, if it was (the archive's log says).
    pub withdrawn: Option<Withdrawal>,
}

/// The period folders of an archive, in order.
pub(crate) fn periods(archive: &Path) -> Result<Vec<PathBuf>, ArchiveError> {
    let entries = match std::fs::read_dir(archive) {
        Ok(p) => p,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(archive)(e)),
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| chain::is_plain_dir(p))
        .collect();
    dirs.sort();
    Ok(dirs)
}

/// Every archived version, by period then version, with its withdrawal
/// from the archive's log. Folders without a readable manifest, links, and
/// manifests naming a file outside their folder are skipped (`archive
/// verify` reports them).
pub fn list(archive: &Path) -> Result<Vec<Entry>, ArchiveError> {
    let mut out = Vec::new();
    let mut withdrawn = chain::read(archive)?.withdrawn;
    for pd in periods(archive)? {
        for v in versions(&pd)? {
            let dir = pd.join(format!("v{v}"));
            if !chain::is_plain_dir(&dir) {
                continue;
            }
            let Ok(bytes) = chain::read_manifest(&dir.join("manifest.json")) else {
                continue;
            };
            if let Ok(manifest) = serde_json::from_slice::<Manifest>(&bytes) {
                if !plain_name(&manifest.pdf) {
                    continue;
                }
                let key = (manifest.period.clone(), manifest.version);
                out.push(Entry {
                    path: dir.join(&manifest.pdf),
                    withdrawn: withdrawn.remove(&key),
                    manifest,
                });
            }
        }
    }
    Ok(out)
}

/// The last signed-off pack of a period before `period` (`2016-03`): the
/// latest period's latest version not withdrawn, with the records it
/// carries.
pub fn previous(archive: &Path, period: &str) -> Result<Option<Previous>, ArchiveError> {
    let entries = list(archive)?;
    let Some(last) = entries
        .iter()
        .filter(|e| e.manifest.period.as_str() < period && e.withdrawn.is_none())
        .max_by_key(|e| (e.manifest.period.clone(), e.manifest.version))
    else {
        return Ok(None);
    };
    let unreadable = |why: String| ArchiveError::PreviousUnreadable {
        path: last.path.clone(),
        archive: archive.to_path_buf(),
        why,
    };
    let pdf = chain::read_plain(&last.path).map_err(|e| unreadable(e.to_string()))?;
    // A pack that cannot be read within bounds (a bomb planted in the
    // archive) is an error, never a build without its changes.
    let files = crate::pack::verify::attachments(&pdf).map_err(|e| unreadable(e.to_string()))?;
    let previous = Some(files)
        .and_then(|files| {
            files
                .into_iter()
                .find(|(name, _)| name == crate::pack::signoff::RECORDS_ATTACHMENT)
        })
        .filter(|(_, bytes)| bytes.len() as u64 <= crate::pack::limits::MAX_RECORDS_BYTES)
        .and_then(|(_, bytes)| {
            Previous::from_json(&last.manifest.period, last.manifest.version, bytes)
        });
    Ok(previous)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_inside_an_archive_is_recognised_by_its_log_or_its_versions() {
        let dir = tempfile::tempdir().unwrap();
        let logged = dir.path().join("logged");
        std::fs::create_dir_all(logged.join("2015-12/v1")).unwrap();
        std::fs::write(logged.join(LOG), b"").unwrap();
        let inside = logged.join("2015-12/v1/new/x.pdf");
        assert_eq!(
            enclosing_archive(&inside).as_deref(),
            Some(logged.as_path())
        );

        let old = dir.path().join("old");
        std::fs::create_dir_all(old.join("2015-12/v2")).unwrap();
        std::fs::write(old.join("2015-12/v2/manifest.json"), b"{}").unwrap();
        let pdf = old.join("2015-12/v2/pack.pdf");
        assert_eq!(enclosing_archive(&pdf).as_deref(), Some(old.as_path()));

        // Its period folder and the archive itself are recognised too.
        assert_eq!(
            enclosing_archive(&old.join("2015-12/new.pdf")).as_deref(),
            Some(old.as_path())
        );
        assert_eq!(
            enclosing_archive(&old.join("new.pdf")).as_deref(),
            Some(old.as_path())
        );

        assert_eq!(
            enclosing_archive(&dir.path().join("elsewhere/out.pdf")),
            None
        );
    }
}
