//! Times each stage of one build, in a fresh process, with the process's
//! peak and current memory after each: `cargo run --release --example
//! stages -- WORKBOOK`.
use std::time::Instant;

use boardpack::render::document::{self, RenderOptions};
use boardpack::Workbook;

fn main() {
    let path = std::env::args().nth(1).expect("a workbook");
    let t = Instant::now();
    let bytes = std::fs::read(&path).unwrap();
    let lap = |what: &str, t: &mut Instant| {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let kb = |key: &str| {
            status
                .lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .unwrap_or("?")
                .to_string()
        };
        eprintln!(
            "{what:>10}: {:7.1} ms  (peak {} kB, now {} kB)",
            t.elapsed().as_secs_f64() * 1e3,
            kb("VmHWM:"),
            kb("VmRSS:")
        );
        *t = Instant::now();
    };
    let mut t = t;
    let loaded = Workbook::from_bytes(&bytes).unwrap();
    lap("read", &mut t);
    // READ_ONLY=N: the reading alone, N more times (10 if N is not a number).
    if let Some(n) = std::env::var_os("READ_ONLY") {
        let n = n.to_str().and_then(|n| n.parse().ok()).unwrap_or(10);
        for _ in 0..n {
            Workbook::from_bytes(&bytes).unwrap();
            lap("read", &mut t);
        }
        return;
    }
    let computed = boardpack::compute::compute(&loaded.workbook);
    // As the pipeline does: the workbook is not kept once the records are.
    drop(loaded);
    lap("compute", &mut t);
    let theme = boardpack::render::theme::theme();
    let charts = boardpack::render::charts::render(&computed.records, &theme);
    lap("charts", &mut t);
    let o = RenderOptions::draft(&computed.records);
    let files = document::world_files(&computed.records, &charts, &o, &[], document::Json::Compact);
    lap("files", &mut t);
    drop(files);
    let compiled = document::compile(&computed.records, &charts, &o).unwrap();
    lap("layout", &mut t);
    let pdf = compiled.pdf().unwrap();
    lap("pdf", &mut t);
    eprintln!("{} pages, {} bytes", compiled.pages(), pdf.len());
    // Again in the same process: with Typst's memo emptied (as a fresh
    // process, less its one-time costs), then kept (as `watch`).
    for (what, evict) in [
        ("evicted", true),
        ("evicted", true),
        ("warm", false),
        ("warm", false),
    ] {
        if evict {
            typst::comemo::evict(0);
        }
        let t0 = Instant::now();
        let compiled = document::compile(&computed.records, &charts, &o).unwrap();
        let l = t0.elapsed();
        let _ = compiled.pdf().unwrap();
        eprintln!(
            "{what}: layout {:.1} ms, total {:.1} ms",
            l.as_secs_f64() * 1e3,
            t0.elapsed().as_secs_f64() * 1e3
        );
    }
}
