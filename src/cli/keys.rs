//! `boardpack keys new`: a signing key with a self-signed certificate, and
//! the passphrase of a key file (a file, the environment, or the terminal).

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Context;

use super::{KeysNewArgs, Usage};
use crate::pack::signature::Identity;

/// The environment variable holding a key's passphrase.
pub const PASSPHRASE_ENV: &str = "BOARDPACK_PASSPHRASE";

/// A key file's passphrase: `--passphrase-file`'s first line, else
/// `$BOARDPACK_PASSPHRASE`, else asked on the terminal (twice when `new`).
pub fn passphrase(file: Option<&Path>, key: &Path, new: bool) -> anyhow::Result<String> {
    if let Some(file) = file {
        let bytes = crate::files::read_regular(file, "the passphrase file", 64 * 1024, true)
            .with_context(|| format!("cannot read the passphrase file {}", file.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        let line = text.lines().next().unwrap_or("").to_string();
        return Ok(line);
    }
    if let Ok(p) = std::env::var(PASSPHRASE_ENV) {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Usage(format!(
            "no passphrase for {}: give --passphrase-file FILE or set {PASSPHRASE_ENV} (there is no terminal to ask on)",
            key.display()
        ))
        .into());
    }
    let first = rpassword::prompt_password(format!("Passphrase for {}: ", key.display()))
        .context("cannot read the passphrase from the terminal")?;
    if new {
        let again = rpassword::prompt_password("The same passphrase again: ")
            .context("cannot read the passphrase from the terminal")?;
        if again != first {
            return Err(Usage("the two passphrases differ: nothing was written".into()).into());
        }
    }
    Ok(first)
}

pub fn new(args: &KeysNewArgs) -> anyhow::Result<()> {
    for (flag, value) in [("--name", &args.name), ("--role", &args.role)] {
        if value.trim().is_empty() {
            return Err(Usage(format!("{flag} must not be empty")).into());
        }
        if let Some(c) = value.chars().find(|c| c.is_control()) {
            return Err(Usage(format!(
                "{flag} holds a control character (U+{:04X}): a certificate's name and title are one line of plain text",
                c as u32
            ))
            .into());
        }
    }
    let pem = args.out.with_extension("pem");
    for path in [&args.out, &pem] {
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(Usage(format!(
                "{} is already there: a key file is never overwritten; choose another --out",
                path.display()
            ))
            .into());
        }
    }
    crate::pack::output::check_outputs(&[args.out.as_path(), pem.as_path()], &[])?;
    let passphrase = passphrase(args.passphrase_file.as_deref(), &args.out, true)?;
    if passphrase.chars().count() < 8 {
        return Err(Usage(
            "the passphrase is shorter than 8 characters: choose a longer one (it protects the key that signs in your name)".into(),
        )
        .into());
    }
    let today = chrono::Utc::now().date_naive();
    let from = args.valid_from.unwrap_or(today);
    let identity = Identity::generate(
        args.algorithm,
        args.name.trim(),
        args.role.trim(),
        from,
        args.years,
    )?;
    let p12 = identity.to_pkcs12(&passphrase)?;
    let cert = identity.certificate.to_pem();
    crate::pack::output::write_all_atomic_private(&[
        (args.out.as_path(), p12.as_slice(), true),
        (pem.as_path(), cert.as_bytes(), false),
    ])?;
    eprintln!(
        "made a key for {} ({}), valid {} to {}; certificate sha256 {}",
        args.name.trim(),
        args.role.trim(),
        identity.certificate.not_before().format("%Y-%m-%d"),
        identity.certificate.not_after().format("%Y-%m-%d"),
        identity.certificate.sha256()
    );
    eprintln!(
        "{} is written for you only (mode 0600: owner read and write): keep it and its passphrase to yourself; give {} to whoever checks your signatures (boardpack archive trust add, verify --trust)",
        args.out.display(),
        pem.display()
    );
    println!("{}", args.out.display());
    Ok(())
}

/// The identity in a key file, with its passphrase.
pub fn load(key: &Path, passphrase_file: Option<&Path>) -> anyhow::Result<Identity> {
    // A PKCS#12 file is a few kilobytes (a chain of certificates at most
    // some tens).
    let bytes = crate::files::read_regular(key, "the key file", 1024 * 1024, true)
        .with_context(|| format!("cannot read the key file {}", key.display()))?;
    let passphrase = passphrase(passphrase_file, key, false)?;
    Ok(Identity::from_pkcs12(
        &bytes,
        &passphrase,
        &key.display().to_string(),
    )?)
}
