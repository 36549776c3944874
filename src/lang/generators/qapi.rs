//! QAPI schemas (docs/devel/qapi-code-gen.rst): a sequence of JSON-like expressions with
//! single-quoted strings and `#` comments. What the generator makes of each, by the rules of
//! scripts/qapi (`c_name`, `camel_to_upper`, `c_enum_const`):
//! - `command` -> `qmp_marshal_<c_name>` calling `qmp_<c_name>`, which C code provides;
//! - `struct`, `union`, `alternate` -> the C type `<c_name>` and its helpers;
//! - `enum` -> the type, and one `enum_value` per member (`PREFIX_VALUE`);
//! - `event` -> `qapi_event_send_<lower-case c_name>`;
//! - `include` -> an include of the other schema file.
//!
//! Commands with `'gen': false` generate nothing.

use super::{Entity, Reading};
use crate::facts::{Include, RefKind};
use crate::lang::lexer::{self, Lines};

/// A parsed value with its byte span.
#[derive(Debug)]
enum Value {
    Str(String),
    List(Vec<Value>),
    Dict(Vec<(String, Value)>),
    Bool(bool),
}

impl Value {
    fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Dict(items) => items.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        while let Some(&c) = self.text.get(self.pos) {
            if c == b'#' {
                while self.text.get(self.pos).is_some_and(|&c| c != b'\n') {
                    self.pos += 1;
                }
            } else if c.is_ascii_whitespace() {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn value(&mut self) -> Option<Value> {
        self.skip_space();
        match *self.text.get(self.pos)? {
            b'\'' => {
                self.pos += 1;
                let start = self.pos;
                while *self.text.get(self.pos)? != b'\'' {
                    self.pos += 1;
                }
                let s = String::from_utf8_lossy(&self.text[start..self.pos]).into_owned();
                self.pos += 1;
                Some(Value::Str(s))
            }
            b'{' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    if *self.text.get(self.pos)? == b'}' {
                        self.pos += 1;
                        return Some(Value::Dict(items));
                    }
                    let Value::Str(key) = self.value()? else { return None };
                    self.skip_space();
                    if *self.text.get(self.pos)? != b':' {
                        return None;
                    }
                    self.pos += 1;
                    let v = self.value()?;
                    items.push((key, v));
                    self.skip_space();
                    match *self.text.get(self.pos)? {
                        b',' => self.pos += 1,
                        b'}' => {}
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    if *self.text.get(self.pos)? == b']' {
                        self.pos += 1;
                        return Some(Value::List(items));
                    }
                    items.push(self.value()?);
                    self.skip_space();
                    match *self.text.get(self.pos)? {
                        b',' => self.pos += 1,
                        b']' => {}
                        _ => return None,
                    }
                }
            }
            b't' if self.text[self.pos..].starts_with(b"true") => {
                self.pos += 4;
                Some(Value::Bool(true))
            }
            b'f' if self.text[self.pos..].starts_with(b"false") => {
                self.pos += 5;
                Some(Value::Bool(false))
            }
            _ => None,
        }
    }
}

pub fn read(text: &str) -> Reading {
    let mut out = Reading::default();
    let mut p = Parser { text: text.as_bytes(), pos: 0 };
    // Expressions come in file order: each offset asked is not before the previous one.
    let mut lines = Lines::new(text.as_bytes(), 1);
    loop {
        p.skip_space();
        if p.pos >= text.len() {
            break;
        }
        let start = p.pos;
        let Some(expr) = p.value() else {
            // Unreadable from here on: count it and stop (QAPI itself rejects the file).
            out.error(lines.at(start));
            break;
        };
        let span = (start, p.pos);
        expression(text, &mut lines, &expr, span, &mut out);
    }
    out
}

const META: [&str; 5] = ["command", "struct", "union", "alternate", "enum"];

fn expression(text: &str, lines: &mut Lines, expr: &Value, (start, end): (usize, usize), out: &mut Reading) {
    let start_line = lines.at(start);
    let end_line = lines.at(end.saturating_sub(1).max(start));
    if let Some(path) = expr.get("include").and_then(Value::str) {
        out.includes.push(Include { path: path.to_string(), system: false, line: start_line, exact: false });
        return;
    }
    let entity = |kind: &'static str, name: String, interface: String| Entity {
        kind,
        name,
        start_line,
        end_line,
        start_byte: start as u32,
        end_byte: end as u32,
        interface,
        body: String::new(),
        uses: Vec::new(),
    };
    // The interface is the expression's text: every key of it (`data`, `returns`, `base`,
    // `if`, `features`) shapes the generated C; the documentation is outside it.
    let signature = |_keys: &[&str]| text[start..end].to_string();
    let type_uses = |keys: &[&str]| {
        let mut names = Vec::new();
        for k in keys {
            if let Some(v) = expr.get(k) {
                collect_types(v, &mut names);
            }
        }
        names.sort();
        names.dedup();
        names.into_iter().map(|n| (c_name(&n, true), RefKind::Type, start_line)).collect::<Vec<_>>()
    };
    let Some((meta, name)) =
        META.iter().chain(&["event"]).find_map(|m| expr.get(m).and_then(Value::str).map(|n| (*m, n)))
    else {
        return;
    };
    match meta {
        "command" => {
            if matches!(expr.get("gen"), Some(Value::Bool(false))) {
                return;
            }
            let mut e = entity("command", c_name(name, true), signature(&["data", "returns", "boxed"]));
            e.uses = type_uses(&["data", "returns"]);
            out.entities.push(e);
        }
        "enum" => {
            let prefix = expr.get("prefix").and_then(Value::str).map(str::to_string);
            out.entities.push(entity("enum", c_name(name, true), signature(&["data", "prefix"])));
            let Some(Value::List(values)) = expr.get("data") else { return };
            for v in values {
                let member = match v {
                    Value::Str(s) => Some(s.as_str()),
                    Value::Dict(_) => v.get("name").and_then(Value::str),
                    _ => None,
                };
                if let Some(member) = member {
                    out.entities.push(entity(
                        "enum_value",
                        c_enum_const(name, member, prefix.as_deref()),
                        String::new(),
                    ));
                }
            }
            let max = format!("{}__MAX", prefix.unwrap_or_else(|| camel_to_upper(name)));
            out.entities.push(entity("enum_value", max, String::new()));
        }
        "event" => {
            let mut e = entity("event", c_name(&name.to_lowercase(), true), signature(&["data", "boxed"]));
            e.uses = type_uses(&["data"]);
            out.entities.push(e);
        }
        _ => {
            let mut e = entity("struct", c_name(name, true), signature(&["data", "base", "discriminator", "features"]));
            e.uses = type_uses(&["data", "base"]);
            out.entities.push(e);
        }
    }
}

