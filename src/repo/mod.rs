//! The only module that imports git2: opening a repository, resolving revisions, listing the C
//! files of a tree, reading blobs, diffs between trees, history walks and in-memory reverts.
//!
//! Everything git2 hands out is converted here into owned domain types (`CommitId`, `BlobId`,
//! `TreeFile`, `CommitInfo`, `FileDiff`) so that no other module sees a git2 type. Nothing in this
//! module writes to the repository: merges run against an in-memory object backend (see
//! `revert.rs`).

mod apply;
mod diff;
mod ids;
mod objects;
mod revert;
mod revs;
mod tree;

pub use diff::{DiffStatus, FileDiff, Hunk};
pub use ids::{BlobId, CommitId, TreeId};
pub use revert::{Conflict, RevertOutcome};
pub use tree::{is_c_path, Skip, SkipReason, TreeFile, TreeFiles};

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// An open repository. Not shared across threads: each worker opens its own (`reopen`).
pub struct Repo {
    git: git2::Repository,
    /// The git directory (`.git` or the bare repository itself).
    git_dir: PathBuf,
}

/// What a commit says about itself.
#[derive(Clone, Debug)]
pub struct CommitInfo {
    pub id: CommitId,
    pub parents: Vec<CommitId>,
    pub summary: String,
    pub message: String,
    pub author: String,
    pub author_email: String,
    /// Seconds since the epoch, committer time.
    pub time: i64,
}

impl Repo {
    /// Opens the repository at or above `path`, as `git -C <path>` would.
    pub fn discover(path: &Path) -> Result<Repo> {
        let git = git2::Repository::discover(path)
            .map_err(|e| Error::NotARepository { path: path.to_path_buf(), why: e.message().to_string() })?;
        let git_dir = git.path().to_path_buf();
        Repo::guarded(git, git_dir)
    }

    /// Puts an in-memory object backend in front of the repository's object database. libgit2
    /// writes the objects an in-memory apply or merge produces (blobs, trees) to the backend
    /// of highest priority that can write: with this, that is memory, and nothing reaches
    /// `.git/objects`. Objects written there live as long as this handle.
    fn guarded(git: git2::Repository, git_dir: PathBuf) -> Result<Repo> {
        // libgit2 re-hashes every object it reads to check it against its id: 42 % of a revert
        // analysis on QEMU. We only read, and corruption is `git fsck`'s business, so the check
        // is off for the process (a global libgit2 option; set once).
        static NO_HASH_CHECK: std::sync::Once = std::sync::Once::new();
        NO_HASH_CHECK.call_once(|| git2::opts::strict_hash_verification(false));
        {
            let odb = git.odb().map_err(|e| git_error("opening the object database", e))?;
            odb.add_new_mempack_backend(1000).map_err(|e| git_error("adding an in-memory object store", e))?;
        }
        Ok(Repo { git, git_dir })
    }

    /// Another handle on the same repository, for a worker thread.
    pub fn reopen(&self) -> Result<Repo> {
        Repo::open_git_dir(&self.git_dir)
    }

    /// Opens a repository by its git directory (what `git_dir()` returned): worker threads each
    /// open their own handle, as a `git2::Repository` cannot be shared.
    pub fn open_git_dir(git_dir: &Path) -> Result<Repo> {
        let git = git2::Repository::open(git_dir).map_err(|e| git_error("reopening the repository", e))?;
        Repo::guarded(git, git_dir.to_path_buf())
    }

    pub fn git_dir(&self) -> &Path {
        &self.git_dir
    }

    /// The work tree, or the git directory of a bare repository: where `.revertcheck.toml` is
    /// looked for (it is read from the tree of the analysed revision, not from disk).
    pub fn work_dir(&self) -> Option<&Path> {
        self.git.workdir()
    }

    /// The URL of the `origin` remote, else of the first remote, as configured (it may carry
    /// credentials: callers that print it strip them).
    pub fn remote_url(&self) -> Option<String> {
        let url = |name: &str| self.git.find_remote(name).ok().and_then(|r| r.url().ok().map(str::to_string));
        url("origin").or_else(|| {
            let names = self.git.remotes().ok()?;
            let first = names.iter().flatten().flatten().next()?.to_string();
            url(&first)
        })
    }

    pub fn is_shallow(&self) -> bool {
        self.git.is_shallow()
    }

    /// Resolves any revision `git rev-parse` accepts to a commit.
    pub fn resolve(&self, rev: &str) -> Result<CommitId> {
        let unknown = |why: String| Error::UnknownRevision { rev: rev.to_string(), why };
        let obj = self.git.revparse_single(rev).map_err(|e| unknown(e.message().to_string()))?;
        let commit =
            obj.peel_to_commit().map_err(|_| unknown(format!("it names a {}, not a commit", kind_name(obj.kind()))))?;
        Ok(CommitId::from_oid(commit.id()))
    }

    /// The commits revision arguments select, oldest first, as `git rev-list --reverse` reads
    /// them (`a..b`, `a...b`, `^a b`, `--not`, `x^!`); arguments without any exclusion name one
    /// commit each.
    pub fn rev_list(&self, args: &[String]) -> Result<Vec<CommitId>> {
        revs::rev_list(self, args)
    }

    /// Whether HEAD is detached (not on a branch).
    pub fn head_detached(&self) -> bool {
        self.git.head_detached().unwrap_or(false)
    }

