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

/// The embedded families, as a theme names them: (family, regular face,
/// bold face), faces by their index in [`FACES`].
pub const FAMILY_FACES: [(&str, usize, usize); 6] = [
    (FAMILY, 0, 1),
    ("Noto Sans Arabic", 4, 5),
    ("Noto Sans Bengali", 6, 7),
    ("Noto Sans Devanagari", 8, 9),
    ("Noto Sans Gujarati", 10, 11),
    ("Noto Sans Gurmukhi", 12, 13),
];

/// The family names a theme may ask for.
pub const FAMILIES: [&str; 6] = [
    FAMILY_FACES[0].0,
    FAMILY_FACES[1].0,
    FAMILY_FACES[2].0,
    FAMILY_FACES[3].0,
    FAMILY_FACES[4].0,
    FAMILY_FACES[5].0,
];

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
        let liberation_italic = (FAMILY, FontStyle::Italic, FACES[2].1);
        let faces = FAMILY_FACES.iter().flat_map(|&(family, regular, bold)| {
            [
                (family, FontStyle::Normal, FACES[regular].1),
                (family, FontStyle::Bold, FACES[bold].1),
            ]
        });
        for (family, style, bytes) in faces.chain([liberation_italic]) {
            assert!(
                register_font(family, style, bytes).is_ok(),
                "embedded font parses"
            );
        }
    });
}
