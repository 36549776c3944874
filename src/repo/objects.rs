//! Writing objects without touching the repository.
//!
//! libgit2 "freshens" an object it is asked to write when the object already exists: it sets the
//! mtime of the loose object or the pack file that holds it, whatever backend is in front. So we
//! never ask it to write an object that exists: we hash first, and write only new objects, which
//! go to the in-memory backend. Trees are serialised here for the same reason (libgit2's tree
//! builder and index writers write every tree, new or not).

use super::{git_error, BlobId, Repo, TreeId};
use crate::error::Result;

/// A change to one path: the new (mode, blob), or `None` to remove it.
pub type PathChange = (String, Option<(i32, BlobId)>);

/// One entry of a tree object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub name: Vec<u8>,
    pub mode: i32,
    pub id: git2::Oid,
}

impl Repo {
    /// Stores an object unless it exists; returns its id. New objects go to the in-memory store.
    pub(super) fn write_if_absent(&self, kind: git2::ObjectType, bytes: &[u8]) -> Result<git2::Oid> {
        let id = git2::Oid::hash_object(kind, bytes).map_err(|e| git_error("hashing an object", e))?;
        let odb = self.git.odb().map_err(|e| git_error("opening the object database", e))?;
        if !odb.exists(id) {
            odb.write(kind, bytes).map_err(|e| git_error("storing an object in memory", e))?;
        }
        Ok(id)
    }

    pub(super) fn write_blob(&self, bytes: &[u8]) -> Result<BlobId> {
        Ok(BlobId::from_oid(self.write_if_absent(git2::ObjectType::Blob, bytes)?))
    }

    pub(super) fn tree_entries(&self, id: git2::Oid) -> Result<Vec<Entry>> {
        let tree = self.git.find_tree(id).map_err(|e| git_error("reading a tree", e))?;
        Ok(tree.iter().map(|e| Entry { name: e.name_bytes().to_vec(), mode: e.filemode(), id: e.id() }).collect())
    }

    /// Writes a tree of these entries (sorted as git sorts them) unless it exists.
    pub(super) fn write_tree(&self, mut entries: Vec<Entry>) -> Result<TreeId> {
        let key = |e: &Entry| {
            let mut k = e.name.clone();
            if e.mode == 0o040000 {
                k.push(b'/');
            }
            k
        };
        entries.sort_by_key(key);
        let mut bytes = Vec::new();
        for e in &entries {
            bytes.extend_from_slice(format!("{:o} ", e.mode).as_bytes());
            bytes.extend_from_slice(&e.name);
            bytes.push(0);
            bytes.extend_from_slice(e.id.as_bytes());
        }
        Ok(TreeId::from_oid(self.write_if_absent(git2::ObjectType::Tree, &bytes)?))
    }

    /// `tree` with the files at `changes` replaced (`Some((mode, blob))`) or removed (`None`).
    pub(super) fn tree_with(&self, tree: Option<TreeId>, changes: &[PathChange]) -> Result<TreeId> {
        let mut entries = match tree {
            Some(t) => self.tree_entries(t.to_oid())?,
            None => Vec::new(),
        };
        // Group the changes by their first path component.
        let mut here: Vec<(&str, Option<(i32, BlobId)>)> = Vec::new();
        let mut below: std::collections::BTreeMap<&str, Vec<PathChange>> = Default::default();
        for (path, change) in changes {
            match path.split_once('/') {
                Some((dir, rest)) => below.entry(dir).or_default().push((rest.to_string(), *change)),
                None => here.push((path.as_str(), *change)),
            }
        }
        for (name, change) in here {
            entries.retain(|e| e.name != name.as_bytes());
            if let Some((mode, blob)) = change {
                entries.push(Entry { name: name.as_bytes().to_vec(), mode, id: blob.to_oid() });
            }
        }
        for (dir, sub) in below {
            let existing = entries.iter().position(|e| e.name == dir.as_bytes() && e.mode == 0o040000);
            let old = existing.map(|i| TreeId::from_oid(entries[i].id));
            let new = self.tree_with(old, &sub)?;
            if let Some(i) = existing {
                entries.remove(i);
            }
            if !self.tree_entries(new.to_oid())?.is_empty() {
                entries.push(Entry { name: dir.as_bytes().to_vec(), mode: 0o040000, id: new.to_oid() });
            }
        }
        self.write_tree(entries)
    }
}
