//! The walk the queries run on: every visible node of the wanted kinds, in pre-order.
//!
//! `TreeCursor` costs one call across the FFI boundary, a stack entry and a node construction
//! for each of a tree's nodes, wanted or not: on QEMU that walk over 18.7 M nodes was a tenth of
//! a cold index. src/lang/walk.c does the same walk inside C over tree-sitter's subtrees and
//! hands back only the nodes asked for (about a fifth of them). `cursor_walk` is the reference it
//! is tested against, and the fallback should the C walk run out of memory.

use tree_sitter::{ffi, Node, Tree};

extern "C" {
    /// src/lang/walk.c: writes the wanted visible nodes of `tree` to `out` in pre-order and
    /// returns how many, or `usize::MAX` when it could not allocate its stack. `out` must have
    /// room for the root's descendant count.
    fn revertcheck_wanted_nodes(
        tree: *const ffi::TSTree,
        wanted: *const u8,
        wanted_len: u32,
        out: *mut ffi::TSNode,
    ) -> usize;
}

/// A reusable buffer for the nodes of one walk. One per thread, like the parser.
#[derive(Default)]
pub struct Walk {
    nodes: Vec<ffi::TSNode>,
}

impl Walk {
    /// Calls `f` with each visible node of `tree` whose kind id `k` has `wanted[k] != 0`, in
    /// pre-order.
    pub fn for_each<'t>(&mut self, tree: &'t Tree, wanted: &[u8], mut f: impl FnMut(Node<'t>)) {
        let root = tree.root_node();
        self.nodes.clear();
        self.nodes.reserve(root.descendant_count());
        let wanted_len = u32::try_from(wanted.len()).expect("fewer node kinds than u32::MAX");
        // SAFETY: the tree pointer comes from a live `Tree`; `nodes` has room for every visible
        // node, which bounds what the walk writes; it returns how many it wrote.
        let written = unsafe {
            revertcheck_wanted_nodes(root.into_raw().tree, wanted.as_ptr(), wanted_len, self.nodes.as_mut_ptr())
        };
        if written == usize::MAX {
            return cursor_walk(tree, wanted, f);
        }
        assert!(written <= self.nodes.capacity(), "walk.c wrote past the visible nodes");
        // SAFETY: the first `written` entries were initialised by the walk.
        unsafe { self.nodes.set_len(written) };
        // SAFETY: each entry is a node of `tree`, built as `ts_tree_cursor_current_node` builds
        // one, and `tree` outlives the returned nodes.
        self.nodes.iter().for_each(|&raw| f(unsafe { Node::from_raw(raw) }));
    }
}

/// The same walk with tree-sitter's `TreeCursor`.
pub fn cursor_walk<'t>(tree: &'t Tree, wanted: &[u8], mut f: impl FnMut(Node<'t>)) {
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        if wanted.get(node.kind_id() as usize).is_some_and(|&w| w != 0) {
            f(node);
        }
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything `Node` can say about where it is and what it is.
    fn describe(node: Node) -> String {
        let (s, e) = (node.start_position(), node.end_position());
        let what = (node.id(), node.kind_id(), node.is_named(), node.is_extra(), node.is_missing());
        format!("{what:?} {:?} {}:{}-{}:{}", node.byte_range(), s.row, s.column, e.row, e.column)
    }

    fn both_walks(src: &[u8], wanted: &[u8]) -> (Vec<String>, Vec<String>) {
        let mut parser = crate::lang::raw_parser();
        let tree = parser.parse(src, None).expect("no timeout set");
        let mut fast = Vec::new();
        Walk::default().for_each(&tree, wanted, |n| fast.push(describe(n)));
        let mut reference = Vec::new();
        cursor_walk(&tree, wanted, |n| reference.push(describe(n)));
        (fast, reference)
    }

    fn inputs() -> Vec<(String, Vec<u8>)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/c");
        let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .expect("fixtures/c")
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "c"))
            .map(|e| (e.path().display().to_string(), std::fs::read(e.path()).expect("readable fixture")))
            .collect();
        out.sort();
        out.push(("empty".into(), Vec::new()));
        out.push(("comments only".into(), b"/* a */ // b\n".to_vec()));
        out.push(("deep nesting".into(), format!("int x = {}1{};", "(".repeat(3000), ")".repeat(3000)).into_bytes()));
        out.push(("unbalanced".into(), b"void f( { if (x { y = ; } #define A(b c\nstruct { int".to_vec()));
        // Deterministic noise of C tokens: ERROR and MISSING nodes everywhere.
        let tokens =
            ["int", "x", "(", ")", "{", "}", ";", "*", "struct", "#if 0\n", "#endif\n", "\"s\"", ",", "=", "->"];
        let mut state = 0x2545_f491_u32;
        let noise: String = (0..4000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                format!("{} ", tokens[state as usize % tokens.len()])
            })
            .collect();
        out.push(("noise".into(), noise.into_bytes()));
        out
    }

    #[test]
    fn c_walk_yields_what_the_cursor_yields() {
        let kinds = tree_sitter::Language::from(tree_sitter_c::LANGUAGE).node_kind_count();
        let every_kind_and_error = vec![1u8; 1 << 16];
        let named_only: Vec<u8> = (0..kinds as u16)
            .map(|k| u8::from(tree_sitter::Language::from(tree_sitter_c::LANGUAGE).node_kind_is_named(k)))
            .collect();
        let queries = crate::lang::Queries::load().expect("grammars/c loads");
        for (name, src) in inputs() {
            for (table, wanted) in
                [("all", &every_kind_and_error[..]), ("named", &named_only[..]), ("queries", queries.wanted())]
            {
                let (fast, reference) = both_walks(&src, wanted);
                assert!(!reference.is_empty() || table != "all", "{name}: no nodes at all");
                assert_eq!(fast, reference, "{name}, {table} kinds: the C walk differs from TreeCursor");
            }
        }
    }
}
