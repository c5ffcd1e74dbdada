//! The palette: every colour the layout and charts use, in one place, with
//! the WCAG 2.2 contrast check that keeps text legible. The layout receives
//! it as data; a figure's class is never carried by colour alone (each
//! class also has a symbol).

use serde::{Deserialize, Serialize};

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

/// SPC signal colours (Making Data Count's blue, orange and grey, in shades
/// dark enough for 3:1 on every background a chart draws them on: the
/// page, the baseline's shade and the projection's band; WCAG 1.4.11).
pub const SPC_IMPROVEMENT: &str = "#0070C0";
pub const SPC_CONCERN: &str = "#C55A11";
pub const SPC_COMMON: &str = "#6F6F6F";
/// SPC reading text in the dashboard (darker shades that pass 4.5:1).
pub const SPC_IMPROVEMENT_TEXT: &str = "#005A87";
pub const SPC_CONCERN_TEXT: &str = "#8F3F00";

/// Charts.
pub const BAR: &str = "#2F5597";
pub const GRID: &str = "#E0E0E0";
pub const AXIS: &str = "#595959";
pub const MEAN: &str = "#1A1A1A";
pub const LIMIT: &str = "#767676";
pub const SERIES_LINE: &str = "#6F6F6F";
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

/// What the layout receives (`/theme.json`), and what the charts are drawn
/// with. The built-in palette is [`theme`]; a layout folder's `theme.json`
/// replaces it whole ([`Theme::from_json`]), checked like it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Theme {
    /// The font family of the text and the charts: one of
    /// [`fonts::FAMILIES`], the embedded families.
    pub font: String,
    pub text: String,
    pub muted: String,
    pub heading_fill: String,
    pub heading_text: String,
    pub number_fill: String,
    pub number_text: String,
    pub header_fill: String,
    pub header_text: String,
    pub comment_fill: String,
    pub rule: String,
    pub draft: String,
    /// Significance classes of figures.
    pub classes: Vec<ClassStyle>,
    /// SPC readings (`common-cause`, `improvement`, `concern`): text colours.
    pub spc: Vec<ClassStyle>,
    /// The charts' colours (a `theme.json` without them keeps the built-in ones).
    #[serde(default = "chart_colours")]
    pub charts: ChartColours,
}

/// How one class is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassStyle {
    pub class: Class,
    pub fill: String,
    pub text: String,
    #[serde(default)]
    pub symbol: String,
    /// The symbol drawn as an image in the layout's world (figures only);
    /// set by boardpack, whatever a `theme.json` says.
    #[serde(skip_deserializing)]
    pub icon: Option<ChartId>,
    /// What a screen reader says for the symbol; set by boardpack (the
    /// words live in `wording.rs`).
    #[serde(skip_deserializing)]
    pub words: String,
}

/// The colours the charts are drawn in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartColours {
    /// The chart's background.
    pub background: String,
    /// Savings bars.
    pub bar: String,
    pub grid: String,
    pub axis: String,
    /// SPC: mean, process limits, the series' line, the baseline's shade.
    pub mean: String,
    pub limit: String,
    pub series_line: String,
    pub baseline_shade: String,
    /// SPC: the projection's trend line and interval band.
    pub projection_line: String,
    pub projection_band: String,
    /// SPC signal points and variation icons.
    pub spc_improvement: String,
    pub spc_concern: String,
    pub spc_common: String,
}

/// The built-in chart colours.
pub fn chart_colours() -> ChartColours {
    ChartColours {
        background: PAGE.into(),
        bar: BAR.into(),
        grid: GRID.into(),
        axis: AXIS.into(),
        mean: MEAN.into(),
        limit: LIMIT.into(),
        series_line: SERIES_LINE.into(),
        baseline_shade: BASELINE_SHADE.into(),
        projection_line: PROJECTION_LINE.into(),
        projection_band: PROJECTION_BAND.into(),
        spc_improvement: SPC_IMPROVEMENT.into(),
        spc_concern: SPC_CONCERN.into(),
        spc_common: SPC_COMMON.into(),
    }
}

