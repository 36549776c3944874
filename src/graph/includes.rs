//! What each file sees through `#include`: the includes resolved to files of the tree, and the
//! files textually joined with a file (a `.c` and the `.c.inc` it includes), a private header
//! and the units it is a fragment of, a header and the place where it is expanded, every
//! header and the prelude every `.c` file includes first.

use std::collections::HashMap;

use crate::fxhash::FxHashMap;
use crate::index::Index;
use crate::symbols::{is_translation_unit_path, FileId, LinkUnit, SymbolTable};

use super::{common_dirs, nearest_site, GraphStats};

/// For each translation-unit file, the other translation-unit files it is textually joined
/// with by `#include` (both directions): their file-scoped symbols are visible to it. And per
/// file, the files its includes resolve to.
pub(super) fn connected_files(
    index: &Index,
    table: &SymbolTable,
    stats: &mut GraphStats,
) -> (HashMap<FileId, Vec<FileId>>, Vec<Vec<FileId>>) {
    let mut by_basename: HashMap<&str, Vec<FileId>> = HashMap::new();
    for (i, path) in table.files.iter().enumerate() {
        let base = path.rsplit('/').next().unwrap_or(path);
        by_basename.entry(base).or_default().push(FileId(i as u32));
    }
    // Generated files (`trace/trace-hw_net.h`, `target/riscv/decode-insn32.c.inc`) stand for
    // their generator's input, which holds the definitions.
    let mut generated: HashMap<&str, (FileId, bool)> = HashMap::new();
    for (fi, file) in index.files.iter().enumerate() {
        for path in file.generated.iter().flat_map(|g| g.paths.iter()) {
            generated
                .entry(path.as_str())
                .or_insert((FileId(fi as u32), file.generated.as_ref().is_some_and(|g| g.joins)));
        }
    }
    let mut connected: HashMap<FileId, Vec<FileId>> = HashMap::new();
    let mut includes: Vec<Vec<FileId>> = vec![Vec::new(); index.files.len()];
    let mut joined_inputs: Vec<(FileId, FileId)> = Vec::new();
    let mut expanded_in: Vec<(FileId, FileId)> = Vec::new();
    // Per file, what its first `#include` resolved to.
    let mut first_include: Vec<Option<FileId>> = vec![None; index.files.len()];
    for (fi, file) in index.files.iter().enumerate() {
        let from = FileId(fi as u32);
        // Includes that bring in another file too (`when` -> `also`: the target's helper.h).
        let computed: Vec<&crate::lang::ComputedInclude> = file
            .symbols
            .includes
            .iter()
            .flat_map(|inc| index.computed_includes.iter().filter(move |c| c.when == inc.path))
            .collect();
        // The file an include of `when` brings in is where the `also` header is expanded
        // (exec/helper-gen.h, whose helper-gen.h.inc includes the target's helper.h).
        for c in &computed {
            let when = resolve_include(table, &by_basename, &file.path, &c.when);
            let also = resolve_include(table, &by_basename, &file.path, &c.also);
            if let (Some(when), Some(also)) = (when, also) {
                expanded_in.push((also, when));
            }
        }
        let paths: Vec<(&str, bool)> = file
            .symbols
            .includes
            .iter()
            .map(|i| (i.path.as_str(), i.exact))
            .chain(computed.iter().map(|c| (c.also.as_str(), false)))
            .collect();
        for (k, (inc_path, exact)) in paths.into_iter().enumerate() {
            let found = if exact {
                resolve_include_exactly(table, &file.path, inc_path)
            } else {
                resolve_include(table, &by_basename, &file.path, inc_path)
            };
            if k == 0 {
                first_include[fi] = found;
            }
            let target = match found {
                Some(target) => target,
                None => match resolve_generated(&generated, &file.path, inc_path) {
                    Some((input, joins)) => {
                        stats.includes_resolved += 1;
                        includes[fi].push(input);
                        if joins {
                            joined_inputs.push((input, from));
                        }
                        continue;
                    }
                    None => {
                        stats.includes_unresolved += 1;
                        continue;
                    }
                },
            };
            stats.includes_resolved += 1;
            includes[fi].push(target);
            if exact {
                // A header an include-path macro names (`#define HELPER_H "accel/tcg/tcg-runtime.h"`
                // before `#include "exec/helper-gen.h.inc"`) is expanded by what the definer
                // includes next: it sees what the definer sees. One way.
                expanded_in.push((target, from));
            }
            if is_translation_unit_path(table.path(target)) && is_translation_unit_path(&file.path) {
                connected.entry(from).or_default().push(target);
                connected.entry(target).or_default().push(from);
                // `#include "tcg-target.c.inc"` in tcg/tcg.c is each host's tcg/<host>/ file,
                // by the build's include path: every one equally near is compiled in tcg.c.
                for other in alternatives(table, &by_basename, &file.path, inc_path, target) {
                    expanded_in.push((other, from));
                }
            }
        }
    }
    // A generated C fragment (decodetree's `.c.inc`) is part of the translation unit that
    // includes it, and of every file joined with that one: the `trans_*` functions it calls may
    // be defined in another `.c.inc` of the same unit.
    for (input, includer) in joined_inputs {
        let unit: Vec<FileId> = connected.get(&includer).cloned().unwrap_or_default();
        for other in unit.into_iter().chain([includer]).filter(|&f| f != input) {
            connected.entry(input).or_default().push(other);
            connected.entry(other).or_default().push(input);
        }
    }
    for (header, units) in template_units(table, &includes) {
        connected.entry(header).or_default().extend(units);
    }
    for (fragment, above) in unit_ancestors(table, &includes) {
        connected.entry(fragment).or_default().extend(above);
    }
    // A header a computed include brings in (the target's helper.h) is expanded inside the file
    // that includes it: its DEF_HELPER lines make code that sees what helper-gen.h.inc includes
    // (`TCGv_ptr`, `tcgv_ptr_temp`). One way.
    for (header, context) in expanded_in {
        if header == context {
            continue;
        }
        connected.entry(header).or_default().push(context);
        // And the fragments it includes, expanded in the same place (target/i386/helper.h
        // includes tcg/ops_sse_header.h.inc, whose DEF_HELPER lines are the target's too): a
        // `.h.inc` outside include/, by QEMU's naming a piece of its includer, not a header of
        // its own (a target's cpu.h must not see a translator's statics).
        for &inner in &includes[header.0 as usize] {
            let path = table.path(inner);
            if inner != context && inner != header && !path.starts_with("include/") && path.ends_with(".h.inc") {
                connected.entry(inner).or_default().push(context);
            }
        }
    }
    // What every translation unit includes first (QEMU's qemu/osdep.h, which brings in
    // qemu/typedefs.h and glib) comes before every header too: a header's macro that names
    // `Object` sees its typedef. One way.
    if let Some(prelude) = prelude(index, table, &first_include) {
        for fi in 0..index.files.len() {
            let f = FileId(fi as u32);
            let path = table.path(f);
            let own = !matches!(LinkUnit::of(path), LinkUnit::Standalone(_));
            if f != prelude && own && !is_translation_unit_path(path) {
                connected.entry(f).or_default().push(prelude);
            }
        }
    }
    for v in connected.values_mut() {
        v.sort();
        v.dedup();
    }
    (connected, includes)
}

