//! What a signed-off pack carries is what built it, and nothing else; and
//! signing is safe: a preview (`--dry-run`), the archive's default layout,
//! a warning when the layout is not the drafts', and a layout that drops
//! the attachments refused before anything is archived.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use boardpack::support::xlsx::Value;
use calamine::Reader;

/// The secret the hidden sheet holds, which no published pack may carry.
const SECRET: &str = "Operation Nightjar: informant details";
const HIDDEN: &str = "OFFICIAL-SENSITIVE notes";
const AUTHOR: &str = "Detective Sergeant Ada Lovelace";
const COMPANY: &str = "Leicestershire Police Intelligence Unit";
const NOTE_AUTHOR: &str = "DC Babbage";

/// The sample workbook as an analyst might keep it: a hidden sheet of
/// OFFICIAL-SENSITIVE notes, `next`'s Review sheet, a comment, author and
/// company names in its properties, a column of notes beside `Monthly`, and
/// the Report's title given by a formula that reads the hidden sheet.
fn leaky_workbook() -> Vec<u8> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Note, Workbook};
    let data = common::sample();
    let title_row = common::row_of(&data, "Report", "title");
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_author(AUTHOR)
            .set_company(COMPANY)
            .set_manager(AUTHOR)
            .set_title("Q3 dashboard — do not circulate")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2016, 1, 2).unwrap()),
    );
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let pct = Format::new().set_num_format("0.0%");
    for sheet in &data.sheets {
        let ws = book.add_worksheet();
        ws.set_name(&sheet.name).unwrap();
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match v {
                    Value::Empty => {}
                    Value::Text(t)
                        if sheet.name == "Report" && r as usize == title_row && c == 1 =>
                    {
                        let formula = Formula::new(format!("='{HIDDEN}'!B1")).set_result(t);
                        ws.write_formula(r, c, formula).unwrap();
                    }
                    Value::Text(t) => {
                        ws.write_string(r, c, t).unwrap();
                    }
                    Value::Number(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    Value::Percent(p) => {
                        ws.write_number_with_format(r, c, *p, &pct).unwrap();
                    }
                    Value::Date(d) => {
                        use chrono::Datelike;
                        let x = ExcelDateTime::from_ymd(
                            d.year() as u16,
                            d.month() as u8,
                            d.day() as u8,
                        )
                        .unwrap();
                        ws.write_datetime_with_format(r, c, &x, &date).unwrap();
                    }
                    other => panic!("the sample holds no {other:?}"),
                }
            }
        }
        if sheet.name == "Monthly" {
            let note = Note::new(format!(
                "{NOTE_AUTHOR}: figure to be confirmed with {SECRET}"
            ))
            .set_author(NOTE_AUTHOR);
            ws.insert_note(1, 2, &note).unwrap();
            // A column the contract ignores, beside the table.
            let beside = sheet.rows[0].len() as u16;
            ws.write_string(0, beside, "Analyst notes").unwrap();
            ws.write_string(1, beside, format!("call back re {SECRET}"))
                .unwrap();
        }
    }
    let hidden = book.add_worksheet();
    hidden.set_name(HIDDEN).unwrap();
    hidden.write_string(0, 0, SECRET).unwrap();
    hidden.set_hidden(true);
    let review = book.add_worksheet();
    review.set_name("Review").unwrap();
    review
        .write_string(0, 0, "Check SP4 with the Chief Inspector")
        .unwrap();
    book.save_to_buffer().unwrap()
}

/// Runs boardpack in `dir`, with no archive or layout from the
/// environment, and `env` set.
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_boardpack"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("BOARDPACK_ARCHIVE")
        .env_remove("BOARDPACK_LAYOUT");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// `boardpack sign-off WORKBOOK --by J --role S --date DATE` and `rest`.
