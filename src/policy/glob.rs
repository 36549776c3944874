//! Path globs for policy zones, MAINTAINERS patterns and `audit --path`: `**` spans any number
//! of directories, `*` and `?` stay within one path component, a trailing `/` means the directory
//! and everything under it.

/// A compiled glob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob {
    parts: Vec<String>,
    /// The pattern ended with `/`: match the directory's contents at any depth.
    dir: bool,
}

impl Glob {
    pub fn new(pattern: &str) -> Glob {
        let dir = pattern.ends_with('/');
        let parts = pattern.trim_matches('/').split('/').filter(|p| !p.is_empty()).map(str::to_string).collect();
        Glob { parts, dir }
    }

    /// Does `path` (slash-separated, relative to the repository root) match?
    pub fn matches(&self, path: &str) -> bool {
        let comps: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
        if self.dir {
            // `dir/` matches every path below `dir`.
            return (1..comps.len()).any(|n| match_parts(&self.parts, &comps[..n]));
        }
        match_parts(&self.parts, &comps)
    }

    /// Does `path` lie in (or equal) what the pattern names, as get_maintainer.pl reads `F:`
    /// patterns: a pattern naming a directory without a trailing slash covers its contents too.
    pub fn covers(&self, path: &str) -> bool {
        if self.matches(path) {
            return true;
        }
        let comps: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
        (1..comps.len()).any(|n| match_parts(&self.parts, &comps[..n]))
    }

    /// Specificity for ranking: more literal components rank higher.
    pub fn specificity(&self) -> usize {
        self.parts.iter().filter(|p| !p.contains('*') && !p.contains('?')).count() * 2 + self.parts.len()
    }
}

fn match_parts(pattern: &[String], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((first, rest)) if first == "**" => (0..=path.len()).any(|skip| match_parts(rest, &path[skip..])),
        Some((first, rest)) => match path.split_first() {
            Some((comp, path_rest)) => {
                match_component(first.as_bytes(), comp.as_bytes()) && match_parts(rest, path_rest)
            }
            None => false,
        },
    }
}

/// `*` and `?` within one component; iterative with backtracking on the last `*`.
fn match_component(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::Glob;

    #[test]
    fn globs() {
        assert!(Glob::new("tests/**").matches("tests/qtest/foo-test.c"));
        assert!(Glob::new("**/tests/**").matches("hw/foo/tests/a.c"));
        assert!(Glob::new("*.rst").matches("README.rst"));
        assert!(!Glob::new("*.rst").matches("docs/a.rst"));
        assert!(Glob::new("**/*.rst").matches("docs/a.rst"));
        assert!(Glob::new("hw/pci/").matches("hw/pci/pci.c"));
        assert!(!Glob::new("hw/pci/").matches("hw/pcie.c"));
        assert!(Glob::new("target/*/cpu.h").matches("target/arm/cpu.h"));
        assert!(Glob::new("hw/*/foo?.c").matches("hw/misc/foo1.c"));
        assert!(Glob::new("hw/pci").covers("hw/pci/pci.c"));
        assert!(Glob::new("include/hw/pci/pci*.h").covers("include/hw/pci/pci_bus.h"));
        assert!(!Glob::new("include/hw/pci/pci*.h").covers("include/hw/pci/msi.h"));
    }
}
