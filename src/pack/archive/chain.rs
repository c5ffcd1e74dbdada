//! The archive's log ([`LOG`], `archive-log.jsonl` at its root): one JSON
//! line per event — a version archived, a version withdrawn — each holding
//! the sha256 of the version's `manifest.json` and of the line before it.
//! The lines chain every version of every period in the order they were
//! archived, so a version or period deleted, a line removed, reordered,
//! duplicated or inserted, or a version folder added by hand, no longer
//! agrees with the log. Appended under a lock on the archive's folder.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{io, periods, versions, ArchiveError, Manifest, LOG};
use crate::pack::signoff::sha256;

/// What a line of the log says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The version was archived (signed off).
    Archived,
    /// The version was withdrawn: it stays, marked withdrawn.
    Withdrawn,
    /// The version was countersigned: its PDF carries one more signature,
    /// and `manifest_sha256` is its new manifest's.
    Countersigned,
    /// A certificate was added to the archive's trust list (`trust.pem`):
    /// `period` is `trust`, `version` the entry's number from 1, and
    /// `manifest_sha256` the certificate's sha256.
    Trusted,
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogEntry {
    pub kind: Kind,
    /// `2015-12`.
    pub period: String,
    pub version: u32,
    /// sha256 of the version's `manifest.json`, as archived.
    pub manifest_sha256: String,
    /// sha256 of the line before (without its newline); null on the first.
    pub previous_sha256: Option<String>,
    /// The sign-off date (archived) or the day it was withdrawn.
    pub date: NaiveDate,
    /// Why it was withdrawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Entered when the log was started in an archive made before it: the
    /// log vouches for the version as it was found then.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub entered_late: bool,
    /// The role a trusted certificate signs off as (`Trusted`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// The `period` of a trust list line.
pub const TRUST_PERIOD: &str = "trust";

/// A certificate on the archive's trust list, as the log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trusted {
    /// Its line in the log, from 1.
    pub line: usize,
    pub certificate_sha256: String,
    pub role: Option<String>,
    pub date: NaiveDate,
}

/// A withdrawal, as the log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    pub date: NaiveDate,
    pub reason: String,
    /// Its line in the log, from 1.
    pub line: usize,
}

/// The log read and its chain checked.
#[derive(Debug, Default)]
pub struct Chain {
    /// The log is there.
    pub exists: bool,
    /// What is wrong with the log itself, one finding each.
    pub findings: Vec<String>,
    /// (period, version) → (its line, the sha256 of its manifest).
    pub archived: BTreeMap<(String, u32), (usize, String)>,
    pub withdrawn: BTreeMap<(String, u32), Withdrawal>,
    /// sha256 of the last line: write it down outside the archive to find
    /// later lines removed together with their versions.
    pub head: Option<String>,
    /// How many lines the log has.
    pub lines: usize,
    /// The trust list's certificates, in the order they were added.
    pub trusted: Vec<Trusted>,
}

fn finding(line: usize, e: &LogEntry, what: &str) -> String {
    format!("{} v{}: {LOG} line {line} {what}", e.period, e.version)
}

