//! A window of history loaded once: every commit reachable from a target revision and not from
//! the boundary (the parents of the oldest commit analysed), with parent links in memory.
//!
//! Revert analysis asks, for each analysed commit C, "which commits came after C?" (those in the
//! window that are not ancestors of C). A libgit2 revwalk per commit costs ~11 us per commit
//! walked; here it is a DFS over in-memory indices, so an audit of hundreds of commits walks
//! history once.

use std::collections::HashMap;

use crate::error::Result;
use crate::repo::{CommitId, CommitInfo, Repo};

pub struct History {
    /// Newest first (topological order from the target).
    pub commits: Vec<CommitInfo>,
    by_id: HashMap<CommitId, usize>,
    /// Parent indices within the window.
    parents: Vec<Vec<usize>>,
}

impl History {
    /// Loads the commits reachable from `at` down to the common ancestor of the parents of
    /// `commits` (everything any of them needs: hiding each one's parents would cut off the
    /// history an older one needs).
    pub fn window(repo: &Repo, at: CommitId, commits: &[CommitId]) -> Result<History> {
        let mut parents = Vec::new();
        for &c in commits {
            parents.extend(repo.commit_info(c)?.parents);
        }
        let hide: Vec<CommitId> = repo.merge_base_many(&parents).into_iter().collect();
        let ids = repo.walk(at, &hide)?;
        let commits: Vec<CommitInfo> = ids.into_iter().map(|id| repo.commit_info(id)).collect::<Result<_>>()?;
        let by_id: HashMap<CommitId, usize> = commits.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        let parents =
            commits.iter().map(|c| c.parents.iter().filter_map(|p| by_id.get(p).copied()).collect()).collect();
        Ok(History { commits, by_id, parents })
    }

    pub fn get(&self, id: CommitId) -> Option<&CommitInfo> {
        self.by_id.get(&id).map(|&i| &self.commits[i])
    }

    pub fn contains(&self, id: CommitId) -> bool {
        self.by_id.contains_key(&id)
    }

    /// Commits of the window that are not `commit` and not its ancestors: what came after it
    /// (or beside it, on a branch merged later), newest first.
    pub fn later_than(&self, commit: CommitId) -> Vec<&CommitInfo> {
        let Some(&start) = self.by_id.get(&commit) else { return self.commits.iter().collect() };
        let mut ancestor = vec![false; self.commits.len()];
        let mut stack = vec![start];
        while let Some(i) = stack.pop() {
            if !std::mem::replace(&mut ancestor[i], true) {
                stack.extend(&self.parents[i]);
            }
        }
        self.commits.iter().enumerate().filter(|(i, _)| !ancestor[*i]).map(|(_, c)| c).collect()
    }
}
