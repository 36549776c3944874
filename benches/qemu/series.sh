#!/usr/bin/env bash
# Runs `revertcheck check` over the 20 newest mailing-list series of a QEMU mirror (branches
# named by message-id; `_ci` twins skipped), cold cache then warm, and prints a line per series.
# Usage: REVERTCHECK_QEMU=/path/to/qemu.git benches/qemu/series.sh [count]
set -euo pipefail
Q=${REVERTCHECK_QEMU:?set REVERTCHECK_QEMU to a QEMU git directory}
MASTER=${MASTER:-ece408818d27f745ef1b05fb3cc99a1e7a5bf580}
COUNT=${1:-20}
RC=${RC:-target/release/revertcheck}
CACHE=$(mktemp -d)
trap 'rm -rf "$CACHE"' EXIT
n=0
printf '%-60s %5s %8s %8s %6s  %s\n' series patches cold_s warm_s status verdict
git --git-dir="$Q" for-each-ref --sort=-committerdate --format='%(refname:short)' refs/heads |
  grep '@' | grep -v '_ci$' | while read -r b; do
    mb=$(git --git-dir="$Q" merge-base "$b" "$MASTER" 2>/dev/null) || continue
    p=$(git --git-dir="$Q" rev-list --count "$mb..$b")
    [ "$p" -ge 2 ] && [ "$p" -le 30 ] || continue
    t0=$(date +%s.%N)
    status=0
    "$RC" -C "$Q" --cache-dir "$CACHE" check --format json "$mb..$b" > /tmp/series-check.json 2>/tmp/series-check.err || status=$?
    t1=$(date +%s.%N)
    "$RC" -C "$Q" --cache-dir "$CACHE" check --format json "$mb..$b" > /dev/null 2>&1 || true
    t2=$(date +%s.%N)
    verdict=$(python3 -c 'import json,sys; s=json.load(open("/tmp/series-check.json"))["series"]; print(s["structural"], s["policy"])' 2>/dev/null || head -c 80 /tmp/series-check.err)
    printf '%-60.60s %5s %8.2f %8.2f %6s  %s\n' "$b" "$p" "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" "$status" "$verdict"
    n=$((n + 1))
    [ "$n" -ge "$COUNT" ] && break
  done
