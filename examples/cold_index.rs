//! Cold index against raw tree-sitter parse, each in a fresh process: what the cold-index
//! target of benches/README.md is judged by. (criterion runs every sample in one long-lived
//! process, where allocator and file-system state left by earlier samples shows up.)
//!
//! ```sh
//! cargo build --release --example cold_index
//! for m in raw extract index; do target/release/examples/cold_index $QEMU_GIT_DIR ece408818d27 $m; done
//! ```
//!
//! Modes, each timed from the first byte of work to the result:
//! - `raw`: tree-sitter parse of every C blob of the revision (read beforehand, untimed);
//! - `extract`: our extraction of the same bytes (masking, parse, queries, hashes), no cache;
//! - `index`: `index_tree` into an empty cache directory: listing, reading blobs from git,
//!   extraction, cache writes. What `revertcheck index` does on a fresh machine.
//!
//! `RAYON_NUM_THREADS=1` for one-thread figures. An optional fifth argument `every=N` keeps
//! every Nth C file (by path) for `raw` and `extract`: instruction counts under
//! `valgrind --tool=callgrind`, which the machine's noise does not reach, on a sample small
//! enough to run in a minute.

use std::time::Instant;

use rayon::prelude::*;
use revertcheck::index::{index_tree, IndexConfig};
use revertcheck::lang::{raw_parse_node_count, raw_parser, Extractor, IdiomTable, Limits, Queries};
use revertcheck::repo::Repo;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (repo, rev, mode, every) = match &args[..] {
        [_, repo, rev, mode] => (repo, rev, mode, 1),
        [_, repo, rev, mode, every]
            if every.strip_prefix("every=").is_some_and(|n| n.parse::<usize>().is_ok_and(|n| n > 0)) =>
        {
            (repo, rev, mode, every["every=".len()..].parse().expect("checked"))
        }
        _ => {
            eprintln!("usage: cold_index <git dir> <revision> raw|extract|index [every=N]");
            std::process::exit(2);
        }
    };
    let repo = Repo::discover(std::path::Path::new(repo)).expect("a git repository");
    let tree = repo.tree_of(repo.resolve(rev).expect("a revision")).expect("its tree");
    if mode == "index" {
        let cache = tempfile::tempdir().expect("a temporary directory");
        let started = Instant::now();
        let config = IndexConfig::new(IdiomTable::builtin(), Some(cache.path())).expect("grammars/c loads");
        let index = index_tree(&repo, tree, &config).expect("the index");
        drop(config); // stores the last cache batch
        println!("index: {} files in {:.3} s", index.files.len(), started.elapsed().as_secs_f64());
        return;
    }
    let files = repo.c_files(tree, 4 << 20).expect("the C files");
    let blobs: Vec<Vec<u8>> =
        files.files.iter().step_by(every).map(|f| repo.read_blob(f.blob).expect("the blob")).collect();
    let started = Instant::now();
    match mode.as_str() {
        "raw" => {
            let nodes: usize = blobs.par_iter().map_init(raw_parser, |p, b| raw_parse_node_count(p, b)).sum();
            println!("raw: {nodes} nodes in {:.3} s", started.elapsed().as_secs_f64());
        }
        "extract" => {
            let (queries, idioms) = (Queries::load().expect("grammars/c loads"), IdiomTable::builtin());
            let defs: usize = blobs
                .par_iter()
                .map_init(
                    || Extractor::new(&queries, &idioms, Limits::default()),
                    |e, b| e.extract(b).definitions.len(),
                )
                .sum();
            println!("extract: {defs} definitions in {:.3} s", started.elapsed().as_secs_f64());
        }
        other => {
            eprintln!("unknown mode `{other}`: raw, extract or index");
            std::process::exit(2);
        }
    }
}
