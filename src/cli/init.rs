//! `boardpack init`: write a starter workbook.

use anyhow::{bail, Context};

use super::InitArgs;
use crate::input::dates::{parse_text_date, DATE_FORMS};
use crate::support::starter::{default_period_end, starter};

pub fn run(args: &InitArgs) -> anyhow::Result<()> {
    let is_xlsx = args
        .workbook
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if !is_xlsx {
        return Err(super::Usage(format!(
            "{} is not an .xlsx name; init writes an Excel workbook: give a name ending in .xlsx",
            args.workbook.display()
        ))
        .into());
    }
    crate::pack::output::check_outputs(&[args.workbook.as_path()], &[])?;
    if args.workbook.exists() {
        bail!(
            "{} exists already; init never overwrites a file",
            args.workbook.display()
        );
    }
    let period_end = match &args.period_end {
        Some(d) => match parse_text_date(d) {
            Some(date) => date.last_day(),
            None => {
                return Err(super::Usage(format!(
                    "--period-end {d:?} is not a date; give the reporting month's last day, or the month ({DATE_FORMS})"
                ))
                .into())
            }
        },
        None => default_period_end(
            chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).date_naive(),
        ),
    };
    let bytes = starter(period_end)
        .to_bytes()
        .context("writing the workbook")?;
    crate::pack::output::write_atomic(&args.workbook, &bytes)?;
    eprintln!(
        "wrote a starter workbook for the period ended {period_end}; next: boardpack check {0} && boardpack build {0}",
        args.workbook.display()
    );
    println!("{}", args.workbook.display());
    Ok(())
}
