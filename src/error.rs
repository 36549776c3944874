//! Every error a user can see, in one enum: each names the input it is about and says what is
//! wrong with it. All of them exit with status 2 (bad input or usage); findings exit 1, and a
//! clean run 0, as decided by the report layer.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub enum Error {
    /// `-C` or the current directory is not inside a git repository.
    NotARepository { path: PathBuf, why: String },
    /// A revision that does not resolve to a commit.
    UnknownRevision { rev: String, why: String },
    /// `deps` was asked about a name the index does not define.
    UnknownSymbol { name: String, rev: String },
    /// `check` was given no commits and there is no `@{upstream}..HEAD` to default to.
    NoDefaultRange { why: String },
    /// The repository lacks history the command needs (shallow clone, missing parent).
    MissingHistory { what: String, why: String },
    /// Mailed patches that cannot be read (the message names the input).
    Mbox(crate::patch::MboxError),
    /// An input file or argument that cannot be used, with what is wrong.
    BadInput { input: String, why: String },
    /// A file revertcheck must read or write (cache, store, output) failed.
    Io { path: PathBuf, source: std::io::Error },
    /// libgit2 failed on an operation that should work on a sound repository.
    Git { context: String, message: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Exit status for this error: 2 for every user-facing error.
    pub fn exit_code(&self) -> i32 {
        2
    }

    /// A short hint on what to do, when there is one.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::NotARepository { .. } => Some("run inside a git repository or pass -C <path>"),
            Error::UnknownRevision { .. } => {
                Some("any revision `git rev-parse` accepts works: a sha, a branch, a tag, HEAD~3")
            }
            Error::UnknownSymbol { .. } => {
                Some("`file.c:name` selects a file-scope symbol; `revertcheck index` shows what was indexed")
            }
            Error::NoDefaultRange { .. } => {
                Some("name the commits to check, e.g. `revertcheck check origin/master..` (any `git rev-list` range)")
            }
            Error::MissingHistory { .. } => Some("a shallow clone can be completed with `git fetch --unshallow`"),
            _ => None,
        }
    }

    pub fn bad_input(input: impl Into<String>, why: impl Into<String>) -> Error {
        Error::BadInput { input: input.into(), why: why.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotARepository { path, why } => write!(f, "`{}` is not a git repository: {why}", path.display()),
            Error::UnknownRevision { rev, why } => write!(f, "unknown revision `{rev}`: {why}"),
            Error::UnknownSymbol { name, rev } => write!(f, "no symbol `{name}` is defined at {rev}"),
            Error::NoDefaultRange { why } => write!(f, "no commits to check given, and {why}"),
            Error::MissingHistory { what, why } => write!(f, "{what}: {why}"),
            Error::Mbox(e) => write!(f, "{e}"),
            Error::BadInput { input, why } => write!(f, "{input}: {why}"),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Git { context, message } => write!(f, "{context}: {message}"),
        }
    }
}

impl std::error::Error for Error {}
