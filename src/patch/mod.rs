//! Mailed patches: `git format-patch` files and directories of them, mboxes of many patches (as
//! `b4 am` or a list archive gives), bare emails and plain diffs, turned into a `Series` in
//! patch order. Pure (applying them is `repo`'s job) and total: any input gives a series or a
//! `MboxError` that names it.
//!
//! What `git am` and b4 do, done here: MIME (multipart, quoted-printable, base64, RFC 2047
//! headers, charsets) through the `mailparse` crate; in-body `From:`/`Subject:`/`Date:`; the
//! `-- >8 --` scissors line (as `git am --scissors`); the message ends at git's patch break
//! (`---`, `diff -`, `Index: `); the diff is kept as bytes, undecoded from its charset, as
//! `git am` applies it. On top: cover letters (`0/N`, no diff) give the series title and are
//! not patches; `[PATCH v3 07/12]` numbers order the patches; a missing patch is reported, two
//! versions of one series are an error; a duplicate is checked once; `base-commit:` and b4's
//! `prerequisite-patch-id:` / `prerequisite-message-id:` are read.

mod diff;
mod mail;
mod series;

use std::fmt;

pub use diff::{parse_diff, DiffError, FilePatch, Hunk, HunkLine};
pub use series::{series, BaseInfo, Series};

/// One patch email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    /// Decoded, without the `[PATCH v2 3/7]` prefix.
    pub subject: String,
    /// What stood in the brackets, e.g. `PATCH v2 3/7`.
    pub prefix: Option<String>,
    /// `(3, 7)` from `3/7`.
    pub number: Option<(u32, u32)>,
    /// `2` from `v2`; 1 without one.
    pub version: u32,
    pub author: String,
    pub date: Option<String>,
    /// As written, with its angle brackets.
    pub message_id: Option<String>,
    /// The commit message as `git am` makes it: subject, blank line, body up to the patch break.
    pub message: String,
    /// The unified diff, from the first `diff --git` line, without the mail signature and the
    /// base information lines; bytes as mailed (binary patches and any charset).
    pub diff: Vec<u8>,
    /// 0-based position in the input.
    pub index: usize,
    /// The input it came from (a file name, or `-` for stdin).
    pub source: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MboxError {
    Empty {
        source: String,
    },
    NotMbox {
        source: String,
        first_line: String,
    },
    NoPatches {
        source: String,
        messages: usize,
    },
    BadDiff {
        source: String,
        message: usize,
        subject: String,
        error: DiffError,
    },
    /// Two versions (or two different series) in one input.
    Versions {
        source: String,
        found: Vec<String>,
    },
}

impl fmt::Display for MboxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MboxError::Empty { source } => write!(f, "{source}: empty input"),
            MboxError::NotMbox { source, first_line } => {
                write!(f, "{source}: not an mbox, a patch email or a diff (first line: `{first_line}`)")
            }
            MboxError::NoPatches { source, messages } => {
                write!(f, "{source}: no patches found ({messages} messages, none with a diff)")
            }
            MboxError::BadDiff { source, message, subject, error } => {
                write!(f, "{source}: message {} (\"{subject}\"): {error}", message + 1)
            }
            MboxError::Versions { source, found } => write!(
                f,
                "{source}: more than one series or version ({}): pass the messages of one (`b4 am -v N`)",
                found.join("; ")
            ),
        }
    }
}

impl std::error::Error for MboxError {}

/// Parses one input (named `source` in errors) into its patch mails in series order.
pub fn parse_mbox(bytes: &[u8], source: &str) -> Result<Vec<Mail>, MboxError> {
    Ok(series(&[(source.to_string(), bytes.to_vec())])?.mails)
}

#[cfg(test)]
mod tests;
