//! Who is an AI: trailer values (`Name <address>`) matched against a small list of known AI
//! tool identities, e-mail addresses and domains, and model ids. A word inside a person's name
//! is never enough: `Co-developed-by: Claude Dupont <claude@dupont.fr>` is a human, while
//! `Co-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>`,
//! `Signed-off-by: GitHub Copilot <copilot@github.com>` and `Assisted-by: Claude:claude-3-opus`
//! are not.
//!
//! The rule, in order (first match decides):
//! 1. the address is a known AI address, or its domain a known AI domain (`anthropic.com`),
//!    or it is a GitHub no-reply address of a known bot account (`<id>+Copilot@users.noreply…`);
//! 2. the name (without the address) is a known identity (`Copilot`, `GitHub Copilot`,
//!    `Claude`, `Claude Code`, `ChatGPT`…), case-insensitively, possibly followed only by
//!    model words (`Claude Opus 4.1`, `Gemini 2.5 Pro`: each further word has a digit or is
//!    a model word such as `opus`, `pro`, `code`, `agent`);
//! 3. the name is `AGENT:MODEL` (the kernel's form) with a known agent, or a single model id
//!    (`gpt-4o`, `claude-3-opus`: a known name, a dash, then a digit or model word).
//!
//! The lists are data: `[identity]` in the policy file adds names, addresses and domains.

use serde::Serialize;

/// Identities of AI tools and models as they appear in trailers.
pub const BUILTIN_NAMES: &[&str] = &[
    "ai",
    "aider",
    "amazon q",
    "anthropic",
    "chatgpt",
    "claude",
    "claude code",
    "codeium",
    "codemender",
    "codex",
    "copilot",
    "cursor",
    "cursor agent",
    "deepseek",
    "devin",
    "gemini",
    "gemini code assist",
    "github copilot",
    "gpt",
    "grok",
    "jules",
    "llama",
    "llm",
    "mistral",
    "openai",
    "openai codex",
    "qwen",
    "windsurf",
];

/// Addresses used by AI tools when they commit or are credited.
pub const BUILTIN_ADDRESSES: &[&str] = &[
    "copilot@github.com",
    "codemender-patching@google.com",
    "noreply@anthropic.com",
    "claude@anthropic.com",
    "cursoragent@cursor.com",
    "noreply@openai.com",
    "codex@openai.com",
    "devin-ai-integration[bot]@users.noreply.github.com",
];

/// Domains whose every address is a tool's, not a person's, in trailers.
pub const BUILTIN_DOMAINS: &[&str] =
    &["anthropic.com", "openai.com", "cursor.com", "cognition.ai", "cognition-labs.com"];

/// Words that may follow an identity's name in a tool's display name (`Claude Opus 4`).
const MODEL_WORDS: &[&str] = &[
    "agent",
    "assistant",
    "chat",
    "code",
    "coder",
    "flash",
    "haiku",
    "instruct",
    "mini",
    "opus",
    "preview",
    "pro",
    "sonnet",
    "turbo",
    "ultra",
    "(anthropic)",
    "(openai)",
    "(google)",
    "(github)",
];

/// The lists one policy uses: the built-in ones plus the policy file's.
#[derive(Clone, Debug, Serialize)]
pub struct Identities {
    pub names: Vec<String>,
    pub addresses: Vec<String>,
    pub domains: Vec<String>,
}

impl Default for Identities {
    fn default() -> Identities {
        let own = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        Identities { names: own(BUILTIN_NAMES), addresses: own(BUILTIN_ADDRESSES), domains: own(BUILTIN_DOMAINS) }
    }
}

/// Why a trailer value names an AI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Match {
    Address(String),
    Domain(String),
    Name(String),
    AgentModel(String),
    ModelId(String),
}

