//! `boardpack sign-off`: build the final pack and archive it.

use std::path::Path;

use super::{explain, print_layout_warnings, print_warnings, read_workbook, SignOffArgs, Usage};
use crate::pack::archive::{self, Manifest};
use crate::pack::copy::WorkbookCopy;
use crate::pack::settings;
use crate::pack::signoff::{
    build_final_of, check_carried, copy_checked, final_html, layout_label, SignOff, Superseded,
};

pub fn run(args: &SignOffArgs) -> anyhow::Result<()> {
    // With a key, who signs and their role are the certificate's; the key
    // is read first, so that a wrong passphrase archives nothing.
    let identity = match &args.key {
        Some(key) => Some(super::keys::load(key, args.passphrase_file.as_deref())?),
        None => None,
    };
    let (by, role) = match &identity {
        Some(id) => signer_of(id, args)?,
        None => (
            args.by.clone().unwrap_or_default(),
            args.role.clone().unwrap_or_default(),
        ),
    };
    if by.trim().is_empty() || role.trim().is_empty() {
        return Err(Usage("--by and --role must name who signs off and their role".into()).into());
    }
    for (flag, value) in [
        ("--by", Some(&by)),
        ("--role", Some(&role)),
        ("--reason", args.reason.as_ref()),
    ] {
        if let Some(c) = value.and_then(|v| v.chars().find(|c| c.is_control())) {
            return Err(Usage(format!(
                "{flag} holds a control character (U+{:04X}): the sign-off record takes one line of plain text",
                c as u32
            ))
            .into());
        }
    }
    let today = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).date_naive();
    let date = args.date.unwrap_or(today);
    if date > today {
        return Err(Usage(format!(
            "--date {date} is after today ({today}): a pack is signed off on the day of the decision or later"
        ))
        .into());
    }
    // The signing time is the sign-off date; the certificate must be valid
    // then, and allow signing.
    let when = crate::pack::signature::signing_time(date, chrono::Utc::now());
    if let Some(id) = &identity {
        let problems = id.certificate.problems_at(when);
        if !problems.is_empty() {
            anyhow::bail!(
                "the key {} cannot sign on {date}: {}; nothing was archived",
                args.key.as_deref().unwrap_or(Path::new("")).display(),
                problems.join("; ")
            );
        }
        // A key is not used once its certificate has expired, whatever
        // date the sign-off claims.
        let now = chrono::Utc::now();
        if now > id.certificate.not_after() {
            anyhow::bail!(
                "the key {} cannot sign: its certificate ({}) expired on {}, and a key is not used after its certificate expired, whatever --date says; sign with a key whose certificate is valid today (renew it, or make one with boardpack keys new); nothing was archived",
                args.key.as_deref().unwrap_or(Path::new("")).display(),
                id.certificate.subject(),
                id.certificate.not_after().format("%Y-%m-%d %H:%M UTC")
            );
        }
    }
    let dir = archive::dir(args.archive.as_deref());
    // The archive is this run's output: never inside an input, nor inside
    // another archive; what an interrupted sign-off left is removed.
    let mut inputs = vec![args.workbook.as_path()];
    inputs.extend(args.layout.as_deref());
    crate::pack::output::check_archive_folder(&dir, &inputs)?;
    super::sweep_archive(&dir);
    // Who may sign off: once the archive has a trust list, only a key it
    // admits (for the role it names).
    if dir.is_dir() {
        let (trust, problems) = archive::trust::read(&dir)?;
        if let Some(p) = problems.first() {
            anyhow::bail!(
                "the trust list of the archive {} is damaged: {p}; run boardpack archive verify; nothing was archived",
                dir.display()
            );
        }
        if !trust.is_empty() {
            let Some(id) = &identity else {
                return Err(Usage(format!(
                    "the archive {} has a trust list, so sign-offs into it must be signed: give --key FILE.p12 (a key the trust list admits); unsigned sign-offs are refused",
                    dir.display()
                ))
                .into());
            };
            if let Err(e) = trust.admits(&id.certificate, &id.chain, when) {
                anyhow::bail!(
                    "{e}; the trust list of the archive {} does not admit this key, so it may not sign off into it; nothing was archived",
                    dir.display()
                );
            }
            if let Some(trusted_role) = trust.role_of(&id.certificate, &id.chain) {
                if trusted_role != role.trim() {
                    anyhow::bail!(
                        "the trust list of the archive {} admits {by} to sign off as {trusted_role}, not as {role}; nothing was archived",
                        dir.display()
                    );
                }
            }
        }
    }
    let limits = args.limits.limits();
    let bytes = read_workbook(&args.workbook, &limits)?;
    if let (Some(version), Some(id)) = (&args.countersign, &identity) {
        return countersign(args, version, &bytes, id, (&by, &role), (date, when), &dir);
    }
    let name = args
        .workbook
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "workbook.xlsx".into());
    let flag_layout = match args.layout.as_deref() {
        Some(path) => Some(super::layout(Some(path))?),
        None => None,
    };
    // The workbook is read once: its warnings and period decide whether and
    // as which version the pack is signed off, and its records are built.
    let computed =
        crate::pipeline::while_warming(|| crate::pipeline::records_within(&bytes, &limits))
            .map_err(|e| explain(&args.workbook, e.into()))?;
    let warnings: Vec<String> = computed.warnings.iter().map(|w| w.to_string()).collect();
    if !warnings.is_empty() && !args.accept_warnings {
        anyhow::bail!(
            "{} has {} — a signed-off pack is final: fix {} or, if the board accepts {}, sign off with --accept-warnings (they are then recorded in the pack):\n  {}",
            args.workbook.display(),
            crate::input::problem::plural(warnings.len(), "warning"),
            if warnings.len() == 1 { "it" } else { "them" },
            if warnings.len() == 1 { "it" } else { "them" },
            warnings.join("\n  ")
        );
    }
    let period_end = computed.records.report.period_end;
    if date < period_end {
        return Err(Usage(format!(
            "--date {date} is before the period ends ({period_end}): a period is signed off after it has ended"
        ))
        .into());
    }
    // The version is printed in the pack, so it is fixed before the build:
    // the period's next, superseding its latest.
    let period = computed
        .records
        .report
        .period_end
        .format("%Y-%m")
        .to_string();
    let (version, latest) = archive::next_version(&dir, &period)?;
    if let Some(previous) = &latest {
        if args.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            return Err(archive::ArchiveError::ReasonNeeded {
                period,
                latest: previous.version,
                next: version,
            }
            .into());
        }
        // The record reads in order: a new version is not signed off
        // before the one it replaces.
        if date < previous.date {
            return Err(Usage(format!(
                "--date {date} is before v{} of {period} was signed off ({}): a new version is signed off on or after the one it replaces",
                previous.version, previous.date
            ))
            .into());
        }
    }
    // A mistyped path, or a drive not connected, must not pass as a fresh
    // start unnoticed.
    let new_archive = !dir.is_dir();
    // The Changes page the draft showed (`build --archive`): against the
    // archive's last signed-off pack of an earlier period, whose records
    // the pack then carries.
    let previous = if new_archive {
        None
    } else {
        archive::previous(&dir, &period)?
    };
    let (layout, layout_warnings) =
        settings::choose(flag_layout, &dir, latest_of_any_period(&dir).as_ref())?;
    for w in &layout_warnings {
        eprintln!("warning: {}", super::shown(&w.to_string()));
    }
    // The pack carries, and is built from, a copy of the workbook holding
    // only the contract's sheets and their values; it must give the same
    // records as the workbook itself.
    let (copy, copied) = copy_checked(&bytes, &name, &computed, &limits)?;
    let supersedes = latest.map(|m| Superseded {
        version: m.version,
        date: m.date,
    });
    let sign_off = SignOff::new(&by, &role, date, args.reason.as_deref(), &copy.name)
        .with_layout(&layout.layout)
        .accepting(warnings)
        .versioned(version, supersedes)
        .leaving_out(copy.left_out.clone())
        .comparing(previous.as_ref())
        .signed_with(identity.as_ref().map(|id| id.certificate.sha256()));
    let built = build_final_of(
        &copy.bytes,
        copied,
        &sign_off,
        &layout.layout,
        previous.as_ref(),
    )
    .map_err(|e| explain(&args.workbook, e.into()))?;
    print_warnings(&built.warnings);
    print_layout_warnings(&built.layout_warnings);
    check_carried(&built, &copy.bytes, &sign_off, &layout.layout)?;
    let pdf_name = format!(
        "{}.pdf",
        args.workbook
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| format!("dashboard-{period}"))
    );
    // Signed with a key: the signature is an incremental update after the
    // pack's last byte, checked before anything is archived.
    let pdf = match &identity {
        Some(id) => sign(
            &built.pdf,
            id,
            when,
            &format!("Signed off as {}", sign_off.role),
        )?,
        None => built.pdf.clone(),
    };
    let html = final_html(&built, &sign_off, &layout.layout);
    let html_name = format!("{}.html", pdf_name.trim_end_matches(".pdf"));
    let manifest = Manifest::new(&period, &pdf_name, &pdf, &copy.bytes, &sign_off)
        .with_html(&html_name, html.as_bytes())
        .with_layout(&layout.layout);
    if args.dry_run {
        let plan = Plan {
            dir: &dir,
            new_archive,
            manifest: &manifest,
            layout: &layout,
            layout_warnings: &layout_warnings,
            copy: &copy,
            sign_off: &sign_off,
            sizes: [pdf.len(), html.len()],
            signed: identity.is_some(),
        };
        print!("{}", super::shown(&plan.text()));
        return Ok(());
    }
    let stored = archive::store(&dir, manifest, &pdf, Some(html.as_bytes()))?;
    super::archive::note_entered(&dir, &stored.entered);
    let path = stored.pdf;
    eprintln!(
        "signed off {period} v{version} by {} ({}) on {}{}",
        sign_off.by,
        sign_off.role,
        sign_off.date,
        if identity.is_some() {
            ", digitally signed (PAdES)"
        } else {
            ""
        }
    );
    if !copy.left_out.is_empty() {
        eprintln!(
            "the pack carries {}, a copy of the workbook's contract sheets (values only); left out: {}",
            copy.name,
            copy.left_out.join(", ")
        );
    }
    if new_archive {
        eprintln!(
            "note: {} was not there, so this sign-off started a new archive; if you meant an existing one, check --archive or BOARDPACK_ARCHIVE",
            dir.display()
        );
    }
    println!("{}", path.display());
    Ok(())
}

