//! The signer's identity: a private key (ECDSA P-256 or RSA) and its
//! certificate, read from a PKCS#12 file — a force's own from its
//! certificate authority (as OpenSSL 3 writes them, AES-256-CBC with PBKDF2,
//! or the legacy 3DES/RC2 ones), or one `boardpack keys new` made — and
//! making a new key with a self-signed certificate.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use der::asn1::{SetOfVec, Utf8StringRef};
use der::{Decode, Encode};
use rand_core::OsRng;
use sha2_010::Sha256;
use spki::AlgorithmIdentifierOwned;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};

use super::x509::{self, Certificate, EC_PUBLIC_KEY, P256, RSA};
use super::SignatureError;

/// The kind of key `keys new` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Algorithm {
    /// ECDSA on the NIST P-256 curve (small, fast; every reader knows it).
    #[value(name = "ecdsa-p256")]
    EcdsaP256,
    /// RSA with a 3072-bit modulus.
    #[value(name = "rsa-3072")]
    Rsa3072,
}

/// A private key that signs with SHA-256.
#[derive(Clone)]
pub enum Key {
    Ec(p256::ecdsa::SigningKey),
    Rsa(Box<rsa::pkcs1v15::SigningKey<Sha256>>, rsa::RsaPrivateKey),
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Ec(_) => f.write_str("Key::Ec(..)"),
            Key::Rsa(..) => f.write_str("Key::Rsa(..)"),
        }
    }
}

/// A signer: the key, its certificate and the certificates of its chain
/// (the PKCS#12's others, carried in the signature for readers).
#[derive(Debug, Clone)]
pub struct Identity {
    pub key: Key,
    pub certificate: Certificate,
    pub chain: Vec<Certificate>,
}

impl Identity {
    /// Reads a PKCS#12 file's key and its certificate; `path` names it in
    /// errors.
    pub fn from_pkcs12(bytes: &[u8], passphrase: &str, path: &str) -> Result<Self, SignatureError> {
        use p12_keystore::error::Error as P12;
        if let Some(detail) = pem_instead(bytes) {
            return Err(SignatureError::NotPkcs12 {
                path: path.into(),
                detail,
            });
        }
        let store =
            p12_keystore::KeyStore::from_pkcs12(bytes, passphrase).map_err(|e| match e {
                P12::MacError(_) | P12::UnpadError | P12::Pkcs5Error(_) => {
                    SignatureError::WrongPassphrase { path: path.into() }
                }
                other => SignatureError::NotPkcs12 {
                    path: path.into(),
                    detail: other.to_string(),
                },
            })?;
        let Some((_, chain)) = store.private_key_chain() else {
            return Err(SignatureError::NoKey { path: path.into() });
        };
        let certs: Vec<Certificate> = chain
            .chain()
            .iter()
            .map(|c| Certificate::from_der(c.as_der()))
            .collect::<Result<_, _>>()
            .map_err(|detail| SignatureError::NotPkcs12 {
                path: path.into(),
                detail: format!("its certificate cannot be read ({detail})"),
            })?;
        let Some(certificate) = certs.first().cloned() else {
            return Err(SignatureError::NotPkcs12 {
                path: path.into(),
                detail: "its key has no certificate".into(),
            });
        };
        let key = key_from_pkcs8(chain.key(), path)?;
        let identity = Identity {
            key,
            chain: certs[1..].to_vec(),
            certificate,
        };
        if !identity.key_matches() {
            return Err(SignatureError::KeyMismatch {
                path: path.into(),
                subject: identity.certificate.subject(),
            });
        }
        Ok(identity)
    }

    /// The key's public half is the certificate's.
    fn key_matches(&self) -> bool {
        let spki = &self
            .certificate
            .cert
            .tbs_certificate
            .subject_public_key_info;
        match &self.key {
            Key::Ec(k) => {
                let point = k.verifying_key().to_encoded_point(false);
                spki.algorithm.oid == EC_PUBLIC_KEY
                    && p256::EncodedPoint::from_bytes(spki.subject_public_key.raw_bytes())
                        .ok()
                        .and_then(|p| p256::ecdsa::VerifyingKey::from_encoded_point(&p).ok())
                        .map(|p| p.to_encoded_point(false))
                        == Some(point)
            }
            Key::Rsa(_, private) => {
                use rsa::pkcs8::EncodePublicKey;
                spki.algorithm.oid == RSA
                    && rsa::RsaPublicKey::from(private)
                        .to_public_key_der()
                        .ok()
                        .map(|d| d.as_bytes().to_vec())
                        == spki.to_der().ok()
            }
        }
    }

