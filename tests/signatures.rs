//! Digital signatures (issue #30): `keys new`, `sign-off --key`, and
//! `verify` checking every signature — and each failure, and a signed pack
//! tampered with (a byte in the signed range, an appended update, a removed
//! signature).
//!
//! The OpenSSL-made key files in tests/fixtures/signing are written by
//! scripts/make-signing-fixtures.sh (passphrase "fixture-passphrase").

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use boardpack::pack::copy::copy;
use boardpack::pack::signature::{self, Algorithm, Identity, SignatureError, TrustList};
use boardpack::pack::signoff::{build_final, SignOff};
use boardpack::pack::verify::{verify, verify_trusting, Verdict};
use chrono::{NaiveDate, TimeZone, Utc};

const PASS: &str = "fixture-passphrase";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/signing")
        .join(name)
}

fn load(name: &str) -> Result<Identity, SignatureError> {
    Identity::from_pkcs12(&std::fs::read(fixture(name)).unwrap(), PASS, name)
}

/// A key made as `keys new` makes it, valid from 2016-01-01 for 20 years.
fn jane() -> &'static Identity {
    static ID: OnceLock<Identity> = OnceLock::new();
    ID.get_or_init(|| {
        Identity::generate(
            Algorithm::EcdsaP256,
            "Jane Smith",
            "Board Secretary",
            NaiveDate::from_ymd_opt(2016, 1, 1).unwrap(),
            20,
        )
        .unwrap()
    })
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 1, 28).unwrap()
}

fn when() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2016, 1, 28, 0, 0, 0).unwrap()
}

/// The sample's final pack, signed off as signed with `jane()`.
fn unsigned() -> &'static Vec<u8> {
    static PDF: OnceLock<Vec<u8>> = OnceLock::new();
    PDF.get_or_init(|| {
        let c = copy(&common::sample_bytes(), "dashboard-2015-12.xlsx").unwrap();
        let s = SignOff::new(
            "Jane Smith",
            "Board Secretary",
            date(),
            None,
            "dashboard-2015-12.xlsx",
        )
        .leaving_out(c.left_out.clone())
        .signed_with(Some(jane().certificate.sha256()));
        build_final(&c.bytes, &s).unwrap().pdf
    })
}

fn signed() -> &'static Vec<u8> {
    static PDF: OnceLock<Vec<u8>> = OnceLock::new();
    PDF.get_or_init(|| {
        signature::sign_pdf(unsigned(), jane(), when(), "Signed off as Board Secretary").unwrap()
    })
}

fn trusting(id: &Identity) -> TrustList {
    TrustList {
        entries: vec![(id.certificate.clone(), None)],
    }
}

fn findings(v: Verdict) -> Vec<String> {
    match v {
        Verdict::Verified => Vec::new(),
        Verdict::Differs(f) => f,
    }
}

#[test]
fn a_signed_pack_is_the_unsigned_pack_then_one_update_and_verifies() {
    let (pdf, plain) = (signed(), unsigned());
    assert!(pdf.starts_with(plain), "the unsigned pack's bytes are kept");
    assert!(pdf.len() > plain.len());
    assert_eq!(findings(verify(pdf, None)), Vec::<String>::new());
    assert_eq!(
        findings(verify_trusting(pdf, None, Some(&trusting(jane())))),
        Vec::<String>::new()
    );
    let report = signature::check_pdf(pdf, Some(&trusting(jane())));
    assert_eq!(report.signatures.len(), 1);
    let s = &report.signatures[0];
    assert_eq!(s.signer.as_deref(), Some("Jane Smith"));
    assert_eq!(s.role.as_deref(), Some("Board Secretary"));
    assert_eq!(s.when, Some(when()));
    assert_eq!(s.covers_to, pdf.len());
    assert_eq!(
        report.lines(),
        ["signature 1 (Jane Smith, Board Secretary, 2016-01-28 00:00 UTC): signature valid"]
    );
}

#[test]
fn the_signature_is_pades_b_b_in_an_invisible_tagged_field() {
    let doc = lopdf::Document::load_mem(signed()).unwrap();
    let sig = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .find(|d| d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"Sig"))
        .expect("a signature dictionary");
    assert_eq!(
        sig.get(b"SubFilter").unwrap().as_name().unwrap(),
        b"ETSI.CAdES.detached"
    );
    assert_eq!(
        sig.get(b"M").unwrap().as_str().unwrap(),
        b"D:20160128000000Z"
    );
    let catalog = doc.catalog().unwrap();
    let form = doc
        .get_dictionary(catalog.get(b"AcroForm").unwrap().as_reference().unwrap())
        .unwrap();
    assert_eq!(form.get(b"SigFlags").unwrap().as_i64().unwrap(), 3);
    let field = doc
        .get_dictionary(
            form.get(b"Fields").unwrap().as_array().unwrap()[0]
                .as_reference()
                .unwrap(),
        )
        .unwrap();
    assert_eq!(field.get(b"FT").unwrap().as_name().unwrap(), b"Sig");
    assert_eq!(
        field.get(b"F").unwrap().as_i64().unwrap() & 4,
        4,
        "printable"
    );
    let rect: Vec<f32> = field
        .get(b"Rect")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_float().unwrap())
        .collect();
    assert_eq!(rect, [0.0; 4], "invisible");
    // Tagged: a Form element holds the widget, found through the parent tree.
    let key = field.get(b"StructParent").unwrap().as_i64().unwrap();
    let tree = doc
        .get_dictionary(
            catalog
                .get(b"StructTreeRoot")
                .unwrap()
                .as_reference()
                .unwrap(),
        )
        .unwrap();
    let nums = tree
        .get(b"ParentTree")
        .unwrap()
        .as_dict()
        .unwrap()
        .get(b"Nums")
        .unwrap()
        .as_array()
        .unwrap();
    let at = nums
        .iter()
        .position(|n| n.as_i64().ok() == Some(key))
        .unwrap();
    let element = doc
        .get_dictionary(nums[at + 1].as_reference().unwrap())
        .unwrap();
    assert_eq!(element.get(b"S").unwrap().as_name().unwrap(), b"Form");
    assert_eq!(
        tree.get(b"ParentTreeNextKey").unwrap().as_i64().unwrap(),
        key + 1
    );
    // The CMS holds no signing-time attribute (PAdES: the time is /M).
    let contents = sig.get(b"Contents").unwrap().as_str().unwrap();
    let signing_time_oid = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05,
    ];
    assert!(!contents.windows(11).any(|w| w == signing_time_oid));
    let signing_certificate_v2 = [
        0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x02, 0x2f,
    ];
    assert!(contents.windows(13).any(|w| w == signing_certificate_v2));
}

