//! `boardpack build`: workbook(s) → draft PDF(s), and optionally the records
//! and a self-contained Typst project.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{bail, Context};

use super::{explain, print_layout_warnings, print_log, print_warnings, read_workbook, BuildArgs};
use crate::input::limits::InputLimits;
use crate::input::problem::plural;
use crate::pack::output::{
    check_emit_folder, check_outputs, plan_ejected, write_all_atomic, EmitFolder,
};
use crate::pipeline::{self, Built};
use crate::render::document::{self, RenderOptions};
use crate::render::html;

pub fn run(args: &BuildArgs) -> anyhow::Result<()> {
    let workbooks = collect(&args.workbooks)?;
    if workbooks.len() == 1 && !args.workbooks.first().is_some_and(|p| p.is_dir()) {
        return single(args, &workbooks[0]);
    }
    batch(args, &workbooks)
}

/// The workbooks named: files as given, folders expanded to their `.xlsx`,
/// `.xlsm` and `.ods` files in name order, every other entry named on
/// stderr with why it is skipped; none means the sample, when it is here.
pub(super) fn collect(given: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    if given.is_empty() {
        return Ok(vec![super::default_workbook()?]);
    }
    let mut out = Vec::new();
    for p in given {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("cannot read the folder {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            let mut found = Vec::new();
            for f in entries {
                match skipped_because(&f) {
                    None => found.push(f),
                    Some(why) => eprintln!("skipped {}: {why}", f.display()),
                }
            }
            if found.is_empty() {
                bail!(
                    "the folder {} holds no .xlsx, .xlsm or .ods workbooks",
                    p.display()
                );
            }
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Why a folder's entry is not read in a batch; `None` for a workbook.
fn skipped_because(f: &Path) -> Option<&'static str> {
    let name = f
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if f.is_dir() {
        return Some(
            "a folder (a batch reads the workbooks in the folder given, not in its folders)",
        );
    }
    if !f.is_file() {
        return Some("not a regular file");
    }
    if name.starts_with("~$") {
        // Excel's lock file beside a workbook open in Excel.
        return Some(
            "an Excel lock file (the workbook it belongs to is open in Excel), not a workbook",
        );
    }
    match ext {
        "xlsx" | "xlsm" | "ods" => None,
        "xls" => Some("an old-style Excel 97-2003 workbook (.xls): open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx) to include it"),
        "xlsb" => Some("an Excel binary workbook (.xlsb): open it in Excel and save it as an Excel Workbook (.xlsx) to include it"),
        "csv" => Some("a CSV file, not a workbook: the contract's sheets need a workbook (.xlsx, .xlsm or .ods)"),
        _ => Some("not a workbook (.xlsx, .xlsm or .ods)"),
    }
}

pub(super) fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "dashboard".into())
}

/// Where one workbook's outputs go.
pub(super) struct Outputs {
    pub pdf: PathBuf,
    pub records: Option<PathBuf>,
    pub html: Option<PathBuf>,
}

impl Outputs {
    fn paths(&self) -> Vec<&Path> {
        let mut out = vec![self.pdf.as_path()];
        out.extend(self.records.as_deref());
        out.extend(self.html.as_deref());
        out
    }
}

/// Builds one workbook and writes its outputs.
pub(super) fn build_one(
    workbook: &Path,
    outputs: &Outputs,
    limits: &InputLimits,
    layout: &document::Layout,
    archive: Option<&Path>,
) -> anyhow::Result<Built> {
    let bytes = read_workbook(workbook, limits)?;
    // The workbook is read once: its period names the previous pack.
    let computed = pipeline::while_warming(|| -> anyhow::Result<_> {
        let loaded = crate::input::Workbook::from_bytes_within(&bytes, limits)
            .map_err(|e| explain(workbook, e.into()))?;
        let previous = match archive {
            Some(dir) => previous_pack(dir, &loaded.workbook)?,
            None => None,
        };
        Ok(pipeline::records_of(loaded, previous.as_ref()))
    })?;
    let options = |r: &crate::compute::records::Records| RenderOptions {
        layout: layout.clone(),
        ..RenderOptions::draft(r)
    };
    let built = pipeline::render(computed, options)
        .map_err(|e| explain(workbook, layout.links_explained(e).into()))?;
    // Every file is written whole, or none.
    let json = match &outputs.records {
        Some(_) => serde_json::to_vec_pretty(&built.records).context("serialising the records")?,
        None => Vec::new(),
    };
    let html = outputs
        .html
        .as_ref()
        .map(|_| html::render(&built.records, &built.charts, &options(&built.records)));
    let mut files: Vec<(&Path, &[u8])> = vec![(&outputs.pdf, &built.pdf)];
    if let Some(path) = &outputs.records {
        files.insert(0, (path, &json));
    }
    if let (Some(path), Some(html)) = (&outputs.html, &html) {
        files.insert(0, (path, html.as_bytes()));
    }
    write_all_atomic(&files)?;
    Ok(built)
}

