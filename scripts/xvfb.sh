#!/usr/bin/env bash
# Runs a command with DISPLAY pointing at a private Xvfb (1366×768, 24-bit) that it starts on a
# free display number and stops afterwards. Usage: scripts/xvfb.sh COMMAND [ARGS…]
set -euo pipefail
command -v Xvfb >/dev/null || { echo "Xvfb missing: run scripts/install-deps.sh" >&2; exit 1; }
n=90
while [ -e "/tmp/.X${n}-lock" ] || [ -e "/tmp/.X11-unix/X${n}" ]; do n=$((n + 1)); done
Xvfb ":$n" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null; wait "$xvfb" 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -e "/tmp/.X11-unix/X${n}" ] && break; sleep 0.05; done
[ -e "/tmp/.X11-unix/X${n}" ] || { echo "Xvfb :$n did not start" >&2; exit 1; }
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/ykt-runtime-$(id -u)}"
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
DISPLAY=":$n" "$@"
