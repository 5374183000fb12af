#!/usr/bin/env bash
# THE main command, for now: installs dependencies, builds stack (default preset)
# and prints the example LNMP project the way `docker compose config` does:
# every file merged, variables interpolated, paths resolved, defaults filled in.
#
#   ./scripts/up.sh                    # YAML
#   ./scripts/up.sh --format json      # extra arguments go to `stack config`
#
# Running containers (`stack up`) is not implemented yet; this is the part that is.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
JOBS=${JOBS:-2}

scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j"$JOBS" --target stack

cd examples/lnmp
exec "$root/build/default/stack" config "$@"
