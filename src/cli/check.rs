//! `boardpack check`: validate a workbook and print every problem.

use super::{explain, print_log, print_warnings, read_workbook, CheckArgs};
use crate::input::problem::plural;
use crate::pipeline;

pub fn run(args: &CheckArgs) -> anyhow::Result<()> {
    let limits = args.limits.limits();
    let bytes = read_workbook(&args.workbook, &limits)?;
    let computed =
        pipeline::records_within(&bytes, &limits).map_err(|e| explain(&args.workbook, e.into()))?;
    print_warnings(&computed.warnings);
    if args.verbose {
        print_log(&computed.log);
    }
    println!(
        "{}: ok ({}, {}, {})",
        args.workbook.display(),
        plural(computed.records.priorities.len(), "priority"),
        plural(computed.records.rows.len(), "row"),
        plural(computed.warnings.len(), "warning")
    );
    Ok(())
}
