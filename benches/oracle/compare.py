#!/usr/bin/env python3
"""Recall and precision of revertcheck's dependency graph against clang's references.

    benches/oracle/compare.py <scratch dir> <revertcheck edges.tsv> [--out DIR] [--seed N]

<scratch dir> is what setup.sh and extract.py made (src/, clang/shard-*.tsv); the edges file
is `revertcheck debug edges --at <rev>` of the same revision. Writes into --out (default
<scratch>/compare): summary.md (the figures), summary.json, misses.tsv (every clang edge
revertcheck lacks, with its class), extra-sample.tsv (200 revertcheck edges clang does not
have, classified). Takes about a minute; clang's extraction is not redone.

A clang edge is (function definition: file, name) -> (entity: name, kind, file of its
definition). It counts as found when revertcheck has an edge from the same function to the
same name with a binding a verdict may rest on (exact, include, unique), directly or through
macros (f -> M -> ... -> name, every step resolved), as `check` and `revert` count
dependents.
"""
import argparse
import collections
import glob
import json
import os
import random
import re

KINDS = ["function", "global", "type", "macro", "enumerator"]
KIND_LABEL = {"function": "calls (functions)", "global": "globals", "type": "types",
              "macro": "macros", "enumerator": "enumerators"}
RC_KIND = {  # revertcheck's symbol kinds -> the oracle's
    "function": "function", "prototype": "function", "variable": "global",
    "extern_variable": "global", "typedef": "type", "struct": "type", "union": "type",
    "enum": "type", "macro": "macro", "function_macro": "macro", "enum_constant": "enumerator",
}
RESOLVED = {"exact", "include", "unique"}
# trees whose programs never link with QEMU's own code
STANDALONE = ("scripts/", "pc-bios/", "roms/", "tests/tcg/", "contrib/", "subprojects/")


def top_dir(path):
    parts = path.split("/")
    if len(parts) == 1:
        return "(top)"
    if parts[0] in ("hw", "target", "include") and len(parts) > 2:
        return parts[0] + "/" + parts[1]
    return parts[0]


def generated_input(gen):
    """The generator input a generated file comes from, as far as its name tells."""
    g = gen[len("@build/"):]
    if re.match(r"trace/trace-.*\.h$", g) or g.startswith("trace/"):
        return "trace-events"
    if g.startswith("qapi/"):
        return "qapi schema (qapi/*.json)"
    if "decode" in g:
        return "decodetree (.decode)"
    if "hmp-commands" in g or "qemu-options" in g or g.endswith(".def"):
        return "hxtool (.hx)"
    if "helper" in g:
        return "DEF_HELPER"
    if g.endswith("config-host.h") or "config-target" in g or "config-devices" in g:
        return "configure/meson config"
    return "other generated: " + g


class Clang:
    def __init__(self, scratch):
        self.defs = collections.defaultdict(list)  # name -> [(kind, file, line, linkage)]
        self.funcs = set()  # (file, name) of every function definition clang compiled
        self.files = set()  # tree files some unit read
        self.skipped = collections.defaultdict(list)  # file -> [(first, last)]
        self.units = []
        raw = set()
        for shard in sorted(glob.glob(os.path.join(scratch, "clang", "shard-*.tsv"))):
            with open(shard) as f:
                for line in f:
                    t = line.rstrip("\n").split("\t")
                    k = t[0]
                    if k == "E":
                        raw.add(tuple(t[1:]))
                    elif k == "D":
                        self.defs[t[1]].append((t[2], t[3], int(t[4]), t[5]))
                        if t[2] == "function":
                            self.funcs.add((t[3], t[1]))
                    elif k == "I":
                        self.files.add(t[1])
                    elif k == "S":
                        self.skipped[t[1]].append((int(t[2]), int(t[3])))
                    elif k == "U":
                        self.units.append((t[1], int(t[2])))
                        self.files.add(t[1])
        for v in self.skipped.values():
            v.sort()
        # one edge per (user file, user, target name, target kind): the definition a
        # declaration stands for is looked up among every unit's definitions
        self.edges = {}
        for (ufile, uline, user, uflags, name, kind, tfile, tline, tflags, useline) in sorted(raw):
            defined = "d" in tflags
            if not defined and kind in ("function", "global"):
                d = [x for x in self.defs.get(name, []) if x[3] == "ext" and x[0] == kind]
                if d:
                    tfile, tline, defined = d[0][1], str(d[0][2]), True
            key = (ufile, user, name, kind)
            e = self.edges.get(key)
            via_macro = "m" in tflags
            # keep the best evidence: a definition over a declaration, a literal use over one
            # from a macro body
            if e is None or (e["defined"], not e["via_macro"]) < (defined, not via_macro):
                self.edges[key] = dict(ufile=ufile, uline=int(uline), user=user,
                                       user_macro=uflags == "m", name=name, kind=kind,
                                       tfile=tfile, tline=int(tline), defined=defined,
                                       via_macro=via_macro, target_macro="g" in tflags,
                                       useline=int(useline))

    def in_skipped(self, file, line):
        return any(a <= line <= b for a, b in self.skipped.get(file, ()))


