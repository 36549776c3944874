//! Extraction fixtures: each `fixtures/c/NAME.c` is extracted and compared with the reviewed
//! `fixtures/c/NAME.expected` (definitions, references, includes, parse health). Run with
//! `UPDATE_EXPECT=1` to rewrite the expectations after an intended change, then review the diff.

use std::path::Path;

use revertcheck::lang::lexer::normalized_hash;
use revertcheck::lang::{Extractor, IdiomTable, Limits, Queries};

fn check(name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/c");
    let actual = lines_of(name);
    let expected_path = dir.join(format!("{name}.expected"));
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&expected_path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap();
    assert_eq!(actual, expected, "fixtures/c/{name}.c: extraction differs from {name}.expected");
}

fn lines_of(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/c");
    let src = std::fs::read(dir.join(format!("{name}.c"))).unwrap();
    let queries = Queries::load().unwrap();
    let idioms = IdiomTable::builtin();
    Extractor::new(&queries, &idioms, Limits::default()).extract(&src).render()
}

#[test]
fn qemu_idioms() {
    check("qemu_idioms");
}

#[test]
fn declarators() {
    check("declarators");
}

#[test]
fn ifdef_alternatives() {
    check("ifdef_alternatives");
}

#[test]
fn macros_types() {
    check("macros_types");
}

#[test]
fn syntax_errors() {
    check("syntax_errors");
}

#[test]
fn directives_in_expressions() {
    check("directives_in_expressions");
}

#[test]
fn enumerator_macros() {
    check("enumerator_macros");
}

#[test]
fn missing_names() {
    check("missing_names");
}

#[test]
fn qemu_statements() {
    check("qemu_statements");
}

#[test]
fn token_paste() {
    check("token_paste");
}

// The facts below are what the expectation files must say; they are asserted on their own so
// that a careless `UPDATE_EXPECT=1` cannot silently accept a regression in them.

#[test]
fn file_level_macro_does_not_become_a_return_type() {
    let out = lines_of("qemu_idioms");
    assert!(out.contains("def function foo_abort static 30-33\n"), "{out}");
    assert!(out.contains("ref <file> -> foo_types lexical 29\n"));
    assert!(out.contains("ref <file> -> foo_register_types lexical 39\n"));
    assert!(!out.contains("DEFINE_TYPES global"), "DEFINE_TYPES must not be a definition");
    assert!(out.contains("health errors=0 missing=0"), "masking should leave no parse error");
}

/// Each general masking rule leaves the code parseable and keeps the names it hides as uses.
#[test]
fn statement_and_type_macros_parse_and_stay_references() {
    let out = lines_of("qemu_statements");
    assert!(out.contains("health errors=0 missing=0"), "{out}");
    // Statement macros, with and without arguments.
    for m in ["QTAILQ_FOREACH call 25", "WITH_QEMU_LOCK_GUARD call 28", "RCU_READ_LOCK_GUARD call 31"] {
        assert!(out.contains(&format!("ref queue_len -> {m}\n")), "{m}: {out}");
    }
    assert!(out.contains("ref queue_len -> req_count call 29\n"), "the blocks are parsed as code");
    // Type macros: the declarations are found, their arguments are uses.
    assert!(out.contains("def variable pending static 10-10\n"));
    assert!(out.contains("ref pending -> Req lexical 10\n"));
    assert!(out.contains("ref Queue -> Req lexical 13\n"));
    // An attribute before `(*name)` leaves the declarator alone; annotated prototypes are found.
    assert!(out.contains("def prototype queue_flush global 18-18\n"));
    assert!(!out.contains("GRAPH_RDLOCK"));
    // Case ranges and comparison arguments.
    assert!(out.contains("ref mode_class -> MODE_LAST value 40\n"));
    assert!(out.contains("ref test_queue -> queue_len call 51\n"));
    assert!(out.contains("ref test_queue -> R_CTRL_MODE_MASK value 52\n"));
    // binutils' ATTRIBUTE_UNUSED after a parameter is an attribute (the ATTRIBUTE_ prefix).
    assert!(out.contains("def function field_get static 58-62\n"), "{out}");
    // offsetof(T, a.b[i]): parsed, the subscript's names kept, the field names not uses.
    assert!(out.contains("ref plugin_offset -> PLUGIN_IDX lexical 67\n"), "{out}");
    assert!(!out.contains("-> neg ") && !out.contains("-> plugin_mem_cbs "), "{out}");
    // Indented file-level invocations.
    assert!(out.contains("ref <file> -> FIELD call 6\n"));
    // registerfields.h's FIELD defines its three constants; the names pasted into them are
    // fragments, not uses.
    assert!(out.contains("def enum_constant R_CTRL_MODE_MASK global 7-7\n"), "{out}");
    assert!(!out.contains("ref <file> -> MODE lexical 7\n"), "{out}");
    // Types as macro arguments: the initialised array and the function parse; tags stay tags.
    assert!(
        out.contains("def variable rate_props static 71-73\n") && out.contains("ref rate_props -> Object value 72\n")
    );
    assert!(out.contains("ref rate_new -> rate_wrapper tag 79\n") && out.contains("ref rate_new -> g_new0 call 77\n"));
    // A keyword where an expression stands (`g_new0(char *, 4)` -> `char`) is no reference.
    assert!(!out.contains("-> char "), "{out}");
    // Designated arguments: the values stay, the field names are no uses; `args...` parses.
    assert!(
        out.contains("def variable rate_cpus static 84-89\n")
            && out.contains("ref rate_cpus -> rate_default value 87\n")
    );
    assert!(
        out.contains("ref rate_cpus -> RATE_IDX lexical 87\n") && !out.contains("-> mmu ") && !out.contains("-> cfg ")
    );
    assert!(out.contains("def function_macro RATE_LOG global 83-83\n") && !out.contains("-> args "), "{out}");
}