    /// Commits reachable from `from` but from none of `hide`, newest first in topological order.
    pub fn walk(&self, from: CommitId, hide: &[CommitId]) -> Result<Vec<CommitId>> {
        let err = |e| git_error("walking history", e);
        let mut walk = self.git.revwalk().map_err(err)?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL).map_err(err)?;
        walk.push(from.to_oid()).map_err(err)?;
        for h in hide {
            walk.hide(h.to_oid()).map_err(err)?;
        }
        walk.map(|oid| oid.map(CommitId::from_oid).map_err(|e| missing_history(&from.to_string(), e))).collect()
    }

    /// The best common ancestor of all `commits` (octopus merge base), if they have one.
    pub fn merge_base_many(&self, commits: &[CommitId]) -> Option<CommitId> {
        match commits {
            [] => None,
            [one] => Some(*one),
            _ => {
                let oids: Vec<git2::Oid> = commits.iter().map(|c| c.to_oid()).collect();
                self.git.merge_base_octopus(&oids).ok().map(CommitId::from_oid)
            }
        }
    }

    /// The upstream of the current branch (`@{upstream}`), if it has one.
    pub fn upstream(&self) -> Option<CommitId> {
        self.resolve("@{upstream}").ok()
    }

    pub fn commit_info(&self, id: CommitId) -> Result<CommitInfo> {
        let c = self.find_commit(id)?;
        let author = c.author();
        Ok(CommitInfo {
            id,
            parents: c.parent_ids().map(CommitId::from_oid).collect(),
            summary: String::from_utf8_lossy(c.summary_bytes().unwrap_or_default()).into_owned(),
            message: String::from_utf8_lossy(c.message_bytes()).into_owned(),
            author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
            author_email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
            time: c.time().seconds(),
        })
    }

    /// The root tree of a commit.
    pub fn tree_of(&self, commit: CommitId) -> Result<TreeId> {
        let tree = self.find_commit(commit)?.tree().map_err(|e| missing_history(&commit.to_string(), e))?;
        Ok(TreeId::from_oid(tree.id()))
    }

    /// The empty tree (what a root commit's changes are measured against). Built in the
    /// in-memory object store.
    pub fn empty_tree(&self) -> Result<TreeId> {
        self.write_tree(Vec::new())
    }

    /// The C files of a tree (see `tree.rs` for what counts and what is skipped).
    pub fn c_files(&self, tree: TreeId, max_size: u64) -> Result<TreeFiles> {
        self.source_files(tree, max_size, |_| false)
    }

    /// The C files of a tree and the other files `also` accepts (build-time generator inputs).
    pub fn source_files(&self, tree: TreeId, max_size: u64, also: impl Fn(&str) -> bool) -> Result<TreeFiles> {
        let tree = self.find_tree(tree)?;
        tree::list_files(&self.git, &tree, max_size, |path| is_c_path(path) || also(path))
    }

    /// The contents of `path` in a tree, if it is a blob there (`.revertcheck.toml`,
    /// `MAINTAINERS`).
    pub fn file_at(&self, tree: TreeId, path: &str) -> Result<Option<Vec<u8>>> {
        let tree = self.find_tree(tree)?;
        let Ok(entry) = tree.get_path(Path::new(path)) else { return Ok(None) };
        if entry.kind() != Some(git2::ObjectType::Blob) {
            return Ok(None);
        }
        Ok(Some(self.read_blob(BlobId::from_oid(entry.id()))?))
    }

    /// The blob at `path` in a commit's tree, if there is one.
    pub fn blob_at(&self, commit: CommitId, path: &str) -> Result<Option<BlobId>> {
        let tree = self.find_commit(commit)?.tree().map_err(|e| missing_history(&commit.to_string(), e))?;
        Ok(tree
            .get_path(Path::new(path))
            .ok()
            .filter(|e| e.kind() == Some(git2::ObjectType::Blob))
            .map(|e| BlobId::from_oid(e.id())))
    }

    pub fn read_blob(&self, id: BlobId) -> Result<Vec<u8>> {
        let blob = self
            .git
            .find_blob(id.to_oid())
            .map_err(|e| Error::MissingHistory { what: format!("blob {id}"), why: e.message().to_string() })?;
        Ok(blob.content().to_vec())
    }

    fn find_tree(&self, id: TreeId) -> Result<git2::Tree<'_>> {
        self.git.find_tree(id.to_oid()).map_err(|e| missing_history(&format!("tree {id}"), e))
    }

    fn find_commit(&self, id: CommitId) -> Result<git2::Commit<'_>> {
        self.git.find_commit(id.to_oid()).map_err(|e| missing_history(&id.to_string(), e))
    }
}

fn kind_name(kind: Option<git2::ObjectType>) -> &'static str {
    match kind {
        Some(git2::ObjectType::Tree) => "tree",
        Some(git2::ObjectType::Blob) => "blob",
        Some(git2::ObjectType::Tag) => "tag",
        _ => "object",
    }
}

pub(crate) fn git_error(context: &str, e: git2::Error) -> Error {
    Error::Git { context: context.to_string(), message: e.message().to_string() }
}

pub(crate) fn missing_history(what: &str, e: git2::Error) -> Error {
    Error::MissingHistory { what: what.to_string(), why: e.message().to_string() }
}
