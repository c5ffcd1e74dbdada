//! What calamine's `.ods` reader does not say: the cells holding a
//! formula error (`#DIV/0!`, `#N/A`). LibreOffice saves them as an empty
//! string marked `calcext:value-type="error"`, Gnumeric as the error's
//! text; calamine reads the first as an empty cell. One streaming pass over
//! `content.xml`, counting rows and columns as calamine does.
//! Enters: the package's bytes; leaves: each sheet's error cells.

use std::collections::BTreeMap;

use crate::input::cells;
use std::io::{Cursor, Read};

use calamine::CellErrorType;
use quick_xml::events::{BytesStart, BytesText, Event};

/// The error cells of each sheet, by sheet name, at (row, column).
pub type ErrorCells = BTreeMap<String, BTreeMap<(u32, u32), CellErrorType>>;

/// The error a spreadsheet program shows as `text`, if it is one.
pub fn error_of(text: &str) -> Option<CellErrorType> {
    Some(match text.trim() {
        "#DIV/0!" => CellErrorType::Div0,
        "#N/A" => CellErrorType::NA,
        "#NAME?" => CellErrorType::Name,
        "#NULL!" => CellErrorType::Null,
        "#NUM!" => CellErrorType::Num,
        "#REF!" => CellErrorType::Ref,
        "#VALUE!" => CellErrorType::Value,
        _ => return None,
    })
}

/// The attribute named exactly `qname` (`office:value-type`).
fn attr(e: &BytesStart, qname: &[u8]) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref() == qname)
        .and_then(|a| {
            let raw = std::str::from_utf8(&a.value).ok()?;
            quick_xml::escape::unescape(raw)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn repeats(e: &BytesStart, qname: &[u8]) -> u64 {
    attr(e, qname)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

/// The error cells of an `.ods` package (see the module): a formula cell
/// whose value type is `error`, or whose text result is an error's text.
/// A repeated error cell is recorded at its first place only.
pub fn error_cells(bytes: &[u8]) -> ErrorCells {
    let mut out = ErrorCells::new();
    if let Some(xml) = content_text(bytes) {
        scan(&xml, &mut out);
    }
    out
}

/// An `.ods` package's `content.xml` as text, if it has a readable one.
pub(crate) fn content_text(bytes: &[u8]) -> Option<String> {
    let (xml, _) = content(bytes)?;
    String::from_utf8(xml).ok()
}

fn scan(xml: &str, out: &mut ErrorCells) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut sheet: Option<String> = None;
    let (mut row, mut col) = (0u64, 0u64);
    let mut row_repeats = 1u64;
    // The formula cell being read, maybe an error: its place, whether it
    // is marked an error, and its text.
    let mut pending: Option<((u64, u64), bool, String)> = None;
    loop {
        let (e, empty) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::Text(t)) => {
                // The shown text, unless the string value was given.
                if let Some((_, true, text)) = pending.as_mut() {
                    text.push_str(&t.decode().unwrap_or_default());
                }
                continue;
            }
            Ok(Event::End(e)) => {
                match e.local_name().as_ref() {
                    b"table-row" => row = row.saturating_add(row_repeats),
                    b"table" => sheet = None,
                    b"table-cell" => record(pending.take(), &sheet, out),
                    _ => {}
                }
                continue;
            }
            Ok(Event::Eof) | Err(_) => return,
            _ => continue,
        };
        match e.local_name().as_ref() {
            b"table" => {
                sheet = attr(&e, b"table:name");
                (row, col) = (0, 0);
            }
            b"table-row" => {
                row_repeats = repeats(&e, b"table:number-rows-repeated");
                col = 0;
                if empty {
                    row = row.saturating_add(row_repeats);
                }
            }
            b"table-cell" | b"covered-table-cell" => {
                let formula = attr(&e, b"table:formula").is_some();
                let marked = attr(&e, b"calcext:value-type").as_deref() == Some("error");
                // LibreOffice marks an error and shows it in text:p;
                // Gnumeric gives it as the string value.
                let string = match marked {
                    true => String::new(),
                    false => attr(&e, b"office:string-value").unwrap_or_default(),
                };
                if formula {
                    pending = Some(((row, col), marked, string));
                    if empty {
                        record(pending.take(), &sheet, out);
                    }
                }
                col = col.saturating_add(repeats(&e, b"table:number-columns-repeated"));
            }
            _ => {}
        }
    }
}

fn record(
    pending: Option<((u64, u64), bool, String)>,
    sheet: &Option<String>,
    out: &mut ErrorCells,
) {
    let (Some(((row, col), marked, text)), Some(name)) = (pending, sheet) else {
        return;
    };
    let (Ok(row), Ok(col)) = (u32::try_from(row), u32::try_from(col)) else {
        return;
    };
    let error = match error_of(&text) {
        Some(e) => e,
        None if marked => CellErrorType::Value,
        None => return,
    };
    out.entry(name.clone())
        .or_default()
        .insert((row, col), error);
}

