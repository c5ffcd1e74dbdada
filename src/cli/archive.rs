//! `boardpack archive list`: what has been signed off.

use super::ArchiveListArgs;
use crate::pack::archive;

pub fn list(args: &ArchiveListArgs) -> anyhow::Result<()> {
    let dir = archive::dir(args.archive.as_deref());
    let entries = archive::list(&dir)?;
    if entries.is_empty() {
        eprintln!("no signed-off packs in {}", dir.display());
        return Ok(());
    }
    println!(
        "{:<8} {:>7}  {:<24} {:<10}  {:<12}  PDF",
        "PERIOD", "VERSION", "SIGNED OFF BY", "DATE", "SHA256"
    );
    for e in entries {
        let m = &e.manifest;
        println!(
            "{:<8} {:>7}  {:<24} {:<10}  {:<12}  {}",
            m.period,
            format!("v{}", m.version),
            format!("{} ({})", m.signed_off_by, m.role),
            m.date,
            &m.pdf_sha256[..12.min(m.pdf_sha256.len())],
            e.path.display()
        );
    }
    Ok(())
}
