//! Types passed to macros as arguments: `g_new0(struct rate, 1)`, `container_of(p, struct Foo,
//! base)`, `VMSTATE_UINT32(up, struct AcpiPciHpPciStatus)`, `DEFINE_PROP_LINK(..., Object *)`.
//! tree-sitter-c reads a call's arguments as expressions, where `struct Foo` and `Object *` are
//! not: each was an ERROR node (about 300 on QEMU) that could swallow the statement around it.
//! Such an argument loses its keyword, qualifiers and trailing `*`s, leaving the name, which
//! parses as an expression; a tag name stays a tag use.
//!
//! Only the arguments of a call (a `(` after a name that is not a keyword) inside a body or an
//! initializer count: at file level, `int f(struct S, int);` is a prototype whose parameter
//! types tree-sitter reads as they are.

use super::{blank, is_declaration_prefix, is_keyword, is_punct, MaskedUse, Masker, Open};
use crate::facts::RefKind;
use crate::lang::lexer::TokenKind;

impl Masker<'_> {
    /// After the `(` or `,` at `sep`: when it opens an argument of a call inside code, a type
    /// or designated argument there is rewritten.
    pub(super) fn call_argument(&mut self, sep: usize) {
        let (src, toks) = (self.src, self.toks);
        let Some(&Open::Paren(open)) = self.open.last() else { return };
        let in_code = self.open.iter().any(|o| matches!(o, Open::Body | Open::Initializer));
        let called = open > 0
            && toks[open - 1].kind == TokenKind::Identifier
            && !toks[open - 1].directive
            && !is_keyword(std::str::from_utf8(&src[toks[open - 1].start..toks[open - 1].end]).unwrap_or_default());
        if in_code && called && !self.designated_argument(sep) {
            self.type_argument(sep);
        }
    }

    /// `DEFINE_RISCV_CPU(T, P, .cfg.mmu = true, [i] = x)`: a macro that builds an initializer
    /// from its arguments. The designators and the `=` go, the value stays an argument; names
    /// inside subscripts stay uses (field names are no uses anyway). Whether there was one.
    fn designated_argument(&mut self, sep: usize) -> bool {
        let (src, toks) = (self.src, self.toks);
        let punct = |j: usize, c: u8| toks.get(j).is_some_and(|t| !t.directive && is_punct(src, t, c));
        let mut j = sep + 1;
        let mut subscripts = Vec::new();
        loop {
            if punct(j, b'.') && toks.get(j + 1).is_some_and(|t| t.kind == TokenKind::Identifier) {
                j += 2;
            } else if punct(j, b'[') {
                let mut depth = 0usize;
                let close = (j..toks.len().min(j + 64)).find(|&k| {
                    match toks[k].kind == TokenKind::Punct {
                        true if src[toks[k].start] == b'[' => depth += 1,
                        true if src[toks[k].start] == b']' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                });
                let Some(close) = close else { return false };
                subscripts.push(j + 1..close);
                j = close + 1;
            } else {
                break;
            }
        }
        let assigns = j > sep + 1 && punct(j, b'=') && !punct(j + 1, b'=');
        if !assigns {
            return false;
        }
        for range in subscripts {
            self.keep_uses(range);
        }
        blank(&mut self.text, toks[sep + 1].start, toks[j].end);
        true
    }

    /// A type argument up to the next `,` or `)` after `sep` is rewritten to its bare name.
    fn type_argument(&mut self, sep: usize) {
        let (src, toks) = (self.src, self.toks);
        let word = |j: usize| {
            toks.get(j).filter(|t| t.kind == TokenKind::Identifier && !t.directive).map(|t| &src[t.start..t.end])
        };
        let mut j = sep + 1;
        let mut hidden = Vec::new();
        while word(j).is_some_and(|w| matches!(w, b"const" | b"volatile")) {
            hidden.push(j);
            j += 1;
        }
        let tag = word(j).is_some_and(|w| matches!(w, b"struct" | b"union" | b"enum"));
        if tag {
            hidden.push(j);
            j += 1;
        }
        // `unsigned long`, `long long`: all but the last word go.
        let builtin =
            |w: &[u8]| matches!(w, b"char" | b"short" | b"int" | b"long" | b"double" | b"signed" | b"unsigned");
        while !tag
            && word(j).is_some_and(|w| matches!(w, b"signed" | b"unsigned" | b"short" | b"long"))
            && word(j + 1).is_some_and(builtin)
        {
            hidden.push(j);
            j += 1;
        }
        // A built-in type stays (`g_new(char *, n)` -> `g_new(char , n)`: tree-sitter-c reads a
        // lone type keyword as a type there, on QEMU 28 files fewer with errors).
        let plain_name = |w: &[u8]| {
            let w = std::str::from_utf8(w).unwrap_or_default();
            !is_keyword(w) && !is_declaration_prefix(w.as_bytes()) && !matches!(w, "struct" | "union" | "enum")
        };
        if !word(j).is_some_and(plain_name) {
            return;
        }
        let name_at = j;
        j += 1;
        while toks.get(j).is_some_and(|t| is_punct(src, t, b'*')) {
            hidden.push(j);
            j += 1;
        }
        let ends = toks.get(j).is_some_and(|t| is_punct(src, t, b',') || is_punct(src, t, b')'));
        if !ends || hidden.is_empty() {
            return;
        }
        for h in hidden {
            blank(&mut self.text, toks[h].start, toks[h].end);
        }
        if tag {
            let t = toks[name_at];
            self.uses.push(MaskedUse { start: t.start, end: t.end, kind: RefKind::Tag });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::mask;
    use crate::lang::IdiomTable;

    fn masked(src: &str) -> String {
        String::from_utf8(mask(src.as_bytes(), &IdiomTable::builtin()).text).unwrap()
    }

    #[test]
    fn type_arguments_become_names() {
        let src =
            "void f(void)\n{\n    r = g_new0(struct rate, 1);\n    p = container_of(q, const struct Foo, base);\n    \
                   DEFINE_PROP_LINK(\"x\", S, x, TYPE_X, Object **);\n}\n";
        let text = masked(src);
        assert!(text.contains("g_new0(       rate, 1);"), "{text}");
        assert!(text.contains("container_of(q,              Foo, base);"), "{text}");
        assert!(text.contains("TYPE_X, Object   );"), "{text}");
        let m = mask(src.as_bytes(), &IdiomTable::builtin());
        let tags: Vec<&str> = m.uses.iter().map(|u| &src[u.start..u.end]).collect();
        assert_eq!(tags, ["rate", "Foo"]);
    }

    #[test]
    fn designated_arguments_keep_their_values() {
        let src = "static const T cpus[] = {\n    DEFINE_CPU(TYPE_A, TYPE_B,\n        .cfg.mmu = true,\n        [IDX] = x,\n        .priv = V)\n};\n";
        let m = mask(src.as_bytes(), &IdiomTable::builtin());
        let text = String::from_utf8(m.text).unwrap();
        assert!(text.contains("\n                   true,\n                x,\n                V)\n"), "{text}");
        let uses: Vec<&str> = m.uses.iter().map(|u| &src[u.start..u.end]).collect();
        assert_eq!(uses, ["IDX"]);
        // Comparisons and plain values are no designators.
        for src in ["void f(void)\n{\n    g(a == b, .5, x);\n}\n", "void f(void)\n{\n    g(s.a = 1);\n}\n"] {
            assert_eq!(masked(src), src);
        }
    }

    #[test]
    fn expressions_casts_sizeof_and_prototypes_are_left_alone() {
        for src in [
            "int f(struct S, int);\nvoid (*cb)(struct S *);\n",
            "void f(void)\n{\n    n = sizeof(struct S);\n    g((struct S *)p, a * b);\n    h(x, *y);\n}\n",
            "void f(void)\n{\n    if (a * b) {\n    }\n}\n",
        ] {
            assert_eq!(masked(src), src);
        }
    }
}
