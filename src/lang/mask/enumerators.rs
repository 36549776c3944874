//! Macro invocations that stand for enumerators: `enum { defreg(CTRL), defreg(EECD), ... }`
//! (hw/net/e1000_common.h), `DO_BIT(HFGRTR, AFSR0_EL1),` (target/arm/cpregs.h). tree-sitter-c
//! takes only a name (and a value) there, so each such invocation was an ERROR node, 800 of
//! them on QEMU. The invocation is blanked with the comma after it (an enum list may end in a
//! comma or be empty); the macro name is a use, and so are the names in its arguments.
//!
//! When the macro is function-like and defined earlier in the same file (`function_macros`,
//! filled by `super::directives`), the enumerators it makes are worked out from its body, the way the preprocessor would: the body is a
//! comma-separated list of `NAME [= value]` items, where NAME pastes parameters and literal
//! names with `##` (`#define defreg(x) x = (E1000_##x >> 2)` makes `CTRL`), or of invocations of
//! other such macros (`defreg8(x)` -> eight `defreg_indexed(x, i)`). Anything else in the body,
//! or a macro defined elsewhere, makes no definition: better none than a wrong one.

use super::{blank, is_punct, matching_paren, Masker, Tok};
use crate::facts::RefKind;
use crate::lang::lexer::{split_args, TokenKind};

/// Enumerators masking took out with the invocation that makes them.
#[derive(Clone, Debug)]
pub struct MaskedEnumerators {
    /// The invocation, from its name to its `)`.
    pub start: usize,
    pub end: usize,
    /// The enumerator names it expands to, in order; empty when the macro is unknown.
    pub names: Vec<String>,
}

/// How deep expansions may nest, and how many names one invocation may make: a guard against
/// recursive or explosive macros, far above what QEMU uses (two levels, eight names).
const MAX_DEPTH: usize = 6;
const MAX_NAMES: usize = 1024;

impl<'s> Masker<'s> {
    /// An invocation at `i` (its `(` at `open`) where an enumerator starts: blanked and
    /// recorded; the index after it. `None` when it does not end where an enumerator does.
    pub(super) fn enumerator_invocation(&mut self, i: usize, open: usize) -> Option<usize> {
        let (src, toks) = (self.src, self.toks);
        let starts_enumerator = self.prev().is_some_and(|(_, text)| matches!(text, b"{" | b","));
        if !starts_enumerator {
            return None;
        }
        let close = matching_paren(src, toks, open)?;
        let after = super::next_code(toks, close);
        let end = match after {
            Some(j) if is_punct(src, &toks[j], b',') => j,
            Some(j) if is_punct(src, &toks[j], b'}') => close,
            _ => return None,
        };
        let t = toks[i];
        let args = split_args(&src[toks[open].end..toks[close].start]);
        let names = self.expand(&src[t.start..t.end], &args, 0).unwrap_or_default();
        self.uses.push(super::MaskedUse { start: t.start, end: t.end, kind: RefKind::Call });
        self.keep_uses(open + 1..close);
        blank(&mut self.text, t.start, toks[end].end);
        self.enumerators.push(MaskedEnumerators { start: t.start, end: toks[close].end, names });
        self.prev_code = Some(end);
        Some(end + 1)
    }

    /// The enumerator names `name(args)` expands to, or `None` when it cannot be worked out.
    fn expand(&self, name: &[u8], args: &[String], depth: usize) -> Option<Vec<String>> {
        let (src, toks) = (self.src, self.toks);
        if depth > MAX_DEPTH {
            return None;
        }
        let (params, close, end) = self.macro_params(name, args.len())?;
        let arg_of = |word: &[u8]| params.iter().position(|&p| p == word).map(|k| args[k].as_str());
        let mut names = Vec::new();
        for item in split_top_level(src, &toks[close + 1..end]) {
            // The file's expansion budget (`templates::FILE_EXPANSION_BUDGET`) bounds a macro bomb
            // of empty expansions, which `MAX_NAMES` does not.
            let left = self.expansion_budget.get().checked_sub(1)?;
            self.expansion_budget.set(left);
            match item {
                // An invocation of another macro, its arguments substituted.
                [callee, paren, inner @ .., last]
                    if callee.kind == TokenKind::Identifier
                        && is_punct(src, paren, b'(')
                        && is_punct(src, last, b')')
                        && self.function_macros.contains_key(&src[callee.start..callee.end]) =>
                {
                    let inner_args = split_top_level(src, inner)
                        .into_iter()
                        .map(|arg| substitute(src, arg, &arg_of))
                        .collect::<Option<Vec<String>>>()?;
                    names.extend(self.expand(&src[callee.start..callee.end], &inner_args, depth + 1)?);
                }
                _ => {
                    let lhs_end = item.iter().position(|t| is_punct(src, t, b'=')).unwrap_or(item.len());
                    let name = paste(src, &item[..lhs_end], &arg_of)?;
                    names.push(name);
                }
            }
            if names.len() > MAX_NAMES {
                return None;
            }
        }
        Some(names)
    }
}

