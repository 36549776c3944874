//! What the masking pass took out of the parser's view, added to a file's facts: names it
//! blanked (uses where they stand), the macros and includes of directives it blanked, the
//! enumerators of macro calls in enum lists, and file-level invocations with what the idiom
//! table says they define and use. None of it has a syntax node: spans and lines come from the
//! text.

use crate::fxhash::FxHashSet;

use super::{include_of, Collector, RawDef, RawRef};
use crate::facts::{Linkage, NameIdx, RefKind, SymbolKind};
use crate::lang::idioms;
use crate::lang::lexer::{self, TokenKind};
use crate::lang::mask::{Expansion, Invocation, MaskedEnumerators, MaskedMacro, MaskedUse, PastedUse};

/// A global definition of `name` spanning the bytes `span`, starting on `line` (where its name
/// stands, too), with its (interface, body) hashes.
fn span_def(
    src: &[u8],
    name: NameIdx,
    kind: SymbolKind,
    span: (usize, usize),
    line: u32,
    hashes: (u64, u64),
) -> RawDef {
    RawDef {
        name,
        kind,
        linkage: Linkage::Global,
        start_byte: span.0,
        end_byte: span.1,
        start_line: line,
        end_line: line + lexer::newlines(&src[span.0..span.1]),
        name_line: line,
        interface_hash: hashes.0,
        body_hash: hashes.1,
    }
}

impl RawDef {
    /// Visible in its file only when `is_static`, as a `static` definition.
    fn static_if(mut self, is_static: bool) -> RawDef {
        if is_static {
            self.linkage = Linkage::File;
        }
        self
    }
}

/// Names masking took out of code that is still parsed: references where they stand.
pub(super) fn add_uses(c: &mut Collector, uses: &[MaskedUse]) {
    let mut lines = lexer::Lines::new(c.src, 1);
    for u in uses {
        let line = lines.at(u.start);
        let name = c.intern(&String::from_utf8_lossy(&c.src[u.start..u.end]));
        c.refs.push(RawRef { byte: u.start, line, name, kind: u.kind });
    }
}

/// `#define HELPER_H "helper.h"`: an include of that path where it is defined, for the macros
/// the idiom table names `include_path` (the file that defines it includes a header that
/// includes `HELPER_H`).
pub(super) fn add_include_macros(c: &mut Collector) {
    let mut found = Vec::new();
    for d in c.defs.iter().filter(|d| d.kind == SymbolKind::Macro) {
        if !c.idioms.is_include_path(&c.names[d.name as usize]) {
            continue;
        }
        let text = String::from_utf8_lossy(&c.src[d.start_byte..d.end_byte]);
        let mut quoted = text.split('"');
        if let (Some(_), Some(path), Some(_)) = (quoted.next(), quoted.next(), quoted.next()) {
            let mut include = include_of(&format!("\"{path}\""), d.start_line);
            include.exact = true;
            found.push(include);
        }
    }
    if !found.is_empty() {
        c.includes.extend(found);
        c.includes.sort_by_key(|i| i.line);
    }
}

/// Names pasted by invocations of the file's own macros: uses of the code around them (a
/// function, or the macro whose body holds the invocation).
pub(super) fn add_pasted(c: &mut Collector, pasted: &[PastedUse]) {
    let mut sorted: Vec<&PastedUse> = pasted.iter().collect();
    sorted.sort_by_key(|p| p.at);
    let mut lines = lexer::Lines::new(c.src, 1);
    for p in sorted {
        let line = lines.at(p.at);
        let name = c.intern(&p.name);
        c.refs.push(RawRef { byte: p.at, line, name, kind: p.kind });
    }
}