#[test]
fn a_byte_changed_in_the_signed_range_is_changed_after_signing() {
    let mut pdf = signed().clone();
    // In the update (after the unsigned pack): the signature's reason,
    // written as a hexadecimal string (`Signed of` is 5369676E6564206F66).
    let at = pdf
        .windows(18)
        .rposition(|w| w == b"5369676E6564206F66")
        .unwrap();
    pdf[at] = b'7';
    let f = findings(verify(&pdf, None));
    assert!(
        f.iter().any(|f| f.contains("signature 1 (Jane Smith, Board Secretary, 2016-01-28 00:00 UTC): changed after signing: the bytes the signature covers are not the bytes that were signed")),
        "{f:?}"
    );
}

#[test]
fn an_update_appended_after_the_signature_is_found() {
    let mut pdf = signed().clone();
    let prev = String::from_utf8_lossy(&pdf[pdf.len() - 40..]).to_string();
    let startxref: usize = prev
        .split("startxref")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let at = pdf.len();
    pdf.extend_from_slice(b"9999 0 obj\n(forged)\nendobj\n");
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n9999 1\n{at:010} 00000 n\r\ntrailer\n<</Size 10000/Prev {startxref}>>\nstartxref\n{xref}\n%%EOF\n")
            .as_bytes(),
    );
    let f = findings(verify(&pdf, None));
    assert!(
        f.iter().any(|f| f.starts_with("changed after signing:")
            && f.contains("bytes were added after the last signature")),
        "{f:?}"
    );
}

#[test]
fn a_removed_signature_is_found() {
    let f = findings(verify(unsigned(), None));
    assert!(
        f.iter().any(|f| f.starts_with(
            "the signature was removed: the sign-off record says Jane Smith signed the pack"
        )),
        "{f:?}"
    );
}

#[test]
fn a_signature_by_another_key_is_found() {
    let other = load("openssl-ec-aes.p12").unwrap();
    let pdf = signature::sign_pdf(unsigned(), &other, when(), "x").unwrap();
    let f = findings(verify(&pdf, None));
    assert!(
        f.iter()
            .any(|f| f.contains("is not by the certificate the sign-off record names")),
        "{f:?}"
    );
}

#[test]
fn an_unknown_signer_is_named() {
    let other = load("openssl-ec-aes.p12").unwrap();
    let f = findings(verify_trusting(signed(), None, Some(&trusting(&other))));
    assert!(
        f.iter().any(|f| f
            .contains("unknown signer: the certificate of CN=Jane Smith, title=Board Secretary")),
        "{f:?}"
    );
}

#[test]
fn a_certificate_authority_on_the_trust_list_admits_what_it_issued() {
    let issued = load("openssl-issued.p12").unwrap();
    assert_eq!(
        issued.chain.len(),
        1,
        "the authority's certificate comes along"
    );
    let authority =
        signature::Certificate::read_all(&std::fs::read(fixture("openssl-authority.pem")).unwrap())
            .unwrap();
    let trust = TrustList {
        entries: authority.into_iter().map(|c| (c, None)).collect(),
    };
    let pdf = signature::sign_pdf(unsigned(), &issued, when(), "x").unwrap();
    let report = signature::check_pdf(&pdf, Some(&trust));
    assert_eq!(report.findings(), Vec::<String>::new());
    assert!(report.signatures[0].trusted);
    // Not the authority's own: the self-signed one is unknown to it.
    let report = signature::check_pdf(signed(), Some(&trust));
    assert!(report.findings()[0].contains("unknown signer"));
}

