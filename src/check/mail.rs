//! A mailed series into steps: its patches applied one after another in memory onto the base
//! (`--base`, else the series' `base-commit:`, else HEAD).

use super::Step;
use crate::error::{Error, Result};
use crate::patch::Series;
use crate::repo::{CommitId, Repo};

/// The steps of `series`, and the base as the report names it. Notes say where the base came
/// from and what the series declares it needs.
pub fn mail_steps(
    repo: &Repo,
    series: &Series,
    base: Option<&str>,
    notes: &mut Vec<String>,
) -> Result<(Vec<Step>, String)> {
    let (base_commit, label) = resolve_base(repo, series, base, notes)?;
    for id in &series.base.prerequisite_message_ids {
        notes.push(format!(
            "the series needs another series first (prerequisite-message-id {id}, {}): it must be in the base, or its patches given before these",
            super::lore_url(id)
        ));
    }
    for id in &series.base.prerequisite_patch_ids {
        notes.push(format!("the series needs a patch not in its base-commit first (prerequisite-patch-id {id})"));
    }
    notes.extend(series.notes.iter().cloned());
    let mut tree = repo.tree_of(base_commit)?;
    let total = series.mails.len();
    let mut steps = Vec::with_capacity(total);
    for (i, mail) in series.mails.iter().enumerate() {
        let label = format!("patch {}/{total}", i + 1);
        let what = format!("{label} (\"{}\")", mail.subject);
        let new_tree = repo.apply(tree, &mail.diff, &what).map_err(|e| match e {
            Error::BadInput { input, why }
                if !series.base.prerequisite_patch_ids.is_empty()
                    || !series.base.prerequisite_message_ids.is_empty() =>
            {
                Error::BadInput {
                    input,
                    why: format!("{why} (the series declares prerequisites: are they in the base?)"),
                }
            }
            e => e,
        })?;
        steps.push(Step {
            label,
            commit: None,
            subject: mail.subject.clone(),
            author: mail.author.clone(),
            message: mail.message.clone(),
            message_id: mail.message_id.as_deref().map(super::bare_message_id),
            old_tree: tree,
            new_tree,
            merge: false,
            time: 0,
            source: Some(mail.source.clone()),
        });
        tree = new_tree;
    }
    Ok((steps, label))
}

fn resolve_base(
    repo: &Repo,
    series: &Series,
    base: Option<&str>,
    notes: &mut Vec<String>,
) -> Result<(CommitId, String)> {
    if let Some(rev) = base {
        let id = repo.resolve(rev)?;
        if let Some(declared) = &series.base.base_commit {
            if repo.resolve(declared).ok() != Some(id) {
                notes.push(format!("--base {rev} overrides the series' base-commit {declared}"));
            }
        }
        return Ok((id, format!("{rev} ({})", id.short())));
    }
    if let Some(declared) = &series.base.base_commit {
        let id = repo.resolve(declared).map_err(|_| {
            Error::bad_input(
                format!("base-commit: {declared}"),
                "the series' base is not in this repository: fetch it, or pass --base <rev>",
            )
        })?;
        return Ok((id, format!("base-commit {}", id.short())));
    }
    let id = repo.resolve("HEAD")?;
    notes.push("the series names no base-commit: applied to HEAD (--base <rev> to choose)".into());
    Ok((id, format!("HEAD ({})", id.short())))
}
