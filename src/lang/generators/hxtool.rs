//! hxtool's `.hx` files: C fragments between documentation blocks. What C code uses of them:
//! `DEF("name", HAS_ARG, QEMU_OPTION_name, ...)` in qemu-options.hx defines the option's enum
//! constant; a function named as an argument of `DEF(...)` (qemu-img-cmds.hx) or as a `.cmd`
//! member (hmp-commands.hx) is called through the generated table.

use super::{Entity, Reading};

pub fn read(text: &str) -> Reading {
    let mut out = Reading::default();
    let mut in_docs = false;
    let mut offset = 0usize;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        let line = i as u32 + 1;
        let code = raw.trim();
        // Documentation blocks (`SRST` ... `ERST`) and `HXCOMM` comments are not C.
        if code.starts_with("SRST") {
            in_docs = true;
        } else if code.starts_with("ERST") {
            in_docs = false;
            continue;
        }
        if in_docs || code.starts_with("HXCOMM") {
            continue;
        }
        if code.starts_with("DEF(") {
            // The arguments may run over several lines: read up to the closing parenthesis.
            let Some(args) = def_arguments(&text[start + raw.find("DEF(").unwrap_or(0) + 4..]) else {
                out.error(line);
                continue;
            };
            for arg in args.iter().skip(1) {
                let arg = arg.trim();
                if !is_identifier(arg) {
                    continue;
                }
                let kind = if arg.starts_with("QEMU_OPTION_") {
                    "option"
                } else if arg.bytes().any(|b| b.is_ascii_lowercase()) {
                    "handler"
                } else {
                    continue;
                };
                out.entities.push(entity(kind, arg, line, start, raw.len()));
            }
        } else if let Some(member) = code.strip_prefix('.') {
            // `.cmd = hmp_foo,`, `.cmd_info_hrt = qmp_x_query_foo,`
            let Some((field, value)) = member.split_once('=') else { continue };
            let value = value.trim().trim_end_matches(',').trim();
            if field.trim().starts_with("cmd") && is_identifier(value) {
                out.entities.push(entity("handler", value, line, start, raw.len()));
            }
        }
    }
    out
}

fn entity(kind: &'static str, name: &str, line: u32, start: usize, len: usize) -> Entity {
    Entity {
        kind,
        name: name.to_string(),
        start_line: line,
        end_line: line,
        start_byte: start as u32,
        end_byte: (start + len) as u32,
        interface: name.to_string(),
        body: String::new(),
        uses: Vec::new(),
    }
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') && !s.as_bytes()[0].is_ascii_digit()
}

/// The top-level comma-separated arguments of a call whose `(` was just read, skipping string
/// literals; `None` when the text ends first.
fn def_arguments(text: &str) -> Option<Vec<String>> {
    let mut args = vec![String::new()];
    let mut depth = 0;
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' => depth += 1,
            ')' if depth == 0 => return Some(args),
            ')' => depth -= 1,
            ',' if depth == 0 => args.push(String::new()),
            '\\' | '\n' => {}
            _ => args.last_mut().expect("never empty").push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_handlers_and_docs() {
        let r = read(
            "HXCOMM DEF(\"x\", 0, QEMU_OPTION_x, \"\", 0)\nDEF(\"machine\", HAS_ARG, QEMU_OPTION_machine, \\\n    \"-machine [type=]name\\n\", QEMU_ARCH_ALL)\nSRST\nDEF(\"doc\", 0, QEMU_OPTION_doc, \"\", 0)\nERST\nDEF(\"amend\", img_amend,\n    \"amend [--object objectdef]\")\n    {\n        .name = \"quit\",\n        .cmd = hmp_quit,\n    },\n",
        );
        let got: Vec<(&str, &str, u32)> = r.entities.iter().map(|e| (e.kind, e.name.as_str(), e.start_line)).collect();
        assert_eq!(
            got,
            [("option", "QEMU_OPTION_machine", 2), ("handler", "img_amend", 7), ("handler", "hmp_quit", 11)]
        );
    }
}
