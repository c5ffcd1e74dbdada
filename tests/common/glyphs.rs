//! Each printed glyph's box, read back from a PDF with lopdf: where text
//! lies on the page, to find text printed over other text. (pdf-extract
//! reads no widths from the `c1 c2 w` ranges of the fonts Typst writes.)

use std::collections::HashMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object};

/// A glyph as printed: its page (1-based), its character, and its box in
/// points from the page's bottom-left corner, from the baseline up to the
/// cap height (0.7 of the size) and across its advance.
#[derive(Debug, Clone)]
pub struct Glyph {
    pub page: u32,
    pub text: String,
    pub left: f64,
    pub right: f64,
    pub bottom: f64,
    pub top: f64,
    /// The glyph's size in points, as printed.
    pub size: f64,
}

impl Glyph {
    /// Whether two glyphs' boxes overlap by more than `tolerance` points
    /// both across and down.
    pub fn overlaps(&self, other: &Glyph, tolerance: f64) -> bool {
        let across = self.right.min(other.right) - self.left.max(other.left);
        let down = self.top.min(other.top) - self.bottom.max(other.bottom);
        self.page == other.page && across > tolerance && down > tolerance
    }
}

/// A Type0 font's glyph widths (per 1000) and characters, by CID.
#[derive(Default)]
struct Font {
    widths: HashMap<u32, f64>,
    default_width: f64,
    chars: HashMap<u32, String>,
}