/// A significance class: its fill, text colour and symbol.
fn figure_class(class: Class, fill: &str, text: &str, symbol: &str) -> ClassStyle {
    ClassStyle {
        class,
        fill: fill.into(),
        text: text.into(),
        symbol: symbol.into(),
        icon: Some(ChartId::symbol(class)),
        words: class.short_words().into(),
    }
}

/// An SPC reading: its text colour.
fn reading_class(class: Class, text: &str) -> ClassStyle {
    ClassStyle {
        class,
        fill: PAGE.into(),
        text: text.into(),
        symbol: String::new(),
        icon: None,
        words: reading_words(class).into(),
    }
}

/// The palette as the layout receives it.
pub fn theme() -> Theme {
    Theme {
        font: crate::render::fonts::FAMILY.into(),
        text: TEXT.into(),
        muted: MUTED_TEXT.into(),
        heading_fill: HEADING_FILL.into(),
        heading_text: HEADING_TEXT.into(),
        number_fill: NUMBER_FILL.into(),
        number_text: NUMBER_TEXT.into(),
        header_fill: HEADER_FILL.into(),
        header_text: HEADER_TEXT.into(),
        comment_fill: COMMENT_FILL.into(),
        rule: RULE.into(),
        draft: DRAFT_TEXT.into(),
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
        charts: chart_colours(),
    }
}

impl Default for Theme {
    fn default() -> Self {
        theme()
    }
}

/// The classes a theme must style: figures, then SPC readings.
const FIGURE_CLASSES: [Class; 3] = [Class::Improvement, Class::NoChange, Class::Deterioration];
const READING_CLASSES: [Class; 3] = [Class::CommonCause, Class::Improvement, Class::Concern];

/// The smallest contrast of text with its background (WCAG 2.2 AA), and
/// of the savings bars with the chart's background (non-text, 1.4.11).
pub const TEXT_CONTRAST: f64 = 4.5;
pub const GRAPHIC_CONTRAST: f64 = 3.0;

impl Theme {
    /// Reads a `theme.json` (a layout folder's): the whole palette, checked
    /// as the built-in one is. Each problem names its field.
    pub fn from_json(bytes: &[u8]) -> Result<Theme, Vec<String>> {
        let mut theme: Theme = serde_json::from_slice(bytes).map_err(|e| vec![e.to_string()])?;
        let mut problems = Vec::new();
        for (list, wanted) in [
            (&mut theme.classes, &FIGURE_CLASSES[..]),
            (&mut theme.spc, &READING_CLASSES[..]),
        ] {
            let found: Vec<Class> = list.iter().map(|c| c.class).collect();
            if found != wanted {
                problems.push(format!(
                    "{} lists the classes {}; expected exactly {}, in that order",
                    if wanted == FIGURE_CLASSES {
                        "classes"
                    } else {
                        "spc"
                    },
                    class_names(&found),
                    class_names(wanted)
                ));
            }
        }
        for c in &mut theme.classes {
            c.icon = Some(ChartId::symbol(c.class));
            c.words = c.class.short_words().into();
        }
        for c in &mut theme.spc {
            c.words = reading_words(c.class).into();
        }
        problems.extend(theme.problems());
        if problems.is_empty() {
            Ok(theme)
        } else {
            Err(problems)
        }
    }

