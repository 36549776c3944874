#!/bin/sh
# Check a QEMU revision out of a bare mirror into a scratch directory, configure it with clang
# for one target, and build every generated header, so that compile_commands.json can be
# parsed by libclang (extract.sh). Nothing is written to the mirror.
#
#   benches/oracle/setup.sh <mirror git dir> <rev> <scratch dir>
#
# Offline: --disable-download; the two subprojects that would need a download are replaced
# in the scratch tree only (keycodemapdb by a stub that prints empty key maps, the
# berkeley-softfloat-3 tests are dropped from tests/meson.build).
set -eu
mirror=$1 rev=$2 dir=$3
targets=${ORACLE_TARGETS:-x86_64-softmmu}

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    pkgs="clang-14 libclang-14-dev libglib2.0-dev libpixman-1-dev ninja-build flex bison python3-venv pkg-config"
    dpkg -s $pkgs >/dev/null 2>&1 || apt-get install -y --no-install-recommends $pkgs
fi

if [ ! -f "$dir/.oracle-rev" ] || [ "$(cat "$dir/.oracle-rev")" != "$rev" ]; then
    rm -rf "$dir"
    mkdir -p "$dir/src"
    git --git-dir="$mirror" archive "$rev" | tar -x -C "$dir/src"
    # configure refuses a tree that is not a git work tree
    git -C "$dir/src" init -q

    # stub keycodemapdb: the key maps QEMU declares in include/ui/input.h, all empty
    k="$dir/src/subprojects/keycodemapdb"
    mkdir -p "$k/tools" "$k/data"
    : > "$k/data/keymaps.csv"
    echo "stub for the oracle: empty key maps" > "$k/README"
    cat > "$k/meson.build" <<'MESON'
project('keycodemapdb')
keymaps_csv = files('data/keymaps.csv')
keymap_gen = find_program('tools/keymap-gen')
MESON
    cat > "$k/tools/keymap-gen" <<'PY'
#!/usr/bin/env python3
import sys
name = sys.argv[sys.argv.index("--varname") + 1]
print("const guint16 %s[] = { 0 };" % name)
print("const guint %s_len = 1;" % name)
PY
    chmod +x "$k/tools/keymap-gen"
    sed -i "/subdir('fp')/d" "$dir/src/tests/meson.build"
    echo "$rev" > "$dir/.oracle-rev"
fi

if [ ! -f "$dir/build/compile_commands.json" ]; then
    mkdir -p "$dir/build"
    (cd "$dir/build" && ../src/configure --python=/usr/bin/python3 --cc=clang-14 --disable-download \
        --without-default-features --disable-docs --target-list="$targets" > ../configure.log 2>&1) \
        || { tail -30 "$dir/configure.log"; exit 1; }
fi

# every custom target whose outputs are sources or headers (trace, qapi, decodetree, hxtool,
# key maps, feature headers): enough for every unit to parse, without compiling one
cd "$dir/build"
ninja -t targets all | sed -n 's/^\([^:]*\.\(h\|inc\|c\)\): CUSTOM_COMMAND$/\1/p' | sort -u > ../generated.list
nice ninja -j"${ORACLE_JOBS:-2}" $(cat ../generated.list) > ../generate.log 2>&1 || { tail -30 ../generate.log; exit 1; }
echo "$(wc -l < ../generated.list) generated files, $(grep -c '"file"' compile_commands.json) units in $dir/build/compile_commands.json"
