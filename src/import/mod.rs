//! `scholia import`: turns an archive's plain-text export into a `.scholia`
//! document.

use std::path::PathBuf;

/// The arguments of `scholia import`.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// Plain-text exports to import.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Also tag every unambiguous registry name or alias.
    #[arg(long)]
    pub tag: bool,
    /// Folder for the new documents (default: beside each input); `-` writes to stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Overwrite existing `.scholia` files.
    #[arg(long)]
    pub force: bool,
}

/// Runs the import; returns the exit code.
pub fn run(args: &ImportArgs) -> i32 {
    let _ = args;
    eprintln!("scholia import: not implemented yet");
    2
}
