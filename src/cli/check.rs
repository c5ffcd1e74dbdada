//! `boardpack check`: validate workbooks (one, several, or folders of them,
//! as `build` takes a batch) and print every problem.

use std::path::Path;

use anyhow::bail;

use super::{explain, print_log, print_warnings, read_workbook, CheckArgs};
use crate::input::problem::plural;
use crate::pipeline;

pub fn run(args: &CheckArgs) -> anyhow::Result<()> {
    let workbooks = super::build::collect(&args.workbooks)?;
    if let [one] = &workbooks[..] {
        return check(args, one, false);
    }
    let mut failed = Vec::new();
    for workbook in &workbooks {
        if let Err(e) = check(args, workbook, true) {
            super::report(&e);
            failed.push(workbook.display().to_string());
        }
    }
    if !failed.is_empty() {
        bail!(
            "{} of {} have errors: {}",
            failed.len(),
            plural(workbooks.len(), "workbook"),
            failed.join(", ")
        );
    }
    Ok(())
}

/// Checks one workbook: its warnings on stderr (named by the workbook in a
/// batch), then `w.xlsx: ok (…)`.
fn check(args: &CheckArgs, workbook: &Path, batch: bool) -> anyhow::Result<()> {
    let limits = args.limits.limits();
    let bytes = read_workbook(workbook, &limits)?;
    let computed =
        pipeline::records_within(&bytes, &limits).map_err(|e| explain(workbook, e.into()))?;
    if batch {
        for w in &computed.warnings {
            eprintln!(
                "warning: {}: {}",
                workbook.display(),
                super::shown(&w.to_string())
            );
        }
    } else {
        print_warnings(&computed.warnings);
    }
    if args.verbose {
        print_log(&computed.log);
    }
    println!(
        "{}: ok ({}, {}, {})",
        workbook.display(),
        plural(computed.records.priorities.len(), "priority"),
        plural(computed.records.rows.len(), "row"),
        plural(computed.warnings.len(), "warning")
    );
    Ok(())
}
