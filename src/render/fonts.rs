//! The fonts every PDF and chart uses, embedded in the binary: Liberation
//! Sans for Latin, Greek and Cyrillic, and Noto Sans for the other scripts
//! the communities a force serves write (Arabic script for Urdu,
//! Devanagari, Bengali, Gujarati, Gurmukhi), all under the SIL Open Font
//! License 1.1 (`fonts/LICENSE-*.txt`). Typst falls back from Liberation
//! Sans to the face that has a character. No system font is ever looked up,
//! so output is the same on every machine.

use std::sync::Once;

/// The family name layouts and charts ask for.
pub const FAMILY: &str = "Liberation Sans";

/// (file name, bytes) of each embedded face.
pub const FACES: [(&str, &[u8]); 14] = [
    (
        "LiberationSans-Regular.ttf",
        include_bytes!("../../fonts/LiberationSans-Regular.ttf"),
    ),
    (
        "LiberationSans-Bold.ttf",
        include_bytes!("../../fonts/LiberationSans-Bold.ttf"),
    ),
    (
        "LiberationSans-Italic.ttf",
        include_bytes!("../../fonts/LiberationSans-Italic.ttf"),
    ),
    (
        "LiberationSans-BoldItalic.ttf",
        include_bytes!("../../fonts/LiberationSans-BoldItalic.ttf"),
    ),
    (
        "NotoSansArabic-Regular.ttf",
        include_bytes!("../../fonts/NotoSansArabic-Regular.ttf"),
    ),
    (
        "NotoSansArabic-Bold.ttf",
        include_bytes!("../../fonts/NotoSansArabic-Bold.ttf"),
    ),
    (
        "NotoSansBengali-Regular.ttf",
        include_bytes!("../../fonts/NotoSansBengali-Regular.ttf"),
    ),
    (
        "NotoSansBengali-Bold.ttf",
        include_bytes!("../../fonts/NotoSansBengali-Bold.ttf"),
    ),
    (
        "NotoSansDevanagari-Regular.ttf",
        include_bytes!("../../fonts/NotoSansDevanagari-Regular.ttf"),
    ),
    (
        "NotoSansDevanagari-Bold.ttf",
        include_bytes!("../../fonts/NotoSansDevanagari-Bold.ttf"),
    ),
    (
        "NotoSansGujarati-Regular.ttf",
        include_bytes!("../../fonts/NotoSansGujarati-Regular.ttf"),
    ),
    (
        "NotoSansGujarati-Bold.ttf",
        include_bytes!("../../fonts/NotoSansGujarati-Bold.ttf"),
    ),
    (
        "NotoSansGurmukhi-Regular.ttf",
        include_bytes!("../../fonts/NotoSansGurmukhi-Regular.ttf"),
    ),
    (
        "NotoSansGurmukhi-Bold.ttf",
        include_bytes!("../../fonts/NotoSansGurmukhi-Bold.ttf"),
    ),
];

/// The licence files of the embedded fonts, for a project that carries them.
pub const LICENSES: [(&str, &[u8]); 2] = [
    (
        "LICENSE-LiberationSans.txt",
        include_bytes!("../../fonts/LICENSE-LiberationSans.txt"),
    ),
    (
        "LICENSE-Noto.txt",
        include_bytes!("../../fonts/LICENSE-Noto.txt"),
    ),
];

static REGISTER: Once = Once::new();

/// Gives plotters the embedded faces for measuring chart text.
pub fn register_for_charts() {
    use plotters::style::{register_font, FontStyle};
    REGISTER.call_once(|| {
        for (style, bytes) in [
            (FontStyle::Normal, FACES[0].1),
            (FontStyle::Bold, FACES[1].1),
            (FontStyle::Italic, FACES[2].1),
        ] {
            assert!(
                register_font(FAMILY, style, bytes).is_ok(),
                "embedded font parses"
            );
        }
    });
}
