//! Applying a mailed patch to a tree in memory, through libgit2 (`Diff::from_buffer` and
//! `apply_to_tree`): text, binary (literal and delta), mode changes, renames, "No newline at end
//! of file", and bytes in any charset, as `git am` applies them.
//!
//! libgit2 writes the postimage blobs it computes into the object database, and "freshens"
//! (touches the pack or loose file of) any that already exists there: a series that has landed
//! would touch the analysed repository's packs. So the patch is applied in a scratch repository
//! whose only object store is in memory, holding just the preimage blobs of the touched paths;
//! the postimage blobs are then copied into the analysed repository's in-memory store (only
//! those it lacks, see `objects.rs`) and the new tree is built there by `tree_with`.
//!
//! libgit2 matches a hunk only at the line its header names; `git apply` also finds it a few
//! lines above or below (a series mailed against an older base). So a text file libgit2
//! refuses gets our own exact-context application (`diff::apply_hunks`), which searches, and
//! says which hunk does not match when it cannot apply either.

use super::objects::PathChange;

/// Files of a scratch tree: (path, mode, contents).
type Files = Vec<(String, i32, Vec<u8>)>;
use super::{git_error, Repo, TreeId};
use crate::error::{Error, Result};

impl Repo {
    /// Applies a unified git diff to `tree` as `git am` would, in memory. `label` names the patch
    /// in errors.
    pub fn apply(&self, tree: TreeId, diff: &[u8], label: &str) -> Result<TreeId> {
        let bad = |why: String| Error::bad_input(label, why);
        let scratch = Scratch::new().map_err(|e| git_error("preparing an in-memory apply", e))?;
        let mut changes: Vec<PathChange> = Vec::new();
        // File by file: libgit2 matches a hunk only at the line its header names, where `git
        // apply` also looks above and below; a text file libgit2 refuses gets our own
        // exact-context application, which does look.
        for section in file_sections(diff) {
            let parsed = git2::Diff::from_buffer(section)
                .map_err(|e| bad(format!("not a diff git can read: {}", e.message())))?;
            if let Some(change) = gitlink(&parsed, section).map_err(bad)? {
                changes.push(change);
                continue;
            }
            let mut pre: Files = Vec::new();
            let mut touched: Vec<(Option<String>, Option<String>)> = Vec::new();
            for delta in parsed.deltas() {
                let path = |f: git2::DiffFile| f.path().map(|p| p.to_string_lossy().into_owned());
                let (old, new) = (path(delta.old_file()), path(delta.new_file()));
                let added = delta.status() == git2::Delta::Added;
                let deleted = delta.status() == git2::Delta::Deleted;
                if let Some(old) = old.as_ref().filter(|_| !added) {
                    let Some((mode, blob)) = self.entry_at(tree, old)? else {
                        return Err(bad(format!("does not apply: {old} does not exist in the base")));
                    };
                    pre.push((old.clone(), mode, self.read_blob(blob)?));
                }
                if let Some(new) = new.as_ref().filter(|_| added) {
                    if self.entry_at(tree, new)?.is_some() {
                        return Err(bad(format!("does not apply: {new} already exists in the base")));
                    }
                }
                touched.push(((!added).then_some(old).flatten(), (!deleted).then_some(new).flatten()));
            }
            let post = match scratch.apply(&pre, &parsed) {
                Ok(post) => post,
                Err(e) => own_apply(section, &pre)
                    .map_err(|why| bad(why.unwrap_or_else(|| format!("does not apply: {}", e.message()))))?,
            };
            for (old, new) in touched {
                if let Some(old) = old.filter(|o| new.as_ref() != Some(o)) {
                    changes.push((old, None));
                }
                if let Some(new) = new {
                    let (mode, bytes) = post
                        .iter()
                        .find(|p| p.0 == new)
                        .map(|p| (p.1, &p.2))
                        .ok_or_else(|| bad(format!("{new}: not in the result of applying the patch")))?;
                    changes.push((new, Some((mode, self.write_blob(bytes)?))));
                }
            }
        }
        self.tree_with(Some(tree), &changes)
    }
}

