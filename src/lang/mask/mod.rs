//! The masking pass: blanks the idioms of `super::idioms` and rewrites what the general rules
//! of grammars/c/idioms.toml describe, before tree-sitter sees the text.
//!
//! Masking replaces bytes with spaces and keeps every newline, so byte offsets and line numbers
//! of the masked text are those of the original: nothing downstream needs to map positions.

mod arguments;
mod directives;
mod enumerators;
mod templates;

pub use directives::MaskedMacro;
use directives::Open;
pub use enumerators::MaskedEnumerators;
pub use templates::{Expansion, MadeFunction, PastedUse};

use super::idioms::{IdiomRole, IdiomTable};
use super::lexer::{self, TokenKind};
use crate::facts::RefKind;
use crate::fxhash::FxHashMap;

/// A file-level macro invocation found and blanked by the masking pass.
#[derive(Clone, Debug)]
pub struct Invocation {
    pub name: String,
    pub start: usize,
    pub end: usize,
    /// Arguments as written, trimmed.
    pub args: Vec<String>,
    /// What it defines and uses when it invokes a template: a macro of this file whose body
    /// defines functions (`templates`).
    pub template: Option<Expansion>,
}

/// The masked text and what was taken out of it.
pub struct Masked {
    pub text: Vec<u8>,
    pub invocations: Vec<Invocation>,
    /// Names the general rules took out of the parser's view inside code that is still parsed
    /// (a statement macro's name, a type macro's arguments), in file order: uses of the code
    /// around them.
    pub uses: Vec<MaskedUse>,
    /// The tokens of the original text, in order: extraction hashes spans from them instead of
    /// scanning the text again.
    pub tokens: Vec<Tok>,
    /// `#define`s blanked out of initializers and parentheses (see `Masker::directive`), in file
    /// order: extraction adds the macros they define.
    pub macros: Vec<MaskedMacro>,
    /// The paths of `#include`s blanked likewise, quotes or brackets included.
    pub includes: Vec<(usize, usize)>,
    /// Macro invocations blanked where an enumerator stands, with the enumerators they make
    /// (`enumerators`), in file order.
    pub enumerators: Vec<MaskedEnumerators>,
    /// Names pasted by invocations of the file's own macros, in code and in macro bodies.
    pub pasted: Vec<PastedUse>,
    /// Where the arguments those invocations only paste stand: fragments of names, no uses.
    pub fragments: Vec<usize>,
}

/// An identifier blanked or renamed by masking that still counts as a reference where it stands.
#[derive(Clone, Copy, Debug)]
pub struct MaskedUse {
    pub start: usize,
    pub end: usize,
    /// `Call` for a name called like a function (a statement macro), `Tag` for a struct,
    /// union or enum name, `Lexical` for a name only named (an argument).
    pub kind: RefKind,
}

#[derive(Clone, Copy)]
pub struct Tok {
    kind: TokenKind,
    pub start: usize,
    pub end: usize,
    /// The first token of its line.
    line_start: bool,
    /// Part of a preprocessor directive line.
    directive: bool,
    /// The `#` that starts a directive.
    directive_start: bool,
}

/// Blanks attribute idioms, type wrappers and file-level invocations in `src`, and rewrites the
/// constructs of the general rules (grammars/c/idioms.toml) into C that tree-sitter parses.
pub fn mask(src: &[u8], table: &IdiomTable) -> Masked {
    let toks = tokenize(src);
    let mut m = Masker {
        src,
        toks: &toks,
        table,
        text: src.to_vec(),
        invocations: Vec::new(),
        uses: Vec::new(),
        prev_code: None,
        depth: 0,
        parens: 0,
        in_case: false,
        open: Vec::new(),
        last_closed: None,
        macros: Vec::new(),
        includes: Vec::new(),
        function_macros: FxHashMap::default(),
        file_attributes: FxHashMap::default(),
        enumerators: Vec::new(),
        pasted: Vec::new(),
        fragments: Vec::new(),
        expansion_budget: std::cell::Cell::new(templates::FILE_EXPANSION_BUDGET),
    };
    let mut i = 0;
    while i < toks.len() {
        i = if toks[i].directive_start {
            m.directive(i)
        } else if toks[i].directive {
            i + 1
        } else if toks[i].kind == TokenKind::Identifier {
            m.identifier(i)
        } else {
            m.other(i)
        };
    }
    // In file order for the line counting downstream (an `offsetof` adds its uses early).
    m.uses.sort_unstable_by_key(|u| u.start);
    let Masker { text, invocations, uses, macros, includes, enumerators, pasted, fragments, .. } = m;
    Masked { text, invocations, uses, tokens: toks, macros, includes, enumerators, pasted, fragments }
}

