//! The laid-out pages checked before export: any text or image outside a
//! page's body (past a margin, over the footer, off the page) is an
//! [`Overflow`], named by the section it belongs to. The layout marks each
//! section (a priority's panel, a comment box, the KEY, an appendix chart)
//! with `metadata((kind: …, code: …, title: …)) <boardpack-section>` where
//! it starts; content belongs to the last section started before it in the
//! frames' order (the order Typst lays content out, column by column).
//! The layout declares its margins with `metadata((top: …, right: …,
//! bottom: …, left: …)) <boardpack-page>` and labels its header, footer and
//! background `<boardpack-marginal>`; a layout that declares no margins is
//! checked against the page's edges only.
//!
//! Within a section, no two lines of text may overlap: a run of text laid
//! over another ([`Overlap`], a figure printed over a label's word) fails
//! the build, naming the section, as content off the page does.

use typst::foundations::Value;
use typst::introspection::{Location, MetadataElem, Tag};
use typst::layout::{Abs, Frame, FrameItem, Point, Transform};
use typst::model::{FootnoteElem, FootnoteEntry};
use typst_layout::PagedDocument;

use crate::compute::wording::{self, Edge};

/// The label the layout puts on each section's marker.
pub const SECTION_LABEL: &str = "boardpack-section";
/// The label of the layout's declaration of its margins.
pub const PAGE_LABEL: &str = "boardpack-page";
/// The label of the header's, footer's and background's content.
pub const MARGINAL_LABEL: &str = "boardpack-marginal";
/// The label of the marker a layout puts at the end of a panel laid out
/// whole, `metadata(KEY) <boardpack-panel-end>`: where it lies at (or past)
/// the body's foot, the panel is taller than a column (Typst ends a block
/// too tall for any column at the column's foot and lets the rest run over
/// it; a panel that fits moves on to the next column instead).
pub const PANEL_END_LABEL: &str = "boardpack-panel-end";

/// How far (in points) content may stray past the body before it counts:
/// glyphs' side bearings and rules' half widths.
const TOLERANCE: f64 = 0.5;

/// Content laid out outside a page's body.
#[derive(Debug, Clone, PartialEq)]
pub struct Overflow {
    /// 1-based page number.
    pub page: usize,
    /// Who the content belongs to, as [`wording::section_name`] words it.
    pub section: String,
    /// The first text that strays (or `image`).
    pub sample: String,
    /// Which edge, and by how many points.
    pub edge: Edge,
    pub by: f64,
    /// The priority's key when the section is a priority's panel (its
    /// marker's `key`): a panel that ran past its column can be laid out
    /// again to flow on.
    pub panel: Option<String>,
}

impl Overflow {
    /// The analyst's message.
    pub fn message(&self) -> String {
        wording::overflow_text(
            self.page,
            &self.section,
            &self.sample,
            self.edge,
            self.by / 72.0 * 25.4,
        )
    }
}

/// Every section with content outside the body, once per section and page.
pub fn check(document: &PagedDocument) -> Vec<Overflow> {
    inspect(document).overflows
}

/// How far (in points) two runs of text may meet before they count as
/// overlapping: the side bearings of neighbouring glyphs, a superscript
/// marker's shift.
const OVERLAP_TOLERANCE: f64 = 1.0;

/// Two runs of text of one section laid over each other.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlap {
    /// 1-based page number.
    pub page: usize,
    /// Who the text belongs to, as [`wording::section_name`] words it.
    pub section: String,
    /// The two runs' texts, in the order laid out.
    pub first: String,
    pub second: String,
    /// Where they meet: millimetres from the page's left and top edges.
    pub at_mm: (f64, f64),
}

impl Overlap {
    /// The analyst's message.
    pub fn message(&self) -> String {
        wording::overlap_text(
            self.page,
            &self.section,
            &self.first,
            &self.second,
            self.at_mm,
        )
    }
}

