//! On a real QEMU mirror, when `REVERTCHECK_QEMU` names its git directory; `#[ignore]`d because
//! CI has no mirror: `REVERTCHECK_QEMU=/path/to/qemu.git cargo test --release -- --ignored qemu`.
//! They assert facts of QEMU's history at the reference commit, not timings.

use std::path::PathBuf;
use std::process::Command;

use crate::util::run;

/// Upstream master, February 2026.
const MASTER: &str = "ece408818d27f745ef1b05fb3cc99a1e7a5bf580";

fn mirror() -> PathBuf {
    PathBuf::from(std::env::var_os("REVERTCHECK_QEMU").expect("set REVERTCHECK_QEMU to a QEMU git directory"))
}

#[test]
#[ignore = "needs a QEMU mirror in REVERTCHECK_QEMU"]
fn qemu_index_at_master() {
    let home = tempfile::tempdir().unwrap();
    let out = run(&mirror(), home.path(), &["index", "--format", "json", MASTER], None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let v = out.json();
    let files = v["files"].as_u64().unwrap();
    assert!((6_500..8_000).contains(&files), "C files: {files}");
    assert!(v["definitions"]["function"].as_u64().unwrap() > 80_000, "{:#}", v["definitions"]);
    // tree-sitter-c does not parse every QEMU file; those are counted and the run goes on.
    // Idiom masking keeps them few (315 of 6,852 at master; 1,621 before the general rules).
    let damaged = v["index"]["files_with_parse_errors"].as_u64().unwrap();
    assert!(damaged > 0 && damaged < files / 12, "files with parse errors: {damaged}");
    // Enumerators that macros make, worked out from the macros' definitions.
    let defs = run(&mirror(), home.path(), &["debug", "defs", "--kind", "enum_constant", MASTER], None);
    assert_eq!(defs.status, 0, "{}", defs.stderr);
    for site in ["hw/net/e1000_common.h:CTRL enum_constant", "target/arm/cpregs.h:FGT_AFSR0_EL1 enum_constant"] {
        assert!(defs.stdout.contains(site), "{site}");
    }
    assert!(!defs.stdout.contains(":defreg enum_constant"), "a macro's name is no enumerator");
    // TCG helpers: `HELPER(sfas)` defines `helper_sfas`, `DEF_HELPER_*` declare it and the
    // `gen_helper_sfas` the translator calls. None is a function named `HELPER` (1,463 were).
    let defs = run(&mirror(), home.path(), &["debug", "defs", MASTER], None);
    assert_eq!(defs.status, 0, "{}", defs.stderr);
    for site in [
        "target/s390x/tcg/fpu_helper.c:helper_sfas function 971",
        "target/s390x/helper.h:helper_sfas prototype 111",
        "target/s390x/helper.h:gen_helper_sfas prototype 111",
    ] {
        assert!(defs.stdout.contains(site), "{site}");
    }
    assert!(!defs.stdout.contains(":HELPER function "), "HELPER names no function");
    // The QOM idiom: a TypeInfo initialiser makes the class_init a dependent of the global.
    let deps = run(
        &mirror(),
        home.path(),
        &["deps", "--reverse", "--format", "json", "pci_device_class_init", "--rev", MASTER],
        None,
    );
    assert_eq!(deps.status, 0, "{}", deps.stderr);
    assert!(deps.stdout.contains("pci_device_type_info"), "{}", deps.stdout);
}

/// Real revert pairs of master: the reverted commit, at the parent of the commit that reverted
/// it (where git's own revert was made) and at master, compared with `git merge-tree` run in a
/// scratch shared clone (merge-tree writes objects; the mirror must stay untouched).
#[test]
#[ignore = "needs a QEMU mirror in REVERTCHECK_QEMU"]
fn qemu_reverts_agree_with_git() {
    let q = mirror();
    let home = tempfile::tempdir().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let clone = scratch.path().join("c.git");
    let ok = Command::new("git").args(["clone", "-q", "--bare", "--shared"]).arg(&q).arg(&clone).status().unwrap();
    assert!(ok.success());
    let git = |args: &[&str]| {
        let out = Command::new("git").arg("--git-dir").arg(&clone).args(args).output().unwrap();
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (_, log) = git(&[
        "log",
        "--first-parent",
        "--no-merges",
        "--format=%H",
        "--grep=^This reverts commit",
        "-n",
        "40",
        MASTER,
    ]);
    let mut pairs = Vec::new();
    for revert in log.lines() {
        let (_, body) = git(&["log", "-1", "--format=%b", revert]);
        let Some(i) = body.find("This reverts commit ") else { continue };
        let orig: String = body[i + 20..].chars().take_while(char::is_ascii_hexdigit).collect();
        // Merges need -m; git and we both refuse them without it.
        if orig.len() == 40 && git(&["rev-list", "--parents", "-n1", &orig]).1.split_whitespace().count() == 2 {
            pairs.push((orig, format!("{revert}^")));
        }
    }
    assert!(pairs.len() >= 3, "{pairs:?}");
    let mut compared = 0;
    for (orig, at) in pairs.iter().take(3) {
        for at in [at.as_str(), MASTER] {
            let ours = run(&q, home.path(), &["revert", "--format", "json", "--at", at, orig], None);
            assert!(ours.status <= 1, "{orig} at {at}: {}", ours.stderr);
            let applies = ours.json()["commits"][0]["applies"].as_bool().unwrap();
            let (status, _) =
                git(&["merge-tree", "--write-tree", &format!("--merge-base={orig}"), at, &format!("{orig}^")]);
            assert!(status == 0 || status == 1, "git merge-tree failed for {orig} at {at}");
            assert_eq!(applies, status == 0, "{orig} reverted at {at}: ours applies={applies}, git status {status}");
            compared += 1;
        }
    }
    assert_eq!(compared, 6);
}

/// `deps NAME` at master: each entry's name and binding.
fn qemu_deps(home: &std::path::Path, name: &str, reverse: bool) -> Vec<(String, String)> {
    let mut args = vec!["deps", "--format", "json", name, "--rev", MASTER];
    if reverse {
        args.push("--reverse");
    }
    let out = run(&mirror(), home, &args, None);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let json = out.json();
    json["symbols"][0]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["node"]["name"].as_str().unwrap().to_string(), e["binding"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
#[ignore = "needs a QEMU mirror in REVERTCHECK_QEMU"]
fn qemu_generated_plumbing_at_master() {
    let home = tempfile::tempdir().unwrap();
    let has = |entries: &[(String, String)], name: &str, binding: &str| {
        entries.iter().any(|(n, b)| n == name && b == binding)
    };
    // target/i386/helper.h: `DEF_HELPER_1(cpuid, void, env)`'s gen_helper_cpuid passes `env` as a
    // TCGv_ptr through tcgv_ptr_temp, seen where exec/helper-gen.h expands helper.h (tcg/tcg.h).
    let uses = qemu_deps(home.path(), "gen_helper_cpuid", false);
    for (name, binding) in [("TCGv_ptr", "include"), ("tcgv_ptr_temp", "include"), ("helper_info_cpuid", "exact")] {
        assert!(has(&uses, name, binding), "{name} {binding}: {uses:?}");
    }
    // include/qemu/lockable.h: QEMU_LOCK_GUARD's `g_autoptr(QemuLockable)` uses the cleanup
    // G_DEFINE_AUTOPTR_CLEANUP_FUNC defines a line above.
    let users = qemu_deps(home.path(), "glib_autoptr_cleanup_QemuLockable", true);
    assert!(users.iter().any(|(n, _)| n == "QEMU_LOCK_GUARD"), "{users:?}");
    // A QOM checker uses its instance type and type name.
    let uses = qemu_deps(home.path(), "PCI_DEVICE", false);
    for name in ["PCIDevice", "TYPE_PCI_DEVICE", "OBJECT_CHECK"] {
        assert!(uses.iter().any(|(n, b)| n == name && b != "name-only"), "{name}: {uses:?}");
    }
}
