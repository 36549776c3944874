//! The table of QEMU macro idioms (grammars/c/idioms.toml) and the masking pass that blanks
//! them before tree-sitter sees the text.
//!
//! Masking replaces bytes with spaces and keeps every newline, so byte offsets and line numbers
//! of the masked text are those of the original: nothing downstream needs to map positions.

use crate::fxhash::FxHashMap;

use serde::Deserialize;

use super::lexer::{self, TokenKind};
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

    fn role(&self, name: &str) -> Option<IdiomRole> {
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

/// A file-level macro invocation found and blanked by the masking pass.
#[derive(Clone, Debug)]
pub struct Invocation {
    pub name: String,
    pub start: usize,
    pub end: usize,
    /// Arguments as written, trimmed.
    pub args: Vec<String>,
}

/// The masked text and what was taken out of it.
pub struct Masked {
    pub text: Vec<u8>,
    pub invocations: Vec<Invocation>,
    /// The tokens of the original text, in order: extraction hashes spans from them instead of
    /// scanning the text again.
    pub tokens: Vec<Tok>,
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
}

/// Blanks attribute idioms, type wrappers and file-level invocations in `src`.
pub fn mask(src: &[u8], table: &IdiomTable) -> Masked {
    let toks = tokenize(src);
    let mut text = src.to_vec();
    let mut invocations = Vec::new();
    let mut prev_code: Option<usize> = None; // index of the previous non-directive token
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        if t.directive {
            i += 1;
            continue;
        }
        if t.kind == TokenKind::Identifier {
            let word = std::str::from_utf8(&src[t.start..t.end]).unwrap_or_default();
            let role = table.role(word);
            let column0 = t.start == 0 || src[t.start - 1] == b'\n';
            // Most identifiers are neither idioms nor at column 0: skip the paren matching.
            if role.is_none() && !(column0 && t.line_start) {
                prev_code = Some(i);
                i += 1;
                continue;
            }
            let call = next_code(&toks, i).filter(|&j| is_punct(src, &toks[j], b'('));
            let close = call.and_then(|open| matching_paren(src, &toks, open));
            match role {
                Some(IdiomRole::Attribute) => {
                    let end = close.map_or(t.end, |c| toks[c].end);
                    blank(&mut text, t.start, end);
                    i = close.map_or(i + 1, |c| c + 1);
                    continue;
                }
                Some(IdiomRole::TypeWrapper) if close.is_some() => {
                    let (open, close) = (call.unwrap(), close.unwrap());
                    blank(&mut text, t.start, toks[open].end);
                    blank(&mut text, toks[close].start, toks[close].end);
                    prev_code = Some(i);
                    i += 1;
                    continue;
                }
                _ => {}
            }
            let after_complete = prev_code
                .is_none_or(|p| toks[p].kind == TokenKind::Punct && matches!(src[toks[p].start], b';' | b'}' | b')'));
            if let (true, true, Some(open), Some(close)) = (column0 && t.line_start, after_complete, call, close) {
                if let Some(end) = file_level_end(src, &toks, close) {
                    let args = split_args(&src[toks[open].end..toks[close].start]);
                    invocations.push(Invocation { name: word.to_string(), start: t.start, end: toks[end].end, args });
                    blank(&mut text, t.start, toks[end].end);
                    prev_code = Some(end);
                    i = end + 1;
                    continue;
                }
            }
        }
        prev_code = Some(i);
        i += 1;
    }
    Masked { text, invocations, tokens: toks }
}

/// Where a column-0 `NAME(...)` ends if it is a file-level invocation: at its `)` when a newline
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
        if newline_between && !continued {
            in_directive = kind == TokenKind::Punct && src[start] == b'#';
        }
        toks.push(Tok { kind, start, end, line_start: newline_between, directive: in_directive });
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

fn split_args(inner: &[u8]) -> Vec<String> {
    let mut args = Vec::new();
    let mut depth = 0i32;
    let mut current = Vec::new();
    for &b in inner {
        match b {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b',' if depth == 0 => {
                args.push(String::from_utf8_lossy(&current).trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(b);
    }
    let last = String::from_utf8_lossy(&current).trim().to_string();
    if !last.is_empty() || !args.is_empty() {
        args.push(last);
    }
    args
}

fn blank(text: &mut [u8], start: usize, end: usize) {
    for b in &mut text[start..end] {
        if *b != b'\n' {
            *b = b' ';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(src: &str) -> (String, Vec<String>) {
        let m = mask(src.as_bytes(), &IdiomTable::builtin());
        (String::from_utf8(m.text).unwrap(), m.invocations.into_iter().map(|i| i.name).collect())
    }

    #[test]
    fn file_level_invocations_are_blanked_but_gnu_style_definitions_are_not() {
        let src = "DEFINE_TYPES(foo_types)\nstatic void\nbar(void)\n{\n}\nint\nbaz(int x)\n{\n}\n";
        let (text, names) = masked(src);
        assert_eq!(names, ["DEFINE_TYPES"]);
        assert!(text.starts_with("                       \nstatic void\nbar(void)"));
        assert!(text.contains("baz(int x)"));
    }

    #[test]
    fn gnu_style_prototype_is_not_an_invocation() {
        let (_, names) = masked("static void\nfoo(void);\n");
        assert!(names.is_empty());
    }

    #[test]
    fn attributes_and_wrappers_keep_offsets() {
        let src = "struct S { int a; } QEMU_PACKED;\nvoid f(void) { g_autoptr(Error) err = NULL; }\n";
        let (text, _) = masked(src);
        assert_eq!(text.len(), src.len());
        assert!(text.contains("} ".to_string().as_str()) && !text.contains("QEMU_PACKED"));
        assert!(text.contains("          Error  err = NULL;"));
    }

    #[test]
    fn directives_are_never_masked() {
        let (text, names) = masked("#define QEMU_PACKED __attribute__((packed))\n#define FOO(x) bar(x)\n");
        assert!(names.is_empty());
        assert!(text.contains("#define QEMU_PACKED"));
    }

    #[test]
    fn templates_fill_arguments() {
        let args = vec!["PCIDevice".to_string(), "PCIDeviceClass".into(), "PCI_DEVICE".into()];
        assert_eq!(instantiate("{2}_GET_CLASS", &args).as_deref(), Some("PCI_DEVICE_GET_CLASS"));
        assert_eq!(instantiate("{5}", &args), None);
    }
}
