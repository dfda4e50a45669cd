#!/usr/bin/env bash
# `make dist`: the installable artifacts, cross-built on this Debian amd64 machine, into dist/.
#   ykt.exe                     windows/amd64, cgo through mingw-w64, icon+version+manifest resources
#   ykt-setup-VERSION.exe       NSIS installer of ykt.exe (packaging/windows/ykt.nsi)
#   ykt_VERSION_amd64.deb       Debian/UOS/Kylin package (packaging/linux/)
#   ykt_VERSION_arm64.deb       the same for arm64, cgo through gcc-aarch64-linux-gnu
#   ykt_VERSION_linux_amd64.tar.xz  `fyne package -os linux` tarball of the amd64 binary
# FyneApp.toml is the one source of name, ID, version, publisher and icon.
# Usage: scripts/dist.sh [all|windows|installer|linux-amd64|linux-arm64|deb-amd64|deb-arm64|tarball]…
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=en_US.UTF-8
out="${DIST_DIR:-dist}"
mkdir -p "$out"
tags=migrated_fynedo,sqlite_omit_load_extension
# No -trimpath: it changes every package's cache key, and the cold cgo build of GLFW (≈ 10 min on
# 2 cores) would no longer be shared with `make test`'s Windows build and `make build`.
work=$(mktemp -d)
trap 'rm -rf "$work"; rm -f zz_ykt_windows_amd64.syso' EXIT

# toml KEY prints the value of the first `KEY = …` line of FyneApp.toml, without quotes.
toml() { sed -n "s/^$1 *= *\"\{0,1\}\([^\"]*\)\"\{0,1\} *\$/\1/p" FyneApp.toml | head -1; }
name=$(toml Name)
appid=$(toml ID)
version=$(toml Version)
build=$(toml Build)
publisher=$(toml Publisher)
website=$(toml Website)
generic=$(toml GenericName)
comment=$(toml Comment)
icon=$(toml Icon)
for v in name appid version build publisher icon; do
  [ -n "${!v}" ] || { echo "dist: FyneApp.toml has no value for $v" >&2; exit 1; }
done

say() { printf '== dist: %s\n' "$*"; }
need() { command -v "$1" >/dev/null || { echo "dist: $1 missing: run scripts/install-deps.sh dist" >&2; exit 1; }; }

# fill FILE: the @FIELD@ placeholders of a template, from FyneApp.toml.
fill() {
  sed -e "s|@NAME@|$name|g" -e "s|@ID@|$appid|g" -e "s|@VERSION@|$version|g" \
      -e "s|@VERSION4@|$version.$build|g" -e "s|@VERSIONC@|${version//./,},$build|g" \
      -e "s|@PUBLISHER@|$publisher|g" -e "s|@WEBSITE@|$website|g" -e "s|@GENERIC@|$generic|g" \
      -e "s|@COMMENT@|$comment|g" -e "s|@ICO@|$work/ykt.ico|g" -e "s|@MANIFEST@|$work/ykt.exe.manifest|g" "$1"
}

# The packages wrap binaries built by this run: one left in dist/ by an earlier run may be of
# older code (a .deb of a morning's binary once passed its smoke test in the afternoon). Go's
# build cache makes building again cheap. built lists what this run has built.
built=" "
fresh() { # fresh NAME BUILD…: BUILD unless NAME was built by this run
  case "$built" in *" $1 "*) ;; *) "${@:2}" ;; esac
}

# windows: ykt.exe, a GUI program (no console window; main_windows.go attaches to the parent
# console for the commands). The .syso with the resources exists only for the link.
windows() {
  need x86_64-w64-mingw32-gcc; need x86_64-w64-mingw32-windres; need convert
  say "ykt.exe (windows/amd64, mingw-w64)"
  convert "$icon" -define icon:auto-resize=256,64,48,32,16 "$work/ykt.ico"
  fill packaging/windows/ykt.exe.manifest >"$work/ykt.exe.manifest"
  fill packaging/windows/ykt.rc.in >"$work/ykt.rc"
  x86_64-w64-mingw32-windres -c 65001 -O coff -i "$work/ykt.rc" -o zz_ykt_windows_amd64.syso
  GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc \
    go build -tags "$tags" -ldflags "-s -w -H windowsgui" -o "$out/ykt.exe" .
  rm -f zz_ykt_windows_amd64.syso
  built+="windows "
}

# installer: the NSIS installer of dist/ykt.exe.
installer() {
  need makensis
  fresh windows windows
  say "ykt-setup-$version.exe (NSIS)"
  [ -f "$work/ykt.ico" ] || convert "$icon" -define icon:auto-resize=256,64,48,32,16 "$work/ykt.ico"
  # The values go in through an included file: makensis cannot convert non-ASCII arguments
  # unless the machine has the UTF-8 locale installed.
  {
    echo "!define NAME \"$name\""
    echo "!define VERSION \"$version\""
    echo "!define VERSION4 \"$version.$build\""
    echo "!define PUBLISHER \"$publisher\""
    echo "!define WEBSITE \"$website\""
    echo "!define APPID \"$appid\""
    echo "!define ICON \"$work/ykt.ico\""
    echo "!define EXE \"$(realpath "$out/ykt.exe")\""
    echo "!define OUTFILE \"$(realpath "$out")/ykt-setup-$version.exe\""
  } >"$work/defs.nsh"
  makensis -V2 -INPUTCHARSET UTF8 -DDEFS="$work/defs.nsh" packaging/windows/ykt.nsi
}

