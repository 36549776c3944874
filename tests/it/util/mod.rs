//! Test utilities: scenario repositories, running the binary, fingerprints.

pub mod fingerprint;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use revertcheck::scenario::Scenario;
use tempfile::TempDir;

/// A scenario from fixtures/scenarios built into a fresh repository.
pub struct Repo {
    pub dir: TempDir,
    /// Isolated HOME/XDG dirs: tests never touch the user's cache or data.
    pub home: TempDir,
}

impl Repo {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Full sha of a revision.
    pub fn rev(&self, rev: &str) -> String {
        self.git(&["rev-parse", rev]).trim().to_string()
    }

    pub fn git(&self, args: &[&str]) -> String {
        revertcheck::scenario::git(self.path(), args, 100).unwrap_or_else(|e| panic!("git {args:?}: {e}"))
    }

    /// Adds the steps of another scenario directory on top (for histories that grow between runs).
    pub fn apply(&self, name: &str) {
        let dir = fixtures().join("scenarios").join(name);
        Scenario::from_dir(&dir).unwrap().extend(self.path()).unwrap();
    }

    /// Runs `revertcheck` with these arguments in the repository.
    pub fn rc(&self, args: &[&str]) -> Output {
        run(self.path(), self.home.path(), args, None)
    }

    pub fn rc_stdin(&self, args: &[&str], stdin: &[u8]) -> Output {
        run(self.path(), self.home.path(), args, Some(stdin))
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

pub fn scenario(name: &str) -> Repo {
    let dir = tempfile::tempdir().unwrap();
    Scenario::from_dir(&fixtures().join("scenarios").join(name)).unwrap().build(dir.path()).unwrap();
    Repo { dir, home: tempfile::tempdir().unwrap() }
}

pub struct Output {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", self.stdout, self.stderr))
    }
}

pub fn run(cwd: &Path, home: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    run_env(cwd, home, args, stdin, &[])
}

/// `run` with environment variables set (`Some`) or removed (`None`) after the defaults.
pub fn run_env(cwd: &Path, home: &Path, args: &[&str], stdin: Option<&[u8]>, env: &[(&str, Option<&str>)]) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_revertcheck"));
    cmd.current_dir(cwd)
        .args(args)
        .env("HOME", home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("REVERTCHECK_TEST_FAIL_STORE_AFTER")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let mut child = cmd.spawn().unwrap();
    let input = stdin.unwrap_or_default().to_vec();
    let mut pipe = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Output {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
