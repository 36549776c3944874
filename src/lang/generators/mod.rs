//! Build-time generator inputs -> `FileSymbols`: the trace-events, decodetree, QAPI and hxtool
//! files whose generated C defines names QEMU's C code uses (`trace_foo`, `arg_add`,
//! `qmp_query_block`, `QEMU_OPTION_m`). Each input's entities become definition sites at their
//! own file:line, and the names the generated code calls become references, so the graph,
//! `check` and `revert` treat them like C.
//!
//! Which files are inputs and what each entity defines is data (grammars/generators.toml,
//! extended by `[[generator]]` in `.revertcheck.toml`); the readers (one per format) only list
//! entities with their spans.

mod decodetree;
mod hxtool;
mod qapi;

pub use qapi::{is_enum as qapi_is_enum, members as qapi_members};
mod trace_events;

use std::collections::BTreeMap;

use serde::Deserialize;

use super::lexer;
use crate::facts::{
    Confidence, Definition, FileSymbols, Include, Linkage, NameIdx, ParseHealth, RefKind, Reference, SymbolKind,
};
use crate::fxhash::FxHashMap;

const BUILTIN: &str = include_str!("../../../grammars/generators.toml");

/// One thing a generator input declares, as its reader found it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entity {
    /// The reader's kind name (`event`, `pattern`, `command`, ...): the key of the table's
    /// `defines` and `uses`.
    pub kind: &'static str,
    pub name: String,
    /// 1-based, inclusive.
    pub start_line: u32,
    pub end_line: u32,
    pub start_byte: u32,
    pub end_byte: u32,
    /// What users of the generated names depend on (arguments, fields, `data`).
    pub interface: String,
    /// The rest (a format string); a change here only is a body change.
    pub body: String,
    /// Names used beyond the table's templates (`!function=f`), with their line.
    pub uses: Vec<(String, RefKind, u32)>,
}

/// What a reader makes of one file.
#[derive(Debug, Default)]
pub struct Reading {
    pub entities: Vec<Entity>,
    pub includes: Vec<Include>,
    /// Lines the reader could not make sense of (counted like parse errors).
    pub errors: u32,
    pub first_error_line: Option<u32>,
}

impl Reading {
    fn error(&mut self, line: u32) {
        self.errors += 1;
        self.first_error_line.get_or_insert(line);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reader {
    TraceEvents,
    Decodetree,
    Qapi,
    Hxtool,
}

impl Reader {
    fn read(self, text: &str) -> Reading {
        match self {
            Reader::TraceEvents => trace_events::read(text),
            Reader::Decodetree => decodetree::read(text),
            Reader::Qapi => qapi::read(text),
            Reader::Hxtool => hxtool::read(text),
        }
    }
}

/// Which paths a generator reads.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathMatch {
    pub basename: Option<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
}

impl PathMatch {
    fn matches(&self, path: &str) -> bool {
        let base = path.rsplit('/').next().unwrap_or(path);
        self.basename.as_ref().is_none_or(|b| b == base)
            && self.prefix.as_ref().is_none_or(|p| path.starts_with(p.as_str()))
            && self.suffix.as_ref().is_none_or(|s| path.ends_with(s.as_str()))
            && (self.basename.is_some() || self.prefix.is_some() || self.suffix.is_some())
    }
}

/// The serde shape of one `[[generator]]` entry.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneratorSpec {
    pub name: String,
    pub reader: Reader,
    #[serde(rename = "match")]
    pub path_match: PathMatch,
    #[serde(default)]
    pub headers: Vec<String>,
    #[serde(default)]
    pub joins: bool,
    #[serde(default)]
    pub private: bool,
    #[serde(default)]
    pub defines: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub uses: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub shaped: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GeneratorFile {
    #[serde(default)]
    generator: Vec<GeneratorSpec>,
    #[serde(default)]
    computed_include: Vec<ComputedInclude>,
}

/// An include made through a macro (`#include HELPER_H`): whoever includes `when` also
/// includes `also`, resolved from the includer.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComputedInclude {
    pub when: String,
    pub also: String,
}

