//! Diff to symbols: which definitions a file change adds, removes, re-shapes (interface) or only
//! edits inside (body), which changed lines are code and which are comments, and what lies
//! outside every definition (includes, file-level comments).
//!
//! Lines are counted as the policy reads "N lines of code changed": per hunk, the larger of
//! the added and removed code lines (`LineCount::Max`, so a one-line edit counts 1), or their
//! sum (`LineCount::Sum`, as `git diff --stat` does).
//!
//! Pure: takes the diff, both sides' `FileSymbols` and both texts; reads nothing itself.

pub mod comments;

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::facts::{Confidence, Definition, FileSymbols, Namespace, SymbolKind};
use crate::lang::lexer;
use crate::members;
use crate::repo::{is_c_path, DiffStatus, FileDiff, Hunk};

/// What happened to a symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    /// Signature, function-like macro parameters, type layout or variable type changed: users
    /// may break.
    Interface,
    /// A struct or union gained fields, or an enum enumerators, and nothing it had changed:
    /// only code naming the new members depends on the change.
    Extended,
    /// Only the body or initialiser changed: users keep compiling.
    Body,
    /// Lines inside it changed, but not one token: comments or white space.
    CommentOnly,
    /// Removed from one file and added to another by the same change (same name and
    /// namespace): users keep finding it, so no blast radius.
    Moved,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Interface => "interface",
            ChangeKind::Extended => "extended",
            ChangeKind::Body => "body",
            ChangeKind::CommentOnly => "comment_only",
            ChangeKind::Moved => "moved",
        }
    }

    /// Changes whose dependents make up the blast radius.
    pub fn reaches_dependents(self) -> bool {
        matches!(self, ChangeKind::Added | ChangeKind::Removed | ChangeKind::Interface)
    }
}

/// One symbol a change touches.
#[derive(Clone, Debug, Serialize)]
pub struct SymbolChange {
    pub name: String,
    pub kind: SymbolKind,
    #[serde(skip)]
    pub namespace: Namespace,
    pub change: ChangeKind,
    /// Where it stands: the new side, or the old side for a removal.
    pub line: u32,
    /// Changed lines (added + removed) inside it.
    pub lines: u32,
    /// `static`, or a macro/type of a `.c` file.
    pub file_scoped: bool,
    /// Read from a damaged syntax tree: less certain.
    pub near_parse_error: bool,
    /// The definition's interface hash (signature, type body): a move keeps it.
    #[serde(skip)]
    pub interface_hash: u64,
    /// An enum type (`enum E`, `typedef enum {...} E`): its members are enumerators.
    #[serde(skip)]
    pub enum_type: bool,
    /// For a struct, union or enum: the members added, removed or changed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub added_members: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed_members: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changed_members: Vec<String>,
}

/// How the changed lines of a hunk are counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineCount {
    /// Per hunk, max(added, removed): a line edited in place counts once.
    #[default]
    Max,
    /// Per hunk, added + removed.
    Sum,
}

impl LineCount {
    pub fn as_str(self) -> &'static str {
        match self {
            LineCount::Max => "max",
            LineCount::Sum => "sum",
        }
    }

    /// How reports state the rule.
    pub fn describe(self) -> &'static str {
        match self {
            LineCount::Max => "per hunk, max(added, removed)",
            LineCount::Sum => "per hunk, added + removed",
        }
    }

    fn count(self, added: u32, removed: u32) -> u32 {
        match self {
            LineCount::Max => added.max(removed),
            LineCount::Sum => added + removed,
        }
    }
}

impl FromStr for LineCount {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "max" => Ok(LineCount::Max),
            "sum" => Ok(LineCount::Sum),
            _ => Err(format!("line_count `{s}` is not one of max, sum")),
        }
    }
}

impl fmt::Display for LineCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Line counts of a file change.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct LineCounts {
    pub added: u32,
    pub removed: u32,
    /// Changed lines holding code (not blank, not only comment), counted by the `LineCount` rule.
    pub code: u32,
    /// Changed lines holding only comments, counted by the same rule.
    pub comment: u32,
    /// Changed lines that are neither: `MAINTAINERS` `F:` lines naming files the same change
    /// adds (added + removed).
    pub neutral: u32,
}

