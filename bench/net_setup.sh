#!/usr/bin/env bash
# Benchmark: time to attach a container to one network and to three (Networks::create_sandbox:
# the namespace, one veth per network made inside it, addresses, routes, DNS records),
# median of 20 each, in a network namespace of the integration test binary's own.
# Budget (issue 5): under 3 ms per attachment. docker and podman have no comparable step
# on its own (their attachment happens inside `run`), so their columns stay empty.
#
#   bench/net_setup.sh [BUILD_DIR]     (default build/default; needs root)
set -euo pipefail
build=$(realpath "${1:-build/default}")
# shellcheck source=bench/lib.sh
source "$(dirname "$(realpath "$0")")/lib.sh"
[[ -x $build/integration_tests ]] || { echo "integration_tests not built in $build" >&2; exit 2; }
bench_init attach
out=$("$build/integration_tests" "[net-bench]" -s 2>&1) || { echo "$out" >&2; exit 1; }
one=$(sed -n 's/.*create_sandbox with 1 network(s): median \([0-9.]*\) ms.*/\1/p' <<<"$out")
three=$(sed -n 's/.*create_sandbox with 3 network(s): median \([0-9.]*\) ms.*/\1/p' <<<"$out")
[[ -n $one && -n $three ]] || { echo "no timing in the test's output:" >&2; echo "$out" >&2; exit 1; }
per=$(awk -v t="$three" 'BEGIN {printf "%.2f", t / 3}')
bench_row "attach to one network (ms)" "$one" - - "< 3"
bench_row "attach to three networks (ms)" "$three" - - "< 9"
bench_row "per attachment, of three (ms)" "$per" - - "< 3"
bench_note "median of 20 sandboxes each; no peer column: docker and podman attach inside \`run\`, not as a step of its own"
bench_print "network attachment (bench/net_setup.sh)"
exit "$BENCH_STATUS"
