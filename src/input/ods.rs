//! What calamine's `.ods` reader does not say: the cells holding a
//! formula error (`#DIV/0!`, `#N/A`). LibreOffice saves them as an empty
//! string marked `calcext:value-type="error"`, Gnumeric as the error's
//! text; calamine reads the first as an empty cell. One streaming pass over
//! `content.xml`, counting rows and columns as calamine does.
//! Enters: the package's bytes; leaves: each sheet's error cells.

use std::collections::BTreeMap;
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
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return out;
    };
    let Ok(mut part) = zip.by_name("content.xml") else {
        return out;
    };
    let mut xml = String::new();
    if part.read_to_string(&mut xml).is_err() {
        return out;
    }
    drop(part);
    scan(&xml, &mut out);
    out
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

/// The package with `content.xml` as calamine reads it, or `None` when it
/// already is or the package is not readable (calamine then says why): the
/// indentation between elements taken out (Gnumeric indents it; calamine
/// reads only compact XML), and a tab (`<text:tab/>`) and a line break
/// within a paragraph (`<text:line-break/>`, Gnumeric's Alt+Enter) as the
/// characters, which calamine would drop (`Increasein`). Whitespace-only
/// text holding a line break is indentation: within a cell's paragraph,
/// spaces are written as `<text:s/>`.
pub fn compact(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut xml = Vec::new();
    zip.by_name("content.xml")
        .ok()?
        .read_to_end(&mut xml)
        .ok()?;
    let indented = xml.windows(2).any(|w| w == b">\n" || w == b">\r");
    let breaks = |tag: &[u8]| xml.windows(tag.len()).any(|w| w == tag);
    if !indented && !breaks(b"<text:tab") && !breaks(b"<text:line-break") {
        return None;
    }
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut writer = quick_xml::Writer::new(Vec::with_capacity(xml.len()));
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) => break,
            Ok(Event::Text(t))
                if t.iter().all(u8::is_ascii_whitespace)
                    && t.iter().any(|b| matches!(b, b'\n' | b'\r')) => {}
            Ok(Event::Empty(e)) | Ok(Event::Start(e))
                if matches!(e.name().as_ref(), b"text:tab" | b"text:line-break") =>
            {
                let c = match e.name().as_ref() {
                    b"text:tab" => "\t",
                    _ => "\n",
                };
                writer.write_event(Event::Text(BytesText::new(c))).ok()?;
            }
            Ok(Event::End(e)) if matches!(e.name().as_ref(), b"text:tab" | b"text:line-break") => {}
            Ok(e) => writer.write_event(e).ok()?,
            Err(_) => return None,
        }
        buf.clear();
    }
    let content = writer.into_inner();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len())));
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
            &content
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
}
