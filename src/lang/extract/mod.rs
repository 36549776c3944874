//! Syntax tree + query captures -> `FileSymbols`. The only place that reads tree-sitter nodes;
//! what the masking pass took out of the tree is added by `masked`.

mod finish;
mod masked;
mod pasted;

use pasted::{built_callee, exclude_names_in, idiom_argument, pasted_name, pasted_operand, pasted_reference};

use std::time::{Duration, Instant};

use tree_sitter::{Node, ParseOptions, Parser, Tree};

use super::idioms::IdiomTable;
use super::lexer;
use super::mask::{self, Tok};
use super::preproc;
use super::queries::{field, Capture, Queries, FIELDS};
use super::walk::Walk;
use crate::facts::{FileSymbols, Include, Linkage, NameIdx, ParseHealth, RefKind, SymbolKind};
use crate::fxhash::{FxHashMap, FxHashSet};

/// Limits that keep one adversarial file from holding up a run.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Parsing a file stops after this long; what was read so far is not used, the file is
    /// reported as timed out.
    pub parse_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { parse_timeout: Duration::from_secs(10) }
    }
}

/// A definition as found, before names are interned and spans sorted.
struct RawDef {
    name: NameIdx,
    kind: SymbolKind,
    linkage: Linkage,
    start_byte: usize,
    end_byte: usize,
    start_line: u32,
    end_line: u32,
    name_line: u32,
    interface_hash: u64,
    body_hash: u64,
}

/// A use of a name, before it is attributed to a definition.
struct RawRef {
    byte: usize,
    line: u32,
    name: NameIdx,
    kind: RefKind,
}

/// Per-file working state: the string table and what the captures produced.
struct Collector<'a> {
    src: &'a [u8],
    /// The lexer's tokens of `src`, for the normalised hashes.
    tokens: &'a [Tok],
    idioms: &'a IdiomTable,
    names: Vec<String>,
    index: FxHashMap<String, NameIdx>,
    defs: Vec<RawDef>,
    refs: Vec<RawRef>,
    locals: Vec<(usize, NameIdx)>,
    /// Start bytes of definition names: a definition does not reference itself there.
    name_bytes: FxHashSet<usize>,
    includes: Vec<Include>,
    /// The body of the function being walked; declarations inside it are local.
    fn_body: (usize, usize),
    /// Uses that stand in a named definition made at the same place (`gen_helper_x` calls
    /// `helper_x`, both made by one `DEF_HELPER_2(x, ...)`), whatever the innermost span.
    pinned: Vec<(NameIdx, RawRef)>,
}

impl<'a> Collector<'a> {
    fn intern(&mut self, name: &str) -> NameIdx {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as NameIdx;
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), i);
        i
    }

    fn text(&self, node: Node) -> &'a str {
        std::str::from_utf8(&self.src[node.byte_range()]).unwrap_or_default()
    }

    fn is_local(&self, node: Node) -> bool {
        let b = node.start_byte();
        self.fn_body.0 <= b && b < self.fn_body.1
    }

    #[allow(clippy::too_many_arguments)]
    fn push_def(
        &mut self,
        node: Node,
        name_node: Option<Node>,
        name: &str,
        kind: SymbolKind,
        linkage: Linkage,
        iface: u64,
        body: u64,
    ) {
        // A MISSING identifier (zero-width, tree-sitter's guess) names nothing.
        if name.is_empty() {
            return;
        }
        let name_idx = self.intern(name);
        let name_line = name_node.map_or(node.start_position().row, |n| n.start_position().row) as u32 + 1;
        if let Some(n) = name_node {
            self.name_bytes.insert(n.start_byte());
        }
        self.defs.push(RawDef {
            name: name_idx,
            kind,
            linkage,
            start_byte: node.start_byte(),
            end_byte: node.end_byte(),
            start_line: node.start_position().row as u32 + 1,
            end_line: end_line(node),
            name_line,
            interface_hash: iface,
            body_hash: body,
        });
    }

    fn push_ref(&mut self, node: Node, kind: RefKind) {
        // A MISSING identifier is zero-width: tree-sitter's guess, not a use. A keyword read as
        // an identifier (error recovery, `g_new(char, n)`) names no symbol either.
        let text = self.text(node);
        if text.is_empty() || lexer::is_reserved(text) {
            return;
        }
        let name = self.intern(text);
        self.refs.push(RawRef { byte: node.start_byte(), line: node.start_position().row as u32 + 1, name, kind });
    }

    fn hash(&self, start: usize, end: usize) -> u64 {
        self.hash_spans(&[(start, end)])
    }

    /// `lexer::normalized_hash` of the spans joined by a space, from the file's tokens when
    /// every span starts and ends between tokens (syntax nodes do), else by scanning the text
    /// (only in files that are not C, where tree-sitter and the lexer disagree on tokens).
    fn hash_spans(&self, spans: &[(usize, usize)]) -> u64 {
        let mut runs: [&[Tok]; 2] = [&[], &[]];
        assert!(spans.len() <= runs.len(), "at most a type and a declarator");
        let aligned = spans
            .iter()
            .zip(&mut runs)
            .all(|(&(s, e), run)| self.tokens_within(s, e).map(|tokens| *run = tokens).is_some());
        if aligned {
            return lexer::hash_tokens(self.src, runs.iter().copied().flatten().map(|t| (t.start, t.end)));
        }
        let joined: Vec<u8> = spans.iter().map(|&(s, e)| &self.src[s..e.max(s)]).collect::<Vec<_>>().join(&b" "[..]);
        lexer::normalized_hash(&joined)
    }

    /// The tokens of `start..end`, or `None` when a token or a comment straddles either end.
    fn tokens_within(&self, start: usize, end: usize) -> Option<&'a [Tok]> {
        let tokens = self.tokens;
        let first = tokens.partition_point(|t| t.start < start);
        if tokens.get(first).is_none_or(|t| t.start != start) {
            // Starting between tokens: only white space may lie between the previous one and
            // `start` (a scan from inside a comment would see its words as tokens).
            let gap_start = if first == 0 { 0 } else { tokens[first - 1].end };
            if gap_start > start || !self.src[gap_start..start].iter().all(u8::is_ascii_whitespace) {
                return None;
            }
        }
        let last = first + tokens[first..].partition_point(|t| t.end <= end);
        if tokens.get(last).is_some_and(|t| t.start < end) {
            return None;
        }
        Some(&tokens[first..last])
    }
}