/// The other files an include could name as well as `chosen`, `resolve_include`'s pick: those
/// with the same name, as near to the includer (tcg/<host>/tcg-target.c.inc for tcg/tcg.c).
fn alternatives(
    table: &SymbolTable,
    by_basename: &HashMap<&str, Vec<FileId>>,
    from_path: &str,
    include: &str,
    chosen: FileId,
) -> Vec<FileId> {
    let base = include.rsplit('/').next().unwrap_or(include);
    let suffix = format!("/{include}");
    let near = common_dirs(table.path(chosen), from_path);
    let unit = LinkUnit::of(table.path(chosen));
    by_basename
        .get(base)
        .into_iter()
        .flatten()
        .copied()
        .filter(|&f| {
            let path = table.path(f);
            f != chosen && path.ends_with(&suffix) && common_dirs(path, from_path) == near && LinkUnit::of(path) == unit
        })
        .collect()
}

/// The header three in four `.c` files of the project's own programs (not the firmware, tests
/// or tools that are programs of their own) include first, when there are a few: QEMU's rule
/// that every `.c` file starts with `#include "qemu/osdep.h"`.
fn prelude(index: &Index, table: &SymbolTable, first_include: &[Option<FileId>]) -> Option<FileId> {
    const MIN_UNITS: usize = 5;
    let mut first: FxHashMap<FileId, usize> = FxHashMap::default();
    let mut units = 0;
    for (file, target) in index.files.iter().zip(first_include) {
        if !file.path.ends_with(".c") || matches!(LinkUnit::of(&file.path), LinkUnit::Standalone(_)) {
            continue;
        }
        units += 1;
        if let Some(target) = *target {
            *first.entry(target).or_default() += 1;
        }
    }
    let (&prelude, &count) = first.iter().max_by_key(|(f, n)| (**n, std::cmp::Reverse(**f)))?;
    let dominant = count >= MIN_UNITS && count * 4 >= units * 3;
    (dominant && !is_translation_unit_path(table.path(prelude))).then_some(prelude)
}

