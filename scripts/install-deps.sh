#!/usr/bin/env bash
# Installs the Debian packages YKT Counter needs to build, run and test — only those missing.
# Idempotent: a second run installs nothing and prints nothing but its one-line summary.
# Usage: scripts/install-deps.sh [build|run|all|dist]   (default: all; dist: `make dist` and
# `make dist-check` — cross compilers, NSIS, Wine, qemu and the arm64 libraries of the GLFW build)
set -euo pipefail

build_pkgs=(gcc pkg-config libgl1-mesa-dev xorg-dev libwayland-dev libxkbcommon-dev
            wayland-protocols libpcsclite-dev
            gcc-mingw-w64-x86-64)   # the Windows build of `make test` (cgo: Fyne, SQLite)
run_pkgs=(pcscd vsmartcard-vpcd pcsc-tools fonts-noto-cjk fonts-droid-fallback fonts-dejavu-core
          xvfb x11-apps imagemagick poppler-utils espeak-ng
          libgl1-mesa-dri
          swtpm swtpm-tools gnome-keyring dbus-daemon)  # key-store tests start their own swtpm, bus and keyring
dist_pkgs=(gcc-mingw-w64-x86-64 nsis wine64 gcc-aarch64-linux-gnu qemu-user dpkg-dev file curl
           desktop-file-utils python3
           libc6-dev:arm64 libgl1-mesa-dev:arm64 libx11-dev:arm64 libxcursor-dev:arm64
           libxrandr-dev:arm64 libxinerama-dev:arm64 libxi-dev:arm64 libxxf86vm-dev:arm64
           libwayland-dev:arm64 libxkbcommon-dev:arm64 libpcsclite-dev:arm64)

case "${1:-all}" in
  build) want=("${build_pkgs[@]}") ;;
  run)   want=("${run_pkgs[@]}") ;;
  all)   want=("${build_pkgs[@]}" "${run_pkgs[@]}") ;;
  dist)  want=("${dist_pkgs[@]}") ;;
  *) echo "usage: $0 [build|run|all|dist]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#want[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
# The arm64 libraries come from Debian's arm64 archive (multiarch): add the architecture once.
new_arch=0
if printf '%s\n' "${missing[@]}" | grep -q ':arm64$' && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  "${sudo[@]}" dpkg --add-architecture arm64
  new_arch=1
fi
# Refresh the index only if a package is unknown to it (fresh machines have an empty list).
if [ "$new_arch" = 1 ] || ! apt-cache show "${missing[@]}" >/dev/null 2>&1; then
  "${sudo[@]}" apt-get update -qq
fi
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# pcscd from Debian starts through systemd socket activation; in containers there is no systemd,
# and the test scripts start their own pcscd. Nothing else to do here.
echo "install-deps: done"