/// The last line a node covers: a directive's node ends at column 0 of the next line.
fn end_line(node: Node) -> u32 {
    let end = node.end_position();
    let start = node.start_position();
    if end.column == 0 && end.row > start.row {
        end.row as u32
    } else {
        end.row as u32 + 1
    }
}

/// The name a declarator declares, looking through pointers, arrays, initialisers, attributes
/// and parentheses.
enum DeclName<'t> {
    /// A plain name; `function` when the declarator declares a function (not a pointer to one).
    Ident {
        node: Node<'t>,
        function: bool,
    },
    /// A name built by token pasting: `HELPER(sfas)` builds `helper_sfas`; one the idiom table
    /// cannot build (`glue(helper_, SUFFIX)`) is named by its text.
    Pasted {
        text: String,
        paste: (Node<'t>, Node<'t>),
        function: bool,
    },
    /// A name a macro of the project builds: `ADDRESS_SPACE_LD(uw)(...)`,
    /// `partsN(addsub)(...)`. A function cannot return a function, so a declarator of a
    /// declarator's result is an invocation whose expansion is the name. Named by its text (an
    /// includer's macros give it its names: `crate::instances`); the macro is a use, its
    /// arguments are fragments.
    Macro {
        text: String,
        invoked: Node<'t>,
        args: Node<'t>,
        function: bool,
    },
    None,
}

fn declarator_name<'t>(mut node: Node<'t>, c: &Collector) -> DeclName<'t> {
    let mut above = "";
    // Bounded: declarators nest at most as deep as the tree, and each step goes one level down.
    loop {
        match node.kind() {
            "identifier" | "type_identifier" | "field_identifier" => {
                return DeclName::Ident { node, function: above == "function_declarator" };
            }
            "function_declarator" => {
                let Some(inner) = field(node, FIELDS.declarator) else { return DeclName::None };
                if inner.kind() == "identifier" && c.idioms.is_token_paste(c.text(inner)) {
                    let paste = field(node, FIELDS.parameters).unwrap_or(node);
                    let text =
                        pasted_name(c, inner, paste).unwrap_or_else(|| c.text(node).split_whitespace().collect());
                    return DeclName::Pasted {
                        text,
                        paste: (inner, paste),
                        function: above == "function_declarator" || above.is_empty(),
                    };
                }
                let macro_name = c.text(inner).bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
                if inner.kind() == "identifier" && above == "function_declarator" && macro_name {
                    if let Some(args) = field(node, FIELDS.parameters) {
                        let text = c.text(node).split_whitespace().collect();
                        return DeclName::Macro { text, invoked: inner, args, function: true };
                    }
                }
                above = "function_declarator";
                node = inner;
            }
            "pointer_declarator"
            | "array_declarator"
            | "init_declarator"
            | "attributed_declarator"
            | "parenthesized_declarator"
            | "abstract_pointer_declarator" => {
                above = node.kind();
                let next = field(node, FIELDS.declarator).or_else(|| node.named_child(0));
                match next {
                    Some(n) => node = n,
                    None => return DeclName::None,
                }
            }
            _ => return DeclName::None,
        }
    }
}

