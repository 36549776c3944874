//! Uses a revert brings back into a file that later commits left unable to see them.

use std::collections::{BTreeMap, BTreeSet};

use super::{After, Attribution, Binding, CascadeUse, CommitRef};
use crate::error::Result;
use crate::facts::{FileSymbols, RefKind};
use crate::index;
use crate::lang::Extractor;
use crate::repo::CommitInfo;

/// Uses the commit took out of a file, which a revert brings back: they break when the file,
/// as later commits left it, can no longer see what they name (a later commit dropped the
/// `#include` that declared `target_ulong`, relying on this commit having removed its last
/// use), or removed the definition. Claimed only when a header the file included when the
/// commit landed defined the name; the commit that dropped the include or the definition is
/// named.
impl After<'_> {
    pub(super) fn scan_restored(
        &self,
        path_now: Option<String>,
        old: &FileSymbols,
        new: &FileSymbols,
        extractor: &mut Extractor,
        cascade: &mut Vec<CascadeUse>,
    ) -> Result<()> {
        let target = self.target;
        // Uses in code, not in macro bodies: a macro's words are looked up where it expands.
        let names = |fs: &FileSymbols| -> BTreeSet<String> {
            fs.references.iter().filter(|r| r.kind != RefKind::Lexical).map(|r| fs.name(r.name).to_string()).collect()
        };
        let (before, after) = (names(old), names(new));
        let gone: Vec<&String> = before.difference(&after).collect();
        let Some(path_now) = path_now else { return Ok(()) };
        let Some(fid) = target.table.file_id(&path_now) else { return Ok(()) };
        if gone.is_empty() {
            return Ok(());
        }
        let now_includes: BTreeSet<&str> =
            target.index.files[fid.0 as usize].symbols.includes.iter().map(|i| i.path.as_str()).collect();
        // name -> (include, header path) for what the file's headers defined when the commit
        // landed; read once, and only if some restored name is out of view.
        let mut defined_then: Option<BTreeMap<String, (String, String)>> = None;
        for name in gone {
            let candidates = target.table.named(name);
            // A header sees, besides its own includes, what every file includes first (the
            // graph's prelude).
            let visible = candidates.iter().any(|&id| target.graph.binding(&target.table, fid, id, None).is_resolved());
            if visible {
                continue;
            }
            // Why the use worked when the commit landed: a header the file included then
            // defined the name. Without that we claim nothing (it may come from outside the
            // tree, or through a chain we did not follow).
            if defined_then.is_none() {
                defined_then = Some(self.defined_in_headers_then(&path_now, new, extractor)?);
            }
            let Some((include, header)) = defined_then.as_ref().and_then(|m| m.get(name.as_str())).cloned() else {
                continue;
            };
            // Who took it out of view: the later commit that dropped that include, or the one
            // that removed the definition from the header.
            let dropped = if now_includes.contains(include.as_str()) {
                None
            } else {
                self.dropping_commit(&path_now, &BTreeSet::from([include]), extractor)?
            };
            let by = match dropped {
                Some(c) => Some(c),
                None => self.removing_commit(&header, name, extractor)?,
            };
            let r = old.references.iter().find(|r| old.name(r.name) == name.as_str()).expect("a name of the old side");
            let used_by =
                r.from.map_or("<file scope>".to_string(), |d| old.def_name(&old.definitions[d as usize]).to_string());
            let attribution = by.map_or(Attribution::Unknown, |c| self.attribution(c));
            cascade.push(CascadeUse {
                symbol: name.clone(),
                change: "restored",
                used_by,
                path: path_now.clone(),
                line: r.line,
                binding: Binding::NameOnly,
                breaks: by.is_some(),
                attribution,
                introduced_by: by.map(CommitRef::of),
            });
        }
        Ok(())
    }

    /// What the headers `file` (at `path`) includes defined in the tree the commit left: name
    /// -> (the include as written, the header's path), each header found as `include/<it>` or
    /// next to `path`; the first include defining a name wins.
    fn defined_in_headers_then(
        &self,
        path: &str,
        file: &FileSymbols,
        extractor: &mut Extractor,
    ) -> Result<BTreeMap<String, (String, String)>> {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        let mut out = BTreeMap::new();
        for inc in &file.includes {
            for candidate in [format!("include/{}", inc.path), format!("{dir}/{}", inc.path)] {
                if let Some((_, blob)) = self.repo.entry_at(self.commit_tree, &candidate)? {
                    let fs = index::file_symbols(self.repo, &candidate, blob, self.config, extractor)?;
                    for d in &fs.definitions {
                        out.entry(fs.def_name(d).to_string()).or_insert_with(|| (inc.path.clone(), candidate.clone()));
                    }
                    break;
                }
            }
        }
        Ok(out)
    }

    /// The newest later commit that removed one of `lost` from the file's includes.
    fn dropping_commit(
        &self,
        path: &str,
        lost: &BTreeSet<String>,
        extractor: &mut Extractor,
    ) -> Result<Option<&CommitInfo>> {
        let has = |fs: &FileSymbols| fs.includes.iter().any(|i| lost.contains(&i.path));
        self.newest_later_change(path, extractor, |before, after| has(before) && after.is_none_or(|a| !has(a)))
    }

    /// The newest later commit that took the definition of `name` out of `header` (or the
    /// header out of the tree).
    fn removing_commit(&self, header: &str, name: &str, extractor: &mut Extractor) -> Result<Option<&CommitInfo>> {
        let defines = |fs: &FileSymbols| fs.definitions.iter().any(|d| fs.def_name(d) == name);
        self.newest_later_change(header, extractor, |before, after| {
            defines(before) && after.is_none_or(|a| !defines(a))
        })
    }

    /// The newest later commit changing `path` whose sides (before, after; after `None` when it
    /// deleted the file) satisfy `took`.
    fn newest_later_change(
        &self,
        path: &str,
        extractor: &mut Extractor,
        took: impl Fn(&FileSymbols, Option<&FileSymbols>) -> bool,
    ) -> Result<Option<&CommitInfo>> {
        for &(i, before, after) in self.history.changes_of(self.repo, path)?.iter() {
            let info = &self.history.commits[i];
            let Some(before) = before else { continue };
            if self.earlier[i] || !self.later.contains_key(&info.id) {
                continue;
            }
            let b = index::file_symbols(self.repo, path, before, self.config, extractor)?;
            let a = after.map(|a| index::file_symbols(self.repo, path, a, self.config, extractor)).transpose()?;
            if took(&b, a.as_deref()) {
                return Ok(Some(info));
            }
        }
        Ok(None)
    }
}
