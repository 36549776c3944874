//! Preprocessor directives. What a `#define` tells the rest of the pass (function-like macros
//! for `super::enumerators`, macros that expand to attributes), what tree-sitter-c misreads
//! inside one (comments, GNU's `args...`), and directives where tree-sitter-c takes none: inside
//! an initializer list, a compound literal or parentheses, and `#define`/`#undef` inside an enum. tree-sitter-c reads a directive only
//! where a declaration, statement or member can stand; elsewhere a `#define` costs the
//! definition around it and an `#if` the whole initialised variable
//! (`static const TypeInfo types[] = { ... #ifdef CONFIG_X ... };`). Such a directive is blanked:
//! both arms of an `#if` stay, as tree-sitter keeps both elsewhere, and the condition's names
//! stay uses; a `#define` is recorded for extraction to add its macro, an `#include` its path.

use super::{blank, is_gnu_attribute, is_punct, matching_paren, Masker};
use crate::lang::idioms::IdiomRole;
use crate::lang::lexer::TokenKind;

/// A `#define` taken out of the parser's view: where it stands and what it names.
#[derive(Clone, Debug)]
pub struct MaskedMacro {
    /// From the `#` to the end of the directive's last token.
    pub start: usize,
    pub end: usize,
    pub name: (usize, usize),
    /// The parameters of a function-like macro (`(` right after the name), `None` for an
    /// object-like one.
    pub params: Option<Vec<(usize, usize)>>,
}

/// What an open bracket is, for the directives that tree-sitter-c cannot take inside it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Open {
    /// A `(`, at this token index.
    Paren(usize),
    /// The brace of an initializer list or compound literal: an expression.
    Initializer,
    /// An enum's list: tree-sitter-c takes conditionals there, but not `#define` or `#undef`.
    Enum,
    /// A body: function, block, struct or union. tree-sitter-c takes directives here.
    Body,
}

