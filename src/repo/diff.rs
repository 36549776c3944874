//! Tree-to-tree diffs with zero context, renames followed, converted to owned `FileDiff`s; and
//! applying a mailed patch to a tree in memory.

use std::cell::RefCell;

use super::{git_error, BlobId, Repo, TreeId};
use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffStatus {
    Added,
    Deleted,
    Modified,
    Renamed,
    Copied,
    /// Mode change only, or a type change (file <-> link).
    Other,
}

/// One changed region: the old lines removed and the new lines added, by line number.
#[derive(Clone, Debug, Default)]
pub struct Hunk {
    pub old_start: u32,
    pub old_lines: u32,
    pub new_start: u32,
    pub new_lines: u32,
    /// Old-side line numbers of removed lines.
    pub removed: Vec<u32>,
    /// New-side line numbers of added lines.
    pub added: Vec<u32>,
}

/// One file's change between two trees.
#[derive(Clone, Debug)]
pub struct FileDiff {
    pub old_path: Option<String>,
    pub new_path: Option<String>,
    pub old_blob: Option<BlobId>,
    pub new_blob: Option<BlobId>,
    pub status: DiffStatus,
    pub binary: bool,
    /// For renames and copies, the similarity git reported (0-100).
    pub similarity: u16,
    pub hunks: Vec<Hunk>,
}

impl FileDiff {
    /// The path a reader knows the file by: the new one, or the old one for a deletion.
    pub fn path(&self) -> &str {
        self.new_path.as_deref().or(self.old_path.as_deref()).unwrap_or("")
    }

    pub fn added_lines(&self) -> usize {
        self.hunks.iter().map(|h| h.added.len()).sum()
    }

    pub fn removed_lines(&self) -> usize {
        self.hunks.iter().map(|h| h.removed.len()).sum()
    }
}

impl Repo {
    /// The changes from `old` (none: the empty tree) to `new`, renames found as `git diff -M`
    /// does, with no context lines.
    pub fn diff_trees(&self, old: Option<TreeId>, new: TreeId) -> Result<Vec<FileDiff>> {
        let old_tree = old.map(|t| self.find_tree(t)).transpose()?;
        let new_tree = self.find_tree(new)?;
        let mut opts = git2::DiffOptions::new();
        opts.context_lines(0).ignore_submodules(true);
        let mut diff = self
            .git
            .diff_tree_to_tree(old_tree.as_ref(), Some(&new_tree), Some(&mut opts))
            .map_err(|e| git_error("diffing trees", e))?;
        let mut find = git2::DiffFindOptions::new();
        find.renames(true).copies(false);
        diff.find_similar(Some(&mut find)).map_err(|e| git_error("finding renames", e))?;
        collect(&diff)
    }

    /// Applies a unified diff (as `git apply` would, no fuzz) to `tree`, in memory. `label` names
    /// the patch in errors. The result tree and its new blobs live in this handle's in-memory
    /// object store only.
    pub fn apply(&self, tree: TreeId, diff_text: &str, label: &str) -> Result<TreeId> {
        let diff = git2::Diff::from_buffer(diff_text.as_bytes())
            .map_err(|e| Error::bad_input(label, format!("not a diff git can read: {}", e.message())))?;
        let base = self.find_tree(tree)?;
        let mut index = self
            .git
            .apply_to_tree(&base, &diff, None)
            .map_err(|e| Error::bad_input(label, format!("does not apply: {}", e.message())))?;
        let id = index.write_tree_to(&self.git).map_err(|e| git_error("building the patched tree in memory", e))?;
        Ok(TreeId::from_oid(id))
    }
}

fn collect(diff: &git2::Diff) -> Result<Vec<FileDiff>> {
    let files: RefCell<Vec<FileDiff>> = RefCell::new(Vec::new());
    let blob = |f: git2::DiffFile| (!f.id().is_zero()).then(|| BlobId::from_oid(f.id()));
    let path = |f: git2::DiffFile| f.path().map(|p| p.to_string_lossy().into_owned());
    diff.foreach(
        &mut |delta, _| {
            let status = match delta.status() {
                git2::Delta::Added => DiffStatus::Added,
                git2::Delta::Deleted => DiffStatus::Deleted,
                git2::Delta::Modified => DiffStatus::Modified,
                git2::Delta::Renamed => DiffStatus::Renamed,
                git2::Delta::Copied => DiffStatus::Copied,
                _ => DiffStatus::Other,
            };
            let added = status == DiffStatus::Added;
            let deleted = status == DiffStatus::Deleted;
            files.borrow_mut().push(FileDiff {
                old_path: if added { None } else { path(delta.old_file()) },
                new_path: if deleted { None } else { path(delta.new_file()) },
                old_blob: if added { None } else { blob(delta.old_file()) },
                new_blob: if deleted { None } else { blob(delta.new_file()) },
                status,
                binary: delta.flags().is_binary(),
                similarity: 0,
                hunks: Vec::new(),
            });
            true
        },
        Some(&mut |_, _| {
            if let Some(f) = files.borrow_mut().last_mut() {
                f.binary = true;
            }
            true
        }),
        Some(&mut |_, hunk| {
            if let Some(f) = files.borrow_mut().last_mut() {
                f.hunks.push(Hunk {
                    old_start: hunk.old_start(),
                    old_lines: hunk.old_lines(),
                    new_start: hunk.new_start(),
                    new_lines: hunk.new_lines(),
                    ..Default::default()
                });
            }
            true
        }),
        Some(&mut |_, _, line| {
            let mut files = files.borrow_mut();
            let Some(h) = files.last_mut().and_then(|f| f.hunks.last_mut()) else { return true };
            match line.origin() {
                '+' => h.added.extend(line.new_lineno()),
                '-' => h.removed.extend(line.old_lineno()),
                _ => {}
            }
            true
        }),
    )
    .map_err(|e| git_error("reading a diff", e))?;
    let mut files = files.into_inner();
    files.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(files)
}
