#!/usr/bin/env python3
"""Posted QEMU series checked as ranges and as mail, with the same verdicts expected.

    python3 benches/qemu/series-compare.py <qemu git dir> [--newest 40] [--compare 10]

The git dir is a mirror whose branches named like Message-IDs are series posted on top of
master (their `*_ci` twins are skipped). For each of the `--newest` series (by committer date):
its base is `git merge-base <--master> <branch>`; it is checked as a range
(`revertcheck -C <git dir> check <base>..<branch> --format json`) and, exported with
`git format-patch --cover-letter --base=<base>` into a scratch directory under /tmp, as mail
(`check --mbox <dir>/*.patch`, no --base: the base-commit line decides). Counted: runs that
crash or exit 2, per form; for the first `--compare` series, whether both forms give the same
verdicts patch by patch (subject, structural, policy, code lines, finding codes, files).
Nothing is written to the git dir (revertcheck never writes; format-patch only reads).
"""
import argparse, json, os, subprocess, sys, tempfile, time

p = argparse.ArgumentParser()
p.add_argument("git_dir")
p.add_argument("--newest", type=int, default=40)
p.add_argument("--master", default="master", help="the branch series are posted on (the mirror's master is ece408818d27's child)")
p.add_argument("--compare", type=int, default=10)
p.add_argument("--rc", default=os.path.join(os.path.dirname(__file__), "../../target/release/revertcheck"))
p.add_argument("--max-patches", type=int, default=40, help="skip longer series (time)")
a = p.parse_args()

def git(*args):
    return subprocess.run(["git", "--git-dir", a.git_dir, *args], check=True, capture_output=True, text=True).stdout

refs = git("for-each-ref", "--sort=-committerdate", "--format=%(refname:short)", "refs/heads").split()
series = [r for r in refs if r != "master" and not r.endswith("_ci") and "@" in r]

def run(args):
    t = time.time()
    out = subprocess.run([a.rc, "-C", a.git_dir, *args], capture_output=True, text=True)
    return out, time.time() - t

def verdicts(report):
    rows = []
    for s in report["steps"]:
        if s.get("skipped"):
            continue
        v = s["verdict"]
        rows.append((s["subject"], v["structural"], v["policy"], v["code_lines"],
                     tuple(sorted(f["code"] for f in v["findings"])),
                     tuple(f["path"] for f in s["files"])))
    return rows

stats = {"range": {"ok": 0, "exit2": 0, "crash": 0}, "mail": {"ok": 0, "exit2": 0, "crash": 0}}
same = differ = 0
done = 0
with tempfile.TemporaryDirectory(prefix="series-compare.", dir="/tmp") as tmp:
    for branch in series:
        if done >= a.newest:
            break
        base = git("merge-base", a.master, branch).strip()
        n = int(git("rev-list", "--count", "--no-merges", f"{base}..{branch}"))
        if n == 0 or n > a.max_patches:
            continue
        done += 1
        outdir = os.path.join(tmp, branch)
        git("format-patch", "-q", "--cover-letter", f"--base={base}", "-o", outdir, f"{base}..{branch}")
        files = sorted(os.path.join(outdir, f) for f in os.listdir(outdir))
        r, rt = run(["check", f"{base}..{branch}", "--format", "json", "--fail-on", "never"])
        m, mt = run(["check", "--mbox", *files, "--format", "json", "--fail-on", "never"])
        line = f"{branch}: {n} patches; range exit {r.returncode} ({rt:.0f}s), mail exit {m.returncode} ({mt:.0f}s)"
        for form, out in (("range", r), ("mail", m)):
            key = "ok" if out.returncode in (0, 1) else "exit2" if out.returncode == 2 else "crash"
            stats[form][key] += 1
            if key != "ok":
                line += f"\n    {form}: {out.stderr.strip()[:300]}"
        if done <= a.compare and r.returncode in (0, 1) and m.returncode in (0, 1):
            rv, mv = verdicts(json.loads(r.stdout)), verdicts(json.loads(m.stdout))
            if rv == mv:
                same += 1
                line += "; same verdicts"
            else:
                differ += 1
                line += "; DIFFERENT verdicts"
                for x, y in zip(rv, mv):
                    if x != y:
                        line += f"\n    range {x}\n    mail  {y}"
                        break
                if len(rv) != len(mv):
                    line += f"\n    {len(rv)} range steps, {len(mv)} mail steps"
        print(line, flush=True)
print(f"\nseries: {done}; compared: {same} same, {differ} different (of the first {a.compare})")
for form in ("range", "mail"):
    s = stats[form]
    print(f"{form}: {s['ok']} ran (exit 0/1), {s['exit2']} exit 2, {s['crash']} crashed")
