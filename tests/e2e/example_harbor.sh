#!/usr/bin/env bash
# End to end, as root: the registry example (examples/harbor) built and brought up by
# stack from Dockerfiles FROM debian:bookworm-slim (scripts/debian-base.sh), then used
# through its auth proxy: an unauthenticated push is refused, `stack login` + push, the
# image removed locally, pulled back and run, the web page (headless chromium) lists it.
# Own state roots, credentials file, project name and port; the screenshot is kept as
# $ARTIFACTS/harbor.png (default: the build tree).
#
#   tests/e2e/example_harbor.sh STACK_BIN SOURCE_DIR [ARTIFACTS_DIR]
set -uo pipefail

if (($# < 2)); then
  echo "usage: $0 STACK_BIN SOURCE_DIR [ARTIFACTS_DIR]" >&2
  exit 2
fi
STACK=$(realpath "$1")
SRC=$(realpath "$2")
ARTIFACTS=$(realpath "${3:-$(dirname "$STACK")}")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stack-e2e-harbor.XXXXXX")
export STACK_ROOT=$TMP/root STACK_RUN_ROOT=$TMP/run STACK_CONFIG_DIR=$TMP/config
export PARENT=stack-e2e-harbor-$$  # no container of the test uses it; remove_test_containers reads it
P=e2eharbor$$
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
HARBOR_PORT=$(free_port)
export HARBOR_PORT
REG=127.0.0.1:$HARBOR_PORT

cp -r "$SRC/examples/harbor" "$TMP/harbor"
cd "$TMP/harbor" || exit 1
cleanup() {
  cd "$TMP/harbor" && "$STACK" -p "$P" down -v -t 1 >/dev/null 2>&1
  remove_test_containers
  rm -rf "$TMP"
}
trap cleanup EXIT
s() { st -p "$P" "$@"; }
api_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$REG/v2/"; }

"$SRC/scripts/debian-base.sh" "$STACK" || { echo "not ok - debian:bookworm-slim could be made"; exit 1; }

s up -d --wait --wait-timeout 600
check "up -d --wait builds the registry, redis and proxy images and brings them up" [ "$rc" = 0 ]
check "the API answers 401 without credentials" eventually bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://$REG/v2/)\" = 401 ]"

make_busybox_rootfs "$TMP/busybox"
tar -C "$TMP/busybox" -c . | "$STACK" image import -c 'CMD ["sh"]' - "$REG/tools/busybox:1" >/dev/null
st image push "$REG/tools/busybox:1"
check "an unauthenticated push is refused" bash -c "[ $rc != 0 ] && grep -q 'authentication required' $TMP/err"
echo harbor12345 | "$STACK" login -u admin --password-stdin "$REG" >"$TMP/out" 2>"$TMP/err"
check "stack login through the proxy" out_has "Login Succeeded"
st image push "$REG/tools/busybox:1"
check "stack image push through the proxy" [ "$rc" = 0 ]
st image rm "$REG/tools/busybox:1"
check "the image is removed locally" [ "$rc" = 0 ]
st image pull "$REG/tools/busybox:1"
check "stack image pull brings it back" [ "$rc" = 0 ]
st container run --rm --network none "$REG/tools/busybox:1" echo ran-from-the-registry
check "the pulled image runs" out_is "ran-from-the-registry"
s exec -T redis redis-cli dbsize
check "the registry keeps its blob descriptors in redis" bash -c "[ \"\$(cat $TMP/out)\" -gt 0 ]"

if command -v chromium >/dev/null; then
  url="http://admin:harbor12345@$REG/"
  chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=5000 --dump-dom "$url" >"$TMP/dom" 2>/dev/null
  check "the web page (headless chromium) lists the pushed repository and tag" grep -q "tools/busybox: 1" "$TMP/dom"
  chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=5000 --window-size=800,600 \
    --screenshot="$ARTIFACTS/harbor.png" "$url" >/dev/null 2>&1
  check "the screenshot is kept ($ARTIFACTS/harbor.png)" test -s "$ARTIFACTS/harbor.png"
else
  not_ok "the web page (headless chromium) lists the pushed repository and tag" "chromium is not installed (scripts/install-deps.sh)"
fi

s down -v -t 1
check "down -v" [ "$rc" = 0 ]
check "no network of the project is left" bash -c "! '$STACK' network ls | grep -q '$P'"

summary