/// The state of one masking pass over the tokens of a file. Each step takes the index of a
/// code token and returns the index of the next token to look at.
struct Masker<'s> {
    src: &'s [u8],
    toks: &'s [Tok],
    table: &'s IdiomTable,
    text: Vec<u8>,
    invocations: Vec<Invocation>,
    uses: Vec<MaskedUse>,
    /// The previous code (non-directive) token.
    prev_code: Option<usize>,
    /// Braces and parentheses open at this point, counted over code tokens (both arms of an
    /// `#if` count).
    depth: usize,
    parens: usize,
    /// Between `case` and its `:`.
    in_case: bool,
    /// The braces and parentheses open at this point, innermost last. Unlike `depth` and
    /// `parens`, a `}` also closes the parentheses left open inside it, and a `;` outside every
    /// brace closes them all: `#if` arms that open a parenthesis twice must not leave the rest
    /// of the file "inside parentheses".
    open: Vec<Open>,
    /// The `(` that the last `)` closed.
    last_closed: Option<usize>,
    macros: Vec<MaskedMacro>,
    includes: Vec<(usize, usize)>,
    /// Function-like macros defined so far: name -> (token index of the `(` after the name,
    /// end of the directive's tokens).
    function_macros: FxHashMap<&'s [u8], (usize, usize)>,
    /// Object-like macros defined in this file, and whether every definition so far expands to
    /// attributes or to nothing (`#define NI __attribute__((noinline))`): those are blanked
    /// where they are used, as the preprocessor would leave no more than an attribute there.
    file_attributes: FxHashMap<&'s [u8], bool>,
    enumerators: Vec<MaskedEnumerators>,
    pasted: Vec<PastedUse>,
    fragments: Vec<usize>,
    /// Body tokens the template and pasted-name expansions of this file may still walk: a
    /// guard against macro bombs (`templates`).
    expansion_budget: std::cell::Cell<usize>,
}

/// Identifiers that look like calls but start no macro invocation. (Not all of
/// `lexer::is_reserved`: with `break` counted, `CASE_GET_REG32(dsa, R)` before a `break;`
/// in hw/scsi/ncr53c710.c is no longer read as a type macro, and that file parses worse.)
fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "if" | "while"
            | "for"
            | "switch"
            | "return"
            | "sizeof"
            | "typeof"
            | "__typeof__"
            | "__typeof"
            | "_Alignof"
            | "alignof"
            | "_Alignas"
            | "alignas"
            | "__attribute__"
            | "__attribute"
            | "__declspec"
            | "_Static_assert"
            | "static_assert"
            | "asm"
            | "__asm__"
            | "__asm"
            | "_Generic"
            | "__extension__"
            | "_Atomic"
            | "defined"
    )
}

/// GNU's `__attribute__((...))`: blanked like the table's attributes (it names no symbol, and
/// tree-sitter-c takes it in fewer places than GCC does).
fn is_gnu_attribute(word: &str) -> bool {
    matches!(word, "__attribute__" | "__attribute")
}

/// Type keywords: never the declarator a type macro is followed by.
fn is_builtin_type(word: &str) -> bool {
    matches!(
        word,
        "void"
            | "char"
            | "short"
            | "int"
            | "long"
            | "float"
            | "double"
            | "signed"
            | "unsigned"
            | "_Bool"
            | "bool"
            | "struct"
            | "union"
            | "enum"
    )
}

/// Identifiers that may precede a declaration's type.
fn is_declaration_prefix(word: &[u8]) -> bool {
    matches!(word, b"static" | b"extern" | b"const" | b"volatile" | b"typedef" | b"register" | b"inline")
}

