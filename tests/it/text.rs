//! The reports people read, on the demo history: exact text, reply and Markdown (snapshots in
//! tests/it/snapshots/, rewritten with `UPDATE_SNAPSHOTS=1 cargo test --test it text::`), and the
//! options that shape them (`--quiet`, `--color`, `--verbose`).

use std::path::Path;

use crate::util::{run_env, scenario, Repo};

/// Compares `actual` with the file `tests/it/snapshots/<name>`; with UPDATE_SNAPSHOTS set,
/// writes it instead.
fn snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_SNAPSHOTS=1 writes it)", path.display()));
    if expected != actual {
        let first = expected.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "{name} differs from its snapshot from line {}:\n--- expected\n{}\n--- actual\n{}\n(UPDATE_SNAPSHOTS=1 rewrites it)",
            first + 1,
            expected.lines().skip(first).take(5).collect::<Vec<_>>().join("\n"),
            actual.lines().skip(first).take(5).collect::<Vec<_>>().join("\n")
        );
    }
}

fn check(repo: &Repo, format: &str) -> String {
    let out = repo.rc(&["check", "--format", format, "upstream..series"]);
    assert_eq!(out.status, 1, "{}", out.stderr);
    out.stdout
}

#[test]
fn demo_check_text() {
    snapshot("demo-check.txt", &check(&scenario("demo"), "text"));
}

#[test]
fn demo_check_reply() {
    let reply = check(&scenario("demo"), "reply");
    assert!(!reply.contains('\x1b'));
    // Short enough to quote in a mail (a subject may be longer: it is never wrapped).
    assert!(reply.lines().filter(|l| !l.starts_with('[')).all(|l| l.len() <= 80), "{reply}");
    snapshot("demo-check-reply.txt", &reply);
}

#[test]
fn demo_check_markdown() {
    let md = check(&scenario("demo"), "markdown");
    assert!(!md.contains("``"), "no empty code spans: {md}");
    snapshot("demo-check.md", &md);
}

#[test]
fn demo_revert_text() {
    let repo = scenario("demo");
    let out = repo.rc(&["revert", "landed-ai", "--at", "series"]);
    assert_eq!(out.status, 1, "{}", out.stderr);
    snapshot("demo-revert.txt", &out.stdout);
}

#[test]
fn quiet_prints_nothing_and_keeps_the_status() {
    let repo = scenario("demo");
    let out = repo.rc(&["--quiet", "check", "upstream..series"]);
    assert_eq!((out.status, out.stdout.as_str()), (1, ""));
    let out = repo.rc(&["revert", "-q", "landed-ai", "--at", "series"]);
    assert_eq!((out.status, out.stdout.as_str()), (1, ""));
    // Errors still say what went wrong.
    let out = repo.rc(&["-q", "check", "no-such-rev"]);
    assert_eq!(out.status, 2);
    assert!(out.stderr.contains("no-such-rev"), "{}", out.stderr);
}

#[test]
fn colour_follows_color_no_color_and_clicolor_force() {
    let repo = scenario("demo");
    let args = ["check", "series~1"];
    let with = |extra: &[&str], env: &[(&str, Option<&str>)]| {
        let args: Vec<&str> = extra.iter().chain(args.iter()).copied().collect();
        run_env(repo.path(), repo.home.path(), &args, None, env).stdout
    };
    let plain = with(&[], &[]);
    assert!(!plain.contains('\x1b'), "NO_COLOR, and not a terminal: {plain}");
    let forced = with(&[], &[("NO_COLOR", None), ("CLICOLOR_FORCE", Some("1"))]);
    assert!(forced.contains("\x1b[1m\x1b[31merror"), "{forced:?}");
    assert!(with(&["--color", "always"], &[]).contains('\x1b'));
    assert!(!with(&["--color", "never"], &[("NO_COLOR", None), ("CLICOLOR_FORCE", Some("1"))]).contains('\x1b'));
    // What is pasted elsewhere never has escapes.
    for format in ["reply", "markdown", "json"] {
        let env = [("NO_COLOR", None), ("CLICOLOR_FORCE", Some("1"))];
        let out = run_env(repo.path(), repo.home.path(), &["check", "--format", format, "series~1"], None, &env);
        assert_eq!(out.status, 1, "{}", out.stderr);
        assert!(!out.stdout.contains('\x1b'), "{format}: {:?}", out.stdout);
    }
    // Colour changes nothing but the escapes.
    let stripped = forced.replace("\x1b[0m", "");
    let mut clean = String::new();
    let mut rest = stripped.as_str();
    while let Some(at) = rest.find('\x1b') {
        clean.push_str(&rest[..at]);
        rest = &rest[at + rest[at..].find('m').unwrap() + 1..];
    }
    clean.push_str(rest);
    assert_eq!(clean, plain);
}

