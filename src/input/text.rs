//! The text a cell may hold: characters the embedded fonts print, and
//! lengths the layout can show. The accepted characters are defined here,
//! in the input stage (which knows nothing of rendering), as ranges of the
//! scripts the dashboard prints — Latin (with Welsh, Polish, Romanian …),
//! Greek, Cyrillic, Arabic script (Urdu), Devanagari, Bengali, Gurmukhi,
//! Gujarati — and of common punctuation, currency, arrows and symbols,
//! each range one the embedded faces cover (a test,
//! `tests/hostile_input.rs`, checks every accepted character against
//! `render::fonts::FACES`, so the two cannot drift apart). Emoji, control
//! characters, bidirectional overrides and any other script are refused
//! at their cell. Enters: a cell's text; leaves: nothing, or what is wrong.

/// Every accepted character, as inclusive ranges in order (besides line
/// ends and tabs, which print as spaces).
pub const ACCEPTED: &[(char, char)] = &[
    ('\u{0020}', '\u{007E}'),
    ('\u{00A0}', '\u{024F}'),
    ('\u{02B0}', '\u{036F}'),
    ('\u{0374}', '\u{0375}'),
    ('\u{037A}', '\u{037E}'),
    ('\u{0384}', '\u{038A}'),
    ('\u{038C}', '\u{038C}'),
    ('\u{038E}', '\u{03A1}'),
    ('\u{03A3}', '\u{03CE}'),
    ('\u{03D0}', '\u{0513}'),
    ('\u{051A}', '\u{051D}'),
    ('\u{0600}', '\u{061C}'),
    ('\u{061E}', '\u{06FF}'),
    ('\u{0750}', '\u{077F}'),
    ('\u{0900}', '\u{0983}'),
    ('\u{0985}', '\u{098C}'),
    ('\u{098F}', '\u{0990}'),
    ('\u{0993}', '\u{09A8}'),
    ('\u{09AA}', '\u{09B0}'),
    ('\u{09B2}', '\u{09B2}'),
    ('\u{09B6}', '\u{09B9}'),
    ('\u{09BC}', '\u{09C4}'),
    ('\u{09C7}', '\u{09C8}'),
    ('\u{09CB}', '\u{09CE}'),
    ('\u{09D7}', '\u{09D7}'),
    ('\u{09DC}', '\u{09DD}'),
    ('\u{09DF}', '\u{09E3}'),
    ('\u{09E6}', '\u{09FE}'),
    ('\u{0A01}', '\u{0A03}'),
    ('\u{0A05}', '\u{0A0A}'),
    ('\u{0A0F}', '\u{0A10}'),
    ('\u{0A13}', '\u{0A28}'),
    ('\u{0A2A}', '\u{0A30}'),
    ('\u{0A32}', '\u{0A33}'),
    ('\u{0A35}', '\u{0A36}'),
    ('\u{0A38}', '\u{0A39}'),
    ('\u{0A3C}', '\u{0A3C}'),
    ('\u{0A3E}', '\u{0A42}'),
    ('\u{0A47}', '\u{0A48}'),
    ('\u{0A4B}', '\u{0A4D}'),
    ('\u{0A51}', '\u{0A51}'),
    ('\u{0A59}', '\u{0A5C}'),
    ('\u{0A5E}', '\u{0A5E}'),
    ('\u{0A66}', '\u{0A76}'),
    ('\u{0A81}', '\u{0A83}'),
    ('\u{0A85}', '\u{0A8D}'),
    ('\u{0A8F}', '\u{0A91}'),
    ('\u{0A93}', '\u{0AA8}'),
    ('\u{0AAA}', '\u{0AB0}'),
    ('\u{0AB2}', '\u{0AB3}'),
    ('\u{0AB5}', '\u{0AB9}'),
    ('\u{0ABC}', '\u{0AC5}'),
    ('\u{0AC7}', '\u{0AC9}'),
    ('\u{0ACB}', '\u{0ACD}'),
    ('\u{0AD0}', '\u{0AD0}'),
    ('\u{0AE0}', '\u{0AE3}'),
    ('\u{0AE6}', '\u{0AF1}'),
    ('\u{0AF9}', '\u{0AFF}'),
    ('\u{1E00}', '\u{1E9B}'),
    ('\u{1E9E}', '\u{1E9E}'),
    ('\u{1EA0}', '\u{1EF9}'),
    ('\u{2000}', '\u{2022}'),
    ('\u{2026}', '\u{2026}'),
    ('\u{202F}', '\u{2030}'),
    ('\u{2032}', '\u{2034}'),
    ('\u{2039}', '\u{203A}'),
    ('\u{203C}', '\u{203C}'),
    ('\u{203E}', '\u{203E}'),
    ('\u{2044}', '\u{2044}'),
    ('\u{204F}', '\u{204F}'),
    ('\u{205E}', '\u{205E}'),
    ('\u{2074}', '\u{2079}'),
    ('\u{207F}', '\u{2089}'),
    ('\u{2090}', '\u{2094}'),
    ('\u{20A0}', '\u{20B5}'),
    ('\u{20B9}', '\u{20B9}'),
    ('\u{20BF}', '\u{20BF}'),
    ('\u{20F0}', '\u{20F0}'),
    ('\u{2105}', '\u{2105}'),
    ('\u{2113}', '\u{2113}'),
    ('\u{2116}', '\u{2117}'),
    ('\u{2122}', '\u{2122}'),
    ('\u{2126}', '\u{2126}'),
    ('\u{212E}', '\u{212E}'),
    ('\u{214D}', '\u{214E}'),
    ('\u{2153}', '\u{2154}'),
    ('\u{215B}', '\u{215E}'),
    ('\u{2184}', '\u{2184}'),
    ('\u{2190}', '\u{2195}'),
    ('\u{21A8}', '\u{21A8}'),
    ('\u{21D4}', '\u{21D4}'),
    ('\u{2202}', '\u{2202}'),
    ('\u{2206}', '\u{2206}'),
    ('\u{220F}', '\u{220F}'),
    ('\u{2211}', '\u{2212}'),
    ('\u{2215}', '\u{2215}'),
    ('\u{2219}', '\u{221A}'),
    ('\u{221E}', '\u{221F}'),
    ('\u{2229}', '\u{2229}'),
    ('\u{222B}', '\u{222B}'),
    ('\u{2248}', '\u{2248}'),
    ('\u{2260}', '\u{2262}'),
    ('\u{2264}', '\u{2265}'),
    ('\u{25A0}', '\u{25A1}'),
    ('\u{25AA}', '\u{25AC}'),
    ('\u{25B2}', '\u{25B2}'),
    ('\u{25BA}', '\u{25BA}'),
    ('\u{25BC}', '\u{25BC}'),
    ('\u{25C4}', '\u{25C4}'),
    ('\u{25CA}', '\u{25CC}'),
    ('\u{25CF}', '\u{25D9}'),
    ('\u{25E6}', '\u{25E6}'),
    ('\u{A8E0}', '\u{A8FF}'),
    ('\u{FB50}', '\u{FBC1}'),
    ('\u{FBD3}', '\u{FD3F}'),
    ('\u{FD50}', '\u{FD8F}'),
    ('\u{FD92}', '\u{FDC7}'),
    ('\u{FDF0}', '\u{FDFD}'),
    ('\u{FE70}', '\u{FE74}'),
    ('\u{FE76}', '\u{FEFC}'),
];

