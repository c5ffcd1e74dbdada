//! What a certificate says — the signer's common name and X.520 `title`
//! (their role), its validity, its key usage — and whether it chains to a
//! trusted certificate (the signer's own, or the authority that issued it).

use chrono::{DateTime, Utc};
use der::asn1::{BmpString, Ia5StringRef, PrintableStringRef, TeletexStringRef, Utf8StringRef};
use der::oid::ObjectIdentifier;
use der::{Decode, DecodePem, Encode};
use sha2_010::{Digest, Sha256};

pub const CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
pub const TITLE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.12");
const KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
pub const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
pub const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
pub const RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
pub const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
pub const RSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");

/// A parsed certificate with its DER bytes.
#[derive(Debug, Clone)]
pub struct Certificate {
    pub cert: x509_cert::Certificate,
    pub der: Vec<u8>,
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl Certificate {
    pub fn from_der(der: &[u8]) -> Result<Self, String> {
        let cert = x509_cert::Certificate::from_der(der).map_err(|e| e.to_string())?;
        Ok(Self {
            cert,
            der: der.to_vec(),
        })
    }

    pub fn from_x509(cert: x509_cert::Certificate) -> Result<Self, String> {
        let der = cert.to_der().map_err(|e| e.to_string())?;
        Ok(Self { cert, der })
    }

    /// Every certificate of a PEM file (or one DER certificate).
    pub fn read_all(bytes: &[u8]) -> Result<Vec<Self>, String> {
        if bytes.starts_with(&[0x30]) {
            return Ok(vec![Self::from_der(bytes)?]);
        }
        let text = std::str::from_utf8(bytes).map_err(|_| "neither PEM nor DER".to_string())?;
        let mut out = Vec::new();
        let begin = "-----BEGIN CERTIFICATE-----";
        let end = "-----END CERTIFICATE-----";
        let mut rest = text;
        while let Some(start) = rest.find(begin) {
            let Some(stop) = rest[start..].find(end) else {
                return Err("a PEM certificate has no END line".into());
            };
            let block = &rest[start..start + stop + end.len()];
            let cert = x509_cert::Certificate::from_pem(block.as_bytes())
                .map_err(|e| format!("a PEM certificate cannot be read ({e})"))?;
            out.push(Self::from_x509(cert)?);
            rest = &rest[start + stop + end.len()..];
        }
        if out.is_empty() {
            return Err("it holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into());
        }
        Ok(out)
    }

    pub fn to_pem(&self) -> String {
        use der::EncodePem;
        self.cert
            .to_pem(der::pem::LineEnding::LF)
            .unwrap_or_default()
    }

    pub fn sha256(&self) -> String {
        hex(&Sha256::digest(&self.der))
    }

    fn attribute(name: &x509_cert::name::Name, oid: ObjectIdentifier) -> Option<String> {
        name.0
            .iter()
            .flat_map(|rdn| rdn.0.iter())
            .find(|atv| atv.oid == oid)
            .and_then(|atv| directory_string(&atv.value))
    }

    /// The subject's common name (CN): the signer's name.
    pub fn common_name(&self) -> Option<String> {
        Self::attribute(&self.cert.tbs_certificate.subject, CN)
    }

    /// The subject's X.520 `title`: the signer's role.
    pub fn title(&self) -> Option<String> {
        Self::attribute(&self.cert.tbs_certificate.subject, TITLE)
    }

    /// The subject as `CN=…, title=…` for messages, in the certificate's
    /// order.
    pub fn subject(&self) -> String {
        let mut parts = Vec::new();
        for atv in self
            .cert
            .tbs_certificate
            .subject
            .0
            .iter()
            .flat_map(|rdn| rdn.0.iter())
        {
            let name = match atv.oid.to_string().as_str() {
                "2.5.4.3" => "CN".to_string(),
                "2.5.4.12" => "title".to_string(),
                "2.5.4.10" => "O".to_string(),
                "2.5.4.11" => "OU".to_string(),
                "2.5.4.6" => "C".to_string(),
                "2.5.4.7" => "L".to_string(),
                other => other.to_string(),
            };
            let value = directory_string(&atv.value).unwrap_or_else(|| "…".into());
            parts.push(format!("{name}={value}"));
        }
        parts.join(", ")
    }

    pub fn not_before(&self) -> DateTime<Utc> {
        time(&self.cert.tbs_certificate.validity.not_before)
    }

    pub fn not_after(&self) -> DateTime<Utc> {
        time(&self.cert.tbs_certificate.validity.not_after)
    }

    /// Why the certificate did not allow signing at `at`, if it did not.
    pub fn problems_at(&self, at: DateTime<Utc>) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(e) = self.validity_problem(at) {
            out.push(e);
        }
        if !self.may_sign() {
            out.push(
                "wrong key usage: the certificate's key usage allows neither digital signatures nor non-repudiation, so it may not sign documents".into(),
            );
        }
        out
    }

    /// An expired or not-yet-valid certificate at `at`.
    pub fn validity_problem(&self, at: DateTime<Utc>) -> Option<String> {
        let (from, to) = (self.not_before(), self.not_after());
        if at < from {
            Some(format!(
                "certificate not yet valid: it is valid from {}, after the signing time {}",
                from.format("%Y-%m-%d %H:%M UTC"),
                at.format("%Y-%m-%d %H:%M UTC")
            ))
        } else if at > to {
            Some(format!(
                "certificate expired: it was valid until {}, before the signing time {}",
                to.format("%Y-%m-%d %H:%M UTC"),
                at.format("%Y-%m-%d %H:%M UTC")
            ))
        } else {
            None
        }
    }

    /// Its key usage, if it has one, allows digital signatures or
    /// non-repudiation (content commitment).
    pub fn may_sign(&self) -> bool {
        let Some(exts) = &self.cert.tbs_certificate.extensions else {
            return true;
        };
        let Some(ku) = exts.iter().find(|e| e.extn_id == KEY_USAGE) else {
            return true;
        };
        match x509_cert::ext::pkix::KeyUsage::from_der(ku.extn_value.as_bytes()) {
            Ok(ku) => ku.digital_signature() || ku.non_repudiation(),
            Err(_) => false,
        }
    }

    /// A certificate authority: basicConstraints cA=TRUE and, when it has a
    /// key usage, keyCertSign. Only such a certificate may issue others.
    pub fn is_ca(&self) -> bool {
        let Some(exts) = &self.cert.tbs_certificate.extensions else {
            return false;
        };
        let ca = exts
            .iter()
            .find(|e| e.extn_id == BASIC_CONSTRAINTS)
            .and_then(|e| {
                x509_cert::ext::pkix::BasicConstraints::from_der(e.extn_value.as_bytes()).ok()
            })
            .is_some_and(|bc| bc.ca);
        let may_issue = match exts.iter().find(|e| e.extn_id == KEY_USAGE) {
            None => true,
            Some(ku) => x509_cert::ext::pkix::KeyUsage::from_der(ku.extn_value.as_bytes())
                .is_ok_and(|ku| ku.key_cert_sign()),
        };
        ca && may_issue
    }

    /// `issuer` signed this certificate: its subject is this one's issuer,
    /// and its key verifies this one's signature.
    pub fn issued_by(&self, issuer: &Certificate) -> bool {
        if self.cert.tbs_certificate.issuer != issuer.cert.tbs_certificate.subject {
            return false;
        }
        let Ok(tbs) = self.cert.tbs_certificate.to_der() else {
            return false;
        };
        let Some(signature) = self.cert.signature.as_bytes() else {
            return false;
        };
        verify_with_key(
            &issuer.cert.tbs_certificate.subject_public_key_info,
            &self.cert.signature_algorithm.oid,
            &tbs,
            signature,
        )
        .is_ok()
    }
}

/// Verifies `signature` over `message` with the public key `spki`, by the
/// signature algorithm `alg` (ECDSA P-256 with SHA-256, RSA PKCS#1 v1.5
/// with SHA-256; a bare `rsaEncryption` is taken as the latter, as CMS
/// signer infos often name it).
pub fn verify_with_key(
    spki: &spki::SubjectPublicKeyInfoOwned,
    alg: &ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    use signature_traits::Verifier;
    let key_alg = spki.algorithm.oid;
    if key_alg == EC_PUBLIC_KEY {
        if *alg != ECDSA_SHA256 {
            return Err(format!(
                "the signature algorithm {alg} is not ECDSA with SHA-256"
            ));
        }
        let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(spki.subject_public_key.raw_bytes())
            .map_err(|_| "the certificate's key is not an ECDSA P-256 key".to_string())?;
        let sig = p256::ecdsa::Signature::from_der(signature)
            .map_err(|_| "the signature value is not an ECDSA signature".to_string())?;
        key.verify(message, &sig)
            .map_err(|_| "the signature does not match the certificate's key".to_string())
    } else if key_alg == RSA {
        if *alg != RSA_SHA256 && *alg != RSA {
            return Err(format!(
                "the signature algorithm {alg} is not RSA with SHA-256"
            ));
        }
        use rsa::pkcs8::DecodePublicKey;
        let der = spki.to_der().map_err(|e| e.to_string())?;
        let key = rsa::RsaPublicKey::from_public_key_der(&der)
            .map_err(|_| "the certificate's RSA key cannot be read".to_string())?;
        let key = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key);
        let sig = rsa::pkcs1v15::Signature::try_from(signature)
            .map_err(|_| "the signature value is not an RSA signature".to_string())?;
        key.verify(message, &sig)
            .map_err(|_| "the signature does not match the certificate's key".to_string())
    } else {
        Err(format!(
            "the certificate's key ({key_alg}) is neither ECDSA P-256 nor RSA"
        ))
    }
}