impl Masker<'_> {
    /// Whether a `{` here opens an initializer list: after `=`, after `,` or `{` inside one,
    /// or after the `)` of a compound literal's type, `(T){`, where the `(` follows an operator
    /// or `return` (after a name or a keyword it is a call, a function or an `if`).
    pub(super) fn opens_initializer(&self) -> bool {
        let (src, toks) = (self.src, self.toks);
        let Some((_, text)) = self.prev() else { return false };
        match text {
            b"=" => true,
            b"," | b"{" => self.open.last() == Some(&Open::Initializer),
            b")" => {
                let before = self.last_closed.and_then(|open| (0..open).rev().find(|&j| !toks[j].directive));
                let Some(b) = before else { return false };
                let b = toks[b];
                let word = &src[b.start..b.end];
                match b.kind {
                    TokenKind::Identifier => word == b"return",
                    TokenKind::Punct => !matches!(word, b")" | b"]"),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// Whether a `{` here opens an enum's list: `enum {` or `enum Name {`.
    pub(super) fn opens_enum(&self) -> bool {
        let Some(p) = self.prev_code else { return false };
        let word = |j: usize| {
            (self.toks[j].kind == TokenKind::Identifier).then(|| &self.src[self.toks[j].start..self.toks[j].end])
        };
        word(p) == Some(b"enum") || (p > 0 && word(p).is_some() && word(p - 1) == Some(b"enum"))
    }

    /// Whether the `#define` at `i` (tokens `i..end`, name at `i + 2`) is function-like: a `(`
    /// right after the name.
    fn function_like(&self, i: usize, end: usize) -> bool {
        let (src, toks) = (self.src, self.toks);
        i + 3 < end && is_punct(src, &toks[i + 3], b'(') && toks[i + 3].start == toks[i + 2].end
    }

    /// Records a function-like `#define` (tokens `i..end`) for expanding enumerator
    /// invocations later in the file. GNU's named variadic parameter, `args...`, loses its
    /// `...`: tree-sitter-c takes only a bare `...`, and the whole macro was an ERROR node (117
    /// on QEMU, `DB_PRINT_L(lvl, fmt, args...)`).
    fn note_function_macro(&mut self, i: usize, end: usize) {
        let (src, toks) = (self.src, self.toks);
        let name = toks[i + 2];
        self.function_macros.insert(&src[name.start..name.end], (i + 3, end));
        let close = (i + 4..end).find(|&j| is_punct(src, &toks[j], b')')).unwrap_or(end);
        for j in i + 4..close.saturating_sub(3) {
            let dots = (j + 1..j + 4).all(|k| is_punct(src, &toks[k], b'.'));
            if toks[j].kind == TokenKind::Identifier && dots && toks[j + 3].end == toks[j + 1].start + 3 {
                blank(&mut self.text, toks[j + 1].start, toks[j + 3].end);
            }
        }
    }

    /// The names pasted by invocations of the file's earlier macros in the body of the `#define`
    /// at `i` (tokens `i..end`); its own parameters have no value there.
    fn pasted_in_body(&mut self, i: usize, end: usize, function_like: bool) {
        let (src, toks) = (self.src, self.toks);
        let mut params: Vec<&[u8]> = Vec::new();
        let mut body = i + 3;
        if function_like {
            body = i + 4;
            while body < end && !is_punct(src, &toks[body], b')') {
                if toks[body].kind == TokenKind::Identifier {
                    params.push(&src[toks[body].start..toks[body].end]);
                }
                body += 1;
            }
            body += 1;
        }
        let own = &src[toks[i + 2].start..toks[i + 2].end];
        let mut k = body;
        while k + 1 < end {
            let word = &src[toks[k].start..toks[k].end];
            let invokes = toks[k].kind == TokenKind::Identifier
                && is_punct(src, &toks[k + 1], b'(')
                && word != own
                && self.function_macros.contains_key(word);
            let wraps = toks[k].kind == TokenKind::Identifier
                && is_punct(src, &toks[k + 1], b'(')
                && self.table.role(std::str::from_utf8(word).unwrap_or_default()) == Some(IdiomRole::TypeWrapper);
            if invokes || wraps {
                let mut depth = 0usize;
                let close = (k + 1..end).find(|&j| {
                    if is_punct(src, &toks[j], b'(') {
                        depth += 1;
                    } else if is_punct(src, &toks[j], b')') {
                        depth -= 1;
                        return depth == 0;
                    }
                    false
                });
                match close {
                    Some(close) if wraps => self.wrapper_uses(k, k + 1, close, &params),
                    Some(close) => self.pasted_uses(k, k + 1, close, &params),
                    None => {}
                }
            }
            k += 1;
        }
    }

    /// Comments between the tokens of a `#define` (tokens `i..end`) become spaces, as the
    /// preprocessor makes them: tree-sitter-c ends a macro body at a comment, so one before a
    /// continued line (`FOO(2 /* DDR3 */) | \`) left the rest of the body an ERROR node.
    fn blank_inner_comments(&mut self, i: usize, end: usize) {
        let toks = self.toks;
        for k in i..end - 1 {
            let (from, to) = (toks[k].end, toks[k + 1].start);
            for at in from..to {
                let keep = match self.src[at] {
                    b'\n' | b'\r' => true,
                    b'\\' => matches!(self.src.get(at + 1), Some(b'\n' | b'\r')),
                    _ => false,
                };
                if !keep {
                    self.text[at] = b' ';
                }
            }
        }
    }

    /// Records whether the object-like `#define` at `i` (tokens `i..end`, name at `i + 2`)
    /// expands to nothing but attributes (`__attribute__((...))`, the table's attributes) or to
    /// nothing at all: `#define NI __attribute__((noinline))` before `TCGOp * NI f(...)`.
    fn note_attribute_macro(&mut self, i: usize, end: usize) {
        let (src, toks) = (self.src, self.toks);
        let name = toks[i + 2];
        let mut j = i + 3;
        let mut attributes_only = true;
        while j < end && attributes_only {
            let t = toks[j];
            let word = std::str::from_utf8(&src[t.start..t.end]).unwrap_or_default();
            let gnu = is_gnu_attribute(word);
            if t.kind == TokenKind::Identifier && (gnu || self.table.role(word) == Some(IdiomRole::Attribute)) {
                let paren = toks.get(j + 1).filter(|p| j + 1 < end && is_punct(src, p, b'('));
                match paren.and_then(|_| matching_paren(src, toks, j + 1)) {
                    Some(close) if close < end => j = close + 1,
                    None if !gnu => j += 1,
                    _ => attributes_only = false,
                }
            } else {
                attributes_only = false;
            }
        }
        self.file_attributes
            .entry(&src[name.start..name.end])
            .and_modify(|like| *like &= attributes_only)
            .or_insert(attributes_only);
    }

    /// A directive starting at the `#` token `i`: blanked and recorded where the innermost
    /// open bracket is one tree-sitter-c takes it in no more (see the module doc); the index
    /// after it.
    pub(super) fn directive(&mut self, i: usize) -> usize {
        let (src, toks) = (self.src, self.toks);
        let end = (i + 1..toks.len()).find(|&j| !toks[j].directive || toks[j].directive_start).unwrap_or(toks.len());
        if end < i + 2 || toks[i + 1].kind != TokenKind::Identifier {
            return end;
        }
        let directive = &src[toks[i + 1].start..toks[i + 1].end];
        let defines = directive == b"define" && i + 2 < end && toks[i + 2].kind == TokenKind::Identifier;
        let function_like = defines && self.function_like(i, end);
        if defines {
            self.pasted_in_body(i, end, function_like);
            if function_like {
                self.note_function_macro(i, end);
            } else {
                self.note_attribute_macro(i, end);
            }
            self.blank_inner_comments(i, end);
        }
        let taken = match self.open.last() {
            Some(Open::Paren(_) | Open::Initializer) => true,
            Some(Open::Enum) => matches!(directive, b"define" | b"undef"),
            _ => false,
        };
        if !taken {
            return end;
        }
        blank(&mut self.text, toks[i].start, toks[end - 1].end);
        match directive {
            b"define" if defines => {
                let name = toks[i + 2];
                let mut body = i + 3;
                let params = function_like.then(|| {
                    let mut params = Vec::new();
                    body = i + 4;
                    while body < end && !is_punct(src, &toks[body], b')') {
                        if toks[body].kind == TokenKind::Identifier {
                            params.push((toks[body].start, toks[body].end));
                        }
                        body += 1;
                    }
                    body += 1;
                    params
                });
                self.keep_uses(body.min(end)..end);
                self.macros.push(MaskedMacro {
                    start: toks[i].start,
                    end: toks[end - 1].end,
                    name: (name.start, name.end),
                    params,
                });
            }
            b"include" if i + 2 < end => {
                self.includes.push((toks[i + 2].start, toks[end - 1].end));
            }
            _ => self.keep_uses(i + 2..end),
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::super::mask;
    use crate::lang::IdiomTable;

    #[test]
    fn directives_where_tree_sitter_takes_them_are_left_alone() {
        for src in [
            "#ifdef X\nint a;\n#endif\n",
            "void f(void)\n{\n#ifdef X\n    g();\n#endif\n    if (x) {\n#define L 1\n    }\n}\n",
            "struct S {\n#ifdef X\n    int a;\n#endif\n};\nenum E {\n#if A\n    E_A,\n#endif\n};\n",
            "int v = ({\n#ifdef X\n    1;\n#endif\n});\n",
        ] {
            let m = mask(src.as_bytes(), &IdiomTable::builtin());
            assert_eq!(String::from_utf8(m.text).unwrap(), src);
            assert!(m.macros.is_empty() && m.includes.is_empty() && m.uses.is_empty(), "{src}");
        }
    }

    #[test]
    fn directives_in_initializers_and_parentheses_are_blanked_and_recorded() {
        let src = "int a[] = {\n#if A\n 1,\n#endif\n};\n\
                   S s = { .f = (T[]) {\n#define M(x) (x + B)\n M(1)\n} };\n\
                   T t = {\n#include \"t.inc\"\n};\n\
                   void g(int a\n#ifdef C\n , int c\n#endif\n);\n\
                   enum E {\n#define K 1\n E_K = K,\n};\n";
        let m = mask(src.as_bytes(), &IdiomTable::builtin());
        let text = String::from_utf8(m.text).unwrap();
        assert_eq!(text.len(), src.len());
        assert!(!text.contains('#'), "{text}");
        let spans = |v: &[(usize, usize)]| v.iter().map(|&(s, e)| src[s..e].to_string()).collect::<Vec<_>>();
        let names: Vec<&str> = m.macros.iter().map(|d| &src[d.name.0..d.name.1]).collect();
        assert_eq!(names, ["M", "K"]);
        assert_eq!(spans(m.macros[0].params.as_deref().unwrap()), ["x"]);
        assert!(m.macros[1].params.is_none());
        assert_eq!(&src[m.macros[0].start..m.macros[0].end], "#define M(x) (x + B)");
        assert_eq!(spans(&m.includes), ["\"t.inc\""]);
        let uses: Vec<&str> = m.uses.iter().map(|u| &src[u.start..u.end]).collect();
        assert_eq!(uses, ["A", "x", "B", "C"], "conditions and macro bodies stay uses");
    }

    #[test]
    fn unbalanced_arms_do_not_leave_the_file_inside_parentheses() {
        // Both arms open a parenthesis; after the declaration's `;` the file is at top level
        // again, so the `#define` after it is tree-sitter's to read.
        let src = "#if A\nint f(int a,\n#else\nint f(int b,\n#endif\n      int c);\n#define TOP 1\n";
        let m = mask(src.as_bytes(), &IdiomTable::builtin());
        assert!(String::from_utf8(m.text).unwrap().contains("\n#define TOP 1\n"));
        assert!(m.macros.is_empty());
    }

    #[test]
    fn compound_literals_are_initializers_and_bodies_are_not() {
        let blanked =
            |src: &str| !String::from_utf8(mask(src.as_bytes(), &IdiomTable::builtin()).text).unwrap().contains('#');
        assert!(blanked("void f(void)\n{\n    x = (T) {\n#if A\n 1\n#endif\n    };\n}\n"));
        assert!(blanked("T f(void)\n{\n    return (T) {\n#if A\n 1\n#endif\n    };\n}\n"));
        assert!(!blanked("void f(int x)\n{\n#if A\n    x++;\n#endif\n}\n"));
        assert!(!blanked("void f(void)\n{\n    while (g(x)) {\n#if A\n    x++;\n#endif\n    }\n}\n"));
    }

    #[test]
    fn comments_inside_a_macro_body_become_spaces() {
        let src = "#define STRAP (     \\\n    B(2 /* c */) | \\\n    C) // end\nint x; /* kept */\n";
        let text = String::from_utf8(mask(src.as_bytes(), &IdiomTable::builtin()).text).unwrap();
        assert_eq!(text.len(), src.len());
        assert!(text.starts_with("#define STRAP (     \\\n    B(2        ) | \\\n    C) // end\n"), "{text}");
        assert!(text.ends_with("int x; /* kept */\n"), "comments outside directives stay: {text}");
    }
}
