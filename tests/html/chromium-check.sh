#!/usr/bin/env bash
# Opens the audit's HTML report in headless Chromium (Debian's `chromium` package) and checks
# that it renders and its script works: the table, the age chart and the trend render; clicking
# the "verdict" header sorts; choosing verdict "clean" in the filter leaves only the clean rows;
# a row expands; no script error. Writes screenshots next to the report (collapsed, and with the
# entangled row expanded). Usage: tests/html/chromium-check.sh [outdir]
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-$(mktemp -d)}
RC=target/debug/revertcheck
cargo build -q
repo="$OUT/repo"; rm -rf "$repo" "$OUT/a.sqlite"*
"$RC" debug scenario fixtures/scenarios/audit "$repo"
git -C "$repo" remote add origin https://gitlab.com/qemu-project/qemu.git
"$RC" -C "$repo" audit --db "$OUT/a.sqlite" > /dev/null
"$RC" debug scenario fixtures/scenarios/audit-later "$repo" --extend
"$RC" -C "$repo" audit --db "$OUT/a.sqlite" --html "$OUT/report.html" > /dev/null
# A copy that, once loaded, sorts by verdict, filters to clean, expands the entangled row and
# records what it saw (or a script error) in the DOM.
probe='<script>window.onerror=function(m){document.title="ERROR "+m};
sortBy(4);const b=document.body.dataset;b.sorted=document.querySelector("#results tbody tr td:nth-child(5)").innerText;
setFilter("verdict","clean");b.visible=[...document.querySelectorAll("#results tbody tr")].filter(r=>!r.hidden).length;
b.shown=document.getElementById("shown").textContent;clearFilters();
const d=document.querySelector("tr[data-verdict=entangled] details");d.open=true;b.expanded=d.querySelector(".more").offsetHeight>0;
</script></body>'
probe=$(printf '%s' "$probe" | tr '\n' ' ')
sed "s|</body>|${probe//|/\\|}|" "$OUT/report.html" > "$OUT/clicked.html"
sed 's|</body>|<script>document.querySelector("tr[data-verdict=entangled] details").open=true;</script></body>|' \
  "$OUT/report.html" > "$OUT/expanded.html"
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$OUT/profile")
chromium "${flags[@]}" --dump-dom "file://$OUT/clicked.html" > "$OUT/dom.html" 2> "$OUT/chromium.log"
chromium "${flags[@]}" --window-size=1400,1600 --screenshot="$OUT/report.png" "file://$OUT/report.html" 2>> "$OUT/chromium.log"
chromium "${flags[@]}" --window-size=1400,1600 --screenshot="$OUT/expanded.png" "file://$OUT/expanded.html" 2>> "$OUT/chromium.log"
grep -q '<title>ERROR' "$OUT/dom.html" && { echo "script error: $(grep -o '<title>[^<]*' "$OUT/dom.html")"; exit 1; }
rows=$(grep -o '<tr data-verdict=' "$OUT/dom.html" | wc -l)
bars=$(grep -o '<rect ' "$OUT/dom.html" | wc -l)
points=$(grep -o '<circle ' "$OUT/dom.html" | wc -l)
attr() { grep -o "data-$1=\"[^\"]*\"" "$OUT/dom.html" | head -1; }
echo "rows=$rows chart_bars=$bars trend_points=$points $(attr sorted) $(attr visible) $(attr shown) $(attr expanded)"
echo "screenshots: $OUT/report.png $OUT/expanded.png"
[ "$rows" -eq 3 ] && [ "$bars" -eq 6 ] && [ "$points" -eq 2 ] && [ -s "$OUT/report.png" ] && [ -s "$OUT/expanded.png" ] \
  && [ "$(attr sorted)" = 'data-sorted="clean"' ] && [ "$(attr visible)" = 'data-visible="1"' ] \
  && [ "$(attr expanded)" = 'data-expanded="true"' ]