#[test]
fn notes_about_the_run_only_with_verbose() {
    let repo = scenario("revert");
    std::fs::write(repo.path().join("broken.c"), "int broken(int x\n{\n    if (x > ) {\n}\n").unwrap();
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "broken"]);
    std::fs::write(repo.path().join("other.c"), "int other(void) { return 1; }\n").unwrap();
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "other: add other()"]);
    let plain = repo.rc(&["check", "HEAD"]);
    assert_eq!(plain.status, 0, "{}", plain.stderr);
    assert!(!plain.stdout.contains("parse errors"), "{}", plain.stdout);
    let verbose = repo.rc(&["check", "-v", "HEAD"]).stdout;
    assert!(
        verbose.contains("\nnote: 1 C file of the tree has parse errors; symbols near them are less certain\n"),
        "{verbose}"
    );
    assert!(verbose.contains("\nnote: tip index: 7 C files, "), "{verbose}");
    // Apart from its notes, the report is the same.
    let verbose_only = ["note: 1 C file of the tree", "note: base index: ", "note: tip index: "];
    let kept: String =
        verbose.lines().filter(|l| !verbose_only.iter().any(|n| l.starts_with(n))).map(|l| format!("{l}\n")).collect();
    assert_eq!(kept, plain.stdout);
}

#[test]
fn demo_deps_text() {
    let repo = scenario("demo");
    let reverse = repo.rc(&["deps", "--reverse", "--depth", "2", "qemu_strtoi", "--at", "upstream"]);
    let forward = repo.rc(&["deps", "hw/misc/foo.c:foo_realize", "--at", "upstream"]);
    assert_eq!((reverse.status, forward.status), (0, 0), "{}{}", reverse.stderr, forward.stderr);
    snapshot("demo-deps.txt", &format!("{}{}", reverse.stdout, forward.stdout));
}

#[test]
fn the_enumerators_of_one_enum_share_one_line() {
    let repo = scenario("revert");
    std::fs::write(repo.path().join("color.h"), "enum Color {\n    RED,\n    GREEN,\n    BLUE,\n    ALPHA,\n};\n")
        .unwrap();
    std::fs::write(
        repo.path().join("paint.c"),
        "#include \"color.h\"\nint use_red(void) { return RED; }\nint use_green(void) { return GREEN; }\nint use_blue(void) { return BLUE; }\n",
    )
    .unwrap();
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "color: add Color"]);
    std::fs::write(repo.path().join("color.h"), "enum Color {\n    ALPHA,\n};\n").unwrap();
    repo.git(&["commit", "-q", "-a", "-m", "color: drop the primaries\n\nSigned-off-by: A <a@example.org>"]);
    let out = repo.rc(&["check", "HEAD"]);
    let warnings: Vec<&str> = out.stdout.lines().filter(|l| l.contains(": warning: ")).collect();
    assert_eq!(
        warnings,
        ["color.h:2: warning: 3 enumerators of Color (RED, GREEN, BLUE): removed, still used: used outside the change \
          by 3 symbols in 1 file (first: use_red at paint.c:2) [cascading]"],
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("  changes:  Color (enum, interface: -RED -GREEN -BLUE), 3 enumerators of Color (removed)\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn audit_text_names_the_code_and_the_next_step_of_a_lost_revert() {
    let repo = scenario("audit");
    let db = repo.home.path().join("audit.sqlite");
    let db = db.to_str().unwrap();
    assert_eq!(repo.rc(&["audit", "--db", db]).status, 0);
    repo.apply("audit-later");
    let out = repo.rc(&["audit", "--db", db]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let helper = &repo.rev("ai-helper")[..12];
    let user = &repo.rev("uses-helper")[..12];
    let lost =
        out.stdout.lines().find(|l| l.contains("lost revertibility (")).unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(
        lost.starts_with(&format!("  {helper}: error: lost revertibility (clean -> entangled) because of {user}: ")),
        "{lost}"
    );
    assert!(lost.ends_with(" [revert_entangled]"), "{lost}");
    assert!(
        out.stdout.contains(&format!("  next: revertcheck revert {helper} (what now stands in the way)\n")),
        "{}",
        out.stdout
    );
    let reverted = out.stdout.lines().find(|l| l.contains("became reverted (")).unwrap();
    assert!(reverted.contains(": note: became reverted (") && reverted.ends_with(" [revert_reverted]"), "{reverted}");
}

#[test]
fn the_demo_shows_the_same_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = crate::util::run(dir.path(), dir.path(), &["demo"], None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/snapshots");
    for name in ["demo-check.txt", "demo-revert.txt"] {
        let expected = std::fs::read_to_string(snapshots.join(name)).unwrap();
        assert!(out.stdout.contains(&expected), "{name} is not in the demo's output:\n{}", out.stdout);
    }
    assert!(out.stdout.contains("revertcheck explain over_cap"), "{}", out.stdout);
}
