//! `boardpack archive list` and `archive verify`: what has been signed off,
//! which version is current, and whether the archive is whole.

use anyhow::bail;

use super::{ArchiveListArgs, ArchiveVerifyArgs};
use crate::pack::archive::{self, Entry};
use crate::pack::verify::verify_archive;

pub fn list(args: &ArchiveListArgs) -> anyhow::Result<()> {
    let dir = archive::dir(args.archive.as_deref());
    super::sweep_archive(archive::existing(&dir)?);
    let entries = archive::list(&dir)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&json(&entries))?);
        return Ok(());
    }
    if entries.is_empty() {
        eprintln!("no signed-off packs in {}", dir.display());
        return Ok(());
    }
    print!("{}", table(&entries));
    let damaged = verify_archive(&dir)?;
    if !damaged.is_empty() {
        eprintln!(
            "warning: the archive is not whole ({} findings): run `boardpack archive verify --archive {}` to see them",
            damaged.len(),
            dir.display()
        );
    }
    Ok(())
}

pub fn verify(args: &ArchiveVerifyArgs) -> anyhow::Result<()> {
    let dir = archive::dir(args.archive.as_deref());
    super::sweep_archive(archive::existing(&dir)?);
    let versions = archive::list(&dir)?.len();
    let findings = verify_archive(&dir)?;
    if !findings.is_empty() {
        bail!(
            "the archive {} is not whole:\n  {}",
            dir.display(),
            findings.join("\n  ")
        );
    }
    println!(
        "verified: {} holds {versions} version{}, each present, chained to the one before and rebuilt byte for byte",
        dir.display(),
        if versions == 1 { "" } else { "s" }
    );
    Ok(())
}

/// Whether an entry is its period's latest version.
fn is_current(entries: &[Entry], i: usize) -> bool {
    entries
        .get(i + 1)
        .is_none_or(|next| next.manifest.period != entries[i].manifest.period)
}

/// The list as a table whose columns fit the longest value in each.
fn table(entries: &[Entry]) -> String {
    let head = [
        "PERIOD",
        "VERSION",
        "DATE",
        "SIGNED OFF BY",
        "REASON",
        "LAYOUT",
        "SHA256",
        "PDF",
    ];
    let rows: Vec<[String; 8]> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let m = &e.manifest;
            let current = if is_current(entries, i) {
                " (current)"
            } else {
                ""
            };
            [
                m.period.clone(),
                format!("v{}{current}", m.version),
                m.date.to_string(),
                format!("{} ({})", m.signed_off_by, m.role),
                m.reason.clone().unwrap_or_else(|| "-".into()),
                m.layout_sha256.chars().take(12).collect(),
                m.pdf_sha256.chars().take(12).collect(),
                e.path.display().to_string(),
            ]
        })
        .collect();
    let mut widths = head.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[&str]| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.push_str(&" ".repeat(w - cell.chars().count() + 2));
            }
        }
        out.push('\n');
        out
    };
    let mut out = line(&head);
    for row in &rows {
        out.push_str(&line(&row.each_ref().map(String::as_str)));
    }
    out
}

fn json(entries: &[Entry]) -> Vec<serde_json::Value> {
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut v = serde_json::to_value(&e.manifest).expect("a manifest serialises");
            v["path"] = e.path.display().to_string().into();
            v["current"] = is_current(entries, i).into();
            v
        })
        .collect()
}