/// A `.c.inc` included by another (system/memory_ldst_endian.c.inc by memory_ldst.c.inc, by
/// physmem.c) is compiled in the unit at the top: it sees that unit's statics and includes
/// (`hwaddr`), one way. Joins of direct pairs are made both ways above; here the files further
/// up, at most a few (a fragment many units include is joined with none of them this way).
fn unit_ancestors(table: &SymbolTable, includes: &[Vec<FileId>]) -> Vec<(FileId, Vec<FileId>)> {
    const MAX_LEVELS: usize = 4;
    const MAX_ANCESTORS: usize = 4;
    let unit_path = |f: FileId| is_translation_unit_path(table.path(f));
    let mut includers: FxHashMap<FileId, Vec<FileId>> = FxHashMap::default();
    for (fi, targets) in includes.iter().enumerate() {
        let from = FileId(fi as u32);
        if !unit_path(from) {
            continue;
        }
        for &t in targets.iter().filter(|&&t| t != from && unit_path(t)) {
            includers.entry(t).or_default().push(from);
        }
    }
    let mut out = Vec::new();
    for (&fragment, direct) in &includers {
        let (mut above, mut frontier) = (Vec::new(), direct.clone());
        for _ in 0..MAX_LEVELS {
            let mut next: Vec<FileId> = frontier
                .iter()
                .flat_map(|f| includers.get(f).into_iter().flatten().copied())
                .filter(|f| *f != fragment && !above.contains(f) && !direct.contains(f))
                .collect();
            next.sort_unstable();
            next.dedup();
            if next.is_empty() {
                break;
            }
            above.extend(next.iter().copied());
            frontier = next;
        }
        above.sort_unstable();
        above.dedup();
        if !above.is_empty() && above.len() <= MAX_ANCESTORS {
            out.push((fragment, above));
        }
    }
    out.sort_unstable();
    out
}

/// A header outside `include/` that a few translation units include, directly or through
/// other such headers, is a fragment of them: a template instantiated with the includer's
/// macros (`accel/tcg/atomic_template.h` in cputlb.c and user-exec.c, `ops_sse.h`,
/// `cirrus_vga_rop2.h`), or a private header. It sees what its includers define and include
/// before it: `atomic_mmu_lookup` is a static of cputlb.c. Joined one way only, the header to
/// its units: they already see it. A header more files include is an interface, and sees only
/// what it includes itself.
fn template_units(table: &SymbolTable, includes: &[Vec<FileId>]) -> Vec<(FileId, Vec<FileId>)> {
    /// How many units, and how many header levels up, a fragment may have.
    const MAX_UNITS: usize = 4;
    const MAX_LEVELS: usize = 3;
    let fragment = |f: FileId| {
        let path = table.path(f);
        !is_translation_unit_path(path) && !path.starts_with("include/")
    };
    let mut includers: FxHashMap<FileId, Vec<FileId>> = FxHashMap::default();
    for (fi, targets) in includes.iter().enumerate() {
        for &t in targets.iter().filter(|&&t| fragment(t) && t.0 as usize != fi) {
            includers.entry(t).or_default().push(FileId(fi as u32));
        }
    }
    let mut out = Vec::new();
    for (&header, direct) in &mut includers.clone() {
        // A template is included once per instantiation: five times by cputlb.c.
        direct.sort_unstable();
        direct.dedup();
        let (mut units, mut level, mut frontier) = (Vec::new(), 0, direct.clone());
        let mut fits = direct.len() <= MAX_UNITS;
        while fits && !frontier.is_empty() && level < MAX_LEVELS {
            let mut next = Vec::new();
            for f in frontier.drain(..) {
                if is_translation_unit_path(table.path(f)) {
                    units.push(f);
                } else if fragment(f) {
                    next.extend(includers.get(&f).into_iter().flatten().copied());
                } else {
                    // Included by an interface header: it is part of that interface.
                    fits = false;
                }
            }
            units.sort_unstable();
            units.dedup();
            fits &= units.len() <= MAX_UNITS;
            frontier = next;
            level += 1;
        }
        if fits && frontier.is_empty() && !units.is_empty() {
            out.push((header, units));
        }
    }
    out.sort_unstable();
    out
}

