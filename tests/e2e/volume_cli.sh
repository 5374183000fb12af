#!/usr/bin/env bash
# End-to-end checks of named volumes as root: `stack volume ...` and `container run -v
# NAME:/path`, on a busybox root filesystem, under temporary state roots.
#
#   tests/e2e/volume_cli.sh STACK_BIN
#
# Prints "ok - <name>" / "not ok - <name>" per check, then "N passed, N failed"; exits 1
# when a check failed. Every container, volume and mount it makes is removed at the end,
# and the last checks prove nothing of it is left.
set -uo pipefail

if (($# != 1)); then
  echo "usage: $0 STACK_BIN" >&2
  exit 2
fi
STACK=$(realpath "$1")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stack-e2e-volume.XXXXXX")
export STACK_ROOT=$TMP/root STACK_RUN_ROOT=$TMP/run
PARENT=stack-e2e-vol-$$

# Mount points under the test directory, deepest first (mountinfo escapes spaces: none here).
mounts_under_tmp() { awk -v t="$TMP/" 'index($5, t) == 1 {print $5}' /proc/self/mountinfo | sort -r; }
cleanup() {
  remove_test_containers
  "$STACK" volume ls -q 2>/dev/null | xargs -r "$STACK" volume rm -f >/dev/null 2>&1
  for m in $(mounts_under_tmp); do umount "$m"; done
  rm -rf "$TMP"
}
trap cleanup EXIT

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

R=$TMP/busybox
make_busybox_rootfs "$R"
RUN=(container run --cgroup-parent "$PARENT")
VOLS=$STACK_ROOT/volumes
is_mounted() { grep -qF " $1 " /proc/self/mountinfo; }
# json_get CODE: runs python CODE with j = the JSON document stack printed.
json_get() { python3 -c "import json,sys; j = json.load(sys.stdin); $1" <"$TMP/out"; }

# --- data outlives its containers --------------------------------------------------------
st "${RUN[@]}" --rm -v data:/data --rootfs "$R" sh -c 'echo hello >/data/f'
check "run -v NAME:/path makes the volume on first use" eval '[[ $rc == 0 && -d $VOLS/data/_data ]]'
st volume ls
check "volume ls lists it as docker does" out_is "$(printf 'DRIVER    VOLUME NAME\nlocal     data')"
st "${RUN[@]}" --rm -v data:/data --rootfs "$R" cat /data/f
check "data written to a volume survives the container's removal and a new container sees it" out_is hello

st "${RUN[@]}" --rm --mount type=volume,source=data,target=/m,readonly --rootfs "$R" sh -c 'cat /m/f; touch /m/x'
check "--mount type=volume binds the same volume, readonly honoured" \
  eval 'grep -qx hello "$TMP/out" && err_has "Read-only file system" && [[ ! -e $VOLS/data/_data/x ]]'
st "${RUN[@]}" --rm --mount "type=bind,source=$VOLS/data/_data,target=/b" --rootfs "$R" cat /b/f
check "--mount type=bind binds a host directory" out_is hello

st "${RUN[@]}" --rm -v data:/data:ro --rootfs "$R" sh -c 'echo x >/data/g'
check ":ro refuses writes" eval '[[ $rc == 1 ]] && err_has "Read-only file system" && [[ ! -e $VOLS/data/_data/g ]]'

st "${RUN[@]}" -v data:/data --name broken --rootfs "$R" nginx
check "a container that fails to start exits 127" test "$rc" = 127
check "a failed start neither deletes nor empties the volume" eval '[[ $(cat "$VOLS/data/_data/f") == hello ]]'
st container rm -f broken

# --- sharing, and removal refused while in use ---------------------------------------------
st "${RUN[@]}" -d --name c1 -v shared:/s --rootfs "$R" sh -c 'echo from-c1 >/s/a; exec sleep 600'
first_written() { [[ -e $VOLS/shared/_data/a ]]; }
eventually first_written
st "${RUN[@]}" --rm -v shared:/s --rootfs "$R" sh -c 'cat /s/a; echo from-c2 >/s/b'
check "a second container sees what the first wrote" out_is from-c1
st container exec c1 cat /s/b
check "and the first sees what the second wrote" out_is from-c2

st volume rm shared
check "removing a volume in use fails naming the container" \
  eval '[[ $rc == 1 ]] && err_has "Error response from daemon: remove shared: volume is in use - [c1]"'
check "and changes nothing" eval '[[ $(cat "$VOLS/shared/_data/a") == from-c1 ]]'
st volume rm -f shared
check "even with -f" eval '[[ $rc == 1 && -e $VOLS/shared/_data/b ]]'
st container rm -f c1
st volume rm shared
check "rm after the container is gone prints the name and removes it" eval '[[ $rc == 0 ]] && out_is shared && [[ ! -e $VOLS/shared ]]'

# --- volume create, inspect, ls ---------------------------------------------------------------
st volume create --label team=db -o type=tmpfs -o device=tmpfs -o o=size=1m scratch
check "volume create prints the name" eval '[[ $rc == 0 ]] && out_is scratch'
check "a typed volume is not mounted before a container needs it" eval '! is_mounted "$VOLS/scratch/_data"'
st volume inspect scratch
check "inspect shows docker's fields" eval '[[ $(json_get "v = j[0]; print(v[\"Name\"], v[\"Driver\"], v[\"Scope\"], v[\"Mountpoint\"], v[\"Labels\"][\"team\"], v[\"Options\"][\"type\"], v[\"Options\"][\"o\"], v[\"CreatedAt\"][10])") == "scratch local local $VOLS/scratch/_data db tmpfs size=1m T" ]]'
st volume create -o type=tmpfs -o device=tmpfs -o o=size=2m scratch
check "creating it again with other options is an error naming it" \
  eval '[[ $rc != 0 ]] && err_has "create scratch: volume already exists with different options"'
st volume create a
check "an invalid name is docker's error" eval '[[ $rc != 0 ]] && err_has "includes invalid characters for a local volume name"'
st volume inspect nope
check "inspect of a missing volume exits 1" eval '[[ $rc == 1 ]] && err_has "No such volume: nope"'
st volume ls --format json
check "ls --format json prints one object per volume" \
  eval '[[ $(python3 -c "import json,sys; print(*[json.loads(l)[\"Name\"] for l in sys.stdin])" <"$TMP/out") == "data scratch" ]]'

# --- a tmpfs-typed volume -------------------------------------------------------------------------
st "${RUN[@]}" --rm -v scratch:/t --rootfs "$R" sh -c 'dd if=/dev/zero of=/t/big bs=1024 count=2048'
check "a tmpfs volume honours its size" eval '[[ $rc != 0 ]] && err_has "No space left on device"'
check "it is mounted on its _data" eval 'is_mounted "$VOLS/scratch/_data" && [[ $(stat -f -c %T "$VOLS/scratch/_data") == tmpfs ]]'
check "and holds at most its size" eval '(( $(stat -c %s "$VOLS/scratch/_data/big") <= 1048576 ))'
st volume rm scratch
check "removing it unmounts it" eval '[[ $rc == 0 ]] && ! is_mounted "$VOLS/scratch/_data" && [[ ! -e $VOLS/scratch ]]'

# --- copy-up, nocopy, anonymous volumes ------------------------------------------------------------
mkdir -p "$R/srv/site" && echo '<h1>image</h1>' >"$R/srv/site/index.html" && chown -R 33:33 "$R/srv/site"
st "${RUN[@]}" --rm -v site:/srv/site --rootfs "$R" sh -c 'cat /srv/site/index.html; echo edited >/srv/site/index.html'
check "a new volume is first given what the image has there" out_is "<h1>image</h1>"
check "with the image's owners" eval '[[ $(stat -c %u:%g "$VOLS/site/_data/index.html") == 33:33 && $(stat -c %u "$VOLS/site/_data") == 33 ]]'
st "${RUN[@]}" --rm -v site:/srv/site --rootfs "$R" cat /srv/site/index.html
check "and never again: a later mount keeps the volume's content" out_is "edited"
st "${RUN[@]}" --rm -v bare:/srv/site:nocopy --rootfs "$R" ls -A /srv/site
check "nocopy leaves a new volume empty" eval '[[ $rc == 0 ]] && out_is ""'
st volume rm site bare
anonymous() { "$STACK" volume ls -q | grep -cE '^[0-9a-f]{64}$'; }
st "${RUN[@]}" --rm -v /srv/site --rootfs "$R" cat /srv/site/index.html
check "-v /path mounts a new anonymous volume, filled from the image" out_is "<h1>image</h1>"
check "run --rm removes the anonymous volume with the container" eval '[[ $(anonymous) == 0 ]]'
st container create --name anon -v /srv/site --rootfs "$R" true
check "create makes one anonymous volume" eval '[[ $(anonymous) == 1 ]]'
st container rm anon
check "rm without -v keeps it" eval '[[ $(anonymous) == 1 ]]'
"$STACK" volume ls -q | grep -E '^[0-9a-f]{64}$' | xargs "$STACK" volume rm >/dev/null
st container create --name anon -v /srv/site -v kept:/k --rootfs "$R" true
st container rm -v anon
check "rm -v removes the anonymous volume and keeps the named one" eval '[[ $(anonymous) == 0 ]] && "$STACK" volume inspect kept >/dev/null'
st volume rm kept
(cd "$R" && tar -c .) | "$STACK" image import -c 'VOLUME /srv/site' - stt-vol:img >/dev/null
st "${RUN[@]}" --rm stt-vol:img sh -c 'cat /srv/site/index.html; grep -c " /srv/site " /proc/self/mounts'
check "an image VOLUME gets an anonymous volume filled from the image" out_is "$(printf '<h1>image</h1>\n1')"
st "${RUN[@]}" --rm -v named:/srv/site stt-vol:img ls /srv/site
check "a -v on the VOLUME path replaces the anonymous volume" eval 'out_is "index.html" && [[ $(anonymous) == 0 ]]'
st volume rm named
st image rm stt-vol:img
rm -rf "$R/srv"

# --- ls filters ---------------------------------------------------------------------------------------
st volume create --label tier=db fa
st volume create fb
st container create --name fuser -v fa:/a --rootfs "$R" true
st volume ls -q --filter dangling=true
check "ls --filter dangling=true lists the volumes no container uses" out_is "$(printf 'data\nfb')"
st volume ls -q -f label=tier=db
check "ls --filter label=k=v" out_is "fa"
st volume ls -q -f name=fa -f name=fb
check "ls --filter values of one key are alternatives" out_is "$(printf 'fa\nfb')"
st volume ls -f dangling=maybe
check "a bad filter value is an error" eval '[[ $rc != 0 ]] && err_has "invalid filter '"'"'dangling=maybe'"'"'"'
st container rm fuser
st volume rm fa fb

# --- volumes-from --------------------------------------------------------------------------------
mkdir -p "$TMP/hostdir" && echo from-host >"$TMP/hostdir/h"
st container create --name vsrc -v vf:/data -v "$TMP/hostdir:/host:ro" --rootfs "$R" true
st "${RUN[@]}" --rm --volumes-from vsrc --rootfs "$R" sh -c 'echo shared >/data/y; cat /host/h'
check "volumes-from gives the source's volumes and binds at the same paths" eval 'out_is from-host && [[ $(cat "$VOLS/vf/_data/y") == shared ]]'
st "${RUN[@]}" --rm --volumes-from vsrc:ro --rootfs "$R" sh -c 'echo x >/data/z'
check "volumes-from :ro makes them read-only" eval '[[ $rc != 0 ]] && err_has "Read-only file system"'
st container create --name vuser --volumes-from vsrc --rootfs "$R" true
st container rm vsrc
st volume rm vf
check "a volume reached through volumes-from is in use by that container too" eval '[[ $rc != 0 ]] && err_has "vuser"'
st container rm vuser
st volume rm vf
st "${RUN[@]}" --rm --volumes-from vsrc:xx --rootfs "$R" true
check "a bad volumes-from mode is an error" eval '[[ $rc != 0 ]] && err_has "mode \"xx\" is not ro or rw"'

# --- tmpfs mounts ----------------------------------------------------------------------------------
st "${RUN[@]}" -d --name tmpc --network none --tmpfs /t:size=1m --rootfs "$R" sleep 1000
st container exec tmpc sh -c 'echo kept >/t/f; dd if=/dev/zero of=/t/big bs=64k count=32 2>&1; cat /t/f'
check "a tmpfs mount honours its size" eval 'out_has "No space left on device" && out_has kept'
st container restart -t 0 tmpc
st container exec tmpc ls /t
check "a tmpfs mount is empty again after a restart" out_is ""
st container rm -f tmpc

# --- prune ------------------------------------------------------------------------------------------
st volume create unused
st container create --name holder -v data:/data --rootfs "$R" true
st container rm "$("$STACK" container create -v /anon --rootfs "$R" true)"
st volume prune -f
check "prune removes unused anonymous volumes only" \
  eval 'out_has "Deleted Volumes:" && [[ $(anonymous) == 0 && -e $VOLS/unused ]]'
st volume prune -af
check "prune -a removes every unused volume" \
  eval 'out_is "$(printf "Deleted Volumes:\nunused\n\nTotal reclaimed space: 0B")" && [[ -e $VOLS/data/_data/f && ! -e $VOLS/unused ]]'
st container rm holder
echo n | "$STACK" volume prune -a >"$TMP/out" 2>"$TMP/err"
check "prune without -f asks first and does nothing on no" eval 'out_has "Are you sure you want to continue? [y/N]" && [[ -e $VOLS/data ]]'
st volume prune -a -f
check "prune counts the bytes it reclaimed" out_is "$(printf "Deleted Volumes:\ndata\n\nTotal reclaimed space: 6B")"

# --- nothing left ------------------------------------------------------------------------------------
st volume ls -q
check "every volume is gone" out_is ""
st container ls -aq
check "every container is gone" out_is ""
check "no mount of the test's files is left" eval '[[ -z $(mounts_under_tmp) ]]'

summary
