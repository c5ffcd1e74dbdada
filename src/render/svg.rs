//! Makes plotters' SVG cheaper to lay out and export without changing the
//! picture: plotters writes one element per line segment, tick and point, and
//! a `<text>` for every tick, labelled or not. An SPC chart of ten years came
//! to about 330 elements, and Typst parses, converts and exports every one
//! (with a font lookup for each text) for each of a large pack's hundreds of
//! charts.
//!
//! [`compact`] drops text elements that print nothing and joins each run of
//! consecutive same-styled unfilled polylines into one path, and each run of
//! same-coloured unstroked discs into one path: the same picture (rendered,
//! only the anti-aliasing at a dash's end differs). Only elements drawn fully
//! opaque are joined, so where the joined shapes overlap nothing is painted
//! twice, and order is kept: a run is only ever neighbours.
//!
//! Enters: the SVG text plotters writes (one element per line). Leaves: the
//! same picture in fewer elements; a line it does not recognise passes
//! through unchanged.

/// The same picture as `svg`, in fewer elements.
pub fn compact(svg: &str) -> String {
    let lines: Vec<&str> = svg.lines().collect();
    let mut out = String::with_capacity(svg.len());
    let mut run: Option<Run> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if let Some(skip) = empty_text(&lines[i..]) {
            i += skip;
            continue;
        }
        match Shape::parse(line) {
            Some(shape) => match &mut run {
                Some(r) if r.attrs == shape.attrs && r.kind == shape.kind => {
                    r.d.push(' ');
                    r.d.push_str(&shape.d);
                }
                _ => {
                    if let Some(r) = run.take() {
                        r.write(&mut out);
                    }
                    run = Some(Run {
                        kind: shape.kind,
                        attrs: shape.attrs.to_string(),
                        d: shape.d,
                    });
                }
            },
            None => {
                if let Some(r) = run.take() {
                    r.write(&mut out);
                }
                out.push_str(line);
                out.push('\n');
            }
        }
        i += 1;
    }
    if let Some(r) = run.take() {
        r.write(&mut out);
    }
    out
}

/// Lines taken by a text element that prints nothing, as plotters writes
/// it (`<text …>`, the text, `</text>`), when `lines` start with one.
fn empty_text(lines: &[&str]) -> Option<usize> {
    match lines {
        [open, body, close, ..]
            if open.starts_with("<text ")
                && open.ends_with('>')
                && !open.ends_with("/>")
                && body.trim().is_empty()
                && *close == "</text>" =>
        {
            Some(3)
        }
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Unfilled polylines: joined as subpaths of one stroked path.
    Lines,
    /// Unstroked circles: joined as arcs of one filled path.
    Discs,
}

/// One joinable element: its kind, its other attributes, its path data.
struct Shape<'a> {
    kind: Kind,
    attrs: &'a str,
    d: String,
}

impl<'a> Shape<'a> {
    fn parse(line: &'a str) -> Option<Shape<'a>> {
        if let Some(rest) = line.strip_prefix("<polyline ") {
            let (attrs, points) = rest.strip_suffix("\"/>")?.rsplit_once(" points=\"")?;
            let points = points.trim();
            let opaque = attrs.contains("fill=\"none\"") && attrs.contains("opacity=\"1\"");
            if !opaque || points.is_empty() || !plain(points) {
                return None;
            }
            return Some(Shape {
                kind: Kind::Lines,
                attrs,
                d: format!("M{points}"),
            });
        }
        let rest = line.strip_prefix("<circle ")?.strip_suffix("/>")?;
        let (cx, rest) = take_number(rest, "cx=\"")?;
        let (cy, rest) = take_number(rest, "cy=\"")?;
        let (r, attrs) = take_number(rest, "r=\"")?;
        let attrs = attrs.trim();
        let opaque = attrs.contains("stroke=\"none\"") && attrs.contains("opacity=\"1\"");
        if !opaque || !attrs.contains("fill=\"#") || r.is_nan() || r <= 0.0 {
            return None;
        }
        // Two half-circle arcs from the leftmost point: the same disc.
        Some(Shape {
            kind: Kind::Discs,
            attrs,
            d: format!(
                "M{},{} a{r},{r} 0 1,0 {},0 a{r},{r} 0 1,0 {},0",
                cx - r,
                cy,
                2.0 * r,
                -2.0 * r
            ),
        })
    }
}

/// Only digits, signs, points, commas and spaces: nothing to escape.
fn plain(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'.' | b',' | b' ' | b'e' | b'E'))
}