impl<'s> Masker<'s> {
    /// The parameters of the file's function-like macro `name` when it takes `count` plain
    /// parameters, with the index of the `)` that closes them and the end of its directive.
    pub(super) fn macro_params(&self, name: &[u8], count: usize) -> Option<(Vec<&'s [u8]>, usize, usize)> {
        let (src, toks) = (self.src, self.toks);
        let &(open, end) = self.function_macros.get(name)?;
        let close = (open..end).find(|&j| is_punct(src, &toks[j], b')'))?;
        let mut params: Vec<&[u8]> =
            toks[open + 1..close].iter().filter(|t| !is_punct(src, t, b',')).map(|t| &src[t.start..t.end]).collect();
        // `(name, ...)` whose body never names `__VA_ARGS__` (ops_sse_header.h.inc's
        // `SSE_HELPER_S4(name, ...)`): the named ones, and any arguments after them, unused.
        let mut variadic = false;
        while params.last().is_some_and(|p| p.iter().all(|&b| b == b'.')) {
            params.pop();
            variadic = true;
        }
        // GNU's `(fmt, args...)` names its variadic part: not this shape.
        let dots = (open + 1..close).find(|&j| is_punct(src, &toks[j], b'.'));
        if dots.is_some_and(|j| !(is_punct(src, &toks[j - 1], b',') || is_punct(src, &toks[j - 1], b'('))) {
            return None;
        }
        if variadic && toks[close + 1..end].iter().any(|t| &src[t.start..t.end] == b"__VA_ARGS__") {
            return None;
        }
        let plain = params.iter().all(|p| p.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_'));
        let fits = params.len() == count || (variadic && count >= params.len());
        (fits && plain).then_some((params, close, end))
    }

    /// Per argument of the invocation whose parentheses are the tokens `open` and `close`: the
    /// start of the argument when it is a single name.
    pub(super) fn single_name_args(&self, open: usize, close: usize) -> Vec<Option<usize>> {
        let (src, toks) = (self.src, self.toks);
        let (mut out, mut depth, mut from) = (Vec::new(), 0usize, open + 1);
        for j in open + 1..=close {
            let t = &toks[j];
            if depth == 0 && (j == close || is_punct(src, t, b',')) {
                let single = j == from + 1 && toks[from].kind == TokenKind::Identifier;
                out.push(single.then_some(toks[from].start));
                from = j + 1;
            } else if is_punct(src, t, b'(') {
                depth += 1;
            } else if is_punct(src, t, b')') {
                depth = depth.saturating_sub(1);
            }
        }
        out
    }
}

/// `toks` split at the commas outside parentheses; an empty list for no tokens.
fn split_top_level<'t>(src: &[u8], toks: &'t [Tok]) -> Vec<&'t [Tok]> {
    if toks.is_empty() {
        return Vec::new();
    }
    let mut items = Vec::new();
    let (mut depth, mut from) = (0usize, 0);
    for (j, t) in toks.iter().enumerate() {
        if t.kind != TokenKind::Punct {
            continue;
        }
        match src[t.start] {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                items.push(&toks[from..j]);
                from = j + 1;
            }
            _ => {}
        }
    }
    items.push(&toks[from..]);
    items
}

/// An argument of a nested invocation with parameters replaced: a single name or number.
fn substitute<'a>(src: &[u8], arg: &[Tok], arg_of: &impl Fn(&[u8]) -> Option<&'a str>) -> Option<String> {
    let [t] = arg else { return None };
    let word = &src[t.start..t.end];
    match t.kind {
        TokenKind::Identifier => {
            Some(arg_of(word).map_or_else(|| String::from_utf8_lossy(word).into_owned(), String::from))
        }
        TokenKind::Number => Some(String::from_utf8_lossy(word).into_owned()),
        _ => None,
    }
}

