//! The look of an `.xlsx` workbook's cells, read from the package so that
//! `boardpack next` writes next quarter's workbook looking as the analyst
//! left this one (issue #27): each cell's number format, font (bold,
//! italic, underline, colour, size, name), fill colour, borders, alignment
//! and wrapping; each column's width and whether it is hidden; each row's
//! height and whether it is hidden; and frozen header rows and columns.
//!
//! Enters: the `.xlsx` bytes (already within the input limits). Leaves:
//! [`SheetStyles`] by sheet name, empty for anything that is not an
//! `.xlsx` (an `.ods` starts next quarter's `.xlsx` with its values, number
//! formats, drop-downs and hidden sheets only).
//!
//! Colours are resolved to RGB here: a theme colour (what Excel's palette
//! writes) through the package's theme and its tint, an RGB one as it is.

use std::collections::BTreeMap;
use std::io::Cursor;

use quick_xml::events::{BytesStart, Event};

use crate::input::cells::{cell_position, part, sheet_parts};
use crate::input::formats::style_codes;

/// How one cell looks. Everything not set is Excel's default.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CellStyle {
    /// The number format code when it is not General (`mmm-yy`, `#,##0`).
    pub number_format: Option<String>,
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
    /// Font colour, `0xRRGGBB`.
    pub font_colour: Option<u32>,
    /// Font size in points, when not the default 11.
    pub font_size: Option<f64>,
    pub font_name: Option<String>,
    /// A solid fill's colour, `0xRRGGBB`.
    pub fill: Option<u32>,
    /// A thin (or heavier) border on some side.
    pub border: Borders,
    /// `left`, `center`, `right` …
    pub horizontal: Option<String>,
    /// `top`, `center`, `bottom`.
    pub vertical: Option<String>,
    pub wrap: bool,
}

/// Which sides of a cell have a border (any style is written thin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Borders {
    pub left: bool,
    pub right: bool,
    pub top: bool,
    pub bottom: bool,
}

impl CellStyle {
    /// True when the cell looks as Excel's default does.
    pub fn is_plain(&self) -> bool {
        *self == CellStyle::default()
    }
}

/// A column's (or a run of columns') width and visibility.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnLook {
    /// 0-based first and last column.
    pub first: u16,
    pub last: u16,
    /// Width as the package stores it (characters of the default font,
    /// with the cell's padding: Excel's 8.43 is stored 9.140625), when set.
    pub width: Option<f64>,
    pub hidden: bool,
    /// The column's own style (what a value typed into an empty cell of it
    /// gets: a date format for the months to come), when not plain.
    pub style: Option<CellStyle>,
}

/// A row's height and visibility.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RowLook {
    /// Height in points, when set by the analyst.
    pub height: Option<f64>,
    pub hidden: bool,
}

/// The look of one sheet.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SheetStyles {
    /// Each styled cell (including empty ones: a coloured header row), by
    /// 0-based (row, column).
    pub cells: BTreeMap<(u32, u32), CellStyle>,
    pub columns: Vec<ColumnLook>,
    /// By 0-based row.
    pub rows: BTreeMap<u32, RowLook>,
    /// Frozen rows and columns (the header kept in view), when frozen.
    pub frozen: Option<(u32, u16)>,
    /// The filter's range (first row, first column, last row, last
    /// column), 0-based, when the sheet has a filter.
    pub filter: Option<(u32, u16, u32, u16)>,
}

/// The look of each sheet of an `.xlsx`, by sheet name.
pub fn sheet_styles(bytes: &[u8]) -> BTreeMap<String, SheetStyles> {
    let mut out = BTreeMap::new();
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return out;
    };
    let theme = part(&mut zip, "xl/theme/theme1.xml")
        .map(|t| theme_colours(&t))
        .unwrap_or_default();
    let styles = part(&mut zip, "xl/styles.xml")
        .map(|s| cell_styles(&s, &theme))
        .unwrap_or_default();
    for (name, path) in sheet_parts(&mut zip) {
        let Some(xml) = part(&mut zip, &path) else {
            continue;
        };
        out.insert(name, sheet_look(&xml, &styles));
    }
    out
}

/// The number format of each cell whose format is not General, by sheet
/// name and (row, column), 0-based.
pub fn number_formats(bytes: &[u8]) -> BTreeMap<String, BTreeMap<(u32, u32), String>> {
    sheet_styles(bytes)
        .into_iter()
        .map(|(name, look)| {
            let cells: BTreeMap<_, _> = look
                .cells
                .into_iter()
                .filter_map(|(at, style)| Some((at, style.number_format?)))
                .collect();
            (name, cells)
        })
        .filter(|(_, cells)| !cells.is_empty())
        .collect()
}

