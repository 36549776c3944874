//! Symbol table + dependency graph from a warm index, and 1,000 dependents queries.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use revertcheck::graph::DepGraph;
use revertcheck::index::{index_tree, IndexConfig};
use revertcheck::lang::IdiomTable;
use revertcheck::repo::Repo;
use revertcheck::symbols::{SymbolId, SymbolTable};

fn bench(c: &mut Criterion) {
    let input = common::input();
    let repo = Repo::discover(&input.repo).unwrap();
    let tree = repo.tree_of(repo.resolve(&input.head).unwrap()).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let config = IndexConfig::new(IdiomTable::builtin(), Some(cache.path())).unwrap();
    let index = index_tree(&repo, tree, &config).unwrap();
    let mut g = c.benchmark_group("graph");
    g.sample_size(10);
    g.bench_function("warm_index", |b| b.iter(|| index_tree(&repo, tree, &config).unwrap().files.len()));
    g.bench_function("table_and_graph", |b| {
        b.iter(|| {
            let table = SymbolTable::build(&index);
            DepGraph::build(&index, &table).stats.edges
        })
    });
    let table = SymbolTable::build(&index);
    let graph = DepGraph::build(&index, &table);
    let step = (table.symbols.len() / 1000).max(1);
    let ids: Vec<SymbolId> = (0..table.symbols.len()).step_by(step).take(1000).map(|i| SymbolId(i as u32)).collect();
    g.bench_function("dependents_1000", |b| {
        b.iter(|| ids.iter().map(|&id| graph.dependents(graph.symbol_node(id)).len()).sum::<usize>())
    });
    g.finish();
    common::report_ratio("graph", "table_and_graph", "warm_index");
}

criterion_group!(benches, bench);
criterion_main!(benches);
