#!/usr/bin/env bash
# `make dist-check`: smoke tests of what `make dist` built (dist/), not of the source.
#   deb      install dist/ykt_VERSION_amd64.deb (apt, so its Depends resolve), run the installed
#            /usr/bin/ykt: --help, bench sync, hall-server as the ykt-hall user answering on
#            loopback, a workbench screenshot under Xvfb and its start-up time; then remove
#            (data kept) and purge (data and user gone). A package that was installed before is
#            left as it was found: the test refuses to run over it.
#   wine     dist/ykt.exe under wine64 in a private prefix: --help, bench sync, hall-server
#            answering curl and the Linux ykt; a workbench screenshot if Wine's OpenGL allows.
#   setup    the NSIS installer under Wine: silent install with the service, the service
#            answering, Start menu entries, silent uninstall keeping the data, /PURGE.
#   arm64    dist/linux-arm64/ykt and the arm64 .deb's contents under qemu-user.
# Usage: scripts/smoke-dist.sh [deb|wine|setup|arm64]…   (default: all four)
# Prints one line per check, "N passed, N failed" at the end; exit 1 if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export LANG=en_US.UTF-8
out="${DIST_DIR:-dist}"
version=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml | head -1)
tmp=$(mktemp -d /tmp/ykt-smoke.XXXXXX)
chmod 755 "$tmp"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/ykt-runtime-$(id -u)}"
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
pass=0 fail=0 notes=0
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  [ -n "${WINEPREFIX:-}" ] && [ -x "$wineserver" ] && WINEPREFIX="$WINEPREFIX" "$wineserver" -k 2>/dev/null
  [ "${deb_installed:-0}" = 1 ] && dpkg --purge ykt >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