    /// Signs `message` with SHA-256: the algorithm identifier and the
    /// signature value, as CMS names them.
    pub fn sign(&self, message: &[u8]) -> (AlgorithmIdentifierOwned, Vec<u8>) {
        use p256::ecdsa::signature::{SignatureEncoding, Signer};
        match &self.key {
            Key::Ec(k) => {
                let sig: p256::ecdsa::DerSignature = k.sign(message);
                (
                    AlgorithmIdentifierOwned {
                        oid: x509::ECDSA_SHA256,
                        parameters: None,
                    },
                    sig.to_vec(),
                )
            }
            Key::Rsa(k, _) => {
                let sig: rsa::pkcs1v15::Signature = k.sign(message);
                (
                    AlgorithmIdentifierOwned {
                        oid: x509::RSA_SHA256,
                        parameters: Some(der::asn1::Null.into()),
                    },
                    sig.to_vec(),
                )
            }
        }
    }

    /// Bytes to reserve in the PDF for the CMS signature.
    pub fn cms_size_estimate(&self) -> usize {
        let certs: usize = std::iter::once(&self.certificate)
            .chain(&self.chain)
            .map(|c| c.der.len())
            .sum();
        certs + 4096
    }

    /// A new key and a self-signed certificate naming `name` (CN) and
    /// `role` (X.520 title), valid from the start of `from` (UTC) for
    /// `years` years, for signing documents (key usage: digital signature,
    /// non-repudiation).
    pub fn generate(
        algorithm: Algorithm,
        name: &str,
        role: &str,
        from: NaiveDate,
        years: u32,
    ) -> Result<Self, SignatureError> {
        use x509_cert::builder::{Builder, CertificateBuilder, Profile};
        let make = |e: &dyn std::fmt::Display| SignatureError::Make(e.to_string());
        let subject = subject(name, role).map_err(|e| make(&e))?;
        let start = from.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
        let end_day = NaiveDate::from_ymd_opt(from.year() + years as i32, from.month(), 1)
            .and_then(|d| d.with_day(from.day()).or(Some(d)))
            .ok_or_else(|| make(&"the end of validity is not a date"))?;
        let end = end_day.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
        let validity = x509_cert::time::Validity {
            not_before: x509_time(start).map_err(|e| make(&e))?,
            not_after: x509_time(end).map_err(|e| make(&e))?,
        };
        let mut serial = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut OsRng, &mut serial);
        serial[0] &= 0x7f;
        serial[0] |= 0x01;
        let serial = x509_cert::serial_number::SerialNumber::new(&serial).map_err(|e| make(&e))?;
        // A leaf issued by itself: key usage digital signature and
        // non-repudiation, not a certificate authority.
        let profile = Profile::Leaf {
            issuer: subject.clone(),
            enable_key_agreement: false,
            enable_key_encipherment: false,
        };
        let (key, cert) = match algorithm {
            Algorithm::EcdsaP256 => {
                let key = p256::ecdsa::SigningKey::random(&mut OsRng);
                let spki = spki::SubjectPublicKeyInfoOwned::from_key(*key.verifying_key())
                    .map_err(|e| make(&e))?;
                let b = CertificateBuilder::new(profile, serial, validity, subject, spki, &key)
                    .map_err(|e| make(&e))?;
                let cert = b
                    .build::<p256::ecdsa::DerSignature>()
                    .map_err(|e| make(&e))?;
                (Key::Ec(key), cert)
            }
            Algorithm::Rsa3072 => {
                let private = rsa::RsaPrivateKey::new(&mut OsRng, 3072).map_err(|e| make(&e))?;
                let key = rsa::pkcs1v15::SigningKey::<Sha256>::new(private.clone());
                let spki =
                    spki::SubjectPublicKeyInfoOwned::from_key(rsa::RsaPublicKey::from(&private))
                        .map_err(|e| make(&e))?;
                let b = CertificateBuilder::new(profile, serial, validity, subject, spki, &key)
                    .map_err(|e| make(&e))?;
                let cert = b
                    .build::<rsa::pkcs1v15::Signature>()
                    .map_err(|e| make(&e))?;
                (Key::Rsa(Box::new(key), private), cert)
            }
        };
        Ok(Identity {
            key,
            certificate: Certificate::from_x509(cert).map_err(|e| make(&e))?,
            chain: Vec::new(),
        })
    }

    /// The identity as a PKCS#12 file protected by `passphrase`
    /// (PBES2: PBKDF2 with HMAC-SHA-256 and AES-256-CBC; HMAC-SHA-256 MAC).
    pub fn to_pkcs12(&self, passphrase: &str) -> Result<Vec<u8>, SignatureError> {
        let make = |e: &dyn std::fmt::Display| SignatureError::Make(e.to_string());
        let pkcs8 = match &self.key {
            Key::Ec(k) => {
                use p256::pkcs8::EncodePrivateKey;
                k.to_pkcs8_der().map_err(|e| make(&e))?.as_bytes().to_vec()
            }
            Key::Rsa(_, private) => {
                use rsa::pkcs8::EncodePrivateKey;
                private
                    .to_pkcs8_der()
                    .map_err(|e| make(&e))?
                    .as_bytes()
                    .to_vec()
            }
        };
        let cert =
            p12_keystore::Certificate::from_der(&self.certificate.der).map_err(|e| make(&e))?;
        let local_key_id = self.certificate.sha256();
        let chain =
            p12_keystore::PrivateKeyChain::new(pkcs8, &local_key_id.as_bytes()[..20], [cert]);
        let mut store = p12_keystore::KeyStore::new();
        let alias = self
            .certificate
            .common_name()
            .unwrap_or_else(|| "signer".into());
        store.add_entry(&alias, p12_keystore::KeyStoreEntry::PrivateKeyChain(chain));
        store
            .writer(passphrase)
            .encryption_algorithm(p12_keystore::EncryptionAlgorithm::PbeWithHmacSha256AndAes256)
            .mac_algorithm(p12_keystore::MacAlgorithm::HmacSha256)
            .encryption_iterations(600_000)
            .mac_iterations(600_000)
            .write()
            .map_err(|e| make(&e))
    }
}

