# shellcheck shell=bash
# Shared by the benchmarks (sourced): a work directory, timing, the peers (docker and
# podman from Debian) and one table layout, so bench/run-all.sh can put every table in
# bench/RESULTS.md. The sourcing script sets STACK (the stack binary) before bench_init.
#
# Tables are Markdown, one row per measure:
#   | case | stack | docker | podman | docker ÷ stack | podman ÷ stack | budget | verdict |
# The ratio columns say how many times better stack is: peer ÷ stack for times and
# memory, stack ÷ peer for throughput (rows added with bench_row_higher). Below 1 the
# peer is better. A peer that cannot run shows "-" and a note under the table.

BENCH_STATUS=0   # 1 once a budget is missed; the scripts exit with it
bench_rows=()
started_dockerd=""

# bench_init NAME: WORK (a fresh directory), stack's own state roots in it, and an EXIT trap
# running the script's `bench_cleanup` (when defined), removing what is left in those roots,
# stopping a dockerd we started and removing WORK.
bench_init() {
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/stack-bench-$1.XXXXXX")
  export STACK_ROOT=$WORK/root STACK_RUN_ROOT=$WORK/run
  trap bench_exit EXIT
  pace_at_start=$(host_pace_ms)
}

# host_pace_ms: how long 300 fork+exec of /bin/true take, in ms. Process creation is
# most of an up's cost, and on these VMs its speed swings (860-1470 ms seen on one
# machine within a day): printed beside the figures, it says what minute they come from.
host_pace_ms() {
  local t0 t1
  t0=$(date +%s%N)
  for _ in {1..300}; do /bin/true; done
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}
bench_exit() {
  # Under set -e a failing step here would end the trap early: every step goes on.
  if declare -F bench_cleanup >/dev/null; then bench_cleanup || true; fi
  # Then whatever is left in the bench's own state root, networks included (a `container
  # run` makes the default "bridge"): removing the root alone would leave bridges on the host.
  if [[ -n ${STACK:-} && -x ${STACK:-} && -d $WORK/root ]]; then
    "$STACK" container ls -aq 2>/dev/null | xargs -r "$STACK" container rm -f >/dev/null 2>&1 || true
    "$STACK" network ls -q 2>/dev/null | xargs -r "$STACK" network rm >/dev/null 2>&1 || true
  fi
  if [[ -n $started_dockerd ]]; then
    kill "$started_dockerd" 2>/dev/null || true
    wait "$started_dockerd" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}

# bench_containers NAME TOOL...: the start of a benchmark that runs containers: $STACK is
# there, we are root, the TOOLs are installed, make_busybox_rootfs is defined
# (tests/e2e/lib.sh), then bench_init NAME.
bench_containers() {
  [[ -x $STACK ]] || { echo "stack binary not found: $STACK" >&2; exit 2; }
  [[ $(id -u) == 0 ]] || { echo "containers need root" >&2; exit 2; }
  # shellcheck source=tests/e2e/lib.sh
  source "$(dirname "${BASH_SOURCE[0]}")/../tests/e2e/lib.sh"
  local name=$1
  shift
  bench_require "$@"
  bench_init "$name"
}

# bench_require TOOL...: exits 2 naming the first tool that is missing.
bench_require() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null || { echo "$t is not installed (scripts/install-deps.sh)" >&2; exit 2; }
  done
}

# median_ms NAME RUNS HYPERFINE_ARGS...: the median of hyperfine's runs, in ms (one decimal).
median_ms() {
  local json=$WORK/$1.json runs=$2
  shift 2
  hyperfine -N --style none --runs "$runs" --export-json "$json" "$@" >/dev/null 2>"$WORK/$(basename "$json" .json).hf.err" || return 1
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print("%.1f" % (r[0]["median"] * 1000))' "$json"
}

