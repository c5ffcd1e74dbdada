//! Writes the sample workbook `inputs/dashboard-2015-12.xlsx` from
//! `boardpack::sample`, so it can be regenerated and reviewed.
//!
//!     cargo run --example make-sample

fn main() -> anyhow::Result<()> {
    let bytes = boardpack::sample::sample().to_bytes()?;
    boardpack::output::write_atomic(std::path::Path::new(boardpack::sample::SAMPLE_PATH), &bytes)?;
    println!(
        "wrote {} ({} bytes)",
        boardpack::sample::SAMPLE_PATH,
        bytes.len()
    );
    Ok(())
}
