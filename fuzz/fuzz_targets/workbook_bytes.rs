//! Any bytes given as a workbook: `boardpack check` and `build` must answer
//! with records or an error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(computed) = boardpack::pipeline::records(data) {
        let charts = boardpack::render::charts::render(&computed.records, &boardpack::render::theme::theme());
        let options = boardpack::render::document::RenderOptions::draft(&computed.records);
        let _ = boardpack::render::document::render(&computed.records, &charts, &options);
        boardpack::render::document::evict_cache(0);
    }
});