impl Match {
    pub fn describe(&self) -> String {
        match self {
            Match::Address(a) => format!("the address {a} is a known AI tool's"),
            Match::Domain(d) => format!("the domain {d} is a known AI vendor's"),
            Match::Name(n) => format!("`{n}` is a known AI tool"),
            Match::AgentModel(a) => format!("`{a}` is AGENT:MODEL"),
            Match::ModelId(m) => format!("`{m}` is a model id"),
        }
    }
}

impl Identities {
    /// Adds the policy file's entries (lower-cased).
    pub fn extend(&mut self, names: &[String], addresses: &[String], domains: &[String]) {
        let lower = |l: &[String]| l.iter().map(|s| s.trim().to_ascii_lowercase()).collect::<Vec<_>>();
        self.names.extend(lower(names));
        self.addresses.extend(lower(addresses));
        self.domains.extend(lower(domains));
    }

    /// Does this trailer value (`Name <address>`, a bare name, `AGENT:MODEL [TOOLS]`) name an
    /// AI? `None` for a person.
    pub fn ai(&self, value: &str) -> Option<Match> {
        let (name, address) = split_address(value);
        if let Some(address) = address {
            let a = address.to_ascii_lowercase();
            if self.addresses.contains(&a) {
                return Some(Match::Address(address.to_string()));
            }
            if let Some((local, domain)) = a.rsplit_once('@') {
                if self.domains.iter().any(|d| domain == d || domain.ends_with(&format!(".{d}"))) {
                    return Some(Match::Domain(domain.to_string()));
                }
                // GitHub no-reply addresses are `<id>+<login>@users.noreply.github.com`: the
                // login decides (`Copilot` is a bot, `jdoe` a person).
                if domain == "users.noreply.github.com" {
                    let login = local.split_once('+').map_or(local, |(_, l)| l);
                    let login = login.trim_end_matches("[bot]");
                    if self.is_name(login) {
                        return Some(Match::Address(address.to_string()));
                    }
                }
            }
        }
        let name = name.trim();
        let lower = name.to_ascii_lowercase();
        if lower.is_empty() {
            return None;
        }
        // `AGENT:MODEL [TOOLS]`: the first word carries the colon.
        let first = lower.split_whitespace().next().unwrap_or("");
        if let Some((agent, model)) = first.split_once(':') {
            if self.is_name(agent) || self.model_id(model) {
                return Some(Match::AgentModel(name.split_whitespace().next().unwrap_or(name).to_string()));
            }
        }
        let words: Vec<&str> = lower.split_whitespace().collect();
        // The longest known name the value starts with, then only model words.
        for n in (1..=words.len()).rev() {
            let head = words[..n].join(" ");
            if self.is_name(&head) && words[n..].iter().all(|w| model_word(w)) {
                return Some(Match::Name(name.to_string()));
            }
        }
        if words.len() == 1 && self.model_id(words[0]) {
            return Some(Match::ModelId(name.to_string()));
        }
        None
    }

    fn is_name(&self, s: &str) -> bool {
        let s = s.to_ascii_lowercase();
        self.names.contains(&s)
    }

    /// `gpt-4o`, `claude-3-opus`, `gemini-2.5-pro`: a known name, a dash, then a digit or a
    /// model word.
    fn model_id(&self, s: &str) -> bool {
        let s = s.to_ascii_lowercase();
        s.split_once('-').is_some_and(|(head, rest)| {
            self.is_name(head)
                && (rest.starts_with(|c: char| c.is_ascii_digit())
                    || rest.split('-').next().is_some_and(|w| MODEL_WORDS.contains(&w)))
        })
    }
}

fn model_word(w: &str) -> bool {
    MODEL_WORDS.contains(&w) || w.chars().any(|c| c.is_ascii_digit())
}

/// An `Assisted-by:` value names an AI when the whole value does, or its first word (the
/// agent of `AGENT:MODEL [TOOLS]` or `LLM [TOOLS]`) does.
pub fn assisted_by_ai(ids: &Identities, value: &str) -> Option<Match> {
    ids.ai(value).or_else(|| {
        let first = value.split_whitespace().next()?;
        ids.ai(first.split(':').next().unwrap_or(first)).map(|_| Match::Name(first.to_string()))
    })
}

