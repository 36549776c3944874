//! QEMU's MAINTAINERS file read exactly as its `scripts/get_maintainer.pl` reads it:
//!
//! - every line `X: value` (any one character, a colon) is an entry, every other non-blank
//!   line a title; a section is a title and the entries that follow it;
//! - `F:` and `X:` values become Perl regexes: `.` is literal, `*` is `.*`, `?` is `.`, and
//!   everything else is regex syntax (so `[ch]` is a class; `{a,b}` is not an alternation: it
//!   stays literal, as in Perl); a value that names a directory of the tree gets a `/`;
//! - a file matches a pattern ending in `/` when the regex matches at its start (the whole
//!   directory below), else when it matches at its start *and* file and pattern have as many
//!   slashes (`hw/pci/*` covers `hw/pci/pci.c`, not `hw/pci/a/b.c`);
//! - an `X:` match excludes the whole section; sections rank by the depth of their matching
//!   pattern (`/` count, plus one without a trailing `/`; a pattern starting with `*` ranks
//!   last);
//! - `K:` are `/x` regexes matched against a text (a patch, a file's content): QEMU's script
//!   uses them only to add maintainers, not sections;
//! - `N:` (not read by QEMU's script, used by the Linux kernel's) are `/x` regexes on the
//!   path, ranked last.
//!
//! `benches/qemu/maintainers-compare.sh` compares this with the script on every file of QEMU.

use regex::Regex;

#[derive(Clone, Debug, Default)]
pub struct Section {
    pub title: String,
    pub status: Option<String>,
    pub maintainers: Vec<String>,
    pub reviewers: Vec<String>,
    /// `L:` mailing lists.
    pub lists: Vec<String>,
    files: Vec<Pattern>,
    excludes: Vec<Pattern>,
    names: Vec<Regex>,
    keywords: Vec<Regex>,
}

/// An `F:`/`X:` pattern as get_maintainer.pl holds it.
#[derive(Clone, Debug)]
struct Pattern {
    /// The value after get_maintainer.pl's rewrite (`\.`, `.*`, `.`, and a `/` for directories).
    value: String,
    /// The rewritten value as a regex anchored at the start.
    regex: Regex,
}

impl Pattern {
    fn new(raw: &str, is_dir: &dyn Fn(&str) -> bool) -> Option<Pattern> {
        let mut value = raw.replace('.', "\\.").replace('*', ".*").replace('?', ".");
        // `-d $value`: the rewritten value, as a path relative to the top of the tree.
        if !value.ends_with('/') && is_dir(&value) {
            value.push('/');
        }
        let regex = Regex::new(&format!("^(?:{value})"))
            .or_else(|_| Regex::new(&format!("^(?:{})", value.replace('{', "\\{").replace('}', "\\}"))))
            .ok()?;
        Some(Pattern { value, regex })
    }

    /// `file_match_pattern`.
    fn matches(&self, file: &str) -> bool {
        if !self.regex.is_match(file) {
            return false;
        }
        self.value.ends_with('/') || slashes(file) == slashes(&self.value)
    }

    /// How deep the pattern reaches: its rank among a file's sections.
    fn depth(&self) -> i64 {
        if self.value.starts_with(".*") {
            return -1;
        }
        slashes(&self.value) as i64 + i64::from(!self.value.ends_with('/'))
    }
}

fn slashes(s: &str) -> usize {
    s.bytes().filter(|&b| b == b'/').count()
}

