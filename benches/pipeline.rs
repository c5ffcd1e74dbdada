//! Benchmarks of each stage and of the whole pipeline, on the sample and on
//! generated scale workbooks (`boardpack::support::sample::scale`).
//!
//!     cargo bench --bench pipeline
//!
//! Typst memoises compilations within a process; every layout/PDF and
//! end-to-end iteration here starts from an empty cache, as a fresh
//! `boardpack build` process does.

use std::sync::LazyLock;

use boardpack::render::document::{self, RenderOptions};
use boardpack::{pipeline, Workbook};
use divan::Bencher;

fn main() {
    divan::main();
}

/// (name, workbook bytes): the sample, and scale workbooks of 100
/// priorities × 3 indicators × 120 months and one tenth of that.
static WORKBOOKS: LazyLock<Vec<(&'static str, Vec<u8>)>> = LazyLock::new(|| {
    vec![
        (
            "sample",
            include_bytes!("../inputs/dashboard-2015-12.xlsx").to_vec(),
        ),
        (
            "scale-30",
            boardpack::support::sample::scale(10, 3, 120)
                .to_bytes()
                .unwrap(),
        ),
        (
            "scale-300",
            boardpack::support::sample::scale(100, 3, 120)
                .to_bytes()
                .unwrap(),
        ),
    ]
});

const NAMES: [&str; 3] = ["sample", "scale-30", "scale-300"];

fn bytes(name: &str) -> &'static [u8] {
    &WORKBOOKS.iter().find(|(n, _)| *n == name).unwrap().1
}

#[divan::bench(args = NAMES, sample_count = 10)]
fn read(bencher: Bencher, name: &str) {
    let b = bytes(name);
    bencher.bench(|| Workbook::from_bytes(b).unwrap());
}

#[divan::bench(args = NAMES, sample_count = 10)]
fn compute_records(bencher: Bencher, name: &str) {
    let w = Workbook::from_bytes(bytes(name)).unwrap().workbook;
    bencher.bench(|| boardpack::compute::compute(&w));
}

#[divan::bench(args = NAMES, sample_count = 10)]
fn draw_charts(bencher: Bencher, name: &str) {
    let r = pipeline::records(bytes(name)).unwrap().records;
    bencher.bench(|| boardpack::render::charts::render(&r, &boardpack::render::theme::theme()));
}

#[divan::bench(args = NAMES, sample_count = 10)]
fn layout(bencher: Bencher, name: &str) {
    let r = pipeline::records(bytes(name)).unwrap().records;
    let c = boardpack::render::charts::render(&r, &boardpack::render::theme::theme());
    let o = RenderOptions::draft(&r);
    bencher
        .with_inputs(|| typst::comemo::evict(0))
        .bench_refs(|_| document::compile(&r, &c, &o).unwrap().pages());
}

#[divan::bench(args = NAMES, sample_count = 10)]
fn pdf(bencher: Bencher, name: &str) {
    let r = pipeline::records(bytes(name)).unwrap().records;
    let c = boardpack::render::charts::render(&r, &boardpack::render::theme::theme());
    let compiled = document::compile(&r, &c, &RenderOptions::draft(&r)).unwrap();
    bencher
        .with_inputs(|| typst::comemo::evict(0))
        .bench_refs(|_| compiled.pdf().unwrap());
}

#[divan::bench(args = NAMES, sample_count = 10)]
fn end_to_end(bencher: Bencher, name: &str) {
    let b = bytes(name);
    bencher
        .with_inputs(|| typst::comemo::evict(0))
        .bench_refs(|_| pipeline::build(b, RenderOptions::draft).unwrap());
}
