//! Commit trailers read by git's rules, the `AI-used-for:` declaration, and findings about
//! them. Parses tolerantly (real trailers are not always well formed) and reports precisely.
//! Never panics on any input (fuzzed).

use serde::Serialize;

mod block;

use super::identity::{self, Identities};

/// One `Key: value` trailer line (continuation lines folded in).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Trailer {
    pub key: String,
    pub value: String,
    /// 1-based line in the message.
    pub line: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Trailers {
    pub entries: Vec<Trailer>,
}

impl Trailers {
    pub fn values<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Trailer> + 'a {
        self.entries.iter().filter(move |t| t.key.eq_ignore_ascii_case(key))
    }
}

/// Reads the trailer block as `git interpret-trailers --parse` does (see `block.rs` for git's
/// rules: last paragraph before the patch part, all trailers or 25 % with a git-generated one,
/// continuation lines, `Key : value`).
pub fn parse_trailers(message: &str) -> Trailers {
    let layout = block::layout(message);
    let entries = block::entries(&layout.lines, layout.block.clone());
    Trailers { entries: entries.into_iter().map(|(i, key, value)| trailer(i, key, value)).collect() }
}

/// `Key: value` lines of the message body outside its trailer block (in an earlier paragraph
/// than the block): git does not read them as trailers.
pub fn outside_block(message: &str) -> Vec<Trailer> {
    let layout = block::layout(message);
    let body = layout.end_of_title..layout.block.start.min(layout.end);
    block::entries(&layout.lines, body).into_iter().map(|(i, key, value)| trailer(i, key, value)).collect()
}

fn trailer(index: usize, key: String, value: String) -> Trailer {
    Trailer { key, value, line: u32::try_from(index + 1).unwrap_or(u32::MAX) }
}

/// A declared scope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    Code,
    Tests,
    Docs,
    Research,
    Analysis,
    /// Anything else, kept as written.
    Unknown(String),
}

impl ScopeKind {
    fn parse(word: &str) -> ScopeKind {
        match word.trim().to_ascii_lowercase().as_str() {
            "code" => ScopeKind::Code,
            "tests" | "test" => ScopeKind::Tests,
            "docs" | "doc" | "documentation" => ScopeKind::Docs,
            "research" => ScopeKind::Research,
            "analysis" => ScopeKind::Analysis,
            _ => ScopeKind::Unknown(word.trim().to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            ScopeKind::Code => "code",
            ScopeKind::Tests => "tests",
            ScopeKind::Docs => "docs",
            ScopeKind::Research => "research",
            ScopeKind::Analysis => "analysis",
            ScopeKind::Unknown(s) => s,
        }
    }
}

/// One scope with its parenthesised note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Scope {
    pub kind: ScopeKind,
    pub note: Option<String>,
    pub tool: Option<String>,
    pub model: Option<String>,
    pub extent: Option<String>,
    pub line: u32,
}

/// Everything the `AI-used-for:` trailers declare.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AiUse {
    pub scopes: Vec<Scope>,
    /// The raw values, one per trailer line.
    pub raw: Vec<String>,
}

impl AiUse {
    pub fn declared(&self) -> bool {
        !self.raw.is_empty()
    }
}

/// What a profile requires of the note.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TrailerRequirements {
    pub require_tool: bool,
    pub require_model: bool,
}

/// Problems with a commit's trailers. `OutsideBlock`: a trailer git does not read as one, in an
/// earlier paragraph than the trailer block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum TrailerFinding {
    MissingSignedOff,
    /// An `AI-used-for:` or `Signed-off-by:` above the trailer block, where git does not read it.
    OutsideBlock {
        key: String,
        line: u32,
    },
    AiAfterSignedOff {
        line: u32,
    },
    UnknownScope {
        raw: String,
        line: u32,
    },
    ForeignAiAttribution {
        key: String,
        value: String,
        line: u32,
    },
    Malformed {
        raw: String,
        why: String,
        line: u32,
    },
    MissingTool {
        line: u32,
    },
    MissingModel {
        line: u32,
    },
    /// A `Signed-off-by:` by an AI identity: the DCO needs a human, under every profile.
    AiSignedOff {
        value: String,
        line: u32,
        why: String,
        in_body: bool,
    },
    /// Sign-offs, but none by a human (all are an AI's).
    NoHumanSignedOff {
        ai: Vec<String>,
    },
}

