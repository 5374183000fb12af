#!/usr/bin/env bash
# Benchmark: `up -d` and `down` of generated projects of 1, 10 and 50 busybox services on
# one network (each `sleep 600` with stop_signal SIGKILL, so grace periods do not count),
# beside docker-compose and podman-compose (Debian's, installed by bench/lib.sh unless
# BENCH_NO_INSTALL=1; skipped with the reason when they cannot run); then the supervision
# memory of 10 running services: stack's shims and stack-dns, docker's containerd shims
# (and, in a note, its two daemons), podman's conmons and aardvark-dns.
#
#   bench/updown.sh [STACK_BIN]   (default: build/default/stack; stack-shim next to it)
#
# Each round is one `up -d` of the whole project from nothing, then one `down`; medians of
# RUNS rounds for stack (default 5) and PEER_RUNS for the peers (default 3; one round at
# 50 services, where a round of podman-compose alone takes minutes). SIZES picks
# the project sizes (default "1 10 50"). Budgets (issue 7): 10 services up and down under
# 150 ms each, 50 services up under 1 s. Exits 1 when stack misses one or fails.
set -euo pipefail

STACK=$(realpath "${1:-build/default/stack}")
RUNS=${RUNS:-5}
PEER_RUNS=${PEER_RUNS:-3}
SIZES=${SIZES:-1 10 50}
HERE=$(dirname "$(realpath "$0")")
IMAGE=stk-bench-busybox:1

# shellcheck source=bench/lib.sh
source "$HERE/lib.sh"
bench_containers updown busybox python3

