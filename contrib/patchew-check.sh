#!/bin/sh
# A patchew-style tester: given a series by its Message-ID (fetched with b4) or a range already
# applied in this repository, check it and print a reply for the list (markdown), with the
# series' lore link; exit 1 when the policy fails (as patchew counts a failed test).
#
#   contrib/patchew-check.sh <message-id>          # b4 am -o - <message-id> | revertcheck
#   contrib/patchew-check.sh <base>..<tip>         # a series patchew applied on a branch
set -eu
rc=${REVERTCHECK:-revertcheck}
[ $# -eq 1 ] || { echo "usage: $0 <message-id> | <base>..<tip>" >&2; exit 2; }
case $1 in
*..*)
    exec "$rc" check --format markdown "$1"
    ;;
*)
    mbox=$(mktemp)
    trap 'rm -f "$mbox"' EXIT
    b4 -q am -o - "$1" > "$mbox"
    # The base is the series' base-commit: line when it has one (b4 keeps it), else HEAD.
    "$rc" check --format markdown --mbox "$mbox"
    ;;
esac
