//! Command-line interface: clap types (the "low" args), validated configuration built from them
//! (the "high" args), and one orchestration function per subcommand. The only module that
//! imports clap.

mod audit;
mod check;

pub use check::CheckFormat;
mod debug;
mod demo;
mod deps;
mod explain;
mod index;
mod policy;
mod progress;
mod revert;

use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

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
    #[arg(short = 'C', global = true, value_name = "path", default_value = ".", help_heading = GLOBAL)]
    pub repo: PathBuf,
    /// Where parsed files are cached [default: $XDG_CACHE_HOME/revertcheck or ~/.cache/revertcheck].
    #[arg(long, global = true, value_name = "dir", help_heading = GLOBAL)]
    pub cache_dir: Option<PathBuf>,
    /// Parse every file again; read and write no cache.
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub no_cache: bool,
    /// Skip C files larger than this many bytes (reported as skipped).
    #[arg(long, global = true, value_name = "bytes", default_value_t = 4 << 20, help_heading = GLOBAL)]
    pub max_file_size: u64,
    /// Stop parsing a file after this many milliseconds; the file is reported as timed out.
    #[arg(long, global = true, value_name = "ms", default_value_t = 10_000, help_heading = GLOBAL)]
    pub parse_timeout: u64,
    /// Worker threads for parsing [default: one per core].
    #[arg(short = 'j', long, global = true, value_name = "n", help_heading = GLOBAL)]
    pub threads: Option<usize>,
    /// Also print notes about the run (parse errors of the tree, every file `index` skipped).
    #[arg(short = 'v', long, global = true, conflicts_with = "quiet", help_heading = GLOBAL)]
    pub verbose: bool,
    /// Print nothing on stdout: the exit status is the answer (errors still go to stderr).
    #[arg(short = 'q', long, global = true, help_heading = GLOBAL)]
    pub quiet: bool,
    /// Colour the text reports: `auto` (a terminal, unless NO_COLOR is set or CLICOLOR_FORCE
    /// forces it), `always`, `never`.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "when", help_heading = GLOBAL)]
    pub color: ColorWhen,
    #[command(subcommand)]
    pub command: Command,
}

/// The help section of the options every subcommand takes.
const GLOBAL: &str = "Global options";

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
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
    /// What a finding code means, why the policy cares, and how to fix it (no code: list them).
    Explain(explain::ExplainArgs),
    /// Print a shell completion script: `revertcheck completions bash > /etc/bash_completion.d/revertcheck`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `revertcheck man | man -l -`.
    Man,
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
    anstream::ColorChoice::write_global(match cli.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    });
    if cli.quiet {
        silence_stdout();
    }
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

/// `--quiet`: stdout goes to /dev/null for the rest of the process, whatever report a command
/// prints; errors keep going to stderr and the exit status is unchanged.
fn silence_stdout() {
    #[cfg(unix)]
    if let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") {
        use std::io::Write;
        use std::os::unix::io::AsRawFd;
        let _ = std::io::stdout().flush();
        // SAFETY: dup2 on two valid descriptors; fd 1 stays open (now onto /dev/null).
        unsafe { libc::dup2(null.as_raw_fd(), 1) };
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
        Command::Explain(args) => explain::run(args),
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "revertcheck", &mut std::io::stdout());
            Ok(0)
        }
        Command::Man => {
            clap_mangen::Man::new(Cli::command())
                .render(&mut std::io::stdout())
                .map_err(|e| Error::Io { path: "<stdout>".into(), source: e })?;
            Ok(0)
        }
        Command::Policy(args) => policy::run(cli, args),
        Command::Debug(args) => debug::run(cli, args),
    }
}

impl Cli {
    /// What the text reports take from the global options.
    pub fn text_options(&self) -> crate::report::check_text::TextOptions {
        crate::report::check_text::TextOptions { verbose: self.verbose }
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

    /// Extends the built-in idiom and generator tables with the policy file's `[[idiom]]` and
    /// `[[generator]]` entries (the cache key follows the idiom table).
    pub fn use_project_tables(&mut self, cli: &Cli, policy: &crate::policy::Policy) -> Result<()> {
        if !policy.idioms.is_empty() {
            let idioms = IdiomTable::build(&policy.idioms).map_err(|e| Error::bad_input(&policy.source, e))?;
            let generators =
                std::mem::replace(&mut self.index_config.generators, crate::lang::GeneratorTable::builtin());
            let fresh = Common::at(&cli.repo, cli, idioms)?;
            self.index_config = fresh.index_config;
            self.index_config.generators = generators;
        }
        if !policy.generators.is_empty() {
            self.index_config.generators = crate::lang::GeneratorTable::build(&policy.generators)
                .map_err(|e| Error::bad_input(&policy.source, e))?;
        }
        Ok(())
    }

    pub fn index(&self, rev: &str) -> Result<Index> {
        let commit = self.repo.resolve(rev)?;
        let tree = self.repo.tree_of(commit)?;
        crate::index::index_tree(&self.repo, tree, &self.index_config)
    }
}
