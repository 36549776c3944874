//! Mailed patches: `git format-patch` files, mboxes of many patches (as `b4 am` or a list archive
//! gives), bare emails and plain diffs, turned into `Mail`s in series order. Pure (applying them
//! is `repo`'s job) and total: any input gives patches or a `MboxError` that names it.

mod diff;
mod encoding;

use std::fmt;

pub use diff::{parse_diff, DiffError, FilePatch, Hunk, HunkLine};

/// One patch email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    /// Decoded, without the `[PATCH v2 3/7]` prefix.
    pub subject: String,
    /// What stood in the brackets, e.g. `PATCH v2 3/7`.
    pub prefix: Option<String>,
    /// `(3, 7)` from `3/7`.
    pub number: Option<(u32, u32)>,
    pub author: String,
    pub date: Option<String>,
    pub message_id: Option<String>,
    /// The commit message as `git am` makes it: subject, blank line, body up to `---`.
    pub message: String,
    /// The unified diff, from the first `diff --git` line, without the mail signature.
    pub diff: String,
    /// 0-based position in the input.
    pub index: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MboxError {
    Empty { source: String },
    NotMbox { source: String, first_line: String },
    NoPatches { source: String, messages: usize },
    BadDiff { source: String, message: usize, subject: String, error: DiffError },
    NotUtf8 { source: String, message: usize, subject: String },
}

impl fmt::Display for MboxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MboxError::Empty { source } => write!(f, "{source}: empty input"),
            MboxError::NotMbox { source, first_line } => {
                write!(f, "{source}: not an mbox, a patch email or a diff (first line: `{first_line}`)")
            }
            MboxError::NoPatches { source, messages } => {
                write!(f, "{source}: no patches found ({messages} messages, none with a diff)")
            }
            MboxError::BadDiff { source, message, subject, error } => {
                write!(f, "{source}: message {} (\"{subject}\"): {error}", message + 1)
            }
            MboxError::NotUtf8 { source, message, subject } => {
                write!(f, "{source}: message {} (\"{subject}\"): the diff is not UTF-8", message + 1)
            }
        }
    }
}

impl std::error::Error for MboxError {}

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
    "return-path",
    "received",
    "x-mailer",
];

/// Parses `bytes` (named `source` in errors) into patch mails in series order.
pub fn parse_mbox(bytes: &[u8], source: &str) -> Result<Vec<Mail>, MboxError> {
    let text: Vec<u8> = bytes.iter().copied().filter(|&b| b != b'\r').collect();
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(MboxError::Empty { source: source.into() });
    }
    let first_line = String::from_utf8_lossy(text.split(|&b| b == b'\n').next().unwrap_or_default())
        .chars()
        .take(60)
        .collect::<String>();
    let messages: Vec<Vec<u8>> = if text.starts_with(b"From ") {
        split_mbox(&text)
    } else if looks_like_header(&first_line) {
        vec![text.clone()]
    } else if text.starts_with(b"diff --git ") || text.starts_with(b"--- ") || text.starts_with(b"Index: ") {
        let diff = String::from_utf8(text).map_err(|_| MboxError::NotUtf8 {
            source: source.into(),
            message: 0,
            subject: String::new(),
        })?;
        parse_diff(&diff).map_err(|error| MboxError::BadDiff {
            source: source.into(),
            message: 0,
            subject: String::new(),
            error,
        })?;
        return Ok(vec![Mail {
            subject: String::new(),
            prefix: None,
            number: None,
            author: String::new(),
            date: None,
            message_id: None,
            message: String::new(),
            diff,
            index: 0,
        }]);
    } else {
        return Err(MboxError::NotMbox { source: source.into(), first_line });
    };
    let total = messages.len();
    let mut mails = Vec::new();
    for (index, raw) in messages.iter().enumerate() {
        if let Some(mail) = parse_message(raw, index, source)? {
            mails.push(mail);
        }
    }
    if mails.is_empty() {
        return Err(MboxError::NoPatches { source: source.into(), messages: total });
    }
    if mails.iter().all(|m| m.number.is_some()) {
        mails.sort_by_key(|m| m.number.map(|n| n.0)); // stable: duplicates keep input order
    }
    Ok(mails)
}

fn looks_like_header(line: &str) -> bool {
    line.split_once(':').is_some_and(|(k, _)| HEADER_NAMES.contains(&k.to_ascii_lowercase().as_str()))
}

