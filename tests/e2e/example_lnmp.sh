#!/usr/bin/env bash
# End to end, as root: the LNMP example (examples/lnmp) built and brought up by stack from
# Dockerfiles FROM debian:bookworm-slim (made by scripts/debian-base.sh with debootstrap,
# cached in /var/cache/stack), its images' packages installed from Debian's mirror through
# the build network's NAT. Own state roots and project name; port LNMP_PORT (default a
# free one). The rendered page is kept as $ARTIFACTS/lnmp.png (default: the build tree).
#
#   tests/e2e/example_lnmp.sh STACK_BIN SOURCE_DIR [ARTIFACTS_DIR]
set -uo pipefail

if (($# < 2)); then
  echo "usage: $0 STACK_BIN SOURCE_DIR [ARTIFACTS_DIR]" >&2
  exit 2
fi
STACK=$(realpath "$1")
SRC=$(realpath "$2")
ARTIFACTS=$(realpath "${3:-$(dirname "$STACK")}")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stack-e2e-lnmp.XXXXXX")
export STACK_ROOT=$TMP/root STACK_RUN_ROOT=$TMP/run
P=e2elnmp$$
export PARENT=stack-e2e-lnmp-$$  # no container of the test uses it; remove_test_containers reads it
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
LNMP_PORT=${LNMP_PORT:-$(free_port)}
export LNMP_PORT

# The project is a copy, so the test's own files (nothing here) never touch the source tree.
cp -r "$SRC/examples/lnmp" "$TMP/lnmp"
cd "$TMP/lnmp" || exit 1
cleanup() {
  cd "$TMP/lnmp" && "$STACK" -p "$P" down -v -t 1 >/dev/null 2>&1
  remove_test_containers
  rm -rf "$TMP"
}
trap cleanup EXIT
s() { st -p "$P" "$@"; }
page() { curl -fsS --max-time 10 "http://127.0.0.1:$LNMP_PORT/" >"$TMP/page" 2>/dev/null; }
page_has() { page && grep -qF -- "$1" "$TMP/page"; }
post() { curl -fsS --max-time 10 -o /dev/null -d "title=$1" "http://127.0.0.1:$LNMP_PORT/"; }

"$SRC/scripts/debian-base.sh" "$STACK" || { echo "not ok - debian:bookworm-slim could be made"; exit 1; }

s up -d --wait --wait-timeout 600
check "up -d --wait builds the three images and brings the blog up healthy" [ "$rc" = 0 ]
s ps --format json
check "db is healthy" grep -q '"Health":"healthy"' "$TMP/out"
check "the page lists the first post, read from MariaDB" eventually page_has "Hello from stack"
check "posting through the form adds a post" post "Written by the e2e test"
check "the new post is listed" page_has "Written by the e2e test"
s restart php
check "stack restart php" [ "$rc" = 0 ]
check "the site keeps working after php restarted" eventually page_has "Written by the e2e test"

if command -v chromium >/dev/null; then
  chromium --headless --no-sandbox --disable-gpu --screenshot="$ARTIFACTS/lnmp.png" --window-size=800,600 \
    "http://127.0.0.1:$LNMP_PORT/" >/dev/null 2>&1
  chromium --headless --no-sandbox --disable-gpu --dump-dom "http://127.0.0.1:$LNMP_PORT/" >"$TMP/dom" 2>/dev/null
  check "headless chromium renders the post titles" grep -q "Written by the e2e test" "$TMP/dom"
  check "the screenshot is kept ($ARTIFACTS/lnmp.png)" test -s "$ARTIFACTS/lnmp.png"
else
  not_ok "headless chromium renders the post titles" "chromium is not installed (scripts/install-deps.sh)"
fi

s down -t 1
s up -d --wait --wait-timeout 300
check "down, then up -d again (images from the cache)" [ "$rc" = 0 ]
check "the posts survive down and up (named volume)" eventually page_has "Written by the e2e test"
s down -v -t 1
s up -d --wait --wait-timeout 300
check "down -v, then up -d again" [ "$rc" = 0 ]
eventually page >/dev/null
check "down -v removed the posts: only the first post again" bash -c "curl -fsS http://127.0.0.1:$LNMP_PORT/ | grep -q 'Hello from stack' && ! curl -fsS http://127.0.0.1:$LNMP_PORT/ | grep -q 'Written by the e2e test'"
s down -v -t 1
check "down -v at the end" [ "$rc" = 0 ]
check "no network of the project is left" bash -c "! '$STACK' network ls | grep -q '$P'"

summary