#[test]
fn openssl_key_files_load_aes_3des_and_rsa() {
    for (file, name, role) in [
        ("openssl-ec-aes.p12", "Olive Openssl", "Board Chair"),
        ("openssl-ec-3des.p12", "Olive Openssl", "Board Chair"),
        ("openssl-rsa-aes.p12", "Rhea Rsa", "Board Secretary"),
    ] {
        let id = load(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(id.certificate.common_name().as_deref(), Some(name));
        assert_eq!(id.certificate.title().as_deref(), Some(role));
        let pdf = signature::sign_pdf(unsigned(), &id, when(), "x").unwrap();
        let report = signature::check_pdf(&pdf, Some(&trusting(&id)));
        assert_eq!(report.findings(), Vec::<String>::new(), "{file}");
    }
}

#[test]
fn key_file_errors_are_clear() {
    let wrong = Identity::from_pkcs12(
        &std::fs::read(fixture("openssl-ec-aes.p12")).unwrap(),
        "not the passphrase",
        "k.p12",
    )
    .unwrap_err();
    assert!(
        wrong
            .to_string()
            .starts_with("k.p12 cannot be opened with this passphrase (or it is damaged)"),
        "{wrong}"
    );
    let legacy = Identity::from_pkcs12(
        &std::fs::read(fixture("openssl-ec-3des.p12")).unwrap(),
        "not the passphrase",
        "k.p12",
    )
    .unwrap_err();
    assert!(
        matches!(legacy, SignatureError::WrongPassphrase { .. }),
        "{legacy}"
    );
    let no_key = load("openssl-no-key.p12").unwrap_err();
    assert!(
        no_key
            .to_string()
            .starts_with("openssl-no-key.p12 holds no private key (only certificates)"),
        "{no_key}"
    );
    let garbage = Identity::from_pkcs12(b"not a key file", PASS, "k.p12").unwrap_err();
    assert!(garbage
        .to_string()
        .starts_with("k.p12 is not a PKCS#12 key file"));
}

#[test]
fn keys_new_writes_a_key_file_that_loads_with_its_passphrase() {
    for algorithm in [Algorithm::EcdsaP256, Algorithm::Rsa3072] {
        let id = Identity::generate(
            algorithm,
            "Zoë Ångström",
            "Chair",
            NaiveDate::from_ymd_opt(2016, 1, 1).unwrap(),
            5,
        )
        .unwrap();
        let p12 = id.to_pkcs12("a long passphrase").unwrap();
        let back = Identity::from_pkcs12(&p12, "a long passphrase", "new.p12").unwrap();
        assert_eq!(back.certificate, id.certificate);
        assert_eq!(
            back.certificate.common_name().as_deref(),
            Some("Zoë Ångström")
        );
        assert_eq!(back.certificate.title().as_deref(), Some("Chair"));
        assert_eq!(
            back.certificate.not_after().date_naive(),
            NaiveDate::from_ymd_opt(2021, 1, 1).unwrap()
        );
        assert!(back.certificate.may_sign());
        assert!(matches!(
            Identity::from_pkcs12(&p12, "wrong", "new.p12"),
            Err(SignatureError::WrongPassphrase { .. })
        ));
    }
}

#[test]
fn an_expired_or_not_yet_valid_certificate_is_named() {
    let old = Identity::generate(
        Algorithm::EcdsaP256,
        "Jane Smith",
        "Board Secretary",
        NaiveDate::from_ymd_opt(2010, 1, 1).unwrap(),
        1,
    )
    .unwrap();
    let p = old.certificate.problems_at(when());
    assert_eq!(
        p,
        ["certificate expired: it was valid until 2011-01-01 00:00 UTC, before the signing time 2016-01-28 00:00 UTC"]
    );
    let pdf = signature::sign_pdf(unsigned(), &old, when(), "x").unwrap();
    let report = signature::check_pdf(&pdf, None);
    assert!(
        report.findings()[0].ends_with(&p[0]),
        "{:?}",
        report.findings()
    );
    let early = Identity::generate(
        Algorithm::EcdsaP256,
        "Jane Smith",
        "Board Secretary",
        NaiveDate::from_ymd_opt(2017, 1, 1).unwrap(),
        1,
    )
    .unwrap();
    assert!(early.certificate.problems_at(when())[0]
        .starts_with("certificate not yet valid: it is valid from 2017-01-01 00:00 UTC"));
}

#[test]
fn wrong_key_usage_is_named() {
    let id = load("openssl-wrong-usage.p12").unwrap();
    let pdf = signature::sign_pdf(unsigned(), &id, when(), "x").unwrap();
    let report = signature::check_pdf(&pdf, None);
    assert!(
        report.findings().iter().any(|f| f.contains("wrong key usage: the certificate's key usage allows neither digital signatures nor non-repudiation")),
        "{:?}",
        report.findings()
    );
}

// The command line.

fn keys_new(dir: &Path, out: &str, valid_from: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .args([
            "keys",
            "new",
            "--name",
            "Jane Smith",
            "--role",
            "Board Secretary",
            "--out",
            out,
            "--valid-from",
            valid_from,
            "--years",
            "20",
        ])
        .current_dir(dir)
        .env("BOARDPACK_PASSPHRASE", "correct horse battery")
        .output()
        .unwrap()
}

fn run_with(dir: &Path, args: &[&str], passphrase: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .args(args)
        .current_dir(dir)
        .env_remove("BOARDPACK_ARCHIVE")
        .env("BOARDPACK_PASSPHRASE", passphrase)
        .output()
        .unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn sign_off_with_a_key_archives_a_signed_pack_that_verify_checks() {
    let dir = common::dir_with_sample("dashboard-2015-12.xlsx");
    let made = keys_new(dir.path(), "jane.p12", "2016-01-01");
    assert!(made.status.success(), "{}", stderr(&made));
    assert!(dir.path().join("jane.pem").is_file());
    let again = keys_new(dir.path(), "jane.p12", "2016-01-01");
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("jane.p12 is already there: a key file is never overwritten"));
    let signed = run_with(
        dir.path(),
        &[
            "sign-off",
            "dashboard-2015-12.xlsx",
            "--key",
            "jane.p12",
            "--date",
            "2016-01-28",
            "--archive",
            "archive",
        ],
        "correct horse battery",
    );
    assert!(signed.status.success(), "{}", stderr(&signed));
    assert!(
        stderr(&signed).contains("signed off 2015-12 v1 by Jane Smith (Board Secretary) on 2016-01-28, digitally signed (PAdES)"),
        "{}",
        stderr(&signed)
    );
    let pdf = stdout(&signed).trim().to_string();
    let v = run_with(dir.path(), &["verify", &pdf, "--trust", "jane.pem"], "");
    assert!(v.status.success(), "{}{}", stdout(&v), stderr(&v));
    assert!(
        stdout(&v).contains(
            "signature 1 (Jane Smith, Board Secretary, 2016-01-28 00:00 UTC): signature valid\n"
        ),
        "{}",
        stdout(&v)
    );
    let untrusted = run_with(dir.path(), &["verify", &pdf], "");
    assert!(untrusted.status.success());
    assert!(stdout(&untrusted).contains(
        "signature valid (the signer was not checked against a trust list: give --trust CERT.pem)"
    ));
    let other = run_with(
        dir.path(),
        &[
            "verify",
            &pdf,
            "--trust",
            fixture("openssl-ec.pem").to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(other.status.code(), Some(1));
    assert!(
        stderr(&other).contains("unknown signer"),
        "{}",
        stderr(&other)
    );
    let archive = run_with(
        dir.path(),
        &["archive", "verify", "--archive", "archive"],
        "",
    );
    assert!(archive.status.success(), "{}", stderr(&archive));
}

#[test]
fn sign_off_refuses_a_wrong_passphrase_a_keyless_file_and_a_name_that_disagrees() {
    let dir = common::dir_with_sample("w.xlsx");
    let key = fixture("openssl-ec-aes.p12");
    let key = key.to_str().unwrap();
    let base = [
        "sign-off",
        "w.xlsx",
        "--date",
        "2016-01-28",
        "--archive",
        "archive",
    ];
    let wrong = run_with(dir.path(), &[&base[..], &["--key", key]].concat(), "not it");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        stderr(&wrong).contains(
            "cannot be opened with this passphrase (or it is damaged): check the passphrase"
        ),
        "{}",
        stderr(&wrong)
    );
    assert!(!dir.path().join("archive").exists(), "nothing archived");
    let nokey = fixture("openssl-no-key.p12");
    let no = run_with(
        dir.path(),
        &[&base[..], &["--key", nokey.to_str().unwrap()]].concat(),
        PASS,
    );
    assert_eq!(no.status.code(), Some(1));
    assert!(stderr(&no).contains("holds no private key (only certificates)"));
    let by = run_with(
        dir.path(),
        &[&base[..], &["--key", key, "--by", "Jane Smith"]].concat(),
        PASS,
    );
    assert_eq!(by.status.code(), Some(2));
    assert!(
        stderr(&by).contains("--by \"Jane Smith\" does not agree with the certificate of"),
        "{}",
        stderr(&by)
    );
    let role = run_with(
        dir.path(),
        &[&base[..], &["--key", key, "--role", "Board Secretary"]].concat(),
        PASS,
    );
    assert_eq!(role.status.code(), Some(2));
    assert!(stderr(&role).contains(
        "--role \"Board Secretary\" does not agree with the certificate's title \"Board Chair\""
    ));
    let usage = fixture("openssl-wrong-usage.p12");
    let u = run_with(
        dir.path(),
        &[&base[..], &["--key", usage.to_str().unwrap()]].concat(),
        PASS,
    );
    assert_eq!(u.status.code(), Some(1));
    assert!(
        stderr(&u).contains("cannot sign on 2016-01-28: wrong key usage"),
        "{}",
        stderr(&u)
    );
    assert!(!dir.path().join("archive").exists(), "nothing archived");
}

#[test]
fn sign_off_refuses_an_expired_certificate() {
    let dir = common::dir_with_sample("w.xlsx");
    let made = keys_new(dir.path(), "old.p12", "2014-01-01");
    assert!(made.status.success());
    // Valid 2014-01-01 to 2034-01-01: sign on a date before it instead.
    let made = std::process::Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .args([
            "keys",
            "new",
            "--name",
            "J",
            "--role",
            "S",
            "--out",
            "short.p12",
            "--valid-from",
            "2015-01-01",
            "--years",
            "1",
        ])
        .current_dir(dir.path())
        .env("BOARDPACK_PASSPHRASE", "correct horse battery")
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", stderr(&made));
    let o = run_with(
        dir.path(),
        &[
            "sign-off",
            "w.xlsx",
            "--key",
            "short.p12",
            "--date",
            "2016-01-28",
            "--archive",
            "archive",
        ],
        "correct horse battery",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cannot sign on 2016-01-28: certificate expired: it was valid until 2016-01-01 00:00 UTC"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("archive").exists(), "nothing archived");
}

fn keys_new_as(dir: &Path, name: &str, role: &str, out: &str) {
    let made = std::process::Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .args([
            "keys",
            "new",
            "--name",
            name,
            "--role",
            role,
            "--out",
            out,
            "--valid-from",
            "2016-01-01",
            "--years",
            "20",
        ])
        .current_dir(dir)
        .env("BOARDPACK_PASSPHRASE", "correct horse battery")
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", stderr(&made));
}

#[test]
fn a_trust_list_refuses_unsigned_and_unknown_sign_offs_and_a_countersignature_verifies() {
    let dir = common::dir_with_sample("w.xlsx");
    let d = dir.path();
    let pass = "correct horse battery";
    keys_new_as(d, "Jane Smith", "Board Secretary", "jane.p12");
    keys_new_as(d, "Chris Chair", "Chair", "chair.p12");
    let first = run_with(
        d,
        &[
            "sign-off",
            "w.xlsx",
            "--key",
            "jane.p12",
            "--date",
            "2016-01-28",
            "--archive",
            "a",
        ],
        pass,
    );
    assert!(first.status.success(), "{}", stderr(&first));
    let pdf = stdout(&first).trim().to_string();
    let add = trust_add(d, "jane.pem", "Board Secretary", "a", pass);
    assert!(add.status.success(), "{}", stderr(&add));
    assert!(
        stderr(&add).contains("trusted: CN=Jane Smith, title=Board Secretary"),
        "{}",
        stderr(&add)
    );
    let again = run_with(
        d,
        &["archive", "trust", "add", "jane.pem", "--archive", "a"],
        pass,
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again)
        .contains("is on the archive's trust list already (archive-log.jsonl line 2)"));
    let log = std::fs::read_to_string(d.join("a/archive-log.jsonl")).unwrap();
    assert!(
        log.lines()
            .nth(1)
            .unwrap()
            .contains(r#""kind":"trusted","period":"trust","version":1"#),
        "{log}"
    );
    // Unsigned, and signed by a key the list does not admit: refused.
    let unsigned = run_with(
        d,
        &[
            "sign-off",
            "w.xlsx",
            "--by",
            "J",
            "--role",
            "S",
            "--date",
            "2016-01-29",
            "--reason",
            "r",
            "--archive",
            "a",
        ],
        pass,
    );
    assert_eq!(unsigned.status.code(), Some(2));
    assert!(
        stderr(&unsigned)
            .contains("has a trust list, so sign-offs into it must be signed: give --key FILE.p12"),
        "{}",
        stderr(&unsigned)
    );
    let olive = fixture("openssl-ec-aes.p12");
    let unknown = run_with(
        d,
        &[
            "sign-off",
            "w.xlsx",
            "--key",
            olive.to_str().unwrap(),
            "--date",
            "2016-01-29",
            "--reason",
            "r",
            "--archive",
            "a",
        ],
        PASS,
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown)
            .contains("unknown signer: the certificate of CN=Olive Openssl, title=Board Chair"),
        "{}",
        stderr(&unknown)
    );
    // The chair countersigns v1 once trusted.
    let chair = run_with(
        d,
        &[
            "sign-off",
            "w.xlsx",
            "--countersign",
            "v1",
            "--key",
            "chair.p12",
            "--date",
            "2016-01-29",
            "--archive",
            "a",
        ],
        pass,
    );
    assert_eq!(chair.status.code(), Some(1), "{}", stderr(&chair));
    assert!(stderr(&chair).contains("unknown signer: the certificate of CN=Chris Chair"));
    let add = trust_add(d, "chair.pem", "Chair", "a", pass);
    assert!(add.status.success(), "{}", stderr(&add));
    let chair = run_with(
        d,
        &[
            "sign-off",
            "w.xlsx",
            "--countersign",
            "v1",
            "--key",
            "chair.p12",
            "--date",
            "2016-01-29",
            "--archive",
            "a",
        ],
        pass,
    );
    assert!(chair.status.success(), "{}", stderr(&chair));
    assert_eq!(stdout(&chair).trim(), pdf, "the same version's PDF");
    assert!(
        stderr(&chair).contains("countersigned 2015-12 v1 by Chris Chair (Chair) on 2016-01-29")
    );
    let v = run_with(d, &["verify", &pdf], "");
    assert!(v.status.success(), "{}{}", stdout(&v), stderr(&v));
    assert!(stdout(&v).contains("signature 1 (Jane Smith, Board Secretary, 2016-01-28 00:00 UTC): signature valid\nsignature 2 (Chris Chair, Chair, 2016-01-29 00:00 UTC): signature valid\n"), "{}", stdout(&v));
    let whole = run_with(d, &["archive", "verify", "--archive", "a"], "");
    assert!(whole.status.success(), "{}", stderr(&whole));
    // A v2 after the countersigned v1 chains to v1 as first archived.
    let v2 = run_with(
        d,
        &[
            "sign-off",
            "w.xlsx",
            "--key",
            "jane.p12",
            "--date",
            "2016-02-01",
            "--reason",
            "restated",
            "--archive",
            "a",
        ],
        pass,
    );
    assert!(v2.status.success(), "{}", stderr(&v2));
    let whole = run_with(d, &["archive", "verify", "--archive", "a"], "");
    assert!(whole.status.success(), "{}", stderr(&whole));
    // The countersignature removed (the PDF cut back to its first signature).
    common::writable(&d.join("a"));
    let bytes = std::fs::read(d.join(&pdf)).unwrap();
    let report = signature::check_pdf(&bytes, None);
    let first_end = report.signatures[0].covers_to;
    std::fs::write(d.join(&pdf), &bytes[..first_end]).unwrap();
    let cut = run_with(d, &["verify", &pdf], "");
    assert_eq!(cut.status.code(), Some(1));
    assert!(
        stderr(&cut).contains("the PDF was changed: its sha256 is"),
        "{}",
        stderr(&cut)
    );
    std::fs::write(d.join(&pdf), &bytes).unwrap();
    // A certificate put in trust.pem by hand.
    let mut pem = std::fs::read(d.join("a/trust.pem")).unwrap();
    pem.extend(std::fs::read(fixture("openssl-ec.pem")).unwrap());
    std::fs::write(d.join("a/trust.pem"), pem).unwrap();
    let forged = run_with(d, &["archive", "verify", "--archive", "a"], "");
    assert_eq!(forged.status.code(), Some(1));
    assert!(
        stderr(&forged).contains(
            "trust.pem holds the certificate of CN=Olive Openssl, title=Board Chair (sha256"
        ),
        "{}",
        stderr(&forged)
    );
}

#[test]
fn a_countersignature_changes_no_structure_so_the_first_signature_stays_valid_for_readers() {
    let chair = load("openssl-rsa-aes.p12").unwrap();
    let first = signed();
    let both = signature::sign_pdf(first, &chair, when(), "Countersigned as Chair").unwrap();
    assert!(both.starts_with(first));
    let update = &both[first.len()..];
    // A signature field is added; the structure tree, as signed, is not
    // written again (pyHanko calls that an unexplained change).
    let root = b"/Type /StructTreeRoot";
    let first_update = &first[unsigned().len()..];
    assert!(
        first_update.windows(root.len()).any(|w| w == root),
        "the first is tagged"
    );
    assert!(!update.windows(root.len()).any(|w| w == root));
    assert!(update.windows(8).any(|w| w == b"/FT /Sig"));
    let report = signature::check_pdf(&both, None);
    assert_eq!(report.findings(), Vec::<String>::new());
    assert_eq!(report.signatures.len(), 2);
    assert_eq!(report.signatures[0].covers_to, first.len());
    assert_eq!(report.signatures[1].covers_to, both.len());
    // Cut back to the first signature, the pack is the first signature's.
    assert_eq!(
        findings(verify(&both[..first.len()], None)),
        Vec::<String>::new()
    );
}

#[test]
fn the_passphrase_is_read_from_a_file_and_a_short_one_is_refused() {
    let dir = common::dir_with_sample("w.xlsx");
    let d = dir.path();
    std::fs::write(d.join("short.txt"), "abc\n").unwrap();
    std::fs::write(d.join("pass.txt"), "a passphrase from a file\nignored\n").unwrap();
    let keys = |file: &str, out: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_boardpack"))
            .args([
                "keys",
                "new",
                "--name",
                "Jane Smith",
                "--role",
                "Board Secretary",
                "--out",
                out,
                "--valid-from",
                "2016-01-01",
                "--years",
                "20",
                "--passphrase-file",
                file,
            ])
            .current_dir(d)
            .env_remove("BOARDPACK_PASSPHRASE")
            .output()
            .unwrap()
    };
    let short = keys("short.txt", "s.p12");
    assert_eq!(short.status.code(), Some(2));
    assert!(stderr(&short).contains("the passphrase is shorter than 8 characters"));
    assert!(!d.join("s.p12").exists());
    let made = keys("pass.txt", "j.p12");
    assert!(made.status.success(), "{}", stderr(&made));
    let id = Identity::from_pkcs12(
        &std::fs::read(d.join("j.p12")).unwrap(),
        "a passphrase from a file",
        "j.p12",
    )
    .unwrap();
    assert_eq!(id.certificate.common_name().as_deref(), Some("Jane Smith"));
    let dry = std::process::Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .args([
            "sign-off",
            "w.xlsx",
            "--key",
            "j.p12",
            "--passphrase-file",
            "pass.txt",
            "--date",
            "2016-01-28",
            "--archive",
            "a",
            "--dry-run",
        ])
        .current_dir(d)
        .env_remove("BOARDPACK_PASSPHRASE")
        .output()
        .unwrap();
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(
        stdout(&dry).contains("by Jane Smith (Board Secretary) on 2016-01-28"),
        "{}",
        stdout(&dry)
    );
    assert!(!d.join("a").exists(), "a dry run archives nothing");
    // No passphrase and no terminal: said so.
    let none = std::process::Command::new(env!("CARGO_BIN_EXE_boardpack"))
        .args(["sign-off", "w.xlsx", "--key", "j.p12", "--archive", "a"])
        .current_dir(d)
        .env_remove("BOARDPACK_PASSPHRASE")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(2));
    assert!(stderr(&none).contains(
        "no passphrase for j.p12: give --passphrase-file FILE or set BOARDPACK_PASSPHRASE"
    ));
}

