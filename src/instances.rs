//! The names a template file's definitions get where it is included.
//!
//! Extraction names `uint16_t ADDRESS_SPACE_LD(uw)(...)` in system/memory_ldst_endian.c.inc by
//! its text, since the name depends on the includer: physmem.c defines `SUFFIX`, includes
//! memory_ldst.c.inc, which defines `ENDIANNESS` and includes the template, three times, and
//! physmem.c does it all twice. Here every chain of quoted `#include` lines that ends at such a
//! file is replayed: the directives of each file down the chain up to its `#include`, then the
//! template's own up to each definition (ops_sse.h defines `SUFFIX` under `#if SHIFT == 1`).
//! Where the definition's text then expands to one identifier, that is one of its names:
//! `address_space_lduw`, `address_space_lduw_le`, ..., `address_space_lduw_be_cached_slow`. A
//! definition in an arm the chain does not compile gets no name from that chain.
//!
//! Only files that store their directives take part (`preproc::worth_keeping`): templates, and
//! files that define macros before an `#include`. Includes are found as the graph finds them.

use std::collections::HashMap;

use crate::facts::DirectiveKind;
use crate::fxhash::{FxHashMap, FxHashSet};
use crate::index::Index;
use crate::lang::preproc::Env;
use crate::symbols::{FileId, SymbolTable};

/// How many chains, and how many includes up, a template is instantiated through. QEMU's
/// deepest is three (physmem.c, memory_ldst.c.inc, memory_ldst_endian.c.inc); its most
/// included template has six chains.
const MAX_CHAINS: usize = 64;
const MAX_LEVELS: usize = 6;

/// One name of a definition.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instance {
    pub file: FileId,
    pub def: u32,
    pub name: String,
    /// The file at the top of the chain: a `static` of the template is that unit's.
    pub unit: FileId,
}

/// One name a use in a template calls: `ADDRESS_SPACE_LD_INTERNAL(m)` in
/// memory_ldst_endian.c.inc calls `address_space_ldm_internal_cached_slow` where physmem.c
/// includes it the second time.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct UsedName {
    pub file: FileId,
    /// The use's name in the file's table: its text.
    pub name: u32,
    /// The line of the use: the same text in another arm or after a `#define` may stand for
    /// other names.
    pub line: u32,
    pub is: String,
    /// The file at the top of the chain, whose statics the use sees.
    pub unit: FileId,
}

/// Every name the template files' definitions get, and the names their uses written as
/// invocations stand for, sorted.
pub fn instances(index: &Index, table: &SymbolTable) -> (Vec<Instance>, Vec<UsedName>) {
    let templates: Vec<usize> = (0..index.files.len()).filter(|&f| index.files[f].symbols.template).collect();
    if templates.is_empty() {
        return (Vec::new(), Vec::new());
    }
    // Who includes whom, and at which directive, found as the graph finds includes. Only
    // `#include` lines that may name a template, or a file on the way to one, are resolved:
    // level by level up from the templates' file names.
    let base = |path: &str| path.rsplit('/').next().unwrap_or(path).to_string();
    let mut wanted: FxHashSet<String> = templates.iter().map(|&t| base(&index.files[t].path)).collect();
    let mut by_basename: HashMap<&str, Vec<FileId>> = HashMap::new();
    for (i, path) in table.files.iter().enumerate() {
        by_basename.entry(path.rsplit('/').next().unwrap_or(path)).or_default().push(FileId(i as u32));
    }
    let with_directives: Vec<usize> =
        (0..index.files.len()).filter(|&f| !index.files[f].symbols.directives.is_empty()).collect();
    let mut includers: FxHashMap<usize, Vec<(usize, usize)>> = FxHashMap::default();
    let mut resolved: FxHashSet<(usize, usize)> = FxHashSet::default();
    for _ in 0..MAX_LEVELS {
        let mut more = Vec::new();
        for &fi in &with_directives {
            let file = &index.files[fi];
            for (k, d) in file.symbols.directives.iter().enumerate() {
                let DirectiveKind::Include(path) = &d.kind else { continue };
                if !wanted.contains(&base(path)) || !resolved.insert((fi, k)) {
                    continue;
                }
                if let Some(target) = crate::graph::resolve_include(table, &by_basename, &file.path, path) {
                    includers.entry(target.0 as usize).or_default().push((fi, k));
                    more.push(base(&file.path));
                }
            }
        }
        let before = wanted.len();
        wanted.extend(more);
        if wanted.len() == before {
            break;
        }
    }
    let (mut defs, mut uses) = (Vec::new(), Vec::new());
    for t in templates {
        for chain in chains(t, &includers) {
            instantiate(index, t, &chain, &mut defs, &mut uses);
        }
    }
    defs.sort();
    defs.dedup();
    uses.sort();
    uses.dedup();
    (defs, uses)
}

