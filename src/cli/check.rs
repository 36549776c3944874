//! `revertcheck check`: the pre-merge check of commits or mailed patches.

use std::io::Read;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{Cli, Common};
use crate::check::{self, CheckContext, CheckReport, Step};
use crate::error::{Error, Result};
use crate::lang::IdiomTable;
use crate::policy::maintainers::Maintainers;
use crate::policy::{Policy, ProfileName};
use crate::repo::{Repo, TreeId};
use crate::report;
use crate::verdict::{Severity, Structural};

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Commits to check, as revisions or `a..b` ranges [default: @{upstream}..HEAD, else HEAD].
    #[arg(value_name = "rev|range", conflicts_with = "mbox")]
    pub revs: Vec<String>,
    /// Check mailed patches instead: `git format-patch` files or mboxes (`-` reads stdin),
    /// applied in memory, in order, onto --base.
    #[arg(long, value_name = "file", num_args = 1..)]
    pub mbox: Vec<PathBuf>,
    /// The revision mailed patches apply to.
    #[arg(long, value_name = "rev", default_value = "HEAD")]
    pub base: String,
    /// The policy file [default: .revertcheck.toml in the base tree, else the built-in QEMU policy].
    #[arg(long, value_name = "file")]
    pub config: Option<PathBuf>,
    /// The policy profile, overriding the policy file's.
    #[arg(long, value_name = "name", value_parser = ["proposed", "draft-strict", "in-tree"])]
    pub profile: Option<String>,
    /// Follow dependents this many steps for the transitive blast radius.
    #[arg(long, default_value_t = 3, value_name = "n")]
    pub depth: u32,
    /// Exit 1 when a finding at or above this level is present.
    #[arg(long, value_enum, default_value_t = FailOn::Policy)]
    pub fail_on: FailOn,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    Sarif,
    Markdown,
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
    let common = Common::new(cli, IdiomTable::builtin())?;
    let repo = &common.repo;
    let mut notes = Vec::new();
    let (steps, base_label) = if args.mbox.is_empty() {
        check::commit_steps(repo, &args.revs, &mut notes)?
    } else {
        mbox_steps(repo, &args.mbox, &args.base)?
    };
    let base_tree = steps.first().map(|s| s.old_tree);
    let policy = load_policy(repo, base_tree, args)?;
    let maintainers = match steps.last().map(|s| s.new_tree).or(base_tree) {
        Some(tree) => {
            repo.file_at(tree, "MAINTAINERS")?.map(|bytes| Maintainers::parse(&String::from_utf8_lossy(&bytes)))
        }
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
    let mut report = check::check(&ctx, &steps, &base_label, notes)?;
    report.provenance = check::Provenance {
        repository_uri: repo.remote_url().and_then(|u| report::sarif::repository_uri(&u)),
        local_uri: Some(report::sarif::file_uri(repo.work_dir().unwrap_or(repo.git_dir()))),
        revision: match (steps.last().and_then(|s| s.commit), args.mbox.is_empty()) {
            (Some(tip), true) => Some(tip.hex()),
            _ => repo.resolve(&args.base).ok().map(|c| c.hex()),
        },
    };
    report::check::print(&report, args.format);
    Ok(exit_status(&report, args.fail_on))
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

/// The steps of mailed patches applied one after another onto `base`, in memory.
fn mbox_steps(repo: &Repo, files: &[PathBuf], base: &str) -> Result<(Vec<Step>, String)> {
    let base_commit = repo.resolve(base)?;
    let mut tree: TreeId = repo.tree_of(base_commit)?;
    let mut mails = Vec::new();
    for file in files {
        let (bytes, name) = if file.as_os_str() == "-" {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf).map_err(|e| Error::Io { path: "<stdin>".into(), source: e })?;
            (buf, "<stdin>".to_string())
        } else {
            (std::fs::read(file).map_err(|e| Error::Io { path: file.clone(), source: e })?, file.display().to_string())
        };
        let parsed =
            crate::patch::parse_mbox(&bytes, &name).map_err(|e| Error::bad_input(name.clone(), e.to_string()))?;
        mails.extend(parsed.into_iter().map(|m| (name.clone(), m)));
    }
    let total = mails.len();
    let mut steps = Vec::with_capacity(total);
    for (i, (source, mail)) in mails.into_iter().enumerate() {
        let label = format!("patch {}/{total}", i + 1);
        let what = format!("{source}: {label} (\"{}\")", mail.subject);
        let new_tree = repo.apply(tree, &mail.diff, &what)?;
        steps.push(Step {
            label,
            commit: None,
            subject: mail.subject.clone(),
            author: mail.author.clone(),
            message: mail.message.clone(),
            old_tree: tree,
            new_tree,
            merge: false,
            time: 0,
            source: Some(source.clone()),
        });
        tree = new_tree;
    }
    Ok((steps, format!("{base} ({})", base_commit.short())))
}

fn load_policy(repo: &Repo, base_tree: Option<TreeId>, args: &CheckArgs) -> Result<Policy> {
    let profile = args.profile.as_deref().map(|p| p.parse::<ProfileName>().expect("clap checked the profile name"));
    if let Some(path) = &args.config {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io { path: path.clone(), source: e })?;
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
