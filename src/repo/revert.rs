//! Would `git revert <commit>` apply at a later revision? git's revert is a three-way merge with
//! the commit as base, the target revision as ours and the commit's parent as theirs. We run it
//! file by file with `git2::merge_file`, which works on bytes in memory: libgit2's tree-level
//! revert writes merged blobs into the object database, and rewriting an object that already
//! exists touches its file there (see `objects.rs`). Renames after the commit are followed.
//! tests/it/revert.rs compares every verdict with `git revert` itself.

use serde::Serialize;

use super::{git_error, missing_history, BlobId, CommitId, Repo};
use crate::error::{Error, Result};

/// One conflicting region of one file, in the target revision's line numbers.
#[derive(Clone, Debug, Serialize)]
pub struct Conflict {
    pub path: String,
    /// 1-based, inclusive; 0-0 when the conflict is about the file as a whole (deleted on one
    /// side, modified on the other; binary).
    pub start_line: u32,
    pub end_line: u32,
    /// What kind of conflict: `content`, `modify_delete`, `add_add`, `binary`.
    pub kind: &'static str,
    /// Blob ids of the three sides, for blame and evidence.
    #[serde(skip)]
    pub ours_blob: Option<BlobId>,
}

#[derive(Clone, Debug)]
pub struct RevertOutcome {
    pub conflicts: Vec<Conflict>,
}

impl RevertOutcome {
    pub fn applies(&self) -> bool {
        self.conflicts.is_empty()
    }
}

impl Repo {
    /// Reverts `commit` on top of `at` in memory. For a merge commit, `mainline` (1-based)
    /// names the parent to revert to, as `git revert -m`.
    pub fn revert_in_memory(&self, commit: CommitId, at: CommitId, mainline: Option<u32>) -> Result<RevertOutcome> {
        let m = self.check_revertible(commit, mainline)?;
        let parent = self.commit_info(commit)?.parents[if m == 0 { 0 } else { m as usize - 1 }];
        let changed = self.diff_trees(Some(self.tree_of(parent)?), self.tree_of(commit)?)?;
        self.revert_diff_in_memory(commit, &changed, at)
    }

    /// `revert_in_memory` for a caller that already holds the commit's diff against the parent
    /// reverted to (`changed`, as `diff_trees` gives it) and has checked the commit with
    /// `check_revertible`: one tree diff per commit, not two.
    pub fn revert_diff_in_memory(
        &self,
        commit: CommitId,
        changed: &[super::FileDiff],
        at: CommitId,
    ) -> Result<RevertOutcome> {
        let (c_tree, h_tree) = (self.tree_of(commit)?, self.tree_of(at)?);
        // Each file at the target where the commit left it...
        let at_target = changed
            .iter()
            .map(|d| {
                let path = d.new_path.clone().or(d.old_path.clone()).unwrap_or_default();
                let entry = self.entry_at(h_tree, &path)?;
                Ok((path, entry))
            })
            .collect::<Result<Vec<_>>>()?;
        // ...else where a later rename took it (a rename search, so only for those files).
        let missing: Vec<String> = changed
            .iter()
            .zip(&at_target)
            .filter(|(d, (_, entry))| d.new_blob.is_some() && entry.is_none())
            .map(|(_, (path, _))| path.clone())
            .collect();
        let moved = if missing.is_empty() { Default::default() } else { self.renamed_paths(c_tree, h_tree, &missing)? };
        let mut conflicts = Vec::new();
        for (d, (path, entry)) in changed.iter().zip(at_target) {
            // Three sides: base = as the commit left it, ours = at the target, theirs = before.
            let (h_path, ours) = match moved.get(&path) {
                Some(new_path) => (new_path.clone(), self.entry_at(h_tree, new_path)?.map(|e| e.1)),
                None => (path, entry.map(|e| e.1)),
            };
            let (base, theirs) = (d.new_blob, d.old_blob);
            if ours == base || ours == theirs {
                continue; // untouched since, or already back as it was
            }
            let whole = |kind| Conflict { path: h_path.clone(), start_line: 0, end_line: 0, kind, ours_blob: ours };
            let (Some(base), Some(ours_blob), Some(theirs)) = (base, ours, theirs) else {
                conflicts.push(whole(if base.is_none() && theirs.is_some() { "add_add" } else { "modify_delete" }));
                continue;
            };
            let (b, o, t) = (self.read_blob(base)?, self.read_blob(ours_blob)?, self.read_blob(theirs)?);
            if [&b, &o, &t].iter().any(|x| x.contains(&0)) {
                conflicts.push(whole("binary"));
                continue;
            }
            let mut opts = git2::MergeFileOptions::new();
            opts.patience(true);
            let merged = git2::merge_file(&input(&b), &input(&o), &input(&t), Some(&mut opts))
                .map_err(|e| git_error(&format!("merging {h_path}"), e))?;
            if merged.is_automergeable() {
                continue;
            }
            let ranges = conflict_ranges(merged.content());
            if ranges.is_empty() {
                conflicts.push(whole("content"));
            }
            for (start_line, end_line) in ranges {
                conflicts.push(Conflict {
                    path: h_path.clone(),
                    start_line,
                    end_line,
                    kind: "content",
                    ours_blob: ours,
                });
            }
        }
        conflicts.sort_by(|a, b| (&a.path, a.start_line).cmp(&(&b.path, b.start_line)));
        Ok(RevertOutcome { conflicts })
    }

