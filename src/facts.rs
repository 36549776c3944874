//! What extraction learns about one C file: its definitions, the references made inside each,
//! its `#include`s and its parse health.
//!
//! These are revertcheck's own types, produced by `lang` from a syntax tree and stored by `index`
//! in the blob cache, so they carry no tree-sitter or git2 type. Names are stored once per file in
//! a string table (`FileSymbols::names`) and referred to by index: a QEMU file names the same few
//! hundred identifiers thousands of times.

use serde::{Deserialize, Serialize};

/// Index into `FileSymbols::names`.
pub type NameIdx = u32;

/// Index into `FileSymbols::definitions`.
pub type DefIdx = u32;

/// What a definition defines. Prototypes are kept apart from function bodies: a header prototype
/// and its `.c` definition are two sites of one symbol, and only the body has a body hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SymbolKind {
    Function,
    Prototype,
    Macro,
    FunctionMacro,
    Struct,
    Union,
    Enum,
    EnumConstant,
    Typedef,
    Variable,
    /// `extern int x;`: declares a variable defined elsewhere, like a prototype does a function.
    ExternVariable,
}

impl SymbolKind {
    /// Which C name space the symbol lives in: struct/union/enum tags are separate from
    /// ordinary identifiers (`struct Foo` and `Foo` can be different things). Macros share the
    /// ordinary namespace because a use of `FOO` cannot tell a macro from a variable lexically.
    pub fn namespace(self) -> Namespace {
        match self {
            SymbolKind::Struct | SymbolKind::Union | SymbolKind::Enum => Namespace::Tag,
            _ => Namespace::Ordinary,
        }
    }

    /// Does a definition of this kind create an interface others can use, as opposed to only
    /// declaring one (a prototype declares what a function definition provides)?
    pub fn is_declaration_only(self) -> bool {
        matches!(self, SymbolKind::Prototype | SymbolKind::ExternVariable)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SymbolKind::Function => "function",
            SymbolKind::Prototype => "prototype",
            SymbolKind::Macro => "macro",
            SymbolKind::FunctionMacro => "function_macro",
            SymbolKind::Struct => "struct",
            SymbolKind::Union => "union",
            SymbolKind::Enum => "enum",
            SymbolKind::EnumConstant => "enum_constant",
            SymbolKind::Typedef => "typedef",
            SymbolKind::Variable => "variable",
            SymbolKind::ExternVariable => "extern_variable",
        }
    }

    pub const ALL: [SymbolKind; 11] = [
        SymbolKind::Function,
        SymbolKind::Prototype,
        SymbolKind::Macro,
        SymbolKind::FunctionMacro,
        SymbolKind::Struct,
        SymbolKind::Union,
        SymbolKind::Enum,
        SymbolKind::EnumConstant,
        SymbolKind::Typedef,
        SymbolKind::Variable,
        SymbolKind::ExternVariable,
    ];
}

/// C name spaces that matter for resolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Namespace {
    Ordinary,
    Tag,
}

/// Whether other translation units can see a definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Linkage {
    /// `static` functions and variables, and every macro and type defined in a `.c` file:
    /// visible in this file and in files that textually include it.
    File,
    /// Everything else, including whatever a header defines.
    Global,
}

/// How a reference uses a name. Resolution decides whether an `Identifier` is a macro use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefKind {
    /// `foo(...)`
    Call,
    /// A name used as a value: a variable, an enum constant, a function taken by address
    /// (`.realize = foo_realize`), or an object-like macro.
    Identifier,
    /// A `typedef` name used as a type.
    Type,
    /// `struct Foo`, `union Foo`, `enum Foo` used without a body.
    Tag,
    /// An identifier found lexically in a macro body or a masked macro invocation.
    Lexical,
}

impl RefKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RefKind::Call => "call",
            RefKind::Identifier => "value",
            RefKind::Type => "type",
            RefKind::Tag => "tag",
            RefKind::Lexical => "lexical",
        }
    }
}

/// A definition whose span overlaps an ERROR or MISSING node was read from a damaged tree: its
/// name and span are likely right, its hashes and references less so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Clean,
    NearParseError,
}

/// One definition site in one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definition {
    pub name: NameIdx,
    pub kind: SymbolKind,
    pub linkage: Linkage,
    /// 1-based, inclusive.
    pub start_line: u32,
    pub end_line: u32,
    pub start_byte: u32,
    pub end_byte: u32,
    /// Line on which the name itself stands (what a reader wants to jump to).
    pub name_line: u32,
    /// Hash of the interface text with comments dropped and white space folded: signature,
    /// macro parameters and replacement, type body, variable type.
    pub interface_hash: u64,
    /// Hash of the body text likewise: function body, variable initialiser; 0 when none.
    pub body_hash: u64,
    pub confidence: Confidence,
}

/// One name used inside a definition (or at file level). Repeats of the same name with the same
/// kind inside one definition are folded into the first, so `line` is the first use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The definition the use stands in; `None` for file-level code such as `type_init(foo)`.
    pub from: Option<DefIdx>,
    pub name: NameIdx,
    pub kind: RefKind,
    pub line: u32,
}

