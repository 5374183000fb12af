#!/usr/bin/env bash
# THE test command: everything CI runs, in order, from a fresh clone.
#
#   1. install build and test dependencies (scripts/install-deps.sh)
#   2. default preset: configure, build, ctest (unit tests, e2e CLI tests)
#   3. asan preset:    configure, build, ctest under ASan + UBSan
#   4. fuzz preset:    configure, build, run every fuzz target briefly (tests/fuzz/run.sh)
#
# Every stage runs even when an earlier test stage failed (so all summaries are
# printed); a stage whose build fails is reported and its tests are not run.
# Exit status: 0 when every stage passed, 1 otherwise.
# Knobs: JOBS (parallel build and test jobs, default 2), FUZZ_SECONDS (default 20).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
exec </dev/null  # never wait for a terminal (CI has none)
JOBS=${JOBS:-2}

declare -a results=()
failed=0
tests_passed=0  # totals over every ctest run and fuzz target, for the closing line
tests_failed=0

banner() { printf '\n==> %s\n' "$*"; }
record() {  # record NAME STATUS
  if (($2 == 0)); then results+=("ok      $1"); else results+=("FAILED  $1"); failed=1; fi
}

build_preset() {  # build_preset PRESET [cmake --build args...]
  local preset=$1
  shift
  banner "configure and build: $preset"
  cmake --preset "$preset" && cmake --build --preset "$preset" -j"$JOBS" "$@"
}

test_preset() {  # test_preset PRESET: build, then ctest (its summary ends the output)
  local preset=$1
  if ! build_preset "$preset"; then
    record "$preset: build" 1
    return
  fi
  banner "ctest: $preset"
  local log
  log=$(mktemp)
  ctest --preset "$preset" -j"$JOBS" --timeout 600 | tee "$log"
  local status=$?
  record "$preset: ctest" $status
  # "100% tests passed, 0 tests failed out of 298"
  local summary
  summary=$(grep -oE '[0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1)
  if [[ -n $summary ]]; then
    local nfail=${summary%% *} total=${summary##* }
    tests_failed=$((tests_failed + nfail))
    tests_passed=$((tests_passed + total - nfail))
  elif ((status != 0)); then
    tests_failed=$((tests_failed + 1))
  fi
  rm -f "$log"
}

fuzz_stage() {
  if ! build_preset fuzz; then
    record "fuzz: build" 1
    return
  fi
  local found=0 fuzzer
  for fuzzer in build/fuzz/fuzz_*; do
    [[ -f $fuzzer && -x $fuzzer ]] || continue
    found=1
    banner "fuzz: $(basename "$fuzzer")"
    tests/fuzz/run.sh "$fuzzer" "$PWD"
    local status=$?
    record "fuzz: $(basename "$fuzzer")" $status
    if ((status == 0)); then tests_passed=$((tests_passed + 1)); else tests_failed=$((tests_failed + 1)); fi
  done
  if ((found == 0)); then
    echo "no fuzz targets were built" >&2
    record "fuzz: targets" 1
  fi
}

banner "install dependencies"
if ! scripts/install-deps.sh; then
  echo "test.sh: installing dependencies failed" >&2
  exit 1
fi

test_preset default
test_preset asan
fuzz_stage

banner "summary"
printf '  %s\n' "${results[@]}"
if ((failed)); then
  echo "test.sh: FAILED"
else
  echo "test.sh: all stages passed"
fi
# The closing line: tests of every stage (each fuzz target counts as one).
echo "tests: $tests_passed passed, $tests_failed failed"
((failed == 0))
