//! The content-addressed cache of extraction results, keyed by blob id, extractor version and
//! idiom-table fingerprint, so a blob is parsed once across every revision and every run.
//!
//! Layout: one SQLite database, `<dir>/v<EXTRACTOR_VERSION>.<entry format>/cache.sqlite`, table
//! `entries(id, blob, fingerprint, data)` with a unique index on (blob, fingerprint). Each
//! `data` is `MAGIC | version u32 | fingerprint u64 | payload checksum u64 | postcard payload`;
//! an entry that fails any check is treated as absent and rewritten.
//!
//! Why not a file per blob (the first layout): a cold QEMU index created 6,864 files, and on
//! ext4 each new inode costs a search of the inode bitmap that grows with recently deleted
//! inodes; perf put 0.4-4 s of kernel time (`find_inode_bit`, `recently_deleted`) on a 10 s
//! index. One database, written in batches of `BATCH` entries per transaction (WAL, no fsync per
//! commit), stores the same 6,783 unique entries in about 0.35 s of one thread and takes 30 MB
//! instead of 45 MB. A batch is one transaction, so a killed run loses at most its unwritten
//! batch and never leaves a torn entry; concurrent runs serialise on SQLite's write lock.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::prune::{self, PrunedCache};
use crate::facts::FileSymbols;
use crate::fxhash::FxHashSet;
use crate::lang::EXTRACTOR_VERSION;
use crate::repo::BlobId;

/// The entry layout's version is its last byte; a new layout also gets a new directory.
const MAGIC: &[u8; 4] = b"RCK\x03";
const HEADER: usize = 4 + 4 + 8 + 8;
const DATABASE: &str = "cache.sqlite";
/// Entries written per transaction.
const BATCH: usize = 256;
/// How long a writer waits for another process's transaction before giving up on a batch.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Entries are appended (rowid order) and found through a small unique index: with the entry
/// as the clustered key, inserts in random blob-id order split and re-read pages all over a
/// 35 MB tree (perf: 5% of a cold QEMU index in B-tree searches and `pread`).
///
/// 16 KB pages (set before the database exists, so before WAL): an entry averages 4.4 KB, and
/// with 4 KB pages storing QEMU's took 24,000 `pwrite` calls instead of about 6,000.
const SCHEMA: &str = "PRAGMA page_size = 16384;
    PRAGMA journal_mode = WAL;
    CREATE TABLE IF NOT EXISTS entries (
        id INTEGER PRIMARY KEY,
        blob BLOB NOT NULL,
        fingerprint INTEGER NOT NULL,
        data BLOB NOT NULL
    );
    CREATE UNIQUE INDEX IF NOT EXISTS entries_by_blob ON entries (blob, fingerprint);";

/// What reading an entry found.
pub enum Lookup {
    Hit(FileSymbols),
    Miss,
    /// Present but unusable (truncated, wrong version, bad checksum): it will be rebuilt.
    Corrupt,
}

/// An on-disk cache. Shared by all threads: lookups take a connection from a small pool,
/// writes are queued and stored in batches. Dropping the cache stores what is still queued.
#[derive(Debug)]
pub struct Cache {
    root: PathBuf,
    fingerprint: u64,
    /// Open read connections not in use; empty until the database exists.
    readers: Mutex<Vec<Connection>>,
    /// The blobs the database holds for this fingerprint, read once (from the index alone) at
    /// the first lookup and grown by this process's writes: a miss, the whole of a cold run,
    /// costs no query.
    present: Mutex<Option<FxHashSet<BlobId>>>,
    /// Encoded entries not yet stored.
    queued: Mutex<Vec<(BlobId, Vec<u8>)>>,
    /// The writer, once open. A batch is stored holding this lock alone, so the other threads
    /// go on queueing (and parsing) meanwhile: with one lock for both, every worker that
    /// finished a file while a batch was being stored waited for it.
    writer: Mutex<Option<Connection>>,
    /// Older versions' directories removed when this version's was created, until reported.
    pruned: Mutex<Vec<PrunedCache>>,
}

