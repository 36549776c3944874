//! One input into messages, and one message into a patch, a cover letter or something else
//! (a reply), as `git mailsplit` and `git mailinfo` read them. MIME decoding is `mailparse`'s.

use super::diff::parse_diff;
use super::series::BaseInfo;
use super::{Mail, MboxError};

const HEADER_NAMES: &[&str] = &[
    "from",
    "subject",
    "date",
    "message-id",
    "to",
    "cc",
    "in-reply-to",
    "references",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "return-path",
    "received",
    "x-mailer",
];

/// What one message is.
pub(super) enum Parsed {
    Patch(Mail, BaseInfo),
    /// A message without a diff: a cover letter (`0/N`) or a reply.
    NoDiff {
        subject: String,
        number: Option<(u32, u32)>,
        version: u32,
        message_id: Option<String>,
        base: BaseInfo,
    },
}

/// The messages of one input: an mbox, one email, or a plain diff (one message without
/// headers).
pub(super) fn split(bytes: &[u8], source: &str) -> Result<Vec<Parsed>, MboxError> {
    // `git mailsplit` drops the CR of CRLF line ends (unless --keep-cr).
    let text: Vec<u8> = {
        let mut out = Vec::with_capacity(bytes.len());
        for (i, &b) in bytes.iter().enumerate() {
            if !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
                out.push(b);
            }
        }
        out
    };
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(MboxError::Empty { source: source.into() });
    }
    let first_line = String::from_utf8_lossy(text.split(|&b| b == b'\n').next().unwrap_or_default())
        .chars()
        .take(60)
        .collect::<String>();
    if text.starts_with(b"diff --git ") || text.starts_with(b"--- ") || text.starts_with(b"Index: ") {
        parse_diff(&String::from_utf8_lossy(&text)).map_err(|error| MboxError::BadDiff {
            source: source.into(),
            message: 0,
            subject: String::new(),
            error,
        })?;
        let mail = Mail {
            subject: String::new(),
            prefix: None,
            number: None,
            version: 1,
            author: String::new(),
            date: None,
            message_id: None,
            message: String::new(),
            diff: text,
            index: 0,
            source: String::new(),
        };
        return Ok(vec![Parsed::Patch(mail, BaseInfo::default())]);
    }
    let messages = if text.starts_with(b"From ") {
        split_mbox(&text)
    } else if looks_like_header(&first_line) {
        vec![text]
    } else {
        return Err(MboxError::NotMbox { source: source.into(), first_line });
    };
    messages.iter().enumerate().map(|(index, raw)| parse_message(raw, index, source)).collect()
}

fn looks_like_header(line: &str) -> bool {
    line.split_once(':').is_some_and(|(k, _)| HEADER_NAMES.contains(&k.to_ascii_lowercase().as_str()))
}

/// Splits an mbox at the `From ` lines `git mailsplit` takes for envelopes, un-escaping
/// `>From ` lines (mboxrd).
fn split_mbox(text: &[u8]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    for line in text.split(|&b| b == b'\n') {
        if is_from_line(line) {
            out.push(Vec::new());
            continue; // the envelope line itself
        }
        let current = match out.last_mut() {
            Some(c) => c,
            None => {
                out.push(Vec::new());
                out.last_mut().expect("pushed")
            }
        };
        let gt = line.iter().take_while(|&&b| b == b'>').count();
        if gt > 0 && line[gt..].starts_with(b"From ") {
            current.extend_from_slice(&line[1..]);
        } else {
            current.extend_from_slice(line);
        }
        current.push(b'\n');
    }
    out
}

/// git's `is_from_line`: `From ` and something ending in a time (`hh:mm:ss`) and a year.
fn is_from_line(line: &[u8]) -> bool {
    if line.len() < 19 || !line.starts_with(b"From ") {
        return false;
    }
    let Some(colon) = line[5..line.len() - 1].iter().rposition(|&b| b == b':').map(|p| p + 5) else { return false };
    let digit = |i: Option<usize>| i.and_then(|i| line.get(i)).is_some_and(u8::is_ascii_digit);
    let ok = [colon.checked_sub(4), colon.checked_sub(2), colon.checked_sub(1), Some(colon + 1), Some(colon + 2)]
        .into_iter()
        .all(digit);
    let year: String = line
        .get(colon + 3..)
        .unwrap_or_default()
        .iter()
        .map(|&b| b as char)
        .skip_while(char::is_ascii_whitespace)
        .take_while(char::is_ascii_digit)
        .collect();
    ok && year.parse::<u32>().is_ok_and(|y| y > 90)
}

