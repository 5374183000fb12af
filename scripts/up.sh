#!/usr/bin/env bash
# THE main command, for now: installs dependencies, builds stack and stack-shim (default
# preset), prints the example LNMP project the way `docker compose config` does (every
# file merged, variables interpolated, paths resolved, defaults filled in), then runs a
# real container with stack's own engine: a busybox root filesystem made from Debian's
# busybox-static (kept in build/default/busybox-rootfs), imported once as the image
# busybox:stack under a state root of its own (build/default/state), and a container of
# that image, removed again at once.
#
#   ./scripts/up.sh                    # YAML
#   ./scripts/up.sh --format json      # extra arguments go to `stack config`
#
# `stack up` (whole projects, networks, volumes) is not implemented yet; this is the part
# that is. Running the container needs root.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
JOBS=${JOBS:-2}

scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j"$JOBS" --target stack stack-shim

stack=$root/build/default/stack
(cd examples/lnmp && "$stack" config "$@")

if [[ $(id -u) != 0 ]]; then
  echo "(running a container needs root: skipped)" >&2
  exit 0
fi
rootfs=$root/build/default/busybox-rootfs
if [[ ! -x $rootfs/bin/sh ]]; then
  mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,tmp}
  cp "$(command -v busybox)" "$rootfs/bin/busybox"
  for applet in $("$rootfs/bin/busybox" --list); do [[ $applet == busybox ]] || ln -sf busybox "$rootfs/bin/$applet"; done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
  echo 'root:x:0:' >"$rootfs/etc/group"
fi
export STACK_ROOT=$root/build/default/state STACK_RUN_ROOT=/run/stack-up-example
if ! "$stack" image inspect busybox:stack >/dev/null 2>&1; then
  echo
  echo "\$ tar -C build/default/busybox-rootfs -c . | stack image import -c 'CMD [\"sh\"]' - busybox:stack"
  tar -C "$rootfs" -c . | "$stack" image import -c 'CMD ["sh"]' - busybox:stack
fi
echo
echo "\$ stack image ls"
"$stack" image ls
echo
echo "\$ stack container run --rm --hostname demo --memory 64m busybox:stack sh -c '...'"
"$stack" container run --rm --hostname demo --memory 64m busybox:stack \
  sh -c 'echo "hello from container $(hostname): I am PID $$ of $(ls /proc | grep -c "^[0-9]") processes I can see, user $(id -un)"'
