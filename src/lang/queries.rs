//! The queries of grammars/c, compiled once and shared by every thread.
//!
//! tree-sitter's `QueryCursor` costs about 4.3 s on QEMU for even one small pattern set (it
//! visits all 18.7 M nodes with a general matching machine) where a typed `TreeCursor` walk costs
//! 1.7 s. Our patterns are deliberately simple, so they are compiled here into a table indexed by
//! node kind and run in one pre-order walk (`for_each_match`) over only the nodes of the kinds a
//! pattern starts at, which src/lang/walk.c picks out inside C (`super::walk`). The `.scm` files stay the single
//! source of truth: they are also compiled by tree-sitter itself (so they are valid queries), and
//! a test checks that both engines produce the same captures on the fixtures.
//!
//! The supported subset: `(kind child* ) @capture?` where a child is `field: (kind|_) @capture?`
//! or `(kind) @capture?`, one level deep. Anything else is rejected when the file loads.

use std::num::NonZeroU16;
use std::sync::LazyLock;

use tree_sitter::{Language, Node, Tree, TreeCursor};

use super::walk::Walk;

const DEFINITIONS: &str = include_str!("../../grammars/c/definitions.scm");
const REFERENCES: &str = include_str!("../../grammars/c/references.scm");

/// The capture vocabulary of grammars/c/README.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Capture {
    Function,
    Declaration,
    Typedef,
    Macro,
    FunctionMacro,
    Struct,
    Union,
    Enum,
    EnumConstant,
    Name,
    Include,
    IncludePath,
    Call,
    Identifier,
    Type,
    Tag,
    MacroBody,
    Local,
}

impl Capture {
    pub fn from_name(name: &str) -> Option<Capture> {
        Some(match name {
            "definition.function" => Capture::Function,
            "definition.declaration" => Capture::Declaration,
            "definition.typedef" => Capture::Typedef,
            "definition.macro" => Capture::Macro,
            "definition.function_macro" => Capture::FunctionMacro,
            "definition.struct" => Capture::Struct,
            "definition.union" => Capture::Union,
            "definition.enum" => Capture::Enum,
            "definition.enum_constant" => Capture::EnumConstant,
            "name" => Capture::Name,
            "include" => Capture::Include,
            "include.path" => Capture::IncludePath,
            "reference.call" => Capture::Call,
            "reference.identifier" => Capture::Identifier,
            "reference.type" => Capture::Type,
            "reference.tag" => Capture::Tag,
            "reference.macro_body" => Capture::MacroBody,
            "local" => Capture::Local,
            _ => return None,
        })
    }
}

/// The grammar's field ids extraction reads, looked up once: `child_by_field_name` searches
/// the field names on every call (0.6% of a cold index).
pub(super) struct Fields {
    pub declarator: NonZeroU16,
    pub parameters: NonZeroU16,
    pub body: NonZeroU16,
    pub value: NonZeroU16,
    pub arguments: NonZeroU16,
    pub function: NonZeroU16,
}

pub(super) static FIELDS: LazyLock<Fields> = LazyLock::new(|| {
    let language: Language = tree_sitter_c::LANGUAGE.into();
    let id = |name| language.field_id_for_name(name).expect("tree-sitter-c has the field");
    Fields {
        declarator: id("declarator"),
        parameters: id("parameters"),
        body: id("body"),
        value: id("value"),
        arguments: id("arguments"),
        function: id("function"),
    }
});

pub(super) fn field<'t>(node: Node<'t>, id: NonZeroU16) -> Option<Node<'t>> {
    node.child_by_field_id(id.get())
}

/// A child constraint of a pattern.
#[derive(Clone, Debug)]
struct ChildSpec {
    field: Option<NonZeroU16>,
    /// The grammar allows at most one child in `field` (node-types.json says not `multiple`):
    /// `child_by_field_id` finds it in one call instead of a cursor walk over the children.
    single: bool,
    /// Node kind ids the child may have; empty for the `_` wildcard (any named node).
    kinds: Vec<u16>,
    capture: Option<Capture>,
}

#[derive(Clone, Debug)]
struct Pattern {
    capture: Option<Capture>,
    children: Vec<ChildSpec>,
}

/// The compiled patterns, indexed by node kind id.
pub struct Queries {
    by_kind: Vec<Vec<Pattern>>,
    /// `wanted[k]` is 1 where `by_kind[k]` has a pattern: the kinds the walk stops at.
    wanted: Vec<u8>,
}

/// The text of both query files, as tree-sitter would load it.
pub fn source() -> String {
    format!("{DEFINITIONS}\n{REFERENCES}")
}