fn sign_off(dir: &Path, workbook: &str, date: &str, rest: &[&str], env: &[(&str, &str)]) -> Output {
    let mut args = vec![
        "sign-off", workbook, "--by", "J", "--role", "S", "--date", date,
    ];
    args.extend_from_slice(rest);
    run(dir, &args, env)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A layout folder: the built-in layout with `edit` applied.
fn layout_folder(dir: &Path, name: &str, edit: impl Fn(&str) -> String) {
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("main.typ"),
        edit(boardpack::render::document::DASHBOARD_LAYOUT),
    )
    .unwrap();
}

/// One archive shared by the tests: `leaky.xlsx` signed off as 2015-12 v1
/// in the layout folder `branding/` (the built-in layout, its headings a
/// shade smaller), with the
/// other layouts the tests use beside it.
fn shared() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("leaky.xlsx"), leaky_workbook()).unwrap();
        // Headings a shade smaller: a layout that prints differently.
        layout_folder(dir.path(), "branding", |s| {
            let heading = "#show heading: set text(size: 8.5pt";
            assert!(s.contains(heading), "the built-in layout's heading size");
            s.replace(heading, "#show heading: set text(size: 8.4pt")
        });
        layout_folder(dir.path(), "other", |s| format!("{s}\n// another brand\n"));
        layout_folder(dir.path(), "no-attach", |s| {
            let start = s
                .find("#for a in render.attachments")
                .expect("the attach loop");
            let end = start + s[start..].find("\n}\n").expect("its end") + 3;
            format!("{}{}", &s[..start], &s[end..])
        });
        let out = sign_off(
            dir.path(),
            "leaky.xlsx",
            "2016-01-28",
            &["--archive", "archive", "--layout", "branding"],
            &[],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        dir
    })
    .path()
}

fn v1_pdf() -> PathBuf {
    shared().join("archive/2015-12/v1/leaky.pdf")
}

/// Every file under a folder with its bytes' hash, in order: what
/// "unchanged" means for an archive.
fn snapshot(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(dir).unwrap().display().to_string();
            if p.is_dir() {
                out.push((rel, "folder".into()));
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                out.push((rel, boardpack::pack::signoff::sha256(&bytes)));
            }
        }
    }
    out.sort();
    out
}

/// Every part of a zip package, inflated, as text.
fn package_text(bytes: &[u8]) -> (Vec<String>, String) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names = Vec::new();
    let mut text = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        names.push(f.name().unwrap().to_string());
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        text.push_str(&String::from_utf8_lossy(&data));
    }
    (names, text)
}

fn attached(pdf: &[u8], name: &str) -> Vec<u8> {
    boardpack::pack::verify::attachments(pdf)
        .unwrap()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} is not attached"))
        .1
}