/// A submodule's new commit (`+Subproject commit <sha>`), or its removal, when the section
/// changes a gitlink: there is no blob to apply a hunk to.
fn gitlink(diff: &git2::Diff, section: &[u8]) -> std::result::Result<Option<PathChange>, String> {
    let Some(delta) = diff.deltas().next() else { return Ok(None) };
    let commit = |f: git2::DiffFile| f.mode() == git2::FileMode::Commit;
    if !commit(delta.old_file()) && !commit(delta.new_file()) {
        return Ok(None);
    }
    let path = delta.new_file().path().or(delta.old_file().path()).map(|p| p.to_string_lossy().into_owned());
    let path = path.ok_or("a submodule change without a path")?;
    let text = String::from_utf8_lossy(section);
    let new = text.lines().find_map(|l| l.strip_prefix("+Subproject commit ")).map(str::trim);
    Ok(Some(match new {
        Some(hex) => {
            let id = super::BlobId::parse_hex(hex)
                .ok_or_else(|| format!("{path}: `Subproject commit {hex}` is not a commit id"))?;
            (path, Some((0o160000, id)))
        }
        None => (path, None),
    }))
}

/// The diff cut at its `diff --git ` lines, one section per file.
fn file_sections(diff: &[u8]) -> Vec<&[u8]> {
    let mut starts: Vec<usize> = Vec::new();
    let mut at = 0;
    for line in diff.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"diff --git ") {
            starts.push(at);
        }
        at += line.len();
    }
    if starts.first() != Some(&0) {
        starts.insert(0, 0);
    }
    starts.iter().enumerate().map(|(i, &s)| &diff[s..starts.get(i + 1).copied().unwrap_or(diff.len())]).collect()
}

/// Our own application of one file's text hunks (exact context, searched above and below the
/// line the header names). `Err(Some(why))` says which hunk does not match; `Err(None)` when it
/// cannot tell (binary, unreadable).
fn own_apply(section: &[u8], pre: &[(String, i32, Vec<u8>)]) -> std::result::Result<Files, Option<String>> {
    let text = String::from_utf8_lossy(section);
    let files = crate::patch::parse_diff(&text).map_err(|_| None)?;
    let mut out = Vec::new();
    for f in &files {
        if f.binary {
            return Err(None);
        }
        let old = f.old_path.as_ref().and_then(|p| pre.iter().find(|x| &x.0 == p));
        let (mode, old_bytes) = old.map_or((0o100644, &[][..]), |o| (o.1, o.2.as_slice()));
        let new = super::diff::apply_hunks(old_bytes, &f.hunks).map_err(|h| {
            Some(format!(
                "does not apply: hunk `@@ -{},{} +{},{} @@` does not match {} in the base",
                h.old_start,
                h.old_lines,
                h.new_start,
                h.new_lines,
                f.old_path.as_deref().unwrap_or("?")
            ))
        })?;
        if let Some(p) = &f.new_path {
            out.push((p.clone(), mode, new));
        }
    }
    Ok(out)
}

/// A repository with no directory whose only object store is in memory.
struct Scratch {
    git: git2::Repository,
}

impl Scratch {
    fn new() -> std::result::Result<Scratch, git2::Error> {
        let odb = git2::Odb::new()?;
        odb.add_new_mempack_backend(1)?;
        Ok(Scratch { git: git2::Repository::from_odb(odb)? })
    }

    /// Applies `diff` to a tree of the preimage files; returns every file of the result as
    /// (path, mode, contents).
    fn apply(&self, pre: &[(String, i32, Vec<u8>)], diff: &git2::Diff) -> std::result::Result<Files, git2::Error> {
        let empty = self.git.find_tree(self.git.treebuilder(None)?.write()?)?;
        let mut update = git2::build::TreeUpdateBuilder::new();
        for (path, mode, bytes) in pre {
            let id = self.git.blob(bytes)?;
            let mode = match *mode {
                0o100755 => git2::FileMode::BlobExecutable,
                0o120000 => git2::FileMode::Link,
                _ => git2::FileMode::Blob,
            };
            update.upsert(path.as_str(), id, mode);
        }
        let pre_tree = self.git.find_tree(update.create_updated(&self.git, &empty)?)?;
        let index = self.git.apply_to_tree(&pre_tree, diff, None)?;
        let mut out = Vec::new();
        for entry in index.iter() {
            let path = String::from_utf8_lossy(&entry.path).into_owned();
            let blob = self.git.find_blob(entry.id)?;
            out.push((path, entry.mode as i32, blob.content().to_vec()));
        }
        Ok(out)
    }
}