fn num(o: &Object) -> f64 {
    o.as_float()
        .map(f64::from)
        .or_else(|_| o.as_i64().map(|i| i as f64))
        .unwrap_or(0.0)
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

fn font(doc: &Document, dict: &Dictionary) -> Font {
    let mut f = Font::default();
    let descendant = dict
        .get(b"DescendantFonts")
        .ok()
        .and_then(|d| resolve(doc, d).as_array().ok())
        .and_then(|a| a.first())
        .and_then(|d| resolve(doc, d).as_dict().ok());
    if let Some(cid) = descendant {
        f.default_width = cid.get(b"DW").map(num).unwrap_or(1000.0);
        if let Ok(w) = cid.get(b"W").map(|w| resolve(doc, w)) {
            let items = w.as_array().cloned().unwrap_or_default();
            let mut i = 0;
            while i + 1 < items.len() {
                let first = num(&items[i]) as u32;
                match resolve(doc, &items[i + 1]) {
                    Object::Array(ws) => {
                        for (k, w) in ws.iter().enumerate() {
                            f.widths.insert(first + k as u32, num(w));
                        }
                        i += 2;
                    }
                    last => {
                        let (last, w) = (num(last) as u32, num(&items[i + 2]));
                        for c in first..=last {
                            f.widths.insert(c, w);
                        }
                        i += 3;
                    }
                }
            }
        }
    }
    if let Some(Object::Stream(s)) = dict.get(b"ToUnicode").ok().map(|o| resolve(doc, o)) {
        let data = s
            .decompressed_content()
            .unwrap_or_else(|_| s.content.clone());
        f.chars = to_unicode(&String::from_utf8_lossy(&data));
    }
    f
}

/// The `bfchar` and `bfrange` entries of a ToUnicode CMap.
fn to_unicode(cmap: &str) -> HashMap<u32, String> {
    let hex = |s: &str| u32::from_str_radix(s.trim_matches(['<', '>']), 16).unwrap_or(0);
    let text = |s: &str| {
        let s = s.trim_matches(['<', '>']);
        let units: Vec<u16> = (0..s.len() / 4)
            .map(|i| u16::from_str_radix(&s[i * 4..i * 4 + 4], 16).unwrap_or(0xfffd))
            .collect();
        String::from_utf16_lossy(&units)
    };
    let mut out = HashMap::new();
    let mut section = "";
    for line in cmap.lines() {
        let line = line.trim();
        if line.ends_with("beginbfchar") || line.ends_with("beginbfrange") {
            section = if line.ends_with("beginbfchar") {
                "char"
            } else {
                "range"
            };
            continue;
        }
        if line.starts_with("endbf") {
            section = "";
            continue;
        }
        let tokens: Vec<&str> = line.split_whitespace().collect();
        match (section, tokens.as_slice()) {
            ("char", [code, dst]) => {
                out.insert(hex(code), text(dst));
            }
            ("range", [lo, hi, dst]) if dst.starts_with('<') => {
                let start = text(dst).chars().next().map_or(0, |c| c as u32);
                for (k, code) in (hex(lo)..=hex(hi)).enumerate() {
                    let c = char::from_u32(start + k as u32).unwrap_or('\u{fffd}');
                    out.insert(code, c.to_string());
                }
            }
            _ => {}
        }
    }
    out
}

/// The product of two PDF matrices `[a b c d e f]` (`a` then `b`).
pub fn mul(a: [f64; 6], b: [f64; 6]) -> [f64; 6] {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

/// Every glyph of the pages' content streams, page by page, in the order
/// printed. Rotated text (the draft's watermark) is left out: it lies over
/// the page by design.
pub fn glyphs(pdf: &[u8]) -> Vec<Glyph> {
    let doc = Document::load_mem(pdf).expect("the PDF parses");
    let mut out = Vec::new();
    for (page, id) in doc.get_pages() {
        let mut fonts: HashMap<Vec<u8>, Font> = HashMap::new();
        let (resources, ids) = doc.get_page_resources(id).expect("page resources");
        let dicts = resources
            .into_iter()
            .chain(ids.iter().filter_map(|i| doc.get_dictionary(*i).ok()));
        for res in dicts {
            if let Ok(fs) = res.get(b"Font").map(|f| resolve(&doc, f)) {
                for (name, f) in fs.as_dict().map(|d| d.iter()).into_iter().flatten() {
                    if let Ok(d) = resolve(&doc, f).as_dict() {
                        fonts.entry(name.clone()).or_insert_with(|| font(&doc, d));
                    }
                }
            }
        }
        let content = doc.get_page_content(id).expect("page content");
        let ops = Content::decode(&content)
            .expect("content decodes")
            .operations;
        let identity = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
        let mut stack = vec![identity];
        let (mut tm, mut tlm) = (identity, identity);
        let (mut size, mut spacing, mut scale, mut leading) = (0.0, 0.0, 1.0, 0.0);
        let mut current: Option<&Font> = None;
        for op in ops {
            let a: Vec<f64> = op.operands.iter().map(num).collect();
            match op.operator.as_str() {
                "q" => stack.push(*stack.last().unwrap()),
                "Q" => {
                    stack.pop();
                }
                "cm" => {
                    let m = stack.last_mut().unwrap();
                    *m = mul([a[0], a[1], a[2], a[3], a[4], a[5]], *m);
                }
                "BT" => (tm, tlm) = (identity, identity),
                "Tm" => {
                    tlm = [a[0], a[1], a[2], a[3], a[4], a[5]];
                    tm = tlm;
                }
                "Td" | "TD" => {
                    if op.operator == "TD" {
                        leading = -a[1];
                    }
                    tlm = mul([1.0, 0.0, 0.0, 1.0, a[0], a[1]], tlm);
                    tm = tlm;
                }
                "T*" => {
                    tlm = mul([1.0, 0.0, 0.0, 1.0, 0.0, -leading], tlm);
                    tm = tlm;
                }
                "TL" => leading = a[0],
                "Tc" => spacing = a[0],
                "Tz" => scale = a[0] / 100.0,
                "Tf" => {
                    size = a[1];
                    current = op.operands[0].as_name().ok().and_then(|n| fonts.get(n));
                }
                "Tj" | "TJ" => {
                    let parts: Vec<Object> = match op.operator.as_str() {
                        "TJ" => op.operands[0].as_array().cloned().unwrap_or_default(),
                        _ => op.operands.clone(),
                    };
                    for part in parts {
                        match part {
                            Object::String(bytes, _) => {
                                for pair in bytes.chunks(2) {
                                    let cid =
                                        pair.iter().fold(0u32, |acc, b| acc * 256 + *b as u32);
                                    let f = current;
                                    let w = f
                                        .and_then(|f| f.widths.get(&cid).copied())
                                        .unwrap_or_else(|| f.map_or(0.0, |f| f.default_width));
                                    let m = mul(tm, *stack.last().unwrap());
                                    let advance = (w / 1000.0 * size + spacing) * scale;
                                    let text = f
                                        .and_then(|f| f.chars.get(&cid).cloned())
                                        .unwrap_or_default();
                                    let rotated = m[1].abs() > 1e-6 || m[2].abs() > 1e-6;
                                    if !rotated && !text.trim().is_empty() {
                                        let printed = size * m[3].abs();
                                        out.push(Glyph {
                                            page,
                                            text,
                                            left: m[4],
                                            right: m[4] + w / 1000.0 * size * m[0].abs(),
                                            bottom: m[5],
                                            top: m[5] + 0.7 * printed,
                                            size: printed,
                                        });
                                    }
                                    tm = mul([1.0, 0.0, 0.0, 1.0, advance, 0.0], tm);
                                }
                            }
                            adjust => {
                                let tx = -num(&adjust) / 1000.0 * size * scale;
                                tm = mul([1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// The first pair of glyphs on `page` whose boxes overlap by more than
/// half a point: text printed over other text. A glyph kerned into the
/// one printed just before it on its line ("Te") is not.
pub fn first_overlap(glyphs: &[Glyph], page: u32) -> Option<(Glyph, Glyph)> {
    let on: Vec<&Glyph> = glyphs.iter().filter(|g| g.page == page).collect();
    for (i, a) in on.iter().enumerate() {
        for (k, b) in on[i + 1..].iter().enumerate() {
            let kerned = k == 0 && (a.bottom - b.bottom).abs() < 0.01 && b.left > a.left;
            if !kerned && a.overlaps(b, 0.5) {
                return Some(((*a).clone(), (*b).clone()));
            }
        }
    }
    None
}

/// The words printed on `page`, each with its box: glyphs run together on
/// one baseline with no gap wider than a fifth of their size.
pub fn words(glyphs: &[Glyph], page: u32) -> Vec<Glyph> {
    let mut out: Vec<Glyph> = Vec::new();
    for g in glyphs.iter().filter(|g| g.page == page) {
        if let Some(w) = out.last_mut() {
            let same_line = (w.bottom - g.bottom).abs() < 0.5 && (w.size - g.size).abs() < 0.1;
            let gap = g.left - w.right;
            if same_line && gap > -0.5 && gap < 0.2 * g.size {
                w.text.push_str(&g.text);
                w.right = g.right;
                continue;
            }
        }
        out.push(g.clone());
    }
    out
}
