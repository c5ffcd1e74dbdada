//! `boardpack archive list`, `archive verify` and `archive withdraw`: what
//! has been signed off, which version is current, whether the archive is
//! whole, and marking a version withdrawn.

use std::path::Path;

use anyhow::bail;

use super::{shown, shown_json, ArchiveListArgs, ArchiveVerifyArgs, ArchiveWithdrawArgs, Usage};
use crate::pack::archive::{self, Entry};
use crate::pack::signoff::sha256;
use crate::pack::verify::check_archive;
use crate::render::document::DASHBOARD_LAYOUT;

/// No line of `archive list` runs past this many characters (but a path).
const WIDTH: usize = 100;

pub fn list(args: &ArchiveListArgs) -> anyhow::Result<()> {
    let dir = archive::dir(args.archive.as_deref());
    super::sweep_archive(archive::existing(&dir)?);
    let entries = archive::list(&dir)?;
    if args.json {
        println!(
            "{}",
            shown_json(&serde_json::to_string_pretty(&json(&entries))?)
        );
        return Ok(());
    }
    if entries.is_empty() {
        eprintln!("no signed-off packs in {}", dir.display());
    } else {
        print!("{}", shown(&table(&entries)));
    }
    // Even with nothing listed: a version whose manifest cannot be read is
    // not listed, but is a finding.
    let damaged = check_archive(&dir)?.findings;
    if !damaged.is_empty() {
        eprintln!(
            "warning: the archive is not whole ({}): run `boardpack archive verify --archive {}` to see them",
            crate::input::problem::plural(damaged.len(), "finding"),
            dir.display()
        );
    }
    Ok(())
}

pub fn verify(args: &ArchiveVerifyArgs) -> anyhow::Result<()> {
    let dir = archive::dir(args.archive.as_deref());
    super::sweep_archive(archive::existing(&dir)?);
    let report = check_archive(&dir)?;
    for note in &report.notes {
        eprintln!("note: {}", shown(note));
    }
    if !report.findings.is_empty() {
        bail!(
            "the archive {} is not whole:\n  {}",
            dir.display(),
            report.findings.join("\n  ")
        );
    }
    let versions = report.versions;
    println!(
        "verified: {} holds {versions} version{}, each present,{} chained to the one before and rebuilt byte for byte",
        dir.display(),
        if versions == 1 { "" } else { "s" },
        if report.log_lines > 0 { " in its log," } else { "" }
    );
    if let Some(head) = &report.log_head {
        println!(
            "the log ends at line {} (sha256 {head}): note it outside the archive, so that versions removed later with the log's last lines are found",
            report.log_lines
        );
    }
    Ok(())
}

pub fn withdraw(args: &ArchiveWithdrawArgs) -> anyhow::Result<()> {
    let reason = args.reason.trim();
    if reason.is_empty() {
        return Err(Usage("--reason must say why the version is withdrawn".into()).into());
    }
    if let Some(c) = reason.chars().find(|c| c.is_control()) {
        return Err(Usage(format!(
            "--reason holds a control character (U+{:04X}): the archive's log takes one line of plain text",
            c as u32
        ))
        .into());
    }
    let digits = args.version.strip_prefix('v').unwrap_or(&args.version);
    let Some(version) = digits
        .parse::<u32>()
        .ok()
        .filter(|v| *v > 0 && !digits.starts_with(['0', '+']))
    else {
        return Err(Usage(format!(
            "{:?} is not a version: give it as the archive names it, e.g. v2",
            args.version
        ))
        .into());
    };
    let dir = archive::dir(args.archive.as_deref());
    let today = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).date_naive();
    let entered = archive::withdraw(
        archive::existing(&dir)?,
        &args.period,
        version,
        reason,
        today,
    )?;
    note_entered(&dir, &entered);
    println!(
        "withdrawn: {} v{version} on {today}: {reason} (it stays in {}, marked withdrawn)",
        args.period,
        dir.display()
    );
    Ok(())
}

