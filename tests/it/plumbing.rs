//! Code QEMU's macros generate, as the idiom table describes it (fixtures/scenarios/plumbing):
//! a QOM type's checker and glib autoptr cleanups (OBJECT_DECLARE_SIMPLE_TYPE), the TCG helper
//! plumbing of a DEF_HELPER line, and the headers every `.c` file includes first.

use serde_json::Value;

use crate::util::{scenario, Repo};

/// `deps NAME [--reverse]` at the first commit: each entry's name and binding.
fn entries(repo: &Repo, name: &str, reverse: bool) -> Vec<(String, String)> {
    let mut args = vec!["deps", name, "--format", "json", "--rev", "main~2"];
    if reverse {
        args.push("--reverse");
    }
    let out = repo.rc(&args);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let json: Value = out.json();
    let mut found: Vec<(String, String)> = json["symbols"][0]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["node"]["name"].as_str().unwrap().to_string(), e["binding"].as_str().unwrap().to_string()))
        .collect();
    found.sort();
    found
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(n, b)| (n.to_string(), b.to_string())).collect()
}

#[test]
fn a_qom_checker_uses_its_instance_type_and_type_name() {
    let repo = scenario("plumbing");
    // `TOY_DEV(obj)` is `OBJECT_CHECK(ToyDevState, obj, TYPE_TOY_DEV)`: renaming the type's
    // string or its struct reaches every caller of the checker.
    assert_eq!(
        entries(&repo, "TOY_DEV", false),
        pairs(&[("OBJECT_CHECK", "include"), ("TYPE_TOY_DEV", "exact"), ("ToyDevState", "exact")])
    );
    assert_eq!(entries(&repo, "TOY_DEV", true), pairs(&[("toy_reset", "include")]));
}

#[test]
fn g_autoptr_uses_the_cleanup_the_type_declaration_defines() {
    let repo = scenario("plumbing");
    // OBJECT_DECLARE_SIMPLE_TYPE invokes glib's G_DEFINE_AUTOPTR_CLEANUP_FUNC(ToyDevState,
    // object_unref): `g_autoptr(ToyDevState) s` is a `ToyDevState_autoptr` cleaned up by
    // `glib_autoptr_cleanup_ToyDevState`, which calls `glib_autoptr_clear_ToyDevState`, which
    // calls object_unref.
    assert_eq!(entries(&repo, "glib_autoptr_cleanup_ToyDevState", true), pairs(&[("toy_probe", "include")]));
    assert_eq!(entries(&repo, "ToyDevState_autoptr", true), pairs(&[("toy_probe", "include")]));
    assert_eq!(
        entries(&repo, "glib_autoptr_cleanup_ToyDevState", false),
        pairs(&[("ToyDevState", "exact"), ("glib_autoptr_clear_ToyDevState", "exact")])
    );
    let clear = entries(&repo, "glib_autoptr_clear_ToyDevState", false);
    assert!(clear.contains(&("object_unref".to_string(), "include".to_string())), "{clear:?}");
}

#[test]
fn a_helper_generator_uses_the_tcg_plumbing_its_arguments_need() {
    let repo = scenario("plumbing");
    // DEF_HELPER_2(add, i32, env, i32): helper-gen.h.inc's gen_helper_add takes a TCGv_i32 and a
    // TCGv_ptr (`env`) and passes them through tcgv_*_temp to tcg_gen_call2 with helper_info_add.
    // helper.h includes nothing: what it makes sees what exec/helper-gen.h includes, where
    // translate.c's include of it expands helper.h.
    assert_eq!(
        entries(&repo, "gen_helper_add", false),
        pairs(&[
            ("TCGv_i32", "include"),
            ("TCGv_ptr", "include"),
            ("helper_add", "exact"),
            ("helper_info_add", "exact"),
            ("tcg_gen_call2", "include"),
            ("tcgv_i32_temp", "include"),
            ("tcgv_ptr_temp", "include"),
        ])
    );
    assert_eq!(entries(&repo, "gen_helper_add", true), pairs(&[("gen_add", "include")]));
    // The same for a private header helper.h includes (target/i386's ops_sse_header.h.inc), which
    // the six files that include helper.h do not make a fragment of theirs.
    let neg = entries(&repo, "gen_helper_neg", false);
    assert!(neg.contains(&("tcgv_i32_temp".to_string(), "include".to_string())), "{neg:?}");
    assert!(neg.contains(&("TCGv_i32".to_string(), "include".to_string())), "{neg:?}");
}

#[test]
fn a_header_sees_what_every_c_file_includes_first() {
    let repo = scenario("plumbing");
    // qom/object.h includes nothing, yet its OBJECT macro names `Object`: every .c file includes
    // qemu/osdep.h first, which brings in qemu/typedefs.h.
    assert_eq!(entries(&repo, "OBJECT", false), pairs(&[("Object", "include")]));
}

#[test]
fn renaming_a_checker_does_not_change_the_type_its_line_declares() {
    let repo = scenario("plumbing");
    // QEMU's f063ec2a5f8d renamed an OBJECT_DECLARE_SIMPLE_TYPE's checker; a later commit added
    // a second checker of the same instance type. Reverting the rename leaves `ToyDevState` as it
    // is: the typedef the line declares is made of its name, not of the whole line.
    let out = repo.rc(&["revert", "--format", "json", "rename"]);
    assert_eq!(out.status, 0, "{}", out.stdout);
    let c = &out.json()["commits"][0];
    assert_eq!(c["verdict"], "clean", "{c:#}");
    assert_eq!(c["cascade"].as_array().map(Vec::len), Some(0), "{c:#}");
    // The later checker does use the type.
    let json = repo.rc(&["deps", "TOY_TSP", "--format", "json"]).json();
    let uses: Vec<&str> =
        json["symbols"][0]["entries"].as_array().unwrap().iter().map(|e| e["node"]["name"].as_str().unwrap()).collect();
    assert!(uses.contains(&"ToyDevState"), "{uses:?}");
}

#[test]
fn check_lists_what_a_changed_invocation_changes_and_nothing_else() {
    let repo = scenario("plumbing");
    // The rename touches the OBJECT_DECLARE_SIMPLE_TYPE line: the checker and its type name are
    // removed and added; the instance type and its autoptr cleanups, made of `ToyDevState` and
    // `object_unref` alone, did not change (they are not "comment only" either: tokens of the
    // line did change, just not theirs).
    let out = repo.rc(&["check", "--format", "json", "--fail-on", "never", "main~2..main~1"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let json = out.json();
    let mut changes: Vec<(String, String)> = Vec::new();
    for f in json["steps"][0]["files"].as_array().unwrap() {
        for s in f["symbols"].as_array().unwrap() {
            changes.push((s["name"].as_str().unwrap().to_string(), s["change"].as_str().unwrap().to_string()));
        }
    }
    changes.sort();
    assert_eq!(
        changes,
        pairs(&[
            ("TOY_DEV", "removed"),
            ("TOY_DEVICE", "added"),
            ("TYPE_TOY_DEV", "removed"),
            ("TYPE_TOY_DEVICE", "added"),
            ("toy_reset", "body"),
        ])
    );
}