/// What one side of a hunk holds, before a `LineCount` rule makes counts of it.
#[derive(Clone, Copy, Default)]
struct Tally {
    code: (u32, u32),
    comment: (u32, u32),
}

impl Tally {
    fn add_to(self, lines: &mut LineCounts, rule: LineCount) {
        lines.code += rule.count(self.code.0, self.code.1);
        lines.comment += rule.count(self.comment.0, self.comment.1);
    }
}

/// The symbol-level view of one file's change.
#[derive(Clone, Debug, Serialize)]
pub struct FileChange {
    pub path: String,
    pub old_path: Option<String>,
    pub status: DiffStatus,
    pub binary: bool,
    pub is_c: bool,
    pub lines: LineCounts,
    pub symbols: Vec<SymbolChange>,
    /// Changed code lines outside every definition (`#include`s, file-level macro invocations).
    pub file_level_code_lines: u32,
    /// The first file-level code line, for reports.
    pub file_level_line: Option<u32>,
}

impl FileChange {
    /// Every changed line is a comment or blank.
    pub fn comment_only(&self) -> bool {
        !self.binary && self.lines.code == 0 && (self.lines.added + self.lines.removed) > 0
    }
}

/// The symbols (namespace, name) that a change removes from one file and adds to another:
/// moves, such as a function taken from `block/file-win32.c` to `util/oslib-win32.c`.
pub fn moved_keys<'c>(changes: impl Iterator<Item = (&'c str, &'c SymbolChange)>) -> BTreeSet<(Namespace, String)> {
    // (namespace, name, interface) -> paths: a definition that changed shape on the way is
    // not a move but a removal and an addition.
    type Key<'c> = (Namespace, &'c str, u64);
    let mut added: BTreeSet<(Key<'c>, &'c str)> = BTreeSet::new();
    let mut removed: BTreeSet<(Key<'c>, &'c str)> = BTreeSet::new();
    for (path, c) in changes {
        let key = (c.namespace, c.name.as_str(), c.interface_hash);
        match c.change {
            ChangeKind::Added => added.insert((key, path)),
            ChangeKind::Removed => removed.insert((key, path)),
            _ => false,
        };
    }
    added
        .iter()
        .filter(|(key, path)| removed.iter().any(|(k2, p2)| k2 == key && p2 != path))
        .map(|((ns, name, _), _)| (*ns, name.to_string()))
        .collect()
}

/// Marks the additions and removals of moved symbols (`moved_keys`) as `Moved`.
pub fn mark_moves(files: &mut [&mut FileChange]) {
    let moved = moved_keys(files.iter().flat_map(|f| f.symbols.iter().map(move |s| (f.path.as_str(), s))));
    for s in files.iter_mut().flat_map(|f| f.symbols.iter_mut()) {
        if matches!(s.change, ChangeKind::Added | ChangeKind::Removed) && moved.contains(&(s.namespace, s.name.clone()))
        {
            s.change = ChangeKind::Moved;
        }
    }
}