/// `rest` starts with `name` and a number closed by `"`: the number and
/// what follows.
fn take_number<'a>(rest: &'a str, name: &str) -> Option<(f64, &'a str)> {
    let rest = rest.trim_start().strip_prefix(name)?;
    let (number, rest) = rest.split_once('"')?;
    if !plain(number) {
        return None;
    }
    Some((number.parse().ok()?, rest))
}

/// A run of joined shapes being gathered.
struct Run {
    kind: Kind,
    attrs: String,
    d: String,
}

impl Run {
    fn write(self, out: &mut String) {
        out.push_str("<path ");
        out.push_str(&self.attrs);
        out.push_str(" d=\"");
        out.push_str(&self.d);
        out.push_str("\"/>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_tick_labels_are_dropped_and_labels_kept() {
        let svg = "<svg>\n<text x=\"1\" y=\"2\" font-size=\"7\">\nApr 12\n</text>\n<text x=\"3\" y=\"2\" font-size=\"7\">\n\n</text>\n</svg>\n";
        assert_eq!(
            compact(svg),
            "<svg>\n<text x=\"1\" y=\"2\" font-size=\"7\">\nApr 12\n</text>\n</svg>\n"
        );
    }

    #[test]
    fn a_run_of_same_styled_lines_is_one_path() {
        let svg = concat!(
            "<polyline fill=\"none\" opacity=\"1\" stroke=\"#595959\" stroke-width=\"1\" points=\"41,4 41,142 \"/>\n",
            "<polyline fill=\"none\" opacity=\"1\" stroke=\"#595959\" stroke-width=\"1\" points=\"36,137 41,137 \"/>\n",
            "<polyline fill=\"none\" opacity=\"1\" stroke=\"#7F7F7F\" stroke-width=\"1\" points=\"1,2 3,4 \"/>\n",
        );
        assert_eq!(
            compact(svg),
            concat!(
                "<path fill=\"none\" opacity=\"1\" stroke=\"#595959\" stroke-width=\"1\" d=\"M41,4 41,142 M36,137 41,137\"/>\n",
                "<path fill=\"none\" opacity=\"1\" stroke=\"#7F7F7F\" stroke-width=\"1\" d=\"M1,2 3,4\"/>\n",
            )
        );
    }

    #[test]
    fn runs_are_only_neighbours_so_the_order_of_painting_is_kept() {
        let a = "<polyline fill=\"none\" opacity=\"1\" stroke=\"#000000\" points=\"0,0 1,1 \"/>\n";
        let rect = "<rect x=\"0\" y=\"0\" width=\"5\" height=\"5\" opacity=\"1\" fill=\"#FFFFFF\" stroke=\"none\"/>\n";
        let out = compact(&format!("{a}{rect}{a}"));
        assert_eq!(out.matches("<path").count(), 2, "{out}");
        assert!(out.find("<rect").unwrap() > out.find("<path").unwrap());
        assert!(out.rfind("<path").unwrap() > out.find("<rect").unwrap());
    }

    #[test]
    fn translucent_filled_or_unknown_shapes_pass_through() {
        let kept = concat!(
            "<polyline fill=\"none\" opacity=\"0.5\" stroke=\"#000000\" points=\"0,0 1,1 \"/>\n",
            "<polyline fill=\"none\" opacity=\"0.5\" stroke=\"#000000\" points=\"0,0 1,1 \"/>\n",
            "<polyline fill=\"#FF0000\" opacity=\"1\" stroke=\"#000000\" points=\"0,0 1,1 2,0 \"/>\n",
            "<circle cx=\"4\" cy=\"5\" r=\"2\" opacity=\"1\" fill=\"none\" stroke=\"#000000\"/>\n",
            "<circle cx=\"4\" cy=\"5\" r=\"2\" opacity=\"0.3\" fill=\"#A6A6A6\" stroke=\"none\"/>\n",
            "<g transform=\"x\">\n",
        );
        assert_eq!(compact(kept), kept);
    }

    #[test]
    fn discs_become_arcs_of_one_path() {
        let svg = concat!(
            "<circle cx=\"44\" cy=\"71\" r=\"2\" opacity=\"1\" fill=\"#A6A6A6\" stroke=\"none\" stroke-width=\"1\"/>\n",
            "<circle cx=\"49\" cy=\"66\" r=\"2\" opacity=\"1\" fill=\"#A6A6A6\" stroke=\"none\" stroke-width=\"1\"/>\n",
        );
        assert_eq!(
            compact(svg),
            "<path opacity=\"1\" fill=\"#A6A6A6\" stroke=\"none\" stroke-width=\"1\" d=\"M42,71 a2,2 0 1,0 4,0 a2,2 0 1,0 -4,0 M47,66 a2,2 0 1,0 4,0 a2,2 0 1,0 -4,0\"/>\n"
        );
    }
}
