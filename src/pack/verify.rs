//! Verifying an archived pack: take the workbook and the sign-off record out
//! of the PDF, rebuild the pack, and compare bytes; with a manifest beside
//! the PDF, check its hashes too.

use std::path::{Path, PathBuf};

use crate::pack::archive::Manifest;
use crate::pack::signoff::{build_final, sha256, tool_version, SignOff, SIGN_OFF_ATTACHMENT};

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The PDF is exactly what its workbook and sign-off build.
    Verified,
    /// What differs, one finding per line.
    Differs(Vec<String>),
}

/// Why a PDF's attachments could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct AttachmentError(#[from] lopdf::Error);

/// Why the manifest beside a PDF could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("{} is not a boardpack manifest: {source}", .path.display())]
    NotAManifest {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("cannot read {}: {source}", .path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The files attached to a PDF: (name, bytes), in the PDF's object order.
pub fn attachments(pdf: &[u8]) -> Result<Vec<(String, Vec<u8>)>, AttachmentError> {
    let doc = lopdf::Document::load_mem(pdf)?;
    let mut out = Vec::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        let is_filespec = dict
            .get(b"Type")
            .and_then(|t| t.as_name())
            .is_ok_and(|n| n == b"Filespec");
        if is_filespec {
            out.push(attachment(&doc, dict)?);
        }
    }
    Ok(out)
}

/// One embedded file: its name (without the layout's `/attachments/`
/// folder) and its bytes.
fn attachment(
    doc: &lopdf::Document,
    filespec: &lopdf::Dictionary,
) -> Result<(String, Vec<u8>), AttachmentError> {
    let name = filespec
        .get(b"UF")
        .or_else(|_| filespec.get(b"F"))
        .and_then(|n| n.as_str())
        .map(|s| String::from_utf8_lossy(s).into_owned())?;
    let name = name.rsplit('/').next().unwrap_or(&name).to_string();
    let stream_ref = filespec
        .get(b"EF")
        .and_then(|ef| ef.as_dict())
        .and_then(|ef| ef.get(b"F"))
        .and_then(|f| f.as_reference())?;
    let stream = doc.get_object(stream_ref).and_then(|o| o.as_stream())?;
    let bytes = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    Ok((name, bytes))
}

/// Verifies a pack's bytes, and against its manifest when one is given.
pub fn verify(pdf: &[u8], manifest: Option<&Manifest>) -> Verdict {
    let mut findings = Vec::new();
    if let Some(m) = manifest {
        if sha256(pdf) != m.pdf_sha256 {
            findings.push(format!(
                "the PDF was changed: its sha256 is {}, the manifest recorded {} when v{} was archived",
                short(&sha256(pdf)),
                short(&m.pdf_sha256),
                m.version
            ));
        }
    }
    let files = match attachments(pdf) {
        Ok(f) => f,
        Err(e) => {
            findings.push(format!(
                "the PDF was changed or damaged: its attachments cannot be read ({e})"
            ));
            return Verdict::Differs(findings);
        }
    };
    match signed_inputs(&files) {
        Ok((sign_off, workbook)) => {
            findings.extend(check_inputs(pdf, &sign_off, workbook, manifest));
        }
        Err(finding) => findings.push(finding),
    }
    if findings.is_empty() {
        Verdict::Verified
    } else {
        Verdict::Differs(findings)
    }
}

/// The sign-off record and the workbook a pack carries, or the finding
/// that says which is missing.
fn signed_inputs(files: &[(String, Vec<u8>)]) -> Result<(SignOff, &[u8]), String> {
    let Some(sign_off) = files
        .iter()
        .find(|(n, _)| n == SIGN_OFF_ATTACHMENT)
        .and_then(|(_, b)| serde_json::from_slice::<SignOff>(b).ok())
    else {
        return Err(format!(
            "the PDF carries no readable {SIGN_OFF_ATTACHMENT}: it is not a signed-off boardpack pack, or it was changed"
        ));
    };
    match files.iter().find(|(n, _)| *n == sign_off.workbook) {
        Some((_, workbook)) => Ok((sign_off, workbook)),
        None => Err(format!(
            "the PDF was changed: the workbook {} named by its sign-off record is not attached",
            sign_off.workbook
        )),
    }
}

/// Checks the carried workbook against the manifest, and the PDF against
/// a rebuild from its workbook and sign-off.
fn check_inputs(
    pdf: &[u8],
    sign_off: &SignOff,
    workbook: &[u8],
    manifest: Option<&Manifest>,
) -> Vec<String> {
    let mut findings = Vec::new();
    if let Some(m) = manifest {
        if sha256(workbook) != m.workbook_sha256 {
            findings.push(format!(
                "the workbook was changed: the attached {} has sha256 {}, the manifest recorded {}",
                sign_off.workbook,
                short(&sha256(workbook)),
                short(&m.workbook_sha256)
            ));
        }
    }
    if sign_off.tool != tool_version() {
        findings.push(format!(
            "built by another version of boardpack: the pack was made by {}, this is {}; verify it with {}",
            sign_off.tool,
            tool_version(),
            sign_off.tool
        ));
        return findings;
    }
    match build_final(workbook, sign_off) {
        Ok(rebuilt) if rebuilt.pdf == pdf => {}
        Ok(rebuilt) => {
            let at = rebuilt
                .pdf
                .iter()
                .zip(pdf)
                .position(|(a, b)| a != b)
                .unwrap_or(rebuilt.pdf.len().min(pdf.len()));
            findings.push(format!(
                "the PDF was changed: rebuilding it from its attached workbook and sign-off gives different bytes (first difference at byte {at}; {} bytes rebuilt, {} found)",
                rebuilt.pdf.len(),
                pdf.len()
            ));
        }
        Err(e) => findings.push(format!(
            "the attached workbook no longer builds, so the PDF was changed: {e}"
        )),
    }
    findings
}

/// Reads `manifest.json` beside a PDF, if there is one.
pub fn manifest_beside(pdf_path: &Path) -> Result<Option<Manifest>, ManifestError> {
    let path = pdf_path
        .parent()
        .unwrap_or(Path::new("."))
        .join("manifest.json");
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|source| ManifestError::NotAManifest { path, source }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ManifestError::Unreadable { path, source }),
    }
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}