/// The members of the QAPI type a definition spans (a `struct`, `union` or `alternate`'s `data`
/// members by their C names, with `base` as a member of its own; an `enum`'s values), each
/// hashed with its declaration: what `members::delta` compares to tell an extension (members
/// added) from a change. `None` when the span is not one readable expression.
pub fn members(text: &[u8], def: &crate::facts::Definition) -> Option<Vec<crate::members::Member>> {
    let span = text.get(def.start_byte as usize..def.end_byte as usize)?;
    let expr = Parser { text: span, pos: 0 }.value()?;
    let hash = lexer::words_hash;
    let mut out = Vec::new();
    if let Some(base) = expr.get("base") {
        out.push(crate::members::Member { name: "<base>".into(), hash: hash(&format!("{base:?}")) });
    }
    match expr.get("data") {
        Some(Value::Dict(items)) => {
            for (name, v) in items {
                let (optional, name) = match name.strip_prefix('*') {
                    Some(n) => (true, n),
                    None => (false, name.as_str()),
                };
                let decl = format!("{optional}:{v:?}");
                out.push(crate::members::Member { name: c_name(name, true), hash: hash(&decl) });
            }
        }
        Some(Value::List(values)) => {
            for v in values {
                let name = match v {
                    Value::Str(s) => s.clone(),
                    _ => v.get("name").and_then(Value::str).unwrap_or_default().to_string(),
                };
                out.push(crate::members::Member { name: c_name(&name, false), hash: hash(&format!("{v:?}")) });
            }
        }
        Some(other) => out.push(crate::members::Member { name: "<data>".into(), hash: hash(&format!("{other:?}")) }),
        None => {}
    }
    Some(out)
}

