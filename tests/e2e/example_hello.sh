#!/usr/bin/env bash
# End-to-end: the README's main example, examples/hello, as root under temporary state
# roots: `up -d --wait`, the page through the published port counts visits kept by the
# counter service (reached by name through stack-dns), restart keeps the site working,
# down/up keeps the count (named volume), down -v removes it, and nothing is left.
#
#   tests/e2e/example_hello.sh STACK_BIN SOURCE_DIR
set -uo pipefail

if (($# != 2)); then
  echo "usage: $0 STACK_BIN SOURCE_DIR" >&2
  exit 2
fi
STACK=$(realpath "$1")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stack-e2e-hello.XXXXXX")
export STACK_ROOT=$TMP/root STACK_RUN_ROOT=$TMP/run
# A port of the test's own, free on this host (the example's default 8080 may be taken).
export HELLO_PORT
HELLO_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PROJECT=$TMP/hello
cp -r "$2/examples/hello" "$PROJECT"

cleanup() {
  (cd "$PROJECT" && "$STACK" down -v -t 1 >/dev/null 2>&1)
  rm -rf "$TMP"
}
trap cleanup EXIT

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

R=$TMP/busybox
make_busybox_rootfs "$R"
tar -C "$R" -c . | "$STACK" image import -c 'CMD ["sh"]' - busybox:stack >/dev/null || exit 1
cd "$PROJECT" || exit 1

page() { curl -fsS --max-time 5 "http://127.0.0.1:$HELLO_PORT/cgi-bin/index" >"$TMP/out" 2>"$TMP/err"; }
visit_is() { page && out_has "visit $1,"; }

st up -d --wait
check "up -d --wait brings the example up" test "$rc" = 0
check "the counter is healthy" eval '"$STACK" ps --format json | has "\"Health\":\"healthy\""'
check "the page counts its first visit through the counter service" visit_is 1
check "and the next one" visit_is 2
st ps
check "ps shows the published port" out_has "127.0.0.1:$HELLO_PORT->80/tcp"
check "ps shows the service's command, not the init that runs it" eval 'out_has "\"sh -c" && ! out_has docker-init'
st exec -T web nslookup counter
check "the web container resolves the counter by name" eval 'test $rc = 0 && grep -q "Address: 10\." "$TMP/out"'
st restart counter
check "restart counter succeeds" test "$rc" = 0
check "the site works after the restart, the count kept" eventually visit_is 3
st network inspect hello_default
bridge=$(python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Options"]["com.docker.network.bridge.name"])' <"$TMP/out")
check "the project network has its bridge" test -n "$bridge"
st down
check "down succeeds" test "$rc" = 0
st network ls -q
check "down removed the project network" out_is ""
check "and its bridge" eval '[[ -z $bridge ]] || ! ip link show "$bridge" >/dev/null 2>&1'
st up -d --wait
check "up again" test "$rc" = 0
check "the named volume kept the count across down and up" visit_is 4
st down -v
check "down -v succeeds" test "$rc" = 0
st volume ls -q
check "down -v removed the volume" out_is ""
check "no container process of the test is left" eval '! pgrep -f "$STACK_RUN_ROOT" >/dev/null'
summary
