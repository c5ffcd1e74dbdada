//! The `boardpack` command: glue over the library's stages.

fn main() -> std::process::ExitCode {
    boardpack::cli::main()
}
