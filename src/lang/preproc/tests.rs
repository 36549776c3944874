//! Directives, expansion and `#if` on the shapes QEMU's templates write.
use super::*;
use crate::facts::Directive;

fn env_of(src: &str, idioms: &IdiomTable) -> Env<'static> {
    let idioms: &'static IdiomTable = Box::leak(Box::new(idioms.clone()));
    let mut env = Env::new(idioms);
    for d in Box::leak(Box::new(directives(src.as_bytes()))).iter() {
        env.apply(&d.kind);
    }
    env
}

#[test]
fn directives_are_read_with_their_lines_continuations_and_comments() {
    let src = "/* #define NOT_ME 1\n */\n#define A(x, y) \\\n    glue(x, y) /* c */\n#ifndef G\n# define G\n#endif\nint x; // #define NO\n#include \"a.h\"\n#include <b.h>\n#undef A\n";
    let got: Vec<(u32, DirectiveKind)> = directives(src.as_bytes()).into_iter().map(|d| (d.line, d.kind)).collect();
    assert_eq!(
        got,
        [
            (
                3,
                DirectiveKind::Define {
                    name: "A".into(),
                    params: Some(vec!["x".into(), "y".into()]),
                    body: "glue(x, y)".into()
                }
            ),
            (5, DirectiveKind::If("!defined(G)".into())),
            (6, DirectiveKind::Define { name: "G".into(), params: None, body: String::new() }),
            (7, DirectiveKind::Endif),
            (9, DirectiveKind::Include("a.h".into())),
            (11, DirectiveKind::Undef("A".into())),
        ]
    );
}

#[test]
fn a_line_comment_ends_a_directive_whatever_it_holds() {
    let src = "#define SUFFIX _mmx\n#if SHIFT == 1   // isn't mmx /* really\n#undef SUFFIX\n#define SUFFIX _xmm\n#endif\nchar c = 'x; /* ok */\n#define LAST 1\n";
    let got: Vec<(u32, DirectiveKind)> = directives(src.as_bytes()).into_iter().map(|d| (d.line, d.kind)).collect();
    assert_eq!(got[1], (2, DirectiveKind::If("SHIFT == 1".into())));
    assert_eq!(got[2], (3, DirectiveKind::Undef("SUFFIX".into())));
    assert_eq!(got.last(), Some(&(7, DirectiveKind::Define { name: "LAST".into(), params: None, body: "1".into() })));
    let idioms = IdiomTable::builtin();
    let env = env_of(&format!("#define SHIFT 1\n{src}"), &idioms);
    assert_eq!(env.name_of("glue(f, SUFFIX)").as_deref(), Some("f_xmm"));
}

#[test]
fn names_expand_through_the_includers_macros_and_glue() {
    let idioms = IdiomTable::builtin();
    let src = "#define SUFFIX _cached_slow\n#define ENDIANNESS _le\n\
               #define ADDRESS_SPACE_LD(size) glue(glue(address_space_ld, size), glue(ENDIANNESS, SUFFIX))\n\
               #define N 64\n#define partsN(NAME) glue(glue(glue(parts,N),_),NAME)\n\
               #define CAT(a, b) a ## b ## _x\n#define EMPTY\n";
    let env = env_of(src, &idioms);
    assert_eq!(env.name_of("ADDRESS_SPACE_LD(uw)").as_deref(), Some("address_space_lduw_le_cached_slow"));
    assert_eq!(env.name_of("partsN(addsub)").as_deref(), Some("parts64_addsub"));
    assert_eq!(env.name_of("CAT(foo, EMPTY)").as_deref(), Some("fooEMPTY_x"), "## takes the argument as written");
    assert_eq!(env.name_of("glue(helper_, EMPTY)").as_deref(), Some("helper_"), "glue expands first");
    assert_eq!(env.name_of("glue(f, UNKNOWN_SUFFIX)"), None, "a macro of a file outside the chain: unknown");
    assert_eq!(env.name_of("ADDRESS_SPACE_LD(a + b)"), None, "an expression names nothing");
}

