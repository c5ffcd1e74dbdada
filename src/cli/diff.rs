//! `boardpack diff OLD NEW`: what changed since the last pack.

use std::path::Path;

use anyhow::Context;

use super::{explain, read_workbook, shown, shown_json, DiffArgs};
use crate::compute::changes::diff;
use crate::pack::signoff::RECORDS_ATTACHMENT;
use crate::pack::verify::attachments;

pub fn run(args: &DiffArgs) -> anyhow::Result<()> {
    let old = records_of(&args.old, args)?;
    let new = records_of(&args.new, args)?;
    let d = diff(&old, &new);
    if args.json {
        println!("{}", shown_json(&serde_json::to_string_pretty(&d)?));
    } else {
        print!("{}", shown(&d.text()));
    }
    Ok(())
}

/// A side's records: a signed-off pack's attachment, a records file, or
/// computed from a workbook.
fn records_of(path: &Path, args: &DiffArgs) -> anyhow::Result<serde_json::Value> {
    let limits = args.limits.limits();
    let bytes = read_workbook(path, &limits)?;
    if bytes.starts_with(b"%PDF") {
        let files = attachments(&bytes)
            .with_context(|| format!("cannot read the attachments of {}", path.display()))?;
        let (_, records) = files
            .iter()
            .find(|(name, _)| name == RECORDS_ATTACHMENT)
            .with_context(|| {
                format!(
                    "{} carries no {RECORDS_ATTACHMENT}: give a signed-off pack, a records file or a workbook",
                    path.display()
                )
            })?;
        return serde_json::from_slice(records)
            .with_context(|| format!("the records in {} cannot be read", path.display()));
    }
    if bytes.trim_ascii_start().starts_with(b"{") {
        return serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is not a records file", path.display()));
    }
    let computed =
        crate::pipeline::records_within(&bytes, &limits).map_err(|e| explain(path, e.into()))?;
    Ok(serde_json::to_value(&computed.records)?)
}
