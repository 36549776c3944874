//! Diff-to-symbols of one commit and `check` of a 10-patch series on a warm cache.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use revertcheck::check::{self, CheckContext};
use revertcheck::index::IndexConfig;
use revertcheck::lang::IdiomTable;
use revertcheck::policy::Policy;
use revertcheck::repo::Repo;

fn bench(c: &mut Criterion) {
    let input = common::input();
    let repo = Repo::discover(&input.repo).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let config = IndexConfig::new(IdiomTable::builtin(), Some(cache.path())).unwrap();
    let policy = Policy::load(None, None).unwrap();
    let (steps, _) = check::commit_steps(&repo, std::slice::from_ref(&input.series)).unwrap();
    println!("check input: {} ({}, {} patches)", input.label, input.series, steps.len());
    let ctx = CheckContext { repo: &repo, config: &config, policy: &policy, maintainers: None, depth: 3 };
    check::check(&ctx, &steps, "bench", Vec::new()).unwrap(); // fills the cache
    let mut g = c.benchmark_group("check");
    g.sample_size(10);
    g.bench_function("series_warm", |b| {
        b.iter(|| check::check(&ctx, &steps, "bench", Vec::new()).unwrap().steps.len())
    });
    g.bench_function("one_commit_warm", |b| {
        b.iter(|| check::check(&ctx, &steps[..1], "bench", Vec::new()).unwrap().steps.len())
    });
    g.bench_function("diff_one_commit", |b| {
        b.iter(|| repo.diff_trees(Some(steps[0].old_tree), steps[0].new_tree).unwrap().len())
    });
    g.bench_function("git_diff_tree", |b| {
        b.iter(|| {
            std::process::Command::new("git")
                .arg("-C")
                .arg(&input.repo)
                .args(["diff-tree", "-p", "-U0", steps[0].commit.unwrap().hex().as_str()])
                .output()
                .unwrap()
                .stdout
                .len()
        })
    });
    g.finish();
    common::report_ratio("check", "diff_one_commit", "git_diff_tree");
    common::report_ratio("check", "series_warm", "one_commit_warm");
}

criterion_group!(benches, bench);
criterion_main!(benches);
