//! `revertcheck demo`: builds a small QEMU-like history in a temporary directory (from files
//! embedded in the binary) and runs the main jobs on it, so a fresh machine shows the tool
//! working without a QEMU checkout. Only the demo's own temporary repository is written.

use std::path::PathBuf;

use clap::Args;

use super::check::CheckFormat;
use super::{Cli, Common};
use crate::check::{self, CheckContext};
use crate::error::{Error, Result};
use crate::history::History;
use crate::lang::IdiomTable;
use crate::policy::maintainers::Maintainers;
use crate::report;
use crate::revert::{self, RevertLimits, Target};
use crate::scenario::Scenario;

include!(concat!(env!("OUT_DIR"), "/demo_files.rs"));

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Build the demo repository here (must not exist) and keep it, instead of a temporary one.
    #[arg(long, value_name = "dir")]
    pub keep: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

pub fn run(cli: &Cli, args: &DemoArgs) -> Result<i32> {
    let temp;
    let dir = match &args.keep {
        Some(d) => {
            if d.exists() {
                return Err(Error::bad_input(d.display().to_string(), "already exists; --keep needs a new directory"));
            }
            std::fs::create_dir_all(d).map_err(|e| Error::Io { path: d.clone(), source: e })?;
            d.clone()
        }
        None => {
            temp = tempfile::tempdir().map_err(|e| Error::Io { path: std::env::temp_dir(), source: e })?;
            temp.path().to_path_buf()
        }
    };
    Scenario::from_files(DEMO_FILES).build(&dir)?;
    let text = args.format == CheckFormat::Text;
    if text {
        println!("revertcheck demo: a QEMU-like repository in {}", dir.display());
        println!("  upstream: 3 commits, one of them AI-assisted (tag landed-ai)");
        println!("  series:   10 patches on branch `series`, one per verdict\n");
        println!("$ revertcheck check upstream..series\n");
    }
    let common = Common::at(&dir, cli, IdiomTable::builtin())?;
    let repo = &common.repo;
    let notes: Vec<String> = Vec::new();
    let (steps, base_label) = check::commit_steps(repo, &["upstream..series".to_string()])?;
    let maintainers =
        repo.file_at(steps[0].new_tree, "MAINTAINERS")?.map(|b| Maintainers::parse(&String::from_utf8_lossy(&b)));
    for profile in ["proposed", "in-tree"] {
        let policy = crate::check::adapter::load_policy(None, Some(profile))?;
        let ctx = CheckContext {
            repo,
            config: &common.index_config,
            policy: &policy,
            maintainers: maintainers.as_ref(),
            depth: 3,
        };
        let only_first = profile == "in-tree";
        if only_first && text {
            println!("\n$ revertcheck check --profile in-tree series~9   # the policy in force today\n");
        }
        let report = check::check(&ctx, if only_first { &steps[..1] } else { &steps }, &base_label, notes.clone())?;
        report::check::print(&report, args.format, cli.text_options());
        if !text {
            return Ok(0);
        }
    }
    println!("\n$ revertcheck revert landed-ai --at series\n");
    let at = repo.resolve("series")?;
    let landed = repo.resolve("landed-ai")?;
    let target = Target::new(repo, at, &common.index_config)?;
    let history = History::window(repo, at, &[landed])?;
    let analysis =
        revert::analyse(repo, &target, &history, landed, None, &common.index_config, RevertLimits::default())?;
    report::revert::print("series", &target, &[analysis], super::Format::Text, cli.verbose);
    println!("\nTry it on your tree: revertcheck check origin/master..HEAD (--format reply for a mail);");
    println!("what a [code] means: revertcheck explain over_cap; everything else: revertcheck --help");
    Ok(0)
}