/// Directives tree-sitter-c cannot take (inside initializers, compound literals, parentheses,
/// `#define` in an enum) are blanked: the variable around them is still found, the macros they
/// define and the files they include are kept, and their conditions' names stay uses.
#[test]
fn directives_in_expressions_keep_the_code_around_them() {
    let out = lines_of("directives_in_expressions");
    assert!(out.contains("health errors=0 missing=0"), "{out}");
    // The initialised variables: an `#if` inside lost `operands` (and any array like it) whole.
    for def in ["variable types static 6-11", "variable operands global 19-24", "variable vmstate static 30-39"] {
        assert!(out.contains(&format!("def {def}\n")), "{def}: {out}");
    }
    // Both arms stay; the condition is a use.
    assert!(out.contains("ref types -> TYPE_B value 9\n") && out.contains("ref types -> CONFIG_B lexical 8\n"));
    assert!(out.contains("ref vmstate -> TARGET_X lexical 34\n") && !out.contains("-> defined "), "{out}");
    // Macros defined inside, with their bodies' uses and parameters shadowing.
    for def in ["function_macro MAKE_SIG_ENTRY global 14-14", "macro UNUSED global 20-20", "macro RA global 22-22"] {
        assert!(out.contains(&format!("def {def}\n")), "{def}: {out}");
    }
    assert!(out.contains("ref RA -> UNUSED lexical 22\n") && !out.contains("-> sig "), "{out}");
    assert!(out.contains("ref after -> RA value 64\n"));
    // An enum takes `#ifdef` as it is, not `#define`.
    assert!(
        out.contains("def macro MODE_BASE global 42-42\n") && out.contains("def enum_constant MODE_B global 45-45\n")
    );
    // A table included into an initializer is still an include.
    assert!(out.contains("include \"table.h.inc\" 27\n"), "{out}");
    // Arguments split by `#ifdef`: the call is still a call.
    assert!(out.contains("ref report -> log_error call 51\n") && out.contains("ref report -> VERBOSE lexical 52\n"));
}

/// `enum { defreg(CTRL), DO_BIT(R, B), ... }`: the enumerators the macros make, worked out from
/// their definitions in the file; never the macro's name or its arguments as enumerators.
#[test]
fn enumerator_macros_define_what_they_expand_to() {
    let out = lines_of("enumerator_macros");
    assert!(out.contains("health errors=0 missing=0"), "{out}");
    for def in ["CTRL global 5-5", "EECD global 5-5", "EERD global 6-6", "FGT_AFSR0_EL1 global 13-13"] {
        assert!(out.contains(&format!("def enum_constant {def}\n")), "{def}: {out}");
    }
    // Nested macros and several enumerators from one invocation.
    for def in ["MBVFICR0 global 22-22", "MBVFICR1 global 22-22", "FGT_TLBIVMALLE1OS global 23-23"] {
        assert!(out.contains(&format!("def enum_constant {def}\n")), "{def}: {out}");
    }
    assert!(out.contains("def enum_constant FGT_TLBIVMALLE1OSNXS global 23-23\n"));
    // Names that are no enumerator: the macros and their arguments, a macro defined elsewhere.
    for bogus in ["defreg ", "DO_BIT ", "HFGRTR ", "AFSR0_EL1 ", "OTHER_MACRO "] {
        assert!(!out.contains(&format!("def enum_constant {bogus}")), "{bogus}: {out}");
    }
    assert!(
        out.contains("ref FGT_AFSR0_EL1 -> DO_BIT call 13\n") && out.contains("ref FGTBit -> OTHER_MACRO call 14\n")
    );
    assert!(out.contains("ref use -> MBVFICR1 value 25\n"));
}

