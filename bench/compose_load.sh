#!/usr/bin/env bash
# Benchmark: loading a large project with `stack config -q` (parse, interpolate,
# merge three files, normalize, validate; no output).
#
#   bench/compose_load.sh [STACK_BIN]        (default: build/default/stack)
#
# The project is generated in a temporary directory: 450 services in compose.yaml,
# an override adding labels and environment to every one of them, and a third file
# adding 50 services and moving the ports of the first 50: 500 services in all.
# Prints a table: stack's `config -q` of the whole project (budget 50 ms), and `config`
# of the first two files beside docker-compose and podman-compose when they are installed
# (bench/run-all.sh installs them; this script does not). Exit status 1 when stack fails
# or misses its budget.
# Knobs: RUNS (timed runs per case, default 20; PEER_RUNS for the peers, default 3); BENCH_KEEP=1 keeps the generated
# project (its path is the newest /tmp/stack-bench-load.*) for profiling.
set -euo pipefail

STACK=$(realpath "${1:-build/default/stack}")
RUNS=${RUNS:-20}
PEER_RUNS=${PEER_RUNS:-3}
BUDGET_MS=50
BASE_SERVICES=450
EXTRA_SERVICES=50

if [[ ! -x $STACK ]]; then
  echo "stack binary not found: $STACK (build it: cmake --preset default && cmake --build --preset default)" >&2
  exit 2
fi

# shellcheck source=bench/lib.sh
source "$(dirname "$(realpath "$0")")/lib.sh"
bench_require hyperfine python3
bench_init load
[[ -z ${BENCH_KEEP:-} ]] || trap - EXIT
cd "$WORK"

# --- the project ---------------------------------------------------------------------

service() {  # service INDEX: one service with a realistic mix of keys
  local i=$1 name
  name=$(printf 'svc-%03d' "$i")
  printf '  %s:\n' "$name"
  printf '    image: registry.example.com/team-%d/app-%03d:1.%d.%d\n' $((i % 7)) "$i" $((i % 5)) $((i % 11))
  printf '    restart: unless-stopped\n'
  printf '    ports:\n      - "%d:8080"\n      - "127.0.0.1:%d:9090/tcp"\n' $((20000 + i)) $((30000 + i))
  printf '    volumes:\n      - ./data/%s:/var/lib/app\n      - cache:/cache:ro\n' "$name"
  printf '    environment:\n      APP_NAME: %s\n      LOG_LEVEL: ${LOG_LEVEL:-info}\n' "$name"
  printf '      DB_URL: postgres://app:${DB_PASSWORD:-secret}@db-%d:5432/app\n' $((i % 3))
  if ((i % 10 != 0)); then
    printf '    depends_on:\n      %s:\n        condition: service_started\n' "$(printf 'svc-%03d' $((i - 1)))"
  fi
  printf '    healthcheck:\n      test: ["CMD-SHELL", "wget -qO- http://localhost:8080/health || exit 1"]\n'
  printf '      interval: 30s\n      timeout: 5s\n      retries: 3\n      start_period: 10s\n'
  printf '    networks:\n      - front\n      - back\n'
  printf '    labels:\n      com.example.team: team-%d\n      com.example.tier: %s\n' $((i % 7)) \
    "$( ((i % 2)) && echo web || echo worker)"
  printf '    deploy:\n      resources:\n        limits:\n          cpus: "0.50"\n          memory: 256M\n'
  printf '        reservations:\n          memory: 64M\n'
}

{
  printf 'services:\n'  # no top-level name: docker-compose 1.29 refuses it
  for ((i = 0; i < BASE_SERVICES; i++)); do service "$i"; done
  printf 'networks:\n  front: {}\n  back:\n    internal: true\nvolumes:\n  cache: {}\n'
} >compose.yaml

{
  printf 'services:\n'
  for ((i = 0; i < BASE_SERVICES; i++)); do
    printf '  svc-%03d:\n    labels:\n      com.example.override: "true"\n' "$i"
    printf '    environment:\n      FEATURE_FLAGS: "a,b,c"\n      LOG_LEVEL: debug\n'
  done
} >compose.override.yaml

{
  printf 'services:\n'
  for ((i = BASE_SERVICES; i < BASE_SERVICES + EXTRA_SERVICES; i++)); do service "$i"; done
  for ((i = 0; i < EXTRA_SERVICES; i++)); do
    printf '  svc-%03d:\n    ports: !override\n      - "%d:8080"\n' "$i" $((40000 + i))
  done
} >compose.extra.yaml

FILES=(-f compose.yaml -f compose.override.yaml -f compose.extra.yaml)

# --- timing ----------------------------------------------------------------------------

# stack must load the project at all before its speed means anything.
if ! "$STACK" config -q "${FILES[@]}" 2>"$WORK/err"; then
  echo "stack config failed on the generated project:" >&2
  cat "$WORK/err" >&2
  exit 1
fi
services=$("$STACK" config --services "${FILES[@]}" | wc -l)
TWO=(-f compose.yaml -f compose.override.yaml)

# time_config NAME RUNS CLI...: median ms of `CLI config` on the two-file project, or "-".
time_config() {
  local name=$1 runs=$2
  shift 2
  if ! "$@" "${TWO[@]}" config >/dev/null 2>"$WORK/$name.err"; then
    bench_note "$name: cannot load the project: $(head -c 160 "$WORK/$name.err" | tr '\n' ' ')"
    echo -
    return
  fi
  median_ms "$name" "$runs" -w 1 "$* ${TWO[*]} config" || echo -
}

ms3=$(median_ms stack-q "$RUNS" -w 3 "$STACK config -q ${FILES[*]}")
stack2=$(time_config stack "$RUNS" "$STACK")
docker2=- podman2=-
if command -v docker-compose >/dev/null; then
  docker2=$(time_config docker-compose "$PEER_RUNS" docker-compose)
else
  bench_note "docker-compose is not installed (bench/run-all.sh installs it): no docker column"
fi
if ! command -v podman-compose >/dev/null; then
  bench_note "podman-compose is not installed (bench/run-all.sh installs it): no podman column"
elif ! podman-compose -h 2>&1 | grep -qw config; then
  bench_note "podman-compose $(podman-compose version 2>/dev/null | awk '/podman-compose/ {print $NF; exit}') has no \`config\` command: no podman column"
else
  podman2=$(time_config podman-compose "$PEER_RUNS" podman-compose)
fi

bench_row "config -q, $services services in 3 files (ms)" "$ms3" - - "<= $BUDGET_MS"
bench_row "config, 450 services in 2 files, printed (ms)" "$stack2" "$docker2" "$podman2"
bench_note "the third file uses compose v2's \`!override\`, which docker-compose 1.29 and podman-compose do not know: the peers are compared on the first two files"
bench_note "median of $RUNS runs for stack, $PEER_RUNS for the peers (hyperfine); docker column: Debian's docker-compose 1.29"
bench_print "compose file loading (bench/compose_load.sh)"
exit "$BENCH_STATUS"