/// Who signs and their role, from the certificate: its common name and
/// title; `--by` and `--role`, when given, must agree (a certificate
/// without a title takes `--role`).
fn signer_of(
    id: &crate::pack::signature::Identity,
    args: &SignOffArgs,
) -> anyhow::Result<(String, String)> {
    let cert = &id.certificate;
    let Some(name) = cert.common_name() else {
        return Err(Usage(format!(
            "the certificate in {} names no one (it has no common name, CN): sign with a certificate issued to you",
            args.key.as_deref().unwrap_or(Path::new("")).display()
        ))
        .into());
    };
    if let Some(by) = &args.by {
        if by.trim() != name.trim() {
            return Err(Usage(format!(
                "--by {by:?} does not agree with the certificate of {}, issued to {name:?}: leave --by out (it is taken from the certificate) or sign with your own key",
                args.key.as_deref().unwrap_or(Path::new("")).display()
            ))
            .into());
        }
    }
    let role = match (cert.title(), &args.role) {
        (Some(title), Some(role)) if title.trim() != role.trim() => {
            return Err(Usage(format!(
                "--role {role:?} does not agree with the certificate's title {title:?}: leave --role out (it is taken from the certificate)"
            ))
            .into())
        }
        (Some(title), _) => title,
        (None, Some(role)) => role.clone(),
        (None, None) => {
            return Err(Usage(format!(
                "the certificate of {name} has no title (X.520 title) naming the role: give --role"
            ))
            .into())
        }
    };
    Ok((name.trim().to_string(), role.trim().to_string()))
}

