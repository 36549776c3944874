//! Revision arguments read as `git rev-list` reads them: `A..B`, `A...B`, `^A`, `--not`,
//! `X^!` and `X^-[n]`. Without any exclusion, each argument names one commit (as `git show`
//! takes it), which is what `check <sha>` has always meant.

use super::{git_error, missing_history, Repo};
use crate::error::{Error, Result};
use crate::repo::CommitId;

/// The commits the arguments select, oldest first.
pub(super) fn rev_list(repo: &Repo, args: &[String]) -> Result<Vec<CommitId>> {
    let mut include: Vec<CommitId> = Vec::new();
    let mut exclude: Vec<CommitId> = Vec::new();
    let mut not = false;
    let mut ranged = false;
    for arg in args {
        if arg == "--not" {
            not = !not;
            ranged = true;
            continue;
        }
        let (mut pos, mut neg): (Vec<CommitId>, Vec<CommitId>) = (Vec::new(), Vec::new());
        if let Some((a, b)) = arg.split_once("...") {
            let a = repo.resolve(or_head(a))?;
            let b = repo.resolve(or_head(b))?;
            let bases = repo.git.merge_bases(a.to_oid(), b.to_oid()).map_err(|e| Error::UnknownRevision {
                rev: arg.clone(),
                why: format!("no merge base: {}", e.message()),
            })?;
            neg.extend(bases.iter().map(|o| CommitId::from_oid(*o)));
            pos.extend([a, b]);
        } else if let Some((a, b)) = arg.split_once("..") {
            neg.push(repo.resolve(or_head(a))?);
            pos.push(repo.resolve(or_head(b))?);
        } else if let Some(x) = arg.strip_prefix('^') {
            neg.push(repo.resolve(x)?);
        } else if let Some(x) = arg.strip_suffix("^!") {
            let id = repo.resolve(x)?;
            neg.extend(repo.commit_info(id)?.parents);
            pos.push(id);
        } else if let Some((x, n)) = parent_shorthand(arg) {
            let id = repo.resolve(x)?;
            neg.push(repo.resolve(&format!("{x}^{n}"))?);
            pos.push(id);
        } else {
            pos.push(repo.resolve(arg)?);
        }
        ranged |= !neg.is_empty();
        if not {
            std::mem::swap(&mut pos, &mut neg);
        }
        include.extend(pos);
        exclude.extend(neg);
    }
    if !ranged {
        let mut seen = std::collections::HashSet::new();
        include.retain(|c| seen.insert(*c));
        return Ok(include);
    }
    let spec = args.join(" ");
    let err = |e| git_error("walking history", e);
    let mut walk = repo.git.revwalk().map_err(err)?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE).map_err(err)?;
    for c in &include {
        walk.push(c.to_oid()).map_err(err)?;
    }
    for c in &exclude {
        walk.hide(c.to_oid()).map_err(err)?;
    }
    walk.map(|oid| oid.map(CommitId::from_oid).map_err(|e| missing_history(&spec, e))).collect()
}

fn or_head(side: &str) -> &str {
    if side.is_empty() {
        "HEAD"
    } else {
        side
    }
}

/// `X^-` and `X^-<n>`: `X^<n>..X` (n defaults to 1).
fn parent_shorthand(arg: &str) -> Option<(&str, u32)> {
    let at = arg.rfind("^-")?;
    let n = &arg[at + 2..];
    let n = if n.is_empty() { 1 } else { n.parse().ok()? };
    Some((&arg[..at], n))
}