/// A callee: the name it stands for, or itself when it is no token-pasting invocation.
fn call(callee: Node, c: &mut Collector) {
    let paste = c.idioms.is_token_paste(c.text(callee));
    if paste && pasted_reference(callee, c) {
        return;
    }
    if built_callee(callee, c) && paste {
        // `glue` itself is no use, as in a declarator.
        c.name_bytes.insert(callee.start_byte());
        return;
    }
    c.push_ref(callee, RefKind::Call);
}

fn storage_class(node: Node, src: &[u8]) -> (bool, bool) {
    let mut cursor = node.walk();
    let mut is_static = false;
    let mut is_extern = false;
    for child in node.children(&mut cursor) {
        if child.kind() == "storage_class_specifier" {
            match &src[child.byte_range()] {
                b"static" => is_static = true,
                b"extern" => is_extern = true,
                _ => {}
            }
        }
    }
    (is_static, is_extern)
}

/// Turns one file's bytes into `FileSymbols`. One per thread: it owns a parser and a cursor.
pub struct Extractor<'q> {
    parser: Parser,
    walk: Walk,
    queries: &'q Queries,
    idioms: &'q IdiomTable,
    limits: Limits,
}

impl<'q> Extractor<'q> {
    pub fn new(queries: &'q Queries, idioms: &'q IdiomTable, limits: Limits) -> Extractor<'q> {
        let mut parser = Parser::new();
        parser.set_language(&tree_sitter_c::LANGUAGE.into()).expect("tree-sitter-c matches the tree-sitter ABI");
        Extractor { parser, walk: Walk::default(), queries, idioms, limits }
    }

    /// Extracts everything from `src`. Never fails: a damaged file yields what could be read and
    /// a `ParseHealth` that says how damaged it was.
    pub fn extract(&mut self, src: &[u8]) -> FileSymbols {
        let non_utf8 = std::str::from_utf8(src).is_err();
        let mut symbols = self.extract_utf8_agnostic(src);
        symbols.health.non_utf8 = non_utf8;
        symbols
    }

    fn extract_utf8_agnostic(&mut self, src: &[u8]) -> FileSymbols {
        let masked = mask::mask(src, self.idioms);
        let Some(tree) = self.parse(&masked.text) else {
            return FileSymbols { health: ParseHealth { timed_out: true, ..Default::default() }, ..Default::default() };
        };
        let mut c = Collector {
            src,
            tokens: &masked.tokens,
            idioms: self.idioms,
            names: Vec::new(),
            index: FxHashMap::default(),
            defs: Vec::new(),
            refs: Vec::new(),
            locals: Vec::new(),
            name_bytes: FxHashSet::default(),
            includes: Vec::new(),
            fn_body: (0, 0),
            pinned: Vec::new(),
        };
        self.collect(&tree, &mut c);
        masked::add_uses(&mut c, &masked.uses);
        masked::add_directives(&mut c, &masked.macros, &masked.includes);
        masked::add_enumerators(&mut c, &masked.enumerators);
        masked::add_invocations(&mut c, &masked.invocations);
        masked::add_pasted(&mut c, &masked.pasted);
        c.name_bytes.extend(masked.fragments.iter().copied());
        masked::add_include_macros(&mut c);
        let (health, error_spans) = parse_health(&tree);
        drop(tree);
        let mut symbols = finish::finish(c, health, &error_spans);
        // A definition named by a macro's text (`ADDRESS_SPACE_LD(uw)`, `glue(helper_, SUFFIX)`)
        // gets its names from the macros in force where the file is included.
        let template = symbols.names.iter().any(|n| n.contains('('));
        symbols.directives = preproc::kept_directives(src, template);
        symbols.template = template;
        symbols
    }

    fn parse(&mut self, text: &[u8]) -> Option<Tree> {
        let deadline = Instant::now() + self.limits.parse_timeout;
        let mut past_deadline = |_: &tree_sitter::ParseState| Instant::now() > deadline;
        let options = ParseOptions::new().progress_callback(&mut past_deadline);
        let len = text.len();
        self.parser.reset();
        self.parser.parse_with_options(
            &mut |offset, _| if offset < len { &text[offset..] } else { &[] as &[u8] },
            None,
            Some(options),
        )
    }

    fn collect(&mut self, tree: &Tree, c: &mut Collector) {
        self.queries.for_each_match(tree, &mut self.walk, |m| {
            let (capture, node) = m[0];
            let name = m.iter().find(|(cap, _)| *cap == Capture::Name).map(|&(_, n)| n);
            match capture {
                Capture::Function => function(node, c),
                Capture::Declaration if !c.is_local(node) => declaration(node, c),
                Capture::Typedef if !c.is_local(node) => typedef(node, c),
                Capture::Macro
                | Capture::FunctionMacro
                | Capture::Struct
                | Capture::Union
                | Capture::Enum
                | Capture::EnumConstant => {
                    if let Some(name) = name {
                        named_definition(capture, node, name, c);
                    }
                }
                Capture::Include => {
                    if let Some(&(_, path)) = m.iter().find(|(cap, _)| *cap == Capture::IncludePath) {
                        include(path, c);
                    }
                }
                _ => {
                    for &(cap, n) in m {
                        reference(cap, n, c);
                    }
                }
            }
        });
    }
}