/// Builds the `FileChange` of a C file from both sides (`None` for an added or deleted file).
pub fn c_file_change(
    diff: &FileDiff,
    old: Option<(&FileSymbols, &[u8])>,
    new: Option<(&FileSymbols, &[u8])>,
    file_scoped: impl Fn(&Definition) -> bool,
    rule: LineCount,
) -> FileChange {
    // A build-time generator's input (trace-events, `.decode`, QAPI) has `#` comments.
    let is_c = is_c_path(diff.path());
    let code_map = |text: &[u8]| {
        if is_c {
            code_lines(text)
        } else {
            comments::classify(Some(comments::Syntax::Hash), text).iter().map(|l| *l == comments::Line::Code).collect()
        }
    };
    let old_code = old.map(|(_, text)| code_map(text)).unwrap_or_default();
    let new_code = new.map(|(_, text)| code_map(text)).unwrap_or_default();
    let old_blank = blank_lines(old.map(|o| o.1));
    let new_blank = blank_lines(new.map(|n| n.1));
    let blank = |map: &[bool], line: u32| map.get(line as usize).copied().unwrap_or(true);
    let removed: Vec<u32> = diff.hunks.iter().flat_map(|h| h.removed.iter().copied()).collect();
    let added: Vec<u32> = diff.hunks.iter().flat_map(|h| h.added.iter().copied()).collect();
    let is_code = |map: &[bool], line: u32| map.get(line as usize).copied().unwrap_or(false);

    let mut lines = LineCounts { added: added.len() as u32, removed: removed.len() as u32, ..Default::default() };
    for h in &diff.hunks {
        let mut tally = Tally::default();
        for &l in &h.added {
            if is_code(&new_code, l) {
                tally.code.0 += 1;
            } else if !blank(&new_blank, l) {
                tally.comment.0 += 1;
            }
        }
        for &l in &h.removed {
            if is_code(&old_code, l) {
                tally.code.1 += 1;
            } else if !blank(&old_blank, l) {
                tally.comment.1 += 1;
            }
        }
        tally.add_to(&mut lines, rule);
    }

    // Pair definitions by (name, kind), in file order: `#ifdef` alternatives pair up in turn.
    let key = |fs: &FileSymbols, d: &Definition| (fs.def_name(d).to_string(), d.kind);
    let mut old_by_key: HashMap<(String, SymbolKind), Vec<usize>> = HashMap::new();
    if let Some((fs, _)) = old {
        for (i, d) in fs.definitions.iter().enumerate() {
            old_by_key.entry(key(fs, d)).or_default().push(i);
        }
    }
    for v in old_by_key.values_mut() {
        v.reverse();
    }
    let touched = |d: &Definition, changed: &[u32]| {
        changed.iter().filter(|&&l| d.start_line <= l && l <= d.end_line).count() as u32
    };
    let mut symbols = Vec::new();
    let mut old_paired = vec![false; old.map_or(0, |o| o.0.definitions.len())];
    if let Some((nfs, _)) = new {
        for nd in &nfs.definitions {
            let partner = old_by_key.get_mut(&key(nfs, nd)).and_then(Vec::pop);
            let n_touch = touched(nd, &added);
            let change = match partner {
                None => Some((ChangeKind::Added, n_touch)),
                Some(oi) => {
                    old_paired[oi] = true;
                    let (ofs, _) = old.expect("a partner implies an old side");
                    let od = &ofs.definitions[oi];
                    let lines = n_touch + touched(od, &removed);
                    if od.interface_hash != nd.interface_hash {
                        let old_text = old.map_or(&[][..], |o| o.1);
                        let new_text = new.map_or(&[][..], |n| n.1);
                        // A QAPI type's members are its `data` (struct members, enum values).
                        let qapi_type = !is_c && nd.kind == SymbolKind::Typedef;
                        if (is_c && members::has_members(nd.kind)) || qapi_type {
                            let of = |text: &[u8], d: &Definition| {
                                if qapi_type {
                                    crate::lang::generators::qapi_members(text, d)
                                } else {
                                    members::members(text, d)
                                }
                            };
                            let delta = match (of(old_text, od), of(new_text, nd)) {
                                (Some(a), Some(b)) => members::delta(&a, &b),
                                _ => Default::default(),
                            };
                            let kind = if delta.is_extension() { ChangeKind::Extended } else { ChangeKind::Interface };
                            let mut change = symbol_change(nfs, nd, kind, lines, file_scoped(nd));
                            change.enum_type = if qapi_type {
                                crate::lang::generators::qapi_is_enum(new_text, nd)
                            } else {
                                members::is_enum(new_text, nd)
                            };
                            change.added_members = delta.added;
                            change.removed_members = delta.removed;
                            change.changed_members = delta.changed;
                            symbols.push(change);
                            continue;
                        }
                        if nd.kind == SymbolKind::Macro && od.kind == SymbolKind::Macro {
                            // An object-like macro's interface is its name: a new value is a
                            // body change (users still compile), reported with its users.
                            Some((ChangeKind::Body, lines))
                        } else if nd.kind == SymbolKind::FunctionMacro
                            && macro_parameters(old_text, od) == macro_parameters(new_text, nd)
                        {
                            Some((ChangeKind::Body, lines))
                        } else {
                            Some((ChangeKind::Interface, lines))
                        }
                    } else if od.body_hash != nd.body_hash {
                        Some((ChangeKind::Body, lines))
                    } else if lines > 0 && is_c {
                        // Not one token of it changed: comments or white space. If tokens did
                        // change and neither hash did, the lines belong to a definition the
                        // idiom table makes (`OBJECT_DECLARE_SIMPLE_TYPE(Foo, FOO)`'s typedef
                        // `Foo` when `FOO` is renamed): what it is made of is as it was.
                        let span = |text: Option<(&FileSymbols, &[u8])>, d: &Definition| {
                            text.and_then(|t| t.1.get(d.start_byte as usize..d.end_byte as usize))
                                .map(lexer::normalized_hash)
                        };
                        (span(old, od) == span(new, nd)).then_some((ChangeKind::CommentOnly, lines))
                    } else {
                        None
                    }
                }
            };
            if let Some((change, lines)) = change {
                symbols.push(symbol_change(nfs, nd, change, lines, file_scoped(nd)));
            }
        }
    }
    if let Some((ofs, _)) = old {
        for (i, od) in ofs.definitions.iter().enumerate() {
            if !old_paired[i] {
                symbols.push(symbol_change(ofs, od, ChangeKind::Removed, touched(od, &removed), file_scoped(od)));
            }
        }
    }
    symbols.sort_by(|a, b| (a.line, &a.name, a.kind).cmp(&(b.line, &b.name, b.kind)));

    // Code lines no definition holds.
    let outside = |fs: Option<&FileSymbols>, l: u32| {
        fs.is_none_or(|fs| !fs.definitions.iter().any(|d| d.start_line <= l && l <= d.end_line))
    };
    let mut file_level_code_lines = 0;
    let mut file_level_line = None;
    for &l in &removed {
        if is_code(&old_code, l) && outside(old.map(|o| o.0), l) {
            file_level_code_lines += 1;
            file_level_line.get_or_insert(l);
        }
    }
    for &l in &added {
        if is_code(&new_code, l) && outside(new.map(|n| n.0), l) {
            file_level_code_lines += 1;
            file_level_line = Some(file_level_line.map_or(l, |f: u32| f.min(l)));
        }
    }
    FileChange {
        path: diff.path().to_string(),
        old_path: if diff.status == DiffStatus::Renamed { diff.old_path.clone() } else { None },
        status: diff.status,
        binary: diff.binary,
        is_c,
        lines,
        symbols,
        file_level_code_lines,
        file_level_line,
    }
}

