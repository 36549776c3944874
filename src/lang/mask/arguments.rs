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
    /// After the `(` or `,` at `sep` inside a call: a type argument up to the next `,` or `)` is
    /// rewritten to its bare name.
    pub(super) fn type_argument(&mut self, sep: usize) {
        let (src, toks) = (self.src, self.toks);
        let Some(&Open::Paren(open)) = self.open.last() else { return };
        let in_code = self.open.iter().any(|o| matches!(o, Open::Body | Open::Initializer));
        let called = open > 0
            && toks[open - 1].kind == TokenKind::Identifier
            && !toks[open - 1].directive
            && !is_keyword(std::str::from_utf8(&src[toks[open - 1].start..toks[open - 1].end]).unwrap_or_default());
        if !(in_code && called) {
            return;
        }
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
