//! The performance targets of issue #19, measured as an analyst meets them
//! (whole processes, `boardpack watch` running), each beside the Typst
//! engine alone on the same work in the same run:
//!
//!     cargo bench --bench targets
//!
//! - sample pack cold: `boardpack build` against the engine alone compiling
//!   the ejected project (`build --emit-typst`) in a fresh process: this
//!   bench re-run as `--engine-alone DIR` (the same Typst crates, reading
//!   the project as `typst compile` does), and `typst compile` itself when
//!   it is on the PATH;
//! - 300 indicators (100 priorities × 3 × 120 months): time and peak
//!   memory, and ten times the indicators against one tenth;
//! - 43 sample-sized workbooks in one `boardpack build FOLDER`: the sample
//!   43 times (Typst's memo makes the packs after the first cheap), and 43
//!   forces whose figures differ (`sample::force_variant`); each beside the
//!   engine alone on the same 43 packs ejected, in one process over the same
//!   cores (this bench re-run as `--engine-alone-batch DIR`);
//! - `watch`: a workbook saved (written beside, renamed over, as Excel
//!   does) or a layout edited, to the new PDF's path on watch's output
//!   (printed after the PDF is renamed into place); beside it, the engine
//!   alone recompiling the same two projects in one process, its memo kept.
//!
//! The commands of a target take turns, so that the machine's drift from
//! minute to minute falls on all of them alike.
//!
//! Numbers, not pass/fail: a timed test fails on a slow machine and tells
//! nothing. The targets are printed beside the medians; docs/performance.md
//! records a run.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use boardpack::support::sample;
use boardpack::support::xlsx::Value;

const BIN: &str = env!("CARGO_BIN_EXE_boardpack");

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--engine-alone") {
        engine_alone(Path::new(&args[i + 1]));
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--engine-alone-batch") {
        engine_alone_batch(Path::new(&args[i + 1]));
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let dir = dir.path();
    let sample_bytes = sample::sample().to_bytes().expect("the sample writes");
    let wb = dir.join("sample.xlsx");
    std::fs::write(&wb, &sample_bytes).unwrap();

    println!(
        "boardpack {} — targets of issue #19",
        env!("CARGO_PKG_VERSION")
    );
    println!(
        "{} cores\n",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    cold_sample(dir, &wb);
    scale(dir);
    batch(dir, &sample_bytes);
    watch_workbook(dir, &sample_bytes);
    watch_layout(dir, &sample_bytes);
}

/// One row of the report.
fn row(what: &str, measured: String, beside: String, target: &str) {
    println!("  {what:<44} {measured:>18}   {beside:<34} target {target}");
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Runs a command to its end: its time and peak memory (KiB).
fn run(cmd: &mut Command) -> (Duration, u64) {
    let started = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the command starts");
    let (ok, peak) = wait_with_peak(child);
    let took = started.elapsed();
    assert!(ok, "{cmd:?} failed");
    (took, peak)
}

/// Waits for a child; whether it succeeded, and its peak resident memory.
#[cfg(unix)]
fn wait_with_peak(child: std::process::Child) -> (bool, u64) {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child's, not yet waited for; the pointers are live.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4");
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    (ok, usage.ru_maxrss as u64)
}

#[cfg(not(unix))]
fn wait_with_peak(mut child: std::process::Child) -> (bool, u64) {
    (child.wait().map(|s| s.success()).unwrap_or(false), 0)
}

/// Each command `n` times, taking turns (one of each, then again), so that
/// the machine's drift from minute to minute falls on all of them alike:
/// each one's median time and peak memory.
fn times_in_turn(
    n: usize,
    commands: &mut [Box<dyn FnMut() -> Command + '_>],
) -> Vec<(Duration, u64)> {
    for c in commands.iter_mut() {
        run(&mut c()); // warm the file cache
    }
    let mut taken: Vec<(Vec<Duration>, u64)> = vec![(Vec::new(), 0); commands.len()];
    for _ in 0..n {
        for (c, (t, peak)) in commands.iter_mut().zip(&mut taken) {
            let (d, p) = run(&mut c());
            t.push(d);
            *peak = (*peak).max(p);
        }
    }
    taken.into_iter().map(|(t, p)| (median(t), p)).collect()
}

fn boardpack(args: &[&Path]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args);
    c
}

fn eject(workbook: &Path, project: &Path) {
    let pdf = project.with_extension("pdf");
    let mut c = boardpack(&[Path::new("build"), workbook, Path::new("-o"), &pdf]);
    c.arg("--emit-typst").arg(project);
    run(&mut c);
}

/// The engine alone in a fresh process: the project read from disk, laid
/// out and exported as `typst compile` does.
fn engine_alone(project: &Path) {
    let date = chrono::NaiveDate::from_ymd_opt(2016, 1, 31).expect("a date");
    let pdf = boardpack::render::document::render_project(project, date).expect("compiles");
    std::fs::write(project.with_extension("engine.pdf"), pdf).expect("written");
}

/// The engine alone on a batch: every project in `folder` laid out and
/// exported in one process, over the machine's cores, Typst's memo kept
/// throughout (its best case).
fn engine_alone_batch(folder: &Path) {
    let mut projects: Vec<PathBuf> = std::fs::read_dir(folder)
        .expect("a folder of projects")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.is_dir())
        .collect();
    projects.sort();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(p) =
                    projects.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                {
                    engine_alone(p);
                }
            });
        }
    });
}

