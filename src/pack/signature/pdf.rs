//! A signature in a PDF: appended as an incremental update after the
//! document's last byte (which stay as they were), and found again.
//!
//! The update adds a signature dictionary (`/Type/Sig`, `ETSI.CAdES.detached`,
//! `/M`, a `/ByteRange` covering the whole file but its `/Contents`), an
//! invisible signature field (a widget with a zero `/Rect` and the Print
//! flag, as PDF/A requires; in the `/AcroForm` with `/SigFlags 3`) and, so
//! that the pack stays PDF/UA-1, a `Form` structure element holding the
//! widget (its `/StructParent` in the parent tree); the catalog, the first
//! page's `/Annots` and the structure tree are written again in the update.
//! A countersignature's update changes no structure (see [`sign`]).

use chrono::{DateTime, Utc};
use lopdf::{Dictionary, Object, ObjectId};

use crate::pdf_update::{self, last_startxref, serialize, text};
use sha2_010::{Digest, Sha256};

/// What the signature dictionary states.
pub struct Placement<'a> {
    /// The signer's name (`/Name`).
    pub name: &'a str,
    /// Why (`/Reason`), e.g. "Signed off as Board Secretary".
    pub reason: &'a str,
    /// The signing time (`/M`).
    pub when: DateTime<Utc>,
    /// Bytes reserved for the CMS signature.
    pub reserve: usize,
}

fn err(what: &str) -> impl Fn(lopdf::Error) -> String + '_ {
    move |e| format!("{what} ({e})")
}

