#!/usr/bin/env bash
# End-to-end checks of `stack image ...`, `stack login|logout` and containers run from
# images, as root, under temporary state roots, against real registry servers (Debian's
# docker-registry) that this script starts on free loopback ports and stops.
#
#   tests/e2e/image_cli.sh STACK_BIN
#
# Images are made here: a busybox root filesystem imported, and a two-layer archive whose
# upper layer deletes a file and replaces a directory (make_layered_image.py), so the
# whiteouts are checked inside running containers after a push and a pull.
set -uo pipefail

if (($# != 1)); then
  echo "usage: $0 STACK_BIN" >&2
  exit 2
fi
STACK=$(realpath "$1")
HERE=$(dirname "$(realpath "$0")")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stack-e2e-image.XXXXXX")
export STACK_ROOT=$TMP/root STACK_RUN_ROOT=$TMP/run STACK_CONFIG_DIR=$TMP/config
export DOCKER_CONFIG=$TMP/docker-config  # never the machine's own credentials
PARENT=stack-e2e-img-$$
REGISTRY_PIDS=()

cleanup() {
  remove_test_containers
  for pid in "${REGISTRY_PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT

# shellcheck source=tests/e2e/lib.sh
source "$HERE/lib.sh"

# start_registry NAME [htpasswd-file]: a registry on a free loopback port; sets PORT.
start_registry() {
  local name=$1 auth=${2:-}
  PORT=$(free_port)
  mkdir -p "$TMP/$name/storage"
  {
    echo "version: 0.1"
    echo "log: {level: error, accesslog: {disabled: true}}"
    echo "storage: {filesystem: {rootdirectory: $TMP/$name/storage}, delete: {enabled: true}}"
    echo "http: {addr: 127.0.0.1:$PORT}"
    [[ -n $auth ]] && echo "auth: {htpasswd: {realm: e2e, path: $auth}}"
  } >"$TMP/$name/config.yml"
  docker-registry serve "$TMP/$name/config.yml" >"$TMP/$name/log" 2>&1 &
  REGISTRY_PIDS+=($!)
  eventually curl -s -o /dev/null "http://127.0.0.1:$PORT/v2/"
}

R=$TMP/busybox
make_busybox_rootfs "$R"
RUN=(container run --rm --cgroup-parent "$PARENT")

# --- import, ls, inspect, history, run -----------------------------------------------
tar -C "$R" -czf "$TMP/rootfs.tgz" .
st image import -c 'CMD ["sh", "-c", "echo from-image"]' -c 'ENV GREETING=hi' -c 'WORKDIR /tmp' \
  -m "e2e rootfs" "$TMP/rootfs.tgz" busybox:e2e
check "import prints the new image's id" eval '[[ $rc == 0 && $(cat "$TMP/out") =~ ^sha256:[0-9a-f]{64}$ ]]'
image_id=$(cat "$TMP/out")
st image ls
check "image ls shows the image with docker's columns" \
  eval 'out_has "REPOSITORY" && grep -q "^busybox  *e2e  *${image_id:7:12} .*MB$" "$TMP/out"'
st image inspect -f '{{.Config.WorkingDir}} {{.Id}}' busybox:e2e
check "image inspect shows the config --change set" out_is "/tmp $image_id"
st image history busybox:e2e
check "image history shows the import" out_has "e2e rootfs"
st "${RUN[@]}" busybox:e2e
check "a container runs the image's CMD" out_is from-image
st "${RUN[@]}" busybox:e2e sh -c 'echo $GREETING $(pwd)'
check "a container gets the image's ENV and WORKDIR; the command given replaces CMD" out_is "hi /tmp"
st "${RUN[@]}" --pull never nosuchimage true
check "run --pull never of an image not in the store fails with exit 125" \
  eval '[[ $rc == 125 ]] && err_has "No such image: nosuchimage"'
st "${RUN[@]}" "127.0.0.1:$(free_port)/nosuch:1" true
check "run of a missing image tries to pull it and reports why it could not" \
  eval '[[ $rc == 125 ]] && err_has "Unable to find image" && err_has "127.0.0.1"'
st image import "$TMP/nope.tgz"
tar -C "$R" -c . | "$STACK" image import -c 'CMD ["sh"]' -c 'ENV A=1' - busybox:stdin >"$TMP/out" 2>"$TMP/err"
check "import - reads the tarball from stdin, after repeated --change flags" \
  eval '"$STACK" image inspect -f "{{json .Config.Env}}" busybox:stdin | has "A=1"'
st image import "$TMP/nope.tgz"
check "importing a missing file names it" eval '[[ $rc != 0 ]] && err_has "nope.tgz"'
echo "not a tarball" >"$TMP/bad.tgz"
st image import "$TMP/bad.tgz" bad:1
check "importing something that is not a tarball fails and adds nothing" \
  eval '[[ $rc != 0 ]] && err_has "not a tar archive" && ! "$STACK" image inspect bad:1 >/dev/null 2>&1'

# --- tag, rm, prune --------------------------------------------------------------------
st image tag busybox:e2e other/name:2
st image inspect -f '{{.Id}}' other/name:2
check "tag names the same image" out_is "$image_id"
st image rm other/name:2
check "rm of one of two tags untags only" eval 'out_is "Untagged: other/name:2" && "$STACK" image inspect busybox:e2e >/dev/null'
"$STACK" container run --cgroup-parent "$PARENT" --name keeper busybox:e2e true >/dev/null 2>&1
st image rm busybox:e2e
check "rm of an image a container uses is refused and changes nothing" \
  eval '[[ $rc == 1 ]] && err_has "container keeper is using its referenced image" && "$STACK" image inspect busybox:e2e >/dev/null'
st container rm keeper

# --- save and load ---------------------------------------------------------------------
st image save -o "$TMP/saved.tar" busybox:e2e
check "save writes an archive" eval '[[ $rc == 0 && -s $TMP/saved.tar ]]'
st image save nosuch:1
check "save of an unknown image fails before writing" eval '[[ $rc != 0 ]] && err_has "No such image: nosuch:1"'
STACK_ROOT=$TMP/root2 "$STACK" image load -i "$TMP/saved.tar" >"$TMP/out" 2>"$TMP/err"
check "load reads it back into another store" out_is "Loaded image: busybox:e2e"
check "save then load keeps the image id" \
  test "$(STACK_ROOT=$TMP/root2 "$STACK" image inspect -f '{{.Id}}' busybox:e2e)" = "$image_id"
check "a loaded image has the size of its content (busybox: about 2 MB)" \
  eval '[[ $(STACK_ROOT=$TMP/root2 "$STACK" image ls --format "{{.Size}}") == *MB ]]'
python3 "$HERE/make_layered_image.py" "$R" "$TMP/layered.tar" layered:1
st image load -i "$TMP/layered.tar"
check "load reads docker's old format" out_is "Loaded image: layered:1"
st "${RUN[@]}" layered:1
check "a container sees the upper layer's whiteout and opaque directory" out_is "$(printf 'new\nno-group')"

# --- push and pull through a registry ----------------------------------------------------
start_registry plain
check "a registry answers on loopback" test -n "$PORT"
REG=127.0.0.1:$PORT
st image tag layered:1 "$REG/e2e/layered:1"
st image push "$REG/e2e/layered:1"
check "push sends the layers and the manifest" eval '[[ $rc == 0 ]] && out_has "1: digest: sha256:"'
pushed_digest=$(sed -n 's/^1: digest: \(sha256:[0-9a-f]*\) .*/\1/p' "$TMP/out")
st image inspect -f '{{json .RepoDigests}}' "$REG/e2e/layered:1"
check "a pushed image lists where it now is among its repo digests" out_is "[\"$REG/e2e/layered@$pushed_digest\"]"
st image push "$REG/e2e/layered:1"
check "a second push finds the layers there" out_has "Layer already exists"
st image rm layered:1 "$REG/e2e/layered:1"
st image pull "$REG/e2e/layered:1"
check "pull downloads the image" eval '[[ $rc == 0 ]] && out_has "Pull complete" && out_has "Status: Downloaded newer image for $REG/e2e/layered:1"'
st image pull "$REG/e2e/layered:1"
check "a second pull downloads nothing" eval 'out_has "Already exists" && out_has "Image is up to date"'
"$STACK" image rm "$REG/e2e/layered:1" >/dev/null
"$STACK" image pull -q "$REG/e2e/layered:1" >"$TMP/pull1" 2>&1 &
pull1=$!
"$STACK" image pull -q "$REG/e2e/layered:1" >"$TMP/pull2" 2>&1 &
pull2=$!
wait "$pull1"
rc1=$?
wait "$pull2"
rc2=$?
check "two pulls of one image at once both succeed" test "$rc1:$rc2" = "0:0"
check "and the store holds each layer once (1 of the import, 2 of this image)" \
  test "$(find "$STACK_ROOT/image/layers" -mindepth 1 -maxdepth 1 | wc -l)" = 3
st "${RUN[@]}" "$REG/e2e/layered:1"
check "the pulled image runs with its whiteouts" out_is "$(printf 'new\nno-group')"
"$STACK" image rm "$REG/e2e/layered:1" >/dev/null
st "${RUN[@]}" "$REG/e2e/layered:1"
check "run pulls a missing image first (progress on stderr, the output alone on stdout)" \
  eval 'out_is "$(printf "new\nno-group")" && err_has "Unable to find image" && err_has "Pull complete"'
st image pull "$REG/e2e/layered:nope"
check "pulling an unknown tag is a clear error" eval '[[ $rc != 0 ]] && err_has "manifest unknown"'

# A corrupted layer in the registry is refused and leaves no image behind.
"$STACK" image rm "$REG/e2e/layered:1" >/dev/null 2>&1
blob=$(find "$TMP/plain/storage" -path '*/blobs/*/data' -size +100k | head -n 1)
python3 -c 'import sys; f=open(sys.argv[1], "r+b"); f.seek(1000); f.write(b"corrupted"); f.close()' "$blob"
st image pull "$REG/e2e/layered:1"
check "a corrupted blob is refused by digest" eval '[[ $rc != 0 ]] && err_has "digest mismatch"'
check "the failed pull recorded no image" eval '! "$STACK" image inspect "$REG/e2e/layered:1" >/dev/null 2>&1'

# A pull killed mid-download leaves no image and no half layer; the next pull completes it.
python3 "$HERE/../../bench/make_pull_image.py" "$TMP/big.tar" "$REG/e2e/big:1" 3 25
"$STACK" image load -q -i "$TMP/big.tar" && "$STACK" image push -q "$REG/e2e/big:1" >/dev/null
"$STACK" image rm "$REG/e2e/big:1" >/dev/null
"$STACK" image prune -f >/dev/null
layers_before=$(find "$STACK_ROOT/image/layers" -mindepth 1 -maxdepth 1 | sort)
"$STACK" image pull "$REG/e2e/big:1" >"$TMP/killed" 2>&1 &
puller=$!
eventually grep -q "Downloading\|Extracting" "$TMP/killed"
kill -9 "$puller"
wait "$puller" 2>/dev/null
check "a killed pull recorded no image" eval '! "$STACK" image inspect "$REG/e2e/big:1" >/dev/null 2>&1'
layers_after=$(find "$STACK_ROOT/image/layers" -mindepth 1 -maxdepth 1 | sort)
new_layers=$(comm -13 <(echo "$layers_before") <(echo "$layers_after"))
layers_whole() {
  local d
  for d in $new_layers; do [[ $(stat -c %s "$d"/data/*.bin) == 25000000 ]] || return 1; done
}
check "every layer directory it left is complete (its 25 MB file whole)" layers_whole
st image pull "$REG/e2e/big:1"
check "the next pull completes the image" eval '[[ $rc == 0 ]] && "$STACK" image inspect "$REG/e2e/big:1" >/dev/null'
"$STACK" image rm "$REG/e2e/big:1" >/dev/null
script -qec "$STACK image pull $REG/e2e/big:1" /dev/null >"$TMP/out" 2>"$TMP/err" </dev/null
check "on a terminal, pull draws progress bars redrawn in place" \
  eval 'out_has "Downloading [" && out_has "=>" && grep -q $'"'"'\x1b\['"'"' "$TMP/out" && out_has "Pull complete"'
"$STACK" image rm "$REG/e2e/big:1" >/dev/null

# --- registry auth ---------------------------------------------------------------------
htpasswd -Bbc "$TMP/htpasswd" e2euser e2epass >/dev/null 2>&1
start_registry auth "$TMP/htpasswd"
AREG=127.0.0.1:$PORT
"$STACK" image tag busybox:e2e "$AREG/e2e/busybox:1"
st image push "$AREG/e2e/busybox:1"
check "an unauthenticated push is refused" eval '[[ $rc != 0 ]] && err_has "unauthorized"'
st login -u e2euser -p wrong "$AREG"
check "login with a wrong password fails" eval '[[ $rc != 0 ]] && ! test -e "$STACK_CONFIG_DIR/config.json"'
echo e2epass | "$STACK" login -u e2euser --password-stdin "$AREG" >"$TMP/out" 2>"$TMP/err"
check "login with the right password succeeds" out_is "Login Succeeded"
check "the credentials file is private" test "$(stat -c %a "$STACK_CONFIG_DIR/config.json")" = 600
st image push "$AREG/e2e/busybox:1"
check "a logged-in push succeeds" eval '[[ $rc == 0 ]] && out_has "digest: sha256:"'
"$STACK" image rm "$AREG/e2e/busybox:1" >/dev/null
st image pull "$AREG/e2e/busybox:1"
check "a logged-in pull succeeds" eval '[[ $rc == 0 ]]'
st logout "$AREG"
check "logout removes the credentials" out_is "Removing login credentials for $AREG"
st image pull "$AREG/e2e/busybox:1"
check "after logout the registry refuses again" eval '[[ $rc != 0 ]] && err_has "unauthorized"'

# --- compose push and pull, through a registry of their own ---------------------------------
# `stack push`: the images of services with both build: and image:, the others skipped.
start_registry compose
REG=127.0.0.1:$PORT
mkdir -p "$TMP/proj"
echo "FROM busybox:e2e" >"$TMP/proj/Dockerfile"
cat >"$TMP/proj/compose.yaml" <<YAML
services:
  app: {image: $REG/e2e/app:1, build: {context: ., tags: ["$REG/e2e/app:extra"]}}
  other: {image: busybox:e2e}
YAML
PUSH=(--project-directory "$TMP/proj" -p e2epush)
st "${PUSH[@]}" push
check "compose push fails naming the service when its image was never built" \
  eval '[[ $rc == 1 ]] && err_has "service \"app\": push image \"$REG/e2e/app:1\""'
st "${PUSH[@]}" push --ignore-push-failures
check "compose push --ignore-push-failures warns of each reference that failed and succeeds" \
  eval '[[ $rc == 0 ]] && err_has "push image \"$REG/e2e/app:1\"" && err_has "push image \"$REG/e2e/app:extra\""'
"$STACK" image tag busybox:e2e "$REG/e2e/app:1" && "$STACK" image tag busybox:e2e "$REG/e2e/app:extra"
st "${PUSH[@]}" --progress plain push
check "compose push sends the built service's image and its build tags, skips the pulled one" \
  eval '[[ $rc == 0 ]] && err_has "Image $REG/e2e/app:1  Pushed" && err_has "Image $REG/e2e/app:extra  Pushed" && err_has "Service other  Skipped"'
check "the registry lists both tags" \
  eval '[[ $(curl -s "http://$REG/v2/e2e/app/tags/list") == *\"1\"* && $(curl -s "http://$REG/v2/e2e/app/tags/list") == *extra* ]]'
st "${PUSH[@]}" push -q app
check "compose push -q prints nothing" eval '[[ $rc == 0 && ! -s $TMP/out && ! -s $TMP/err ]]'
st "${PUSH[@]}" pull -q app
check "compose pull -q prints nothing either" eval '[[ $rc == 0 && ! -s $TMP/out && ! -s $TMP/err ]]'
"$STACK" image rm "$REG/e2e/app:1" "$REG/e2e/app:extra" >/dev/null

# --- insecure registries, in a network namespace of the test's own -----------------------
mkdir -p "$TMP/insecure"
unshare --net "$HERE/insecure_registry.sh" "$STACK" "$TMP/insecure" busybox:e2e >"$TMP/insecure.out" 2>&1
while IFS= read -r line; do
  case $line in
    "ok - "*) ok "${line#ok - }" ;;
    "not ok - "*) echo "$line"; failed=$((failed + 1)) ;;
    "#"*) echo "$line" ;;
  esac
done <"$TMP/insecure.out"
check "the insecure-registry checks ran" grep -q "^ok - and pulled from" "$TMP/insecure.out"

# --- nothing left ----------------------------------------------------------------------
"$STACK" container ls -aq | xargs -r "$STACK" container rm -f >/dev/null 2>&1
"$STACK" image ls -q | sort -u | xargs -r "$STACK" image rm -f >/dev/null 2>&1
st image prune -af
st image ls -q
check "every image is gone" out_is ""
find "$STACK_ROOT/image/layers" "$STACK_ROOT/image/blobs/sha256" -mindepth 1 -maxdepth 1 >"$TMP/out" 2>/dev/null
check "no layer or blob is left in the store" out_is ""
check "no mount of the test's files is left" eval '! grep -qF "$TMP" /proc/self/mountinfo'

summary
