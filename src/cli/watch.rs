//! `boardpack watch`: rebuild whenever the workbook or layout changes,
//! printing a timestamped line per rebuild (with its time), what it changed
//! in the printed figures, and the problems found. Changes arrive as file-system events (the `notify` crate); where
//! the system offers none, the files are polled. Typst's memoised work is
//! kept between rebuilds, and only what has aged out is evicted, so a
//! rebuild costs what changed.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime};

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};

use super::build::{build_one, stem, Outputs};
use super::{print_layout_warnings, print_log, print_warnings, report, WatchArgs};
use crate::compute::changes::Change;
use crate::input::limits::InputLimits;
use crate::pipeline::Built;

/// What identifies a file's version: its modification time and size
/// (Excel saves by replacing the file, which changes both). A folder (a
/// layout) is identified by its files' — the files a build reads.
fn stamp(path: &Path) -> Option<Vec<(SystemTime, u64)>> {
    let m = std::fs::metadata(path).ok()?;
    if !m.is_dir() {
        return Some(vec![(m.modified().ok()?, m.len())]);
    }
    let mut out = Vec::new();
    folder_stamps(path, &mut out);
    out.sort();
    Some(out)
}

/// A layout folder's files as `Layout::read` reads them: hidden entries
/// (an editor's `.#main.typ` lock link, `.git`) and links (dangling or
/// not: a build does not follow them) are left out, and an entry gone by
/// the time it is looked at is skipped, never taken for the folder missing
/// (which waited for ever on a dangling link).
fn folder_stamps(dir: &Path, out: &mut Vec<(SystemTime, u64)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let Ok(m) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if m.is_dir() {
            folder_stamps(&entry.path(), out);
        } else if m.is_file() {
            if let Ok(t) = m.modified() {
                out.push((t, m.len()));
            }
        }
    }
}

/// The watched files' stamps, in order; `None` for a file missing.
type Stamps = Vec<Option<Vec<(SystemTime, u64)>>>;

/// Memoised layout work unused for this many rebuilds is evicted.
const CACHE_AGE: usize = 10;

/// How long the files must stay as they are before they are read: a save
/// by rename or a file written in place arrives as a burst of events.
const SETTLE: Duration = Duration::from_millis(25);

/// The longest a burst of writes is waited out before reading anyway.
const SETTLE_AT_MOST: Duration = Duration::from_secs(1);

/// How long a failed build waits for the files to change before it is
/// reported. A workbook saved in place (not by rename) can be read half
/// written, which fails as a damaged file; the rest of the write follows
/// within this, and the build is made again from the whole file instead
/// of reporting the half.
const GRACE: Duration = Duration::from_millis(300);

/// How long a watched file may be missing before it is reported: a save
/// that renames the old file away and the new one in leaves a moment
/// without either.
const MISSING: Duration = Duration::from_millis(500);

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
    // As build: never over an input, into the archive, or onto a device.
    let inputs: Vec<&Path> = watched.iter().map(PathBuf::as_path).collect();
    crate::pack::output::check_outputs(&[output.as_path()], &inputs)?;
    super::sweep_leftovers(super::parents(&[output.as_path()]));
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
    let stamps = || -> Stamps { watched.iter().map(|p| stamp(p)).collect() };
    let mut last = vec![None; watched.len()];
    let mut missing_since: Option<Instant> = None;
    let mut builds = 0;
    // The last good build's records, to say what a rebuild changed.
    let mut before: Option<serde_json::Value> = None;
    loop {
        let now = stamps();
        if now != last && now.iter().all(Option::is_some) {
            missing_since = None;
            last = settled(&stamps, now);
            let started = Instant::now();
            let result = build(args, &workbook, &output);
            let ms = started.elapsed().as_millis();
            crate::render::document::evict_cache(CACHE_AGE);
            match result {
                Ok(built) => {
                    eprintln!("{} rebuilt in {ms} ms", clock());
                    print_warnings(&built.warnings);
                    print_layout_warnings(&built.layout_warnings);
                    if args.verbose {
                        print_log(&built.log);
                    }
                    // After the PDF is in place: what the analyst changed.
                    let after = serde_json::to_value(&built.records).ok();
                    if let (Some(before), Some(after)) = (&before, &after) {
                        for line in changed_figures(before, after) {
                            eprintln!("  {}", super::shown(&line));
                        }
                    }
                    before = after;
                    println!("{}", output.display());
                }
                // Half a write: the rest is on its way; build from it.
                Err(_) if changes_within(&stamps, &last, events.as_ref(), GRACE) => continue,
                // A layout past its time budget runs on (Typst cannot be
                // interrupted): watch stops rather than build beside it.
                Err(e) if crate::render::budget::timed_out() => {
                    eprintln!("{} not built ({ms} ms):", clock());
                    report(&e);
                    anyhow::bail!(
                        "watch stopped: the layout ran past its time budget, and its compilation cannot be interrupted; fix the layout (or raise --layout-seconds) and start watch again"
                    );
                }
                Err(e) => {
                    let kept = if output.exists() {
                        format!("; {} left as it was", output.display())
                    } else {
                        String::new()
                    };
                    eprintln!("{} not built ({ms} ms){kept}:", clock());
                    report(&e);
                }
            }
            builds += 1;
            if args.max_builds.is_some_and(|max| builds >= max) {
                return Ok(());
            }
        } else if now.iter().any(Option::is_none) && now != last {
            // Said once, when the file has been missing a while (not in the
            // moment of a save by renames).
            let since = *missing_since.get_or_insert_with(Instant::now);
            if since.elapsed() >= MISSING {
                let missing: Vec<String> = watched
                    .iter()
                    .zip(&now)
                    .filter(|(_, s)| s.is_none())
                    .map(|(p, _)| p.display().to_string())
                    .collect();
                last = now;
                eprintln!("{} waiting for {} to exist", clock(), missing.join(" and "));
            } else {
                std::thread::sleep(SETTLE);
                continue;
            }
        }
        wait(events.as_ref(), poll);
    }
}