/// `sign-off WB --countersign vN --key K`: one more signature on version N
/// of the workbook's period, which must verify first.
fn countersign(
    args: &SignOffArgs,
    version: &str,
    bytes: &[u8],
    id: &crate::pack::signature::Identity,
    (by, role): (&str, &str),
    (date, when): (chrono::NaiveDate, chrono::DateTime<chrono::Utc>),
    dir: &Path,
) -> anyhow::Result<()> {
    use crate::pack::archive::{chain, Countersignature};
    use crate::pack::verify::{verify_trusting, Verdict};
    let dir = archive::existing(dir)?;
    let Some(v) = version
        .strip_prefix('v')
        .unwrap_or(version)
        .parse::<u32>()
        .ok()
        .filter(|v| *v > 0)
    else {
        return Err(Usage(format!(
            "--countersign {version:?} is not a version: give it as the archive names it, e.g. v1"
        ))
        .into());
    };
    let limits = args.limits.limits();
    let computed =
        crate::pipeline::while_warming(|| crate::pipeline::records_within(bytes, &limits))
            .map_err(|e| explain(&args.workbook, e.into()))?;
    let period = computed
        .records
        .report
        .period_end
        .format("%Y-%m")
        .to_string();
    let folder = dir.join(&period).join(format!("v{v}"));
    let manifest_bytes = chain::read_manifest(&folder.join("manifest.json")).map_err(|e| {
        anyhow::anyhow!(
            "{period} v{v} is not in the archive {} ({e}): check the version with boardpack archive list",
            dir.display()
        )
    })?;
    let mut manifest: Manifest = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| anyhow::anyhow!("{period} v{v}'s manifest.json cannot be read: {e}"))?;
    if !crate::pack::archive::plain_name(&manifest.pdf) {
        anyhow::bail!(
            "{period} v{v}'s manifest names a PDF outside its folder: run boardpack archive verify"
        );
    }
    let pdf = chain::read_plain(&folder.join(&manifest.pdf))?;
    let (trust, _) = archive::trust::read(dir)?;
    let trust = (!trust.is_empty()).then_some(trust);
    if let Verdict::Differs(f) = verify_trusting(&pdf, Some(&manifest), trust.as_ref()) {
        anyhow::bail!(
            "{period} v{v} does not verify, so it is not countersigned:\n  {}",
            f.join("\n  ")
        );
    }
    // One signature per signer: not the sign-off's signer again, nor a
    // second countersignature by the same key.
    let mine = id.certificate.sha256();
    if let Some(s) = crate::pack::signature::check_pdf(&pdf, None)
        .signatures
        .iter()
        .find(|s| {
            s.certificate_sha256.as_deref() == Some(mine.as_str())
                || s.signer
                    .as_deref()
                    .is_some_and(|n| n.trim().eq_ignore_ascii_case(by.trim()))
        })
    {
        anyhow::bail!(
            "{period} v{v} is already signed by {} ({}) (signature {}): a countersignature is made by another signer; nothing was archived",
            s.signer.as_deref().unwrap_or(by),
            s.role.as_deref().unwrap_or(role),
            s.number
        );
    }
    if date < manifest.date {
        return Err(Usage(format!(
            "--date {date} is before {period} v{v} was signed off ({}): a countersignature comes after the sign-off",
            manifest.date
        ))
        .into());
    }
    let signed = sign(&pdf, id, when, &format!("Countersigned as {role}"))?;
    manifest.archived_manifest_sha256 = Some(
        manifest
            .archived_manifest_sha256
            .clone()
            .unwrap_or_else(|| crate::pack::signoff::sha256(&manifest_bytes)),
    );
    manifest.pdf_sha256 = crate::pack::signoff::sha256(&signed);
    manifest.countersigned.push(Countersignature {
        by: by.to_string(),
        role: role.to_string(),
        date,
        certificate_sha256: id.certificate.sha256(),
    });
    if args.dry_run {
        println!(
            "dry run: nothing is archived; without --dry-run {period} v{v} would be countersigned by {by} ({role}) on {date}: {} (about {} bytes; its sha256 is known once it is signed, as every signature differs)",
            folder.join(&manifest.pdf).display(),
            signed.len()
        );
        return Ok(());
    }
    let path = archive::countersign(dir, &manifest, &signed)?;
    eprintln!("countersigned {period} v{v} by {by} ({role}) on {date}, digitally signed (PAdES)");
    println!("{}", path.display());
    Ok(())
}