/// Reads the log of `archive` and checks its chain: each line a log entry
/// holding the hash of the line before; each version archived once, its
/// period's next; each withdrawal of a version archived before, once.
pub fn read(archive: &Path) -> Result<Chain, ArchiveError> {
    let path = archive.join(LOG);
    let mut chain = Chain::default();
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(chain),
        Err(e) => return Err(io(&path)(e)),
    };
    chain.exists = true;
    if !meta.file_type().is_file() {
        chain.findings.push(format!(
            "{LOG} is not a plain file (a link or a folder): it was replaced; restore the archive's own log"
        ));
        return Ok(chain);
    }
    let bytes = read_log(&path)?;
    let Ok(text) = String::from_utf8(bytes) else {
        chain.findings.push(format!(
            "{LOG} is not UTF-8 text: it was changed or damaged"
        ));
        return Ok(chain);
    };
    let mut previous: Option<String> = None;
    let mut latest: BTreeMap<String, u32> = BTreeMap::new();
    for (i, piece) in text.split_inclusive('\n').enumerate() {
        let n = i + 1;
        chain.lines = n;
        let line = piece.strip_suffix('\n').unwrap_or(piece);
        let hash = sha256(line.as_bytes());
        let entry = match serde_json::from_str::<LogEntry>(line) {
            Ok(e) => e,
            Err(e) => {
                chain.findings.push(format!(
                    "{LOG} line {n} is not a log entry ({e}): the log was changed or damaged"
                ));
                previous = Some(hash);
                continue;
            }
        };
        if !piece.ends_with('\n') {
            chain.findings.push(finding(
                n,
                &entry,
                "does not end its line: it was cut short or changed",
            ));
        }
        if entry.previous_sha256 != previous {
            chain.findings.push(finding(
                n,
                &entry,
                &match n {
                    1 => "names a line before it, but it is the first: lines before it were removed".to_string(),
                    _ => format!("does not hold the hash of line {}: a line was removed, reordered, inserted, duplicated or changed", n - 1),
                },
            ));
        }
        let key = (entry.period.clone(), entry.version);
        match entry.kind {
            Kind::Countersigned => match chain.archived.get_mut(&key) {
                None => chain.findings.push(finding(
                    n,
                    &entry,
                    "countersigns it, but no line before archives it: lines were removed, reordered or inserted",
                )),
                Some((_, m)) => *m = entry.manifest_sha256.clone(),
            },
            Kind::Trusted => {
                let next = chain.trusted.len() as u32 + 1;
                if entry.period != TRUST_PERIOD || entry.version != next {
                    chain.findings.push(format!(
                        "{LOG} line {n} adds trust list entry {} {}, but the trust list's next entry was {next}: lines were removed, reordered or inserted",
                        entry.period, entry.version
                    ));
                }
                if let Some(t) = chain
                    .trusted
                    .iter()
                    .find(|t| t.certificate_sha256 == entry.manifest_sha256)
                {
                    chain.findings.push(format!(
                        "{LOG} line {n} trusts a certificate line {} trusted already: a line was duplicated",
                        t.line
                    ));
                } else {
                    chain.trusted.push(Trusted {
                        line: n,
                        certificate_sha256: entry.manifest_sha256.clone(),
                        role: entry.role.clone(),
                        date: entry.date,
                    });
                }
            }
            Kind::Archived => {
                if let Some((first, _)) = chain.archived.get(&key) {
                    chain.findings.push(finding(
                        n,
                        &entry,
                        &format!("archives it again (line {first} did): a line was duplicated"),
                    ));
                } else {
                    let next = latest.get(&entry.period).copied().unwrap_or(0) + 1;
                    if entry.version != next {
                        chain.findings.push(finding(
                            n,
                            &entry,
                            &format!("archives it, but the period's next version was v{next}: lines were removed, reordered or inserted"),
                        ));
                    }
                    let top = latest.entry(entry.period.clone()).or_insert(0);
                    *top = (*top).max(entry.version);
                    chain
                        .archived
                        .insert(key, (n, entry.manifest_sha256.clone()));
                }
            }
            Kind::Withdrawn => match chain.archived.get(&key) {
                None => chain.findings.push(finding(
                    n,
                    &entry,
                    "withdraws it, but no line before archives it: lines were removed, reordered or inserted",
                )),
                Some((_, m)) if *m != entry.manifest_sha256 => chain.findings.push(finding(
                    n,
                    &entry,
                    "withdraws it naming another manifest than the one archived: the line was changed",
                )),
                Some(_) => {
                    if let Some(w) = chain.withdrawn.get(&key) {
                        chain.findings.push(finding(
                            n,
                            &entry,
                            &format!("withdraws it again (line {} did): a line was duplicated", w.line),
                        ));
                    } else {
                        chain.withdrawn.insert(
                            key,
                            Withdrawal {
                                date: entry.date,
                                reason: entry.reason.clone().unwrap_or_default(),
                                line: n,
                            },
                        );
                    }
                }
            },
        }
        previous = Some(hash);
    }
    chain.head = previous;
    Ok(chain)
}

/// An exclusive lock on the archive, held while its log is appended to (and
/// while a version is stored): released when dropped.
pub(crate) struct Lock(#[allow(dead_code)] std::fs::File);

/// Locks `archive` (its folder, with `flock`): two sign-offs at once take
/// turns.
pub(crate) fn lock(archive: &Path) -> Result<Lock, ArchiveError> {
    let f = std::fs::File::open(archive).map_err(io(archive))?;
    f.lock().map_err(io(archive))?;
    Ok(Lock(f))
}

/// Appends one entry (made from the hash of the log's last line) to the
/// log, under the caller's [`Lock`]; the log stays read-only between
/// appends.
pub(crate) fn append(
    archive: &Path,
    _lock: &Lock,
    make: impl FnOnce(Option<String>) -> LogEntry,
) -> Result<LogEntry, ArchiveError> {
    use std::io::Write;
    let path = archive.join(LOG);
    let existing = match std::fs::symlink_metadata(&path) {
        Ok(m) if !m.file_type().is_file() => {
            return Err(ArchiveError::Link { path });
        }
        Ok(_) => Some(read_log(&path)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(&path)(e)),
    };
    let mut text = String::new();
    let previous = match &existing {
        Some(bytes) if !bytes.is_empty() => {
            let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
            if !bytes.ends_with(b"\n") {
                // A line cut short stays a line of its own (and a finding).
                text.push('\n');
            }
            let last = body.rsplit(|b| *b == b'\n').next().unwrap_or(body);
            Some(sha256(last))
        }
        _ => None,
    };
    let entry = make(previous);
    text.push_str(&serde_json::to_string(&entry).expect("a log entry serialises"));
    text.push('\n');
    let mut options = std::fs::OpenOptions::new();
    options.append(true);
    if existing.is_none() {
        options.create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o444);
    } else {
        set_mode(&path, 0o644)?;
    }
    let written = options.open(&path).and_then(|mut f| {
        f.write_all(text.as_bytes())?;
        f.sync_all()
    });
    set_mode(&path, 0o444)?;
    written.map_err(io(&path))?;
    if existing.is_none() {
        super::sync_dir(archive)?;
    }
    Ok(entry)
}

