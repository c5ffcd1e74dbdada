//! `boardpack verify`: is this PDF exactly what the board approved?

use anyhow::{anyhow, Context};

use super::VerifyArgs;
use crate::pack::verify::{manifest_beside, verify, Verdict};

pub fn run(args: &VerifyArgs) -> anyhow::Result<()> {
    let pdf =
        std::fs::read(&args.pdf).with_context(|| format!("cannot read {}", args.pdf.display()))?;
    let manifest = manifest_beside(&args.pdf)?;
    match verify(&pdf, manifest.as_ref()) {
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