impl TrailerFinding {
    pub fn code(&self) -> &'static str {
        match self {
            TrailerFinding::MissingSignedOff => "missing_signed_off_by",
            TrailerFinding::OutsideBlock { .. } => "trailer_outside_block",
            TrailerFinding::AiAfterSignedOff { .. } => "ai_after_signed_off_by",
            TrailerFinding::UnknownScope { .. } => "unknown_scope",
            TrailerFinding::ForeignAiAttribution { .. } => "foreign_ai_attribution",
            TrailerFinding::Malformed { .. } => "malformed_trailer",
            TrailerFinding::MissingTool { .. } => "missing_tool",
            TrailerFinding::MissingModel { .. } => "missing_model",
            TrailerFinding::AiSignedOff { .. } => "ai_signed_off_by",
            TrailerFinding::NoHumanSignedOff { .. } => "no_human_signed_off_by",
        }
    }

    pub fn line(&self) -> Option<u32> {
        match self {
            TrailerFinding::MissingSignedOff | TrailerFinding::NoHumanSignedOff { .. } => None,
            TrailerFinding::AiAfterSignedOff { line }
            | TrailerFinding::OutsideBlock { line, .. }
            | TrailerFinding::UnknownScope { line, .. }
            | TrailerFinding::ForeignAiAttribution { line, .. }
            | TrailerFinding::Malformed { line, .. }
            | TrailerFinding::MissingTool { line }
            | TrailerFinding::MissingModel { line }
            | TrailerFinding::AiSignedOff { line, .. } => Some(*line),
        }
    }

    /// Does it make the AI declaration unusable (the `malformed-trailer` verdict)?
    pub fn invalidates_declaration(&self) -> bool {
        matches!(
            self,
            TrailerFinding::UnknownScope { .. }
                | TrailerFinding::ForeignAiAttribution { .. }
                | TrailerFinding::Malformed { .. }
                | TrailerFinding::MissingTool { .. }
                | TrailerFinding::MissingModel { .. }
        )
    }

    pub fn message(&self) -> String {
        match self {
            TrailerFinding::MissingSignedOff => "no Signed-off-by: every commit needs a human's (DCO)".into(),
            TrailerFinding::AiAfterSignedOff { .. } => {
                "AI-used-for: goes before Signed-off-by: in the trailer block".into()
            }
            TrailerFinding::OutsideBlock { key, .. } => format!(
                "`{key}:` is not in the trailer block (the last paragraph), so git does not read it as a trailer: move it there"
            ),
            TrailerFinding::UnknownScope { raw, .. } => {
                format!("AI-used-for: unknown scope `{raw}` (known: code, tests, docs, research, analysis)")
            }
            TrailerFinding::ForeignAiAttribution { key, value, .. } => {
                format!("AI use marked with `{key}: {value}`; QEMU uses `AI-used-for:` (and not {key}) for AI")
            }
            TrailerFinding::Malformed { raw, why, .. } => format!("AI-used-for: `{raw}`: {why}"),
            TrailerFinding::MissingTool { .. } => "AI-used-for: the profile requires `tool: <name>` in the note".into(),
            TrailerFinding::MissingModel { .. } => {
                "AI-used-for: the profile requires `model: <version>` in the note".into()
            }
            TrailerFinding::AiSignedOff { value, why, in_body, .. } => format!(
                "`Signed-off-by: {value}` is an AI's ({why}){}: the DCO needs a human's sign-off",
                if *in_body { ", in a body paragraph rather than the trailer block" } else { "" }
            ),
            TrailerFinding::NoHumanSignedOff { ai } => format!(
                "no human Signed-off-by: the only sign-off{} ({}) {} an AI's; every commit needs a human's (DCO)",
                if ai.len() == 1 { "" } else { "s" },
                ai.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", "),
                if ai.len() == 1 { "is" } else { "are" }
            ),
        }
    }
}

/// Parses the `AI-used-for:` values of `trailers`, with findings for what is malformed.
pub fn ai_use(trailers: &Trailers) -> (AiUse, Vec<TrailerFinding>) {
    let mut out = AiUse::default();
    let mut findings = Vec::new();
    for t in trailers.values("AI-used-for") {
        out.raw.push(t.value.clone());
        if t.value.is_empty() {
            findings.push(TrailerFinding::Malformed { raw: String::new(), why: "empty value".into(), line: t.line });
            continue;
        }
        let Some(items) = split_top_level(&t.value) else {
            findings.push(TrailerFinding::Malformed {
                raw: t.value.clone(),
                why: "unbalanced parentheses".into(),
                line: t.line,
            });
            continue;
        };
        for item in items {
            let (word, note) = match item.find('(') {
                Some(open) => (item[..open].trim(), Some(item[open + 1..].trim_end().trim_end_matches(')').trim())),
                None => (item.trim(), None),
            };
            if word.split_whitespace().count() > 1 {
                findings.push(TrailerFinding::Malformed {
                    raw: t.value.clone(),
                    why: "reads as prose, not a list of scopes (code, tests, docs, research, analysis)".into(),
                    line: t.line,
                });
                continue;
            }
            let kind = ScopeKind::parse(word);
            if let ScopeKind::Unknown(raw) = &kind {
                findings.push(TrailerFinding::UnknownScope { raw: raw.clone(), line: t.line });
            }
            let mut scope =
                Scope { kind, note: note.map(str::to_string), tool: None, model: None, extent: None, line: t.line };
            if let Some(note) = note {
                for part in note.split(',') {
                    if let Some((k, v)) = part.split_once(':') {
                        let v = Some(v.trim().to_string()).filter(|v| !v.is_empty());
                        match k.trim().to_ascii_lowercase().as_str() {
                            "tool" => scope.tool = v,
                            "model" => scope.model = v,
                            "extent" => scope.extent = v,
                            _ => {}
                        }
                    }
                }
            }
            out.scopes.push(scope);
        }
    }
    (out, findings)
}

