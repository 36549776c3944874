//! Structural check of a unified git diff: file headers, binary patches, and hunks whose line
//! counts must match their headers. libgit2 applies the diff later; this catches truncated or
//! mangled patches with a message that names the file and line.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HunkLine {
    Context(String),
    Added(String),
    Removed(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hunk {
    pub old_start: u32,
    pub old_lines: u32,
    pub new_start: u32,
    pub new_lines: u32,
    pub lines: Vec<HunkLine>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilePatch {
    pub old_path: Option<String>,
    pub new_path: Option<String>,
    pub binary: bool,
    pub rename: bool,
    pub hunks: Vec<Hunk>,
    /// A header line that makes a hunk-less file patch complete (new or deleted empty file, mode
    /// change, rename, copy).
    pub complete_without_hunks: bool,
    /// The 1-based line of the `diff --git` header.
    pub line: usize,
}

/// What is wrong with a diff, with the 1-based line of the diff text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffError {
    pub line: usize,
    pub why: String,
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {} of the diff: {}", self.line, self.why)
    }
}

fn strip_prefix_path(p: &str) -> Option<String> {
    let p = p.trim_end();
    if p == "/dev/null" {
        return None;
    }
    Some(p.strip_prefix("a/").or_else(|| p.strip_prefix("b/")).unwrap_or(p).to_string())
}

/// `@@ -a[,b] +c[,d] @@` -> (a, b, c, d); a count defaults to 1.
fn hunk_header(line: &str) -> Option<(u32, u32, u32, u32)> {
    let inner = line.strip_prefix("@@ ")?;
    let end = inner.find(" @@")?;
    let mut parts = inner[..end].split(' ');
    let range = |s: &str, sign: char| -> Option<(u32, u32)> {
        let s = s.strip_prefix(sign)?;
        match s.split_once(',') {
            Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
            None => Some((s.parse().ok()?, 1)),
        }
    };
    let (a, b) = range(parts.next()?, '-')?;
    let (c, d) = range(parts.next()?, '+')?;
    Some((a, b, c, d))
}

pub fn parse_diff(diff: &str) -> Result<Vec<FilePatch>, DiffError> {
    let lines: Vec<&str> = diff.lines().collect();
    let mut files: Vec<FilePatch> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let n = i + 1;
        if let Some(rest) = line.strip_prefix("diff --git ") {
            let (old, new) = match rest.split_once(" b/") {
                Some((a, b)) => (strip_prefix_path(a), Some(b.to_string())),
                None => (None, None),
            };
            files.push(FilePatch { old_path: old, new_path: new, line: n, ..Default::default() });
        } else if line.starts_with("--- ") && lines.get(i + 1).is_some_and(|l| l.starts_with("+++ ")) {
            if files.last().is_none_or(|f| !f.hunks.is_empty()) {
                files.push(FilePatch::default());
            }
            let f = files.last_mut().expect("pushed above");
            f.old_path = strip_prefix_path(&line[4..]);
            f.new_path = strip_prefix_path(&lines[i + 1][4..]);
            i += 2;
            continue;
        } else if line.starts_with("rename from ") || line.starts_with("rename to ") {
            if let Some(f) = files.last_mut() {
                f.rename = true;
                f.complete_without_hunks = true;
            }
        } else if ["new file mode ", "deleted file mode ", "old mode ", "new mode ", "copy from ", "copy to "]
            .iter()
            .any(|p| line.starts_with(p))
        {
            if let Some(f) = files.last_mut() {
                f.complete_without_hunks = true;
            }
        } else if line.starts_with("Binary files ") || line == "GIT binary patch" {
            if let Some(f) = files.last_mut() {
                f.binary = true;
            }
            if line == "GIT binary patch" {
                // Skip the encoded payload: it ends at the next `diff --git` or the end.
                while i + 1 < lines.len() && !lines[i + 1].starts_with("diff --git ") {
                    i += 1;
                }
            }
        } else if line.starts_with("@@ ") {
            let Some((a, b, c, d)) = hunk_header(line) else {
                return Err(DiffError { line: n, why: format!("bad hunk header `{}`", truncate(line)) });
            };
            let Some(file) = files.last_mut() else {
                return Err(DiffError { line: n, why: "hunk before any file header".into() });
            };
            let (mut old, mut new) = (0u32, 0u32);
            let mut hunk = Hunk { old_start: a, old_lines: b, new_start: c, new_lines: d, lines: Vec::new() };
            let header = line;
            while old < b || new < d {
                i += 1;
                let Some(&l) = lines.get(i) else {
                    return Err(DiffError { line: n, why: short_hunk(header, file, b, d, old, new) });
                };
                match l.as_bytes().first() {
                    Some(b' ') | None => {
                        old += 1;
                        new += 1;
                        hunk.lines.push(HunkLine::Context(l.get(1..).unwrap_or("").to_string()));
                    }
                    Some(b'-') => {
                        old += 1;
                        hunk.lines.push(HunkLine::Removed(l[1..].to_string()));
                    }
                    Some(b'+') => {
                        new += 1;
                        hunk.lines.push(HunkLine::Added(l[1..].to_string()));
                    }
                    Some(b'\\') => {}
                    _ => return Err(DiffError { line: n, why: short_hunk(header, file, b, d, old, new) }),
                }
            }
            if old > b || new > d {
                return Err(DiffError { line: n, why: short_hunk(header, file, b, d, old, new) });
            }
            file.hunks.push(hunk);
        }
        i += 1;
    }
    if let Some(f) = files.iter().find(|f| f.hunks.is_empty() && !f.binary && !f.complete_without_hunks) {
        let path = f.new_path.as_deref().or(f.old_path.as_deref()).unwrap_or("?");
        return Err(DiffError {
            line: f.line.max(1),
            why: format!("{path}: the file's diff ends before its first hunk (truncated?)"),
        });
    }
    Ok(files)
}

fn short_hunk(header: &str, file: &FilePatch, b: u32, d: u32, old: u32, new: u32) -> String {
    let path = file.new_path.as_deref().or(file.old_path.as_deref()).unwrap_or("?");
    format!("{path}: hunk `{}` says {b} old and {d} new lines but has {old} and {new}", truncate(header))
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_and_counts() {
        let d = "diff --git a/x.c b/x.c\nindex 1..2 100644\n--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,3 @@\n a\n-b\n+c\n+d\n\\ No newline at end of file\n";
        let f = parse_diff(d).unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].new_path.as_deref(), Some("x.c"));
        assert_eq!(f[0].hunks[0].lines.len(), 4);
        let bad = "diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,4 @@\n a\n+b\n";
        let e = parse_diff(bad).unwrap_err();
        assert!(e.why.contains("x.c: hunk `@@ -1,3 +1,4 @@` says 3 old and 4 new lines but has 1 and 2"), "{e}");
        assert!(parse_diff("diff --git a/x b/x\n@@ -x +1 @@\n").unwrap_err().why.contains("bad hunk header"));
    }

    #[test]
    fn binary_and_rename() {
        let d = "diff --git a/a.png b/a.png\nGIT binary patch\nliteral 3\nabc\n\ndiff --git a/old.c b/new.c\nsimilarity index 100%\nrename from old.c\nrename to new.c\n";
        let f = parse_diff(d).unwrap();
        assert!(f[0].binary);
        assert!(f[1].rename && f[1].hunks.is_empty());
    }
}