/// Appends a signed incremental update to `pdf`; `cms` signs the SHA-256
/// of the bytes the signature covers and returns the DER CMS signature.
pub fn sign(
    pdf: &[u8],
    p: &Placement,
    cms: impl FnOnce(&[u8]) -> Result<Vec<u8>, String>,
) -> Result<Vec<u8>, String> {
    let doc = lopdf::Document::load_mem(pdf).map_err(err("the PDF cannot be read"))?;
    let prev = last_startxref(pdf).ok_or("the PDF has no startxref")?;
    let trailer = &doc.trailer;
    let root_id = trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(err("the PDF has no catalog"))?;
    let mut catalog = doc
        .get_dictionary(root_id)
        .map_err(err("the PDF's catalog cannot be read"))?
        .clone();
    let size = trailer
        .get(b"Size")
        .and_then(Object::as_i64)
        .unwrap_or(0)
        .max(i64::from(doc.max_id) + 1) as u32;
    let mut next = size;
    let mut alloc = || {
        next += 1;
        (next - 1, 0u16)
    };
    let page_id = *doc
        .get_pages()
        .get(&1)
        .ok_or("the PDF has no page to place the signature on")?;
    let mut page = doc
        .get_dictionary(page_id)
        .map_err(err("the PDF's first page cannot be read"))?
        .clone();

    let sig_id = alloc();
    let widget_id = alloc();
    let mut written: Vec<(ObjectId, Object)> = Vec::new();

    // The field's number: one more than the signature fields already there.
    let mut acroform = match catalog.get(b"AcroForm") {
        Ok(Object::Reference(id)) => (
            Some(*id),
            doc.get_dictionary(*id)
                .map_err(err("the PDF's form cannot be read"))?
                .clone(),
        ),
        Ok(Object::Dictionary(d)) => (None, d.clone()),
        _ => (None, Dictionary::new()),
    };
    let mut fields = match acroform.1.get(b"Fields") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(Object::Reference(id)) => doc
            .get_object(*id)
            .and_then(Object::as_array)
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let field_number = fields.len() + 1;
    fields.push(Object::Reference(widget_id));
    acroform.1.set("Fields", Object::Array(fields));
    acroform.1.set("SigFlags", Object::Integer(3));
    let acroform_id = acroform.0.unwrap_or_else(&mut alloc);
    written.push((acroform_id, Object::Dictionary(acroform.1)));
    catalog.set("AcroForm", Object::Reference(acroform_id));
    written.push((root_id, Object::Dictionary(catalog.clone())));

    let alt = format!("Digital signature of {}: {}", p.name, p.reason);
    let mut widget = Dictionary::new();
    widget.set("Type", Object::Name(b"Annot".to_vec()));
    widget.set("Subtype", Object::Name(b"Widget".to_vec()));
    widget.set("FT", Object::Name(b"Sig".to_vec()));
    widget.set(
        "T",
        Object::string_literal(format!("Signature{field_number}")),
    );
    widget.set("TU", text(&alt));
    widget.set("V", Object::Reference(sig_id));
    // Print (4) and Locked (128): PDF/A wants every annotation printable.
    widget.set("F", Object::Integer(132));
    widget.set(
        "Rect",
        Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()]),
    );
    widget.set("P", Object::Reference(page_id));

    // Tagged: a Form element in the document's structure holding the widget
    // — for the first signature only. A countersignature leaves the
    // structure as it was signed (validators allow a signature field added
    // after a signature, not a structure tree changed); its widget, of zero
    // size at the page's origin, lies outside the crop box, which PDF/UA
    // validators exempt from tagging.
    let tree = catalog
        .get(b"StructTreeRoot")
        .and_then(Object::as_reference)
        .ok()
        .filter(|_| field_number == 1);
    if let Some(tree_id) = tree {
        let mut tree = doc
            .get_dictionary(tree_id)
            .map_err(err("the PDF's structure tree cannot be read"))?
            .clone();
        let form_id = alloc();
        let parent_id = match tree.get(b"K") {
            Ok(Object::Reference(id)) => Some(*id),
            Ok(Object::Array(a)) => a.iter().find_map(|o| o.as_reference().ok()),
            _ => None,
        };
        let key = next_parent_key(&doc, &tree);
        widget.set("StructParent", Object::Integer(key));
        let mut objr = Dictionary::new();
        objr.set("Type", Object::Name(b"OBJR".to_vec()));
        objr.set("Obj", Object::Reference(widget_id));
        objr.set("Pg", Object::Reference(page_id));
        let mut form = Dictionary::new();
        form.set("Type", Object::Name(b"StructElem".to_vec()));
        form.set("S", Object::Name(b"Form".to_vec()));
        form.set("P", Object::Reference(parent_id.unwrap_or(tree_id)));
        form.set("Pg", Object::Reference(page_id));
        form.set("K", Object::Dictionary(objr));
        form.set("Alt", text(&alt));
        written.push((form_id, Object::Dictionary(form)));
        match parent_id {
            Some(pid) => {
                let mut parent = doc
                    .get_dictionary(pid)
                    .map_err(err("the PDF's structure cannot be read"))?
                    .clone();
                append_kid(&mut parent, form_id);
                written.push((pid, Object::Dictionary(parent)));
            }
            None => append_kid(&mut tree, form_id),
        }
        // The parent tree: key → the Form element.
        match tree.get(b"ParentTree").cloned() {
            Ok(Object::Reference(id)) => {
                let mut nums = doc
                    .get_dictionary(id)
                    .map_err(err("the PDF's parent tree cannot be read"))?
                    .clone();
                add_number(&mut nums, key, form_id, &mut alloc, &mut written);
                written.push((id, Object::Dictionary(nums)));
            }
            Ok(Object::Dictionary(mut nums)) => {
                add_number(&mut nums, key, form_id, &mut alloc, &mut written);
                tree.set("ParentTree", Object::Dictionary(nums));
            }
            _ => {
                let mut nums = Dictionary::new();
                add_number(&mut nums, key, form_id, &mut alloc, &mut written);
                tree.set("ParentTree", Object::Dictionary(nums));
            }
        }
        tree.set("ParentTreeNextKey", Object::Integer(key + 1));
        written.push((tree_id, Object::Dictionary(tree)));
    }
    written.push((widget_id, Object::Dictionary(widget)));

    match page.get(b"Annots").cloned() {
        Ok(Object::Reference(id)) => {
            let mut annots = doc
                .get_object(id)
                .and_then(Object::as_array)
                .cloned()
                .map_err(err("the first page's annotations cannot be read"))?;
            annots.push(Object::Reference(widget_id));
            written.push((id, Object::Array(annots)));
        }
        Ok(Object::Array(mut annots)) => {
            annots.push(Object::Reference(widget_id));
            page.set("Annots", Object::Array(annots));
            written.push((page_id, Object::Dictionary(page)));
        }
        _ => {
            page.set("Annots", Object::Array(vec![Object::Reference(widget_id)]));
            written.push((page_id, Object::Dictionary(page)));
        }
    }

    // The update: the signature dictionary first, with room for the
    // signature, then the objects written again, the xref and trailer.
    let mut out = pdf_update::begin(pdf.to_vec());
    let mut offsets: Vec<(ObjectId, usize)> = Vec::new();
    offsets.push((sig_id, out.len()));
    out.extend_from_slice(
        format!(
            "{} 0 obj\n<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/M",
            sig_id.0
        )
        .as_bytes(),
    );
    out.extend(serialize(&Object::string_literal(
        p.when.format("D:%Y%m%d%H%M%SZ").to_string(),
    )));
    out.extend_from_slice(b"/Name");
    out.extend(serialize(&text(p.name)));
    out.extend_from_slice(b"/Reason");
    out.extend(serialize(&text(p.reason)));
    out.extend_from_slice(b"/ByteRange");
    let range_at = out.len();
    out.extend_from_slice(format!("[0 {:<10} {:<10} {:<10}]", 0, 0, 0).as_bytes());
    out.extend_from_slice(b"/Contents");
    let contents_at = out.len();
    out.push(b'<');
    out.extend(std::iter::repeat_n(b'0', 2 * p.reserve));
    out.push(b'>');
    let contents_end = out.len();
    out.extend_from_slice(b">>\nendobj\n");
    written.sort_by_key(|(id, _)| *id);
    written.dedup_by_key(|(id, _)| *id);
    for (id, object) in &written {
        pdf_update::write_object(&mut out, &mut offsets, *id, object);
    }
    let mut t = Dictionary::new();
    t.set("Size", Object::Integer(i64::from(next)));
    t.set("Root", Object::Reference(root_id));
    for key in [b"Info".as_slice(), b"ID"] {
        if let Ok(v) = trailer.get(key) {
            t.set(key, v.clone());
        }
    }
    t.set("Prev", Object::Integer(prev as i64));
    pdf_update::finish(&mut out, offsets, t);

    let range = [0, contents_at, contents_end, out.len() - contents_end];
    let text = format!("[0 {:<10} {:<10} {:<10}]", range[1], range[2], range[3]);
    out[range_at..range_at + text.len()].copy_from_slice(text.as_bytes());
    let digest = digest(&out, &range);
    let signature = cms(&digest)?;
    let hex = super::x509::hex(&signature);
    if hex.len() > 2 * p.reserve {
        return Err(format!(
            "the signature ({} bytes) is larger than the room kept for it ({} bytes)",
            signature.len(),
            p.reserve
        ));
    }
    out[contents_at + 1..contents_at + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

/// The SHA-256 of the bytes a byte range covers.
fn digest(pdf: &[u8], range: &[usize; 4]) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(&pdf[range[0]..range[0] + range[1]]);
    h.update(&pdf[range[2]..range[2] + range[3]]);
    h.finalize().to_vec()
}

