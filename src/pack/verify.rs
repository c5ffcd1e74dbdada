//! Verifying an archived pack: take the workbook and the sign-off record out
//! of the PDF, rebuild the pack, and compare bytes; with a manifest beside
//! the PDF, check its hashes too.

use std::path::Path;

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

/// The files attached to a PDF: (name, bytes), in the PDF's object order.
pub fn attachments(pdf: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let doc = lopdf::Document::load_mem(pdf).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        let is_filespec = dict
            .get(b"Type")
            .and_then(|t| t.as_name())
            .is_ok_and(|n| n == b"Filespec");
        if !is_filespec {
            continue;
        }
        let name = dict
            .get(b"UF")
            .or_else(|_| dict.get(b"F"))
            .and_then(|n| n.as_str())
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .map_err(|e| e.to_string())?;
        // The layout attaches files from its `/attachments/` folder.
        let name = name.rsplit('/').next().unwrap_or(&name).to_string();
        let stream_ref = dict
            .get(b"EF")
            .and_then(|ef| ef.as_dict())
            .and_then(|ef| ef.get(b"F"))
            .and_then(|f| f.as_reference())
            .map_err(|e| e.to_string())?;
        let stream = doc
            .get_object(stream_ref)
            .and_then(|o| o.as_stream())
            .map_err(|e| e.to_string())?;
        let bytes = stream
            .decompressed_content()
            .or_else(|_| Ok::<_, lopdf::Error>(stream.content.clone()))
            .map_err(|e| e.to_string())?;
        out.push((name, bytes));
    }
    Ok(out)
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
    let Some(sign_off) = files
        .iter()
        .find(|(n, _)| n == SIGN_OFF_ATTACHMENT)
        .and_then(|(_, b)| serde_json::from_slice::<SignOff>(b).ok())
    else {
        findings.push(format!(
            "the PDF carries no readable {SIGN_OFF_ATTACHMENT}: it is not a signed-off boardpack pack, or it was changed"
        ));
        return Verdict::Differs(findings);
    };
    let Some((_, workbook)) = files.iter().find(|(n, _)| *n == sign_off.workbook) else {
        findings.push(format!(
            "the PDF was changed: the workbook {} named by its sign-off record is not attached",
            sign_off.workbook
        ));
        return Verdict::Differs(findings);
    };
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
        return Verdict::Differs(findings);
    }
    match build_final(workbook, &sign_off) {
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
    if findings.is_empty() {
        Verdict::Verified
    } else {
        Verdict::Differs(findings)
    }
}

/// Reads `manifest.json` beside a PDF, if there is one.
pub fn manifest_beside(pdf_path: &Path) -> Result<Option<Manifest>, String> {
    let path = pdf_path
        .parent()
        .unwrap_or(Path::new("."))
        .join("manifest.json");
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| format!("{} is not a boardpack manifest: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}
