//! Verifying an archived pack: take the workbook and the sign-off record out
//! of the PDF, rebuild the pack, and compare bytes; with a manifest beside
//! the PDF, check its hashes too.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::compute::changes::Previous;
use crate::input::limits::InputLimits;
use crate::pack::archive::{
    chain, enclosing_archive, io, periods, plain_name, version_number, versions, ArchiveError,
    Manifest, Withdrawal, LOG,
};
use crate::pack::signature::{self, TrustList};
use crate::pack::signoff::{
    build_final_since, sha256, tool_version, SignOff, LAYOUT_ATTACHMENT, PREVIOUS_ATTACHMENT,
    RECORDS_ATTACHMENT, SIGN_OFF_ATTACHMENT,
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
    #[error("the PDF's {what} inflate to more than {max} bytes (a boardpack pack has none so large): it was not read further; it is not a boardpack pack, or was made to exhaust memory")]
    Inflates { what: &'static str, max: u64 },
    #[error("the PDF is encrypted, which a boardpack pack never is: it was not read")]
    Encrypted,
    #[error("the PDF holds more than {max} values (numbers, names, brackets; a boardpack pack holds far fewer): it was not read further; it is not a boardpack pack, or was made to exhaust memory")]
    TooManyValues { max: u64 },
    #[error("the attachment {name} inflates to more than {MAX_ATTACHMENT_BYTES} bytes (with the attachments before it: they may hold that much in all)")]
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
    let doc = bounded::load(pdf)?;
    let mut out = Vec::new();
    let mut total = 0u64;
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        let is_filespec = dict
            .get(b"Type")
            .and_then(|t| t.as_name())
            .is_ok_and(|n| n == b"Filespec");
        if is_filespec {
            let (name, bytes) = attachment(&doc, dict)?;
            // All of them within the one limit, not each.
            total += bytes.len() as u64;
            if total > MAX_ATTACHMENT_BYTES {
                return Err(AttachmentError::TooLarge { name });
            }
            out.push((name, bytes));
        }
    }
    Ok(out)
}

/// Loading a PDF within bounds (issue #28). lopdf inflates a PDF's object
/// streams and cross-reference streams whole as it loads it (a 1.6 MB PDF
/// whose object streams inflate to 1.5 GB asked that much), and an
/// encrypted PDF's object streams outside its filter. Before lopdf sees
/// the PDF, an encrypted one is refused and each cross-reference stream is
/// inflated, counting and keeping nothing, within [`MAX_XREF_BYTES`]; as
/// lopdf loads it, each object stream is inflated here within what is left
/// of [`MAX_OBJECT_STREAM_BYTES`] (all of them together), and handed to
/// lopdf inflated, or empty when over (the load is then refused).
/// boardpack's own packs have neither kind of stream.
mod bounded {
    use std::io::Read;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::sync::{Mutex, PoisonError};

    use super::AttachmentError;
    use lopdf::{Object, ObjectId};

    /// The most a PDF's object streams inflate to, all together.
    pub const MAX_OBJECT_STREAM_BYTES: u64 = 32 * 1024 * 1024;

    /// The most one cross-reference stream inflates to (7 bytes an object).
    pub const MAX_XREF_BYTES: u64 = 32 * 1024 * 1024;

    /// The most values (numbers, names, brackets, keywords: lopdf makes an
    /// object of about 120 bytes, more as its lists grow, of each) a PDF's
    /// uncompressed text and object streams may hold together: the signed
    /// sample holds about 42,000, and 40 MB of `0 0 0 …` asked lopdf for
    /// 4.7 GB.
    pub const MAX_VALUES: u64 = 2_000_000;

    /// lopdf's filter is a plain function: the budget of the load under
    /// way is here, one load at a time.
    static LOADING: Mutex<()> = Mutex::new(());
    static LEFT: AtomicU64 = AtomicU64::new(0);
    static VALUES_LEFT: AtomicU64 = AtomicU64::new(0);
    static OVER: AtomicBool = AtomicBool::new(false);
    static TOO_MANY: AtomicBool = AtomicBool::new(false);

    fn too_many() -> AttachmentError {
        AttachmentError::TooManyValues { max: MAX_VALUES }
    }

