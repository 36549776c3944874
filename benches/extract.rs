//! Extraction of single files and of a 200-file sample, against a raw tree-sitter parse of the
//! same bytes (the floor: extraction parses, then walks).

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use revertcheck::lang::{raw_parse_node_count, raw_parser, Extractor, IdiomTable, Limits, Queries};
use revertcheck::repo::Repo;

fn blobs() -> Vec<Vec<u8>> {
    let input = common::input();
    let repo = Repo::discover(&input.repo).unwrap();
    let tree = repo.tree_of(repo.resolve(&input.head).unwrap()).unwrap();
    let files = repo.c_files(tree, 4 << 20).unwrap().files;
    // Every n-th file: a sample spread over the whole tree.
    let step = (files.len() / 200).max(1);
    files.iter().step_by(step).take(200).map(|f| repo.read_blob(f.blob).unwrap()).collect()
}

fn bench(c: &mut Criterion) {
    let sample = blobs();
    let largest = sample.iter().max_by_key(|b| b.len()).unwrap().clone();
    let queries = Queries::load().unwrap();
    let idioms = IdiomTable::builtin();
    for (group, data) in [("extract_largest", vec![largest]), ("extract_sample200", sample)] {
        let mut g = c.benchmark_group(group);
        g.sample_size(10);
        g.bench_function("raw_parse", |b| {
            let mut parser = raw_parser();
            b.iter(|| data.iter().map(|d| raw_parse_node_count(&mut parser, d)).sum::<usize>())
        });
        g.bench_function("extract", |b| {
            let mut e = Extractor::new(&queries, &idioms, Limits::default());
            b.iter(|| data.iter().map(|d| e.extract(d).references.len()).sum::<usize>())
        });
        g.finish();
        common::report_ratio(group, "extract", "raw_parse");
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
