# YKT Counter — two commands: `make run` and `make test`. Both install missing system packages
# first (scripts/install-deps.sh, idempotent).

# Build tags: fyneDo migration declared at build time; no SQLite extension loading (security.md DB-6).
TAGS      := migrated_fynedo,sqlite_omit_load_extension
# Tests add `ci`: Fyne's headless test driver, so no test binary compiles GLFW.
TEST_TAGS := ci,$(TAGS)

export XDG_RUNTIME_DIR ?= /tmp/ykt-runtime-$(shell id -u)

.PHONY: run test build deps check screenshots bench clean dist dist-check

run: deps build
	./bin/ykt

test: deps
	scripts/check.sh "$(TEST_TAGS)"

build:
	@mkdir -p -m 700 "$(XDG_RUNTIME_DIR)"
	go build -tags "$(TAGS)" -o bin/ykt .

deps:
	@scripts/install-deps.sh

screenshots: deps build
	scripts/screenshots.sh

bench:
	go test -tags "$(TEST_TAGS)" -run '^$$' -bench . -benchtime 2s ./...

# The installable artifacts (Windows exe and NSIS installer, .deb for amd64 and arm64, the fyne
# tarball) into dist/, cross-built here; dist-check installs and runs what was built.
dist: deps
	@scripts/install-deps.sh dist
	scripts/dist.sh all

dist-check: dist
	scripts/smoke-dist.sh

clean:
	rm -rf bin dist