#[test]
fn a_trust_list_entry_for_another_role_refuses_the_sign_off() {
    let dir = common::dir_with_sample("w.xlsx");
    let d = dir.path();
    let pass = "correct horse battery";
    keys_new_as(d, "Jane Smith", "Board Secretary", "jane.p12");
    let first = run_with(
        d,
        &[
            "sign-off",
            "w.xlsx",
            "--key",
            "jane.p12",
            "--date",
            "2016-01-28",
            "--archive",
            "a",
        ],
        pass,
    );
    assert!(first.status.success(), "{}", stderr(&first));
    let add = trust_add(d, "jane.pem", "Chair", "a", pass);
    assert!(add.status.success(), "{}", stderr(&add));
    let list = run_with(d, &["archive", "trust", "list", "--archive", "a"], pass);
    assert!(
        stdout(&list).contains("CN=Jane Smith, title=Board Secretary  sha256 "),
        "{}",
        stdout(&list)
    );
    assert!(stdout(&list).contains("signs off as Chair"));
    let o = run_with(
        d,
        &[
            "sign-off",
            "w.xlsx",
            "--key",
            "jane.p12",
            "--date",
            "2016-01-29",
            "--reason",
            "r",
            "--archive",
            "a",
        ],
        pass,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "admits Jane Smith to sign off as Chair, not as Board Secretary; nothing was archived"
        ),
        "{}",
        stderr(&o)
    );
    assert!(!d.join("a/2015-12/v2").exists());
}