/// The last signed-off pack of an earlier period than the workbook's in the
/// archive, if any.
fn previous_pack(
    archive: &Path,
    workbook: &crate::input::Workbook,
) -> anyhow::Result<Option<crate::compute::changes::Previous>> {
    let period = workbook.report.period_end.format("%Y-%m").to_string();
    let archive = crate::pack::archive::existing(archive)?;
    Ok(crate::pack::archive::previous(archive, &period)?)
}

fn single(args: &BuildArgs, workbook: &Path) -> anyhow::Result<()> {
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(format!("{}.pdf", stem(workbook))));
    let outputs = Outputs {
        pdf: output.clone(),
        records: args.records.clone(),
        html: args.html.clone(),
    };
    let mut inputs = vec![workbook];
    inputs.extend(args.layout.as_deref());
    check_outputs(&outputs.paths(), &inputs)?;
    let emit = match &args.emit_typst {
        Some(dir) => Some((
            dir,
            check_emit_folder(dir, &inputs, args.layout.as_deref())?,
        )),
        None => None,
    };
    let layout = super::layout(args.layout.as_deref())?;
    let mut folders = super::parents(&outputs.paths());
    if let Some((dir, _)) = &emit {
        check_emit_target(dir, &layout, args.layout.as_deref())?;
        folders.push(dir);
    }
    let project_folders: Vec<PathBuf> = emit
        .iter()
        .flat_map(|(dir, _)| ["charts", "fonts", "attachments"].map(|sub| dir.join(sub)))
        .collect();
    folders.extend(project_folders.iter().map(PathBuf::as_path));
    super::sweep_leftovers(folders);
    let built = build_one(
        workbook,
        &outputs,
        &args.limits.limits(),
        &layout,
        args.archive.as_deref(),
    )?;
    print_warnings(&built.warnings);
    print_layout_warnings(&built.layout_warnings);
    if args.verbose {
        print_log(&built.log);
    }
    if let Some((dir, folder)) = &emit {
        emit_typst(dir, &built, &layout, folder, &inputs)?;
        eprintln!("wrote the Typst project {}", dir.join("main.typ").display());
    }
    println!("{}", output.display());
    Ok(())
}

/// Every this many packs of a batch, memoised layout work unused since the
/// last such eviction is dropped.
const EVICT_EVERY: usize = 4;

/// One workbook's outcome in a batch: its PDF's path and build, or why not.
type Outcome = anyhow::Result<(PathBuf, Built)>;

/// Builds several workbooks in parallel, one PDF each; a failure is
/// reported for its workbook and does not stop the others.
fn batch(args: &BuildArgs, workbooks: &[PathBuf]) -> anyhow::Result<()> {
    if args.emit_typst.is_some() {
        bail!("--emit-typst takes one workbook");
    }
    let out_dir = args.output.clone().unwrap_or_else(|| PathBuf::from("out"));
    // `-o both.pdf` for several workbooks would make a folder named like a
    // PDF: refused, so the analyst sees where the PDFs go.
    let named_as_pdf = out_dir
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    if named_as_pdf && !out_dir.is_dir() {
        return Err(super::Usage(format!(
            "expected a folder for the {} PDFs after -o, found the file name {}; name a folder (-o packs)",
            workbooks.len(),
            out_dir.display()
        ))
        .into());
    }
    check_batch_names(workbooks)?;
    let all: Vec<Outputs> = workbooks
        .iter()
        .map(|w| batch_outputs(args, &out_dir, w))
        .collect();
    let paths: Vec<&Path> = all.iter().flat_map(Outputs::paths).collect();
    let mut inputs: Vec<&Path> = workbooks.iter().map(PathBuf::as_path).collect();
    inputs.extend(args.layout.as_deref());
    check_outputs(&paths, &inputs)?;
    super::sweep_leftovers(super::parents(&paths));
    let limits = args.limits.limits();
    let layout = super::layout(args.layout.as_deref())?;
    let next = Mutex::new(0usize);
    let results: Mutex<Vec<(usize, Outcome)>> = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .min(workbooks.len());
    let progress = super::Progress::new(workbooks.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = {
                    let mut n = next.lock().expect("no worker panics holding it");
                    let i = *n;
                    *n += 1;
                    i
                };
                let Some(workbook) = workbooks.get(i) else {
                    break;
                };
                let outputs = &all[i];
                let result =
                    build_one(workbook, outputs, &limits, &layout, args.archive.as_deref())
                        .map(|b| (outputs.pdf.clone(), b));
                progress.step(workbook);
                // Typst's memo keeps what the last few packs shared (the
                // layout's code, fonts, common words) and drops the rest:
                // without this a batch of forces grows by megabytes a pack.
                if (i + 1) % EVICT_EVERY == 0 {
                    crate::render::document::evict_cache(1);
                }
                results
                    .lock()
                    .expect("no worker panics holding it")
                    .push((i, result));
            });
        }
    });
    progress.finish();
    let mut results = results.into_inner().expect("workers joined");
    results.sort_by_key(|(i, _)| *i);
    let mut failed = Vec::new();
    for (i, result) in &results {
        match result {
            Ok((pdf, built)) => {
                for w in &built.warnings {
                    eprintln!(
                        "warning: {}: {}",
                        workbooks[*i].display(),
                        super::shown(&w.to_string())
                    );
                }
                print_layout_warnings(&built.layout_warnings);
                if args.verbose {
                    print_log(&built.log);
                }
                println!("{}", pdf.display());
            }
            Err(e) => {
                failed.push(workbooks[*i].display().to_string());
                super::report(e);
            }
        }
    }
    if !failed.is_empty() {
        // The others' PDFs are written: the summary names what was not.
        bail!(
            "{} of {} not built: {}; the other PDFs were written",
            failed.len(),
            plural(workbooks.len(), "workbook"),
            failed.join(", ")
        );
    }
    eprintln!("built {}", plural(workbooks.len(), "workbook"));
    Ok(())
}

