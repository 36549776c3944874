#!/usr/bin/env python3
"""Compares two `revertcheck audit --format json` reports of the same commits (an older
revertcheck's and a newer one's) and lists every commit whose revert verdict changed, with the
reason read from both reports' details, as a Markdown table.

Usage: benches/qemu/compare-audits.py OLD.json NEW.json > changed.md
Reasons (first that applies):
  rework only          old: entangled only by later edits of its functions (now a note)
  own or older uses    old: every cascade use had no later writer (the commit's own, or older)
  name only            new: the later uses cannot see the definition (other target, no include)
  member / body        new: a type judged by the members the commit added or changed, or a
                       macro value / same-parameter body change
  move                 new: the commit moved the definition (same interface, other file)
  later member use     new: later code names a field or enumerator the commit added
  restored use         new: the revert brings back a use a later commit removed the include of
  per-file evidence    new: a later use found in a file the old graph did not keep evidence for
  revert by content    the later revert is (or is not) the inverse of the commit
"""
import collections
import json
import sys


def load(path):
    return {r["commit_id"]: r for r in json.load(open(path))["results"]}


def reason(old, new):
    # details: a nested object since JSON v2, a string of JSON before
    od, nd = (d if isinstance(d, dict) else json.loads(d) for d in (old["details"], new["details"]))
    ov, nv = old["verdict"], new["verdict"]
    if "reverted" in (ov, nv):
        return "revert by content"
    if ov == "entangled" and nv == "clean":
        oc = od["cascade"]
        if not oc and od["rework"]:
            return "rework only"
        if oc and all(u["introduced_by"] is None for u in oc):
            return "own or older uses"
        later = [u for u in oc if u["introduced_by"]]
        names = {u["symbol"] for u in later}
        weak = [u for u in nd["cascade"] if not u["breaks"]]
        if weak and {u["symbol"] for u in weak} >= names:
            return "name only"
        if any(u["change"] == "interface" for u in later):
            return "member / body"
        return "move"
    if nv == "entangled":
        broken = [u for u in nd["cascade"] if u["breaks"]]
        if any(u["change"] == "restored" for u in broken):
            return "restored use"
        if any("." in u["symbol"] for u in broken):
            return "later member use"
        return "per-file evidence"
    return "other"


def main():
    old, new = load(sys.argv[1]), load(sys.argv[2])
    rows = []
    for cid in sorted(old):
        o, n = old[cid], new.get(cid)
        if n is None or o["verdict"] == n["verdict"]:
            continue
        rows.append((f'{o["verdict"]} -> {n["verdict"]}', reason(o, n), cid[:12], o["summary"]))
    counts = collections.Counter((r[0], r[1]) for r in rows)
    print("| change | reason | commits |\n|---|---|---|")
    for (change, why), k in sorted(counts.items()):
        print(f"| {change} | {why} | {k} |")
    print(f"\n{len(rows)} of {len(old)} commits changed.\n")
    print("| commit | change | reason | subject |\n|---|---|---|---|")
    for change, why, cid, subject in sorted(rows, key=lambda r: (r[0], r[1], r[2])):
        print(f"| {cid} | {change} | {why} | {subject.replace('|', '/')} |")


if __name__ == "__main__":
    main()
