//! Where the trailer block of a commit message is, found as git's `trailer.c` finds it (what
//! `git interpret-trailers --parse` and `git log --format=%(trailers)` read):
//!
//! - the message ends at the first line starting with `---` and a space (the patch part), and
//!   before trailing comment (`#`) and blank lines and a `Conflicts:` block;
//! - the first paragraph is the title, never trailers;
//! - the block is the last paragraph, if its lines are all trailers, or if one of them is
//!   written by git (`Signed-off-by: `, `(cherry picked from commit `) and at least a quarter
//!   of them are trailers; lines starting with whitespace continue the line above;
//! - a trailer is `Key: value`, the key made of letters, digits and `-`, with optional spaces
//!   before the colon (`AI-used-for : code` is a trailer).

/// Lines git writes itself: a paragraph with one is a trailer block at 25 % trailers.
const GIT_GENERATED_PREFIXES: &[&str] = &["Signed-off-by: ", "(cherry picked from commit "];

/// A message cut into lines, with where its trailer block is.
pub(super) struct Layout<'a> {
    /// The lines, without their `\n` and a `\r` before it.
    pub lines: Vec<&'a str>,
    /// First line after the title paragraph (its terminating blank line).
    pub end_of_title: usize,
    /// The trailer block's lines, `start..end`; empty when there is none.
    pub block: std::ops::Range<usize>,
    /// End of the log message (before the patch part and trailing comments).
    pub end: usize,
}

pub(super) fn layout(message: &str) -> Layout<'_> {
    let lines: Vec<&str> =
        message.split_inclusive('\n').map(|l| l.trim_end_matches('\n').trim_end_matches('\r')).collect();
    let divider = lines.iter().position(|l| {
        l.strip_prefix("---").is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
    });
    let end = end_of_message(&lines, divider.unwrap_or(lines.len()));
    let end_of_title = lines[..end].iter().position(|l| !l.starts_with('#') && is_blank(l)).unwrap_or(end);
    let start = block_start(&lines[..end], end_of_title).unwrap_or(end);
    Layout { lines, end_of_title, block: start..end, end }
}

/// `ignored_log_message_bytes`: drops a scissors line and what follows, then the trailing run
/// of comment and blank lines (and an old-style `Conflicts:` block).
fn end_of_message(lines: &[&str], end: usize) -> usize {
    const SCISSORS: &str = "# ------------------------ >8 ------------------------";
    let cutoff = lines[..end].iter().position(|l| *l == SCISSORS).unwrap_or(end);
    let mut boc: Option<usize> = None;
    let mut in_conflicts = false;
    for (i, l) in lines[..cutoff].iter().enumerate() {
        if l.starts_with('#') || l.is_empty() {
            boc.get_or_insert(i);
        } else if *l == "Conflicts:" {
            in_conflicts = true;
            boc.get_or_insert(i);
        } else if in_conflicts && l.starts_with('\t') {
        } else if boc.is_some() {
            boc = None;
            in_conflicts = false;
        }
    }
    boc.unwrap_or(cutoff)
}

/// `find_trailer_block_start`: scanning up from the end for the blank line above a paragraph
/// that is all trailers, or has a git-generated one and at least 25 % trailers.
fn block_start(lines: &[&str], end_of_title: usize) -> Option<usize> {
    let mut only_spaces = true;
    let mut recognized_prefix = false;
    let (mut trailer_lines, mut non_trailer_lines, mut possible_continuation_lines) = (0usize, 0usize, 0usize);
    for i in (end_of_title..lines.len()).rev() {
        let l = lines[i];
        if l.starts_with('#') {
            non_trailer_lines += possible_continuation_lines;
            possible_continuation_lines = 0;
            continue;
        }
        if is_blank(l) {
            if only_spaces {
                continue;
            }
            non_trailer_lines += possible_continuation_lines;
            let accepted = (recognized_prefix && trailer_lines * 3 >= non_trailer_lines)
                || (trailer_lines > 0 && non_trailer_lines == 0);
            return accepted.then_some(i + 1);
        }
        only_spaces = false;
        if GIT_GENERATED_PREFIXES.iter().any(|p| l.starts_with(p)) {
            trailer_lines += 1;
            possible_continuation_lines = 0;
            recognized_prefix = true;
            continue;
        }
        let starts_with_space = l.starts_with(|c: char| c.is_ascii_whitespace());
        if separator(l).is_some() && !starts_with_space {
            trailer_lines += 1;
            possible_continuation_lines = 0;
        } else if starts_with_space {
            possible_continuation_lines += 1;
        } else {
            non_trailer_lines += 1 + possible_continuation_lines;
            possible_continuation_lines = 0;
        }
    }
    None
}

/// `find_separator`: the offset of the `:` after a key of letters, digits and `-`, optionally
/// followed by spaces or tabs; `None` when the line does not start that way (or the key is
/// empty).
pub(super) fn separator(line: &str) -> Option<usize> {
    let mut whitespace_found = false;
    for (i, b) in line.bytes().enumerate() {
        if b == b':' {
            return (i >= 1).then_some(i);
        }
        if !whitespace_found && (b.is_ascii_alphanumeric() || b == b'-') {
            continue;
        }
        if i != 0 && (b == b' ' || b == b'\t') {
            whitespace_found = true;
            continue;
        }
        break;
    }
    None
}

/// git's `isspace` over a whole line.
fn is_blank(line: &str) -> bool {
    line.bytes().all(|b| b.is_ascii_whitespace())
}

/// The entries of lines `range`, as `git interpret-trailers --parse` prints them: continuation
/// lines joined to the trailer above and unfolded to one space, non-trailer lines dropped.
/// Yields (first line index, key, value).
pub(super) fn entries(lines: &[&str], range: std::ops::Range<usize>) -> Vec<(usize, String, String)> {
    // (first line, text with `\n` between joined lines, is a trailer)
    let mut joined: Vec<(usize, String, bool)> = Vec::new();
    for i in range {
        let l = lines[i];
        let continues = l.starts_with(|c: char| c.is_ascii_whitespace());
        if continues {
            if let Some(last) = joined.last_mut().filter(|j| j.2) {
                last.1.push('\n');
                last.1.push_str(l);
                continue;
            }
        }
        joined.push((i, l.to_string(), separator(l).is_some()));
    }
    joined
        .into_iter()
        .filter(|(_, text, is_trailer)| *is_trailer && !text.starts_with('#'))
        .map(|(i, text, _)| {
            let sep = separator(&text).expect("kept trailers only");
            (i, text[..sep].trim().to_string(), unfold(&text[sep + 1..]))
        })
        .collect()
}

/// `unfold_value`: each line break with the whitespace after it becomes one space; trimmed.
fn unfold(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            while chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
                chars.next();
            }
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out.trim().to_string()
}