/// Checks, before a version is put in place, that the log can be appended
/// to (it is ours to make writable for the append), so that a version is
/// not archived that the log could not record.
pub(crate) fn prepare(archive: &Path, _lock: &Lock) -> Result<(), ArchiveError> {
    let path = archive.join(LOG);
    match std::fs::symlink_metadata(&path) {
        Ok(m) if !m.file_type().is_file() => Err(ArchiveError::Link { path }),
        Ok(_) => set_mode(&path, 0o644),
        Err(_) => Ok(()),
    }
}

/// Makes the log read-only again after [`prepare`] when nothing was
/// appended (best effort).
pub(crate) fn reseal_log(archive: &Path) {
    let path = archive.join(LOG);
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file()) {
        let _ = set_mode(&path, 0o444);
    }
}

/// Starts the log of an archive made before it (versions there, no log):
/// enters every readable version, period by period, in order, as found;
/// makes them read-only; returns them. Nothing when the log is there.
pub(crate) fn start(archive: &Path, lock: &Lock) -> Result<Vec<(String, u32)>, ArchiveError> {
    if std::fs::symlink_metadata(archive.join(LOG)).is_ok() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for pd in periods(archive)? {
        let period = pd
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for v in versions(&pd)? {
            let dir = pd.join(format!("v{v}"));
            if !is_plain_dir(&dir) {
                continue;
            }
            let Ok(bytes) = read_manifest(&dir.join("manifest.json")) else {
                continue;
            };
            let Ok(m) = serde_json::from_slice::<Manifest>(&bytes) else {
                continue;
            };
            if m.logged {
                // The log was deleted: a new one would vouch for whatever
                // is there now.
                return Err(ArchiveError::LogDeleted {
                    path: archive.join(LOG),
                    period: m.period,
                    version: v,
                });
            }
            found.push((dir, period.clone(), v, bytes, m.date));
        }
    }
    let mut entered = Vec::new();
    for (dir, period, v, bytes, date) in found {
        append(archive, lock, |previous| LogEntry {
            kind: Kind::Archived,
            period: period.clone(),
            version: v,
            manifest_sha256: sha256(&bytes),
            previous_sha256: previous,
            date,
            reason: None,
            entered_late: true,
            role: None,
        })?;
        // Best effort: in a shared archive, another user's files may not
        // be ours to change; the log is what vouches for them.
        let _ = seal(&dir);
        entered.push((period, v));
    }
    Ok(entered)
}

/// Whether `path` is a folder itself, not a link to one.
pub(crate) fn is_plain_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_dir())
}

/// Reads the log, refused over
/// [`MAX_LOG_BYTES`](crate::pack::limits::MAX_LOG_BYTES) before it is read.
fn read_log(path: &Path) -> Result<Vec<u8>, ArchiveError> {
    use crate::pack::limits::{read_within, MAX_LOG_BYTES};
    read_within(
        path,
        &format!("the archive's log {LOG}"),
        MAX_LOG_BYTES,
        false,
    )
    .map_err(io(path))
}

/// Reads a version's `manifest.json`, itself a file (never through a
/// link), refused over [`MAX_MANIFEST_BYTES`](crate::pack::limits::MAX_MANIFEST_BYTES).
pub(crate) fn read_manifest(path: &Path) -> std::io::Result<Vec<u8>> {
    use crate::pack::limits::{read_within, MAX_MANIFEST_BYTES};
    read_within(path, "the manifest", MAX_MANIFEST_BYTES, false)
}

/// Reads a file of the archive (a PDF, an HTML page) that is itself a
/// file, never through a link, refused over
/// [`MAX_PDF_BYTES`](crate::pack::limits::MAX_PDF_BYTES) before it is read.
pub(crate) fn read_plain(path: &Path) -> std::io::Result<Vec<u8>> {
    use crate::pack::limits::{read_within, MAX_PDF_BYTES};
    let what = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    read_within(path, &what, MAX_PDF_BYTES, false)
}

pub(crate) fn set_mode(path: &Path, mode: u32) -> Result<(), ArchiveError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(io(path))
    }
    #[cfg(not(unix))]
    {
        let mut p = std::fs::metadata(path).map_err(io(path))?.permissions();
        p.set_readonly(mode & 0o200 == 0);
        std::fs::set_permissions(path, p).map_err(io(path))
    }
}

/// Makes a complete version folder read-only: its files 0444, the folder
/// 0555 (links are left alone; `archive verify` reports them).
pub(crate) fn seal(dir: &Path) -> Result<(), ArchiveError> {
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        if entry.file_type().map_err(io(dir))?.is_file() {
            set_mode(&entry.path(), 0o444)?;
        }
    }
    set_mode(dir, 0o555)
}
