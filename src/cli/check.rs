//! `revertcheck check`: the pre-merge check of commits or mailed patches.

use std::io::Read;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{Cli, Common};
use crate::check::{self, CheckContext, CheckReport};
use crate::error::{Error, Result};
use crate::lang::IdiomTable;
use crate::policy::maintainers::Maintainers;
use crate::policy::Policy;
use crate::repo::{Repo, TreeId};
use crate::report;
use crate::verdict::{Severity, Structural};

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Commits to check: revisions, or ranges as `git rev-list` takes them (`a..b`, `a...b`,
    /// `^a b`, `x^!`, and `--not` after `--`) [default: @{upstream}..HEAD].
    #[arg(value_name = "rev|range", conflicts_with = "mbox")]
    pub revs: Vec<String>,
    /// Check mailed patches instead: `git format-patch` files or mboxes (`-` reads stdin),
    /// applied in memory, in order, onto --at.
    #[arg(long, value_name = "file", num_args = 1..)]
    pub mbox: Vec<PathBuf>,
    /// The revision mailed patches apply to [default: the series' `base-commit:`, else HEAD]
    /// (`--base` is an older name for it).
    #[arg(long = "at", alias = "base", value_name = "rev")]
    pub base: Option<String>,
    /// The policy file [default: .revertcheck.toml in the base tree, else the built-in QEMU policy].
    #[arg(long, value_name = "file")]
    pub config: Option<PathBuf>,
    /// The policy profile, overriding the policy file's: a built-in one (`revertcheck policy
    /// list`) or one the policy file defines.
    #[arg(long, value_name = "name")]
    pub profile: Option<String>,
    /// Follow dependents this many steps for the transitive blast radius.
    #[arg(long, default_value_t = 3, value_name = "n")]
    pub depth: u32,
    /// Exit 1 when a finding at or above this level is present.
    #[arg(long, value_enum, default_value_t = FailOn::Policy, value_name = "level")]
    pub fail_on: FailOn,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text, value_name = "format")]
    pub format: CheckFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// checkpatch-style lines for a terminal.
    Text,
    /// Everything, versioned (docs/json.md).
    Json,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
    /// Markdown for a GitLab or GitHub comment.
    Markdown,
    /// Plain text to paste into a reply on qemu-devel.
    Reply,
    /// GitLab Code Quality (a JSON list of issues for `artifacts: reports: codequality:`).
    Codequality,
}

/// What makes `check` exit 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A policy verdict other than ok / not-declared.
    Policy,
    /// That, or a cascading structural verdict.
    Cascading,
    /// Any error finding.
    Error,
    /// Any warning or error finding.
    Warning,
    /// Never: report only.
    Never,
}

