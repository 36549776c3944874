//! Index of a revision: every C file of its tree turned into `FileSymbols`, unique blobs parsed
//! in parallel (one parser per rayon worker), results taken from and added to the blob cache.
//!
//! Indexing never fails because of a file's contents: unreadable, oversized or damaged files are
//! counted and reported in `IndexStats`. It fails only when the revision or repository cannot
//! be read at all.

mod cache;
mod prune;

pub use cache::{Cache, Lookup};
pub use prune::PrunedCache;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::error::Result;
use crate::facts::FileSymbols;
use crate::lang::{Extractor, GeneratedHeaders, GeneratorTable, IdiomTable, Limits, Queries};
use crate::repo::{BlobId, Repo, Skip, TreeId};

/// How to index: limits, idioms and the cache. Built once by the CLI layer and passed down.
pub struct IndexConfig {
    pub idioms: IdiomTable,
    /// Build-time generators whose input files are indexed beside the C files.
    pub generators: GeneratorTable,
    pub limits: Limits,
    /// Files larger than this are skipped and reported.
    pub max_file_size: u64,
    pub cache: Option<Cache>,
    pub queries: Queries,
    /// Recently extracted blobs, for `file_symbols`.
    pub memo: Memo,
    /// Generator inputs read, by (table and path, blob).
    pub generated_memo: Mutex<HashMap<BlobId, Arc<FileSymbols>>>,
}

/// The extraction results `file_symbols` gave last, shared by all threads. Revert analysis
/// asks for the same blobs again and again (every later version of a file, for every commit
/// that touched it), and decoding a cache entry costs far more than this lookup. Two
/// generations of at most `MEMO_GENERATION` blobs each approximate a bounded LRU.
#[derive(Default)]
pub struct Memo {
    generations: Mutex<[HashMap<BlobId, Arc<FileSymbols>>; 2]>,
}

const MEMO_GENERATION: usize = 2048;

impl Memo {
    fn get(&self, blob: BlobId) -> Option<Arc<FileSymbols>> {
        let mut g = self.generations.lock().expect("no panics while holding the lock");
        if let Some(s) = g[0].get(&blob) {
            return Some(s.clone());
        }
        let s = g[1].remove(&blob)?;
        Self::insert_into(&mut g, blob, s.clone());
        Some(s)
    }

    fn insert(&self, blob: BlobId, symbols: Arc<FileSymbols>) {
        let mut g = self.generations.lock().expect("no panics while holding the lock");
        Self::insert_into(&mut g, blob, symbols);
    }

    fn insert_into(g: &mut [HashMap<BlobId, Arc<FileSymbols>>; 2], blob: BlobId, symbols: Arc<FileSymbols>) {
        if g[0].len() >= MEMO_GENERATION {
            g[1] = std::mem::take(&mut g[0]);
        }
        g[0].insert(blob, symbols);
    }
}

