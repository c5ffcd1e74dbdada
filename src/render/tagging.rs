//! What a layout cannot tag in Typst 0.15 (issue #31), set in the structure
//! tree typst-pdf wrote, as one incremental update appended to its bytes
//! (which stay the update's unchanged prefix; deterministic, as `verify`
//! needs):
//!
//! - an abbreviation's expansion (`/E`: `NA` "not available", `L.YTD` "last
//!   year to date", `£20.3m` "20.3 million pounds"): the layout prints each
//!   such text in a highlight of no colour (nothing drawn) whose fill names
//!   it ([`marks`]); typst-pdf tags that text, and only it, as a `Span` with
//!   the fill as its `/BackgroundColor`, which is replaced by the expansion;
//! - a footnote mark (and a note's own number), tagged `Lbl` around its
//!   `Link` outside any list (PDF/UA keeps `Lbl` for lists), becomes a
//!   `Reference`;
//! - a data cell spanning several columns (the SPC reading across the
//!   figure columns) keeps only its row's header in `/Headers`: it was
//!   announced under every column it spans ("Baseline" … "Projection").

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::compute::records::Records;
use crate::compute::wording;
use crate::pdf_update::{self, text};

/// The red channel of a highlight that marks an abbreviation: green and
/// blue number it (from 1), alpha 0 so that nothing shows.
const MARK_RED: u8 = 0xB0;

/// The printed texts that need an expansion, sorted: the n-th (from 0) is
/// marked by the colour `#B0gggb00` with `g * 256 + b == n + 1`.
pub fn abbreviations(records: &Records) -> Vec<String> {
    let cells = records
        .rows
        .iter()
        .flat_map(|r| r.cells.values().map(|c| &c.text));
    let heads = records
        .priorities
        .iter()
        .flat_map(|p| p.columns.iter().map(|h| &h.label));
    let found: BTreeSet<&String> = cells
        .chain(heads)
        .filter(|t| wording::spoken(t).is_some())
        .collect();
    found.into_iter().take(0xFFFE).cloned().collect()
}

/// What `render.json` gives the layout: the highlight colour of each
/// printed text to expand.
pub fn marks(abbreviations: &[String]) -> BTreeMap<&str, String> {
    abbreviations
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let n = i + 1;
            (
                t.as_str(),
                format!("#{MARK_RED:02x}{:02x}{:02x}00", n >> 8, n & 0xFF),
            )
        })
        .collect()
}

/// The mark's number (from 0) in a `/BackgroundColor [r g b]` (0 to 1).
fn mark_of(color: &Object) -> Option<usize> {
    let c = color.as_array().ok()?;
    let byte = |o: &Object| -> Option<u8> {
        let v = match o {
            Object::Real(r) => f64::from(*r),
            Object::Integer(i) => *i as f64,
            _ => return None,
        };
        let b = (v * 255.0).round();
        (0.0..=255.0).contains(&b).then_some(b as u8)
    };
    let [r, g, b] = c.as_slice() else { return None };
    if byte(r)? != MARK_RED {
        return None;
    }
    let n = usize::from(byte(g)?) << 8 | usize::from(byte(b)?);
    n.checked_sub(1)
}

/// `pdf` with its structure tree completed (see the module), or unchanged
/// when nothing needs it.
pub fn refine(pdf: Vec<u8>, abbreviations: &[String]) -> Result<Vec<u8>, String> {
    let doc = Document::load_mem(&pdf).map_err(|e| format!("the PDF cannot be read ({e})"))?;
    let role = |d: &Dictionary| {
        d.get(b"S")
            .and_then(Object::as_name)
            .ok()
            .map(<[u8]>::to_vec)
    };
    let dict_of = |o: &Object| -> Option<Dictionary> {
        match o {
            Object::Reference(id) => doc.get_dictionary(*id).ok().cloned(),
            Object::Dictionary(d) => Some(d.clone()),
            _ => None,
        }
    };
    // Every structure element's dictionary, by object; the row headers' IDs.
    let elems: BTreeMap<ObjectId, &Dictionary> = doc
        .objects
        .iter()
        .filter_map(|(id, o)| o.as_dict().ok().map(|d| (*id, d)))
        .filter(|(_, d)| role(d).is_some() && d.has(b"P"))
        .collect();
    let attrs = |d: &Dictionary| -> Vec<Dictionary> {
        // (one attribute dictionary, or an array of them)
        match d.get(b"A") {
            Ok(Object::Array(a)) => a.iter().filter_map(dict_of).collect(),
            Ok(o) => dict_of(o).into_iter().collect(),
            Err(_) => Vec::new(),
        }
    };
    let row_headers: BTreeSet<Vec<u8>> = elems
        .values()
        .filter(|d| role(d).as_deref() == Some(b"TH"))
        .filter(|d| {
            attrs(d)
                .iter()
                .any(|a| a.get(b"Scope").and_then(Object::as_name).ok() == Some(b"Row".as_slice()))
        })
        .filter_map(|d| {
            d.get(b"ID")
                .and_then(Object::as_str)
                .ok()
                .map(<[u8]>::to_vec)
        })
        .collect();

    let mut changed: Vec<(ObjectId, Dictionary)> = Vec::new();
    for (id, d) in &elems {
        let mut d = (*d).clone();
        let before = d.clone();
        match role(&d).as_deref() {
            Some(b"Span") => expand(&mut d, abbreviations)?,
            Some(b"Lbl") => {
                let parent = d.get(b"P").ok().and_then(dict_of);
                if !matches!(
                    parent.as_ref().and_then(role).as_deref(),
                    Some(b"LI" | b"L")
                ) {
                    d.set("S", Object::Name(b"Reference".to_vec()));
                }
            }
            Some(b"TD") => own_headers(&mut d, &row_headers),
            _ => {}
        }
        if d != before {
            changed.push((*id, d));
        }
    }
    if changed.is_empty() {
        return Ok(pdf);
    }
    Ok(append(pdf, &doc, &changed))
}

