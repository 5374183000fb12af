#!/usr/bin/env bash
# Benchmark: starting containers, beside docker and podman.
#
#   bench/container_start.sh [STACK_BIN]   (default: build/default/stack; stack-shim next to it)
#
# Cases, on a busybox root filesystem made from Debian's busybox-static, no network:
#   run --rm      the whole life of a one-off container (create, start, attach, wait,
#                 remove): `stack container run --rm --network none IMAGE true`, and the
#                 same with docker and podman (the root filesystem imported as an image in
#                 each)                                                    (budget 20 ms)
#   create, start `stack container create`, `stack container start` (detached), each
#   supervisor    the RSS of what supervises one idle container: stack-shim, docker's
#                 containerd-shim-runc-v2, podman's conmon              (budget 1.5 MiB)
# Timing by hyperfine (median of RUNS runs, default 30; PEER_RUNS for the peers, default
# 10). Peers as bench/lib.sh prepares them; one that cannot run is skipped with the reason.
# Exits 1 when stack misses a budget or fails.
set -euo pipefail

STACK=$(realpath "${1:-build/default/stack}")
RUNS=${RUNS:-30}
PEER_RUNS=${PEER_RUNS:-10}
HERE=$(dirname "$(realpath "$0")")
IMAGE=stk-bench-busybox:1

# shellcheck source=bench/lib.sh
source "$HERE/lib.sh"
bench_containers start busybox hyperfine python3

bench_cleanup() {
  "$STACK" container ls -aq 2>/dev/null | xargs -r "$STACK" container rm -f >/dev/null 2>&1 || true
  local p
  for p in docker podman; do
    command -v "$p" >/dev/null || continue
    "$p" rm -f stkbench-idle >/dev/null 2>&1 || true
    "$p" rmi "$IMAGE" >/dev/null 2>&1 || true
  done
  return 0
}

make_busybox_rootfs "$WORK/busybox"
tar -C "$WORK/busybox" -c . | "$STACK" image import -c 'CMD ["sh"]' - "$IMAGE" >/dev/null

declare -A run_ms=([docker]=- [podman]=-) idle_kb=([docker]=- [podman]=-)
run_ms[stack]=$(median_ms stack-run "$RUNS" -w 3 "$STACK container run --rm --network none $IMAGE true") ||
  { echo "stack container run failed" >&2; exit 1; }
# Each timed run gets a fresh container from an untimed --prepare step.
create_ms=$(median_ms create "$RUNS" -w 1 --prepare "sh -c '$STACK container rm -f bench-c >/dev/null 2>&1; true'" \
  "$STACK container create --name bench-c --network none $IMAGE true")
start_ms=$(median_ms start "$RUNS" -w 1 \
  --prepare "sh -c '$STACK container rm -f bench-s >/dev/null 2>&1; $STACK container create --name bench-s --network none $IMAGE sleep 1 >/dev/null'" \
  "$STACK container start bench-s")
"$STACK" container rm -f bench-c bench-s >/dev/null 2>&1 || true
"$STACK" container run -d --name stkbench-idle --network none "$IMAGE" sleep 600 >/dev/null
sleep 1
idle_kb[stack]=$(rss_kb "$("$STACK" container inspect -f '{{.State.ShimPid}}' stkbench-idle)")
"$STACK" container rm -f stkbench-idle >/dev/null

prepare_peers
for p in docker podman; do
  cli=("$p")
  [[ $p == podman ]] && cli=(podman --runtime runc)
  if ! peer_ok "$p"; then bench_note "$p: does not run here, skipped"; continue; fi
  if ! peer_import "$p" "$WORK/busybox" "$IMAGE" 2>"$WORK/$p.err" ||
     ! "${cli[@]}" run --rm --network none "$IMAGE" true >/dev/null 2>"$WORK/$p.err"; then
    bench_note "$p: skipped: $(head -c 160 "$WORK/$p.err" | tr '\n' ' ')"
    continue
  fi
  run_ms[$p]=$(median_ms "$p-run" "$PEER_RUNS" -w 1 "${cli[*]} run --rm --network none $IMAGE true") || run_ms[$p]=-
  "${cli[@]}" run -d --name stkbench-idle --stop-signal SIGKILL --network none "$IMAGE" sleep 600 >/dev/null
  sleep 1
  # The supervisor is the container's parent: containerd-shim-runc-v2 or conmon.
  idle_kb[$p]=$(rss_kb "$(ps -o ppid= -p "$("${cli[@]}" inspect -f '{{.State.Pid}}' stkbench-idle)" | tr -d ' ')")
  "${cli[@]}" rm -f stkbench-idle >/dev/null
done

bench_row "run --rm, whole life (ms)" "${run_ms[stack]}" "${run_ms[docker]}" "${run_ms[podman]}" "< 20"
bench_row "create (ms)" "$create_ms" - -
bench_row "start, detached (ms)" "$start_ms" - -
bench_row "supervisor RSS, idle container (KiB)" "${idle_kb[stack]}" "${idle_kb[docker]}" "${idle_kb[podman]}" "< 1536"
bench_note "median of $RUNS runs for stack, $PEER_RUNS for the peers (hyperfine); no network"
bench_note "supervisor: stack-shim; docker: containerd-shim-runc-v2 (dockerd and containerd besides); podman: conmon"
bench_print "container start (bench/container_start.sh)"
exit "$BENCH_STATUS"