mod signature_traits {
    pub use p256::ecdsa::signature::Verifier;
}

/// The certificates a signer must chain to: an archive's trust list, or
/// `--trust FILE.pem`.
#[derive(Debug, Clone, Default)]
pub struct TrustList {
    /// Each trusted certificate with the role it is trusted for, if any.
    pub entries: Vec<(Certificate, Option<String>)>,
}

impl TrustList {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How `signer` reaches the list: the index of the entry that admits
    /// it and the certificates above it (the intermediate authorities from
    /// `others`, then the entry). An entry admits its own certificate (the
    /// whole certificate, compared byte for byte) and, only when it is a
    /// certificate authority, the certificates it issued, directly or
    /// through intermediate authorities (each a CA too).
    pub fn path<'a>(
        &'a self,
        signer: &'a Certificate,
        others: &'a [Certificate],
    ) -> Result<(usize, Vec<&'a Certificate>), String> {
        if let Some(i) = self.entries.iter().position(|(t, _)| t == signer) {
            return Ok((i, Vec::new()));
        }
        let mut above: Vec<&Certificate> = Vec::new();
        let mut current = signer;
        let mut why = None;
        for _ in 0..8 {
            for (i, (trusted, _)) in self.entries.iter().enumerate() {
                if current.issued_by(trusted) {
                    if trusted.is_ca() {
                        above.push(trusted);
                        return Ok((i, above));
                    }
                    why.get_or_insert_with(|| not_ca(trusted, "the trust list's entry"));
                }
            }
            let next = others.iter().find(|o| {
                *o != current && *o != signer && !above.contains(o) && current.issued_by(o)
            });
            match next {
                Some(n) if n.is_ca() => {
                    above.push(n);
                    current = n;
                }
                Some(n) => {
                    why.get_or_insert_with(|| not_ca(n, "the chain's certificate"));
                    break;
                }
                None => break,
            }
        }
        Err(format!(
            "unknown signer: the certificate of {} (sha256 {}) is not on the trust list, nor issued by a certificate authority on it{}",
            signer.subject(),
            &signer.sha256()[..16],
            why.map(|w| format!("; {w}")).unwrap_or_default()
        ))
    }

    /// The signer (with the other certificates its signature or key file
    /// carries) chains to the list, and every certificate of the chain, up
    /// to and including the trusted entry, was valid at `at`.
    pub fn admits(
        &self,
        signer: &Certificate,
        others: &[Certificate],
        at: DateTime<Utc>,
    ) -> Result<(), String> {
        let (_, above) = self.path(signer, others)?;
        for c in above {
            if let Some(p) = c.validity_problem(at) {
                return Err(format!(
                    "the certificate of {} in the signer's chain is not valid: {p}",
                    c.subject()
                ));
            }
        }
        Ok(())
    }

    /// The role the trust list gives a certificate (its own entry's, or
    /// the authority's it chains to), if any.
    pub fn role_of(&self, signer: &Certificate, others: &[Certificate]) -> Option<&str> {
        self.path(signer, others)
            .ok()
            .and_then(|(i, _)| self.entries[i].1.as_deref())
    }
}

