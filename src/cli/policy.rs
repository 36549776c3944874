//! `revertcheck policy list` and `policy show NAME`: the profiles the checker knows, with the
//! posted text each one rests on.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{Cli, Format};
use crate::error::{Error, Result};
use crate::policy::{profiles, Policy};
use crate::repo::Repo;
use crate::report;

#[derive(Args, Debug)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
    /// The policy file whose own profiles are listed too [default: .revertcheck.toml at HEAD,
    /// if run in a repository that has one].
    #[arg(long, value_name = "file", global = true)]
    pub config: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    pub format: Format,
}

#[derive(Subcommand, Debug)]
pub enum PolicyCommand {
    /// Every profile: built-in ones (one per posted policy text) and the policy file's.
    List,
    /// One profile's rules and the posted text they are read from.
    Show {
        /// The profile's name.
        name: String,
    },
}

pub fn run(cli: &Cli, args: &PolicyArgs) -> Result<i32> {
    let policy = load(cli, args)?;
    let mut all: Vec<profiles::Profile> = profiles::BUILTIN.iter().filter_map(|n| profiles::builtin(n)).collect();
    all.extend(policy.defined.iter().cloned());
    let fmt = match args.format {
        Format::Text => report::policy::Format::Text,
        Format::Json => report::policy::Format::Json,
    };
    match &args.command {
        PolicyCommand::List => report::policy::list(&all, &policy.profile.name, &policy.source, fmt),
        PolicyCommand::Show { name } => {
            let Some(p) = all.iter().find(|p| p.name == *name) else {
                let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
                return Err(Error::bad_input(
                    format!("profile `{name}`"),
                    format!("no such profile; known: {}", names.join(", ")),
                ));
            };
            report::policy::show(p, &policy.identities, fmt);
        }
    }
    Ok(0)
}

/// `--config`, else HEAD's `.revertcheck.toml` when run in a repository, else the built-in policy.
fn load(cli: &Cli, args: &PolicyArgs) -> Result<Policy> {
    if let Some(path) = &args.config {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io { path: path.clone(), source: e })?;
        return crate::check::adapter::load_policy(Some((&path.display().to_string(), &text)), None);
    }
    let in_head = Repo::discover(&cli.repo).ok().and_then(|repo| {
        let head = repo.resolve("HEAD").ok()?;
        let tree = repo.tree_of(head).ok()?;
        repo.file_at(tree, ".revertcheck.toml").ok().flatten()
    });
    match in_head {
        Some(bytes) => {
            let text = String::from_utf8(bytes).map_err(|_| Error::bad_input(".revertcheck.toml", "not UTF-8"))?;
            crate::check::adapter::load_policy(Some((".revertcheck.toml", &text)), None)
        }
        None => crate::check::adapter::load_policy(None, None),
    }
}