/// An attribute's value by local name, unescaped.
fn value(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| {
            let raw = String::from_utf8_lossy(&a.value).into_owned();
            quick_xml::escape::unescape(&raw)
                .map(|v| v.into_owned())
                .unwrap_or(raw)
        })
}

fn flag(e: &BytesStart, name: &[u8]) -> Option<bool> {
    value(e, name).map(|v| matches!(v.trim(), "1" | "true"))
}

/// The theme's colours in the order a `theme="N"` attribute counts them:
/// light 1, dark 1, light 2, dark 2, accents 1–6, hyperlink, followed
/// hyperlink (Excel swaps the scheme's first two pairs).
fn theme_colours(xml: &str) -> Vec<u32> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut scheme: Vec<u32> = Vec::new();
    let mut in_scheme = false;
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"clrScheme" => in_scheme = true,
            Ok(Event::End(e)) if e.local_name().as_ref() == b"clrScheme" => break,
            Ok(Event::Start(_)) if in_scheme => depth += 1,
            Ok(Event::End(_)) if in_scheme => depth = depth.saturating_sub(1),
            Ok(Event::Empty(e)) | Ok(Event::Start(e)) if in_scheme && depth > 0 => {
                let rgb = match e.local_name().as_ref() {
                    b"srgbClr" => value(&e, b"val"),
                    b"sysClr" => value(&e, b"lastClr"),
                    _ => None,
                };
                if let Some(rgb) = rgb.and_then(|v| u32::from_str_radix(v.trim(), 16).ok()) {
                    scheme.push(rgb & 0xFF_FFFF);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    if scheme.len() >= 4 {
        scheme.swap(0, 1);
        scheme.swap(2, 3);
    }
    scheme
}

/// A colour element's RGB (`rgb="FFRRGGBB"`, or `theme` with `tint`);
/// `None` for automatic and indexed colours.
fn colour(e: &BytesStart, theme: &[u32]) -> Option<u32> {
    if let Some(rgb) = value(e, b"rgb") {
        return u32::from_str_radix(rgb.trim(), 16)
            .ok()
            .map(|v| v & 0xFF_FFFF);
    }
    let base = *theme.get(value(e, b"theme")?.trim().parse::<usize>().ok()?)?;
    let tint = value(e, b"tint")
        .and_then(|t| t.trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    Some(tinted(base, tint))
}

/// A colour lightened (tint > 0) or darkened (tint < 0) in HSL, as
/// spreadsheet programs apply a theme colour's tint.
fn tinted(rgb: u32, tint: f64) -> u32 {
    if tint == 0.0 || !tint.is_finite() {
        return rgb;
    }
    let [r, g, b] = [16, 8, 0].map(|s| ((rgb >> s) & 0xFF) as f64 / 255.0);
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let l = (max + min) / 2.0;
    let d = max - min;
    let s = if d == 0.0 {
        0.0
    } else {
        d / (1.0 - (2.0 * l - 1.0).abs())
    };
    let h = if d == 0.0 {
        0.0
    } else if max == r {
        ((g - b) / d).rem_euclid(6.0)
    } else if max == g {
        (b - r) / d + 2.0
    } else {
        (r - g) / d + 4.0
    };
    let l = if tint < 0.0 {
        l * (1.0 + tint)
    } else {
        l * (1.0 - tint) + tint
    }
    .clamp(0.0, 1.0);
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - (h.rem_euclid(2.0) - 1.0).abs());
    let m = l - c / 2.0;
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let byte = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u32;
    (byte(r) << 16) | (byte(g) << 8) | byte(b)
}

#[derive(Default, Clone)]
struct Font {
    bold: bool,
    italic: bool,
    underline: bool,
    colour: Option<u32>,
    size: Option<f64>,
    name: Option<String>,
}

/// Each cell format (`cellXfs`, by index) as a [`CellStyle`].
fn cell_styles(xml: &str, theme: &[u32]) -> Vec<CellStyle> {
    let codes = style_codes(xml);
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut fonts: Vec<Font> = Vec::new();
    let mut fills: Vec<Option<u32>> = Vec::new();
    let mut borders: Vec<Borders> = Vec::new();
    let mut out: Vec<CellStyle> = Vec::new();
    // Where the reader is: which list, and the font, fill, border or cell
    // format being read.
    let mut section: &[u8] = b"";
    let mut font: Option<Font> = None;
    let mut fill: Option<(bool, Option<u32>)> = None;
    let mut border: Option<Borders> = None;
    let mut xf: Option<CellStyle> = None;
    // The fonts' default size (the first font's), not carried.
    let mut default_size: Option<f64> = None;
    loop {
        let (event, empty) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(e)) => {
                match e.local_name().as_ref() {
                    b"fonts" | b"fills" | b"borders" | b"cellXfs" => section = b"",
                    b"font" => {
                        if let Some(f) = font.take() {
                            fonts.push(f);
                        }
                    }
                    b"fill" => fills.push(fill.take().and_then(|(solid, c)| c.filter(|_| solid))),
                    b"border" => borders.push(border.take().unwrap_or_default()),
                    b"xf" if section == b"cellXfs" => {
                        if let Some(x) = xf.take() {
                            out.push(x);
                        }
                    }
                    _ => {}
                }
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => continue,
        };
        let e = event;
        match (e.local_name().as_ref(), section) {
            (b"fonts", _) => section = b"fonts",
            (b"fills", _) => section = b"fills",
            (b"borders", _) => section = b"borders",
            (b"cellXfs", _) => section = b"cellXfs",
            (b"font", b"fonts") => {
                font = Some(Font::default());
                if empty {
                    fonts.push(Font::default());
                    font = None;
                }
            }
            (name, b"fonts") => {
                if let Some(f) = font.as_mut() {
                    let on = || flag(&e, b"val").unwrap_or(true);
                    match name {
                        b"b" => f.bold = on(),
                        b"i" => f.italic = on(),
                        b"u" => f.underline = value(&e, b"val").as_deref() != Some("none"),
                        b"color" => f.colour = colour(&e, theme),
                        b"sz" => {
                            let size = value(&e, b"val").and_then(|v| v.trim().parse().ok());
                            if fonts.is_empty() {
                                default_size = size;
                            } else if size != default_size {
                                f.size = size;
                            }
                        }
                        b"name" if !fonts.is_empty() => f.name = value(&e, b"val"),
                        _ => {}
                    }
                }
            }
            (b"fill", b"fills") => {
                fill = Some((false, None));
                if empty {
                    fills.push(None);
                    fill = None;
                }
            }
            (b"patternFill", b"fills") => {
                if let Some(f) = fill.as_mut() {
                    f.0 = value(&e, b"patternType").as_deref() == Some("solid");
                }
            }
            (b"fgColor", b"fills") => {
                if let Some(f) = fill.as_mut() {
                    f.1 = colour(&e, theme);
                }
            }
            (b"border", b"borders") => {
                border = Some(Borders::default());
                if empty {
                    borders.push(Borders::default());
                    border = None;
                }
            }
            (name @ (b"left" | b"right" | b"top" | b"bottom" | b"start" | b"end"), b"borders") => {
                let styled = value(&e, b"style").is_some_and(|s| s != "none");
                if let Some(b) = border.as_mut() {
                    match name {
                        b"left" | b"start" => b.left |= styled,
                        b"right" | b"end" => b.right |= styled,
                        b"top" => b.top |= styled,
                        _ => b.bottom |= styled,
                    }
                }
            }
            (b"xf", b"cellXfs") => {
                let index = |name: &[u8]| {
                    value(&e, name)
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0)
                };
                let f = fonts.get(index(b"fontId")).cloned().unwrap_or_default();
                let style = CellStyle {
                    number_format: codes.get(out.len()).cloned().flatten(),
                    bold: f.bold,
                    italic: f.italic,
                    underline: f.underline,
                    // Black text is the default; leave it so.
                    font_colour: f.colour.filter(|&c| c != 0),
                    font_size: f.size,
                    font_name: f.name.filter(|n| !n.eq_ignore_ascii_case("Calibri")),
                    fill: fills.get(index(b"fillId")).copied().flatten(),
                    border: borders.get(index(b"borderId")).copied().unwrap_or_default(),
                    ..CellStyle::default()
                };
                if empty {
                    out.push(style);
                } else {
                    xf = Some(style);
                }
            }
            (b"alignment", b"cellXfs") => {
                if let Some(x) = xf.as_mut() {
                    x.horizontal = value(&e, b"horizontal").filter(|h| h != "general");
                    x.vertical = value(&e, b"vertical").filter(|v| v != "bottom");
                    x.wrap = flag(&e, b"wrapText").unwrap_or(false);
                }
            }
            _ => {}
        }
    }
    out
}

