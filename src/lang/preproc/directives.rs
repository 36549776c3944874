//! A file's preprocessor directives: `#define`, `#undef`, conditionals and quoted `#include`
//! lines, each with its line, and which of them are worth storing.

use super::{join, tokens};
use crate::facts::{Directive, DirectiveKind};
use crate::lang::lexer;

/// The directives of `src`, in order.
pub fn directives(src: &[u8]) -> Vec<Directive> {
    let mut out = Vec::new();
    each_directive(src, |line, text| {
        if let Some(kind) = directive(text) {
            out.push(Directive { line, kind });
        }
    });
    out
}

/// The directives worth storing for a file (`worth_keeping`), read without building those
/// past the point kept: most files keep none, and their `#define`s are many.
pub fn kept_directives(src: &[u8], template: bool) -> Vec<Directive> {
    if template {
        return directives(src);
    }
    // The rule of `worth_keeping`, from each directive's first two words.
    let (mut rule, mut cut) = (KeepRule::default(), None);
    each_directive(src, |_, text| {
        let (word, rest) = first_word(text);
        let name = std::str::from_utf8(first_word(rest).0).unwrap_or_default();
        let seen = match word {
            b"define" | b"undef" | b"ifdef" | b"ifndef" if name.is_empty() => return,
            b"define" => Seen::Defines(name),
            b"undef" => Seen::Undefines,
            b"ifndef" => Seen::Opens(Some(name)),
            b"ifdef" => Seen::Opens(None),
            // Its condition is read only where it could open a guard.
            b"if" if rule.count <= 1 => {
                let guard = match directive(text) {
                    Some(DirectiveKind::If(cond)) => guard_of(&cond).map(str::to_string),
                    _ => None,
                };
                rule.read(Seen::Opens(guard.as_deref()));
                return;
            }
            b"if" => Seen::Opens(None),
            b"elif" | b"else" | b"endif" => Seen::Other,
            b"include" if matches!(directive(text), Some(DirectiveKind::Include(_))) => Seen::Includes,
            _ => return,
        };
        if rule.read(seen) {
            cut = Some(text.as_ptr() as usize - src.as_ptr() as usize + text.len());
        }
    });
    cut.map_or_else(Vec::new, |end| directives(&src[..end]))
}

/// The first word of a directive's text (`define`), and the text after it; white space and
/// block comments before it skipped, as the lexer skips them.
fn first_word(text: &[u8]) -> (&[u8], &[u8]) {
    let mut start = 0;
    loop {
        while start < text.len() && text[start].is_ascii_whitespace() {
            start += 1;
        }
        if text[start..].starts_with(b"/*") {
            start = text[start + 2..].windows(2).position(|w| w == b"*/").map_or(text.len(), |p| start + 2 + p + 2);
        } else {
            break;
        }
    }
    let end = text[start..].iter().position(|&b| !lexer::is_ident_continue(b)).map_or(text.len(), |k| start + k);
    (&text[start..end], &text[end..])
}

/// Calls `f` with each directive's line and its text after the `#` (continuations and
/// comments included), in order, skipping what block comments hide.
fn each_directive(src: &[u8], mut f: impl FnMut(u32, &[u8])) {
    let mut line = 1u32;
    let mut i = 0;
    let mut in_comment = false;
    while i < src.len() {
        // At the start of a line.
        let mut j = i;
        while j < src.len() && matches!(src[j], b' ' | b'\t') {
            j += 1;
        }
        if !in_comment && src.get(j) == Some(&b'#') {
            let start = j + 1;
            let (end, lines) = logical_line_end(src, start);
            f(line, &src[start..end]);
            line += lines;
            i = (end + 1).min(src.len());
            if end < src.len() {
                line += 1;
            }
            continue;
        }
        // An ordinary line: only block comments carry over to the next one.
        let end = src[i..].iter().position(|&b| b == b'\n').map_or(src.len(), |k| i + k);
        let mut k = i;
        while k + 1 < end + 1 && k < src.len() {
            match (src[k], src.get(k + 1)) {
                (b'/', Some(b'*')) if !in_comment => {
                    in_comment = true;
                    k += 2;
                }
                (b'*', Some(b'/')) if in_comment => {
                    in_comment = false;
                    k += 2;
                }
                (b'/', Some(b'/')) if !in_comment => break,
                (b'"' | b'\'', _) if !in_comment => k = skip_quoted(src, k, end),
                _ => k += 1,
            }
        }
        line += 1;
        i = end + 1;
    }
}

/// Where the directive starting at `start` ends (its newline, continuations and comments taken
/// in), and how many newlines it spans before that one.
fn logical_line_end(src: &[u8], start: usize) -> (usize, u32) {
    let (mut k, mut lines) = (start, 0);
    while k < src.len() {
        match src[k] {
            b'\\' if matches!(src.get(k + 1), Some(b'\n')) => {
                lines += 1;
                k += 2;
            }
            b'\\' if src.get(k + 1) == Some(&b'\r') && src.get(k + 2) == Some(&b'\n') => {
                lines += 1;
                k += 3;
            }
            b'/' if src.get(k + 1) == Some(&b'*') => {
                let close = src[k + 2..].windows(2).position(|w| w == b"*/").map_or(src.len(), |p| k + 2 + p + 2);
                lines += src[k..close.min(src.len())].iter().filter(|&&b| b == b'\n').count() as u32;
                k = close;
            }
            // A line comment ends the directive at its newline, whatever it holds (`'`, `/*`).
            b'/' if src.get(k + 1) == Some(&b'/') => {
                k = src[k..].iter().position(|&b| b == b'\n').map_or(src.len(), |p| k + p);
            }
            b'\n' => break,
            b'"' | b'\'' => k = skip_quoted(src, k, src.len()),
            _ => k += 1,
        }
    }
    (k.min(src.len()), lines)
}

