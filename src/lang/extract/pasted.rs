//! Names built by token pasting, as extraction reads them in the syntax tree: a declarator or
//! callee written as a pasting invocation (`HELPER(sfas)`, `glue(helper_, SUFFIX)(env)`,
//! `ADDRESS_SPACE_LD_INTERNAL(m)(...)`), and the words of a macro body that are fragments of a
//! pasted name rather than uses.

use tree_sitter::Node;

use super::{Collector, RawRef};
use crate::facts::RefKind;
use crate::lang::lexer;
use crate::lang::queries::{field, FIELDS};

/// Marks every name inside a token-pasted declarator as not a reference: `helper_` and `SUFFIX`
/// in `glue(helper_, SUFFIX)` are fragments of a name, not uses of symbols.
pub(super) fn exclude_names_in(node: Node, c: &mut Collector) {
    exclude_names_where(node, c, |_| true);
}

/// Every identifier under `node` whose text `excluded` accepts is no reference.
pub(super) fn exclude_names_where(node: Node, c: &mut Collector, excluded: impl Fn(&str) -> bool) {
    let mut cursor = node.walk();
    'walk: loop {
        let n = cursor.node();
        if matches!(n.kind(), "identifier" | "type_identifier") && excluded(c.text(n)) {
            c.name_bytes.insert(n.start_byte());
        }
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() || cursor.node() == node {
                break 'walk;
            }
        }
    }
}

/// The name the token-pasting invocation `callee(args)` builds (`args` is the parenthesised
/// node), when the idiom table can build it.
pub(super) fn pasted_name(c: &Collector, callee: Node, args: Node) -> Option<String> {
    let inner = c.text(args).strip_prefix('(')?.strip_suffix(')')?;
    c.idioms.pasted_name(c.text(callee), inner)
}

/// `ADDRESS_SPACE_LD_INTERNAL(m)(as, addr)`, `glue(helper_load_, SUFFIX)(env)`: the called
/// function's name is what the invocation expands to, with an includer's macros. A call of
/// the invocation's text (`crate::instances` names it per inclusion); the arguments but for
/// those in capitals (macros whose values make the name) are fragments. `false` when `callee`
/// is no such invocation. A callee all in lower case (`get_handler(s)(opaque)`) is taken for a
/// function returning a function, QEMU's convention, and its arguments stay uses.
pub(super) fn built_callee(callee: Node, c: &mut Collector) -> bool {
    if !c.idioms.is_token_paste(c.text(callee)) && !c.text(callee).bytes().any(|b| b.is_ascii_uppercase()) {
        return false;
    }
    // Most callees in capitals are plain macro calls (`DPRINTF(...);`): the text says so before
    // the tree is walked up (a node's parent is found from the root).
    if !called_twice(c.src, callee.end_byte()) {
        return false;
    }
    let Some(invocation) = callee.parent().filter(|p| p.kind() == "call_expression") else { return false };
    if field(invocation, FIELDS.function) != Some(callee) {
        return false;
    }
    let outer = invocation.parent().filter(|p| p.kind() == "call_expression");
    if outer.and_then(|o| field(o, FIELDS.function)) != Some(invocation) {
        return false;
    }
    let Some(args) = field(invocation, FIELDS.arguments) else { return false };
    let text: String = c.text(invocation).split_whitespace().collect();
    let name = c.intern(&text);
    exclude_fragments_in(args, c);
    c.refs.push(RawRef {
        byte: args.start_byte(),
        line: args.start_position().row as u32 + 1,
        name,
        kind: RefKind::Call,
    });
    true
}

/// Like `exclude_names_in`, but a name in capitals, a macro by convention whose value makes
/// the name, stays a use.
pub(super) fn exclude_fragments_in(node: Node, c: &mut Collector) {
    exclude_names_where(node, c, |text| {
        !text.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    });
}

/// `HELPER(sfas)(env, fpc)`, `glue(helper_, sfas)` in code: a use of the name the invocation
/// builds, a call when it is called. Its macro and its arguments, fragments of the name, are
/// no uses. `false` when the table cannot build the name (`glue(x, SUFFIX)`): the invocation
/// stays a call of the macro.
pub(super) fn pasted_reference(callee: Node, c: &mut Collector) -> bool {
    let Some(call) = callee.parent() else { return false };
    let Some(args) = field(call, FIELDS.arguments) else { return false };
    // Inside another invocation's arguments (`glue(glue(a, b), c)`) it is a fragment of the
    // outer name, or, when that cannot be built, a call of the macro as before.
    let outer = call.parent().filter(|p| p.kind() == "argument_list").and_then(|p| p.parent());
    if let Some(outer) = outer.filter(|o| o.kind() == "call_expression") {
        let outer_callee = field(outer, FIELDS.function).filter(|f| f.kind() == "identifier");
        if let Some(outer_callee) = outer_callee.filter(|f| c.idioms.is_token_paste(c.text(*f))) {
            return field(outer, FIELDS.arguments).is_some_and(|a| pasted_name(c, outer_callee, a).is_some());
        }
    }
    let Some(name) = pasted_name(c, callee, args) else { return false };
    let called = call
        .parent()
        .is_some_and(|outer| outer.kind() == "call_expression" && field(outer, FIELDS.function) == Some(call));
    let kind = if called { RefKind::Call } else { RefKind::Identifier };
    exclude_names_in(callee, c);
    exclude_names_in(args, c);
    let name = c.intern(&name);
    // At the opening parenthesis: the macro's own position is excluded above, and no other
    // capture starts there to compete for it.
    c.refs.push(RawRef { byte: args.start_byte(), line: args.start_position().row as u32 + 1, name, kind });
    true
}