/// The most figure changes a rebuild lists; `boardpack diff` gives all.
const CHANGES_SHOWN: usize = 8;

/// What a rebuild changed in the pack's printed figures, readings and rows,
/// against the last good build, as lines: `no printed figure changed` when
/// nothing did (a narrative or layout edit).
fn changed_figures(before: &serde_json::Value, after: &serde_json::Value) -> Vec<String> {
    let diff = crate::compute::changes::diff(before, after);
    // A period or baseline moved in the workbook: said first, and the
    // figures that rolled on counted, never "no printed figure changed".
    let mut changes: Vec<String> = diff.notes();
    changes.extend(
        diff.priorities
            .iter()
            .flat_map(|p| &p.changes)
            .filter(|c| !matches!(c, Change::NarrativeUnchanged { .. }))
            .map(Change::describe),
    );
    if !diff.rolled_on.is_empty() {
        changes.push(diff.rolled_on_heading());
    }
    if changes.is_empty() {
        return vec!["no printed figure changed".to_string()];
    }
    let mut lines: Vec<String> = changes
        .iter()
        .take(CHANGES_SHOWN)
        .map(|c| format!("changed: {c}"))
        .collect();
    if changes.len() > CHANGES_SHOWN {
        lines.push(format!(
            "… and {} more (boardpack diff lists them all)",
            changes.len() - CHANGES_SHOWN
        ));
    }
    lines
}

/// The files' stamps once they have stayed the same for [`SETTLE`] (or
/// after [`SETTLE_AT_MOST`] of writes), from `now`.
fn settled(stamps: &impl Fn() -> Stamps, mut now: Stamps) -> Stamps {
    let started = Instant::now();
    loop {
        std::thread::sleep(SETTLE);
        let after = stamps();
        if after == now || started.elapsed() >= SETTLE_AT_MOST {
            return after;
        }
        now = after;
    }
}

/// Whether the files change from `last` within `grace`.
fn changes_within(
    stamps: &impl Fn() -> Stamps,
    last: &Stamps,
    events: Option<&Receiver<()>>,
    grace: Duration,
) -> bool {
    let started = Instant::now();
    loop {
        if stamps() != *last {
            return true;
        }
        let left = grace.saturating_sub(started.elapsed());
        if left.is_zero() {
            return false;
        }
        match events {
            Some(rx) => {
                let _ = rx.recv_timeout(left.min(SETTLE * 4));
            }
            None => std::thread::sleep(left.min(SETTLE)),
        }
    }
}

/// File-system events for the watched files' folders (a layout folder's
/// whole tree); `None` where the system offers no events.
fn watch(paths: &[PathBuf]) -> (Option<Receiver<()>>, Option<notify::RecommendedWatcher>) {
    let (tx, rx) = channel();
    let watcher = notify::recommended_watcher(move |e: notify::Result<notify::Event>| {
        if e.is_ok_and(|e| changes(&e.kind)) {
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

/// Whether an event can mean a changed file. Opening and reading are not:
/// watch itself lists a layout folder and reads its files on every look,
/// and took its own reads for changes, looking again hundreds of times a
/// second. A file closed after writing is (the end of a save in place).
fn changes(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
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

/// One build of the workbook in the layout, to `output`.
fn build(args: &WatchArgs, workbook: &Path, output: &Path) -> anyhow::Result<Built> {
    let layout = super::layout(args.layout.as_deref())?;
    let outputs = Outputs {
        pdf: output.to_path_buf(),
        records: None,
        html: None,
    };
    build_one(workbook, &outputs, &InputLimits::default(), &layout, None)
}

/// `14:03:27`, local time.
fn clock() -> String {
    chrono::Local::now().format("%H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    /// Regression: a save that moved the period on (every window moved)
    /// was reported as "no printed figure changed".
    #[test]
    fn a_period_moved_on_is_said_not_called_no_change() {
        let side = |end: &str| {
            serde_json::json!({
                "report": {"period_end": end, "baseline": "2012/13"},
                "rows": [{"code": "C", "priority": "1", "label": "Count", "kind": "count",
                          "cells": {"latest": {"text": "10", "value": 10.0}}}],
                "priorities": []
            })
        };
        let lines = super::changed_figures(&side("2015-12-31"), &side("2016-03-31"));
        assert_eq!(
            lines,
            ["changed: Rolled on with the period (not revisions): 1 figure"]
        );
    }
}
