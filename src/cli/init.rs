//! `boardpack init`: write a starter workbook.

use anyhow::{bail, Context};

use super::InitArgs;
use crate::support::starter::{default_period_end, starter};

pub fn run(args: &InitArgs) -> anyhow::Result<()> {
    if args.workbook.exists() {
        bail!(
            "{} exists already; init never overwrites a file",
            args.workbook.display()
        );
    }
    let period_end = match &args.period_end {
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .with_context(|| format!("--period-end {d:?} is not a date in the form YYYY-MM-DD"))?,
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
