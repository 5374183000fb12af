#!/usr/bin/env bash
# Benchmark: `stack up -d` and `stack down` of a generated project of N busybox services
# (default 10), each `sleep` with stop_signal SIGKILL so grace periods do not count.
#
#   bench/compose_up.sh [STACK_BIN]   (default: build/default/stack; stack-shim next to it)
#
# Each round is one `up -d` of the whole project from nothing, then one `down`; the
# median of RUNS rounds (default 5) of each is printed as a table, with the issue's
# budgets (10 services: up and down under 150 ms each; 50: up under 1 s), and the RSS of
# all the running project's shims. Exits 1 when a command fails.
# Each project gets its bridge network, every container its namespace, veth and DNS entry.
set -euo pipefail

STACK=$(realpath "${1:-build/default/stack}")
RUNS=${RUNS:-5}
SERVICES=${SERVICES:-10}

[[ -x $STACK ]] || { echo "stack binary not found: $STACK" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "containers need root" >&2; exit 2; }
command -v busybox >/dev/null || { echo "busybox-static is not installed (scripts/install-deps.sh)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stack-bench-compose.XXXXXX")
export STACK_ROOT=$WORK/root STACK_RUN_ROOT=$WORK/run
PARENT=stack-bench-compose-$$
cleanup() {
  (cd "$WORK/proj" 2>/dev/null && "$STACK" down -v -t 0 >/dev/null 2>&1) || true
  "$STACK" container ls -aq 2>/dev/null | xargs -r "$STACK" container rm -f >/dev/null 2>&1 || true
  for d in /sys/fs/cgroup/*/"$PARENT"; do [[ -d $d ]] && rmdir "$d" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../tests/e2e/lib.sh"  # make_busybox_rootfs
make_busybox_rootfs "$WORK/busybox"
tar -C "$WORK/busybox" -c . | "$STACK" image import -c 'CMD ["sh"]' - stk-bench-busybox:1 >/dev/null

mkdir -p "$WORK/proj"
cd "$WORK/proj"
{
  echo "name: benchcompose"
  echo "services:"
  for i in $(seq "$SERVICES"); do
    printf '  s%d:\n    image: stk-bench-busybox:1\n    command: ["sleep", "600"]\n' "$i"
    printf '    stop_signal: SIGKILL\n    cgroup_parent: %s\n' "$PARENT"
  done
} >compose.yaml

now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

ups=() downs=()
for _ in $(seq "$RUNS"); do
  t0=$(now_ns)
  "$STACK" --progress quiet up -d >/dev/null
  t1=$(now_ns)
  [[ $("$STACK" ps -q | wc -l) == "$SERVICES" ]] || { echo "up did not start $SERVICES containers" >&2; exit 1; }
  t2=$(now_ns)
  "$STACK" --progress quiet down >/dev/null
  t3=$(now_ns)
  ups+=($(((t1 - t0) / 1000)))
  downs+=($(((t3 - t2) / 1000)))
done
# The supervision memory of the running project: every shim's RSS (no stack-dns yet:
# the loopback network driver starts none).
"$STACK" --progress quiet up -d >/dev/null
shims_kb=0
for state in "$STACK_ROOT"/containers/*/state.json; do
  pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["shim_pid"])' "$state")
  kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  shims_kb=$((shims_kb + ${kb:-0}))
done
"$STACK" --progress quiet down >/dev/null

up_ms=$(printf '%s\n' "${ups[@]}" | median | awk '{printf "%.1f", $1 / 1000}')
down_ms=$(printf '%s\n' "${downs[@]}" | median | awk '{printf "%.1f", $1 / 1000}')

# The issue's budgets: 10 services up and down in 150 ms each, 50 services up in 1 s.
up_budget=- down_budget=-
[[ $SERVICES == 10 ]] && up_budget=150 down_budget=150
[[ $SERVICES == 50 ]] && up_budget=1000
printf '%-28s %12s %12s\n' "case ($SERVICES services)" "median ms" "budget ms"
printf '%-28s %12s %12s\n' "stack up -d" "$up_ms" "$up_budget"
printf '%-28s %12s %12s\n' "stack down" "$down_ms" "$down_budget"
printf '%-28s %12s\n' "shims' RSS, all (KiB)" "$shims_kb"