pub fn run(cli: &Cli, args: &CheckArgs) -> Result<i32> {
    let mut common = Common::new(cli, IdiomTable::builtin())?;
    let repo = &common.repo;
    let mut notes = Vec::new();
    let mut source = None;
    let mut mail_base = None;
    let (steps, base_label) = if args.mbox.is_empty() {
        check::commit_steps(repo, &args.revs)?
    } else {
        let series = read_series(&args.mbox)?;
        let steps = check::mail_steps(repo, &series, args.base.as_deref(), &mut notes)?;
        // The revision the patches apply to, for SARIF's provenance.
        mail_base = args
            .base
            .as_deref()
            .or(series.base.base_commit.as_deref())
            .and_then(|r| repo.resolve(r).ok())
            .or_else(|| repo.resolve("HEAD").ok());
        source = Some((series.title, series.message_id));
        steps
    };
    let base_tree = steps.first().map(|s| s.old_tree);
    let policy = load_policy(repo, base_tree, args)?;
    common.use_project_tables(cli, &policy)?;
    let repo = &common.repo;
    if let Some(tree) = base_tree {
        for pattern in policy.unmatched_patterns(&repo.paths(tree)?) {
            notes.push(format!("warning: policy {}: {pattern} matches no file of the base tree", policy.source));
        }
    }
    let maintainers = match steps.last().map(|s| s.new_tree).or(base_tree) {
        Some(tree) => match repo.file_at(tree, "MAINTAINERS")? {
            Some(bytes) => {
                let dirs = repo.directories(tree)?;
                Some(Maintainers::parse_in(&String::from_utf8_lossy(&bytes), &|p| dirs.contains(p)))
            }
            None => None,
        },
        None => None,
    };
    if maintainers.is_none() {
        notes.push("no MAINTAINERS file in the tree: subsystems and whom to ask are not reported".into());
    }
    let ctx = CheckContext {
        repo,
        config: &common.index_config,
        policy: &policy,
        maintainers: maintainers.as_ref(),
        depth: args.depth,
    };
    let stage = super::progress::stage(cli, format!("check: {} (index, graph, verdicts)", count_patches(steps.len())));
    let mut report = check::check(&ctx, &steps, &base_label, notes)?;
    stage.finish_and_clear();
    if let Some((title, message_id)) = source {
        report.series.set_source(title, message_id.as_deref());
    }
    report.provenance = check::Provenance {
        repository_uri: repo.remote_url().and_then(|u| report::sarif::repository_uri(&u)),
        local_uri: Some(report::sarif::file_uri(repo.work_dir().unwrap_or(repo.git_dir()))),
        revision: match (steps.last().and_then(|s| s.commit), args.mbox.is_empty()) {
            (Some(tip), true) => Some(tip.hex()),
            _ => mail_base.map(|c| c.hex()),
        },
    };
    report::check::print(&report, args.format, cli.text_options());
    Ok(exit_status(&report, args.fail_on))
}

fn count_patches(n: usize) -> String {
    format!("{n} patch{}", if n == 1 { "" } else { "es" })
}

fn exit_status(report: &CheckReport, fail_on: FailOn) -> i32 {
    let policy_failed = report.steps.iter().any(|s| s.verdict.policy.is_failure());
    let worst_finding = report.steps.iter().flat_map(|s| &s.verdict.findings).map(|f| f.severity).max();
    let failed = match fail_on {
        FailOn::Policy => policy_failed,
        FailOn::Cascading => policy_failed || report.series.structural == Structural::Cascading,
        FailOn::Error => worst_finding >= Some(Severity::Error),
        FailOn::Warning => worst_finding >= Some(Severity::Warning),
        FailOn::Never => false,
    };
    i32::from(failed)
}

/// The mailed series in `files` (`-` is stdin), read whole before anything is applied.
fn read_series(files: &[PathBuf]) -> Result<crate::patch::Series> {
    let mut inputs = Vec::with_capacity(files.len());
    for file in files {
        if file.as_os_str() == "-" {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).map_err(|e| Error::Io { path: "<stdin>".into(), source: e })?;
            inputs.push(("<stdin>".to_string(), buf));
        } else {
            let bytes = std::fs::read(file).map_err(|e| Error::Io { path: file.clone(), source: e })?;
            inputs.push((file.display().to_string(), bytes));
        }
    }
    crate::patch::series(&inputs).map_err(Error::Mbox)
}

fn load_policy(repo: &Repo, base_tree: Option<TreeId>, args: &CheckArgs) -> Result<Policy> {
    find_policy(repo, base_tree, args.config.as_deref(), args.profile.as_deref())
}

/// The policy: `--config`, else `.revertcheck.toml` of `base_tree`, else the built-in one.
pub(super) fn find_policy(
    repo: &Repo,
    base_tree: Option<TreeId>,
    config: Option<&std::path::Path>,
    profile: Option<&str>,
) -> Result<Policy> {
    if let Some(path) = config {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io { path: path.to_path_buf(), source: e })?;
        return crate::check::adapter::load_policy(Some((&path.display().to_string(), &text)), profile);
    }
    let in_tree = match base_tree {
        Some(t) => repo.file_at(t, ".revertcheck.toml")?,
        None => None,
    };
    match in_tree {
        Some(bytes) => {
            let text = String::from_utf8(bytes).map_err(|_| Error::bad_input(".revertcheck.toml", "not UTF-8"))?;
            crate::check::adapter::load_policy(Some((".revertcheck.toml", &text)), profile)
        }
        None => crate::check::adapter::load_policy(None, profile),
    }
}