/// Why `issuer` may not issue certificates.
fn not_ca(issuer: &Certificate, what: &str) -> String {
    format!(
        "it was made with the key of {what} {}, which is not a certificate authority (basicConstraints cA=TRUE with keyCertSign): a certificate that is not a CA admits only itself, never a certificate made with its key",
        issuer.subject()
    )
}

fn time(t: &x509_cert::time::Time) -> DateTime<Utc> {
    let d = t.to_date_time();
    chrono::NaiveDate::from_ymd_opt(d.year().into(), d.month().into(), d.day().into())
        .and_then(|day| day.and_hms_opt(d.hour().into(), d.minutes().into(), d.seconds().into()))
        .map(|t| t.and_utc())
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A directory string's text, whichever of its string types it has.
fn directory_string(any: &der::Any) -> Option<String> {
    if let Ok(s) = Utf8StringRef::try_from(any) {
        return Some(s.as_str().to_string());
    }
    if let Ok(s) = PrintableStringRef::try_from(any) {
        return Some(s.as_str().to_string());
    }
    if let Ok(s) = Ia5StringRef::try_from(any) {
        return Some(s.as_str().to_string());
    }
    if let Ok(s) = TeletexStringRef::try_from(any) {
        return Some(s.as_str().to_string());
    }
    if let Ok(s) = any.decode_as::<BmpString>() {
        return Some(s.to_string());
    }
    None
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
