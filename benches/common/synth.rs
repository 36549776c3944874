//! A deterministic synthetic QEMU-shaped tree and history, so benches run without QEMU.
//!
//! Shape (per `files`): ~5 % headers under include/ (prototypes, macros, QOM declarations,
//! static inline helpers, QEMU_PACKED structs), device files under hw/<subsystem>/ (static
//! functions calling each other and header functions, TypeInfo initialisers, type_init and
//! DEFINE_TYPES, g_autofree/g_autoptr), per-target files under target/<arch>/ that define the
//! same global names in every target, and .c.inc files included by .c files. About 13 KB per
//! file, like QEMU. History: an initial commit, then `commits` commits changing 1-4 files each
//! (body edits, new helpers used by existing functions, signature changes with callers updated,
//! macro changes), every fifth with an `AI-used-for:` trailer, one revert of an earlier commit,
//! and a 10-patch series on branch `series`. Built with `git fast-import`; cached in `target/`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SUBSYSTEMS: &[&str] = &["misc", "char", "net", "block", "pci", "usb", "display", "intc", "timer", "i2c"];
const ARCHES: &[&str] = &["arm", "i386", "riscv", "ppc"];

/// The synthetic repository for `files` files and `commits` commits, generated on first use.
pub fn repo(files: usize, commits: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/synth-{files}-{commits}"));
    if dir.join(".git/refs/heads/series").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    generate(&dir, files, commits);
    dir
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Synth", "-c", "user.email=synth@example.org"])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn function(rng: &mut Rng, name: &str, callees: &[String], is_static: bool) -> String {
    let mut f = String::new();
    let _ = writeln!(f, "{}int {name}(DeviceState *dev, uint32_t val)\n{{", if is_static { "static " } else { "" });
    let _ = writeln!(
        f,
        "    g_autofree char *label = g_strdup_printf(\"%s-%u\", \"{name}\", val);\n    uint32_t acc = val;\n"
    );
    for i in 0..(8 + rng.below(30)) {
        match rng.below(5) {
            0 if !callees.is_empty() => {
                let _ = writeln!(f, "    acc += {}(dev, acc + {i});", callees[rng.below(callees.len())]);
            }
            1 => {
                let _ = writeln!(
                    f,
                    "    if (acc > {}) {{\n        acc = QEMU_ALIGN_UP(acc, {});\n    }}",
                    rng.below(4096),
                    1 << rng.below(8)
                );
            }
            2 => {
                let _ = writeln!(
                    f,
                    "    /* step {i}: fold the value into the register file */\n    acc ^= acc << {};",
                    1 + rng.below(7)
                );
            }
            _ => {
                let _ = writeln!(f, "    acc = (acc * {}) + {};", 3 + rng.below(97), rng.below(1000));
            }
        }
    }
    f.push_str("    trace_value(label, acc);\n    return acc;\n}\n\n");
    f
}

struct Tree {
    files: Vec<(String, String)>,
    /// Global functions and the header that declares them.
    globals: Vec<String>,
}

