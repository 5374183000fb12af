#!/usr/bin/env bash
# Runs every benchmark and writes bench/RESULTS.md: each figure for stack beside docker
# (docker-compose) and podman (podman-compose), medians and ratios measured in this one
# run, with the machine described.
#
#   bench/run-all.sh            (as root; builds the default preset first)
#
# The peers are Debian's docker.io, docker-compose, podman and podman-compose, installed
# here unless BENCH_NO_INSTALL=1; dockerd is started once for the whole run (and stopped
# after) when it is not running. A peer that cannot run is skipped with a note in its
# table. Exit status 1 when a benchmark failed or stack missed a budget (the tables say
# which); RESULTS.md is written either way.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
root=$PWD
[[ $(id -u) == 0 ]] || { echo "run-all.sh: the benchmarks need root" >&2; exit 2; }
JOBS=${JOBS:-2}
out=$root/bench/RESULTS.md

scripts/install-deps.sh || exit 1
cmake --preset default >/dev/null || exit 1
cmake --build --preset default -j"$JOBS" --target stack stack-shim stack-dns integration_tests || exit 1

STACK=$root/build/default/stack
# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_init all
prepare_peers skopeo
export BENCH_NO_INSTALL=1  # installed once above; each benchmark finds dockerd running

# machine: the lines of the "Machine" section.
machine() {
  local cgroups=v1
  if [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]; then
    cgroups=v2
  elif [[ -d /sys/fs/cgroup/unified ]]; then
    cgroups="hybrid (v1 controllers, an empty cgroup2 tree)"
  fi
  echo "- CPU: $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) cores"
  echo "- memory: $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "- system: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r), cgroups $cgroups"
  echo "- stack: commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (with uncommitted changes)'), default preset (-O2)"
  echo "- peers: $(peer_versions)"
}

benches=(
  "bench/compose_load.sh $STACK"
  "bench/container_start.sh $STACK"
  "bench/updown.sh $STACK"
  "bench/net_setup.sh $root/build/default"
  "bench/dns.sh $STACK"
  "bench/build.sh $STACK"
  "bench/image_pull.sh $STACK"
)

status=0
tables=$WORK/tables.md
: >"$tables"
summary=()
for b in "${benches[@]}"; do
  name=${b%% *}
  echo "run-all: $name" >&2
  start=$(date +%s)
  # shellcheck disable=SC2086  # the command and its argument, split on purpose
  $b >"$WORK/out.md" 2>"$WORK/err.log"
  rc=$?
  secs=$(($(date +%s) - start))
  if grep -q '^### ' "$WORK/out.md"; then
    sed -n '/^### /,$p' "$WORK/out.md" >>"$tables"
  else
    { printf '### %s\n\nfailed (exit %d) before printing its table:\n\n```\n' "$name" "$rc"
      tail -n 20 "$WORK/err.log"
      printf '```\n\n'; } >>"$tables"
  fi
  case $rc in
    0) summary+=("- \`$name\`: all budgets met (${secs} s)") ;;
    1) summary+=("- \`$name\`: a budget missed or a step failed, see its table (${secs} s)"); status=1 ;;
    *) summary+=("- \`$name\`: could not run (exit $rc, ${secs} s)"); status=1 ;;
  esac
done

{
  echo "# Benchmark results"
  echo
  echo "Written by \`bench/run-all.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); every figure below comes"
  echo "from that one run. Each table is printed by the script named in its title, which also"
  echo "runs on its own and says in its header what it measures and how."
  echo
  echo "## Machine"
  echo
  machine
  echo
  echo "## How to read the tables"
  echo
  echo "Figures are medians (the number of runs is under each table). The ratio columns say how"
  echo "many times better stack is: peer ÷ stack for times and memory, stack ÷ peer for"
  echo "throughput; below 1× the peer is better. \"-\" means not measured (the note says why)."
  echo "The verdict compares stack with the budget its issue sets."
  echo
  echo "## Summary"
  echo
  printf '%s\n' "${summary[@]}"
  echo
  echo "## Tables"
  echo
  cat "$tables"
} >"$out"
echo "run-all: wrote $out" >&2
exit $status
