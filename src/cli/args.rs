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

    /// The most seconds a layout's compilation (each pack, its PDF export included) may take; past it, the command stops with an error naming the layout.
    #[arg(long, global = true, value_name = "N", env = "BOARDPACK_LAYOUT_SECONDS", default_value_t = crate::render::budget::DEFAULT_SECONDS, value_parser = clap::value_parser!(u64).range(1..))]
    pub layout_seconds: u64,

    /// The most memory (megabytes) the process may hold while a layout compiles; past it, the command stops with an error naming the layout.
    #[arg(long, global = true, value_name = "N", env = "BOARDPACK_LAYOUT_MEMORY_MB", default_value_t = crate::render::budget::DEFAULT_MEGABYTES, value_parser = clap::value_parser!(u64).range(16..))]
    pub layout_memory_mb: u64,
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
    /// What changed between two packs, by priority: classes, SPC readings, positions, projections, revisions, rows, unchanged narratives.
    #[command(
        after_help = "Examples:\n  boardpack diff archive/2015-12/v1/dashboard-2015-12.pdf dashboard-2016-03.xlsx\n  boardpack diff old-records.json new-records.json --json"
    )]
    Diff(DiffArgs),
    /// Build the final, signed-off pack (PDF/A-3b + PDF/UA-1) and archive it.
    #[command(
        name = "sign-off",
        after_help = "Examples:\n  boardpack sign-off inputs/dashboard-2015-12.xlsx --by \"Jane Smith\" --role \"Board Secretary\" --date 2016-01-28 --dry-run\n  boardpack sign-off inputs/dashboard-2015-12.xlsx --by \"Jane Smith\" --role \"Board Secretary\" --date 2016-01-28"
    )]
    SignOff(SignOffArgs),
    /// Look into the archive of signed-off packs.
    #[command(subcommand)]
    Archive(ArchiveCommand),
    /// Make signing keys (a key and a self-signed certificate, in a PKCS#12 file).
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Check that a signed-off PDF is exactly what its workbook and sign-off build.
    #[command(
        after_help = "Example:\n  boardpack verify archive/2015-12/v1/dashboard-2015-12.pdf"
    )]
    Verify(VerifyArgs),
    /// Write a blank workbook of the contract, with instructions, drop-downs and an example.
    #[command(
        after_help = "Example:\n  boardpack init dashboard.xlsx && boardpack build dashboard.xlsx"
    )]
    Init(InitArgs),
    /// Rebuild whenever the workbook (or layout) changes.
    #[command(after_help = "Example:\n  boardpack watch dashboard.xlsx -o out/dashboard.pdf")]
    Watch(WatchArgs),
    /// Write next quarter's workbook: the period moved on, every sheet kept, a Review sheet of what to look at.
    #[command(
        after_help = "Example:\n  boardpack next dashboard-2015-12.xlsx --period-end 2016-03  (writes dashboard-2016-03.xlsx)"
    )]
    Next(NextArgs),
    /// Print shell completions.
    #[command(
        after_help = "Example:\n  boardpack completions bash > /etc/bash_completion.d/boardpack"
    )]
    Completions(CompletionsArgs),
    /// Print the manual page (roff).
    #[command(after_help = "Example:\n  boardpack man > boardpack.1 && man ./boardpack.1")]
    Man,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The workbook to create (.xlsx); an existing file is never overwritten.
    pub workbook: PathBuf,

    /// The reporting month's last day, or the month, as the workbook accepts
    /// it: 2016-09-30, 2016-09, 30/09/2016 or Sep 2016. Default: the end of last month.
    #[arg(long, value_name = "DATE")]
    pub period_end: Option<String>,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The workbook to watch. Default: the sample inputs/dashboard-2015-12.xlsx.
    pub workbook: Option<PathBuf>,

    /// Where to write the PDF. Default: out/<workbook name>.pdf.
    #[arg(short, long, value_name = "PDF")]
    pub output: Option<PathBuf>,

    /// How often to look for changes where the system gives no file events, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 500)]
    pub interval: u64,

    /// Build with this Typst layout: a folder with main.typ and its files, or a .typ (watched too).
    /// Default: $BOARDPACK_LAYOUT, else the built-in one.
    #[arg(long, value_name = "DIR|FILE.typ", env = "BOARDPACK_LAYOUT")]
    pub layout: Option<PathBuf>,

    /// Stop after this many builds (for scripts and tests).
    #[arg(long, value_name = "N", hide = true)]
    pub max_builds: Option<usize>,

    /// Also print the build log.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct SignOffArgs {
    /// The workbook the board approved (.xlsx or .ods); the pack carries a copy of its contract's sheets, values only.
    pub workbook: PathBuf,

    /// Who signs the pack off, e.g. "Jane Smith". With --key: the certificate's
    /// common name (given, it must agree).
    #[arg(long, value_name = "NAME", required_unless_present = "key")]
    pub by: Option<String>,

    /// Their role, e.g. "Board Secretary". With --key: the certificate's title
    /// (given, it must agree).
    #[arg(long, value_name = "ROLE", required_unless_present = "key")]
    pub role: Option<String>,

    /// Sign the pack digitally with this key: a PKCS#12 file (.p12/.pfx) holding a
    /// private key and its certificate (a force's own, or made by `boardpack keys new`).
    /// The PDF then carries a PAdES signature that PDF readers check.
    #[arg(long, value_name = "FILE.p12")]
    pub key: Option<PathBuf>,

    /// Read the key's passphrase from this file's first line. Default:
    /// $BOARDPACK_PASSPHRASE, else it is asked on the terminal.
    #[arg(long, value_name = "FILE", requires = "key")]
    pub passphrase_file: Option<PathBuf>,

    /// Countersign version N of the workbook's period (e.g. the chair's signature
    /// after the secretary's): one more signature added to the archived PDF, as a
    /// further incremental update, with --key (and --date); nothing is rebuilt.
    #[arg(long, value_name = "vN", requires = "key")]
    pub countersign: Option<String>,

    /// The sign-off date, YYYY-MM-DD or DD/MM/YYYY: not before the period's end, not after today. Default: today (UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<chrono::NaiveDate>,

    /// Why the pack is signed off again (required when the period already has a version).
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,

    /// Sign off the pack in this layout (a folder with main.typ and its files, or a .typ); the pack carries it.
    /// Default: $BOARDPACK_LAYOUT, else the layout named in the archive's boardpack.toml, else the built-in one.
    #[arg(long, value_name = "DIR|FILE.typ")]
    pub layout: Option<PathBuf>,

    /// Build the final pack and print what would be archived (period, version, layout,
    /// warnings, what the attached workbook leaves out, the files), archiving nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Sign off although the workbook has warnings; they are attached to the pack and listed in its sign-off record.
    #[arg(long)]
    pub accept_warnings: bool,

    /// The archive folder. Default: $BOARDPACK_ARCHIVE, else archive/.
    #[arg(long, value_name = "DIR")]
    pub archive: Option<PathBuf>,

    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Subcommand)]