/// Finds the file an `#include` names: next to the includer, under `include/`, then the file
/// with that path suffix nearest to the includer.
pub fn resolve_include(
    table: &SymbolTable,
    by_basename: &HashMap<&str, Vec<FileId>>,
    from_path: &str,
    include: &str,
) -> Option<FileId> {
    let dir = from_path.rsplit_once('/').map_or("", |(d, _)| d);
    let sibling = if dir.is_empty() { include.to_string() } else { format!("{dir}/{include}") };
    if let Some(id) = table.file_id(&normalize(&sibling)) {
        return Some(id);
    }
    if let Some(id) = table.file_id(&format!("include/{include}")) {
        return Some(id);
    }
    let base = include.rsplit('/').next().unwrap_or(include);
    let suffix = format!("/{include}");
    let candidates = by_basename.get(base)?;
    let from = table.file_id(from_path)?;
    // Never a guess into a program the includer is not part of: QEMU's `"helper.h"` is no
    // firmware's (pc-bios/s390-ccw/helper.h). A program of its own may include QEMU's headers
    // (a TCG plugin, `<qemu-plugin.h>`). Targets are left to the nearest path: linux-user/aarch64
    // includes target/arm's `"cpu.h"`.
    let unit = LinkUnit::of(from_path);
    let may_include = |path: &str| match (&unit, LinkUnit::of(path)) {
        (LinkUnit::Standalone(a), LinkUnit::Standalone(b)) => *a == b,
        (_, LinkUnit::Standalone(_)) => false,
        _ => true,
    };
    nearest_site(
        table,
        candidates.iter().copied().filter(|&f| {
            let path = table.path(f);
            (path.ends_with(&suffix) || path == include) && may_include(path)
        }),
        from,
    )
}

/// An include named by a macro: next to the includer, from the top of the tree, or under
/// `include/`; no guess by file name.
fn resolve_include_exactly(table: &SymbolTable, from_path: &str, include: &str) -> Option<FileId> {
    let dir = from_path.rsplit_once('/').map_or("", |(d, _)| d);
    let sibling = if dir.is_empty() { include.to_string() } else { format!("{dir}/{include}") };
    [normalize(&sibling), normalize(include), format!("include/{include}")].iter().find_map(|p| table.file_id(p))
}

/// The generator input an `#include` of a generated file stands for: the generated path
/// next to the includer (`decode-insn32.c.inc` from `target/riscv/translate.c`), or as written
/// from the top of the build tree (`trace/trace-hw_net.h`, `qapi/qapi-types-block-core.h`).
fn resolve_generated(
    generated: &HashMap<&str, (FileId, bool)>,
    from_path: &str,
    include: &str,
) -> Option<(FileId, bool)> {
    let dir = from_path.rsplit_once('/').map_or("", |(d, _)| d);
    let sibling = normalize(&format!("{dir}/{include}"));
    generated.get(sibling.as_str()).or_else(|| generated.get(normalize(include).as_str())).copied()
}

/// Folds `a/../b` and `./` in a relative path.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    parts.join("/")
}