/// Splits on commas outside parentheses; `None` when parentheses do not balance.
fn split_top_level(value: &str) -> Option<Vec<&str>> {
    let mut depth = 0i32;
    let mut start = 0;
    let mut items = Vec::new();
    for (i, c) in value.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            ',' if depth == 0 => {
                items.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return None;
    }
    items.push(&value[start..]);
    Some(items.into_iter().map(str::trim).filter(|s| !s.is_empty()).collect())
}

/// Reads a commit message's trailers, its AI declaration, and every finding about them, with
/// the built-in AI identities.
pub fn check_trailers(message: &str, req: &TrailerRequirements) -> (Trailers, AiUse, Vec<TrailerFinding>) {
    check_trailers_with(message, req, &Identities::default())
}

/// `check_trailers` with the policy's AI identities (`identity.rs`).
pub fn check_trailers_with(
    message: &str,
    req: &TrailerRequirements,
    ids: &Identities,
) -> (Trailers, AiUse, Vec<TrailerFinding>) {
    let trailers = parse_trailers(message);
    // An `AI-used-for:` above the block still says what the author meant: read it, and say
    // where it should be.
    let outside = outside_block(message);
    let misplaced = |key: &'static str| outside.iter().filter(move |t| t.key.eq_ignore_ascii_case(key));
    let mut declaring = trailers.clone();
    declaring.entries.extend(misplaced("AI-used-for").cloned());
    declaring.entries.sort_by_key(|t| t.line);
    let (ai, mut findings) = ai_use(&declaring);
    for t in misplaced("AI-used-for") {
        findings.push(TrailerFinding::OutsideBlock { key: t.key.clone(), line: t.line });
    }
    let first_sob = trailers.values("Signed-off-by").map(|t| t.line).min();
    let sign_offs = identity::sign_offs(message, ids);
    let block: Vec<u32> = trailers.values("Signed-off-by").map(|t| t.line).collect();
    for s in &sign_offs {
        if let Some(why) = &s.ai {
            findings.push(TrailerFinding::AiSignedOff {
                value: s.value.clone(),
                line: s.line,
                why: why.describe(),
                in_body: !block.contains(&s.line),
            });
        }
    }
    let ai_only = !sign_offs.is_empty() && sign_offs.iter().all(|s| s.ai.is_some());
    match first_sob {
        _ if ai_only => {
            findings.push(TrailerFinding::NoHumanSignedOff { ai: sign_offs.iter().map(|s| s.value.clone()).collect() })
        }
        None => match misplaced("Signed-off-by").next() {
            Some(t) => findings.push(TrailerFinding::OutsideBlock { key: t.key.clone(), line: t.line }),
            None => findings.push(TrailerFinding::MissingSignedOff),
        },
        Some(sob) => {
            for t in trailers.values("AI-used-for").filter(|t| t.line > sob) {
                findings.push(TrailerFinding::AiAfterSignedOff { line: t.line });
            }
        }
    }
    for t in &trailers.entries {
        let key = t.key.to_ascii_lowercase();
        let foreign = match key.as_str() {
            "generated-by" => true,
            "assisted-by" => identity::assisted_by_ai(ids, &t.value).is_some(),
            "co-authored-by" | "co-developed-by" => ids.ai(&t.value).is_some(),
            _ => false,
        };
        if foreign {
            findings.push(TrailerFinding::ForeignAiAttribution {
                key: t.key.clone(),
                value: t.value.clone(),
                line: t.line,
            });
        }
    }
    if ai.declared() {
        let line = declaring.values("AI-used-for").map(|t| t.line).next().unwrap_or(0);
        let code_scopes: Vec<&Scope> = ai.scopes.iter().filter(|s| s.kind == ScopeKind::Code).collect();
        if req.require_tool && !code_scopes.is_empty() && code_scopes.iter().all(|s| s.tool.is_none()) {
            findings.push(TrailerFinding::MissingTool { line });
        }
        if req.require_model && !code_scopes.is_empty() && code_scopes.iter().all(|s| s.model.is_none()) {
            findings.push(TrailerFinding::MissingModel { line });
        }
    }
    (trailers, ai, findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSG: &str = "hw/foo: fix the reset\n\nLonger explanation: not a trailer.\n\n\
AI-used-for: code (tool: aider, model: claude-x-1, extent: wrote the fix), tests\n\
Signed-off-by: A Human <human@example.org>\n";

    #[test]
    fn scopes_notes_and_commas_inside_parentheses() {
        let (t, ai, f) = check_trailers(MSG, &TrailerRequirements { require_tool: true, require_model: true });
        assert_eq!(t.entries.len(), 2);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(ai.scopes.len(), 2);
        assert_eq!(ai.scopes[0].kind, ScopeKind::Code);
        assert_eq!(ai.scopes[0].tool.as_deref(), Some("aider"));
        assert_eq!(ai.scopes[0].model.as_deref(), Some("claude-x-1"));
        assert_eq!(ai.scopes[0].extent.as_deref(), Some("wrote the fix"));
        assert_eq!(ai.scopes[1].kind, ScopeKind::Tests);
        assert_eq!(ai.scopes[0].line, 5);
    }

    #[test]
    fn real_world_prose_is_malformed_and_misplacement_is_found() {
        let msg = "x: y\n\nbody\n\nSigned-off-by: A <a@b>\nAI-used-for: collecting comments and updating patch\n";
        let (_, ai, f) = check_trailers(msg, &TrailerRequirements::default());
        assert!(ai.declared());
        assert!(f.iter().any(|f| matches!(f, TrailerFinding::Malformed { .. })), "{f:?}");
        assert!(f.contains(&TrailerFinding::AiAfterSignedOff { line: 6 }), "{f:?}");
    }

    #[test]
    fn unknown_scope_unbalanced_and_empty() {
        let (_, _, f) = check_trailers("s\n\nAI-used-for: vibes\nSigned-off-by: A <a@b>\n", &Default::default());
        assert_eq!(f, vec![TrailerFinding::UnknownScope { raw: "vibes".into(), line: 3 }]);
        let (_, _, f) =
            check_trailers("s\n\nAI-used-for: code (tool: x\nSigned-off-by: A <a@b>\n", &Default::default());
        assert!(matches!(&f[0], TrailerFinding::Malformed { why, .. } if why.contains("unbalanced")));
        let (_, _, f) = check_trailers("s\n\nAI-used-for:\nSigned-off-by: A <a@b>\n", &Default::default());
        assert!(matches!(&f[0], TrailerFinding::Malformed { why, .. } if why == "empty value"));
    }

    #[test]
    fn foreign_ai_attribution_but_not_humans() {
        let msg =
            "s\n\nAssisted-by: Claude:claude-3-opus\nCo-developed-by: Jane Doe <jane@x.org>\nSigned-off-by: A <a@b>\n";
        let (_, ai, f) = check_trailers(msg, &Default::default());
        assert!(!ai.declared());
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(matches!(&f[0], TrailerFinding::ForeignAiAttribution { key, .. } if key == "Assisted-by"));
    }

    #[test]
    fn missing_sign_off_crlf_and_diffstat() {
        let msg = "s\r\n\r\nAI-used-for: docs\r\n---\r\n hw/foo.c | 2 +-\r\nSigned-off-by: not a trailer\r\n";
        let (t, ai, f) = check_trailers(msg, &Default::default());
        assert_eq!(t.entries.len(), 1);
        assert_eq!(ai.scopes[0].kind, ScopeKind::Docs);
        assert_eq!(f, vec![TrailerFinding::MissingSignedOff]);
    }

    #[test]
    fn a_body_paragraph_is_not_a_trailer_block_and_the_subject_never_is() {
        assert!(parse_trailers("Fixes: everything\n").entries.is_empty());
        let t = parse_trailers("s\n\nThis is prose: with a colon\nand more prose\n");
        assert!(t.entries.is_empty());
        let t = parse_trailers(
            "s\n\nReviewed-by: R <r@x>\n  continued\n(cherry picked from commit abc)\nSigned-off-by: A <a@b>\n",
        );
        assert_eq!(t.entries.len(), 2);
        assert_eq!(t.entries[0].value, "R <r@x> continued");
    }

    #[test]
    fn several_ai_lines_accumulate() {
        let (_, ai, _) =
            check_trailers("s\n\nAI-used-for: tests\nAI-used-for: docs\nSigned-off-by: A <a@b>\n", &Default::default());
        assert_eq!(ai.scopes.iter().map(|s| s.kind.as_str()).collect::<Vec<_>>(), ["tests", "docs"]);
    }
}
