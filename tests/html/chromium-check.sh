#!/usr/bin/env bash
# Opens the audit's HTML report in headless Chromium (Debian's `chromium` package) and checks
# that the table and the chart render and that clicking a header sorts without a script error.
# Writes a screenshot next to the report. Usage: tests/html/chromium-check.sh [outdir]
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-$(mktemp -d)}
RC=target/debug/revertcheck
cargo build -q
repo="$OUT/repo"; rm -rf "$repo"
"$RC" debug scenario fixtures/scenarios/audit "$repo"
"$RC" -C "$repo" audit --db "$OUT/a.sqlite" > /dev/null
"$RC" debug scenario fixtures/scenarios/audit-later "$repo" --extend
"$RC" -C "$repo" audit --db "$OUT/a.sqlite" --html "$OUT/report.html" > /dev/null
# A copy that clicks the "verdict" header once the page has loaded and reports script errors.
sed 's|</body>|<script>window.onerror=function(m){document.title="ERROR "+m};sortBy(4);document.body.dataset.sorted=document.querySelector("#results tbody tr td:nth-child(5)").innerText;</script></body>|' \
  "$OUT/report.html" > "$OUT/clicked.html"
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$OUT/profile")
chromium "${flags[@]}" --dump-dom "file://$OUT/clicked.html" > "$OUT/dom.html" 2> "$OUT/chromium.log"
chromium "${flags[@]}" --window-size=1400,1200 --screenshot="$OUT/report.png" "file://$OUT/report.html" 2>> "$OUT/chromium.log"
rows=$(grep -o '<tr><td><code>' "$OUT/dom.html" | wc -l)
bars=$(grep -o '<rect ' "$OUT/dom.html" | wc -l)
grep -q '<title>ERROR' "$OUT/dom.html" && { echo "script error: $(grep -o '<title>[^<]*' "$OUT/dom.html")"; exit 1; }
sorted=$(grep -o 'data-sorted="[a-z]*"' "$OUT/dom.html")
echo "rows=$rows chart_bars=$bars $sorted screenshot=$OUT/report.png"
[ "$rows" -eq 3 ] && [ "$bars" -eq 6 ] && [ -s "$OUT/report.png" ] && [ "$sorted" = 'data-sorted="clean"' ]
