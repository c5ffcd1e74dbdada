//! The archive's trust list: who may sign off. `trust.pem` at the archive's
//! root holds the trusted certificates (a signer's own, or a certificate
//! authority's, which admits the certificates it issued), each added by
//! `archive trust add` with a line of the archive's log (kind `trusted`,
//! the certificate's sha256, the role it signs off as). Once the list has a
//! certificate, a sign-off must be signed with a key whose certificate
//! chains to it; `archive verify` and `verify` check signers against it.

use std::path::Path;

use chrono::NaiveDate;

use super::chain::{self, Kind, LogEntry, TRUST_PERIOD};
use super::{io, ArchiveError, LOG};
use crate::pack::signature::{Certificate, TrustList};

/// The trust list's file at the archive's root.
pub const TRUST: &str = "trust.pem";

/// Why a certificate was not added.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error(
        "the certificate of {subject} is on the archive's trust list already ({LOG} line {line})"
    )]
    Already { subject: String, line: usize },
    #[error("{}", .0)]
    Archive(#[from] ArchiveError),
    #[error("the archive's trust list is damaged, so nothing is added: {0}; run boardpack archive verify")]
    Damaged(String),
}

/// Adds `cert` to the trust list of `archive`, for `role` (if given), on
/// `date`: appended to `trust.pem` and entered in the log.
pub fn add(
    archive: &Path,
    cert: &Certificate,
    role: Option<&str>,
    date: NaiveDate,
) -> Result<usize, TrustError> {
    let lock = chain::lock(archive)?;
    let (_, problems) = read(archive)?;
    if let Some(p) = problems.first() {
        return Err(TrustError::Damaged(p.clone()));
    }
    let log = chain::read(archive)?;
    if let Some(t) = log
        .trusted
        .iter()
        .find(|t| t.certificate_sha256 == cert.sha256())
    {
        return Err(TrustError::Already {
            subject: cert.subject(),
            line: t.line,
        });
    }
    chain::prepare(archive, &lock)?;
    let path = archive.join(TRUST);
    append_pem(&path, &cert.to_pem())?;
    let number = log.trusted.len() as u32 + 1;
    let appended = chain::append(archive, &lock, |previous| LogEntry {
        kind: Kind::Trusted,
        period: TRUST_PERIOD.into(),
        version: number,
        manifest_sha256: cert.sha256(),
        previous_sha256: previous,
        date,
        reason: None,
        entered_late: false,
        role: role.map(str::to_string),
    });
    if appended.is_err() {
        chain::reseal_log(archive);
    }
    appended?;
    Ok(number as usize)
}

fn append_pem(path: &Path, pem: &str) -> Result<(), ArchiveError> {
    use std::io::Write;
    let exists = std::fs::symlink_metadata(path).is_ok();
    if exists {
        set_writable(path, true)?;
    }
    let written = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .and_then(|mut f| {
            f.write_all(pem.as_bytes())?;
            f.sync_all()
        });
    set_writable(path, false)?;
    written.map_err(io(path))
}

fn set_writable(path: &Path, writable: bool) -> Result<(), ArchiveError> {
    let mut p = std::fs::metadata(path).map_err(io(path))?.permissions();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.set_mode(if writable { 0o644 } else { 0o444 });
    }
    #[cfg(not(unix))]
    #[allow(clippy::permissions_set_readonly_false)]
    p.set_readonly(!writable);
    std::fs::set_permissions(path, p).map_err(io(path))
}

/// The trust list of `archive` (empty when it has none), and what is wrong
/// with it: `trust.pem` and the log must name the same certificates.
pub fn read(archive: &Path) -> Result<(TrustList, Vec<String>), ArchiveError> {
    let log = chain::read(archive)?;
    let path = archive.join(TRUST);
    let mut problems = Vec::new();
    let certs = match std::fs::symlink_metadata(&path) {
        Err(_) => Vec::new(),
        Ok(m) if !m.file_type().is_file() => {
            problems.push(format!(
                "{TRUST} is not a plain file (a link or a folder): restore the archive's own trust list"
            ));
            Vec::new()
        }
        Ok(_) => {
            let bytes = crate::files::read_regular(
                &path,
                "the trust list",
                crate::pack::limits::MAX_MANIFEST_BYTES,
                false,
            )
            .map_err(io(&path))?;
            match Certificate::read_all(&bytes) {
                Ok(c) => c,
                Err(e) => {
                    problems.push(format!(
                        "{TRUST} cannot be read ({e}): it was changed or damaged"
                    ));
                    Vec::new()
                }
            }
        }
    };
    let mut list = TrustList::default();
    for t in &log.trusted {
        match certs.iter().find(|c| c.sha256() == t.certificate_sha256) {
            Some(c) => list.entries.push((c.clone(), t.role.clone())),
            None => problems.push(format!(
                "{LOG} line {} trusts the certificate sha256 {}, which {TRUST} does not hold: the trust list was changed",
                t.line,
                t.certificate_sha256.chars().take(16).collect::<String>()
            )),
        }
    }
    for c in &certs {
        if !log
            .trusted
            .iter()
            .any(|t| t.certificate_sha256 == c.sha256())
        {
            problems.push(format!(
                "{TRUST} holds the certificate of {} (sha256 {}), which the archive's log does not record: it was added by hand, not by archive trust add",
                c.subject(),
                &c.sha256()[..16]
            ));
        }
    }
    Ok((list, problems))
}
