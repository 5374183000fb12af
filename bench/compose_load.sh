#!/usr/bin/env bash
# Benchmark: loading a large project with `stack config -q` (parse, interpolate,
# merge three files, normalize, validate; no output).
#
#   bench/compose_load.sh [STACK_BIN]        (default: build/default/stack)
#
# The project is generated in a temporary directory: 450 services in compose.yaml,
# an override adding labels and environment to every one of them, and a third file
# adding 50 services and moving the ports of the first 50: 500 services in all.
# Prints a table (case | median ms | budget ms | verdict). docker compose and
# podman-compose get reference rows when they are installed (they are never
# installed by this script). Exit status 1 when stack fails or misses its budget.
# Knobs: RUNS (timed runs per case, default 20); BENCH_KEEP=1 keeps the generated
# project (its path is the newest /tmp/stack-bench-load.*) for profiling.
set -euo pipefail

STACK=$(realpath "${1:-build/default/stack}")
RUNS=${RUNS:-20}
BUDGET_MS=50
BASE_SERVICES=450
EXTRA_SERVICES=50

if [[ ! -x $STACK ]]; then
  echo "stack binary not found: $STACK (build it: cmake --preset default && cmake --build --preset default)" >&2
  exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stack-bench-load.XXXXXX")
[[ -n ${BENCH_KEEP:-} ]] || trap 'rm -rf "$WORK"' EXIT
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
  printf 'name: bench\nservices:\n'
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

# median_ms COMMAND...: median wall time of RUNS runs, in milliseconds (one decimal).
median_ms() {
  if command -v hyperfine >/dev/null; then
    hyperfine --shell=none --warmup 3 --runs "$RUNS" --style none \
      --export-json "$WORK/hyperfine.json" -- "$(printf '%q ' "$@")" >/dev/null
    python3 -c 'import json, sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' \
      "$WORK/hyperfine.json"
    return
  fi
  local times=() start end
  for ((r = 0; r < RUNS + 3; r++)); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    ((r >= 3)) && times+=($(((end - start) / 1000)))  # microseconds; the first 3 warm up
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "%.1f\n", m / 1000 }'
}

rows=()
status=0
row() { rows+=("$(printf '%-46s | %9s | %9s | %s' "$1" "$2" "$3" "$4")"); }

# stack must load the project at all before its speed means anything.
if ! "$STACK" config -q "${FILES[@]}" 2>"$WORK/err"; then
  echo "stack config failed on the generated project:" >&2
  cat "$WORK/err" >&2
  exit 1
fi
services=$("$STACK" config --services "${FILES[@]}" | wc -l)

ms=$(median_ms "$STACK" config -q "${FILES[@]}")
if awk -v m="$ms" -v b="$BUDGET_MS" 'BEGIN { exit !(m <= b) }'; then
  row "stack config -q ($services services, 3 files)" "$ms" "$BUDGET_MS" "ok"
else
  row "stack config -q ($services services, 3 files)" "$ms" "$BUDGET_MS" "OVER BUDGET"
  status=1
fi
row "stack config (YAML printed, same project)" "$(median_ms "$STACK" config "${FILES[@]}")" "-" "info"

notes=()
if docker compose version >/dev/null 2>&1; then
  row "docker compose config -q" "$(median_ms docker compose "${FILES[@]}" config -q)" "-" "reference"
else
  notes+=("docker compose is not installed: no reference row")
fi
if command -v podman-compose >/dev/null; then
  row "podman-compose config" "$(median_ms podman-compose "${FILES[@]}" config)" "-" "reference"
else
  notes+=("podman-compose is not installed: no reference row")
fi

timer=$(command -v hyperfine >/dev/null && echo hyperfine || echo "date +%s%N")
echo "compose load benchmark: median of $RUNS runs ($timer)"
printf '%-46s | %9s | %9s | %s\n' "case" "median ms" "budget ms" "verdict"
printf '%s\n' "${rows[@]}"
for n in "${notes[@]}"; do echo "note: $n"; done
exit $status
