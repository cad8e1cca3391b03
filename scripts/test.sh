#!/usr/bin/env bash
# Sets up and runs every test: unit and reference tests (swift test), then every shipped
# .xai script re-run and compared with its recorded transcript (xai check).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1

log=$(mktemp)
swift build --build-tests >"$log" 2>&1
status=$?
if [ $status -ne 0 ] || grep -qE 'warning:' "$log"; then
    grep -E 'error|warning:' "$log" | sort -u | head -40
    echo "test: the debug build failed or showed warnings" >&2
    exit 1
fi

# Every shipped script exported as a notebook by the release build, and NotebookTests
# (below) parses each one strictly. Scripts that export in under 20 s are exported twice and
# must give the same bytes (the long demos' determinism is what `xai check` shows below).
swift build -c release --product xai >"$log" 2>&1 || { cat "$log"; exit 1; }
shopt -s nullglob
scripts=(scripts/*.xai)
notebooks=$(mktemp -d)
for f in "${scripts[@]}"; do
    name=$(basename "$f" .xai)
    start=$SECONDS
    .build/release/xai export "$f" --html "$notebooks/$name.html" --md "$notebooks/$name.md" >/dev/null || { echo "test: exporting $f failed" >&2; exit 1; }
    [ $((SECONDS - start)) -lt 20 ] || continue
    .build/release/xai export "$f" --html "$notebooks/$name.again.html" >/dev/null || exit 1
    cmp -s "$notebooks/$name.html" "$notebooks/$name.again.html" || { echo "test: exporting $f twice gave different bytes" >&2; exit 1; }
    rm "$notebooks/$name.again.html"
done

XAI_NOTEBOOK_DIR="$notebooks" swift test --skip-build 2>&1 | tee "$log" | grep -vE "^Test Case '.*' (started|passed)"
status=${PIPESTATUS[0]}
rm -rf "$notebooks"
[ $status -eq 0 ] || { echo "test: swift test failed" >&2; exit 1; }

if [ ${#scripts[@]} -gt 0 ]; then
    .build/release/xai check "${scripts[@]}" || { echo "test: a shipped script's transcript no longer matches" >&2; exit 1; }
fi
rm -f "$log"
