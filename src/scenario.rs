//! Scenario histories: a git history written as plain files, turned into a real repository with
//! the `git` command-line tool. `revertcheck demo` builds one embedded in the binary; the
//! integration tests build those under `fixtures/scenarios/`.
//!
//! A scenario is a list of step directories, applied in name order (`01-base/`, `02-fix/`...).
//! A step holds `COMMIT` (the commit message) and the files it writes at their paths, plus
//! optional control files:
//! - `.delete`: paths to delete, one per line
//! - `.rename`: `old -> new` lines, applied (with `git mv`) before files are written
//! - `.tag`: a tag name for the resulting commit
//! - `.branch`: commit on this branch (created from the current commit if new) and stay there
//! - `.checkout`: switch to this branch or tag before the step
//! - `.merge`: merge this branch with `--no-ff` (the step's `COMMIT` is the merge message)
//! - `.revert`: revert the commit with this tag (`git revert`, message from git)
//!
//! Any other file is written, dotfiles included (`.revertcheck.toml`).
//!
//! Authors and dates are fixed (one minute apart per step) so histories are reproducible, and
//! the user's git configuration is ignored.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::error::{Error, Result};

/// The control files of a step: read, never written to the repository.
const CONTROL_FILES: [&str; 7] = [".delete", ".rename", ".tag", ".branch", ".checkout", ".merge", ".revert"];

/// Files of a scenario: (step name, path in the step, contents), in step order.
pub struct Scenario {
    steps: BTreeMap<String, BTreeMap<String, Vec<u8>>>,
}

impl Scenario {
    /// Reads a scenario directory from disk.
    pub fn from_dir(dir: &Path) -> Result<Scenario> {
        let io = |e: std::io::Error, p: &Path| Error::Io { path: p.to_path_buf(), source: e };
        let mut steps = BTreeMap::new();
        for entry in std::fs::read_dir(dir).map_err(|e| io(e, dir))? {
            let entry = entry.map_err(|e| io(e, dir))?;
            if !entry.file_type().map_err(|e| io(e, dir))?.is_dir() {
                continue;
            }
            let mut files = BTreeMap::new();
            collect(&entry.path(), "", &mut files)?;
            steps.insert(entry.file_name().to_string_lossy().into_owned(), files);
        }
        Ok(Scenario { steps })
    }

    /// A scenario from `(step/path, contents)` pairs (as embedded in the binary).
    pub fn from_files(files: &[(&str, &[u8])]) -> Scenario {
        let mut steps: BTreeMap<String, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
        for (path, bytes) in files {
            if let Some((step, rest)) = path.split_once('/') {
                steps.entry(step.to_string()).or_default().insert(rest.to_string(), bytes.to_vec());
            }
        }
        Scenario { steps }
    }

    /// Builds the history in `dir` (an empty directory) on branch `main`.
    pub fn build(&self, dir: &Path) -> Result<()> {
        git(dir, &["init", "-q", "-b", "main"], 0)?;
        self.apply(dir, 0)
    }

    /// Adds the steps on top of the repository in `dir`, as it stands (histories that grow
    /// between audit runs). Dates continue after the existing commits.
    pub fn extend(&self, dir: &Path) -> Result<()> {
        let count: usize = git(dir, &["rev-list", "--count", "--all"], 0)?.trim().parse().unwrap_or(0);
        self.apply(dir, count)
    }

    fn apply(&self, dir: &Path, first_step: usize) -> Result<()> {
        for (n, (name, files)) in self.steps.iter().enumerate() {
            let text = |key: &str| files.get(key).map(|b| String::from_utf8_lossy(b).trim().to_string());
            let step = first_step + n + 1;
            if let Some(target) = text(".checkout") {
                git(dir, &["checkout", "-q", &target], step)?;
            }
            if let Some(branch) = text(".branch") {
                let exists = git(dir, &["rev-parse", "--verify", "-q", &format!("refs/heads/{branch}")], step).is_ok();
                if exists {
                    git(dir, &["checkout", "-q", &branch], step)?;
                } else {
                    git(dir, &["checkout", "-q", "-b", &branch], step)?;
                }
            }
            if let Some(tag) = text(".revert") {
                git(dir, &["revert", "--no-edit", &tag], step)?;
            } else if let Some(branch) = text(".merge") {
                let message = text("COMMIT").unwrap_or_else(|| format!("Merge branch '{branch}'"));
                git(dir, &["merge", "-q", "--no-ff", "-m", &message, &branch], step)?;
            } else {
                for line in text(".rename").unwrap_or_default().lines() {
                    if let Some((old, new)) = line.split_once("->") {
                        let new = new.trim();
                        if let Some(parent) = Path::new(new).parent() {
                            std::fs::create_dir_all(dir.join(parent))
                                .map_err(|e| Error::Io { path: dir.join(parent), source: e })?;
                        }
                        git(dir, &["mv", old.trim(), new], step)?;
                    }
                }
                for line in text(".delete").unwrap_or_default().lines().filter(|l| !l.trim().is_empty()) {
                    git(dir, &["rm", "-q", line.trim()], step)?;
                }
                for (path, bytes) in
                    files.iter().filter(|(p, _)| !CONTROL_FILES.contains(&p.as_str()) && *p != "COMMIT")
                {
                    let full = dir.join(path);
                    if let Some(parent) = full.parent() {
                        std::fs::create_dir_all(parent)
                            .map_err(|e| Error::Io { path: parent.to_path_buf(), source: e })?;
                    }
                    std::fs::write(&full, bytes).map_err(|e| Error::Io { path: full.clone(), source: e })?;
                }
                git(dir, &["add", "-A"], step)?;
                let message =
                    text("COMMIT").ok_or_else(|| Error::bad_input(name.clone(), "a step needs a COMMIT file"))?;
                git(dir, &["commit", "-q", "--allow-empty", "-m", &message], step)?;
            }
            if let Some(tag) = text(".tag") {
                git(dir, &["tag", &tag], step)?;
            }
        }
        Ok(())
    }
}

fn collect(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) -> Result<()> {
    let io = |e: std::io::Error| Error::Io { path: dir.to_path_buf(), source: e };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.file_type().map_err(io)?.is_dir() {
            collect(&entry.path(), &format!("{name}/"), out)?;
        } else {
            out.insert(name, std::fs::read(entry.path()).map_err(io)?);
        }
    }
    Ok(())
}

/// Runs git in `dir` with a fixed identity and date for `step`, ignoring user configuration.
pub fn git(dir: &Path, args: &[&str], step: usize) -> Result<String> {
    let date = format!("{} +0000", 1_780_000_000 + step as u64 * 60);
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=A Human",
            "-c",
            "user.email=human@example.org",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
        ])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .map_err(|e| Error::bad_input("git", format!("cannot run the git command: {e}")))?;
    if !out.status.success() {
        return Err(Error::bad_input(
            format!("git {}", args.join(" ")),
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