    /// Would reverting several commits together at `at` apply? `commits` holds each commit's
    /// diff against its parent, in the order to revert them (newest first).
    pub fn joint_revert_applies(&self, commits: &[&[super::FileDiff]], at: CommitId) -> Result<bool> {
        Ok(self.revert_contents(commits, at)?.is_some())
    }

    /// The files that reverting `commits` (diffs against their parents, newest first) at `at`
    /// changes, with their contents after the revert (`None`: deleted); `None` when it
    /// conflicts. File contents are carried from one revert to the next in memory; nothing is
    /// written anywhere. A file a later rename moved is a conflict here (the single-commit
    /// revert follows renames; its callers rarely need to).
    pub fn revert_contents(
        &self,
        commits: &[&[super::FileDiff]],
        at: CommitId,
    ) -> Result<Option<std::collections::BTreeMap<String, Option<Vec<u8>>>>> {
        let h_tree = self.tree_of(at)?;
        let mut files: std::collections::BTreeMap<String, Option<Vec<u8>>> = Default::default();
        let read = |blob: Option<BlobId>| -> Result<Option<Vec<u8>>> { blob.map(|b| self.read_blob(b)).transpose() };
        for diffs in commits {
            for d in diffs.iter() {
                let new_path = d.path().to_string();
                let old_path = d.old_path.clone().unwrap_or_else(|| new_path.clone());
                let ours = match files.get(&new_path) {
                    Some(c) => c.clone(),
                    None => read(self.entry_at(h_tree, &new_path)?.map(|e| e.1))?,
                };
                let (base, theirs) = (read(d.new_blob)?, read(d.old_blob)?);
                let result = if ours == base {
                    theirs
                } else if ours == theirs {
                    ours
                } else {
                    let (Some(b), Some(o), Some(t)) = (base, ours, theirs) else { return Ok(None) };
                    if [&b, &o, &t].iter().any(|x| x.contains(&0)) {
                        return Ok(None);
                    }
                    let mut opts = git2::MergeFileOptions::new();
                    opts.patience(true);
                    let merged = git2::merge_file(&input(&b), &input(&o), &input(&t), Some(&mut opts))
                        .map_err(|e| git_error(&format!("merging {new_path}"), e))?;
                    if !merged.is_automergeable() {
                        return Ok(None);
                    }
                    Some(merged.content().to_vec())
                };
                if old_path != new_path {
                    files.insert(new_path, None);
                }
                files.insert(old_path, result);
            }
        }
        Ok(Some(files))
    }

    /// Checks that `commit` can be reverted as asked (a parent exists and is readable, `-m` is
    /// given exactly for merges) and returns libgit2's mainline number (0 for a non-merge).
    pub fn check_revertible(&self, commit: CommitId, mainline: Option<u32>) -> Result<u32> {
        let c = self.git.find_commit(commit.to_oid()).map_err(|e| missing_history(&commit.to_string(), e))?;
        let parents = c.parent_count();
        let mainline = match (parents, mainline) {
            (0, _) if self.is_shallow() => {
                return Err(Error::MissingHistory {
                    what: format!("parent of {}", commit.short()),
                    why: "not in this shallow clone (its history is cut at this commit)".into(),
                })
            }
            (0, _) => {
                return Err(Error::bad_input(commit.short(), "a root commit cannot be reverted (it has no parent)"))
            }
            (1, None) => 0,
            (1, Some(_)) => return Err(Error::bad_input(commit.short(), "-m was given but the commit is not a merge")),
            (n, None) => {
                return Err(Error::bad_input(
                    commit.short(),
                    format!("is a merge of {n} parents; pass -m <parent> (1-{n}) as with git revert"),
                ))
            }
            (n, Some(m)) if m == 0 || m as usize > n => {
                return Err(Error::bad_input(commit.short(), format!("-m {m}: the merge has parents 1-{n}")))
            }
            (_, Some(m)) => m,
        };
        // The parent must be readable: a shallow clone may have cut it off.
        let parent_index = if mainline == 0 { 0 } else { mainline as usize - 1 };
        c.parent(parent_index).map_err(|e| missing_history(&format!("parent of {}", commit.short()), e))?;
        Ok(mainline)
    }
}

fn input(bytes: &[u8]) -> git2::MergeFileInput<'_> {
    let mut i = git2::MergeFileInput::new();
    i.content(bytes);
    i
}

/// `(start, end)` line ranges of conflict regions in the "ours" side of merged text with
/// standard conflict markers.
fn conflict_ranges(merged: &[u8]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut ours_line = 0u32;
    let mut region: Option<u32> = None;
    let mut in_ours = false;
    for line in merged.split(|&b| b == b'\n') {
        if line.starts_with(b"<<<<<<<") {
            region = Some(ours_line + 1);
            in_ours = true;
        } else if line.starts_with(b"=======") && region.is_some() {
            in_ours = false;
        } else if line.starts_with(b">>>>>>>") {
            if let Some(start) = region.take() {
                out.push((start, ours_line.max(start)));
            }
        } else if region.is_none() || in_ours {
            ours_line += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::conflict_ranges;

    #[test]
    fn conflict_ranges_are_in_ours_coordinates() {
        let merged = b"a\nb\n<<<<<<< ours\nc\nd\n=======\nx\n>>>>>>> theirs\ne\n";
        assert_eq!(conflict_ranges(merged), vec![(3, 4)]);
    }
}
