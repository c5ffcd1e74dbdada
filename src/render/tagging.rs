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
//! - an element whose text the layout let break anywhere (zero-width
//!   spaces between the letters of a long run, an e-mail address) gets
//!   that text without them as its `/ActualText`, so that it is read as a
//!   word, not letter by letter (the layout prints each such run in a
//!   highlight of no colour marked [`whole_run_mark`], whose `Span` holds
//!   only that run, wherever it stands: in a footnote's text or beside a
//!   mark, where the element around it holds more than its own text);
//! - a panel that flows on: the heading its table's header repeats stands
//!   before the table, not in a header cell of every figure, and a row
//!   declaring notes declared already (it reads nothing) is left out;
//! - a data cell spanning several columns (the SPC reading across the
//!   figure columns) keeps only its row's header in `/Headers`: it was
//!   announced under every column it spans ("Baseline" … "Projection").

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::compute::records::Records;
use crate::compute::wording;
use crate::pdf_update::{self, text};
use crate::render::reading;

/// The red channel of a highlight that marks an abbreviation: green and
/// blue number it (from 1), alpha 0 so that nothing shows.
const MARK_RED: u8 = 0xB0;

/// The mark number (from 0) of a run the layout let break anywhere: after
/// every abbreviation's (there are at most `0xFFFE`).
const WHOLE_RUN: usize = 0xFFFE;

/// The highlight colour (no alpha: nothing shows) that marks a run the
/// layout let break anywhere: its `Span` gets the run without the
/// zero-width spaces as `/ActualText`.
pub fn whole_run_mark() -> String {
    let n = WHOLE_RUN + 1;
    format!("#{MARK_RED:02x}{:02x}{:02x}00", n >> 8, n & 0xFF)
}

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
    // The KEY's months name the columns as their headings do, and say
    // their months in words ("April 2023 to March 2024").
    let key = records
        .key_periods
        .iter()
        .flat_map(|k| [&k.label, &k.months]);
    let mut found: BTreeSet<String> = cells
        .chain(heads)
        .chain(key)
        .filter(|t| wording::spoken(t).is_some())
        .cloned()
        .collect();
    // Money in a priority's title (its heading): `£20m`.
    for p in &records.priorities {
        for (money, _) in wording::money_parts(&p.title).into_iter().filter(|p| p.1) {
            found.insert(money.to_string());
        }
    }
    found.into_iter().take(0xFFFE).collect()
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

    let marked = reading::marked_text(&doc);
    let mut edits = Edits {
        doc: &doc,
        dicts: BTreeMap::new(),
    };
    for (id, d) in &elems {
        let mut d = (*d).clone();
        let before = d.clone();
        said_whole(&doc, &mut d, &marked);
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
            edits.dicts.insert(*id, d);
        }
    }
    let roles: BTreeMap<ObjectId, Vec<u8>> = elems
        .iter()
        .filter_map(|(id, d)| Some((*id, role(d)?)))
        .collect();
    lift_titles(&mut edits, &roles);
    drop_empty_rows(&mut edits, &roles);
    let changed: Vec<(ObjectId, Dictionary)> = edits
        .dicts
        .into_iter()
        .filter(|(id, d)| doc.get_dictionary(*id).ok() != Some(d))
        .collect();
    if changed.is_empty() {
        return Ok(pdf);
    }
    Ok(append(pdf, &doc, &changed))
}

/// Structure elements as edited so far (the PDF's own where untouched).
struct Edits<'a> {
    doc: &'a Document,
    dicts: BTreeMap<ObjectId, Dictionary>,
}

