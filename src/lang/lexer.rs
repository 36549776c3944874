//! A small C token scanner for the text tree-sitter does not parse for us: macro replacement
//! lists, masked macro invocations, and the normalised hashes of interfaces and bodies.
//!
//! It knows comments, string and character literals, identifiers, numbers and punctuation, which
//! is all that hashing and identifier mining need. It never fails: bytes it does not understand
//! are single-byte punctuation.

/// One token's kind; the scanner hands out byte ranges, the caller slices the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Identifier,
    Number,
    Literal,
    Punct,
}

/// Scans `text` and calls `f(kind, start, end)` for every token, skipping white space,
/// comments and backslash-newline continuations.
pub fn scan(text: &[u8], mut f: impl FnMut(TokenKind, usize, usize)) {
    let mut i = 0;
    let n = text.len();
    while i < n {
        let c = text[i];
        if c.is_ascii_whitespace() || (c == b'\\' && matches!(text.get(i + 1), Some(b'\n' | b'\r'))) {
            i += 1;
            continue;
        }
        if c == b'/' && text.get(i + 1) == Some(&b'/') {
            while i < n && text[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && text.get(i + 1) == Some(&b'*') {
            i += 2;
            while i < n && !(text[i] == b'*' && text.get(i + 1) == Some(&b'/')) {
                i += 1;
            }
            i = (i + 2).min(n);
            continue;
        }
        let start = i;
        if c == b'"' || c == b'\'' {
            i += 1;
            while i < n && text[i] != c && text[i] != b'\n' {
                i += if text[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(n);
            f(TokenKind::Literal, start, i);
        } else if is_ident_start(c) {
            while i < n && is_ident_continue(text[i]) {
                i += 1;
            }
            f(TokenKind::Identifier, start, i);
        } else if c.is_ascii_digit() {
            while i < n && (is_ident_continue(text[i]) || text[i] == b'.') {
                i += 1;
            }
            f(TokenKind::Number, start, i);
        } else {
            i += 1;
            f(TokenKind::Punct, start, i);
        }
    }
}

pub fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

pub fn is_ident_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// FNV-1a over the tokens of `text`, one separator between tokens: comments and white space
/// never change the hash, any token does. Stable across runs and machines (it is cached).
pub fn normalized_hash(text: &[u8]) -> u64 {
    let mut hash = FNV_OFFSET;
    scan(text, |_, start, end| {
        hash = fnv(hash, &text[start..end]);
        hash = fnv(hash, b" ");
    });
    hash
}

/// FNV-1a of `text` with runs of white space folded into one space: for text that is not C
/// (build-time generator inputs), where the C lexer of `normalized_hash` would be slower and
/// no wiser.
pub fn words_hash(text: &str) -> u64 {
    let mut hash = FNV_OFFSET;
    for (i, word) in text.split_ascii_whitespace().enumerate() {
        if i > 0 {
            hash = fnv(hash, b" ");
        }
        hash = fnv(hash, word.as_bytes());
    }
    hash
}

/// `normalized_hash` of a text whose tokens are already known: the same value as scanning it,
/// for spans that start and end on token boundaries (syntax-node spans do).
pub fn hash_tokens(text: &[u8], tokens: impl Iterator<Item = (usize, usize)>) -> u64 {
    let mut hash = FNV_OFFSET;
    for (start, end) in tokens {
        hash = fnv(hash, &text[start..end]);
        hash = fnv(hash, b" ");
    }
    hash
}

/// Newlines in `bytes`.
pub fn newlines(bytes: &[u8]) -> u32 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u32
}

/// Line numbers of byte offsets into `text` given in increasing order, each found by counting
/// only the newlines since the previous one.
pub struct Lines<'t> {
    text: &'t [u8],
    offset: usize,
    line: u32,
}

impl<'t> Lines<'t> {
    /// `first_line` is the line of offset 0.
    pub fn new(text: &'t [u8], first_line: u32) -> Lines<'t> {
        Lines { text, offset: 0, line: first_line }
    }

    /// The line of `offset`, which is not before the previous one asked.
    pub fn at(&mut self, offset: usize) -> u32 {
        self.line += newlines(&self.text[self.offset..offset]);
        self.offset = offset;
        self.line
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Identifiers of `text` that could name a symbol: C keywords and the preprocessor's own words
/// are left out. Yields (byte offset, identifier).
pub fn identifiers(text: &[u8], mut f: impl FnMut(usize, &str)) {
    scan(text, |kind, start, end| {
        if kind == TokenKind::Identifier {
            // Identifiers are ASCII by construction.
            let word = std::str::from_utf8(&text[start..end]).unwrap_or_default();
            if !is_reserved(word) {
                f(start, word);
            }
        }
    });
}

/// C keywords and preprocessor words that never name a user symbol.
pub fn is_reserved(word: &str) -> bool {
    matches!(
        word,
        "auto"
            | "break"
            | "case"
            | "char"
            | "const"
            | "continue"
            | "default"
            | "do"
            | "double"
            | "else"
            | "enum"
            | "extern"
            | "float"
            | "for"
            | "goto"
            | "if"
            | "inline"
            | "int"
            | "long"
            | "register"
            | "restrict"
            | "return"
            | "short"
            | "signed"
            | "sizeof"
            | "static"
            | "struct"
            | "switch"
            | "typedef"
            | "union"
            | "unsigned"
            | "void"
            | "volatile"
            | "while"
            | "_Bool"
            | "_Static_assert"
            | "_Atomic"
            | "_Generic"
            | "_Noreturn"
            | "_Alignof"
            | "_Alignas"
            | "_Thread_local"
            | "bool"
            | "true"
            | "false"
            | "typeof"
            | "__typeof__"
            | "__attribute__"
            | "__asm__"
            | "asm"
            | "__inline__"
            | "__extension__"
            | "defined"
            | "__VA_ARGS__"
            | "__VA_OPT__"
            | "__func__"
            | "__FILE__"
            | "__LINE__"
            | "NULL"
    )
}

/// The arguments of a macro call, split at top-level commas and trimmed; `inner` is the text
/// between its parentheses. Empty arguments are kept (`f(, a)`), none at all gives none.
pub fn split_args(inner: &[u8]) -> Vec<String> {
    let mut args = Vec::new();
    let mut depth = 0i32;
    let mut current = Vec::new();
    for &b in inner {
        match b {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b',' if depth == 0 => {
                args.push(String::from_utf8_lossy(&current).trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(b);
    }
    let last = String::from_utf8_lossy(&current).trim().to_string();
    if !last.is_empty() || !args.is_empty() {
        args.push(last);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_spacing_do_not_change_the_hash() {
        let a = normalized_hash(b"int foo(int a, char *b)");
        let b = normalized_hash(b"int  foo( int a , /* why */ char * b ) // note");
        assert_eq!(a, b);
        assert_ne!(a, normalized_hash(b"int foo(int a, const char *b)"));
    }

    #[test]
    fn strings_and_keywords_are_not_identifiers() {
        let mut seen = Vec::new();
        identifiers(b"if (x) return foo(\"bar baz\", 'q', BAR_2);", |_, w| seen.push(w.to_string()));
        assert_eq!(seen, ["x", "foo", "BAR_2"]);
    }
}
