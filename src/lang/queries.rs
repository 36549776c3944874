//! The queries of grammars/c, compiled once and shared by every thread, with their capture names
//! checked and turned into ids.

use tree_sitter::Query;

const DEFINITIONS: &str = include_str!("../../grammars/c/definitions.scm");
const REFERENCES: &str = include_str!("../../grammars/c/references.scm");

/// The capture vocabulary of grammars/c/README.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    fn from_name(name: &str) -> Option<Capture> {
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

/// The compiled query and a capture-index -> `Capture` table.
pub struct Queries {
    pub query: Query,
    captures: Vec<Capture>,
}

impl Queries {
    /// Compiles the embedded queries. Fails only if grammars/c is broken, which the test suite
    /// catches; callers may treat the error as a bug.
    pub fn load() -> Result<Queries, String> {
        let source = format!("{DEFINITIONS}\n{REFERENCES}");
        let query = Query::new(&tree_sitter_c::LANGUAGE.into(), &source).map_err(|e| format!("grammars/c: {e}"))?;
        let captures = query
            .capture_names()
            .iter()
            .map(|n| Capture::from_name(n).ok_or_else(|| format!("grammars/c: unknown capture `@{n}`")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Queries { query, captures })
    }

    pub fn capture(&self, index: u32) -> Capture {
        self.captures[index as usize]
    }
}
