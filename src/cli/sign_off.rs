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
    let sign_off = SignOff::new(
        &args.by,
        &args.role,
        date,
        args.reason.as_deref(),
        &copy.name,
    )
    .with_layout(&layout.layout)
    .accepting(warnings)
    .versioned(version, supersedes)
    .leaving_out(copy.left_out.clone())
    .comparing(previous.as_ref());
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
    let html = final_html(&built, &sign_off, &layout.layout);
    let html_name = format!("{}.html", pdf_name.trim_end_matches(".pdf"));
    let manifest = Manifest::new(&period, &pdf_name, &built.pdf, &copy.bytes, &sign_off)
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
            sizes: [built.pdf.len(), html.len()],
        };
        print!("{}", super::shown(&plan.text()));
        return Ok(());
    }
    let stored = archive::store(&dir, manifest, &built.pdf, Some(html.as_bytes()))?;
    super::archive::note_entered(&dir, &stored.entered);
    let path = stored.pdf;
    eprintln!(
        "signed off {period} v{version} by {} ({}) on {}",
        sign_off.by, sign_off.role, sign_off.date
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
            "           {} bytes, sha256 {}; attached: {}, records.json, sign-off.json{}",
            self.sizes[0],
            m.pdf_sha256,
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