pub enum ArchiveCommand {
    /// List every archived version: period, version, date, signer, reason, and which is current.
    #[command(
        after_help = "Examples:\n  boardpack archive list --archive archive\n  boardpack archive list --json"
    )]
    List(ArchiveListArgs),
    /// Check the whole archive: every version present, the chain of manifests unbroken, every PDF verified.
    #[command(after_help = "Example:\n  boardpack archive verify --archive archive")]
    Verify(ArchiveVerifyArgs),
    /// Mark a version withdrawn, with why: it stays in the archive, listed and verified as withdrawn.
    #[command(
        after_help = "Example:\n  boardpack archive withdraw 2015-12 v2 --reason \"signed off in error: the board has not approved it\""
    )]
    Withdraw(ArchiveWithdrawArgs),
    /// The archive's trust list: the certificates whose keys may sign off.
    #[command(subcommand)]
    Trust(TrustCommand),
}

#[derive(Debug, Subcommand)]
pub enum TrustCommand {
    /// Add a certificate (a signer's own, or the authority that issued signers')
    /// to the trust list; from then on, sign-offs must be signed with a key it admits.
    #[command(
        after_help = "Example:\n  boardpack archive trust add jane.pem --role \"Board Secretary\" --archive archive"
    )]
    Add(TrustAddArgs),
    /// List the trust list's certificates.
    #[command(after_help = "Example:\n  boardpack archive trust list --archive archive")]
    List(TrustListArgs),
}

