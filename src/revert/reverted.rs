//! Whether a later commit already undid the commit: by what its diff does, not by what its
//! message says.

use std::collections::BTreeMap;

use super::CommitRef;
use crate::error::Result;
use crate::history::{History, RevertClaim};
use crate::repo::{BlobId, CommitId, CommitInfo, FileDiff, Repo};

/// The later commit that undoes `commit`, and a later one undoing that revert. A candidate
/// names the commit in its message (`This reverts commit <id>`, the id possibly abbreviated)
/// or by subject (`Revert "<subject>"`); it counts only when it does what `git revert` of the
/// commit would do at its parent (white space aside), whatever the message claims.
pub(super) fn revert_chain(
    repo: &Repo,
    history: &History,
    later: &BTreeMap<CommitId, &CommitInfo>,
    info: &CommitInfo,
) -> Result<(Option<CommitRef>, Option<CommitRef>)> {
    let undoing = |target: &CommitInfo| -> Result<Option<CommitInfo>> {
        let hex = target.id.hex();
        let mut hits: Vec<&CommitInfo> = history
            .revert_claims()
            .iter()
            .filter(|(claim, _)| match claim {
                RevertClaim::Id(id) => hex.starts_with(id.as_str()),
                RevertClaim::Subject(s) => *s == target.summary,
            })
            .filter_map(|&(_, i)| later.get(&history.commits[i].id).copied())
            .collect();
        hits.sort_by_key(|c| (c.time, c.id));
        hits.dedup_by_key(|c| c.id);
        if hits.is_empty() {
            return Ok(None);
        }
        let Some(&parent) = target.parents.first() else { return Ok(None) };
        let theirs = repo.diff_trees(Some(repo.tree_of(parent)?), repo.tree_of(target.id)?)?;
        for c in hits {
            if undoes(repo, c, &theirs)? {
                return Ok(Some(c.clone()));
            }
        }
        Ok(None)
    };
    let Some(revert) = undoing(info)? else { return Ok((None, None)) };
    let again = undoing(&revert)?;
    Ok((Some(CommitRef::of(&revert)), again.as_ref().map(CommitRef::of)))
}

/// Does `candidate` leave every file `diffs` (a commit's change) touched as reverting that
/// change at the candidate's parent would? Compared with white space ignored, so a revert
/// that also re-indents (`VMS_BUFFER|VMS_POINTER` -> `VMS_BUFFER | VMS_POINTER`) counts.
fn undoes(repo: &Repo, candidate: &CommitInfo, diffs: &[FileDiff]) -> Result<bool> {
    let [parent] = candidate.parents[..] else { return Ok(false) };
    let Some(expected) = repo.revert_contents(&[diffs], parent)? else {
        // git revert would have stopped there: the author resolved it by hand. Then the lines
        // it adds must be the ones the commit removed and the other way round.
        let theirs = changed_lines(repo, diffs)?;
        let mine = changed_lines(repo, &repo.diff_trees(Some(repo.tree_of(parent)?), repo.tree_of(candidate.id)?)?)?;
        return Ok((!theirs.0.is_empty() || !theirs.1.is_empty()) && mine.0 == theirs.1 && mine.1 == theirs.0);
    };
    let tree = repo.tree_of(candidate.id)?;
    let squeeze = |b: &[u8]| -> Vec<u8> { b.iter().copied().filter(|c| !c.is_ascii_whitespace()).collect() };
    for (path, want) in &expected {
        let got = repo.entry_at(tree, path)?.map(|e| repo.read_blob(e.1)).transpose()?;
        if got.as_deref().map(squeeze) != want.as_deref().map(squeeze) {
            return Ok(false);
        }
    }
    Ok(!expected.is_empty())
}

/// The lines a diff adds and removes, white space squeezed out, sorted.
/// (added, removed) lines of a diff.
type LineSets = (Vec<Vec<u8>>, Vec<Vec<u8>>);

fn changed_lines(repo: &Repo, diffs: &[FileDiff]) -> Result<LineSets> {
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    for d in diffs.iter().filter(|d| !d.binary) {
        let lines_of = |blob: Option<BlobId>| -> Result<Vec<Vec<u8>>> {
            let Some(b) = blob else { return Ok(Vec::new()) };
            Ok(repo
                .read_blob(b)?
                .split(|&c| c == b'\n')
                .map(|l| l.iter().copied().filter(|c| !c.is_ascii_whitespace()).collect())
                .collect())
        };
        let (old, new) = (lines_of(d.old_blob)?, lines_of(d.new_blob)?);
        for h in &d.hunks {
            removed.extend(h.removed.iter().filter_map(|&l| old.get(l as usize - 1).cloned()));
            added.extend(h.added.iter().filter_map(|&l| new.get(l as usize - 1).cloned()));
        }
    }
    added.retain(|l| !l.is_empty());
    removed.retain(|l| !l.is_empty());
    added.sort();
    removed.sort();
    Ok((added, removed))
}
