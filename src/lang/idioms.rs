//! The table of QEMU macro idioms (grammars/c/idioms.toml): what each macro is, what it
//! defines and uses. The masking pass that applies it is `super::mask`.

use std::collections::BTreeMap;

use crate::fxhash::FxHashMap;

use serde::Deserialize;

use super::lexer;
use crate::facts::SymbolKind;

const BUILTIN: &str = include_str!("../../grammars/c/idioms.toml");

/// What an idiom does to the code around it (see grammars/c/idioms.toml).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdiomRole {
    Attribute,
    TypeWrapper,
    FileLevel,
    TokenPaste,
    IncludePath,
    CallUses,
}

/// The serde shape of one `[[idiom]]` entry, as written in the TOML file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdiomSpec {
    pub name: String,
    pub role: IdiomRole,
    #[serde(default)]
    pub defines: Vec<String>,
    #[serde(default)]
    pub uses: Vec<String>,
    /// `token_paste` only: the name an invocation builds from its arguments (`helper_{0}`).
    #[serde(default)]
    pub pastes: Option<String>,
    /// `file_level` only: other invocations this one makes (`OBJECT_DECLARE_SIMPLE_TYPE(T, N)`
    /// invokes `G_DEFINE_AUTOPTR_CLEANUP_FUNC({0}, object_unref)`): what they define and use,
    /// this invocation does.
    #[serde(default)]
    pub invokes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IdiomFile {
    #[serde(default)]
    attribute_prefixes: Vec<String>,
    #[serde(default)]
    idiom: Vec<IdiomSpec>,
    /// Named maps from an argument's text to the names it stands for (`{2:dh_alias}`).
    #[serde(default)]
    map: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

/// A `defines` template compiled: the kind and the name pattern with `{N}` placeholders.
#[derive(Clone, Debug)]
pub struct Template {
    pub kind: SymbolKind,
    pub pattern: String,
    /// `static <kind> <pattern>`: visible in its file only, as a `static` definition.
    pub is_static: bool,
}

/// One checked idiom.
#[derive(Clone, Debug)]
pub struct Idiom {
    pub role: IdiomRole,
    pub defines: Vec<Template>,
    pub uses: Vec<String>,
    /// The name pattern of a `token_paste` idiom; without one an invocation is named by its text.
    pub pastes: Option<String>,
    /// The invocations it makes, `{N}` filled from its arguments (`file_level` only).
    pub invokes: Vec<String>,
}

/// The compiled table, shared read-only by every extraction thread.
#[derive(Clone, Debug)]
pub struct IdiomTable {
    idioms: FxHashMap<String, Idiom>,
    attribute_prefixes: Vec<String>,
    maps: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    fingerprint: u64,
}

impl IdiomTable {
    /// The table shipped in grammars/c/idioms.toml.
    pub fn builtin() -> IdiomTable {
        IdiomTable::build(&[]).expect("the built-in idiom table is valid")
    }

    /// The built-in table with `extra` entries added; an entry with a built-in name replaces it.
    pub fn build(extra: &[IdiomSpec]) -> Result<IdiomTable, String> {
        let file: IdiomFile = toml::from_str(BUILTIN).map_err(|e| e.to_string())?;
        for (map, entries) in &file.map {
            for (key, values) in entries {
                if let Some(bad) = values.iter().find(|v| v.is_empty() || !v.bytes().all(lexer::is_ident_continue)) {
                    return Err(format!("map `{map}`: `{key}` gives `{bad}`, not name characters"));
                }
            }
        }
        let mut idioms = FxHashMap::default();
        let mut canonical = String::new();
        for spec in file.idiom.iter().chain(extra) {
            let idiom = check(spec, &file.map).map_err(|e| format!("idiom `{}`: {e}", spec.name))?;
            idioms.insert(spec.name.clone(), idiom);
        }
        check_invokes(&idioms)?;
        let mut names: Vec<_> = idioms.keys().collect();
        names.sort();
        for name in names {
            let idiom = &idioms[name];
            canonical.push_str(&format!(
                "{name}:{:?}:{:?}:{:?}:{:?}:{:?};",
                idiom.role,
                idiom.uses,
                idiom.defines.iter().map(|t| (t.kind, &t.pattern, t.is_static)).collect::<Vec<_>>(),
                idiom.pastes,
                idiom.invokes,
            ));
        }
        canonical.push_str(&file.attribute_prefixes.join(","));
        canonical.push_str(&format!("{:?}", file.map));
        Ok(IdiomTable {
            idioms,
            attribute_prefixes: file.attribute_prefixes,
            maps: file.map,
            fingerprint: lexer::normalized_hash(canonical.as_bytes()),
        })
    }

    /// Changes whenever the table does; part of every cache key.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    pub fn get(&self, name: &str) -> Option<&Idiom> {
        self.idioms.get(name)
    }

    pub(super) fn role(&self, name: &str) -> Option<IdiomRole> {
        if let Some(idiom) = self.idioms.get(name) {
            return Some(idiom.role);
        }
        self.attribute_prefixes.iter().any(|p| name.starts_with(p.as_str())).then_some(IdiomRole::Attribute)
    }

    /// Whether `#define name "path"` stands for an `#include "path"` (QEMU's `HELPER_H`).
    pub fn is_include_path(&self, name: &str) -> bool {
        self.idioms.get(name).is_some_and(|i| i.role == IdiomRole::IncludePath)
    }

    /// The name pattern of the token-pasting idiom `name` (`{0}{1}` for `glue`).
    pub fn pastes(&self, name: &str) -> Option<&str> {
        self.idioms.get(name).filter(|i| i.role == IdiomRole::TokenPaste)?.pastes.as_deref()
    }

    /// A token-pasting idiom that joins its two arguments (`glue`), the first by name.
    pub fn concat(&self) -> Option<&str> {
        let mut joins: Vec<&str> = self
            .idioms
            .iter()
            .filter(|(_, i)| i.pastes.as_deref() == Some("{0}{1}"))
            .map(|(n, _)| n.as_str())
            .collect();
        joins.sort_unstable();
        joins.first().copied()
    }

    /// The names a `uses` pattern makes from an invocation's arguments: the one
    /// `instantiate_in` gives, or with a placeholder that has a map or `..`, one per argument
    /// and map value (`tcgv_{2..:dh_alias}_temp` over `i32, env` gives `tcgv_i32_temp`,
    /// `tcgv_ptr_temp`). An argument the map has no entry for gives none.
    pub fn names(&self, pattern: &str, args: &[String]) -> Vec<String> {
        let Some((p, range)) = Placeholder::spans(pattern).find(|(p, _)| p.is_multi()) else {
            return instantiate_in(self, pattern, args).into_iter().collect();
        };
        let indices = if p.rest { p.index..args.len().max(p.index) } else { p.index..p.index + 1 };
        let mut out: Vec<String> = Vec::new();
        for arg in indices.filter_map(|k| args.get(k)) {
            let values: Vec<&str> = match p.map {
                Some(map) => self
                    .maps
                    .get(map)
                    .and_then(|m| m.get(arg.trim()))
                    .map_or(Vec::new(), |v| v.iter().map(String::as_str).collect()),
                None => vec![arg.as_str()],
            };
            for value in values.into_iter().filter(|v| !v.is_empty() && v.bytes().all(lexer::is_ident_continue)) {
                let one = format!("{}{value}{}", &pattern[..range.start], &pattern[range.end..]);
                if let Some(name) = instantiate_in(self, &one, args).filter(|n| !out.contains(n)) {
                    out.push(name);
                }
            }
        }
        out
    }

    /// The invocations `idiom` makes (its `invokes`), filled from its arguments: each a name and
    /// its arguments. One whose placeholders cannot be filled is left out.
    pub fn invoked(&self, idiom: &Idiom, args: &[String]) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        for text in &idiom.invokes {
            let Some((name, inner)) = text.split_once('(') else { continue };
            let inner = inner.trim_end().strip_suffix(')').unwrap_or(inner);
            let Some(name) = instantiate_in(self, name.trim(), args) else { continue };
            // An argument that cannot be filled (an expression, an unknown value) is passed on as
            // written: the patterns that use it fail on their own, the others still name.
            let filled = lexer::split_args(inner.as_bytes())
                .iter()
                .map(|a| instantiate_in(self, a, args).unwrap_or_else(|| a.clone()))
                .collect();
            out.push((name, filled));
        }
        out
    }

    pub fn is_token_paste(&self, name: &str) -> bool {
        self.idioms.get(name).is_some_and(|i| i.role == IdiomRole::TokenPaste)
    }

    /// The name the token-pasting invocation `name(args)` builds (`args` is the text between
    /// the parentheses): its idiom's `pastes` pattern filled with the arguments, when every
    /// argument is literal. An argument is literal when it is a name or number with a lower-case
    /// letter or none at all (`helper_`, `sfas`, `16`), or itself such an invocation, resolved
    /// first as `glue`'s expansion does; one in capitals only (`SUFFIX`, `__COUNTER__`) is taken
    /// for a macro, QEMU's convention, whose value is unknown here. `None` when the idiom has no
    /// pattern or a part is not literal: the caller names the invocation by its text.
    pub fn pasted_name(&self, name: &str, args: &str) -> Option<String> {
        self.paste(name, args, 0)
    }

    fn paste(&self, name: &str, args: &str, depth: usize) -> Option<String> {
        // Deeper nesting than QEMU's three levels of glue is not worth following.
        const MAX_DEPTH: usize = 8;
        let pattern = self.idioms.get(name)?.pastes.as_deref()?;
        if depth > MAX_DEPTH {
            return None;
        }
        let parts = lexer::split_args(args.as_bytes())
            .iter()
            .map(|arg| self.literal_part(arg, depth))
            .collect::<Option<Vec<_>>>()?;
        let pasted = instantiate(pattern, &parts)?;
        is_identifier(&pasted).then_some(pasted)
    }

    fn literal_part(&self, arg: &str, depth: usize) -> Option<String> {
        if !arg.is_empty() && arg.bytes().all(lexer::is_ident_continue) {
            let macro_like =
                arg.bytes().any(|b| b.is_ascii_uppercase()) && !arg.bytes().any(|b| b.is_ascii_lowercase());
            return (!macro_like).then(|| arg.to_string());
        }
        // A nested invocation: `glue(glue(a, b), c)`.
        let open = arg.find('(')?;
        let inner = arg[open + 1..].strip_suffix(')')?;
        self.paste(arg[..open].trim_end(), inner, depth + 1)
    }
}

