//! tracetool's `trace-events` files: one event per line, `[props] name(args) "format"`.
//! Properties (`disable`, `tcg`, `vcpu`) come first; `#` starts a comment.

use super::{lines_without_comments, Entity, Reading};

pub fn read(text: &str) -> Reading {
    let mut out = Reading::default();
    for (start, line, code) in lines_without_comments(text) {
        let code = code.trim();
        if code.is_empty() {
            continue;
        }
        match event(code) {
            Some((name, args, format)) => out.entities.push(Entity {
                kind: "event",
                name: name.to_string(),
                start_line: line,
                end_line: line,
                start_byte: start as u32,
                end_byte: (start + code.len()) as u32,
                interface: args.to_string(),
                body: format.to_string(),
                uses: Vec::new(),
            }),
            None => out.error(line),
        }
    }
    out
}

/// `(name, args, format)` of an event line without its comment.
fn event(code: &str) -> Option<(&str, &str, &str)> {
    let open = code.find('(')?;
    let head = &code[..open];
    let name = head.split_whitespace().last()?;
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let close = open + code[open..].find(')')?;
    let args = &code[open + 1..close];
    let format = code[close + 1..].trim();
    Some((name, args, format))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_comments_and_bad_lines() {
        let r =
            read("# hw/net/e1000.c\ndisable tcg foo_bar(int a, const char *s) \"a=%d s=%s\" \"tcg\"\n\nnot an event\n");
        assert_eq!(r.entities.len(), 1);
        let e = &r.entities[0];
        assert_eq!((e.name.as_str(), e.interface.as_str(), e.start_line), ("foo_bar", "int a, const char *s", 2));
        assert_eq!(e.body, "\"a=%d s=%s\" \"tcg\"");
        assert_eq!((r.errors, r.first_error_line), (1, Some(4)));
    }
}
