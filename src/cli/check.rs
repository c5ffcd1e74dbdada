//! `boardpack check`: validate a workbook and print every problem.

use anyhow::Context;

use super::{print_log, print_warnings, read_workbook, CheckArgs};
use crate::pipeline;

pub fn run(args: &CheckArgs) -> anyhow::Result<()> {
    let bytes = read_workbook(&args.workbook)?;
    let computed = pipeline::records(&bytes).with_context(|| {
        format!(
            "{} does not meet the workbook contract",
            args.workbook.display()
        )
    })?;
    print_warnings(&computed.warnings);
    if args.verbose {
        print_log(&computed.log);
    }
    println!(
        "{}: ok ({} priorities, {} rows, {} warnings)",
        args.workbook.display(),
        computed.records.priorities.len(),
        computed.records.rows.len(),
        computed.warnings.len()
    );
    Ok(())
}