/// A checked generator entry.
#[derive(Clone, Debug)]
pub struct Generator {
    pub name: String,
    reader: Reader,
    path_match: PathMatch,
    headers: Vec<String>,
    /// The generated file is C included into a translation unit.
    pub joins: bool,
    /// The generated names are for the code of the input's own directory (a directory's
    /// `trace.h`, a target's decoder): uses there are as close as uses in the same file.
    pub private: bool,
    defines: FxHashMap<String, Vec<(SymbolKind, String)>>,
    uses: FxHashMap<String, Vec<(RefKind, String)>>,
    /// Per entity kind, the templates of the names whose shape is the entity's.
    shaped: FxHashMap<String, Vec<String>>,
    /// Changes whenever what `extract` gives for the same bytes could (reader, templates,
    /// linkage): part of the cache key of its inputs.
    pub fingerprint: u64,
}

/// The generated files an input stands for, and whether they are joined to the including
/// translation unit: what the graph needs to resolve `#include "trace/trace-hw_net.h"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedHeaders {
    pub generator: String,
    pub paths: Vec<String>,
    pub joins: bool,
}

/// Every known generator, first match first.
#[derive(Clone, Debug)]
pub struct GeneratorTable {
    generators: Vec<Generator>,
    pub computed_includes: Vec<ComputedInclude>,
    fingerprint: u64,
}

impl GeneratorTable {
    /// The table shipped in grammars/generators.toml.
    pub fn builtin() -> GeneratorTable {
        GeneratorTable::build(&[]).expect("the built-in generator table is valid")
    }

    /// The built-in table with `extra` entries in front of it; an entry with a built-in name
    /// replaces every built-in entry of that name.
    pub fn build(extra: &[GeneratorSpec]) -> Result<GeneratorTable, String> {
        let file: GeneratorFile = toml::from_str(BUILTIN).map_err(|e| e.to_string())?;
        let replaced: Vec<&str> = extra.iter().map(|s| s.name.as_str()).collect();
        let specs = extra.iter().chain(file.generator.iter().filter(|s| !replaced.contains(&s.name.as_str())));
        let mut generators = Vec::new();
        let mut canonical = String::new();
        for spec in specs {
            let g = check(spec).map_err(|e| format!("generator `{}`: {e}", spec.name))?;
            canonical.push_str(&format!("{spec:?};"));
            generators.push(g);
        }
        canonical.push_str(&format!("{:?}", file.computed_include));
        Ok(GeneratorTable {
            generators,
            computed_includes: file.computed_include,
            fingerprint: lexer::normalized_hash(canonical.as_bytes()),
        })
    }

    /// Changes whenever the table does.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The generator whose input `path` is, if any.
    pub fn for_path(&self, path: &str) -> Option<&Generator> {
        self.generators.iter().find(|g| g.path_match.matches(path))
    }

    pub fn is_input(&self, path: &str) -> bool {
        self.for_path(path).is_some()
    }
}

fn check(spec: &GeneratorSpec) -> Result<Generator, String> {
    if spec.path_match.basename.is_none() && spec.path_match.prefix.is_none() && spec.path_match.suffix.is_none() {
        return Err("`match` needs a basename, prefix or suffix".into());
    }
    let mut defines = FxHashMap::default();
    for (entity, templates) in &spec.defines {
        let mut out = Vec::new();
        for t in templates {
            let (kind, pattern) = t.split_once(' ').ok_or_else(|| format!("`{t}`: want \"kind template\""))?;
            let kind = SymbolKind::ALL
                .into_iter()
                .find(|k| k.as_str() == kind && !matches!(k, SymbolKind::Struct | SymbolKind::Union | SymbolKind::Enum))
                .ok_or_else(|| format!("`{t}`: unknown symbol kind `{kind}`"))?;
            out.push((kind, pattern.trim().to_string()));
        }
        defines.insert(entity.clone(), out);
    }
    for (entity, templates) in &spec.shaped {
        let defined =
            defines.get(entity).map(|d: &Vec<(SymbolKind, String)>| d.iter().map(|(_, t)| t).collect::<Vec<_>>());
        if let Some(t) = templates.iter().find(|t| !defined.as_ref().is_some_and(|d| d.contains(t))) {
            return Err(format!("shaped `{t}` of `{entity}` is not one of its `defines`"));
        }
    }
    let mut uses = FxHashMap::default();
    for (entity, templates) in &spec.uses {
        let mut out = Vec::new();
        for t in templates {
            let (kind, pattern) = t.split_once(' ').ok_or_else(|| format!("`{t}`: want \"kind template\""))?;
            let kind = match kind {
                "call" => RefKind::Call,
                "value" => RefKind::Identifier,
                "type" => RefKind::Type,
                other => return Err(format!("`{t}`: unknown use kind `{other}` (call, value, type)")),
            };
            out.push((kind, pattern.trim().to_string()));
        }
        uses.insert(entity.clone(), out);
    }
    Ok(Generator {
        name: spec.name.clone(),
        reader: spec.reader,
        path_match: spec.path_match.clone(),
        headers: spec.headers.clone(),
        joins: spec.joins,
        private: spec.private,
        defines,
        uses,
        shaped: spec.shaped.clone().into_iter().collect(),
        fingerprint: lexer::words_hash(&format!(
            "{:?};{:?};{:?};{:?};{}",
            spec.reader, spec.defines, spec.uses, spec.shaped, spec.joins
        )),
    })
}