/// Regression (issue #26): a signed pack attached the whole workbook, so a
/// hidden OFFICIAL-SENSITIVE sheet, comments and author names came out of
/// a published pack with `pdfdetach`.
#[test]
fn a_signed_pack_attaches_no_hidden_sheet_extra_sheet_comment_author_or_formula() {
    let pdf = std::fs::read(v1_pdf()).unwrap();
    let workbook = attached(&pdf, "leaky.xlsx");
    assert_ne!(
        workbook,
        leaky_workbook(),
        "the analyst's file itself is attached"
    );

    // Nothing of the hidden sheet, the Review sheet, the comment, the
    // properties or the formula is anywhere in the attached package.
    let (parts, text) = package_text(&workbook);
    for leak in [
        SECRET,
        HIDDEN,
        "Chief Inspector",
        AUTHOR,
        COMPANY,
        NOTE_AUTHOR,
        "do not circulate",
    ] {
        assert!(
            !text.contains(leak),
            "the attached workbook carries {leak:?}"
        );
    }
    assert!(
        !parts
            .iter()
            .any(|p| p.contains("comments") || p.contains("vbaProject") || p.contains("drawings")),
        "{parts:?}"
    );
    // A percentage is still shown as one (Values: SP5.satisfaction 86.5%).
    assert!(
        text.contains("formatCode=\"0.0%\""),
        "the percent format is lost"
    );
    // Nor in any attachment of the pack.
    for (name, bytes) in boardpack::pack::verify::attachments(&pdf).unwrap() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(SECRET) && !text.contains(AUTHOR),
            "{name} carries a secret"
        );
    }

    // Only the contract's sheets, with their values: the same records.
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(&workbook)).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "Report",
            "Priorities",
            "Indicators",
            "Monthly",
            "Values",
            "Peers",
            "Narrative",
            "Savings",
            "Footnotes"
        ]
    );
    assert!(book
        .sheets_metadata()
        .iter()
        .all(|s| s.visible == calamine::SheetVisible::Visible));
    let title_row = common::row_of(&common::sample(), "Report", "title") as u32;
    let report = book.worksheet_range("Report").unwrap();
    assert!(
        matches!(report.get_value((title_row, 1)), Some(calamine::Data::String(t)) if t.contains("Dashboard")),
        "the formula's saved value is kept: {:?}",
        report.get_value((title_row, 1))
    );
    assert!(book
        .worksheet_formula("Report")
        .unwrap()
        .used_cells()
        .all(|(_, _, f)| f.is_empty()));
    let monthly = book.worksheet_range("Monthly").unwrap();
    let width = common::sample().sheet("Monthly").unwrap().rows[0].len();
    assert_eq!(monthly.width(), width, "the column of notes is left out");
    let records = |bytes: &[u8]| {
        serde_json::to_value(boardpack::pipeline::records(bytes).unwrap().records).unwrap()
    };
    assert_eq!(records(&workbook), records(&leaky_workbook()));

    // The sign-off record and the manifest say what was left out.
    let sign_off: serde_json::Value =
        serde_json::from_slice(&attached(&pdf, "sign-off.json")).unwrap();
    let left_out: Vec<String> = serde_json::from_value(sign_off["left_out"].clone()).unwrap();
    for want in [
        format!("sheet '{HIDDEN}' (hidden)"),
        "sheet 'Review'".to_string(),
        "1 comment".to_string(),
        "author names".to_string(),
        "company name".to_string(),
        "1 formula (their saved values are kept)".to_string(),
        "column 'Analyst notes' of Monthly".to_string(),
    ] {
        assert!(left_out.contains(&want), "{want:?} not in {left_out:?}");
    }
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(shared().join("archive/2015-12/v1/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["left_out"], sign_off["left_out"]);
    assert_eq!(
        manifest["workbook_sha256"].as_str().unwrap(),
        boardpack::pack::signoff::sha256(&workbook)
    );

    // And the pack still verifies, rebuilt from the copy it carries.
    let out = run(shared(), &["verify", "archive/2015-12/v1/leaky.pdf"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn the_copy_of_the_same_values_is_the_same_bytes_whatever_else_the_workbook_holds() {
    use boardpack::pack::copy::copy;
    let plain = copy(&common::sample_bytes(), "a.xlsx").unwrap();
    let leaky = copy(&leaky_workbook(), "a.xlsx").unwrap();
    // The same values of the contract's sheets and columns: the same bytes,
    // whatever else either workbook holds and however it formats dates.
    assert_eq!(plain.bytes, leaky.bytes);
    assert_eq!(copy(&leaky.bytes, "a.xlsx").unwrap().bytes, leaky.bytes);
}

#[test]
fn an_ods_workbook_is_carried_as_an_xlsx_copy_of_its_name_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/dashboard-2015-12.ods"
        ),
        dir.path().join("dashboard-2015-12.ods"),
    )
    .unwrap();
    let out = sign_off(
        dir.path(),
        "dashboard-2015-12.ods",
        "2016-01-28",
        &["--archive", "a"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = std::fs::read(dir.path().join("a/2015-12/v1/dashboard-2015-12.pdf")).unwrap();
    let copy = attached(&pdf, "dashboard-2015-12.xlsx");
    assert!(copy.starts_with(b"PK"));
    let out = run(
        dir.path(),
        &["verify", "a/2015-12/v1/dashboard-2015-12.pdf"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Regression (issue #26): a layout without the `pdf.attach` loop signed
/// off a pack that carried no workbook, which nothing could verify.
#[test]
fn a_layout_without_pdf_attach_is_refused_and_nothing_is_archived() {
    let dir = shared();
    let before = snapshot(&dir.join("archive"));
    let out = sign_off(
        dir,
        "leaky.xlsx",
        "2016-01-29",
        &[
            "--archive",
            "archive",
            "--reason",
            "a layout that drops the files",
            "--layout",
            "no-attach",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("the layout no-attach does not attach leaky.xlsx, records.json, sign-off.json, layout.zip to the pack")
            && err.contains("pdf.attach")
            && err.contains("nothing was archived"),
        "{err}"
    );
    assert_eq!(snapshot(&dir.join("archive")), before);
}

/// Regression (issue #26): sign-off was permanent with no preview; a
/// trial `--reason "x"` became v2 for ever.
#[test]
fn dry_run_prints_what_would_be_archived_and_archives_nothing() {
    let dir = shared();
    let before = snapshot(&dir.join("archive"));
    let out = run(
        dir,
        &[
            "sign-off",
            "leaky.xlsx",
            "--by",
            "Jane Smith",
            "--role",
            "Board Secretary",
            "--date",
            "2016-02-02",
            "--archive",
            "archive",
            "--reason",
            "x",
            "--layout",
            "branding",
            "--dry-run",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for want in [
        "nothing is archived",
        "period:    2015-12",
        "version:   v2 (supersedes v1 of 2016-01-28)",
        "by Jane Smith (Board Secretary) on 2016-02-02",
        "reason:    x",
        "layout:    branding (from --layout",
        &format!("sheet '{HIDDEN}' (hidden)"),
        "archive/2015-12/v2/leaky.pdf",
        "archive/2015-12/v2/manifest.json",
        "attached: leaky.xlsx, records.json, sign-off.json, layout.zip",
    ] {
        assert!(text.contains(want), "{want:?} not in:\n{text}");
    }
    assert_eq!(
        snapshot(&dir.join("archive")),
        before,
        "a dry run changed the archive"
    );

    // Into an archive that is not there: it is not made.
    let out = sign_off(
        dir,
        "leaky.xlsx",
        "2016-01-28",
        &["--archive", "nowhere", "--dry-run"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("would start a new archive"),
        "{}",
        stdout(&out)
    );
    assert!(!dir.join("nowhere").exists());

    // A dry run refuses what the sign-off would refuse: no --reason for v2.
    let out = sign_off(
        dir,
        "leaky.xlsx",
        "2016-02-02",
        &["--archive", "archive", "--dry-run"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(snapshot(&dir.join("archive")), before);
}

/// A copy of the shared archive, to give settings of its own.
fn archive_copy(name: &str) -> PathBuf {
    let to = shared().join(name);
    let from = shared().join("archive");
    for (rel, kind) in snapshot(&from) {
        if kind == "folder" {
            std::fs::create_dir_all(to.join(&rel)).unwrap();
        } else {
            std::fs::create_dir_all(to.join(&rel).parent().unwrap()).unwrap();
            std::fs::copy(from.join(&rel), to.join(&rel)).unwrap();
        }
    }
    to
}

/// Regression (issue #26): a pack signed off without the `--layout` the
/// drafts used went into the archive unbranded, unremarked.
#[test]
fn the_archive_names_its_default_layout_and_another_layout_is_warned_of() {
    let dir = shared();
    let archive = archive_copy("with-default");
    std::fs::write(archive.join("boardpack.toml"), "layout = \"../branding\"\n").unwrap();
    let dry = |more: &[&str], env: &[(&str, &str)]| {
        let mut args = vec![
            "sign-off",
            "leaky.xlsx",
            "--by",
            "J",
            "--role",
            "S",
            "--date",
            "2016-02-02",
            "--archive",
            "with-default",
            "--reason",
            "r",
            "--dry-run",
        ];
        args.extend(more);
        run(dir, &args, env)
    };
    // No --layout: the archive's default, named by its boardpack.toml.
    let out = dry(&[], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("layout:    ")
            && text.contains("branding (from ")
            && text.contains("boardpack.toml"),
        "{text}"
    );
    assert!(text.contains("layout.zip"), "{text}");
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));

    // --layout of another: signed off in it, with a warning naming both.
    let out = dry(&["--layout", "other"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning: the pack is signed off in the layout other (from --layout), not in the default layout")
            && err.contains("boardpack.toml")
            && err.contains("leave out --layout"),
        "{err}"
    );
    assert!(
        stdout(&out).contains("not in the default layout"),
        "{}",
        stdout(&out)
    );

    // BOARDPACK_LAYOUT names the default where the archive names none.
    let plain = archive_copy("no-default");
    let _ = plain;
    let run_plain = |env: &[(&str, &str)]| {
        sign_off(
            dir,
            "leaky.xlsx",
            "2016-02-02",
            &["--archive", "no-default", "--reason", "r", "--dry-run"],
            env,
        )
    };
    let out = run_plain(&[("BOARDPACK_LAYOUT", "branding")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("branding (from BOARDPACK_LAYOUT"),
        "{}",
        stdout(&out)
    );
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));

    // No default at all and no --layout: the built-in layout, with a
    // warning that the archive's latest pack was signed off in another.
    let out = run_plain(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("layout:    built-in"),
        "{}",
        stdout(&out)
    );
    let err = stderr(&out);
    assert!(
        err.contains("warning: the pack is signed off in the built-in layout")
            && err.contains(
                "the archive's latest pack (2015-12 v1) was signed off in another layout"
            ),
        "{err}"
    );
}

#[test]
fn a_settings_file_that_is_not_one_is_an_error_naming_it() {
    let dir = shared();
    let archive = archive_copy("bad-settings");
    std::fs::write(archive.join("boardpack.toml"), "layuot = \"../branding\"\n").unwrap();
    let out = sign_off(
        dir,
        "leaky.xlsx",
        "2016-02-02",
        &["--archive", "bad-settings", "--reason", "r", "--dry-run"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("boardpack.toml is not the archive's settings") && err.contains("layuot"),
        "{err}"
    );
}

#[test]
fn drafts_are_built_in_the_layout_boardpack_layout_names_as_sign_off_is() {
    let dir = shared();
    let build = |name: &str, more: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["build", "leaky.xlsx", "-o", name];
        args.extend(more);
        let out = run(dir, &args, env);
        assert!(out.status.success(), "{}", stderr(&out));
        std::fs::read(dir.join(name)).unwrap()
    };
    let flag = build("flag.pdf", &["--layout", "branding"], &[]);
    let env = build("env.pdf", &[], &[("BOARDPACK_LAYOUT", "branding")]);
    let plain = build("plain.pdf", &[], &[]);
    assert_eq!(env, flag, "BOARDPACK_LAYOUT is not the draft's layout");
    assert_ne!(env, plain);
}

#[test]
fn a_manifest_whose_left_out_list_was_edited_does_not_verify() {
    let dir = shared();
    let archive = archive_copy("edited-left-out");
    let path = archive.join("2015-12/v1/manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    manifest["left_out"] = serde_json::json!(["author names"]);
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    let out = run(
        dir,
        &["verify", "edited-left-out/2015-12/v1/leaky.pdf"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the manifest was changed: its left_out is \"author names\""),
        "{}",
        stderr(&out)
    );
}
