#!/usr/bin/env bash
# Writes `revertcheck check --format json` of the COUNT newest posted series of a QEMU mirror
# (branches named by message-id, `_ci` twins skipped) into OUT/<branch>.json, each checked from
# its merge base with MASTER; OUT/list.txt names them. For before/after comparisons with
# benches/qemu/compare-series.py.
# Usage: REVERTCHECK_QEMU=/path/to/qemu.git RC=path/to/revertcheck benches/qemu/series-json.sh OUT [count]
set -euo pipefail
Q=${REVERTCHECK_QEMU:?set REVERTCHECK_QEMU to a QEMU git directory}
MASTER=${MASTER:-ece408818d27f745ef1b05fb3cc99a1e7a5bf580}
RC=${RC:-target/release/revertcheck}
OUT=${1:?output directory}
COUNT=${2:-20}
mkdir -p "$OUT"
# (awk, not head: head closing the pipe early fails it under pipefail)
git --git-dir="$Q" for-each-ref --sort=-committerdate --format='%(refname:short)' refs/heads |
  grep '@' | grep -v '_ci$' | awk -v n="$COUNT" 'NR <= n' > "$OUT/list.txt"
while read -r b; do
  base=$(git --git-dir="$Q" merge-base "$MASTER" "$b")
  "$RC" -C "$Q" check --fail-on never --format json "$base..$b" > "$OUT/$b.json"
done < "$OUT/list.txt"
