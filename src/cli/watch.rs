//! `boardpack watch`: rebuild whenever the workbook or layout changes,
//! printing the problems or the new PDF's path each time.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::build::{build_one, stem, Outputs};
use super::{print_layout_warnings, print_log, print_warnings, report, WatchArgs};
use crate::input::limits::InputLimits;

/// What identifies a file's version: its modification time and size
/// (Excel saves by replacing the file, which changes both).
fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

pub fn run(args: &WatchArgs) -> anyhow::Result<()> {
    let workbook = args
        .workbook
        .clone()
        .map_or_else(super::default_workbook, Ok)?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(format!("{}.pdf", stem(&workbook))));
    let mut watched = vec![workbook.clone()];
    watched.extend(args.layout.clone());
    let mut last: Vec<Option<(SystemTime, u64)>> = vec![None; watched.len()];
    let mut builds = 0;
    eprintln!(
        "watching {} (Ctrl-C to stop)",
        watched
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" and ")
    );
    loop {
        let now: Vec<_> = watched.iter().map(|p| stamp(p)).collect();
        if now != last && now.iter().all(Option::is_some) {
            // Let a save in progress finish before reading.
            std::thread::sleep(Duration::from_millis(100));
            last = watched.iter().map(|p| stamp(p)).collect();
            let result = super::layout(args.layout.as_deref()).and_then(|layout| {
                let outputs = Outputs {
                    pdf: output.clone(),
                    records: None,
                    html: None,
                };
                build_one(&workbook, &outputs, &InputLimits::default(), &layout, None)
            });
            match result {
                Ok(built) => {
                    print_warnings(&built.warnings);
                    print_layout_warnings(&built.layout_warnings);
                    if args.verbose {
                        print_log(&built.log);
                    }
                    println!("{}", output.display());
                }
                Err(e) => report(&e),
            }
            crate::render::document::evict_cache(10);
            builds += 1;
            if args.max_builds.is_some_and(|max| builds >= max) {
                return Ok(());
            }
        } else if now.iter().any(Option::is_none) && now != last {
            last = now;
            eprintln!("waiting for {} to exist", workbook.display());
        }
        std::thread::sleep(Duration::from_millis(args.interval.max(50)));
    }
}