/// Directives masking took out of initializers and parentheses: the macros they define (as a
/// `preproc_def` capture would give them) and the files they include. Their bodies' names are
/// among the masked uses.
pub(super) fn add_directives(c: &mut Collector, macros: &[MaskedMacro], includes: &[(usize, usize)]) {
    let mut lines = lexer::Lines::new(c.src, 1);
    for m in macros {
        let start_line = lines.at(m.start);
        let name = c.intern(&String::from_utf8_lossy(&c.src[m.name.0..m.name.1]));
        c.name_bytes.insert(m.name.0);
        for &(s, e) in m.params.iter().flatten() {
            let param = c.intern(&String::from_utf8_lossy(&c.src[s..e]));
            c.locals.push((s, param));
        }
        let hash = c.hash(m.name.1, m.end);
        let kind = if m.params.is_some() { SymbolKind::FunctionMacro } else { SymbolKind::Macro };
        let def = span_def(c.src, name, kind, (m.start, m.end), start_line, (hash, hash));
        c.defs.push(def);
    }
    let mut lines = lexer::Lines::new(c.src, 1);
    for &(s, e) in includes {
        let line = lines.at(s);
        let include = include_of(&String::from_utf8_lossy(&c.src[s..e]), line);
        c.includes.push(include);
    }
    if !includes.is_empty() {
        // After the ones tree-sitter found: back into file order (stable, so ties keep theirs).
        c.includes.sort_by_key(|i| i.line);
    }
}

/// Enumerators made by macro invocations in enum lists: definitions spanning the invocation,
/// as a plain enumerator spans its name and value (not inside a function: those are local).
pub(super) fn add_enumerators(c: &mut Collector, enumerators: &[MaskedEnumerators]) {
    if enumerators.is_empty() {
        return;
    }
    // Function bodies do not nest: sorted by start, the one that may hold a position is the last
    // one starting before it.
    let mut functions: Vec<(usize, usize)> =
        c.defs.iter().filter(|d| d.kind == SymbolKind::Function).map(|d| (d.start_byte, d.end_byte)).collect();
    functions.sort_unstable();
    let in_function = |start: usize, end: usize| {
        let before = functions.partition_point(|&(s, _)| s <= start);
        before > 0 && end <= functions[before - 1].1
    };
    let mut lines = lexer::Lines::new(c.src, 1);
    for e in enumerators {
        let line = lines.at(e.start);
        if e.names.is_empty() || in_function(e.start, e.end) {
            continue;
        }
        let hash = c.hash(e.start, e.end);
        for name in &e.names {
            let name = c.intern(name);
            let def = span_def(c.src, name, SymbolKind::EnumConstant, (e.start, e.end), line, (hash, 0));
            c.defs.push(def);
        }
    }
}

/// Masked file-level invocations: their identifiers are file-level references, and table idioms
/// add the symbols they define and the names they use; an argument a definition's name is
/// pasted from is a fragment of that name, not a use.
pub(super) fn add_invocations(c: &mut Collector, invocations: &[Invocation]) {
    // Invocations come in file order.
    let mut lines = lexer::Lines::new(c.src, 1);
    for inv in invocations {
        let line = lines.at(inv.start);
        if let Some(template) = &inv.template {
            add_template(c, inv, template, line);
            continue;
        }
        // Names defined here, and the arguments pasted into them (`helper_{0}`): no uses.
        let mut made = Made::default();
        let args_holder = apply_idiom(c, &inv.name, &inv.args, (inv.start, inv.end), line, &mut made, 0);
        let defined = made.fragments;
        let name_end = inv.start + inv.name.len();
        let src = c.src;
        let args = &src[name_end..inv.end];
        let macro_name = c.intern(&inv.name);
        let r = RawRef { byte: usize::MAX, line, name: macro_name, kind: RefKind::Call };
        match args_holder {
            // The definition's body is the macro's: it uses the macro.
            Some(holder) => c.pinned.push((holder, RawRef { byte: inv.start, ..r })),
            None => c.refs.push(r),
        }
        let mut arg_lines = lexer::Lines::new(args, line + lexer::newlines(&src[inv.start..name_end]));
        let mut arg_uses = Vec::new();
        lexer::identifiers(args, |off, word| {
            if !defined.contains(word) {
                arg_uses.push((word.to_string(), arg_lines.at(off)));
            }
        });
        for (word, line) in arg_uses {
            let name = c.intern(&word);
            let r = RawRef { byte: usize::MAX, line, name, kind: RefKind::Lexical };
            match args_holder {
                Some(holder) => c.pinned.push((holder, RawRef { byte: inv.start, ..r })),
                None => c.refs.push(r),
            }
        }
    }
}