    pub fn load(pdf: &[u8]) -> Result<lopdf::Document, AttachmentError> {
        let values = prescan(pdf)?;
        if values > MAX_VALUES {
            return Err(too_many());
        }
        let _one = LOADING.lock().unwrap_or_else(PoisonError::into_inner);
        LEFT.store(MAX_OBJECT_STREAM_BYTES, Ordering::SeqCst);
        VALUES_LEFT.store(MAX_VALUES - values, Ordering::SeqCst);
        OVER.store(false, Ordering::SeqCst);
        TOO_MANY.store(false, Ordering::SeqCst);
        let options = lopdf::LoadOptions::with_filter(object_streams);
        let doc = lopdf::Document::load_mem_with_options(pdf, options);
        if TOO_MANY.load(Ordering::SeqCst) {
            return Err(too_many());
        }
        if OVER.load(Ordering::SeqCst) {
            return Err(AttachmentError::Inflates {
                what: "object streams",
                max: MAX_OBJECT_STREAM_BYTES,
            });
        }
        Ok(doc?)
    }

    /// lopdf's filter, called with each object as it is loaded: an object
    /// stream is inflated here, within the budget.
    fn object_streams(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
        let Object::Stream(stream) = object else {
            // Objects inside an object stream are kept as returned.
            return Some((id, object.clone()));
        };
        if stream.dict.has_type(b"ObjStm") {
            let left = LEFT.load(Ordering::SeqCst);
            let inflated = inflate(&stream.dict, &stream.content, left).filter(|b| {
                LEFT.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |l| {
                    l.checked_sub(b.len() as u64)
                })
                .is_ok()
            });
            // Its values count with the rest of the PDF's: lopdf makes an
            // object of each.
            let inflated = inflated.filter(|b| {
                let n = values(b);
                let fits = VALUES_LEFT
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |l| l.checked_sub(n))
                    .is_ok();
                if !fits {
                    TOO_MANY.store(true, Ordering::SeqCst);
                }
                fits
            });
            stream.dict.remove(b"Filter");
            stream.dict.remove(b"DecodeParms");
            match inflated {
                Some(bytes) => stream.set_content(bytes),
                None => {
                    OVER.store(true, Ordering::SeqCst);
                    stream.set_content(Vec::new());
                }
            }
        }
        // A top-level object is kept as changed in place; what is
        // returned is only a yes.
        Some((id, Object::Null))
    }

    /// A stream's content, inflated if it is Flate-encoded (with no
    /// predictor), if it inflates to at most `max` bytes; `None` if not
    /// (or another filter: lopdf's others inflate without bound too).
    fn inflate(dict: &lopdf::Dictionary, content: &[u8], max: u64) -> Option<Vec<u8>> {
        let flate = match dict.get(b"Filter") {
            Err(_) => false,
            Ok(Object::Name(n)) if n == b"FlateDecode" => true,
            Ok(Object::Array(a)) if a.len() == 1 && a[0].as_name().ok() == Some(b"FlateDecode") => {
                true
            }
            Ok(Object::Array(a)) if a.is_empty() => false,
            Ok(_) => return None,
        };
        if !flate {
            return (content.len() as u64 <= max).then(|| content.to_vec());
        }
        if dict.get(b"DecodeParms").is_ok() {
            return None;
        }
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(content)
            .take(max + 1)
            .read_to_end(&mut out)
            .ok()?;
        (out.len() as u64 <= max).then_some(out)
    }

    /// Before lopdf: refuses an encrypted PDF (lopdf loads its object
    /// streams outside the filter), and a cross-reference stream that
    /// inflates past [`MAX_XREF_BYTES`]. A light lexer: names (with `#xx`
    /// escapes decoded, as lopdf reads them) since the last stream, and at
    /// each `stream` keyword after a dictionary naming `/XRef`, its data
    /// inflated, counting and keeping nothing.
    fn prescan(pdf: &[u8]) -> Result<u64, AttachmentError> {
        let mut i = 0;
        let mut xref = false;
        let mut count = 0u64;
        let mut after_space = true;
        while i < pdf.len() {
            let b = pdf[i];
            if b.is_ascii_whitespace() || b == 0 {
                after_space = true;
                i += 1;
                continue;
            }
            if after_space || b"/[]<>()".contains(&b) {
                count += 1;
            }
            after_space = b"[]<>()".contains(&b);
            match b {
                b'/' => {
                    let (name, next) = name_at(pdf, i + 1);
                    if name == b"Encrypt" {
                        return Err(AttachmentError::Encrypted);
                    }
                    xref |= name == b"XRef";
                    i = next;
                    after_space = true;
                }
                b's' if pdf[i..].starts_with(b"stream")
                    && (i == 0 || !pdf[i - 1].is_ascii_alphabetic()) =>
                {
                    let mut start = i + 6;
                    if pdf.get(start) == Some(&b'\r') {
                        start += 1;
                    }
                    if pdf.get(start) == Some(&b'\n') {
                        start += 1;
                    }
                    let start = start.min(pdf.len());
                    if xref {
                        let mut decoder = flate2::read::ZlibDecoder::new(&pdf[start..]);
                        let mut sink = [0u8; 64 * 1024];
                        let mut inflated = 0u64;
                        while let Ok(n) = decoder.read(&mut sink) {
                            if n == 0 {
                                break;
                            }
                            inflated += n as u64;
                            if inflated > MAX_XREF_BYTES {
                                return Err(AttachmentError::Inflates {
                                    what: "cross-reference streams",
                                    max: MAX_XREF_BYTES,
                                });
                            }
                        }
                    }
                    // A stream's data is not values: on to its end.
                    i = pdf[start..]
                        .windows(9)
                        .position(|w| w == b"endstream")
                        .map_or(pdf.len(), |at| start + at + 9);
                    xref = false;
                    after_space = true;
                }
                _ => i += 1,
            }
        }
        Ok(count)
    }

    /// How many values (see [`MAX_VALUES`]) PDF text holds.
    fn values(text: &[u8]) -> u64 {
        let mut count = 0;
        let mut after_space = true;
        for &b in text {
            if b.is_ascii_whitespace() || b == 0 {
                after_space = true;
                continue;
            }
            if after_space || b"/[]<>()".contains(&b) {
                count += 1;
            }
            after_space = b"[]<>()".contains(&b);
        }
        count
    }

    /// A name's bytes from `at` (after its `/`), `#xx` decoded, and where
    /// it ends.
    fn name_at(pdf: &[u8], mut at: usize) -> (Vec<u8>, usize) {
        let mut name = Vec::new();
        while let Some(&b) = pdf.get(at) {
            if b.is_ascii_whitespace() || b"/<>[]()%{}".contains(&b) || b == 0 || name.len() > 64 {
                break;
            }
            if b == b'#' {
                let hex = pdf
                    .get(at + 1..at + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    name.push(v);
                    at += 3;
                    continue;
                }
            }
            name.push(b);
            at += 1;
        }
        (name, at)
    }
}