/// One sheet's look: its styled cells, columns, rows and frozen panes.
fn sheet_look(xml: &str, styles: &[CellStyle]) -> SheetStyles {
    let mut look = SheetStyles::default();
    let mut reader = quick_xml::Reader::from_str(xml);
    // Cells and rows without a reference follow the one before.
    let mut row: u32 = 0;
    let mut col: u32 = 0;
    let mut rows_seen = false;
    loop {
        let e = match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => e,
            Ok(Event::Eof) | Err(_) => break,
            _ => continue,
        };
        match e.local_name().as_ref() {
            b"pane" if value(&e, b"state").is_some_and(|s| s.starts_with("frozen")) => {
                let split = |n: &[u8]| {
                    value(&e, n)
                        .and_then(|v| v.trim().parse::<f64>().ok())
                        .unwrap_or(0.0)
                };
                let (rows, cols) = (split(b"ySplit"), split(b"xSplit"));
                if (rows > 0.0 || cols > 0.0) && rows < 1e6 && cols < 16_384.0 {
                    look.frozen = Some((rows as u32, cols as u16));
                }
            }
            b"col" => {
                let n = |name: &[u8]| value(&e, name).and_then(|v| v.trim().parse::<u32>().ok());
                let (Some(first), Some(last)) = (n(b"min"), n(b"max")) else {
                    continue;
                };
                if first == 0 || last < first || last > 16_384 {
                    continue;
                }
                let custom = flag(&e, b"customWidth").unwrap_or(false);
                let width = value(&e, b"width")
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .filter(|w| custom && w.is_finite() && *w >= 0.0 && *w <= 255.0);
                let hidden = flag(&e, b"hidden").unwrap_or(false);
                let style = value(&e, b"style")
                    .and_then(|s| s.trim().parse::<usize>().ok())
                    .and_then(|s| styles.get(s))
                    .filter(|s| !s.is_plain())
                    .cloned();
                if width.is_some() || hidden || style.is_some() {
                    look.columns.push(ColumnLook {
                        first: (first - 1) as u16,
                        last: (last - 1) as u16,
                        width,
                        hidden,
                        style,
                    });
                }
            }
            b"autoFilter" => {
                let range = value(&e, b"ref").unwrap_or_default();
                let (from, to) = range.split_once(':').unwrap_or((&range, &range));
                let ends = cell_position(from.trim()).zip(cell_position(to.trim()));
                if let Some(((r0, c0), (r1, c1))) = ends {
                    if r0 <= r1 && c0 <= c1 && c1 < 16_384 {
                        look.filter = Some((r0, c0 as u16, r1, c1 as u16));
                    }
                }
            }
            b"row" => {
                row = match value(&e, b"r").and_then(|v| v.trim().parse::<u32>().ok()) {
                    Some(r) if r > 0 => r - 1,
                    _ if rows_seen => row + 1,
                    _ => 0,
                };
                rows_seen = true;
                col = 0;
                let custom = flag(&e, b"customHeight").unwrap_or(false);
                let height = value(&e, b"ht")
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .filter(|h| custom && h.is_finite() && *h > 0.0 && *h <= 409.0);
                let hidden = flag(&e, b"hidden").unwrap_or(false);
                if height.is_some() || hidden {
                    look.rows.insert(row, RowLook { height, hidden });
                }
            }
            b"c" => {
                let at = value(&e, b"r")
                    .and_then(|r| cell_position(&r))
                    .unwrap_or((row, col));
                col = at.1 + 1;
                let style = value(&e, b"s")
                    .and_then(|s| s.trim().parse::<usize>().ok())
                    .and_then(|s| styles.get(s))
                    .filter(|s| !s.is_plain());
                if let Some(style) = style {
                    look.cells.insert(at, style.clone());
                }
            }
            _ => {}
        }
    }
    look
}