impl Edits<'_> {
    /// An element to edit.
    fn get(&mut self, id: ObjectId) -> Option<&mut Dictionary> {
        if !self.dicts.contains_key(&id) {
            let d = self.doc.get_dictionary(id).ok()?.clone();
            self.dicts.insert(id, d);
        }
        self.dicts.get_mut(&id)
    }

    /// An element as it stands.
    fn read(&self, id: ObjectId) -> Option<&Dictionary> {
        self.dicts
            .get(&id)
            .or_else(|| self.doc.get_dictionary(id).ok())
    }

    /// An element's kids (`/K`: one, or an array).
    fn kids(&self, id: ObjectId) -> Vec<Object> {
        match self.read(id).and_then(|d| d.get(b"K").ok()) {
            Some(Object::Array(a)) => a.clone(),
            Some(o) => vec![o.clone()],
            None => Vec::new(),
        }
    }

    /// The elements among an element's kids (by reference).
    fn kid_elements(&self, id: ObjectId) -> Vec<ObjectId> {
        self.kids(id)
            .iter()
            .filter_map(|k| k.as_reference().ok())
            .collect()
    }

    fn set_kids(&mut self, id: ObjectId, kids: Vec<Object>) {
        if let Some(d) = self.get(id) {
            d.set("K", Object::Array(kids));
        }
    }

    /// Takes `kid` out of its parent's kids.
    fn remove_from_parent(&mut self, kid: ObjectId) {
        let Some(parent) = self
            .read(kid)
            .and_then(|d| d.get(b"P").ok())
            .and_then(|p| p.as_reference().ok())
        else {
            return;
        };
        let kids: Vec<Object> = self
            .kids(parent)
            .into_iter()
            .filter(|k| k.as_reference().ok() != Some(kid))
            .collect();
        self.set_kids(parent, kids);
    }

    /// Whether an element reads nothing: no marked content, no alt or
    /// actual text, in it or under it.
    fn is_silent(&self, id: ObjectId, depth: usize) -> bool {
        let Some(d) = self.read(id) else { return true };
        if depth > 64 || d.has(b"Alt") || d.has(b"ActualText") {
            return false;
        }
        self.kids(id).iter().all(|k| match k {
            Object::Reference(r) => match self.doc.get_object(*r) {
                Ok(Object::Dictionary(kd)) if kd.has(b"S") => self.is_silent(*r, depth + 1),
                _ => false,
            },
            _ => false,
        })
    }
}

/// A panel that flows on repeats its heading (its title, a level-3
/// heading) in its table's header, as a cell spanning the table: that cell
/// was a column header of every figure ("Victim satisfaction …, 5 Improving
/// the service to victims …, Baseline 2023/24: 71.1%") and the heading was
/// read as a table cell. Its content is lifted out to stand before the
/// table, its row dropped, and no cell lists it among its headers any
/// more.
fn lift_titles(edits: &mut Edits, roles: &BTreeMap<ObjectId, Vec<u8>>) {
    let is = |id: &ObjectId, r: &[u8]| roles.get(id).map(Vec::as_slice) == Some(r);
    let tables: Vec<ObjectId> = roles
        .iter()
        .filter(|(_, r)| r.as_slice() == b"Table")
        .map(|(id, _)| *id)
        .collect();
    for table in tables {
        // The first row, in the table or its THead.
        let Some(first) = edits.kid_elements(table).into_iter().next() else {
            continue;
        };
        let row = if is(&first, b"THead") {
            match edits.kid_elements(first).into_iter().next() {
                Some(r) => r,
                None => continue,
            }
        } else {
            first
        };
        if !is(&row, b"TR") {
            continue;
        }
        let cells = edits.kids(row);
        let [Object::Reference(cell)] = cells.as_slice() else {
            continue;
        };
        let cell = *cell;
        if !is(&cell, b"TH") {
            continue;
        }
        // Only elements inside (no marked content of its own), a heading
        // among them.
        let inside = edits.kids(cell);
        let Some(inside): Option<Vec<ObjectId>> =
            inside.iter().map(|k| k.as_reference().ok()).collect()
        else {
            continue;
        };
        let heading = |id: &ObjectId| {
            roles
                .get(id)
                .is_some_and(|r| r.len() == 2 && r[0] == b'H' && r[1].is_ascii_digit())
        };
        if !inside.iter().any(heading) {
            continue;
        }
        let Some(parent) = edits
            .read(table)
            .and_then(|d| d.get(b"P").ok())
            .and_then(|p| p.as_reference().ok())
        else {
            continue;
        };
        let id = edits
            .read(cell)
            .and_then(|d| d.get(b"ID").ok())
            .and_then(|i| i.as_str().ok())
            .map(<[u8]>::to_vec);
        // The heading before the table.
        let mut kids = edits.kids(parent);
        let Some(at) = kids
            .iter()
            .position(|k| k.as_reference().ok() == Some(table))
        else {
            continue;
        };
        for (n, k) in inside.iter().enumerate() {
            kids.insert(at + n, Object::Reference(*k));
            if let Some(d) = edits.get(*k) {
                d.set("P", Object::Reference(parent));
            }
        }
        edits.set_kids(parent, kids);
        edits.remove_from_parent(row);
        if first != row && edits.kid_elements(first).is_empty() {
            edits.remove_from_parent(first);
        }
        // No cell lists it as its header.
        let Some(id) = id else { continue };
        let cells: Vec<ObjectId> = roles
            .iter()
            .filter(|(_, r)| matches!(r.as_slice(), b"TD" | b"TH"))
            .map(|(c, _)| *c)
            .collect();
        for c in cells {
            let has = edits.read(c).is_some_and(|d| match d.get(b"A") {
                Ok(Object::Array(a)) => a.iter().any(|x| lists(x, &id)),
                Ok(x) => lists(x, &id),
                Err(_) => false,
            });
            if has {
                if let Some(d) = edits.get(c) {
                    edit_attrs(d, |a| {
                        if let Ok(Object::Array(h)) = a.get(b"Headers").cloned() {
                            let kept: Vec<Object> = h
                                .into_iter()
                                .filter(|x| x.as_str().ok() != Some(id.as_slice()))
                                .collect();
                            a.set("Headers", Object::Array(kept));
                        }
                    });
                }
            }
        }
    }
}

