//! A window of history loaded once: every commit reachable from a target revision and not from
//! the boundary (the parents of the oldest commit analysed), with parent links in memory.
//!
//! Revert analysis asks, for each analysed commit C, "which commits came after C?" (those in the
//! window that are not ancestors of C). A libgit2 revwalk per commit costs ~11 us per commit
//! walked; here it is a DFS over in-memory indices, so an audit of hundreds of commits walks
//! history once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;

use crate::error::Result;
use crate::repo::{BlobId, CommitId, CommitInfo, Repo};

/// A commit of the window that changed a path: (commit index, blob before, blob after).
pub type PathChange = (usize, Option<BlobId>, Option<BlobId>);

/// How a commit's message names the commit it reverts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RevertClaim {
    /// `This reverts commit <id>`: the id or a prefix of at least 7 hex digits, lower case.
    Id(String),
    /// `Revert "<subject>"`: the reverted commit's subject.
    Subject(String),
}

pub struct History {
    /// Newest first (topological order from the target).
    pub commits: Vec<CommitInfo>,
    by_id: HashMap<CommitId, usize>,
    /// Parent indices within the window.
    parents: Vec<Vec<usize>>,
    /// Which non-merge commits changed which path, for every path at once: built when more
    /// than `PATHS_ONE_BY_ONE` paths have been asked about.
    touched: OnceLock<HashMap<String, Arc<[PathChange]>>>,
    /// Paths asked about before that, each found by looking it up in every commit's tree.
    one_by_one: Mutex<HashMap<String, Arc<[PathChange]>>>,
    /// Tree of each commit and of its first parent, for the one-by-one lookups.
    trees: OnceLock<Vec<Option<(crate::repo::TreeId, crate::repo::TreeId)>>>,
    /// `merged_by()`, worked out once.
    merges: OnceLock<Vec<Option<usize>>>,
    /// Commits whose message names another as reverted: (id prefix or `Revert "<subject>"`
    /// target subject, window index), worked out once (`revert_claims`).
    claims: OnceLock<Vec<(RevertClaim, usize)>>,
    /// The renames of each commit asked about (`renames_in`).
    renames: Mutex<HashMap<usize, Arc<HashMap<String, String>>>>,
}