#[cfg(test)]
mod tests {
    use super::*;

    const THEME: &str = r#"<a:theme xmlns:a="x"><a:themeElements><a:clrScheme name="Office">
        <a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>
        <a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>
        <a:dk2><a:srgbClr val="44546A"/></a:dk2>
        <a:lt2><a:srgbClr val="E7E6E6"/></a:lt2>
        <a:accent1><a:srgbClr val="4472C4"/></a:accent1>
        </a:clrScheme></a:themeElements></a:theme>"#;

    #[test]
    fn theme_colours_count_light_before_dark() {
        let theme = theme_colours(THEME);
        assert_eq!(
            theme,
            vec![0xFFFFFF, 0x000000, 0xE7E6E6, 0x44546A, 0x4472C4]
        );
    }

    #[test]
    fn a_tint_lightens_or_darkens_in_hsl() {
        // Excel shows "Blue, Accent 1, Lighter 80%" of 4472C4 as D9E1F2;
        // HSL gives the near DAE3F3, as LibreOffice does.
        assert_eq!(tinted(0x4472C4, 0.7999816888943144), 0xDAE3F3);
        // "Darker 50%" of white is 808080 (rounded to 7F or 80).
        let dark = tinted(0xFFFFFF, -0.4999847407452621);
        assert!((0x7F7F7F..=0x808080).contains(&dark), "{dark:06X}");
        assert_eq!(tinted(0x123456, 0.0), 0x123456);
    }

