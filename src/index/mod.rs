//! Index of a revision: every C file of its tree turned into `FileSymbols`, unique blobs parsed
//! in parallel (one parser per rayon worker), results taken from and added to the blob cache.
//!
//! Indexing never fails because of a file's contents: unreadable, oversized or damaged files are
//! counted and reported in `IndexStats`. It fails only when the revision or repository cannot
//! be read at all.

mod cache;

pub use cache::{Cache, Lookup};

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::error::Result;
use crate::facts::FileSymbols;
use crate::lang::{Extractor, IdiomTable, Limits, Queries};
use crate::repo::{BlobId, CommitId, Repo, Skip};

/// How to index: limits, idioms and the cache. Built once by the CLI layer and passed down.
pub struct IndexConfig {
    pub idioms: IdiomTable,
    pub limits: Limits,
    /// Files larger than this are skipped and reported.
    pub max_file_size: u64,
    pub cache: Option<Cache>,
    pub queries: Queries,
}

impl IndexConfig {
    pub fn new(idioms: IdiomTable, cache_dir: Option<&std::path::Path>) -> Result<IndexConfig, String> {
        let queries = Queries::load()?;
        let cache = cache_dir.map(|d| Cache::new(d, idioms.fingerprint()));
        Ok(IndexConfig { idioms, limits: Limits::default(), max_file_size: 4 << 20, cache, queries })
    }
}

/// One indexed file.
#[derive(Clone, Debug)]
pub struct IndexedFile {
    pub path: String,
    pub blob: BlobId,
    pub size: u64,
    pub symbols: Arc<FileSymbols>,
    /// The bytes were not valid UTF-8; they were parsed as they are (identifiers are ASCII).
    pub non_utf8: bool,
}

/// Counts for the `index` report.
#[derive(Clone, Debug, Default, Serialize)]
pub struct IndexStats {
    pub files: usize,
    pub bytes: u64,
    pub unique_blobs: usize,
    pub parsed: usize,
    pub cache_hits: usize,
    pub cache_corrupt: usize,
    /// The first error met writing the cache, if any (the run goes on without storing).
    pub cache_write_error: Option<String>,
    pub files_with_parse_errors: usize,
    pub files_timed_out: usize,
    pub non_utf8: Vec<String>,
    pub binary: Vec<String>,
    pub skipped: Vec<Skip>,
    pub elapsed_ms: u128,
}

/// The index of one revision: files sorted by path.
pub struct Index {
    pub commit: CommitId,
    pub files: Vec<IndexedFile>,
    pub stats: IndexStats,
}

/// Indexes the C files of `commit`.
pub fn index_commit(repo: &Repo, commit: CommitId, config: &IndexConfig) -> Result<Index> {
    let started = Instant::now();
    let tree = repo.c_files(commit, config.max_file_size)?;
    let mut unique: Vec<BlobId> = tree.files.iter().map(|f| f.blob).collect();
    unique.sort_unstable();
    unique.dedup();
    let (by_blob, mut stats) = extract_blobs(repo, &unique, config)?;

    let mut files = Vec::with_capacity(tree.files.len());
    for f in tree.files {
        let Some(entry) = by_blob.get(&f.blob) else { continue };
        match entry {
            BlobResult::Binary => stats.binary.push(f.path.clone()),
            BlobResult::Parsed { symbols, non_utf8 } => {
                if *non_utf8 {
                    stats.non_utf8.push(f.path.clone());
                }
                if !symbols.health.is_clean() {
                    stats.files_with_parse_errors += 1;
                }
                if symbols.health.timed_out {
                    stats.files_timed_out += 1;
                }
                stats.bytes += f.size;
                files.push(IndexedFile {
                    path: f.path,
                    blob: f.blob,
                    size: f.size,
                    symbols: symbols.clone(),
                    non_utf8: *non_utf8,
                });
            }
        }
    }
    stats.files = files.len();
    stats.skipped = tree.skipped;
    stats.elapsed_ms = started.elapsed().as_millis();
    Ok(Index { commit, files, stats })
}

enum BlobResult {
    Parsed {
        symbols: Arc<FileSymbols>,
        non_utf8: bool,
    },
    /// Holds a NUL byte: not C text.
    Binary,
}

/// Extracts (or loads from the cache) every blob in `blobs`, in parallel.
fn extract_blobs(
    repo: &Repo,
    blobs: &[BlobId],
    config: &IndexConfig,
) -> Result<(HashMap<BlobId, BlobResult>, IndexStats)> {
    let hits = AtomicUsize::new(0);
    let corrupt = AtomicUsize::new(0);
    let parsed = AtomicUsize::new(0);
    let write_error: Mutex<Option<String>> = Mutex::new(None);
    let git_dir = repo.git_dir().to_path_buf();
    let results: Vec<Result<(BlobId, BlobResult)>> = blobs
        .par_iter()
        .map_init(
            || (Repo::open_git_dir(&git_dir), Extractor::new(&config.queries, &config.idioms, config.limits)),
            |(worker_repo, extractor), &blob| {
                let worker_repo = worker_repo.as_ref().map_err(|e| crate::error::Error::Git {
                    context: "opening the repository".into(),
                    message: e.to_string(),
                })?;
                if let Some(cache) = &config.cache {
                    match cache.get(blob) {
                        Lookup::Hit(symbols) => {
                            hits.fetch_add(1, Ordering::Relaxed);
                            let non_utf8 = symbols.health.non_utf8;
                            return Ok((blob, BlobResult::Parsed { symbols: Arc::new(symbols), non_utf8 }));
                        }
                        Lookup::Corrupt => {
                            corrupt.fetch_add(1, Ordering::Relaxed);
                        }
                        Lookup::Miss => {}
                    }
                }
                let bytes = worker_repo.read_blob(blob)?;
                if bytes.contains(&0) {
                    return Ok((blob, BlobResult::Binary));
                }
                let symbols = extractor.extract(&bytes);
                let non_utf8 = symbols.health.non_utf8;
                parsed.fetch_add(1, Ordering::Relaxed);
                if let Some(cache) = &config.cache {
                    if let Err(e) = cache.put(blob, &symbols) {
                        let mut slot = write_error.lock().expect("no panics while holding the lock");
                        slot.get_or_insert_with(|| format!("{}: {e}", cache.root().display()));
                    }
                }
                Ok((blob, BlobResult::Parsed { symbols: Arc::new(symbols), non_utf8 }))
            },
        )
        .collect();
    let mut map = HashMap::with_capacity(results.len());
    for r in results {
        let (blob, result) = r?;
        map.insert(blob, result);
    }
    let stats = IndexStats {
        unique_blobs: blobs.len(),
        parsed: parsed.into_inner(),
        cache_hits: hits.into_inner(),
        cache_corrupt: corrupt.into_inner(),
        cache_write_error: write_error.into_inner().expect("no panics while holding the lock"),
        ..Default::default()
    };
    Ok((map, stats))
}
