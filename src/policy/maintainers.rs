//! QEMU's MAINTAINERS file: sections of `M:`/`R:`/`L:`/`S:`/`F:`/`X:`/`N:` lines, matched to
//! paths as get_maintainer.pl does. Unreadable lines are counted, never fatal.

use super::glob::Glob;

#[derive(Clone, Debug, Default)]
pub struct Section {
    pub title: String,
    pub status: Option<String>,
    pub maintainers: Vec<String>,
    pub reviewers: Vec<String>,
    pub lists: Vec<String>,
    files: Vec<Glob>,
    excludes: Vec<Glob>,
    /// `N:` patterns: a plain substring or simple regex on the path; matched as substring.
    names: Vec<String>,
}

impl Section {
    /// How well the section covers `path`: `None` if not at all, else the specificity of the
    /// best matching `F:` pattern (a longer literal pattern is more specific).
    fn score(&self, path: &str) -> Option<usize> {
        if self.excludes.iter().any(|x| x.covers(path)) {
            return None;
        }
        let by_file = self.files.iter().filter(|f| f.covers(path)).map(Glob::specificity).max();
        let by_name = self.names.iter().any(|n| path.contains(n.as_str())).then_some(1);
        by_file.max(by_name)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Maintainers {
    sections: Vec<Section>,
    skipped: usize,
}

impl Maintainers {
    pub fn parse(text: &str) -> Maintainers {
        let mut out = Maintainers::default();
        let mut current: Option<Section> = None;
        // The preamble (explanations of the tags) ends at the first line of dashes or equals.
        let mut in_preamble = text.lines().any(is_rule);
        let mut previous_blank = true;
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            if in_preamble {
                if is_rule(line) {
                    in_preamble = false;
                }
                continue;
            }
            if line.trim().is_empty() {
                previous_blank = true;
                continue;
            }
            let tagged = line.len() > 2 && line.as_bytes()[1] == b':' && line.as_bytes()[0].is_ascii_uppercase();
            if tagged {
                let value = line[2..].trim().to_string();
                let Some(s) = current.as_mut() else {
                    out.skipped += 1;
                    continue;
                };
                match &line[..1] {
                    "M" => s.maintainers.push(value),
                    "R" => s.reviewers.push(value),
                    "L" => s.lists.push(value),
                    "S" => s.status = Some(value),
                    "F" => s.files.push(Glob::new(&value)),
                    "X" => s.excludes.push(Glob::new(&value)),
                    "N" => s.names.push(value.trim_matches(|c| c == '^' || c == '$').replace("\\.", ".")),
                    "K" | "W" | "T" | "B" | "C" | "P" | "Q" => {}
                    _ => out.skipped += 1,
                }
            } else if previous_blank || current.is_none() {
                if let Some(s) = current.take() {
                    out.sections.push(s);
                }
                if is_rule(line) {
                    continue;
                }
                current = Some(Section { title: line.trim().to_string(), ..Default::default() });
            } else if let Some(s) = current.as_mut() {
                // A wrapped title or a stray line inside a section.
                if s.maintainers.is_empty() && s.files.is_empty() && s.status.is_none() {
                    s.title = line.trim().to_string();
                } else {
                    out.skipped += 1;
                }
            }
            previous_blank = false;
        }
        if let Some(s) = current.take() {
            out.sections.push(s);
        }
        out.sections.retain(|s| !s.files.is_empty() || !s.names.is_empty());
        out
    }

    /// Sections covering `path`, most specific first (ties in file order).
    pub fn sections_for(&self, path: &str) -> Vec<&Section> {
        let mut hits: Vec<(usize, usize, &Section)> =
            self.sections.iter().enumerate().filter_map(|(i, s)| s.score(path).map(|sc| (sc, i, s))).collect();
        hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        hits.into_iter().map(|(_, _, s)| s).collect()
    }

    pub fn len(&self) -> usize {
        self.sections.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// Lines that could not be read (counted, not fatal).
    pub fn skipped_lines(&self) -> usize {
        self.skipped
    }
}

fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 3 && (t.bytes().all(|b| b == b'-') || t.bytes().all(|b| b == b'='))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "QEMU Maintainers\n================\n\nDescriptions of section entries:\n\n\tM: Mail patches to\n\
\tF: Files\n\n-----------------------------------\n\nGeneral Project Administration\n------------------------------\n\n\
PCI\nM: Michael S. Tsirkin <mst@redhat.com>\nR: Marcel <marcel@x.org>\nS: Supported\nF: hw/pci/\nF: include/hw/pci/*\nX: hw/pci/legacy.c\n\n\
Misc devices\nM: Someone <s@x.org>\nS: Odd Fixes\nF: hw/misc/\nN: foo\n\nAll of hw\nM: Big <b@x.org>\nS: Maintained\nF: hw/\n";

    #[test]
    fn sections_match_most_specific_first_and_exclusions_hold() {
        let m = Maintainers::parse(SAMPLE);
        assert_eq!(m.len(), 3);
        let titles = |p| m.sections_for(p).iter().map(|s| s.title.clone()).collect::<Vec<_>>();
        assert_eq!(titles("hw/pci/pci.c"), ["PCI", "All of hw"]);
        assert_eq!(titles("include/hw/pci/pci_bus.h"), ["PCI"]);
        assert_eq!(titles("hw/pci/legacy.c"), ["All of hw"]);
        assert_eq!(titles("hw/misc/foo.c"), ["Misc devices", "All of hw"]);
        assert_eq!(titles("tests/foo-test.c"), ["Misc devices"]);
        assert!(titles("util/cutils.c").is_empty());
        let pci = m.sections_for("hw/pci/pci.c")[0];
        assert_eq!(pci.status.as_deref(), Some("Supported"));
        assert_eq!(pci.maintainers, ["Michael S. Tsirkin <mst@redhat.com>"]);
        assert_eq!(pci.reviewers.len(), 1);
    }

    #[test]
    fn real_qemu_maintainers_parses() {
        let Ok(git_dir) = std::env::var("REVERTCHECK_QEMU") else { return };
        let out = std::process::Command::new("git")
            .args(["--git-dir", &git_dir, "show", "ece408818d27f745ef1b05fb3cc99a1e7a5bf580:MAINTAINERS"])
            .output()
            .unwrap();
        let m = Maintainers::parse(&String::from_utf8_lossy(&out.stdout));
        assert!(m.len() > 500, "{} sections", m.len());
        assert!(m.sections_for("hw/pci/pci.c").iter().any(|s| s.title.contains("PCI")));
    }
}