/// What a PEM file given as a key file is, said plainly.
fn pem_instead(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned();
    if head.contains("-----BEGIN CERTIFICATE-----") {
        Some("this is a certificate (PEM), not a key file: give the .p12 key file (keys new writes NAME.p12 beside NAME.pem)".into())
    } else if head.contains("PRIVATE KEY-----") {
        Some("this is a PEM private key alone: export it with its certificate as PKCS#12 (openssl pkcs12 -export -inkey KEY -in CERT -out KEY.p12) and give that".into())
    } else {
        None
    }
}

/// `bytes` looks like a PKCS#12 file: a DER SEQUENCE whose first element
/// is the version INTEGER 3.
pub fn looks_like_pkcs12(bytes: &[u8]) -> bool {
    if bytes.len() < 8 || bytes[0] != 0x30 {
        return false;
    }
    let header = if bytes[1] < 0x80 {
        2
    } else {
        2 + usize::from(bytes[1] & 0x7f)
    };
    bytes.get(header..header + 3) == Some(&[0x02, 0x01, 0x03][..])
}

/// A private key from its PKCS#8 DER: ECDSA P-256 or RSA.
fn key_from_pkcs8(der: &[u8], path: &str) -> Result<Key, SignatureError> {
    let info = pkcs8::PrivateKeyInfo::from_der(der).map_err(|e| SignatureError::NotPkcs12 {
        path: path.into(),
        detail: format!("its private key cannot be read ({e})"),
    })?;
    let unsupported = |what: String| SignatureError::UnsupportedKey {
        path: path.into(),
        what,
    };
    if info.algorithm.oid == EC_PUBLIC_KEY {
        let curve = info
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<der::oid::ObjectIdentifier>().ok());
        if curve != Some(P256) {
            return Err(unsupported(format!(
                "an elliptic-curve key on another curve than P-256 ({})",
                curve
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "unnamed".into())
            )));
        }
        use p256::pkcs8::DecodePrivateKey;
        let key = p256::SecretKey::from_pkcs8_der(der)
            .map_err(|e| unsupported(format!("an unreadable P-256 key ({e})")))?;
        Ok(Key::Ec(p256::ecdsa::SigningKey::from(key)))
    } else if info.algorithm.oid == RSA {
        use rsa::pkcs8::DecodePrivateKey;
        use rsa::traits::PublicKeyParts;
        let private = rsa::RsaPrivateKey::from_pkcs8_der(der)
            .map_err(|e| unsupported(format!("an unreadable RSA key ({e})")))?;
        if private.size() * 8 < 2048 {
            return Err(unsupported(format!(
                "an RSA key of {} bits",
                private.size() * 8
            )));
        }
        Ok(Key::Rsa(
            Box::new(rsa::pkcs1v15::SigningKey::<Sha256>::new(private.clone())),
            private,
        ))
    } else {
        Err(unsupported(format!("a key of type {}", info.algorithm.oid)))
    }
}

/// `CN=name, title=role`, as UTF-8 strings.
fn subject(name: &str, role: &str) -> Result<Name, der::Error> {
    let mut rdns = Vec::new();
    for (oid, value) in [(x509::CN, name), (x509::TITLE, role)] {
        let value = der::Any::encode_from(&Utf8StringRef::new(value)?)?;
        let atv = x509_cert::attr::AttributeTypeAndValue { oid, value };
        rdns.push(RelativeDistinguishedName(SetOfVec::try_from(vec![atv])?));
    }
    Ok(RdnSequence(rdns))
}

fn x509_time(t: DateTime<Utc>) -> Result<x509_cert::time::Time, der::Error> {
    let d = der::DateTime::new(t.year() as u16, t.month() as u8, t.day() as u8, 0, 0, 0)?;
    Ok(if t.year() < 2050 {
        x509_cert::time::Time::UtcTime(der::asn1::UtcTime::from_date_time(d)?)
    } else {
        x509_cert::time::Time::GeneralTime(der::asn1::GeneralizedTime::from_date_time(d))
    })
}
