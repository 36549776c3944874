//! Audit: the revert analysis of the 100 newest non-merge commits at HEAD, in parallel, sharing
//! one target index and one history window (what `revertcheck audit` does), on a warm cache.
//! Prints the cost per commit (the target is 20 ms at QEMU scale). Reference: `git log -p` of
//! the same 100 commits, the floor of reading their diffs.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use rayon::prelude::*;
use revertcheck::history::History;
use revertcheck::repo::Repo;
use revertcheck::revert::{analyse, RevertLimits};

fn bench(c: &mut Criterion) {
    let input = common::input();
    let common::WarmTarget { repo, config, head, target, .. } = common::warm_target(&input);
    let limits = RevertLimits::audit();
    let commits: Vec<_> = repo
        .walk(head, &[])
        .unwrap()
        .into_iter()
        .filter(|&c| repo.commit_info(c).unwrap().parents.len() == 1)
        .take(100)
        .collect();
    let window = History::window(&repo, head, &commits).unwrap();
    let git_dir = repo.git_dir().to_path_buf();
    let audit = || {
        commits
            .par_iter()
            .map_init(
                || Repo::open_git_dir(&git_dir).unwrap(),
                |r, &c| analyse(r, &target, &window, c, None, &config, limits).unwrap().age_commits,
            )
            .sum::<usize>()
    };
    audit(); // fills the cache with the commits' own blobs
    let mut g = c.benchmark_group("audit");
    g.sample_size(10);
    g.bench_function("100_commits", |b| b.iter(audit));
    g.bench_function("git_log_p", |b| {
        b.iter(|| {
            std::process::Command::new("git")
                .arg("-C")
                .arg(&input.repo)
                .args(["log", "--no-merges", "-n", "100", "-p", "--format=%H", &input.head])
                .output()
                .unwrap()
                .stdout
                .len()
        })
    });
    g.finish();
    common::report_ratio("audit", "100_commits", "git_log_p");
    if let Some(ns) = common::median_ns("audit", "100_commits") {
        println!("audit: {:.1} ms per commit ({} commits)", ns / 1e6 / commits.len() as f64, commits.len());
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