/// Whether an attribute dictionary lists `id` in its `/Headers`.
fn lists(a: &Object, id: &[u8]) -> bool {
    let Ok(a) = a.as_dict() else { return false };
    match a.get(b"Headers") {
        Ok(Object::Array(h)) => h.iter().any(|x| x.as_str().ok() == Some(id)),
        _ => false,
    }
}

/// A table row that reads nothing (the row that declares a row's notes in
/// a panel that flows on, where an earlier row on the page declared them
/// already) is left out: it was read as a cell, "blank".
fn drop_empty_rows(edits: &mut Edits, roles: &BTreeMap<ObjectId, Vec<u8>>) {
    let rows: Vec<ObjectId> = roles
        .iter()
        .filter(|(_, r)| r.as_slice() == b"TR")
        .map(|(id, _)| *id)
        .collect();
    for row in rows {
        let cells = edits.kid_elements(row);
        if !cells.is_empty() && cells.iter().all(|c| edits.is_silent(*c, 0)) {
            edits.remove_from_parent(row);
        }
    }
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
    if n == WHOLE_RUN {
        // Its `/ActualText` is set already (`said_whole`).
        return Ok(());
    }
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

/// An element whose text holds zero-width spaces (the layout lets a run
/// of 24 characters with nowhere to break, an e-mail address, break
/// anywhere: `p\u{200B}e\u{200B}r…`): its `/ActualText` is the text
/// without them, so that it is read (and copied) as the word it is, not
/// letter by letter. Only an element whose content is all its own marked
/// text (no element inside it, which an `/ActualText` would hide).
fn said_whole(
    doc: &Document,
    d: &mut Dictionary,
    marked: &std::collections::HashMap<(ObjectId, i64), String>,
) {
    const ZWSP: char = '\u{200B}';
    if d.has(b"ActualText") || d.has(b"Alt") {
        return;
    }
    let page = d.get(b"Pg").and_then(Object::as_reference).ok();
    let kids = match d.get(b"K") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(o) => vec![o.clone()],
        Err(_) => return,
    };
    let mut said = String::new();
    for k in &kids {
        let (page, mcid) = match reading::resolve(doc, k) {
            Object::Integer(m) => (page, *m),
            Object::Dictionary(r) if r.has(b"MCID") => (
                r.get(b"Pg").and_then(Object::as_reference).ok().or(page),
                r.get(b"MCID").and_then(Object::as_i64).unwrap_or(-1),
            ),
            _ => return,
        };
        let Some(page) = page else { return };
        said.push_str(marked.get(&(page, mcid)).map_or("", String::as_str));
    }
    if said.contains(ZWSP) {
        d.set("ActualText", text(&said.replace(ZWSP, "")));
    }
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
