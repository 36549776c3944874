//! The symbol table of one index: every definition site grouped into symbols keyed by
//! (namespace, name, scope), with file-scope rules applied by path.
//!
//! Scope rules: in a `.c` or `.c.inc`/`.inc` file, `static` functions and variables and every
//! macro, type and enum constant are file-scoped (visible in that translation unit only); what a
//! header (`.h`, `.h.inc`) defines is global, statics included, because every includer sees it.
//! Global definitions of one name in several files (QEMU builds per target, so
//! `target/arm/...` and `target/riscv/...` both define `cpu_foo`) are sites of one symbol.

use crate::facts::{DefIdx, Definition, Linkage, NameIdx, Namespace, SymbolKind};
use crate::fxhash::FxHashMap;
use crate::index::Index;

/// A name interned across the whole index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NameId(pub u32);

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
    /// Read from a damaged tree (`Confidence::NearParseError`): often a local of a function
    /// tree-sitter could not read whole (`Int r;` in decNumber.c). Never bound by name alone.
    pub damaged: bool,
}

#[derive(Clone, Debug)]
pub struct Symbol {
    pub name: String,
    pub namespace: Namespace,
    pub scope: Scope,
    /// Sites in path order; prototypes and extern declarations included.
    pub sites: Vec<Site>,
    /// The names a template's definition gets where it is included (`crate::instances`):
    /// `address_space_lduw_le` for `ADDRESS_SPACE_LD(uw)`. Each resolves to this symbol.
    pub aliases: Vec<String>,
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
    // A generator input's names are global, as the generated header's are, unless the
    // generated text is joined to a translation unit (decodetree's `.c.inc`: `Linkage::File`).
    let generated_global = def.linkage == Linkage::Global && !crate::repo::is_c_path(path);
    if !is_translation_unit_path(path) || generated_global {
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

/// The program a file is linked into, as far as a path tells: QEMU builds each `target/<arch>/`
/// into its own binaries, and the test programs under `tests/tcg/` (and the guest programs of
/// `tests/multiboot/`, `tests/uefi-test-tools/`, `tests/migration-stress/`), the firmware under
/// `pc-bios/` and `roms/`, the tools under `contrib/<tool>/` and the models and tools under
/// `scripts/<dir>/` (the Coverity model) are programs of their own. A
/// name resolved only by name never binds across two different units (a use in
/// `target/arm/` cannot reach a definition in `target/hexagon/`), and never into or out of a
/// standalone program.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LinkUnit<'p> {
    /// Code linked into every binary (or into whichever binaries include it).
    Common,
    /// `target/<arch>/...` (and `linux-user/<arch>/`, `bsd-user/<arch>/`): one target's code.
    Target(&'p str),
    /// A program of its own: the directory that holds it.
    Standalone(&'p str),
}

impl<'p> LinkUnit<'p> {
    pub fn of(path: &'p str) -> LinkUnit<'p> {
        let mut parts = path.splitn(4, '/');
        let (first, second, third) = (parts.next(), parts.next(), parts.next());
        match (first, second, third) {
            (Some("target"), Some(arch), Some(_)) => LinkUnit::Target(arch),
            (Some("linux-user" | "bsd-user"), Some(arch), Some(_)) if !matches!(arch, "generic" | "include") => {
                LinkUnit::Target(arch)
            }
            // scripts/: models and tools never linked into QEMU (the Coverity model defines
            // `g_free`, `memcpy`, ...).
            // tests/multiboot, tests/uefi-test-tools and tests/migration-stress are guest
            // programs (tests/multiboot/libc.c defines `memcpy`).
            (Some("tests"), Some("tcg" | "multiboot" | "uefi-test-tools" | "migration-stress"), Some(_))
            | (Some("pc-bios" | "roms" | "contrib" | "scripts"), Some(_), Some(_)) => {
                let dir = path.rsplit_once('/').map_or(path, |(d, _)| d);
                LinkUnit::Standalone(dir)
            }
            _ => LinkUnit::Common,
        }
    }

    /// Can a use in unit `self` bind by name alone to a definition in unit `def`? Common code
    /// and one target's code link together; two targets, or a standalone program and anything
    /// else, do not.
    pub fn links_with(&self, def: &LinkUnit) -> bool {
        match (self, def) {
            (LinkUnit::Standalone(a), LinkUnit::Standalone(b)) => a == b,
            (LinkUnit::Standalone(_), _) | (_, LinkUnit::Standalone(_)) => false,
            (LinkUnit::Target(a), LinkUnit::Target(b)) => a == b,
            _ => true,
        }
    }
}

/// A name a use written as an invocation stands for where its file is included.
#[derive(Clone, Debug)]
pub struct UsedAs {
    pub name: NameId,
    pub text: Box<str>,
    /// The file at the top of the chain of includes: the use sees its statics.
    pub unit: FileId,
}

pub struct SymbolTable {
    /// Paths by `FileId`, sorted.
    pub files: Vec<String>,
    pub symbols: Vec<Symbol>,
    names: FxHashMap<Box<str>, NameId>,
    by_key: FxHashMap<(Namespace, NameId, Scope), SymbolId>,
    by_name: FxHashMap<NameId, Vec<SymbolId>>,
    /// Per file, per definition index, the symbol it is a site of.
    def_symbol: Vec<Vec<SymbolId>>,
    /// Per file, its string table mapped to global names.
    file_names: Vec<Vec<NameId>>,
    /// Per symbol: providing sites stand in more than one file.
    multi_file: Vec<bool>,
    /// Per (file, name of its table, line) written as an invocation (`ADDRESS_SPACE_LD_INTERNAL(m)`),
    /// the names it stands for where the file is included.
    used_names: FxHashMap<(FileId, NameIdx, u32), Vec<UsedAs>>,
    /// The files `used_names` has entries for, sorted.
    used_name_files: Vec<FileId>,
}

impl SymbolTable {
    pub fn build(index: &Index) -> SymbolTable {
        let mut table = SymbolTable {
            files: index.files.iter().map(|f| f.path.clone()).collect(),
            symbols: Vec::new(),
            names: FxHashMap::default(),
            by_key: FxHashMap::default(),
            by_name: FxHashMap::default(),
            def_symbol: Vec::with_capacity(index.files.len()),
            file_names: Vec::with_capacity(index.files.len()),
            multi_file: Vec::new(),
            used_names: FxHashMap::default(),
            used_name_files: Vec::new(),
        };
        for (fi, file) in index.files.iter().enumerate() {
            let fid = FileId(fi as u32);
            let fs = &file.symbols;
            let names: Vec<NameId> = fs.names.iter().map(|n| table.intern(n)).collect();
            let mut ids = Vec::with_capacity(fs.definitions.len());
            for (di, def) in fs.definitions.iter().enumerate() {
                let name = names[def.name as usize];
                let key = (def.kind.namespace(), name, scope_of(def, &file.path, fid));
                let id = match table.by_key.get(&key) {
                    Some(&id) => id,
                    None => {
                        let id = SymbolId(table.symbols.len() as u32);
                        let text = fs.def_name(def).to_string();
                        table.symbols.push(Symbol {
                            name: text,
                            namespace: key.0,
                            scope: key.2,
                            sites: Vec::new(),
                            aliases: Vec::new(),
                        });
                        table.by_name.entry(name).or_default().push(id);
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
                    damaged: def.confidence == crate::facts::Confidence::NearParseError,
                });
                ids.push(id);
            }
            table.def_symbol.push(ids);
            table.file_names.push(names);
        }
        table.add_instances(index);
        table.multi_file = table
            .symbols
            .iter()
            .map(|s| {
                let mut files = s.providers().map(|p| p.file);
                let first = files.next();
                files.any(|f| Some(f) != first)
            })
            .collect();
        table
    }

    /// Makes each name a template's definition gets where it is included resolve to that
    /// definition's symbol. A name some other definition already has keeps that one: a written
    /// definition wins over a worked-out name.
    fn add_instances(&mut self, index: &Index) {
        let (defs, uses) = crate::instances::instances(index, self);
        for used in uses {
            let is = self.intern(&used.is);
            let names = self.used_names.entry((used.file, used.name, used.line)).or_default();
            if !names.iter().any(|u| u.name == is && u.unit == used.unit) {
                names.push(UsedAs { name: is, text: used.is.into(), unit: used.unit });
            }
        }
        self.used_name_files = self.used_names.keys().map(|k| k.0).collect();
        self.used_name_files.sort_unstable();
        self.used_name_files.dedup();
        for inst in defs {
            let base = self.symbol_of_def(inst.file, inst.def);
            let name = self.intern(&inst.name);
            let sym = &self.symbols[base.0 as usize];
            // A `static` of a template included by a `.c` file is that file's.
            let scope = match sym.scope {
                Scope::File(f) if f == inst.file => Scope::File(inst.unit),
                scope => scope,
            };
            let key = (sym.namespace, name, scope);
            let holder = *self.by_key.entry(key).or_insert(base);
            if holder != base {
                if self.symbols[holder.0 as usize].providers().next().is_some() {
                    continue;
                }
                // Only declared (softfloat.c's `static void parts64_addsub(...);` before it
                // includes the template): the declarations are of this definition.
                self.by_key.insert(key, base);
                let sites = self.symbols[holder.0 as usize].sites.clone();
                for s in &sites {
                    self.def_symbol[s.file.0 as usize][s.def as usize] = base;
                }
                let base_sites = &mut self.symbols[base.0 as usize].sites;
                base_sites.extend(sites);
                base_sites.sort_by_key(|s| (s.file, s.line, s.def));
                base_sites.dedup_by_key(|s| (s.file, s.def));
                if let Some(named) = self.by_name.get_mut(&name) {
                    named.retain(|&id| id != holder);
                }
            }
            let named = self.by_name.entry(name).or_default();
            if !named.contains(&base) {
                named.push(base);
            }
            let aliases = &mut self.symbols[base.0 as usize].aliases;
            if !aliases.contains(&inst.name) {
                aliases.push(inst.name);
            }
        }
    }

    fn intern(&mut self, name: &str) -> NameId {
        if let Some(&id) = self.names.get(name) {
            return id;
        }
        let id = NameId(self.names.len() as u32);
        self.names.insert(name.into(), id);
        id
    }

    /// The global name of entry `idx` of file `file`'s string table.
    pub fn file_name(&self, file: FileId, idx: NameIdx) -> NameId {
        self.file_names[file.0 as usize][idx as usize]
    }

    /// The names a use written as an invocation stands for in `file`, if the file is a
    /// template included with macros that make them (`crate::instances`).
    pub fn used_names(&self, file: FileId, idx: NameIdx, line: u32) -> Option<&[UsedAs]> {
        self.used_names.get(&(file, idx, line)).map(Vec::as_slice)
    }

    /// Whether any use of `file` stands for names per inclusion (few files do).
    pub fn has_used_names(&self, file: FileId) -> bool {
        self.used_name_files.binary_search(&file).is_ok()
    }

    pub fn name_id(&self, name: &str) -> Option<NameId> {
        self.names.get(name).copied()
    }

    /// Providing definitions of this symbol stand in several files (per-target duplicates).
    pub fn is_multi_file(&self, id: SymbolId) -> bool {
        self.multi_file[id.0 as usize]
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

    pub fn lookup(&self, namespace: Namespace, name: NameId, scope: Scope) -> Option<SymbolId> {
        self.by_key.get(&(namespace, name, scope)).copied()
    }

    /// Every symbol with this name, any namespace and scope.
    pub fn named(&self, name: &str) -> &[SymbolId] {
        self.name_id(name).and_then(|n| self.by_name.get(&n)).map_or(&[], Vec::as_slice)
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

#[cfg(test)]
mod tests {
    use super::LinkUnit;

    #[test]
    fn standalone_programs_never_link_with_qemu() {
        let qemu = LinkUnit::of("util/qemu-option.c");
        for other in [
            "scripts/coverity-scan/model.c",
            "pc-bios/vof/libc.c",
            "contrib/plugins/lockstep.c",
            "tests/tcg/x/a.c",
            "tests/multiboot/libc.c",
        ] {
            assert!(!qemu.links_with(&LinkUnit::of(other)), "{other}");
        }
        assert!(qemu.links_with(&LinkUnit::of("target/arm/cpu.c")));
        assert!(!LinkUnit::of("target/arm/cpu.c").links_with(&LinkUnit::of("target/riscv/cpu.c")));
    }
}
