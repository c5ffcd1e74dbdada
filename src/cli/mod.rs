//! The command line: parse, run one subcommand, print errors once with their
//! causes, and exit 0 (done), 1 (the input or layout has errors) or 2 (usage).

mod archive;
mod args;
mod build;
mod check;
mod diff;
mod init;
mod keys;
mod next;
mod sign_off;
mod verify;
mod watch;

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

pub use args::{
    ArchiveCommand, ArchiveListArgs, ArchiveVerifyArgs, ArchiveWithdrawArgs, BuildArgs, CheckArgs,
    Cli, Command, CompletionsArgs, DiffArgs, InitArgs, KeysCommand, KeysNewArgs, LimitArgs,
    NextArgs, SignOffArgs, TrustAddArgs, TrustCommand, TrustListArgs, VerifyArgs, WatchArgs,
};

use crate::input::problem::Problem;

/// Runs the command line.
pub fn main() -> ExitCode {
    // A panic is a bug in boardpack, never the analyst's doing: say so
    // plainly, without a backtrace.
    std::panic::set_hook(Box::new(|info| {
        // Output piped into a reader that stopped reading (`check … | head`):
        // end quietly, as a command killed by SIGPIPE does (141).
        if is_broken_pipe(info) {
            crate::pack::output::exit_interrupted(141);
        }
        eprintln!("boardpack: internal error (please report it with the workbook): {info}");
    }));
    // Ctrl-C, SIGTERM or SIGHUP: remove any half-written output or
    // version folder before exiting (130, as a shell reports an
    // interrupted command).
    let _ = ctrlc::set_handler(|| crate::pack::output::exit_interrupted(130));
    let cli = Cli::parse();
    crate::render::budget::Budget {
        seconds: cli.layout_seconds,
        megabytes: cli.layout_memory_mb,
    }
    .set();
    let result = match cli.command {
        Command::Build(a) => build::run(&a),
        Command::Check(a) => check::run(&a),
        Command::Diff(a) => diff::run(&a),
        Command::Next(a) => next::run(&a),
        Command::SignOff(a) => sign_off::run(&a),
        Command::Archive(ArchiveCommand::List(a)) => archive::list(&a),
        Command::Archive(ArchiveCommand::Verify(a)) => archive::verify(&a),
        Command::Archive(ArchiveCommand::Withdraw(a)) => archive::withdraw(&a),
        Command::Archive(ArchiveCommand::Trust(TrustCommand::Add(a))) => archive::trust_add(&a),
        Command::Archive(ArchiveCommand::Trust(TrustCommand::List(a))) => archive::trust_list(&a),
        Command::Keys(KeysCommand::New(a)) => keys::new(&a),
        Command::Verify(a) => verify::run(&a),
        Command::Init(a) => init::run(&a),
        Command::Watch(a) => watch::run(&a),
        Command::Completions(a) => {
            use clap::CommandFactory;
            let mut cmd = Cli::command();
            clap_complete::generate(a.shell, &mut cmd, "boardpack", &mut std::io::stdout());
            Ok(())
        }
        Command::Man => {
            use clap::CommandFactory;
            clap_mangen::Man::new(Cli::command())
                .render(&mut std::io::stdout())
                .map_err(anyhow::Error::from)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
            if is_usage(&e) {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// True for the panic of `println!` or `eprintln!` writing to a closed pipe.
fn is_broken_pipe(info: &std::panic::PanicHookInfo) -> bool {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("");
    message.starts_with("failed printing to std") && message.contains("Broken pipe")
}

/// A usage error found by boardpack rather than by clap: exit 2, as clap's.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Usage(pub String);

/// Whether an error is the command line's fault (exit 2), not the input's:
/// a usage error, an output path refused, or a sign-off again without the
/// `--reason` it needs.
fn is_usage(e: &anyhow::Error) -> bool {
    use crate::pack::archive::ArchiveError;
    e.chain().any(|c| {
        c.is::<Usage>()
            || c.is::<crate::pack::output::OutputPathError>()
            || matches!(
                c.downcast_ref::<ArchiveError>(),
                Some(ArchiveError::ReasonNeeded { .. })
            )
    })
}

/// Prints an error and its chain of causes, once (their text shown, not
/// obeyed, by the terminal).
fn report(e: &anyhow::Error) {
    eprintln!("boardpack: error: {}", shown(&e.to_string()));
    for cause in e.chain().skip(1) {
        eprintln!("  caused by: {}", shown(&cause.to_string()));
    }
}

/// Whether a character would be obeyed rather than shown by a terminal: C0
/// and C1 controls, DEL, and the bidirectional overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069) that reorder what follows them.
fn is_terminal_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text from files (manifests, records, workbooks, errors quoting them) as
/// a terminal should print it: line breaks kept, every other control
/// character written as a visible escape (`\u{1b}`), so that a tampered
/// file cannot hide, recolour or reorder what boardpack prints.
pub(crate) fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c != '\n' && is_terminal_control(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// JSON for a terminal: what [`shown`] escapes, as JSON escapes (`\u009b`),
/// which read back as the same text (serde_json escapes C0 itself; such
/// characters occur only inside strings; its line breaks are its layout).
pub(crate) fn shown_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c != '\n' && is_terminal_control(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Turns a failed build into the error printed: a file that is not a
/// workbook (or is refused) is one line; contract violations list every cell.
fn explain(path: &Path, e: crate::pipeline::BuildError) -> anyhow::Error {
    use crate::input::LoadError;
    use crate::pipeline::BuildError;
    match e {
        BuildError::Workbook(LoadError::NotAWorkbook(why)) => {
            anyhow::anyhow!("{}: {why}", path.display())
        }
        BuildError::Workbook(LoadError::Refused(why)) => {
            anyhow::anyhow!("{} was refused: {why}", path.display())
        }
        BuildError::Workbook(LoadError::Invalid(errors)) => anyhow::Error::new(errors).context(
            format!("{} does not meet the workbook contract", path.display()),
        ),
        other => anyhow::Error::new(other).context(format!("{} was not built", path.display())),
    }
}

/// Prints warnings to stderr, each once.
fn print_warnings(warnings: &[Problem]) {
    let mut printed = std::collections::BTreeSet::new();
    for w in warnings {
        let line = format!("warning: {}", shown(&w.to_string()));
        if printed.insert(line.clone()) {
            eprintln!("{line}");
        }
    }
}

/// Removes from each folder what an interrupted run left there (temporary
/// files, version folders half archived), saying so on stderr.
fn sweep_leftovers<'a>(dirs: impl IntoIterator<Item = &'a Path>) {
    let mut swept = std::collections::BTreeSet::new();
    for dir in dirs {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if swept.insert(dir.to_path_buf()) {
            for leftover in crate::pack::output::sweep(dir) {
                eprintln!("note: {}", shown(&leftover.to_string()));
            }
        }
    }
}

/// The folders files are written into: each output's parent.
fn parents<'a>(outputs: &[&'a Path]) -> Vec<&'a Path> {
    outputs
        .iter()
        .map(|p| p.parent().unwrap_or(Path::new(".")))
        .collect()
}

/// Removes what interrupted sign-offs left in an archive: its root and
/// every period folder.
fn sweep_archive(archive: &Path) {
    let periods = crate::pack::archive::periods(archive).unwrap_or_default();
    sweep_leftovers(std::iter::once(archive).chain(periods.iter().map(|p| p.as_path())));
}

/// Prints Typst's warnings on a layout that compiled, as typst-cli does.
fn print_layout_warnings(warnings: &[String]) {
    for w in warnings {
        eprintln!("{}", shown(w));
    }
}

fn print_log(log: &[String]) {
    for line in log {
        eprintln!("log: {}", shown(line));
    }
}

/// Reads a custom layout, or the built-in one.
fn layout(path: Option<&Path>) -> anyhow::Result<crate::render::document::Layout> {
    match path {
        None => Ok(crate::render::document::Layout::default()),
        Some(p) => Ok(crate::render::layout::Layout::read(p)?),
    }
}

/// Progress of a batch on a terminal: a counter line on stderr, redrawn in
/// place; nothing when stderr is not a terminal.
struct Progress {
    total: usize,
    done: std::sync::atomic::AtomicUsize,
    tty: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        use std::io::IsTerminal;
        Progress {
            total,
            done: std::sync::atomic::AtomicUsize::new(0),
            tty: std::io::stderr().is_terminal(),
        }
    }

    fn step(&self, what: &Path) {
        let n = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if self.tty {
            eprint!("\r\x1b[2K[{n}/{}] {}", self.total, what.display());
        }
    }

    fn finish(&self) {
        if self.tty {
            eprint!("\r\x1b[2K");
        }
    }
}

/// The workbook to use when none is named: the sample, when it is here;
/// else a usage error that says how to start.
fn default_workbook() -> anyhow::Result<std::path::PathBuf> {
    let sample = std::path::PathBuf::from(crate::support::sample::SAMPLE_PATH);
    if sample.is_file() {
        return Ok(sample);
    }
    Err(Usage(
        "no workbook named, and no sample workbook here; to start one, run: boardpack init my-dashboard.xlsx (then: boardpack build my-dashboard.xlsx)".into(),
    )
    .into())
}

/// Reads a workbook file, refusing one over the size limit before reading it.
fn read_workbook(
    path: &Path,
    limits: &crate::input::limits::InputLimits,
) -> anyhow::Result<Vec<u8>> {
    use anyhow::Context;
    let context = || format!("cannot read the workbook {}", path.display());
    // A regular file only (a FIFO would block, a device never end), opened
    // without blocking; its size checked before any of it is read.
    let (file, meta) = crate::files::open_regular(path, true).with_context(context)?;
    crate::input::limits::check_file_size(meta.len(), limits)
        .with_context(|| format!("{} was refused", path.display()))?;
    // Read at most one byte past the limit, whatever the file claims.
    use std::io::Read;
    let mut bytes = Vec::new();
    file.take(limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .with_context(context)?;
    crate::input::limits::check_file_size(bytes.len() as u64, limits)
        .with_context(|| format!("{} was refused", path.display()))?;
    Ok(bytes)
}