fn tree(rng: &mut Rng, n: usize) -> Tree {
    let headers = (n / 20).max(2);
    let mut globals: Vec<String> = Vec::new();
    let mut files = Vec::new();
    for h in 0..headers {
        let names: Vec<String> = (0..12).map(|i| format!("qemu_util{h}_{i}")).collect();
        let mut t = format!("#ifndef UTIL{h}_H\n#define UTIL{h}_H\n\n#define UTIL{h}_MASK(x) ((x) & 0x{h:x}f)\n#define QEMU_ALIGN_UP(n, m) ((((n) + (m) - 1) / (m)) * (m))\n\n");
        let _ = writeln!(t, "OBJECT_DECLARE_SIMPLE_TYPE(Util{h}State, UTIL{h})\n\ntypedef struct QEMU_PACKED Util{h}Header {{\n    uint32_t magic;\n    uint16_t version;\n}} Util{h}Header;\n");
        for name in &names {
            let _ = writeln!(t, "int {name}(DeviceState *dev, uint32_t val);");
        }
        let _ = writeln!(
            t,
            "\nstatic inline uint32_t util{h}_mask(uint32_t v)\n{{\n    return UTIL{h}_MASK(v);\n}}\n\n#endif"
        );
        files.push((format!("include/qemu/util{h}.h"), t));
        let mut c = format!("#include \"qemu/osdep.h\"\n#include \"qemu/util{h}.h\"\n\n");
        for name in &names {
            c.push_str(&function(rng, name, &globals, false));
        }
        files.push((format!("util/util{h}.c"), c));
        globals.extend(names);
    }
    let mut i = 0;
    while files.len() < n {
        let kind = rng.below(10);
        let (path, body) = if kind < 2 {
            let arch = ARCHES[i % ARCHES.len()];
            // Per-target files define the same global names in every target.
            let base = i / ARCHES.len();
            let names: Vec<String> = (0..10).map(|k| format!("cpu_helper{base}_{k}")).collect();
            let mut c = format!("#include \"qemu/osdep.h\"\n#include \"qemu/util{}.h\"\n\n", base % headers);
            for name in &names {
                c.push_str(&function(rng, name, &globals, false));
            }
            (format!("target/{arch}/helper{base}.c"), c)
        } else {
            let sub = SUBSYSTEMS[rng.below(SUBSYSTEMS.len())];
            let dev = format!("dev{i}");
            let statics: Vec<String> = (0..12).map(|k| format!("{dev}_op{k}")).collect();
            let mut c = format!(
                "/*\n * Synthetic device {dev}.\n */\n#include \"qemu/osdep.h\"\n#include \"qemu/util{}.h\"\n\n",
                rng.below(headers)
            );
            let mut seen: Vec<String> = Vec::new();
            for name in &statics {
                let mut callees = seen.clone();
                callees.extend((0..3).map(|_| globals[rng.below(globals.len())].clone()));
                c.push_str(&function(rng, name, &callees, true));
                seen.push(name.clone());
            }
            let _ = writeln!(
                c,
                "static void {dev}_realize(DeviceState *dev, Error **errp)\n{{\n    g_autoptr(Error) err = NULL;\n    {dev}_op0(dev, 0);\n}}\n\n\
static void {dev}_class_init(ObjectClass *klass, const void *data)\n{{\n    DeviceClass *dc = DEVICE_CLASS(klass);\n\n    dc->realize = {dev}_realize;\n}}\n\n\
static const TypeInfo {dev}_types[] = {{\n    {{\n        .name = \"{dev}\",\n        .parent = TYPE_SYS_BUS_DEVICE,\n        .class_init = {dev}_class_init,\n    }},\n}};\n\nDEFINE_TYPES({dev}_types)"
            );
            if kind == 9 {
                let _ = writeln!(c, "\n#include \"{dev}-ops.c.inc\"");
                files.push((
                    format!("hw/{sub}/{dev}-ops.c.inc"),
                    function(rng, &format!("{dev}_extra"), &statics, true),
                ));
            }
            (format!("hw/{sub}/{dev}.c"), c)
        };
        files.push((path, body));
        i += 1;
    }
    files.sort();
    files.dedup_by(|a, b| a.0 == b.0);
    Tree { files, globals }
}

fn data(stream: &mut Vec<u8>, text: &str) {
    let _ = write!(stream, "data {}\n{}\n", text.len(), text);
}

fn commit(stream: &mut Vec<u8>, branch: &str, mark: usize, time: u64, message: &str, changes: &[(String, String)]) {
    let _ =
        write!(stream, "commit refs/heads/{branch}\nmark :{mark}\ncommitter Synth <synth@example.org> {time} +0000\n");
    data(stream, message);
    for (path, text) in changes {
        let _ = writeln!(stream, "M 100644 inline {path}");
        data(stream, text);
    }
}