/// The text parts of a message, depth first: (decoded text, transfer-decoded bytes).
fn text_parts(part: &mailparse::ParsedMail, out: &mut Vec<(String, Vec<u8>)>) {
    if !part.subparts.is_empty() {
        for p in &part.subparts {
            text_parts(p, out);
        }
        return;
    }
    let mime = part.ctype.mimetype.to_ascii_lowercase();
    let patchy = mime.starts_with("text/")
        || mime.contains("patch")
        || mime.contains("diff")
        || mime == "application/octet-stream";
    if !patchy || mime == "text/html" {
        return;
    }
    let raw = part.get_body_raw().unwrap_or_default();
    let text = part.get_body().unwrap_or_else(|_| String::from_utf8_lossy(&raw).into_owned());
    out.push((text.replace("\r\n", "\n"), raw.iter().copied().filter(|&b| b != b'\r').collect()));
}

fn parse_message(raw: &[u8], index: usize, source: &str) -> Result<Parsed, MboxError> {
    // A message mailparse cannot read is read as one text part: headers, blank line, body.
    let (headers, parts) = match mailparse::parse_mail(raw) {
        Ok(m) => {
            let mut parts = Vec::new();
            text_parts(&m, &mut parts);
            let h =
                |name: &str| m.headers.iter().find(|h| h.get_key().eq_ignore_ascii_case(name)).map(|h| h.get_value());
            let headers: Vec<Option<String>> = ["Subject", "From", "Date", "Message-ID"].iter().map(|n| h(n)).collect();
            (headers, parts)
        }
        Err(_) => {
            let body = raw.windows(2).position(|w| w == b"\n\n").map_or(&[][..], |p| &raw[p + 2..]);
            (vec![None; 4], vec![(String::from_utf8_lossy(body).into_owned(), body.to_vec())])
        }
    };
    let header = |i: usize| headers[i].as_deref().map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "));
    let (mut subject_line, mut author) = (header(0).unwrap_or_default(), header(1).unwrap_or_default());
    let mut date = header(2);
    let message_id = header(3);

    // The prose comes from the first text part; the diff from the first part that has one.
    let prose_part = parts.first().map(|p| p.0.clone()).unwrap_or_default();
    let diff_part = parts.iter().find_map(|(_, raw)| find_line(raw, b"diff --git ").map(|at| (raw, at)));
    let mut base = BaseInfo::default();
    for (text, _) in &parts {
        base.read(text);
    }
    let mut prose: String = match &diff_part {
        Some((raw, _)) if std::ptr::eq(*raw, &parts[0].1) => {
            let cut = find_line(prose_part.as_bytes(), b"diff --git ").unwrap_or(prose_part.len());
            prose_part[..cut].to_string()
        }
        _ => prose_part,
    };
    prose = after_scissors(&prose).unwrap_or(prose);

    // In-body `From:`, `Subject:` and `Date:` override the headers, as `git am` does.
    prose = prose.trim_start_matches('\n').to_string();
    loop {
        let first = prose.lines().next().unwrap_or("");
        if let Some(v) = first.strip_prefix("From:") {
            author = v.trim().to_string();
        } else if let Some(v) = first.strip_prefix("Subject:") {
            subject_line = v.trim().to_string();
        } else if let Some(v) = first.strip_prefix("Date:") {
            date = Some(v.trim().to_string());
        } else {
            break;
        }
        prose = prose.split_once('\n').map(|x| x.1.to_string()).unwrap_or_default();
    }
    let (prefix, number, version, subject) = strip_subject(&subject_line);
    let Some((raw, at)) = diff_part else {
        return Ok(Parsed::NoDiff { subject, number, version, message_id, base });
    };
    let diff = clean_diff(&raw[at..]);
    parse_diff(&String::from_utf8_lossy(&diff)).map_err(|error| MboxError::BadDiff {
        source: source.into(),
        message: index,
        subject: subject.clone(),
        error,
    })?;
    let body: Vec<&str> = prose.lines().take_while(|l| !patch_break(l)).collect();
    let body = body.join("\n").trim_matches(|c: char| c.is_whitespace()).to_string();
    let message = if body.is_empty() { format!("{subject}\n") } else { format!("{subject}\n\n{body}\n") };
    let mail = Mail {
        subject,
        prefix,
        number,
        version,
        author,
        date,
        message_id,
        message,
        diff,
        index,
        source: String::new(),
    };
    Ok(Parsed::Patch(mail, base))
}

/// The diff without the mail signature (`-- ` line) and the base information lines
/// `git format-patch --base` and b4 put after it.
fn clean_diff(diff: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(diff.len());
    for line in diff.split_inclusive(|&b| b == b'\n') {
        if line == b"-- \n" || line == b"-- " {
            break;
        }
        if BaseInfo::is_base_line(&String::from_utf8_lossy(line)) {
            continue;
        }
        out.extend_from_slice(line);
    }
    out
}

