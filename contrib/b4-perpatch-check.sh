#!/bin/sh
# revertcheck as b4's per-patch check (`b4 prep --check`), beside checkpatch:
#
#   git config b4.prep-perpatch-check-cmd "contrib/b4-perpatch-check.sh"
#
# b4 pipes each patch of the prepared series on stdin, from the top of the work tree. Those
# patches are already commits of the branch (the `From <sha>` line names them), so the commit
# itself is checked (`<sha>^!`); a patch that is not a commit here is applied in memory to its
# `base-commit:` or HEAD. Findings print as checkpatch's --terse lines
# (`file:line: ERROR: ...`), which b4 shows per patch.
set -eu
rc=${REVERTCHECK:-revertcheck}
patch=$(mktemp)
trap 'rm -f "$patch"' EXIT
cat > "$patch"
sha=$(sed -n '1s/^From \([0-9a-f]\{40\}\) .*/\1/p' "$patch")
if [ -n "$sha" ] && [ "$sha" != 0000000000000000000000000000000000000000 ] \
    && git cat-file -e "$sha^{commit}" 2>/dev/null; then
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