/// One `#include` line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Include {
    /// The path as written, without quotes or angle brackets.
    pub path: String,
    /// `<...>` rather than `"..."`.
    pub system: bool,
    pub line: u32,
    /// Named by a macro (`#define HELPER_H "helper.h"`, idiom role `include_path`): found next to
    /// the file or from the top of the tree (or `include/`), never by the nearest file of that
    /// name: include/exec/helper-gen.h's `"helper.h"` means the including target's, which
    /// `[[computed_include]]` models.
    pub exact: bool,
}

/// A preprocessor directive, kept for the files whose definitions are named per inclusion
/// (`crate::lang::preproc`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directive {
    pub line: u32,
    pub kind: DirectiveKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DirectiveKind {
    /// `params` is `None` for an object-like macro; `body` is the replacement as written, comments
    /// dropped.
    Define {
        name: String,
        params: Option<Vec<String>>,
        body: String,
    },
    Undef(String),
    /// `#if`; `#ifdef X` is `defined(X)`, `#ifndef X` is `!defined(X)`.
    If(String),
    Elif(String),
    Else,
    Endif,
    /// A quoted `#include`.
    Include(String),
}

/// How much of the file tree-sitter could read, and which limits were hit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseHealth {
    pub error_nodes: u32,
    pub missing_nodes: u32,
    /// The 1-based line of the first ERROR or MISSING node, if any.
    pub first_error_line: Option<u32>,
    /// The parse was stopped by the per-file time limit; what was read before is kept.
    pub timed_out: bool,
    /// The tree was too deep to walk fully; deeper parts were skipped.
    pub depth_limited: bool,
    /// The bytes are not valid UTF-8. They are parsed as they are: identifiers are ASCII, and
    /// stray Latin-1 bytes sit in comments and strings.
    pub non_utf8: bool,
}

impl ParseHealth {
    /// ERROR and MISSING nodes together: how many places tree-sitter could not read.
    pub fn errors(&self) -> u32 {
        self.error_nodes + self.missing_nodes
    }

    pub fn is_clean(&self) -> bool {
        self.error_nodes == 0 && self.missing_nodes == 0 && !self.timed_out && !self.depth_limited
    }
}

/// Everything extraction learns about one file's contents. It depends only on the bytes (and
/// the extractor version and idiom table), never on the path, so it is cached by blob id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSymbols {
    pub names: Vec<String>,
    pub definitions: Vec<Definition>,
    pub references: Vec<Reference>,
    pub includes: Vec<Include>,
    /// The directives of a template or of a file that defines macros before an `#include`
    /// (`preproc::worth_keeping`); empty for most files.
    pub directives: Vec<Directive>,
    /// A definition or use is named by a macro's text (`ADDRESS_SPACE_LD(uw)`): the file's
    /// names depend on its includers (`crate::instances`).
    pub template: bool,
    pub health: ParseHealth,
}

impl FileSymbols {
    pub fn name(&self, idx: NameIdx) -> &str {
        &self.names[idx as usize]
    }

    pub fn def_name(&self, def: &Definition) -> &str {
        self.name(def.name)
    }

    /// The innermost definition whose span holds `line`, if any.
    pub fn definition_at_line(&self, line: u32) -> Option<DefIdx> {
        self.definitions
            .iter()
            .enumerate()
            .filter(|(_, d)| d.start_line <= line && line <= d.end_line)
            .min_by_key(|(_, d)| d.end_byte - d.start_byte)
            .map(|(i, _)| i as DefIdx)
    }
}

impl FileSymbols {
    /// A stable, line-per-fact text form: what fixture tests compare and what
    /// `revertcheck debug extract` prints. Definitions in file order, then references grouped by
    /// the definition they stand in (file level as `<file>`), then includes and parse health.
    pub fn render(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        for d in &self.definitions {
            let linkage = match d.linkage {
                Linkage::File => "static",
                Linkage::Global => "global",
            };
            let damaged = if d.confidence == Confidence::NearParseError { " near-parse-error" } else { "" };
            let _ = writeln!(
                out,
                "def {} {} {linkage} {}-{}{damaged}",
                d.kind.as_str(),
                self.def_name(d),
                d.start_line,
                d.end_line
            );
        }
        for r in &self.references {
            let from = r.from.map_or("<file>", |f| self.def_name(&self.definitions[f as usize]));
            let _ = writeln!(out, "ref {from} -> {} {} {}", self.name(r.name), r.kind.as_str(), r.line);
        }
        for i in &self.includes {
            let (open, close) = if i.system { ('<', '>') } else { ('"', '"') };
            let _ = writeln!(out, "include {open}{}{close} {}", i.path, i.line);
        }
        let h = &self.health;
        let _ = write!(out, "health errors={} missing={}", h.error_nodes, h.missing_nodes);
        if let Some(line) = h.first_error_line {
            let _ = write!(out, " first={line}");
        }
        out.push('\n');
        out
    }
}