/// True when the package is saved with a password: its manifest gives
/// encryption data for its parts (LibreOffice's "Save with password").
pub fn is_encrypted(bytes: &[u8]) -> bool {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    let Ok(mut part) = zip.by_name("META-INF/manifest.xml") else {
        return false;
    };
    let mut xml = String::new();
    part.read_to_string(&mut xml).is_ok() && xml.contains("encryption-data")
}

/// A value cell of `content.xml` outside the bounds a sheet's cells may
/// use (`cells.rs`): its sheet and first place.
pub type FarCell = (String, u32, u32);

/// The package with `content.xml` as calamine reads it and within bounds,
/// and the value cells left out for lying outside them; the bytes are
/// `None` when `content.xml` needs no change or cannot be read (calamine
/// then says why). Changed:
/// - a number cell whose saved number is not one (`office:value="12abc"`,
///   which calamine would refuse with the whole sheet, naming no cell)
///   becomes a text cell of it, which its reader reports at its cell;
/// - a value far outside the table (`Monthly!GR1048576`, or a value
///   repeated down a million rows) is left out, as in an `.xlsx`, and
///   returned to be reported: calamine would build the whole area from A1
///   to it (5 GB) before any bound could be checked;
/// - the indentation between elements is taken out (Gnumeric indents it;
///   calamine reads only compact XML): whitespace-only text holding a line
///   break is indentation, as within a paragraph spaces are `<text:s/>`;
/// - a tab (`<text:tab/>`) and a line break within a paragraph
///   (`<text:line-break/>`, Gnumeric's Alt+Enter) become the characters,
///   which calamine would drop (`Increasein`).
///
/// Repeated empty rows and cells are counted, never expanded.
pub fn prepare(bytes: &[u8]) -> (Option<Vec<u8>>, Vec<FarCell>) {
    let Some((xml, zip)) = content(bytes) else {
        return (None, Vec::new());
    };
    let limits = row_limits(&xml);
    let indented = xml.windows(2).any(|w| w == b">\n" || w == b">\r");
    let has = |tag: &[u8]| xml.windows(tag.len()).any(|w| w == tag);
    let far = limits.values().any(|l| l.far);
    if !far && !indented && !has(b"<text:tab") && !has(b"<text:line-break") {
        return (None, Vec::new());
    }
    match rewrite(&xml, &limits) {
        Some((content, far)) => (repackage(zip, &content), far),
        None => (None, Vec::new()),
    }
}

type Zip<'b> = zip::ZipArchive<Cursor<&'b [u8]>>;

fn content(bytes: &[u8]) -> Option<(Vec<u8>, Zip<'_>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut xml = Vec::new();
    zip.by_name("content.xml")
        .ok()?
        .read_to_end(&mut xml)
        .ok()?;
    Some((xml, zip))
}

/// One sheet's bounds: the rows its values may use, and whether a value
/// lies outside.
#[derive(Default)]
struct Limit {
    rows: u64,
    far: bool,
}

/// A cell start's place-independent facts: how many columns it repeats,
/// whether it holds a value (a value type or a formula), and the saved
/// number of a number cell when it is not a number.
fn cell_facts(e: &BytesStart) -> (u64, bool, Option<String>) {
    let mut value = false;
    for a in e.attributes().with_checks(false).flatten() {
        value |= matches!(a.key.as_ref(), b"office:value-type" | b"table:formula");
    }
    let numeric = matches!(
        attr(e, b"office:value-type").as_deref(),
        Some("float" | "percentage" | "currency")
    );
    let bad = attr(e, b"office:value").filter(|v| numeric && v.trim().parse::<f64>().is_err());
    (repeats(e, b"table:number-columns-repeated"), value, bad)
}

/// The value cells of each table, walked with their places: `visit(sheet,
/// row, col, row repeats, col repeats)` for each.
fn walk_values(xml: &[u8], mut visit: impl FnMut(&str, u64, u64, u64, u64, bool)) {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut sheet = String::new();
    let (mut row, mut col, mut row_repeats) = (0u64, 0u64, 1u64);
    loop {
        let (e, empty) = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => (e.into_owned(), false),
            Ok(Event::Empty(e)) => (e.into_owned(), true),
            Ok(Event::End(e)) => {
                if e.name().as_ref() == b"table:table-row" {
                    row = row.saturating_add(row_repeats);
                }
                buf.clear();
                continue;
            }
            Ok(Event::Eof) | Err(_) => return,
            _ => {
                buf.clear();
                continue;
            }
        };
        buf.clear();
        match e.name().as_ref() {
            b"table:table" => {
                sheet = attr(&e, b"table:name").unwrap_or_default();
                (row, col) = (0, 0);
            }
            b"table:table-row" => {
                row_repeats = repeats(&e, b"table:number-rows-repeated");
                col = 0;
                if empty {
                    row = row.saturating_add(row_repeats);
                }
            }
            b"table:table-cell" | b"table:covered-table-cell" => {
                let (n, value, bad) = cell_facts(&e);
                if value {
                    visit(&sheet, row, col, row_repeats, n, bad.is_some());
                }
                col = col.saturating_add(n);
            }
            _ => {}
        }
    }
}