#[derive(Debug, Args)]
pub struct TrustAddArgs {
    /// The certificate (PEM), e.g. the .pem that `boardpack keys new` wrote.
    pub certificate: PathBuf,

    /// The role its signers sign off as (their certificate's title must be this).
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,

    /// The archive folder. Default: $BOARDPACK_ARCHIVE, else archive/.
    #[arg(long, value_name = "DIR")]
    pub archive: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TrustListArgs {
    /// The archive folder. Default: $BOARDPACK_ARCHIVE, else archive/.
    #[arg(long, value_name = "DIR")]
    pub archive: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ArchiveWithdrawArgs {
    /// The period, as the archive names it: 2015-12.
    pub period: String,

    /// The version: v2 (or 2).
    pub version: String,

    /// Why it is withdrawn (recorded in the archive's log, shown by `archive list` and `verify`).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,

    /// The archive folder. Default: $BOARDPACK_ARCHIVE, else archive/.
    #[arg(long, value_name = "DIR")]
    pub archive: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ArchiveListArgs {
    /// The archive folder. Default: $BOARDPACK_ARCHIVE, else archive/.
    #[arg(long, value_name = "DIR")]
    pub archive: Option<PathBuf>,

    /// Print the list as JSON (one object per version), for scripts.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ArchiveVerifyArgs {
    /// The archive folder. Default: $BOARDPACK_ARCHIVE, else archive/.
    #[arg(long, value_name = "DIR")]
    pub archive: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older pack: a signed-off PDF (its attached records), a records JSON or a workbook.
    pub old: PathBuf,

    /// The newer pack, as OLD.
    pub new: PathBuf,

    /// Print the comparison as JSON, for scripts.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
pub struct NextArgs {
    /// This quarter's workbook (never modified).
    pub workbook: PathBuf,

    /// The new reporting month's last day, or the month: 2016-03-31, 2016-03, 31/03/2016 or Mar 2016.
    #[arg(long, value_name = "DATE")]
    pub period_end: String,

    /// Where to write the new workbook. Default: beside it, named for the new month.
    #[arg(short, long, value_name = "NEW.xlsx")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The signed-off PDF (with its manifest.json beside it, the hashes are checked too).
    pub pdf: PathBuf,

    /// Check the signers of a digitally signed pack against these certificates
    /// (PEM): each signer's own, or the authority that issued it.
    #[arg(long, value_name = "FILE.pem")]
    pub trust: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Make a key pair and a self-signed certificate naming the signer and their role,
    /// in a PKCS#12 file protected by a passphrase (and the certificate beside it, .pem).
    #[command(
        after_help = "Example:\n  boardpack keys new --name \"Jane Smith\" --role \"Board Secretary\" --out jane.p12   (writes jane.p12 and jane.pem)"
    )]
    New(KeysNewArgs),
}

#[derive(Debug, Args)]
pub struct KeysNewArgs {
    /// The signer's name (the certificate's common name), e.g. "Jane Smith".
    #[arg(long, value_name = "NAME")]
    pub name: String,

    /// The signer's role (the certificate's title), e.g. "Board Secretary".
    #[arg(long, value_name = "ROLE")]
    pub role: String,

    /// The PKCS#12 file to write (never over an existing file); the certificate
    /// is written beside it with the extension .pem.
    #[arg(long, value_name = "FILE.p12")]
    pub out: PathBuf,

    /// The kind of key.
    #[arg(long, value_enum, default_value = "ecdsa-p256")]
    pub algorithm: crate::pack::signature::Algorithm,

    /// The first day the certificate is valid (YYYY-MM-DD). Default: today (UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub valid_from: Option<chrono::NaiveDate>,

    /// For how many years the certificate is valid.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=30))]
    pub years: u32,

    /// Read the passphrase from this file's first line. Default:
    /// $BOARDPACK_PASSPHRASE, else it is asked on the terminal (twice).
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The force's workbook (.xlsx); several, or a folder of them, build in
    /// parallel. Default: the sample inputs/dashboard-2015-12.xlsx.
    pub workbooks: Vec<PathBuf>,

    /// Where to write the PDF. Default: out/<workbook name>.pdf. With several
    /// workbooks, the folder for their PDFs.
    #[arg(short, long, value_name = "PDF")]
    pub output: Option<PathBuf>,

    /// Also write the computed records as JSON to this file (with several
    /// workbooks: to this folder, one file each).
    #[arg(long, value_name = "JSON")]
    pub records: Option<PathBuf>,

    /// Also write the pack as one self-contained, accessible HTML page to this
    /// file (with several workbooks: to this folder, one page each).
    #[arg(long, value_name = "HTML")]
    pub html: Option<PathBuf>,

    /// The archive of signed-off packs: when it holds a pack of an earlier
    /// period, the new pack gets a "Changes since …" section, and text carried
    /// over from it word for word is warned of.
    #[arg(long, value_name = "DIR", env = "BOARDPACK_ARCHIVE")]
    pub archive: Option<PathBuf>,

    /// Build with this Typst layout instead of the built-in one: a folder with
    /// main.typ and its files (its theme.json colours the charts too), or a .typ
    /// (start from a project written by --emit-typst). Default:
    /// $BOARDPACK_LAYOUT (the layout sign-off uses too), else the built-in one.
    #[arg(long, value_name = "DIR|FILE.typ", env = "BOARDPACK_LAYOUT")]
    pub layout: Option<PathBuf>,

    /// Also write the pack as a self-contained Typst project in DIR (main.typ,
    /// the records, the charts, the fonts), for adjusting the layout in Typst.
    #[arg(long, value_name = "DIR")]
    pub emit_typst: Option<PathBuf>,

    /// Print the build log: which Values replaced which figures, which tests
    /// could not run, and why.
    #[arg(short, long)]
    pub verbose: bool,

    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Limits that protect against hostile or runaway files.
#[derive(Debug, Args, Clone)]
pub struct LimitArgs {
    /// Refuse a workbook file larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::input::limits::InputLimits::default().max_file_bytes)]
    pub max_workbook_bytes: u64,

    /// Refuse a workbook whose parts inflate to more than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::input::limits::InputLimits::default().max_inflated_bytes)]
    pub max_inflated_bytes: u64,
}

impl LimitArgs {
    pub fn limits(&self) -> crate::input::limits::InputLimits {
        crate::input::limits::InputLimits {
            max_file_bytes: self.max_workbook_bytes,
            max_inflated_bytes: self.max_inflated_bytes,
            ..Default::default()
        }
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The workbooks to validate (.xlsx or .ods), or folders of them (a
    /// batch): each is checked, and every problem printed.
    #[arg(required = true, value_name = "WORKBOOK")]
    pub workbooks: Vec<PathBuf>,

    /// Also print the build log.
    #[arg(short, long)]
    pub verbose: bool,

    #[command(flatten)]
    pub limits: LimitArgs,
}

/// A day as `YYYY-MM-DD`, or day first as the workbook's dates may be
/// (`28/01/2016`, `28-01-2016`, `28.01.2016`), in the years 1900 to 9999.
fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    use crate::input::dates::{parse_text_date, TextDate};
    use chrono::Datelike;
    let d = match chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        Ok(d) => d,
        Err(_) => match parse_text_date(s) {
            Some(TextDate::Day(d)) => d,
            Some(TextDate::Month(_)) => {
                return Err(format!(
                    "{s:?} names a month, not a day: give the day, e.g. 2016-01-28 or 28/01/2016"
                ))
            }
            None => {
                return Err(format!(
                    "{s:?} is not a date in the form YYYY-MM-DD (or DD/MM/YYYY)"
                ))
            }
        },
    };
    if !(1900..=9999).contains(&d.year()) {
        return Err(format!("{s:?} is outside the years 1900 to 9999"));
    }
    Ok(d)
}
