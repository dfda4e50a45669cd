#!/usr/bin/env bash
# Renders each screen in a real window under Xvfb into docs/screens/ (Chinese, 1366×768; one at 1920×1080).
# Each screen runs against a fresh demo data directory.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/screens
mkdir -p "$out"
shoot() { # name, extra ykt arguments…
  local name=$1; shift
  local data; data=$(mktemp -d)
  scripts/xvfb.sh env LANG=zh_CN.UTF-8 ./bin/ykt --data-dir "$data" --screenshot "$out/$name.png" "$@"
  rm -rf "$data"
  echo "wrote $out/$name.png"
}
shoot workbench --scene resident
shoot workbench-en --scene resident --lang en
# A wide screen (issue 15, point 6): 申请与办件 gets a column of its own.
shoot workbench-wide --scene resident --size 1920x1080
# The counter workbench (issue 5): demo mode signs the demo clerk in and plays each scene.
for scene in signin temp-loss formal-loss unblock enable pin-reset activate info-change proxy payments application evaluation sync home-visits shortcuts guide; do
  shoot "counter-$scene" --scene "$scene"
done
# The hall's screens (issue 6): `--role` is handled by runHallRole (cli/hallroles.go), which runDesktop
# calls first. Each runs its own demo hall with a morning's queue.
shoot kiosk --role kiosk
shoot display --role display
shoot stats --role stats
# The entrance gate (issue 13): `ykt gate --screenshot` renders one state without devices.
for state in open refused fault; do
  data=$(mktemp -d)
  scripts/xvfb.sh env LANG=zh_CN.UTF-8 ./bin/ykt gate --data-dir "$data" --screenshot "$out/gate-$state.png" --show "$state"
  rm -rf "$data"
  echo "wrote $out/gate-$state.png"
done