/// Checks one entry: templates well formed, each field used by its role only.
fn check(spec: &IdiomSpec, maps: &BTreeMap<String, BTreeMap<String, Vec<String>>>) -> Result<Idiom, String> {
    let defines = spec.defines.iter().map(|t| parse_template(t)).collect::<Result<Vec<_>, _>>()?;
    if spec.role != IdiomRole::FileLevel && !defines.is_empty() {
        return Err("`defines` is for role `file_level`".into());
    }
    if spec.role != IdiomRole::FileLevel && !spec.invokes.is_empty() {
        return Err("`invokes` is for role `file_level`".into());
    }
    if !matches!(spec.role, IdiomRole::FileLevel | IdiomRole::CallUses | IdiomRole::TypeWrapper)
        && !spec.uses.is_empty()
    {
        return Err("`uses` is for roles `file_level`, `call_uses` and `type_wrapper`".into());
    }
    if spec.role == IdiomRole::TypeWrapper && spec.uses.iter().any(|u| u.contains("->")) {
        return Err("a `type_wrapper` defines nothing: no `A -> B` uses".into());
    }
    for d in &defines {
        if Placeholder::all(&d.pattern).any(|p| p.is_multi()) {
            return Err(format!("define `{}`: a definition has one name: `{{N}}` placeholders only", d.pattern));
        }
    }
    for invoked in &spec.invokes {
        let (name, args) = invoked
            .split_once('(')
            .and_then(|(n, rest)| Some((n.trim(), rest.trim_end().strip_suffix(')')?)))
            .ok_or_else(|| format!("invokes `{invoked}`: not `NAME(arguments)`"))?;
        check_pattern(name, maps)?;
        for arg in lexer::split_args(args.as_bytes()) {
            check_pattern(&arg, maps)?;
            if Placeholder::all(&arg).any(|p| p.is_multi()) {
                return Err(format!("invokes `{invoked}`: an argument has `{{N}}` placeholders only"));
            }
        }
    }
    if spec.role == IdiomRole::CallUses && spec.uses.iter().any(|u| u.contains("->")) {
        return Err("a `call_uses` invocation defines nothing: no `A -> B` uses".into());
    }
    // A use may stand in one of the invocation's own definitions: `gen_helper_{0} -> helper_{0}`.
    let uses = spec.uses.iter().flat_map(|u| match u.split_once("->") {
        // `A -> *`: every name of the arguments that is not a fragment of A.
        Some((holder, used)) if used.trim() == "*" => vec![holder.trim().to_string()],
        Some((holder, used)) => vec![holder.trim().to_string(), used.trim().to_string()],
        None => vec![u.clone()],
    });
    for pattern in uses.chain(spec.pastes.iter().cloned()).chain(defines.iter().map(|t| t.pattern.clone())) {
        check_pattern(&pattern, maps)?;
    }
    for u in &spec.uses {
        if let Some((holder, _)) = u.split_once("->") {
            if !defines.iter().any(|t| t.pattern == holder.trim()) {
                return Err(format!("use `{u}`: `{}` is not one of `defines`", holder.trim()));
            }
        }
    }
    if spec.pastes.is_some() && spec.role != IdiomRole::TokenPaste {
        return Err("`pastes` is for role `token_paste`".into());
    }
    Ok(Idiom {
        role: spec.role,
        defines,
        uses: spec.uses.clone(),
        pastes: spec.pastes.clone(),
        invokes: spec.invokes.clone(),
    })
}

