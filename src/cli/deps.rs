//! `revertcheck deps <symbol>`: what a symbol uses, or what uses it, with evidence.

use clap::Args;

use super::{Cli, Common, DepsFormat};
use crate::error::{Error, Result};
use crate::graph::DepGraph;
use crate::lang::IdiomTable;
use crate::report;
use crate::symbols::SymbolTable;

#[derive(Args, Debug)]
pub struct DepsArgs {
    /// A symbol name, or `path/file.c:name` to pick a file's own.
    pub symbol: String,
    /// The revision analysed (`--rev` is an older name for it).
    #[arg(long = "at", alias = "rev", default_value = "HEAD", value_name = "rev")]
    pub rev: String,
    /// Show what uses the symbol instead of what it uses.
    #[arg(long)]
    pub reverse: bool,
    /// Follow uses this many steps (1 = direct only).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub depth: u32,
    /// Stop after this many symbols (a cap on transitive work).
    #[arg(long, default_value_t = 10_000)]
    pub max_nodes: usize,
    #[arg(long, value_enum, default_value_t = DepsFormat::Text)]
    pub format: DepsFormat,
}

pub fn run(cli: &Cli, args: &DepsArgs) -> Result<i32> {
    let common = Common::new(cli, IdiomTable::builtin())?;
    let stage = super::progress::stage(cli, format!("index: {}", args.rev));
    let index = common.index(&args.rev)?;
    stage.finish_and_clear();
    let table = SymbolTable::build(&index);
    let matches = table.find(&args.symbol);
    if matches.is_empty() {
        return Err(Error::UnknownSymbol { name: args.symbol.clone(), rev: args.rev.clone() });
    }
    let stage = super::progress::stage(cli, format!("graph: {}", args.rev));
    let graph = DepGraph::build(&index, &table);
    stage.finish_and_clear();
    let result = report::deps::DepsResult::new(&table, &graph, &matches, args.reverse, args.depth, args.max_nodes);
    report::deps::print(&result, &table, args.format);
    Ok(0)
}
