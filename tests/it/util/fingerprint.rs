//! A fingerprint of everything that would show a write to a repository: every file of the git
//! directory (objects, packs, refs, packed-refs, HEAD, index, config, logs) and of the work tree,
//! with size, mtime and a content hash.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

#[derive(Debug, PartialEq, Eq, Clone)]
pub struct Fingerprint(BTreeMap<String, (u64, i64, i64, u64)>);

impl Fingerprint {
    pub fn of(root: &Path) -> Fingerprint {
        let mut map = BTreeMap::new();
        walk(root, root, &mut map);
        Fingerprint(map)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Panics with the paths that were added, removed or modified.
    pub fn assert_same(&self, after: &Fingerprint, what: &str) {
        if self == after {
            return;
        }
        let mut diff = Vec::new();
        for (k, v) in &after.0 {
            match self.0.get(k) {
                None => diff.push(format!("added {k}")),
                Some(old) if old != v => diff.push(format!("modified {k}")),
                _ => {}
            }
        }
        for k in self.0.keys().filter(|k| !after.0.contains_key(*k)) {
            diff.push(format!("removed {k}"));
        }
        panic!("{what} changed the repository:\n{}", diff.join("\n"));
    }
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, (u64, i64, i64, u64)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let rel = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        if meta.is_dir() {
            out.insert(format!("{rel}/"), (0, meta.mtime(), meta.mtime_nsec(), 0));
            walk(root, &path, out);
        } else {
            let bytes = std::fs::read(&path).unwrap_or_default();
            out.insert(rel, (meta.len(), meta.mtime(), meta.mtime_nsec(), fnv(&bytes)));
        }
    }
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