PARENT=stack-bench-updown-$$
bench_cleanup() {
  local d
  for d in "$WORK"/stkbench*; do (cd "$d" 2>/dev/null && "$STACK" down -v -t 0 >/dev/null 2>&1) || true; done
  for d in "$WORK"/dkbench*; do (cd "$d" 2>/dev/null && docker-compose down -t 0 >/dev/null 2>&1) || true; done
  for d in "$WORK"/pdbench*; do
    (cd "$d" 2>/dev/null && podman-compose down -t 0 >/dev/null 2>&1) || true
    podman network rm -f "$(basename "$d")_default" >/dev/null 2>&1 || true  # podman-compose down leaves it
  done
  "$STACK" container ls -aq 2>/dev/null | xargs -r "$STACK" container rm -f >/dev/null 2>&1 || true
  docker rmi "$IMAGE" >/dev/null 2>&1 || true
  podman rmi "$IMAGE" >/dev/null 2>&1 || true
  for d in /sys/fs/cgroup/*/"$PARENT"; do [[ -d $d ]] && rmdir "$d" 2>/dev/null; done
  return 0
}

# project TOOL N: a directory with a compose.yaml of N services (stack's containers under a
# cgroup parent of this run, so that cleanup can find them). Its name, the project's name,
# is a prefix of the tool's and N: stkbench10, dkbench10, pdbench10.
declare -A prefix=([stack]=stkbench [docker]=dkbench [podman]=pdbench)
project() {
  local dir=$WORK/${prefix[$1]}$2 i
  mkdir -p "$dir"
  {
    echo "services:"
    for i in $(seq "$2"); do
      printf '  s%d:\n    image: %s\n    command: ["sleep", "600"]\n    stop_signal: SIGKILL\n' "$i" "$IMAGE"
      [[ $1 == stack ]] && printf '    cgroup_parent: %s\n' "$PARENT"
    done
  } >"$dir/compose.yaml"
  echo "$dir"
}

now_ns() { date +%s%N; }

# rounds RUNS COUNT_CMD -- UP_CMD... -- DOWN_CMD...: RUNS rounds in the current directory;
# prints "UP_MS DOWN_MS" (medians). COUNT_CMD must print the number of running
# containers after each up, which must be the project's size ($size).
rounds() {
  local runs=$1 count=$2 ups=() downs=() t0 t1 t2 t3 up=() down=()
  shift 3
  while [[ $1 != -- ]]; do up+=("$1"); shift; done
  shift
  down=("$@")
  for _ in $(seq "$runs"); do
    t0=$(now_ns)
    "${up[@]}" >"$WORK/up.log" 2>&1 || { tail -5 "$WORK/up.log" >&2; return 1; }
    t1=$(now_ns)
    [[ $($count) == "$size" ]] || { echo "up did not leave $size containers running" >&2; return 1; }
    t2=$(now_ns)
    "${down[@]}" >"$WORK/down.log" 2>&1 || { tail -5 "$WORK/down.log" >&2; return 1; }
    t3=$(now_ns)
    ups+=($(((t1 - t0) / 1000)))
    downs+=($(((t3 - t2) / 1000)))
  done
  echo "$(printf '%s\n' "${ups[@]}" | median | awk '{printf "%.1f", $1 / 1000}')" \
       "$(printf '%s\n' "${downs[@]}" | median | awk '{printf "%.1f", $1 / 1000}')"
}

# TOOL_ids: the running containers of the project of the current directory.
stack_ids() { "$STACK" ps -q; }
docker_ids() { docker ps -q --filter "label=com.docker.compose.project=$(basename "$PWD")"; }
podman_ids() { podman ps -q --filter "label=io.podman.compose.project=$(basename "$PWD")"; }
stack_count() { stack_ids | wc -l; }
docker_count() { docker_ids | wc -l; }
podman_count() { podman_ids | wc -l; }

make_busybox_rootfs "$WORK/busybox"
tar -C "$WORK/busybox" -c . | "$STACK" image import -c 'CMD ["sh"]' - "$IMAGE" >/dev/null

prepare_peers
peers=()
for p in docker podman; do
  if ! command -v "$p-compose" >/dev/null; then
    bench_note "$p-compose: not installed, skipped"
  elif ! peer_ok "$p"; then
    bench_note "$p-compose: $p does not run here, skipped"
  elif ! peer_import "$p" "$WORK/busybox" "$IMAGE" 2>"$WORK/$p.err"; then
    bench_note "$p-compose: importing the image failed, skipped: $(head -c 160 "$WORK/$p.err")"
  else
    peers+=("$p")
  fi
done

declare -A up_ms down_ms
for size in $SIZES; do
  cd "$(project stack "$size")"
  read -r "up_ms[stack]" "down_ms[stack]" < <(rounds "$RUNS" stack_count -- \
    "$STACK" --progress quiet up -d -- "$STACK" --progress quiet down -t 0) || { echo "stack failed" >&2; exit 1; }
  for p in docker podman; do up_ms[$p]=-; down_ms[$p]=-; done
  for p in "${peers[@]}"; do
    cd "$(project "$p" "$size")"
    if ! read -r "up_ms[$p]" "down_ms[$p]" < <(rounds "$((size >= 50 ? 1 : PEER_RUNS))" "${p}_count" -- \
        "$p-compose" up -d -- "$p-compose" down -t 0); then
      bench_note "$p-compose failed with $size services: $(tail -c 160 "$WORK/up.log" | tr '\n' ' ')"
      "$p-compose" down -t 0 >/dev/null 2>&1 || true
      up_ms[$p]=- down_ms[$p]=-
    fi
  done
  up_budget=- down_budget=-
  [[ $size == 10 ]] && up_budget="< 150" down_budget="< 150"
  [[ $size == 50 ]] && up_budget="< 1000"
  bench_row "up -d, $size services (ms)" "${up_ms[stack]}" "${up_ms[docker]}" "${up_ms[podman]}" "$up_budget"
  bench_row "down, $size services (ms)" "${down_ms[stack]}" "${down_ms[docker]}" "${down_ms[podman]}" "$down_budget"
done

# --- supervision memory of 10 running services ----------------------------------------
size=10
cd "$(project stack 10)"
"$STACK" --progress quiet up -d >/dev/null
sleep 1
pids=()
for id in $(stack_ids); do pids+=("$("$STACK" container inspect -f '{{.State.ShimPid}}' "$id")"); done
dns_pid=$(cat "$STACK_RUN_ROOT/dns/lock" 2>/dev/null || true)
stack_kb=$(rss_kb "${pids[@]}" ${dns_pid:+"$dns_pid"})
"$STACK" --progress quiet down -t 0 >/dev/null
declare -A mem=([docker]=- [podman]=-)
for p in "${peers[@]}"; do
  cd "$(project "$p" 10)"
  "$p-compose" up -d >/dev/null 2>&1 || { bench_note "$p-compose up failed for the memory row"; continue; }
  sleep 1
  pids=()
  for id in $("${p}_ids"); do pids+=("$(ps -o ppid= -p "$("$p" inspect -f '{{.State.Pid}}' "$id")" | tr -d ' ')"); done
  if [[ $p == docker ]]; then
    mem[docker]=$(rss_kb "${pids[@]}")
    bench_note "docker's daemons besides (not counted): dockerd $(rss_kb "$(pgrep -xo dockerd)") KiB, containerd $(rss_kb "$(pgrep -xo containerd)") KiB"
  else
    mem[podman]=$(rss_kb "${pids[@]}" $(pgrep -x aardvark-dns || true))
  fi
  "$p-compose" down -t 0 >/dev/null 2>&1 || true
done
bench_row "supervision RSS, 10 services (KiB)" "$stack_kb" "${mem[docker]}" "${mem[podman]}"
bench_note "supervision: stack's shims and stack-dns; docker's containerd-shim-runc-v2 processes; podman's conmons and aardvark-dns"
bench_note "up/down: median of $RUNS rounds for stack, $PEER_RUNS for the peers (1 at 50 services); busybox services on one network each"
# Where the state and run roots were: on ext4 without a journal the inode allocator skips
# every inode freed in the last 60-360 s, so rounds (and runs) back to back slow each
# other (here, 10 services: 143 ms after 6 idle minutes, 171-184 ms right after a run).
read -r fs_source fs_type < <(findmnt -no SOURCE,FSTYPE --target "$WORK")
if [[ $fs_type == ext4 && ! -e /proc/fs/jbd2/$(basename "$fs_source")-8 ]]; then
  bench_note "state and run roots on ext4 without a journal ($fs_source): inodes freed in the last 60-360 s are skipped at each allocation, so back-to-back rounds and runs slow each other"
else
  bench_note "state and run roots on $fs_type ($fs_source)"
fi

bench_print "compose up -d / down (bench/updown.sh)"
exit "$BENCH_STATUS"