/// Each sheet's row limit: as for an `.xlsx` (`cells.rs`), the area from
/// A1 to the last value within [`cells::MAX_CELLS`], given the columns used.
fn row_limits(xml: &[u8]) -> BTreeMap<String, Limit> {
    let mut last_col: BTreeMap<String, u64> = BTreeMap::new();
    walk_values(xml, |sheet, _, col, _, n, _| {
        let last = col.saturating_add(n - 1);
        if last < u64::from(cells::MAX_COLUMNS) {
            let c = last_col.entry(sheet.to_string()).or_default();
            *c = (*c).max(last);
        }
    });
    let mut limits: BTreeMap<String, Limit> = BTreeMap::new();
    let rows = |sheet: &str| {
        let columns = last_col.get(sheet).copied().unwrap_or(0) + 1;
        (cells::MAX_CELLS / columns).min(u64::from(cells::MAX_ROWS))
    };
    walk_values(xml, |sheet, row, col, rr, n, bad| {
        let limit = limits.entry(sheet.to_string()).or_insert_with(|| Limit {
            rows: rows(sheet),
            far: false,
        });
        limit.far |= bad || outside(limit.rows, row, col, rr, n).is_some();
    });
    limits
}

/// The first place of a value cell (repeated `rr` rows, `n` columns) that
/// lies outside `rows` rows or the columns a sheet may use.
fn outside(rows: u64, row: u64, col: u64, rr: u64, n: u64) -> Option<(u64, u64)> {
    let cols = u64::from(cells::MAX_COLUMNS);
    if row >= rows || col >= cols {
        Some((row, col))
    } else if col.saturating_add(n) > cols {
        Some((row, cols))
    } else if row.saturating_add(rr) > rows {
        Some((rows, col))
    } else {
        None
    }
}

/// Where the rewrite is: the sheet, its row limit, the place.
struct Place<'l> {
    limits: &'l BTreeMap<String, Limit>,
    sheet: String,
    rows: u64,
    row: u64,
    col: u64,
    row_repeats: u64,
    far: Vec<FarCell>,
}

impl Place<'_> {
    /// Counts a table element's place; true when it is a value cell far
    /// outside, to be written as an empty cell of its columns (recorded).
    fn far_cell(&mut self, e: &BytesStart, empty: bool) -> Option<Event<'static>> {
        match e.name().as_ref() {
            b"table:table" => {
                self.sheet = attr(e, b"table:name").unwrap_or_default();
                self.rows = self.limits.get(&self.sheet).map_or(u64::MAX, |l| l.rows);
                (self.row, self.col) = (0, 0);
            }
            b"table:table-row" => {
                self.row_repeats = repeats(e, b"table:number-rows-repeated");
                self.col = 0;
                if empty {
                    self.row = self.row.saturating_add(self.row_repeats);
                }
            }
            b"table:table-cell" | b"table:covered-table-cell" => {
                let (n, value, bad) = cell_facts(e);
                let at = (self.row, self.col);
                self.col = self.col.saturating_add(n);
                let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
                if value {
                    if let Some((r, c)) = outside(self.rows, at.0, at.1, self.row_repeats, n) {
                        self.far.push((self.sheet.clone(), clamp(r), clamp(c)));
                        return Some(cell_of(n, None));
                    }
                }
                if let Some(text) = bad {
                    return Some(cell_of(n, Some(&text)));
                }
            }
            _ => {}
        }
        None
    }
}

/// A cell of `n` columns in place of one left out: empty, or holding
/// `text`.
fn cell_of(n: u64, text: Option<&str>) -> Event<'static> {
    let mut cell = BytesStart::new("table:table-cell");
    if n > 1 {
        cell.push_attribute(("table:number-columns-repeated", n.to_string().as_str()));
    }
    if let Some(text) = text {
        cell.push_attribute(("office:value-type", "string"));
        cell.push_attribute(("office:string-value", text));
    }
    Event::Empty(cell)
}

