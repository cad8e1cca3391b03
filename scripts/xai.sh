#!/usr/bin/env bash
# Sets up, builds xai in release mode, and starts it (arguments pass through: `scripts/xai.sh run file.xai`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product xai 2>&1 | grep -vE '^\[|^Building|^Build of|^Compiling|^Write|^Planning' >&2 || true
exec .build/release/xai "$@"