/// The `FileChange` of a non-C file. Lines of a format whose comment syntax we know
/// (`comments::Syntax`) that hold only a comment count as comments; other non-blank lines as
/// code (the zone decides later whether they count against the cap). In `MAINTAINERS`, a hunk
/// that only adds `F:` lines naming files in `added_files` (what the same change adds) is neutral.
pub fn other_file_change(
    diff: &FileDiff,
    old_text: Option<&[u8]>,
    new_text: Option<&[u8]>,
    added_files: &BTreeSet<String>,
    rule: LineCount,
) -> FileChange {
    let path = diff.path();
    let syntax = comments::Syntax::of(path);
    let classes = |text: Option<&[u8]>| text.map(|t| comments::classify(syntax, t)).unwrap_or_default();
    let (old_lines, new_lines) = (classes(old_text), classes(new_text));
    let class = |map: &[comments::Line], l: u32| map.get(l as usize).copied().unwrap_or(comments::Line::Blank);
    let mut lines = LineCounts::default();
    for h in &diff.hunks {
        lines.removed += h.removed.len() as u32;
        lines.added += h.added.len() as u32;
        if path == "MAINTAINERS" && maintainers_files_only(h, new_text, added_files) {
            lines.neutral += (h.added.len() + h.removed.len()) as u32;
            continue;
        }
        let mut tally = Tally::default();
        for (side, map, slot) in [(&h.added, &new_lines, 0), (&h.removed, &old_lines, 1)] {
            for &l in side {
                let counter = match class(map, l) {
                    comments::Line::Blank => continue,
                    comments::Line::Comment => &mut tally.comment,
                    comments::Line::Code => &mut tally.code,
                };
                if slot == 0 {
                    counter.0 += 1;
                } else {
                    counter.1 += 1;
                }
            }
        }
        tally.add_to(&mut lines, rule);
    }
    FileChange {
        path: path.to_string(),
        old_path: if diff.status == DiffStatus::Renamed { diff.old_path.clone() } else { None },
        status: diff.status,
        binary: diff.binary,
        is_c: false,
        lines,
        symbols: Vec::new(),
        file_level_code_lines: 0,
        file_level_line: None,
    }
}

