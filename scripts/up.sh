#!/usr/bin/env bash
# THE main command: installs dependencies, builds stack, stack-shim and stack-dns (default
# preset), makes the base image debian:bookworm-slim (scripts/debian-base.sh: debootstrap
# from Debian's mirror, once, cached), then brings up the LNMP blog of examples/lnmp with
# `stack up -d --wait`: stack builds its nginx, php-fpm and MariaDB images from their
# Dockerfiles (Debian's packages, installed through the build network's NAT), starts
# MariaDB with a named volume and waits until it is healthy, then php-fpm and nginx,
# published on port 8080 (LNMP_PORT). The first run takes minutes (package downloads);
# later ones reuse the build cache.
#
#   ./scripts/up.sh          # then open http://127.0.0.1:8080/
#   LNMP_PORT=9090 ./scripts/up.sh
#
# It uses the default state roots (/var/lib/stack, /run/stack), so that `stack ps`,
# `stack logs`, `stack down` work afterwards in examples/lnmp. Needs root.
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

scripts/debian-base.sh "$stack"

cd examples/lnmp
echo
echo "\$ cd examples/lnmp && stack up -d --wait"
"$stack" up -d --wait --wait-timeout 900
echo
echo "\$ stack ps"
"$stack" ps
port=${LNMP_PORT:-8080}
echo
echo "\$ curl http://127.0.0.1:$port/"
# --wait means running: nginx may take a moment more to listen.
for _ in $(seq 60); do curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && break; sleep 0.5; done
curl -fsS "http://127.0.0.1:$port/"
echo
echo "The blog is up: http://127.0.0.1:$port/"
echo "In examples/lnmp (with $root/build/default on PATH): stack ps, stack logs -f nginx,"
echo "stack restart php, stack exec db mariadb -ublog -psecret blog, stack down (-v also removes the posts)."
