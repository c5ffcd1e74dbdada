//! The HTML companion: [`Records`] + [`Charts`] → one self-contained,
//! accessible HTML page of the same pack, for publishing where GOV.UK
//! guidance prefers HTML to PDF. Real headings and tables (column and row
//! headers), the KEY, the narratives, the charts as inline SVG with a text
//! alternative from the records, every class in words as well as colour and
//! symbol, the draft status in the title and the body, a print stylesheet,
//! `lang="en-GB"` and no script.
//!
//! Enters: the records, the charts and the render options (draft or
//! signed off). Leaves: the page as a string. Every text from the workbook
//! or the layout (its `theme.json`: class symbols, colours) is escaped, so
//! it prints literally and never becomes markup; the page's style takes only
//! a checked theme (colours `#RRGGBB`, an embedded font's name).

use std::collections::BTreeSet;
use std::fmt::Write;

use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};

use crate::compute::records::{
    Cell, ChartId, Class, CommentBox, NarrativeItem, PriorityRecord, Records, Row, SpcChartRecord,
};
use crate::compute::wording::{self, KEY_INTRO};
use crate::input::{Layout, NarrativeKind};
use crate::render::charts::Charts;
use crate::render::document::{RenderOptions, APPENDIX_TITLE, DRAFT_MARK};
use crate::render::theme::Theme;

/// A comma a screen reader pauses at and the eye does not see, between a
/// figure, its class in words and its note (each a line of its own on
/// screen).
const PAUSE: &str = "<span class=\"visually-hidden\">, </span>";

/// The page of a pack.
pub fn render(records: &Records, charts: &Charts, options: &RenderOptions) -> String {
    // The layout's palette (checked when the pack was built), as the PDF's.
    let theme = options
        .layout
        .theme()
        .ok()
        .filter(|t| t.problems().is_empty())
        .unwrap_or_default();
    let mut page = Page {
        out: String::new(),
        charts,
        theme,
        noted: records.footnotes.iter().map(|f| f.marker.clone()).collect(),
    };
    page.head(records, options);
    page.masthead(records, options);
    page.out.push_str("<main>\n");
    // The priorities under their heading (it was an empty `h2` beside them).
    let _ = writeln!(
        page.out,
        "<section aria-labelledby=\"priorities\">\n<h2 id=\"priorities\">{}</h2>",
        text(&records.report.heading)
    );
    for p in &records.priorities {
        page.priority(records, p);
    }
    page.out.push_str("</section>\n");
    for b in &records.comments {
        page.comment_box(b);
    }
    page.key(records);
    if let Some(note) = &records.note {
        page.comment_box(note);
    }
    page.footnotes(records);
    page.changes(records);
    page.appendix(records);
    page.out.push_str("</main>\n</body>\n</html>\n");
    page.out
}

struct Page<'c> {
    out: String,
    charts: &'c Charts,
    theme: Theme,
    /// The markers that have a note (`Records::footnotes`).
    noted: BTreeSet<String>,
}

/// The id of a marker's note: `note-1`, `note-a`, `note-_2a` for `*` (one id
/// per marker: letters and digits kept, in their case, anything else by its
/// code).
fn note_id(marker: &str) -> String {
    let mut id = String::from("note-");
    for c in marker.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else {
            let _ = write!(id, "_{:x}", u32::from(c));
        }
    }
    id
}

/// The markers the pack prints: after row labels, in the KEY, in cells.
fn printed_markers(records: &Records) -> BTreeSet<&str> {
    let rows = records.rows.iter().flat_map(|r| {
        let cells = r
            .cells
            .values()
            .filter_map(|c| c.footnote_marker.as_deref());
        r.footnote.as_deref().into_iter().chain(cells)
    });
    let key = records.key.iter().filter_map(|k| k.footnote.as_deref());
    rows.chain(key).collect()
}

