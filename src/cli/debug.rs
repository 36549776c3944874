//! `revertcheck debug ...`: dumps of intermediate stages, for developers and bug reports.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{Cli, Common};
use crate::error::{Error, Result};
use crate::lang::{Extractor, IdiomTable, Limits, Queries};

#[derive(Args, Debug)]
pub struct DebugArgs {
    #[command(subcommand)]
    pub what: DebugCommand,
}

#[derive(Subcommand, Debug)]
pub enum DebugCommand {
    /// Extract one C file from disk and print its definitions, references and includes.
    Extract { file: PathBuf },
    /// Build a scenario directory (fixtures/scenarios/<name>) into a repository at `into`; with
    /// `--extend`, add its steps on top of the repository already there.
    Scenario {
        dir: PathBuf,
        into: PathBuf,
        #[arg(long)]
        extend: bool,
    },
    /// List every definition site of a revision as `path:name kind line`.
    Defs {
        #[arg(default_value = "HEAD")]
        rev: String,
        /// Only this kind (function, prototype, macro, ...).
        #[arg(long)]
        kind: Option<String>,
    },
}

pub fn run(cli: &Cli, args: &DebugArgs) -> Result<i32> {
    match &args.what {
        DebugCommand::Extract { file } => {
            let src = std::fs::read(file).map_err(|e| Error::Io { path: file.clone(), source: e })?;
            let queries = Queries::load().map_err(|e| Error::bad_input("grammars/c", e))?;
            let idioms = IdiomTable::builtin();
            print!("{}", Extractor::new(&queries, &idioms, Limits::default()).extract(&src).render());
        }
        DebugCommand::Scenario { dir, into, extend } => {
            let scenario = crate::scenario::Scenario::from_dir(dir)?;
            if *extend {
                scenario.extend(into)?;
            } else {
                std::fs::create_dir_all(into).map_err(|e| Error::Io { path: into.clone(), source: e })?;
                scenario.build(into)?;
            }
        }
        DebugCommand::Defs { rev, kind } => {
            let common = Common::new(cli, IdiomTable::builtin())?;
            let index = common.index(rev)?;
            for f in &index.files {
                for d in &f.symbols.definitions {
                    if kind.as_deref().is_none_or(|k| k == d.kind.as_str()) {
                        println!("{}:{} {} {}", f.path, f.symbols.def_name(d), d.kind.as_str(), d.name_line);
                    }
                }
            }
        }
    }
    Ok(0)
}