/// One embedded file: its name (without the layout's `/attachments/`
/// folder) and its bytes.
fn attachment(
    doc: &lopdf::Document,
    filespec: &lopdf::Dictionary,
) -> Result<(String, Vec<u8>), AttachmentError> {
    let name = text_string(filespec.get(b"UF").or_else(|_| filespec.get(b"F"))?)?;
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

/// A PDF text string (an attachment's name): UTF-16BE after its byte order
/// mark (as Typst writes a name with any character outside ASCII), UTF-8
/// after its mark (PDF 2.0), PDFDocEncoding otherwise.
fn text_string(o: &lopdf::Object) -> Result<String, lopdf::Error> {
    match o.as_str()?.strip_prefix(b"\xEF\xBB\xBF") {
        Some(utf8) => String::from_utf8(utf8.to_vec()).map_err(|_| lopdf::Error::TextStringDecode),
        None => lopdf::decode_text_string(o),
    }
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

/// Whether the pack carries a layout of its own (which `verify` compiles,
/// within the layout budget).
pub fn carries_layout(pdf: &[u8]) -> bool {
    attachments(pdf).is_ok_and(|files| files.iter().any(|(n, _)| n == LAYOUT_ATTACHMENT))
}

/// Verifies a pack's bytes, and against its manifest when one is given.
pub fn verify(pdf: &[u8], manifest: Option<&Manifest>) -> Verdict {
    verify_trusting(pdf, manifest, None)
}

/// [`verify`], and a digitally signed pack's signatures: each checked
/// cryptographically and its signer against `trust` when given.
pub fn verify_trusting(
    pdf: &[u8],
    manifest: Option<&Manifest>,
    trust: Option<&TrustList>,
) -> Verdict {
    // A truncated signed pack is said as such, not as a forgery.
    if let Some(cut) = signature::cut_short(pdf) {
        return Verdict::Differs(vec![cut]);
    }
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
    let signatures = signature::check_pdf(pdf, trust);
    findings.extend(signatures.findings());
    match signed_inputs(&files) {
        Ok((sign_off, workbook)) => {
            if let Some(m) = manifest {
                findings.extend(manifest_mismatches(m, &sign_off, &files));
            }
            findings.extend(signer_findings(&sign_off, &signatures));
            findings.extend(check_inputs(
                (pdf, signatures.is_signed()),
                &sign_off,
                (workbook, &files),
                manifest,
            ));
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
        .filter(|(_, b)| b.len() as u64 <= crate::pack::limits::MAX_MANIFEST_BYTES)
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
        .filter(|(_, b)| b.len() as u64 <= crate::pack::limits::MAX_RECORDS_BYTES)
        .and_then(|(_, b)| serde_json::from_slice::<serde_json::Value>(b).ok())
        .and_then(|r| {
            r["report"]["period_end"]
                .as_str()
                .map(|p| p.chars().take(7).collect::<String>())
        });
    let (manifest_date, pack_date) = (m.date.to_string(), s.date.to_string());
    let (manifest_version, pack_version) = (m.version.to_string(), s.version.to_string());
    let (manifest_left, pack_left) = (m.left_out.join("; "), s.left_out.join("; "));
    let pairs: [(&str, Option<&str>, Option<&str>); 10] = [
        ("version", Some(&manifest_version), Some(&pack_version)),
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
    let mut findings: Vec<String> = pairs
        .iter()
        .filter(|(_, manifest, pack)| manifest != pack)
        .map(|(name, manifest, pack)| {
            format!(
                "the manifest was changed: its {name} is {}, the pack's sign-off record says {}",
                shown(*manifest),
                shown(*pack)
            )
        })
        .collect();
    // Sign-off names the PDF and the HTML page after the workbook.
    let stem = Path::new(&s.workbook)
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned());
    if let Some(stem) = stem {
        for (field, name, ext) in [
            ("pdf", Some(&m.pdf), "pdf"),
            ("html", m.html.as_ref(), "html"),
        ] {
            let expected = format!("{stem}.{ext}");
            if name.is_some_and(|n| *n != expected) {
                findings.push(format!(
                    "the manifest was changed: its {field} is {}, but sign-off names the {} of the workbook its sign-off record names ({:?}) {expected:?}",
                    shown(name.map(String::as_str)),
                    if ext == "pdf" { "PDF" } else { "HTML page" },
                    s.workbook
                ));
            }
        }
    }
    findings
}

fn shown(v: Option<&str>) -> String {
    v.map(|v| format!("{v:?}"))
        .unwrap_or_else(|| "nothing".into())
}

/// Checks the carried workbook against the manifest, and the PDF against
/// a rebuild from its workbook and sign-off.
/// A pack signed off with a key must carry that key's signature first.
fn signer_findings(sign_off: &SignOff, report: &signature::Report) -> Vec<String> {
    let Some(wanted) = &sign_off.certificate_sha256 else {
        return Vec::new();
    };
    match report.signatures.first() {
        None => vec![format!(
            "the signature was removed: the sign-off record says {} signed the pack with the certificate sha256 {}, but the PDF carries no signature",
            sign_off.by,
            wanted.chars().take(12).collect::<String>()
        )],
        Some(first)
            if first
                .certificate_sha256
                .as_ref()
                .is_some_and(|found| found != wanted) =>
        {
            vec![format!(
            "{} is not by the certificate the sign-off record names ({} of {}, sha256 {}): the signature was replaced",
            first.label(),
            sign_off.by,
            sign_off.role,
            wanted.chars().take(12).collect::<String>()
        )]
        }
        Some(_) => Vec::new(),
    }
}

fn check_inputs(
    (pdf, signed): (&[u8], bool),
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
    let previous = match carried_previous(sign_off, files) {
        Ok(previous) => previous,
        Err(finding) => {
            findings.push(finding);
            return findings;
        }
    };
    match build_final_since(
        workbook,
        sign_off,
        &layout,
        &InputLimits::default(),
        previous.as_ref(),
    ) {
        Ok(rebuilt) if rebuilt.pdf == pdf => {}
        // Signed: the pack, then the signatures' incremental updates.
        Ok(rebuilt) if signed && pdf.starts_with(&rebuilt.pdf) => {}
        Ok(rebuilt) if pdf.starts_with(&rebuilt.pdf) => findings.push(format!(
            "the PDF was changed: {} bytes were added after the pack was built (an incremental update, and no signature covers it)",
            pdf.len() - rebuilt.pdf.len()
        )),
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

/// The earlier pack's records that the Changes page was built from, as the
/// pack carries them, when its sign-off record names one; a finding when
/// they are missing or unreadable.
fn carried_previous(
    sign_off: &SignOff,
    files: &[(String, Vec<u8>)],
) -> Result<Option<Previous>, String> {
    let Some(since) = &sign_off.changes_since else {
        return Ok(None);
    };
    let carried = files
        .iter()
        .find(|(n, _)| n == PREVIOUS_ATTACHMENT)
        .filter(|(_, b)| b.len() as u64 <= crate::pack::limits::MAX_RECORDS_BYTES)
        .and_then(|(_, bytes)| Previous::from_json(&since.period, since.version, bytes.clone()));
    match carried {
        Some(p) => Ok(Some(p)),
        None => Err(format!(
            "the PDF was changed: its sign-off record says it shows the changes since {} v{}, but the records of that pack ({PREVIOUS_ATTACHMENT}) are not attached or cannot be read",
            since.period, since.version
        )),
    }
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
            "the layout differs: the sign-off record names a layout with sha256 {}, but the PDF carries no {LAYOUT_ATTACHMENT} and this boardpack's built-in layout is {}: the layout was removed from the pack, or the pack was built by another build of boardpack (its record says {}), which only that build reproduces",
            short(&sign_off.layout_sha256),
            short(&builtin),
            sign_off.tool
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
    use crate::pack::limits::{read_within, MAX_MANIFEST_BYTES};
    match read_within(&path, "the manifest", MAX_MANIFEST_BYTES, true) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|source| ManifestError::NotAManifest { path, source }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ManifestError::Unreadable { path, source }),
    }
}

/// What `archive verify` found.
#[derive(Debug, Default)]
pub struct ArchiveReport {
    /// What is wrong, one finding per line, each naming its version (or
    /// the log's line); none means the archive is whole.
    pub findings: Vec<String>,
    /// What is worth saying but not wrong: an archive made before the log.
    pub notes: Vec<String>,
    /// How many version folders were checked.
    pub versions: usize,
    /// The log's lines, and the sha256 of its last.
    pub log_lines: usize,
    pub log_head: Option<String>,
}

/// Checks a whole archive, as [`check_archive`]; returns its findings.
pub fn verify_archive(archive: &Path) -> Result<Vec<String>, ArchiveError> {
    Ok(check_archive(archive)?.findings)
}

/// Checks a whole archive: nothing in it is a link; its log's chain is
/// unbroken and the log and the version folders agree exactly (every
/// version the log archived is there with the manifest it recorded, and
/// there is no other); in each period the versions run v1, v2, … with none
/// missing; each has a readable manifest whose period and version are its
/// folder's, which names only files of its own folder (checked before any
/// is opened), lists every file there, and holds the hash of the manifest
/// before it; each PDF verifies against its manifest and its own sign-off
/// record, and each HTML page listed is there and unchanged.
pub fn check_archive(archive: &Path) -> Result<ArchiveReport, ArchiveError> {
    let mut report = ArchiveReport {
        findings: links(archive),
        ..ArchiveReport::default()
    };
    let log = chain::read(archive)?;
    report.findings.extend(log.findings.iter().cloned());
    let (trust, trust_problems) = super::archive::trust::read(archive)?;
    report.findings.extend(trust_problems);
    let trust = (!trust.is_empty()).then_some(trust);
    report.log_lines = log.lines;
    report.log_head = log.head.clone();
    let mut on_disk = BTreeSet::new();
    let mut logged: Option<(String, u32)> = None;
    for period_dir in periods(archive)? {
        let period = period_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut previous: Option<Vec<u8>> = None;
        for (i, v) in versions(&period_dir)?.into_iter().enumerate() {
            let expected = i as u32 + 1;
            if v != expected {
                report.findings.push(format!(
                    "{period}: v{expected} is missing (the next folder is v{v}): a version was deleted or renamed"
                ));
            }
            let key = (period.clone(), v);
            on_disk.insert(key.clone());
            let dir = period_dir.join(format!("v{v}"));
            if !chain::is_plain_dir(&dir) {
                // A link is reported above; anything else is said here.
                if !std::fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink()) {
                    report.findings.push(format!(
                        "{period} v{v}: is not a folder: the version was replaced; restore it"
                    ));
                }
                previous = None;
                continue;
            }
            report.versions += 1;
            let bytes = chain::read_manifest(&dir.join("manifest.json")).ok();
            let mut findings = check_version(&dir, &period, v, previous.as_deref(), trust.as_ref());
            if log.exists {
                match log.archived.get(&key) {
                    None => findings.push(format!(
                        "a version folder the archive's log does not list: it was not archived by sign-off (copied or restored from elsewhere), or the lines at the end of {LOG} were removed"
                    )),
                    Some((line, sha)) if bytes.as_deref().map(sha256).as_ref() != Some(sha) => {
                        findings.push(format!(
                            "manifest.json is not the one archived: its sha256 differs from the one {LOG} line {line} recorded (it was edited or replaced)"
                        ))
                    }
                    Some(_) => {}
                }
            }
            // Once the archive has a trust list, every version archived
            // after it is signed.
            if let (Some(first), Some((line, _))) = (log.trusted.first(), log.archived.get(&key)) {
                if *line > first.line && !signed_pack(&dir, bytes.as_deref()) {
                    findings.push(format!(
                        "it is not digitally signed, but {LOG} line {line} archived it after the trust list began (line {}): sign-off refuses unsigned packs once an archive has a trust list, so it was not archived by sign-off, or its signature was removed",
                        first.line
                    ));
                }
            }
            if !log.exists
                && logged.is_none()
                && bytes
                    .as_deref()
                    .and_then(|b| serde_json::from_slice::<Manifest>(b).ok())
                    .is_some_and(|m| m.logged)
            {
                logged = Some(key.clone());
            }
            report
                .findings
                .extend(findings.into_iter().map(|f| format!("{period} v{v}: {f}")));
            previous = bytes;
        }
    }
    if log.exists {
        for ((period, v), (line, _)) in &log.archived {
            if !on_disk.contains(&(period.clone(), *v)) {
                report.findings.push(format!(
                    "{period} v{v}: {LOG} line {line} archived it, but its folder is missing: the version (or its whole period) was deleted or moved"
                ));
            }
        }
    } else if let Some((period, v)) = logged {
        report.findings.push(format!(
            "{LOG} is missing, but {period} v{v} was entered in it when archived: the log was deleted; restore it from a copy of the archive"
        ));
    } else if report.versions > 0 {
        report.notes.push(format!(
            "the archive has no {LOG}: it was made before boardpack kept one, so a version or period deleted whole cannot be found; the next sign-off (or `boardpack archive withdraw`) starts the log with the {} there, as they are",
            crate::input::problem::plural(report.versions, "version")
        ));
    }
    Ok(report)
}

/// Every link in the archive (a folder or file replaced by a link to a copy
/// elsewhere), never followed, each naming its version where it is in one.
fn links(archive: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![archive.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(path);
                continue;
            }
            if !kind.is_symlink() {
                continue;
            }
            let to = std::fs::read_link(&path)
                .map(|t| t.display().to_string())
                .unwrap_or_else(|_| "?".into());
            let rel = path.strip_prefix(archive).unwrap_or(&path);
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let at = match parts.as_slice() {
                [period, v] if version_number(v).is_some() => {
                    format!("{period} {v}: its folder")
                }
                [period, v, rest @ ..] if version_number(v).is_some() => {
                    format!("{period} {v}: {}", rest.join("/"))
                }
                _ => rel.display().to_string(),
            };
            out.push(format!(
                "{at} is a symbolic link (to {to}), not the archive's own: an archive holds no links, and what one points to is not checked; put the files themselves back"
            ));
        }
    }
    out.sort();
    out
}

/// The version's PDF carries a signature.
fn signed_pack(dir: &Path, manifest: Option<&[u8]>) -> bool {
    manifest
        .and_then(|b| serde_json::from_slice::<Manifest>(b).ok())
        .filter(|m| plain_name(&m.pdf))
        .and_then(|m| chain::read_plain(&dir.join(m.pdf)).ok())
        .is_some_and(|pdf| signature::pdf::signatures(&pdf).is_ok_and(|s| !s.is_empty()))
}

/// One version folder: its manifest, the files it names, its place in the
/// chain, its PDF and HTML page.
fn check_version(
    dir: &Path,
    period: &str,
    v: u32,
    previous: Option<&[u8]>,
    trust: Option<&TrustList>,
) -> Vec<String> {
    let bytes = match chain::read_manifest(&dir.join("manifest.json")) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return vec!["no manifest.json: the version cannot be verified".into()]
        }
        Err(e) => return vec![format!("manifest.json cannot be read: {e}")],
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
    let chained = previous.map(super::archive::chained_sha256);
    if m.previous_manifest_sha256 != chained {
        findings.push(match chained {
            None => "the manifest names a previous version, but this is the first: versions were removed or reordered".into(),
            Some(_) => "the manifest does not hold the hash of the previous version's manifest: a version before it was replaced, removed or reordered".into(),
        });
    }
    findings.extend(unlisted(dir, &m));
    if !plain_name(&m.pdf) {
        findings.push(outside("PDF", &m.pdf));
    } else {
        match chain::read_plain(&dir.join(&m.pdf)) {
            Ok(pdf) => {
                if let Verdict::Differs(f) = verify_trusting(&pdf, Some(&m), trust) {
                    findings.extend(f);
                }
                let archive = dir.parent().and_then(Path::parent);
                findings.extend(archive.and_then(|a| changes_finding(a, &pdf)));
            }
            Err(e) => findings.push(format!("cannot read {}: {e}", m.pdf)),
        }
    }
    findings.extend(html_finding(dir, &m));
    findings
}

