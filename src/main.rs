//! The `boardpack` command: glue over the library's stages.

/// Counts the bytes held, so that a layout compiles within its memory
/// budget (`render::budget`).
#[global_allocator]
static ALLOCATOR: boardpack::render::budget::Counting = boardpack::render::budget::Counting;

fn main() -> std::process::ExitCode {
    boardpack::render::budget::counting_allocator();
    boardpack::cli::main()
}