impl Cache {
    /// A cache under `dir` for extraction with the given idiom-table fingerprint. The directory
    /// and database are created lazily, on the first write.
    pub fn new(dir: &Path, fingerprint: u64) -> Cache {
        Cache {
            root: dir.join(format!("v{EXTRACTOR_VERSION}.{}", MAGIC[3])),
            fingerprint,
            readers: Mutex::default(),
            present: Mutex::default(),
            queued: Mutex::default(),
            writer: Mutex::default(),
            pruned: Mutex::default(),
        }
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

    /// The database file.
    pub fn database(&self) -> PathBuf {
        self.root.join(DATABASE)
    }

    pub fn get(&self, blob: BlobId) -> Lookup {
        if !self.holds(blob) {
            return Lookup::Miss;
        }
        let pooled = self.readers.lock().expect("no panics while holding the lock").pop();
        let Some(conn) = pooled.or_else(|| self.open_reader()) else { return Lookup::Miss };
        // Decoded straight from the row; a value that is not bytes is as corrupt as a bad checksum.
        let found =
            conn.prepare_cached("SELECT data FROM entries WHERE blob = ?1 AND fingerprint = ?2").and_then(|mut s| {
                s.query_row((&blob.0[..], self.fingerprint as i64), |r| {
                    Ok(match r.get_ref(0)? {
                        ValueRef::Blob(b) | ValueRef::Text(b) => {
                            decode(b, self.fingerprint).map_or(Lookup::Corrupt, Lookup::Hit)
                        }
                        _ => Lookup::Corrupt,
                    })
                })
                .optional()
            });
        self.readers.lock().expect("no panics while holding the lock").push(conn);
        found.ok().flatten().unwrap_or(Lookup::Miss)
    }

    fn holds(&self, blob: BlobId) -> bool {
        let mut present = self.present.lock().expect("no panics while holding the lock");
        present.get_or_insert_with(|| self.read_present()).contains(&blob)
    }

    fn read_present(&self) -> FxHashSet<BlobId> {
        let Some(conn) = self.open_reader() else { return FxHashSet::default() };
        let mut present = FxHashSet::default();
        let read = conn.prepare("SELECT blob FROM entries WHERE fingerprint = ?1").and_then(|mut s| {
            let mut rows = s.query([self.fingerprint as i64])?;
            while let Some(row) = rows.next()? {
                if let Ok(id) = <[u8; 20]>::try_from(row.get_ref(0)?.as_blob().unwrap_or_default()) {
                    present.insert(BlobId(id));
                }
            }
            Ok(())
        });
        if read.is_err() {
            // Unreadable: every lookup misses, and the first write replaces or reports it.
            present.clear();
        }
        self.readers.lock().expect("no panics while holding the lock").push(conn);
        present
    }

    /// `None` while there is no database yet (or it cannot be read: every lookup misses, and
    /// the first write says why).
    fn open_reader(&self) -> Option<Connection> {
        let conn = Connection::open_with_flags(
            self.database(),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .ok()?;
        conn.busy_timeout(BUSY_TIMEOUT).ok()?;
        Some(conn)
    }

    /// Queues an entry; every `BATCH` entries the caller stores the batch in one transaction.
    /// Errors are returned for the caller to count and report once; a cache that cannot be
    /// written never fails the analysis.
    pub fn put(&self, blob: BlobId, symbols: &FileSymbols) -> std::io::Result<()> {
        let entry = (blob, encode(symbols, self.fingerprint));
        let batch = {
            let mut queued = self.queued.lock().expect("no panics while holding the lock");
            queued.push(entry);
            if queued.len() < BATCH {
                return Ok(());
            }
            std::mem::take(&mut *queued)
        };
        self.store(batch)
    }

    /// Stores everything queued.
    pub fn flush(&self) -> std::io::Result<()> {
        let batch = std::mem::take(&mut *self.queued.lock().expect("no panics while holding the lock"));
        self.store(batch)
    }

    fn store(&self, batch: Vec<(BlobId, Vec<u8>)>) -> std::io::Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let mut writer = self.writer.lock().expect("no panics while holding the lock");
        if writer.is_none() {
            *writer = Some(self.open_writer()?);
        }
        let conn = writer.as_mut().expect("opened above");
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(io_error)?;
        {
            let mut insert = tx
                .prepare_cached("INSERT OR REPLACE INTO entries (blob, fingerprint, data) VALUES (?1, ?2, ?3)")
                .map_err(io_error)?;
            for (blob, data) in &batch {
                insert.execute((&blob.0[..], self.fingerprint as i64, data)).map_err(io_error)?;
            }
        }
        tx.commit().map_err(io_error)?;
        if let Some(present) = self.present.lock().expect("no panics while holding the lock").as_mut() {
            present.extend(batch.iter().map(|(blob, _)| *blob));
        }
        Ok(())
    }

    /// The older versions' directories this cache removed and has not reported yet.
    pub fn take_pruned(&self) -> Vec<PrunedCache> {
        std::mem::take(&mut *self.pruned.lock().expect("no panics while holding the lock"))
    }

    /// Opens (creating if needed) the database for writing. A file that is not a database is
    /// ours to replace: it is the cache, and it is rebuilt. Creating this version's directory
    /// is the moment older versions' directories become garbage (`prune`).
    fn open_writer(&self) -> std::io::Result<Connection> {
        let fresh = !self.root.exists();
        fs::create_dir_all(&self.root)?;
        if let (true, Some(parent)) = (fresh, self.root.parent()) {
            let removed = prune::older_versions(parent, (EXTRACTOR_VERSION, u32::from(MAGIC[3])));
            self.pruned.lock().expect("no panics while holding the lock").extend(removed);
        }
        let open = || -> rusqlite::Result<Connection> {
            let conn = Connection::open(self.database())?;
            conn.busy_timeout(BUSY_TIMEOUT)?;
            retry_while_busy(|| conn.execute_batch(SCHEMA))?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            Ok(conn)
        };
        match open() {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) =>
            {
                self.readers.lock().expect("no panics while holding the lock").clear();
                for suffix in ["", "-wal", "-shm"] {
                    let _ = fs::remove_file(self.root.join(format!("{DATABASE}{suffix}")));
                }
                open().map_err(io_error)
            }
            other => other.map_err(io_error),
        }
    }
}