/// A pack whose Changes page compares with an earlier archived pack
/// carries that pack's records: they must be the archived pack's, byte for
/// byte.
fn changes_finding(archive: &Path, pdf: &[u8]) -> Option<String> {
    let files = attachments(pdf).ok()?;
    let (sign_off, _) = signed_inputs(&files).ok()?;
    let since = sign_off.changes_since?;
    let carried = files.iter().find(|(n, _)| n == PREVIOUS_ATTACHMENT)?;
    let dir = archive
        .join(&since.period)
        .join(format!("v{}", since.version));
    let archived = chain::read_manifest(&dir.join("manifest.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
        .filter(|m| plain_name(&m.pdf))
        .and_then(|m| chain::read_plain(&dir.join(m.pdf)).ok())
        .and_then(|pdf| attachments(&pdf).ok())
        .and_then(|files| files.into_iter().find(|(n, _)| n == RECORDS_ATTACHMENT));
    match archived {
        Some((_, bytes)) if bytes == carried.1 => None,
        Some(_) => Some(format!(
            "its Changes page compares with {} v{}, but the records it carries ({PREVIOUS_ATTACHMENT}) are not that archived pack's",
            since.period, since.version
        )),
        None => Some(format!(
            "its Changes page compares with {} v{}, which the archive does not hold (or whose records cannot be read)",
            since.period, since.version
        )),
    }
}

fn outside(what: &str, name: &str) -> String {
    format!(
        "the manifest names the {what} {name:?}, which is not a file of its own version folder (a plain file name): it was changed to point elsewhere; it was not opened"
    )
}

/// The files of a version folder that its manifest does not list.
fn unlisted(dir: &Path, m: &Manifest) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![format!("cannot list the folder {}", dir.display())];
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "manifest.json" && *n != m.pdf && Some(n) != m.html.as_ref())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            format!("holds {n}, which its manifest does not list: it was added after archiving")
        })
        .collect()
}

