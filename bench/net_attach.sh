#!/usr/bin/env bash
# Time to attach a container to one network (Networks::create_sandbox: namespace, veth
# made inside it, address, route, records), median of 20, in a network namespace of the
# test binary's own. Budget (issue 5): under 3 ms per attachment.
#
#   bench/net_attach.sh [BUILD_DIR]     (default build/default; needs root)
set -euo pipefail
build=${1:-build/default}
printf '%-40s %s\n' "measure" "result"
"$build/integration_tests" "[net-bench]" -s 2>/dev/null | grep -o 'create_sandbox with one network: .*' |
  sed 's/^create_sandbox with one network: /create_sandbox, one network            /'