/// How deep `invokes` are followed (the table has no cycles: `IdiomTable::build` checks):
/// QEMU's deepest is three (OBJECT_DECLARE_CPU_TYPE invokes OBJECT_DECLARE_TYPE, which invokes
/// DECLARE_OBJ_CHECKERS, which invokes DECLARE_INSTANCE_CHECKER).
const MAX_INVOKES: usize = 6;

/// What an invocation's table idioms made so far.
#[derive(Default)]
struct Made {
    /// The names defined, and the arguments they, or mapped uses (`{2:dh_alias}`), are made
    /// from: no uses.
    fragments: FxHashSet<String>,
    /// What each defined name is: a use of one is a call, a type or a value.
    kinds: Vec<(String, SymbolKind)>,
}

/// What the table idiom `name`, invoked over `span` with `args`, defines and uses, with what
/// the invocations it makes (`invokes`) do: definitions spanning the invocation, uses standing
/// in them (`A -> B`) or at file level, recorded in `made` too. Returns the holder of `A -> *`,
/// if any.
fn apply_idiom(
    c: &mut Collector,
    idiom_name: &str,
    args: &[String],
    span: (usize, usize),
    line: u32,
    made: &mut Made,
    depth: usize,
) -> Option<NameIdx> {
    let table = c.idioms;
    let idiom = table.get(idiom_name)?;
    let mut args_holder = None;
    for t in &idiom.defines {
        if let Some(name) = idioms::instantiate_in(c.idioms, &t.pattern, args) {
            made.kinds.push((name.clone(), t.kind));
            let name_idx = c.intern(&name);
            let pasted = idioms::placeholders(&t.pattern, args.len()).into_iter().filter_map(|i| args.get(i).cloned());
            made.fragments.extend(pasted);
            made.fragments.insert(name.clone());
            // What the definition is made of: a typedef the table names (`typedef struct Foo
            // Foo`, `Foo *Foo_autoptr`) by its name alone; anything else by this idiom's
            // arguments, not the whole invocation's (renaming a QOM checker changes neither the
            // instance type nor its autoptr cleanups).
            let made_of = match t.kind {
                SymbolKind::Typedef => format!("{idiom_name} typedef {name}"),
                _ => format!("{idiom_name}({})", args.join(",")),
            };
            let iface = lexer::normalized_hash(made_of.as_bytes());
            c.defs.push(span_def(c.src, name_idx, t.kind, span, line, (iface, 0)).static_if(t.is_static));
        }
    }
    for pattern in &idiom.uses {
        // `A -> *`: the arguments' names are uses of A, not of the file.
        if let Some((holder, "*")) = pattern.split_once("->").map(|(h, u)| (h.trim(), u.trim())) {
            if let Some(holder) = idioms::instantiate_in(c.idioms, holder, args) {
                args_holder = Some(c.intern(&holder));
            }
            continue;
        }
        // `A -> B`: a use of B standing in the definition A this invocation makes.
        let (holder, used) = match pattern.split_once("->") {
            Some((holder, used)) => (idioms::instantiate_in(c.idioms, holder.trim(), args), used.trim()),
            None => (None, pattern.as_str()),
        };
        if pattern.contains("->") && holder.is_none() {
            continue;
        }
        let names = c.idioms.names(used, args);
        if idioms::is_mapped(used) && !names.is_empty() {
            // A mapped argument (`i32`, `env`) is a key of the map, not a name of the program.
            made.fragments
                .extend(idioms::placeholders(used, args.len()).into_iter().filter_map(|i| args.get(i).cloned()));
        }
        for used in names {
            let kind = match made.kinds.iter().find(|(n, _)| *n == used).map(|(_, k)| *k) {
                Some(SymbolKind::Function | SymbolKind::Prototype | SymbolKind::FunctionMacro) => RefKind::Call,
                Some(SymbolKind::Typedef) => RefKind::Type,
                Some(_) => RefKind::Identifier,
                // Named by the table, not by code: how it is used is not known.
                None => RefKind::Lexical,
            };
            let name = c.intern(&used);
            match &holder {
                Some(holder) => {
                    let holder = c.intern(holder);
                    c.pinned.push((holder, RawRef { byte: span.0, line, name, kind }));
                }
                // Past the end of every definition: attributed to file level.
                None => c.refs.push(RawRef { byte: usize::MAX, line, name, kind }),
            }
        }
    }
    if depth < MAX_INVOKES {
        for (invoked, invoked_args) in c.idioms.invoked(idiom, args) {
            // What the inner invocation defines, and the names it pastes them from, are this
            // one's.
            apply_idiom(c, &invoked, &invoked_args, span, line, made, depth + 1);
        }
    }
    args_holder
}

