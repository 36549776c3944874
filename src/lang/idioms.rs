//! The table of QEMU macro idioms (grammars/c/idioms.toml): what each macro is, what it
//! defines and uses. The masking pass that applies it is `super::mask`.

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
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IdiomFile {
    #[serde(default)]
    attribute_prefixes: Vec<String>,
    #[serde(default)]
    idiom: Vec<IdiomSpec>,
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
}

/// The compiled table, shared read-only by every extraction thread.
#[derive(Clone, Debug)]
pub struct IdiomTable {
    idioms: FxHashMap<String, Idiom>,
    attribute_prefixes: Vec<String>,
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
        let mut idioms = FxHashMap::default();
        let mut canonical = String::new();
        for spec in file.idiom.iter().chain(extra) {
            let idiom = check(spec).map_err(|e| format!("idiom `{}`: {e}", spec.name))?;
            idioms.insert(spec.name.clone(), idiom);
        }
        let mut names: Vec<_> = idioms.keys().collect();
        names.sort();
        for name in names {
            let idiom = &idioms[name];
            canonical.push_str(&format!(
                "{name}:{:?}:{:?}:{:?}:{:?};",
                idiom.role,
                idiom.uses,
                idiom.defines.iter().map(|t| (t.kind, &t.pattern, t.is_static)).collect::<Vec<_>>(),
                idiom.pastes,
            ));
        }
        canonical.push_str(&file.attribute_prefixes.join(","));
        Ok(IdiomTable {
            idioms,
            attribute_prefixes: file.attribute_prefixes,
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
fn check(spec: &IdiomSpec) -> Result<Idiom, String> {
    let defines = spec.defines.iter().map(|t| parse_template(t)).collect::<Result<Vec<_>, _>>()?;
    if spec.role != IdiomRole::FileLevel && !defines.is_empty() {
        return Err("`defines` is for role `file_level`".into());
    }
    if !matches!(spec.role, IdiomRole::FileLevel | IdiomRole::CallUses) && !spec.uses.is_empty() {
        return Err("`uses` is for roles `file_level` and `call_uses`".into());
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
        check_pattern(&pattern)?;
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
    Ok(Idiom { role: spec.role, defines, uses: spec.uses.clone(), pastes: spec.pastes.clone() })
}

/// A name pattern is identifier characters and `{N}` placeholders, at least one of either.
fn check_pattern(pattern: &str) -> Result<(), String> {
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').ok_or_else(|| format!("pattern `{pattern}`: `{{` without `}}`"))? + open;
        if rest[..open].contains('}') || rest[open + 1..close].parse::<usize>().is_err() {
            return Err(format!("pattern `{pattern}`: placeholders are `{{N}}`, N an argument's index from 0"));
        }
        if !rest[..open].bytes().all(lexer::is_ident_continue) {
            return Err(format!("pattern `{pattern}` is not a name"));
        }
        rest = &rest[close + 1..];
    }
    if pattern.is_empty() || !rest.bytes().all(lexer::is_ident_continue) {
        return Err(format!("pattern `{pattern}` is not a name"));
    }
    Ok(())
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

/// The argument indices a pattern's `{N}` placeholders name, in order.
pub fn placeholders(pattern: &str) -> impl Iterator<Item = usize> + '_ {
    pattern.split('{').skip(1).filter_map(|s| s.split_once('}')?.0.parse().ok())
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
        assert_eq!(placeholders("{2}_GET_{0}").collect::<Vec<_>>(), [2, 0]);
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
        assert!(err(trans).contains("is not one of `defines`"));
    }
}
