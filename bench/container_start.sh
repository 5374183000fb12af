#!/usr/bin/env bash
# Benchmark: starting containers.
#
#   bench/container_start.sh [STACK_BIN]   (default: build/default/stack; stack-shim next to it)
#
# Cases, on a busybox root filesystem made from Debian's busybox-static, no network:
#   run --rm      `stack container run --rm --network none --rootfs R true`: create, start, attach,
#                 wait, remove; the whole life of a one-off container (budget 20 ms)
#   create, start `stack container create`, `stack container start` (detached), each
#   docker / podman `run --rm --network none` of the same root filesystem imported as an
#                 image. Debian's docker.io and podman are installed unless
#                 BENCH_NO_INSTALL=1; dockerd is started when not running (and stopped
#                 after); podman gets runtime runc and no default ulimits in
#                 /etc/containers/containers.conf (crun refuses these hybrid cgroups).
#                 A peer that cannot run is skipped with the reason.
# Then the RSS of a shim supervising an idle container (budget 1.5 MiB), read from
# /proc/PID/status. Prints a table; exits 1 when stack misses a budget or fails.
# Timing by hyperfine (median of RUNS runs, default 30).
set -euo pipefail

STACK=$(realpath "${1:-build/default/stack}")
RUNS=${RUNS:-30}
RUN_BUDGET_MS=20
RSS_BUDGET_KB=1536

[[ -x $STACK ]] || { echo "stack binary not found: $STACK" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "containers need root" >&2; exit 2; }
command -v busybox >/dev/null || { echo "busybox-static is not installed (scripts/install-deps.sh)" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (scripts/install-deps.sh)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stack-bench-start.XXXXXX")
export STACK_ROOT=$WORK/root STACK_RUN_ROOT=$WORK/run
cleanup() {
  "$STACK" container ls -aq 2>/dev/null | xargs -r "$STACK" container rm -f >/dev/null 2>&1 || true
  # and any network a run made (bridge, firewall table), before its records go with $WORK
  "$STACK" network ls -q 2>/dev/null | xargs -r "$STACK" network rm >/dev/null 2>&1 || true
  declare -F stop_dockerd >/dev/null && stop_dockerd
  rm -rf "$WORK"
}
trap cleanup EXIT

ROOTFS=$WORK/busybox
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../tests/e2e/lib.sh"  # make_busybox_rootfs
make_busybox_rootfs "$ROOTFS"

# median_ms NAME -- hyperfine arguments...: the median of hyperfine's runs, in ms.
median_ms() {
  local json=$WORK/$1.json
  shift
  hyperfine -N --style none --runs "$RUNS" --export-json "$json" "$@" >/dev/null 2>&1 || return 1
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print("%.2f" % (r[0]["median"] * 1000))' "$json"
}

rows=()
verdicts=0
row() { rows+=("$(printf '%-34s %10s %10s  %s' "$1" "$2" "$3" "$4")"); }

# --- stack run --rm --------------------------------------------------------------------
run_ms=$(median_ms run -w 3 "$STACK container run --rm --network none --rootfs $ROOTFS true") || { echo "stack container run failed" >&2; exit 1; }
if awk -v m="$run_ms" -v b="$RUN_BUDGET_MS" 'BEGIN {exit !(m < b)}'; then v=ok; else v=OVER; verdicts=1; fi
row "stack run --rm" "$run_ms" "$RUN_BUDGET_MS" "$v"

# --- stack create, start ------------------------------------------------------------------
# Each timed run gets a fresh container from an untimed --prepare step.
create_ms=$(median_ms create -w 1 --prepare "sh -c '$STACK container rm -f bench-c >/dev/null 2>&1; true'" \
  "$STACK container create --name bench-c --network none --rootfs $ROOTFS true")
start_ms=$(median_ms start -w 1 \
  --prepare "sh -c '$STACK container rm -f bench-s >/dev/null 2>&1; $STACK container create --name bench-s --network none --rootfs $ROOTFS sleep 1 >/dev/null'" \
  "$STACK container start bench-s")
"$STACK" container rm -f bench-c bench-s >/dev/null 2>&1 || true
row "stack create" "$create_ms" "-" ""
row "stack start (detached)" "$start_ms" "-" ""
row "stack create + start" "$(awk -v a="$create_ms" -v b="$start_ms" 'BEGIN {printf "%.2f", a + b}')" "-" "sum of the two medians"

# --- peers ----------------------------------------------------------------------------
# docker and podman from Debian, installed unless BENCH_NO_INSTALL=1; dockerd is started
# if it is not running (and stopped again at the end); podman needs runc and no default
# ulimits on these hybrid-cgroup hosts (crun refuses them).
# shellcheck source=bench/peers.sh
source "$(dirname "$0")/peers.sh"
prepare_peers
peer() {  # peer NAME CLI ARGS...: `run --rm` of the busybox root filesystem imported as an image
  local name=$1 ms
  shift
  if ! "$@" info >/dev/null 2>&1; then
    row "$name run --rm" "-" "-" "skipped: $1 is not installed or not working"
    return
  fi
  if ! tar -C "$ROOTFS" -c . | "$@" import - stack-bench/busybox:latest >/dev/null 2>"$WORK/$name.err"; then
    row "$name run --rm" "-" "-" "skipped: import failed: $(head -c 120 "$WORK/$name.err")"
    return
  fi
  if ! "$@" run --rm --network none stack-bench/busybox true >/dev/null 2>"$WORK/$name.err"; then
    row "$name run --rm" "-" "-" "skipped: run failed: $(head -c 120 "$WORK/$name.err" | tr '\n' ' ')"
  else
    ms=$(median_ms "$name" -w 1 "$* run --rm --network none stack-bench/busybox true") || ms="failed"
    row "$name run --rm" "$ms" "-" ""
  fi
  "$@" rmi stack-bench/busybox:latest >/dev/null 2>&1 || true
}
if command -v docker >/dev/null; then peer docker docker; else row "docker run --rm" "-" "-" "skipped: not installed"; fi
if command -v podman >/dev/null; then peer podman podman --runtime runc; else row "podman run --rm" "-" "-" "skipped: not installed"; fi

# --- shim RSS -------------------------------------------------------------------------
"$STACK" container run -d --name bench-idle --network none --rootfs "$ROOTFS" sleep 600 >/dev/null
shim=$("$STACK" container inspect -f '{{.State.ShimPid}}' bench-idle)
sleep 1
rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$shim/status")
anon=$(awk '/^RssAnon:/ {print $2}' "/proc/$shim/status")
if ((rss < RSS_BUDGET_KB)); then v=ok; else v=OVER; verdicts=1; fi
row "shim RSS, idle container (KiB)" "$rss" "$RSS_BUDGET_KB" "$v (anonymous $anon KiB)"
"$STACK" container rm -f bench-idle >/dev/null

printf '%-34s %10s %10s  %s\n' "case" "median ms" "budget" "verdict"
printf '%s\n' "${rows[@]}"
echo "($RUNS runs each; $(nproc) cores; kernel $(uname -r))"
exit $verdicts