/// The pack signed with `id` at `when`, its signature checked at once.
fn sign(
    pdf: &[u8],
    id: &crate::pack::signature::Identity,
    when: chrono::DateTime<chrono::Utc>,
    reason: &str,
) -> anyhow::Result<Vec<u8>> {
    use crate::pack::signature;
    let signed = signature::sign_pdf(pdf, id, when, reason)?;
    let report = signature::check_pdf(&signed, None);
    let findings = report.findings();
    if !findings.is_empty() || !report.is_signed() {
        anyhow::bail!(
            "the signature just made does not verify (a bug in boardpack; nothing was archived): {}",
            findings.join("; ")
        );
    }
    Ok(signed)
}

/// The archive's latest pack of any period (by period, then version), if
/// the archive is there: the layout it was signed off in.
fn latest_of_any_period(dir: &Path) -> Option<Manifest> {
    if !dir.is_dir() {
        return None;
    }
    archive::list(dir)
        .ok()?
        .into_iter()
        .map(|e| e.manifest)
        .max_by(|a, b| (&a.period, a.version).cmp(&(&b.period, b.version)))
}

/// What `sign-off --dry-run` would archive.
struct Plan<'a> {
    dir: &'a Path,
    new_archive: bool,
    manifest: &'a Manifest,
    layout: &'a settings::Named,
    layout_warnings: &'a [String],
    copy: &'a WorkbookCopy,
    sign_off: &'a SignOff,
    /// The PDF's and the HTML page's sizes in bytes.
    sizes: [usize; 2],
    /// Digitally signed: its sha256 is known only once it is signed (every
    /// signature differs).
    signed: bool,
}

