#!/usr/bin/env bash
# Installs the system libraries xai links against, only when they are missing.
# Idempotent and quiet when there is nothing to do.
set -euo pipefail
needed=()
for pkg in libopenblas-dev libedit-dev pkg-config tmux; do
    dpkg -s "$pkg" >/dev/null 2>&1 || needed+=("$pkg")
done
if [ ${#needed[@]} -gt 0 ]; then
    echo "setup: installing ${needed[*]}"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq >/dev/null
    $SUDO apt-get install -y -qq "${needed[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (Swift 6 toolchain needed)" >&2; exit 1; }
