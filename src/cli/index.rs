//! `revertcheck index [<rev>]`: index a revision and print counts.

use clap::Args;

use super::{Cli, Common, Format};
use crate::error::Result;
use crate::graph::DepGraph;
use crate::lang::IdiomTable;
use crate::report;
use crate::symbols::SymbolTable;

#[derive(Args, Debug)]
pub struct IndexArgs {
    /// The revision to index.
    #[arg(default_value = "HEAD")]
    pub rev: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(cli: &Cli, args: &IndexArgs) -> Result<i32> {
    let common = Common::new(cli, IdiomTable::builtin())?;
    let started = std::time::Instant::now();
    let index = common.index(&args.rev)?;
    let table = SymbolTable::build(&index);
    let graph = DepGraph::build(&index, &table);
    let summary = report::index::IndexSummary::new(&args.rev, &index, &table, &graph, started.elapsed());
    report::index::print(&summary, args.format, cli.verbose);
    Ok(0)
}
