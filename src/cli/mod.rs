//! The command line: `scholia check`, `scholia lsp`.

mod check;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "scholia",
    version,
    about = "Check and serve annotated archival documents"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check every .scholia document under the paths (default: the current folder).
    Check {
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Check single-threaded (a baseline for benchmarks).
        #[arg(long)]
        single_thread: bool,
        /// Instead of diagnostics, compare every translation under the paths
        /// with its original, side by side (exit 1 when any differs).
        #[arg(long)]
        translations: bool,
    },
    /// Turn an archive's plain-text export into a .scholia document.
    Import(crate::import::ImportArgs),
    /// Export documents to a folder: TEI P5 files, or a static reading-edition site (html).
    Export(crate::export::command::ExportArgs),
    /// Serve the Language Server Protocol over stdio.
    Lsp {
        /// Accepted and ignored (editors pass it by habit).
        #[arg(long)]
        stdio: bool,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Check {
            paths,
            format,
            single_thread,
            translations,
        } => {
            if translations {
                check::run_translations(&paths, format)
            } else if single_thread {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build();
                match pool {
                    Ok(pool) => pool.install(|| check::run(&paths, format)),
                    Err(_) => check::run(&paths, format),
                }
            } else {
                check::run(&paths, format)
            }
        }
        Command::Import(args) => crate::import::run(&args),
        Command::Export(args) => crate::export::command::run(&args),
        Command::Lsp { stdio: _ } => crate::lsp::run(),
    }
}