/// The next free key of the structure tree's parent tree.
fn next_parent_key(doc: &lopdf::Document, tree: &Dictionary) -> i64 {
    let mut next = tree
        .get(b"ParentTreeNextKey")
        .and_then(Object::as_i64)
        .unwrap_or(0);
    let resolve = |o: &Object| match o {
        Object::Reference(id) => doc.get_dictionary(*id).ok().cloned(),
        Object::Dictionary(d) => Some(d.clone()),
        _ => None,
    };
    let mut stack: Vec<Dictionary> = tree
        .get(b"ParentTree")
        .ok()
        .and_then(resolve)
        .into_iter()
        .collect();
    let mut seen = 0;
    while let Some(node) = stack.pop() {
        seen += 1;
        if seen > 10_000 {
            break;
        }
        if let Ok(nums) = node.get(b"Nums").and_then(Object::as_array) {
            for k in nums.iter().step_by(2) {
                if let Ok(k) = k.as_i64() {
                    next = next.max(k + 1);
                }
            }
        }
        if let Ok(kids) = node.get(b"Kids").and_then(Object::as_array) {
            stack.extend(kids.iter().filter_map(resolve));
        }
    }
    next
}

/// Adds `key → element` to a number tree's root: to its `/Nums`, or as a
/// new leaf among its `/Kids`.
fn add_number(
    root: &mut Dictionary,
    key: i64,
    element: ObjectId,
    alloc: &mut impl FnMut() -> ObjectId,
    written: &mut Vec<(ObjectId, Object)>,
) {
    match root.get_mut(b"Kids") {
        Ok(Object::Array(kids)) => {
            let mut leaf = Dictionary::new();
            leaf.set("Limits", Object::Array(vec![key.into(), key.into()]));
            leaf.set(
                "Nums",
                Object::Array(vec![key.into(), Object::Reference(element)]),
            );
            let id = alloc();
            kids.push(Object::Reference(id));
            written.push((id, Object::Dictionary(leaf)));
        }
        _ => {
            let mut nums = root
                .get(b"Nums")
                .and_then(Object::as_array)
                .cloned()
                .unwrap_or_default();
            nums.push(key.into());
            nums.push(Object::Reference(element));
            root.set("Nums", Object::Array(nums));
        }
    }
}

