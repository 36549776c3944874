//! Later uses of the members a commit added to a type or re-declared: fields are not symbols
//! of the index, so the files that see the type are read for `.field` / `->field`.

use std::collections::BTreeSet;

use super::{After, Attribution, Binding, CascadeUse, CommitRef};
use crate::changes;
use crate::error::Result;
use crate::facts::FileSymbols;
use crate::index;
use crate::lang::Extractor;
use crate::members;
use crate::symbols::FileId;

/// Blames per changed type: a few later writers are the evidence and the revert set; past
/// them, further uses (already known to be later) are `untraced`, which decides nothing new.
const MEMBER_BLAMES_PER_TYPE: usize = 8;

/// What is left of an analysis's blames (`--max-blames`), and whether a use went untraced.
pub(super) struct BlameBudget {
    pub left: usize,
    pub ran_out: bool,
}

/// Later code naming the members a commit added to a type, or whose declarations it changed
/// (`env->guest_ssp`): the code a revert of the type's change breaks. Members are not symbols
/// of the index, so the files that can see the type's definition and that later commits
/// changed are read for `.field` / `->field`, and each use is attributed with the blame the
/// conflicts use. A use in a file where code names the type binds `include`; elsewhere the
/// field could be another type's of the same name, so it binds `name-only`.
impl After<'_> {
    /// (field, using definition) pairs of a file's text: what "the same use" means across
    /// versions of the file.
    fn member_uses_in(&self, fs: &FileSymbols, text: &[u8], fields: &[String]) -> BTreeSet<(String, String)> {
        members::member_uses(text, 1, fields)
            .into_iter()
            .map(|(f, line)| {
                let user = fs
                    .definition_at_line(line)
                    .map_or("<file scope>".to_string(), |d| fs.def_name(&fs.definitions[d as usize]).to_string());
                (f, user)
            })
            .collect()
    }

    /// Adds the later member uses to `cascade`; returns how many uses were already there.
    pub(super) fn scan_members(
        &self,
        id: crate::symbols::SymbolId,
        site: Option<FileId>,
        change: &changes::SymbolChange,
        extractor: &mut Extractor,
        cascade: &mut Vec<CascadeUse>,
        budget: &mut BlameBudget,
    ) -> Result<usize> {
        let fields: Vec<String> = change.added_members.iter().chain(&change.changed_members).cloned().collect();
        let fields = fields.as_slice();
        let (target, repo) = (self.target, self.repo);
        let Some(site) = site else { return Ok(0) };
        // Files where some code names the type itself.
        let type_files: BTreeSet<FileId> =
            target.graph.dependents(target.graph.symbol_node(id)).into_iter().map(|(_, e)| e.file).collect();
        let mut existing = 0;
        let mut traced = 0usize;
        for (fi, file) in target.index.files.iter().enumerate() {
            let fid = FileId(fi as u32);
            if !target.graph.sees(fid, site) {
                continue;
            }
            let changed_later = self.history.changes_of(repo, &file.path)?.iter().any(|&(i, _, _)| !self.earlier[i]);
            if !changed_later {
                continue;
            }
            let accessed = target.member_names(repo, fid)?;
            if !fields.iter().any(|f| accessed.binary_search(f).is_ok()) {
                continue;
            }
            let text = repo.read_blob(file.blob)?;
            let now = members::member_uses(&text, 1, fields);
            if now.is_empty() {
                continue;
            }
            // Uses the file already had when the commit landed need no blame.
            let then = match repo.entry_at(self.commit_tree, &file.path)? {
                Some((_, blob)) => {
                    let fs = index::file_symbols(repo, &file.path, blob, self.config, extractor)?;
                    self.member_uses_in(&fs, &repo.read_blob(blob)?, fields)
                }
                None => BTreeSet::new(),
            };
            for (field, line) in now {
                let fs = &file.symbols;
                let user = fs.definition_at_line(line);
                let used_by =
                    user.map_or("<file scope>".to_string(), |d| fs.def_name(&fs.definitions[d as usize]).to_string());
                if then.contains(&(field.clone(), used_by.clone())) {
                    existing += 1;
                    continue;
                }
                let binding = if fid == site {
                    Binding::Exact
                } else if type_files.contains(&fid) {
                    Binding::Include
                } else {
                    Binding::NameOnly
                };
                // The use is not in the file as the commit left it: written later. Who wrote
                // it takes a blame, within the analysis's budget.
                let (attribution, introduced_by) = if budget.left == 0 || traced == MEMBER_BLAMES_PER_TYPE {
                    budget.ran_out = true;
                    (Attribution::Untraced, None)
                } else {
                    budget.left -= 1;
                    traced += 1;
                    let wrote = self.history.blame_later(repo, &file.path, self.earlier, (line, line))?;
                    let Some(info) = wrote.iter().filter_map(|c| self.later.get(c)).max_by_key(|c| c.time) else {
                        existing += 1;
                        continue;
                    };
                    (self.attribution(info), Some(CommitRef::of(info)))
                };
                cascade.push(CascadeUse {
                    symbol: format!("{}.{field}", change.name),
                    change: change.change.as_str(),
                    used_by,
                    path: file.path.clone(),
                    line,
                    binding,
                    breaks: binding.is_resolved(),
                    attribution,
                    introduced_by,
                });
            }
        }
        Ok(existing)
    }
}