/// Says which versions of an archive made before its log were entered in
/// the log just started.
pub fn note_entered(dir: &Path, entered: &[(String, u32)]) {
    if entered.is_empty() {
        return;
    }
    let names: Vec<String> = entered.iter().map(|(p, v)| format!("{p} v{v}")).collect();
    eprintln!(
        "note: {} had no {} (it was made before boardpack kept one): the {} there ({}) were entered in a new log as they are, and made read-only; run `boardpack archive verify --archive {}` to check them",
        dir.display(),
        archive::LOG,
        crate::input::problem::plural(entered.len(), "version"),
        names.join(", "),
        dir.display()
    );
}

/// Whether an entry is its period's current version: its latest not
/// withdrawn.
fn is_current(entries: &[Entry], i: usize) -> bool {
    let e = &entries[i];
    e.withdrawn.is_none()
        && entries[i + 1..]
            .iter()
            .take_while(|n| n.manifest.period == e.manifest.period)
            .all(|n| n.withdrawn.is_some())
}

/// The layout an entry was signed off with, by name: manifests written
/// before names were recorded name the built-in layout by its hash.
fn layout(e: &Entry) -> String {
    match &e.manifest.layout {
        Some(name) => name.clone(),
        None if e.manifest.layout_sha256 == sha256(DASHBOARD_LAYOUT.as_bytes()) => {
            "built-in".into()
        }
        None => format!(
            "custom ({})",
            e.manifest.layout_sha256.chars().take(8).collect::<String>()
        ),
    }
}

/// Splits `text` into lines of at most `width` characters, at spaces where
/// it can (a word longer than a line is cut).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let used = line.chars().count();
            let room = if used == 0 {
                width
            } else {
                width.saturating_sub(used + 1)
            };
            if word.len() <= room {
                if used > 0 {
                    line.push(' ');
                }
                line.extend(word.iter());
                break;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            let rest = word.split_off(width);
            lines.push(word.iter().collect());
            word = rest;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The list as a table whose columns fit their values, signers and
/// reasons wrapped so that no line runs past [`WIDTH`]; under each row the
/// PDF's path and sha256, and a withdrawal's date and reason.
fn table(entries: &[Entry]) -> String {
    const INDENT: &str = "  ";
    let head = [
        "PERIOD",
        "VERSION",
        "DATE",
        "SIGNED OFF BY",
        "LAYOUT",
        "REASON",
    ];
    let rows: Vec<[String; 6]> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let m = &e.manifest;
            let mark = if e.withdrawn.is_some() {
                " (withdrawn)"
            } else if is_current(entries, i) {
                " (current)"
            } else {
                ""
            };
            [
                m.period.clone(),
                format!("v{}{mark}", m.version),
                m.date.to_string(),
                format!("{} ({})", m.signed_off_by, m.role),
                layout(e),
                m.reason.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    // Widest cells, the signer and layout at most 24 and 14 characters
    // (wrapped); the reason takes what is left of the line, at least 16.
    let caps = [usize::MAX, usize::MAX, usize::MAX, 24, 14];
    let mut widths = [0usize; 6];
    for (c, w) in widths.iter_mut().enumerate().take(5) {
        *w = rows
            .iter()
            .map(|r| r[c].chars().count())
            .chain([head[c].len()])
            .max()
            .unwrap_or(0)
            .min(caps[c]);
    }
    let used: usize = widths[..5].iter().map(|w| w + 2).sum();
    widths[5] = WIDTH.saturating_sub(used).max(16);
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            out.push_str(cell);
            if i + 1 < cells.len() {
                out.push_str(&" ".repeat(w.saturating_sub(cell.chars().count()) + 2));
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    };
    let mut out = line(&head.map(String::from));
    for (row, e) in rows.iter().zip(entries) {
        let cells: Vec<Vec<String>> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| wrap(cell, w))
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(1);
        for k in 0..height {
            let at: Vec<String> = cells
                .iter()
                .map(|c| c.get(k).cloned().unwrap_or_default())
                .collect();
            out.push_str(&line(&at));
        }
        if let Some(w) = &e.withdrawn {
            let said = format!("withdrawn on {}: {}", w.date, w.reason);
            for l in wrap(&said, WIDTH - INDENT.len()) {
                out.push_str(&format!("{INDENT}{l}\n"));
            }
        }
        for c in &e.manifest.countersigned {
            let said = format!("countersigned by {} ({}) on {}", c.by, c.role, c.date);
            for l in wrap(&said, WIDTH - INDENT.len()) {
                out.push_str(&format!("{INDENT}{l}\n"));
            }
        }
        out.push_str(&format!(
            "{INDENT}{} (sha256 {})\n",
            e.path.display(),
            e.manifest.pdf_sha256.chars().take(12).collect::<String>()
        ));
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
            v["layout"] = layout(e).into();
            if let Some(w) = &e.withdrawn {
                v["withdrawn"] = serde_json::json!({"date": w.date, "reason": w.reason});
            }
            v
        })
        .collect()
}