/// The page's style: screen and print, colours and font from the theme.
fn style(theme: &Theme) -> String {
    let Theme {
        font,
        text,
        muted,
        heading_fill,
        heading_text,
        number_fill,
        number_text,
        header_fill,
        header_text,
        comment_fill,
        rule,
        draft,
        ..
    } = theme;
    format!(
        "body{{font-family:\"{font}\",Arial,sans-serif;color:{text};max-width:72rem;margin:0 auto;padding:1rem;line-height:1.4}}\
h1{{color:{heading_fill};font-size:1.6rem;margin:.2rem 0}}\
h2{{font-size:1.15rem;margin:1.4rem 0 .4rem}}\
.priority>h3{{font-size:1.15rem;margin:1.4rem 0 .4rem;background:{heading_fill};color:{heading_text};padding:.3rem .5rem;border-radius:3px}}\
.num{{background:{number_fill};color:{number_text};padding:0 .35rem;margin-right:.4rem;border-radius:2px}}\
.draft{{border:3px solid {draft};color:{draft};font-weight:bold;padding:.5rem;margin:.5rem 0}}\
.signed{{border:2px solid {heading_fill};padding:.5rem;margin:.5rem 0}}\
.table-wrap{{overflow-x:auto;position:relative}}.table-wrap:focus{{outline:3px solid {heading_fill};outline-offset:2px}}\
.visually-hidden{{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap;border:0}}\
abbr[title]{{text-decoration:none}}\
table{{border-collapse:collapse;width:100%;margin:.3rem 0}}\
th,td{{border-bottom:1px solid {rule};padding:.3rem .4rem;text-align:center;vertical-align:middle}}\
thead th{{background:{header_fill};color:{header_text};font-size:.9rem}}thead abbr{{white-space:nowrap}}thead th:first-child{{text-align:left}}\
tbody th{{text-align:left;font-weight:normal}}\
.note,.muted{{color:{muted};font-size:.9rem}}\
.class-words{{display:block;font-size:.8rem;font-weight:normal}}\
.comment{{background:{comment_fill};padding:.2rem .8rem;border-radius:3px;margin:1rem 0}}\
.key{{border:1px solid {rule};padding:.2rem .8rem;margin:1rem 0}}\
.key li{{margin:.3rem 0}}.key .icon svg{{width:1.2rem;height:1.2rem;vertical-align:middle;margin-right:.5rem}}.notes dt,.periods dt{{float:left;margin-right:.5rem;font-weight:bold}}.periods dd{{margin:0 0 .2rem 0}}.notes dd{{margin:0 0 .3rem 1.5rem}}\
.swatch{{display:inline-block;min-width:3rem;text-align:center;margin-right:.5rem;padding:0 .3rem}}\
figure{{margin:1rem 0}}\
.chart svg{{display:block;max-width:100%;height:auto}}.chart svg text{{font-size:10px}}.charts .chart svg text{{font-size:11px}}\
.charts{{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(22rem,100%),1fr));gap:1rem}}.charts>figure{{min-width:0}}\
details{{margin:.3rem 0}}summary{{cursor:pointer;color:{heading_fill}}}.print-only{{display:none}}\
@media (max-width:30rem){{body{{padding:.5rem}}.comment,.key{{padding:.2rem .5rem}}}}\
@media print{{html{{font-size:9pt}}body{{max-width:none}}details{{display:none}}.print-only{{display:block}}.priority,.comment,.key,figure{{break-inside:avoid}}.table-wrap{{overflow:visible}}a{{color:inherit}}\
.priority>h3{{background:none;color:{heading_fill};border-bottom:2pt solid {heading_fill};border-radius:0;padding:.2rem 0}}\
.num{{background:none;color:{number_text};border:1pt solid {number_text}}}thead th{{border-bottom:1.5pt solid {text}}}}}"
    )
}

