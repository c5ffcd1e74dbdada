//! `boardpack next`: next quarter's workbook, with a Review sheet.

use std::path::PathBuf;

use anyhow::bail;

use super::{explain, read_workbook, NextArgs, Usage};
use crate::input::dates::{parse_text_date, DATE_FORMS};
use crate::input::Workbook;
use crate::pack::output::{check_outputs, write_atomic};
use crate::support::next::next;

pub fn run(args: &NextArgs) -> anyhow::Result<()> {
    let Some(period_end) = parse_text_date(&args.period_end).map(|d| d.last_day()) else {
        return Err(Usage(format!(
            "--period-end {:?} is not a date; give the new reporting month's last day, or the month ({DATE_FORMS})",
            args.period_end
        ))
        .into());
    };
    let limits = args.limits.limits();
    let bytes = read_workbook(&args.workbook, &limits)?;
    let loaded = Workbook::from_bytes_within(&bytes, &limits)
        .map_err(|e| explain(&args.workbook, e.into()))?;
    let output = args.output.clone().unwrap_or_else(|| {
        let stem = super::build::stem(&args.workbook);
        let stem = stem
            .strip_suffix(
                &loaded
                    .workbook
                    .report
                    .period_end
                    .format("%Y-%m")
                    .to_string(),
            )
            .map(|s| s.trim_end_matches(['-', '_', ' ']).to_string())
            .unwrap_or(stem);
        let name = format!("{stem}-{}.xlsx", period_end.format("%Y-%m"));
        args.workbook.with_file_name(name)
    });
    check_outputs(&[output.as_path()], &[args.workbook.as_path()])?;
    super::sweep_leftovers(super::parents(&[output.as_path()]));
    if output.exists() {
        bail!(
            "{} exists already; next never overwrites a file",
            output.display()
        );
    }
    let book = next(&bytes, &loaded.workbook, period_end).map_err(|e| Usage(e.to_string()))?;
    let review = book
        .sheet("Review")
        .map_or(0, |s| s.rows.len().saturating_sub(1));
    write_atomic(&output, &book.to_bytes()?)?;
    eprintln!(
        "wrote {} for the period ended {period_end}: {} to look at in its Review sheet; {} is unchanged",
        output.display(),
        crate::input::problem::plural(review, "item"),
        args.workbook.display()
    );
    println!("{}", PathBuf::from(&output).display());
    Ok(())
}