impl Queries {
    /// Compiles the embedded queries. Fails only if grammars/c is broken, which the test suite
    /// catches.
    pub fn load() -> Result<Queries, String> {
        let language: Language = tree_sitter_c::LANGUAGE.into();
        let source = source();
        tree_sitter::Query::new(&language, &source).map_err(|e| format!("grammars/c: {e}"))?;
        let single_fields = single_fields()?;
        let mut by_kind = vec![Vec::new(); language.node_kind_count()];
        for (line_no, pattern) in parse_patterns(&source)? {
            let err = |why: String| format!("grammars/c, pattern at line {line_no}: {why}");
            let root_ids = kind_ids(&language, &pattern.kind).map_err(err)?;
            let mut children = Vec::new();
            for child in &pattern.children {
                let field = match &child.field {
                    Some(f) => Some(language.field_id_for_name(f).ok_or_else(|| err(format!("unknown field `{f}`")))?),
                    None => None,
                };
                let kinds =
                    if child.kind == "_" { Vec::new() } else { kind_ids(&language, &child.kind).map_err(err)? };
                let single =
                    child.field.as_ref().is_some_and(|f| single_fields.contains(&(pattern.kind.clone(), f.clone())));
                children.push(ChildSpec {
                    field,
                    single,
                    kinds,
                    capture: capture(child.capture.as_deref()).map_err(err)?,
                });
            }
            let compiled = Pattern { capture: capture(pattern.capture.as_deref()).map_err(err)?, children };
            for id in root_ids {
                by_kind[id as usize].push(compiled.clone());
            }
        }
        let wanted = by_kind.iter().map(|patterns| u8::from(!patterns.is_empty())).collect();
        Ok(Queries { by_kind, wanted })
    }

    /// The node kinds a pattern starts at, as a table indexed by kind id.
    pub(super) fn wanted(&self) -> &[u8] {
        &self.wanted
    }

