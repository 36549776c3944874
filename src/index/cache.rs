//! The content-addressed cache of extraction results: one file per blob, keyed by blob id,
//! extractor version and idiom-table fingerprint, so a blob is parsed once across every
//! revision and every run.
//!
//! Layout: `<dir>/v<EXTRACTOR_VERSION>.<entry format>/<2 hex>/<38 hex>-<fingerprint>.bin`. Each entry is
//! `MAGIC | version u32 | fingerprint u64 | payload checksum u64 | postcard payload`. Writes go to a
//! temporary file in the same directory and are renamed into place, so a reader sees a whole
//! entry or none. An entry that fails any check is treated as absent and rewritten.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::facts::FileSymbols;
use crate::lang::EXTRACTOR_VERSION;
use crate::repo::BlobId;

/// The entry layout's version is its last byte; a new layout also gets a new directory.
const MAGIC: &[u8; 4] = b"RCK\x02";
const HEADER: usize = 4 + 4 + 8 + 8;

/// What reading an entry found.
pub enum Lookup {
    Hit(FileSymbols),
    Miss,
    /// Present but unusable (truncated, wrong version, bad checksum): it will be rebuilt.
    Corrupt,
}

/// An on-disk cache directory. Cheap to clone; shared by all threads (every operation is a
/// whole-file read or an atomic rename).
#[derive(Clone, Debug)]
pub struct Cache {
    root: PathBuf,
    fingerprint: u64,
}

impl Cache {
    /// A cache under `dir` for extraction with the given idiom-table fingerprint. The directory
    /// is created lazily, on the first write.
    pub fn new(dir: &Path, fingerprint: u64) -> Cache {
        Cache { root: dir.join(format!("v{EXTRACTOR_VERSION}.{}", MAGIC[3])), fingerprint }
    }

    /// The default location: `$XDG_CACHE_HOME/revertcheck`, else `~/.cache/revertcheck`.
    pub fn default_dir() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
            return Some(PathBuf::from(dir).join("revertcheck"));
        }
        std::env::var_os("HOME").filter(|d| !d.is_empty()).map(|h| PathBuf::from(h).join(".cache").join("revertcheck"))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn entry_path(&self, blob: BlobId) -> PathBuf {
        let hex = blob.hex();
        self.root.join(&hex[..2]).join(format!("{}-{:016x}.bin", &hex[2..], self.fingerprint))
    }

    pub fn get(&self, blob: BlobId) -> Lookup {
        let Ok(bytes) = fs::read(self.entry_path(blob)) else { return Lookup::Miss };
        match decode(&bytes, self.fingerprint) {
            Some(symbols) => Lookup::Hit(symbols),
            None => Lookup::Corrupt,
        }
    }

    /// Stores an entry atomically. Errors are returned for the caller to count and report once;
    /// a cache that cannot be written never fails the analysis.
    ///
    /// The temporary name is unique per process and write (`<entry>.tmp<pid>-<n>`), so writers
    /// never share one; a killed writer leaves a `.tmp` file that no lookup ever reads. Plain
    /// `write` + `rename`, creating the fan-out directory only when a write finds it missing
    /// (not a `create_dir_all` per entry).
    pub fn put(&self, blob: BlobId, symbols: &FileSymbols) -> std::io::Result<()> {
        static WRITES: AtomicU64 = AtomicU64::new(0);
        let path = self.entry_path(blob);
        let n = WRITES.fetch_add(1, Ordering::Relaxed);
        let tmp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
        let bytes = encode(symbols, self.fingerprint);
        let written = match fs::write(&tmp, &bytes) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                fs::create_dir_all(path.parent().expect("entry paths have a parent"))?;
                fs::write(&tmp, &bytes)
            }
            other => other,
        };
        written.and_then(|()| fs::rename(&tmp, &path)).inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })
    }
}

fn encode(symbols: &FileSymbols, fingerprint: u64) -> Vec<u8> {
    let payload = postcard::to_allocvec(symbols).expect("FileSymbols always serialises");
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&EXTRACTOR_VERSION.to_le_bytes());
    out.extend_from_slice(&fingerprint.to_le_bytes());
    out.extend_from_slice(&checksum(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

fn decode(bytes: &[u8], fingerprint: u64) -> Option<FileSymbols> {
    if bytes.len() < HEADER || &bytes[..4] != MAGIC {
        return None;
    }
    let version = u32::from_le_bytes(bytes[4..8].try_into().ok()?);
    let fp = u64::from_le_bytes(bytes[8..16].try_into().ok()?);
    let sum = u64::from_le_bytes(bytes[16..24].try_into().ok()?);
    let payload = &bytes[HEADER..];
    if version != EXTRACTOR_VERSION || fp != fingerprint || sum != checksum(payload) {
        return None;
    }
    postcard::from_bytes(payload).ok()
}

/// Detects torn or corrupted entries (not tampering): a word-at-a-time multiply-rotate hash,
/// eight times faster than byte-wise FNV-1a, which was 16% of a warm QEMU audit.
fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut hash = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(w.try_into().expect("8 bytes"))).wrapping_mul(K);
    }
    for &b in words.remainder() {
        hash = (hash.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::ParseHealth;

    fn sample() -> FileSymbols {
        FileSymbols {
            names: vec!["foo".into()],
            health: ParseHealth { error_nodes: 2, ..Default::default() },
            ..Default::default()
        }
    }

    #[test]
    fn round_trip_and_corruption_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), 7);
        let blob = BlobId([3; 20]);
        assert!(matches!(cache.get(blob), Lookup::Miss));
        cache.put(blob, &sample()).unwrap();
        assert!(matches!(cache.get(blob), Lookup::Hit(s) if s == sample()));

        let path = cache.entry_path(blob);
        let mut bytes = fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        fs::write(&path, &bytes).unwrap();
        assert!(matches!(cache.get(blob), Lookup::Corrupt));

        fs::write(&path, &bytes[..10]).unwrap();
        assert!(matches!(cache.get(blob), Lookup::Corrupt));
    }

    #[test]
    fn another_fingerprint_does_not_see_the_entry() {
        let dir = tempfile::tempdir().unwrap();
        let blob = BlobId([9; 20]);
        Cache::new(dir.path(), 1).put(blob, &sample()).unwrap();
        assert!(matches!(Cache::new(dir.path(), 2).get(blob), Lookup::Miss));
    }
}
