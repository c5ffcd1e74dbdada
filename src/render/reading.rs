//! Reading a tagged PDF as a screen reader meets it: the structure tree in
//! reading order, each element's marked content decoded through its fonts'
//! `ToUnicode` maps, artifacts left out (they are not read), a figure's alt
//! text in its place.
//!
//! [`reading`] gives the elements (the accessibility tests walk them);
//! [`listen`] gives the transcript a screen reader would announce, one line
//! per element that says something (`cargo run --example listen --
//! PACK.pdf`): headings with their level, paragraphs, list items, figures by
//! their `/Alt`, table cells with the headers announced with them, notes,
//! links, and every `Span` with `/E` or `/ActualText` said as its expansion.

use std::collections::{BTreeMap, HashMap};

use lopdf::content::Operation;
use lopdf::{Dictionary, Document, Object, ObjectId};

/// An object, through its reference (`Null` for a dangling one).
pub fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    const NULL: &Object = &Object::Null;
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(NULL),
        other => other,
    }
}

/// The text of each marked-content sequence, by (page, MCID); what lies in
/// artifacts is left out (a screen reader skips it).
pub fn marked_text(doc: &Document) -> HashMap<(ObjectId, i64), String> {
    let mut out: Text = HashMap::new();
    for (_, page) in doc.get_pages() {
        let encodings: BTreeMap<Vec<u8>, lopdf::Encoding> = doc
            .get_page_fonts(page)
            .unwrap_or_default()
            .iter()
            .filter_map(|(name, f)| Some((name.clone(), f.get_font_encoding(doc).ok()?)))
            .collect();
        let Ok(content) = doc.get_and_decode_page_content(page) else {
            continue;
        };
        // The stack of open sequences: the MCID whose text they hold (a
        // sequence within a tagged one holds its text too; an artifact
        // none), and whether an `/ActualText` stands for what they show.
        let mut stack: Vec<(Option<i64>, bool)> = Vec::new();
        let mut font: Vec<u8> = Vec::new();
        for Operation { operator, operands } in content.operations {
            let (open, replaced) = stack.last().copied().unwrap_or((None, false));
            match operator.as_str() {
                "BMC" => {
                    let artifact = operands.first().and_then(|o| o.as_name().ok())
                        == Some(b"Artifact".as_slice());
                    stack.push((if artifact { None } else { open }, replaced));
                }
                "BDC" => {
                    let props = operands.get(1).and_then(|p| match p {
                        Object::Dictionary(d) => Some(d.clone()),
                        Object::Name(n) => doc
                            .get_page_resources(page)
                            .ok()
                            .and_then(|(r, _)| r?.get(b"Properties").ok()?.as_dict().ok().cloned())
                            .and_then(|p| p.get(n).ok().cloned())
                            .and_then(|o| resolve(doc, &o).as_dict().ok().cloned()),
                        _ => None,
                    });
                    let artifact = operands.first().and_then(|o| o.as_name().ok())
                        == Some(b"Artifact".as_slice());
                    let mcid = props
                        .as_ref()
                        .and_then(|d| d.get(b"MCID").ok()?.as_i64().ok());
                    let mcid = if artifact { None } else { mcid.or(open) };
                    let actual = props
                        .as_ref()
                        .and_then(|d| d.get(b"ActualText").ok())
                        .and_then(|a| lopdf::decode_text_string(a).ok());
                    if let (Some(id), Some(a), false) = (mcid, &actual, replaced) {
                        out.entry((page, id)).or_default().push_str(a);
                    }
                    stack.push((mcid, replaced || actual.is_some()));
                }
                "EMC" => {
                    stack.pop();
                }
                "Tf" => {
                    if let Some(Ok(name)) = operands.first().map(Object::as_name) {
                        font = name.to_vec();
                    }
                }
                "Tj" | "TJ" => {
                    let (Some(id), false) = (open, replaced) else {
                        continue;
                    };
                    let Some(enc) = encodings.get(&font) else {
                        continue;
                    };
                    let items = match operands.first() {
                        Some(Object::Array(a)) => a.clone(),
                        Some(o) => vec![o.clone()],
                        None => continue,
                    };
                    let entry: &mut String = out.entry((page, id)).or_default();
                    for i in items {
                        if let Object::String(b, _) = i {
                            entry.push_str(&Document::decode_text(enc, &b).unwrap_or_default());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// A structure element as a screen reader meets it.
pub struct Elem {
    /// Its structure type, as written (`H3`, `TD`, a role-mapped name).
    pub role: String,
    /// Its own marked content's text, or a figure's alt text.
    pub text: String,
    /// Its dictionary.
    pub dict: Dictionary,
    /// The index of its parent element (0, the root, for the root).
    pub parent: usize,
}

type Text = HashMap<(ObjectId, i64), String>;

/// The structure tree root's `/K`, or `None` for an untagged PDF.
fn tree_root(doc: &Document) -> Option<&Object> {
    let catalog = doc.catalog().ok()?;
    let root = resolve(doc, catalog.get(b"StructTreeRoot").ok()?)
        .as_dict()
        .ok()?;
    root.get(b"K").ok()
}

/// A text string's text.
fn text_of(doc: &Document, o: &Object) -> Option<String> {
    lopdf::decode_text_string(resolve(doc, o)).ok()
}

/// The structure tree in reading order, depth first: each element's role,
/// its own text (a figure's alt text or an element's `/ActualText`, not
/// what lies inside it) and parent.
/// Empty (but for the root) when the PDF is not tagged.
pub fn reading(doc: &Document) -> Vec<Elem> {
    let text = marked_text(doc);
    fn walk(
        doc: &Document,
        text: &Text,
        k: &Object,
        page: Option<ObjectId>,
        owner: usize,
        out: &mut Vec<Elem>,
    ) {
        let own = |page: Option<ObjectId>, mcid: i64, out: &mut Vec<Elem>| {
            if let Some(t) = page.and_then(|p| text.get(&(p, mcid))) {
                out[owner].text.push_str(t);
            }
        };
        match resolve(doc, k) {
            Object::Array(items) => {
                for i in items {
                    walk(doc, text, i, page, owner, out);
                }
            }
            Object::Integer(mcid) => own(page, *mcid, out),
            Object::Dictionary(d) => {
                let pg = d
                    .get(b"Pg")
                    .ok()
                    .and_then(|p| p.as_reference().ok())
                    .or(page);
                if let Ok(mcid) = d.get(b"MCID").and_then(Object::as_i64) {
                    own(pg, mcid, out);
                } else if let Ok(s) = d.get(b"S").and_then(Object::as_name) {
                    // A figure's alt text, or an element's actual text,
                    // stands for what lies inside it.
                    let alt = [b"Alt".as_slice(), b"ActualText"]
                        .iter()
                        .find_map(|k| d.get(k).ok().and_then(|a| text_of(doc, a)));
                    out.push(Elem {
                        role: String::from_utf8_lossy(s).into_owned(),
                        text: alt.clone().unwrap_or_default(),
                        dict: d.clone(),
                        parent: owner,
                    });
                    let me = out.len() - 1;
                    if let (None, Ok(kids)) = (alt, d.get(b"K")) {
                        walk(doc, text, kids, pg, me, out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = vec![Elem {
        role: "Root".into(),
        text: String::new(),
        dict: Dictionary::new(),
        parent: 0,
    }];
    if let Some(k) = tree_root(doc) {
        walk(doc, &text, k, None, 0, &mut out);
    }
    out
}

// ---- The transcript --------------------------------------------------------

/// A structure element with its content in order: marked text and child
/// elements interleaved, as they are read.
struct Node {
    /// The standard structure type (role-mapped).
    role: String,
    dict: Dictionary,
    kids: Vec<Item>,
}

enum Item {
    Text(String),
    Elem(Node),
}

/// The tree of the PDF, under a `Root` node.
fn tree(doc: &Document) -> Node {
    let text = marked_text(doc);
    let role_map: BTreeMap<Vec<u8>, Vec<u8>> = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"StructTreeRoot").ok())
        .and_then(|r| resolve(doc, r).as_dict().ok())
        .and_then(|r| r.get(b"RoleMap").ok())
        .and_then(|m| resolve(doc, m).as_dict().ok())
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), resolve(doc, v).as_name().ok()?.to_vec())))
                .collect()
        })
        .unwrap_or_default();
    let standard = |s: &[u8]| {
        let mut s = s.to_vec();
        // (a role map may chain; at most a few steps)
        for _ in 0..4 {
            match role_map.get(&s) {
                Some(t) if *t != s => s = t.clone(),
                _ => break,
            }
        }
        String::from_utf8_lossy(&s).into_owned()
    };
    fn walk(
        doc: &Document,
        text: &Text,
        standard: &dyn Fn(&[u8]) -> String,
        k: &Object,
        page: Option<ObjectId>,
        into: &mut Vec<Item>,
    ) {
        match resolve(doc, k) {
            Object::Array(items) => {
                for i in items {
                    walk(doc, text, standard, i, page, into);
                }
            }
            Object::Integer(mcid) => {
                if let Some(t) = page.and_then(|p| text.get(&(p, *mcid))) {
                    into.push(Item::Text(t.clone()));
                }
            }
            Object::Dictionary(d) => {
                let pg = d
                    .get(b"Pg")
                    .ok()
                    .and_then(|p| p.as_reference().ok())
                    .or(page);
                if let Ok(mcid) = d.get(b"MCID").and_then(Object::as_i64) {
                    if let Some(t) = pg.and_then(|p| text.get(&(p, mcid))) {
                        into.push(Item::Text(t.clone()));
                    }
                } else if let Ok(s) = d.get(b"S").and_then(Object::as_name) {
                    let mut node = Node {
                        role: standard(s),
                        dict: d.clone(),
                        kids: Vec::new(),
                    };
                    if let Ok(kids) = d.get(b"K") {
                        walk(doc, text, standard, kids, pg, &mut node.kids);
                    }
                    into.push(Item::Elem(node));
                }
            }
            _ => {}
        }
    }
    let mut root = Node {
        role: "Root".into(),
        dict: Dictionary::new(),
        kids: Vec::new(),
    };
    if let Some(k) = tree_root(doc) {
        walk(doc, &text, &standard, k, None, &mut root.kids);
    }
    root
}

/// Elements that group others and say nothing themselves.
const GROUPS: &[&str] = &[
    "Root",
    "Document",
    "DocumentFragment",
    "Part",
    "Sect",
    "Div",
    "Art",
    "BlockQuote",
    "NonStruct",
    "Private",
    "TOC",
    "Index",
    "THead",
    "TBody",
    "TFoot",
    "TR",
    "Aside",
];

/// Elements read within the line of the element around them.
const INLINE: &[&str] = &[
    "Span",
    "Link",
    "Reference",
    "Lbl",
    "Quote",
    "Code",
    "Em",
    "Strong",
    "Sub",
    "BibEntry",
];

/// The attribute dictionaries of an element (`/A`: one, or an array).
fn attributes(doc: &Document, d: &Dictionary) -> Vec<Dictionary> {
    let one = |o: &Object| resolve(doc, o).as_dict().ok().cloned();
    match d.get(b"A").map(|a| resolve(doc, a)) {
        Ok(Object::Array(a)) => a.iter().filter_map(one).collect(),
        Ok(o) => one(o).into_iter().collect(),
        Err(_) => Vec::new(),
    }
}

/// An attribute of the table owner (`/O /Table`), or any owner.
fn attribute<'a>(attrs: &'a [Dictionary], key: &[u8]) -> Option<&'a Object> {
    attrs.iter().find_map(|a| a.get(key).ok())
}

/// What an element says when it is read inline, within a line: its own
/// text and its children's, an expansion (`/E`, `/ActualText`) or alt text
/// (`/Alt`) in place of the text.
fn said(doc: &Document, n: &Node) -> String {
    let replaced = [b"ActualText".as_slice(), b"E", b"Alt"]
        .iter()
        .find_map(|k| n.dict.get(k).ok().and_then(|v| text_of(doc, v)));
    let inner = match replaced {
        Some(r) => r,
        None => {
            // A block within a line (a paragraph in a cell, a figure) is
            // read apart from what comes before and after it: " | ".
            let mut s = String::new();
            let mut after_block = false;
            for k in &n.kids {
                let (part, block) = match k {
                    Item::Text(t) => (t.clone(), false),
                    Item::Elem(e) => (said(doc, e), !INLINE.contains(&e.role.as_str())),
                };
                if part.trim().is_empty() {
                    s.push_str(&part);
                    continue;
                }
                if (block || after_block) && !s.trim().is_empty() {
                    s = s.trim_end().to_string();
                    s.push_str(" | ");
                }
                s.push_str(&part);
                after_block = block;
            }
            s
        }
    };
    let inner = inner.trim().to_string();
    if inner.is_empty() {
        return inner;
    }
    match n.role.as_str() {
        "Link" => format!("[link {inner}]"),
        "Figure" | "Formula" => format!("graphic: {inner}"),
        "Note" => format!("note: {inner}"),
        _ => inner,
    }
}

/// The transcript of a tagged PDF: one line per element a screen reader
/// announces, in reading order (empty for an untagged PDF).
pub fn listen(doc: &Document) -> Vec<String> {
    let root = tree(doc);
    // Each header cell's text, by its ID (for a cell's `/Headers`).
    let mut ids: Ids = HashMap::new();
    fn collect(doc: &Document, n: &Node, ids: &mut Ids) {
        if let Ok(id) = n.dict.get(b"ID").and_then(Object::as_str) {
            let attrs = attributes(doc, &n.dict);
            let scope = attribute(&attrs, b"Scope").and_then(|s| s.as_name().ok());
            ids.insert(id.to_vec(), (said(doc, n), scope == Some(b"Row")));
        }
        for k in &n.kids {
            if let Item::Elem(e) = k {
                collect(doc, e, ids);
            }
        }
    }
    collect(doc, &root, &mut ids);
    let mut out = Vec::new();
    lines(doc, &root, &ids, &mut out);
    out
}

/// Each header cell's text and whether it heads a row, by its `/ID`.
type Ids = HashMap<Vec<u8>, (String, bool)>;

/// The table's header cells by position (from their `Scope`), for cells
/// without `/Headers`: (column headers by column, row headers by row).
type Grid = (BTreeMap<usize, Vec<String>>, BTreeMap<usize, Vec<String>>);

fn lines(doc: &Document, n: &Node, ids: &Ids, out: &mut Vec<String>) {
    let role = n.role.as_str();
    if role == "Table" {
        table(doc, n, ids, out);
        return;
    }
    if GROUPS.contains(&role) || role == "L" {
        if role == "L" {
            let items = n
                .kids
                .iter()
                .filter(|k| matches!(k, Item::Elem(e) if e.role == "LI"))
                .count();
            out.push(format!("list of {items} items"));
        }
        for k in &n.kids {
            match k {
                Item::Elem(e) => lines(doc, e, ids, out),
                Item::Text(t) if !t.trim().is_empty() => out.push(t.trim().to_string()),
                Item::Text(_) => {}
            }
        }
        return;
    }
    let text = said(doc, n);
    if text.is_empty() {
        return;
    }
    let line = match role {
        "H" => format!("heading: {text}"),
        "H1" | "H2" | "H3" | "H4" | "H5" | "H6" => {
            format!("heading level {}: {text}", &role[1..])
        }
        "LI" => format!("list item: {text}"),
        "Caption" => format!("caption: {text}"),
        "Note" | "Figure" | "Formula" | "Link" => text,
        "Reference" => format!("reference: {text}"),
        "TH" | "TD" => text,
        _ => text,
    };
    out.push(line);
}

/// A table: its name and size, then each cell with its headers.
fn table(doc: &Document, n: &Node, ids: &Ids, out: &mut Vec<String>) {
    // The rows, in order, through THead/TBody/TFoot.
    fn rows<'a>(n: &'a Node, into: &mut Vec<&'a Node>) {
        for k in &n.kids {
            if let Item::Elem(e) = k {
                match e.role.as_str() {
                    "TR" => into.push(e),
                    "THead" | "TBody" | "TFoot" => rows(e, into),
                    _ => {}
                }
            }
        }
    }
    let mut trs = Vec::new();
    rows(n, &mut trs);
    let attrs = attributes(doc, &n.dict);
    let summary = attribute(&attrs, b"Summary").and_then(|s| text_of(doc, s));
    // Place each cell in the grid (RowSpan, ColSpan), to find headers by scope.
    let mut taken: BTreeMap<(usize, usize), ()> = BTreeMap::new();
    let mut placed: Vec<Vec<(usize, usize, &Node)>> = Vec::new();
    let mut width = 0;
    for (r, tr) in trs.iter().enumerate() {
        let mut c = 0;
        let mut row = Vec::new();
        for k in &tr.kids {
            let Item::Elem(cell) = k else { continue };
            if !matches!(cell.role.as_str(), "TH" | "TD") {
                continue;
            }
            while taken.contains_key(&(r, c)) {
                c += 1;
            }
            let a = attributes(doc, &cell.dict);
            let span = |key: &[u8]| {
                attribute(&a, key)
                    .and_then(|v| v.as_i64().ok())
                    .unwrap_or(1)
                    .max(1) as usize
            };
            let (rs, cs) = (span(b"RowSpan"), span(b"ColSpan"));
            for dr in 0..rs {
                for dc in 0..cs {
                    taken.insert((r + dr, c + dc), ());
                }
            }
            row.push((c, cs, cell));
            c += cs;
            width = width.max(c);
        }
        placed.push(row);
    }
    let mut grid: Grid = Default::default();
    for (r, row) in placed.iter().enumerate() {
        for (c, cs, cell) in row {
            if cell.role != "TH" {
                continue;
            }
            let a = attributes(doc, &cell.dict);
            let scope = attribute(&a, b"Scope").and_then(|s| s.as_name().ok());
            let text = said(doc, cell);
            match scope {
                Some(b"Row") => grid.1.entry(r).or_default().push(text),
                Some(b"Both") => {
                    grid.1.entry(r).or_default().push(text.clone());
                    for col in *c..c + cs {
                        grid.0.entry(col).or_default().push(text.clone());
                    }
                }
                _ => {
                    for col in *c..c + cs {
                        grid.0.entry(col).or_default().push(text.clone());
                    }
                }
            }
        }
    }
    let mut head = format!("table with {} rows and {width} columns", trs.len());
    if let Some(s) = summary.filter(|s| !s.trim().is_empty()) {
        head.push_str(&format!(": {s}"));
    }
    out.push(head);
    for k in &n.kids {
        if let Item::Elem(e) = k {
            if e.role == "Caption" {
                lines(doc, e, ids, out);
            }
        }
    }
    for (r, row) in placed.iter().enumerate() {
        for (c, cs, cell) in row {
            let text = said(doc, cell);
            let a = attributes(doc, &cell.dict);
            if cell.role == "TH" {
                let scope = attribute(&a, b"Scope").and_then(|s| s.as_name().ok());
                let kind = match scope {
                    Some(b"Row") => "row header",
                    _ => "column header",
                };
                out.push(format!(
                    "{kind}: {}",
                    if text.is_empty() { "blank" } else { &text }
                ));
                continue;
            }
            let headers: Vec<String> = match attribute(&a, b"Headers") {
                Some(Object::Array(h)) => {
                    // The row's header first, as a reader moving along a row
                    // hears it, then the column's.
                    let mut h: Vec<&(String, bool)> = h
                        .iter()
                        .filter_map(|i| i.as_str().ok())
                        .filter_map(|id| ids.get(id))
                        .collect();
                    h.sort_by_key(|(_, row)| !row);
                    h.into_iter().map(|(t, _)| t.clone()).collect()
                }
                _ => {
                    let mut h: Vec<String> = grid.1.get(&r).cloned().unwrap_or_default();
                    for col in *c..c + cs {
                        h.extend(grid.0.get(&col).cloned().unwrap_or_default());
                    }
                    h
                }
            };
            let headers: Vec<String> = headers.into_iter().filter(|h| !h.is_empty()).collect();
            let text = if text.is_empty() { "blank" } else { &text };
            if headers.is_empty() {
                out.push(text.to_string());
            } else {
                out.push(format!("{}: {text}", headers.join(", ")));
            }
        }
    }
    // What follows the rows inside the table (a note declared in it).
    for k in &n.kids {
        if let Item::Elem(e) = k {
            if !matches!(
                e.role.as_str(),
                "TR" | "THead" | "TBody" | "TFoot" | "Caption"
            ) {
                lines(doc, e, ids, out);
            }
        }
    }
    out.push("end of table".into());
}
