//! The command line: `scholia check`, `scholia init`, `scholia lsp`.

mod check;
mod fix;
mod init;
mod output;
mod tag;

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
        /// Output format: `text` (source lines with the range underlined),
        /// `short` (one line per problem), `json`, `sarif` (SARIF 2.1.0) or
        /// `github` (workflow annotations).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Apply the fixes that have exactly one choice (renumber footnotes,
        /// `fols.` for `ll.`, the preferred spelling of a name), print each
        /// edit, then check again.
        #[arg(long, conflicts_with = "translations")]
        fix: bool,
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
    /// Tag every untagged registry name that names one entry, in the documents under the paths (default: the current folder).
    Tag {
        paths: Vec<PathBuf>,
        /// Print the changes as a diff and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Only the names written so (compared as names are matched).
        #[arg(long)]
        name: Option<String>,
    },
    /// Start a new workspace: scholia.toml, a registry, a bibliography and a
    /// first document (never overwrites a file).
    Init {
        /// The folder (created when missing; default: the current folder).
        dir: Option<PathBuf>,
    },
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
    Short,
    Json,
    Sarif,
    Github,
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
            fix,
            single_thread,
            translations,
        } => {
            if translations {
                check::run_translations(&paths, format)
            } else if fix {
                fix::run(&paths, format)
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
        Command::Tag {
            paths,
            dry_run,
            name,
        } => tag::run(&paths, dry_run, name.as_deref()),
        Command::Init { dir } => init::run(dir.as_deref()),
        Command::Export(args) => crate::export::command::run(&args),
        Command::Lsp { stdio: _ } => crate::lsp::run(),
    }
}

/// The paths of a command (default: the current folder), normalized and
/// grouped by the workspace root each belongs to (`None`: outside any
/// workspace). A path that does not exist is reported, prefixed by `who`,
/// and gives `None`.
pub(crate) fn paths_by_root(
    paths: &[PathBuf],
    who: &str,
) -> Option<std::collections::BTreeMap<Option<PathBuf>, Vec<PathBuf>>> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut groups: std::collections::BTreeMap<Option<PathBuf>, Vec<PathBuf>> =
        std::collections::BTreeMap::new();
    for p in paths {
        if !p.exists() {
            eprintln!("{who}: {}: no such file or folder", p.display());
            return None;
        }
        let t = crate::workspace::normalize(p);
        groups
            .entry(crate::workspace::find_root(&t))
            .or_default()
            .push(t);
    }
    Some(groups)
}