ok() { pass=$((pass + 1)); printf 'ok    %s\n' "$*"; }
bad() { fail=$((fail + 1)); printf 'FAIL  %s\n' "$*"; }
# check NAME COMMAND…: runs COMMAND, output to $tmp/last.log; ok when it exits 0.
check() {
  local name=$1; shift
  if "$@" >"$tmp/last.log" 2>&1; then ok "$name"; else bad "$name (exit $?):"; tail -5 "$tmp/last.log" | sed 's/^/      /'; fi
}
has() { grep -q -- "$1" "$tmp/last.log"; }
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# wait_https URL CA SECONDS: until the hall server's health answers over HTTPS, its certificate
# checked against the hall's own authority (CA, written by the server at its first start).
wait_https() {
  local i
  for i in $(seq $(($3 * 10))); do
    [ -f "$2" ] && curl -fsS --cacert "$2" -o /dev/null "$1/healthz" 2>/dev/null && return 0; sleep 0.1
  done
  return 1
}
# hall_client URL CA PAIR-COMMAND…: a Linux client of the hall API as a paired kiosk (issue 11:
# HTTPS only, every device paired): a one-time code from PAIR-COMMAND (`ykt hall-server pair
# --role kiosk` on the server's data), redeemed at POST /pair for a token, then the
# configuration and a ticket with that token, all checked against the hall's authority.
hall_client() {
  local url=$1 ca=$2 code secret token; shift 2
  code=$("$@" 2>/dev/null | sed -n 's/^pairing code for [a-z]* [^:]*: //p' | tr -d '\r')
  secret=$(printf %s "$code" | tr -d '-' | cut -c1-10)
  [ ${#secret} = 10 ] || { echo "no pairing code" >&2; return 1; }
  token=$(curl -fsS --cacert "$ca" -H 'Content-Type: application/json' -d "{\"code\":\"$secret\",\"name\":\"smoke\"}" "$url/api/v1/pair" |
    sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
  [ -n "$token" ] || { echo "pairing refused" >&2; return 1; }
  curl -fsS --cacert "$ca" "$url/healthz" | grep -q ok &&
    curl -fsS --cacert "$ca" -H "Authorization: Bearer $token" "$url/api/v1/config" | grep -q CARD_APPLICATION &&
    curl -fsS --cacert "$ca" -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
      -d '{"requestId":"smoke-1","business":"CARD_APPLICATION","channel":"KIOSK"}' "$url/api/v1/tickets" | grep -q '"A'
}
# shot_ms PNG COMMAND…: runs a --screenshot command, checks the PNG, prints the wall time and the
# start-up to the first window.
shot_ms() {
  local png=$1 t0 t1; shift
  t0=$(date +%s%N)
  "$@" >"$tmp/shot.log" 2>&1 || { cat "$tmp/shot.log" >&2; return 1; }
  t1=$(date +%s%N)
  file "$png" | grep -q 'PNG image data' || return 1
  # A rendered workbench has hundreds of colours; a blank GL surface has one.
  local colours; colours=$(identify -format '%k' "$png")
  [ "$colours" -ge 16 ] || { echo "the PNG is blank ($colours colour)" >&2; return 1; }
  # The first window's time the program reports (the rest is the scene's fixed wait for paint).
  local first; first=$(sed -n 's/^ykt: first window \([0-9]*\) ms after start.*/\1/p' "$tmp/shot.log")
  echo "$(((t1 - t0) / 1000000)) ms to the PNG, first window ${first:-?} ms after start"
}

smoke_deb() {
  local deb="$out/ykt_${version}_amd64.deb"
  echo "== .deb (amd64): $deb"
  [ -f "$deb" ] || { bad "$deb missing: run make dist"; return; }
  if dpkg-query -W -f='${Status}' ykt 2>/dev/null | grep -q 'ok installed'; then
    bad "package ykt is already installed on this machine: not touching it"; return
  fi
  deb_installed=1
  check "apt-get install ./$(basename "$deb")" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$(realpath "$deb")"
  check "installed files: binary, four desktop entries, icon, unit, defaults" \
    test -x /usr/bin/ykt -a -f /usr/share/applications/cn.gov.cq.spb.ykt.desktop \
      -a -f /usr/share/applications/cn.gov.cq.spb.ykt.kiosk.desktop -a -f /usr/share/applications/cn.gov.cq.spb.ykt.display.desktop \
      -a -f /usr/share/applications/cn.gov.cq.spb.ykt.stats.desktop \
      -a -f /usr/share/icons/hicolor/256x256/apps/cn.gov.cq.spb.ykt.png -a -f /lib/systemd/system/ykt-hall.service -a -f /etc/default/ykt-hall
  if command -v desktop-file-validate >/dev/null; then
    check "desktop-file-validate" desktop-file-validate /usr/share/applications/cn.gov.cq.spb.ykt*.desktop
  fi
  if command -v systemd-analyze >/dev/null; then
    check "systemd-analyze verify ykt-hall.service" systemd-analyze verify /lib/systemd/system/ykt-hall.service
  fi
  check "system user ykt-hall, /var/lib/ykt-hall 0700 owned by it" \
    sh -c 'getent passwd ykt-hall >/dev/null && [ "$(stat -c %U:%a /var/lib/ykt-hall)" = ykt-hall:700 ]'
  check "ykt --help" /usr/bin/ykt --help && has hall-server || bad "ykt --help lists no hall-server"
  check "ykt bench sync --ops 200" /usr/bin/ykt bench sync --ops 200 --data-dir "$tmp/bench-deb"
  grep -m1 'ops/s' "$tmp/last.log" | sed 's/^/      /'

  # The unit's command line, as the unit's user (no systemd in a container).
  local port; port=$(freeport)
  # The environment systemd gives the unit: the user's home, the unit's key directory.
  env -i PATH=/usr/bin:/bin HOME=/var/lib/ykt-hall YKT_KEY_DIR=/var/lib/ykt-hall-keys \
    setpriv --reuid ykt-hall --regid ykt-hall --init-groups /usr/bin/ykt hall-server --listen "127.0.0.1:$port" --data-dir /var/lib/ykt-hall >"$tmp/hall.log" 2>&1 &
  local hall=$!; pids+=("$hall")
  local url="https://127.0.0.1:$port" ca=/var/lib/ykt-hall/hall-ca.pem
  if wait_https "$url" "$ca" 20 && hall_client "$url" "$ca" setpriv --reuid ykt-hall --regid ykt-hall --init-groups \
    /usr/bin/ykt hall-server pair --data-dir /var/lib/ykt-hall --role kiosk; then
    ok "installed hall-server as ykt-hall answers a paired kiosk over HTTPS (health, pairing, config, ticket)"
  else bad "installed hall-server did not answer: $(cat "$tmp/hall.log")"; fi
  kill -TERM "$hall"; wait "$hall" && ok "hall-server stops cleanly on SIGTERM" || bad "hall-server exit on SIGTERM"
  check "hall data written by the service user" test -s /var/lib/ykt-hall/hall.db
  check "its key file outside the data directory, the service user's alone" \
    sh -c '[ "$(stat -c %U:%a /var/lib/ykt-hall-keys/*.key)" = ykt-hall:600 ] && ! ls /var/lib/ykt-hall/keys/*.key 2>/dev/null'

  local ms
  if ms=$(shot_ms "$tmp/workbench-deb.png" scripts/xvfb.sh /usr/bin/ykt --data-dir "$tmp/wb-deb" --screenshot "$tmp/workbench-deb.png"); then
    ok "installed workbench screenshot under Xvfb (fresh data directory, demo mode): ${ms}"
    mkdir -p "$out/smoke" && cp "$tmp/workbench-deb.png" "$out/smoke/"
  else bad "installed workbench screenshot under Xvfb"; fi

  check "dpkg -r ykt" dpkg -r ykt
  check "remove keeps the hall's data and user" sh -c 'test -s /var/lib/ykt-hall/hall.db && getent passwd ykt-hall >/dev/null && ! test -e /usr/bin/ykt'
  check "dpkg --purge ykt" dpkg --purge ykt
  check "purge deletes the hall's data, key and user" sh -c '! test -e /var/lib/ykt-hall && ! test -e /var/lib/ykt-hall-keys && ! getent passwd ykt-hall >/dev/null'
  deb_installed=0
}

wine64=/usr/lib/wine/wine64
wineserver=/usr/lib/wine/wineserver
wine_prefix() {
  # C.UTF-8: with a locale that is not installed (en_US.UTF-8 here) Wine cannot write the
  # Chinese names of the Start menu entries.
  export WINEPREFIX="$tmp/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" LANG=C.UTF-8
  [ -d "$WINEPREFIX" ] && return
  "$wine64" wineboot -i >/dev/null 2>&1
  # Wine 8 has no bcryptprimitives.dll (ProcessPrng), which Go's runtime needs as on every
  # Windows 10/11: a shim from packaging/windows/wine, in this throw-away prefix only.
  x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
    packaging/windows/wine/bcryptprimitives.c packaging/windows/wine/bcryptprimitives.def -ladvapi32
  # The Wine that booted the prefix stays up a while: a service started in it stalled before its
  # first line until another process came along (setup alone failed; after the wine part, which
  # ends with wineserver -k, it answered at once). Start the tests on a Wine of their own.
  "$wineserver" -k 2>/dev/null; sleep 1
}

smoke_wine() {
  local exe="$out/ykt.exe"
  echo "== ykt.exe under Wine ($("$wine64" --version 2>/dev/null))"
  [ -f "$exe" ] || { bad "$exe missing: run make dist"; return; }
  check "resources: version and publisher in ykt.exe" sh -c "strings -el '$exe' | grep -q '$version' && strings -el '$exe' | grep -q ProductName"
  check "no DLL beyond Windows' own (mingw runtime linked in)" sh -c \
    "! x86_64-w64-mingw32-objdump -p '$exe' | awk '/DLL Name/ {print tolower(\$3)}' | grep -v -E '^(kernel32|user32|gdi32|advapi32|shell32|ole32|opengl32|winmm|ws2_32|msvcrt|ntdll|imm32|winscard|dwmapi|setupapi|bcrypt|crypt32|version|api-ms-win-.*|powrprof|userenv|iphlpapi|secur32|shcore|uxtheme|oleaut32|comdlg32|dbghelp|mswsock)\.dll$'"
  wine_prefix
  # The key store's Windows half (DPAPI) is only compiled by make test; here it runs.
  check "keystore tests under Wine: DPAPI round trip, tampered or moved blob refused, slots" sh -c \
    "GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o '$tmp/keystore.test.exe' ./localdb/keystore && cd '$tmp' && '$wine64' '$tmp/keystore.test.exe' -test.run 'DPAPI|Slot' -test.v | grep -q -- '--- PASS: TestDPAPIStore'"
  check "wine ykt.exe --help" "$wine64" "$exe" --help && has hall-server || bad "ykt.exe --help lists no hall-server"
  check "wine ykt.exe bench sync --ops 200" "$wine64" "$exe" bench sync --ops 200 --data-dir 'C:\ykt-bench'
  grep -m1 'ops/s' "$tmp/last.log" | sed 's/^/      /'
  local port; port=$(freeport)
  "$wine64" "$exe" hall-server --listen "127.0.0.1:$port" --data-dir 'C:\ykt-hall' >"$tmp/winehall.log" 2>&1 &
  pids+=("$!")
  local url="https://127.0.0.1:$port" ca="$WINEPREFIX/drive_c/ykt-hall/hall-ca.pem"
  if wait_https "$url" "$ca" 60 && hall_client "$url" "$ca" "$wine64" "$exe" hall-server pair --data-dir 'C:\ykt-hall' --role kiosk; then
    ok "ykt.exe hall-server under Wine answers a paired Linux client over HTTPS (curl: health, pairing, config, ticket)"
  else bad "ykt.exe hall-server under Wine did not answer: $(cat "$tmp/winehall.log")"; fi
  check "an unpaired client is refused (401)" sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' --cacert '$ca' '$url/api/v1/board')\" = 401 ]"
  # Windows shares files unlike Linux: the WAL written ahead while SQLite holds it (reserveWAL).
  check "the hall's WAL written ahead on Windows (32 MiB)" sh -c "[ \"\$(stat -c %s '$WINEPREFIX/drive_c/ykt-hall/hall.db-wal')\" -ge 33554432 ]"
  local ms
  if ms=$(shot_ms "$tmp/workbench-wine.png" scripts/xvfb.sh "$wine64" "$exe" --data-dir 'C:\ykt-wb' --screenshot "$(winepath_w "$tmp/workbench-wine.png")"); then
    ok "ykt.exe workbench screenshot under Wine + Xvfb: ${ms}"
    mkdir -p "$out/smoke" && cp "$tmp/workbench-wine.png" "$out/smoke/"
  else
    # Not counted: the brief asks for it "if Wine's OpenGL allows"; Wine 8 with Mesa under Xvfb
    # gives a black surface. The Linux screenshot above is the real check of the GUI.
    notes=$((notes + 1)); printf 'note  ykt.exe workbench screenshot under Wine + Xvfb: not possible here (%s)\n' "$(tail -1 "$tmp/shot.log")"
  fi
  "$wineserver" -k 2>/dev/null; sleep 1
}
winepath_w() { echo "Z:${1//\//\\}"; }

smoke_setup() {
  local setup="$out/ykt-setup-$version.exe"
  echo "== installer under Wine: $setup"
  [ -f "$setup" ] || { bad "$setup missing: run make dist"; return; }
  wine_prefix
  local c="$WINEPREFIX/drive_c" port; port=$(freeport)
  local menu="$c/ProgramData/Microsoft/Windows/Start Menu/Programs/YKT Counter"
  check "silent install /S /SERVICE /LISTEN=127.0.0.1:$port" "$wine64" "$setup" /S /SERVICE "/LISTEN=127.0.0.1:$port" /HALL=http://127.0.0.1:$port
  check "ykt.exe and uninstall.exe in Program Files" test -f "$c/Program Files/YKT Counter/ykt.exe" -a -f "$c/Program Files/YKT Counter/uninstall.exe"
  check "Start menu: workbench, kiosk, display, statistics, uninstall" \
    sh -c "ls \"\$1\"/*.lnk && [ \$(ls \"\$1\"/*.lnk | wc -l) = 5 ]" sh "$menu"
  check "Add/Remove Programs entry" "$wine64" reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\cn.gov.cq.spb.ykt' /v DisplayVersion
  has "$version" || bad "uninstall entry has no version $version"
  check "service ykt-hall registered" "$wine64" sc query ykt-hall
  local t0=$SECONDS url="https://127.0.0.1:$port" ca="$c/ProgramData/YKT Counter/hall/hall-ca.pem"
  if wait_https "$url" "$ca" 60 && hall_client "$url" "$ca" "$wine64" "$c/Program Files/YKT Counter/ykt.exe" hall-server pair \
    --data-dir 'C:\ProgramData\YKT Counter\hall' --role kiosk; then
    ok "the installed ykt-hall service answers a paired client over HTTPS ($((SECONDS - t0)) s after the install)"
  else
    bad "the installed ykt-hall service did not answer on 127.0.0.1:$port:"
    "$wine64" sc query ykt-hall 2>&1 | grep -E 'STATE|EXIT' | sed 's/^/      /'
    tail -3 "$c/ProgramData/YKT Counter/hall/logs/hall.log" 2>&1 | sed 's/^/      /'
  fi
  check "service data under ProgramData" test -s "$c/ProgramData/YKT Counter/hall/hall.db"
  "$wine64" "$c/Program Files/YKT Counter/ykt.exe" --data-dir 'C:\users\Public\ykt-data' bench sync --ops 10 >/dev/null 2>&1
  check "silent uninstall /S" "$wine64" "$c/Program Files/YKT Counter/uninstall.exe" /S
  WINEPREFIX="$WINEPREFIX" "$wineserver" -w 2>/dev/null &
  local w=$!; sleep 15; kill $w 2>/dev/null
  check "uninstall removed program, Start menu, entry, service" sh -c "! test -e \"$c/Program Files/YKT Counter/ykt.exe\" && ! test -e \"$menu\" && ! '$wine64' reg query 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\cn.gov.cq.spb.ykt' >/dev/null 2>&1 && ! '$wine64' sc query ykt-hall >/dev/null 2>&1"
  check "uninstall kept the data" test -s "$c/ProgramData/YKT Counter/hall/hall.db"
  check "silent install again (no service)" "$wine64" "$setup" /S
  check "silent uninstall /S /PURGE" "$wine64" "$c/Program Files/YKT Counter/uninstall.exe" /S /PURGE
  WINEPREFIX="$WINEPREFIX" "$wineserver" -w 2>/dev/null &
  w=$!; sleep 15; kill $w 2>/dev/null
  check "/PURGE deleted the data" sh -c "! test -e \"$c/ProgramData/YKT Counter\""
  "$wineserver" -k 2>/dev/null
}

smoke_arm64() {
  local bin="$out/linux-arm64/ykt" deb="$out/ykt_${version}_arm64.deb"
  echo "== arm64 under $(qemu-aarch64 --version | head -1)"
  [ -f "$deb" ] || { bad "$deb missing: run make dist"; return; }
  check "arm64 .deb: aarch64 binary, same layout as amd64" sh -c "dpkg-deb -I '$deb' | grep -q 'Architecture: arm64' && dpkg-deb -x '$deb' '$tmp/arm64' && file '$tmp/arm64/usr/bin/ykt' | grep -q 'ARM aarch64' && test -f '$tmp/arm64/lib/systemd/system/ykt-hall.service'"
  check "qemu-aarch64 ykt --help" qemu-aarch64 "$tmp/arm64/usr/bin/ykt" --help && has hall-server || bad "arm64 --help lists no hall-server"
  check "qemu-aarch64 ykt bench sync --ops 200" qemu-aarch64 "$tmp/arm64/usr/bin/ykt" bench sync --ops 200 --data-dir "$tmp/bench-arm64"
  grep -m1 'ops/s' "$tmp/last.log" | sed 's/^/      /'
  local port; port=$(freeport)
  qemu-aarch64 "$tmp/arm64/usr/bin/ykt" hall-server --listen "127.0.0.1:$port" --data-dir "$tmp/hall-arm64" >"$tmp/armhall.log" 2>&1 &
  local hall=$!; pids+=("$hall")
  local url="https://127.0.0.1:$port" ca="$tmp/hall-arm64/hall-ca.pem"
  if wait_https "$url" "$ca" 60 && hall_client "$url" "$ca" qemu-aarch64 "$tmp/arm64/usr/bin/ykt" hall-server pair --data-dir "$tmp/hall-arm64" --role kiosk; then
    ok "arm64 hall-server under qemu answers a paired client over HTTPS"
  else bad "arm64 hall-server under qemu: $(cat "$tmp/armhall.log")"; fi
  kill -TERM "$hall"; wait "$hall" 2>/dev/null
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(deb wine setup arm64)
start=$(date +%s)
for t in "${targets[@]}"; do
  case "$t" in
    deb | wine | setup | arm64) "smoke_$t" ;;
    *) echo "usage: $0 [deb|wine|setup|arm64]…" >&2; exit 2 ;;
  esac
done
echo "smoke-dist: $(( $(date +%s) - start )) s"
[ "$notes" -eq 0 ] || echo "smoke-dist: $notes note(s): what Wine cannot do, not counted"
echo "smoke-dist: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
