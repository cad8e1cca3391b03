#!/usr/bin/env bash
# Installs what xai needs, only when it is missing: libedit for the prompt; with `test`, also
# the test tools: tmux (the terminal test), chromium-driver (headless Chromium for the
# notebook's browser test) and, on x86-64, an ARM64 cross compiler with its emulator (the
# kernels' bits are compared on ARM64). Idempotent and quiet when there is nothing to do.
set -euo pipefail
wanted=(libedit-dev)
if [ "${1:-}" = "test" ]; then
    wanted+=(tmux chromium-driver)
    [ "$(uname -m)" = "x86_64" ] && wanted+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user)
fi
needed=()
for pkg in "${wanted[@]}"; do
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
