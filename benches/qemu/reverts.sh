#!/usr/bin/env bash
# Compares revertcheck's textual revert verdict with `git revert --no-commit` on real commits of
# a QEMU mirror: for each `Revert "..."` commit on master, its target reverted at the revert's
# parent (where git's own revert was made) and at MASTER. git runs in a scratch shared clone.
# Usage: REVERTCHECK_QEMU=/path/to/qemu.git benches/qemu/reverts.sh [count]
set -uo pipefail
Q=${REVERTCHECK_QEMU:?set REVERTCHECK_QEMU to a QEMU git directory}
MASTER=${MASTER:-ece408818d27f745ef1b05fb3cc99a1e7a5bf580}
COUNT=${1:-20}
RC=${RC:-target/release/revertcheck}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
git clone -q --shared --no-checkout "$Q" "$WORK/c"
agree=0; total=0
printf '%-12s %-12s %-8s %-8s %6s\n' commit at ours git ms
git --git-dir="$Q" log --first-parent --no-merges --format='%H' --grep='^This reverts commit' -n 200 "$MASTER" |
  while read -r rev; do
    orig=$(git --git-dir="$Q" log -1 --format=%B "$rev" | grep -o 'This reverts commit [0-9a-f]\{40\}' | awk '{print $4}' | head -1 || true)
    [ -n "$orig" ] || continue
    [ "$(git --git-dir="$Q" rev-list --parents -n1 "$orig" | wc -w)" -eq 2 ] || continue
    for at in "$rev^" "$MASTER"; do
      t0=$(date +%s%N)
      ours=$("$RC" -C "$Q" revert --max-blames 0 --format json --at "$at" "$orig" 2>/dev/null |
        python3 -c 'import json,sys; print("applies" if json.load(sys.stdin)["commits"][0]["applies"] else "conflict")')
      t1=$(date +%s%N)
      git -C "$WORK/c" checkout -q -f --detach "$at"
      if git -C "$WORK/c" -c user.name=x -c user.email=x@x revert --no-commit "$orig" >/dev/null 2>&1; then theirs=applies; else theirs=conflict; fi
      git -C "$WORK/c" reset -q --hard
      total=$((total + 1)); [ "$ours" = "$theirs" ] && agree=$((agree + 1))
      printf '%-12.12s %-12.12s %-8s %-8s %6d %s\n' "$orig" "$(git --git-dir="$Q" rev-parse --short=12 "$at")" "$ours" "$theirs" $(( (t1 - t0) / 1000000 )) "$([ "$ours" = "$theirs" ] || echo DISAGREE)"
    done
    [ "$total" -ge $((COUNT * 2)) ] && { echo "agreement: $agree/$total"; break; }
  done
