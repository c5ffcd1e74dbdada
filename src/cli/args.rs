//! The command line, declared with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Publishes a police force's performance workbook as the quarterly Police &
/// Crime Plan Dashboard PDF.
#[derive(Debug, Parser)]
#[command(name = "boardpack", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the dashboard PDF (a draft) from a workbook.
    #[command(
        after_help = "Examples:\n  boardpack build\n  boardpack build inputs/dashboard-2015-12.xlsx -o out/dashboard.pdf --records out/records.json"
    )]
    Build(BuildArgs),
    /// Validate a workbook without rendering; print every problem.
    #[command(after_help = "Example:\n  boardpack check inputs/dashboard-2015-12.xlsx")]
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The force's workbook (.xlsx). Default: the sample inputs/dashboard-2015-12.xlsx.
    pub workbook: Option<PathBuf>,

    /// Where to write the PDF. Default: out/<workbook name>.pdf.
    #[arg(short, long, value_name = "PDF")]
    pub output: Option<PathBuf>,

    /// Also write the computed records as JSON to this file.
    #[arg(long, value_name = "JSON")]
    pub records: Option<PathBuf>,

    /// Print the build log: which Values replaced which figures, which tests
    /// could not run, and why.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The workbook to validate.
    pub workbook: PathBuf,

    /// Also print the build log.
    #[arg(short, long)]
    pub verbose: bool,
}
