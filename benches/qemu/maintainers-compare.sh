#!/bin/sh
# One-off comparison: QEMU's own scripts/get_maintainer.pl -f FILE --sections against
# `revertcheck debug maintainers`, on every file of a QEMU revision.
#
#   sh benches/qemu/maintainers-compare.sh <qemu git dir> [rev] [sample-size]
#
# The revision is exported with `git archive` into a scratch directory under /tmp (the
# repository itself is only read). get_maintainer.pl runs on all files in a few invocations;
# a copy of it gets one added line that prints `=== <file>` before each file's sections (the
# matching code is untouched), since it prints the sections of many files without saying whose.
# Section order among equally deep patterns is Perl's hash order (random), so sections are
# compared as sets. Prints the agreement and the first disagreements.
set -eu
git_dir=$1
rev=${2:-ece408818d27}
sample=${3:-0}
rc=${RC:-$(dirname "$0")/../../target/release/revertcheck}
scratch=$(mktemp -d /tmp/maintainers-compare.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/src"
git --git-dir="$git_dir" archive "$rev" | tar -x -C "$scratch/src"
cd "$scratch/src"
sed 's/^    foreach my \$file (@files) {$/&\n\tprint("=== $file\\n") if ($sections);/' scripts/get_maintainer.pl > "$scratch/gm.pl"
grep -q '=== \$file' "$scratch/gm.pl" || { echo "could not instrument get_maintainer.pl" >&2; exit 2; }
git --git-dir="$git_dir" ls-tree -r --name-only "$rev" > "$scratch/files"
# Links and files get_maintainer.pl cannot stat are left out (it dies on them).
while IFS= read -r f; do [ -f "$f" ] && [ ! -L "$f" ] && printf '%s\n' "$f"; done < "$scratch/files" > "$scratch/files.ok"
if [ "$sample" -gt 0 ]; then shuf -n "$sample" --random-source="$scratch/files.ok" "$scratch/files.ok" | sort > "$scratch/f"; mv "$scratch/f" "$scratch/files.ok"; fi
total=$(wc -l < "$scratch/files.ok")
start=$(date +%s)
tr '\n' '\0' < "$scratch/files.ok" | xargs -0 -n 2000 perl "$scratch/gm.pl" --no-git --no-git-fallback --no-keywords --sections -f 2>/dev/null \
    | python3 -c '
import sys
cur = None; prev_blank = True; out = {}
for line in sys.stdin:
    line = line.rstrip("\n")
    if line.startswith("=== "):
        cur = line[4:]; out[cur] = set(); prev_blank = True; continue
    if cur is None: continue
    if line == "": prev_blank = True; continue
    if prev_blank and not (len(line) > 1 and line[1] == ":"):
        out[cur].add(line)
    prev_blank = False
for f in sorted(out): print(f + "\t" + "|".join(sorted(out[f])))
' > "$scratch/perl.tsv"
perl_s=$(( $(date +%s) - start ))
start=$(date +%s)
xargs -a "$scratch/files.ok" -d '\n' "$rc" -C "$git_dir" debug maintainers --rev "$rev" \
    | python3 -c '
import sys
for line in sys.stdin:
    f, _, t = line.rstrip("\n").partition("\t")
    print(f + "\t" + "|".join(sorted(set(t.split("|")) - {""})))
' | sort > "$scratch/ours.tsv"
ours_s=$(( $(date +%s) - start ))
sort "$scratch/perl.tsv" > "$scratch/p" && mv "$scratch/p" "$scratch/perl.tsv"
same=$(comm -12 "$scratch/perl.tsv" "$scratch/ours.tsv" | wc -l)
echo "files: $total (get_maintainer.pl: $(wc -l < "$scratch/perl.tsv") answered, ${perl_s}s; revertcheck: ${ours_s}s)"
echo "same sections: $same of $total"
echo "first disagreements (< get_maintainer.pl, > revertcheck):"
diff "$scratch/perl.tsv" "$scratch/ours.tsv" | grep '^[<>]' | head -${SHOW:-20} || true