/// A run of text as laid out: its box (from the cap height to the
/// baseline) in points from the page's top left corner.
#[derive(Debug, Clone)]
struct Run {
    text: String,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

/// The first overlapping pair among the runs of one section on one page.
fn overlapping(runs: &mut [Run]) -> Option<(&Run, &Run)> {
    runs.sort_by(|a, b| a.top.total_cmp(&b.top));
    for (i, a) in runs.iter().enumerate() {
        for b in &runs[i + 1..] {
            if b.top >= a.bottom - OVERLAP_TOLERANCE {
                break;
            }
            let across = a.right.min(b.right) - a.left.max(b.left);
            let down = a.bottom.min(b.bottom) - a.top.max(b.top);
            if across > OVERLAP_TOLERANCE && down > OVERLAP_TOLERANCE {
                return Some((a, b));
            }
        }
    }
    None
}

/// What the pages show of their content's fit.
#[derive(Debug, Clone, Default)]
pub struct Inspection {
    /// Every section with content outside the body, once per section and page.
    pub overflows: Vec<Overflow>,
    /// The keys of the panels laid out whole that end at the body's foot
    /// (their `<boardpack-panel-end>` markers), in the pages' order: taller
    /// than a column, however little.
    pub long_panels: Vec<String>,
    /// Text laid over other text, once per section and page.
    pub overlaps: Vec<Overlap>,
}

/// A footnote's mark, as walked: its page, and the panel laid out whole
/// (its key, page and left edge) it lies in.
struct Mark {
    location: Location,
    page: usize,
    panel: Option<(String, usize, f64)>,
}

/// Walks the laid-out pages once: overflows, and panels taller than a column.
pub fn inspect(document: &PagedDocument) -> Inspection {
    let mut walker = Walker {
        section: wording::section_name("", None, None),
        panel: None,
        long_panels: Vec::new(),
        found: Vec::new(),
        page: 0,
        margins: Margins::default(),
        marginal: Vec::new(),
        page_size: Point::zero(),
        runs: Vec::new(),
        overlaps: Vec::new(),
        panel_at: None,
        marks: Vec::new(),
        entries: Vec::new(),
    };
    for (i, page) in document.pages().iter().enumerate() {
        walker.page = i + 1;
        walk_page(&mut walker, &page.frame);
        walker.close_section();
    }
    let mut found: Vec<Overflow> = Vec::new();
    for o in walker.found {
        if !found
            .iter()
            .any(|f| f.page == o.page && f.section == o.section)
        {
            found.push(o);
        }
    }
    // A panel laid out whole that Typst moved on to the next column keeps
    // its notes where Typst first tried it (typst#5314): at the foot of the
    // column it left, even of the page before, away from their marks. Such
    // a panel is laid out again to flow on, where each row's notes print at
    // the foot of the row's own column.
    let mut long_panels = walker.long_panels;
    for (note, page, x) in &walker.entries {
        let Some(mark) = walker.marks.iter().find(|m| m.location == *note) else {
            continue;
        };
        let Some((key, panel_page, panel_x)) = &mark.panel else {
            continue;
        };
        let away = *page != mark.page || *page != *panel_page || (x - panel_x).abs() > 1.0;
        if away && !long_panels.contains(key) {
            long_panels.push(key.clone());
        }
    }
    Inspection {
        overflows: found,
        long_panels,
        overlaps: walker.overlaps,
    }
}

/// The margins (top, right, bottom, left) the layout declares with
/// `metadata((top: …, right: …, bottom: …, left: …)) <boardpack-page>`.
#[derive(Debug, Clone, Copy, Default)]
struct Margins([Abs; 4]);

struct Walker {
    section: String,
    /// The key of the priority whose panel is being walked.
    panel: Option<String>,
    /// Panels whose end lies at the body's foot.
    long_panels: Vec<String>,
    found: Vec<Overflow>,
    page: usize,
    margins: Margins,
    /// The marginals (header, footer, background) being walked, by the
    /// locations of their `<boardpack-marginal>` elements: they lie in the
    /// margins by design and are checked against the page's edges only.
    marginal: Vec<Location>,
    page_size: Point,
    /// The text runs of the section being walked on this page.
    runs: Vec<Run>,
    overlaps: Vec<Overlap>,
    /// Where the panel being walked starts: its page and left edge.
    panel_at: Option<(usize, f64)>,
    /// The footnotes' marks walked.
    marks: Vec<Mark>,
    /// The footnotes' entries walked: the location of their mark, their
    /// page and left edge.
    entries: Vec<(Location, usize, f64)>,
}

/// Walks one page: the body is the page less the declared margins (the
/// whole page if the layout declares none; Typst may inline the body's
/// frame into the page's, so the margins cannot be read off the frames).
fn walk_page(walker: &mut Walker, page: &Frame) {
    walker.page_size = Point::new(page.width(), page.height());
    walk_frame(walker, Transform::identity(), page);
}

fn walk_frame(walker: &mut Walker, ts: Transform, frame: &Frame) {
    for (pos, item) in frame.items() {
        walk_item(
            walker,
            ts.pre_concat(Transform::translate(pos.x, pos.y)),
            item,
        );
    }
}

fn walk_item(walker: &mut Walker, ts: Transform, item: &FrameItem) {
    match item {
        FrameItem::Group(g) => walk_frame(walker, ts.pre_concat(g.transform), &g.frame),
        FrameItem::Tag(Tag::Start(content, _)) => {
            let label = content.label().map(|l| l.resolve().as_str().to_string());
            let meta = content.to_packed::<MetadataElem>();
            match (label.as_deref(), meta) {
                (Some(SECTION_LABEL), Some(meta)) => {
                    walker.close_section();
                    walker.section = section_of(&meta.value);
                    walker.panel = panel_of(&meta.value);
                    let at = Point::zero().transform(ts);
                    walker.panel_at = Some((walker.page, at.x.to_pt()));
                }
                _ if content.to_packed::<FootnoteElem>().is_some() => {
                    if let Some(location) = content.location() {
                        let panel = walker.panel.clone().zip(walker.panel_at);
                        walker.marks.push(Mark {
                            location,
                            page: walker.page,
                            panel: panel.map(|(k, (p, x))| (k, p, x)),
                        });
                    }
                }
                _ if content.to_packed::<FootnoteEntry>().is_some() => {
                    let entry = content.to_packed::<FootnoteEntry>().expect("an entry");
                    if let Some(note) = entry.note.location() {
                        let at = Point::zero().transform(ts);
                        walker.entries.push((note, walker.page, at.x.to_pt()));
                    }
                }
                (Some(PAGE_LABEL), Some(meta)) => walker.margins = margins_of(&meta.value),
                (Some(MARGINAL_LABEL), _) => walker.marginal.extend(content.location()),
                (Some(PANEL_END_LABEL), Some(meta)) => {
                    let foot = walker.page_size.y - walker.margins.0[2];
                    let at = Point::zero().transform(ts);
                    // A panel too tall for a column is cut at the foot (its
                    // end marker lands there) and the rest runs over it.
                    let at_foot = at.y.to_pt() >= foot.to_pt() - 0.01;
                    if let (Value::Str(key), true) = (&meta.value, at_foot) {
                        if !walker.long_panels.iter().any(|k| k == key.as_str()) {
                            walker.long_panels.push(key.to_string());
                        }
                    }
                }
                _ => {}
            }
        }
        FrameItem::Tag(Tag::End(location, ..)) => walker.marginal.retain(|l| l != location),
        FrameItem::Text(text) => {
            // The line's box as Typst sets it by default: from the cap
            // height to the baseline (descenders may hang into the margin,
            // as they do below any block).
            let m = text.font.metrics();
            let top = Point::new(Abs::zero(), -m.cap_height.at(text.size));
            let bottom = Point::new(text.width(), Abs::zero());
            let sample = text.text.to_string();
            walker.test(ts, top, bottom, sample.clone());
            walker.run(ts, top, bottom, sample);
        }
        FrameItem::Image(_, size, _) => {
            walker.test(ts, Point::zero(), size.to_point(), "image".into());
        }
        _ => {}
    }
}

impl Walker {
    /// Keeps a run of text of the section (marginals apart: the footer
    /// and the watermark lie over the body by design).
    fn run(&mut self, ts: Transform, a: Point, b: Point, text: String) {
        if !self.marginal.is_empty() || text.trim().is_empty() {
            return;
        }
        let corners = [a, b, Point::new(a.x, b.y), Point::new(b.x, a.y)].map(|p| p.transform(ts));
        let xs = corners.map(|p| p.x.to_pt());
        let ys = corners.map(|p| p.y.to_pt());
        self.runs.push(Run {
            text,
            left: xs.into_iter().fold(f64::INFINITY, f64::min),
            right: xs.into_iter().fold(f64::NEG_INFINITY, f64::max),
            top: ys.into_iter().fold(f64::INFINITY, f64::min),
            bottom: ys.into_iter().fold(f64::NEG_INFINITY, f64::max),
        });
    }

