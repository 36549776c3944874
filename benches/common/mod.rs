//! What every bench shares: the input (QEMU when `REVERTCHECK_QEMU` names its git directory,
//! else the synthetic tree) and ratio reporting from criterion's own estimates.

#![allow(dead_code)]

pub mod synth;

use std::path::PathBuf;

use revertcheck::index::IndexConfig;
use revertcheck::lang::IdiomTable;
use revertcheck::repo::{CommitId, Repo};
use revertcheck::revert::Target;

/// The repository benches run on, and the revisions they use.
pub struct Input {
    pub repo: PathBuf,
    pub label: String,
    /// The revision indexed and reverted at.
    pub head: String,
    /// A commit to revert.
    pub revert: String,
    /// A 10-patch range to check.
    pub series: String,
}

pub fn input() -> Input {
    if let Some(q) = std::env::var_os("REVERTCHECK_QEMU") {
        return Input {
            repo: q.into(),
            label: "QEMU ece408818d27".into(),
            head: "ece408818d27f745ef1b05fb3cc99a1e7a5bf580".into(),
            revert: "7987d2be5a8bc3a502f89ba8cf3ac3e09f64d1ce".into(),
            // A 10-patch series posted on top of that master (whpx, 9 C files).
            series: std::env::var("REVERTCHECK_QEMU_SERIES").unwrap_or_else(|_| {
                "ece408818d27f745ef1b05fb3cc99a1e7a5bf580..20260213034556.13471-1-mohamed@unpredictable.fr".into()
            }),
        };
    }
    let files = std::env::var("REVERTCHECK_SYNTH_FILES").ok().and_then(|v| v.parse().ok()).unwrap_or(7000);
    let commits = std::env::var("REVERTCHECK_SYNTH_COMMITS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    Input {
        repo: synth::repo(files, commits),
        label: format!("synthetic {files} files"),
        head: "main".into(),
        revert: "reverted-target".into(),
        series: "main..series".into(),
    }
}

/// What the revert and audit benches share: the repository and the index of HEAD, built once
/// into a fresh cache (a warm target).
pub struct WarmTarget {
    pub repo: Repo,
    pub config: IndexConfig,
    pub head: CommitId,
    pub target: Target,
    _cache: tempfile::TempDir,
}

pub fn warm_target(input: &Input) -> WarmTarget {
    let repo = Repo::discover(&input.repo).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let config = IndexConfig::new(IdiomTable::builtin(), Some(cache.path())).unwrap();
    let head = repo.resolve(&input.head).unwrap();
    let target = Target::new(&repo, head, &config).unwrap();
    WarmTarget { repo, config, head, target, _cache: cache }
}

/// Median of a criterion benchmark from `target/criterion/<group>/<id>/new/estimates.json`.
pub fn median_ns(group: &str, id: &str) -> Option<f64> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/criterion")
        .join(group)
        .join(id)
        .join("new/estimates.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    v["median"]["point_estimate"].as_f64()
}

/// Prints `group: subject / reference = ratio` from the medians measured in this run.
pub fn report_ratio(group: &str, subject: &str, reference: &str) {
    match (median_ns(group, subject), median_ns(group, reference)) {
        (Some(s), Some(r)) => {
            println!("ratio {group}: {subject} {:.3} s / {reference} {:.3} s = {:.2}x", s / 1e9, r / 1e9, s / r)
        }
        _ => println!("ratio {group}: not available (filtered out?)"),
    }
}
