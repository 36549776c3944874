//! File-level invocations of a macro, defined earlier in the same file, whose body defines
//! functions: a template. target/loongarch/disas.c writes
//!
//! ```c
//! #define INSN(insn, type)                                    \
//! static bool trans_##insn(DisasContext *ctx, arg_##type * a) \
//! {                                                           \
//!     output_##type(ctx, a, #insn);                           \
//!     return true;                                            \
//! }
//! INSN(clo_w,        rr)
//! ```
//!
//! and the compiler sees a function `trans_clo_w` that calls `output_rr`. Without this, the
//! invocation was only a file-level use of `INSN`: 5,152 of clang's references in that one file
//! had no user, and a later caller of such a function bound to nothing. The body is read the way
//! the preprocessor would expand it, with the invocation's arguments: at the body's top level,
//! a name (parameters and literal parts joined by `##`, or a token-pasting idiom such as
//! `glue(gen_, NAME)`) followed by a parenthesised list and `{` is a function the invocation
//! defines; an invocation of another such macro of the file defines what that one does; every
//! other pasted name (`output_##type`) is a use of those functions. A parameter written bare in
//! the body is a use of its argument; one only pasted or stringified (`#insn`) is a fragment.
//! A name that cannot be worked out (an argument that is an expression, a part in capitals that
//! is a macro defined elsewhere) defines or uses nothing: better none than a wrong one.

use super::{is_punct, Masker, Tok};
use crate::facts::RefKind;
use crate::lang::idioms::IdiomRole;
use crate::lang::lexer::{self, split_args, TokenKind};

/// A function a template invocation defines.
#[derive(Clone, Debug, PartialEq)]
pub struct MadeFunction {
    pub name: String,
    pub is_static: bool,
    /// The names its declarator and body paste from the arguments.
    pub uses: Vec<(String, RefKind)>,
}

/// What a template invocation expands to.
#[derive(Clone, Debug, Default)]
pub struct Expansion {
    pub functions: Vec<MadeFunction>,
    /// The variables it defines (`static void * const table_##NAME[] = {...}`), likewise.
    pub variables: Vec<(String, bool)>,
    /// Names pasted from its arguments outside every function (a table's initializer): uses
    /// of every function it defines.
    pub shared: Vec<(String, RefKind)>,
    /// Per argument of the invocation: whether the body uses it as written (its names are
    /// uses), rather than only pasting or stringifying it.
    pub bare: Vec<bool>,
    /// The table's `file_level` idioms the body invokes, with their arguments worked out
    /// (accel/tcg/tcg-runtime.h's `GEN_ATOMIC_HELPERS(fetch_add)` is seven `DEF_HELPER_FLAGS_4`,
    /// the first for `atomic_fetch_addb`): they define and use what the table says.
    pub invocations: Vec<(String, Vec<String>)>,
}

impl Expansion {
    fn size(&self) -> usize {
        self.functions.iter().map(|f| 1 + f.uses.len()).sum::<usize>()
            + self.variables.len()
            + self.shared.len()
            + self.invocations.len()
    }
}

/// An argument whose value is not known where the invocation stands: no name pastes with it.
const UNKNOWN: &str = "?";

/// Nesting and size guards, far above QEMU's (two levels, a few dozen names).
const MAX_DEPTH: usize = 4;
const MAX_NAMES: usize = 256;
/// How many body tokens the expansions of one file may walk in all. QEMU's busiest files
/// (target/arm/tcg/sve_helper.c, its thousands of invocations of the file's own macros) walk
/// between 100,000 and 500,000, measured; a macro that invokes another sixty times, six levels
/// deep, would walk 60^6 without it. Past it, an invocation is read as if its macro were unknown.
pub(super) const FILE_EXPANSION_BUDGET: usize = 5_000_000;

/// How a name in a body was written.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    /// A literal name: the macro's own use, reached through the macro.
    Plain,
    /// A parameter alone: its argument, as written.
    Param(usize),
    /// Pasted with `##` or by a token-pasting idiom.
    Pasted,
}

impl<'s> Masker<'s> {
    /// The expansion of the invocation `name(args)` when `name` is a function-like macro of this
    /// file whose body defines at least one function; `None` otherwise.
    pub(super) fn template(&self, name: &[u8], args: &[String]) -> Option<Expansion> {
        let out = self.expand_template(name, args, 0)?;
        (!out.functions.is_empty() || !out.invocations.is_empty()).then_some(out)
    }