    /// Ends the section's runs on this page: the first two that overlap,
    /// if any, are an [`Overlap`].
    fn close_section(&mut self) {
        let mut runs = std::mem::take(&mut self.runs);
        if let Some((a, b)) = overlapping(&mut runs) {
            let mm = |pt: f64| pt / 72.0 * 25.4;
            self.overlaps.push(Overlap {
                page: self.page,
                section: self.section.clone(),
                first: a.text.clone(),
                second: b.text.clone(),
                at_mm: (mm(a.left.max(b.left)), mm(a.top.max(b.top))),
            });
        }
    }

    /// Records the rectangle `a`–`b` (in `ts`'s coordinates) if it leaves
    /// the body.
    fn test(&mut self, ts: Transform, a: Point, b: Point, sample: String) {
        let corners = [a, b, Point::new(a.x, b.y), Point::new(b.x, a.y)].map(|p| p.transform(ts));
        let min_x = corners.iter().map(|p| p.x).fold(Abs::inf(), Abs::min);
        let max_x = corners.iter().map(|p| p.x).fold(-Abs::inf(), Abs::max);
        let min_y = corners.iter().map(|p| p.y).fold(Abs::inf(), Abs::min);
        let max_y = corners.iter().map(|p| p.y).fold(-Abs::inf(), Abs::max);
        let [top, right, bottom, left] = if self.marginal.is_empty() {
            self.margins.0
        } else {
            [Abs::zero(); 4]
        };
        let past = [
            (Edge::Bottom, (max_y - (self.page_size.y - bottom)).to_pt()),
            (Edge::Top, (top - min_y).to_pt()),
            (Edge::Right, (max_x - (self.page_size.x - right)).to_pt()),
            (Edge::Left, (left - min_x).to_pt()),
        ];
        if let Some((edge, by)) = past.into_iter().find(|(_, by)| *by > TOLERANCE) {
            self.found.push(Overflow {
                page: self.page,
                section: self.section.clone(),
                sample,
                edge,
                by,
                panel: self.panel.clone(),
            });
        }
    }
}

/// A text field of a section's marker.
fn field(value: &Value, k: &str) -> Option<String> {
    match value {
        Value::Dict(d) => d.get(k).ok().and_then(|v| match v {
            Value::Str(s) => Some(s.to_string()),
            _ => None,
        }),
        _ => None,
    }
}

/// The priority's key, when the marker starts a priority's panel.
fn panel_of(value: &Value) -> Option<String> {
    (field(value, "kind").as_deref() == Some("priority"))
        .then(|| field(value, "key"))
        .flatten()
}

fn section_of(value: &Value) -> String {
    let field = |k: &str| field(value, k);
    wording::section_name(
        &field("kind").unwrap_or_default(),
        field("code").as_deref(),
        field("title").as_deref(),
    )
}

fn margins_of(value: &Value) -> Margins {
    let side = |k: &str| match value {
        Value::Dict(d) => match d.get(k) {
            Ok(Value::Length(l)) => l.abs,
            _ => Abs::zero(),
        },
        _ => Abs::zero(),
    };
    Margins([side("top"), side("right"), side("bottom"), side("left")])
}
