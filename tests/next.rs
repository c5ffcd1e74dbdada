//! `boardpack next` (issue 18): next quarter's workbook from the sample —
//! the period moved on, every sheet kept, a Review sheet listing every dated
//! note, the narratives, stale `Values` entries and missing months; the
//! source never modified.

mod common;

use boardpack::input::Workbook;
use boardpack::support::next::{mentions_a_date, next};
use boardpack::support::xlsx::Value;
use chrono::NaiveDate;

fn march() -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 3, 31).unwrap()
}

#[test]
fn next_on_the_sample_reads_back_with_every_dated_note_to_review() {
    let bytes = common::sample_bytes();
    let old = Workbook::from_bytes(&bytes).unwrap().workbook;
    let book = next(&bytes, &old, march()).unwrap();
    // Every sheet kept, and a Review sheet added.
    let sample = common::sample();
    for s in &sample.sheets {
        assert!(book.sheet(&s.name).is_some(), "{} kept", s.name);
    }
    let new_bytes = book.to_bytes().unwrap();
    let new = Workbook::from_bytes(&new_bytes).expect("check reads the new workbook");
    assert_eq!(new.workbook.report.period_end, march());
    assert_eq!(
        new.workbook.indicators, old.indicators,
        "the indicators are kept"
    );
    let review = book.sheet("Review").unwrap();
    // The Review sheet's column `i` (0: the cell, 1: what to look at).
    let column = |i: usize| -> Vec<String> {
        review
            .rows
            .iter()
            .skip(1)
            .map(|r| match &r[i] {
                Value::Text(t) => t.clone(),
                other => panic!("{other:?}"),
            })
            .collect()
    };
    let listed = column(1);
    let dated: Vec<&String> = old
        .values
        .iter()
        .filter_map(|v| v.note.as_ref())
        .chain(old.indicators.iter().filter_map(|i| i.note.as_ref()))
        .filter(|n| mentions_a_date(n))
        .collect();
    assert!(!dated.is_empty(), "the sample has dated notes");
    for note in dated {
        assert!(listed.contains(note), "{note:?} not listed for review");
    }
    for n in &old.narrative {
        assert!(
            listed.contains(&n.text),
            "narrative {:?} not listed",
            n.text
        );
    }
    assert!(
        listed
            .iter()
            .any(|l| l.starts_with("SP11.offences: Jan 2016 to Mar 2016 (3 months)")),
        "missing months listed: {listed:?}"
    );
    // Regression: the peers' counts and the savings were not listed, so last
    // quarter's Position v MSG rank went into the new pack unnoticed.
    let cells = column(0);
    for peer in &old.peers {
        let line = format!("{} {}: {}", peer.indicator, peer.force, peer.value);
        let at = listed.iter().position(|l| *l == line);
        assert!(at.is_some(), "{line:?} not listed: {listed:?}");
        assert!(cells[at.unwrap()].starts_with("Peers!C"), "{cells:?}");
    }
    assert!(!old.peers.is_empty() && !old.savings.is_empty());
    for saving in &old.savings {
        assert!(
            listed
                .iter()
                .any(|l| l.starts_with(&format!("{}: ", saving.item))),
            "{:?} not listed: {listed:?}",
            saving.item
        );
    }
}

#[test]
fn next_never_modifies_the_source_and_moves_forward_only() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("dashboard-2015-12.xlsx");
    std::fs::write(&source, common::sample_bytes()).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_boardpack"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = run(&["next", "dashboard-2015-12.xlsx", "--period-end", "Mar 2016"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("dashboard-2016-03.xlsx").exists());
    assert_eq!(std::fs::read(&source).unwrap(), common::sample_bytes());
    let check = run(&["check", "dashboard-2016-03.xlsx"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Again: the new file exists, and is never overwritten.
    let again = run(&["next", "dashboard-2015-12.xlsx", "--period-end", "2016-03"]);
    assert_eq!(again.status.code(), Some(1));
    let back = run(&[
        "next",
        "dashboard-2015-12.xlsx",
        "--period-end",
        "2015-09",
        "-o",
        "x.xlsx",
    ]);
    assert_eq!(back.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&back.stderr).contains("is not after the workbook's period end")
    );
}

