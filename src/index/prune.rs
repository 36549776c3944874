//! Removing the cache directories of older versions. Each extractor or entry-format version
//! gets a directory of its own (`v<extractor>.<format>`, see `cache`), so an upgrade starts an
//! empty cache beside the old one; nothing would ever read the old one again (30 MB for QEMU).
//! When a version's directory is first created, the directories of older versions are removed,
//! but only those that hold nothing revertcheck did not write: a cache directory the user
//! pointed at somewhere unexpected loses no file of theirs.

use std::fs;
use std::path::Path;

use serde::Serialize;

/// An older cache version's directory that was removed (reported in `IndexStats`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PrunedCache {
    pub path: String,
    pub bytes: u64,
}

/// Removes the `v<N>.<M>` directories of `cache_dir` older than `current`, each only if all it
/// holds is cache files. Errors leave a directory (or what is left of it) in place: the next
/// upgrade tries again, and a stale cache costs disk space, never a wrong answer.
pub fn older_versions(cache_dir: &Path, current: (u32, u32)) -> Vec<PrunedCache> {
    let Ok(entries) = fs::read_dir(cache_dir) else { return Vec::new() };
    let mut pruned = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let older = entry.file_name().to_str().and_then(version_of).is_some_and(|v| v < current);
        if !older || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let Some(bytes) = cache_files_size(&path) else { continue };
        if fs::remove_dir_all(&path).is_ok() {
            pruned.push(PrunedCache { path: path.display().to_string(), bytes });
        }
    }
    pruned.sort_by(|a, b| a.path.cmp(&b.path));
    pruned
}

/// `v2.3` -> (2, 3).
fn version_of(name: &str) -> Option<(u32, u32)> {
    let (major, minor) = name.strip_prefix('v')?.split_once('.')?;
    let number = |s: &str| s.bytes().all(|b| b.is_ascii_digit()).then(|| s.parse().ok()).flatten();
    Some((number(major)?, number(minor)?))
}

/// The total size of `dir` if everything in it is a file some version of the cache wrote:
/// the SQLite database and its side files (format 3), or `<2 hex>/<38 hex>-<16 hex>.bin`
/// entries and their `.tmp<pid>-<n>` temporaries (formats 1 and 2). `None` otherwise.
fn cache_files_size(dir: &Path) -> Option<u64> {
    let mut total = 0;
    for entry in fs::read_dir(dir).ok()? {
        let entry = entry.ok()?;
        let name = entry.file_name();
        let name = name.to_str()?;
        let kind = entry.file_type().ok()?;
        if kind.is_file()
            && matches!(name, "cache.sqlite" | "cache.sqlite-wal" | "cache.sqlite-shm" | "cache.sqlite-journal")
        {
            total += entry.metadata().ok()?.len();
        } else if kind.is_dir() && name.len() == 2 && is_hex(name) {
            for file in fs::read_dir(entry.path()).ok()? {
                let file = file.ok()?;
                let file_name = file.file_name();
                if !(file.file_type().ok()?.is_file() && is_entry_file(file_name.to_str()?)) {
                    return None;
                }
                total += file.metadata().ok()?.len();
            }
        } else {
            return None;
        }
    }
    Some(total)
}

/// `<38 hex>-<16 hex>.bin`, or `.tmp<pid>-<n>` in place of `.bin`.
fn is_entry_file(name: &str) -> bool {
    let Some((stem, extension)) = name.split_once('.') else { return false };
    let Some((blob, fingerprint)) = stem.split_once('-') else { return false };
    let temporary = extension.strip_prefix("tmp").and_then(|t| t.split_once('-')).is_some_and(|(pid, n)| {
        !pid.is_empty() && !n.is_empty() && pid.bytes().chain(n.bytes()).all(|b| b.is_ascii_digit())
    });
    blob.len() == 38
        && is_hex(blob)
        && fingerprint.len() == 16
        && is_hex(fingerprint)
        && (extension == "bin" || temporary)
}

fn is_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, bytes: &[u8]) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    #[test]
    fn older_cache_versions_go_and_everything_else_stays() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let entry = format!("{}-{}", "a".repeat(38), "0".repeat(16));
        // Formats 1 and 2: a file per blob, with a temporary left by a killed run.
        write(&d.join("v1.2/3f").join(format!("{entry}.bin")), b"12345");
        write(&d.join("v1.2/3f").join(format!("{entry}.tmp4242-7")), b"1");
        write(&d.join("v2.3/cache.sqlite"), &[0; 100]);
        write(&d.join("v2.3/cache.sqlite-wal"), &[0; 20]);
        // Not ours to remove: the current and a newer version, a directory holding another
        // file, one that only looks like a version, a plain file.
        write(&d.join("v3.3/cache.sqlite"), b"current");
        write(&d.join("v4.1/cache.sqlite"), b"newer");
        write(&d.join("v2.2/cache.sqlite"), b"old");
        write(&d.join("v2.2/notes.txt"), b"the user's");
        write(&d.join("v1.x/cache.sqlite"), b"?");
        write(&d.join("v1.1"), b"a file");

        let pruned = older_versions(d, (3, 3));
        let gone = |dir: &str, bytes| PrunedCache { path: d.join(dir).display().to_string(), bytes };
        assert_eq!(pruned, [gone("v1.2", 6), gone("v2.3", 120)]);
        let mut left: Vec<String> =
            fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        left.sort();
        assert_eq!(left, ["v1.1", "v1.x", "v2.2", "v3.3", "v4.1"]);
        assert!(d.join("v2.2/notes.txt").exists());
        assert!(older_versions(d, (3, 3)).is_empty(), "nothing left to remove");
    }

    #[test]
    fn entry_file_names() {
        let stem = format!("{}-{}", "0123456789abcdef0123456789abcdef012345", "fedcba9876543210");
        assert!(is_entry_file(&format!("{stem}.bin")));
        assert!(is_entry_file(&format!("{stem}.tmp12-0")));
        assert!(!is_entry_file(&format!("{stem}.txt")));
        assert!(!is_entry_file(&format!("{stem}.tmp-0")));
        assert!(!is_entry_file("notes.bin"));
        assert_eq!(version_of("v12.3"), Some((12, 3)));
        assert_eq!(version_of("v1.x"), None);
        assert_eq!(version_of("v+1.2"), None);
    }
}