/// True when the embedded fonts print `c` (line ends and tabs as spaces).
pub fn printable(c: char) -> bool {
    if matches!(c, '\n' | '\r' | '\t') {
        return true;
    }
    let i = ACCEPTED.partition_point(|&(_, hi)| hi < c);
    ACCEPTED.get(i).is_some_and(|&(lo, _)| lo <= c)
}

/// The first character of `text` no embedded font prints, described for a
/// message: `the character U+1F600 (😀), the 7th character`.
pub fn unprintable(text: &str) -> Option<String> {
    let (i, c) = text.chars().enumerate().find(|(_, c)| !printable(*c))?;
    let shown = match c.is_control() || c.is_whitespace() || is_format(c) {
        true => String::new(),
        false => format!(" ({c})"),
    };
    Some(format!(
        "the character U+{:04X}{shown}, character {} of the text",
        c as u32,
        i + 1
    ))
}

/// Invisible formatting characters (bidirectional controls and the like),
/// never shown in a message.
fn is_format(c: char) -> bool {
    matches!(c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF0..=0xFFFF)
}

/// How long a kind of text may be, in characters. Texts that flow (a
/// narrative, a note, a priority's title) are limited only against pasted
/// documents, not prose (contract v3: the published dashboard's SP17
/// paragraph is 402 characters); a panel too tall for a column flows on.
/// The layout's tests (`tests/layout.rs`: 24 priorities, 15-bullet
/// narratives, long notes; `tests/hostile_input.rs`: every text at its
/// limit) lay out with every text at these lengths or under.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// The kind of text, for the message: `a report title`.
    pub what: &'static str,
    pub max: usize,
}

