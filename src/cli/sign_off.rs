//! `boardpack sign-off`: build the final pack and archive it.

use super::{explain, print_layout_warnings, print_warnings, read_workbook, SignOffArgs, Usage};
use crate::pack::archive::{self, Manifest};
use crate::pack::signoff::{build_final_of, final_html, SignOff, Superseded};

pub fn run(args: &SignOffArgs) -> anyhow::Result<()> {
    if args.by.trim().is_empty() || args.role.trim().is_empty() {
        return Err(Usage("--by and --role must name who signs off and their role".into()).into());
    }
    for (flag, value) in [
        ("--by", Some(&args.by)),
        ("--role", Some(&args.role)),
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
    let dir = archive::dir(args.archive.as_deref());
    // The archive is this run's output: never inside an input, nor inside
    // another archive; what an interrupted sign-off left is removed.
    let mut inputs = vec![args.workbook.as_path()];
    inputs.extend(args.layout.as_deref());
    crate::pack::output::check_archive_folder(&dir, &inputs)?;
    super::sweep_archive(&dir);
    let limits = args.limits.limits();
    let bytes = read_workbook(&args.workbook, &limits)?;
    let name = args
        .workbook
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "workbook.xlsx".into());
    let layout = super::layout(args.layout.as_deref())?;
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
    let supersedes = latest.map(|m| Superseded {
        version: m.version,
        date: m.date,
    });
    let sign_off = SignOff::new(&args.by, &args.role, date, args.reason.as_deref(), &name)
        .with_layout(&layout)
        .accepting(warnings)
        .versioned(version, supersedes)
        .comparing(previous.as_ref());
    let built = build_final_of(&bytes, computed, &sign_off, &layout, previous.as_ref())
        .map_err(|e| explain(&args.workbook, e.into()))?;
    print_warnings(&built.warnings);
    print_layout_warnings(&built.layout_warnings);
    let pdf_name = format!(
        "{}.pdf",
        args.workbook
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| format!("dashboard-{period}"))
    );
    let html = final_html(&built, &sign_off, &layout);
    let html_name = format!("{}.html", pdf_name.trim_end_matches(".pdf"));
    let manifest = Manifest::new(&period, &pdf_name, &built.pdf, &bytes, &sign_off)
        .with_html(&html_name, html.as_bytes())
        .with_layout(&layout);
    let stored = archive::store(&dir, manifest, &built.pdf, Some(html.as_bytes()))?;
    super::archive::note_entered(&dir, &stored.entered);
    let path = stored.pdf;
    eprintln!(
        "signed off {period} v{version} by {} ({}) on {}",
        sign_off.by, sign_off.role, sign_off.date
    );
    if new_archive {
        eprintln!(
            "note: {} was not there, so this sign-off started a new archive; if you meant an existing one, check --archive or BOARDPACK_ARCHIVE",
            dir.display()
        );
    }
    println!("{}", path.display());
    Ok(())
}
