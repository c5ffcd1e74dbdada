//! Incremental updates of a PDF: objects written again after a file's last
//! byte, with their cross-reference section and a trailer pointing back to
//! the one before (`/Prev`), so that the earlier bytes stay the update's
//! unchanged prefix. The structure pass of the render stage
//! (`render::tagging`) and the signatures of the pack stage
//! (`pack::signature::pdf`) both append one; the bytes are deterministic
//! (strings always hexadecimal, dictionaries in their keys' order).

use lopdf::{Dictionary, Object, ObjectId};

/// A PDF text string: ASCII as is, else UTF-16BE with its byte order mark.
pub fn text(s: &str) -> Object {
    if s.is_ascii() {
        Object::string_literal(s)
    } else {
        let mut b = vec![0xFE, 0xFF];
        b.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        Object::String(b, lopdf::StringFormat::Hexadecimal)
    }
}

/// An object as PDF syntax.
pub fn serialize(o: &Object) -> Vec<u8> {
    let mut out = Vec::new();
    write(o, &mut out);
    out
}

/// Writes `o` as PDF syntax: strings as hexadecimal (which holds any
/// byte), a stream as its dictionary only (an update here rewrites
/// dictionaries, never a stream's data).
pub fn write(o: &Object, out: &mut Vec<u8>) {
    match o {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => out.extend_from_slice(format!("{r}").as_bytes()),
        Object::Name(n) => {
            out.push(b'/');
            for &b in n {
                if b.is_ascii_graphic() && !b"#()<>[]{}/%".contains(&b) {
                    out.push(b);
                } else {
                    out.extend_from_slice(format!("#{b:02X}").as_bytes());
                }
            }
        }
        Object::String(s, _) => {
            out.push(b'<');
            for b in s {
                out.extend_from_slice(format!("{b:02X}").as_bytes());
            }
            out.push(b'>');
        }
        Object::Array(a) => {
            out.push(b'[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write(item, out);
            }
            out.push(b']');
        }
        Object::Dictionary(d) => {
            out.extend_from_slice(b"<<");
            for (k, v) in d.iter() {
                write(&Object::Name(k.clone()), out);
                out.push(b' ');
                write(v, out);
            }
            out.extend_from_slice(b">>");
        }
        Object::Stream(s) => write(&Object::Dictionary(s.dict.clone()), out),
        Object::Reference((id, generation)) => {
            out.extend_from_slice(format!("{id} {generation} R").as_bytes());
        }
    }
}

/// The offset the file's last `startxref` names.
pub fn last_startxref(pdf: &[u8]) -> Option<usize> {
    let at = pdf.windows(9).rposition(|w| w == b"startxref")?;
    let rest = std::str::from_utf8(&pdf[at + 9..]).ok()?;
    rest.split_whitespace().next()?.parse().ok()
}

/// Starts an update of `pdf`: its bytes, ended by a line break.
pub fn begin(pdf: Vec<u8>) -> Vec<u8> {
    let mut out = pdf;
    if !out.ends_with(b"\n") && !out.ends_with(b"\r") {
        out.push(b'\n');
    }
    out
}

/// Writes `object` as object `id`, recording where it starts.
pub fn write_object(
    out: &mut Vec<u8>,
    offsets: &mut Vec<(ObjectId, usize)>,
    id: ObjectId,
    object: &Object,
) {
    offsets.push((id, out.len()));
    out.extend_from_slice(format!("{} {} obj\n", id.0, id.1).as_bytes());
    write(object, out);
    out.extend_from_slice(b"\nendobj\n");
}

/// Ends an update: the cross-reference section of the objects at
/// `offsets` (one subsection per run of consecutive numbers), `trailer`
/// (its `/Prev` given by the caller) and `startxref`.
pub fn finish(out: &mut Vec<u8>, mut offsets: Vec<(ObjectId, usize)>, trailer: Dictionary) {
    let xref_at = out.len();
    offsets.sort();
    out.extend_from_slice(b"xref\n");
    let mut i = 0;
    while i < offsets.len() {
        let mut j = i + 1;
        while j < offsets.len() && offsets[j].0 .0 == offsets[j - 1].0 .0 + 1 {
            j += 1;
        }
        out.extend_from_slice(format!("{} {}\n", offsets[i].0 .0, j - i).as_bytes());
        for ((_, generation), at) in &offsets[i..j] {
            out.extend_from_slice(format!("{at:010} {generation:05} n\r\n").as_bytes());
        }
        i = j;
    }
    out.extend_from_slice(b"trailer\n");
    write(&Object::Dictionary(trailer), out);
    out.extend_from_slice(format!("\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
}
