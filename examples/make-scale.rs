//! Writes a scale workbook for measuring: `cargo run --release --example
//! make-scale -- PRIORITIES INDICATORS_PER_PRIORITY MONTHS OUT.xlsx`
//! (default 100 3 120 target/scale.xlsx).

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize, d: usize| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(d);
    let out = args
        .get(3)
        .cloned()
        .unwrap_or_else(|| "target/scale.xlsx".into());
    let data = boardpack::support::sample::scale(num(0, 100), num(1, 3), num(2, 120));
    let bytes = data.to_bytes()?;
    boardpack::pack::output::write_atomic(std::path::Path::new(&out), &bytes)?;
    println!("wrote {out} ({} bytes)", bytes.len());
    Ok(())
}
