//! Where the masked parse of a file still fails: every ERROR and MISSING node, for
//! `revertcheck debug parse-errors`. The list is what tells which masking rule to write next
//! (grammars/c/idioms.toml); extraction itself only counts them (`ParseHealth`).

use tree_sitter::Parser;

use super::idioms::IdiomTable;
use super::mask;

/// One ERROR or MISSING node of the masked parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorSite {
    /// A MISSING node (a token tree-sitter assumed), else an ERROR node (text it skipped).
    pub missing: bool,
    /// 1-based line and 0-based byte column of the node's start.
    pub line: u32,
    pub column: u32,
    /// Bytes the node covers.
    pub len: usize,
}

/// The ERROR and MISSING nodes of `src` parsed after masking, in file order. A parse that
/// does not finish (it cannot without a timeout set) yields nothing.
pub fn parse_error_sites(src: &[u8], idioms: &IdiomTable) -> Vec<ErrorSite> {
    let masked = mask::mask(src, idioms);
    let mut parser = Parser::new();
    parser.set_language(&tree_sitter_c::LANGUAGE.into()).expect("tree-sitter-c matches the tree-sitter ABI");
    let Some(tree) = parser.parse(&masked.text, None) else { return Vec::new() };
    let mut sites = Vec::new();
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            let at = node.start_position();
            sites.push(ErrorSite {
                missing: node.is_missing(),
                line: at.row as u32 + 1,
                column: at.column as u32,
                len: node.end_byte() - node.start_byte(),
            });
        }
        if node.has_error() && !node.is_error() && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    sites
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_name_the_lines_that_fail() {
        let src = b"int ok;\nvoid f(void) {\n    x = = 1;\n}\nint also_ok;\n";
        let sites = parse_error_sites(src, &IdiomTable::builtin());
        assert!(!sites.is_empty());
        assert!(sites.iter().all(|s| s.line == 3), "{sites:?}");
        assert!(parse_error_sites(b"int clean(void) { return 0; }\n", &IdiomTable::builtin()).is_empty());
    }
}
