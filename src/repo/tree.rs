//! Listing the C sources of a tree: which paths count, and which entries are skipped and why.

use serde::Serialize;

use crate::error::Result;

use super::{git_error, BlobId};

/// A C source in a tree.
#[derive(Clone, Debug)]
pub struct TreeFile {
    pub path: String,
    pub blob: BlobId,
    pub size: u64,
}

/// Why a C-named entry was not indexed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Larger than the size cap (`--max-file-size`).
    TooLarge,
    /// A symbolic link where a file was expected.
    Symlink,
    /// A submodule (gitlink) with a C-like name.
    Submodule,
    /// The path itself is not UTF-8.
    NonUtf8Path,
}

#[derive(Clone, Debug, Serialize)]
pub struct Skip {
    pub path: String,
    pub reason: SkipReason,
}

#[derive(Clone, Debug, Default)]
pub struct TreeFiles {
    /// Sorted by path.
    pub files: Vec<TreeFile>,
    pub skipped: Vec<Skip>,
}

/// `.c` and `.h`, and the `.c.inc` and `.h.inc` files QEMU includes textually. A plain `.inc`
/// is not C there: QEMU named its C fragments `.c.inc` in 2020, and its other `.inc` files are
/// reStructuredText (`docs/*.rst.inc`) and assembler macros, which tree-sitter-c reads as one
/// long syntax error (10 to 15 times the parse time of C, for garbage symbols).
pub fn is_c_path(path: &str) -> bool {
    [".c", ".h", ".c.inc", ".h.inc"].iter().any(|ext| path.ends_with(ext))
}

/// The files of a tree whose path `wanted` accepts (C sources and generator inputs).
pub(super) fn list_files(
    repo: &git2::Repository,
    tree: &git2::Tree,
    max_size: u64,
    wanted: impl Fn(&str) -> bool,
) -> Result<TreeFiles> {
    let mut out = TreeFiles::default();
    let odb = repo.odb().map_err(|e| git_error("opening the object database", e))?;
    let mut failure = None;
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        let Ok(name) = entry.name() else {
            let lossy = String::from_utf8_lossy(entry.name_bytes());
            if wanted(&format!("{dir}{lossy}")) {
                out.skipped.push(Skip { path: format!("{dir}{lossy}"), reason: SkipReason::NonUtf8Path });
            }
            return git2::TreeWalkResult::Skip;
        };
        let path = format!("{dir}{name}");
        if !wanted(&path) {
            return git2::TreeWalkResult::Ok;
        }
        match entry.filemode() {
            0o120000 => out.skipped.push(Skip { path, reason: SkipReason::Symlink }),
            0o160000 => out.skipped.push(Skip { path, reason: SkipReason::Submodule }),
            0o040000 => {}
            _ => match odb.read_header(entry.id()) {
                Ok((size, _)) if size as u64 > max_size => {
                    out.skipped.push(Skip { path, reason: SkipReason::TooLarge })
                }
                Ok((size, _)) => {
                    out.files.push(TreeFile { path, blob: BlobId::from_oid(entry.id()), size: size as u64 })
                }
                Err(e) => {
                    failure = Some(git_error(&format!("reading {path}"), e));
                    return git2::TreeWalkResult::Abort;
                }
            },
        }
        git2::TreeWalkResult::Ok
    })
    .ok();
    if let Some(e) = failure {
        return Err(e);
    }
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    out.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

impl super::Repo {
    /// Every directory of a tree, as slash-separated paths (`hw`, `hw/pci`): what
    /// get_maintainer.pl's `-d` sees in a checkout.
    pub fn directories(&self, tree: super::TreeId) -> crate::error::Result<std::collections::HashSet<String>> {
        let tree = self.find_tree(tree)?;
        let mut out = std::collections::HashSet::new();
        tree.walk(git2::TreeWalkMode::PreOrder, |root, entry| {
            if entry.kind() == Some(git2::ObjectType::Tree) {
                out.insert(format!("{root}{}", String::from_utf8_lossy(entry.name_bytes())));
            }
            git2::TreeWalkResult::Ok
        })
        .map_err(|e| super::git_error("listing directories", e))?;
        Ok(out)
    }
}

impl super::Repo {
    /// Every blob path of a tree (files and links), sorted.
    pub fn paths(&self, tree: super::TreeId) -> crate::error::Result<Vec<String>> {
        let tree = self.find_tree(tree)?;
        let mut out = Vec::new();
        tree.walk(git2::TreeWalkMode::PreOrder, |root, entry| {
            if entry.kind() == Some(git2::ObjectType::Blob) {
                out.push(format!("{root}{}", String::from_utf8_lossy(entry.name_bytes())));
            }
            git2::TreeWalkResult::Ok
        })
        .map_err(|e| super::git_error("listing files", e))?;
        out.sort();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::is_c_path;

    #[test]
    fn c_paths_are_sources_headers_and_c_fragments() {
        for path in ["hw/core/qdev.c", "include/qom/object.h", "tcg/tcg-op.c.inc", "target/arm/x.h.inc"] {
            assert!(is_c_path(path), "{path}");
        }
        for path in ["docs/system/keys.rst.inc", "tests/tcg/xtensa/macros.inc", "meson.build", "a.cc", "b.hh"] {
            assert!(!is_c_path(path), "{path}");
        }
    }
}
