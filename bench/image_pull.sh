#!/usr/bin/env bash
# Benchmark: pulling an image from a registry on loopback into a cold store.
#
#   bench/image_pull.sh [STACK_BIN]   (default: build/default/stack)
#
# The image: 5 layers of 20 MB of random bytes, gzip-compressed (about 100 MB), made by
# make_pull_image.py, loaded with `stack image load` and pushed with `stack image push` to
# Debian's docker-registry started on a free loopback port. Timed (hyperfine, median of
# RUNS runs, default 5), each run from an empty store:
#   stack image pull    (budget: at least as fast as docker pull)
#   docker pull         (Debian's docker.io; dockerd started if needed, see peers.sh)
#   skopeo copy         to a directory (Debian's skopeo), which only downloads and verifies
# A peer that cannot run is skipped with the reason. Prints a table; exits 1 when stack
# is slower than docker or fails.
set -euo pipefail

STACK=$(realpath "${1:-build/default/stack}")
RUNS=${RUNS:-5}
HERE=$(dirname "$(realpath "$0")")

[[ -x $STACK ]] || { echo "stack binary not found: $STACK" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "the image store needs root" >&2; exit 2; }
for tool in hyperfine docker-registry python3 curl; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (scripts/install-deps.sh)" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stack-bench-pull.XXXXXX")
export STACK_ROOT=$WORK/root STACK_RUN_ROOT=$WORK/run
registry_pid=""
cleanup() {
  [[ -z $registry_pid ]] || { kill "$registry_pid"; wait "$registry_pid" 2>/dev/null; }
  docker rmi -f "$IMAGE" >/dev/null 2>&1 || true
  declare -F stop_dockerd >/dev/null && stop_dockerd
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
IMAGE=127.0.0.1:$PORT/bench/pull:1
mkdir -p "$WORK/registry"
cat >"$WORK/registry.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $WORK/registry}}
http: {addr: 127.0.0.1:$PORT}
YML
docker-registry serve "$WORK/registry.yml" >"$WORK/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$PORT/v2/" && break; sleep 0.05; done

python3 "$HERE/make_pull_image.py" "$WORK/image.tar" "$IMAGE"
"$STACK" image load -q -i "$WORK/image.tar"
"$STACK" image push -q "$IMAGE" >/dev/null
size_mb=$(du -sm "$WORK/registry" | cut -f1)

# median_ms NAME -- hyperfine arguments...: the median of hyperfine's runs, in ms.
median_ms() {
  local json=$WORK/$1.json
  shift
  hyperfine -r "$RUNS" --export-json "$json" "$@" >/dev/null 2>&1 || return 1
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print("%.0f" % (r[0]["median"] * 1000))' "$json"
}

rows=()
row() { rows+=("$(printf '%-24s %10s  %s' "$1" "$2" "$3")"); }

stack_ms=$(median_ms stack --prepare "rm -rf $WORK/cold" \
  "STACK_ROOT=$WORK/cold $STACK image pull -q $IMAGE") || { echo "stack image pull failed" >&2; exit 1; }
rm -rf "$WORK/cold"

# shellcheck source=bench/peers.sh
source "$HERE/peers.sh"
prepare_peers skopeo
docker_ms=""
if docker info >/dev/null 2>&1; then
  if docker_ms=$(median_ms docker --prepare "sh -c 'docker rmi -f $IMAGE >/dev/null 2>&1; true'" "docker pull -q $IMAGE"); then
    row "docker pull" "$docker_ms" ""
  else
    docker_ms=""
    row "docker pull" "-" "skipped: docker pull failed"
  fi
else
  row "docker pull" "-" "skipped: docker is not installed or dockerd does not start"
fi
if command -v skopeo >/dev/null; then
  if ms=$(median_ms skopeo --prepare "rm -rf $WORK/skopeo" \
    "skopeo copy -q --src-tls-verify=false docker://$IMAGE dir:$WORK/skopeo"); then
    row "skopeo copy (to a dir)" "$ms" "downloads and verifies only"
  else
    row "skopeo copy (to a dir)" "-" "skipped: skopeo copy failed"
  fi
else
  row "skopeo copy (to a dir)" "-" "skipped: not installed"
fi

verdict=0
if [[ -z $docker_ms ]]; then
  note="no docker to compare with"
elif ((stack_ms <= docker_ms)); then
  note="ok: at least as fast as docker"
else
  note="OVER: slower than docker"
  verdict=1
fi
rows=("$(printf '%-24s %10s  %s' "stack image pull" "$stack_ms" "$note")" "${rows[@]}")

echo "pull of a ${size_mb} MB image in 5 layers from a loopback registry into an empty store"
printf '%-24s %10s  %s\n' "case" "median ms" "verdict"
printf '%s\n' "${rows[@]}"
echo "($RUNS runs each; $(nproc) cores; kernel $(uname -r))"
exit $verdict