    fn expand_template(&self, name: &[u8], args: &[String], depth: usize) -> Option<Expansion> {
        if depth > MAX_DEPTH {
            return None;
        }
        let (params, close, end) = self.macro_params(name, args.len())?;
        let body = Body { m: self, toks: &self.toks[close + 1..end], params: &params, args, depth };
        let mut out = Expansion { bare: vec![false; args.len()], ..Expansion::default() };
        body.walk(name, &mut out)?;
        Some(out)
    }
}

/// One macro body being expanded with concrete arguments.
struct Body<'b, 's> {
    m: &'b Masker<'s>,
    toks: &'b [Tok],
    params: &'b [&'b [u8]],
    args: &'b [String],
    depth: usize,
}

impl Body<'_, '_> {
    fn text(&self, j: usize) -> &[u8] {
        let t = &self.toks[j];
        &self.m.src[t.start..t.end]
    }

    fn punct(&self, j: usize, c: u8) -> bool {
        self.toks.get(j).is_some_and(|t| is_punct(self.m.src, t, c))
    }

    /// `##` at `j`: two adjacent `#`.
    fn paste_op(&self, j: usize) -> bool {
        self.punct(j, b'#') && self.punct(j + 1, b'#') && self.toks[j].end == self.toks[j + 1].start
    }

    fn param(&self, j: usize) -> Option<usize> {
        let t = &self.toks[j];
        (t.kind == TokenKind::Identifier).then(|| self.params.iter().position(|&p| p == self.text(j)))?
    }

