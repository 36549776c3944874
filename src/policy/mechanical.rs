//! The proposal's "mechanical changes" category: `AI-used-for: code (refactoring)`, or a note
//! naming a deterministic tool (Coccinelle, sed, a formatter, a `scripts/` tool). Such a change
//! has no line cap, but the commit message must name the command used (all drafts:
//! deterministic tools "must be named in the commit message"), and its hunks should be the same
//! edit at every site: different edits at different sites are not what a tool does.
//!
//! Pure: reads the declaration, the message and the hunks' text.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::trailers::{AiUse, ScopeKind};

/// Words of a `code` scope's note that claim a mechanical change.
const MECHANICAL_WORDS: &[&str] = &[
    "refactoring",
    "refactor",
    "mechanical",
    "coccinelle",
    "spatch",
    "sed",
    "formatter",
    "clang-format",
    "indent",
    "perl",
    "rename",
];

/// A mechanical claim: what in the note made it one, and the command the message names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mechanical {
    /// The note (or its word) that claims it.
    pub claim: String,
    /// A message line naming the command, if any.
    pub command: Option<String>,
}

/// Does the declaration claim a mechanical change?
pub fn claim(ai: &AiUse, message: &str) -> Option<Mechanical> {
    let note = ai.scopes.iter().filter(|s| s.kind == ScopeKind::Code).find_map(|s| {
        let note = s.note.as_deref()?;
        let lower = note.to_ascii_lowercase();
        let words = lower.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '/' || c == '_'));
        words
            .clone()
            .any(|w| MECHANICAL_WORDS.contains(&w) || (w.starts_with("scripts/") && w.len() > 8))
            .then(|| note.to_string())
    })?;
    Some(Mechanical { claim: note, command: command(message) })
}

/// The first line of the message (above `---`, outside the trailer keys) that names a command:
/// `spatch`, a `.cocci` file, `sed`, `perl -pi`, a formatter, a `scripts/` tool, or a `$ ` line.
pub fn command(message: &str) -> Option<String> {
    message
        .lines()
        .skip(1)
        .take_while(|l| l.trim_end() != "---")
        .map(str::trim)
        .filter(|l| !l.to_ascii_lowercase().starts_with("ai-used-for:"))
        .find(|l| {
            let lower = l.to_ascii_lowercase();
            lower.starts_with("$ ")
                || lower.contains("spatch")
                || lower.contains(".cocci")
                || lower.contains("sed -")
                || lower.contains("sed '")
                || lower.contains("sed \"")
                || lower.contains("sed s")
                || lower.contains("perl -p")
                || lower.contains("clang-format")
                || lower.contains("scripts/")
        })
        .map(str::to_string)
}

/// One hunk's edit, with what differs from site to site taken out: the tokens it removes that
/// it does not add back, and those it adds that it did not remove. `g_malloc(sizeof(T))` ->
/// `g_new(T, 1)` gives the same shape whatever `T` is.
pub fn edit_shape(removed: &[&str], added: &[&str]) -> String {
    let tokens = |lines: &[&str]| -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for l in lines {
            for t in tokenize(l) {
                *m.entry(t).or_insert(0) += 1;
            }
        }
        m
    };
    let (old, new) = (tokens(removed), tokens(added));
    let only = |a: &BTreeMap<String, usize>, b: &BTreeMap<String, usize>| -> BTreeSet<String> {
        a.iter().filter(|(t, n)| b.get(*t).is_none_or(|m| m < n)).map(|(t, _)| t.clone()).collect()
    };
    let (gone, came) = (only(&old, &new), only(&new, &old));
    format!("-{} +{}", gone.into_iter().collect::<Vec<_>>().join(" "), came.into_iter().collect::<Vec<_>>().join(" "))
}

fn tokenize(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in line.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        if !c.is_whitespace() {
            out.push(c.to_string());
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// How uniform a set of edits is: the number of distinct shapes and how many sites the most
/// common one covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Uniformity {
    pub sites: usize,
    pub shapes: usize,
    pub dominant: usize,
}

impl Uniformity {
    pub fn of<'a>(shapes: impl Iterator<Item = &'a str>) -> Uniformity {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for s in shapes {
            *counts.entry(s).or_insert(0) += 1;
        }
        Uniformity {
            sites: counts.values().sum(),
            shapes: counts.len(),
            dominant: counts.values().copied().max().unwrap_or(0),
        }
    }

    /// Different edits at different sites: at least three sites, and the most common edit at
    /// fewer than half of them.
    pub fn is_uniform(&self) -> bool {
        self.sites < 3 || self.dominant * 2 >= self.sites
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::trailers::{check_trailers, TrailerRequirements};

    fn ai(msg: &str) -> AiUse {
        check_trailers(msg, &TrailerRequirements::default()).1
    }

    #[test]
    fn refactoring_and_tools_are_mechanical_other_notes_are_not() {
        let m = "s\n\nDone with:\n  spatch --sp-file scripts/coccinelle/x.cocci --in-place hw/\n\nAI-used-for: code (refactoring)\nSigned-off-by: A <a@b>\n";
        let c = claim(&ai(m), m).unwrap();
        assert_eq!(c.claim, "refactoring");
        assert_eq!(c.command.as_deref(), Some("spatch --sp-file scripts/coccinelle/x.cocci --in-place hw/"));
        let m = "s\n\nAI-used-for: code (tool: scripts/clean-includes)\nSigned-off-by: A <a@b>\n";
        assert!(claim(&ai(m), m).is_some_and(|c| c.command.is_none()));
        let m = "s\n\nAI-used-for: code (tool: aider, model: x)\nSigned-off-by: A <a@b>\n";
        assert_eq!(claim(&ai(m), m), None);
        let m = "s\n\nAI-used-for: docs (refactoring)\nSigned-off-by: A <a@b>\n";
        assert_eq!(claim(&ai(m), m), None);
    }

    #[test]
    fn the_same_edit_at_every_site_is_uniform() {
        let a = edit_shape(&["p = g_malloc(sizeof(Foo));"], &["p = g_new(Foo, 1);"]);
        let b = edit_shape(&["q = g_malloc(sizeof(BarState));"], &["q = g_new(BarState, 1);"]);
        assert_eq!(a, b);
        let c = edit_shape(&["if (x > 3) {"], &["if (x >= 3) {"]);
        let d = edit_shape(&["return 0;"], &["return -EINVAL;"]);
        let e = edit_shape(&["s->len = 0;"], &["s->len = 1;"]);
        assert!(Uniformity::of([a.as_str(), b.as_str(), a.as_str()].into_iter()).is_uniform());
        let u = Uniformity::of([a.as_str(), c.as_str(), d.as_str(), e.as_str()].into_iter());
        assert_eq!((u.sites, u.shapes, u.dominant), (4, 4, 1));
        assert!(!u.is_uniform());
    }
}