fn include(node: Node, c: &mut Collector) {
    let include = include_of(c.text(node), node.start_position().row as u32 + 1);
    c.includes.push(include);
}

/// An `#include`'s path as written, `"a.h"` or `<a.h>`, at `line`.
fn include_of(raw: &str, line: u32) -> Include {
    let path = raw.trim_matches(|ch| ch == '"' || ch == '<' || ch == '>').to_string();
    Include { path, system: raw.starts_with('<'), line, exact: false }
}

fn reference(capture: Capture, node: Node, c: &mut Collector) {
    match capture {
        Capture::Call => call(node, c),
        Capture::Identifier => c.push_ref(node, RefKind::Identifier),
        Capture::Type => c.push_ref(node, RefKind::Type),
        Capture::Tag => c.push_ref(node, RefKind::Tag),
        Capture::MacroBody => {
            let base = node.start_byte();
            let row = node.start_position().row as u32 + 1;
            let src = c.src;
            let body = &src[node.byte_range()];
            let mut lines = lexer::Lines::new(body, row);
            lexer::identifiers(body, |off, word| {
                // An operand of `##` is a fragment of the name it pastes, never expanded: no use.
                if pasted_operand(body, off, off + word.len()) || idiom_argument(body, off, off + word.len(), c) {
                    return;
                }
                let name = c.intern(word);
                c.refs.push(RawRef { byte: base + off, line: lines.at(off), name, kind: RefKind::Lexical });
            });
        }
        Capture::Local => {
            if let DeclName::Ident { node: n, .. } = declarator_name(node, c) {
                let name = c.intern(c.text(n));
                c.locals.push((n.start_byte(), name));
            }
        }
        _ => {}
    }
}

/// A definition whose pattern captures its `@name`: macros, tags, enum constants.
fn named_definition(capture: Capture, node: Node, name: Node, c: &mut Collector) {
    let kind = match capture {
        Capture::Macro => SymbolKind::Macro,
        Capture::FunctionMacro => SymbolKind::FunctionMacro,
        Capture::Struct => SymbolKind::Struct,
        Capture::Union => SymbolKind::Union,
        Capture::Enum => SymbolKind::Enum,
        Capture::EnumConstant => SymbolKind::EnumConstant,
        _ => return,
    };
    // A macro defined inside a function body is still visible to the rest of the file.
    if !matches!(kind, SymbolKind::Macro | SymbolKind::FunctionMacro) && c.is_local(node) {
        return;
    }
    let (iface, body) = match kind {
        SymbolKind::Macro | SymbolKind::FunctionMacro => {
            let h = c.hash(name.end_byte(), node.end_byte());
            (h, h)
        }
        SymbolKind::EnumConstant => (c.hash(node.start_byte(), node.end_byte()), 0),
        _ => {
            let Some(body) = field(node, FIELDS.body) else { return };
            (c.hash(body.start_byte(), body.end_byte()), 0)
        }
    };
    let text = c.text(name);
    c.push_def(node, Some(name), text, kind, Linkage::Global, iface, body);
}

