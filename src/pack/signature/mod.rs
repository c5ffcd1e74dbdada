//! Digital signatures a PDF reader validates (issue #30): a PAdES baseline
//! B-B signature (`ETSI.CAdES.detached`, SHA-256) appended to the final pack
//! as an incremental update, so that the unsigned pack is exactly the bytes
//! before it and `verify` still rebuilds and compares them.
//!
//! - [`pkcs12`]: the signer's key and certificate, from a PKCS#12 file
//!   (`.p12`/`.pfx`: a force's own, or made by `boardpack keys new`), and
//!   making a new self-signed one;
//! - [`x509`]: what a certificate says (name, role, validity, key usage) and
//!   whether it chains to a trusted one;
//! - [`cms`]: the CMS `SignedData` signature, made and checked;
//! - [`pdf`]: the incremental update (signature dictionary, an invisible,
//!   tagged signature field) and finding a PDF's signatures again.
//!
//! Everything is pure Rust (RustCrypto): no system library.

pub mod cms;
pub mod pdf;
pub mod pkcs12;
pub mod x509;

use chrono::{DateTime, NaiveDate, Utc};

pub use pkcs12::{Algorithm, Identity};
pub use x509::{Certificate, TrustList};

/// What went wrong making or reading a key, or signing.
#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    #[error("{path} cannot be opened with this passphrase (or it is damaged): check the passphrase (--passphrase-file, BOARDPACK_PASSPHRASE or the prompt); nothing was signed or archived")]
    WrongPassphrase { path: String },
    #[error("{path} holds no private key (only certificates): sign with a PKCS#12 that holds your key and certificate (openssl pkcs12 -export -inkey KEY -in CERT), or make one with `boardpack keys new`; nothing was signed or archived")]
    NoKey { path: String },
    #[error(
        "{path} is not a PKCS#12 key file (.p12/.pfx): {detail}; nothing was signed or archived"
    )]
    NotPkcs12 { path: String, detail: String },
    #[error("{path} holds {what}: boardpack signs with ECDSA P-256 or RSA (2048 bits or more) keys; nothing was signed or archived")]
    UnsupportedKey { path: String, what: String },
    #[error("the private key in {path} does not belong to its certificate ({subject}): export the key together with its own certificate; nothing was signed or archived")]
    KeyMismatch { path: String, subject: String },
    #[error("{0}")]
    Certificate(String),
    #[error("cannot sign the PDF: {0}")]
    Pdf(String),
    #[error("cannot make the key: {0}")]
    Make(String),
}

/// The signing time a signature states (its dictionary's `/M`): the
/// current moment when the sign-off is dated today, else midnight (UTC)
/// opening the sign-off date.
pub fn signing_time(date: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
    if now.date_naive() == date {
        now
    } else {
        date.and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc()
    }
}

/// Signs `pdf` (a final pack, or a pack already signed: a countersignature)
/// with `identity` at `when`: the PDF with one more incremental update.
pub fn sign_pdf(
    pdf: &[u8],
    identity: &Identity,
    when: DateTime<Utc>,
    reason: &str,
) -> Result<Vec<u8>, SignatureError> {
    let name = identity.certificate.common_name().unwrap_or_default();
    pdf::sign(
        pdf,
        &pdf::Placement {
            name: &name,
            reason,
            when,
            reserve: identity.cms_size_estimate(),
        },
        |digest| cms::sign(identity, digest),
    )
    .map_err(SignatureError::Pdf)
}

/// One signature of a PDF, checked.
#[derive(Debug, Clone)]
pub struct Checked {
    /// 1 for the first signature, in the order they were added.
    pub number: usize,
    /// The signer's common name and `title`, from the certificate, when it
    /// could be read.
    pub signer: Option<String>,
    pub role: Option<String>,
    /// The sha256 of the signer's certificate (hex).
    pub certificate_sha256: Option<String>,
    /// The signing time stated in the signature dictionary (`/M`).
    pub when: Option<DateTime<Utc>>,
    /// Where the revision it signs ends (its byte range's end).
    pub covers_to: usize,
    /// Every problem found; empty when the signature is valid.
    pub problems: Vec<String>,
    /// The signer was checked against a trust list.
    pub trusted: bool,
}