impl Page<'_> {
    fn head(&mut self, records: &Records, options: &RenderOptions) {
        // The same title and description as the PDF's.
        let r = &records.report;
        let _ = write!(
            self.out,
            "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>{}</title>\n<meta name=\"description\" content=\"{}\">\n\
<style>{}</style>\n</head>\n<body>\n",
            text(&wording::document_title(r, options.draft)),
            attr(&wording::document_description(r, options.draft)),
            style(&self.theme)
        );
    }

    fn masthead(&mut self, records: &Records, options: &RenderOptions) {
        let r = &records.report;
        let board = after(" · ", r.board.as_deref());
        let _ = write!(
            self.out,
            "<header>\n<h1>{}</h1>\n<p><strong>{}</strong> · {}{board}</p>\n",
            text(&r.title),
            text(&r.period_label),
            text(&r.force_name),
        );
        if options.draft {
            let _ = writeln!(
                self.out,
                "<p class=\"draft\" role=\"note\">{DRAFT_MARK}: this pack has not been approved by the board.</p>"
            );
        }
        if let Some(s) = &options.sign_off {
            let (by, role, date) = (text(&s.by), text(&s.role), text(&s.date));
            let reason = after(" ", s.reason.as_deref());
            let _ = writeln!(
                self.out,
                "<p class=\"signed\">Signed off by {by}, {role}, on {date}.{}</p>",
                match (&s.supersedes, &s.reason) {
                    (Some(line), _) => format!("<br>{}", text(line)),
                    (None, Some(_)) => reason.clone(),
                    (None, None) => String::new(),
                }
            );
        }
        self.out.push_str("</header>\n");
    }

    fn priority(&mut self, records: &Records, p: &PriorityRecord) {
        let id = format!("p-{}", crate::compute::wording::slug(&p.key));
        let _ = write!(
            self.out,
            "<section class=\"priority\" aria-labelledby=\"{id}\">\n<h3 id=\"{id}\"><span class=\"num\">{}</span> {}</h3>\n",
            text(&p.code),
            money_spoken(&p.title)
        );
        let rows: Vec<&Row> = records
            .rows
            .iter()
            .filter(|r| r.priority == p.key)
            .collect();
        if matches!(p.layout, Layout::Table | Layout::Assessment) && !rows.is_empty() {
            self.table(p, &rows, &id);
        }
        if let Some(s) = &p.savings {
            self.chart(&s.chart, &s.alt, false);
            let rows = s.items.iter().map(|i| (i.label.as_str(), i.text.as_str()));
            self.pairs(&wording::savings_table_name(p), ("Item", &s.unit), rows);
        }
        self.narrative(&p.narrative, 4);
        if let Some(note) = &p.note {
            let _ = writeln!(self.out, "<p class=\"note\">{}</p>", text(note));
        }
        self.out.push_str("</section>\n");
    }

    /// A priority's table, named by its caption (`Indicators of priority
    /// 11 …`, for a screen reader: the heading above shows it), in a region
    /// of that name a keyboard can scroll sideways where the page is narrow.
    fn table(&mut self, p: &PriorityRecord, rows: &[&Row], heading: &str) {
        let _ = write!(
            self.out,
            "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"t-{heading}\" tabindex=\"0\">\n<table>\n<caption id=\"t-{heading}\" class=\"visually-hidden\">{}</caption>\n<thead><tr><th scope=\"col\">Indicator</th>",
            text(&wording::table_name(p))
        );
        for h in &p.columns {
            let _ = write!(self.out, "<th scope=\"col\">{}</th>", spoken(&h.label));
        }
        self.out.push_str("</tr></thead>\n<tbody>\n");
        for r in rows {
            let _ = write!(self.out, "<tr><th scope=\"row\">{}", text(&r.label));
            if let Some(f) = &r.footnote {
                self.mark(f);
            }
            if let Some(n) = &r.note {
                let _ = write!(self.out, " <span class=\"note\">{}</span>", text(n));
            }
            self.out.push_str("</th>");
            if r.kind == crate::input::Kind::Spc {
                let cell = r.cells.get(&crate::input::Column::Latest);
                let _ = write!(self.out, "<td colspan=\"{}\">", p.columns.len());
                if let Some(c) = cell {
                    self.spc_cell(c);
                }
                self.out.push_str("</td>");
            } else {
                for h in &p.columns {
                    self.cell(r.cells.get(&h.key), r.kind);
                }
            }
            self.out.push_str("</tr>\n");
        }
        self.out.push_str("</tbody>\n</table>\n</div>\n");
    }

    fn cell(&mut self, cell: Option<&Cell>, kind: crate::input::Kind) {
        let Some(c) = cell else {
            // An empty cell says why (issue #31: 30 cells read "blank").
            let _ = write!(
                self.out,
                "<td><span aria-hidden=\"true\">–</span><span class=\"visually-hidden\">{}</span></td>",
                wording::empty_cell_words(kind)
            );
            return;
        };
        let style = c
            .class
            .and_then(|class| self.theme.classes.iter().find(|s| s.class == class))
            .cloned();
        match style {
            Some(s) => {
                let _ = write!(
                    self.out,
                    "<td style=\"background:{};color:{}\"><span aria-hidden=\"true\">{} </span><strong>{}</strong>",
                    attr(&s.fill),
                    attr(&s.text),
                    text(&s.symbol),
                    spoken(&c.text),
                );
                if let Some(m) = &c.footnote_marker {
                    self.mark(m);
                }
                // A pause, unseen, between the figure and its class and
                // before a note: Chromium read "702 significant
                // deterioration To Feb 27" as one phrase (the second
                // listen-through).
                let _ = write!(
                    self.out,
                    "{PAUSE}<span class=\"class-words\">{}</span>",
                    text(&s.words)
                );
            }
            None => {
                let _ = write!(self.out, "<td>{}", spoken(&c.text));
                if let Some(m) = &c.footnote_marker {
                    self.mark(m);
                }
            }
        }
        // A cell's own note (an `n/a`'s missing months) is a footnote, by
        // its marker, as in the PDF; its small note prints in the cell.
        if let Some(n) = &c.note {
            let _ = write!(
                self.out,
                "{PAUSE}<span class=\"note class-words\">{}</span>",
                text(n)
            );
        }
        self.out.push_str("</td>");
    }

    /// The SPC reading, under its row header "SPC variance" (it read
    /// "SPC variance, SPC: Special cause improvement": the second
    /// listen-through of issue #31), as the PDF prints it.
    fn spc_cell(&mut self, c: &Cell) {
        let colour = match c.class {
            Some(class @ (Class::Improvement | Class::Concern)) => self.theme.reading_text(class),
            _ => &self.theme.text,
        };
        let _ = write!(
            self.out,
            "<span style=\"color:{}\">{}</span>",
            attr(colour),
            text(&c.text)
        );
    }

    /// A narrative's items; its headings at `level` (under the heading of
    /// the priority or box it is in).
    fn narrative(&mut self, items: &[NarrativeItem], level: u8) {
        let mut in_list = false;
        for item in items {
            let bullet = item.kind == NarrativeKind::Bullet;
            if bullet && !in_list {
                self.out.push_str("<ul>\n");
            } else if !bullet && in_list {
                self.out.push_str("</ul>\n");
            }
            in_list = bullet;
            let _ = match item.kind {
                NarrativeKind::Bullet => writeln!(self.out, "<li>{}</li>", text(&item.text)),
                NarrativeKind::Heading => {
                    writeln!(self.out, "<h{level}>{}</h{level}>", text(&item.text))
                }
                NarrativeKind::Paragraph => writeln!(self.out, "<p>{}</p>", text(&item.text)),
            };
        }
        if in_list {
            self.out.push_str("</ul>\n");
        }
    }

    fn comment_box(&mut self, b: &CommentBox) {
        let _ = writeln!(
            self.out,
            "<section class=\"comment\">\n<h2>{}</h2>",
            text(&b.heading)
        );
        self.narrative(&b.items, 3);
        self.out.push_str("</section>\n");
    }

    fn key(&mut self, records: &Records) {
        self.out
            .push_str("<section class=\"key\" aria-labelledby=\"key\">\n<h2 id=\"key\">Key</h2>\n");
        let _ = writeln!(self.out, "<p>{}</p>\n<ul>", text(KEY_INTRO));
        let styles = self.theme.clone();
        for k in &records.key {
            self.out.push_str("<li>");
            match (&k.icon, styles.classes.iter().find(|s| s.class == k.class)) {
                (Some(icon), _) => {
                    let svg = self
                        .charts
                        .get(icon)
                        .map(|c| svg_body(&c.svg))
                        .unwrap_or_default();
                    let _ = write!(self.out, "<span class=\"icon\">{svg}</span>");
                }
                (None, Some(s)) => {
                    let _ = write!(
                        self.out,
                        "<span class=\"swatch\" style=\"background:{};color:{}\" aria-hidden=\"true\">{}</span>",
                        attr(&s.fill),
                        attr(&s.text),
                        text(&s.symbol)
                    );
                }
                (None, None) => {}
            }
            self.out.push_str(&text(&k.label));
            if let Some(f) = &k.footnote {
                self.out.push(' ');
                self.mark(f);
            }
            self.out.push_str("</li>\n");
        }
        self.out.push_str("</ul>\n");
        // The pack's many comparisons (methods v3), as the PDF's KEY says.
        if let Some(sentence) = &records.key_comparisons {
            let _ = writeln!(self.out, "<p>{}</p>", text(sentence));
        }
        // Which months each column covers, as the PDF's KEY says.
        if !records.key_periods.is_empty() {
            let _ = writeln!(
                self.out,
                "<p>{}</p>\n<dl class=\"periods\">",
                text(wording::KEY_PERIODS_HEADING)
            );
            for k in &records.key_periods {
                let _ = writeln!(
                    self.out,
                    "<dt>{}</dt><dd>{}</dd>",
                    spoken(&k.label),
                    spoken(&k.months)
                );
            }
            self.out.push_str("</dl>\n");
        }
        self.out.push_str("</section>\n");
    }

    /// A footnote's marker, linked to its note where it has one, after a
    /// thin space (as the PDF's): a row header's name read "treatment2",
    /// glued, with every cell of its row.
    fn mark(&mut self, marker: &str) {
        if self.noted.contains(marker) {
            let _ = write!(
                self.out,
                "\u{2009}<sup><a href=\"#{}\">{}</a></sup>",
                attr(&note_id(marker)),
                text(marker)
            );
        } else {
            let _ = write!(self.out, "\u{2009}<sup>{}</sup>", text(marker));
        }
    }

    /// The footnotes' texts, by marker, where the page ends a printed page's
    /// notes would be: each note the pack prints (the workbook's and the
    /// automatic ones, as the PDF's), once.
    fn footnotes(&mut self, records: &Records) {
        let printed = printed_markers(records);
        let notes: Vec<_> = records
            .footnotes
            .iter()
            .filter(|f| printed.contains(f.marker.as_str()))
            .collect();
        if notes.is_empty() {
            return;
        }
        self.out.push_str(
            "<section aria-labelledby=\"notes\">\n<h2 id=\"notes\">Notes</h2>\n<dl class=\"notes\">\n",
        );
        for f in notes {
            let _ = writeln!(
                self.out,
                "<dt id=\"{}\">{}</dt><dd>{}</dd>",
                attr(&note_id(&f.marker)),
                text(&f.marker),
                text(&f.text)
            );
        }
        self.out.push_str("</dl>\n</section>\n");
    }

    /// A table of two columns whose first cell heads its row.
    /// Named by `name` (a caption only a screen reader hears; the table
    /// was announced without a name).
    fn pairs<'a>(
        &mut self,
        name: &str,
        head: (&str, &str),
        rows: impl Iterator<Item = (&'a str, &'a str)>,
    ) {
        let _ = writeln!(
            self.out,
            "<table>\n<caption class=\"visually-hidden\">{}</caption>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>",
            text(name),
            text(head.0),
            text(head.1)
        );
        for (key, value) in rows {
            let _ = writeln!(
                self.out,
                "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                text(key),
                spoken(value)
            );
        }
        self.out.push_str("</tbody>\n</table>\n");
    }

    /// What changed since the last signed-off pack, as a table.
    fn changes(&mut self, records: &Records) {
        let Some(c) = &records.changes else { return };
        let _ = writeln!(
            self.out,
            "<section aria-labelledby=\"changes\">\n<h2 id=\"changes\">{}</h2>",
            text(&c.heading)
        );
        for note in &c.notes {
            let _ = writeln!(self.out, "<p><strong>{}</strong></p>", text(note));
        }
        if c.lines.is_empty() && c.notes.is_empty() && c.rolled_on.is_empty() {
            self.out.push_str("<p>Nothing changed.</p>\n");
        }
        if !c.lines.is_empty() {
            let rows = c
                .lines
                .iter()
                .map(|l| (l.priority.as_str(), l.change.as_str()));
            self.pairs(&c.heading, ("Priority", "Change"), rows);
        }
        if !c.rolled_on.is_empty() {
            let _ = writeln!(self.out, "<h3>{}</h3>\n<ul>", text(&c.rolled_on_heading));
            for line in &c.rolled_on {
                let _ = writeln!(self.out, "<li>{}</li>", text(line));
            }
            self.out.push_str("</ul>\n");
        }
        self.out.push_str("</section>\n");
    }

    fn appendix(&mut self, records: &Records) {
        if records.appendix.is_empty() {
            return;
        }
        let _ = writeln!(
            self.out,
            "<section aria-labelledby=\"appendix\">\n<h2 id=\"appendix\">{APPENDIX_TITLE}</h2>"
        );
        for para in &records.appendix_intro {
            let _ = writeln!(self.out, "<p>{}</p>", text(para));
        }
        self.out.push_str("<div class=\"charts\">\n");
        for c in &records.appendix {
            self.spc_chart(c);
        }
        self.out.push_str("</div>\n</section>\n");
    }

    fn spc_chart(&mut self, c: &SpcChartRecord) {
        let _ = writeln!(self.out, "<figure>\n<h3>{}</h3>", text(&c.title));
        self.chart(&c.chart, &c.alt, true);
        // The caption says the reading and the projection; the chart's
        // description (its alt text, shown in the details) says the rest.
        let _ = writeln!(
            self.out,
            "<figcaption>{}</figcaption>\n</figure>",
            text(&c.caption)
        );
    }

    /// A chart inline: its SVG hidden from assistive technology, named by
    /// its alt text's first clause (`SPC chart of SP11, monthly, …`). With
    /// `described`, the whole alt text follows as visible text in a
    /// `<details>` the chart refers to (`aria-describedby`), so it can be
    /// read word by word, and again in a paragraph shown only in print (a
    /// closed `<details>` does not print, and the print hides the
    /// `<details>`: the description is on paper once, and a screen, which
    /// does not show the paragraph, reads it once); else the chart is named
    /// only and the table after it gives its figures.
    fn chart(&mut self, id: &ChartId, alt: &str, described: bool) {
        let svg = self
            .charts
            .get(id)
            .map(|c| svg_body(&c.svg))
            .unwrap_or_default();
        // (An alt text with no headline clause has no ':' before its
        // first sentence ends.)
        let name = alt.split([':', '.']).next().unwrap_or(alt).trim();
        let slug = wording::slug(id.path().trim_start_matches("/charts/"));
        if described {
            let _ = writeln!(
                self.out,
                "<div class=\"chart\" role=\"img\" aria-label=\"{}\" aria-describedby=\"desc-{slug}\">{}</div>\n\
<details><summary>{}</summary><p id=\"desc-{slug}\">{}</p></details>\n\
<p class=\"print-only\">{}</p>",
                attr(name),
                svg,
                wording::CHART_DESCRIPTION,
                text(alt),
                text(alt)
            );
        } else {
            // Named only: the table after it reads each item and amount
            // (they were read twice, in the name and in the table).
            let _ = writeln!(
                self.out,
                "<div class=\"chart\" role=\"img\" aria-label=\"{}\">{}</div>",
                attr(name),
                svg
            );
        }
    }
}