/// `next` showed every hidden sheet: a sheet the analyst hid
/// ("OFFICIAL-SENSITIVE") came out visible in next quarter's workbook,
/// which is mailed and shared. Hidden sheets stay hidden.
#[test]
fn next_keeps_a_hidden_sheet_hidden() {
    use calamine::Reader;
    let mut sample = common::sample();
    let mut secret = boardpack::support::xlsx::SheetData::new("OFFICIAL-SENSITIVE", &["Note"]);
    secret.row(vec![Value::Text("not for publication".into())]);
    secret.hidden = true;
    sample.sheets.push(secret);
    let bytes = sample.to_bytes().unwrap();
    let old = Workbook::from_bytes(&bytes).unwrap().workbook;
    let new = next(&bytes, &old, march()).unwrap().to_bytes().unwrap();
    let book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(new)).unwrap();
    let visibility = |name: &str| {
        book.sheets_metadata()
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.visible)
    };
    assert_eq!(
        visibility("OFFICIAL-SENSITIVE"),
        Some(calamine::SheetVisible::Hidden)
    );
    assert_eq!(visibility("Report"), Some(calamine::SheetVisible::Visible));
}

/// `next` dropped the drop-down lists `init` puts on Kind, Layout,
/// Polarity …: the analyst lost them after one quarter. They are kept.
#[test]
fn next_keeps_the_drop_down_lists() {
    let end = NaiveDate::from_ymd_opt(2016, 9, 30).unwrap();
    let bytes = boardpack::support::starter::starter(end)
        .to_bytes()
        .unwrap();
    let before = boardpack::input::list_validations(&bytes);
    assert!(
        before.get("Indicators").is_some_and(|v| v.len() >= 2),
        "init's workbook has drop-downs: {before:?}"
    );
    let old = Workbook::from_bytes(&bytes).unwrap().workbook;
    let december = NaiveDate::from_ymd_opt(2016, 12, 31).unwrap();
    let new = next(&bytes, &old, december).unwrap().to_bytes().unwrap();
    let after = boardpack::input::list_validations(&new);
    for (sheet, lists) in &before {
        assert_eq!(after.get(sheet), Some(lists), "{sheet}'s drop-downs kept");
    }
}

/// `next` wrote every number in General and every date as `yyyy-mm-dd`:
/// months typed `Sep-16` and counts shown `58,805` lost their formats each
/// quarter. Each cell keeps its number format.
#[test]
fn next_keeps_each_cells_number_format() {
    let mut sample = common::sample();
    let monthly = sample.sheet_mut("Monthly").unwrap();
    let month = monthly.col("Month").unwrap();
    let value = monthly.col("Value").unwrap();
    let code = |c: &str| boardpack::input::CellStyle {
        number_format: Some(c.into()),
        ..Default::default()
    };
    monthly.look.cells.insert((1, month as u32), code("mmm-yy"));
    monthly.look.cells.insert((1, value as u32), code("#,##0"));
    let bytes = sample.to_bytes().unwrap();
    let before = boardpack::input::number_formats(&bytes);
    assert_eq!(before["Monthly"][&(1, month as u32)], "mmm-yy");
    let old = Workbook::from_bytes(&bytes).unwrap().workbook;
    let new = next(&bytes, &old, march()).unwrap().to_bytes().unwrap();
    let after = boardpack::input::number_formats(&new);
    assert_eq!(after["Monthly"][&(1, month as u32)], "mmm-yy");
    assert_eq!(after["Monthly"][&(1, value as u32)], "#,##0");
    // The workbook reads the same.
    let again = Workbook::from_bytes(&new).unwrap().workbook;
    assert_eq!(again.monthly, old.monthly);
}