impl Plan<'_> {
    fn text(&self) -> String {
        use std::fmt::Write;
        let (m, s) = (self.manifest, self.sign_off);
        let folder = self.dir.join(&m.period).join(format!("v{}", m.version));
        let mut out = String::new();
        let mut line = |label: &str, value: String| {
            let _ = writeln!(out, "{label:<10} {value}");
        };
        line(
            "dry run:",
            "nothing is archived; without --dry-run this sign-off would archive".into(),
        );
        line("period:", m.period.clone());
        line(
            "version:",
            match &s.supersedes {
                Some(p) => format!("v{} (supersedes v{} of {})", m.version, p.version, p.date),
                None => format!("v{}", m.version),
            },
        );
        line("signed:", format!("by {} ({}) on {}", s.by, s.role, s.date));
        line("reason:", s.reason.clone().unwrap_or_else(|| "none".into()));
        line(
            "layout:",
            format!(
                "{} (from {}; sha256 {})",
                layout_label(&self.layout.layout),
                self.layout.from,
                &s.layout_sha256[..12]
            ),
        );
        let mut warnings: Vec<String> = self.layout_warnings.to_vec();
        warnings.extend(
            s.accepted_warnings
                .iter()
                .map(|w| format!("{w} (accepted)")),
        );
        line(
            "warnings:",
            if warnings.is_empty() {
                "none".into()
            } else {
                warnings.join("\n           ")
            },
        );
        line(
            "left out:",
            if self.copy.left_out.is_empty() {
                "nothing (the workbook holds only the contract's sheets and values)".into()
            } else {
                format!(
                    "{} (the pack carries {}: the contract's sheets, values only)",
                    self.copy.left_out.join(", "),
                    self.copy.name
                )
            },
        );
        if self.new_archive {
            line(
                "archive:",
                format!(
                    "{} is not there: this sign-off would start a new archive",
                    self.dir.display()
                ),
            );
        }
        line("files:", format!("{}", folder.join(&m.pdf).display()));
        let _ = writeln!(
            out,
            "           {} bytes, {}; attached: {}, records.json, sign-off.json{}",
            self.sizes[0],
            if self.signed {
                "digitally signed (its sha256 is known once it is signed, as every signature differs)".to_string()
            } else {
                format!("sha256 {}", m.pdf_sha256)
            },
            self.copy.name,
            if self.layout.layout.is_builtin() {
                ""
            } else {
                ", layout.zip"
            }
        );
        if let Some(html) = &m.html {
            let _ = writeln!(
                out,
                "           {} ({} bytes)",
                folder.join(html).display(),
                self.sizes[1]
            );
        }
        let _ = writeln!(out, "           {}", folder.join("manifest.json").display());
        out
    }
}