/// Every idiom an entry `invokes` is a `file_level` entry of the table, and no entry invokes
/// itself, however indirectly.
fn check_invokes(idioms: &FxHashMap<String, Idiom>) -> Result<(), String> {
    let invoked = |idiom: &Idiom| -> Vec<String> {
        idiom.invokes.iter().filter_map(|i| i.split_once('(')).map(|(n, _)| n.trim().to_string()).collect()
    };
    for (name, idiom) in idioms {
        for target in invoked(idiom) {
            if idioms.get(&target).is_none_or(|t| t.role != IdiomRole::FileLevel) {
                return Err(format!("idiom `{name}`: invokes `{target}`, which is no `file_level` entry"));
            }
        }
        // Depth-first from this entry: reaching it again is a cycle.
        let mut stack = invoked(idiom);
        let mut seen = std::collections::BTreeSet::new();
        while let Some(next) = stack.pop() {
            if next == *name {
                return Err(format!("idiom `{name}`: invokes itself through `invokes`"));
            }
            if seen.insert(next.clone()) {
                stack.extend(idioms.get(&next).map(invoked).unwrap_or_default());
            }
        }
    }
    Ok(())
}

/// A name pattern is identifier characters and placeholders, at least one of either: `{N}`,
/// `{N:map}`, `{N..}` or `{N..:map}` (see grammars/c/idioms.toml), the map one of the table's,
/// and at most one placeholder that gives several names.
fn check_pattern(pattern: &str, maps: &BTreeMap<String, BTreeMap<String, Vec<String>>>) -> Result<(), String> {
    let mut rest = pattern;
    let mut multi = 0;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').ok_or_else(|| format!("pattern `{pattern}`: `{{` without `}}`"))? + open;
        let placeholder = Placeholder::parse(&rest[open + 1..close]);
        match &placeholder {
            Some(p) if !rest[..open].contains('}') => {
                if let Some(map) = p.map.filter(|m| !maps.contains_key(*m)) {
                    return Err(format!("pattern `{pattern}`: no map `{map}` in the table"));
                }
                multi += usize::from(p.is_multi());
            }
            _ => {
                return Err(format!(
                    "pattern `{pattern}`: placeholders are `{{N}}`, `{{N:map}}`, `{{N..}}` or `{{N..:map}}`, N an argument's index from 0"
                ))
            }
        }
        if !rest[..open].bytes().all(lexer::is_ident_continue) {
            return Err(format!("pattern `{pattern}` is not a name"));
        }
        rest = &rest[close + 1..];
    }
    if multi > 1 {
        return Err(format!("pattern `{pattern}`: one placeholder with a map or `..` at most"));
    }
    if pattern.is_empty() || !rest.bytes().all(lexer::is_ident_continue) {
        return Err(format!("pattern `{pattern}` is not a name"));
    }
    Ok(())
}