/// Past the string or character literal opening at `k`, at most to `end`; an unclosed one
/// (an apostrophe in prose) stops at its line's end, never past it.
fn skip_quoted(src: &[u8], k: usize, end: usize) -> usize {
    let quote = src[k];
    let mut j = k + 1;
    while j < end && src[j] != quote && src[j] != b'\n' {
        j += if src[j] == b'\\' && src.get(j + 1) != Some(&b'\n') { 2 } else { 1 };
    }
    if j < end && src[j] == quote {
        j + 1
    } else {
        j.min(end).max(k + 1)
    }
}

/// One directive's text after the `#`.
fn directive(text: &[u8]) -> Option<DirectiveKind> {
    let toks = tokens(text);
    let (word, rest) = toks.split_first()?;
    let first_name = || rest.first().map(|(t, _)| t.clone());
    Some(match word.0.as_str() {
        "define" => {
            let name = first_name()?;
            let after = &rest[1..];
            match after.first() {
                Some((open, false)) if open == "(" => {
                    let close = after.iter().position(|(t, _)| t == ")")?;
                    let params = after[1..close]
                        .iter()
                        .map(|(t, _)| t.clone())
                        .filter(|t| t != ",")
                        .map(|t| if t == "." { "__VA_ARGS__".to_string() } else { t })
                        .collect::<Vec<_>>();
                    let mut params: Vec<String> = params;
                    params.dedup();
                    DirectiveKind::Define { name, params: Some(params), body: join(&after[close + 1..]) }
                }
                _ => DirectiveKind::Define { name, params: None, body: join(after) },
            }
        }
        "undef" => DirectiveKind::Undef(first_name()?),
        "if" => DirectiveKind::If(join(rest)),
        "ifdef" => DirectiveKind::If(format!("defined({})", first_name()?)),
        "ifndef" => DirectiveKind::If(format!("!defined({})", first_name()?)),
        "elif" => DirectiveKind::Elif(join(rest)),
        "else" => DirectiveKind::Else,
        "endif" => DirectiveKind::Endif,
        "include" => {
            let (path, _) = rest.first()?;
            let path = path.strip_prefix('"')?.strip_suffix('"')?;
            DirectiveKind::Include(path.to_string())
        }
        _ => return None,
    })
}

/// Whether a file's directives are worth storing: every one of a template's (a file with a
/// definition named by a macro), and an includer's up to its last quoted `#include` that
/// follows a `#define` or `#undef` other than an include guard's. Most files include first and
/// define after, and store none.
pub fn worth_keeping(directives: &mut Vec<Directive>, template: bool) {
    if template {
        return;
    }
    let mut rule = KeepRule::default();
    let mut last = None;
    for (k, d) in directives.iter().enumerate() {
        let seen = match &d.kind {
            DirectiveKind::If(cond) => Seen::Opens(guard_of(cond)),
            DirectiveKind::Define { name, .. } => Seen::Defines(name),
            DirectiveKind::Undef(_) => Seen::Undefines,
            DirectiveKind::Include(_) => Seen::Includes,
            _ => Seen::Other,
        };
        if rule.read(seen) {
            last = Some(k);
        }
    }
    directives.truncate(last.map_or(0, |k| k + 1));
}

/// What `worth_keeping`'s rule reads of a directive.
enum Seen<'a> {
    /// `#if`, `#ifdef`, `#ifndef`: the include guard it would open (`#ifndef G`,
    /// `#if !defined(G)`).
    Opens(Option<&'a str>),
    Defines(&'a str),
    Undefines,
    /// A quoted `#include`.
    Includes,
    Other,
}

/// `worth_keeping`'s rule, fed one directive at a time.
#[derive(Default)]
struct KeepRule {
    /// Directives read so far: a guard is opened by one of the first two.
    count: usize,
    guard: Option<String>,
    /// A `#define` or `#undef` other than the guard's came.
    defined: bool,
}

impl KeepRule {
    /// Reads the next directive: whether everything up to it is kept (an include after a
    /// definition).
    fn read(&mut self, seen: Seen) -> bool {
        let first = self.count <= 1;
        self.count += 1;
        match seen {
            Seen::Opens(guard) if first => self.guard = guard.map(str::to_string),
            Seen::Defines(name) if self.guard.as_deref() == Some(name) => self.guard = None,
            Seen::Defines(_) | Seen::Undefines => self.defined = true,
            Seen::Includes => return self.defined,
            _ => {}
        }
        false
    }
}

/// The guard `#if cond` opens, if it is `!defined(G)`.
fn guard_of(cond: &str) -> Option<&str> {
    cond.strip_prefix("!defined(").and_then(|c| c.strip_suffix(')'))
}
