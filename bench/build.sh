#!/usr/bin/env bash
# Benchmark: building images.
#
#   bench/build.sh [STACK_BIN]   (default: build/default/stack; stack-shim next to it)
#
# A 10-step Dockerfile on a busybox image made from Debian's busybox-static (FROM, ENV,
# WORKDIR, COPY, five RUN, CMD), built in its context directory:
#   cold      `stack image build --no-cache`: every RUN in a container, every layer committed
#   no-op     the same build again, unchanged: every step from the cache (budget 100 ms)
# beside `docker build` with the classic builder (DOCKER_BUILDKIT=0) and `podman build`
# when they are installed and working (bench/lib.sh installs and starts them unless
# BENCH_NO_INSTALL=1); a peer that cannot run is skipped with the reason.
# Timing by hyperfine (median of RUNS runs; cold builds RUNS_COLD, default 5).
set -euo pipefail

STACK=$(realpath "${1:-build/default/stack}")
RUNS=${RUNS:-20}
RUNS_COLD=${RUNS_COLD:-5}

HERE=$(dirname "$(realpath "$0")")
# shellcheck source=bench/lib.sh
source "$HERE/lib.sh"
bench_containers build busybox hyperfine
bench_cleanup() {
  "$STACK" container ls -aq 2>/dev/null | xargs -r "$STACK" container rm -f >/dev/null 2>&1 || true
  "$STACK" network ls -q 2>/dev/null | xargs -r "$STACK" network rm >/dev/null 2>&1 || true
}

ROOTFS=$WORK/busybox
make_busybox_rootfs "$ROOTFS"
tar -C "$ROOTFS" -c . | "$STACK" image import -c 'CMD ["sh"]' - stack-bench/busybox:latest >/dev/null

CTX=$WORK/ctx
mkdir -p "$CTX/src"
for i in $(seq 20); do head -c 4096 /dev/urandom | base64 >"$CTX/src/file$i.txt"; done
cat >"$CTX/Dockerfile" <<'DOCKERFILE'
FROM stack-bench/busybox:latest
ENV APP=/app
WORKDIR /app
COPY src/ ./src/
RUN cat src/*.txt | wc -c >size
RUN mkdir -p /data && echo one >/data/one
RUN echo two >/data/two && rm /data/one
RUN ls -l /app/src >listing
RUN echo "app:x:1000:1000::/app:/bin/sh" >>/etc/passwd
CMD ["cat", "/app/size"]
DOCKERFILE

declare -A cold=([docker]=- [podman]=-) noop=([docker]=- [podman]=-)
"$STACK" image build -t bench-built "$CTX" >"$WORK/first.log" 2>&1 || { cat "$WORK/first.log" >&2; exit 1; }
cold[stack]=$(median_ms stack-cold "$RUNS_COLD" "$STACK image build --no-cache -t bench-built $CTX") || { echo "stack cold build failed" >&2; exit 1; }
noop[stack]=$(median_ms stack-noop "$RUNS" -w 2 "$STACK image build -t bench-built $CTX") || { echo "stack rebuild failed" >&2; exit 1; }

prepare_peers
peer() {  # peer NAME ENVIRONMENT CLI...: the same build with a peer
  local name=$1 envs=$2
  shift 2
  if ! peer_ok "$name"; then bench_note "$name: does not run here, skipped"; return; fi
  if ! peer_import "$name" "$ROOTFS" stack-bench/busybox:latest 2>"$WORK/$name.err" ||
     ! env $envs "$@" build -q -t bench-built "$CTX" >/dev/null 2>"$WORK/$name.err"; then
    bench_note "$name: skipped: $(head -c 160 "$WORK/$name.err" | tr '\n' ' ')"
    return
  fi
  cold[$name]=$(median_ms "$name-cold" "$RUNS_COLD" "env $envs $* build -q --no-cache -t bench-built $CTX") || cold[$name]=-
  noop[$name]=$(median_ms "$name-noop" "$RUNS" -w 1 "env $envs $* build -q -t bench-built $CTX") || noop[$name]=-
  "$@" rmi -f bench-built stack-bench/busybox:latest >/dev/null 2>&1 || true
}
peer docker DOCKER_BUILDKIT=0 docker
peer podman BUILDAH_ISOLATION=chroot podman --runtime runc

bench_row "build, cold (ms)" "${cold[stack]}" "${cold[docker]}" "${cold[podman]}"
bench_row "build, no-op rebuild (ms)" "${noop[stack]}" "${noop[docker]}" "${noop[podman]}" "< 100"
bench_note "a 10-step Dockerfile (FROM, ENV, WORKDIR, COPY, five RUN, CMD); median of $RUNS_COLD cold and $RUNS no-op runs"
bench_note "docker with the classic builder (DOCKER_BUILDKIT=0; Debian's docker.io has no buildx); podman with chroot isolation"
bench_print "image build (bench/build.sh)"
exit "$BENCH_STATUS"
