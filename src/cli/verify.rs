//! `boardpack verify`: is this PDF exactly what the board approved?

use anyhow::{anyhow, Context};

use super::VerifyArgs;
use crate::pack::verify::{html_finding, manifest_beside, verify, Verdict};

pub fn run(args: &VerifyArgs) -> anyhow::Result<()> {
    let pdf =
        std::fs::read(&args.pdf).with_context(|| format!("cannot read {}", args.pdf.display()))?;
    let manifest = manifest_beside(&args.pdf)?;
    let mut verdict = verify(&pdf, manifest.as_ref());
    let dir = args.pdf.parent().unwrap_or(std::path::Path::new("."));
    if let Some(finding) = manifest.as_ref().and_then(|m| html_finding(dir, m)) {
        verdict = match verdict {
            Verdict::Verified => Verdict::Differs(vec![finding]),
            Verdict::Differs(mut f) => {
                f.push(finding);
                Verdict::Differs(f)
            }
        };
    }
    match verdict {
        Verdict::Verified => {
            let with = if manifest.is_some() {
                " and matches its manifest"
            } else {
                ""
            };
            println!(
                "verified: {} is exactly what its workbook and sign-off build{with}",
                args.pdf.display()
            );
            Ok(())
        }
        Verdict::Differs(findings) => Err(anyhow!(
            "{} is not verified:\n  {}",
            args.pdf.display(),
            findings.join("\n  ")
        )),
    }
}
