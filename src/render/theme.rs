//! The palette: every colour the layout and charts use, in one place, with
//! the WCAG 2.2 contrast check that keeps text legible. The layout receives
//! it as data; a figure's class is never carried by colour alone (each
//! class also has a symbol).

use serde::Serialize;

use crate::compute::records::{ChartId, Class};
use crate::compute::wording::reading_words;

/// Body text.
pub const TEXT: &str = "#1A1A1A";
/// Panel heading bar and its text.
pub const HEADING_FILL: &str = "#1F3864";
pub const HEADING_TEXT: &str = "#FFFFFF";
/// Priority number box.
pub const NUMBER_FILL: &str = "#FFFFFF";
pub const NUMBER_TEXT: &str = "#1F3864";
/// Table header cells.
pub const HEADER_FILL: &str = "#D9E2F3";
pub const HEADER_TEXT: &str = "#1A1A1A";
/// Comment boxes.
pub const COMMENT_FILL: &str = "#F2F2F2";
/// Secondary text (notes, footnotes).
pub const MUTED_TEXT: &str = "#4D4D4D";
/// Panel rules.
pub const RULE: &str = "#8EA9DB";
/// Draft watermark text.
pub const DRAFT_TEXT: &str = "#C00000";

/// Significance classes: (fill, text), after Excel's Good / Neutral / Bad.
pub const IMPROVEMENT_FILL: &str = "#C6EFCE";
pub const IMPROVEMENT_TEXT: &str = "#006100";
pub const NO_CHANGE_FILL: &str = "#FFEB9C";
pub const NO_CHANGE_TEXT: &str = "#7A4500";
pub const DETERIORATION_FILL: &str = "#FFC7CE";
pub const DETERIORATION_TEXT: &str = "#9C0006";

/// SPC signal colours (Making Data Count): points and icons.
pub const SPC_IMPROVEMENT: &str = "#00B0F0";
pub const SPC_CONCERN: &str = "#E46C0A";
pub const SPC_COMMON: &str = "#A6A6A6";
/// SPC reading text in the dashboard (darker shades that pass 4.5:1).
pub const SPC_IMPROVEMENT_TEXT: &str = "#005A87";
pub const SPC_CONCERN_TEXT: &str = "#8F3F00";

/// Charts.
pub const BAR: &str = "#2F5597";
pub const GRID: &str = "#E0E0E0";
pub const AXIS: &str = "#595959";
pub const MEAN: &str = "#1A1A1A";
pub const LIMIT: &str = "#7F7F7F";
pub const SERIES_LINE: &str = "#A6A6A6";
pub const BASELINE_SHADE: &str = "#EDEDED";
pub const PROJECTION_LINE: &str = "#7030A0";
pub const PROJECTION_BAND: &str = "#E6DDF0";
/// Page background.
pub const PAGE: &str = "#FFFFFF";

/// Class symbols, so the page reads in grey print; none says a direction
/// (a falling crime count that improves must not read as "up").
pub const IMPROVEMENT_SYMBOL: &str = "✓";
pub const NO_CHANGE_SYMBOL: &str = "●";
pub const DETERIORATION_SYMBOL: &str = "✕";

/// What the layout receives (`/theme.json`).
#[derive(Debug, Clone, Serialize)]
pub struct Theme {
    pub font: &'static str,
    pub text: &'static str,
    pub muted: &'static str,
    pub heading_fill: &'static str,
    pub heading_text: &'static str,
    pub number_fill: &'static str,
    pub number_text: &'static str,
    pub header_fill: &'static str,
    pub header_text: &'static str,
    pub comment_fill: &'static str,
    pub rule: &'static str,
    pub draft: &'static str,
    /// Significance classes of figures.
    pub classes: Vec<ClassStyle>,
    /// SPC readings (`common-cause`, `improvement`, `concern`): text colours.
    pub spc: Vec<ClassStyle>,
}

/// How one class is shown.
#[derive(Debug, Clone, Serialize)]
pub struct ClassStyle {
    pub class: Class,
    pub fill: &'static str,
    pub text: &'static str,
    pub symbol: &'static str,
    /// The symbol drawn as an image in the layout's world (figures only).
    pub icon: Option<ChartId>,
    /// What a screen reader says for the symbol.
    pub words: &'static str,
}

/// A significance class: its fill, text colour and symbol.
fn figure_class(
    class: Class,
    fill: &'static str,
    text: &'static str,
    symbol: &'static str,
) -> ClassStyle {
    ClassStyle {
        class,
        fill,
        text,
        symbol,
        icon: Some(ChartId::symbol(class)),
        words: class.short_words(),
    }
}

