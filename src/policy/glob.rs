//! Path globs for policy zones and core code (`[[zone]]`, `[[core]]`) and `audit --path`,
//! through the `globset` crate: `*`, `?`, `[..]` and `{a,b}` stay within one path component,
//! `**` spans any number of directories, and a trailing `/` means the directory and everything
//! under it.

use globset::{GlobBuilder, GlobMatcher};

/// A compiled glob.
#[derive(Clone, Debug)]
pub struct Glob {
    pattern: String,
    matcher: GlobMatcher,
}

impl PartialEq for Glob {
    fn eq(&self, other: &Glob) -> bool {
        self.pattern == other.pattern
    }
}

impl Eq for Glob {}

impl Glob {
    /// Compiles a pattern; what is wrong with it, if it is not a glob.
    pub fn parse(pattern: &str) -> Result<Glob, String> {
        let glob = match pattern.strip_suffix('/') {
            Some(dir) => format!("{}/**", dir.trim_end_matches('/')),
            None => pattern.to_string(),
        };
        let matcher = GlobBuilder::new(glob.trim_start_matches('/'))
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .map_err(|e| e.kind().to_string())?
            .compile_matcher();
        Ok(Glob { pattern: pattern.to_string(), matcher })
    }

    /// Compiles a pattern known to be good (built in) or taken as given (`audit --path`): one
    /// that is not a glob matches only itself.
    pub fn new(pattern: &str) -> Glob {
        Glob::parse(pattern).unwrap_or_else(|_| {
            let literal = globset::escape(pattern);
            Glob::parse(&literal).expect("an escaped pattern is a glob")
        })
    }

    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Does `path` (slash-separated, relative to the repository root) match?
    pub fn matches(&self, path: &str) -> bool {
        self.matcher.is_match(path)
    }

    /// Does `path` lie in (or equal) what the pattern names: a pattern naming a directory
    /// without a trailing slash covers its contents too.
    pub fn covers(&self, path: &str) -> bool {
        self.matches(path) || path.match_indices('/').any(|(i, _)| self.matches(&path[..i]))
    }
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
        // Issue #17: classes and alternations.
        assert!(Glob::new("hw/vfio/*.[ch]").matches("hw/vfio/pci.c"));
        assert!(!Glob::new("hw/vfio/*.[ch]").matches("hw/vfio/pci.o"));
        assert!(Glob::new("hw/{vfio,pci}/*.c").matches("hw/pci/pci.c"));
        assert!(Glob::parse("hw/[").is_err());
    }
}