/// The chains of (includer, directive index) from a top file down to `t`; one empty chain when
/// nothing that stores its directives includes it.
fn chains(t: usize, includers: &FxHashMap<usize, Vec<(usize, usize)>>) -> Vec<Vec<(usize, usize)>> {
    let mut done = Vec::new();
    let mut open: Vec<(usize, Vec<(usize, usize)>)> = vec![(t, Vec::new())];
    while let Some((file, chain)) = open.pop() {
        let above = includers.get(&file).map_or(&[][..], Vec::as_slice);
        let above: Vec<_> = above.iter().filter(|(f, _)| *f != t && !chain.iter().any(|(c, _)| c == f)).collect();
        if above.is_empty() || chain.len() >= MAX_LEVELS {
            done.push(chain);
        } else {
            for &&(f, k) in &above {
                let mut longer = chain.clone();
                longer.push((f, k));
                open.push((f, longer));
            }
        }
        if done.len() + open.len() > MAX_CHAINS {
            break;
        }
    }
    done
}

/// Replays one chain (innermost includer first in `chain`) and names `t`'s definitions and
/// uses by it. Conditions on macros from outside the chain (`#elif HOST_BIG_ENDIAN` in
/// atomic_template.h) leave their arms possibly compiled and what those define unknown; when
/// there are a few, the chain is replayed again once per combination of their values, each a
/// configuration of the host, and the names of every one count (`END` is `_be` on one host,
/// `_le` on the other: `cpu_atomic_cmpxchgw_be_mmu` and `cpu_atomic_cmpxchgw_le_mmu` both exist).
fn instantiate(index: &Index, t: usize, chain: &[(usize, usize)], out: &mut Vec<Instance>, uses: &mut Vec<UsedName>) {
    /// Conditions per chain worth a replay per combination: 2^3 replays at most.
    const MAX_ASSUMED: usize = 3;
    let fs = &index.files[t].symbols;
    // Definitions (by their first line) and uses (by theirs) named by an invocation's text.
    let defs = fs.definitions.iter().enumerate().filter(|(_, d)| fs.def_name(d).contains('('));
    let refs = fs.references.iter().filter(|r| fs.name(r.name).contains('('));
    let mut events: Vec<(u32, Named)> = defs
        .map(|(i, d)| (d.start_line, Named::Def(i as u32)))
        .chain(refs.map(|r| (r.line, Named::Use(r.name, r.line))))
        .collect();
    events.sort_unstable();
    events.dedup();
    let replay = |env, only: Option<&[bool]>, out: &mut Vec<Instance>, uses: &mut Vec<UsedName>| {
        Replay { index, t, chain, events: &events, only }.run(env, out, uses)
    };
    let (unknown, unnamed) = replay(Env::new(&index.idioms), None, out, uses);
    if unnamed.contains(&true) && (1..=MAX_ASSUMED).contains(&unknown) {
        // Only what the first replay could not name is named again.
        for bits in 0..1u32 << unknown {
            let assumed = (0..unknown).map(|k| bits & (1 << k) != 0).collect();
            replay(Env::assuming(&index.idioms, assumed), Some(&unnamed), out, uses);
        }
    }
}

/// One replay of a chain down to template `t` and through `t`'s directives, naming `events`.
struct Replay<'r> {
    index: &'r Index,
    t: usize,
    chain: &'r [(usize, usize)],
    events: &'r [(u32, Named)],
    /// Which events to name (all without it).
    only: Option<&'r [bool]>,
}

impl<'r> Replay<'r> {
    /// Names the events in `env`: how many conditions it could not read, and per event whether
    /// its name was left unknown because of what they define.
    fn run(&self, mut env: Env<'r>, out: &mut Vec<Instance>, uses: &mut Vec<UsedName>) -> (usize, Vec<bool>) {
        let mut unnamed = vec![false; self.events.len()];
        for &(f, k) in self.chain.iter().rev() {
            for d in &self.index.files[f].symbols.directives[..k] {
                env.apply(&d.kind);
            }
            if !env.active() {
                // The `#include` itself is in an arm this chain does not compile.
                return (env.unknown_conditions(), unnamed);
            }
        }
        let fs = &self.index.files[self.t].symbols;
        let file = FileId(self.t as u32);
        let unit = FileId(self.chain.last().map_or(self.t, |c| c.0) as u32);
        let mut directives = fs.directives.iter().peekable();
        for (k, &(line, named)) in self.events.iter().enumerate() {
            while let Some(d) = directives.next_if(|d| d.line < line) {
                env.apply(&d.kind);
            }
            if !env.active() || self.only.is_some_and(|only| !only[k]) {
                continue;
            }
            let text = match named {
                Named::Def(di) => fs.def_name(&fs.definitions[di as usize]),
                Named::Use(n, _) => fs.name(n),
            };
            let Some(name) = env.name_of(text).filter(|n| n != text) else {
                unnamed[k] = env.met_uncertain();
                continue;
            };
            match named {
                Named::Def(def) => out.push(Instance { file, def, name, unit }),
                Named::Use(n, line) => uses.push(UsedName { file, name: n, line, is: name, unit }),
            }
        }
        // The directives after the last event, for the count.
        for d in directives {
            env.apply(&d.kind);
        }
        (env.unknown_conditions(), unnamed)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Named {
    Def(u32),
    /// A name and its line.
    Use(u32, u32),
}
