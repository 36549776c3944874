//! Cold index (empty cache) and warm index (everything cached) of a whole tree, against a raw
//! tree-sitter parse of the same blobs on the same threads, and Universal Ctags on a checkout
//! of the same tree when `ctags` is installed.

mod common;

use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion};
use rayon::prelude::*;
use revertcheck::index::{index_tree, IndexConfig};
use revertcheck::lang::{raw_parse_node_count, raw_parser, IdiomTable};
use revertcheck::repo::Repo;

fn bench(c: &mut Criterion) {
    let input = common::input();
    let repo = Repo::discover(&input.repo).unwrap();
    let tree = repo.tree_of(repo.resolve(&input.head).unwrap()).unwrap();
    let blobs: Vec<Vec<u8>> =
        repo.c_files(tree, 4 << 20).unwrap().files.iter().map(|f| repo.read_blob(f.blob).unwrap()).collect();
    let mb = blobs.iter().map(Vec::len).sum::<usize>() as f64 / 1e6;
    println!("index input: {} ({} C files, {mb:.1} MB)", input.label, blobs.len());

    let mut g = c.benchmark_group("index_cold");
    g.sample_size(10);
    g.bench_function("raw_parse", |b| {
        b.iter(|| blobs.par_iter().map_init(raw_parser, |p, d| raw_parse_node_count(p, d)).sum::<usize>())
    });
    // A fresh cache directory per iteration, made and removed outside the timing (removing
    // 7,000 entries is the file system's work, not the index's).
    g.bench_function("index", |b| {
        b.iter_batched(
            || tempfile::tempdir().unwrap(),
            |dir| {
                let config = IndexConfig::new(IdiomTable::builtin(), Some(dir.path())).unwrap();
                index_tree(&repo, tree, &config).unwrap();
                dir
            },
            criterion::BatchSize::PerIteration,
        )
    });
    if Command::new("ctags").arg("--version").output().is_ok_and(|o| o.status.success()) {
        let checkout = tempfile::tempdir().unwrap();
        let archive = Command::new("git").arg("-C").arg(&input.repo).args(["archive", &input.head]).output().unwrap();
        let mut tar = Command::new("tar")
            .arg("-x")
            .arg("-C")
            .arg(checkout.path())
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(tar.stdin.as_mut().unwrap(), &archive.stdout).unwrap();
        drop(tar.stdin.take());
        assert!(tar.wait().unwrap().success());
        g.bench_function("ctags", |b| {
            b.iter(|| {
                let out = Command::new("ctags")
                    .current_dir(checkout.path())
                    .args(["-R", "--languages=C", "--langmap=C:.c.h.inc", "--kinds-C=f", "-x", "-f", "/dev/null", "."])
                    .output()
                    .unwrap();
                out.stdout.len()
            })
        });
    } else {
        println!("ctags not installed: no Universal Ctags reference (apt-get install universal-ctags)");
    }
    g.finish();
    common::report_ratio("index_cold", "index", "raw_parse");
    common::report_ratio("index_cold", "index", "ctags");

    let cache = tempfile::tempdir().unwrap();
    let config = IndexConfig::new(IdiomTable::builtin(), Some(cache.path())).unwrap();
    index_tree(&repo, tree, &config).unwrap();
    let mut g = c.benchmark_group("index_warm");
    g.sample_size(10);
    g.bench_function("index", |b| b.iter(|| index_tree(&repo, tree, &config).unwrap().files.len()));
    g.bench_function("git_ls_tree", |b| {
        b.iter(|| {
            Command::new("git")
                .arg("-C")
                .arg(&input.repo)
                .args(["ls-tree", "-r", "-l", &input.head])
                .output()
                .unwrap()
                .stdout
                .len()
        })
    });
    g.finish();
    common::report_ratio("index_warm", "index", "git_ls_tree");
}

criterion_group!(benches, bench);
criterion_main!(benches);
