#!/usr/bin/env bash
# Runs one libFuzzer target for a short while and fails on any finding.
#
#   tests/fuzz/run.sh FUZZER SRCDIR
#
# Seeds: every compose file under SRCDIR/tests/fixtures/compose and SRCDIR/examples,
# copied into a temporary corpus (the source tree is never written). Dictionary:
# SRCDIR/tests/fuzz/compose.dict. Knobs (environment): FUZZ_SECONDS (default 20).
# Exit status: 0 when the run ends cleanly, non-zero on a crash, sanitizer report,
# leak, timeout or out-of-memory; the reproducer is kept and its path printed.
set -euo pipefail

if (($# != 2)); then
  echo "usage: $0 FUZZER SRCDIR" >&2
  exit 2
fi
fuzzer=$1
srcdir=$2
seconds=${FUZZ_SECONDS:-20}
name=$(basename "$fuzzer")

if [[ ! -x $fuzzer ]]; then
  echo "$name: fuzzer binary not found or not executable: $fuzzer" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/stack-fuzz-$name.XXXXXX")
mkdir -p "$work/corpus" "$work/artifacts"
keep_work=0
cleanup() { if ((keep_work == 0)); then rm -rf "$work"; fi; }
trap cleanup EXIT

# Seeds, named after their path so files of the same name do not overwrite each other.
seeds=0
for dir in "$srcdir/tests/fixtures/compose" "$srcdir/examples"; do
  [[ -d $dir ]] || continue
  while IFS= read -r -d '' f; do
    rel=${f#"$srcdir"/}
    cp "$f" "$work/corpus/${rel//\//_}"
    seeds=$((seeds + 1))
  done < <(find "$dir" -type f \( -name '*.yaml' -o -name '*.yml' \) -size -64k -print0)
done
echo "$name: ${seconds}s with $seeds seed files"

dict=()
if [[ -f $srcdir/tests/fuzz/compose.dict ]]; then dict=("-dict=$srcdir/tests/fuzz/compose.dict"); fi

# Leaks are findings; UBSan reports must stop the run rather than scroll by.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1"

status=0
"$fuzzer" \
  -max_total_time="$seconds" \
  -rss_limit_mb=2048 \
  -timeout=5 \
  -max_len=65536 \
  -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" \
  "${dict[@]}" \
  "$work/corpus" >"$work/log" 2>&1 || status=$?

if ((status != 0)) || compgen -G "$work/artifacts/*" >/dev/null; then
  keep_work=1
  tail -n 80 "$work/log" >&2
  echo "$name: FAILED (exit $status); reproducers and log kept in $work:" >&2
  ls -l "$work/artifacts" >&2
  echo "reproduce with: $fuzzer $work/artifacts/<file>" >&2
  exit $((status == 0 ? 1 : status))
fi

grep -E '^(#[0-9]+.*DONE|Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb)' "$work/log" || tail -n 3 "$work/log"
echo "$name: ok, no findings in ${seconds}s"
