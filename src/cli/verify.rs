//! `boardpack verify`: is this PDF exactly what the board approved?

use anyhow::{anyhow, Context};

use super::VerifyArgs;
use crate::pack::signature::{self, Certificate, TrustList};
use crate::pack::verify::{
    html_finding, manifest_beside, manifest_missing, placement, verify_trusting, Verdict,
};

/// The certificates of `--trust FILE.pem`.
pub fn trust_file(path: &std::path::Path) -> anyhow::Result<TrustList> {
    let bytes = crate::pack::limits::read_within(
        path,
        "the trusted certificates",
        crate::pack::limits::MAX_MANIFEST_BYTES,
        true,
    )
    .with_context(|| format!("cannot read the trusted certificates {}", path.display()))?;
    if signature::pkcs12::looks_like_pkcs12(&bytes) {
        anyhow::bail!(
            "{} is a PKCS#12 key file (.p12), not a certificate: give the certificate (the .pem that keys new writes beside the .p12, or openssl pkcs12 -in KEY.p12 -nokeys -out CERT.pem); a .p12 holds a private key, never hand it out",
            path.display()
        );
    }
    let certs = Certificate::read_all(&bytes).map_err(|e| {
        anyhow!(
            "{} is not a certificate file: {e}; give the signer's (or its authority's) certificate as PEM",
            path.display()
        )
    })?;
    Ok(TrustList {
        entries: certs.into_iter().map(|c| (c, None)).collect(),
    })
}

pub fn run(args: &VerifyArgs) -> anyhow::Result<()> {
    use crate::pack::limits::{read_within, MAX_PDF_BYTES};
    let pdf = read_within(&args.pdf, "the PDF", MAX_PDF_BYTES, true)
        .with_context(|| format!("cannot read {}", args.pdf.display()))?;
    let manifest = manifest_beside(&args.pdf)?;
    // A layout carried by a pack is code from a file: said, and run only
    // within the budget.
    if crate::pack::verify::carries_layout(&pdf) {
        let budget = crate::render::budget::Budget::current();
        eprintln!(
            "note: the pack carries its own layout ({}), compiled within boardpack's layout budget of {} ({})",
            crate::pack::signoff::LAYOUT_ATTACHMENT,
            budget.said(),
            crate::render::budget::RAISE
        );
    }
    // The signers are checked against --trust, else, in an archive, its
    // trust list; a trust list that was changed by hand is not skipped.
    let mut findings = Vec::new();
    // Must be signed: with --trust, or archived after the archive's trust
    // list began (packs signed off before it stay unsigned).
    let mut must_be_signed = args.trust.is_some();
    let trust = match args.trust.as_deref() {
        Some(path) => Some(trust_file(path)?),
        None => match manifest
            .as_ref()
            .and_then(|m| placement(&args.pdf, m).ok().flatten())
        {
            Some(p) => match crate::pack::archive::trust::read(&p.archive) {
                Ok((list, problems)) => {
                    must_be_signed = manifest.as_ref().is_some_and(|m| {
                        crate::pack::archive::chain::read(&p.archive).is_ok_and(|log| {
                            match (
                                log.trusted.first(),
                                log.archived.get(&(m.period.clone(), m.version)),
                            ) {
                                (Some(first), Some((line, _))) => *line > first.line,
                                _ => false,
                            }
                        })
                    });
                    findings.extend(problems.iter().map(|e| {
                        format!(
                            "the trust list of the archive {} is damaged, so the signers cannot be checked: {e}; run boardpack archive verify {}, and restore the archive's trust.pem from a backup",
                            p.archive.display(),
                            p.archive.display()
                        )
                    }));
                    Some(list).filter(|list| !list.is_empty())
                }
                Err(e) => {
                    findings.push(format!(
                        "the trust list of the archive {} cannot be read, so the signers cannot be checked: {e}; run boardpack archive verify {}",
                        p.archive.display(),
                        p.archive.display()
                    ));
                    None
                }
            },
            None => None,
        },
    };
    match verify_trusting(&pdf, manifest.as_ref(), trust.as_ref()) {
        Verdict::Verified => {}
        Verdict::Differs(f) => findings.extend(f),
    }
    // With signers to check, an unsigned pack is not what was approved.
    if must_be_signed && !signature::check_pdf(&pdf, None).is_signed() {
        findings.push(if args.trust.is_some() {
            "it is not digitally signed, so no signer is on the trust list given (--trust): ask for the signed pack, or verify without --trust to check the unsigned one".into()
        } else {
            "it is not digitally signed, but it was archived after the archive's trust list began: its signature was removed, or it was not archived by sign-off; run boardpack archive verify".into()
        });
    }
    let dir = args.pdf.parent().unwrap_or(std::path::Path::new("."));
    findings.extend(manifest.as_ref().and_then(|m| html_finding(dir, m)));
    // In an archive: in its own folder, through no link, in the log.
    let placed = match &manifest {
        Some(m) => placement(&args.pdf, m)?,
        None => {
            findings.extend(manifest_missing(&args.pdf));
            None
        }
    };
    if let Some(p) = &placed {
        findings.extend(p.findings.iter().cloned());
        for note in &p.notes {
            eprintln!("note: {}", super::shown(note));
        }
    }
    if !findings.is_empty() {
        return Err(anyhow!(
            "{} is not verified:\n  {}",
            args.pdf.display(),
            findings.join("\n  ")
        ));
    }
    let with = match (&manifest, &placed) {
        (Some(_), Some(p)) => format!(
            " and matches its manifest; it is {} of the archive {}, as its log records",
            p.version,
            p.archive.display()
        ),
        (Some(_), None) => " and matches its manifest".into(),
        _ => String::new(),
    };
    println!(
        "verified: {} is exactly what its workbook and sign-off build{with}",
        args.pdf.display()
    );
    for line in signature::check_pdf(&pdf, trust.as_ref()).lines() {
        println!("{}", super::shown(&line));
    }
    if let Some(w) = placed.as_ref().and_then(|p| p.withdrawn.as_ref()) {
        println!(
            "withdrawn: {} was withdrawn on {}: {}",
            placed
                .as_ref()
                .map(|p| p.version.as_str())
                .unwrap_or_default(),
            w.date,
            w.reason
        );
    }
    Ok(())
}
