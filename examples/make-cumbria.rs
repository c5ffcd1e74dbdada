//! Writes the second listen-through's workbook (Cumbria, March 2027):
//! `cargo run --example make-cumbria -- OUT.xlsx`.

#[path = "../tests/common/cells.rs"]
mod cells;
#[path = "../tests/common/cumbria.rs"]
mod cumbria;

fn main() -> anyhow::Result<()> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/cumbria.xlsx".into());
    let bytes = cumbria::cumbria().to_bytes()?;
    boardpack::pack::output::write_atomic(std::path::Path::new(&out), &bytes)?;
    println!("wrote {out}");
    Ok(())
}