# linux ARCH: bin ykt for linux/ARCH into $out/linux-ARCH/ykt.
linux() {
  local arch=$1 cc=gcc pc=()
  if [ "$arch" = arm64 ]; then
    cc=aarch64-linux-gnu-gcc; need "$cc"
    pc=(PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
  fi
  say "ykt (linux/$arch)"
  mkdir -p "$out/linux-$arch"
  env "${pc[@]}" GOOS=linux GOARCH="$arch" CGO_ENABLED=1 CC="$cc" \
    go build -tags "$tags" -ldflags "-s -w" -o "$out/linux-$arch/ykt" .
  built+="linux-$arch "
}

# deb ARCH: ykt_VERSION_ARCH.deb from packaging/linux/ and the linux/ARCH binary.
deb() {
  local arch=$1 root="$work/deb-$1"
  need dpkg-deb
  fresh "linux-$arch" linux "$arch"
  say "ykt_${version}_$arch.deb"
  rm -rf "$root"
  install -D -m 755 "$out/linux-$arch/ykt" "$root/usr/bin/ykt"
  install -D -m 644 "$icon" "$root/usr/share/icons/hicolor/256x256/apps/$appid.png"
  for f in packaging/linux/*.desktop; do
    fill "$f" >"$work/$(basename "$f")"
    install -D -m 644 "$work/$(basename "$f")" "$root/usr/share/applications/$(basename "$f")"
  done
  install -D -m 644 packaging/linux/ykt-hall.service "$root/lib/systemd/system/ykt-hall.service"
  install -D -m 644 packaging/linux/ykt-hall.default "$root/etc/default/ykt-hall"
  install -D -m 644 packaging/linux/copyright "$root/usr/share/doc/ykt/copyright"
  mkdir -p "$root/DEBIAN"
  for f in postinst prerm postrm; do install -m 755 "packaging/linux/$f" "$root/DEBIAN/$f"; done
  echo /etc/default/ykt-hall >"$root/DEBIAN/conffiles"
  fill packaging/linux/control.in | sed -e "s|@ARCH@|$arch|g" \
    -e "s|@SIZE@|$(du -sk --exclude=DEBIAN "$root" | cut -f1)|g" \
    -e "s|@SHLIBS@|$(shlib_depends "$root/usr/bin/ykt" "$arch")|g" >"$root/DEBIAN/control"
  dpkg-deb --root-owner-group -Zxz -z3 --build "$root" "$out/ykt_${version}_$arch.deb" >/dev/null
}

# shlib_depends BINARY ARCH: the Debian packages of the shared libraries BINARY links, as a
# Depends list (the libraries of this machine's ARCH packages; dpkg -S finds their owners). GLFW
# loads the X11 and xkbcommon libraries with dlopen: control.in names those.
shlib_depends() {
  local triplet=x86_64-linux-gnu lib pkgs=()
  [ "$2" = arm64 ] && triplet=aarch64-linux-gnu
  for lib in $(objdump -p "$1" | awk '/NEEDED/ {print $2}'); do
    local path
    path=$(ls "/lib/$triplet/$lib" "/usr/lib/$triplet/$lib" 2>/dev/null | head -1)
    [ -n "$path" ] || { echo "dist: $lib (needed by $1) not found for $2" >&2; exit 1; }
    pkgs+=("$(dpkg -S "$(realpath "$path")" 2>/dev/null | head -1 | cut -d: -f1 || dpkg -S "$path" | head -1 | cut -d: -f1)")
  done
  printf '%s\n' "${pkgs[@]}" | sort -u | paste -sd, | sed 's/,/, /g'
}

# tarball: `fyne package -os linux` around the amd64 binary (fyne.io/tools v1.7.4, built once
# into the Go cache's neighbour).
tarball() {
  fresh linux-amd64 linux amd64
  local bin="${XDG_CACHE_HOME:-$HOME/.cache}/ykt-tools"
  if ! [ -x "$bin/fyne" ]; then
    say "fyne tool v1.7.4 (go install)"
    GOBIN="$bin" go install fyne.io/tools/cmd/fyne@v1.7.4
  fi
  say "tarball (fyne package -os linux, around dist/linux-amd64/ykt)"
  rm -f ./*.tar.xz
  # fyne package rewrites FyneApp.toml (Build + 1, comments dropped): the repository's stays as is.
  cp FyneApp.toml "$work/FyneApp.toml"
  "$bin/fyne" package -os linux --release --exe "$out/linux-amd64/ykt" >/dev/null || { cp "$work/FyneApp.toml" .; return 1; }
  cp "$work/FyneApp.toml" FyneApp.toml
  mv ./*.tar.xz "$out/ykt_${version}_linux_amd64.tar.xz"
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(all)
start=$(date +%s)
for t in "${targets[@]}"; do
  case "$t" in
    all) windows; installer; linux amd64; deb amd64; linux arm64; deb arm64; tarball ;;
    windows | installer | tarball) "$t" ;;
    linux-amd64 | linux-arm64) linux "${t#linux-}" ;;
    deb-amd64 | deb-arm64) deb "${t#deb-}" ;;
    *) echo "usage: $0 [all|windows|installer|linux-amd64|linux-arm64|deb-amd64|deb-arm64|tarball]…" >&2; exit 2 ;;
  esac
done
say "done in $(( $(date +%s) - start )) s"
ls -l "$out" | sed -n '2,$p'
