//! Tree-to-tree diffs with zero context, renames followed, converted to owned `FileDiff`s; and
//! the exact-context hunk application `apply.rs` uses to explain a patch that does not apply.

use std::cell::RefCell;

use super::{git_error, BlobId, Repo, TreeId};
use crate::error::Result;

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

/// A path that differs between two trees: (path, blob before, blob after).
pub type ChangedPath = (String, Option<BlobId>, Option<BlobId>);

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

    /// Where `paths` (in `old`, gone from `new`) went: old path -> new path, for those renamed,
    /// as `git diff -M` pairs them. A whole-tree rename search months of history apart compares
    /// hundreds of deleted files with hundreds of added ones (a quarter of an audit's time);
    /// here each path is compared with the added files to find its best match, and that match
    /// with the deleted files to confirm the path is its best source too (a file the search
    /// would give to another deleted file is not this one's): linear, not quadratic.
    pub fn renamed_paths(
        &self,
        old: TreeId,
        new: TreeId,
        paths: &[String],
    ) -> Result<std::collections::HashMap<String, String>> {
        let changed = self.changed_paths(Some(old), new)?;
        let added: Vec<&str> =
            changed.iter().filter(|c| c.1.is_none() && c.2.is_some()).map(|c| c.0.as_str()).collect();
        let deleted: Vec<&str> =
            changed.iter().filter(|c| c.1.is_some() && c.2.is_none()).map(|c| c.0.as_str()).collect();
        let mut out = std::collections::HashMap::new();
        let candidates = self.renames_among(old, new, paths.iter().map(String::as_str).chain(added.iter().copied()))?;
        for (from, to) in candidates {
            let confirmed = self.renames_among(old, new, deleted.iter().copied().chain([to.as_str()]))?;
            if confirmed.get(&from) == Some(&to) {
                out.insert(from, to);
            }
        }
        Ok(out)
    }

    /// The renames git's similarity search finds between `old` and `new` when it looks only at
    /// these paths (literal, not patterns).
    fn renames_among<'p>(
        &self,
        old: TreeId,
        new: TreeId,
        paths: impl Iterator<Item = &'p str>,
    ) -> Result<std::collections::HashMap<String, String>> {
        let (old_tree, new_tree) = (self.find_tree(old)?, self.find_tree(new)?);
        let mut opts = git2::DiffOptions::new();
        opts.ignore_submodules(true).disable_pathspec_match(true);
        for p in paths {
            opts.pathspec(p);
        }
        let mut diff = self
            .git
            .diff_tree_to_tree(Some(&old_tree), Some(&new_tree), Some(&mut opts))
            .map_err(|e| git_error("diffing trees", e))?;
        let mut find = git2::DiffFindOptions::new();
        find.renames(true).copies(false);
        diff.find_similar(Some(&mut find)).map_err(|e| git_error("finding renames", e))?;
        let path = |f: git2::DiffFile| f.path().map(|p| p.to_string_lossy().into_owned());
        Ok(diff
            .deltas()
            .filter(|d| d.status() == git2::Delta::Renamed)
            .filter_map(|d| Some((path(d.old_file())?, path(d.new_file())?)))
            .collect())
    }

    /// The paths that differ between two trees with their blobs before and after; no line-level
    /// work and no rename search (a rename is a deletion and an addition).
    pub fn changed_paths(&self, old: Option<TreeId>, new: TreeId) -> Result<Vec<ChangedPath>> {
        let old_tree = old.map(|t| self.find_tree(t)).transpose()?;
        let new_tree = self.find_tree(new)?;
        let mut opts = git2::DiffOptions::new();
        opts.ignore_submodules(true).skip_binary_check(true);
        let diff = self
            .git
            .diff_tree_to_tree(old_tree.as_ref(), Some(&new_tree), Some(&mut opts))
            .map_err(|e| git_error("diffing trees", e))?;
        let blob = |f: git2::DiffFile| (!f.id().is_zero()).then(|| BlobId::from_oid(f.id()));
        Ok(diff
            .deltas()
            .filter_map(|d| {
                let path = d.new_file().path().or(d.old_file().path())?.to_string_lossy().into_owned();
                Some((path, blob(d.old_file()), blob(d.new_file())))
            })
            .collect())
    }

    /// Zero-context hunks between two blobs (none: empty), as `(old_start, old_lines,
    /// new_start, new_lines)`; the same line diff `git diff -U0` would give.
    pub fn blob_hunks(&self, old: Option<BlobId>, new: Option<BlobId>) -> Result<Vec<(u32, u32, u32, u32)>> {
        let find = |b: Option<BlobId>| {
            b.map(|b| self.git.find_blob(b.to_oid()).map_err(|e| git_error(&format!("reading blob {}", b.short()), e)))
                .transpose()
        };
        let (old, new) = (find(old)?, find(new)?);
        let mut opts = git2::DiffOptions::new();
        opts.context_lines(0).force_text(true);
        let mut out = Vec::new();
        self.git
            .diff_blobs(
                old.as_ref(),
                None,
                new.as_ref(),
                None,
                Some(&mut opts),
                None,
                None,
                Some(&mut |_, h| {
                    out.push((h.old_start(), h.old_lines(), h.new_start(), h.new_lines()));
                    true
                }),
                None,
            )
            .map_err(|e| git_error("diffing blobs", e))?;
        Ok(out)
    }

    /// The file mode and blob at `path` in `tree`, if there is one (not a directory or
    /// submodule).
    pub fn entry_at(&self, tree: TreeId, path: &str) -> Result<Option<(i32, BlobId)>> {
        let tree = self.find_tree(tree)?;
        Ok(tree
            .get_path(std::path::Path::new(path))
            .ok()
            .filter(|e| e.kind() == Some(git2::ObjectType::Blob))
            .map(|e| (e.filemode(), BlobId::from_oid(e.id()))))
    }
}