/// Is the definition a QAPI `enum`?
pub fn is_enum(text: &[u8], def: &crate::facts::Definition) -> bool {
    text.get(def.start_byte as usize..def.end_byte as usize)
        .and_then(|span| Parser { text: span, pos: 0 }.value())
        .is_some_and(|e| e.get("enum").is_some())
}

/// Type names a `data`/`base`/`returns` value refers to: member types (`'str'`, `['Foo']`,
/// `{'type': 'Foo'}`), not built-in types.
fn collect_types(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Str(s) if !is_builtin(s) => out.push(s.clone()),
        Value::List(items) => items.iter().for_each(|i| collect_types(i, out)),
        Value::Dict(items) => {
            for (k, v) in items {
                if k == "if" || k == "features" {
                    continue;
                }
                collect_types(v, out);
            }
        }
        _ => {}
    }
}

fn is_builtin(s: &str) -> bool {
    matches!(
        s,
        "str"
            | "number"
            | "int"
            | "int8"
            | "int16"
            | "int32"
            | "int64"
            | "uint8"
            | "uint16"
            | "uint32"
            | "uint64"
            | "size"
            | "bool"
            | "null"
            | "any"
            | "QType"
    ) || !s.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
}

/// scripts/qapi/common.py `c_name`: a valid C identifier for a QAPI name.
pub fn c_name(name: &str, protect: bool) -> String {
    const RESERVED: [&str; 75] = [
        "auto",
        "break",
        "case",
        "char",
        "const",
        "continue",
        "default",
        "do",
        "double",
        "else",
        "enum",
        "extern",
        "float",
        "for",
        "goto",
        "if",
        "int",
        "long",
        "register",
        "return",
        "short",
        "signed",
        "sizeof",
        "static",
        "struct",
        "switch",
        "typedef",
        "union",
        "unsigned",
        "void",
        "volatile",
        "while",
        "inline",
        "restrict",
        "_Bool",
        "_Complex",
        "_Imaginary",
        "_Alignas",
        "_Alignof",
        "_Atomic",
        "_Generic",
        "_Noreturn",
        "_Static_assert",
        "_Thread_local",
        "asm",
        "typeof",
        "bool",
        "catch",
        "class",
        "const_cast",
        "delete",
        "dynamic_cast",
        "explicit",
        "false",
        "friend",
        "mutable",
        "namespace",
        "new",
        "operator",
        "private",
        "protected",
        "public",
        "reinterpret_cast",
        "static_cast",
        "template",
        "this",
        "throw",
        "true",
        "try",
        "typeid",
        "typename",
        "using",
        "virtual",
        "wchar_t",
        "unix",
    ];
    const MORE: [&str; 16] = [
        "and", "and_eq", "bitand", "bitor", "compl", "not", "not_eq", "or", "or_eq", "xor", "xor_eq", "errno", "mips",
        "sparc", "i386", "linux",
    ];
    let name: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if protect
        && (RESERVED.contains(&name.as_str())
            || MORE.contains(&name.as_str())
            || name.starts_with(|c: char| c.is_ascii_digit()))
    {
        return format!("q_{name}");
    }
    name
}