#[test]
fn initialiser_function_pointers_are_references_from_the_global() {
    let out = lines_of("qemu_idioms");
    assert!(out.contains("ref foo_types -> foo_class_init value 25\n"));
    assert!(out.contains("ref foo_class_init -> foo_realize value 18\n"));
}

#[test]
fn qom_declaration_macros_define_their_types() {
    let out = lines_of("qemu_idioms");
    assert!(out.contains("def typedef FooState global 5-5\n"));
    assert!(out.contains("def function_macro FOO_DEVICE global 5-5\n"));
}

#[test]
fn locals_shadow_globals_and_pointer_returns_are_functions() {
    let out = lines_of("declarators");
    assert!(out.contains("def function split_args static"));
    assert!(out.contains("def function node_new global 16-21\n"));
    assert!(out.contains("def variable hook global"), "a function pointer is a variable");
    assert!(out.contains("def prototype node_hash static"));
    assert!(!out.contains("ref split_args -> debug_level"), "the local debug_level shadows the global");
    assert!(out.contains("ref run -> debug_level value 33\n"));
}

#[test]
fn ifdef_branches_give_two_sites() {
    let out = lines_of("ifdef_alternatives");
    assert_eq!(out.matches("def function host_page_size static").count(), 2);
    assert_eq!(out.matches("def macro HOST_NAME").count(), 2);
}

#[test]
fn token_pasting_names_are_not_references() {
    let out = lines_of("macros_types");
    assert!(out.contains("def function glue(helper_store_,SUFFIX) global 24-28\n"));
    assert!(!out.contains("-> SUFFIX"));
    assert!(!out.contains("-> helper_store_"));
    assert!(out.contains("ref CLAMP -> clamp_slow lexical 4\n"), "macro bodies are mined");
}

/// QEMU's TCG helpers: `HELPER(sfas)` defines and calls `helper_sfas`, `DEF_HELPER_*` declare
/// `helper_*` and `gen_helper_*`, `glue` with literal parts builds the name; a part in capitals
/// is an unknown macro and keeps the invocation's text.
#[test]
fn token_pasted_names_are_the_names_they_build() {
    let out = lines_of("token_paste");
    assert!(out.contains("health errors=0 missing=0"), "{out}");
    assert!(!out.contains(" HELPER ") && !out.contains("-> HELPER "), "HELPER is never a name: {out}");
    for def in [
        "prototype helper_sfas global 4-4",
        "prototype gen_helper_sfas global 4-4",
        "prototype helper_lcxbr global 5-5",
        "prototype gen_helper_lcxbr global 5-5",
        "prototype helper_sfas global 7-7",
        "function helper_sfas global 14-17",
        "function helper_lcxbr global 19-23",
        "function helper_add16 global 26-30",
        "function glue(helper_store_,SUFFIX) global 33-36",
    ] {
        assert!(out.contains(&format!("def {def}\n")), "{def}: {out}");
    }
    // Calls and values through the macros, nested ones resolved first.
    assert!(out.contains("ref helper_lcxbr -> helper_sfas call 22\n"), "{out}");
    assert!(out.contains("ref helper_add16 -> helper_sfas value 28\n"), "{out}");
    assert!(out.contains("ref helper_add16 -> helper_lcxbr call 29\n"), "{out}");
    for fragment in ["helper_ ", "sfas ", "helper_lc ", "lc ", "xbr ", "glue ", "xglue "] {
        assert!(!out.contains(&format!("ref helper_add16 -> {fragment}")), "{fragment}: {out}");
    }
    // The helpers' names are fragments, not uses; the flags are a use.
    assert!(!out.contains("-> sfas ") && !out.contains("-> lcxbr "), "{out}");
    assert!(out.contains("ref <file> -> TCG_CALL_NO_WG lexical 5\n"), "{out}");
    // An unknown part: a call of the invocation's text, named where the file is included
    // (`revertcheck::instances`); the part in capitals is a use of its macro.
    assert!(out.contains("ref glue(helper_store_,SUFFIX) -> glue(helper_load_,SUFFIX) call 35\n"), "{out}");
    assert!(out.contains("ref glue(helper_store_,SUFFIX) -> SUFFIX value 35\n"), "{out}");
    assert!(!out.contains("-> helper_load_ ") && !out.contains("-> glue call 35"), "{out}");
    assert!(out.contains("ref translate -> gen_helper_sfas call 40\n"), "{out}");
}