// The secretary's findings (issue #30, second round).

/// `archive trust add CERT --role ROLE --archive ARCHIVE`.
fn trust_add(d: &Path, cert: &str, role: &str, archive: &str, pass: &str) -> std::process::Output {
    run_with(
        d,
        &[
            "archive",
            "trust",
            "add",
            cert,
            "--role",
            role,
            "--archive",
            archive,
        ],
        pass,
    )
}

fn sign_off_into(d: &Path, key: &str, archive: &str, pass: &str) -> std::process::Output {
    run_with(
        d,
        &[
            "sign-off",
            "w.xlsx",
            "--key",
            key,
            "--date",
            "2016-01-28",
            "--archive",
            archive,
        ],
        pass,
    )
}

#[test]
fn a_trust_list_entry_for_a_signers_own_certificate_admits_no_certificate_made_with_its_key() {
    // openssl x509 -req -CA own.pem -CAkey own.key: a "Chair" certificate
    // made with the secretary's key, which is no certificate authority.
    let forged = load("openssl-forged-by-leaf.p12").unwrap();
    let own =
        signature::Certificate::read_all(&std::fs::read(fixture("openssl-own-leaf.pem")).unwrap())
            .unwrap();
    assert!(
        forged.certificate.issued_by(&own[0]),
        "the forgery's signature is real"
    );
    assert!(!own[0].is_ca());
    let trust = TrustList {
        entries: own
            .into_iter()
            .map(|c| (c, Some("Board Secretary".into())))
            .collect(),
    };
    let e = trust
        .admits(&forged.certificate, &forged.chain, when())
        .unwrap_err();
    assert!(
        e.contains("unknown signer: the certificate of CN=Pat Jones, title=Chair")
            && e.contains("which is not a certificate authority (basicConstraints cA=TRUE with keyCertSign): a certificate that is not a CA admits only itself"),
        "{e}"
    );
    assert_eq!(trust.role_of(&forged.certificate, &forged.chain), None);
    // verify --trust and archive verify (both check_pdf) refuse it.
    let pdf = signature::sign_pdf(unsigned(), &forged, when(), "x").unwrap();
    let report = signature::check_pdf(&pdf, Some(&trust));
    assert!(!report.signatures[0].trusted);
    assert!(
        report.findings()[0].contains("which is not a certificate authority"),
        "{:?}",
        report.findings()
    );
    // The authority's own certificate still admits what it issued.
    let issued = load("openssl-issued.p12").unwrap();
    let authority =
        signature::Certificate::read_all(&std::fs::read(fixture("openssl-authority.pem")).unwrap())
            .unwrap();
    assert!(authority[0].is_ca());
    let ca = TrustList {
        entries: authority.into_iter().map(|c| (c, None)).collect(),
    };
    assert_eq!(
        ca.admits(&issued.certificate, &issued.chain, when()),
        Ok(())
    );
    // An authority on the list does not admit it either.
    assert!(ca
        .admits(&forged.certificate, &forged.chain, when())
        .is_err());
    // And sign-off refuses the forged key into an archive trusting the
    // secretary's own certificate.
    let dir = common::dir_with_sample("w.xlsx");
    let d = dir.path();
    std::fs::copy(fixture("openssl-own-leaf.pem"), d.join("own.pem")).unwrap();
    let add = trust_add(d, "own.pem", "Board Secretary", "a", PASS);
    assert!(add.status.success(), "{}", stderr(&add));
    let forged_key = fixture("openssl-forged-by-leaf.p12");
    let o = sign_off_into(d, forged_key.to_str().unwrap(), "a", PASS);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("unknown signer: the certificate of CN=Pat Jones, title=Chair")
            && stderr(&o).contains("which is not a certificate authority")
            && stderr(&o).contains(
                "does not admit this key, so it may not sign off into it; nothing was archived"
            ),
        "{}",
        stderr(&o)
    );
    assert!(!d.join("a/2015-12").exists());
}

