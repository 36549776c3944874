//! Trailers read by git's rules: every message of fixtures/trailers is parsed by
//! `git interpret-trailers --parse` and by revertcheck, and the two must agree; then what
//! `check` says of trailers git does not see (outside the block) on a real repository.

use std::process::{Command, Stdio};

use revertcheck::policy::trailers::{outside_block, parse_trailers};

use crate::util::{fixtures, scenario};

fn git_parse(message: &[u8]) -> String {
    use std::io::Write;
    let mut child = Command::new("git")
        .args(["interpret-trailers", "--parse"])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(message).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_trailer_block_is_the_one_git_interpret_trailers_reads() {
    let mut files: Vec<_> = std::fs::read_dir(fixtures().join("trailers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "{files:?}");
    let mut with_trailers = 0;
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let git = git_parse(&bytes);
        let ours: String = parse_trailers(std::str::from_utf8(&bytes).unwrap())
            .entries
            .iter()
            .map(|t| format!("{}: {}\n", t.key, t.value))
            .collect();
        assert_eq!(ours, git, "{}", path.display());
        with_trailers += usize::from(!git.is_empty());
    }
    assert!(with_trailers >= 10 && with_trailers < files.len(), "both kinds are covered");
}

#[test]
fn lines_above_the_block_are_found_with_their_line() {
    let msg = std::fs::read_to_string(fixtures().join("trailers/ai-own-paragraph.txt")).unwrap();
    let outside = outside_block(&msg);
    assert_eq!(outside.len(), 1);
    assert_eq!((outside[0].key.as_str(), outside[0].value.as_str(), outside[0].line), ("AI-used-for", "tests", 5));
    let msg = std::fs::read_to_string(fixtures().join("trailers/sob-earlier-paragraph.txt")).unwrap();
    assert_eq!(outside_block(&msg)[0].key, "Signed-off-by");
    // Nothing after `---` is part of the message.
    let msg = std::fs::read_to_string(fixtures().join("trailers/patch-part.txt")).unwrap();
    assert!(outside_block(&msg).is_empty());
}

/// Issue #17: `AI-used-for : code` is a trailer; an `AI-used-for:` in its own paragraph is
/// its own finding, not silently `not-declared`; a sign-off in an earlier paragraph is
/// misplaced, not missing.
#[test]
fn check_reports_trailers_git_does_not_see() {
    let repo = scenario("demo");
    repo.git(&["checkout", "-q", "-b", "trailers", "upstream"]);
    for (i, name) in ["space-before-colon", "ai-own-paragraph", "sob-earlier-paragraph"].iter().enumerate() {
        std::fs::write(repo.path().join(format!("docs/note{i}.rst")), format!("Note {i}\n")).unwrap();
        repo.git(&["add", "."]);
        let msg = fixtures().join(format!("trailers/{name}.txt"));
        repo.git(&[
            "-c",
            "user.name=A",
            "-c",
            "user.email=a@x",
            "commit",
            "-q",
            "--cleanup=verbatim",
            "-F",
            msg.to_str().unwrap(),
        ]);
    }
    let out = repo.rc(&["check", "--format", "json", "--fail-on", "never", "upstream..trailers"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let report = out.json();
    let steps = report["steps"].as_array().unwrap();
    let codes = |k: usize| -> Vec<String> {
        steps[k]["verdict"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    // 1: declared, read as git reads it.
    assert_eq!(steps[0]["trailers"]["ai_used_for"][0], "code (tool: aider)");
    assert!(steps[0]["declared"]["present"].as_bool().unwrap());
    assert!(!codes(0).iter().any(|c| c == "trailer_outside_block"), "{:?}", codes(0));
    // 2: declared (its scope is read), and the misplacement is an error of its own.
    assert!(steps[1]["declared"]["present"].as_bool().unwrap());
    assert_eq!(steps[1]["declared"]["scopes"][0], "tests");
    assert_ne!(steps[1]["verdict"]["policy"], "not-declared");
    let f = steps[1]["verdict"]["findings"].as_array().unwrap().iter().find(|f| f["code"] == "trailer_outside_block");
    let f = f.unwrap_or_else(|| panic!("{:?}", codes(1)));
    assert_eq!(f["severity"], "error");
    assert!(f["message"].as_str().unwrap().contains("message line 5"), "{f}");
    // 3: the sign-off is there, in the wrong place.
    assert!(codes(2).iter().any(|c| c == "trailer_outside_block"), "{:?}", codes(2));
    assert!(!codes(2).iter().any(|c| c == "missing_signed_off_by"), "{:?}", codes(2));
}