fn fill(template: &str, name: &str) -> String {
    template.replace("{name}", name).replace("{NAME}", &name.to_ascii_uppercase())
}

impl Generator {
    /// The generated files that `path` (an input of this generator) stands for, as paths from
    /// the top of the tree.
    pub fn headers(&self, path: &str) -> GeneratedHeaders {
        let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
        let stem = file.split('.').next().unwrap_or(file);
        let group = if dir.is_empty() {
            "root".to_string()
        } else {
            dir.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
        };
        let paths = self
            .headers
            .iter()
            .map(|h| {
                let p = h.replace("{dir}", dir).replace("{stem}", stem).replace("{group}", &group);
                p.split('/').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("/")
            })
            .collect();
        GeneratedHeaders { generator: self.name.clone(), paths, joins: self.joins }
    }

    /// Reads one input file into the same facts C extraction gives: one definition per name an
    /// entity defines, references for what it uses, includes, and unreadable lines as errors.
    pub fn extract(&self, src: &[u8]) -> FileSymbols {
        let text = String::from_utf8_lossy(src);
        let reading = self.reader.read(&text);
        let mut out = FileSymbols {
            health: ParseHealth {
                error_nodes: reading.errors,
                first_error_line: reading.first_error_line,
                non_utf8: std::str::from_utf8(src).is_err(),
                ..Default::default()
            },
            includes: reading.includes,
            ..Default::default()
        };
        let mut names: FxHashMap<String, NameIdx> = FxHashMap::default();
        let mut intern = |out: &mut FileSymbols, name: String| -> NameIdx {
            *names.entry(name).or_insert_with_key(|n| {
                out.names.push(n.clone());
                (out.names.len() - 1) as NameIdx
            })
        };
        let linkage = if self.joins { Linkage::File } else { Linkage::Global };
        let mut seen: std::collections::HashSet<(Option<u32>, NameIdx, RefKind)> = std::collections::HashSet::new();
        for e in &reading.entities {
            let interface_hash = lexer::words_hash(&e.interface);
            let body_hash = lexer::words_hash(&e.body);
            let mut first_def = None;
            for (kind, template) in self.defines.get(e.kind).into_iter().flatten() {
                let full = fill(template, &e.name);
                let shaped = self.shaped.get(e.kind).is_some_and(|s| s.contains(template));
                let (interface_hash, body_hash) =
                    if shaped { (interface_hash, body_hash) } else { (lexer::words_hash(&full), 0) };
                let name = intern(&mut out, full);
                first_def.get_or_insert(out.definitions.len() as u32);
                out.definitions.push(Definition {
                    name,
                    kind: *kind,
                    linkage,
                    start_line: e.start_line,
                    end_line: e.end_line,
                    start_byte: e.start_byte,
                    end_byte: e.end_byte,
                    name_line: e.start_line,
                    interface_hash,
                    body_hash,
                    confidence: Confidence::Clean,
                });
            }
            let templated =
                self.uses.get(e.kind).into_iter().flatten().map(|(k, t)| (fill(t, &e.name), *k, e.start_line));
            for (name, kind, line) in templated.chain(e.uses.iter().cloned()) {
                let name = intern(&mut out, name);
                if seen.insert((first_def, name, kind)) {
                    out.references.push(Reference { from: first_def, name, kind, line });
                }
            }
        }
        out
    }
}