    /// Calls `f` with each match's captures, root capture first, in pre-order of the match roots
    /// (the order tree-sitter's `QueryCursor::matches` yields them).
    pub fn for_each_match<'t>(&self, tree: &'t Tree, walk: &mut Walk, mut f: impl FnMut(&[(Capture, Node<'t>)])) {
        // For the children of a match root; reset at each use (a fresh cursor allocates).
        let mut children = tree.walk();
        let mut found: Vec<(Capture, Node<'t>)> = Vec::with_capacity(4);
        walk.for_each(tree, self.wanted(), |node| {
            for pattern in &self.by_kind[node.kind_id() as usize] {
                Self::match_pattern(pattern, node, &mut children, &mut found, &mut f);
            }
        });
    }

    /// Matches `pattern` at `node`. A pattern with one child spec yields a match per matching
    /// child (as tree-sitter does); with several, every spec takes its first matching child.
    fn match_pattern<'t>(
        pattern: &Pattern,
        node: Node<'t>,
        cursor: &mut TreeCursor<'t>,
        found: &mut Vec<(Capture, Node<'t>)>,
        f: &mut impl FnMut(&[(Capture, Node<'t>)]),
    ) {
        found.clear();
        if let Some(c) = pattern.capture {
            found.push((c, node));
        }
        if let [spec] = &pattern.children[..] {
            let base = found.len();
            let emit = |child: Node<'t>| {
                if child_fits(spec, child) {
                    found.truncate(base);
                    if let Some(c) = spec.capture {
                        found.push((c, child));
                    }
                    f(found);
                }
            };
            match spec.field {
                Some(field) if spec.single => node.child_by_field_id(field.get()).into_iter().for_each(emit),
                Some(field) => node.children_by_field_id(field, cursor).for_each(emit),
                None => node.named_children(cursor).for_each(emit),
            }
            return;
        }
        for spec in &pattern.children {
            let child = match spec.field {
                Some(field) if spec.single => node.child_by_field_id(field.get()).filter(|c| child_fits(spec, *c)),
                Some(field) => node.children_by_field_id(field, cursor).find(|c| child_fits(spec, *c)),
                None => node.named_children(cursor).find(|c| child_fits(spec, *c)),
            };
            let Some(child) = child else { return };
            if let Some(c) = spec.capture {
                found.push((c, child));
            }
        }
        f(found);
    }
}

/// The (node kind, field) pairs that node-types.json says hold at most one child. A pair it
/// does not describe is not in the set, so it is walked like a field that may repeat.
fn single_fields() -> Result<std::collections::HashSet<(String, String)>, String> {
    let types: serde_json::Value =
        serde_json::from_str(tree_sitter_c::NODE_TYPES).map_err(|e| format!("tree-sitter-c node-types.json: {e}"))?;
    let mut single = std::collections::HashSet::new();
    for t in types.as_array().into_iter().flatten() {
        let kind = t["type"].as_str().unwrap_or_default();
        for (field, info) in t["fields"].as_object().into_iter().flatten() {
            if info["multiple"].as_bool() == Some(false) {
                single.insert((kind.to_string(), field.clone()));
            }
        }
    }
    Ok(single)
}

fn child_fits(spec: &ChildSpec, node: Node) -> bool {
    if spec.kinds.is_empty() {
        node.is_named()
    } else {
        spec.kinds.contains(&node.kind_id())
    }
}

fn capture(name: Option<&str>) -> Result<Option<Capture>, String> {
    match name {
        None => Ok(None),
        Some(n) => Capture::from_name(n).map(Some).ok_or_else(|| format!("unknown capture `@{n}`")),
    }
}

/// Every named-node kind id with this name (tree-sitter may give one name several ids).
fn kind_ids(language: &Language, name: &str) -> Result<Vec<u16>, String> {
    let ids: Vec<u16> = (0..language.node_kind_count() as u16)
        .filter(|&id| language.node_kind_is_named(id) && language.node_kind_for_id(id) == Some(name))
        .collect();
    if ids.is_empty() {
        Err(format!("unknown node kind `{name}`"))
    } else {
        Ok(ids)
    }
}

/// A pattern as written.
#[derive(Debug)]
struct RawPattern {
    kind: String,
    capture: Option<String>,
    children: Vec<RawChild>,
}

#[derive(Debug)]
struct RawChild {
    field: Option<String>,
    kind: String,
    capture: Option<String>,
}

/// Parses the supported subset of the query language; returns each pattern with its line.
fn parse_patterns(source: &str) -> Result<Vec<(usize, RawPattern)>, String> {
    let tokens = tokenize(source);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let (line, ref tok) = tokens[i];
        let err = |why: &str| format!("grammars/c, line {line}: {why}");
        if tok != "(" {
            return Err(err(&format!("expected `(`, found `{tok}`")));
        }
        let kind = tokens.get(i + 1).ok_or_else(|| err("unexpected end"))?.1.clone();
        i += 2;
        let mut children = Vec::new();
        while tokens.get(i).is_some_and(|t| t.1 != ")") {
            let mut field = None;
            if tokens[i].1.ends_with(':') {
                field = Some(tokens[i].1.trim_end_matches(':').to_string());
                i += 1;
            }
            if tokens.get(i).map(|t| t.1.as_str()) != Some("(") {
                return Err(err("a child must be `field: (kind)` or `(kind)`, one level deep"));
            }
            let child_kind = tokens.get(i + 1).ok_or_else(|| err("unexpected end"))?.1.clone();
            if tokens.get(i + 2).map(|t| t.1.as_str()) != Some(")") {
                return Err(err("nested child patterns are not supported"));
            }
            i += 3;
            let capture = take_capture(&tokens, &mut i);
            children.push(RawChild { field, kind: child_kind, capture });
        }
        i += 1; // `)`
        let capture = take_capture(&tokens, &mut i);
        out.push((line, RawPattern { kind, capture, children }));
    }
    Ok(out)
}

fn take_capture(tokens: &[(usize, String)], i: &mut usize) -> Option<String> {
    let t = tokens.get(*i)?;
    let name = t.1.strip_prefix('@')?.to_string();
    *i += 1;
    Some(name)
}

fn tokenize(source: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let code = line.split(';').next().unwrap_or("");
        let spaced = code.replace('(', " ( ").replace(')', " ) ");
        out.extend(spaced.split_whitespace().map(|t| (n + 1, t.to_string())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_capture_in_grammars_is_in_the_vocabulary() {
        let q = tree_sitter::Query::new(&tree_sitter_c::LANGUAGE.into(), &source()).unwrap();
        for name in q.capture_names() {
            assert!(Capture::from_name(name).is_some(), "unknown capture @{name}");
        }
        Queries::load().unwrap();
    }

    #[test]
    fn single_fields_come_from_the_grammar() {
        let single = single_fields().unwrap();
        let has = |k: &str, f: &str| single.contains(&(k.to_string(), f.to_string()));
        assert!(has("call_expression", "function") && has("preproc_def", "name"));
        assert!(!has("declaration", "declarator"), "`int a, b;` has two declarators");
    }

    #[test]
    fn unsupported_patterns_are_rejected() {
        assert!(parse_patterns("(a (b (c)))").is_err());
        assert!(parse_patterns("(a b: (c) @x) @y").is_ok());
    }
}