    #[test]
    fn cell_formats_carry_font_fill_border_alignment_and_number_format() {
        let styles = r#"<styleSheet>
          <numFmts count="1"><numFmt numFmtId="164" formatCode="mmm\-yy"/></numFmts>
          <fonts count="3">
            <font><sz val="11"/><name val="Calibri"/></font>
            <font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/></font>
            <font><i/><sz val="14"/><color theme="4"/><name val="Arial"/></font>
          </fonts>
          <fills count="3">
            <fill><patternFill patternType="none"/></fill>
            <fill><patternFill patternType="gray125"/></fill>
            <fill><patternFill patternType="solid"><fgColor rgb="FF1F3864"/><bgColor indexed="64"/></patternFill></fill>
          </fills>
          <borders count="2"><border/><border><left style="thin"/><right/><top/><bottom style="medium"><color auto="1"/></bottom></border></borders>
          <cellXfs count="4">
            <xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>
            <xf numFmtId="164" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>
            <xf numFmtId="0" fontId="1" fillId="2" borderId="1"><alignment horizontal="center" wrapText="1"/></xf>
            <xf numFmtId="9" fontId="2" fillId="1" borderId="0"/>
          </cellXfs></styleSheet>"#;
        let s = cell_styles(styles, &theme_colours(THEME));
        assert_eq!(s.len(), 4);
        assert!(s[0].is_plain());
        assert_eq!(s[1].number_format.as_deref(), Some("mmm\\-yy"));
        assert!(s[2].bold && s[2].wrap);
        assert_eq!(s[2].fill, Some(0x1F3864));
        assert_eq!(s[2].font_colour, Some(0xFFFFFF));
        assert_eq!(s[2].horizontal.as_deref(), Some("center"));
        assert_eq!(
            s[2].border,
            Borders {
                left: true,
                bottom: true,
                ..Borders::default()
            }
        );
        assert!(s[3].italic && !s[3].bold);
        assert_eq!(s[3].font_size, Some(14.0));
        assert_eq!(s[3].font_name.as_deref(), Some("Arial"));
        assert_eq!(s[3].font_colour, Some(0x4472C4));
        // A gray125 pattern is not a solid fill.
        assert_eq!(s[3].fill, None);
        assert_eq!(s[3].number_format.as_deref(), Some("0%"));
    }

    #[test]
    fn a_sheet_keeps_empty_styled_cells_widths_heights_and_frozen_rows() {
        let styles = vec![
            CellStyle::default(),
            CellStyle {
                bold: true,
                fill: Some(0xFFFF00),
                ..CellStyle::default()
            },
        ];
        let xml = r#"<worksheet><sheetViews><sheetView><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>
          <cols><col min="1" max="1" width="30.5" customWidth="1"/><col min="3" max="5" width="9" hidden="1"/><col min="6" max="6" width="12"/><col min="7" max="7" style="1"/></cols>
          <sheetData><row r="1" ht="30" customHeight="1"><c r="A1" s="1" t="s"><v>0</v></c><c r="HZ1" s="1"/><c s="1"/></row>
          <row r="4" hidden="1"><c r="B4" s="0"><v>3</v></c></row></sheetData><autoFilter ref="A1:G40"/></worksheet>"#;
        let look = sheet_look(xml, &styles);
        assert_eq!(look.frozen, Some((1, 0)));
        assert_eq!(
            look.columns,
            vec![
                ColumnLook {
                    first: 0,
                    last: 0,
                    width: Some(30.5),
                    hidden: false,
                    style: None,
                },
                ColumnLook {
                    first: 2,
                    last: 4,
                    width: None,
                    hidden: true,
                    style: None,
                },
                ColumnLook {
                    first: 6,
                    last: 6,
                    width: None,
                    hidden: false,
                    style: Some(styles[1].clone()),
                },
            ]
        );
        assert_eq!(look.filter, Some((0, 0, 39, 6)));
        assert_eq!(look.rows[&0].height, Some(30.0));
        assert!(look.rows[&3].hidden);
        // HZ1 and the cell after it, with no reference, are styled; B4 is plain.
        let at: Vec<_> = look.cells.keys().copied().collect();
        assert_eq!(at, vec![(0, 0), (0, 233), (0, 234)]);
    }
}
