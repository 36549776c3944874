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
    /// The revision analysed.
    #[arg(long = "at", value_name = "rev", default_value = "HEAD")]
    pub at: String,
    /// The same as --at, as older versions took it.
    #[arg(value_name = "rev", hide = true, conflicts_with = "at")]
    pub rev: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(cli: &Cli, args: &IndexArgs) -> Result<i32> {
    let common = Common::new(cli, IdiomTable::builtin())?;
    let started = std::time::Instant::now();
    let rev = args.rev.as_deref().unwrap_or(&args.at);
    let stage = super::progress::stage(cli, format!("index: {rev}"));
    let index = common.index(rev)?;
    stage.set_message(format!("graph: {rev}"));
    let table = SymbolTable::build(&index);
    let graph = DepGraph::build(&index, &table);
    stage.finish_and_clear();
    let summary = report::index::IndexSummary::new(rev, &index, &table, &graph, started.elapsed());
    report::index::print(&summary, args.format, cli.verbose);
    Ok(0)
}
