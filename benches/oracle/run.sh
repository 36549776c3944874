#!/bin/sh
# The whole oracle: QEMU configured with clang, libclang's references, revertcheck's edges,
# the comparison. Each step keeps its output; a second run redoes only the last two
# (revertcheck's export, about 20 s warm, and the comparison, about a minute).
#
#   benches/oracle/run.sh [<mirror git dir> [<rev> [<scratch dir>]]]
#
# Defaults: the QEMU mirror of the benches, ece408818d27, /tmp/oracle-qemu.
# Results in <scratch>/compare/ (summary.md, summary.json, misses.tsv, extra-sample.tsv).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
mirror=${1:-/work/.mirror/pbo-linaro+qemu-ci/repo}
rev=${2:-ece408818d27}
scratch=${3:-/tmp/oracle-qemu}
revertcheck=${REVERTCHECK:-$here/../../target/release/revertcheck}

"$here/setup.sh" "$mirror" "$rev" "$scratch"            # once per revision: ~1 min
python3 "$here/extract.py" "$scratch"                   # once per revision: ~25 min on 2 cores
"$revertcheck" -C "$mirror" debug edges --at "$rev" > "$scratch/revertcheck-edges.tsv"
python3 "$here/compare.py" "$scratch" "$scratch/revertcheck-edges.tsv"
