#!/usr/bin/env bash
# Part of image_cli.sh, run by it in a network namespace of its own (unshare --net): a
# registry on a non-loopback address (198.18.0.1, added to this namespace's own lo, which
# only this test uses), spoken to over HTTPS unless the config lists it as insecure.
#
#   unshare --net tests/e2e/insecure_registry.sh STACK_BIN WORKDIR IMAGE
#
# IMAGE is in the store under $STACK_ROOT. Prints "ok - ..." / "not ok - ..." lines.
set -uo pipefail
STACK=$1
TMP=$2
IMAGE=$3
mkdir -p "$TMP/storage"
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

ip link set lo up
ip addr add 198.18.0.1/32 dev lo
REG=198.18.0.1:5000
cat >"$TMP/config.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $TMP/storage}}
http: {addr: $REG}
YML
docker-registry serve "$TMP/config.yml" >"$TMP/log" 2>&1 &
registry=$!
trap 'kill $registry; wait $registry 2>/dev/null; rm -f "$STACK_ROOT/config.json"' EXIT
eventually curl -s -o /dev/null "http://$REG/v2/"

"$STACK" image tag "$IMAGE" "$REG/e2e/insecure:1"
st image push "$REG/e2e/insecure:1"
check "a registry that is not listed as insecure is spoken to over HTTPS only, and the error says how to allow HTTP" \
  eval '[[ $rc != 0 ]] && err_has "https://198.18.0.1:5000/" && err_has "insecure-registries"'
echo "{\"insecure-registries\": [\"$REG\"]}" >"$STACK_ROOT/config.json"
st image push "$REG/e2e/insecure:1"
check "listed in insecure-registries, it is spoken to over HTTP" eval '[[ $rc == 0 ]] && out_has "digest: sha256:"'
"$STACK" image rm "$REG/e2e/insecure:1" >/dev/null
st image pull "$REG/e2e/insecure:1"
check "and pulled from" eval '[[ $rc == 0 ]]'
"$STACK" image rm "$REG/e2e/insecure:1" >/dev/null 2>&1