impl Checked {
    /// `signature 1 (Jane Smith, Board Secretary, 2016-01-28)`.
    pub fn label(&self) -> String {
        let mut who = vec![];
        who.extend(self.signer.clone());
        who.extend(self.role.clone());
        who.extend(
            self.when
                .map(|w| w.format("%Y-%m-%d %H:%M UTC").to_string()),
        );
        if who.is_empty() {
            format!("signature {}", self.number)
        } else {
            format!("signature {} ({})", self.number, who.join(", "))
        }
    }
}

/// A PDF's signatures, checked, and where the unsigned document ends.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub signatures: Vec<Checked>,
    /// Problems of the file as a whole: bytes no signature covers, a
    /// signature dictionary that cannot be read.
    pub problems: Vec<String>,
}

impl Report {
    pub fn is_signed(&self) -> bool {
        !self.signatures.is_empty()
    }

    /// Every problem, each naming its signature.
    pub fn findings(&self) -> Vec<String> {
        let mut out = self.problems.clone();
        for s in &self.signatures {
            for p in &s.problems {
                out.push(format!("{}: {p}", s.label()));
            }
        }
        out
    }

    /// The lines `verify` prints for a pack whose signatures are valid.
    pub fn lines(&self) -> Vec<String> {
        self.signatures
            .iter()
            .filter(|s| s.problems.is_empty())
            .map(|s| {
                format!(
                    "{}: signature valid{}",
                    s.label(),
                    if s.trusted {
                        ""
                    } else {
                        " (the signer was not checked against a trust list: give --trust CERT.pem)"
                    }
                )
            })
            .collect()
    }
}

/// The file was cut short: a signature dictionary's `/ByteRange` (found in
/// the file's bytes, whether or not the PDF still parses) reaches past its
/// end. What a truncated signed pack is, rather than an update added after
/// its signature or a replaced one.
pub fn cut_short(pdf: &[u8]) -> Option<String> {
    let key = b"/ByteRange";
    let mut furthest: Option<usize> = None;
    let mut at = 0;
    while let Some(i) = pdf[at..].windows(key.len()).position(|w| w == key) {
        let start = at + i + key.len();
        at = start;
        let rest = &pdf[start..pdf.len().min(start + 120)];
        let text = String::from_utf8_lossy(rest);
        let Some(open) = text.find('[') else { continue };
        let Some(close) = text[open..].find(']') else {
            continue;
        };
        let numbers: Vec<usize> = text[open + 1..open + close]
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        if let [_, _, offset, length] = numbers[..] {
            let end = offset.saturating_add(length);
            furthest = Some(furthest.map_or(end, |f| f.max(end)));
        }
    }
    let end = furthest.filter(|&end| end > pdf.len())?;
    Some(format!(
        "the file was cut short (damaged or truncated): a signature covers it up to byte {end}, but it has only {} bytes; restore it from the archive or ask for it again",
        pdf.len()
    ))
}

/// Checks every signature of `pdf`: each cryptographically, that it covers
/// the whole file up to its revision's end but its own `/Contents`, that
/// nothing follows the last one, the signer's certificate at the signing
/// time (validity, key usage) and, with a trust list, against it.
pub fn check_pdf(pdf: &[u8], trust: Option<&TrustList>) -> Report {
    let mut report = Report::default();
    let found = match pdf::signatures(pdf) {
        Ok(f) => f,
        Err(e) => {
            report.problems.push(e);
            return report;
        }
    };
    for (i, f) in found.iter().enumerate() {
        let mut c = Checked {
            number: i + 1,
            signer: None,
            role: None,
            certificate_sha256: None,
            when: f.when,
            covers_to: f.byte_range[2] + f.byte_range[3],
            problems: f.problems.clone(),
            trusted: false,
        };
        let (signer, others, checked) = cms::verify(&f.contents, &f.digest);
        if let Err(e) = checked {
            c.problems.push(e);
        }
        if let Some(signer) = signer {
            c.signer = signer.common_name();
            c.role = signer.title();
            c.certificate_sha256 = Some(signer.sha256());
            let at = f.when.unwrap_or_else(Utc::now);
            c.problems.extend(signer.problems_at(at));
            if let Some(trust) = trust {
                match trust.admits(&signer, &others, at) {
                    Ok(()) => c.trusted = true,
                    Err(e) => c.problems.push(e),
                }
            }
        }
        report.signatures.push(c);
    }
    if let Some(last) = found
        .iter()
        .map(|f| f.byte_range[2] + f.byte_range[3])
        .max()
    {
        if last < pdf.len() {
            report.problems.push(format!(
                "changed after signing: {} bytes were added after the last signature (an update no signature covers)",
                pdf.len() - last
            ));
        }
    }
    report
}
