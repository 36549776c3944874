//! Mail encodings: RFC 2047 encoded words in headers, quoted-printable and base64 bodies, and
//! ISO-8859-1. Small and total: bad input decodes to something, never panics.

/// Decodes base64 (standard alphabet, padding and white space ignored). `None` on a bad byte.
pub fn base64(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in input {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b'\n' | b'\r' | b' ' | b'\t' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Quoted-printable; `header` turns `_` into a space (RFC 2047 "Q" encoding).
pub fn quoted_printable(input: &[u8], header: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let c = input[i];
        if c == b'=' {
            if input.get(i + 1) == Some(&b'\n') {
                i += 2; // soft line break
                continue;
            }
            if let (Some(h), Some(l)) =
                (input.get(i + 1).copied().and_then(hex), input.get(i + 2).copied().and_then(hex))
            {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(if header && c == b'_' { b' ' } else { c });
        i += 1;
    }
    out
}

/// Bytes in a named charset to a string: UTF-8 (lossy), or ISO-8859-1 / Windows-1252 as Latin-1.
pub fn decode_charset(bytes: &[u8], charset: &str) -> String {
    let cs = charset.to_ascii_lowercase();
    if cs.contains("8859") || cs.contains("latin") || cs.contains("1252") || cs == "us-ascii" && !bytes.is_ascii() {
        bytes.iter().map(|&b| b as char).collect()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// Decodes RFC 2047 encoded words (`=?charset?Q|B?text?=`) in a header value; white space
/// between two encoded words is dropped, as the RFC says.
pub fn header(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, after) = rest.split_at(start);
        let decoded = encoded_word(after);
        if !(last_was_word && before.trim().is_empty() && decoded.is_some()) {
            out.push_str(before);
        }
        match decoded {
            Some((text, used)) => {
                out.push_str(&text);
                rest = &after[used..];
                last_was_word = true;
            }
            None => {
                out.push_str("=?");
                rest = &after[2..];
                last_was_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

/// One encoded word at the start of `s`: its text and the bytes it used.
fn encoded_word(s: &str) -> Option<(String, usize)> {
    let body = s.strip_prefix("=?")?;
    let q1 = body.find('?')?;
    let charset = &body[..q1];
    let enc = body.get(q1 + 1..q1 + 2)?;
    if body.get(q1 + 2..q1 + 3)? != "?" {
        return None;
    }
    let text_start = q1 + 3;
    let end = body[text_start..].find("?=")? + text_start;
    let text = &body.as_bytes()[text_start..end];
    let bytes = match enc {
        "Q" | "q" => quoted_printable(text, true),
        "B" | "b" => base64(text)?,
        _ => return None,
    };
    let charset = charset.split('*').next().unwrap_or(charset);
    Some((decode_charset(&bytes, charset), 2 + end + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_words() {
        assert_eq!(header("=?UTF-8?q?hw/foo:_fix_caf=C3=A9?="), "hw/foo: fix café");
        assert_eq!(header("=?utf-8?b?aHcvZm9vOiDDqQ==?="), "hw/foo: é");
        assert_eq!(header("=?ISO-8859-1?Q?Andr=E9?= <a@b>"), "André <a@b>");
        assert_eq!(header("=?UTF-8?q?a?= =?UTF-8?q?b?="), "ab");
        assert_eq!(header("plain =? not encoded"), "plain =? not encoded");
    }

    #[test]
    fn bodies() {
        assert_eq!(quoted_printable(b"a=3Db=\nc", false), b"a=bc");
        assert_eq!(base64(b"aGVs\nbG8=").unwrap(), b"hello");
        assert!(base64(b"***").is_none());
    }
}