impl Masker<'_> {
    fn identifier(&mut self, i: usize) -> usize {
        let (src, toks, table) = (self.src, self.toks, self.table);
        let t = toks[i];
        let word = std::str::from_utf8(&src[t.start..t.end]).unwrap_or_default();
        if word == "case" {
            self.in_case = true;
        }
        let learned = self.file_attributes.get(word.as_bytes()) == Some(&true);
        let role = table.role(word).or((learned || is_gnu_attribute(word)).then_some(IdiomRole::Attribute));
        let column0 = t.start == 0 || src[t.start - 1] == b'\n';
        let call = next_code(toks, i).filter(|&j| is_punct(src, &toks[j], b'('));
        if word == "offsetof" {
            if let Some(open) = call {
                self.offsetof_member(open);
            }
            return self.advance(i);
        }
        if let (None | Some(IdiomRole::CallUses), Some(open)) = (role, call) {
            if role.is_some() || self.function_macros.contains_key(word.as_bytes()) {
                if let Some(close) = matching_paren(src, toks, open) {
                    if role.is_some() {
                        self.call_uses(i, open, close);
                    } else {
                        self.pasted_uses(i, open, close, &[]);
                    }
                }
            }
        }
        if let (None, Some(open), Some(Open::Enum)) = (role, call, self.open.last()) {
            if let Some(next) = self.enumerator_invocation(i, open) {
                return next;
            }
        }
        // Most identifiers are no macro at all: only an idiom, or a call first on its line or
        // where a statement or declaration starts, is worth matching parentheses for.
        let placed = t.line_start || self.starts_statement() || self.starts_declaration();
        if role.is_none() && (call.is_none() || is_keyword(word) || !placed) {
            return self.advance(i);
        }
        let close = call.and_then(|open| matching_paren(src, toks, open));
        match (role, call, close) {
            (Some(IdiomRole::Attribute), _, _) => {
                // `int GRAPH_RDLOCK_PTR (*fn)(...)`: a `(*` opens a declarator, not arguments.
                let declarator = call.is_some_and(|open| toks.get(open + 1).is_some_and(|s| is_punct(src, s, b'*')));
                let close = close.filter(|_| !declarator);
                let end = close.map_or(t.end, |c| toks[c].end);
                blank(&mut self.text, t.start, end);
                if learned {
                    self.uses.push(MaskedUse { start: t.start, end: t.end, kind: RefKind::Lexical });
                }
                return close.map_or(i + 1, |c| c + 1);
            }
            (Some(IdiomRole::TypeWrapper), Some(open), Some(close)) => {
                self.wrapper_uses(i, open, close, &[]);
                blank(&mut self.text, t.start, toks[open].end);
                blank(&mut self.text, toks[close].start, toks[close].end);
                return self.advance(i);
            }
            (_, Some(open), Some(close)) => {
                if let Some(next) = self.invocation(i, open, close, column0, word) {
                    return next;
                }
                if role.is_none() {
                    if let Some(next) = self.statement_macro(i, open, close).or_else(|| self.type_macro(i, open, close))
                    {
                        return next;
                    }
                }
            }
            _ => {}
        }
        self.advance(i)
    }

    /// `g_autoptr(Foo)` at token `i` (`(` at `open`, `)` at `close`): the names the table's
    /// `uses` make from its argument (the type `Foo_autoptr`, the function
    /// `glib_autoptr_cleanup_Foo`), unless the argument is one of `unknown` (a parameter of the
    /// macro whose body holds it).
    fn wrapper_uses(&mut self, i: usize, open: usize, close: usize, unknown: &[&[u8]]) {
        let (src, toks) = (self.src, self.toks);
        let word = std::str::from_utf8(&src[toks[i].start..toks[i].end]).unwrap_or_default();
        let Some(idiom) = self.table.get(word) else { return };
        let args = lexer::split_args(&src[toks[open].end..toks[close].start]);
        if args.iter().any(|a| unknown.contains(&a.as_bytes())) {
            return;
        }
        let at = toks[open].start;
        for pattern in &idiom.uses {
            let names = self.table.names(pattern, &args);
            self.pasted.extend(names.into_iter().map(|name| PastedUse { at, name, kind: RefKind::Lexical }));
        }
    }

    /// A file-level invocation at `i`: blanked and recorded; the index after it.
    fn invocation(&mut self, i: usize, open: usize, close: usize, column0: bool, word: &str) -> Option<usize> {
        let (src, toks) = (self.src, self.toks);
        let t = toks[i];
        let after_complete = self
            .prev_code
            .is_none_or(|p| toks[p].kind == TokenKind::Punct && matches!(src[toks[p].start], b';' | b'}' | b')'));
        if !(t.line_start && (column0 || (self.depth == 0 && self.parens == 0)) && after_complete) {
            return None;
        }
        let end = file_level_end(src, toks, close)?;
        let args = lexer::split_args(&src[toks[open].end..toks[close].start]);
        let template = if self.table.get(word).is_none() { self.template(word.as_bytes(), &args) } else { None };
        if template.is_some() {
            // What its functions use is theirs, not the file's.
            let at = toks[open].start;
            self.pasted.retain(|p| p.at != at);
        }
        self.invocations.push(Invocation {
            name: word.to_string(),
            start: t.start,
            end: toks[end].end,
            args,
            template,
        });
        blank(&mut self.text, t.start, toks[end].end);
        self.prev_code = Some(end);
        Some(end + 1)
    }

    /// The previous code token and its text.
    fn prev(&self) -> Option<(Tok, &[u8])> {
        self.prev_code.map(|p| (self.toks[p], &self.src[self.toks[p].start..self.toks[p].end]))
    }

    /// `NAME(...) {` where a statement starts inside a body: the name becomes `if` (or the
    /// whole `NAME()` goes when there are no arguments) and stays a use.
    fn statement_macro(&mut self, i: usize, open: usize, close: usize) -> Option<usize> {
        let (src, toks) = (self.src, self.toks);
        let t = toks[i];
        let block_follows = next_code(toks, close).is_some_and(|j| is_punct(src, &toks[j], b'{'));
        if !(self.depth > 0 && self.starts_statement() && block_follows && t.end - t.start >= 2) {
            return None;
        }
        if close == open + 1 {
            // `RCU_READ_LOCK_GUARD() {`: no condition to keep, the block stands alone.
            blank(&mut self.text, t.start, toks[close].end);
        } else {
            self.text[t.start..t.start + 2].copy_from_slice(b"if");
            blank(&mut self.text, t.start + 2, t.end);
        }
        self.uses.push(MaskedUse { start: t.start, end: t.end, kind: RefKind::Call });
        Some(self.advance(i))
    }

    /// `NAME(...) declarator` where a declaration starts: the arguments are blanked (and stay
    /// uses), the name stands as the type.
    fn type_macro(&mut self, i: usize, open: usize, close: usize) -> Option<usize> {
        let (src, toks) = (self.src, self.toks);
        if !(self.starts_declaration() && declarator_follows(src, toks, close)) {
            return None;
        }
        self.keep_uses(open + 1..close);
        blank(&mut self.text, toks[open].start, toks[close].end);
        self.prev_code = Some(i);
        Some(close + 1)
    }

    /// `offsetof(T, a.b[i])`: tree-sitter-c takes only a field name as the member, so the
    /// designator is cut after its first field (`offsetof(T, a      )`); names inside its
    /// subscripts stay uses. The tokens are still visited for brace and parenthesis depth.
    fn offsetof_member(&mut self, open: usize) {
        let (src, toks) = (self.src, self.toks);
        let Some(close) = matching_paren(src, toks, open) else { return };
        let mut depth = 0;
        let Some(comma) = (open + 1..close).find(|&j| {
            if toks[j].kind != TokenKind::Punct {
                return false;
            }
            match src[toks[j].start] {
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth -= 1,
                b',' => return depth == 0,
                _ => {}
            }
            false
        }) else {
            return;
        };
        let field = comma + 1;
        let tail = field + 1;
        let designator = toks[field].kind == TokenKind::Identifier
            && tail < close
            && toks[tail].kind == TokenKind::Punct
            && matches!(src[toks[tail].start], b'.' | b'[');
        if !designator {
            return;
        }
        self.keep_uses(tail..close);
        blank(&mut self.text, toks[tail].start, toks[close - 1].end);
    }

    /// Records the names among `toks[range]`, about to be blanked, as uses: not keywords, not
    /// field names (after `.` or `->`).
    fn keep_uses(&mut self, range: std::ops::Range<usize>) {
        let (src, toks) = (self.src, self.toks);
        for j in range {
            let field = j > 0 && (is_punct(src, &toks[j - 1], b'.') || is_punct(src, &toks[j - 1], b'>'));
            let word = std::str::from_utf8(&src[toks[j].start..toks[j].end]).unwrap_or_default();
            if toks[j].kind == TokenKind::Identifier && !field && !lexer::is_reserved(word) {
                self.uses.push(MaskedUse { start: toks[j].start, end: toks[j].end, kind: RefKind::Lexical });
            }
        }
    }

    /// The previous code token opens a statement: none, `;`, a brace, `)` (of `if (...)`) or
    /// `else`.
    fn starts_statement(&self) -> bool {
        self.prev().is_none_or(|(p, text)| {
            matches!(text, b";" | b"{" | b"}" | b")") || (p.kind == TokenKind::Identifier && text == b"else")
        })
    }

    /// The previous code token opens a declaration: none, `;`, a brace or a storage class or
    /// qualifier.
    fn starts_declaration(&self) -> bool {
        self.prev().is_none_or(|(p, text)| {
            matches!(text, b";" | b"{" | b"}") || (p.kind == TokenKind::Identifier && is_declaration_prefix(text))
        })
    }

    /// Punctuation and literals: brace depth, comparison arguments, case ranges.
    fn other(&mut self, i: usize) -> usize {
        let (src, toks) = (self.src, self.toks);
        let t = toks[i];
        if t.kind == TokenKind::Punct {
            match src[t.start] {
                b'{' => {
                    self.depth += 1;
                    let kind = if self.opens_initializer() {
                        Open::Initializer
                    } else if self.opens_enum() {
                        Open::Enum
                    } else {
                        Open::Body
                    };
                    self.open.push(kind);
                }
                b'}' => {
                    self.depth = self.depth.saturating_sub(1);
                    while let Some(Open::Paren(_)) = self.open.pop() {}
                }
                b'(' => {
                    self.parens += 1;
                    self.open.push(Open::Paren(i));
                    self.call_argument(i);
                }
                b')' => {
                    self.parens = self.parens.saturating_sub(1);
                    if let Some(&Open::Paren(open)) = self.open.last() {
                        self.open.pop();
                        self.last_closed = Some(open);
                    }
                }
                b';' if self.open.iter().all(|o| matches!(o, Open::Paren(_))) => self.open.clear(),
                b':' => self.in_case = false,
                b',' => {
                    if let Some(second) = comparison_argument(src, toks, i) {
                        blank(&mut self.text, t.start, t.end);
                        blank(&mut self.text, toks[second].start, toks[second].end);
                        self.prev_code = Some(second);
                        return second + 1;
                    }
                    self.call_argument(i);
                }
                b'.' if self.in_case
                    && src[t.start..].starts_with(b"...")
                    && self.prev_code.is_some_and(|p| ends_operand(src, &toks[p])) =>
                {
                    self.text[t.start..t.start + 3].copy_from_slice(b"+  ");
                    self.prev_code = Some(i + 2);
                    return i + 3;
                }
                _ => {}
            }
        }
        self.advance(i)
    }

    fn advance(&mut self, i: usize) -> usize {
        self.prev_code = Some(i);
        i + 1
    }
}