class Revertcheck:
    def __init__(self, path):
        self.out = collections.defaultdict(list)  # (file, user) -> [(name, kind, site, binding, line)]
        self.at_line = collections.defaultdict(list)  # (file, use line) -> rows, any user
        self.defined_at = collections.defaultdict(list)  # (file, user's line) -> its rows
        self.macro_out = collections.defaultdict(list)  # (macro, file) -> [...]
        self.users = set()
        self.providers = collections.defaultdict(set)  # function/variable name -> site files
        self.edges = []
        with open(path) as f:
            for line in f:
                (file, user, ukind, uline, name, kind, site, site_line, binding, rkind,
                 useline) = line.rstrip("\n").split("\t")
                row = (name, kind, site, binding, int(useline), ukind, int(uline), file, user, rkind,
                       int(site_line))
                self.out[(file, user)].append(row)
                self.users.add((file, user))
                self.at_line[(file, int(useline))].append(row)
                self.defined_at[(file, int(uline))].append(row)
                if kind in ("function", "variable"):
                    for n in name.split("|"):
                        self.providers[n].add(site)
                if ukind in ("macro", "function_macro"):
                    self.macro_out[(user, file)].append(row)
                self.edges.append(row)
        self._closure = {}

    def through_macros(self, macro, file):
        """Every (name, site) a macro reaches through resolved edges, macros included."""
        key = (macro, file)
        if key in self._closure:
            return self._closure[key]
        self._closure[key] = set()  # cycle guard
        reached = set()
        for (name, kind, site, binding, *_rest) in self.macro_out.get(key, ()):
            if binding not in RESOLVED:
                continue
            reached.add((name, site))
            if kind in ("macro", "function_macro"):
                reached |= self.through_macros(name, site)
        self._closure[key] = reached
        return reached


def loose_reach(rc, rows, name):
    """Does any macro chain reach `name` if name-only steps count too?"""
    seen, stack = set(), [(r[0], r[2]) for r in rows if r[1] in ("macro", "function_macro")]
    stack += [(r[0], s) for r in rows if r[1] == "external" for s in ("-",)]
    while stack:
        key = stack.pop()
        if key in seen:
            continue
        seen.add(key)
        for r in rc.macro_out.get(key, ()):
            if r[0] == name:
                return True
            if r[1] in ("macro", "function_macro"):
                stack.append((r[0], r[2]))
    return False


def macro_body_names(files, src):
    """Every identifier written in a #define of these files."""
    names = set()
    ident = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
    for f in files:
        if f.startswith("@build/"):
            continue
        try:
            with open(os.path.join(src, f), errors="replace") as fh:
                text = fh.read()
        except OSError:
            continue
        for m in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+(?:.*\\\n)*.*", text, re.M):
            names.update(ident.findall(m.group(0)))
    return names


def made_by(name, kind, file):
    """Which family of definition-making macros a name comes from."""
    if name.startswith(("gen_helper_", "helper_")) or "helper" in file:
        return "DEF_HELPER"
    if kind == "enumerator" and re.match(r"[RA]_[A-Z0-9_]", name):
        return "REG32/FIELD register names"
    if "autoptr" in name:
        return "G_DEFINE_AUTOPTR_CLEANUP_FUNC"
    if re.match(r"[A-Z][A-Z0-9_]*$", name) and kind in ("function", "type"):
        return "QOM casts and checkers (OBJECT_DECLARE_*, DECLARE_*_CHECKER)"
    if file == "include/qemu/bswap.h":
        return "byte-swap accessors (bswap.h CPU_CONVERT)"
    return "other"


