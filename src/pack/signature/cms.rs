//! The CMS `SignedData` of a PAdES baseline B-B signature: detached
//! (`ETSI.CAdES.detached`), SHA-256, with the signed attributes content
//! type, message digest and ESS signing-certificate-v2 (the signer's
//! certificate hash), and no signing-time attribute (the time is the
//! signature dictionary's `/M`); made, and checked.

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{OctetString, SetOfVec};
use der::oid::ObjectIdentifier;
use der::{Any, Decode, Encode};
use sha2_010::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;

use super::x509::Certificate;
use super::Identity;

const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");

fn attribute(oid: ObjectIdentifier, value: Any) -> Result<Attribute, String> {
    Ok(Attribute {
        oid,
        values: SetOfVec::try_from(vec![value]).map_err(|e| e.to_string())?,
    })
}

/// `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }`,
/// `ESSCertIDv2 ::= SEQUENCE { certHash OCTET STRING }` (the hash algorithm
/// is its default, SHA-256, so it is left out as DER requires).
fn signing_certificate_v2(cert: &Certificate) -> Result<Any, String> {
    let hash = OctetString::new(Sha256::digest(&cert.der).to_vec()).map_err(|e| e.to_string())?;
    let ess_cert_id = sequence(&hash.to_der().map_err(|e| e.to_string())?);
    let certs = sequence(&ess_cert_id);
    let value = sequence(&certs);
    Any::from_der(&value).map_err(|e| e.to_string())
}

/// A DER SEQUENCE of `content`.
fn sequence(content: &[u8]) -> Vec<u8> {
    let mut out = vec![0x30];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// The DER `ContentInfo` signing the document whose SHA-256 is `digest`.
pub fn sign(identity: &Identity, digest: &[u8]) -> Result<Vec<u8>, String> {
    let e = |e: der::Error| e.to_string();
    let cert = &identity.certificate;
    let attrs = SetOfVec::try_from(vec![
        attribute(CONTENT_TYPE, Any::encode_from(&DATA).map_err(e)?)?,
        attribute(
            MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(digest.to_vec()).map_err(e)?).map_err(e)?,
        )?,
        attribute(SIGNING_CERTIFICATE_V2, signing_certificate_v2(cert)?)?,
    ])
    .map_err(e)?;
    let (signature_algorithm, signature) = identity.sign(&attrs.to_der().map_err(e)?);
    let sha256 = AlgorithmIdentifierOwned {
        oid: SHA256,
        parameters: None,
    };
    let signer = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.cert.tbs_certificate.issuer.clone(),
            serial_number: cert.cert.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: sha256.clone(),
        signed_attrs: Some(attrs),
        signature_algorithm,
        signature: OctetString::new(signature).map_err(e)?,
        unsigned_attrs: None,
    };
    let certificates = std::iter::once(cert)
        .chain(&identity.chain)
        .map(|c| CertificateChoices::Certificate(c.cert.clone()))
        .collect::<Vec<_>>();
    let signed = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![sha256]).map_err(e)?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(SetOfVec::try_from(certificates).map_err(e)?)),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer]).map_err(e)?),
    };
    ContentInfo {
        content_type: SIGNED_DATA,
        content: Any::encode_from(&signed).map_err(e)?,
    }
    .to_der()
    .map_err(e)
}

/// Checks a detached CMS signature over a document whose SHA-256 is
/// `digest`: the message digest it signed, its signature with the signer's
/// key, and that its signing-certificate attribute names that certificate.
/// Returns the signer's certificate, when the signature names one, the
/// other certificates it carries (its chain), and what is wrong.
pub fn verify(
    contents: &[u8],
    digest: &[u8],
) -> (Option<Certificate>, Vec<Certificate>, Result<(), String>) {
    match signer(contents) {
        Ok((cert, others, signer)) => {
            let checked = check(&cert, &signer, digest);
            (Some(cert), others, checked)
        }
        Err(e) => (None, Vec::new(), Err(e)),
    }
}