/// `A ## b ## C` with parameters replaced and pasted into one name; `None` unless the result is
/// an identifier.
fn paste<'a>(src: &[u8], toks: &[Tok], arg_of: &impl Fn(&[u8]) -> Option<&'a str>) -> Option<String> {
    let mut name = String::new();
    let mut expect_part = true;
    let mut j = 0;
    while j < toks.len() {
        let t = &toks[j];
        if expect_part {
            let word = &src[t.start..t.end];
            match t.kind {
                TokenKind::Identifier => match arg_of(word) {
                    Some(arg) => name.push_str(arg),
                    None => name.push_str(std::str::from_utf8(word).ok()?),
                },
                TokenKind::Number if !name.is_empty() => name.push_str(std::str::from_utf8(word).ok()?),
                _ => return None,
            }
            expect_part = false;
            j += 1;
        } else if is_punct(src, t, b'#') && toks.get(j + 1).is_some_and(|h| is_punct(src, h, b'#') && h.start == t.end)
        {
            expect_part = true;
            j += 2;
        } else {
            return None;
        }
    }
    let valid = !expect_part
        && name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    valid.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::super::mask;
    use crate::lang::IdiomTable;

    fn enumerators(src: &str) -> (String, Vec<Vec<String>>) {
        let m = mask(src.as_bytes(), &IdiomTable::builtin());
        (String::from_utf8(m.text).unwrap(), m.enumerators.into_iter().map(|e| e.names).collect())
    }

    #[test]
    fn enumerator_macros_expand_through_their_definitions() {
        let src = "#define defreg(x) x = (E1000_##x >> 2)\n\
                   #define defreg_indexed(x, i) x##i = (E1000_##x(i) >> 2)\n\
                   #define defreg2(x) defreg_indexed(x, 0), defreg_indexed(x, 1)\n\
                   #define DO_BIT(REG, BITNAME) FGT_##BITNAME = FGT_##REG | R_##REG##_SHIFT, FGT_##BITNAME##NXS\n\
                   enum {\n    defreg(CTRL),    defreg(EECD),\n    defreg2(MBX),\n    DO_BIT(HFGRTR, AFSR0_EL1)\n};\n";
        let (text, names) = enumerators(src);
        assert_eq!(
            names,
            [vec!["CTRL"], vec!["EECD"], vec!["MBX0", "MBX1"], vec!["FGT_AFSR0_EL1", "FGT_AFSR0_EL1NXS"]]
        );
        let body = text.split("enum {").nth(1).unwrap();
        assert_eq!(body.len(), src.split("enum {").nth(1).unwrap().len());
        assert_eq!(body.trim(), "};", "every invocation and its comma blanked: {text}");
    }

    #[test]
    fn unknown_or_unreadable_macros_define_nothing() {
        let src = "#define ODD(x) x + 1\n#define VAR(...) __VA_ARGS__\nenum E {\n    A,\n    ELSEWHERE(B),\n    ODD(C),\n    VAR(D),\n    E_LAST\n};\n";
        let (text, names) = enumerators(src);
        assert_eq!(names, [Vec::<String>::new(), vec![], vec![]]);
        assert!(text.contains("    A,\n") && text.contains("    E_LAST\n"), "{text}");
        assert!(!text.contains("ELSEWHERE") && !text.contains("ODD(C)"), "{text}");
    }

    #[test]
    fn a_bomb_of_empty_expansions_stops_at_the_budget() {
        let mut src = String::from("#define E0(x)\n");
        for d in 1..7 {
            src.push_str(&format!("#define E{d}(x) {}\n", vec![format!("E{}(x)", d - 1); 60].join(", ")));
        }
        src.push_str("enum {\n    E6(a),\n    LAST\n};\n");
        let (text, names) = enumerators(&src);
        assert_eq!(names, [Vec::<String>::new()], "past the budget, no names");
        assert!(text.contains("    LAST\n"), "{text}");
    }

    #[test]
    fn invocations_elsewhere_in_an_enum_are_left_alone() {
        // A value (`A = F(1)`) and an initializer are not enumerator positions.
        let src = "#define F(x) x\nenum { A = F(1), B = 2 };\nint v[] = { F(3), F(4) };\n";
        let (text, names) = enumerators(src);
        assert!(names.is_empty());
        assert_eq!(text, src);
    }

    #[test]
    fn gnu_named_variadic_parameters_lose_their_dots() {
        let (text, _) = enumerators(
            "#define DPRINT(lvl, fmt, args...) do { printf(fmt, ## args); } while (0)\n#define V(...) f(__VA_ARGS__)\n",
        );
        assert!(text.starts_with("#define DPRINT(lvl, fmt, args   ) do"), "{text}");
        assert!(text.contains("#define V(...) f(__VA_ARGS__)"), "{text}");
    }
}