/// An invocation of a template of the file (`mask::templates`): the functions it defines span
/// it, and each uses the macro (its body's own names are reached through it), the names the
/// body pastes from the arguments, and the names of the arguments the body uses as written.
fn add_template(c: &mut Collector, inv: &Invocation, template: &Expansion, line: u32) {
    let src = c.src;
    let name_end = inv.start + inv.name.len();
    let mut uses = vec![(inv.name.clone(), RefKind::Call, line)];
    uses.extend(template.shared.iter().map(|(n, k)| (n.clone(), *k, line)));
    // The arguments' names, each on its own line, for the arguments used as written.
    let mut arg_lines = lexer::Lines::new(&src[name_end..inv.end], line + lexer::newlines(&src[inv.start..name_end]));
    let mut index = 0usize;
    let mut depth = 0usize;
    let mut bare_names = Vec::new();
    lexer::scan(&src[name_end..inv.end], |kind, s, e| {
        let text = &src[name_end + s..name_end + e];
        match (kind, text) {
            (TokenKind::Punct, b"(") => depth += 1,
            (TokenKind::Punct, b")") => depth = depth.saturating_sub(1),
            (TokenKind::Punct, b",") if depth == 1 => index += 1,
            (TokenKind::Identifier, _) if template.bare.get(index) == Some(&true) => {
                bare_names.push((String::from_utf8_lossy(text).into_owned(), s));
            }
            _ => {}
        }
    });
    for (name, offset) in bare_names {
        uses.push((name, RefKind::Lexical, arg_lines.at(offset)));
    }
    let hash = c.hash(inv.start, inv.end);
    for (variable, is_static) in &template.variables {
        let name = c.intern(variable);
        c.defs.push(
            span_def(src, name, SymbolKind::Variable, (inv.start, inv.end), line, (hash, 0)).static_if(*is_static),
        );
    }
    // The table idioms its body invokes define and use what they do where it stands.
    let mut made = Made::default();
    for (idiom, args) in &template.invocations {
        apply_idiom(c, idiom, args, (inv.start, inv.end), line, &mut made, 0);
    }
    if template.functions.is_empty() {
        // No function of its own to hold the macro and its arguments' names: the file's.
        for (used, kind, at) in uses {
            let name = c.intern(&used);
            c.refs.push(RawRef { byte: usize::MAX, line: at, name, kind });
        }
        return;
    }
    for function in &template.functions {
        let name = c.intern(&function.name);
        let def = span_def(src, name, SymbolKind::Function, (inv.start, inv.end), line, (hash, 0));
        c.defs.push(def.static_if(function.is_static));
        let own = function.uses.iter().map(|(n, k)| (n.clone(), *k, line));
        for (used, kind, at) in uses.iter().cloned().chain(own) {
            let used = c.intern(&used);
            c.pinned.push((name, RawRef { byte: inv.start, line: at, name: used, kind }));
        }
    }
}