fn typst_cli() -> Option<PathBuf> {
    let out = Command::new("typst").arg("--version").output().ok()?;
    out.status.success().then(|| PathBuf::from("typst"))
}

fn cold_sample(dir: &Path, wb: &Path) {
    println!("Sample pack, cold (a fresh process each, median of 21, taken in turns)");
    let pdf = dir.join("sample.pdf");
    let project = dir.join("sample-project");
    eject(wb, &project);
    let me = std::env::current_exe().expect("this bench");
    let typst = typst_cli();
    let mut commands: Vec<Box<dyn FnMut() -> Command>> = vec![
        Box::new(|| boardpack(&[Path::new("build"), wb, Path::new("-o"), &pdf])),
        Box::new(|| {
            let mut c = Command::new(&me);
            c.arg("--engine-alone").arg(&project);
            c
        }),
    ];
    let project = &project;
    if let Some(typst) = typst {
        commands.push(Box::new(move || {
            let mut c = Command::new(&typst);
            c.args([
                "compile",
                "--features",
                "a11y-extras",
                "--ignore-system-fonts",
            ])
            .arg("--root")
            .arg(project)
            .arg("--font-path")
            .arg(project.join("fonts"))
            .arg(project.join("main.typ"))
            .arg(dir.join("typst-cli.pdf"));
            c
        }));
    }
    let measured = times_in_turn(21, &mut commands);
    let (ours, peak) = measured[0];
    let (alone, _) = measured[1];
    row(
        "xlsx → PDF",
        ms(ours),
        format!("engine alone {} → {:.2}×", ms(alone), ratio(ours, alone)),
        "≤ 1.10× the engine alone",
    );
    if let Some(&(cli, _)) = measured.get(2) {
        row(
            "",
            String::new(),
            format!("typst compile {} → {:.2}×", ms(cli), ratio(ours, cli)),
            "",
        );
    }
    row(
        "peak memory",
        format!("{} MB", peak / 1024),
        String::new(),
        "",
    );
    println!();
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

fn scale(dir: &Path) {
    println!("Large packs (a fresh process each, median of 5, taken in turns)");
    let big = dir.join("scale300.xlsx");
    let small = dir.join("scale30.xlsx");
    std::fs::write(&big, sample::scale(100, 3, 120).to_bytes().unwrap()).unwrap();
    std::fs::write(&small, sample::scale(10, 3, 120).to_bytes().unwrap()).unwrap();
    let pdf = dir.join("scale.pdf");
    let project = dir.join("scale300-project");
    eject(&big, &project);
    let me = std::env::current_exe().expect("this bench");
    let measured = times_in_turn(
        5,
        &mut [
            Box::new(|| boardpack(&[Path::new("build"), &big, Path::new("-o"), &pdf])),
            Box::new(|| boardpack(&[Path::new("build"), &small, Path::new("-o"), &pdf])),
            Box::new(|| {
                let mut c = Command::new(&me);
                c.arg("--engine-alone").arg(&project);
                c
            }),
        ],
    );
    let ((t300, peak), (t30, _), (alone, alone_peak)) = (measured[0], measured[1], measured[2]);
    row(
        "300 indicators (100 × 3 × 120 months)",
        ms(t300),
        format!("engine alone {}", ms(alone)),
        "≤ 1.0 s",
    );
    row(
        "  peak memory",
        format!("{} MB", peak / 1024),
        format!("engine alone {} MB", alone_peak / 1024),
        "≤ 200 MB",
    );
    row(
        "30 → 300 indicators",
        format!("{:.1}×", ratio(t300, t30)),
        format!("{} → {}", ms(t30), ms(t300)),
        "≤ 10×",
    );
    println!();
}

fn batch(dir: &Path, sample_bytes: &[u8]) {
    println!("A batch (one process, median of 5, taken in turns)");
    // The sample 43 times: every pack the same, so Typst's memo lays out
    // the 42 after the first from what it kept (the best case).
    let copies = dir.join("copies43");
    std::fs::create_dir_all(&copies).unwrap();
    for i in 1..=43 {
        std::fs::write(copies.join(format!("force{i:02}.xlsx")), sample_bytes).unwrap();
    }
    // 43 forces: sample-sized, each with figures of its own (as a national
    // batch is), so each pack is laid out anew.
    let forces = dir.join("forces43");
    std::fs::create_dir_all(&forces).unwrap();
    for i in 1..=43 {
        let bytes = sample::force_variant(i)
            .to_bytes()
            .expect("a variant writes");
        std::fs::write(forces.join(format!("force{i:02}.xlsx")), bytes).unwrap();
    }
    let out = dir.join("batch43-out");
    let me = std::env::current_exe().expect("this bench");
    for (what, folder) in [
        ("43 copies of the sample", &copies),
        ("43 forces, each its own figures", &forces),
    ] {
        // Beside it, the engine alone on the 43 packs ejected as projects,
        // in one process over the same cores.
        let projects = folder.with_extension("projects");
        for i in 1..=43 {
            let name = format!("force{i:02}");
            eject(&folder.join(format!("{name}.xlsx")), &projects.join(name));
        }
        let measured = times_in_turn(
            5,
            &mut [
                Box::new(|| boardpack(&[Path::new("build"), folder, Path::new("-o"), &out])),
                Box::new(|| {
                    let mut c = Command::new(&me);
                    c.arg("--engine-alone-batch").arg(&projects);
                    c
                }),
            ],
        );
        let ((t, peak), (engine, _)) = (measured[0], measured[1]);
        row(
            what,
            ms(t),
            format!(
                "engine alone {} (ours peaks at {} MB)",
                ms(engine),
                peak / 1024
            ),
            "≤ 0.5 s",
        );
    }
    println!();
}

/// A running `boardpack watch`, and the instants its output lines arrive.
struct Watching {
    child: std::process::Child,
    lines: mpsc::Receiver<Instant>,
}

impl Watching {
    fn start(workbook: &Path, pdf: &Path, layout: Option<&Path>) -> Watching {
        let mut c = Command::new(BIN);
        c.arg("watch").arg(workbook).arg("-o").arg(pdf);
        if let Some(l) = layout {
            c.arg("--layout").arg(l);
        }
        let mut child = c
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("watch starts");
        let stdout = child.stdout.take().expect("piped");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if line.is_err() || tx.send(Instant::now()).is_err() {
                    return;
                }
            }
        });
        let w = Watching { child, lines };
        w.next().expect("the first build");
        w
    }

    /// The next rebuilt PDF, within 10 s.
    fn next(&self) -> Option<Instant> {
        self.lines.recv_timeout(Duration::from_secs(10)).ok()
    }

    /// Replaces `path` as Excel saves: a new file beside it, renamed over
    /// it. Returns when the rename is done, and the rebuild's latency.
    fn save(&self, path: &Path, bytes: &[u8]) -> Duration {
        let tmp = path.with_extension("saving");
        std::fs::write(&tmp, bytes).unwrap();
        std::fs::rename(&tmp, path).unwrap();
        let saved = Instant::now();
        let built = self.next().expect("a rebuild");
        built.duration_since(saved)
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The sample with one figure changed: a month of a count series.
fn edited_sample() -> Vec<u8> {
    let mut w = sample::sample();
    let monthly = w.sheet_mut("Monthly").expect("a Monthly sheet");
    let value = monthly.col("Value").expect("a Value column");
    let last = monthly
        .rows
        .iter()
        .rposition(|r| matches!(r.get(value), Some(Value::Number(_))) && r.len() <= value + 1)
        .expect("a count");
    if let Value::Number(n) = &mut monthly.rows[last][value] {
        *n += 1.0;
    }
    w.to_bytes().unwrap()
}

const EDITS: usize = 25;

fn watch_workbook(dir: &Path, sample_bytes: &[u8]) {
    println!("watch (median of {EDITS} saves)");
    let edited = edited_sample();
    let wb = dir.join("watched.xlsx");
    std::fs::write(&wb, sample_bytes).unwrap();
    let pdf = dir.join("out").join("watched.pdf");
    let mut lat = Vec::new();
    {
        let w = Watching::start(&wb, &pdf, None);
        for i in 0..EDITS {
            std::thread::sleep(Duration::from_millis(150));
            lat.push(w.save(&wb, if i % 2 == 0 { &edited } else { sample_bytes }));
        }
    }
    // The engine alone on the same two versions, its memo kept.
    let a = dir.join("edit-a");
    let b = dir.join("edit-b");
    let wb_b = dir.join("edited.xlsx");
    std::fs::write(&wb_b, &edited).unwrap();
    std::fs::write(&wb, sample_bytes).unwrap();
    eject(&wb, &a);
    eject(&wb_b, &b);
    let alone = warm_engine(&a, &b);
    row(
        "workbook saved → new PDF",
        ms(median(lat)),
        format!("engine alone, warm {}", ms(alone)),
        "≤ 120 ms",
    );
}

fn watch_layout(dir: &Path, sample_bytes: &[u8]) {
    let source = boardpack::render::document::DASHBOARD_LAYOUT;
    // A local edit: the KEY box's heading.
    let edited = source.replace("heading(level: 2)[KEY:]", "heading(level: 2)[Key:]");
    assert_ne!(edited, source, "the edit applies");
    let wb = dir.join("styled.xlsx");
    std::fs::write(&wb, sample_bytes).unwrap();
    let layout = dir.join("layout.typ");
    std::fs::write(&layout, source).unwrap();
    let pdf = dir.join("out").join("styled.pdf");
    let mut lat = Vec::new();
    {
        let w = Watching::start(&wb, &pdf, Some(&layout));
        for i in 0..EDITS {
            std::thread::sleep(Duration::from_millis(150));
            let text = if i % 2 == 0 { &edited } else { source };
            lat.push(w.save(&layout, text.as_bytes()));
        }
    }
    let a = dir.join("layout-a");
    eject(&wb, &a);
    let b = dir.join("layout-b");
    eject(&wb, &b);
    std::fs::write(b.join("main.typ"), &edited).unwrap();
    let alone = warm_engine(&a, &b);
    row(
        "layout edited → new PDF",
        ms(median(lat)),
        format!("engine alone, warm {}", ms(alone)),
        "≤ 80 ms",
    );
    println!();
}

/// The engine alone recompiling two projects in turn in one process (as
/// `typst watch` does), its memo kept: the median after warming up.
fn warm_engine(a: &Path, b: &Path) -> Duration {
    for p in [a, b] {
        engine_alone(p);
    }
    let t = (0..EDITS)
        .map(|i| {
            let started = Instant::now();
            engine_alone(if i % 2 == 0 { a } else { b });
            started.elapsed()
        })
        .collect();
    median(t)
}
