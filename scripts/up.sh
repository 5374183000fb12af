#!/usr/bin/env bash
# THE main command, until the LNMP example's images can be built (examples/lnmp needs
# `stack build`): installs dependencies, builds stack, stack-shim and stack-dns (default
# preset), imports a busybox image made from Debian's busybox-static (busybox:stack, once),
# then brings up examples/hello with `stack up -d --wait`: a page served by busybox httpd
# that counts its visits in a second service, reached by name through stack-dns, on a
# project bridge network, published on 127.0.0.1, the count kept in a named volume.
#
#   ./scripts/up.sh          # then: curl http://127.0.0.1:8080/cgi-bin/index
#   HELLO_PORT=9090 ./scripts/up.sh
#
# It uses the default state roots (/var/lib/stack, /run/stack), so that `stack ps`,
# `stack logs`, `stack down` work afterwards in examples/hello. Needs root.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
JOBS=${JOBS:-2}

scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j"$JOBS" --target stack stack-shim stack-dns

if [[ $(id -u) != 0 ]]; then
  echo "up.sh: containers need root; run it as root (or with sudo)" >&2
  exit 1
fi
stack=$root/build/default/stack

if ! "$stack" image inspect busybox:stack >/dev/null 2>&1; then
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,tmp}
  cp "$(command -v busybox)" "$rootfs/bin/busybox"
  for applet in $("$rootfs/bin/busybox" --list); do [[ $applet == busybox ]] || ln -sf busybox "$rootfs/bin/$applet"; done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
  echo 'root:x:0:' >"$rootfs/etc/group"
  echo "\$ tar -C <busybox rootfs> -c . | stack image import -c 'CMD [\"sh\"]' - busybox:stack"
  tar -C "$rootfs" -c . | "$stack" image import -c 'CMD ["sh"]' - busybox:stack
fi

cd examples/hello
echo
echo "\$ cd examples/hello && stack up -d --wait"
"$stack" up -d --wait
echo
echo "\$ stack ps"
"$stack" ps
port=${HELLO_PORT:-8080}
echo
echo "\$ curl http://127.0.0.1:$port/cgi-bin/index"
curl -fsS "http://127.0.0.1:$port/cgi-bin/index"
echo
echo "The example is up: http://127.0.0.1:$port/cgi-bin/index"
echo "In examples/hello (with $root/build/default on PATH): stack ps, stack logs -f web,"
echo "stack restart counter, stack exec web sh, stack down (-v also removes the visit count)."