/// `Report` title (one line of the page header).
pub const REPORT_TITLE: Limit = Limit {
    what: "a report title",
    max: 100,
};
/// `Report` force, area and board names.
pub const REPORT_NAME: Limit = Limit {
    what: "a name in the Report sheet",
    max: 80,
};
/// A priority's title (it wraps over the panel's width).
pub const PRIORITY_TITLE: Limit = Limit {
    what: "a priority title",
    max: 300,
};
/// An indicator's label (a table row, wrapped; the sample's longest is 181).
pub const LABEL: Limit = Limit {
    what: "a label",
    max: 250,
};
/// An indicator's source.
pub const SOURCE: Limit = Limit {
    what: "a source",
    max: 120,
};
/// A note (priority, indicator or value; the sample's longest is 402).
pub const NOTE: Limit = Limit {
    what: "a note",
    max: 2000,
};
/// One narrative heading, paragraph or bullet (the published dashboard's
/// SP17 paragraph is 402).
pub const NARRATIVE: Limit = Limit {
    what: "a narrative text",
    max: 2000,
};
/// A footnote's text.
pub const FOOTNOTE: Limit = Limit {
    what: "a footnote",
    max: 400,
};
/// A savings item (a bar's label).
pub const SAVINGS_ITEM: Limit = Limit {
    what: "a savings item",
    max: 100,
};
/// A peer force's name.
pub const PEER: Limit = Limit {
    what: "a force name",
    max: 60,
};
/// Any other cell (codes, keywords, values): nothing longer is meant.
pub const ANY: Limit = Limit {
    what: "a cell's text",
    max: 1000,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_ranges_are_ordered_and_apart() {
        for w in ACCEPTED.windows(2) {
            assert!(w[0].0 <= w[0].1 && w[0].1 < w[1].0, "{w:?}");
        }
    }

    #[test]
    fn scripts_are_printable_and_emoji_and_controls_are_not() {
        for text in [
            "Wrexham ŵ ŷ",
            "Łódź",
            "Țară ș",
            "Ελλάδα",
            "Москва",
            "اردو",
            "हिन्दी",
            "বাংলা",
            "ਪੰਜਾਬੀ",
            "ગુજરાતી",
            "£5 – “ok” €",
        ] {
            assert_eq!(unprintable(text), None, "{text}");
        }
        assert_eq!(
            unprintable("ok 😀").as_deref(),
            Some("the character U+1F600 (😀), character 4 of the text")
        );
        assert_eq!(
            unprintable("a\u{7}b").as_deref(),
            Some("the character U+0007, character 2 of the text")
        );
        assert!(unprintable("中文").is_some());
        assert!(unprintable("a\u{202E}b").is_some());
    }
}
