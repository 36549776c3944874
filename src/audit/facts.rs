//! What the audit page shows about each commit besides its revert verdict: the MAINTAINERS
//! sections it touches (at the audited revision), its `AI-used-for:` values, and where its
//! mail can be read (a `Link:` trailer, else a `Message-ID:` one through a URL template).

use std::collections::HashMap;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::policy::maintainers::Maintainers;
use crate::repo::{CommitId, CommitInfo, Repo};

/// One commit's facts for the page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommitFacts {
    /// The most specific MAINTAINERS section of each changed file, sorted, deduplicated.
    pub sections: Vec<String>,
    /// Raw `AI-used-for:` values.
    pub ai_used_for: Vec<String>,
    /// Where the patch's mail is archived, if the message says.
    pub mail: Option<String>,
}

/// Facts of every selected commit, by full id. `mail_url` is a template with `{msgid}` (the
/// Message-ID without its angle brackets).
pub fn gather(
    repo: &Repo,
    head: CommitId,
    selected: &[CommitInfo],
    mail_url: &str,
) -> Result<HashMap<String, CommitFacts>> {
    let maintainers =
        repo.file_at(repo.tree_of(head)?, "MAINTAINERS")?.map(|b| Maintainers::parse(&String::from_utf8_lossy(&b)));
    let git_dir = repo.git_dir().to_path_buf();
    let facts: Vec<Result<(String, CommitFacts)>> = selected
        .par_iter()
        .map_init(
            || Repo::open_git_dir(&git_dir),
            |r, info| {
                let r = r
                    .as_ref()
                    .map_err(|e| Error::Git { context: "opening the repository".into(), message: e.to_string() })?;
                let mut sections = Vec::new();
                if let (Some(m), Some(&parent)) = (&maintainers, info.parents.first()) {
                    for (path, ..) in r.changed_paths(Some(r.tree_of(parent)?), r.tree_of(info.id)?)? {
                        if let Some(s) = m.sections_for(&path).first() {
                            sections.push(s.title.clone());
                        }
                    }
                }
                sections.sort();
                sections.dedup();
                let (ai_used_for, mail) = from_message(&info.message, mail_url);
                Ok((info.id.hex(), CommitFacts { sections, ai_used_for, mail }))
            },
        )
        .collect();
    facts.into_iter().collect()
}

/// The `AI-used-for:` values and the mail's address from a commit message.
pub fn from_message(message: &str, mail_url: &str) -> (Vec<String>, Option<String>) {
    let trailers = crate::policy::trailers::parse_trailers(message);
    let value = |key: &'static str| trailers.values(key).map(|t| t.value.trim());
    let ai: Vec<String> = value("AI-used-for").map(str::to_string).collect();
    let links: Vec<&str> = value("Link").filter(|v| v.starts_with("https://") || v.starts_with("http://")).collect();
    let lore = links.iter().find(|l| l.contains("lore.kernel.org")).or(links.first()).map(|l| l.to_string());
    let by_id = || {
        let id = value("Message-ID").next()?.trim_start_matches('<').trim_end_matches('>');
        // A message id is an addr-spec: anything else (spaces, slashes) is not one we link.
        let plausible = id.contains('@') && !id.chars().any(|c| c.is_whitespace() || c == '/' || c == '"');
        plausible.then(|| mail_url.replace("{msgid}", id))
    };
    (ai, lore.or_else(by_id))
}

#[cfg(test)]
mod tests {
    #[test]
    fn mail_links_from_link_or_message_id() {
        let tpl = "https://lore.kernel.org/r/{msgid}";
        let m = "x: y\n\nbody\n\nAI-used-for: code (tool: t)\nSigned-off-by: A <a@b>\nMessage-ID: <20250101.1@example.org>\n";
        let (ai, mail) = super::from_message(m, tpl);
        assert_eq!(ai, ["code (tool: t)"]);
        assert_eq!(mail.as_deref(), Some("https://lore.kernel.org/r/20250101.1@example.org"));
        let m = "x\n\nSigned-off-by: A <a@b>\nLink: https://lore.kernel.org/qemu-devel/abc@x/\nMessage-ID: <z@y>\n";
        assert_eq!(super::from_message(m, tpl).1.as_deref(), Some("https://lore.kernel.org/qemu-devel/abc@x/"));
        assert_eq!(super::from_message("x\n\nSigned-off-by: A <a@b>\n", tpl).1, None);
    }
}