/// Escaped text after a separator, or nothing.
fn after(separator: &str, value: Option<&str>) -> String {
    value
        .map(|v| format!("{separator}{}", text(v)))
        .unwrap_or_default()
}

/// An SVG document as an inline element: no XML declaration, hidden from
/// assistive technology (the holder carries the text alternative).
fn svg_body(svg: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    svg[start..].replacen("<svg", "<svg aria-hidden=\"true\" focusable=\"false\"", 1)
}

/// Workbook text, escaped, each amount in money in it (`£20m`) an
/// `<abbr>` said as money ("20 million pounds").
fn money_spoken(t: &str) -> String {
    wording::money_parts(t)
        .into_iter()
        .map(|(part, money)| {
            if money {
                spoken(part)
            } else {
                text(part).into_owned()
            }
        })
        .collect()
}

/// Printed text, escaped, as an `<abbr>` with its spoken form where a
/// speech engine would misread it (`NA`: "not available", `£20.3m`: "20.3
/// million pounds"): the printed form hidden from assistive technology, the
/// spoken form visually hidden beside it, as an empty cell's dash and its
/// words. (The listen-through of issue #31: screen readers name an
/// `<abbr>` by its text, "N A", and give its title only as a description,
/// which NVDA and JAWS do not announce by default; the title stays, for a
/// pointer's tooltip.)
fn spoken(printed: &str) -> String {
    match wording::spoken(printed) {
        Some(said) => format!(
            "<abbr title=\"{}\"><span aria-hidden=\"true\">{}</span><span class=\"visually-hidden\">{}</span></abbr>",
            attr(&said),
            text(printed),
            text(&said)
        ),
        None => text(printed).into_owned(),
    }
}
