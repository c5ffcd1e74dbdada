//! `boardpack build`: workbook → draft PDF (and optionally the records).

use std::path::PathBuf;

use anyhow::Context;

use super::{explain, print_log, print_warnings, read_workbook, workbook_path, BuildArgs};
use crate::document::RenderOptions;
use crate::output::write_all_atomic;
use crate::pipeline;

pub fn run(args: &BuildArgs) -> anyhow::Result<()> {
    let workbook = workbook_path(args.workbook.as_deref());
    let limits = args.limits.limits();
    let bytes = read_workbook(&workbook, &limits)?;
    let built = pipeline::build_within(&bytes, &limits, RenderOptions::draft)
        .map_err(|e| explain(&workbook, e))?;
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
    // Both files are written whole, or neither.
    let json = serde_json::to_vec_pretty(&built.records).context("serialising the records")?;
    let mut files: Vec<(&std::path::Path, &[u8])> = vec![(&output, &built.pdf)];
    if let Some(path) = &args.records {
        files.insert(0, (path, &json));
    }
    write_all_atomic(&files)?;
    println!("{}", output.display());
    Ok(())
}
