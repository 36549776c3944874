//! What a file tree-sitter cannot read whole defines is never bound by name alone
//! (fixtures/scenarios/damaged): QEMU's decNumber.c, opencores_eth.c and mips' tlb_helper.c
//! gave locals (`r`, `desc`, `env`) as file-level variables, and every `r` QEMU writes (a
//! VMState field's name, a `container_of` member) was bound `unique` to decNumber.c's.

use crate::util::scenario;

#[test]
fn a_local_of_a_damaged_function_is_no_global_for_other_files() {
    let repo = scenario("damaged");
    let out = repo.rc(&["deps", "reg_fields", "--format", "json"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let json = out.json();
    let r = json["symbols"][0]["entries"].as_array().unwrap().iter().find(|e| e["node"]["name"] == "r").cloned();
    let r = r.unwrap_or_else(|| panic!("{json:#}"));
    assert_eq!(r["node"]["path"], "util/decnumber.c");
    assert_eq!(r["binding"], "name-only", "a definition from a damaged tree: {r:#}");
    // So a change of it has no dependent outside its file: `check` does not count one.
    let out = repo.rc(&["deps", "util/decnumber.c:r", "--reverse", "--format", "json"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    let json = out.json();
    let users = json["symbols"][0]["entries"].as_array().unwrap();
    let outside: Vec<_> = users.iter().filter(|e| e["path"] != "util/decnumber.c").collect();
    assert!(!outside.is_empty() && outside.iter().all(|e| e["binding"] == "name-only"), "{json:#}");
}