    /// What is wrong with the palette: a font that is not embedded, a
    /// colour that is not `#RRGGBB`, text below 4.5:1 on its background.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !crate::render::fonts::FAMILIES.contains(&self.font.as_str()) {
            out.push(format!(
                "font is {:?}; expected one of the embedded families: {}",
                self.font,
                crate::render::fonts::FAMILIES.join(", ")
            ));
        }
        let bad: Vec<String> = self
            .colours()
            .into_iter()
            .filter(|(_, v)| parse_hex(v).is_none())
            .map(|(field, v)| {
                format!("{field} is {v:?}; expected a colour #RRGGBB, e.g. \"#1F3864\"")
            })
            .collect();
        if !bad.is_empty() {
            out.extend(bad);
            return out; // contrasts need colours
        }
        for (what, fg, bg) in self.text_pairs() {
            let c = contrast(&fg.1, &bg.1);
            if c < TEXT_CONTRAST {
                out.push(format!(
                    "{what}: {} {} on {} {} has a contrast of {c:.2}:1; text needs at least {TEXT_CONTRAST}:1 (WCAG 2.2 AA)",
                    fg.0, fg.1, bg.0, bg.1
                ));
            }
        }
        for (what, fg, bg) in self.graphic_pairs() {
            let c = contrast(&fg.1, &bg.1);
            if c < GRAPHIC_CONTRAST {
                out.push(format!(
                    "{what}: {} {} on {} {} has a contrast of {c:.2}:1; a chart's marks need at least {GRAPHIC_CONTRAST}:1 (WCAG 2.2 1.4.11)",
                    fg.0, fg.1, bg.0, bg.1
                ));
            }
        }
        out
    }

    /// Every (what, (field, colour), (field, background)) of a chart's
    /// marks that carry data, against each background they are drawn on:
    /// the savings bars on the chart's background; an SPC chart's line,
    /// points, mean, limits and trend on the background, the baseline's
    /// shade and the projection's band (the signal colours also draw the
    /// variation icons, on the background).
    pub fn graphic_pairs(&self) -> Vec<TextPair> {
        let colours: std::collections::BTreeMap<String, &str> =
            self.colours().into_iter().collect();
        let at = |field: &str| (field.to_string(), colours[field].to_string());
        let mut out = vec![(
            "savings bars".to_string(),
            at("charts.bar"),
            at("charts.background"),
        )];
        let improvement = self
            .spc
            .iter()
            .position(|c| c.class == Class::Improvement)
            .map(|i| format!("spc[{i}].text"));
        let concern = self
            .spc
            .iter()
            .position(|c| c.class == Class::Concern)
            .map(|i| format!("spc[{i}].text"));
        let mut marks: Vec<(&str, String)> = vec![
            ("SPC series line", "charts.series_line".into()),
            ("SPC common-cause points", "charts.spc_common".into()),
            ("SPC concern points", "charts.spc_concern".into()),
            ("SPC mean", "charts.mean".into()),
            ("SPC process limits", "charts.limit".into()),
            ("SPC projection", "charts.projection_line".into()),
            ("SPC improvement icon", "charts.spc_improvement".into()),
            ("SPC baseline's end", "charts.axis".into()),
        ];
        marks.extend(improvement.map(|f| ("SPC improvement points", f)));
        marks.extend(concern.map(|f| ("SPC concern points' outline", f)));
        for (what, field) in marks {
            for bg in [
                "charts.background",
                "charts.baseline_shade",
                "charts.projection_band",
            ] {
                out.push((what.to_string(), at(&field), at(bg)));
            }
        }
        out
    }

    /// Every colour field, by its path in `theme.json`.
    fn colours(&self) -> Vec<(String, &str)> {
        let mut out: Vec<(String, &str)> = [
            ("text", &self.text),
            ("muted", &self.muted),
            ("heading_fill", &self.heading_fill),
            ("heading_text", &self.heading_text),
            ("number_fill", &self.number_fill),
            ("number_text", &self.number_text),
            ("header_fill", &self.header_fill),
            ("header_text", &self.header_text),
            ("comment_fill", &self.comment_fill),
            ("rule", &self.rule),
            ("draft", &self.draft),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.as_str()))
        .collect();
        for (list, name) in [(&self.classes, "classes"), (&self.spc, "spc")] {
            for (i, c) in list.iter().enumerate() {
                out.push((format!("{name}[{i}].fill"), &c.fill));
                out.push((format!("{name}[{i}].text"), &c.text));
            }
        }
        let ch = &self.charts;
        for (k, v) in [
            ("background", &ch.background),
            ("bar", &ch.bar),
            ("grid", &ch.grid),
            ("axis", &ch.axis),
            ("mean", &ch.mean),
            ("limit", &ch.limit),
            ("series_line", &ch.series_line),
            ("baseline_shade", &ch.baseline_shade),
            ("projection_line", &ch.projection_line),
            ("projection_band", &ch.projection_band),
            ("spc_improvement", &ch.spc_improvement),
            ("spc_concern", &ch.spc_concern),
            ("spc_common", &ch.spc_common),
        ] {
            out.push((format!("charts.{k}"), v.as_str()));
        }
        out
    }

    /// The text colour of a figure's class (the built-in's if unstyled).
    pub fn class_text(&self, class: Class) -> &str {
        style_of(&self.classes, class).map_or(TEXT, |c| &c.text)
    }

    /// The text colour of an SPC reading.
    pub fn reading_text(&self, class: Class) -> &str {
        style_of(&self.spc, class).map_or(TEXT, |c| &c.text)
    }

    /// Every (what, (field, text colour), (field, background)) the layout
    /// and charts print text in.
    pub fn text_pairs(&self) -> Vec<TextPair> {
        let colours: std::collections::BTreeMap<String, &str> =
            self.colours().into_iter().collect();
        let at = |field: &str| (field.to_string(), colours[field].to_string());
        let mut out: Vec<TextPair> = TEXT_ON
            .iter()
            .map(|(what, fg, bg)| (what.to_string(), at(fg), at(bg)))
            .collect();
        for (i, c) in self.classes.iter().enumerate() {
            out.push((
                format!("{} figure", c.class.name()),
                at(&format!("classes[{i}].text")),
                at(&format!("classes[{i}].fill")),
            ));
            // A figure's note ("To Feb 27") prints muted in its figure's
            // cell, on the class's fill (the PDF and the HTML page): the
            // pair went unchecked (the second listen-through).
            out.push((
                format!("note under a {} figure", c.class.name()),
                at("muted"),
                at(&format!("classes[{i}].fill")),
            ));
        }
        for (i, c) in self.spc.iter().enumerate() {
            out.push((
                format!("SPC {} reading", c.class.name()),
                at(&format!("spc[{i}].text")),
                at("charts.background"),
            ));
        }
        out
    }
}

