//! `verify` on hostile PDFs: the signed-off sample pack with bytes changed,
//! cut or appended, and attachments that lie. Verification must answer
//! (verified or not) without panicking, hanging or unbounded memory.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

#[derive(Debug, Arbitrary)]
enum Mutation {
    /// XOR a byte at a position (taken modulo the length).
    Flip(u32, u8),
    /// Cut the file at a position.
    Truncate(u32),
    /// Overwrite a run of bytes at a position.
    Splice(u32, Vec<u8>),
    /// Append bytes (an incremental update, or junk).
    Append(Vec<u8>),
}

fn pack() -> &'static Vec<u8> {
    static PACK: OnceLock<Vec<u8>> = OnceLock::new();
    PACK.get_or_init(|| {
        let bytes = boardpack::support::sample::sample().to_bytes().expect("sample writes");
        let sign_off = boardpack::pack::signoff::SignOff::new(
            "Fuzz",
            "Secretary",
            chrono::NaiveDate::from_ymd_opt(2016, 1, 28).expect("valid"),
            None,
            "dashboard-2015-12.xlsx",
        );
        boardpack::pack::signoff::build_final(&bytes, &sign_off)
            .expect("the sample signs off")
            .pdf
    })
}

fuzz_target!(|mutations: Vec<Mutation>| {
    let mut pdf = pack().clone();
    for m in mutations.into_iter().take(8) {
        let at = |p: u32, len: usize| if len == 0 { 0 } else { p as usize % len };
        match m {
            Mutation::Flip(p, x) if !pdf.is_empty() => {
                let i = at(p, pdf.len());
                pdf[i] ^= x;
            }
            Mutation::Truncate(p) => pdf.truncate(at(p, pdf.len())),
            Mutation::Splice(p, bytes) => {
                let i = at(p, pdf.len());
                let end = (i + bytes.len()).min(pdf.len());
                pdf.splice(i..end, bytes);
            }
            Mutation::Append(bytes) => pdf.extend(bytes),
            _ => {}
        }
    }
    boardpack::render::document::evict_cache(0);
    let _ = boardpack::pack::verify::verify(&pdf, None);
});
