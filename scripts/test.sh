#!/usr/bin/env bash
# Sets up and runs every test: every shipped .xai script re-run and compared with its
# recorded transcript (as `xai check`) and exported as a notebook, then the unit and
# reference tests (swift test), which also parse those notebooks.
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

# Every shipped script runs once in the release build: its output is compared with the
# recorded transcript (as `xai check` does) and it is exported as a notebook, which
# NotebookTests (below) parses strictly. Scripts that take under 20 s are exported a second
# time and must give the same bytes (the long demos' determinism is what the transcript
# comparison shows: the same numbers as the run that recorded them).
swift build -c release --product xai >"$log" 2>&1 || { cat "$log"; exit 1; }
shopt -s nullglob
scripts=(scripts/*.xai)
notebooks=$(mktemp -d)
for f in "${scripts[@]}"; do
    name=$(basename "$f" .xai)
    start=$SECONDS
    out=$(.build/release/xai export "$f" --check --html "$notebooks/$name.html" --md "$notebooks/$name.md" 2>&1)
    st=$?
    printf '%s\n' "$out" | grep -v "^wrote "
    [ $st -eq 0 ] || { echo "test: $f no longer matches its transcript, or exporting it failed" >&2; exit 1; }
    [ $((SECONDS - start)) -lt 20 ] || continue
    .build/release/xai export "$f" --html "$notebooks/$name.again.html" >/dev/null || exit 1
    cmp -s "$notebooks/$name.html" "$notebooks/$name.again.html" || { echo "test: exporting $f twice gave different bytes" >&2; exit 1; }
    rm "$notebooks/$name.again.html"
done

XAI_NOTEBOOK_DIR="$notebooks" swift test --skip-build 2>&1 | tee "$log" | grep -vE "^Test Case '.*' (started|passed)"
status=${PIPESTATUS[0]}
rm -rf "$notebooks"
[ $status -eq 0 ] || { echo "test: swift test failed" >&2; exit 1; }
rm -f "$log"
