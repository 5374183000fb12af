#!/usr/bin/env bash
# debian:bookworm-slim in stack's image store, made offline-style from Debian's mirror:
# `debootstrap --variant=minbase bookworm` into a temporary directory, packed once into
# a cached tarball, then `stack image import`ed. Nothing happens when the image is there.
#
#   scripts/debian-base.sh [STACK_BIN]     (default: build/default/stack)
#
# The cache is $STACK_BASE_CACHE (default /var/cache/stack/bookworm-minbase.tar.gz); the
# mirror is $DEBIAN_MIRROR (default http://deb.debian.org/debian). The image's state root
# is stack's own (STACK_ROOT, --root), as for every stack command.
set -euo pipefail

STACK=$(realpath "${1:-build/default/stack}")
IMAGE=debian:bookworm-slim
CACHE=${STACK_BASE_CACHE:-/var/cache/stack/bookworm-minbase.tar.gz}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if "$STACK" image inspect "$IMAGE" >/dev/null 2>&1; then exit 0; fi
if [[ ! -s $CACHE ]]; then
  command -v debootstrap >/dev/null || { echo "debootstrap is not installed (scripts/install-deps.sh)" >&2; exit 1; }
  work=$(mktemp -d "${TMPDIR:-/tmp}/stack-debootstrap.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  echo "Making $IMAGE with debootstrap from $MIRROR (once; cached in $CACHE)" >&2
  debootstrap --variant=minbase bookworm "$work/rootfs" "$MIRROR" >"$work/log" 2>&1 ||
    { tail -20 "$work/log" >&2; exit 1; }
  # What the slim image leaves out: package lists and caches (apt-get update brings them back).
  rm -rf "$work/rootfs"/var/lib/apt/lists/* "$work/rootfs"/var/cache/apt/*.bin "$work/rootfs"/var/cache/apt/archives/*.deb
  mkdir -p "$(dirname "$CACHE")"
  tar -C "$work/rootfs" --numeric-owner -czf "$CACHE.partial" .
  mv "$CACHE.partial" "$CACHE"
fi
"$STACK" image import -c 'CMD ["bash"]' -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  "$CACHE" "$IMAGE" >/dev/null
echo "$IMAGE imported" >&2