#[test]
fn conditionals_follow_the_macros_in_force() {
    let idioms = IdiomTable::builtin();
    let src = "#define SHIFT 1\n#if SHIFT == 0\n#define SUFFIX _mmx\n#else\n#if SHIFT == 1\n#define SUFFIX _xmm\n#else\n#define SUFFIX _ymm\n#endif\n#endif\n\
               #if defined(SHIFT) && !defined(NOPE) && (2 * 3 + 1 == 7) && 0x10 == 16\n#define OK yes\n#endif\n\
               #ifdef NOPE\n#define BAD 1\n#elif SHIFT >= 1\n#define ELIF 1\n#endif\n";
    let env = env_of(src, &idioms);
    assert_eq!(env.name_of("glue(helper_psrlw, SUFFIX)").as_deref(), Some("helper_psrlw_xmm"));
    assert_eq!(env.name_of("OK").as_deref(), Some("yes"));
    assert_eq!(env.name_of("BAD"), None, "not defined here: unknown");
    assert_eq!(env.name_of("helper_x").as_deref(), Some("helper_x"), "a plain name is itself");
    assert_eq!(env.name_of("ELIF").as_deref(), None, "1 is no name");
    assert!(env.active(), "every arm closed");
    assert_eq!(env.eval("SHIFT ? 16 : 8"), 16);
    // An arm picked by a guess: a name of a header outside the chain.
    let env = env_of("#if HOST_BIG_ENDIAN\n#define END _be\n#else\n#define END _le\n#endif\n#ifdef NOPE\n#define X a\n#else\n#define X b\n#endif\n", &idioms);
    assert_eq!(env.name_of("glue(f, END)"), None, "END's arm was a guess");
    assert_eq!(env.name_of("glue(f, X)").as_deref(), Some("fb"), "`#ifdef` of a name not defined: known");
    let env = env_of("#if HAVE_CMPXCHG128\n", &idioms);
    assert!(env.active(), "an arm that may be compiled: its definitions are named");
    let env = env_of("#if HAVE_CMPXCHG128\n#else\n", &idioms);
    assert!(env.active(), "and so may the other");
    let env = env_of("#if 1\n#elif HAVE_CMPXCHG128\n", &idioms);
    assert!(!env.active(), "an arm taken before: the rest are not compiled");
    assert_eq!(env.eval("garbage ("), 0);
}

#[test]
fn only_templates_and_includers_that_define_first_keep_directives() {
    let header = "#ifndef A_H\n#define A_H\n#include \"b.h\"\n#define X 1\n#endif\n";
    let mut d = directives(header.as_bytes());
    worth_keeping(&mut d, false);
    assert!(d.is_empty(), "an include guard is no reason: {d:?}");
    let includer = "#include \"qemu/osdep.h\"\n#define SUFFIX _le\n#include \"t.c.inc\"\n#define LATE 1\n";
    let mut d = directives(includer.as_bytes());
    worth_keeping(&mut d, false);
    assert_eq!(d.len(), 3, "up to the last include after a define");
    let mut d = directives(header.as_bytes());
    worth_keeping(&mut d, true);
    assert_eq!(d.len(), 5, "a template keeps all");
}

#[test]
fn kept_directives_keep_what_worth_keeping_keeps() {
    // Every C file of the fixtures, and shapes the fast reading must get as the full one does:
    // guards written both ways, an angle include, unknown directives, a define with no name.
    let mut sources: Vec<Vec<u8>> = vec![
        b"#if !defined(A_H)\n#define A_H\n#define X 1\n#include \"b.h\"\n#endif\n".to_vec(),
        b"#pragma once\n#ifndef A_H\n#define A_H\n#include <x.h>\n#undef Y\n#include \"y.h\"\n".to_vec(),
        b"#error no\n#define\n#include \"a.h\"\n#define B\n/* #include \"c.h\" */\n#include \"d.h\" // x\n".to_vec(),
        // The second read's cases: an #ifdef second is no guard, an unclosed include is none,
        // comments before and between the words.
        b"#ifndef G\n#ifdef X\n#define G\n#endif\n#include \"a.h\"\n".to_vec(),
        b"#define X 1\n#include \"a.h\n".to_vec(),
        b"#define/**/X 1\n#include \"a.h\"\n".to_vec(),
        b"# /* c */ define X\n#include \"a.h\"\n".to_vec(),
        b"#define X\n#include /* c */ \"a.h\"\n".to_vec(),
    ];
    let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "c" || e == "h" || e == "inc") {
                sources.push(std::fs::read(&path).unwrap());
            }
        }
    }
    assert!(sources.len() > 50, "{}", sources.len());
    for src in &sources {
        for template in [false, true] {
            let mut full = directives(src);
            worth_keeping(&mut full, template);
            assert_eq!(kept_directives(src, template), full, "{}", String::from_utf8_lossy(src));
        }
    }
}

#[test]
fn an_assumed_value_decides_a_condition_on_a_macro_from_outside() {
    let idioms = IdiomTable::builtin();
    let src = "#if HOST_BIG_ENDIAN\n#define END _be\n#else\n#define END _le\n#endif\n\
               #if HOST_BIG_ENDIAN\n#define X 1\n#endif\n";
    let directives: &'static [Directive] = Box::leak(directives(src.as_bytes()).into_boxed_slice());
    let idioms: &'static IdiomTable = Box::leak(Box::new(idioms));
    let replay = |mut env: Env<'static>| {
        for d in directives {
            env.apply(&d.kind);
        }
        (env.name_of("glue(x, END)"), env.unknown_conditions())
    };
    assert_eq!(replay(Env::new(idioms)), (None, 1), "unknown: no name, one distinct condition met");
    assert_eq!(replay(Env::assuming(idioms, vec![true])), (Some("x_be".to_string()), 1));
    assert_eq!(replay(Env::assuming(idioms, vec![false])), (Some("x_le".to_string()), 1));
}
