//! The command line: parse, run one subcommand, print errors once with their
//! causes, and exit 0 (done), 1 (the input or layout has errors) or 2 (usage).

mod archive;
mod args;
mod build;
mod check;
mod sign_off;
mod verify;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

pub use args::{
    ArchiveCommand, ArchiveListArgs, BuildArgs, CheckArgs, Cli, Command, SignOffArgs, VerifyArgs,
};

use crate::problem::Problem;
use crate::sample::SAMPLE_PATH;

/// Runs the command line.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(a) => build::run(&a),
        Command::Check(a) => check::run(&a),
        Command::SignOff(a) => sign_off::run(&a),
        Command::Archive(ArchiveCommand::List(a)) => archive::list(&a),
        Command::Verify(a) => verify::run(&a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            report(&e);
            ExitCode::from(1)
        }
    }
}

/// Prints an error and its chain of causes, once.
fn report(e: &anyhow::Error) {
    eprintln!("boardpack: error: {e}");
    for cause in e.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
}

/// Prints warnings to stderr.
fn print_warnings(warnings: &[Problem]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

fn print_log(log: &[String]) {
    for line in log {
        eprintln!("log: {line}");
    }
}

/// The workbook to use: the given one, or the sample.
fn workbook_path(given: Option<&Path>) -> PathBuf {
    given
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(SAMPLE_PATH))
}

/// Reads a workbook file, refusing what is obviously not one.
fn read_workbook(path: &Path) -> anyhow::Result<Vec<u8>> {
    use anyhow::Context;
    std::fs::read(path).with_context(|| format!("cannot read the workbook {}", path.display()))
}