/// The lines of `text` with their byte offsets and 1-based numbers, `#` comments cut off.
fn lines_without_comments(text: &str) -> impl Iterator<Item = (usize, u32, &str)> {
    let mut offset = 0usize;
    text.split_inclusive('\n').enumerate().map(move |(i, raw)| {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let code = match line.find('#') {
            Some(c) => &line[..c],
            None => line,
        };
        (start, i as u32 + 1, code)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(path: &str, src: &str) -> String {
        let table = GeneratorTable::builtin();
        let g = table.for_path(path).unwrap_or_else(|| panic!("{path} is a generator input"));
        g.extract(src.as_bytes()).render()
    }

    #[test]
    fn paths_pick_the_first_matching_generator() {
        let t = GeneratorTable::builtin();
        assert_eq!(t.for_path("hw/net/trace-events").unwrap().name, "tracetool");
        assert_eq!(t.for_path("trace-events").unwrap().name, "tracetool");
        assert_eq!(t.for_path("target/riscv/insn32.decode").unwrap().name, "decodetree");
        assert_eq!(
            t.for_path("qapi/block-core.json").unwrap().headers("qapi/block-core.json").paths[0],
            "qapi/qapi-types-block-core.h"
        );
        assert_eq!(
            t.for_path("qapi/qapi-schema.json").unwrap().headers("qapi/qapi-schema.json").paths[0],
            "qapi/qapi-types.h"
        );
        assert!(t.for_path("tests/qapi-schema/union-empty.json").is_none());
        assert!(t.for_path("hw/net/trace.h").is_none());
        assert_eq!(
            t.for_path("hw/net/trace-events").unwrap().headers("hw/net/trace-events").paths,
            ["trace/trace-hw_net.h"]
        );
        assert_eq!(t.for_path("trace-events").unwrap().headers("trace-events").paths, ["trace/trace-root.h"]);
        let decode = t.for_path("target/riscv/insn32.decode").unwrap().headers("target/riscv/insn32.decode");
        assert_eq!(decode.paths, ["target/riscv/decode-insn32.c.inc"]);
        assert!(decode.joins);
        assert!(t
            .for_path("qemu-options.hx")
            .unwrap()
            .headers("qemu-options.hx")
            .paths
            .contains(&"qemu-options.def".to_string()));
    }

    #[test]
    fn trace_events_define_the_trace_functions() {
        let out = render(
            "hw/net/trace-events",
            "# comment\n\n# e1000.c\ne1000_irq(int n, unsigned level) \"irq %d level %u\"\ndisable e1000_off(void) \"\"\n",
        );
        assert!(out.contains("def function trace_e1000_irq global 4-4\n"), "{out}");
        assert!(out.contains("def macro TRACE_E1000_IRQ global 4-4\n"), "{out}");
        assert!(out.contains("def function trace_e1000_off global 5-5\n"), "{out}");
        assert!(out.ends_with("health errors=0 missing=0\n"), "{out}");
    }

    #[test]
    fn a_user_table_replaces_a_builtin_generator_and_errors_name_it() {
        let spec: GeneratorFile = toml::from_str(
            "[[generator]]\nname = \"tracetool\"\nreader = \"trace-events\"\nmatch = { basename = \"events\" }\ndefines.event = [\"function my_{name}\"]\n",
        )
        .unwrap();
        let t = GeneratorTable::build(&spec.generator).unwrap();
        assert!(t.for_path("hw/net/trace-events").is_none());
        let g = t.for_path("x/events").unwrap();
        assert!(g.extract(b"foo(int a) \"%d\"\n").render().contains("def function my_foo"));
        assert_ne!(t.fingerprint(), GeneratorTable::builtin().fingerprint());
        let bad: GeneratorFile = toml::from_str(
            "[[generator]]\nname = \"mine\"\nreader = \"qapi\"\nmatch = { suffix = \".x\" }\ndefines.struct = [\"klass {name}\"]\n",
        )
        .unwrap();
        let e = GeneratorTable::build(&bad.generator).unwrap_err();
        assert!(e.contains("generator `mine`") && e.contains("klass"), "{e}");
    }
}