/// Whether the word at `start..end` of a macro body stands next to a `##`.
pub(super) fn pasted_operand(body: &[u8], start: usize, end: usize) -> bool {
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\\' | b'\n' | b'\r');
    let before = body[..start].iter().rev().skip_while(|b| blank(b)).take(2).eq(b"##".iter());
    let after = body[end..].iter().skip_while(|b| blank(b)).take(2).eq(b"##".iter());
    before || after
}

/// Whether the word at `start..end` of a macro body is a whole argument of a token-pasting
/// idiom (`glue(address_space_ld, size)`): a fragment of the name it pastes, like an operand of
/// `##`. `glue` expands its arguments first, so one in capitals (`glue(x, SUFFIX)`), a macro by
/// convention, stays a use.
pub(super) fn idiom_argument(body: &[u8], start: usize, end: usize, c: &Collector) -> bool {
    if body[start..end].iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_') {
        return false;
    }
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\\' | b'\n' | b'\r');
    let before = body[..start].iter().rev().find(|b| !blank(b));
    let after = body[end..].iter().find(|b| !blank(b));
    if !matches!(before, Some(b'(' | b',')) || !matches!(after, Some(b')' | b',')) {
        return false;
    }
    // The `(` this argument list opens with, skipping nested parentheses.
    let mut depth = 0usize;
    let mut open = None;
    for (k, &b) in body[..start].iter().enumerate().rev() {
        match b {
            b')' => depth += 1,
            b'(' if depth == 0 => {
                open = Some(k);
                break;
            }
            b'(' => depth -= 1,
            _ => {}
        }
    }
    let Some(open) = open else { return false };
    let head = &body[..open];
    let head = &head[..head.iter().rposition(|b| !blank(b)).map_or(0, |k| k + 1)];
    let from = head.iter().rposition(|&b| !lexer::is_ident_continue(b)).map_or(0, |k| k + 1);
    std::str::from_utf8(&head[from..]).is_ok_and(|callee| !callee.is_empty() && c.idioms.is_token_paste(callee))
}

/// Whether the text at `at` is `(...)` followed by `(`, white space and comments aside: the
/// shape `M(x)(args)` of a call of a built name.
fn called_twice(src: &[u8], at: usize) -> bool {
    // Past a comment starting at `k`, if one does.
    let past_comment = |k: usize| -> Option<usize> {
        let rest = src.get(k..)?;
        if rest.starts_with(b"/*") {
            Some(src[k + 2..].windows(2).position(|w| w == b"*/").map_or(src.len(), |p| k + 2 + p + 2))
        } else if rest.starts_with(b"//") {
            Some(src[k..].iter().position(|&b| b == b'\n').map_or(src.len(), |p| k + p))
        } else {
            None
        }
    };
    let skip_space = |mut k: usize| loop {
        while k < src.len() && src[k].is_ascii_whitespace() {
            k += 1;
        }
        match past_comment(k) {
            Some(next) => k = next,
            None => return k,
        }
    };
    let mut k = skip_space(at);
    if src.get(k) != Some(&b'(') {
        return false;
    }
    let mut depth = 0usize;
    while k < src.len() {
        if let Some(next) = past_comment(k) {
            k = next;
            continue;
        }
        match src[k] {
            b'(' => depth += 1,
            b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            quote @ (b'"' | b'\'') => {
                k += 1;
                while k < src.len() && src[k] != quote {
                    k += if src[k] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        k += 1;
    }
    src.get(skip_space(k + 1)) == Some(&b'(')
}

#[cfg(test)]
mod tests {
    use super::called_twice;

    #[test]
    fn the_text_after_a_callee_says_whether_it_is_called_twice() {
        let at = |s: &str| called_twice(s.as_bytes(), s.find('(').unwrap_or(s.len()).min(s.len()));
        assert!(at("M(x)(a, b);"));
        assert!(at("M (x) /* c */ (a)"));
        assert!(at("M(\")\", f(y))\n    (a)"), "a parenthesis in a string or nested call");
        assert!(!at("DPRINTF(\"%d\\n\", x);"));
        assert!(!at("M(x) + (y)"));
        assert!(at("M(x /* ) */)(y)") && at("M(x /* don't */)(y)") && at("M(x) // c\n(y)"), "comments");
        assert!(!at("M(x"), "unclosed: no panic");
        assert!(!at("M"));
    }
}