/// Where one workbook of a batch writes: `NAME.pdf` in the output folder,
/// `NAME.json` and `NAME.html` in the `--records` and `--html` folders.
fn batch_outputs(args: &BuildArgs, out_dir: &Path, workbook: &Path) -> Outputs {
    let name = stem(workbook);
    Outputs {
        pdf: out_dir.join(format!("{name}.pdf")),
        records: args
            .records
            .as_ref()
            .map(|d| d.join(format!("{name}.json"))),
        html: args.html.as_ref().map(|d| d.join(format!("{name}.html"))),
    }
}

/// Two workbooks whose names give the same PDF name (`a/w.xlsx`,
/// `b/w.xlsx`) would overwrite each other: refused before anything is built.
fn check_batch_names(workbooks: &[PathBuf]) -> anyhow::Result<()> {
    let mut by_name: std::collections::BTreeMap<String, &PathBuf> = Default::default();
    for w in workbooks {
        let name = stem(w).to_lowercase();
        if let Some(first) = by_name.insert(name, w) {
            return Err(super::Usage(format!(
                "{} and {} would both be written as {}.pdf; build them apart, or rename one",
                first.display(),
                w.display(),
                stem(w)
            ))
            .into());
        }
    }
    Ok(())
}

/// Writes the pack as a Typst project that the Typst engine alone compiles
/// to the same pages: `typst compile --features a11y-extras --root DIR --font-path DIR/fonts
/// --ignore-system-fonts DIR/main.typ`.
/// Refuses, before anything is built, to eject over a layout of the
/// analyst's own: `--emit-typst` rewrites the build's data in a folder, but
/// never a `main.typ`, `theme.json` or other layout file that differs from
/// the layout it would write there.
fn check_emit_target(
    dir: &Path,
    layout: &document::Layout,
    layout_flag: Option<&Path>,
) -> anyhow::Result<()> {
    let differ: Vec<String> = document::ejected_layout_files(layout)
        .into_iter()
        .filter_map(|(path, bytes)| {
            let name = path.trim_start_matches('/');
            // Read only if a regular file (never a FIFO's wait), within
            // a layout's size; one that cannot be read is not written over.
            let max = crate::render::layout::MAX_BYTES;
            let differs = match crate::files::read_regular(&dir.join(name), name, max, false) {
                Ok(on_disk) => on_disk != bytes,
                Err(e) => e.kind() != std::io::ErrorKind::NotFound,
            };
            differs.then(|| name.to_string())
        })
        .collect();
    if differ.is_empty() {
        return Ok(());
    }
    let building = match layout_flag {
        Some(l) => format!("the layout {}", l.display()),
        None => "the built-in layout".to_string(),
    };
    bail!(
        "{} holds a layout of its own ({} {} from {building}), and --emit-typst never overwrites a layout: \
         to refresh the folder's data with its own layout, add --layout {}; to eject afresh, name a new folder",
        dir.display(),
        differ.join(", "),
        if differ.len() == 1 { "differs" } else { "differ" },
        dir.display()
    )
}

/// Writes the project's files into `dir` (checked before the build by
/// [`check_emit_folder`]): only what changed, never through a link, never
/// over a file it did not write, and the list of what it wrote.
pub fn emit_typst(
    dir: &Path,
    built: &Built,
    layout: &document::Layout,
    folder: &EmitFolder,
    inputs: &[&Path],
) -> anyhow::Result<()> {
    let options = RenderOptions {
        layout: layout.clone(),
        ..RenderOptions::draft(&built.records)
    };
    let files = document::world_files(
        &built.records,
        &built.charts,
        &options,
        &built.long_panels,
        document::Json::Indented,
    );
    let mut out: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|(path, bytes)| (path.trim_start_matches('/').to_string(), bytes))
        .collect();
    out.push(("main.typ".into(), options.layout.source.into_bytes()));
    for (name, bytes) in crate::render::fonts::FACES {
        out.push((format!("fonts/{name}"), bytes.to_vec()));
    }
    for (name, bytes) in crate::render::fonts::LICENSES {
        out.push((format!("fonts/{name}"), bytes.to_vec()));
    }
    let out = plan_ejected(dir, &out, folder, inputs)?;
    let refs: Vec<(&Path, &[u8])> = out
        .iter()
        .map(|(p, b)| (p.as_path(), b.as_slice()))
        .collect();
    write_all_atomic(&refs)?;
    Ok(())
}