/// A structure element's attribute dictionaries (`/A`, one or an array,
/// written in place), changed by `f`; an emptied dictionary (only its
/// owner, `/O`) is left out.
fn edit_attrs(d: &mut Dictionary, mut f: impl FnMut(&mut Dictionary)) {
    let Ok(a) = d.get(b"A").cloned() else { return };
    let (mut list, single) = match a {
        Object::Dictionary(a) => (vec![a], true),
        Object::Array(items) => {
            // An attribute given by reference is left as it is.
            if items.iter().any(|i| !matches!(i, Object::Dictionary(_))) {
                return;
            }
            let list = items
                .into_iter()
                .filter_map(|i| i.as_dict().ok().cloned())
                .collect();
            (list, false)
        }
        _ => return,
    };
    list.iter_mut().for_each(&mut f);
    list.retain(|a| a.iter().any(|(k, _)| k.as_slice() != b"O"));
    match (list.len(), single) {
        (0, _) => {
            d.remove(b"A");
        }
        (1, true) => d.set("A", Object::Dictionary(list.remove(0))),
        _ => d.set(
            "A",
            Object::Array(list.into_iter().map(Object::Dictionary).collect()),
        ),
    }
}

/// A marked `Span`: its expansion in `/E`, its marking attribute gone.
fn expand(d: &mut Dictionary, abbreviations: &[String]) -> Result<(), String> {
    let mut found = None;
    edit_attrs(d, |a| {
        if let Some(n) = a.get(b"BackgroundColor").ok().and_then(mark_of) {
            found = Some(n);
            a.remove(b"BackgroundColor");
        }
    });
    let Some(n) = found else { return Ok(()) };
    let printed = abbreviations.get(n).ok_or_else(|| {
        format!(
            "the layout marks abbreviation {} of {}",
            n + 1,
            abbreviations.len()
        )
    })?;
    if let Some(said) = wording::spoken(printed) {
        d.set("E", text(&said));
    }
    Ok(())
}

/// A data cell spanning columns: only its row's header.
fn own_headers(d: &mut Dictionary, row_headers: &BTreeSet<Vec<u8>>) {
    edit_attrs(d, |a| {
        if a.get(b"ColSpan").and_then(Object::as_i64).unwrap_or(1) < 2 {
            return;
        }
        let Ok(Object::Array(headers)) = a.get(b"Headers").cloned() else {
            return;
        };
        let kept: Vec<Object> = headers
            .into_iter()
            .filter(|h| h.as_str().is_ok_and(|s| row_headers.contains(s)))
            .collect();
        a.set("Headers", Object::Array(kept));
    });
}

/// `pdf` and an incremental update rewriting `changed`.
fn append(pdf: Vec<u8>, doc: &Document, changed: &[(ObjectId, Dictionary)]) -> Vec<u8> {
    let prev = pdf_update::last_startxref(&pdf).unwrap_or(0);
    let mut out = pdf_update::begin(pdf);
    let mut offsets = Vec::new();
    for (id, d) in changed {
        pdf_update::write_object(&mut out, &mut offsets, *id, &Object::Dictionary(d.clone()));
    }
    let trailer = &doc.trailer;
    let size = trailer
        .get(b"Size")
        .and_then(Object::as_i64)
        .unwrap_or(0)
        .max(i64::from(doc.max_id) + 1);
    let mut t = Dictionary::new();
    t.set("Size", Object::Integer(size));
    for key in [b"Root".as_slice(), b"Info", b"ID"] {
        if let Ok(v) = trailer.get(key) {
            t.set(key, v.clone());
        }
    }
    t.set("Prev", Object::Integer(prev as i64));
    pdf_update::finish(&mut out, offsets, t);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_names_its_abbreviation_and_nothing_else() {
        let list = vec!["L.YTD".to_string(), "NA".to_string()];
        let m = marks(&list);
        assert_eq!(m["L.YTD"], "#b0000100");
        assert_eq!(m["NA"], "#b0000200");
        let c = |r: f32, g: f32, b: f32| Object::Array(vec![r.into(), g.into(), b.into()]);
        assert_eq!(mark_of(&c(0.69, 0.0, 0.004)), Some(0));
        assert_eq!(mark_of(&c(0.69, 0.0, 0.008)), Some(1));
        assert_eq!(mark_of(&c(1.0, 0.0, 0.004)), None);
        assert_eq!(mark_of(&c(0.69, 0.0, 0.0)), None);
    }
}
