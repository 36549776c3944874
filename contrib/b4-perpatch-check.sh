#!/bin/sh
# revertcheck as b4's per-patch check (`b4 prep --check`), beside checkpatch:
#
#   git config b4.prep-perpatch-check-cmd "contrib/b4-perpatch-check.sh"
#
# (with the script's absolute path). b4 pipes each patch of the prepared series on stdin, from
# the top of the work tree. Those patches are already commits of the branch: the commit with
# the same patch id among HEAD's last 500 is checked (`<sha>^!`), so that it is seen on top of
# the patches before it; a patch that is no commit here is applied in memory to its
# `base-commit:` or HEAD. Findings print as checkpatch's --terse lines
# (`file:line: ERROR: ...`), which b4 shows per patch.
set -eu
rc=${REVERTCHECK:-revertcheck}
patch=$(mktemp)
trap 'rm -f "$patch"' EXIT
cat > "$patch"
id=$(git patch-id --stable < "$patch" | cut -d' ' -f1)
sha=
if [ -n "$id" ]; then
    sha=$(git log -p --no-merges -n 500 HEAD | git patch-id --stable | awk -v id="$id" '$1 == id { print $2; exit }')
fi
if [ -n "$sha" ]; then
    set -- "$sha^!"
else
    set -- --mbox "$patch"
fi
out=$("$rc" check --fail-on never "$@" 2>&1) || { echo "ERROR: revertcheck: $out"; exit 0; }
printf '%s\n' "$out" | sed -n \
    -e 's/^\(.*\): error: /\1: ERROR: /p' \
    -e 's/^\(.*\): warning: /\1: WARNING: /p' \
    -e 's/^error: /ERROR: /p' \
    -e 's/^warning: /WARNING: /p' \
    -e 's/^  verdict: \(.*\)$/CHECK: revertcheck verdict: \1/p'