/// The signer's certificate and signer info of a CMS signature.
#[allow(clippy::type_complexity)]
fn signer(contents: &[u8]) -> Result<(Certificate, Vec<Certificate>, SignerInfo), String> {
    let unreadable = |what: &str| format!("the signature cannot be read ({what})");
    let info = ContentInfo::from_der(contents).map_err(|e| unreadable(&e.to_string()))?;
    if info.content_type != SIGNED_DATA {
        return Err(unreadable("it is not CMS SignedData"));
    }
    let signed: SignedData = info
        .content
        .decode_as()
        .map_err(|e| unreadable(&e.to_string()))?;
    if signed.encap_content_info.econtent.is_some() {
        return Err(unreadable(
            "it is not detached: it carries content of its own",
        ));
    }
    let [signer] = signed.signer_infos.0.as_slice() else {
        return Err(unreadable("it has more than one signer"));
    };
    let certs: Vec<Certificate> = signed
        .certificates
        .iter()
        .flat_map(|s| s.0.iter())
        .filter_map(|c| match c {
            CertificateChoices::Certificate(c) => Certificate::from_x509(c.clone()).ok(),
            _ => None,
        })
        .collect();
    let cert = match &signer.sid {
        SignerIdentifier::IssuerAndSerialNumber(id) => certs.iter().find(|c| {
            c.cert.tbs_certificate.issuer == id.issuer
                && c.cert.tbs_certificate.serial_number == id.serial_number
        }),
        SignerIdentifier::SubjectKeyIdentifier(_) => certs.first(),
    }
    .ok_or_else(|| unreadable("it does not carry the signer's certificate"))?
    .clone();
    let others = certs.into_iter().filter(|c| *c != cert).collect();
    Ok((cert, others, signer.clone()))
}

/// Checks a signer info against its certificate and the document's digest.
fn check(cert: &Certificate, signer: &SignerInfo, digest: &[u8]) -> Result<(), String> {
    let unreadable = |what: &str| format!("the signature cannot be read ({what})");
    if signer.digest_alg.oid != SHA256 {
        return Err(format!(
            "the signature uses the digest {}, not SHA-256",
            signer.digest_alg.oid
        ));
    }
    let Some(attrs) = &signer.signed_attrs else {
        return Err(unreadable("it has no signed attributes"));
    };
    let value = |oid: ObjectIdentifier| {
        attrs
            .iter()
            .find(|a| a.oid == oid)
            .and_then(|a| a.values.iter().next())
    };
    let signed_digest = value(MESSAGE_DIGEST)
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .ok_or_else(|| unreadable("it has no message digest"))?;
    let message = attrs.to_der().map_err(|e| unreadable(&e.to_string()))?;
    super::x509::verify_with_key(
        &cert.cert.tbs_certificate.subject_public_key_info,
        &signer.signature_algorithm.oid,
        &message,
        signer.signature.as_bytes(),
    )?;
    if signed_digest.as_bytes() != digest {
        return Err(
            "changed after signing: the bytes the signature covers are not the bytes that were signed (their SHA-256 differs)".into(),
        );
    }
    match value(SIGNING_CERTIFICATE_V2) {
        Some(v) => {
            let wanted = signing_certificate_v2(cert)?;
            // The hash is the first ESSCertIDv2's certHash, with or without
            // issuerSerial and an explicit SHA-256 algorithm.
            let found = v.to_der().map_err(|e| e.to_string())?;
            let hash = Sha256::digest(&cert.der);
            if found != wanted.to_der().map_err(|e| e.to_string())?
                && !found.windows(hash.len()).any(|w| w == hash.as_slice())
            {
                return Err("the signature's signing-certificate attribute names another certificate than the one it carries".into());
            }
        }
        None => {
            return Err(
                "not a PAdES signature: it has no signing-certificate-v2 attribute binding the signer's certificate".into(),
            )
        }
    }
    Ok(())
}