fn append_kid(element: &mut Dictionary, kid: ObjectId) {
    let k = match element.get(b"K").cloned() {
        Ok(Object::Array(mut a)) => {
            a.push(Object::Reference(kid));
            a
        }
        Ok(other) => vec![other, Object::Reference(kid)],
        Err(_) => vec![Object::Reference(kid)],
    };
    element.set("K", Object::Array(k));
}

/// Where each revision of the file ends: after each `%%EOF` and its end of
/// line.
pub fn revision_ends(pdf: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = pdf[from..].windows(5).position(|w| w == b"%%EOF") {
        let mut end = from + i + 5;
        if pdf.get(end) == Some(&b'\r') {
            end += 1;
        }
        if pdf.get(end) == Some(&b'\n') {
            end += 1;
        }
        out.push(end);
        from = end;
    }
    out
}

/// A signature found in a PDF.
#[derive(Debug, Clone)]
pub struct Found {
    pub byte_range: [usize; 4],
    /// The CMS signature (its DER, without the padding).
    pub contents: Vec<u8>,
    /// The SHA-256 of the bytes its range covers.
    pub digest: Vec<u8>,
    /// Its `/M`.
    pub when: Option<DateTime<Utc>>,
    /// What is wrong with where it lies.
    pub problems: Vec<String>,
}

/// Every signature of `pdf`, in the order they were added (by the end of
/// the revision each covers).
pub fn signatures(pdf: &[u8]) -> Result<Vec<Found>, String> {
    if !pdf.windows(10).any(|w| w == b"/ByteRange") {
        // No signature dictionary in the file's own syntax (one hidden in a
        // compressed object stream is no signature of ours: what follows
        // the unsigned pack is then found uncovered by rebuilding it).
        return Ok(Vec::new());
    }
    let doc = lopdf::Document::load_mem(pdf).map_err(|e| {
        format!("the PDF cannot be read, so its signatures cannot be checked ({e})")
    })?;
    let ends = revision_ends(pdf);
    let mut found = Vec::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        let is_sig = dict
            .get(b"Type")
            .and_then(Object::as_name)
            .is_ok_and(|n| n == b"Sig" || n == b"DocTimeStamp")
            || (dict.has(b"ByteRange") && dict.has(b"Contents") && dict.has(b"Filter"));
        if !is_sig {
            continue;
        }
        let mut problems = Vec::new();
        let range: Vec<i64> = dict
            .get(b"ByteRange")
            .and_then(Object::as_array)
            .map(|a| a.iter().filter_map(|o| o.as_i64().ok()).collect())
            .unwrap_or_default();
        let contents = dict
            .get(b"Contents")
            .and_then(Object::as_str)
            .map(<[u8]>::to_vec)
            .unwrap_or_default();
        let when = dict
            .get(b"M")
            .and_then(Object::as_str)
            .ok()
            .and_then(pdf_date);
        let valid = range.len() == 4
            && range.iter().all(|&n| n >= 0)
            && range[0] == 0
            && range[1] < range[2]
            && range[2]
                .checked_add(range[3])
                .is_some_and(|end| end as u64 <= pdf.len() as u64);
        if !valid {
            problems.push(format!(
                "changed after signing: its byte range {range:?} does not cover the file from its first byte (or lies outside it)"
            ));
            found.push(Found {
                byte_range: [0, 0, 0, 0],
                contents: der_prefix(&contents).to_vec(),
                digest: Vec::new(),
                when,
                problems,
            });
            continue;
        }
        let r = [
            range[0] as usize,
            range[1] as usize,
            range[2] as usize,
            range[3] as usize,
        ];
        let gap = &pdf[r[1]..r[2]];
        let gap_is_contents = gap.len() >= 2
            && gap[0] == b'<'
            && gap[gap.len() - 1] == b'>'
            && unhex(&gap[1..gap.len() - 1]).as_deref() == Some(contents.as_slice());
        if !gap_is_contents {
            problems.push(
                "changed after signing: the bytes its byte range leaves out are not its own /Contents (the signature does not cover the whole file but its value)".into(),
            );
        }
        let end = r[2] + r[3];
        if !ends.contains(&end) {
            problems.push(format!(
                "its byte range ends at byte {end}, inside a revision of the file, not at one's end"
            ));
        }
        if when.is_none() {
            problems.push("it states no signing time (/M)".into());
        }
        found.push(Found {
            byte_range: r,
            contents: der_prefix(&contents).to_vec(),
            digest: digest(pdf, &r),
            when,
            problems,
        });
    }
    found.sort_by_key(|f| f.byte_range[2] + f.byte_range[3]);
    Ok(found)
}

