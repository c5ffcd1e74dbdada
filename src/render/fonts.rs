//! The fonts every PDF and chart uses, embedded in the binary: Liberation
//! Sans (SIL Open Font License 1.1, `fonts/LICENSE-LiberationSans.txt`). No
//! system font is ever looked up, so output is the same on every machine.

use std::sync::Once;

/// The family name layouts and charts ask for.
pub const FAMILY: &str = "Liberation Sans";

/// (file name, bytes) of each embedded face.
pub const FACES: [(&str, &[u8]); 4] = [
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
