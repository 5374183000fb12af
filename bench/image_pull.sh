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
#   docker pull, podman pull   (Debian's, as bench/lib.sh prepares them)
#   skopeo copy         to a directory (Debian's skopeo), which only downloads and verifies (a note)
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

# shellcheck source=bench/lib.sh
source "$HERE/lib.sh"
bench_init pull
registry_pid=""
bench_cleanup() {
  [[ -z $registry_pid ]] || { kill "$registry_pid"; wait "$registry_pid" 2>/dev/null || true; }
  docker rmi -f "$IMAGE" >/dev/null 2>&1 || true
  podman rmi -f "$IMAGE" >/dev/null 2>&1 || true
  return 0
}

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

declare -A pull=([docker]=- [podman]=-)
pull[stack]=$(median_ms stack "$RUNS" --prepare "rm -rf $WORK/cold" \
  "env STACK_ROOT=$WORK/cold $STACK image pull -q $IMAGE") || { echo "stack image pull failed" >&2; exit 1; }
rm -rf "$WORK/cold"

prepare_peers skopeo
if peer_ok docker; then
  pull[docker]=$(median_ms docker "$RUNS" --prepare "sh -c 'docker rmi -f $IMAGE >/dev/null 2>&1; true'" \
    "docker pull -q $IMAGE") || { pull[docker]=-; bench_note "docker pull failed: $(tail -c 160 "$WORK/docker.hf.err")"; }
else
  bench_note "docker: does not run here, skipped"
fi
if peer_ok podman; then
  pull[podman]=$(median_ms podman "$RUNS" --prepare "sh -c 'podman rmi -f $IMAGE >/dev/null 2>&1; true'" \
    "podman --runtime runc pull -q --tls-verify=false $IMAGE") || { pull[podman]=-; bench_note "podman pull failed"; }
else
  bench_note "podman: does not run here, skipped"
fi
if command -v skopeo >/dev/null &&
   ms=$(median_ms skopeo "$RUNS" --prepare "rm -rf $WORK/skopeo" "skopeo copy -q --src-tls-verify=false docker://$IMAGE dir:$WORK/skopeo"); then
  bench_note "skopeo copy to a directory (downloads and verifies only, unpacks nothing): $ms ms"
fi

budget=-
[[ ${pull[docker]} != - ]] && budget="<= ${pull[docker]}"
bench_row "pull, ${size_mb} MB in 5 layers, empty store (ms)" "${pull[stack]}" "${pull[docker]}" "${pull[podman]}" "$budget"
bench_note "from Debian's docker-registry on loopback; median of $RUNS runs; budget: at least as fast as docker"
bench_print "image pull (bench/image_pull.sh)"
exit "$BENCH_STATUS"
