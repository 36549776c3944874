//! Revert analysis of one commit at HEAD on a warm cache (the target index built once), against
//! `git merge-tree --write-tree --merge-base=<c> HEAD <c>^` in a scratch shared clone (merge-tree
//! writes objects: never in the analysed repository).

mod common;

use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion};
use revertcheck::history::History;
use revertcheck::revert::{analyse, RevertLimits};

fn bench(c: &mut Criterion) {
    let input = common::input();
    let common::WarmTarget { repo, config, head, target, .. } = common::warm_target(&input);
    let commit = repo.resolve(&input.revert).unwrap();
    let history = History::window(&repo, head, &[commit]).unwrap();
    let limits = RevertLimits { max_blames: 0, max_line_diffs: 0, revert_set_depth: 1 };
    let scratch = tempfile::tempdir().unwrap();
    let clone = scratch.path().join("c.git");
    let ok = Command::new("git")
        .args(["clone", "-q", "--bare", "--shared"])
        .arg(&input.repo)
        .arg(&clone)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let mut g = c.benchmark_group("revert");
    g.sample_size(10);
    g.bench_function("analyse_warm", |b| {
        b.iter(|| analyse(&repo, &target, &history, commit, None, &config, limits).unwrap().verdict)
    });
    g.bench_function("textual_only", |b| b.iter(|| repo.revert_in_memory(commit, head, None).unwrap().conflicts.len()));
    g.bench_function("git_merge_tree", |b| {
        b.iter(|| {
            Command::new("git")
                .arg("--git-dir")
                .arg(&clone)
                .args([
                    "merge-tree",
                    "--write-tree",
                    &format!("--merge-base={}", commit.hex()),
                    &head.hex(),
                    &format!("{}^", commit.hex()),
                ])
                .output()
                .unwrap()
                .stdout
                .len()
        })
    });
    g.finish();
    common::report_ratio("revert", "textual_only", "git_merge_tree");
    common::report_ratio("revert", "analyse_warm", "git_merge_tree");
}

criterion_group!(benches, bench);
criterion_main!(benches);
