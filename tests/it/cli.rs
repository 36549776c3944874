//! The command line itself: one name for the revision analysed, the help sections, shell
//! completions and the manual page.

use crate::util::scenario;

#[test]
fn at_names_the_revision_everywhere_and_the_old_names_still_work() {
    let repo = scenario("demo");
    let deps = |flag: &str| {
        repo.rc(&["deps", "--reverse", "--format", "json", "qemu_strtoi", flag, "upstream"]).json()["dependents"]
            .clone()
    };
    assert_eq!(deps("--at"), deps("--rev"));
    let index = |args: &[&str]| {
        let v = repo.rc(&[&["index", "--format", "json"], args].concat()).json();
        (v["tree"].clone(), v["symbols"].clone(), v["rev"].clone())
    };
    assert_eq!(index(&["--at", "upstream"]), index(&["upstream"]));
    let conflict = repo.rc(&["index", "--at", "upstream", "series"]);
    assert_eq!(conflict.status, 2, "{}", conflict.stderr);
}

#[test]
fn help_puts_global_options_in_their_own_section() {
    let repo = scenario("revert");
    let help = repo.rc(&["check", "--help"]).stdout;
    let global = help.find("Global options:").unwrap_or_else(|| panic!("{help}"));
    for flag in ["--cache-dir", "--quiet", "--color <when>", "--verbose"] {
        assert!(help[global..].contains(flag), "{flag} under Global options: {help}");
    }
    assert!(!help[..global].contains("--cache-dir"), "{help}");
    let history = repo.rc(&["audit", "history", "--help"]).stdout;
    assert!(history.contains("The store to read"), "{history}");
}

#[test]
fn completions_and_man_page() {
    let repo = scenario("revert");
    let bash = repo.rc(&["completions", "bash"]);
    assert_eq!(bash.status, 0, "{}", bash.stderr);
    assert!(bash.stdout.contains("_revertcheck()") && bash.stdout.contains("explain"), "{}", bash.stdout);
    let bad = repo.rc(&["completions", "tcsh"]);
    assert_eq!(bad.status, 2);
    assert!(bad.stderr.contains("tcsh"), "{}", bad.stderr);
    let man = repo.rc(&["man"]);
    assert_eq!(man.status, 0, "{}", man.stderr);
    assert!(man.stdout.starts_with(".ie") || man.stdout.contains(".TH revertcheck"), "{}", &man.stdout[..200]);
}
