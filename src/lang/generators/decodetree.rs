//! decodetree's `.decode` files (docs/devel/decodetree.rst): `&argset field...` defines the
//! argument struct `arg_argset`; `%field ... !function=f` and `@format` lines describe
//! operands; every other line is a pattern, which makes the generated decoder call
//! `trans_<pattern>`, a function the C code must provide. `{ }` and `[ ]` group patterns; `\`
//! continues a line; `#` starts a comment.

use super::{lines_without_comments, Entity, Reading};
use crate::facts::RefKind;

pub fn read(text: &str) -> Reading {
    let mut out = Reading::default();
    // Logical lines: (first byte, first line, last line, text without continuations).
    let mut logical: Vec<(usize, u32, u32, String)> = Vec::new();
    let mut pending: Option<(usize, u32, String)> = None;
    for (start, line, code) in lines_without_comments(text) {
        let trimmed = code.trim_end();
        let (body, continues) = match trimmed.strip_suffix('\\') {
            Some(b) => (b, true),
            None => (trimmed, false),
        };
        let (first_byte, first_line, mut acc) = pending.take().unwrap_or((start, line, String::new()));
        acc.push(' ');
        acc.push_str(body);
        if continues {
            pending = Some((first_byte, first_line, acc));
        } else {
            logical.push((first_byte, first_line, line, acc));
        }
    }
    if let Some((b, l, acc)) = pending {
        logical.push((b, l, l, acc));
    }
    for (start_byte, start_line, end_line, code) in logical {
        let mut tokens = code.split_whitespace();
        let Some(first) = tokens.next() else { continue };
        let rest: Vec<&str> = tokens.collect();
        let entity = |kind: &'static str, name: &str, interface: String| Entity {
            kind,
            name: name.to_string(),
            start_line,
            end_line,
            start_byte: start_byte as u32,
            end_byte: (start_byte + code.len()) as u32,
            interface,
            body: String::new(),
            uses: Vec::new(),
        };
        if matches!(first, "{" | "}" | "[" | "]") {
            continue;
        }
        let functions = rest
            .iter()
            .filter_map(|t| t.strip_prefix("!function="))
            .map(|f| (f.to_string(), RefKind::Call, start_line))
            .collect::<Vec<_>>();
        // decodetree.py: argument set, field and format names are `[a-zA-Z0-9_]*` (`%2op_size`),
        // pattern names C identifiers (they become `trans_<name>`).
        if let Some(name) = first.strip_prefix('&') {
            if !is_word(name) {
                out.error(start_line);
            } else if !rest.contains(&"!extern") {
                out.entities.push(entity("argset", name, rest.join(" ")));
            }
        } else if let Some(name) = first.strip_prefix('%').or_else(|| first.strip_prefix('@')) {
            if !is_word(name) {
                out.error(start_line);
                continue;
            }
            let kind = if first.starts_with('%') { "field" } else { "format" };
            let mut e = entity(kind, name, rest.join(" "));
            e.uses = functions;
            out.entities.push(e);
        } else if is_name(first) {
            let mut e = entity("pattern", first, rest.join(" "));
            e.uses = functions;
            out.entities.push(e);
        } else {
            out.error(start_line);
        }
    }
    out
}

fn is_word(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') && !s.as_bytes()[0].is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argsets_patterns_groups_and_continuations() {
        let r = read(
            "# comment\n&r rd rs1 rs2\n%2op 20:1\n&ext !extern a\n%imm_ci 12:s1 2:5 !function=ex_shift_3\n@r ....... ..... ..... ... ..... ....... &r %rs2 %rs1 %rd\n{\n  add 0000000 ..... ..... 000 ..... 0110011 @r\n  sub 0100000 ..... ..... 000 ..... \\\n      0110011 @r # continued\n}\n",
        );
        let got: Vec<(&str, &str, u32, u32)> =
            r.entities.iter().map(|e| (e.kind, e.name.as_str(), e.start_line, e.end_line)).collect();
        assert_eq!(
            got,
            [
                ("argset", "r", 2, 2),
                ("field", "2op", 3, 3),
                ("field", "imm_ci", 5, 5),
                ("format", "r", 6, 6),
                ("pattern", "add", 8, 8),
                ("pattern", "sub", 9, 10)
            ]
        );
        assert_eq!(r.entities[2].uses, [("ex_shift_3".to_string(), RefKind::Call, 5)]);
        assert_eq!(r.errors, 0);
    }
}