/// Applies hunks to `old`: each hunk's old lines must match exactly, at the line its header
/// names or the nearest place after the previous hunk. Returns the failing hunk otherwise.
pub(super) fn apply_hunks<'h>(
    old: &[u8],
    hunks: &'h [crate::patch::Hunk],
) -> std::result::Result<Vec<u8>, &'h crate::patch::Hunk> {
    use crate::patch::HunkLine;
    let ends_with_newline = old.is_empty() || old.ends_with(b"\n");
    let body = old.strip_suffix(b"\n").unwrap_or(old);
    let lines: Vec<&[u8]> = if old.is_empty() { Vec::new() } else { body.split(|&b| b == b'\n').collect() };
    let mut out: Vec<&[u8]> = Vec::with_capacity(lines.len());
    let mut cursor = 0usize;
    for h in hunks {
        let expected: Vec<&[u8]> = h
            .lines
            .iter()
            .filter_map(|l| match l {
                HunkLine::Context(t) | HunkLine::Removed(t) => Some(t.as_bytes()),
                HunkLine::Added(_) => None,
            })
            .collect();
        let fits = |at: usize| at + expected.len() <= lines.len() && lines[at..at + expected.len()] == expected[..];
        let wanted = (h.old_start as usize).saturating_sub(1).max(cursor);
        let at = (0..=lines.len())
            .flat_map(|d| [wanted.checked_add(d), wanted.checked_sub(d).filter(|_| d > 0)])
            .flatten()
            .filter(|&at| at >= cursor && at <= lines.len())
            .find(|&at| fits(at))
            .ok_or(h)?;
        out.extend_from_slice(&lines[cursor..at]);
        for l in &h.lines {
            match l {
                HunkLine::Context(t) | HunkLine::Added(t) => out.push(t.as_bytes()),
                HunkLine::Removed(_) => {}
            }
        }
        cursor = at + expected.len();
    }
    out.extend_from_slice(&lines[cursor..]);
    let mut bytes = out.join(&b'\n');
    if !out.is_empty() && ends_with_newline {
        bytes.push(b'\n');
    }
    Ok(bytes)
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