/// `next` kept number formats but wrote every other look afresh: a header
/// row coloured out to column HZ, bold white text, column widths, a hidden
/// row and the frozen header row were lost each quarter, and the analyst
/// formatted the workbook again. The whole look is kept.
#[test]
fn next_keeps_fills_fonts_borders_widths_hidden_rows_and_frozen_headers() {
    use boardpack::input::{sheet_styles, Borders, CellStyle, ColumnLook, RowLook};
    let mut sample = common::sample();
    let monthly = sample.sheet_mut("Monthly").unwrap();
    let header = CellStyle {
        bold: true,
        font_colour: Some(0xFFFFFF),
        fill: Some(0x1F3864),
        horizontal: Some("center".into()),
        wrap: true,
        border: Borders {
            bottom: true,
            ..Borders::default()
        },
        ..CellStyle::default()
    };
    for c in 0..234 {
        // Out to HZ: most of these cells are empty, but coloured.
        monthly.look.cells.insert((0, c), header.clone());
    }
    monthly.look.cells.insert(
        (2, 0),
        CellStyle {
            italic: true,
            font_size: Some(9.0),
            font_name: Some("Arial".into()),
            ..CellStyle::default()
        },
    );
    monthly.look.columns = vec![
        ColumnLook {
            first: 0,
            last: 0,
            width: Some(30.710_937_5),
            hidden: false,
            style: None,
        },
        ColumnLook {
            first: 5,
            last: 6,
            width: None,
            hidden: true,
            style: None,
        },
        // The months' column formatted as dates, for the months to come.
        ColumnLook {
            first: 1,
            last: 1,
            width: None,
            hidden: false,
            style: Some(CellStyle {
                number_format: Some("mmm-yy".into()),
                ..CellStyle::default()
            }),
        },
    ];
    monthly.look.filter = Some((0, 0, 40, 4));
    monthly.look.rows.insert(
        0,
        RowLook {
            height: Some(30.0),
            hidden: false,
        },
    );
    monthly.look.rows.insert(
        4,
        RowLook {
            height: None,
            hidden: true,
        },
    );
    monthly.look.frozen = Some((1, 0));
    let bytes = sample.to_bytes().unwrap();
    let before = sheet_styles(&bytes)["Monthly"].clone();
    assert_eq!(before.cells[&(0, 233)], header, "the writer wrote the look");
    let old = Workbook::from_bytes(&bytes).unwrap().workbook;
    let new = next(&bytes, &old, march()).unwrap().to_bytes().unwrap();
    let after = sheet_styles(&new)["Monthly"].clone();
    assert_eq!(after.cells, before.cells);
    assert_eq!(after.rows, before.rows);
    assert_eq!(after.frozen, Some((1, 0)));
    assert_eq!(after.filter, Some((0, 0, 40, 4)));
    let styled = |look: &boardpack::input::SheetStyles| -> Vec<(u16, Option<CellStyle>)> {
        look.columns
            .iter()
            .filter(|c| c.style.is_some())
            .map(|c| (c.first, c.style.clone()))
            .collect()
    };
    assert_eq!(styled(&after), styled(&before));
    assert_eq!(styled(&after).len(), 1);
    let widths = |look: &boardpack::input::SheetStyles| -> Vec<(u16, u16, Option<String>, bool)> {
        look.columns
            .iter()
            .filter(|c| c.first == 0 || c.hidden)
            .map(|c| {
                (
                    c.first,
                    c.last,
                    c.width.map(|w| format!("{w:.2}")),
                    c.hidden,
                )
            })
            .collect()
    };
    assert_eq!(widths(&after), widths(&before));
    assert_eq!(widths(&after)[0].2.as_deref(), Some("30.71"));
    // And the next quarter after that, still the same.
    let again = next(
        &new,
        &Workbook::from_bytes(&new).unwrap().workbook,
        NaiveDate::from_ymd_opt(2016, 6, 30).unwrap(),
    )
    .unwrap()
    .to_bytes()
    .unwrap();
    assert_eq!(widths(&sheet_styles(&again)["Monthly"]), widths(&before));
    // The coloured empty cells are still formatting, not data.
    let loaded = Workbook::from_bytes(&new).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

/// The same from a workbook LibreOffice saved: its column widths (stored
/// 18.71) and bold header row come through `next` unchanged.
#[test]
fn next_from_a_libreoffice_workbook_keeps_its_widths_and_bold_header() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/programs/styled-empty.lo.xlsx"
    );
    let bytes = std::fs::read(path).unwrap();
    let before = boardpack::input::sheet_styles(&bytes);
    let old = Workbook::from_bytes(&bytes).unwrap().workbook;
    let new = next(&bytes, &old, march()).unwrap().to_bytes().unwrap();
    let after = boardpack::input::sheet_styles(&new);
    for (name, look) in &before {
        let a = &after[name];
        assert_eq!(a.cells, look.cells, "{name}'s cells");
        let w = |l: &boardpack::input::SheetStyles| -> Vec<String> {
            l.columns
                .iter()
                .map(|c| format!("{}-{} {:.2?}", c.first, c.last, c.width))
                .collect()
        };
        assert_eq!(w(a), w(look), "{name}'s column widths");
    }
    assert!(
        before["Monthly"].cells.values().any(|s| s.bold),
        "the fixture has a bold header"
    );
}