/// Splits an mbox at `From ` lines that start a message (at the start or after a blank line),
/// un-escaping `>From ` lines (mboxrd).
fn split_mbox(text: &[u8]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut prev_blank = true;
    for line in text.split(|&b| b == b'\n') {
        if line.starts_with(b"From ") && prev_blank {
            out.push(Vec::new());
            prev_blank = false;
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
        prev_blank = line.is_empty();
    }
    out
}

struct Headers(Vec<(String, String)>);

impl Headers {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

fn parse_headers(block: &[u8]) -> Headers {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in String::from_utf8_lossy(block).lines() {
        if (line.starts_with(' ') || line.starts_with('\t')) && !out.is_empty() {
            let last = out.last_mut().expect("checked non-empty");
            last.1.push(' ');
            last.1.push_str(line.trim());
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    Headers(out)
}

fn parse_message(raw: &[u8], index: usize, source: &str) -> Result<Option<Mail>, MboxError> {
    let split = find(raw, b"\n\n").map_or(raw.len(), |p| p + 1);
    let headers = parse_headers(&raw[..split]);
    let body_raw = raw.get(split + 1..).unwrap_or_default();
    let encoding = headers.get("Content-Transfer-Encoding").unwrap_or("8bit").to_ascii_lowercase();
    let charset = headers
        .get("Content-Type")
        .and_then(|ct| {
            ct.split(';').find_map(|p| p.trim().strip_prefix("charset=").map(|c| c.trim_matches('"').to_string()))
        })
        .unwrap_or_else(|| "utf-8".into());
    let body_bytes = match encoding.as_str() {
        "quoted-printable" => encoding::quoted_printable(body_raw, false),
        "base64" => encoding::base64(body_raw).unwrap_or_else(|| body_raw.to_vec()),
        _ => body_raw.to_vec(),
    };
    let (mut subject_line, mut author) =
        (encoding::header(headers.get("Subject").unwrap_or("")), encoding::header(headers.get("From").unwrap_or("")));

    // The diff must be exact text; the rest may be decoded leniently.
    let diff_at = find_line(&body_bytes, b"diff --git ").or_else(|| find_line(&body_bytes, b"Index: "));
    let (prose_bytes, diff_bytes) = match diff_at {
        Some(p) => (&body_bytes[..p], &body_bytes[p..]),
        None => (&body_bytes[..], &[][..]),
    };
    let mut prose = encoding::decode_charset(prose_bytes, &charset);
    let (prefix, number, subject) = strip_subject(&subject_line);
    if diff_bytes.is_empty() {
        return Ok(None); // a cover letter or a reply
    }
    let mut diff = String::from_utf8(diff_bytes.to_vec()).map_err(|_| MboxError::NotUtf8 {
        source: source.into(),
        message: index,
        subject: subject.clone(),
    })?;
    if let Some(sig) = diff.find("\n-- \n") {
        diff.truncate(sig + 1);
    }
    parse_diff(&diff).map_err(|error| MboxError::BadDiff {
        source: source.into(),
        message: index,
        subject: subject.clone(),
        error,
    })?;

    // In-body `From:` and `Subject:` override the headers, as `git am` does.
    loop {
        let first = prose.lines().next().unwrap_or("");
        if let Some(v) = first.strip_prefix("From:") {
            author = v.trim().to_string();
        } else if let Some(v) = first.strip_prefix("Subject:") {
            subject_line = v.trim().to_string();
        } else {
            break;
        }
        prose = prose.split_once('\n').map(|x| x.1.to_string()).unwrap_or_default();
    }
    let (_, _, subject) = if subject_line == encoding::header(headers.get("Subject").unwrap_or("")) {
        (prefix.clone(), number, subject)
    } else {
        strip_subject(&subject_line)
    };
    let body: Vec<&str> = prose.lines().take_while(|l| *l != "---").collect();
    let body = body.join("\n").trim().to_string();
    let message = if body.is_empty() { format!("{subject}\n") } else { format!("{subject}\n\n{body}\n") };
    Ok(Some(Mail {
        subject,
        prefix,
        number,
        author,
        date: headers.get("Date").map(str::to_string),
        message_id: headers.get("Message-ID").or(headers.get("Message-Id")).map(str::to_string),
        message,
        diff,
        index,
    }))
}

/// Removes leading `[...]` groups and `Re:`; returns (bracket text, n/N, subject).
fn strip_subject(s: &str) -> (Option<String>, Option<(u32, u32)>, String) {
    let mut rest = s.trim();
    let mut prefix = None;
    let mut number = None;
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
            }
            prefix.get_or_insert_with(|| inner.to_string());
            rest = rest[end + 1..].trim_start();
        } else {
            break;
        }
    }
    (prefix, number, rest.to_string())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
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
mod tests;