impl IndexConfig {
    pub fn new(idioms: IdiomTable, cache_dir: Option<&std::path::Path>) -> Result<IndexConfig, String> {
        let queries = Queries::load()?;
        let cache = cache_dir.map(|d| Cache::new(d, idioms.fingerprint()));
        Ok(IndexConfig {
            idioms,
            generators: GeneratorTable::builtin(),
            limits: Limits::default(),
            max_file_size: 4 << 20,
            cache,
            queries,
            memo: Memo::default(),
            generated_memo: Mutex::default(),
        })
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
    /// A build-time generator's input (trace-events, `.decode`, QAPI, `.hx`): the generated
    /// files it stands for.
    pub generated: Option<GeneratedHeaders>,
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
    /// Directories of older cache versions removed when this version's was created.
    pub cache_pruned: Vec<PrunedCache>,
    pub files_with_parse_errors: usize,
    pub files_timed_out: usize,
    /// Of `files`, build-time generator inputs (not C).
    pub generator_inputs: usize,
    pub non_utf8: Vec<String>,
    pub binary: Vec<String>,
    pub skipped: Vec<Skip>,
    pub elapsed_ms: u128,
}

/// The index of one tree: files sorted by path.
pub struct Index {
    pub tree: TreeId,
    /// Includes made through macros (`#include HELPER_H`), from the generator table.
    pub computed_includes: Vec<crate::lang::ComputedInclude>,
    pub files: Vec<IndexedFile>,
    pub stats: IndexStats,
    /// The idioms the files were read with: the token-pasting ones name template instances.
    pub idioms: IdiomTable,
}

/// Indexes the C files of a tree.
pub fn index_tree(repo: &Repo, tree_id: TreeId, config: &IndexConfig) -> Result<Index> {
    let started = Instant::now();
    let tree = repo.source_files(tree_id, config.max_file_size, |path| config.generators.is_input(path))?;
    let (inputs, c_files): (Vec<_>, Vec<_>) = tree.files.into_iter().partition(|f| config.generators.is_input(&f.path));
    let tree = crate::repo::TreeFiles { files: c_files, skipped: tree.skipped };
    // Largest first: the biggest file (3.3 MB on QEMU) must not be the last one a worker
    // takes while the other workers sit idle.
    let mut by_size: Vec<(u64, BlobId)> = tree.files.iter().map(|f| (f.size, f.blob)).collect();
    by_size.sort_unstable_by(|a, b| b.cmp(a));
    by_size.dedup_by_key(|(_, blob)| *blob);
    let unique: Vec<BlobId> = by_size.into_iter().map(|(_, blob)| blob).collect();
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
                    generated: None,
                });
            }
        }
    }
    // From the cache, else read here and extracted in parallel (the QAPI schemas alone are
    // 0.7 MB).
    let mut read: Vec<Option<Arc<FileSymbols>>> =
        inputs.iter().map(|f| generated_cached(&f.path, f.blob, config)).collect();
    let missing: Vec<(usize, Vec<u8>)> = read
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_none())
        .map(|(i, _)| Ok((i, repo.read_blob(inputs[i].blob)?)))
        .collect::<Result<_>>()?;
    let extracted: Vec<(usize, Arc<FileSymbols>)> = missing
        .par_iter()
        .map(|(i, bytes)| (*i, generated_from_bytes(&inputs[*i].path, inputs[*i].blob, bytes, config)))
        .collect();
    for (i, symbols) in extracted {
        read[i] = Some(symbols);
    }
    if let Some(cache) = &config.cache {
        if let Err(e) = cache.flush() {
            stats.cache_write_error.get_or_insert_with(|| format!("{}: {e}", cache.root().display()));
        }
    }
    let read: Vec<Arc<FileSymbols>> = read.into_iter().map(|r| r.expect("every input read")).collect();
    for (f, symbols) in inputs.into_iter().zip(read) {
        let generator = config.generators.for_path(&f.path).expect("partitioned by is_input");
        stats.generator_inputs += 1;
        if !symbols.health.is_clean() {
            stats.files_with_parse_errors += 1;
        }
        stats.bytes += f.size;
        files.push(IndexedFile {
            non_utf8: symbols.health.non_utf8,
            generated: Some(generator.headers(&f.path)),
            path: f.path,
            blob: f.blob,
            size: f.size,
            symbols,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    stats.files = files.len();
    stats.skipped = tree.skipped;
    stats.elapsed_ms = started.elapsed().as_millis();
    Ok(Index {
        tree: tree_id,
        computed_includes: config.generators.computed_includes.clone(),
        files,
        stats,
        idioms: config.idioms.clone(),
    })
}

enum BlobResult {
    Parsed {
        symbols: Arc<FileSymbols>,
        non_utf8: bool,
    },
    /// Holds a NUL byte: not C text.
    Binary,
}

/// What a worker made of one blob.
enum Work {
    Done(BlobId, BlobResult),
    /// Not in the on-disk object database: an object of the caller's in-memory store (a patch
    /// applied from an mbox). The caller's handle reads it.
    InMemoryOnly(BlobId),
}

/// Extracts (or loads from the cache) every blob in `blobs`, in parallel.
fn extract_blobs(
    repo: &Repo,
    blobs: &[BlobId],
    config: &IndexConfig,
) -> Result<(HashMap<BlobId, BlobResult>, IndexStats)> {
    let counters = Counters::default();
    let git_dir = repo.git_dir().to_path_buf();
    let work: Vec<Result<Work>> = blobs
        .par_iter()
        .map_init(
            || (Repo::open_git_dir(&git_dir), Extractor::new(&config.queries, &config.idioms, config.limits)),
            |(worker_repo, extractor), &blob| {
                if let Some(done) = cached(config, &counters, blob) {
                    return Ok(done);
                }
                let Ok(worker_repo) = worker_repo.as_ref() else { return Ok(Work::InMemoryOnly(blob)) };
                match worker_repo.read_blob(blob) {
                    Ok(bytes) => Ok(Work::Done(blob, extract_one(extractor, config, &counters, blob, &bytes))),
                    Err(_) => Ok(Work::InMemoryOnly(blob)),
                }
            },
        )
        .collect();
    let mut map = HashMap::with_capacity(work.len());
    let mut in_memory = Vec::new();
    for w in work {
        match w? {
            Work::Done(blob, result) => {
                map.insert(blob, result);
            }
            Work::InMemoryOnly(blob) => in_memory.push((blob, repo.read_blob(blob)?)),
        }
    }
    let late: Vec<(BlobId, BlobResult)> = in_memory
        .par_iter()
        .map_init(
            || Extractor::new(&config.queries, &config.idioms, config.limits),
            |extractor, (blob, bytes)| (*blob, extract_one(extractor, config, &counters, *blob, bytes)),
        )
        .collect();
    map.extend(late);
    let mut cache_pruned = Vec::new();
    if let Some(cache) = &config.cache {
        if let Err(e) = cache.flush() {
            counters.note_write_error(cache, e);
        }
        cache_pruned = cache.take_pruned();
    }
    let stats = IndexStats {
        unique_blobs: blobs.len(),
        parsed: counters.parsed.into_inner(),
        cache_hits: counters.hits.into_inner(),
        cache_corrupt: counters.corrupt.into_inner(),
        cache_write_error: counters.write_error.into_inner().expect("no panics while holding the lock"),
        cache_pruned,
        ..Default::default()
    };
    Ok((map, stats))
}

#[derive(Default)]
struct Counters {
    hits: AtomicUsize,
    corrupt: AtomicUsize,
    parsed: AtomicUsize,
    write_error: Mutex<Option<String>>,
}

impl Counters {
    fn note_write_error(&self, cache: &Cache, e: std::io::Error) {
        let mut slot = self.write_error.lock().expect("no panics while holding the lock");
        slot.get_or_insert_with(|| format!("{}: {e}", cache.root().display()));
    }
}

fn cached(config: &IndexConfig, counters: &Counters, blob: BlobId) -> Option<Work> {
    let cache = config.cache.as_ref()?;
    match cache.get(blob) {
        Lookup::Hit(symbols) => {
            counters.hits.fetch_add(1, Ordering::Relaxed);
            let non_utf8 = symbols.health.non_utf8;
            Some(Work::Done(blob, BlobResult::Parsed { symbols: Arc::new(symbols), non_utf8 }))
        }
        Lookup::Corrupt => {
            counters.corrupt.fetch_add(1, Ordering::Relaxed);
            None
        }
        Lookup::Miss => None,
    }
}

fn extract_one(
    extractor: &mut Extractor,
    config: &IndexConfig,
    counters: &Counters,
    blob: BlobId,
    bytes: &[u8],
) -> BlobResult {
    if bytes.contains(&0) {
        return BlobResult::Binary;
    }
    let symbols = extractor.extract(bytes);
    let non_utf8 = symbols.health.non_utf8;
    counters.parsed.fetch_add(1, Ordering::Relaxed);
    if let Some(cache) = &config.cache {
        if let Err(e) = cache.put(blob, &symbols) {
            counters.note_write_error(cache, e);
        }
    }
    BlobResult::Parsed { symbols: Arc::new(symbols), non_utf8 }
}

/// Reads one build-time generator input, through the memo and the blob cache.
fn generated_symbols(repo: &Repo, path: &str, blob: BlobId, config: &IndexConfig) -> Result<Arc<FileSymbols>> {
    if let Some(symbols) = generated_cached(path, blob, config) {
        return Ok(symbols);
    }
    Ok(generated_from_bytes(path, blob, &repo.read_blob(blob)?, config))
}

/// The key of a generator input in the memo and the blob cache: the blob's id with the
/// generator's fingerprint folded into its last bytes (what a generator makes of the bytes
/// depends on which generator reads them, which the path decides).
fn generated_key(generator: &crate::lang::generators::Generator, blob: BlobId) -> BlobId {
    let mut key = blob.0;
    for (k, s) in key[12..].iter_mut().zip(generator.fingerprint.to_le_bytes()) {
        *k ^= s;
    }
    BlobId(key)
}

/// A generator input from the memo or the blob cache, if there.
fn generated_cached(path: &str, blob: BlobId, config: &IndexConfig) -> Option<Arc<FileSymbols>> {
    let key = generated_key(config.generators.for_path(path)?, blob);
    if let Some(symbols) = config.generated_memo.lock().expect("no panics while holding the lock").get(&key) {
        return Some(symbols.clone());
    }
    match config.cache.as_ref()?.get(key) {
        Lookup::Hit(symbols) => {
            let symbols = Arc::new(symbols);
            remember_generated(config, key, symbols.clone());
            Some(symbols)
        }
        Lookup::Corrupt | Lookup::Miss => None,
    }
}

fn remember_generated(config: &IndexConfig, key: BlobId, symbols: Arc<FileSymbols>) {
    let mut memo = config.generated_memo.lock().expect("no panics while holding the lock");
    if memo.len() >= MEMO_GENERATION {
        memo.clear();
    }
    memo.insert(key, symbols);
}

/// A generator input's bytes extracted by its generator, and kept in the memo and the cache.
fn generated_from_bytes(path: &str, blob: BlobId, bytes: &[u8], config: &IndexConfig) -> Arc<FileSymbols> {
    let Some(generator) = config.generators.for_path(path) else { return Arc::new(FileSymbols::default()) };
    let key = generated_key(generator, blob);
    if let Some(symbols) = config.generated_memo.lock().expect("no panics while holding the lock").get(&key) {
        return symbols.clone();
    }
    let symbols = Arc::new(if bytes.contains(&0) { FileSymbols::default() } else { generator.extract(bytes) });
    if let Some(cache) = &config.cache {
        // A cache that cannot be written only costs the next run this read.
        let _ = cache.put(key, &symbols);
    }
    remember_generated(config, key, symbols.clone());
    symbols
}

/// Is `path` one `file_symbols` reads: a C file or a generator input?
pub fn is_indexed_path(config: &IndexConfig, path: &str) -> bool {
    crate::repo::is_c_path(path) || config.generators.is_input(path)
}

/// Extracts one blob through the cache: what `changes` uses for the two sides of a diff. A
/// generator input (by its path) is read by its generator.
pub fn file_symbols(
    repo: &Repo,
    path: &str,
    blob: BlobId,
    config: &IndexConfig,
    extractor: &mut Extractor,
) -> Result<Arc<FileSymbols>> {
    if config.generators.is_input(path) {
        return generated_symbols(repo, path, blob, config);
    }
    if let Some(symbols) = config.memo.get(blob) {
        return Ok(symbols);
    }
    let counters = Counters::default();
    let symbols = match cached(config, &counters, blob) {
        Some(Work::Done(_, BlobResult::Parsed { symbols, .. })) => symbols,
        _ => match extract_one(extractor, config, &counters, blob, &repo.read_blob(blob)?) {
            BlobResult::Parsed { symbols, .. } => symbols,
            BlobResult::Binary => Arc::new(FileSymbols::default()),
        },
    };
    config.memo.insert(blob, symbols.clone());
    Ok(symbols)
}
