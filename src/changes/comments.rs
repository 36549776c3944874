//! Comment syntax of the non-C files QEMU patches touch, so that a comment fixed in a QAPI
//! schema, a Python script or a meson file counts as a comment and not as code.
//!
//! Only whole-line comments are recognised: a line holding code and a trailing comment is code.
//! Formats not listed here have every non-blank line counted as code.

/// What a line holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line {
    Blank,
    Comment,
    Code,
}

/// A comment syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// `#` to the end of the line: QAPI schemas (`##` and `# ...` doc comments), Python, shell,
    /// meson, Kconfig, make, trace-events, decodetree.
    Hash,
    /// reStructuredText: a `..` explicit markup block that is not a directive, target, footnote,
    /// citation or substitution, with its indented continuation lines.
    Rst,
}

impl Syntax {
    /// The syntax of a path, by its name.
    pub fn of(path: &str) -> Option<Syntax> {
        let name = path.rsplit('/').next().unwrap_or(path);
        let in_qapi_dir = path.starts_with("qapi/") || path.contains("/qapi/");
        let hash = (name.ends_with(".json") && (in_qapi_dir || name.starts_with("qapi-schema")))
            || name.ends_with(".py")
            || name.ends_with(".sh")
            || name == "configure"
            || name.starts_with("meson")
            || name.starts_with("Kconfig")
            || name.starts_with("Makefile")
            || name.ends_with(".mak")
            || name == "trace-events"
            || name.ends_with(".decode");
        if hash {
            Some(Syntax::Hash)
        } else if name.ends_with(".rst") {
            Some(Syntax::Rst)
        } else {
            None
        }
    }
}

/// For each 1-based line of `text` (index 0 unused), what it holds.
pub fn classify(syntax: Option<Syntax>, text: &[u8]) -> Vec<Line> {
    let text = String::from_utf8_lossy(text);
    let mut out = vec![Line::Blank];
    // Rst: the indentation of the `..` that opened the comment block we are in.
    let mut rst_block: Option<usize> = None;
    for line in text.split('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let class = if trimmed.trim_end().is_empty() {
            Line::Blank
        } else {
            match syntax {
                None => Line::Code,
                Some(Syntax::Hash) if trimmed.starts_with('#') => Line::Comment,
                Some(Syntax::Hash) => Line::Code,
                Some(Syntax::Rst) => {
                    if rst_block.is_some_and(|open| indent > open) {
                        Line::Comment
                    } else if rst_comment_start(trimmed) {
                        rst_block = Some(indent);
                        Line::Comment
                    } else {
                        rst_block = None;
                        Line::Code
                    }
                }
            }
        };
        out.push(class);
    }
    out
}

/// `..` alone, or `.. text` that is not `.. name::`, `.. _target:`, `.. [note]` or `.. |sub|`.
fn rst_comment_start(trimmed: &str) -> bool {
    let trimmed = trimmed.trim_end();
    if trimmed == ".." {
        return true;
    }
    let Some(rest) = trimmed.strip_prefix(".. ") else { return false };
    let rest = rest.trim_start();
    let directive = rest.split_whitespace().next().is_some_and(|w| w.contains("::"));
    !(directive || rest.starts_with('_') || rest.starts_with('[') || rest.starts_with('|'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntaxes_by_path() {
        for hash in ["qapi/misc.json", "qga/qapi-schema.json", "scripts/a.py", "tests/x.sh", "configure", "meson.build"]
        {
            assert_eq!(Syntax::of(hash), Some(Syntax::Hash), "{hash}");
        }
        assert_eq!(Syntax::of("meson_options.txt"), Some(Syntax::Hash));
        assert_eq!(Syntax::of("hw/arm/Kconfig"), Some(Syntax::Hash));
        assert_eq!(Syntax::of("docs/a.rst"), Some(Syntax::Rst));
        assert_eq!(Syntax::of("pc-bios/descriptors/60-x.json"), None);
        assert_eq!(Syntax::of("MAINTAINERS"), None);
    }

    #[test]
    fn qapi_doc_comments_are_comments() {
        let text = b"##\n# @query-dev:\n#\n# Returns it.\n##\n{ 'command': 'query-dev' }\n\n";
        use Line::*;
        assert_eq!(
            classify(Some(Syntax::Hash), text),
            [Blank, Comment, Comment, Comment, Comment, Comment, Code, Blank, Blank]
        );
    }

    #[test]
    fn rst_comments_and_directives() {
        let text = b"Title\n.. a comment\n   continued\n.. note::\n   body\n.. _target:\n..\n";
        use Line::*;
        assert_eq!(
            classify(Some(Syntax::Rst), text),
            [Blank, Code, Comment, Comment, Code, Code, Code, Comment, Blank]
        );
    }
}