    /// The `)` matching the `(` at `open`, within the body.
    fn close_of(&self, open: usize) -> Option<usize> {
        let mut depth = 0usize;
        for j in open..self.toks.len() {
            if self.punct(j, b'(') {
                depth += 1;
            } else if self.punct(j, b')') {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
        }
        None
    }

    /// The name that starts at `j`: its text when it can be worked out, the index after it and
    /// its shape.
    fn name_at(&self, j: usize) -> (Option<String>, usize, Shape) {
        let (first, mut next, mut shape) = self.part(j);
        let mut name = first;
        while self.paste_op(next) && next + 2 < self.toks.len() {
            let (part, after, _) = self.part(next + 2);
            name = match (name, part) {
                (Some(a), Some(b)) => Some(a + &b),
                _ => None,
            };
            next = after;
            shape = Shape::Pasted;
        }
        let valid = name.filter(|n| n.bytes().next().is_some_and(lexer::is_ident_start));
        (valid.filter(|n| n.bytes().all(lexer::is_ident_continue)), next, shape)
    }

    /// One operand of `##` at `j`: a parameter, a name, a number, or a token-pasting idiom's
    /// invocation (`glue(gen_, NAME)`).
    fn part(&self, j: usize) -> (Option<String>, usize, Shape) {
        let t = &self.toks[j];
        let word = String::from_utf8_lossy(self.text(j)).into_owned();
        if let Some(k) = self.param(j) {
            return (Some(self.args[k].clone()), j + 1, Shape::Param(k));
        }
        if t.kind == TokenKind::Identifier && self.punct(j + 1, b'(') {
            if let Some(pattern) = self.m.table.get(&word).and_then(|i| i.pastes.as_deref()) {
                let Some(close) = self.close_of(j + 1) else { return (None, j + 1, Shape::Plain) };
                let parts: Option<Vec<String>> =
                    self.split(j + 2, close).into_iter().map(|(a, b)| self.glue_argument(a, b)).collect();
                let name = parts.and_then(|p| crate::lang::idioms::instantiate(pattern, &p));
                return (name, close + 1, Shape::Pasted);
            }
        }
        match t.kind {
            TokenKind::Identifier | TokenKind::Number => (Some(word), j + 1, Shape::Plain),
            _ => (None, j + 1, Shape::Plain),
        }
    }

    /// An argument of a token-pasting idiom in the body: macro-expanded before pasting, so a
    /// name in capitals only that is no parameter is a macro whose value is unknown here.
    fn glue_argument(&self, from: usize, to: usize) -> Option<String> {
        let (name, next, shape) = self.name_at(from);
        if next != to {
            return None;
        }
        let name = name?;
        let macro_like = shape == Shape::Plain
            && name.bytes().any(|b| b.is_ascii_uppercase())
            && !name.bytes().any(|b| b.is_ascii_lowercase());
        (!macro_like).then_some(name)
    }

    /// The token ranges of the comma-separated items in `from..to`.
    fn split(&self, from: usize, to: usize) -> Vec<(usize, usize)> {
        let mut items = Vec::new();
        let (mut depth, mut start) = (0usize, from);
        for j in from..to {
            if self.punct(j, b'(') {
                depth += 1;
            } else if self.punct(j, b')') {
                depth = depth.saturating_sub(1);
            } else if self.punct(j, b',') && depth == 0 {
                items.push((start, j));
                start = j + 1;
            }
        }
        if start < to || !items.is_empty() {
            items.push((start, to));
        }
        items
    }

    /// Walks the body, adding what it defines and uses to `out`. `None` when it grows past the
    /// guards.
    fn walk(&self, own_name: &[u8], out: &mut Expansion) -> Option<()> {
        let (mut braces, mut parens) = (0usize, 0usize);
        // Where the current top-level declaration started: `static` before a name makes it so.
        let mut decl_start = 0;
        // The function whose declarator or body the walk is in.
        let mut current: Option<usize> = None;
        let mut j = 0;
        while j < self.toks.len() {
            let left = self.m.expansion_budget.get().checked_sub(1)?;
            self.m.expansion_budget.set(left);
            let t = &self.toks[j];
            if self.paste_op(j) {
                j += 2;
                continue;
            }
            if t.kind == TokenKind::Punct {
                match self.m.src[t.start] {
                    // `#param` is a string, not a use.
                    b'#' if self.toks.get(j + 1).is_some_and(|n| n.kind == TokenKind::Identifier) => j += 1,
                    b'{' => braces += 1,
                    b'}' => {
                        braces = braces.saturating_sub(1);
                        if braces == 0 && parens == 0 {
                            decl_start = j + 1;
                            current = None;
                        }
                    }
                    b'(' => parens += 1,
                    b')' => parens = parens.saturating_sub(1),
                    b';' if braces == 0 && parens == 0 => decl_start = j + 1,
                    _ => {}
                }
                j += 1;
                continue;
            }
            if t.kind != TokenKind::Identifier {
                j += 1;
                continue;
            }
            let (name, next, shape) = self.name_at(j);
            let call = self.punct(next, b'(');
            if braces == 0 && parens == 0 && call {
                let close = self.close_of(next)?;
                if let Some((end, params)) = self.macro_named(j, &name, next, close, shape) {
                    // `ABI_TYPE ATOMIC_NAME(X)(...) {`, `void glue(name, SUFFIX)(...) {`: a name
                    // the includer's macros make, written with the arguments. The arguments
                    // of the name are fragments.
                    if let Some(text) = self.substituted(j, end) {
                        let is_static = (decl_start..j).any(|k| self.text(k) == b"static");
                        out.functions.push(MadeFunction { name: text, is_static, uses: Vec::new() });
                        current = Some(out.functions.len() - 1);
                    }
                    j = params;
                    continue;
                }
                let defines = self.punct(close + 1, b'{') && !matches!(shape, Shape::Param(_));
                match &name {
                    Some(n) if defines && !lexer::is_reserved(n) => {
                        let is_static = (decl_start..j).any(|k| self.text(k) == b"static");
                        out.functions.push(MadeFunction { name: n.clone(), is_static, uses: Vec::new() });
                        current = Some(out.functions.len() - 1);
                        j = next;
                        continue;
                    }
                    Some(n)
                        if shape == Shape::Plain && n.as_bytes() != own_name && self.nested(n, next, close, out)? =>
                    {
                        j = close + 1;
                        continue;
                    }
                    _ => {}
                }
            }
            let declares = braces == 0 && parens == 0 && [b'[', b'=', b';'].iter().any(|&c| self.punct(next, c));
            match (shape, name) {
                (Shape::Pasted, Some(n)) if declares => {
                    let is_static = (decl_start..j).any(|k| self.text(k) == b"static");
                    out.variables.push((n, is_static));
                }
                (Shape::Pasted, Some(n)) => {
                    let kind = if call { RefKind::Call } else { RefKind::Identifier };
                    match current {
                        Some(f) => out.functions[f].uses.push((n, kind)),
                        None => out.shared.push((n, kind)),
                    }
                }
                (Shape::Param(k), _) => out.bare[k] = true,
                _ => {}
            }
            if out.size() > MAX_NAMES {
                return None;
            }
            j = next;
        }
        Some(())
    }

    /// Whether the name at `j` (worked out as `name`, `next` after it, `(` at `next` closed at
    /// `close`) is one a macro builds from the includer's macros, followed by a function's
    /// parameters and body: the last token of the name and the `(` of the parameters.
    fn macro_named(
        &self,
        j: usize,
        name: &Option<String>,
        next: usize,
        close: usize,
        shape: Shape,
    ) -> Option<(usize, usize)> {
        let body_follows = |params: usize| self.close_of(params).is_some_and(|c| self.punct(c + 1, b'{'));
        match (name, shape) {
            // `glue(name, SUFFIX)` the idiom could not build: the parameters follow it.
            (None, Shape::Pasted) => {
                (next > j + 1 && self.punct(next - 1, b')') && body_follows(next)).then_some((next - 1, next))
            }
            // `ATOMIC_NAME(X)`: a macro (a capital in its name) invoked, then the parameters.
            (Some(n), Shape::Plain) if n.bytes().any(|b| b.is_ascii_uppercase()) && self.punct(close + 1, b'(') => {
                body_follows(close + 1).then_some((close, close + 1))
            }
            _ => None,
        }
    }

    /// An argument of a table idiom invoked in the body, as the idiom reads it: the name it
    /// comes to (`glue(glue(atomic_, NAME), b)` is `atomic_fetch_addb`), or else its text with
    /// the parameters replaced and `##` done (`glue(punpck ## name ## bw, SUFFIX)` is
    /// `glue(punpcklbw,SUFFIX)`, named where the file is included), or else unknown.
    fn idiom_argument(&self, from: usize, to: usize) -> String {
        if from >= to {
            return String::new();
        }
        if let (Some(name), next, _) = self.name_at(from) {
            if next == to {
                return name;
            }
        }
        let mut text = String::new();
        let mut k = from;
        while k < to {
            if self.paste_op(k) {
                k += 2;
                continue;
            }
            match self.param(k) {
                Some(p) if self.args[p].bytes().all(lexer::is_ident_continue) && !self.args[p].is_empty() => {
                    text.push_str(&self.args[p])
                }
                Some(_) => return UNKNOWN.to_string(),
                None => text.push_str(&String::from_utf8_lossy(self.text(k))),
            }
            k += 1;
        }
        text
    }

    /// The tokens `from..=to` joined without spaces, each parameter replaced by its argument;
    /// `None` when an argument is no single name or number (an expression, an unknown value),
    /// or is in capitals: a macro the preprocessor would expand first, whose value is unknown.
    fn substituted(&self, from: usize, to: usize) -> Option<String> {
        let mut text = String::new();
        for k in from..=to {
            match self.param(k) {
                Some(p)
                    if self.args[p].bytes().all(lexer::is_ident_continue)
                        && self.args[p].bytes().any(|b| b.is_ascii_lowercase()) =>
                {
                    text.push_str(&self.args[p])
                }
                Some(_) => return None,
                None => text.push_str(&String::from_utf8_lossy(self.text(k))),
            }
        }
        Some(text)
    }

    /// An invocation of another template of the file at the top level of the body: what it
    /// defines and uses, its arguments worked out first. `Some(false)` when `name` is none.
    fn nested(&self, name: &str, open: usize, close: usize, out: &mut Expansion) -> Option<bool> {
        if self.m.table.get(name).is_some_and(|i| i.role == IdiomRole::FileLevel) {
            let args =
                self.split(open + 1, close).into_iter().map(|(from, to)| self.idiom_argument(from, to)).collect();
            out.invocations.push((name.to_string(), args));
            return (out.size() <= MAX_NAMES).then_some(true);
        }
        if !self.m.function_macros.contains_key(name.as_bytes()) {
            return Some(false);
        }
        let items = self.split(open + 1, close);
        let mut args = Vec::with_capacity(items.len());
        let mut outer = Vec::with_capacity(items.len());
        for &(from, to) in &items {
            let (text, next, shape) = if from < to { self.name_at(from) } else { (None, from, Shape::Plain) };
            let whole = next == to;
            // An argument that is no single name (an expression) is kept as written, without
            // the parameters' values: it pastes into nothing, and its names are the macro's.
            let raw = || {
                let t = (&self.toks[from], &self.toks[to.max(from + 1) - 1]);
                split_args(&self.m.src[t.0.start..t.1.end]).join(",")
            };
            args.push(match (whole, from < to) {
                (true, _) => text.unwrap_or_else(|| UNKNOWN.to_string()),
                (false, true) => raw(),
                // An empty argument pastes as nothing.
                (false, false) => String::new(),
            });
            outer.push(if let (true, Shape::Param(k)) = (whole, shape) { Some(k) } else { None });
        }
        let Some(inner) = self.m.expand_template(name.as_bytes(), &args, self.depth + 1) else {
            return Some(false);
        };
        // The shared uses of the inner expansion are its own functions' (or, with none, the
        // outer one's).
        let Expansion { mut functions, variables, shared, invocations, .. } = inner;
        out.invocations.extend(invocations);
        if functions.is_empty() {
            out.shared.extend(shared.iter().cloned());
        }
        for f in &mut functions {
            f.uses.extend(shared.iter().cloned());
        }
        out.functions.extend(functions);
        out.variables.extend(variables);
        for (k, bare) in outer.iter().zip(inner.bare) {
            if let (Some(k), true) = (k, bare) {
                out.bare[*k] = true;
            }
        }
        (out.size() <= MAX_NAMES).then_some(true)
    }
}

/// A name an invocation of a macro of this file pastes from its arguments, where the invocation
/// stands (in code or in another macro's body): lockable.h's `QML_OBJ_(x, mutex)` uses
/// `qemu_lockable_mutex_lock`, scsi's `SENSE_CODE(NO_SENSE)` uses `sense_code_NO_SENSE`.
#[derive(Clone, Debug)]
pub struct PastedUse {
    /// The invocation's `(`: no other reference starts there.
    pub at: usize,
    pub name: String,
    pub kind: RefKind,
}

impl Masker<'_> {
    /// Records the names the invocation of the file's macro at token `i` (`(` at `open`, `)` at
    /// `close`) pastes. `unknown` are names whose value is not known where it stands: the
    /// parameters of the macro whose body holds the invocation.
    pub(super) fn pasted_uses(&mut self, i: usize, open: usize, close: usize, unknown: &[&[u8]]) {
        let (src, toks) = (self.src, self.toks);
        let name = &src[toks[i].start..toks[i].end];
        let mut args = split_args(&src[toks[open].end..toks[close].start]);
        for arg in &mut args {
            if unknown.contains(&arg.as_bytes()) {
                *arg = UNKNOWN.to_string();
            }
        }
        let Some(out) = self.expand_template(name, &args, 0) else { return };
        let at = toks[open].start;
        let names = out.functions.into_iter().flat_map(|f| f.uses).chain(out.shared);
        self.pasted.extend(names.map(|(name, kind)| PastedUse { at, name, kind }));
        // An argument that is a single name the body only pastes or stringifies is a fragment
        // of the names it makes, not a use (`NO_SENSE` in `SENSE_CODE(NO_SENSE)`), also when
        // the name is not known here: `ADDRESS_SPACE_LD_INTERNAL(m)` pastes `m` with an
        // includer's `SUFFIX`, and no variable `m` is used.
        for (k, start) in self.single_name_args(open, close).into_iter().enumerate() {
            if let (Some(start), Some(false)) = (start, out.bare.get(k)) {
                self.fragments.push(start);
            }
        }
    }
}

