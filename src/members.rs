//! The members of a type: struct and union fields and enumerators, each with the hash of its
//! own declaration, so that a change to a type can be told apart from an extension of it.
//!
//! Adding a field to `CPUX86State` or an enumerator to `MemOp` re-shapes nothing that existing
//! code uses: only code that names the new member depends on it. Read from the definition's
//! text with the C lexer (the type's tokens are already in the cached facts' span), so the
//! cache format does not change.

use crate::facts::{Definition, SymbolKind};
use crate::lang::lexer::{self, TokenKind};

/// One member: its name and the hash of its declaration's tokens (type, bit width, value).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Member {
    pub name: String,
    pub hash: u64,
}

/// How a type's members changed between two versions of its definition.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberDelta {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Same name, different declaration (type, width, value).
    pub changed: Vec<String>,
}

impl MemberDelta {
    /// Only new members: everything that was there is there unchanged.
    pub fn is_extension(&self) -> bool {
        !self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Can this kind of definition have members? A typedef can (`typedef struct {...} T;`); it has
/// them when `members` finds a body.
pub fn has_members(kind: SymbolKind) -> bool {
    matches!(kind, SymbolKind::Struct | SymbolKind::Union | SymbolKind::Enum | SymbolKind::Typedef)
}

/// Is this the definition of an enum type (`enum E {...}`, `typedef enum {...} E`)?
pub fn is_enum(text: &[u8], def: &Definition) -> bool {
    if def.kind == SymbolKind::Enum {
        return true;
    }
    let span = text.get(def.start_byte as usize..def.end_byte as usize).unwrap_or_default();
    let mut first_keyword = None;
    lexer::scan(span, |k, s, e| {
        let t = &span[s..e];
        if first_keyword.is_none() && k == TokenKind::Identifier && matches!(t, b"enum" | b"struct" | b"union") {
            first_keyword = Some(t == b"enum");
        }
    });
    first_keyword == Some(true)
}

/// The members of `def` (a struct, union or enum with a body) in `text`, the whole file. `None`
/// when the definition has no body to read.
pub fn members(text: &[u8], def: &Definition) -> Option<Vec<Member>> {
    let span = text.get(def.start_byte as usize..def.end_byte as usize)?;
    let mut tokens: Vec<(TokenKind, usize, usize)> = Vec::new();
    lexer::scan(span, |k, s, e| tokens.push((k, s, e)));
    let open = tokens.iter().position(|&(k, s, _)| k == TokenKind::Punct && span[s] == b'{')?;
    let enumerators = is_enum(text, def);
    let separator = if enumerators { b',' } else { b';' };
    let mut out = Vec::new();
    let mut piece: Vec<(TokenKind, usize, usize)> = Vec::new();
    let mut depth = 0i32;
    for &(k, s, e) in &tokens[open + 1..] {
        let punct = (k == TokenKind::Punct).then(|| span[s]);
        match punct {
            Some(b'{' | b'(' | b'[') => depth += 1,
            Some(b'}' | b')' | b']') if depth == 0 => break,
            Some(b'}' | b')' | b']') => depth -= 1,
            Some(c) if c == separator && depth == 0 => {
                declared(span, &piece, enumerators, &mut out);
                piece.clear();
                continue;
            }
            _ => {}
        }
        piece.push((k, s, e));
    }
    declared(span, &piece, enumerators, &mut out);
    Some(out)
}

/// The names one member declaration declares (`int a, b:3;` declares two), each hashed with
/// the declaration's type tokens.
fn declared(span: &[u8], piece: &[(TokenKind, usize, usize)], enumerators: bool, out: &mut Vec<Member>) {
    if piece.is_empty() {
        return;
    }
    let text = |t: &(TokenKind, usize, usize)| std::str::from_utf8(&span[t.1..t.2]).unwrap_or("");
    let hash = lexer::hash_tokens(span, piece.iter().map(|t| (t.1, t.2)));
    if enumerators {
        // `NAME [= value]`: the first identifier.
        if let Some(t) = piece.iter().find(|t| t.0 == TokenKind::Identifier) {
            out.push(Member { name: text(t).to_string(), hash });
        }
        return;
    }
    // Split the declarators at commas outside brackets; each declarator's name is its last
    // identifier outside brackets before a `:` or `=`, or the one after `(*` for a pointer
    // to a function.
    let mut depth = 0i32;
    let mut start = 0usize;
    let mut declarators: Vec<&[(TokenKind, usize, usize)]> = Vec::new();
    for (i, t) in piece.iter().enumerate() {
        if t.0 != TokenKind::Punct {
            continue;
        }
        match span[t.1] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => {
                declarators.push(&piece[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    declarators.push(&piece[start..]);
    for d in declarators {
        if let Some(name) = declarator_name(span, d) {
            out.push(Member { name, hash });
        }
    }
}

fn declarator_name(span: &[u8], tokens: &[(TokenKind, usize, usize)]) -> Option<String> {
    let text = |t: &(TokenKind, usize, usize)| String::from_utf8_lossy(&span[t.1..t.2]).into_owned();
    let punct = |t: &(TokenKind, usize, usize), c: u8| t.0 == TokenKind::Punct && span[t.1] == c;
    // `ret (*name)(args)`
    for w in tokens.windows(3) {
        if punct(&w[0], b'(') && punct(&w[1], b'*') && w[2].0 == TokenKind::Identifier {
            return Some(text(&w[2]));
        }
    }
    let mut depth = 0i32;
    let mut name = None;
    for t in tokens {
        if t.0 == TokenKind::Punct {
            match span[t.1] {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b':' | b'=' if depth == 0 => break,
                _ => {}
            }
        } else if t.0 == TokenKind::Identifier && depth == 0 && !lexer::is_reserved(&text(t)) {
            name = Some(t);
        }
    }
    name.map(text)
}

/// How the members of one type changed, from both versions' member lists.
pub fn delta(old: &[Member], new: &[Member]) -> MemberDelta {
    let mut out = MemberDelta::default();
    for n in new {
        match old.iter().find(|o| o.name == n.name) {
            None => out.added.push(n.name.clone()),
            Some(o) if o.hash != n.hash => out.changed.push(n.name.clone()),
            Some(_) => {}
        }
    }
    for o in old {
        if !new.iter().any(|n| n.name == o.name) {
            out.removed.push(o.name.clone());
        }
    }
    out
}

/// Calls `f(name, offset)` for every identifier of `text` accessed as a member: after `.` or
/// `->` (the lexer hands out `->` as `-` then `>`).
fn member_accesses(text: &[u8], mut f: impl FnMut(&[u8], usize)) {
    let mut prev_is_access = false;
    let mut last = None;
    lexer::scan(text, |k, s, e| {
        let tok = &text[s..e];
        if k == TokenKind::Identifier && prev_is_access {
            f(tok, s);
        }
        prev_is_access = k == TokenKind::Punct && (tok == b"." || tok == b"->" || (tok == b">" && last == Some(b'-')));
        last = (k == TokenKind::Punct).then(|| tok[0]);
    });
}

/// Every name `text` accesses as a member, in text order, repeats kept.
pub fn member_names(text: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    member_accesses(text, |name, _| out.push(String::from_utf8_lossy(name).into_owned()));
    out
}

/// Lines (1-based, within `text` starting at `first_line`) where `text` names one of `names`
/// as a member.
pub fn member_uses(text: &[u8], first_line: u32, names: &[String]) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let mut lines = lexer::Lines::new(text, first_line);
    member_accesses(text, |name, offset| {
        if let Some(n) = names.iter().find(|n| n.as_bytes() == name) {
            out.push((n.clone(), lines.at(offset)));
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Confidence, Linkage};

    fn def(text: &str, kind: SymbolKind) -> Definition {
        Definition {
            name: 0,
            kind,
            linkage: Linkage::Global,
            start_line: 1,
            end_line: 1,
            start_byte: 0,
            end_byte: text.len() as u32,
            name_line: 1,
            interface_hash: 0,
            body_hash: 0,
            confidence: Confidence::Clean,
        }
    }

    fn names(text: &str, kind: SymbolKind) -> Vec<String> {
        members(text.as_bytes(), &def(text, kind)).unwrap().into_iter().map(|m| m.name).collect()
    }

    #[test]
    fn fields_of_every_shape() {
        let s = "struct S { int a, b:3; char *name[4]; void (*cb)(int x); struct { int y; } inner; \
                 unsigned long flags /* c */; QTAILQ_ENTRY(S) next; }";
        assert_eq!(names(s, SymbolKind::Struct), ["a", "b", "name", "cb", "inner", "flags", "next"]);
        let e = "enum E { A, B = 1 << 2, C = FOO(3, 4), }";
        assert_eq!(names(e, SymbolKind::Enum), ["A", "B", "C"]);
        let t = "typedef enum MemOp { MO_8 = 0, MO_16 = 1 } MemOp";
        assert_eq!(names(t, SymbolKind::Typedef), ["MO_8", "MO_16"]);
        let t = "typedef struct DisasContext { int n; } DisasContext";
        assert_eq!(names(t, SymbolKind::Typedef), ["n"]);
    }

    #[test]
    fn an_added_member_is_an_extension_and_a_changed_one_is_not() {
        let m = |t: &str| members(t.as_bytes(), &def(t, SymbolKind::Struct)).unwrap();
        let d = delta(&m("struct S { int a; int b; }"), &m("struct S { int a; int b; int c; }"));
        assert!(d.is_extension(), "{d:?}");
        assert_eq!(d.added, ["c"]);
        let d = delta(&m("struct S { int a; int b; }"), &m("struct S { int a; long b; }"));
        assert!(!d.is_extension());
        assert_eq!(d.changed, ["b"]);
    }

    #[test]
    fn member_uses_after_dot_and_arrow() {
        let t = b"x = s->c;\ny = s.c + c;\nz = s->cc;\n";
        assert_eq!(member_uses(t, 10, &["c".to_string()]), [("c".to_string(), 10), ("c".to_string(), 11)]);
    }
}
