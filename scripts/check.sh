#!/usr/bin/env bash
# The test gate of `make test`: formatting, vet, staticcheck, then every test with the race
# detector. Integration tests start the services they need (pcscd with vpcd) themselves.
set -euo pipefail
tags="${1:-ci,migrated_fynedo,sqlite_omit_load_extension}"
cd "$(dirname "$0")/.."
export LANG=en_US.UTF-8   # Fyne cannot parse C.UTF-8 and says so on every start
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/ykt-runtime-$(id -u)}"
mkdir -p -m 700 "$XDG_RUNTIME_DIR"

step() { printf '\n== %s\n' "$*"; }
start=$(date +%s)

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null; git ls-files --others --exclude-standard '*.go' 2>/dev/null) || true)
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

step "no GLFW outside main"
if go list -tags "${tags#ci,}" -deps ./cli/... ./app/... ./ui/... ./devices/... ./localdb/... ./platform/... ./hall/... ./assets/... | grep -E 'go-gl|glfw'; then
  echo "a library package links GLFW: only main may import fyne.io/fyne/v2/app"; exit 1
fi
if grep -rl --include='*.go' '"fyne.io/fyne/v2/app"' . | grep -v '^./main.go$'; then
  echo "fyne.io/fyne/v2/app is imported outside main.go"; exit 1
fi

step "tjfoc/gmsm is not allowed (security.md CR-4)"
if grep -q 'tjfoc/gmsm' go.sum; then echo "go.sum names tjfoc/gmsm"; exit 1; fi

step "devices build for Windows without cgo (ebfe/scard on winscard.dll, the vendor DLL adapter)"
win_pkgs=$(go list ./devices/... | grep -v /pcsctest)
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build $win_pkgs
GOOS=windows GOARCH=386 CGO_ENABLED=0 go build -o /dev/null ./devices/mohrss

step "the key store builds and vets for Windows without cgo (DPAPI)"
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go vet ./localdb/keystore/

step "the product builds for Windows: cgo through mingw-w64, Fyne, SQLite and all (vet, build, link)"
# vet with the test tags (the test files too, no GLFW); build and link ykt.exe with the product's
# tags, GLFW included. Both ride on the build cache: warm 8 s; cold, the cgo of go-gl and GLFW
# for Windows costs 8m42s of CPU (62 min wall with six builds sharing 2 cores, 2026-12-07).
win=(env GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc)
"${win[@]}" go vet -tags "$tags" ./...
"${win[@]}" go build -tags "${tags#ci,}" -o "$XDG_RUNTIME_DIR/ykt-check.exe" .
"${win[@]}" go build -tags "${tags#ci,}" ./...
rm -f "$XDG_RUNTIME_DIR/ykt-check.exe"

step "go vet"
go vet -tags "$tags" ./...

step "staticcheck"
go tool staticcheck -tags "$tags" ./...

step "go test -race"
# Keys made by tests go to a private key-file store, not the user's keyring or /var/lib/ykt-keys
# (the key-store tests start their own swtpm and gnome-keyring).
YKT_KEY_DIR=$(mktemp -d); export YKT_KEY_DIR YKT_KEYSTORE=keyfile
trap 'rm -rf "$YKT_KEY_DIR"' EXIT
go test -race -tags "$tags" -timeout 25m ./...

printf '\nmake test: all green in %ss\n' "$(( $(date +%s) - start ))"