/// The HTML companion archived beside a PDF, against its manifest's hash:
/// a page listed must be there (a plain file of the folder) and unchanged.
pub fn html_finding(dir: &Path, m: &Manifest) -> Option<String> {
    let name = match (&m.html, &m.html_sha256) {
        (None, None) => return None,
        (Some(name), Some(_)) => name,
        _ => {
            return Some(
                "the manifest names an HTML page without its sha256, or a sha256 without its page: it was changed".into(),
            )
        }
    };
    let expected = m.html_sha256.as_ref()?;
    if !plain_name(name) {
        return Some(outside("HTML page", name));
    }
    match chain::read_plain(&dir.join(name)) {
        Ok(bytes) if sha256(&bytes) == *expected => None,
        Ok(bytes) => Some(format!(
            "the HTML page {name} was changed: its sha256 is {}, the manifest recorded {}",
            short(&sha256(&bytes)),
            short(expected)
        )),
        Err(e) => Some(format!("cannot read the HTML page {name}: {e}")),
    }
}

/// A pack's place in the archive that holds it, as `verify PDF` checks it.
#[derive(Debug, Default)]
pub struct Placement {
    /// The archive.
    pub archive: PathBuf,
    /// `2015-12 v2`, as the folders say.
    pub version: String,
    pub findings: Vec<String>,
    pub notes: Vec<String>,
    pub withdrawn: Option<Withdrawal>,
}

