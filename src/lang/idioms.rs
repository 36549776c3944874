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
}

/// One checked idiom.
#[derive(Clone, Debug)]
pub struct Idiom {
    pub role: IdiomRole,
    pub defines: Vec<Template>,
    pub uses: Vec<String>,
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
            let defines = spec
                .defines
                .iter()
                .map(|t| parse_template(t).map_err(|e| format!("idiom `{}`: {e}", spec.name)))
                .collect::<Result<Vec<_>, _>>()?;
            idioms.insert(spec.name.clone(), Idiom { role: spec.role, defines, uses: spec.uses.clone() });
        }
        let mut names: Vec<_> = idioms.keys().collect();
        names.sort();
        for name in names {
            let idiom = &idioms[name];
            canonical.push_str(&format!(
                "{name}:{:?}:{:?}:{:?};",
                idiom.role,
                idiom.uses,
                idiom.defines.iter().map(|t| (t.kind, &t.pattern)).collect::<Vec<_>>()
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

    pub fn is_token_paste(&self, name: &str) -> bool {
        self.role(name) == Some(IdiomRole::TokenPaste)
    }
}

fn parse_template(text: &str) -> Result<Template, String> {
    let (kind, pattern) =
        text.split_once(' ').ok_or_else(|| format!("template `{text}` is not `<kind> <name pattern>`"))?;
    let kind = SymbolKind::ALL
        .into_iter()
        .find(|k| k.as_str() == kind)
        .ok_or_else(|| format!("template `{text}`: unknown kind `{kind}`"))?;
    Ok(Template { kind, pattern: pattern.to_string() })
}

/// Fills `{N}` placeholders from `args`; `None` when an argument is missing or not a plain name.
pub fn instantiate(pattern: &str, args: &[String]) -> Option<String> {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}')? + open;
        let idx: usize = rest[open + 1..close].parse().ok()?;
        let arg = args.get(idx)?;
        if arg.is_empty() || !arg.bytes().all(lexer::is_ident_continue) {
            return None;
        }
        out.push_str(arg);
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
    }
}