/// `git mailinfo`'s patch break: where the commit message ends.
fn patch_break(line: &str) -> bool {
    if line.starts_with("diff -") || line.starts_with("Index: ") {
        return true;
    }
    let Some(rest) = line.strip_prefix("---") else { return false };
    let b = rest.as_bytes();
    (b.first() == Some(&b' ') && b.get(1).is_some_and(|c| !c.is_ascii_whitespace()))
        || b.iter().all(u8::is_ascii_whitespace)
}

/// What follows the last scissors line of the prose (as `git am --scissors`), if there is one.
fn after_scissors(prose: &str) -> Option<String> {
    let mut offset = 0;
    let mut found = None;
    for line in prose.split_inclusive('\n') {
        if patch_break(line.trim_end_matches('\n')) {
            break;
        }
        offset += line.len();
        if is_scissors_line(line) {
            found = Some(offset);
        }
    }
    found.map(|at| prose[at..].to_string())
}

/// git's `is_scissors_line`: dashes and `>8`/`8<`/`>%`/`%<` marks, at least 8 visible columns,
/// the perforation more than a third of the line and marks more than half of the perforation.
fn is_scissors_line(line: &str) -> bool {
    let b = line.as_bytes();
    let (mut scissors, mut gap, mut perforation) = (0usize, 0usize, 0usize);
    let (mut first, mut last): (Option<usize>, Option<usize>) = (None, None);
    let mut in_perforation = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            if in_perforation {
                perforation += 1;
                gap += 1;
            }
            i += 1;
            continue;
        }
        last = Some(i);
        first.get_or_insert(i);
        if c == b'-' {
            in_perforation = true;
            perforation += 1;
            i += 1;
            continue;
        }
        let pair = &b[i..(i + 2).min(b.len())];
        if [&b">8"[..], b"8<", b">%", b"%<"].contains(&pair) {
            in_perforation = true;
            perforation += 2;
            scissors += 2;
            i += 2;
            continue;
        }
        in_perforation = false;
        i += 1;
    }
    let visible = match (first, last) {
        (Some(f), Some(l)) => l - f + 1,
        _ => 0,
    };
    scissors > 0 && visible >= 8 && visible < perforation * 3 && gap * 2 < perforation
}

/// Removes leading `[...]` groups and `Re:`; returns (bracket text, n/N, version, subject).
pub(super) fn strip_subject(s: &str) -> (Option<String>, Option<(u32, u32)>, u32, String) {
    let mut rest = s.trim();
    let mut prefix = None;
    let mut number = None;
    let mut version = 1;
    loop {
        if let Some(r) = rest.strip_prefix("Re:").or_else(|| rest.strip_prefix("RE:")) {
            rest = r.trim_start();
        } else if rest.starts_with('[') {
            let Some(end) = rest.find(']') else { break };
            let inner = &rest[1..end];
            for word in inner.split_whitespace() {
                if let Some((a, b)) = word.split_once('/') {
                    if let (Ok(a), Ok(b)) = (a.parse(), b.parse()) {
                        number = Some((a, b));
                    }
                }
                if let Some(v) = word.strip_prefix(['v', 'V']).and_then(|v| v.parse().ok()) {
                    version = v;
                }
            }
            prefix.get_or_insert_with(|| inner.to_string());
            rest = rest[end + 1..].trim_start();
        } else {
            break;
        }
    }
    (prefix, number, version, rest.to_string())
}

/// Offset of the first line starting with `prefix`.
fn find_line(hay: &[u8], prefix: &[u8]) -> Option<usize> {
    if hay.starts_with(prefix) {
        return Some(0);
    }
    let mut pos = 0;
    while let Some(nl) = hay[pos..].iter().position(|&b| b == b'\n') {
        pos += nl + 1;
        if hay[pos..].starts_with(prefix) {
            return Some(pos);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scissors_lines_as_git_reads_them() {
        assert!(is_scissors_line("-- >8 --\n"));
        assert!(is_scissors_line("------------------------ >8 ------------------------\n"));
        assert!(is_scissors_line("--8<-- cut here --8<--\n"));
        assert!(!is_scissors_line("-- >8\n"), "shorter than 8 columns");
        assert!(!is_scissors_line("a -> b is >8 times faster than before\n"));
        assert!(!is_scissors_line("---\n"));
    }

    #[test]
    fn patch_breaks() {
        assert!(patch_break("---"));
        assert!(patch_break("---  "));
        assert!(patch_break("--- a/x.c"));
        assert!(patch_break("diff --git a/x b/x"));
        assert!(!patch_break(""));
        assert!(!patch_break("----- text"));
        assert!(!patch_break("---text"));
    }
}