/// Runs `f` again while SQLite answers "database is locked", for up to `BUSY_TIMEOUT`.
/// `PRAGMA journal_mode = WAL` needs the database to itself and fails at once, without the busy
/// handler, while another process is creating the same database: two cold runs started
/// together lost one of their caches to that a quarter of the time.
fn retry_while_busy<T>(mut f: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let started = std::time::Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        match f() {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            other => return other,
        }
    }
}

impl Drop for Cache {
    fn drop(&mut self) {
        // Best effort: an error here has nobody left to report it to, and costs only re-parsing.
        let _ = self.flush();
    }
}

fn io_error(e: rusqlite::Error) -> std::io::Error {
    std::io::Error::other(e)
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
        assert!(matches!(cache.get(blob), Lookup::Miss), "queued, not yet stored");
        cache.flush().unwrap();
        assert!(matches!(cache.get(blob), Lookup::Hit(s) if s == sample()));

        let db = Connection::open(cache.database()).unwrap();
        let mut data: Vec<u8> = db.query_row("SELECT data FROM entries", [], |r| r.get(0)).unwrap();
        let set = |data: &[u8]| db.execute("UPDATE entries SET data = ?1", [data]).unwrap();
        let last = data.len() - 1;
        data[last] ^= 0xff;
        set(&data);
        assert!(matches!(cache.get(blob), Lookup::Corrupt));
        set(&data[..10]);
        assert!(matches!(cache.get(blob), Lookup::Corrupt));
        db.execute("UPDATE entries SET data = 42", []).unwrap();
        assert!(matches!(cache.get(blob), Lookup::Corrupt));
        cache.put(blob, &sample()).unwrap();
        cache.flush().unwrap();
        assert!(matches!(cache.get(blob), Lookup::Hit(_)), "rewritten");
    }

    #[test]
    fn batches_are_stored_when_full_and_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let blobs: Vec<BlobId> =
            (0..BATCH + 3).map(|i| BlobId(std::array::from_fn(|j| (i >> (j % 2 * 8)) as u8))).collect();
        let cache = Cache::new(dir.path(), 1);
        for &b in &blobs {
            cache.put(b, &sample()).unwrap();
        }
        assert!(matches!(cache.get(blobs[0]), Lookup::Hit(_)), "a full batch is stored at once");
        assert!(matches!(cache.get(blobs[BATCH]), Lookup::Miss));
        drop(cache);
        let again = Cache::new(dir.path(), 1);
        assert!(blobs.iter().all(|&b| matches!(again.get(b), Lookup::Hit(_))));
    }

    #[test]
    fn another_fingerprint_does_not_see_the_entry() {
        let dir = tempfile::tempdir().unwrap();
        let blob = BlobId([9; 20]);
        Cache::new(dir.path(), 1).put(blob, &sample()).unwrap();
        assert!(matches!(Cache::new(dir.path(), 2).get(blob), Lookup::Miss));
        assert!(matches!(Cache::new(dir.path(), 1).get(blob), Lookup::Hit(_)));
    }

    #[test]
    fn a_file_that_is_not_a_database_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path(), 1);
        fs::create_dir_all(cache.root()).unwrap();
        fs::write(cache.database(), b"not a database, only text that is long enough to be read").unwrap();
        let blob = BlobId([5; 20]);
        assert!(matches!(cache.get(blob), Lookup::Miss));
        cache.put(blob, &sample()).unwrap();
        cache.flush().unwrap();
        assert!(matches!(cache.get(blob), Lookup::Hit(_)));
    }
}
