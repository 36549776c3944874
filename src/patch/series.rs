//! The messages of all inputs into one series: cover letters set aside (their subject is the
//! title), patches ordered by their `n/N`, duplicates checked once, missing patches reported, mixed
//! versions refused, and the base information (`base-commit:`, prerequisites) gathered.

use std::collections::BTreeMap;

use super::mail::{split, Parsed};
use super::{Mail, MboxError};

/// What `git format-patch --base` and b4 say the series applies to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BaseInfo {
    /// `base-commit: <sha>`.
    pub base_commit: Option<String>,
    /// `prerequisite-patch-id: <id>`: patches not in the base that the series needs.
    pub prerequisite_patch_ids: Vec<String>,
    /// b4's `prerequisite-message-id: <msgid>`: a series the series needs.
    pub prerequisite_message_ids: Vec<String>,
}

impl BaseInfo {
    pub(super) fn is_base_line(line: &str) -> bool {
        ["base-commit: ", "prerequisite-patch-id: ", "prerequisite-message-id: ", "prerequisite-change-id: "]
            .iter()
            .any(|p| line.starts_with(p))
    }

    /// Reads the base lines of a message body.
    pub(super) fn read(&mut self, text: &str) {
        for line in text.lines() {
            let value = |p: &str| line.strip_prefix(p).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
            if let Some(v) = value("base-commit:") {
                self.base_commit.get_or_insert(v);
            } else if let Some(v) = value("prerequisite-patch-id:") {
                if !self.prerequisite_patch_ids.contains(&v) {
                    self.prerequisite_patch_ids.push(v);
                }
            } else if let Some(v) = value("prerequisite-message-id:") {
                if !self.prerequisite_message_ids.contains(&v) {
                    self.prerequisite_message_ids.push(v);
                }
            }
        }
    }

    fn merge(&mut self, other: BaseInfo) {
        if self.base_commit.is_none() {
            self.base_commit = other.base_commit;
        }
        for id in other.prerequisite_patch_ids {
            if !self.prerequisite_patch_ids.contains(&id) {
                self.prerequisite_patch_ids.push(id);
            }
        }
        for id in other.prerequisite_message_ids {
            if !self.prerequisite_message_ids.contains(&id) {
                self.prerequisite_message_ids.push(id);
            }
        }
    }

    fn has_prerequisites(&self) -> bool {
        !self.prerequisite_patch_ids.is_empty() || !self.prerequisite_message_ids.is_empty()
    }
}

/// A mailed series, ready to apply.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Series {
    /// The (last) cover letter's subject, without its `[PATCH 0/N]`.
    pub title: Option<String>,
    /// The cover letter's Message-ID, else the first patch's.
    pub message_id: Option<String>,
    pub base: BaseInfo,
    /// The patches, in the order to apply them.
    pub mails: Vec<Mail>,
    /// What was done about the input that the report should say (duplicates, skipped mails).
    pub notes: Vec<String>,
}

/// Reads every input (name, bytes) and makes one series of their patches.
pub fn series(inputs: &[(String, Vec<u8>)]) -> Result<Series, MboxError> {
    let source = describe(inputs);
    let mut mails: Vec<Mail> = Vec::new();
    let mut cover: Option<(String, u32, Option<String>)> = None;
    let mut base = BaseInfo::default();
    let mut cover_base = BaseInfo::default();
    let mut others = 0usize;
    let mut messages = 0usize;
    for (name, bytes) in inputs {
        for parsed in split(bytes, name)? {
            messages += 1;
            match parsed {
                Parsed::Patch(mut mail, b) => {
                    base.merge(b);
                    mail.index = mails.len();
                    mail.source = name.clone();
                    mails.push(mail);
                }
                Parsed::NoDiff { subject, number, version, message_id, base: b } => {
                    cover_base.merge(b);
                    if number.is_some_and(|n| n.0 == 0) {
                        // With prerequisites given first, the last cover is the series on top.
                        cover = Some((subject, version, message_id));
                    } else {
                        others += 1;
                    }
                }
            }
        }
    }
    if mails.is_empty() {
        return Err(MboxError::NoPatches { source, messages });
    }
    cover_base.merge(base);
    let base = cover_base;
    let mut notes = Vec::new();
    if others > 0 {
        notes.push(format!("{others} message(s) without a diff and not a cover letter (replies?) skipped"));
    }

    // One series, one version, unless the series says it builds on others (given first).
    let mut groups: Vec<(u32, u32)> = Vec::new();
    for m in &mails {
        let key = (m.version, m.number.map_or(1, |n| n.1));
        if !groups.contains(&key) {
            groups.push(key);
        }
    }
    if groups.len() > 1 && !base.has_prerequisites() {
        let found = groups.iter().map(|(v, n)| format!("v{v} of {n} patch(es)")).collect();
        return Err(MboxError::Versions { source, found });
    }
    let mut ordered: Vec<Mail> = Vec::new();
    for &(version, total) in &groups {
        let group: Vec<Mail> =
            mails.iter().filter(|m| m.version == version && m.number.map_or(1, |n| n.1) == total).cloned().collect();
        if group.iter().all(|m| m.number.is_some()) {
            let mut by_number: BTreeMap<u32, Mail> = BTreeMap::new();
            for m in group {
                let n = m.number.expect("all numbered").0;
                if let Some(earlier) = by_number.get(&n) {
                    notes.push(if earlier.diff == m.diff {
                        format!("patch {n}/{total} appears twice (identical): checked once")
                    } else {
                        format!("patch {n}/{total} appears twice with different diffs: the later one is checked")
                    });
                }
                by_number.insert(n, m);
            }
            let missing: Vec<u32> = (1..=total).filter(|n| !by_number.contains_key(n)).collect();
            if !missing.is_empty() {
                // Reported, not refused: one patch of a series alone is a common input (a
                // review of one patch, b4's per-patch check). Later patches are then checked
                // without the ones before them.
                let list: Vec<String> = missing.iter().map(|n| format!("{n}/{total}")).collect();
                notes.push(format!(
                    "the series is incomplete: patch {} missing (v{version}); checked without {}",
                    list.join(", "),
                    if missing.len() == 1 { "it" } else { "them" }
                ));
            }
            ordered.extend(by_number.into_values());
        } else {
            ordered.extend(group);
        }
    }
    let message_id =
        cover.as_ref().and_then(|c| c.2.clone()).or_else(|| ordered.first().and_then(|m| m.message_id.clone()));
    Ok(Series { title: cover.map(|c| c.0), message_id, base, mails: ordered, notes })
}

/// The inputs, named for errors: one name, or the first and how many more.
fn describe(inputs: &[(String, Vec<u8>)]) -> String {
    match inputs {
        [] => "<no input>".into(),
        [one] => one.0.clone(),
        [first, rest @ ..] => format!("{} (and {} more)", first.0, rest.len()),
    }
}