#[test]
fn verify_with_trust_of_an_unsigned_pack_is_not_verified() {
    let dir = common::dir_with_sample("w.xlsx");
    let d = dir.path();
    let pass = "correct horse battery";
    keys_new_as(d, "Jane Smith", "Board Secretary", "jane.p12");
    let o = run_with(
        d,
        &[
            "sign-off",
            "w.xlsx",
            "--by",
            "Jane Smith",
            "--role",
            "Board Secretary",
            "--date",
            "2016-01-28",
            "--archive",
            "a",
        ],
        pass,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = stdout(&o).trim().to_string();
    let plain = run_with(d, &["verify", &pdf], pass);
    assert!(plain.status.success(), "{}", stderr(&plain));
    let v = run_with(d, &["verify", &pdf, "--trust", "jane.pem"], pass);
    assert_eq!(v.status.code(), Some(1), "{}", stdout(&v));
    assert!(
        stderr(&v).contains("is not verified")
            && stderr(&v).contains("it is not digitally signed, so no signer is on the trust list given (--trust): ask for the signed pack"),
        "{}",
        stderr(&v)
    );
    assert!(!stdout(&v).contains("verified:"));
    // A pack archived before the archive's trust list began stays as it
    // was: verified without --trust.
    let add = run_with(
        d,
        &["archive", "trust", "add", "jane.pem", "--archive", "a"],
        pass,
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let before = run_with(d, &["verify", &pdf], pass);
    assert!(before.status.success(), "{}", stderr(&before));
}

#[test]
fn an_expired_certificate_cannot_sign_off_today_by_an_old_date() {
    let dir = common::dir_with_sample("w.xlsx");
    let d = dir.path();
    let pass = "correct horse battery";
    // Valid 2015-01-01 to 2016-01-01: valid on the claimed 2015-12-31, long
    // expired today.
    let made = run_with(
        d,
        &[
            "keys",
            "new",
            "--name",
            "J",
            "--role",
            "S",
            "--out",
            "short.p12",
            "--valid-from",
            "2015-01-01",
            "--years",
            "1",
        ],
        pass,
    );
    assert!(made.status.success(), "{}", stderr(&made));
    let o = run_with(
        d,
        &[
            "sign-off",
            "w.xlsx",
            "--key",
            "short.p12",
            "--date",
            "2015-12-31",
            "--archive",
            "a",
        ],
        pass,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("the key short.p12 cannot sign: its certificate (CN=J, title=S) expired on 2016-01-01 00:00 UTC, and a key is not used after its certificate expired, whatever --date says"),
        "{}",
        stderr(&o)
    );
    assert!(!d.join("a").exists(), "nothing archived");
    // archive trust add warns of an expired certificate (and makes the
    // archive it is given).
    let add = run_with(
        d,
        &["archive", "trust", "add", "short.pem", "--archive", "t"],
        pass,
    );
    assert!(add.status.success(), "{}", stderr(&add));
    assert!(
        stderr(&add).contains("warning: the certificate of CN=J, title=S expired on 2016-01-01: it admits no new sign-off"),
        "{}",
        stderr(&add)
    );
}

#[test]
fn verify_in_an_archive_whose_trust_list_was_replaced_fails_instead_of_skipping_the_signers() {
    let dir = common::dir_with_sample("w.xlsx");
    let d = dir.path();
    let pass = "correct horse battery";
    keys_new_as(d, "Jane Smith", "Board Secretary", "jane.p12");
    keys_new_as(d, "Chris Chair", "Chair", "chair.p12");
    let add = run_with(
        d,
        &["archive", "trust", "add", "jane.pem", "--archive", "a"],
        pass,
    );
    assert!(add.status.success(), "{}", stderr(&add));
    let o = sign_off_into(d, "jane.p12", "a", pass);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = stdout(&o).trim().to_string();
    let ok = run_with(d, &["verify", &pdf], pass);
    assert!(ok.status.success(), "{}", stderr(&ok));
    // trust.pem replaced by hand with another certificate.
    let trust = d.join("a/trust.pem");
    let mut p = std::fs::metadata(&trust).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    p.set_readonly(false);
    std::fs::set_permissions(&trust, p).unwrap();
    std::fs::copy(d.join("chair.pem"), &trust).unwrap();
    let v = run_with(d, &["verify", &pdf], pass);
    assert_eq!(v.status.code(), Some(1), "{}", stdout(&v));
    assert!(
        stderr(&v).contains("is damaged, so the signers cannot be checked: trust.pem holds the certificate of CN=Chris Chair, title=Chair")
            && stderr(&v).contains("and restore the archive's trust.pem from a backup"),
        "{}",
        stderr(&v)
    );
    assert!(!stdout(&v).contains("signer was not checked"));
}

#[test]
fn a_second_countersignature_by_the_same_signer_or_by_the_sign_offs_signer_is_refused() {
    let dir = common::dir_with_sample("w.xlsx");
    let d = dir.path();
    let pass = "correct horse battery";
    keys_new_as(d, "Jane Smith", "Board Secretary", "jane.p12");
    keys_new_as(d, "Pat Jones", "Chair", "chair.p12");
    let o = sign_off_into(d, "jane.p12", "a", pass);
    assert!(o.status.success(), "{}", stderr(&o));
    let countersign = |key: &str| {
        run_with(
            d,
            &[
                "sign-off",
                "w.xlsx",
                "--countersign",
                "v1",
                "--key",
                key,
                "--date",
                "2016-01-29",
                "--archive",
                "a",
            ],
            pass,
        )
    };
    let by_jane = countersign("jane.p12");
    assert_eq!(by_jane.status.code(), Some(1));
    assert!(
        stderr(&by_jane).contains("2015-12 v1 is already signed by Jane Smith (Board Secretary) (signature 1): a countersignature is made by another signer; nothing was archived"),
        "{}",
        stderr(&by_jane)
    );
    // A dry run states no sha256 the real countersignature would not have.
    let dry = run_with(
        d,
        &[
            "sign-off",
            "w.xlsx",
            "--countersign",
            "v1",
            "--key",
            "chair.p12",
            "--date",
            "2016-01-29",
            "--archive",
            "a",
            "--dry-run",
        ],
        pass,
    );
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(
        stdout(&dry).contains("its sha256 is known once it is signed")
            && !stdout(&dry).contains(", sha256"),
        "{}",
        stdout(&dry)
    );
    let first = countersign("chair.p12");
    assert!(first.status.success(), "{}", stderr(&first));
    let list = run_with(d, &["archive", "list", "--archive", "a"], pass);
    assert!(
        stdout(&list).contains("  countersigned by Pat Jones (Chair) on 2016-01-29"),
        "{}",
        stdout(&list)
    );
    let again = countersign("chair.p12");
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("2015-12 v1 is already signed by Pat Jones (Chair) (signature 2)"),
        "{}",
        stderr(&again)
    );
}

#[cfg(unix)]
#[test]
fn keys_new_writes_the_private_key_file_for_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let made = keys_new(dir.path(), "j.p12", "2016-01-01");
    assert!(made.status.success(), "{}", stderr(&made));
    let mode = |f: &str| {
        std::fs::metadata(dir.path().join(f))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("j.p12"), 0o600);
    assert_ne!(mode("j.pem") & 0o044, 0, "the certificate is public");
    assert!(
        stderr(&made).contains("j.p12 is written for you only (mode 0600: owner read and write)"),
        "{}",
        stderr(&made)
    );
}

