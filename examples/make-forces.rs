//! Writes sample-sized workbooks for a batch: `cargo run --release --example
//! make-forces -- N DIR` (default 43 target/forces). Each is the sample with its
//! force named apart and its monthly values scaled by its own factor, so no two
//! packs share their figures.

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(43);
    let dir = std::path::PathBuf::from(args.get(1).map(String::as_str).unwrap_or("target/forces"));
    std::fs::create_dir_all(&dir)?;
    for i in 1..=n {
        let bytes = boardpack::support::sample::force_variant(i).to_bytes()?;
        boardpack::pack::output::write_atomic(&dir.join(format!("force{i:02}.xlsx")), &bytes)?;
    }
    println!("wrote {n} workbooks to {}", dir.display());
    Ok(())
}