/// An SPC reading: its text colour.
fn reading_class(class: Class, text: &'static str) -> ClassStyle {
    ClassStyle {
        class,
        fill: PAGE,
        text,
        symbol: "",
        icon: None,
        words: reading_words(class),
    }
}

/// The palette as the layout receives it.
pub fn theme() -> Theme {
    Theme {
        font: crate::render::fonts::FAMILY,
        text: TEXT,
        muted: MUTED_TEXT,
        heading_fill: HEADING_FILL,
        heading_text: HEADING_TEXT,
        number_fill: NUMBER_FILL,
        number_text: NUMBER_TEXT,
        header_fill: HEADER_FILL,
        header_text: HEADER_TEXT,
        comment_fill: COMMENT_FILL,
        rule: RULE,
        draft: DRAFT_TEXT,
        classes: vec![
            figure_class(
                Class::Improvement,
                IMPROVEMENT_FILL,
                IMPROVEMENT_TEXT,
                IMPROVEMENT_SYMBOL,
            ),
            figure_class(
                Class::NoChange,
                NO_CHANGE_FILL,
                NO_CHANGE_TEXT,
                NO_CHANGE_SYMBOL,
            ),
            figure_class(
                Class::Deterioration,
                DETERIORATION_FILL,
                DETERIORATION_TEXT,
                DETERIORATION_SYMBOL,
            ),
        ],
        spc: vec![
            reading_class(Class::CommonCause, TEXT),
            reading_class(Class::Improvement, SPC_IMPROVEMENT_TEXT),
            reading_class(Class::Concern, SPC_CONCERN_TEXT),
        ],
    }
}

/// Every (text, background) pair the layout prints text in.
pub fn text_pairs() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        ("body text", TEXT, PAGE),
        ("muted text", MUTED_TEXT, PAGE),
        ("muted text in comment boxes", MUTED_TEXT, COMMENT_FILL),
        ("text in comment boxes", TEXT, COMMENT_FILL),
        ("panel heading", HEADING_TEXT, HEADING_FILL),
        ("priority number", NUMBER_TEXT, NUMBER_FILL),
        ("table header", HEADER_TEXT, HEADER_FILL),
        ("improvement figure", IMPROVEMENT_TEXT, IMPROVEMENT_FILL),
        ("no-change figure", NO_CHANGE_TEXT, NO_CHANGE_FILL),
        (
            "deterioration figure",
            DETERIORATION_TEXT,
            DETERIORATION_FILL,
        ),
        ("SPC improvement reading", SPC_IMPROVEMENT_TEXT, PAGE),
        ("SPC concern reading", SPC_CONCERN_TEXT, PAGE),
        ("draft mark", DRAFT_TEXT, PAGE),
        ("chart text", TEXT, PAGE),
    ]
}

/// WCAG 2.2 relative luminance of an sRGB colour `#RRGGBB`.
pub fn luminance(hex: &str) -> f64 {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).expect("hex colour");
    let channel = |c: u32| {
        let s = c as f64 / 255.0;
        if s <= 0.04045 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel((v >> 16) & 0xFF)
        + 0.7152 * channel((v >> 8) & 0xFF)
        + 0.0722 * channel(v & 0xFF)
}

/// WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_formula_matches_wcag_reference_values() {
        assert!((contrast("#000000", "#FFFFFF") - 21.0).abs() < 1e-9);
        assert!((contrast("#FFFFFF", "#FFFFFF") - 1.0).abs() < 1e-9);
        // #767676 on white is the classic 4.54:1.
        assert!((contrast("#767676", "#FFFFFF") - 4.54).abs() < 0.01);
    }

    #[test]
    fn every_text_colour_meets_wcag_aa_on_its_background() {
        for (what, fg, bg) in text_pairs() {
            let c = contrast(fg, bg);
            assert!(c >= 4.5, "{what}: {fg} on {bg} is {c:.2}:1, below 4.5:1");
        }
    }

    #[test]
    fn classes_differ_by_symbol_not_only_colour() {
        let t = theme();
        let symbols: Vec<&str> = t.classes[..3].iter().map(|c| c.symbol).collect();
        assert!(symbols.iter().all(|s| !s.is_empty()));
        assert_ne!(symbols[0], symbols[1]);
        assert_ne!(symbols[1], symbols[2]);
        assert_ne!(symbols[0], symbols[2]);
        // No arrow or triangle: a class is not a direction.
        for s in symbols {
            assert!(!"▲▼△▽↑↓⬆⬇".contains(s), "{s} reads as a direction");
        }
    }
}