fn function(node: Node, c: &mut Collector) {
    // C has no nested functions: inside a body this is a statement macro such as
    // `CPU_FOREACH(cpu) { ... }` that tree-sitter read as a definition. Its uses stay with the
    // enclosing function.
    if c.is_local(node) {
        return;
    }
    let Some(declarator) = field(node, FIELDS.declarator) else { return };
    let body = field(node, FIELDS.body);
    let body_start = body.map_or(node.end_byte(), |b| b.start_byte());
    if let Some(b) = body {
        c.fn_body = (b.start_byte(), b.end_byte());
    }
    let (is_static, _) = storage_class(node, c.src);
    let linkage = if is_static { Linkage::File } else { Linkage::Global };
    let iface = c.hash(node.start_byte(), body_start);
    let body_hash = body.map_or(0, |b| c.hash(b.start_byte(), b.end_byte()));
    match declarator_name(declarator, c) {
        DeclName::Ident { node: n, .. } => {
            let text = c.text(n);
            c.push_def(node, Some(n), text, SymbolKind::Function, linkage, iface, body_hash);
        }
        DeclName::Pasted { text, paste, .. } => {
            exclude_names_in(paste.0, c);
            exclude_names_in(paste.1, c);
            c.push_def(node, Some(paste.0), &text, SymbolKind::Function, linkage, iface, body_hash)
        }
        DeclName::Macro { text, invoked, args, .. } => {
            exclude_names_in(args, c);
            c.push_ref(invoked, RefKind::Call);
            c.push_def(node, Some(args), &text, SymbolKind::Function, linkage, iface, body_hash)
        }
        DeclName::None => {}
    }
}

fn declaration(node: Node, c: &mut Collector) {
    let (is_static, is_extern) = storage_class(node, c.src);
    let linkage = if is_static { Linkage::File } else { Linkage::Global };
    let mut cursor = node.walk();
    let declarators: Vec<Node> = node.children_by_field_id(FIELDS.declarator, &mut cursor).collect();
    let Some(first) = declarators.first() else { return };
    let type_part = (node.start_byte(), first.start_byte());
    for d in declarators {
        let value = (d.kind() == "init_declarator").then(|| field(d, FIELDS.value)).flatten();
        let decl_end = value.map_or(d.end_byte(), |v| v.start_byte());
        let iface = c.hash_spans(&[type_part, (d.start_byte(), decl_end)]);
        let body = value.map_or(0, |v| c.hash(v.start_byte(), v.end_byte()));
        let (name_node, text, function) = match declarator_name(d, c) {
            DeclName::Ident { node: n, function } => (Some(n), c.text(n).to_string(), function),
            DeclName::Pasted { text, paste, function } => {
                exclude_names_in(paste.0, c);
                exclude_names_in(paste.1, c);
                (Some(paste.0), text, function)
            }
            DeclName::Macro { text, invoked, args, function } => {
                exclude_names_in(args, c);
                c.push_ref(invoked, RefKind::Call);
                (Some(args), text, function)
            }
            DeclName::None => continue,
        };
        let kind = if function {
            SymbolKind::Prototype
        } else if is_extern && value.is_none() {
            SymbolKind::ExternVariable
        } else {
            SymbolKind::Variable
        };
        c.push_def(node, name_node, &text, kind, linkage, iface, body);
    }
}

fn typedef(node: Node, c: &mut Collector) {
    let iface = c.hash(node.start_byte(), node.end_byte());
    let mut cursor = node.walk();
    let declarators: Vec<Node> = node.children_by_field_id(FIELDS.declarator, &mut cursor).collect();
    for d in declarators {
        if let DeclName::Ident { node: n, .. } = declarator_name(d, c) {
            let text = c.text(n);
            c.push_def(node, Some(n), text, SymbolKind::Typedef, Linkage::Global, iface, 0);
        }
    }
}

/// Counts ERROR and MISSING nodes, descending only into subtrees that hold one.
fn parse_health(tree: &Tree) -> (ParseHealth, Vec<(usize, usize)>) {
    let mut health = ParseHealth::default();
    let mut spans = Vec::new();
    let root = tree.root_node();
    if !root.has_error() {
        return (health, spans);
    }
    let mut cursor = root.walk();
    'walk: loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            if node.is_error() {
                health.error_nodes += 1;
                spans.push((node.start_byte(), node.end_byte()));
            } else {
                health.missing_nodes += 1;
                spans.push((node.start_byte(), node.end_byte().max(node.start_byte() + 1)));
            }
            // The walk is in document order: the first one met stands first.
            let line = node.start_position().row as u32 + 1;
            health.first_error_line = Some(health.first_error_line.map_or(line, |l| l.min(line)));
        }
        if node.has_error() && !node.is_error() && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    (health, spans)
}
