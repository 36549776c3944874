#!/usr/bin/env python3
"""Run extract.c over every unit of compile_commands.json, in shards, two at a time.

    benches/oracle/extract.py <scratch dir> [--jobs 2] [--shards 32]

<scratch dir> is the one setup.sh made (src/, build/). Shards already written
(<scratch>/clang/shard-NN.tsv) are kept: an interrupted run resumes, a second run costs
nothing. Delete <scratch>/clang to extract again.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# options that write files or name the output; libclang needs none of them
DROP_WITH_VALUE = {"-o", "-MQ", "-MF", "-MT"}
DROP = {"-c", "-MD", "-MMD", "-pipe"}


def unit_args(entry):
    argv = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
    out, skip = [], False
    for a in argv[1:]:
        if skip:
            skip = False
            continue
        if a in DROP_WITH_VALUE:
            skip = True
            continue
        if a in DROP or a == entry["file"]:
            continue
        out.append(a)
    return out


def build_tool(dest):
    src = os.path.join(HERE, "extract.c")
    if os.path.exists(dest) and os.path.getmtime(dest) >= os.path.getmtime(src):
        return
    cc = os.environ.get("ORACLE_CC", "clang-14")
    llvm = os.environ.get("ORACLE_LLVM", "/usr/lib/llvm-14")
    subprocess.check_call([cc, "-O2", "-Wall", "-I", llvm + "/include", "-o", dest, src,
                           "-L", llvm + "/lib", "-lclang", "-Wl,-rpath," + llvm + "/lib"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scratch")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--shards", type=int, default=32)
    args = ap.parse_args()
    scratch = os.path.abspath(args.scratch)
    out = os.path.join(scratch, "clang")
    os.makedirs(out, exist_ok=True)
    tool = os.path.join(out, "extract")
    build_tool(tool)
    with open(os.path.join(scratch, "build", "compile_commands.json")) as f:
        units = [u for u in json.load(f) if u["file"].endswith(".c")]
    # spread units over shards round-robin so that each shard sees every directory
    shards = [units[i::args.shards] for i in range(args.shards)]
    pending = []
    for i, shard in enumerate(shards):
        tsv = os.path.join(out, "shard-%02d.tsv" % i)
        if os.path.exists(tsv):
            continue
        lst = os.path.join(out, "shard-%02d.units" % i)
        with open(lst, "w") as f:
            for u in shard:
                a = unit_args(u)
                f.write("%s\n%d\n" % (u["file"], len(a)))
                f.writelines(x + "\n" for x in a)
        pending.append((tsv, lst))
    print("%d units, %d shards to run" % (len(units), len(pending)), file=sys.stderr)
    running = []
    t0 = time.time()
    while pending or running:
        while pending and len(running) < args.jobs:
            tsv, lst = pending.pop(0)
            p = subprocess.Popen(["nice", tool, os.path.join(scratch, "src"),
                                  os.path.join(scratch, "build"), lst],
                                 stdout=open(tsv + ".part", "w"),
                                 stderr=open(tsv + ".log", "w"))
            running.append((p, tsv))
        time.sleep(1)
        for p, tsv in list(running):
            if p.poll() is not None:
                running.remove((p, tsv))
                if p.returncode != 0:
                    sys.exit("%s: extract exited with %d (see %s.log)" % (tsv, p.returncode, tsv))
                os.rename(tsv + ".part", tsv)
                print("%s done at %.0f s" % (os.path.basename(tsv), time.time() - t0),
                      file=sys.stderr)


if __name__ == "__main__":
    main()