/// A pack in an archive (one with a log) without its `manifest.json`: the
/// finding that says so.
pub fn manifest_missing(pdf_path: &Path) -> Option<String> {
    let root = enclosing_archive(pdf_path)?;
    std::fs::symlink_metadata(root.join(LOG)).ok()?;
    Some(format!(
        "it is in the archive {}, but has no manifest.json beside it: the manifest was deleted or the pack moved; run `boardpack archive verify --archive {}`",
        root.display(),
        root.display()
    ))
}

/// Where a pack with its manifest lies in an archive (none when it is in
/// none): in the folder its manifest names, through no link, naming only
/// files of its folder, entered in the archive's log with this manifest, and
/// whether it was withdrawn.
pub fn placement(pdf_path: &Path, m: &Manifest) -> Result<Option<Placement>, ArchiveError> {
    let Some(root) = enclosing_archive(pdf_path) else {
        return Ok(None);
    };
    let abs = std::path::absolute(pdf_path).map_err(io(pdf_path))?;
    let rel = abs.strip_prefix(&root).unwrap_or(&abs);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let logged = std::fs::symlink_metadata(root.join(LOG)).is_ok();
    let looks_archived = match parts.as_slice() {
        [period, v, _] => {
            crate::pack::archive::is_period_name(period) && version_number(v).is_some()
        }
        _ => false,
    };
    if !logged && !looks_archived {
        // A version folder copied out of its archive, not an archive.
        return Ok(None);
    }
    let mut p = Placement {
        archive: root.clone(),
        ..Placement::default()
    };
    let key = match parts.as_slice() {
        [period, v, _] if version_number(v).is_some() => {
            (period.clone(), version_number(v).unwrap_or_default())
        }
        _ => (m.period.clone(), m.version),
    };
    p.version = format!("{} v{}", key.0, key.1);
    let expected = [m.period.clone(), format!("v{}", m.version), m.pdf.clone()];
    if parts != expected {
        p.findings.push(format!(
            "the pack is {} in the archive {}, but its manifest says {} v{} ({}): the manifest was changed, or the version moved",
            rel.display(),
            root.display(),
            m.period,
            m.version,
            m.pdf
        ));
    }
    if !plain_name(&m.pdf) {
        p.findings.push(outside("PDF", &m.pdf));
    }
    let dir = abs.parent().unwrap_or(&root).to_path_buf();
    let mut at = root.clone();
    for part in &parts {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|x| x.file_type().is_symlink()) {
            p.findings.push(format!(
                "{} is a symbolic link, not the archive's own: an archive holds no links; put the files themselves back",
                at.strip_prefix(&root).unwrap_or(&at).display()
            ));
        }
    }
    p.findings.extend(unlisted(&dir, m));
    let manifest = chain::read_manifest(&dir.join("manifest.json")).ok();
    if manifest.is_none() {
        p.findings
            .push("manifest.json is a link, not the archive's own file".into());
    }
    let log = chain::read(&root)?;
    if !log.findings.is_empty() {
        p.findings.push(format!(
            "the archive's log is damaged ({}): run `boardpack archive verify --archive {}` to see them",
            crate::input::problem::plural(log.findings.len(), "finding"),
            root.display()
        ));
    }
    if log.exists {
        match log.archived.get(&key) {
            None => p.findings.push(format!(
                "{} is not in the archive's log: it was not archived by sign-off (copied or restored from elsewhere), or its manifest was changed",
                p.version
            )),
            Some((line, sha)) if manifest.as_deref().map(sha256).as_ref() != Some(sha) => {
                p.findings.push(format!(
                    "its manifest.json is not the one archived: its sha256 differs from the one {LOG} line {line} recorded (it was edited or replaced)"
                ))
            }
            Some(_) => {}
        }
        p.withdrawn = log.withdrawn.get(&key).cloned();
    } else if m.logged {
        p.findings.push(format!(
            "the archive {} has no {LOG}, but this version was entered in it when archived: the log was deleted",
            root.display()
        ));
    } else {
        p.notes.push(format!(
            "the archive {} has no {LOG} (it was made before boardpack kept one): that no version was deleted cannot be checked",
            root.display()
        ));
    }
    Ok(Some(p))
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::text_string;
    use lopdf::{Object, StringFormat};

    #[test]
    fn attachment_names_are_read_as_pdf_text_strings() {
        let s = |b: &[u8]| Object::String(b.to_vec(), StringFormat::Literal);
        // UTF-16BE with its mark, as Typst writes a name outside ASCII.
        let mut utf16 = vec![0xFE, 0xFF];
        utf16.extend("café – 📊.xlsx".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(text_string(&s(&utf16)).unwrap(), "café – 📊.xlsx");
        // UTF-8 with its mark (PDF 2.0), the mark not kept.
        assert_eq!(
            text_string(&s("\u{feff}Πίνακας.xlsx".as_bytes())).unwrap(),
            "Πίνακας.xlsx"
        );
        // PDFDocEncoding: 0x85 is an en dash, 0xE9 é.
        assert_eq!(
            text_string(&s(b"caf\xE9 \x85 w.xlsx")).unwrap(),
            "café – w.xlsx"
        );
        assert_eq!(text_string(&s(b"w.xlsx")).unwrap(), "w.xlsx");
    }
}