/// Text the layout and charts print, as (what, text field, background
/// field); the page is the charts' background.
const TEXT_ON: [(&str, &str, &str); 9] = [
    ("body text", "text", "charts.background"),
    ("muted text", "muted", "charts.background"),
    ("muted text in comment boxes", "muted", "comment_fill"),
    ("text in comment boxes", "text", "comment_fill"),
    ("panel heading", "heading_text", "heading_fill"),
    ("priority number", "number_text", "number_fill"),
    ("table header", "header_text", "header_fill"),
    ("draft mark", "draft", "charts.background"),
    ("chart text", "text", "charts.background"),
];

/// What text is printed, as (field, colour) on (field, background).
pub type TextPair = (String, (String, String), (String, String));

fn style_of(list: &[ClassStyle], class: Class) -> Option<&ClassStyle> {
    list.iter().find(|c| c.class == class)
}

fn class_names(classes: &[Class]) -> String {
    let names: Vec<&str> = classes.iter().map(|c| c.name()).collect();
    format!("[{}]", names.join(", "))
}

/// `#RRGGBB` → its value.
pub fn parse_hex(hex: &str) -> Option<u32> {
    let digits = hex.strip_prefix('#')?;
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

/// WCAG 2.2 relative luminance of an sRGB colour `#RRGGBB`.
pub fn luminance(hex: &str) -> f64 {
    let v = parse_hex(hex).expect("a checked #RRGGBB colour");
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
        let t = theme();
        assert!(t.text_pairs().len() >= 14);
        assert_eq!(t.problems(), Vec::<String>::new());
    }

    /// Issue #31 (3): common-cause points and the series' line (#A6A6A6)
    /// were 2.43:1 on white, 2.08:1 on the baseline shading and 1.85:1 on
    /// the projection band.
    #[test]
    fn chart_marks_meet_3_to_1_on_every_background_they_are_drawn_on() {
        let t = theme();
        let pairs = t.graphic_pairs();
        assert!(pairs.len() >= 25, "{}", pairs.len());
        for (what, fg, bg) in &pairs {
            let c = contrast(&fg.1, &bg.1);
            assert!(
                c >= GRAPHIC_CONTRAST,
                "{what}: {} on {}: {c:.2}",
                fg.1,
                bg.1
            );
        }
        // The old grey is refused on each background, naming it.
        let e = refused(
            |v| v["charts"]["spc_common"] = "#A6A6A6".into(),
            "SPC common-cause points: charts.spc_common #A6A6A6 on charts.background #FFFFFF has a contrast of 2.43:1",
        );
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(e[2].contains("charts.projection_band #E6DDF0 has a contrast of 1.85:1"));
    }

    #[test]
    fn the_built_in_theme_reads_back_from_its_json() {
        let json = serde_json::to_vec_pretty(&theme()).unwrap();
        assert_eq!(Theme::from_json(&json).unwrap(), theme());
    }

    /// The built-in theme's JSON, edited, read back.
    fn edited(edit: impl FnOnce(&mut serde_json::Value)) -> Result<Theme, Vec<String>> {
        let mut v = serde_json::to_value(theme()).unwrap();
        edit(&mut v);
        Theme::from_json(&serde_json::to_vec(&v).unwrap())
    }

    /// Asserts the edited theme is refused, its first problem starting `says`.
    fn refused(edit: impl FnOnce(&mut serde_json::Value), says: &str) -> Vec<String> {
        let e = edited(edit).unwrap_err();
        assert!(e[0].starts_with(says), "{e:?}");
        e
    }

    #[test]
    fn a_bad_theme_names_the_field() {
        let e = refused(
            |v| {
                v["heading_fill"] = "navy".into();
                v["charts"]["bar"] = "#12345".into();
            },
            "heading_fill is \"navy\"; expected a colour #RRGGBB",
        );
        assert!(e[1].starts_with("charts.bar is \"#12345\""), "{e:?}");
        refused(
            |v| v["font"] = "Comic Sans MS".into(),
            "font is \"Comic Sans MS\"; expected one of",
        );
        refused(
            |v| v["rule"] = serde_json::Value::Null,
            "invalid type: null, expected a string",
        );
        refused(
            |v| v["classes"].as_array_mut().unwrap().reverse(),
            "classes lists the classes [deterioration, no-change, improvement]",
        );
    }

    #[test]
    fn a_custom_theme_with_low_contrast_is_refused_naming_both_fields() {
        // Gold behind white heading text.
        let e = refused(
            |v| v["heading_fill"] = "#FFD700".into(),
            "panel heading: heading_text #FFFFFF on heading_fill #FFD700 has a contrast of 1.40:1",
        );
        assert_eq!(e.len(), 1, "{e:?}");
        refused(
            |v| v["charts"]["bar"] = "#EEEEEE".into(),
            "savings bars: charts.bar #EEEEEE",
        );
        // A theme without chart colours keeps the built-in ones; one without
        // `rule` is refused naming it.
        let t = edited(|v| {
            v.as_object_mut().unwrap().remove("charts");
        });
        assert_eq!(t.unwrap().charts, chart_colours());
        let e = edited(|v| {
            v.as_object_mut().unwrap().remove("rule");
        });
        assert!(e.unwrap_err()[0].contains("missing field `rule`"));
    }

    #[test]
    fn a_figures_muted_note_on_a_class_fill_is_checked_for_contrast() {
        // #6B6B6B meets 4.5:1 on the page (5.33) and in comment boxes
        // (4.76), not under a deterioration figure (3.63 on #FFC7CE), where
        // a figure's note prints: a theme with it was accepted.
        let e = edited(|v| v["muted"] = "#6B6B6B".into()).unwrap_err();
        assert!(
            e.iter().any(|m| m.starts_with(
                "note under a deterioration figure: muted #6B6B6B on classes[2].fill #FFC7CE has a contrast of 3.63:1"
            )),
            "{e:?}"
        );
        assert!(e.iter().all(|m| m.starts_with("note under a")), "{e:?}");
    }

    #[test]
    fn classes_differ_by_symbol_not_only_colour() {
        let t = theme();
        let symbols: Vec<&str> = t.classes[..3].iter().map(|c| c.symbol.as_str()).collect();
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