/// `content.xml` rewritten (see [`prepare`]), and the value cells left out.
fn rewrite(xml: &[u8], limits: &BTreeMap<String, Limit>) -> Option<(Vec<u8>, Vec<FarCell>)> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut writer = quick_xml::Writer::new(Vec::with_capacity(xml.len()));
    let mut buf = Vec::new();
    let mut skipped = Vec::new();
    let mut place = Place {
        limits,
        sheet: String::new(),
        rows: u64::MAX,
        row: 0,
        col: 0,
        row_repeats: 1,
        far: Vec::new(),
    };
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) => break,
            Ok(e) => e,
            Err(_) => return None,
        };
        match event {
            Event::Text(t)
                if t.iter().all(u8::is_ascii_whitespace)
                    && t.iter().any(|b| matches!(b, b'\n' | b'\r')) => {}
            Event::Empty(e) | Event::Start(e)
                if matches!(e.name().as_ref(), b"text:tab" | b"text:line-break") =>
            {
                let c = match e.name().as_ref() {
                    b"text:tab" => "\t",
                    _ => "\n",
                };
                writer.write_event(Event::Text(BytesText::new(c))).ok()?;
            }
            Event::End(e) if matches!(e.name().as_ref(), b"text:tab" | b"text:line-break") => {}
            Event::End(e) => {
                if e.name().as_ref() == b"table:table-row" {
                    place.row = place.row.saturating_add(place.row_repeats);
                }
                writer.write_event(Event::End(e)).ok()?;
            }
            Event::Start(e) => match place.far_cell(&e, false) {
                Some(cell) => {
                    let end = e.to_end().into_owned();
                    reader.read_to_end_into(end.name(), &mut skipped).ok()?;
                    skipped.clear();
                    writer.write_event(cell).ok()?;
                }
                None => writer.write_event(Event::Start(e)).ok()?,
            },
            Event::Empty(e) => match place.far_cell(&e, true) {
                Some(cell) => writer.write_event(cell).ok()?,
                None => writer.write_event(Event::Empty(e)).ok()?,
            },
            e => writer.write_event(e).ok()?,
        }
        buf.clear();
    }
    Some((writer.into_inner(), place.far))
}

fn repackage(mut zip: Zip<'_>, content: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).ok()?;
        let name = f.name().ok()?.to_string();
        let method = match name.as_str() {
            "mimetype" => zip::CompressionMethod::Stored,
            _ => zip::CompressionMethod::Deflated,
        };
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        let mut data = Vec::new();
        f.read_to_end(&mut data).ok()?;
        out.start_file(name.as_str(), opts).ok()?;
        out.write_all(if name == "content.xml" {
            content
        } else {
            &data
        })
        .ok()?;
    }
    Some(out.finish().ok()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libreoffice_and_gnumeric_error_cells() {
        let xml = r##"<office:document-content><office:body><office:spreadsheet><table:table table:name="Monthly">
          <table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>
          <table:table-row>
            <table:table-cell table:number-columns-repeated="2"/>
            <table:table-cell table:formula="of:=1/0" office:value-type="string" office:string-value="" calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>
            <table:table-cell table:formula="of:=NA()" office:value-type="string" office:string-value="#N/A"><text:p>#N/A</text:p></table:table-cell>
            <table:table-cell office:value-type="string"><text:p>#N/A</text:p></table:table-cell>
            <table:table-cell table:formula="of:=IF(1=0;1;&quot;&quot;)"><text:p/></table:table-cell>
          </table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"##;
        let mut out = ErrorCells::new();
        scan(xml, &mut out);
        // Typed text "#N/A" is text, not an error; an empty result is none.
        assert_eq!(
            out["Monthly"],
            BTreeMap::from([((2, 2), CellErrorType::Div0), ((2, 3), CellErrorType::NA)])
        );
    }

    #[test]
    fn values_far_outside_are_left_out_and_empty_repeats_are_counted_not_expanded() {
        let xml = br#"<office:document-content><table:table table:name="Monthly">
          <table:table-row><table:table-cell office:value-type="string"><text:p>Indicator</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16383"/></table:table-row>
          <table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
          <table:table-row><table:table-cell table:number-columns-repeated="199"/><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>
          <table:table-row table:number-rows-repeated="3"><table:table-cell office:value-type="float" office:value="0"><text:p>0</text:p></table:table-cell></table:table-row>
          </table:table></office:document-content>"#;
        let limits = row_limits(xml);
        assert!(limits["Monthly"].far);
        let (content, far) = rewrite(xml, &limits).unwrap();
        // GR1048572 (row 1,048,571 from 0), and the zeros repeated from
        // A1048573: with GR used, 4,000,000 / 200 = 20,000 rows may be.
        assert_eq!(
            far,
            vec![
                ("Monthly".to_string(), 1_048_571, 199),
                ("Monthly".to_string(), 1_048_572, 0)
            ]
        );
        let content = String::from_utf8(content).unwrap();
        assert!(!content.contains("office:value=\"1\""), "{content}");
        assert!(content.contains("Indicator"));
        assert!(!content.contains('\n'));
    }
}