/// The parameter list of a function-like macro definition, as tokens: `#define F(a, b) ...`
/// gives `a , b`. `None` when it cannot be read.
fn macro_parameters(text: &[u8], d: &Definition) -> Option<Vec<Vec<u8>>> {
    let span = text.get(d.start_byte as usize..d.end_byte as usize)?;
    let mut tokens = Vec::new();
    let mut done = false;
    let mut depth = 0;
    lexer::scan(span, |_, s, e| {
        if done {
            return;
        }
        let t = &span[s..e];
        if t == b"(" {
            depth += 1;
        }
        if depth > 0 {
            tokens.push(t.to_vec());
        }
        if t == b")" && depth > 0 {
            depth -= 1;
            done = depth == 0;
        }
    });
    done.then_some(tokens)
}

/// A `MAINTAINERS` hunk that removes nothing and adds only `F:` lines (and blank lines) each
/// naming exactly a file the same change adds: bookkeeping for the new files, not a change of
/// who maintains what.
fn maintainers_files_only(h: &Hunk, new_text: Option<&[u8]>, added_files: &BTreeSet<String>) -> bool {
    let Some(text) = new_text else { return false };
    if !h.removed.is_empty() || h.added.is_empty() {
        return false;
    }
    let text = String::from_utf8_lossy(text);
    let all: Vec<&str> = text.lines().collect();
    let mut named = 0;
    for &l in &h.added {
        let line = all.get(l as usize - 1).map_or("", |s| s.trim());
        if line.is_empty() {
            continue;
        }
        match line.strip_prefix("F:") {
            Some(file) if added_files.contains(file.trim()) => named += 1,
            _ => return false,
        }
    }
    named > 0
}

fn symbol_change(fs: &FileSymbols, d: &Definition, change: ChangeKind, lines: u32, file_scoped: bool) -> SymbolChange {
    SymbolChange {
        name: fs.def_name(d).to_string(),
        kind: d.kind,
        namespace: d.kind.namespace(),
        change,
        line: d.name_line,
        lines,
        file_scoped,
        near_parse_error: d.confidence == Confidence::NearParseError,
        interface_hash: d.interface_hash,
        enum_type: false,
        added_members: Vec::new(),
        removed_members: Vec::new(),
        changed_members: Vec::new(),
    }
}

/// For each 1-based line (index 0 unused), whether it holds a code token.
pub fn code_lines(text: &[u8]) -> Vec<bool> {
    let line_count = text.iter().filter(|&&b| b == b'\n').count() + 2;
    let mut map = vec![false; line_count];
    let mut line = 1usize;
    let mut pos = 0usize;
    lexer::scan(text, |_, start, end| {
        line += text[pos..start].iter().filter(|&&b| b == b'\n').count();
        let span_lines = text[start..end].iter().filter(|&&b| b == b'\n').count();
        for l in line..=line + span_lines {
            if let Some(slot) = map.get_mut(l) {
                *slot = true;
            }
        }
        line += span_lines;
        pos = end;
    });
    map
}

/// For each 1-based line (index 0 unused), whether it is blank.
fn blank_lines(text: Option<&[u8]>) -> Vec<bool> {
    let Some(text) = text else { return Vec::new() };
    std::iter::once(true).chain(text.split(|&b| b == b'\n').map(|l| l.iter().all(u8::is_ascii_whitespace))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_lines_are_not_code() {
        let text = b"int a;\n/* one\n   two */\n\nint b; // tail\n";
        let map = code_lines(text);
        assert_eq!(&map[1..6], &[true, false, false, false, true]);
    }
}