/// A name tree-sitter made up (a MISSING identifier, zero bytes) defines nothing: QEMU had six
/// nameless "definitions" (`extern DECLARE_BITMAP(...)`, `static const\nMACRO(...)`).
#[test]
fn missing_names_define_nothing() {
    let out = lines_of("missing_names");
    assert!(!out.lines().any(|l| l.starts_with("def ") && l.split(' ').nth(2) == Some("")), "{out}");
    assert!(
        out.contains("def macro SMBIOS_MAX_TYPE global 2-2\n") && out.contains("def variable x global 9-9\n"),
        "{out}"
    );
}

#[test]
fn syntax_errors_are_counted_and_do_not_stop_extraction() {
    let out = lines_of("syntax_errors");
    assert!(out.contains("def function good_before global 2-5\n"));
    assert!(out.contains("health errors=1"));
    assert!(out.contains("-> helper call 10\n"), "uses inside the error region are still mined");
}

/// Hashes taken from the file's tokens equal a scan of the span's own text, wherever the span
/// sits: after a comment, at the start of the file, around a string holding comment marks.
#[test]
fn token_hashes_equal_scanning_the_span() {
    let src = b"typedef struct S /* c */ { int a; } S;\n/* doc */ enum E { A = 1 /* x */, B };\n\
                static const char *s = \"/* not a comment */\" ; // end\n";
    let (queries, idioms) = (Queries::load().unwrap(), IdiomTable::builtin());
    let symbols = Extractor::new(&queries, &idioms, Limits::default()).extract(src);
    let def = |name: &str| {
        symbols.definitions.iter().find(|d| symbols.name(d.name) == name).unwrap_or_else(|| panic!("{name}"))
    };
    let span = |d: &revertcheck::facts::Definition| &src[d.start_byte as usize..d.end_byte as usize];
    assert_eq!(def("S").interface_hash, normalized_hash(span(def("S"))));
    assert_eq!(def("A").interface_hash, normalized_hash(b"A = 1"));
    assert_eq!(def("B").interface_hash, normalized_hash(b"B"));
    let s = def("s");
    // The type part, then the declarator up to its value.
    assert_eq!(s.interface_hash, normalized_hash(b"static const char *s ="));
    assert_eq!(s.body_hash, normalized_hash(b"\"/* not a comment */\""));
}

/// `debug mask` prints what tree-sitter reads, `debug parse-errors` where it still fails: the
/// tools for writing the next masking rule.
#[test]
fn debug_mask_and_parse_errors_show_the_parser_s_view() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/c");
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| crate::util::run(&dir, home.path(), args, None);
    let src = std::fs::read_to_string(dir.join("directives_in_expressions.c")).unwrap();
    let masked = run(&["debug", "mask", "directives_in_expressions.c"]);
    assert_eq!(masked.status, 0, "{}", masked.stderr);
    assert_eq!(masked.stdout.len(), src.len(), "offsets are kept");
    assert_eq!(masked.stdout.lines().count(), src.lines().count(), "lines are kept");
    assert!(src.contains("#if defined(TARGET_X)") && !masked.stdout.contains("#if defined(TARGET_X)"));
    let errors = run(&["debug", "parse-errors", "syntax_errors.c", "directives_in_expressions.c"]);
    assert_eq!(errors.status, 0, "{}", errors.stderr);
    assert!(errors.stdout.lines().all(|l| l.starts_with("syntax_errors.c:")), "{}", errors.stdout);
    assert!(errors.stdout.starts_with("syntax_errors.c:7:1: ERROR ("), "{}", errors.stdout);
    assert!(errors.stdout.contains("| int broken(int x\n"), "the line is shown: {}", errors.stdout);
    let none = run(&["debug", "parse-errors"]);
    assert_eq!(none.status, 2);
    assert!(none.stderr.contains("parse-errors"), "{}", none.stderr);
}
