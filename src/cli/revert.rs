//! `revertcheck revert <commit>... [--at <rev>]`: can these commits still be thrown away?

use clap::Args;

use super::{Cli, Common, Format};
use crate::error::{Error, Result};
use crate::history::History;
use crate::lang::IdiomTable;
use crate::report;
use crate::revert::{self, RevertLimits, RevertVerdict, Target};

#[derive(Args, Debug)]
pub struct RevertArgs {
    /// Commits to analyse: revisions or `a..b` ranges (oldest first).
    #[arg(required = true, value_name = "commit")]
    pub commits: Vec<String>,
    /// The revision analysed: where the revert would happen.
    #[arg(long, default_value = "HEAD", value_name = "rev")]
    pub at: String,
    /// For a merge commit: the parent to revert to (1-based), as `git revert -m`.
    #[arg(short = 'm', long = "mainline", value_name = "parent")]
    pub mainline: Option<u32>,
    /// At most this many conflicting regions per commit are traced back to the later commits
    /// that wrote them (a blame limited to the history after the commit).
    #[arg(long, default_value_t = 64, value_name = "n")]
    pub max_blames: usize,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(cli: &Cli, args: &RevertArgs) -> Result<i32> {
    let common = Common::new(cli, IdiomTable::builtin())?;
    let at = common.repo.resolve(&args.at)?;
    let mut commits = Vec::new();
    let mut named = Vec::new();
    for spec in &args.commits {
        for id in common.repo.rev_list(std::slice::from_ref(spec))? {
            commits.push(id);
            named.push((id, spec));
        }
    }
    // Fail on a merge without -m (and the like) before the expensive part.
    for &c in &commits {
        common.repo.check_revertible(c, args.mainline)?;
    }
    let stage = super::progress::stage(cli, format!("revert: indexing {} and loading its history", args.at));
    let target = Target::new(&common.repo, at, &common.index_config)?;
    let history = History::window(&common.repo, at, &commits)?;
    stage.finish_and_clear();
    // A commit that is not in --at's history has nothing to revert there.
    if let Some((id, spec)) = named.iter().find(|(id, _)| !history.contains(*id)) {
        return Err(Error::bad_input(
            format!("commit `{spec}` ({})", id.short()),
            format!("not an ancestor of --at `{}` ({}): there is nothing of it to revert there", args.at, at.short()),
        ));
    }
    let limits = RevertLimits { max_blames: args.max_blames, ..RevertLimits::default() };
    let mut analyses = Vec::new();
    let bar = super::progress::bar(cli, commits.len(), "revert");
    for c in commits {
        bar.set_message(c.short());
        analyses.push(revert::analyse(
            &common.repo,
            &target,
            &history,
            c,
            args.mainline,
            &common.index_config,
            limits,
        )?);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let worst = analyses.iter().map(|a| a.verdict).max().unwrap_or(RevertVerdict::Clean);
    report::revert::print(&args.at, &target, &analyses, args.format, cli.verbose);
    Ok(if worst == RevertVerdict::Clean { 0 } else { 1 })
}