def classify_miss(e, rc, direct, in_macros):
    """Why revertcheck lacks a clang edge: the first reason that applies."""
    if e["tfile"].startswith("@build/"):
        return "target generated: " + generated_input(e["tfile"])
    if (e["ufile"], e["user"]) not in rc.users:
        if e["user_macro"] and (e["ufile"], e["uline"]) in rc.defined_at:
            # revertcheck has the definition, named by its unexpanded text
            if e["kind"] == "macro":
                return "user named by its unexpanded text: a macro of its name (glue, HELPER, ROP_NAME), a fragment by design"
            return "user named by its unexpanded text: " + made_by(e["user"], "function", e["ufile"])
        if e["user_macro"]:
            return "user function made by a macro: " + made_by(e["user"], "function", e["ufile"])
        return "user function unknown to revertcheck"
    if e["target_macro"]:
        return "target defined by a macro: " + made_by(e["name"], e["kind"], e["tfile"])
    if direct:
        kinds = {r[1] for r in direct}
        if kinds == {"external"}:
            return "name-only: no definition found (external)"
        return "name-only: bound by name only"
    if e["via_macro"]:
        if e["name"] not in in_macros:
            return "use inside a macro body: a name ## makes (SENSE_CODE(X) -> sense_code_X)"
        if loose_reach(rc, rc.out.get((e["ufile"], e["user"]), ()), e["name"]):
            return "use inside a macro body: chain has a step bound by name only"
        return "use inside a macro body: macro chain not found"
    return "literal use not found (%s)" % e["kind"]


