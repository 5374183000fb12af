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
# when they are installed and working (bench/peers.sh installs and starts them unless
# BENCH_NO_INSTALL=1); a peer that cannot run is skipped with the reason.
# Timing by hyperfine (median of RUNS runs; cold builds RUNS_COLD, default 5).
set -euo pipefail

STACK=$(realpath "${1:-build/default/stack}")
RUNS=${RUNS:-20}
RUNS_COLD=${RUNS_COLD:-5}
NOOP_BUDGET_MS=100

[[ -x $STACK ]] || { echo "stack binary not found: $STACK" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "building needs root" >&2; exit 2; }
command -v busybox >/dev/null || { echo "busybox-static is not installed (scripts/install-deps.sh)" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (scripts/install-deps.sh)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stack-bench-build.XXXXXX")
export STACK_ROOT=$WORK/root STACK_RUN_ROOT=$WORK/run
cleanup() {
  "$STACK" container ls -aq 2>/dev/null | xargs -r "$STACK" container rm -f >/dev/null 2>&1 || true
  "$STACK" network ls -q 2>/dev/null | xargs -r "$STACK" network rm >/dev/null 2>&1 || true
  declare -F stop_dockerd >/dev/null && stop_dockerd
  rm -rf "$WORK"
}
trap cleanup EXIT

ROOTFS=$WORK/busybox
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../tests/e2e/lib.sh"  # make_busybox_rootfs
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

median_ms() {
  local json=$WORK/$1.json runs=$2
  shift 2
  hyperfine -N --style none --runs "$runs" --export-json "$json" "$@" >/dev/null 2>&1 || return 1
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print("%.1f" % (r[0]["median"] * 1000))' "$json"
}

rows=()
verdicts=0
row() { rows+=("$(printf '%-30s %10s %10s  %s' "$1" "$2" "$3" "$4")"); }

"$STACK" image build -t bench-built "$CTX" >"$WORK/first.log" 2>&1 || { cat "$WORK/first.log" >&2; exit 1; }
cold=$(median_ms stack-cold "$RUNS_COLD" "$STACK image build --no-cache -t bench-built $CTX") || { echo "stack cold build failed" >&2; exit 1; }
noop=$(median_ms stack-noop "$RUNS" -w 2 "$STACK image build -t bench-built $CTX") || { echo "stack rebuild failed" >&2; exit 1; }
row "stack build, cold" "$cold" "-" ""
if awk -v m="$noop" -v b="$NOOP_BUDGET_MS" 'BEGIN {exit !(m < b)}'; then v=ok; else v=OVER; verdicts=1; fi
row "stack build, no-op rebuild" "$noop" "$NOOP_BUDGET_MS" "$v"

# shellcheck source=bench/peers.sh
source "$(dirname "$0")/peers.sh"
prepare_peers
peer() {  # peer NAME ENVIRONMENT CLI...: the same build with a peer
  local name=$1 envs=$2 c n
  shift 2
  if ! "$@" info >/dev/null 2>&1; then row "$name build" "-" "-" "skipped: $1 is not installed or not working"; return; fi
  if ! tar -C "$ROOTFS" -c . | "$@" import - stack-bench/busybox:latest >/dev/null 2>"$WORK/$name.err" ||
     ! env $envs "$@" build -q -t bench-built "$CTX" >/dev/null 2>"$WORK/$name.err"; then
    row "$name build" "-" "-" "skipped: $(head -c 120 "$WORK/$name.err" | tr '\n' ' ')"
    return
  fi
  c=$(median_ms "$name-cold" "$RUNS_COLD" "env $envs $* build -q --no-cache -t bench-built $CTX") || c=failed
  n=$(median_ms "$name-noop" "$RUNS" -w 1 "env $envs $* build -q -t bench-built $CTX") || n=failed
  row "$name build, cold" "$c" "-" ""
  row "$name build, no-op rebuild" "$n" "-" ""
  "$@" rmi -f bench-built stack-bench/busybox:latest >/dev/null 2>&1 || true
}
if command -v docker >/dev/null; then peer docker DOCKER_BUILDKIT=0 docker; else row "docker build" "-" "-" "skipped: not installed"; fi
if command -v podman >/dev/null; then peer podman BUILDAH_ISOLATION=chroot podman --runtime runc; else row "podman build" "-" "-" "skipped: not installed"; fi

printf '%-30s %10s %10s  %s\n' "case" "median ms" "budget" "verdict"
printf '%s\n' "${rows[@]}"
echo "(10-step Dockerfile; $RUNS_COLD cold runs, $RUNS no-op runs; $(nproc) cores; kernel $(uname -r))"
exit $verdicts