impl Masker<'_> {
    /// A `call_uses` idiom invoked at token `i` (`(` at `open`, `)` at `close`): the names its
    /// `uses` patterns make from the arguments (`FIELD_EX32(v, CTRL, EN)` uses `R_CTRL_EN_SHIFT`),
    /// and the arguments they take are fragments.
    pub(super) fn call_uses(&mut self, i: usize, open: usize, close: usize) {
        let (src, toks) = (self.src, self.toks);
        let word = String::from_utf8_lossy(&src[toks[i].start..toks[i].end]).into_owned();
        let Some(idiom) = self.table.get(&word) else { return };
        let args = split_args(&src[toks[open].end..toks[close].start]);
        let at = toks[open].start;
        let mut taken = vec![false; args.len()];
        for pattern in &idiom.uses {
            let names = self.table.names(pattern, &args);
            if names.is_empty() {
                continue;
            }
            self.pasted.extend(names.into_iter().map(|name| PastedUse { at, name, kind: RefKind::Identifier }));
            for k in crate::lang::idioms::placeholders(pattern, args.len()) {
                if let Some(t) = taken.get_mut(k) {
                    *t = true;
                }
            }
        }
        for (k, start) in self.single_name_args(open, close).into_iter().enumerate() {
            if let (Some(start), Some(true)) = (start, taken.get(k)) {
                self.fragments.push(start);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::mask;
    use super::Expansion;
    use crate::facts::RefKind;
    use crate::lang::IdiomTable;

    fn expansions(src: &str) -> Vec<Option<Expansion>> {
        mask(src.as_bytes(), &IdiomTable::builtin()).invocations.into_iter().map(|i| i.template).collect()
    }

    fn functions(e: &Option<Expansion>) -> Vec<(&str, bool)> {
        e.iter().flat_map(|e| e.functions.iter().map(|f| (f.name.as_str(), f.is_static))).collect()
    }

    /// Each function's uses, then the shared ones.
    fn uses(e: &Option<Expansion>) -> Vec<Vec<&str>> {
        fn names(u: &[(String, RefKind)]) -> Vec<&str> {
            u.iter().map(|(n, _)| n.as_str()).collect()
        }
        let Some(e) = e else { return Vec::new() };
        e.functions.iter().map(|f| names(&f.uses)).chain([names(&e.shared)]).collect()
    }

    #[test]
    fn a_template_invokes_table_idioms_with_its_arguments_worked_out() {
        // accel/tcg/tcg-runtime.h and target/i386/tcg/ops_sse_header.h.inc: DEF_HELPER lines
        // written by the file's own macros, one of them variadic with the rest unused.
        let src = "#define GEN(NAME) \\\n\
                   DEF_HELPER_FLAGS_2(glue(glue(atomic_, NAME), b), 0, i32, env, i64) \\\n\
                   DEF_HELPER_FLAGS_2(glue(glue(atomic_, NAME), q_le), 0, i64, env, i64)\n\
                   #define UNPCK(name, base) DEF_HELPER_1(glue(punpck ## name ## bw, SUFFIX), void, env)\n\
                   #define S4(name, ...) UNPCK(name, 0)\n\
                   #define ODD(...) DEF_HELPER_1(__VA_ARGS__, void, env)\n\
                   #define NAMED(f, args...) DEF_HELPER_1(f, void, env)\n\
                   GEN(fetch_add)\n\
                   S4(l, FPU_EQ)\n\
                   ODD(x)\n\
                   NAMED(x, y)\n";
        let got = expansions(src);
        let invoked = |e: &Option<Expansion>| -> Vec<(String, Vec<String>)> {
            e.as_ref().map(|e| e.invocations.clone()).unwrap_or_default()
        };
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            invoked(&got[0]),
            [
                ("DEF_HELPER_FLAGS_2".to_string(), strings(&["atomic_fetch_addb", "0", "i32", "env", "i64"])),
                ("DEF_HELPER_FLAGS_2".to_string(), strings(&["atomic_fetch_addq_le", "0", "i64", "env", "i64"])),
            ]
        );
        assert!(got[0].as_ref().unwrap().functions.is_empty());
        assert_eq!(
            invoked(&got[1]),
            [("DEF_HELPER_1".to_string(), strings(&["glue(punpcklbw,SUFFIX)", "void", "env"]))],
            "`##` done, the includer's SUFFIX left for where the file is included"
        );
        assert!(got[2].is_none(), "a body that names __VA_ARGS__ is not read: {:?}", got[2]);
        assert!(got[3].is_none(), "GNU's named variadic part is not read: {:?}", got[3]);
    }

    #[test]
    fn a_template_defines_its_pasted_functions_and_uses_its_pasted_names() {
        let src = "#define INSN(insn, type)                                    \\\n\
                   static bool trans_##insn(DisasContext *ctx, arg_##type * a) \\\n\
                   {                                                           \\\n\
                       output_##type(ctx, a, #insn);                           \\\n\
                       return true;                                            \\\n\
                   }\n\
                   INSN(clo_w,        rr)\n\
                   INSN(clz_w,        rr)\n";
        let got = expansions(src);
        assert_eq!(functions(&got[0]), [("trans_clo_w", true)]);
        assert_eq!(functions(&got[1]), [("trans_clz_w", true)]);
        assert_eq!(uses(&got[0]), [vec!["arg_rr", "output_rr"], vec![]]);
        assert_eq!(got[0].as_ref().unwrap().bare, [false, false], "pasted and stringified only");
    }

    #[test]
    fn nested_templates_and_glue_expand_with_their_arguments() {
        let src = "#define ONE(name, op) static int count_##name; void glue(gen_, name)(TCGv a) { op(a); tcg_gen_##name(a); }\n\
                   #define BOTH(uname, op) ONE(uname##_i32, op) ONE(uname##_i64, op)\n\
                   #define KEEP(x) void keep_##x(void) { glue(helper_, SUFFIX)(); }\n\
                   BOTH(add, do_add)\n\
                   KEEP(one)\n";
        let got = expansions(src);
        assert_eq!(functions(&got[0]), [("gen_add_i32", false), ("gen_add_i64", false)]);
        assert_eq!(uses(&got[0]), [vec!["tcg_gen_add_i32"], vec!["tcg_gen_add_i64"], vec![]]);
        assert_eq!(got[0].as_ref().unwrap().bare, [false, true], "`op` is called as written");
        let variables = &got[0].as_ref().unwrap().variables;
        assert_eq!(variables, &[("count_add_i32".to_string(), true), ("count_add_i64".to_string(), true)]);
        // `SUFFIX` is a macro defined elsewhere: the helper's name is unknown, so no use of it.
        assert_eq!(functions(&got[1]), [("keep_one", false)]);
        assert_eq!(uses(&got[1]), [Vec::<&str>::new(), vec![]]);
    }

    #[test]
    fn a_name_the_includers_macros_make_is_written_with_the_arguments() {
        let src = "#define ATOMIC_NAME(X) glue(glue(cpu_atomic_ ## X, SUFFIX), _mmu)\n\
                   #define GEN(X) int ATOMIC_NAME(X)(void *env) { return qatomic_##X(env); }\n\
                   #define SSE(name) static void glue(name, SUFFIX)(Reg *d) { d->x = 0; }\n\
                   GEN(fetch_add)\n\
                   SSE(helper_paddb)\n\
                   GEN(a + b)\n";
        let got = expansions(src);
        assert_eq!(functions(&got[0]), [("ATOMIC_NAME(fetch_add)", false)]);
        assert_eq!(uses(&got[0]), [vec!["qatomic_fetch_add"], vec![]]);
        assert_eq!(functions(&got[1]), [("glue(helper_paddb,SUFFIX)", true)]);
        assert!(got[2].is_none(), "an expression names nothing: {:?}", got[2]);
    }

    #[test]
    fn a_macro_bomb_stops_at_the_file_budget() {
        let mut src = String::from("#define L0(x) void f_##x(void) { }\n");
        for d in 1..7 {
            let calls = vec![format!("L{}(x##_)", d - 1); 60].join(" ");
            src.push_str(&format!("#define L{d}(x) {calls}\n"));
        }
        src.push_str("L6(a)\nL1(b)\n");
        let got = expansions(&src);
        assert!(got[0].is_none(), "60^6 expansions: past the budget, no template");
        assert!(got[1].is_none(), "the file's budget is spent");
    }

    #[test]
    fn macros_that_define_no_function_are_no_templates() {
        let src = "#define DECL(x) extern int x##_count;\n\
                   #define CALL(x) x##_init()\n\
                   #define EXPR(x) void f_##x(void) { }\n\
                   DECL(a)\n\
                   CALL(b);\n\
                   EXPR(1 + 2)\n\
                   ELSEWHERE(c)\n";
        let got = expansions(src);
        assert_eq!(got.len(), 4);
        assert!(got.iter().all(Option::is_none), "{got:?}");
    }
}
