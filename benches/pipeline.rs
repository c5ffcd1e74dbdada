//! Benchmarks of each stage and of the whole pipeline, on the sample and on
//! generated scale workbooks (`boardpack::support::sample::scale`).
//!
//!     cargo bench --bench pipeline
//!
//! Typst memoises compilations within a process; every layout/PDF,
//! end-to-end and engine-alone iteration here starts from an empty cache,
//! as a fresh `boardpack build` process does. `engine_alone` is the Typst
//! engine on the same pack ejected as a project (`build --emit-typst`),
//! read from disk: the end-to-end time beside it is the whole cost of
//! boardpack's own stages. (`cargo bench --bench targets` measures whole
//! processes against the targets of issue #19.)

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

/// The pack ejected as a Typst project, as `build --emit-typst` writes it.
fn eject(name: &str) -> tempfile::TempDir {
    let built = pipeline::build(bytes(name), RenderOptions::draft).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let options = RenderOptions::draft(&built.records);
    let mut files = document::world_files(
        &built.records,
        &built.charts,
        &options,
        &built.long_panels,
        document::Json::Indented,
    );
    files.insert(
        "/main.typ".into(),
        options.layout.source.clone().into_bytes(),
    );
    for (name, face) in boardpack::render::fonts::FACES {
        files.insert(format!("/fonts/{name}"), face.to_vec());
    }
    for (path, content) in files {
        let path = dir.path().join(path.trim_start_matches('/'));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

#[divan::bench(args = NAMES, sample_count = 10)]
fn engine_alone(bencher: Bencher, name: &str) {
    let dir = eject(name);
    let date = chrono::NaiveDate::from_ymd_opt(2016, 1, 31).unwrap();
    bencher
        .with_inputs(|| typst::comemo::evict(0))
        .bench_refs(|_| document::render_project(dir.path(), date).unwrap());
}