/// A hexadecimal string's bytes (whitespace allowed, an odd last digit
/// padded with 0).
fn unhex(hex: &[u8]) -> Option<Vec<u8>> {
    let digits: Vec<u8> = hex
        .iter()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|&b| (b as char).to_digit(16).map(|d| d as u8))
        .collect::<Option<_>>()?;
    Some(
        digits
            .chunks(2)
            .map(|c| (c[0] << 4) | c.get(1).copied().unwrap_or(0))
            .collect(),
    )
}

/// The DER value at the start of `bytes` (the signature without the zeros
/// padding the room kept for it).
fn der_prefix(bytes: &[u8]) -> &[u8] {
    let len = (|| {
        let first = *bytes.get(1)?;
        if first < 0x80 {
            return Some(2 + first as usize);
        }
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *bytes.get(2 + i)? as usize;
        }
        Some(2 + n + len)
    })();
    match len {
        Some(l) if l <= bytes.len() => &bytes[..l],
        _ => bytes,
    }
}

/// A PDF date (`D:20160128093000Z`, `D:20160128093000+01'00'`, or shorter).
pub fn pdf_date(s: &[u8]) -> Option<DateTime<Utc>> {
    let s = std::str::from_utf8(s).ok()?;
    let s = s.strip_prefix("D:").unwrap_or(s);
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    let n = |from: usize, len: usize, default: u32| -> Option<u32> {
        match digits.get(from..from + len) {
            Some(d) => d.parse().ok(),
            None if from >= digits.len() => Some(default),
            None => None,
        }
    };
    let year = n(0, 4, 0)? as i32;
    if digits.len() < 4 {
        return None;
    }
    let local = chrono::NaiveDate::from_ymd_opt(year, n(4, 2, 1)?, n(6, 2, 1)?)?.and_hms_opt(
        n(8, 2, 0)?,
        n(10, 2, 0)?,
        n(12, 2, 0)?,
    )?;
    let zone = &s[digits.len()..];
    let offset = match zone.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let z: String = zone[1..].chars().filter(|c| c.is_ascii_digit()).collect();
            let h: i64 = z.get(0..2).and_then(|h| h.parse().ok()).unwrap_or(0);
            let m: i64 = z.get(2..4).and_then(|m| m.parse().ok()).unwrap_or(0);
            let secs = h * 3600 + m * 60;
            if sign == '+' {
                secs
            } else {
                -secs
            }
        }
        _ => 0,
    };
    Some((local - chrono::Duration::seconds(offset)).and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates_are_read_with_their_offset() {
        let d = pdf_date(b"D:20160128093000+01'00'").unwrap();
        assert_eq!(d.to_rfc3339(), "2016-01-28T08:30:00+00:00");
        assert_eq!(
            pdf_date(b"D:20160128000000Z").unwrap().to_rfc3339(),
            "2016-01-28T00:00:00+00:00"
        );
        assert_eq!(
            pdf_date(b"D:2016").unwrap().to_rfc3339(),
            "2016-01-01T00:00:00+00:00"
        );
        assert!(pdf_date(b"D:20").is_none());
    }

    #[test]
    fn the_padding_after_a_signature_is_left_out() {
        assert_eq!(der_prefix(&[0x30, 0x02, 1, 2, 0, 0]), &[0x30, 0x02, 1, 2]);
        assert_eq!(
            der_prefix(&[0x30, 0x81, 0x01, 9, 0, 0]),
            &[0x30, 0x81, 0x01, 9]
        );
    }
}
