//! The pack's footnotes: the `Footnotes` sheet's texts by the workbook's
//! markers, and the automatic notes of cells (an `n/a`'s missing months, and
//! any other note the computation gives a cell), each given a marker here.
//!
//! Enters: the printed rows and panels, the `Footnotes` sheet, the KEY. Leaves:
//! each cell with a note carries its `footnote_marker`, and the records'
//! `footnotes` list every text by marker, so that the layout only places
//! marks and notes.
//!
//! An automatic marker is a letter (`a`, `b` … `z`, `aa` …), given in print
//! order of first use (panels in order, rows in order, cells in the panel's
//! column order), the same text sharing one marker; a letter the workbook
//! uses as a marker (in any case) is skipped, so the two never collide.

use std::collections::{BTreeMap, BTreeSet};

use crate::compute::records::{FootnoteRecord, KeyEntry, PriorityRecord, Row};
use crate::compute::wording;
use crate::input::{Column, Workbook};

/// The longest figure's note (`Values.Note`) printed under its figure, in
/// characters: the published dashboard's are a few words (`To May 15`);
/// a longer one would stand as a tall column of two or three words a line
/// beside the row, so it prints at the page's foot by a marker instead.
pub const INLINE_NOTE_MAX: usize = 60;

/// Gives every cell note its marker and returns the pack's footnotes: the
/// `Footnotes` sheet's rows (sheet order), then the automatic notes in order
/// of first use.
pub(super) fn footnotes(
    w: &Workbook,
    rows: &mut [Row],
    priorities: &[PriorityRecord],
    key: &[KeyEntry],
) -> Vec<FootnoteRecord> {
    let taken: BTreeSet<String> = w
        .footnotes
        .iter()
        .map(|f| f.marker.as_str())
        .chain(w.indicators.iter().filter_map(|i| i.footnote.as_deref()))
        .chain(key.iter().filter_map(|k| k.footnote.as_deref()))
        .chain([crate::input::KEY_MARKER])
        .map(str::to_lowercase)
        .collect();
    let mut letters = (0..)
        .map(wording::note_marker)
        .filter(|m| !taken.contains(m));
    let mut automatic: Vec<FootnoteRecord> = Vec::new();
    let mut by_text: BTreeMap<String, String> = BTreeMap::new();
    for p in priorities {
        let order: Vec<Column> = p.columns.iter().map(|c| c.key).collect();
        for row in rows.iter_mut().filter(|r| r.priority == p.key) {
            // The panel's columns first (an spc or rank row prints `latest`
            // only), then any cell the panel does not print.
            let mut keys: Vec<Column> = order
                .iter()
                .copied()
                .filter(|c| row.cells.contains_key(c))
                .collect();
            keys.extend(row.cells.keys().copied().filter(|c| !order.contains(c)));
            for column in keys {
                let Some(cell) = row.cells.get_mut(&column) else {
                    continue;
                };
                // A figure's note too long to read under its figure (a
                // paragraph pasted into `Values.Note`) is the cell's note
                // at the page's foot instead, by a marker.
                if cell.footnote.is_none()
                    && cell
                        .note
                        .as_ref()
                        .is_some_and(|n| n.chars().count() > INLINE_NOTE_MAX)
                {
                    cell.footnote = cell.note.take();
                }
                let Some(text) = cell.footnote.clone() else {
                    continue;
                };
                let marker = by_text
                    .entry(text.clone())
                    .or_insert_with(|| {
                        let m = letters.next().expect("the letters never run out");
                        automatic.push(FootnoteRecord {
                            marker: m.clone(),
                            text,
                            automatic: true,
                        });
                        m
                    })
                    .clone();
                cell.footnote_marker = Some(marker);
            }
        }
    }
    w.footnotes
        .iter()
        .map(|f| FootnoteRecord {
            marker: f.marker.clone(),
            text: f.text.clone(),
            automatic: false,
        })
        .chain(automatic)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::records::{Cell, ColumnHead};
    use crate::input::{Kind, Layout};

    fn priority(key: &str, columns: &[Column]) -> PriorityRecord {
        PriorityRecord {
            code: key.into(),
            key: key.into(),
            title: "P".into(),
            layout: Layout::Table,
            columns: columns
                .iter()
                .map(|&c| ColumnHead {
                    key: c,
                    label: String::new(),
                })
                .collect(),
            note: None,
            narrative: Vec::new(),
            savings: None,
        }
    }

    fn row(priority: &str, cells: &[(Column, Option<&str>)]) -> Row {
        Row {
            code: "R".into(),
            priority: priority.into(),
            label: "R".into(),
            kind: Kind::Count,
            polarity: None,
            footnote: None,
            note: None,
            cells: cells
                .iter()
                .map(|&(c, note)| {
                    let cell = Cell {
                        text: "n/a".into(),
                        footnote: note.map(str::to_string),
                        ..Cell::default()
                    };
                    (c, cell)
                })
                .collect(),
            monthly: None,
        }
    }

    fn workbook() -> Workbook {
        crate::input::Workbook::from_bytes(&crate::support::sample::sample().to_bytes().unwrap())
            .unwrap()
            .workbook
    }

    #[test]
    fn note_markers_run_a_to_z_then_aa() {
        let m = wording::note_marker;
        assert_eq!([m(0), m(1), m(25)], ["a", "b", "z"]);
        assert_eq!([m(26), m(27), m(51), m(52)], ["aa", "ab", "az", "ba"]);
        assert_eq!([m(701), m(702)], ["zz", "aaa"]);
    }

    #[test]
    fn automatic_markers_follow_print_order_and_share_a_text() {
        let mut w = workbook();
        w.footnotes.clear();
        for i in &mut w.indicators {
            i.footnote = None;
        }
        // The panel prints latest before baseline: print order, not the
        // cells' order.
        let p = [
            priority("1", &[Column::Latest, Column::Baseline]),
            priority("2", &[Column::Baseline]),
        ];
        let mut rows = vec![
            row(
                "1",
                &[
                    (Column::Baseline, Some("No data for Apr 2012.")),
                    (Column::Latest, Some("No data for Dec 2015.")),
                ],
            ),
            row("2", &[(Column::Baseline, Some("No data for Dec 2015."))]),
            row("2", &[(Column::Baseline, None)]),
        ];
        let notes = footnotes(&w, &mut rows, &p, &[]);
        let marker = |r: usize, c: Column| rows[r].cells[&c].footnote_marker.clone();
        assert_eq!(marker(0, Column::Latest).as_deref(), Some("a"));
        assert_eq!(marker(0, Column::Baseline).as_deref(), Some("b"));
        assert_eq!(marker(1, Column::Baseline).as_deref(), Some("a"));
        assert_eq!(marker(2, Column::Baseline), None);
        let listed: Vec<(&str, &str, bool)> = notes
            .iter()
            .map(|f| (f.marker.as_str(), f.text.as_str(), f.automatic))
            .collect();
        assert_eq!(
            listed,
            [
                ("a", "No data for Dec 2015.", true),
                ("b", "No data for Apr 2012.", true)
            ]
        );
    }

    #[test]
    fn automatic_markers_skip_the_workbooks_letters() {
        let mut w = workbook();
        // The workbook uses `A` (any case collides) and `c`.
        w.indicators[0].footnote = Some("A".into());
        w.footnotes.retain(|f| f.marker == "*");
        w.footnotes.push(crate::input::Footnote {
            marker: "c".into(),
            text: "A note.".into(),
            location: crate::input::problem::Location::Sheet("Footnotes".into()),
        });
        let p = [priority(
            "1",
            &[Column::Baseline, Column::Latest, Column::Ytd],
        )];
        let mut rows = vec![row(
            "1",
            &[
                (Column::Baseline, Some("one")),
                (Column::Latest, Some("two")),
                (Column::Ytd, Some("three")),
            ],
        )];
        let notes = footnotes(&w, &mut rows, &p, &[]);
        let markers: Vec<&str> = notes.iter().map(|f| f.marker.as_str()).collect();
        assert_eq!(markers, ["*", "c", "b", "d", "e"]);
    }

    #[test]
    fn a_long_values_note_prints_at_the_foot_a_short_one_under_its_figure() {
        let mut w = workbook();
        w.footnotes.clear();
        for i in &mut w.indicators {
            i.footnote = None;
        }
        let p = [priority("1", &[Column::Baseline, Column::Latest])];
        let mut rows = vec![row(
            "1",
            &[(Column::Baseline, None), (Column::Latest, None)],
        )];
        let long = "provisional ".repeat(6);
        let short = "x".repeat(INLINE_NOTE_MAX);
        rows[0].cells.get_mut(&Column::Baseline).unwrap().note = Some(short.clone());
        rows[0].cells.get_mut(&Column::Latest).unwrap().note = Some(long.clone());
        let notes = footnotes(&w, &mut rows, &p, &[]);
        let baseline = &rows[0].cells[&Column::Baseline];
        assert_eq!(
            (
                baseline.note.as_deref(),
                baseline.footnote_marker.as_deref()
            ),
            (Some(short.as_str()), None)
        );
        let latest = &rows[0].cells[&Column::Latest];
        assert_eq!(latest.note, None);
        assert_eq!(latest.footnote_marker.as_deref(), Some("a"));
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].text, long);
    }
}