/// `, OP ,` with OP a comparison operator, as in `g_assert_cmpint(a, ==, b)`: the index of the
/// second comma. Never valid C, so blanking both commas can only repair.
fn comparison_argument(src: &[u8], toks: &[Tok], comma: usize) -> Option<usize> {
    let op_start = toks.get(comma + 1)?.start;
    let mut j = comma + 1;
    while j < toks.len() && toks[j].kind == TokenKind::Punct && matches!(src[toks[j].start], b'=' | b'!' | b'<' | b'>')
    {
        j += 1;
    }
    let op = &src[op_start..toks.get(j)?.start];
    let op = op.trim_ascii_end();
    let is_comparison = matches!(op, b"==" | b"!=" | b"<" | b">" | b"<=" | b">=");
    (is_comparison && is_punct(src, &toks[j], b',')).then_some(j)
}

/// After a type macro's `)`: `*`s, a name that is no keyword, then `;`, `=`, `,` or `[`, as in
/// `QLIST_HEAD(, Foo) *list = NULL;` (a name followed by `(` is another macro call).
fn declarator_follows(src: &[u8], toks: &[Tok], close: usize) -> bool {
    let mut j = next_code(toks, close);
    while let Some(star) = j.filter(|&s| is_punct(src, &toks[s], b'*')) {
        j = next_code(toks, star);
    }
    let Some(name) = j.filter(|&n| toks[n].kind == TokenKind::Identifier) else { return false };
    let word = std::str::from_utf8(&src[toks[name].start..toks[name].end]).unwrap_or_default();
    if is_keyword(word) || is_declaration_prefix(word.as_bytes()) || is_builtin_type(word) {
        return false;
    }
    next_code(toks, name)
        .is_some_and(|n| toks[n].kind == TokenKind::Punct && matches!(src[toks[n].start], b';' | b'=' | b',' | b'['))
}