#[test]
fn archive_trust_add_on_a_folder_not_there_yet_makes_the_archive() {
    let dir = common::dir_with_sample("w.xlsx");
    let d = dir.path();
    let pass = "correct horse battery";
    keys_new_as(d, "Jane Smith", "Board Secretary", "jane.p12");
    let add = trust_add(d, "jane.pem", "Board Secretary", "arch", pass);
    assert!(add.status.success(), "{}", stderr(&add));
    assert!(
        stderr(&add).contains("arch was not there: a new archive is made, its trust list first"),
        "{}",
        stderr(&add)
    );
    assert!(d.join("arch/trust.pem").is_file());
    let o = sign_off_into(d, "jane.p12", "arch", pass);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_truncated_signed_pack_is_said_to_be_cut_short_not_changed_or_replaced() {
    let pdf = signed();
    for cut in [1, 40, 3000] {
        let short = &pdf[..pdf.len() - cut];
        let f = findings(verify(short, None));
        assert_eq!(
            f,
            [format!(
                "the file was cut short (damaged or truncated): a signature covers it up to byte {}, but it has only {} bytes; restore it from the archive or ask for it again",
                pdf.len(),
                short.len()
            )],
            "cut by {cut}"
        );
    }
    // Bytes added are still said to be added.
    let mut longer = pdf.clone();
    longer.extend_from_slice(b"\n%x\n");
    let f = findings(verify(&longer, None));
    assert!(
        f.iter()
            .any(|f| f.contains("4 bytes were added after the last signature")),
        "{f:?}"
    );
}

#[test]
fn a_certificate_given_as_key_and_a_key_file_given_as_trust_are_named() {
    let dir = common::dir_with_sample("w.xlsx");
    let d = dir.path();
    let pass = "correct horse battery";
    keys_new_as(d, "Jane Smith", "Board Secretary", "jane.p12");
    let o = sign_off_into(d, "jane.pem", "a", pass);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("jane.pem is not a PKCS#12 key file (.p12/.pfx): this is a certificate (PEM), not a key file: give the .p12 key file"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("ASN.1"));
    let signed = sign_off_into(d, "jane.p12", "a", pass);
    assert!(signed.status.success(), "{}", stderr(&signed));
    let pdf = stdout(&signed).trim().to_string();
    let v = run_with(d, &["verify", &pdf, "--trust", "jane.p12"], pass);
    assert_eq!(v.status.code(), Some(1));
    assert!(
        stderr(&v).contains(
            "jane.p12 is a PKCS#12 key file (.p12), not a certificate: give the certificate"
        ),
        "{}",
        stderr(&v)
    );
    let add = run_with(
        d,
        &["archive", "trust", "add", "jane.p12", "--archive", "a"],
        pass,
    );
    assert!(
        stderr(&add).contains("is a PKCS#12 key file (.p12), not a certificate"),
        "{}",
        stderr(&add)
    );
    // A signed sign-off's dry run names no sha256 the signed run will not
    // produce.
    let dry = run_with(
        d,
        &[
            "sign-off",
            "w.xlsx",
            "--key",
            "jane.p12",
            "--date",
            "2016-01-29",
            "--reason",
            "r",
            "--archive",
            "a",
            "--dry-run",
        ],
        pass,
    );
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(
        stdout(&dry).contains(
            "digitally signed (its sha256 is known once it is signed, as every signature differs)"
        ),
        "{}",
        stdout(&dry)
    );
}

#[test]
fn an_intermediate_that_is_not_a_ca_admits_nothing_and_the_chain_must_be_valid_at_the_signing_time()
{
    let pem = |name: &str| {
        signature::Certificate::read_all(&std::fs::read(fixture(name)).unwrap()).unwrap()
    };
    // Root CA -> intermediate CA -> signer: admitted by the root, with the
    // root entry's role, when the signature carries the intermediate.
    let via = load("openssl-via-intermediate.p12").unwrap();
    assert_eq!(via.chain.len(), 1);
    let root = TrustList {
        entries: pem("openssl-root.pem")
            .into_iter()
            .map(|c| (c, Some("Board Secretary".into())))
            .collect(),
    };
    assert_eq!(root.admits(&via.certificate, &via.chain, when()), Ok(()));
    assert_eq!(
        root.role_of(&via.certificate, &via.chain),
        Some("Board Secretary")
    );
    let pdf = signature::sign_pdf(unsigned(), &via, when(), "x").unwrap();
    let report = signature::check_pdf(&pdf, Some(&root));
    assert_eq!(report.findings(), Vec::<String>::new());
    assert!(report.signatures[0].trusted);
    assert!(root.admits(&via.certificate, &[], when()).is_err());
    // Authority -> signer (not a CA) -> "Pat Jones, Chair" made with the
    // signer's key: not admitted by the authority.
    let under = load("openssl-forged-under-authority.p12").unwrap();
    assert_eq!(under.chain.len(), 2);
    let authority = TrustList {
        entries: pem("openssl-authority.pem")
            .into_iter()
            .map(|c| (c, None))
            .collect(),
    };
    let e = authority
        .admits(&under.certificate, &under.chain, when())
        .unwrap_err();
    assert!(
        e.contains("unknown signer: the certificate of CN=Pat Jones, title=Chair")
            && e.contains("it was made with the key of the chain's certificate CN=Ivy Issued, title=Board Secretary, which is not a certificate authority"),
        "{e}"
    );
    let pdf = signature::sign_pdf(unsigned(), &under, when(), "x").unwrap();
    assert!(signature::check_pdf(&pdf, Some(&authority)).findings()[0]
        .contains("which is not a certificate authority"));
    // An authority that had expired at the signing time admits nothing
    // then, and what it issued while valid.
    let late = load("openssl-by-expired-authority.p12").unwrap();
    let gone = TrustList {
        entries: pem("openssl-expired-authority.pem")
            .into_iter()
            .map(|c| (c, None))
            .collect(),
    };
    let e = gone
        .admits(&late.certificate, &late.chain, when())
        .unwrap_err();
    assert!(
        e.contains("the certificate of CN=Expired Signing CA in the signer's chain is not valid: certificate expired: it was valid until 2015-06-01 00:00 UTC"),
        "{e}"
    );
    let in_time = Utc.with_ymd_and_hms(2015, 3, 1, 0, 0, 0).unwrap();
    assert_eq!(gone.admits(&late.certificate, &late.chain, in_time), Ok(()));
    let pdf = signature::sign_pdf(unsigned(), &late, when(), "x").unwrap();
    assert!(signature::check_pdf(&pdf, Some(&gone)).findings()[0]
        .contains("in the signer's chain is not valid: certificate expired"));
}
