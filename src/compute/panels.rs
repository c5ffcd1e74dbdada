//! The panels: one per strategic priority (its columns, rows, narrative and
//! savings chart), and the comment boxes with free headings.
//!
//! Enters: sheets `Priorities`, `Indicators`, `Narrative` and `Savings`.
//! Leaves: the printed [`Row`]s, the [`PriorityRecord`]s and the
//! [`CommentBox`]es; an indicator under a panel that prints no rows is warned.

use crate::compute::context::{Diagnostics, Inputs, Memo};
use crate::compute::records::{
    ChartId, ColumnHead, CommentBox, NarrativeItem, PriorityRecord, Row, SavingsBar, SavingsRecord,
};
use crate::compute::rows::row;
use crate::compute::wording::{self, money_text, SAVINGS_UNIT};
use crate::input::{Column, Layout, NarrativeEntry, Priority, Section, Workbook};

/// The printed rows, in print order, and the panels.
pub(super) fn panels(
    inputs: &Inputs,
    memo: &mut Memo,
    diag: &mut Diagnostics,
) -> (Vec<Row>, Vec<PriorityRecord>) {
    let w = inputs.w;
    let mut rows = Vec::new();
    let mut priorities = Vec::new();
    for p in &w.priorities {
        let columns: Vec<Column> = match p.layout {
            Layout::Table => p.columns.clone(),
            Layout::Assessment => vec![Column::Assessment],
            _ => Vec::new(),
        };
        for ind in w.indicators.iter().filter(|i| i.priority == p.code) {
            if matches!(p.layout, Layout::Narrative | Layout::Savings) {
                let text = wording::unused_indicator(ind.code.as_str(), p.code.as_str(), p.layout);
                diag.warn(&ind.location, text);
                continue;
            }
            rows.push(row(inputs, memo, diag, ind, &columns));
        }
        priorities.push(priority_record(w, p, &columns));
    }
    (rows, priorities)
}

fn priority_record(w: &Workbook, p: &Priority, columns: &[Column]) -> PriorityRecord {
    let narrative = w
        .narrative
        .iter()
        .filter(|n| n.section == Section::Priority(p.code.clone()))
        .map(item)
        .collect();
    PriorityRecord {
        code: p.code.to_string(),
        key: p.code.key().to_string(),
        title: p.title.clone(),
        layout: p.layout,
        columns: columns
            .iter()
            .map(|&c| ColumnHead {
                key: c,
                label: wording::column_label(c, columns, &w.report),
            })
            .collect(),
        note: p.note.clone(),
        narrative,
        savings: (p.layout == Layout::Savings).then(|| savings_record(w, p.code.as_str())),
    }
}

fn item(n: &NarrativeEntry) -> NarrativeItem {
    NarrativeItem {
        kind: n.kind,
        text: n.text.clone(),
    }
}

/// The comment boxes with free headings, in sheet order, and the closing
/// note (`Narrative` sections that are not priority codes).
pub(super) fn comment_boxes(w: &Workbook) -> (Vec<CommentBox>, Option<CommentBox>) {
    let mut boxes: Vec<CommentBox> = Vec::new();
    let mut note: Option<CommentBox> = None;
    for n in &w.narrative {
        let Section::Heading(section) = &n.section else {
            continue;
        };
        if section.trim().eq_ignore_ascii_case("note") {
            note.get_or_insert_with(|| CommentBox {
                heading: wording::NOTE_HEADING.into(),
                items: Vec::new(),
            })
            .items
            .push(item(n));
            continue;
        }
        let heading = wording::comment_heading(section);
        match boxes.iter_mut().find(|b| b.heading == heading) {
            Some(b) => b.items.push(item(n)),
            None => boxes.push(CommentBox {
                heading,
                items: vec![item(n)],
            }),
        }
    }
    (boxes, note)
}

fn savings_record(w: &Workbook, code: &str) -> SavingsRecord {
    let items: Vec<SavingsBar> = w
        .savings
        .iter()
        .map(|s| SavingsBar {
            label: s.item.clone(),
            amount: s.amount,
            text: money_text(s.amount),
        })
        .collect();
    SavingsRecord {
        alt: wording::savings_alt(&items),
        items,
        unit: SAVINGS_UNIT.into(),
        chart: ChartId::savings(code),
    }
}
