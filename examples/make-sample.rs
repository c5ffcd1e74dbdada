//! Writes the sample workbook `inputs/dashboard-2015-12.xlsx` from
//! `boardpack::support::sample`, so it can be regenerated and reviewed.
//!
//!     cargo run --example make-sample

fn main() -> anyhow::Result<()> {
    let bytes = boardpack::support::sample::sample().to_bytes()?;
    boardpack::pack::output::write_atomic(
        std::path::Path::new(boardpack::support::sample::SAMPLE_PATH),
        &bytes,
    )?;
    println!(
        "wrote {} ({} bytes)",
        boardpack::support::sample::SAMPLE_PATH,
        bytes.len()
    );
    Ok(())
}
