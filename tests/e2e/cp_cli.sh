#!/usr/bin/env bash
# End-to-end checks of `stack container cp` and `stack cp` as root: both directions, running
# and stopped containers, tar streams, a named volume, a compose project with replicas, and
# the errors a user can cause, on a busybox root filesystem under temporary state roots.
#
#   tests/e2e/cp_cli.sh STACK_BIN
#
# Prints "ok - <name>" / "not ok - <name>" per check, then "N passed, N failed"; exits 1
# when a check failed. Everything it makes is removed at the end, and the last checks
# prove nothing of it is left (container, volume, mount, shim).
set -uo pipefail

if (($# != 1)); then
  echo "usage: $0 STACK_BIN" >&2
  exit 2
fi
STACK=$(realpath "$1")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stack-e2e-cp.XXXXXX")
export STACK_ROOT=$TMP/root STACK_RUN_ROOT=$TMP/run
export PARENT=stack-e2e-cp-$$
P=e2ecp$$

cleanup() {
  [[ -d $TMP/proj ]] && (cd "$TMP/proj" && "$STACK" -p "$P" down -v -t 0 >/dev/null 2>&1)
  remove_test_containers
  "$STACK" volume ls -q 2>/dev/null | xargs -r "$STACK" volume rm -f >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

R=$TMP/busybox
make_busybox_rootfs "$R"
mkdir -p "$R/etc/conf.d" "$R/srv" && echo from-image >"$R/etc/conf.d/a.conf" && ln -s conf.d/a.conf "$R/etc/a-link"
ln -s /srv "$R/linked"
RUN=(container run --cgroup-parent "$PARENT")
H=$TMP/host
mkdir -p "$H/tree/sub"
echo hello >"$H/file.txt"
echo deep >"$H/tree/sub/deep.txt"
echo top >"$H/tree/top.txt"
chown 1234:5678 "$H/file.txt"

# --- host -> running container ---------------------------------------------------------------
st "${RUN[@]}" -d --name box -v data:/data --rootfs "$R" sleep 600
in_box() { "$STACK" container exec box sh -c "$1" 2>/dev/null; }
st container cp "$H/file.txt" box:/tmp/
check "a file copied into a running container's directory keeps its name, owned by root" \
  eval '[[ $rc == 0 && $(in_box "cat /tmp/file.txt; stat -c %u:%g /tmp/file.txt") == "hello
0:0" ]]'
check "the copy prints docker's summary on stderr" err_has "Successfully copied 2.05kB to box:/tmp/"
st container cp -a "$H/file.txt" box:/tmp/owned.txt
check "-a keeps the uid/gid and a missing destination takes its name" \
  eval '[[ $rc == 0 && $(in_box "stat -c %u:%g /tmp/owned.txt") == 1234:5678 ]]'
st container cp "$H/tree" box:/tmp/newtree
check "a directory to a missing path is made as that path" \
  eval '[[ $rc == 0 && $(in_box "cat /tmp/newtree/sub/deep.txt /tmp/newtree/top.txt") == "deep
top" ]]'
st container cp "$H/tree" box:/tmp/newtree
check "a directory into an existing directory goes in under its own name" eval '[[ $rc == 0 && $(in_box "cat /tmp/newtree/tree/top.txt") == top ]]'
st container cp "$H/tree/." box:/tmp/
check "SRC/. copies the directory's content" eval '[[ $rc == 0 && $(in_box "cat /tmp/top.txt") == top ]]'
st container cp "$H/file.txt" box:/data/
check "a path under a named volume reaches the volume" \
  eval '[[ $rc == 0 && $(cat "$STACK_ROOT/volumes/data/_data/file.txt") == hello ]]'

# --- running container -> host ----------------------------------------------------------------
in_box 'mkdir -p /srv/site/css && echo body >/srv/site/index.html && echo red >/srv/site/css/a.css'
st container cp box:/srv/site/index.html "$TMP/out1.html"
check "a file out of a running container" eval '[[ $rc == 0 && $(cat "$TMP/out1.html") == body ]]'
check "the summary names the host path" err_has "to $TMP/out1.html"
mkdir -p "$TMP/got"
st container cp box:/srv/site "$TMP/got"
check "a directory out into an existing host directory" eval '[[ $rc == 0 && $(cat "$TMP/got/site/css/a.css") == red ]]'
st container cp box:/srv/site/. "$TMP/got"
check "its content with /." eval '[[ $rc == 0 && $(cat "$TMP/got/index.html") == body ]]'
st container cp box:srv/site "$TMP/site-copy"
check "a relative container path is relative to its root; a missing host path becomes the copy" \
  eval '[[ $rc == 0 && $(cat "$TMP/site-copy/index.html") == body ]]'
st container cp box:/etc/a-link "$TMP/link-copy"
check "a symlink is copied as a symlink" eval '[[ $rc == 0 && $(readlink "$TMP/link-copy") == conf.d/a.conf ]]'
st container cp -L box:/etc/a-link "$TMP/followed"
check "-L copies what the link points to" eval '[[ $rc == 0 && ! -L $TMP/followed && $(cat "$TMP/followed") == from-image ]]'

# --- tar streams ------------------------------------------------------------------------------
"$STACK" container cp box:/srv/site - >"$TMP/site.tar" 2>"$TMP/err"
rc=$?
check "'-' writes a tar of the source to stdout and no summary" \
  eval '[[ $rc == 0 && ! -s $TMP/err ]] && tar -tf "$TMP/site.tar" | has -x "site/css/a.css"'
tar -C "$H" -cf - tree | "$STACK" container cp - box:/srv >"$TMP/out" 2>"$TMP/err"
rc=$?
check "'-' reads a tar from stdin into a directory" eval '[[ $rc == 0 && $(in_box "cat /srv/tree/sub/deep.txt") == deep ]]'
echo not-a-tar | "$STACK" container cp - box:/srv >"$TMP/out" 2>"$TMP/err"
rc=$?
check "stdin that is no tar is an error" eval '[[ $rc == 1 ]] && err_has "not a tar archive"'
st container cp - box:/etc/passwd
check "'-' into a file is refused as docker does" eval '[[ $rc == 1 ]] && err_has "destination \"box:/etc/passwd\" must be a directory"'

# --- stopped container ------------------------------------------------------------------------
st container stop -t 0 box
st container cp "$H/file.txt" box:/srv/site/stopped.txt
check "a file into a stopped container" eval '[[ $rc == 0 ]]'
st container cp box:/srv/site/stopped.txt "$TMP/stopped-back.txt"
check "and back out of it" eval '[[ $rc == 0 && $(cat "$TMP/stopped-back.txt") == hello ]]'
st container cp box:/etc/conf.d "$TMP/from-image"
check "a stopped container shows its image's layers below its changes" eval '[[ $rc == 0 && $(cat "$TMP/from-image/a.conf") == from-image ]]'
st container cp box:/data/file.txt "$TMP/from-volume.txt"
check "a stopped container's volume path reaches the volume" eval '[[ $rc == 0 && $(cat "$TMP/from-volume.txt") == hello ]]'
st container cp "$H/tree" box:/data/tree2
check "a copy into a stopped container's volume lands in the volume" \
  eval '[[ $rc == 0 && -f $STACK_ROOT/volumes/data/_data/tree2/top.txt ]]'
st container start box
check "the container starts again and sees what was copied while it was stopped" \
  eval '[[ $(in_box "cat /srv/site/stopped.txt /data/tree2/top.txt") == "hello
top" ]]'
# A start while a copy into the stopped container is under way waits for the copy (its
# shim would otherwise mount the upper directory a second time beside the copy's overlay).
st container stop -t 0 box
lock=$STACK_ROOT/containers/$("$STACK" container inspect -f '{{.Id}}' box)  # the shim lock: a flock on this directory
mkfifo "$TMP/tar.fifo"
"$STACK" container cp - box:/srv <"$TMP/tar.fifo" >/dev/null 2>"$TMP/cp.err" &
cp_pid=$!
exec 7>"$TMP/tar.fifo"
for _ in $(seq 100); do flock -n "$lock" true || break; sleep 0.05; done  # until the copy holds it
"$STACK" container start box >/dev/null 2>&1 &
start_pid=$!
sleep 0.5
waited=no
kill -0 "$start_pid" 2>/dev/null && [[ $("$STACK" container inspect -f '{{.State.Status}}' box) != running ]] && waited=yes
tar -C "$H" -cf - tree >&7
exec 7>&-
wait "$cp_pid"
cp_rc=$?
wait "$start_pid"
start_rc=$?
check "a start during a copy into the stopped container waits for the copy, then shows it" \
  eval '[[ $waited == yes && $cp_rc == 0 && $start_rc == 0 && $(in_box "cat /srv/tree/sub/deep.txt") == deep ]]'
st container create --cgroup-parent "$PARENT" --name fresh --rootfs "$R" true
st container cp fresh:/etc/conf.d/a.conf "$TMP/fresh.conf"
check "a created, never started container is copied from too" eval '[[ $rc == 0 && $(cat "$TMP/fresh.conf") == from-image ]]'
st container create --cgroup-parent "$PARENT" --name vialink -v data:/linked/vol --rootfs "$R" true
st container cp vialink:/srv/vol/file.txt "$TMP/via-link.txt"
check "a stopped container's volume mounted through an image symlink is found where it would be mounted" \
  eval '[[ $rc == 0 && $(cat "$TMP/via-link.txt") == hello ]]'
st container create --cgroup-parent "$PARENT" --name frozen --read-only --rootfs "$R" true
st container cp "$H/file.txt" frozen:/tmp/
check "a stopped container with a read-only root is not written" \
  eval '[[ $rc == 1 ]] && err_has "container rootfs is marked read-only"'

# --- errors -----------------------------------------------------------------------------------
st container cp box:/nope "$TMP/x"
check "a missing source is docker's message, exit 1" eval '[[ $rc == 1 ]] && err_has "Could not find the file /nope in container box"'
st container cp nosuch:/etc "$TMP/x"
check "a missing container is named, exit 1" eval '[[ $rc == 1 ]] && err_has "No such container: nosuch"'
st container cp "$H/tree" box:/etc/passwd
check "a directory onto a file is refused" eval '[[ $rc == 1 ]] && err_has "cannot overwrite non-directory"'
st container cp "$H/file.txt" box:/no/such/dir/x
check "a missing parent of the destination is refused" eval '[[ $rc == 1 ]] && err_has "no such directory"'
st container cp box:/etc/passwd "$TMP/missing/dir/x"
check "a missing parent on the host too" eval '[[ $rc == 1 ]] && err_has "no such directory"'
st container cp box:/etc/passwd box:/tmp/x
check "two containers are refused" eval '[[ $rc == 1 ]] && err_has "copying between containers is not supported"'
st container cp "$H/file.txt" "$TMP/y"
check "no container is refused" eval '[[ $rc == 1 ]] && err_has "must specify at least one container source"'
st container cp "$H/nothing" box:/tmp/
check "a missing host source is named" eval '[[ $rc == 1 ]] && err_has "no such file or directory: $H/nothing"'
st container rm -f box fresh frozen vialink

# --- compose: stack cp ------------------------------------------------------------------------
mkdir -p "$TMP/proj"
cd "$TMP/proj" || exit 1
tar -C "$R" -c . | "$STACK" image import -c 'CMD ["sh"]' - stk-e2e-cp-busybox:1 >/dev/null || exit 1
cat >compose.yaml <<YAML
name: $P
services:
  web:
    image: stk-e2e-cp-busybox:1
    cgroup_parent: \${PARENT}
    stop_signal: SIGKILL
    command: ["sleep", "600"]
    deploy: {replicas: 2}
YAML
st up -d
in_web() { "$STACK" exec -T --index "$1" web sh -c "$2" 2>/dev/null; }
st cp "$H/file.txt" web:/tmp/
check "stack cp into a service copies to every replica" \
  eval '[[ $rc == 0 && $(in_web 1 "cat /tmp/file.txt") == hello && $(in_web 2 "cat /tmp/file.txt") == hello ]]'
check "and reports each container as compose does" eval 'err_has "$P-web-1" && err_has "Copied"'
st cp --index 2 "$H/tree" web:/tmp/only2
check "--index copies into that replica only" \
  eval '[[ $rc == 0 && $(in_web 2 "cat /tmp/only2/top.txt") == top && -z $(in_web 1 "ls /tmp/only2") ]]'
in_web 2 'echo second >/tmp/which'
in_web 1 'echo first >/tmp/which'
st cp web:/tmp/which "$TMP/which"
check "stack cp out of a service reads its first replica" eval '[[ $rc == 0 && $(cat "$TMP/which") == first ]]'
st cp --index 2 web:/tmp/which "$TMP/which2"
check "--index reads that replica" eval '[[ $rc == 0 && $(cat "$TMP/which2") == second ]]'
st cp nosvc:/tmp "$TMP/z"
check "an unknown service is an error" eval '[[ $rc == 1 ]] && err_has "no such service: nosvc"'
st cp --index 5 web:/tmp "$TMP/z"
check "a replica that does not exist is an error" eval '[[ $rc == 1 ]] && err_has "is not running container #5"'
st down -t 0
cd "$TMP" || exit 1

# --- nothing left -----------------------------------------------------------------------------
"$STACK" volume rm -f data >/dev/null 2>&1
st container ls -aq
check "every container is gone" out_is ""
check "no mount of the test's files is left" eval '! grep -qF "$TMP" /proc/self/mountinfo'
check "no shim is left" eval '! pgrep -f "stack-shim --id .* --root $STACK_ROOT" >/dev/null'

summary