/// One `{...}` of a pattern: an argument's index, whether every argument from there on is meant
/// (`{3..}`), and the map its text goes through (`{2:dh_alias}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Placeholder<'p> {
    index: usize,
    rest: bool,
    map: Option<&'p str>,
}

impl<'p> Placeholder<'p> {
    fn parse(inside: &'p str) -> Option<Placeholder<'p>> {
        let (head, map) = match inside.split_once(':') {
            Some((h, m)) => (h, Some(m).filter(|m| !m.is_empty() && m.bytes().all(lexer::is_ident_continue))?.into()),
            None => (inside, None),
        };
        let (index, rest) = match head.strip_suffix("..") {
            Some(h) => (h, true),
            None => (head, false),
        };
        Some(Placeholder { index: index.parse().ok()?, rest, map })
    }

    /// Gives any number of names, not exactly one.
    fn is_multi(&self) -> bool {
        self.rest || self.map.is_some()
    }

    /// Every placeholder of `pattern` with its byte range, braces included.
    fn all(pattern: &'p str) -> impl Iterator<Item = Placeholder<'p>> + 'p {
        Placeholder::spans(pattern).map(|(p, _)| p)
    }

    fn spans(pattern: &'p str) -> impl Iterator<Item = (Placeholder<'p>, std::ops::Range<usize>)> + 'p {
        let mut at = 0;
        std::iter::from_fn(move || {
            let open = pattern[at..].find('{')? + at;
            let close = pattern[open..].find('}')? + open;
            at = close + 1;
            Some((Placeholder::parse(&pattern[open + 1..close])?, open..close + 1))
        })
    }
}