/// Paths looked up one by one before the whole-window path index is built. A lookup costs
/// two tree walks per commit of the window; the index costs one tree diff per commit (about
/// 30 times more) but answers every path. A single `revert` asks about a handful of paths
/// (one commit of 2024 reverted at QEMU master: 59 s with the index); an audit about
/// hundreds.
const PATHS_ONE_BY_ONE: usize = 16;

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
        Ok(History {
            commits,
            by_id,
            parents,
            touched: OnceLock::new(),
            one_by_one: Mutex::new(HashMap::new()),
            trees: OnceLock::new(),
            merges: OnceLock::new(),
            renames: Mutex::new(HashMap::new()),
            claims: OnceLock::new(),
        })
    }

    pub fn get(&self, id: CommitId) -> Option<&CommitInfo> {
        self.by_id.get(&id).map(|&i| &self.commits[i])
    }

    pub fn contains(&self, id: CommitId) -> bool {
        self.by_id.contains_key(&id)
    }

    /// The non-merge commits of the window that changed `path` (content or mode), newest
    /// first. The first `PATHS_ONE_BY_ONE` paths are looked up in each
    /// commit's tree; after that, one name-only diff per commit of the window (in parallel)
    /// answers every path.
    pub fn changes_of(&self, repo: &Repo, path: &str) -> Result<Arc<[PathChange]>> {
        if let Some(map) = self.touched.get() {
            return Ok(map.get(path).cloned().unwrap_or_else(|| Arc::from([])));
        }
        let asked = {
            let known = self.one_by_one.lock().expect("no panics while holding the lock");
            if let Some(changes) = known.get(path) {
                return Ok(changes.clone());
            }
            known.len()
        };
        if asked >= PATHS_ONE_BY_ONE {
            self.index_every_path(repo)?;
            return self.changes_of(repo, path);
        }
        let changes = self.look_up(repo, path)?;
        self.one_by_one.lock().expect("no panics while holding the lock").insert(path.to_string(), changes.clone());
        Ok(changes)
    }

    fn look_up(&self, repo: &Repo, path: &str) -> Result<Arc<[PathChange]>> {
        if self.trees.get().is_none() {
            let trees = self
                .commits
                .iter()
                .map(|c| match c.parents[..] {
                    [parent] => Ok(Some((repo.tree_of(parent)?, repo.tree_of(c.id)?))),
                    _ => Ok(None),
                })
                .collect::<Result<Vec<_>>>()?;
            let _ = self.trees.set(trees);
        }
        let mut out = Vec::new();
        for (i, pair) in self.trees.get().expect("set above").iter().enumerate() {
            let Some((before_tree, after_tree)) = *pair else { continue };
            if before_tree == after_tree {
                continue;
            }
            let (before, after) = (repo.entry_at(before_tree, path)?, repo.entry_at(after_tree, path)?);
            if before != after {
                out.push((i, before.map(|f| f.1), after.map(|f| f.1)));
            }
        }
        Ok(out.into())
    }

    /// Builds the whole-window path index now: for callers that know they will ask about many
    /// paths (an audit of many commits).
    pub fn index_every_path(&self, repo: &Repo) -> Result<()> {
        if self.touched.get().is_some() {
            return Ok(());
        }
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
        let map = map
            .into_iter()
            .map(|(path, mut v)| {
                v.sort_by_key(|c| c.0);
                (path, Arc::from(v))
            })
            .collect();
        let _ = self.touched.set(map);
        Ok(())
    }

    /// The path `path` had before commit `i` of the window renamed it there, if that commit
    /// added `path` by renaming another file (as `git diff -M` pairs them).
    pub fn renamed_from(&self, repo: &Repo, i: usize, path: &str) -> Result<Option<String>> {
        Ok(self.renames_in(repo, i)?.iter().find(|(_, to)| *to == path).map(|(from, _)| from.clone()))
    }

    /// The renames commit `i` of the window made (old path -> new path), worked out once per
    /// commit: an audit asks about the same commits' new files for many analysed commits.
    fn renames_in(&self, repo: &Repo, i: usize) -> Result<Arc<HashMap<String, String>>> {
        if let Some(known) = self.renames.lock().expect("no panics while holding the lock").get(&i) {
            return Ok(known.clone());
        }
        let c = &self.commits[i];
        let renames = match c.parents[..] {
            [parent] => {
                let (before, after) = (repo.tree_of(parent)?, repo.tree_of(c.id)?);
                let deleted: Vec<String> = repo
                    .changed_paths(Some(before), after)?
                    .into_iter()
                    .filter(|(_, old, new)| old.is_some() && new.is_none())
                    .map(|(p, _, _)| p)
                    .collect();
                if deleted.is_empty() {
                    HashMap::new()
                } else {
                    repo.renamed_paths(before, after, &deleted)?
                }
            }
            _ => HashMap::new(),
        };
        let renames = Arc::new(renames);
        self.renames.lock().expect("no panics while holding the lock").insert(i, renames.clone());
        Ok(renames)
    }

    /// Where `path`, as the analysed commit left it, is at the window's target: followed
    /// through later renames (oldest first). `None` when a later commit deleted it.
    /// `earlier` is `ancestors(commit)`.
    pub fn path_at_target(&self, repo: &Repo, path: &str, earlier: &[bool]) -> Result<Option<String>> {
        let mut path = path.to_string();
        // Only commits newer (smaller index) than the last rename followed count.
        let mut newer_than = usize::MAX;
        'follow: loop {
            let changes = self.changes_of(repo, &path)?;
            for &(i, _, after) in changes.iter().rev() {
                if earlier[i] || i >= newer_than || after.is_some() {
                    continue;
                }
                match self.renames_in(repo, i)?.get(&path) {
                    Some(to) => {
                        path = to.clone();
                        newer_than = i;
                        continue 'follow;
                    }
                    None => return Ok(None),
                }
            }
            return Ok(Some(path));
        }
    }

    /// For each commit of the window, the merge on the target's first-parent line that brought
    /// it in (the pull request it came with), by window index; `None` for the first-parent
    /// line itself. Commits merged by one merge are one series.
    pub fn merged_by(&self) -> Vec<Option<usize>> {
        let mut label: Vec<Option<usize>> = vec![None; self.commits.len()];
        let mut mainline = Vec::new();
        let mut i = 0usize;
        if !self.commits.is_empty() {
            loop {
                mainline.push(i);
                match self.parents[i].first() {
                    Some(&p) if self.commits[i].parents.first() == Some(&self.commits[p].id) => i = p,
                    _ => break,
                }
            }
        }
        let mut on_mainline = vec![false; self.commits.len()];
        for &m in &mainline {
            on_mainline[m] = true;
        }
        // Oldest merge first: a commit two merges reach came with the older one.
        for &m in mainline.iter().rev() {
            let first = self.commits[m].parents.first();
            let mut stack: Vec<usize> =
                self.parents[m].iter().copied().filter(|&p| Some(&self.commits[p].id) != first).collect();
            while let Some(c) = stack.pop() {
                if on_mainline[c] || label[c].is_some() {
                    continue;
                }
                label[c] = Some(m);
                stack.extend(&self.parents[c]);
            }
        }
        label
    }

    /// The series `id` came with: the window index of the merge that brought it onto the
    /// target's first-parent line, `None` for commits on that line or outside the window.
    pub fn series_of(&self, id: CommitId) -> Option<usize> {
        let i = self.position(id)?;
        self.merges.get_or_init(|| self.merged_by())[i]
    }

    /// Every commit of the window whose message claims to revert another: by a `This reverts
    /// commit <id>` line (the id possibly abbreviated) or by a `Revert "<subject>"` summary.
    /// Whether it really does is for the caller to check.
    pub fn revert_claims(&self) -> &[(RevertClaim, usize)] {
        self.claims.get_or_init(|| {
            let mut out = Vec::new();
            for (i, c) in self.commits.iter().enumerate() {
                for l in c.message.lines() {
                    if let Some(rest) = l.trim().strip_prefix("This reverts commit ") {
                        let id: String = rest.chars().take_while(char::is_ascii_hexdigit).collect();
                        if id.len() >= 7 {
                            out.push((RevertClaim::Id(id.to_ascii_lowercase()), i));
                        }
                    }
                }
                if let Some(subject) = c.summary.strip_prefix("Revert \"").and_then(|s| s.strip_suffix('"')) {
                    out.push((RevertClaim::Subject(subject.to_string()), i));
                }
            }
            out
        })
    }

    /// The window index of a commit.
    pub fn position(&self, id: CommitId) -> Option<usize> {
        self.by_id.get(&id).copied()
    }

    /// Commits of the window that are not `commit` and not its ancestors: what came after it
    /// (or beside it, on a branch merged later), newest first.
    /// `earlier` is `ancestors(commit)`.
    pub fn later_than(&self, earlier: &[bool]) -> Vec<&CommitInfo> {
        self.commits.iter().zip(earlier).filter(|(_, &e)| !e).map(|(c, _)| c).collect()
    }

    /// By window index: is this commit `commit` or one of its ancestors? All false when the
    /// window does not hold `commit`.
    pub fn ancestors(&self, commit: CommitId) -> Vec<bool> {
        let mut ancestor = vec![false; self.commits.len()];
        let mut stack: Vec<usize> = self.by_id.get(&commit).copied().into_iter().collect();
        while let Some(i) = stack.pop() {
            if !std::mem::replace(&mut ancestor[i], true) {
                stack.extend(&self.parents[i]);
            }
        }
        ancestor
    }

    /// Which later commits edited `lines` (1-based, as the analysed commit left `path`): each
    /// line is followed forward through the later non-merge commits that changed the path,
    /// oldest first, until one rewrites or deletes it. At most `budget` line diffs are read
    /// (it is decremented); `None` when it ran out before the end. A deletion or rename of the
    /// file ends the walk. `earlier` is `ancestors(commit)`.
    pub fn edits_later(
        &self,
        repo: &Repo,
        path: &str,
        earlier: &[bool],
        lines: &[u32],
        budget: &mut usize,
    ) -> Result<Option<Vec<(u32, CommitId)>>> {
        let mut tracked: Vec<(u32, u32)> = lines.iter().map(|&l| (l, l)).collect(); // (original, now)
        let mut out = Vec::new();
        for &(i, before, after) in self.changes_of(repo, path)?.iter().rev() {
            if earlier[i] || tracked.is_empty() {
                continue;
            }
            if after.is_none() {
                break;
            }
            if *budget == 0 {
                return Ok(None);
            }
            *budget -= 1;
            let hunks = repo.blob_hunks(before, after)?;
            tracked.retain_mut(|(original, now)| match new_line(&hunks, *now) {
                Some(l) => {
                    *now = l;
                    true
                }
                None => {
                    out.push((*original, self.commits[i].id));
                    false
                }
            });
        }
        Ok(Some(out))
    }

    /// Which commits later than `commit` last changed `lines` (1-based, inclusive) of `path` as
    /// it is at the window's target: `git blame` limited to the window, from the path index.
    /// Walks the later non-merge commits that changed the path, newest first, mapping the lines
    /// back through each one's line diff; a line inside a commit's new side is that commit's.
    /// Lines no later commit wrote are the analysed commit's or older and name nobody.
    /// `lines.0 == 0` (a whole-file conflict such as modify/delete) names every later commit
    /// that changed the path. Merge commits are followed through their non-merge history, so
    /// a conflict resolved inside a merge is attributed to the commits merged.
    ///
    /// libgit2's blame diffs whole trees at every step back (46% of an audit's time on QEMU);
    /// this reads only the blobs of the path.
    /// `earlier` is `ancestors(commit)`, computed once by the caller for all its conflicts.
    pub fn blame_later(&self, repo: &Repo, path: &str, earlier: &[bool], lines: (u32, u32)) -> Result<Vec<CommitId>> {
        let mut tracked: Vec<u32> = (lines.0..=lines.1.max(lines.0)).collect();
        let mut out = Vec::new();
        for &(i, before, after) in self.changes_of(repo, path)?.iter() {
            if earlier[i] {
                continue;
            }
            if lines.0 == 0 {
                out.push(self.commits[i].id);
                continue;
            }
            let hunks = repo.blob_hunks(before, after)?;
            let mut wrote = false;
            tracked.retain_mut(|line| match old_line(&hunks, *line) {
                Some(old) => {
                    *line = old;
                    true
                }
                None => {
                    wrote = true;
                    false
                }
            });
            if wrote {
                out.push(self.commits[i].id);
            }
            if tracked.is_empty() {
                break;
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

/// Where old-side `line` is after a change with these zero-context hunks, or `None` when the
/// change rewrote or deleted it.
fn new_line(hunks: &[(u32, u32, u32, u32)], line: u32) -> Option<u32> {
    follow(hunks.iter().map(|&(old_start, old_lines, _, new_lines)| (old_start, old_lines, new_lines)), line)
}

/// Where new-side `line` was before a change with these zero-context hunks, or `None` when
/// the change wrote it.
fn old_line(hunks: &[(u32, u32, u32, u32)], line: u32) -> Option<u32> {
    follow(hunks.iter().map(|&(_, old_lines, new_start, new_lines)| (new_start, new_lines, old_lines)), line)
}

/// Maps `line` of one side of a change to the other, given each hunk as (start, lines) on this
/// side and its line count on the other; `None` when a hunk covers the line. A hunk with no
/// lines on this side sits after line `start`; others end at their last line.
fn follow(hunks: impl Iterator<Item = (u32, u32, u32)>, line: u32) -> Option<u32> {
    let mut shift: i64 = 0;
    for (start, lines, other) in hunks {
        if lines > 0 && (start..start + lines).contains(&line) {
            return None;
        }
        if start + lines.max(1) - 1 < line {
            shift += i64::from(other) - i64::from(lines);
        }
    }
    Some((i64::from(line) + shift).max(1) as u32)
}

#[cfg(test)]
mod tests {
    use super::{new_line, old_line, History};
    use crate::repo::Repo;

    /// Both ways of answering `changes_of` give the same commits and blobs for every path.
    #[test]
    fn one_by_one_lookups_agree_with_the_whole_window_index() {
        let dir = tempfile::tempdir().unwrap();
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scenarios/revert");
        crate::scenario::Scenario::from_dir(&fixtures).unwrap().build(dir.path()).unwrap();
        let repo = Repo::discover(dir.path()).unwrap();
        let head = repo.resolve("HEAD").unwrap();
        let oldest = *repo.walk(head, &[]).unwrap().iter().rev().nth(1).unwrap();
        let history = History::window(&repo, head, &[oldest]).unwrap();
        history.index_every_path(&repo).unwrap();
        let index = history.touched.get().unwrap();
        assert!(index.len() > 5, "{:?}", index.keys());
        for (path, changes) in index {
            assert_eq!(history.look_up(&repo, path).unwrap(), *changes, "{path}");
        }
        assert!(history.look_up(&repo, "no/such/file.c").unwrap().is_empty());
    }

    #[test]
    fn lines_map_forward_through_hunks() {
        // Old lines 3-4 replaced by new 3-5, then old 12-13 deleted.
        let hunks = [(3, 2, 3, 3), (12, 2, 12, 0)];
        assert_eq!(new_line(&hunks, 1), Some(1));
        assert_eq!(new_line(&hunks, 3), None);
        assert_eq!(new_line(&hunks, 5), Some(6));
        assert_eq!(new_line(&hunks, 13), None);
        assert_eq!(new_line(&hunks, 14), Some(13));
        // A pure insertion after line 2 pushes line 3 down.
        assert_eq!(new_line(&[(2, 0, 3, 2)], 3), Some(5));
        assert_eq!(new_line(&[(2, 0, 3, 2)], 2), Some(2));
    }

    #[test]
    fn lines_map_back_through_hunks() {
        // Old lines 3-4 replaced by new 3-5 (one more), then old 12-13 deleted after new 12.
        let hunks = [(3, 2, 3, 3), (12, 2, 12, 0)];
        assert_eq!(old_line(&hunks, 1), Some(1));
        assert_eq!(old_line(&hunks, 3), None);
        assert_eq!(old_line(&hunks, 5), None);
        assert_eq!(old_line(&hunks, 6), Some(5));
        assert_eq!(old_line(&hunks, 12), Some(11));
        assert_eq!(old_line(&hunks, 13), Some(14));
        // A pure addition at the top.
        assert_eq!(old_line(&[(0, 0, 1, 2)], 3), Some(1));
    }
}