/// `archive trust add CERT.pem --role ROLE`.
pub fn trust_add(args: &super::TrustAddArgs) -> anyhow::Result<()> {
    use crate::pack::archive::trust;
    let dir = archive::dir(args.archive.as_deref());
    if let Some(role) = &args.role {
        if role.trim().is_empty() || role.chars().any(|c| c.is_control()) {
            return Err(Usage("--role must name the role in one line of plain text".into()).into());
        }
    }
    let cert = super::verify::trust_file(&args.certificate)?;
    let [(cert, _)] = cert.entries.as_slice() else {
        return Err(Usage(format!(
            "{} holds {} certificates: add them one at a time, each with its role",
            args.certificate.display(),
            cert.entries.len()
        ))
        .into());
    };
    // A trust list may come first: the archive is made, as the first
    // sign-off makes it.
    if std::fs::symlink_metadata(&dir).is_err() {
        anyhow::Context::with_context(std::fs::create_dir_all(&dir), || {
            format!(
                "cannot make the archive folder {}: check the path",
                dir.display()
            )
        })?;
        eprintln!(
            "{} was not there: a new archive is made, its trust list first",
            dir.display()
        );
    }
    let dir = archive::existing(&dir)?;
    let now = chrono::Utc::now();
    if now > cert.not_after() {
        eprintln!(
            "warning: the certificate of {} expired on {}: it admits no new sign-off (a key is not used after its certificate expired), only signatures made while it was valid",
            shown(&cert.subject()),
            cert.not_after().format("%Y-%m-%d")
        );
    }
    let today = chrono::Utc::now().date_naive();
    let n = trust::add(dir, cert, args.role.as_deref().map(str::trim), today)?;
    eprintln!(
        "trusted: {} (sha256 {}){} is entry {n} of the trust list of {}; from now on, sign-offs into it must be signed with a key it admits (sign-off --key)",
        shown(&cert.subject()),
        &cert.sha256()[..16],
        args.role
            .as_deref()
            .map(|r| format!(", signing off as {}", shown(r.trim())))
            .unwrap_or_default(),
        dir.display()
    );
    Ok(())
}

/// `archive trust list`.
pub fn trust_list(args: &super::TrustListArgs) -> anyhow::Result<()> {
    use crate::pack::archive::trust;
    let dir = archive::dir(args.archive.as_deref());
    let dir = archive::existing(&dir)?;
    let (list, problems) = trust::read(dir)?;
    for p in &problems {
        eprintln!("warning: {}", shown(p));
    }
    if list.is_empty() {
        println!(
            "the trust list of {} is empty: anyone may sign off, with or without a key",
            dir.display()
        );
    }
    for (cert, role) in &list.entries {
        println!(
            "{}  sha256 {}  valid {} to {}{}",
            shown(&cert.subject()),
            &cert.sha256()[..16],
            cert.not_before().format("%Y-%m-%d"),
            cert.not_after().format("%Y-%m-%d"),
            role.as_deref()
                .map(|r| format!("  signs off as {}", shown(r)))
                .unwrap_or_default()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrapping_keeps_lines_within_their_width() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), [""]);
        assert!(wrap(&"word ".repeat(50), 24)
            .iter()
            .all(|l| l.chars().count() <= 24));
    }
}
