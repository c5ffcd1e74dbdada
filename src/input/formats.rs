//! Which cells are formatted as percents, read from the package itself
//! (calamine keeps a cell's value and whether it is a date, not its number
//! format): `-59%` typed in Excel is the number -0.59 formatted `0%`, and
//! `120%` is 1.2 so formatted; a `Values` change or survey figure that is a
//! plain number above 1 is refused (contract v3, "percents where a percent
//! is meant"), so a percent-formatted one must be told apart.
//!
//! Enters: the package's parts (`.xlsx`: the styles part's number formats,
//! used by `cells.rs`'s scan of each sheet; `.ods`: the content part's cells
//! of value type `percentage`). Leaves: the percent-formatted cells holding
//! a value, by sheet name, as (row, column) from 0.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};

use quick_xml::events::Event;

/// The percent-formatted cells of each sheet, by sheet name.
pub type PercentCells = BTreeMap<String, BTreeSet<(u32, u32)>>;

/// The most cells one repeated `.ods` cell may stand for and still be
/// recorded: a formatted block far larger than any table is left out (its
/// cells then read as plain numbers).
const MAX_REPEATED: u64 = 10_000;

/// True when an Excel number format code shows a percent: a `%` outside
/// quoted text and not escaped (`0.0%`, `0%;-0%`; not `0"%"` or `0\%`).
pub fn is_percent_code(code: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if !quoted => escaped = true,
            '"' => quoted = !quoted,
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// For each cell format (`xl/styles.xml`'s `cellXfs`, by index) whether it
/// shows a percent: the built-in formats 9 (`0%`) and 10 (`0.00%`), or a
/// custom format whose code does ([`is_percent_code`]).
pub fn percent_styles(styles: &str) -> Vec<bool> {
    style_codes(styles)
        .iter()
        .map(|code| code.as_deref().is_some_and(is_percent_code))
        .collect()
}

/// For each cell format (`cellXfs`, by index) its number format's code,
/// when it is not General: a custom `numFmt`, or a built-in one (`0.00`,
/// `#,##0`, `0%`, `dd/mm/yyyy`, `mmm-yy`, …).
pub fn style_codes(styles: &str) -> Vec<Option<String>> {
    let builtin = |id: &str| -> Option<&'static str> {
        Some(match id {
            "1" => "0",
            "2" => "0.00",
            "3" => "#,##0",
            "4" => "#,##0.00",
            "9" => "0%",
            "10" => "0.00%",
            "11" => "0.00E+00",
            "14" => "dd/mm/yyyy",
            "15" => "d-mmm-yy",
            "16" => "d-mmm",
            "17" => "mmm-yy",
            "22" => "dd/mm/yyyy hh:mm",
            _ => return None,
        })
    };
    let mut reader = quick_xml::Reader::from_str(styles);
    let mut custom: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Vec::new();
    let mut in_xfs = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                b"numFmt" => {
                    let id = value_of(&e, b"numFmtId", &reader);
                    let code = value_of(&e, b"formatCode", &reader);
                    if let (Some(id), Some(code)) = (id, code) {
                        custom.insert(id.trim().to_string(), code);
                    }
                }
                b"cellXfs" => in_xfs = true,
                b"xf" if in_xfs => {
                    let id = value_of(&e, b"numFmtId", &reader).unwrap_or_default();
                    let id = id.trim();
                    out.push(
                        custom
                            .get(id)
                            .cloned()
                            .or_else(|| builtin(id).map(str::to_string))
                            .filter(|code| !code.eq_ignore_ascii_case("general")),
                    );
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().as_ref() == b"cellXfs" => in_xfs = false,
            Ok(Event::Eof) | Err(_) => return out,
            _ => {}
        }
    }
}

/// An attribute's value by local name, unescaped.
fn value_of(
    e: &quick_xml::events::BytesStart,
    name: &[u8],
    reader: &quick_xml::Reader<&[u8]>,
) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.decode_and_unescape_value(reader.decoder())
                .ok()
                .map(|v| v.into_owned())
        })
}

