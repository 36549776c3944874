//! The last step of extraction: definitions sorted, each reference attributed to the innermost
//! definition holding it, repeats folded.

use super::{Collector, RawDef};
use crate::facts::{Confidence, DefIdx, Definition, FileSymbols, NameIdx, ParseHealth, RefKind, Reference};
use crate::fxhash::{FxHashMap, FxHashSet};

/// Sorts definitions, attributes each reference to the innermost definition holding it, drops
/// self-references and shadowed names, folds repeats.
pub(super) fn finish(c: Collector, health: ParseHealth, error_spans: &[(usize, usize)]) -> FileSymbols {
    let Collector { names, mut defs, mut refs, locals, name_bytes, includes, pinned, .. } = c;
    // Unstable sorts on keys that order every field: deterministic, and no scratch buffer (the
    // stable sorts' allocations were 2% of a cold index).
    defs.sort_unstable_by_key(|d| {
        (
            d.start_byte,
            std::cmp::Reverse(d.end_byte),
            d.name,
            d.kind,
            (d.linkage, d.start_line, d.end_line, d.name_line, d.interface_hash, d.body_hash),
        )
    });
    defs.dedup_by(|a, b| a.name == b.name && a.kind == b.kind && a.start_byte == b.start_byte);

    // One reference per position, the most specific capture winning.
    refs.retain(|r| !name_bytes.contains(&r.byte));
    // (Names at one position are the same name, but for those pasted at an invocation's `(`.)
    refs.sort_unstable_by_key(|r| (r.byte, r.name, ref_priority(r.kind), r.line));
    refs.dedup_by(|a, b| a.byte == b.byte && a.name == b.name && a.byte != usize::MAX);

    let ref_owner = owners(&defs, refs.iter().map(|r| r.byte));
    let mut local_owner = owners(&defs, locals.iter().map(|l| l.0));
    let shadowed: FxHashSet<(DefIdx, NameIdx)> =
        locals.iter().zip(local_owner.drain(..)).filter_map(|(l, owner)| owner.map(|o| (o, l.1))).collect();

    let mut references: Vec<Reference> = refs
        .iter()
        .zip(ref_owner)
        .filter(|(r, owner)| owner.is_none_or(|o| !shadowed.contains(&(o, r.name)) && defs[o as usize].name != r.name))
        .map(|(r, owner)| Reference { from: owner, name: r.name, kind: r.kind, line: r.line })
        .collect();
    // The definitions of each name, in file order: a helper.h has thousands of definitions and
    // several pinned uses for each.
    let mut by_name: FxHashMap<NameIdx, Vec<usize>> = FxHashMap::default();
    if !pinned.is_empty() {
        for (i, d) in defs.iter().enumerate() {
            by_name.entry(d.name).or_default().push(i);
        }
    }
    for (owner, r) in pinned {
        let candidates = by_name.get(&owner).map_or(&[][..], Vec::as_slice);
        let holder = candidates.iter().copied().find(|&i| defs[i].start_byte <= r.byte && r.byte < defs[i].end_byte);
        if let Some(i) = holder {
            references.push(Reference { from: Some(i as DefIdx), name: r.name, kind: r.kind, line: r.line });
        }
    }
    references.sort_unstable_by_key(|r| (r.from, r.name, r.kind, r.line));
    references.dedup_by(|a, b| a.from == b.from && a.name == b.name && a.kind == b.kind);
    references.sort_unstable_by_key(|r| (r.from, r.line, r.name, r.kind));

    let definitions = defs
        .iter()
        .map(|d| {
            let damaged = error_spans.iter().any(|&(s, e)| s < d.end_byte && d.start_byte < e);
            Definition {
                name: d.name,
                kind: d.kind,
                linkage: d.linkage,
                start_line: d.start_line,
                end_line: d.end_line,
                start_byte: d.start_byte as u32,
                end_byte: d.end_byte as u32,
                name_line: d.name_line,
                interface_hash: d.interface_hash,
                body_hash: d.body_hash,
                confidence: if damaged { Confidence::NearParseError } else { Confidence::Clean },
            }
        })
        .collect();
    FileSymbols { names, definitions, references, includes, directives: Vec::new(), template: false, health }
}

fn ref_priority(kind: RefKind) -> u8 {
    match kind {
        RefKind::Call => 0,
        RefKind::Tag => 1,
        RefKind::Type => 2,
        RefKind::Identifier => 3,
        RefKind::Lexical => 4,
    }
}

/// For each byte position (ascending or not), the innermost definition span holding it.
/// `defs` must be sorted by (start asc, end desc), which makes spans a forest.
fn owners(defs: &[RawDef], positions: impl Iterator<Item = usize>) -> Vec<Option<DefIdx>> {
    let mut positions: Vec<(usize, usize)> = positions.enumerate().map(|(i, b)| (b, i)).collect();
    positions.sort_unstable();
    let mut out = vec![None; positions.len()];
    let mut stack: Vec<usize> = Vec::new();
    let mut next = 0;
    for (byte, slot) in positions {
        while next < defs.len() && defs[next].start_byte <= byte {
            while stack.last().is_some_and(|&top| defs[top].end_byte <= defs[next].start_byte) {
                stack.pop();
            }
            stack.push(next);
            next += 1;
        }
        while stack.last().is_some_and(|&top| defs[top].end_byte <= byte) {
            stack.pop();
        }
        out[slot] = stack.last().map(|&i| i as DefIdx);
    }
    out
}
