//! Command-line interface: clap types (the "low" args), validated configuration built from them
//! (the "high" args), and one orchestration function per subcommand. The only module that
//! imports clap.

mod audit;
mod check;

pub use check::CheckFormat;
mod debug;
mod demo;
mod deps;
mod index;
mod policy;
mod revert;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::{Error, Result};
use crate::index::{Index, IndexConfig};
use crate::lang::IdiomTable;
use crate::repo::Repo;

/// Evidence for maintainers deciding on AI-assisted C patches: which symbols a change touches,
/// who depends on them, whether the change is within policy and can still be reverted.
#[derive(Parser, Debug)]
#[command(name = "revertcheck", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// Run as if started in <path> (like `git -C`).
    #[arg(short = 'C', global = true, value_name = "path", default_value = ".")]
    pub repo: PathBuf,
    /// Where parsed files are cached [default: $XDG_CACHE_HOME/revertcheck or ~/.cache/revertcheck].
    #[arg(long, global = true, value_name = "dir")]
    pub cache_dir: Option<PathBuf>,
    /// Parse every file again; read and write no cache.
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// Skip C files larger than this many bytes (reported as skipped).
    #[arg(long, global = true, value_name = "bytes", default_value_t = 4 << 20)]
    pub max_file_size: u64,
    /// Stop parsing a file after this many milliseconds; the file is reported as timed out.
    #[arg(long, global = true, value_name = "ms", default_value_t = 10_000)]
    pub parse_timeout: u64,
    /// Worker threads for parsing [default: one per core].
    #[arg(short = 'j', long, global = true, value_name = "n")]
    pub threads: Option<usize>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build a small QEMU-like history in a temporary directory and check it: the tool at work.
    Demo(demo::DemoArgs),
    /// Index the C files of a revision and print what was found.
    Index(index::IndexArgs),
    /// Show what a symbol uses, or with --reverse what uses it.
    Deps(deps::DepsArgs),
    /// Pre-merge check: is this patch or series leaf-level and within the AI policy?
    Check(check::CheckArgs),
    /// Can these landed commits still be reverted at a later revision?
    Revert(revert::RevertArgs),
    /// Audit every AI-assisted commit: still revertible at HEAD? What changed since last run?
    Audit(audit::AuditArgs),
    /// The policy profiles: `policy list`, `policy show NAME`.
    Policy(policy::PolicyArgs),
    /// Dump intermediate stages (for developers).
    #[command(hide = true)]
    Debug(debug::DebugArgs),
}

/// `--format` of `index`, `revert` and `audit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// `--format` of `deps`, which can also draw its answer as a Graphviz graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DepsFormat {
    Text,
    Json,
    Dot,
}

/// Runs the command line and returns the exit status: 0 clean, 1 findings, 2 bad input.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    if let Some(n) = cli.threads {
        // Only fails if a pool was already built, which cannot happen this early.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global();
    }
    match run(&cli) {
        Ok(status) => status,
        Err(e) => {
            eprintln!("revertcheck: error: {e}");
            if let Some(hint) = e.hint() {
                eprintln!("hint: {hint}");
            }
            e.exit_code()
        }
    }
}

fn run(cli: &Cli) -> Result<i32> {
    match &cli.command {
        Command::Demo(args) => demo::run(cli, args),
        Command::Index(args) => index::run(cli, args),
        Command::Deps(args) => deps::run(cli, args),
        Command::Check(args) => check::run(cli, args),
        Command::Revert(args) => revert::run(cli, args),
        Command::Audit(args) => audit::run(cli, args),
        Command::Policy(args) => policy::run(cli, args),
        Command::Debug(args) => debug::run(cli, args),
    }
}

/// Settings every command that indexes needs, validated once.
pub struct Common {
    pub repo: Repo,
    pub index_config: IndexConfig,
}

impl Common {
    pub fn new(cli: &Cli, idioms: IdiomTable) -> Result<Common> {
        Common::at(&cli.repo, cli, idioms)
    }

    /// Like `new`, for a repository other than `-C`'s (the demo's own).
    pub fn at(path: &std::path::Path, cli: &Cli, idioms: IdiomTable) -> Result<Common> {
        let repo = Repo::discover(path)?;
        let cache_dir =
            if cli.no_cache { None } else { cli.cache_dir.clone().or_else(crate::index::Cache::default_dir) };
        let mut index_config =
            IndexConfig::new(idioms, cache_dir.as_deref()).map_err(|e| Error::bad_input("grammars/c", e))?;
        index_config.max_file_size = cli.max_file_size;
        index_config.limits.parse_timeout = std::time::Duration::from_millis(cli.parse_timeout);
        Ok(Common { repo, index_config })
    }

    pub fn index(&self, rev: &str) -> Result<Index> {
        let commit = self.repo.resolve(rev)?;
        let tree = self.repo.tree_of(commit)?;
        crate::index::index_tree(&self.repo, tree, &self.index_config)
    }
}