/// `Name <address>` -> (name, address); a value without `<...>` is all name, unless it is a
/// bare address.
pub fn split_address(value: &str) -> (&str, Option<&str>) {
    let value = value.trim();
    if let (Some(open), Some(close)) = (value.find('<'), value.rfind('>')) {
        if open < close {
            return (value[..open].trim(), Some(value[open + 1..close].trim()));
        }
    }
    if !value.contains(' ') && value.contains('@') {
        return ("", Some(value));
    }
    (value, None)
}

/// A `Signed-off-by:` line anywhere in the message before `---`: in the trailer block or, as
/// in QEMU mirror commit 0d4985abea, in a body paragraph that git does not read as trailers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignOff {
    pub value: String,
    /// 1-based line in the message.
    pub line: u32,
    pub ai: Option<Match>,
}

/// Every `Signed-off-by:` line of the message (before a `---` line), with who signed.
pub fn sign_offs(message: &str, ids: &Identities) -> Vec<SignOff> {
    message
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .take_while(|l| *l != "---")
        .enumerate()
        .filter_map(|(i, l)| {
            let (key, value) = l.split_once(':')?;
            key.trim().eq_ignore_ascii_case("signed-off-by").then(|| SignOff {
                value: value.trim().to_string(),
                line: i as u32 + 1,
                ai: ids.ai(value),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools_are_ai_and_people_named_like_them_are_not() {
        let ids = Identities::default();
        for ai in [
            "Copilot <223556219+Copilot@users.noreply.github.com>",
            "GitHub Copilot <copilot@github.com>",
            "Claude <noreply@anthropic.com>",
            "Claude:claude-3-opus coccinelle sparse",
            "Claude Opus 4.1",
            "Gemini 2.5 Pro",
            "gpt-4o",
            "ChatGPT",
            "Someone <bot@openai.com>",
        ] {
            assert!(ids.ai(ai).is_some(), "{ai}");
        }
        for person in [
            "Claude Dupont <claude@dupont.fr>",
            "Claude Dupont",
            "Jane Doe <12345+jdoe@users.noreply.github.com>",
            "Gemini Smith <g@example.org>",
            "Cursor Jones",
            "A Human <human@example.org>",
            "",
        ] {
            assert_eq!(ids.ai(person), None, "{person}");
        }
    }

    #[test]
    fn assisted_by_takes_the_agent_word() {
        let ids = Identities::default();
        assert!(assisted_by_ai(&ids, "LLM coccinelle sparse").is_some());
        assert!(assisted_by_ai(&ids, "Claude:claude-3-opus coccinelle sparse").is_some());
        assert!(assisted_by_ai(&ids, "Claude Code (Anthropic)").is_some());
        assert_eq!(assisted_by_ai(&ids, "Jane Doe <jane@x.org>"), None);
    }

    #[test]
    fn the_lists_can_be_extended() {
        let mut ids = Identities::default();
        assert_eq!(ids.ai("HAL 9000 <hal@discovery.example>"), None);
        ids.extend(&["HAL".into()], &[], &["discovery.example".into()]);
        assert_eq!(ids.ai("Dave <dave@discovery.example>"), Some(Match::Domain("discovery.example".into())));
        assert!(ids.ai("HAL 9000").is_some());
    }

    #[test]
    fn sign_offs_in_body_paragraphs_are_found() {
        // QEMU mirror commit 0d4985abea, abridged.
        let msg = "target/i386/kvm: Reset PMU state\n\nFix this.\n\nFixes: 4c7f05232c (\"x\")\n\
Signed-off-by: GitHub Copilot <copilot@github.com>\n\nCo-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>\n\
Link: https://lore.kernel.org/x\n---\nSigned-off-by: below the line <x@y>\n";
        let s = sign_offs(msg, &Identities::default());
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].line, 6);
        assert_eq!(s[0].ai, Some(Match::Address("copilot@github.com".into())));
    }
}