impl Section {
    /// How well the section covers `path`: `None` if not at all, else the depth of the deepest
    /// matching `F:` pattern.
    fn score(&self, path: &str) -> Option<i64> {
        if self.excludes.iter().any(|x| x.matches(path)) {
            return None;
        }
        let by_file = self.files.iter().filter(|f| f.matches(path)).map(Pattern::depth).max();
        let by_name = self.names.iter().any(|n| n.is_match(path)).then_some(0);
        by_file.max(by_name)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Maintainers {
    sections: Vec<Section>,
    skipped: usize,
}

impl Maintainers {
    /// Reads MAINTAINERS without a tree to look directories up in: a pattern naming a
    /// directory without its trailing `/` then covers only what its slashes allow.
    pub fn parse(text: &str) -> Maintainers {
        Maintainers::parse_in(text, &|_| false)
    }

    /// Reads MAINTAINERS for a tree: `is_dir` says whether a path is a directory there.
    pub fn parse_in(text: &str, is_dir: &dyn Fn(&str) -> bool) -> Maintainers {
        let mut out = Maintainers::default();
        // get_maintainer.pl's `@typevalue`: entries and titles, blank lines dropped.
        let mut current: Option<Section> = None;
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            let mut chars = line.chars();
            let tag = chars.next();
            let tagged = tag.is_some() && chars.next() == Some(':');
            if tagged {
                let tag = tag.expect("checked");
                let value = line[tag.len_utf8() + 1..].trim_start().to_string();
                let Some(s) = current.as_mut() else {
                    out.skipped += 1;
                    continue;
                };
                let regex = |v: &str| Regex::new(&format!("(?x){v}")).ok();
                let ok = match tag {
                    'M' => {
                        s.maintainers.push(value);
                        true
                    }
                    'R' => {
                        s.reviewers.push(value);
                        true
                    }
                    'L' => {
                        s.lists.push(value);
                        true
                    }
                    'S' => {
                        s.status = Some(value);
                        true
                    }
                    'F' => Pattern::new(&value, is_dir).map(|p| s.files.push(p)).is_some(),
                    'X' => Pattern::new(&value, is_dir).map(|p| s.excludes.push(p)).is_some(),
                    'N' => regex(&value).map(|r| s.names.push(r)).is_some(),
                    'K' => regex(&value).map(|r| s.keywords.push(r)).is_some(),
                    _ => true,
                };
                out.skipped += usize::from(!ok);
            } else if !line.trim().is_empty() {
                // A title: a section starts at the last title line before its entries (the
                // preamble's lines, before any entry, are titles of nothing).
                let s = current.get_or_insert_with(Section::default);
                if s.files.is_empty()
                    && s.excludes.is_empty()
                    && s.maintainers.is_empty()
                    && s.status.is_none()
                    && s.names.is_empty()
                    && s.keywords.is_empty()
                    && s.lists.is_empty()
                    && s.reviewers.is_empty()
                {
                    s.title = line.to_string();
                } else {
                    out.sections.push(current.take().expect("some"));
                    current = Some(Section { title: line.to_string(), ..Default::default() });
                }
            }
        }
        if let Some(s) = current.take() {
            out.sections.push(s);
        }
        out.sections.retain(|s| !s.files.is_empty() || !s.names.is_empty() || !s.keywords.is_empty());
        out
    }

    /// Sections covering `path`, deepest pattern first (ties in file order), as
    /// `get_maintainer.pl -f path --sections` lists them.
    pub fn sections_for(&self, path: &str) -> Vec<&Section> {
        let mut hits: Vec<(i64, usize, &Section)> =
            self.sections.iter().enumerate().filter_map(|(i, s)| s.score(path).map(|sc| (sc, i, s))).collect();
        hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        hits.into_iter().map(|(_, _, s)| s).collect()
    }

    /// Sections whose `K:` keywords match `text` (a patch or a file's content).
    pub fn sections_for_text(&self, text: &str) -> Vec<&Section> {
        self.sections.iter().filter(|s| s.keywords.iter().any(|k| k.is_match(text))).collect()
    }

    pub fn len(&self) -> usize {
        self.sections.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// Lines that could not be read (an entry before any title, a pattern that is not a
    /// regex): counted, not fatal.
    pub fn skipped_lines(&self) -> usize {
        self.skipped
    }
}

#[cfg(test)]
mod tests;
