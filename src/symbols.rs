//! The symbol table of one index: every definition site grouped into symbols keyed by
//! (namespace, name, scope), with file-scope rules applied by path.
//!
//! Scope rules: in a `.c` or `.c.inc`/`.inc` file, `static` functions and variables and every
//! macro, type and enum constant are file-scoped (visible in that translation unit only); what a
//! header (`.h`, `.h.inc`) defines is global, statics included, because every includer sees it.
//! Global definitions of one name in several files (QEMU builds per target, so
//! `target/arm/...` and `target/riscv/...` both define `cpu_foo`) are sites of one symbol.

use std::collections::HashMap;

use crate::facts::{DefIdx, Definition, Linkage, Namespace, SymbolKind};
use crate::index::Index;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SymbolId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// Where a symbol is visible.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Global,
    File(FileId),
}

/// One definition site of a symbol.
#[derive(Clone, Debug)]
pub struct Site {
    pub file: FileId,
    pub def: DefIdx,
    pub kind: SymbolKind,
    pub line: u32,
    pub start_line: u32,
    pub end_line: u32,
}

#[derive(Clone, Debug)]
pub struct Symbol {
    pub name: String,
    pub namespace: Namespace,
    pub scope: Scope,
    /// Sites in path order; prototypes and extern declarations included.
    pub sites: Vec<Site>,
}

impl Symbol {
    /// The kind a reader would name it by: the first providing site (a body, a type, a macro),
    /// else the first declaration.
    pub fn kind(&self) -> SymbolKind {
        self.sites.iter().find(|s| !s.kind.is_declaration_only()).unwrap_or(&self.sites[0]).kind
    }

    /// Sites that provide the symbol (not prototypes or extern declarations).
    pub fn providers(&self) -> impl Iterator<Item = &Site> {
        self.sites.iter().filter(|s| !s.kind.is_declaration_only())
    }
}

/// Does a path hold a translation unit's private part (`.c`, `.c.inc`, `.inc`) rather than a
/// header shared by includers?
pub fn is_translation_unit_path(path: &str) -> bool {
    !(path.ends_with(".h") || path.ends_with(".h.inc"))
}

/// The scope a definition gets from its linkage, kind and file.
pub fn scope_of(def: &Definition, path: &str, file: FileId) -> Scope {
    if !is_translation_unit_path(path) {
        return Scope::Global;
    }
    let file_scoped_kind = !matches!(
        def.kind,
        SymbolKind::Function | SymbolKind::Prototype | SymbolKind::Variable | SymbolKind::ExternVariable
    );
    if def.linkage == Linkage::File || file_scoped_kind {
        Scope::File(file)
    } else {
        Scope::Global
    }
}

pub struct SymbolTable {
    /// Paths by `FileId`, sorted.
    pub files: Vec<String>,
    pub symbols: Vec<Symbol>,
    by_key: HashMap<(Namespace, String, Scope), SymbolId>,
    by_name: HashMap<String, Vec<SymbolId>>,
    /// Per file, per definition index, the symbol it is a site of.
    def_symbol: Vec<Vec<SymbolId>>,
}

impl SymbolTable {
    pub fn build(index: &Index) -> SymbolTable {
        let mut table = SymbolTable {
            files: index.files.iter().map(|f| f.path.clone()).collect(),
            symbols: Vec::new(),
            by_key: HashMap::new(),
            by_name: HashMap::new(),
            def_symbol: Vec::with_capacity(index.files.len()),
        };
        for (fi, file) in index.files.iter().enumerate() {
            let fid = FileId(fi as u32);
            let fs = &file.symbols;
            let mut ids = Vec::with_capacity(fs.definitions.len());
            for (di, def) in fs.definitions.iter().enumerate() {
                let name = fs.def_name(def);
                let key = (def.kind.namespace(), name.to_string(), scope_of(def, &file.path, fid));
                let id = match table.by_key.get(&key) {
                    Some(&id) => id,
                    None => {
                        let id = SymbolId(table.symbols.len() as u32);
                        table.symbols.push(Symbol {
                            name: key.1.clone(),
                            namespace: key.0,
                            scope: key.2,
                            sites: Vec::new(),
                        });
                        table.by_name.entry(key.1.clone()).or_default().push(id);
                        table.by_key.insert(key, id);
                        id
                    }
                };
                table.symbols[id.0 as usize].sites.push(Site {
                    file: fid,
                    def: di as DefIdx,
                    kind: def.kind,
                    line: def.name_line,
                    start_line: def.start_line,
                    end_line: def.end_line,
                });
                ids.push(id);
            }
            table.def_symbol.push(ids);
        }
        table
    }

    pub fn symbol(&self, id: SymbolId) -> &Symbol {
        &self.symbols[id.0 as usize]
    }

    pub fn path(&self, file: FileId) -> &str {
        &self.files[file.0 as usize]
    }

    pub fn file_id(&self, path: &str) -> Option<FileId> {
        self.files.binary_search_by(|p| p.as_str().cmp(path)).ok().map(|i| FileId(i as u32))
    }

    pub fn lookup(&self, namespace: Namespace, name: &str, scope: Scope) -> Option<SymbolId> {
        self.by_key.get(&(namespace, name.to_string(), scope)).copied()
    }

    /// Every symbol with this name, any namespace and scope.
    pub fn named(&self, name: &str) -> &[SymbolId] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// The symbol that definition `def` of `file` is a site of.
    pub fn symbol_of_def(&self, file: FileId, def: DefIdx) -> SymbolId {
        self.def_symbol[file.0 as usize][def as usize]
    }

    /// `file.c:name` or `name`: the symbols a user means. A bare name matches every symbol of that
    /// name; with a file, only those with a site in that file.
    pub fn find(&self, query: &str) -> Vec<SymbolId> {
        let (file, name) = match query.rsplit_once(':') {
            Some((f, n)) => (Some(f), n),
            None => (None, query),
        };
        let mut out: Vec<SymbolId> = self
            .named(name)
            .iter()
            .copied()
            .filter(|&id| file.is_none_or(|f| self.symbol(id).sites.iter().any(|s| self.path(s.file) == f)))
            .collect();
        out.sort();
        out
    }
}