fn generate(dir: &Path, files: usize, commits: usize) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut t = tree(&mut rng, files);
    git(dir, &["init", "-q", "-b", "main"]);
    let mut stream = Vec::new();
    let mut time = 1_700_000_000u64;
    commit(&mut stream, "main", 1, time, "Initial import\n\nSigned-off-by: Synth <synth@example.org>\n", &t.files);
    let edit = |rng: &mut Rng, t: &mut Tree, round: usize| -> Vec<(String, String)> {
        let mut changed = Vec::new();
        for _ in 0..(1 + rng.below(4)) {
            let idx = rng.below(t.files.len());
            let (path, text) = &mut t.files[idx];
            if !path.ends_with(".c") {
                continue;
            }
            match rng.below(3) {
                0 => *text = text.replacen("acc = (acc * ", &format!("acc = (acc * {round} + "), 1),
                1 => {
                    let helper = format!("extra_helper{round}");
                    let fun = function(rng, &helper, &[], true);
                    *text = text.replacen(
                        "    trace_value(label, acc);",
                        &format!("    acc += {helper}(dev, acc);\n    trace_value(label, acc);"),
                        1,
                    );
                    text.insert_str(text.find("static").unwrap_or(0), &fun);
                }
                _ => text.push_str(&format!("\n/* round {round} */\n")),
            }
            changed.push((path.clone(), text.clone()));
        }
        changed
    };
    for round in 0..commits {
        time += 3600;
        let changed = edit(&mut rng, &mut t, round);
        let trailer = if round % 5 == 0 { "AI-used-for: code (tool: synth, model: s-1)\n" } else { "" };
        let msg = format!("hw: synthetic change {round}\n\nChange {round} of the synthetic history.\n\n{trailer}Signed-off-by: Synth <synth@example.org>\n");
        commit(&mut stream, "main", round + 2, time, &msg, &changed);
    }
    let main_mark = commits + 1;
    for k in 0..10 {
        time += 60;
        let changed = edit(&mut rng, &mut t, 10_000 + k);
        let msg = format!(
            "[series] patch {k}\n\nAI-used-for: code (tool: synth)\nSigned-off-by: Synth <synth@example.org>\n"
        );
        let from = if k == 0 { format!("from :{main_mark}\n") } else { String::new() };
        let _ = write!(
            stream,
            "commit refs/heads/series\nmark :{}\ncommitter Synth <synth@example.org> {time} +0000\n",
            main_mark + 1 + k
        );
        data(&mut stream, &msg);
        stream.extend_from_slice(from.as_bytes());
        for (path, text) in &changed {
            let _ = writeln!(stream, "M 100644 inline {path}");
            data(&mut stream, text);
        }
    }
    let _ = t.globals.len();
    let mut child =
        Command::new("git").current_dir(dir).args(["fast-import", "--quiet"]).stdin(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(&stream).unwrap();
    assert!(child.wait().unwrap().success());
    git(dir, &["checkout", "-q", "-f", "main"]);
    // A real revert commit: the oldest AI-tagged commit that git can revert cleanly.
    let tagged = git(dir, &["rev-list", "--reverse", "--grep=AI-used-for", "main"]);
    let target = tagged
        .lines()
        .find(|c| {
            let ok = Command::new("git")
                .current_dir(dir)
                .args(["-c", "user.name=Synth", "-c", "user.email=s@e.org", "revert", "--no-edit", c])
                .output()
                .unwrap()
                .status
                .success();
            if !ok {
                git(dir, &["revert", "--abort"]);
            }
            ok
        })
        .expect("one tagged commit reverts cleanly")
        .to_string();
    git(dir, &["tag", "reverted-target", &target]);
    git(dir, &["rebase", "-q", "main", "series"]);
    git(dir, &["checkout", "-q", "main"]);
}
