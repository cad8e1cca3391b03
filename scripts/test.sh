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

swift test --skip-build 2>&1 | tee "$log" | grep -vE "^Test Case '.*' (started|passed)"
status=${PIPESTATUS[0]}
[ $status -eq 0 ] || { echo "test: swift test failed" >&2; exit 1; }

swift build -c release --product xai >"$log" 2>&1 || { cat "$log"; exit 1; }
shopt -s nullglob
scripts=(scripts/*.xai)
if [ ${#scripts[@]} -gt 0 ]; then
    .build/release/xai check "${scripts[@]}" || { echo "test: a shipped script's transcript no longer matches" >&2; exit 1; }
fi
rm -f "$log"
