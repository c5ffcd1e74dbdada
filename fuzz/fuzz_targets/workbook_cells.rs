//! Structure-aware: edits to the sample workbook's cells (any sheet, any
//! cell, any kind of value), written as a real .xlsx and built. Reaches the
//! validation and computation that random bytes rarely get past the zip to.
#![no_main]

use arbitrary::Arbitrary;
use boardpack::support::xlsx::Value;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Percent(f64),
    Date(u16, u8, u8),
    Error(u8),
    Formula,
}

#[derive(Debug, Arbitrary)]
struct Edit {
    sheet: u8,
    row: u16,
    col: u8,
    cell: Cell,
}

#[derive(Debug, Arbitrary)]
struct Input {
    /// Render the PDF too (slow: kept for a share of the runs).
    render: bool,
    edits: Vec<Edit>,
    drop_row: Option<(u8, u16)>,
    date_1904: bool,
}

fuzz_target!(|input: Input| {
    let mut w = boardpack::support::sample::sample();
    w.date_1904 = input.date_1904;
    for e in input.edits.iter().take(16) {
        let n = w.sheets.len();
        let s = &mut w.sheets[e.sheet as usize % n];
        let row = e.row as usize % (s.rows.len() + 3);
        let col = e.col as usize % 10;
        let v = match &e.cell {
            Cell::Empty => Value::Empty,
            Cell::Text(t) => Value::Text(t.chars().filter(|c| !c.is_control()).take(200).collect()),
            Cell::Number(n) if n.is_finite() => Value::Number(*n),
            Cell::Number(_) => Value::Number(0.0),
            Cell::Percent(p) if p.is_finite() => Value::Percent(*p),
            Cell::Percent(_) => Value::Percent(0.5),
            Cell::Date(y, m, d) => match chrono::NaiveDate::from_ymd_opt(
                1900 + (*y as i32 % 200),
                1 + (*m as u32 % 12),
                1 + (*d as u32 % 28),
            ) {
                Some(d) => Value::Date(d),
                None => Value::Empty,
            },
            Cell::Error(k) => Value::Error(["#DIV/0!", "#N/A", "#REF!", "#VALUE!"][*k as usize % 4].into()),
            Cell::Formula => Value::Formula("=A1".into()),
        };
        s.set(row, col, v);
    }
    if let Some((sheet, row)) = input.drop_row {
        let n = w.sheets.len();
        let s = &mut w.sheets[sheet as usize % n];
        if s.rows.len() > 1 {
            let r = 1 + row as usize % (s.rows.len() - 1);
            s.rows.remove(r);
        }
    }
    let Ok(bytes) = w.to_bytes() else { return };
    if input.render {
        let _ = boardpack::pipeline::build(&bytes, boardpack::render::document::RenderOptions::draft);
        boardpack::render::document::evict_cache(0);
    } else if let Ok(computed) = boardpack::pipeline::records(&bytes) {
        let _ = boardpack::render::charts::render(&computed.records, &boardpack::render::theme::theme());
    }
});