fn is_identifier(name: &str) -> bool {
    name.bytes().next().is_some_and(lexer::is_ident_start) && name.bytes().all(lexer::is_ident_continue)
}

fn parse_template(text: &str) -> Result<Template, String> {
    let (is_static, rest) = match text.strip_prefix("static ") {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (kind, pattern) =
        rest.split_once(' ').ok_or_else(|| format!("template `{text}` is not `[static] <kind> <name pattern>`"))?;
    let kind = SymbolKind::ALL
        .into_iter()
        .find(|k| k.as_str() == kind)
        .ok_or_else(|| format!("template `{text}`: unknown kind `{kind}`"))?;
    Ok(Template { kind, pattern: pattern.to_string(), is_static })
}

/// Like `instantiate`, but an argument that is a token-pasting invocation whose name is not
/// known here (`DEF_HELPER_4(glue(pmaddwd, SUFFIX), ...)` in a template) gives a name written
/// as such an invocation, `glue(gen_helper_,glue(pmaddwd,SUFFIX))`: the name its file gets
/// where it is included (`crate::instances`).
pub fn instantiate_in(table: &IdiomTable, pattern: &str, args: &[String]) -> Option<String> {
    if let Some(name) = instantiate(pattern, args) {
        return Some(name);
    }
    let concat = table.concat()?;
    let mut parts: Vec<String> = Vec::new();
    let mut rest = pattern;
    let mut built = false;
    while let Some(open) = rest.find('{') {
        parts.push(rest[..open].to_string());
        let close = rest[open..].find('}')? + open;
        let arg = args.get(rest[open + 1..close].parse::<usize>().ok()?)?;
        let head = arg.split('(').next().unwrap_or_default().trim();
        if !arg.bytes().all(lexer::is_ident_continue) {
            if !(table.is_token_paste(head) && arg.ends_with(')')) {
                return None;
            }
            built = true;
        }
        parts.push(arg.split_whitespace().collect());
        rest = &rest[close + 1..];
    }
    parts.push(rest.to_string());
    parts.retain(|p| !p.is_empty());
    let first = parts.first()?.clone();
    let text = parts[1..].iter().fold(first, |acc, p| format!("{concat}({acc},{p})"));
    built.then_some(text)
}

/// Whether a pattern reads an argument through a map (`{2:dh_alias}`): that argument is a key
/// of the map, not a name of the program.
pub fn is_mapped(pattern: &str) -> bool {
    Placeholder::all(pattern).any(|p| p.map.is_some())
}

/// The argument indices a pattern's placeholders name, in order, for an invocation with `count`
/// arguments (`{2..}` names every one from the third).
pub fn placeholders(pattern: &str, count: usize) -> Vec<usize> {
    Placeholder::all(pattern)
        .flat_map(|p| if p.rest { p.index..count.max(p.index) } else { p.index..p.index + 1 })
        .collect()
}

/// Fills `{N}` placeholders from `args`; `None` when an argument is missing or not a plain name.
pub fn instantiate(pattern: &str, args: &[String]) -> Option<String> {
    fill(pattern, args, false)
}

/// Fills `{N}` placeholders from `parts`; `None` when a part is missing or not made of name
/// characters, or empty unless `empty_ok` (an empty `SUFFIX` pastes as nothing).
pub fn fill(pattern: &str, parts: &[String], empty_ok: bool) -> Option<String> {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}')? + open;
        let idx: usize = rest[open + 1..close].parse().ok()?;
        let part = parts.get(idx)?;
        if (part.is_empty() && !empty_ok) || !part.bytes().all(lexer::is_ident_continue) {
            return None;
        }
        out.push_str(part);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_arguments() {
        let args = vec!["PCIDevice".to_string(), "PCIDeviceClass".into(), "PCI_DEVICE".into()];
        assert_eq!(instantiate("{2}_GET_CLASS", &args).as_deref(), Some("PCI_DEVICE_GET_CLASS"));
        assert_eq!(instantiate("{5}", &args), None);
        let table = IdiomTable::builtin();
        let args = ["glue(pmaddwd, SUFFIX)".to_string(), "void".to_string()];
        assert_eq!(
            instantiate_in(&table, "gen_helper_{0}", &args).as_deref(),
            Some("glue(gen_helper_,glue(pmaddwd,SUFFIX))")
        );
        assert_eq!(instantiate_in(&table, "{1}_x", &args).as_deref(), Some("void_x"));
        assert_eq!(instantiate_in(&table, "gen_{0}", &["a + b".to_string()]), None, "an expression names nothing");
        assert_eq!(placeholders("{2}_GET_{0}", 3), [2, 0]);
        assert_eq!(placeholders("TCGv_{2..:dh_alias}", 5), [2, 3, 4]);
    }

    #[test]
    fn mapped_and_ranged_placeholders_give_a_name_per_argument_and_value() {
        let table = IdiomTable::builtin();
        let args: Vec<String> = ["memset", "0", "ptr", "env", "int", "void", "tl"].map(String::from).into();
        assert_eq!(
            table.names("tcgv_{2..:dh_alias}_temp", &args),
            ["tcgv_ptr_temp", "tcgv_i32_temp", "tcgv_i64_temp"],
            "each alias once; `void` is none; `tl` is both word sizes"
        );
        assert_eq!(table.names("gen_helper_{0}", &args), ["gen_helper_memset"]);
        assert_eq!(table.names("x_{6..}", &args), ["x_tl"]);
        assert!(table.names("TCGv_{5:dh_alias}", &args).is_empty(), "`void` is no value");
        assert!(table.names("TCGv_{0:dh_alias}", &args).is_empty(), "not a key of the map");
        // DEF_HELPER_2 invokes DEF_HELPER_FLAGS_2 with flags 0, as helper-head.h.inc writes it.
        let def = table.get("DEF_HELPER_2").unwrap();
        let args: Vec<String> = ["foo", "i32", "env", "i64"].map(String::from).into();
        assert_eq!(
            table.invoked(def, &args),
            [("DEF_HELPER_FLAGS_2".to_string(), ["foo", "0", "i32", "env", "i64"].map(String::from).to_vec())]
        );
    }

    #[test]
    fn pasted_names_need_literal_parts() {
        let table = IdiomTable::builtin();
        assert_eq!(table.pasted_name("HELPER", "sfas").as_deref(), Some("helper_sfas"));
        assert_eq!(table.pasted_name("glue", "helper_, add16").as_deref(), Some("helper_add16"));
        assert_eq!(table.pasted_name("xglue", "u, 16").as_deref(), Some("u16"));
        assert_eq!(table.pasted_name("glue", "glue(cpu_, ld), _mmu").as_deref(), Some("cpu_ld_mmu"));
        assert_eq!(table.pasted_name("HELPER", " glue(neon_, abd_s8) ").as_deref(), Some("helper_neon_abd_s8"));
        // A part in capitals is a macro whose value is unknown; so is anything but a name.
        assert_eq!(table.pasted_name("glue", "helper_, SUFFIX"), None);
        assert_eq!(table.pasted_name("HELPER", "glue(PFX, add16)"), None);
        assert_eq!(table.pasted_name("glue", "s->nb_hw_voices_, x"), None);
        assert_eq!(table.pasted_name("glue", "16, u"), None, "not a name");
        assert_eq!(table.pasted_name("type_init", "foo"), None, "not a token-pasting idiom");
    }

    #[test]
    fn entries_are_checked_against_their_role() {
        let spec = |role: IdiomRole, pastes: Option<&str>, defines: &[&str]| IdiomSpec {
            name: "MINE".into(),
            role,
            defines: defines.iter().map(|d| d.to_string()).collect(),
            uses: Vec::new(),
            pastes: pastes.map(str::to_string),
            invokes: Vec::new(),
        };
        assert!(IdiomTable::build(&[spec(IdiomRole::TokenPaste, Some("my_{0}_{1}"), &[])]).is_ok());
        let err = |s| IdiomTable::build(&[s]).unwrap_err();
        assert!(err(spec(IdiomRole::FileLevel, Some("my_{0}"), &[])).contains("`pastes` is for role `token_paste`"));
        assert!(err(spec(IdiomRole::TokenPaste, None, &["prototype my_{0}"])).contains("`defines` is for role"));
        assert!(err(spec(IdiomRole::TokenPaste, Some("my_{x}"), &[])).contains("placeholders are `{N}`"));
        assert!(err(spec(IdiomRole::TokenPaste, Some("my {0}"), &[])).contains("is not a name"));
        assert!(err(spec(IdiomRole::FileLevel, None, &["prototype {0"])).starts_with("idiom `MINE`: "));
        // `static` defines and `A -> *` uses, as TRANS writes them.
        let mut trans = spec(IdiomRole::FileLevel, None, &["static function trans_{0}"]);
        trans.uses = vec!["trans_{0} -> *".into()];
        let table = IdiomTable::build(&[trans.clone()]).unwrap();
        assert!(table.get("MINE").unwrap().defines[0].is_static);
        trans.uses = vec!["other_{0} -> *".into()];
        assert!(err(trans.clone()).contains("is not one of `defines`"));
        trans.uses = vec!["trans_{0} -> x_{1..:nomap}".into()];
        assert!(err(trans.clone()).contains("no map `nomap`"));
        trans.uses = vec!["trans_{0} -> x_{1..}_{2:dh_alias}".into()];
        assert!(err(trans.clone()).contains("one placeholder with a map or `..` at most"));
        trans.uses = Vec::new();
        trans.defines = vec!["function trans_{0..}".into()];
        assert!(err(trans.clone()).contains("a definition has one name"));
        trans.defines = vec!["function trans_{0}".into()];
        trans.invokes = vec!["OTHER".into()];
        assert!(err(trans.clone()).contains("not `NAME(arguments)`"));
        trans.invokes = vec!["NOWHERE({0})".into()];
        assert!(err(trans.clone()).contains("invokes `NOWHERE`, which is no `file_level` entry"));
        trans.invokes = vec!["MINE({0})".into()];
        assert!(err(trans.clone()).contains("invokes itself"));
        trans.invokes = vec!["DEF_HELPER_FLAGS_0({0}, 0, {1..})".into()];
        assert!(err(trans.clone()).contains("`{N}` placeholders only"));
        trans.invokes = Vec::new();
        let mut wrapper = spec(IdiomRole::TypeWrapper, None, &[]);
        wrapper.uses = vec!["{0}_autoptr".into()];
        assert!(IdiomTable::build(&[wrapper.clone()]).is_ok());
        wrapper.invokes = vec!["G_DEFINE_AUTOPTR_CLEANUP_FUNC({0}, f)".into()];
        assert!(err(wrapper).contains("`invokes` is for role `file_level`"));
    }
}
