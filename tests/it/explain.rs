//! `revertcheck explain`: every finding code the code base can emit has a catalog entry.

use std::path::Path;

use revertcheck::report::explain::{lookup, CATALOG};

use crate::util::scenario;

/// Every string literal in `src/` that is a finding code: `code: "x"` (a `Finding`),
/// `commit_level("x", ...)`, the arms of a finding enum's `fn code(&self)` (`TrailerFinding`), and the last argument of the
/// text reports' `finding_line(...)` (codes that only the text names, like `revert_conflict`).
fn emitted_codes() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("report/explain.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let file = path.display().to_string();
            for needle in ["code: \"", "commit_level(\""] {
                for (at, _) in text.match_indices(needle) {
                    let rest = &text[at + needle.len()..];
                    out.push((rest[..rest.find('"').unwrap()].to_string(), file.clone()));
                }
            }
            // The arms of a finding enum's `fn code(&self)`.
            for (at, _) in text.match_indices("fn code(&self)") {
                let body = &text[at..];
                let body = &body[..body.find("\n    }").unwrap_or(body.len())];
                for (arm, _) in body.match_indices("=> \"") {
                    let rest = &body[arm + 4..];
                    out.push((rest[..rest.find('"').unwrap()].to_string(), file.clone()));
                }
            }
            for (at, _) in text.match_indices("finding_line(") {
                if text[..at].ends_with("fn ") {
                    continue;
                }
                // The matching parenthesis, then the last string literal before it.
                let mut depth = 0;
                let body = &text[at + "finding_line".len()..];
                let end = body
                    .char_indices()
                    .find(|&(_, c)| {
                        depth += match c {
                            '(' => 1,
                            ')' => -1,
                            _ => 0,
                        };
                        depth == 0
                    })
                    .unwrap()
                    .0;
                let args = body[..end].trim_end().trim_end_matches(',').trim_end();
                if let Some(code) = args.strip_suffix('"').and_then(|a| a.rsplit('"').next()) {
                    out.push((code.to_string(), file.clone()));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn every_emitted_code_has_an_entry() {
    let codes = emitted_codes();
    // The scan itself works: it sees codes of each kind of place.
    for known in ["over_cap", "cascading", "declined", "missing_model", "new_parse_error", "revert_conflict"] {
        assert!(codes.iter().any(|(c, _)| c == known), "the scan missed `{known}`: {codes:?}");
    }
    let missing: Vec<String> =
        codes.iter().filter(|(c, _)| lookup(c).is_none()).map(|(c, f)| format!("{c} ({f})")).collect();
    assert!(missing.is_empty(), "finding codes without an entry in src/report/explain.rs: {missing:?}");
}

#[test]
fn the_catalog_has_each_code_once_and_every_field_filled() {
    for (k, e) in CATALOG.iter().enumerate() {
        assert!(CATALOG[..k].iter().all(|o| o.code != e.code), "`{}` twice", e.code);
        assert!(!e.title.is_empty() && !e.means.is_empty() && !e.why.is_empty() && !e.fix.is_empty(), "{}", e.code);
    }
}

#[test]
fn explain_prints_an_entry_lists_them_all_and_names_a_bad_code() {
    let repo = scenario("revert");
    let out = repo.rc(&["explain", "over_cap"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("over_cap: more changed code lines than the profile's cap"), "{}", out.stdout);
    for part in ["What it means:\n  ", "Why the policy cares:\n  ", "How to fix it:\n  Split the patch"] {
        assert!(out.stdout.contains(part), "{part}: {}", out.stdout);
    }
    // As the reports print it, brackets and all.
    assert_eq!(repo.rc(&["explain", "[over_cap]"]).stdout, out.stdout);

    let list = repo.rc(&["explain"]);
    assert_eq!(list.status, 0);
    assert_eq!(list.stdout.lines().count(), CATALOG.len() + 1, "{}", list.stdout);

    let bad = repo.rc(&["explain", "no_such_code"]);
    assert_eq!(bad.status, 2);
    assert!(bad.stderr.contains("finding code `no_such_code`"), "{}", bad.stderr);
}
