//! `boardpack diff OLD NEW`: what changed since the last pack.

use std::path::Path;

use anyhow::Context;

use super::{explain, read_workbook, shown, shown_json, DiffArgs};
use crate::compute::changes::diff;
use crate::pack::limits::{over, MAX_RECORDS_BYTES};
use crate::pack::signoff::{RECORDS_ATTACHMENT, SIGN_OFF_ATTACHMENT};
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
        if let Some(why) = over(
            &format!("the {RECORDS_ATTACHMENT} attached to {}", path.display()),
            records.len() as u64,
            MAX_RECORDS_BYTES,
        ) {
            anyhow::bail!("{why}");
        }
        let records: serde_json::Value = serde_json::from_slice(records)
            .with_context(|| format!("the records in {} cannot be read", path.display()))?;
        return records_or_what(path, records);
    }
    // A byte-order mark (as Windows editors save UTF-8) is not content.
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if text.trim_ascii_start().starts_with(b"{") || text.trim_ascii_start().starts_with(b"[") {
        if let Some(why) = over(
            &format!("the records file {}", path.display()),
            text.len() as u64,
            MAX_RECORDS_BYTES,
        ) {
            anyhow::bail!("{why}");
        }
        let value = serde_json::from_slice(text)
            .with_context(|| format!("{} is not a records file", path.display()))?;
        return records_or_what(path, value);
    }
    let computed =
        crate::pipeline::records_within(&bytes, &limits).map_err(|e| explain(path, e.into()))?;
    Ok(serde_json::to_value(&computed.records)?)
}

/// The records, if `value` is records (an object with a `report` object
/// and a `rows` list); else an error saying what the JSON is instead.
fn records_or_what(path: &Path, value: serde_json::Value) -> anyhow::Result<serde_json::Value> {
    use serde_json::Value;
    if value["report"].is_object() && value["rows"].is_array() {
        return Ok(value);
    }
    let has = |keys: &[&str]| keys.iter().all(|k| value.get(k).is_some());
    let what = if has(&["period", "version", "pdf_sha256", "signed_off_by"]) {
        format!(
            "an archive's manifest (of {} v{}), not records: give the signed-off PDF beside it",
            value["period"].as_str().unwrap_or("?"),
            value["version"]
        )
    } else if has(&["by", "role", "date"]) && value.get("rows").is_none() {
        format!("a pack's sign-off record ({SIGN_OFF_ATTACHMENT}), not records: give the signed-off PDF")
    } else {
        let held = match &value {
            Value::Object(m) if m.is_empty() => "an empty object".to_string(),
            Value::Object(m) => {
                let keys: Vec<&str> = m.keys().take(5).map(String::as_str).collect();
                let more = if m.len() > 5 { ", …" } else { "" };
                format!("an object with keys {}{more}", keys.join(", "))
            }
            Value::Array(a) => format!("a list of {} items", a.len()),
            _ => "a single value".to_string(),
        };
        format!("JSON but not records (records have \"report\" and \"rows\"; this is {held})")
    };
    anyhow::bail!(
        "{} is {what}: diff compares signed-off packs, records files (boardpack build --records) or workbooks",
        path.display()
    )
}
