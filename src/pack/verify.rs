//! Verifying an archived pack: take the workbook and the sign-off record out
//! of the PDF, rebuild the pack, and compare bytes; with a manifest beside
//! the PDF, check its hashes too.

use std::path::{Path, PathBuf};

use crate::input::limits::InputLimits;
use crate::pack::archive::{periods, versions, ArchiveError, Manifest};
use crate::pack::signoff::{
    build_final_within, sha256, tool_version, SignOff, LAYOUT_ATTACHMENT, RECORDS_ATTACHMENT,
    SIGN_OFF_ATTACHMENT,
};
use crate::render::document::{Layout, DASHBOARD_LAYOUT};
use crate::render::fonts::FACES;

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The PDF is exactly what its workbook and sign-off build.
    Verified,
    /// What differs, one finding per line.
    Differs(Vec<String>),
}

/// The most an attachment may inflate to: far above any real workbook or
/// records, low enough that a hostile pack cannot exhaust memory.
pub const MAX_ATTACHMENT_BYTES: u64 = 256 * 1024 * 1024;

/// Why a PDF's attachments could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    #[error("{0}")]
    Pdf(#[from] lopdf::Error),
    #[error("the attachment {name} inflates to more than {MAX_ATTACHMENT_BYTES} bytes")]
    TooLarge { name: String },
    #[error("the attachment {name} cannot be inflated: {source}")]
    Inflate {
        name: String,
        #[source]
        source: std::io::Error,
    },
}

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
    let bytes = inflate(&name, stream)?;
    Ok((name, bytes))
}

