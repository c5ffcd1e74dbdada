//! `boardpack build`: workbook → draft PDF (and optionally the records).

use std::path::PathBuf;

use anyhow::Context;

use super::{print_log, print_warnings, read_workbook, workbook_path, BuildArgs};
use crate::document::RenderOptions;
use crate::output::write_atomic;
use crate::pipeline;

pub fn run(args: &BuildArgs) -> anyhow::Result<()> {
    let workbook = workbook_path(args.workbook.as_deref());
    let bytes = read_workbook(&workbook)?;
    let built = pipeline::build(&bytes, RenderOptions::draft)
        .with_context(|| format!("{} was not built", workbook.display()))?;
    print_warnings(&built.warnings);
    if args.verbose {
        print_log(&built.log);
    }
    let output = args.output.clone().unwrap_or_else(|| {
        let stem = workbook
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "dashboard".into());
        PathBuf::from("out").join(format!("{stem}.pdf"))
    });
    // The records first: if either cannot be written, no PDF claims success.
    if let Some(path) = &args.records {
        let json = serde_json::to_vec_pretty(&built.records).context("serialising the records")?;
        write_atomic(path, &json)?;
    }
    write_atomic(&output, &built.pdf)?;
    println!("{}", output.display());
    Ok(())
}