# median: the median of the numbers on stdin.
median() { sort -n | awk '{a[NR]=$1} END {if (NR) print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# rss_kb PID...: the sum of the processes' VmRSS in KiB (0 for one that is gone).
rss_kb() {
  local total=0 pid kb
  for pid in "$@"; do
    kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

# --- peers ---------------------------------------------------------------------------
# prepare_peers [EXTRA_PACKAGES...]: Debian's docker.io, docker-compose, podman and
# podman-compose, installed unless BENCH_NO_INSTALL=1; dockerd started when it is not
# running (stopped again on exit); podman given runtime runc and no default ulimits,
# which these hybrid-cgroup hosts need (crun refuses them).
prepare_peers() {
  if [[ -z ${BENCH_NO_INSTALL:-} ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      docker.io docker-compose podman podman-compose netavark aardvark-dns "$@" >/dev/null 2>&1 || true
  fi
  if command -v podman >/dev/null && ! grep -qs '^runtime *= *"runc"' /etc/containers/containers.conf; then
    mkdir -p /etc/containers
    printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n' >>/etc/containers/containers.conf
  fi
  # netavark and aardvark-dns, podman's own network stack, rather than CNI without DNS
  # (what Debian's podman picks when netavark is not installed).
  if [[ -x /usr/lib/podman/netavark ]] && ! grep -qs '^network_backend' /etc/containers/containers.conf; then
    printf '[network]\nnetwork_backend = "netavark"\n' >>/etc/containers/containers.conf
  fi
  if command -v dockerd >/dev/null && ! docker info >/dev/null 2>&1; then
    dockerd >"$WORK/dockerd.log" 2>&1 &
    started_dockerd=$!
    for _ in $(seq 100); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
  fi
}

# peer_ok NAME: true when the peer's engine answers (docker: dockerd runs; podman: works).
peer_ok() {
  case $1 in
    docker) docker info >/dev/null 2>&1 ;;
    podman) podman --runtime runc info >/dev/null 2>&1 ;;
  esac
}

# peer_import NAME ROOTFS IMAGE: the busybox root filesystem as an image of the peer.
peer_import() {
  local cli=("$1")
  [[ $1 == podman ]] && cli=(podman --runtime runc)
  tar -C "$2" -c . | "${cli[@]}" import -c 'CMD ["sh"]' - "$3" >/dev/null
}

# peer_versions: one line naming the peers' versions (or their absence), for the notes.
peer_versions() {
  local d p dc pc
  d=$(docker version -f '{{.Server.Version}}' 2>/dev/null) && d="engine $d" || d="not running"
  p=$(podman version -f '{{.Client.Version}}' 2>/dev/null || echo "not installed")
  dc=$(docker-compose version --short 2>/dev/null || echo "not installed")
  pc=$(podman-compose version 2>/dev/null | awk '/podman-compose/ {print $NF; exit}')
  echo "docker $d, docker-compose ${dc}, podman $p, podman-compose ${pc:-not installed}"
}

# --- the table -----------------------------------------------------------------------

# ratio A B: A ÷ B with two significant decimals, or "-" when either is not a number.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b + 0 == 0 || a + 0 == 0) { print "-"; exit }
    r = a / b; printf (r >= 10 ? "%.0f×" : "%.2f×"), r }'
}

# verdict VALUE BUDGET: "ok" or "OVER" for a budget "< N", "<= N" or ">= N"; empty when
# there is no budget. (Run in a subshell: the callers set BENCH_STATUS.)
verdict() {
  local value=$1 budget=$2
  [[ $budget == "-" || -z $budget ]] && return
  if awk -v v="$value" -v op="${budget%% *}" -v b="${budget#* }" 'BEGIN {
      if (v !~ /^[0-9.]+$/) exit 1
      if (op == "<") exit !(v + 0 < b + 0)
      if (op == "<=") exit !(v + 0 <= b + 0)
      if (op == ">=") exit !(v + 0 >= b + 0)
      exit 1 }'; then
    echo ok
  else
    echo OVER
  fi
}

# bench_row CASE STACK DOCKER PODMAN [BUDGET]: a row where lower is better (times, memory).
bench_row() {
  local v
  v=$(verdict "$2" "${5:--}")
  [[ $v == OVER ]] && BENCH_STATUS=1
  bench_rows+=("| $1 | $2 | ${3:--} | ${4:--} | $(ratio "${3:--}" "$2") | $(ratio "${4:--}" "$2") | ${5:--} | $v |")
}
# bench_row_higher CASE STACK DOCKER PODMAN [BUDGET]: a row where higher is better.
bench_row_higher() {
  local v
  v=$(verdict "$2" "${5:--}")
  [[ $v == OVER ]] && BENCH_STATUS=1
  bench_rows+=("| $1 | $2 | ${3:--} | ${4:--} | $(ratio "$2" "${3:--}") | $(ratio "$2" "${4:--}") | ${5:--} | $v |")
}
# bench_note TEXT: a line under the table. Kept in a file, so that a note made in a
# command substitution ($(...), a subshell) is not lost.
bench_note() { echo "$*" >>"$WORK/notes"; }

# bench_print TITLE: the table and its notes (with the machine's cores and kernel).
bench_print() {
  printf '### %s\n\n' "$1"
  echo "| case | stack | docker | podman | docker ÷ stack | podman ÷ stack | budget | verdict |"
  echo "|---|---:|---:|---:|---:|---:|---|---|"
  printf '%s\n' "${bench_rows[@]}"
  echo
  [[ -f $WORK/notes ]] && sed 's/^/- /' "$WORK/notes"
  echo "- $(nproc) cores, kernel $(uname -r); $(peer_versions)"
  echo "- host pace (300 fork+exec of /bin/true): ${pace_at_start:-?} ms before the runs, $(host_pace_ms) ms after"
  echo
}
