//! The laid-out pages checked before export: any text or image outside a
//! page's body (past a margin, over the footer, off the page) is an
//! [`Overflow`], named by the section it belongs to. The layout marks each
//! section (a priority's panel, a comment box, the KEY, an appendix chart)
//! with `metadata((kind: …, code: …, title: …)) <boardpack-section>` where
//! it starts; content belongs to the last section started before it in the
//! frames' order (the order Typst lays content out, column by column).

use typst::foundations::Value;
use typst::introspection::{MetadataElem, Tag};
use typst::layout::{Abs, Frame, FrameItem, Point, Transform};
use typst_layout::PagedDocument;

use crate::compute::wording::{self, Edge};

/// The label the layout puts on each section's marker.
pub const SECTION_LABEL: &str = "boardpack-section";

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
    let mut walker = Walker {
        section: wording::section_name("", None, None),
        found: Vec::new(),
        page: 0,
        body: Body::default(),
    };
    for (i, page) in document.pages().iter().enumerate() {
        walker.page = i + 1;
        walk_page(&mut walker, &page.frame);
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
    found
}

/// The body's rectangle in the page's coordinates.
#[derive(Debug, Clone, Copy, Default)]
struct Body {
    min: Point,
    max: Point,
}

struct Walker {
    section: String,
    found: Vec<Overflow>,
    page: usize,
    body: Body,
}

/// The page's body is the frame Typst places at the margins' corner: of the
/// page's top-level groups, the tallest not at the page's top edge (the
/// background and the header start there). Everything else on the page
/// (background, header, footer) is checked only against the page's edges.
fn walk_page(walker: &mut Walker, page: &Frame) {
    let inner = page
        .items()
        .enumerate()
        .filter_map(|(i, (pos, item))| match item {
            FrameItem::Group(g) if pos.y > Abs::zero() => Some((i, g.frame.height())),
            _ => None,
        })
        .max_by(|a, b| a.1.cmp(&b.1))
        .map(|(i, _)| i);
    let whole = Body {
        min: Point::zero(),
        max: Point::new(page.width(), page.height()),
    };
    for (i, (pos, item)) in page.items().enumerate() {
        walker.body = whole;
        if Some(i) == inner {
            if let FrameItem::Group(g) = item {
                walker.body = Body {
                    min: *pos,
                    max: *pos + Point::new(g.frame.width(), g.frame.height()),
                };
            }
        }
        walk_item(walker, Transform::translate(pos.x, pos.y), item);
    }
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
            let marked = content
                .label()
                .is_some_and(|l| l.resolve().as_str() == SECTION_LABEL);
            if let (true, Some(meta)) = (marked, content.to_packed::<MetadataElem>()) {
                walker.section = section_of(&meta.value);
            }
        }
        FrameItem::Text(text) => {
            let m = text.font.metrics();
            let top = Point::new(Abs::zero(), -m.ascender.at(text.size));
            let bottom = Point::new(text.width(), -m.descender.at(text.size));
            let sample = text.text.to_string();
            walker.test(ts, top, bottom, sample);
        }
        FrameItem::Image(_, size, _) => {
            walker.test(ts, Point::zero(), size.to_point(), "image".into());
        }
        _ => {}
    }
}

impl Walker {
    /// Records the rectangle `a`–`b` (in `ts`'s coordinates) if it leaves
    /// the body.
    fn test(&mut self, ts: Transform, a: Point, b: Point, sample: String) {
        let corners = [a, b, Point::new(a.x, b.y), Point::new(b.x, a.y)].map(|p| p.transform(ts));
        let min_x = corners.iter().map(|p| p.x).fold(Abs::inf(), Abs::min);
        let max_x = corners.iter().map(|p| p.x).fold(-Abs::inf(), Abs::max);
        let min_y = corners.iter().map(|p| p.y).fold(Abs::inf(), Abs::min);
        let max_y = corners.iter().map(|p| p.y).fold(-Abs::inf(), Abs::max);
        let body = self.body;
        let past = [
            (Edge::Bottom, (max_y - body.max.y).to_pt()),
            (Edge::Top, (body.min.y - min_y).to_pt()),
            (Edge::Right, (max_x - body.max.x).to_pt()),
            (Edge::Left, (body.min.x - min_x).to_pt()),
        ];
        if let Some((edge, by)) = past.into_iter().find(|(_, by)| *by > TOLERANCE) {
            self.found.push(Overflow {
                page: self.page,
                section: self.section.clone(),
                sample,
                edge,
                by,
            });
        }
    }
}

fn section_of(value: &Value) -> String {
    let field = |k: &str| match value {
        Value::Dict(d) => d.get(k).ok().and_then(|v| match v {
            Value::Str(s) => Some(s.to_string()),
            _ => None,
        }),
        _ => None,
    };
    wording::section_name(
        &field("kind").unwrap_or_default(),
        field("code").as_deref(),
        field("title").as_deref(),
    )
}