def find(e, rows, rc):
    """How revertcheck reaches a clang edge's target from these rows, or None."""
    # A template's definition is exported as `text|name|...`: the names it gets per inclusion.
    direct = [r for r in rows if e["name"] in r[0].split("|")]
    ok = [r for r in direct if r[3] in RESOLVED]
    if ok:
        return ("direct, same file" if any(r[2] == e["tfile"] for r in ok) else "direct, other site"), direct
    for r in rows:
        if r[1] in ("macro", "function_macro") and r[3] in RESOLVED:
            if any(e["name"] in n.split("|") for n, _s in rc.through_macros(r[0], r[2])):
                return "through a macro", direct
    return None, direct


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scratch")
    ap.add_argument("edges")
    ap.add_argument("--out")
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args()
    out = args.out or os.path.join(args.scratch, "compare")
    os.makedirs(out, exist_ok=True)
    clang = Clang(args.scratch)
    rc = Revertcheck(args.edges)
    src = os.path.join(args.scratch, "src")
    with open(os.path.join(args.scratch, "build", "compile_commands.json")) as f:
        units = {os.path.relpath(os.path.join(u["directory"], u["file"]), src)
                 for u in json.load(f)}

    # ---- recall ----
    by_kind = collections.Counter()
    found_kind = collections.Counter()
    by_dir = collections.Counter()
    found_dir = collections.Counter()
    excluded = collections.Counter()
    classes = collections.Counter()
    class_kind = collections.Counter()
    how = collections.Counter()
    misses = []
    pending = []
    # the same for functions written in the source (not made by a macro expansion), and how
    # many of their misses are generated targets (what generator inputs in the graph can gain)
    by_kind_written, found_kind_written, gen_kind_written = (collections.Counter() for _ in range(3))
    for e in clang.edges.values():
        if e["ufile"].startswith("@build/"):
            excluded["user in a generated file"] += 1
            continue
        if e["name"] == e["user"] and e["tfile"] == e["ufile"]:
            # recursion, a function storing its own address: not a dependency of another symbol
            excluded["self-reference"] += 1
            continue
        if not e["defined"] and e["kind"] in ("function", "global"):
            # defined in a unit the extraction has not reached (a partial run)?
            site = sorted(f for f in rc.providers.get(e["name"], ()) if f in units)
            if site:
                e["defined"], e["tfile"] = True, site[0]
        if not e["defined"]:
            # builtins, qemu_build_not_reached_always(): declared in the tree, defined nowhere
            excluded["target declared in the tree, defined in no compiled unit"] += 1
            continue
        kind = e["kind"]
        found, direct = find(e, rc.out.get((e["ufile"], e["user"]), ()), rc)
        if not found and e["user_macro"]:
            # a function a macro invocation defines: revertcheck sees the invocation's uses
            found, _ = find(e, rc.at_line.get((e["ufile"], e["uline"]), ()), rc)
            if found:
                found = "at the invocation that defines the user"
            else:
                # A function whose name the preprocessor builds from the includer's macros
                # (`ABI_TYPE ATOMIC_NAME(xchg)(...)` in accel/tcg/atomic_template.h, included
                # once per DATA_SIZE): revertcheck has the same definition, at the same line,
                # named by its unexpanded text, with the same body.
                found, _ = find(e, rc.defined_at.get((e["ufile"], e["uline"]), ()), rc)
                if found:
                    found = "the same definition, named by its unexpanded text"
        d = top_dir(e["ufile"])
        if not e["user_macro"]:
            by_kind_written[kind] += 1
            found_kind_written[kind] += bool(found)
            gen_kind_written[kind] += (not found) and e["tfile"].startswith("@build/")
        by_kind[kind] += 1
        by_dir[d] += 1
        if found:
            found_kind[kind] += 1
            found_dir[d] += 1
            how[found] += 1
        else:
            pending.append((e, direct))
    in_macros = macro_body_names(clang.files, src)
    for e, direct in pending:
        c = classify_miss(e, rc, direct, in_macros)
        classes[c] += 1
        class_kind[(c, e["kind"])] += 1
        misses.append((c, e))

    # ---- precision: revertcheck's resolved edges from functions clang compiled ----
    clang_keys = collections.defaultdict(set)  # (file, user) -> names
    for e in clang.edges.values():
        clang_keys[(e["ufile"], e["user"])].add(e["name"])
    broken = {f for f, n in clang.units if n}
    comparable = []
    extra = []
    for row in rc.edges:
        name, kind, site, binding, useline, ukind, uline, file, user, rkind, site_line = row
        if ukind != "function" or binding not in RESOLVED or kind not in RC_KIND:
            continue
        if file not in clang.files:
            comparable.append(("file not compiled", row))
            continue
        if file in broken:
            # units clang could not parse whole here (libfdt, libcbor, TPM QAPI types absent)
            comparable.append(("file not compiled", row))
            continue
        if (file, user) not in clang.funcs:
            why = "function in an inactive #if" if clang.in_skipped(file, uline) else "function not compiled"
            comparable.append((why, row))
            continue
        if any(n in clang_keys.get((file, user), ()) for n in name.split("|")):
            comparable.append(("confirmed", row))
            continue
        if clang.in_skipped(file, useline):
            comparable.append(("use in an inactive #if branch", row))
            continue
        if site not in clang.files and site.startswith(STANDALONE):
            # g_free bound to scripts/coverity-scan/model.c, memcpy to pc-bios/vof/libc.c
            why = "wrong target: a definition of a standalone program"
        elif site not in clang.files:
            # close() bound to os-win32.h's macro: a use on another host or target
            why = "other configuration: target in a file this build does not read"
        elif clang.in_skipped(site, site_line):
            # assert bound to osdep.h's mingw-only definition
            why = "other configuration: target in an #if branch this build skips"
        else:
            why = "not in clang, to read"
        comparable.append((why, row))
        extra.append((why, row))
    pclass = collections.Counter(c for c, _ in comparable)
    # a plain sample of revertcheck's edges from functions this build compiles
    checkable = [(c, r) for c, r in comparable if c not in ("file not compiled", "function not compiled")]
    plain = random.Random(args.seed).sample(checkable, min(200, len(checkable)))
    plain_class = collections.Counter(c for c, _ in plain)
    rng = random.Random(args.seed)
    sample = rng.sample(extra, min(200, len(extra)))
    lines_cache = {}

    def text(file, line):
        if file not in lines_cache:
            try:
                with open(os.path.join(src, file), errors="replace") as f:
                    lines_cache[file] = f.read().split("\n")
            except OSError:
                lines_cache[file] = []
        ls = lines_cache[file]
        return ls[line - 1].strip() if 0 < line <= len(ls) else ""

    sample_rows = []
    sample_class = collections.Counter()
    for why, row in sample:
        name, kind, site, binding, useline, ukind, uline, file, user, rkind, site_line = row
        t = text(file, useline)
        if why != "not in clang, to read":
            c = why
        elif not re.search(r"\b%s\b" % re.escape(name), t):
            c = "name not on the use line (multi-line construct or macro argument)"
        elif kind in ("macro", "function_macro"):
            # libclang's preprocessing record misses expansions in arguments a macro pastes
            # (`## __VA_ARGS__`: error_setg(errp, "...", FOO)): the oracle's blind spot; an
            # argument next to ## is no use at all (FIELD_EX64(v, GITS_BASER, F)): read them
            c = "macro in another macro's pasted arguments (oracle blind spot or no use)"
        elif re.search(r"\.%s\b|->%s\b" % (re.escape(name), re.escape(name)), t):
            c = "member access read as a use of a global name"
        elif rkind == "lexical":
            c = "lexical use (macro argument or masked invocation)"
        elif re.search(r"\b(struct|union|enum)\s+%s\b" % re.escape(name), t):
            c = "tag use clang does not report"
        else:
            c = "to read"
        sample_class[c] += 1
        sample_rows.append((c, file, useline, user, name, kind, "%s:%d" % (site, site_line), binding, rkind, t))

    # ---- write ----
    with open(os.path.join(out, "misses.tsv"), "w") as f:
        for c, e in sorted(misses, key=lambda x: (x[0], x[1]["ufile"], x[1]["useline"])):
            f.write("\t".join(str(x) for x in (c, e["kind"], e["ufile"], e["useline"], e["user"],
                                                e["name"], e["tfile"], e["tline"],
                                                "macro" if e["via_macro"] else "literal",
                                                text(e["ufile"], e["useline"]))) + "\n")
    with open(os.path.join(out, "plain-sample.tsv"), "w") as f:
        for c, r in plain:
            f.write("\t".join(str(x) for x in (c, r[7], r[4], r[8], r[0], r[1], "%s:%d" % (r[2], r[10]),
                                                r[3], r[9], text(r[7], r[4]))) + "\n")
    with open(os.path.join(out, "extra-sample.tsv"), "w") as f:
        for r in sample_rows:
            f.write("\t".join(str(x) for x in r) + "\n")
    total = sum(by_kind.values())
    summary = dict(units=len(clang.units), units_configured=len(units), units_with_errors=sum(1 for _, n in clang.units if n),
                   clang_edges=total, excluded=dict(excluded),
                   recall={k: [found_kind[k], by_kind[k]] for k in KINDS},
                   recall_written={k: [found_kind_written[k], gen_kind_written[k], by_kind_written[k]]
                                   for k in KINDS},
                   recall_by_dir={d: [found_dir[d], by_dir[d]] for d in by_dir},
                   found_how=dict(how), miss_classes=dict(classes),
                   miss_classes_by_kind={"%s|%s" % k: v for k, v in class_kind.items()},
                   precision=dict(pclass), extra_sample=dict(sample_class),
                   plain_sample=dict(plain_class))
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
    md = []

    def pct(a, b):
        return "%.1f %%" % (100.0 * a / b) if b else "-"

    md.append("clang edges from functions in the tree: %d (%d units of %d distinct files, %d with errors); "
              "excluded: %s" % (total, len(clang.units), len(units), summary["units_with_errors"],
                                dict(excluded)))
    md.append("")
    md.append("| kind | clang edges | found | recall | users written in the source: edges | recall | "
              "+ generated targets |")
    md.append("|---|---|---|---|---|---|---|")
    for k in KINDS + [None]:
        f = (lambda c: c[k]) if k else (lambda c: sum(c.values()))
        md.append("| %s | %d | %d | %s | %d | %s | %s |" % (
            KIND_LABEL[k] if k else "all", f(by_kind), f(found_kind), pct(f(found_kind), f(by_kind)),
            f(by_kind_written), pct(f(found_kind_written), f(by_kind_written)),
            pct(f(found_kind_written) + f(gen_kind_written), f(by_kind_written))))
    md.append("")
    md.append("found: " + ", ".join("%s %d" % kv for kv in how.most_common()))
    md.append("")
    md.append("| directory | clang edges | recall |")
    md.append("|---|---|---|")
    for d, n in by_dir.most_common():
        if n >= total / 200:
            md.append("| %s | %d | %s |" % (d, n, pct(found_dir[d], n)))
    md.append("")
    md.append("| false-negative class | edges | share of all clang edges | " + " | ".join(KINDS) + " |")
    md.append("|---|---|---|" + "---|" * len(KINDS))
    for c, n in classes.most_common():
        md.append("| %s | %d | %s | %s |" % (c, n, pct(n, total),
                                             " | ".join(str(class_kind[(c, k)]) for k in KINDS)))
    md.append("")
    n_cmp = sum(pclass.values())
    md.append("revertcheck's resolved edges from functions: %d" % n_cmp)
    md.append("")
    md.append("| class | edges | share |")
    md.append("|---|---|---|")
    for c, n in pclass.most_common():
        md.append("| %s | %d | %s |" % (c, n, pct(n, n_cmp)))
    md.append("")
    md.append("sample of %d edges clang does not have: %s" % (len(sample_rows), dict(sample_class.most_common())))
    md.append("")
    md.append("plain sample of %d edges from compiled functions: %s" % (len(plain), dict(plain_class.most_common())))
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