/// A token that can end the left operand of `...` in a case range.
fn ends_operand(src: &[u8], t: &Tok) -> bool {
    matches!(t.kind, TokenKind::Identifier | TokenKind::Number | TokenKind::Literal) || is_punct(src, t, b')')
}

/// Where a file-level `NAME(...)` ends if it is a file-level invocation: at its `)` when a newline
/// (or the end of the file) follows, at the `;` when one follows; `None` when a `{` or more code
/// follows on the same line (a function definition in GNU style, or a declaration).
fn file_level_end(src: &[u8], toks: &[Tok], close: usize) -> Option<usize> {
    match next_code(toks, close) {
        None => Some(close),
        Some(j) if is_punct(src, &toks[j], b';') => Some(j),
        Some(j) if is_punct(src, &toks[j], b'{') => None,
        Some(j) if toks[j].line_start || toks[j].directive => {
            // A `{` on the next line still opens a GNU-style function body.
            (!is_punct(src, &toks[j], b'{')).then_some(close)
        }
        Some(_) => None,
    }
}

fn tokenize(src: &[u8]) -> Vec<Tok> {
    let mut toks: Vec<Tok> = Vec::new();
    let mut last_line_end = 0usize; // offset after which a token is first on its line
    let mut in_directive = false;
    lexer::scan(src, |kind, start, end| {
        let newline_between = src[last_line_end..start].contains(&b'\n') || toks.is_empty();
        // A directive goes on across backslash-newline continuations.
        let continued = newline_between && start > 0 && {
            let gap = &src[last_line_end..start];
            let mut lines = gap.split(|&b| b == b'\n');
            lines.next().is_some_and(|l| l.ends_with(b"\\") || l.ends_with(b"\\\r"))
        };
        let directive_start = newline_between && !continued && kind == TokenKind::Punct && src[start] == b'#';
        if newline_between && !continued {
            in_directive = directive_start;
        }
        toks.push(Tok { kind, start, end, line_start: newline_between, directive: in_directive, directive_start });
        last_line_end = end;
    });
    toks
}

fn next_code(toks: &[Tok], i: usize) -> Option<usize> {
    (i + 1..toks.len()).find(|&j| !toks[j].directive)
}

fn is_punct(src: &[u8], t: &Tok, c: u8) -> bool {
    t.kind == TokenKind::Punct && src[t.start] == c
}

fn matching_paren(src: &[u8], toks: &[Tok], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, t) in toks.iter().enumerate().skip(open) {
        if t.kind != TokenKind::Punct {
            continue;
        }
        match src[t.start] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            b';' | b'{' | b'}' => return None,
            _ => {}
        }
    }
    None
}

fn blank(text: &mut [u8], start: usize, end: usize) {
    for b in &mut text[start..end] {
        if *b != b'\n' {
            *b = b' ';
        }
    }
}

#[cfg(test)]
mod tests;