/// scripts/qapi/common.py `camel_to_upper`: `QCryptoCipherAlgo` -> `QCRYPTO_CIPHER_ALGO`.
pub fn camel_to_upper(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let Some(&first) = chars.first() else { return String::new() };
    let mut ret: Vec<char> = vec![first];
    let mut upc = first.is_uppercase();
    for &ch in &chars[1..] {
        if ch.is_uppercase() == upc {
        } else if upc {
            if ret.len() > 2 && ret[ret.len() - 2].is_alphanumeric() {
                let last = ret.pop().expect("ret is not empty");
                ret.push('_');
                ret.push(last);
            }
        } else if ret.last().is_some_and(|c| c.is_alphanumeric()) {
            ret.push('_');
        }
        ret.push(ch);
        upc = ch.is_uppercase();
    }
    let upper: String = ret.into_iter().collect::<String>().to_uppercase();
    c_name(&upper, true).trim_start_matches('_').to_string()
}

/// scripts/qapi/common.py `c_enum_const`.
pub fn c_enum_const(type_name: &str, const_name: &str, prefix: Option<&str>) -> String {
    let prefix = prefix.map_or_else(|| camel_to_upper(type_name), str::to_string);
    format!("{prefix}_{}", c_name(const_name, false).to_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_scripts_qapi() {
        // What scripts/qapi/common.py of QEMU ece408818d27 prints for each (its docstring
        // promises `ENUM_NAME` for `ENUM_NAME`; the code gives `ENU_M_NAME`, and so do we).
        for (camel, upper) in [
            ("ENUMName", "ENUM_NAME"),
            ("EnumName1", "ENUM_NAME1"),
            ("ENUM_NAME", "ENU_M_NAME"),
            ("ENUM_Name2", "ENU_M_NAME2"),
            ("ENUM24_Name", "ENU_M24_NAME"),
            ("QCryptoCipherAlgo", "QCRYPTO_CIPHER_ALGO"),
            ("BlockdevDriver", "BLOCKDEV_DRIVER"),
            ("X86CPURegister32", "X86_CPU_REGISTER32"),
            ("QKeyCode", "QKEY_CODE"),
        ] {
            assert_eq!(camel_to_upper(camel), upper, "{camel}");
        }
        assert_eq!(c_enum_const("BlockdevDriver", "raw-v2", None), "BLOCKDEV_DRIVER_RAW_V2");
        assert_eq!(c_enum_const("X", "on", Some("QAPI_X")), "QAPI_X_ON");
        assert_eq!(c_name("query-block", true), "query_block");
        assert_eq!(c_name("int", true), "q_int");
    }

    #[test]
    fn expressions_entities_and_includes() {
        let r = read(
            "# doc\n{ 'include': 'common.json' }\n##\n# @query-foo:\n##\n{ 'command': 'query-foo',\n  'data': { 'id': 'str', '*opts': 'FooOpts' },\n  'returns': ['FooInfo'] }\n{ 'command': 'x-manual', 'gen': false }\n{ 'enum': 'FooKind', 'data': [ 'a-b', { 'name': 'c', 'if': 'CONFIG_X' } ] }\n{ 'event': 'FOO_DONE', 'data': { 'id': 'str' } }\n{ 'struct': 'FooInfo', 'base': 'FooBase', 'data': { 'n': 'int' } }\n",
        );
        assert_eq!(r.includes.len(), 1);
        assert_eq!((r.includes[0].path.as_str(), r.includes[0].line), ("common.json", 2));
        let got: Vec<(&str, &str, u32, u32)> =
            r.entities.iter().map(|e| (e.kind, e.name.as_str(), e.start_line, e.end_line)).collect();
        assert_eq!(
            got,
            [
                ("command", "query_foo", 6, 8),
                ("enum", "FooKind", 10, 10),
                ("enum_value", "FOO_KIND_A_B", 10, 10),
                ("enum_value", "FOO_KIND_C", 10, 10),
                ("enum_value", "FOO_KIND__MAX", 10, 10),
                ("event", "foo_done", 11, 11),
                ("struct", "FooInfo", 12, 12),
            ]
        );
        let uses: Vec<&str> = r.entities[0].uses.iter().map(|u| u.0.as_str()).collect();
        assert_eq!(uses, ["FooInfo", "FooOpts"]);
        assert_eq!(r.errors, 0);
        assert_eq!(read("{ 'struct': 'A', 'data': {").errors, 1);
    }
}
