//! `boardpack watch`: rebuild whenever the workbook or layout changes,
//! printing a timestamped line per rebuild (with its time) and the problems
//! found. Changes arrive as file-system events (the `notify` crate); where
//! the system offers none, the files are polled. Typst's memoised work is
//! kept between rebuilds, and only what has aged out is evicted, so a
//! rebuild costs what changed.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime};

use notify::{RecursiveMode, Watcher};

use super::build::{build_one, stem, Outputs};
use super::{print_layout_warnings, print_log, print_warnings, report, WatchArgs};
use crate::input::limits::InputLimits;

/// What identifies a file's version: its modification time and size
/// (Excel saves by replacing the file, which changes both). A folder (a
/// layout) is identified by its files'.
fn stamp(path: &Path) -> Option<Vec<(SystemTime, u64)>> {
    let m = std::fs::metadata(path).ok()?;
    if !m.is_dir() {
        return Some(vec![(m.modified().ok()?, m.len())]);
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(path).ok()? {
        let p = entry.ok()?.path();
        out.extend(stamp(&p)?);
    }
    out.sort();
    Some(out)
}

/// Memoised layout work unused for this many rebuilds is evicted.
const CACHE_AGE: usize = 10;

/// How long a burst of events (a save by rename, a half-written file) is
/// let settle before reading.
const SETTLE: Duration = Duration::from_millis(25);

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
    let (events, _watcher) = watch(&watched);
    eprintln!(
        "watching {} ({}; Ctrl-C to stop)",
        watched
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" and "),
        if events.is_some() {
            "file-system events"
        } else {
            "polling"
        }
    );
    let poll = Duration::from_millis(args.interval.max(50));
    let mut last = vec![None; watched.len()];
    let mut builds = 0;
    loop {
        let now: Vec<_> = watched.iter().map(|p| stamp(p)).collect();
        if now != last && now.iter().all(Option::is_some) {
            std::thread::sleep(SETTLE);
            last = watched.iter().map(|p| stamp(p)).collect();
            rebuild(args, &workbook, &output);
            builds += 1;
            if args.max_builds.is_some_and(|max| builds >= max) {
                return Ok(());
            }
        } else if now.iter().any(Option::is_none) && now != last {
            last = now;
            eprintln!("{} waiting for {} to exist", clock(), workbook.display());
        }
        wait(events.as_ref(), poll);
    }
}

/// File-system events for the watched files' folders (a layout folder's
/// whole tree); `None` where the system offers no events.
fn watch(paths: &[PathBuf]) -> (Option<Receiver<()>>, Option<notify::RecommendedWatcher>) {
    let (tx, rx) = channel();
    let watcher = notify::recommended_watcher(move |e: notify::Result<notify::Event>| {
        if e.is_ok() {
            let _ = tx.send(());
        }
    });
    let Ok(mut watcher) = watcher else {
        return (None, None);
    };
    for p in paths {
        let (target, mode) = if p.is_dir() {
            (p.clone(), RecursiveMode::Recursive)
        } else {
            // The folder, not the file: Excel saves by writing a new file
            // and renaming it over the old one.
            let dir = p.parent().filter(|d| !d.as_os_str().is_empty());
            (
                dir.unwrap_or(Path::new(".")).to_path_buf(),
                RecursiveMode::NonRecursive,
            )
        };
        if watcher.watch(&target, mode).is_err() {
            return (None, None);
        }
    }
    (Some(rx), Some(watcher))
}

/// Until something may have changed: the next event (and any that follow
/// at once), or one poll interval without events.
fn wait(events: Option<&Receiver<()>>, poll: Duration) {
    match events {
        Some(rx) => {
            // A generous timeout: events are the signal, this is a safety net.
            match rx.recv_timeout(poll * 4) {
                Ok(()) => while rx.try_recv().is_ok() {},
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => std::thread::sleep(poll),
            }
        }
        None => std::thread::sleep(poll),
    }
}

/// One rebuild, reported on one timestamped line with its time.
fn rebuild(args: &WatchArgs, workbook: &Path, output: &Path) {
    let started = Instant::now();
    let result = super::layout(args.layout.as_deref()).and_then(|layout| {
        let outputs = Outputs {
            pdf: output.to_path_buf(),
            records: None,
            html: None,
        };
        build_one(workbook, &outputs, &InputLimits::default(), &layout, None)
    });
    let ms = started.elapsed().as_millis();
    match result {
        Ok(built) => {
            eprintln!("{} rebuilt in {ms} ms", clock());
            print_warnings(&built.warnings);
            print_layout_warnings(&built.layout_warnings);
            if args.verbose {
                print_log(&built.log);
            }
            println!("{}", output.display());
        }
        Err(e) => {
            eprintln!("{} not built ({ms} ms):", clock());
            report(&e);
        }
    }
    crate::render::document::evict_cache(CACHE_AGE);
}

/// `14:03:27`, local time.
fn clock() -> String {
    chrono::Local::now().format("%H:%M:%S").to_string()
}
