//! A window of history loaded once: every commit reachable from a target revision and not from
//! the boundary (the parents of the oldest commit analysed), with parent links in memory.
//!
//! Revert analysis asks, for each analysed commit C, "which commits came after C?" (those in the
//! window that are not ancestors of C). A libgit2 revwalk per commit costs ~11 us per commit
//! walked; here it is a DFS over in-memory indices, so an audit of hundreds of commits walks
//! history once.

use std::collections::HashMap;
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::error::Result;
use crate::repo::{BlobId, CommitId, CommitInfo, Repo};

/// A commit of the window that changed a path: (commit index, blob before, blob after).
pub type PathChange = (usize, Option<BlobId>, Option<BlobId>);

pub struct History {
    /// Newest first (topological order from the target).
    pub commits: Vec<CommitInfo>,
    by_id: HashMap<CommitId, usize>,
    /// Parent indices within the window.
    parents: Vec<Vec<usize>>,
    /// Which non-merge commits changed which path, computed on first use.
    touched: OnceLock<HashMap<String, Vec<PathChange>>>,
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
        Ok(History { commits, by_id, parents, touched: OnceLock::new() })
    }

    pub fn get(&self, id: CommitId) -> Option<&CommitInfo> {
        self.by_id.get(&id).map(|&i| &self.commits[i])
    }

    pub fn contains(&self, id: CommitId) -> bool {
        self.by_id.contains_key(&id)
    }

    /// The non-merge commits of the window that changed `path`, newest first: one name-only
    /// diff per commit for the whole window (in parallel), instead of two tree lookups per later
    /// commit per path per analysed commit.
    pub fn changes_of(&self, repo: &Repo, path: &str) -> Result<&[PathChange]> {
        if self.touched.get().is_none() {
            let git_dir = repo.git_dir().to_path_buf();
            let per_commit: Vec<Result<Vec<(String, PathChange)>>> = self
                .commits
                .par_iter()
                .enumerate()
                .filter(|(_, c)| c.parents.len() == 1)
                .map_init(
                    || Repo::open_git_dir(&git_dir),
                    |repo, (i, c)| {
                        let repo = repo.as_ref().map_err(|e| crate::error::Error::Git {
                            context: "opening the repository".into(),
                            message: e.to_string(),
                        })?;
                        let before = repo.tree_of(c.parents[0])?;
                        let paths = repo.changed_paths(Some(before), repo.tree_of(c.id)?)?;
                        Ok(paths.into_iter().map(|(p, b, a)| (p, (i, b, a))).collect())
                    },
                )
                .collect();
            let mut map: HashMap<String, Vec<PathChange>> = HashMap::new();
            for list in per_commit {
                for (path, change) in list? {
                    map.entry(path).or_default().push(change);
                }
            }
            for v in map.values_mut() {
                v.sort_by_key(|c| c.0);
            }
            let _ = self.touched.set(map);
        }
        Ok(self.touched.get().and_then(|m| m.get(path)).map_or(&[], Vec::as_slice))
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