/// The percent cell formats of an `.xlsx` package (see [`percent_styles`]);
/// empty when it has no styles part.
pub fn xlsx_percent_styles(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Vec<bool> {
    let Ok(mut part) = zip.by_name("xl/styles.xml") else {
        return Vec::new();
    };
    let mut text = String::new();
    if part.read_to_string(&mut text).is_err() {
        return Vec::new();
    }
    percent_styles(&text)
}

/// The cells of an `.ods` package whose value type is `percentage`, by
/// sheet, at the places calamine reads them (rows and columns counted with
/// their repeats).
pub fn ods_percent_cells(bytes: &[u8]) -> PercentCells {
    let mut out = PercentCells::new();
    let Some(xml) = crate::input::ods::content_text(bytes) else {
        return out;
    };
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut sheet: Option<String> = None;
    let (mut row, mut col) = (0u64, 0u64);
    let mut row_repeats = 1u64;
    let number = |v: Option<String>| v.and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(1);
    loop {
        let (e, empty) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(e)) => {
                match e.local_name().as_ref() {
                    b"table-row" => row += row_repeats,
                    b"table" => sheet = None,
                    _ => {}
                }
                continue;
            }
            Ok(Event::Eof) | Err(_) => return out,
            _ => continue,
        };
        match e.local_name().as_ref() {
            b"table" => {
                sheet = value_of(&e, b"name", &reader);
                (row, col) = (0, 0);
            }
            b"table-row" => {
                row_repeats = number(value_of(&e, b"number-rows-repeated", &reader));
                col = 0;
                if empty {
                    row += row_repeats;
                }
            }
            b"table-cell" | b"covered-table-cell" => {
                let repeats = number(value_of(&e, b"number-columns-repeated", &reader));
                let percent = value_of(&e, b"value-type", &reader).as_deref() == Some("percentage");
                if let (true, Some(name)) = (percent, &sheet) {
                    if repeats.saturating_mul(row_repeats) <= MAX_REPEATED {
                        let cells = out.entry(name.clone()).or_default();
                        for r in row..row + row_repeats {
                            for c in col..col + repeats {
                                if let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) {
                                    cells.insert((r, c));
                                }
                            }
                        }
                    }
                }
                col = col.saturating_add(repeats);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_codes() {
        for code in ["0%", "0.0%", "0.00%;[Red]-0.00%", "#,##0.0%"] {
            assert!(is_percent_code(code), "{code}");
        }
        for code in ["0", "0.0", "0\"%\"", "0\\%", "yyyy-mm-dd", "General"] {
            assert!(!is_percent_code(code), "{code}");
        }
    }

    #[test]
    fn styles_built_in_and_custom() {
        let xml = r#"<styleSheet><numFmts count="2"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>
        <cellStyleXfs count="1"><xf numFmtId="9"/></cellStyleXfs>
        <cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165"/><xf numFmtId="9"/><xf numFmtId="10"/></cellXfs></styleSheet>"#;
        assert_eq!(percent_styles(xml), [false, true, false, true, true]);
    }

    #[test]
    fn ods_percentage_cells_with_repeats() {
        use std::io::Write;
        let content = r#"<office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet>
        <table:table table:name="Values">
          <table:table-row><table:table-cell office:value-type="string"><text:p>Indicator</text:p></table:table-cell></table:table-row>
          <table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="percentage" office:value="-0.59"/></table:table-row>
          <table:table-row><table:table-cell office:value-type="float" office:value="-59"/><table:table-cell table:number-columns-repeated="3" office:value-type="percentage" office:value="1.2"/></table:table-row>
        </table:table>
        <table:table table:name="Other"><table:table-row><table:table-cell office:value-type="percentage" office:value="1"/></table:table-row></table:table>
        </office:spreadsheet></office:body></office:document-content>"#;
        let mut buf = Vec::new();
        {
            let mut zip = zip::ZipWriter::new(Cursor::new(&mut buf));
            let o = zip::write::SimpleFileOptions::default();
            zip.start_file("content.xml", o).unwrap();
            zip.write_all(content.as_bytes()).unwrap();
            zip.finish().unwrap();
        }
        let cells = ods_percent_cells(&buf);
        assert_eq!(
            cells["Values"],
            BTreeSet::from([(1, 2), (2, 2), (3, 1), (3, 2), (3, 3)])
        );
        assert_eq!(cells["Other"], BTreeSet::from([(0, 0)]));
    }
}