/// An embedded file's bytes: inflated as a stream, counting, and refused
/// past [`MAX_ATTACHMENT_BYTES`] whatever its dictionary declares.
fn inflate(name: &str, stream: &lopdf::Stream) -> Result<Vec<u8>, AttachmentError> {
    use std::io::Read;
    let flate = stream.dict.get(b"Filter").ok().and_then(|f| match f {
        lopdf::Object::Name(n) => Some(n.as_slice() == b"FlateDecode"),
        lopdf::Object::Array(a) => {
            Some(a.len() == 1 && a[0].as_name().ok() == Some(b"FlateDecode"))
        }
        _ => None,
    });
    let mut out = Vec::new();
    let read = match flate {
        Some(true) => flate2::read::ZlibDecoder::new(stream.content.as_slice())
            .take(MAX_ATTACHMENT_BYTES + 1)
            .read_to_end(&mut out),
        _ => {
            out.extend_from_slice(&stream.content);
            Ok(out.len())
        }
    };
    read.map_err(|source| AttachmentError::Inflate {
        name: name.to_string(),
        source,
    })?;
    if out.len() as u64 > MAX_ATTACHMENT_BYTES {
        return Err(AttachmentError::TooLarge {
            name: name.to_string(),
        });
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
    match signed_inputs(&files) {
        Ok((sign_off, workbook)) => {
            if let Some(m) = manifest {
                findings.extend(manifest_mismatches(m, &sign_off, &files));
            }
            findings.extend(check_inputs(pdf, &sign_off, (workbook, &files), manifest));
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

/// Every field of the manifest that the PDF's own sign-off record (and its
/// records) say otherwise: a manifest edited after archiving.
fn manifest_mismatches(m: &Manifest, s: &SignOff, files: &[(String, Vec<u8>)]) -> Vec<String> {
    let period = files
        .iter()
        .find(|(n, _)| n == RECORDS_ATTACHMENT)
        .and_then(|(_, b)| serde_json::from_slice::<serde_json::Value>(b).ok())
        .and_then(|r| {
            r["report"]["period_end"]
                .as_str()
                .map(|p| p.chars().take(7).collect::<String>())
        });
    let (manifest_date, pack_date) = (m.date.to_string(), s.date.to_string());
    let (manifest_left, pack_left) = (m.left_out.join("; "), s.left_out.join("; "));
    let pairs: [(&str, Option<&str>, Option<&str>); 9] = [
        ("signed_off_by", Some(&m.signed_off_by), Some(&s.by)),
        ("role", Some(&m.role), Some(&s.role)),
        ("date", Some(&manifest_date), Some(&pack_date)),
        ("reason", m.reason.as_deref(), s.reason.as_deref()),
        ("workbook", Some(&m.workbook), Some(&s.workbook)),
        ("tool", Some(&m.tool), Some(&s.tool)),
        (
            "layout_sha256",
            Some(&m.layout_sha256),
            Some(&s.layout_sha256),
        ),
        ("period", Some(&m.period), period.as_deref()),
        ("left_out", Some(&manifest_left), Some(&pack_left)),
    ];
    pairs
        .iter()
        .filter(|(_, manifest, pack)| manifest != pack)
        .map(|(name, manifest, pack)| {
            format!(
                "the manifest was changed: its {name} is {}, the pack's sign-off record says {}",
                shown(*manifest),
                shown(*pack)
            )
        })
        .collect()
}

fn shown(v: Option<&str>) -> String {
    v.map(|v| format!("{v:?}"))
        .unwrap_or_else(|| "nothing".into())
}

/// Checks the carried workbook against the manifest, and the PDF against
/// a rebuild from its workbook and sign-off.
fn check_inputs(
    pdf: &[u8],
    sign_off: &SignOff,
    (workbook, files): (&[u8], &[(String, Vec<u8>)]),
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
    if let Some(m) = manifest {
        findings.extend(font_findings(m));
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
    let layout = match attached_layout(sign_off, files) {
        Ok(layout) => layout,
        Err(finding) => {
            findings.push(finding);
            return findings;
        }
    };
    match build_final_within(workbook, sign_off, &layout, &InputLimits::default()) {
        Ok(rebuilt) if rebuilt.pdf == pdf => {}
        Ok(rebuilt) => {
            let at = rebuilt
                .pdf
                .iter()
                .zip(pdf)
                .position(|(a, b)| a != b)
                .unwrap_or(rebuilt.pdf.len().min(pdf.len()));
            findings.push(format!(
                "the PDF was changed: rebuilding it from its attached workbook, layout and sign-off gives different bytes (first difference at byte {at}; {} bytes rebuilt, {} found)",
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

/// The layout the pack was built with: the built-in one, or the attached
/// bundle; a finding naming the layout when the bundle is not the one the
/// sign-off record names (changed, swapped or missing).
fn attached_layout(sign_off: &SignOff, files: &[(String, Vec<u8>)]) -> Result<Layout, String> {
    let bundle = files.iter().find(|(n, _)| n == LAYOUT_ATTACHMENT);
    let builtin = sha256(DASHBOARD_LAYOUT.as_bytes());
    let Some((_, bytes)) = bundle else {
        if sign_off.layout_sha256 == builtin {
            return Ok(Layout::default());
        }
        return Err(format!(
            "the layout differs: the sign-off record names a layout with sha256 {}, but the PDF carries no {LAYOUT_ATTACHMENT}",
            short(&sign_off.layout_sha256)
        ));
    };
    let found = sha256(bytes);
    if found != sign_off.layout_sha256 {
        return Err(format!(
            "the layout differs: the attached {LAYOUT_ATTACHMENT} has sha256 {}, the sign-off record says {}: the layout (main.typ or one of its files) was changed",
            short(&found),
            short(&sign_off.layout_sha256)
        ));
    }
    Layout::from_bundle(LAYOUT_ATTACHMENT, bytes).map_err(|e| format!("the layout differs: {e}"))
}

/// The fonts this build embeds against those the manifest recorded.
fn font_findings(m: &Manifest) -> Vec<String> {
    let ours: Vec<(String, String)> = FACES
        .iter()
        .map(|(name, bytes)| (name.to_string(), sha256(bytes)))
        .collect();
    if ours == m.fonts {
        return Vec::new();
    }
    let recorded: Vec<&str> = m
        .fonts
        .iter()
        .filter(|f| !ours.contains(f))
        .map(|(n, _)| n.as_str())
        .collect();
    let built: Vec<&str> = ours
        .iter()
        .filter(|f| !m.fonts.contains(f))
        .map(|(n, _)| n.as_str())
        .collect();
    vec![format!(
        "the fonts differ: the manifest recorded {} that this build does not embed, and this build embeds {} that it did not record; verify it with {}",
        shown_list(&recorded),
        shown_list(&built),
        m.tool
    )]
}

fn shown_list(names: &[&str]) -> String {
    if names.is_empty() {
        "no font".into()
    } else {
        names.join(", ")
    }
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

/// Checks a whole archive: in each period the versions run v1, v2, … with
/// none missing; each has a readable manifest whose period and version are
/// its folder's; each manifest holds the hash of the one before it (so a
/// deleted, replaced or reordered version is found); and each PDF
/// verifies against its manifest. Returns the findings, one per line, each
/// naming its version; none means the archive is whole.
pub fn verify_archive(archive: &Path) -> Result<Vec<String>, ArchiveError> {
    let mut findings = Vec::new();
    for period_dir in periods(archive)? {
        let period = period_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut previous: Option<Vec<u8>> = None;
        for (i, v) in versions(&period_dir)?.into_iter().enumerate() {
            let expected = i as u32 + 1;
            if v != expected {
                findings.push(format!(
                    "{period}: v{expected} is missing (the next folder is v{v}): a version was deleted or renamed"
                ));
            }
            let dir = period_dir.join(format!("v{v}"));
            findings.extend(
                check_version(&dir, &period, v, previous.as_deref())
                    .into_iter()
                    .map(|f| format!("{period} v{v}: {f}")),
            );
            previous = std::fs::read(dir.join("manifest.json")).ok();
        }
    }
    Ok(findings)
}

/// One version folder: its manifest, its place in the chain, its PDF.
fn check_version(dir: &Path, period: &str, v: u32, previous: Option<&[u8]>) -> Vec<String> {
    let bytes = match std::fs::read(dir.join("manifest.json")) {
        Ok(b) => b,
        Err(_) => return vec!["no manifest.json: the version cannot be verified".into()],
    };
    let Ok(m) = serde_json::from_slice::<Manifest>(&bytes) else {
        return vec!["manifest.json is not a boardpack manifest".into()];
    };
    let mut findings = Vec::new();
    if m.period != period || m.version != v {
        findings.push(format!(
            "the manifest says {} v{}: it was moved or changed",
            m.period, m.version
        ));
    }
    let chained = previous.map(sha256);
    if m.previous_manifest_sha256 != chained {
        findings.push(match chained {
            None => "the manifest names a previous version, but this is the first: versions were removed or reordered".into(),
            Some(_) => "the manifest does not hold the hash of the previous version's manifest: a version before it was replaced, removed or reordered".into(),
        });
    }
    match std::fs::read(dir.join(&m.pdf)) {
        Ok(pdf) => {
            if let Verdict::Differs(f) = verify(&pdf, Some(&m)) {
                findings.extend(f);
            }
        }
        Err(e) => findings.push(format!("cannot read {}: {e}", m.pdf)),
    }
    findings.extend(html_finding(dir, &m));
    findings
}

/// The HTML companion archived beside a PDF, against its manifest's hash.
pub fn html_finding(dir: &Path, m: &Manifest) -> Option<String> {
    let (name, expected) = (m.html.as_ref()?, m.html_sha256.as_ref()?);
    match std::fs::read(dir.join(name)) {
        Ok(bytes) if sha256(&bytes) == *expected => None,
        Ok(bytes) => Some(format!(
            "the HTML page {name} was changed: its sha256 is {}, the manifest recorded {}",
            short(&sha256(&bytes)),
            short(expected)
        )),
        Err(e) => Some(format!("cannot read the HTML page {name}: {e}")),
    }
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}
