//! Names the preprocessor makes (fixtures/scenarios/templates): functions a macro of the file
//! defines (`INSN(clo_w, rr)` defines `trans_clo_w`), a template header that sees its includer's
//! statics, register maps (`REG32`, `FIELD`) and names pasted at a macro's invocation.

use serde_json::Value;

use crate::util::{scenario, Repo};

/// `deps NAME --reverse --format json`: (name, path, binding) of each dependent.
fn dependents(repo: &Repo, name: &str, depth: &str) -> Vec<(String, String, String)> {
    let out = repo.rc(&["deps", name, "--reverse", "--depth", depth, "--format", "json", "--rev", "main"]);
    assert_eq!(out.status, 0, "{name}: {}", out.stderr);
    let json = out.json();
    let entries = json["symbols"][0]["entries"].as_array().unwrap_or_else(|| panic!("{json:#}"));
    entries
        .iter()
        .map(|e| {
            let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
            (s(&e["node"]["name"]), s(&e["path"]), s(&e["binding"]))
        })
        .collect()
}

fn check(repo: &Repo, rev: &str) -> Value {
    let out = repo.rc(&["check", "--format", "json", rev]);
    assert!(out.status <= 1, "{rev}: status {}: {}", out.status, out.stderr);
    out.json()["steps"][0].clone()
}

#[test]
fn a_macro_of_the_file_defines_the_functions_its_invocations_paste() {
    let repo = scenario("templates");
    // `INSN(clo_w, rr)` defines `trans_clo_w`, which calls `output_rr`; the caller binds to it.
    let users = dependents(&repo, "output_rr", "1");
    assert!(users.iter().any(|(n, p, b)| n == "trans_clo_w" && p == "target/toy/disas.c" && b == "exact"), "{users:?}");
    assert!(!users.iter().any(|(n, ..)| n == "trans_add_w"), "add_w is an rrr instruction: {users:?}");
    // A translator another file's macro defines (TRANS in translate.h) calls its function.
    let users = dependents(&repo, "do_add", "1");
    assert!(
        users.iter().any(|(n, p, b)| n == "trans_ADD" && p == "target/toy/translate.c" && b == "exact"),
        "{users:?}"
    );
    let callers = dependents(&repo, "trans_clo_w", "1");
    assert!(callers.iter().any(|(n, _, b)| n == "toy_disas_one" && b == "exact"), "{callers:?}");
}

#[test]
fn a_template_header_sees_the_statics_of_the_file_that_includes_it() {
    let repo = scenario("templates");
    let users = dependents(&repo, "atomic_mmu_lookup", "1");
    let template = users.iter().find(|(_, p, _)| p == "accel/tcg/atomic_template.h");
    assert!(template.is_some_and(|(_, _, b)| b == "include"), "{users:?}");
}

#[test]
fn a_new_argument_for_a_static_a_template_header_calls_is_cascading() {
    let repo = scenario("templates");
    // The template in atomic_template.h still passes three arguments: before templates saw
    // their includer's statics, this was a false `contained`.
    let step = check(&repo, "lookup");
    assert_eq!(step["verdict"]["structural"], "cascading", "{step:#}");
    let lookup = step["symbols"].as_array().unwrap().iter().find(|s| s["name"] == "atomic_mmu_lookup").unwrap();
    assert!(
        lookup["dependents"].as_array().unwrap().iter().any(|d| d["path"] == "accel/tcg/atomic_template.h"),
        "{lookup:#}"
    );
}

#[test]
fn functions_a_macro_makes_are_dependents_like_any_other() {
    let repo = scenario("templates");
    // output_rr gains an argument; the two functions INSN makes for rr instructions still call
    // it the old way, in the same file.
    let step = check(&repo, "output-args");
    let output = step["symbols"].as_array().unwrap().iter().find(|s| s["name"] == "output_rr").unwrap();
    let names: Vec<&str> = output["dependents"].as_array().unwrap().iter().filter_map(|d| d["name"].as_str()).collect();
    assert!(names.contains(&"trans_clo_w") && names.contains(&"trans_clz_w"), "{output:#}");
    assert!(!names.contains(&"trans_add_w"), "{output:#}");
}

#[test]
fn register_maps_and_pasted_names_bind() {
    let repo = scenario("templates");
    for reg in ["A_CTRL", "R_CTRL", "R_CTRL_EN_MASK", "A_STATUS"] {
        let users = dependents(&repo, reg, "1");
        assert!(users.iter().any(|(n, _, b)| n == "regs_read" && b == "exact"), "{reg}: {users:?}");
    }
    // FIELD_EX32(v, CTRL, EN), defined in registerfields.h, reads R_CTRL_EN_SHIFT.
    let users = dependents(&repo, "R_CTRL_EN_SHIFT", "1");
    assert!(users.iter().any(|(n, _, b)| n == "regs_enabled" && b == "exact"), "{users:?}");
    // QEMU_LOCK_MUTEX(m) -> QML_LOCK_(m, mutex) -> qemu_lockable_mutex_lock, which QML_FUNC_(mutex)
    // defines.
    let users = dependents(&repo, "qemu_lockable_mutex_lock", "3");
    assert!(users.iter().any(|(n, ..)| n == "lock_user_take"), "{users:?}");
    assert!(users.iter().any(|(n, ..)| n == "QEMU_LOCK_MUTEX"), "{users:?}");
}

#[test]
fn a_header_named_by_a_macro_is_never_a_guess_by_file_name() {
    let repo = scenario("templates");
    // include/exec/helper-gen.h's `#define HELPER_H "helper.h"` names the including target's
    // helper.h; the only helper.h in this tree is a firmware's, which QEMU code never sees.
    let step = check(&repo, "bios-round");
    let round = step["symbols"].as_array().unwrap().iter().find(|s| s["name"] == "ROUND_UP").unwrap();
    let users: Vec<&str> = round["dependents"].as_array().unwrap().iter().filter_map(|d| d["path"].as_str()).collect();
    assert!(!users.contains(&"util/round.c"), "{round:#}");
    assert_eq!(step["verdict"]["structural"], "leaf", "{step:#}");
    // A program of its own may include QEMU's headers: a TCG plugin's `<qemu-plugin.h>`.
    let users = dependents(&repo, "qemu_plugin_api_version", "1");
    assert!(
        users
            .iter()
            .any(|(n, p, b)| n == "qemu_plugin_install" && p == "tests/tcg/plugins/syscall.c" && b == "include"),
        "{users:?}"
    );
}
