#!/usr/bin/env bash
# End-to-end checks of `stack container ...` as root, on a busybox root filesystem made
# from Debian's busybox-static, under temporary state roots.
#
#   tests/e2e/container_cli.sh STACK_BIN
#
# Prints "ok - <name>" / "not ok - <name>" per check, then "N passed, N failed"; exits 1
# when a check failed. Everything it makes (containers, shims, cgroups, files) is removed
# at the end, and the last checks prove nothing of it is left.
set -uo pipefail

if (($# != 1)); then
  echo "usage: $0 STACK_BIN" >&2
  exit 2
fi
STACK=$(realpath "$1")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stack-e2e-container.XXXXXX")
export STACK_ROOT=$TMP/root STACK_RUN_ROOT=$TMP/run
PARENT=stack-e2e-$$

cleanup() {
  remove_test_containers
  rm -rf "$TMP"
}
trap cleanup EXIT

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

R=$TMP/busybox
make_busybox_rootfs "$R"
RUN=(container run --cgroup-parent "$PARENT")

# --- run -----------------------------------------------------------------------------
st "${RUN[@]}" --rootfs "$R" sh -c 'echo hello; echo oops >&2; exit 3'
check "run prints the container's stdout and stderr and exits with its code" \
  test "$rc" = 3 -a "$(cat "$TMP/out")" = hello -a "$(cat "$TMP/err")" = oops
st container ls -aq
check "a run without --rm keeps the exited container" test "$(wc -l <"$TMP/out")" = 1
"$STACK" container ls -aq | xargs -r "$STACK" container rm >/dev/null

st "${RUN[@]}" --rm --rootfs "$R" true
st "${RUN[@]}" --rm --rootfs "$R" true
st container ls -aq
check "run --rm leaves no container" out_is ""

st "${RUN[@]}" --rootfs "$R" nginx
check "a missing executable is docker's message and exit code 127" \
  eval '[[ $rc == 127 ]] && err_has "exec: \"nginx\": executable file not found in \$PATH"'
st "${RUN[@]}" --memory 12q --rootfs "$R" true
check "a bad flag value names the flag and exits 125" eval '[[ $rc == 125 ]] && err_has "--memory"'

st container run --rootfs "$TMP/nope" true
check "a missing root filesystem is an error" eval '[[ $rc != 0 ]] && err_has "not a directory"'

echo hi | "$STACK" "${RUN[@]}" --rm -i --rootfs "$R" cat >"$TMP/out" 2>"$TMP/err"
check "run -i passes stdin to the container" out_is hi

# --- detached life cycle -----------------------------------------------------------------
st "${RUN[@]}" -d --name web --rootfs "$R" sh -c 'trap "echo bye; exit 0" TERM; echo ready; while true; do sleep 0.1; done'
check "run -d prints the full id" eval '[[ $rc == 0 && $(cat "$TMP/out") =~ ^[0-9a-f]{64}$ ]]'
id=$(cat "$TMP/out")
st container ls
check "ls shows the running container with docker's columns" \
  eval 'out_has "CONTAINER ID" && out_has "${id:0:12}" && out_has "Up " && out_has web'
st container ls --filter name=web --filter status=running -q
check "ls --filter keeps what matches every filter" out_is "${id:0:12}"
st container ls --filter name=nothing-like-it -q
check "ls --filter leaves out what does not match" out_is ""
st container ls --filter name=web --format 'table {{.Names}}\t{{.State}}'
check "ls --format 'table TEMPLATE' prints docker's titles, then the columns" out_is "NAMES   STATE
web     running"
eventually grep -q ready "$STACK_ROOT/containers/$id/$id-json.log"
st container logs web
check "logs prints what the container wrote" out_is ready
st container logs -t web
check "logs -t prefixes the time" eval 'grep -Eq "^20[0-9-]+T[0-9:.]+Z ready$" "$TMP/out"'
st container exec web sh -c 'echo $((6*7)); hostname'
check "exec runs in the container, with its hostname" eval '[[ $(head -1 "$TMP/out") == 42 && $(tail -1 "$TMP/out") == ${id:0:12} ]]'
st container exec web cat /etc/hostname
check "the mount points of /etc come from the init layer: the container's own layer is still empty" \
  eval '[[ $(cat "$TMP/out") == "${id:0:12}" && -d $STACK_ROOT/containers/$id/diff && -z $(ls -A "$STACK_ROOT/containers/$id/diff") ]]'
st container exec web sh -c 'exit 4'
check "exec passes the exit code through" test "$rc" = 4
st container top web
check "top lists the container's processes" eval 'out_has "UID" && out_has "while true"'
st container inspect -f '{{.State.Status}} {{.Name}} {{.Config.Hostname}}' web
check "inspect renders templates" out_is "running /web ${id:0:12}"
st container pause web
st container inspect -f '{{.State.Status}}' web
check "pause freezes it" out_is paused
st container unpause web
st container inspect -f '{{.State.Status}}' web
check "unpause thaws it" out_is running
st container rm web
check "rm refuses a running container" eval '[[ $rc != 0 ]] && err_has "container is running"'
st container stop web
check "stop prints the name and the container exits on its stop signal" out_is web
st container inspect -f '{{.State.Status}} {{.State.ExitCode}}' web
check "the stopped container is exited with the code it chose" out_is "exited 0"
st container logs web
check "logs keep the output across the stop" eval 'out_has ready && out_has bye'
st container start web
st container inspect -f '{{.State.Status}}' web
check "start runs it again" out_is running
st container restart -t 5 web
st container inspect -f '{{.State.Status}}' web
check "restart leaves it running" out_is running
st container wait web &
sleep 0.2
"$STACK" container kill web >/dev/null
wait
check "wait returns the exit code once it is killed" out_is 137
st container rm web
check "rm removes a stopped container" out_is web

# --- a killed shim -----------------------------------------------------------------------
st "${RUN[@]}" -d --name orphan --rootfs "$R" sleep 600
shim=$("$STACK" container inspect -f '{{.State.ShimPid}}' orphan)
pid=$("$STACK" container inspect -f '{{.State.Pid}}' orphan)
kill -KILL "$shim"
eventually test ! -d "/proc/$shim/task" || true
st container ls
check "a killed shim leaves the container running and ls reports it" \
  eval '! gone "$pid" && out_has orphan && out_has "Up "'
st container stop -t 1 orphan
check "stop still stops it without its shim" eval '[[ $rc == 0 ]] && gone "$pid"'
st container inspect -f '{{.State.Status}}' orphan
check "and records it exited" out_is exited
st container rm orphan

# --- restart policy through the CLI ----------------------------------------------------------
st "${RUN[@]}" -d --name flaky --restart on-failure:2 --rootfs "$R" sh -c 'exit 1'
eventually eval '[[ $("$STACK" container inspect -f "{{.State.Status}}" flaky) == exited ]]'
st container inspect -f '{{.RestartCount}}' flaky
check "--restart on-failure:2 restarts twice" out_is 2
st container rm -f flaky

# --- process settings, follow ---------------------------------------------------------------
echo 'FROM_FILE=yes' >"$TMP/env"
st "${RUN[@]}" --rm -e A=1 --env-file "$TMP/env" -w /tmp -u 65534:65534 --rootfs "$R" \
  sh -c 'echo "$A $FROM_FILE $(pwd) $(id -u):$(id -g)"'
check "run applies -e, --env-file, -w and -u" out_is "1 yes /tmp 65534:65534"
st "${RUN[@]}" -d --name follow --rootfs "$R" sh -c 'for i in 1 2 3; do echo line-$i; sleep 0.2; done'
st container logs -f follow
check "logs -f follows until the container exits" out_is "line-1
line-2
line-3"
st container exec follow true
check "exec into an exited container is refused" eval '[[ $rc != 0 ]] && err_has "is not running"'
st container rm follow
st "${RUN[@]}" -d --name workdir --rootfs "$R" sleep 60
st container exec -w /etc -u 65534 -e B=2 workdir sh -c 'echo "$(pwd) $(id -u) $B"'
check "exec applies -w, -u and -e" out_is "/etc 65534 2"
st container rm -f workdir

# --- names, init, terminals -------------------------------------------------------------
st "${RUN[@]}" -d --name dup --rootfs "$R" sleep 60
st "${RUN[@]}" -d --name dup --rootfs "$R" sleep 60
check "a name in use is docker's conflict error, exit 125" \
  eval '[[ $rc == 125 ]] && err_has "Conflict. The container name \"/dup\" is already in use"'
st container rm -f dup
st "${RUN[@]}" --rm --name dup --rootfs "$R" true
check "a removed container's name can be taken again" test "$rc" = 0
st "${RUN[@]}" --rm --init --rootfs "$R" sh -c 'tr "\0" " " </proc/1/cmdline'
check "--init runs the command under tini as PID 1" out_is "/sbin/docker-init -- sh -c tr \"\\0\" \" \" </proc/1/cmdline "
st "${RUN[@]}" --rm -t --rootfs "$R" sh -c 'test -t 0 && test -t 1 && echo tty; stty size; tty'
check "-t gives the container a terminal of its own /dev/pts (80x24 by default)" \
  eval 'grep -q "^tty" "$TMP/out" && grep -q "^24 80" "$TMP/out" && grep -q "^/dev/pts/0" "$TMP/out"'
st "${RUN[@]}" -d --name term --rootfs "$R" sleep 60
script -qec "$STACK container exec -it term sh -c 'test -t 0 && echo exec-tty; tty; exit 6'" /dev/null >"$TMP/out" 2>"$TMP/err" </dev/null
rc=$?
check "exec -it runs the command on a terminal and passes its exit code" \
  eval 'grep -q exec-tty "$TMP/out" && grep -q "/dev/pts/[0-9]" "$TMP/out" && [[ $rc == 6 ]]'
st container rm -f term

st "${RUN[@]}" -d --name probe --health-cmd 'wget -qO- http://127.0.0.1:8080/ok' --health-interval 100ms \
  --health-retries 2 --rootfs "$R" sh -c 'mkdir /www; echo fine >/www/ok; httpd -f -p 8080 -h /www'
healthy() { [[ $("$STACK" container inspect -f '{{.State.Health.Status}}' probe) == healthy ]]; }
check "a healthcheck over the container's own loopback turns it healthy" eventually healthy
st container ls
check "ls shows the health" out_has "(healthy)"
st container rm -f probe

# --- nothing left ----------------------------------------------------------------------
"$STACK" container ls -aq | xargs -r "$STACK" container rm -f >/dev/null 2>&1
st container ls -aq
check "every container is gone" out_is ""
left=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 3 -path "*/$PARENT/*" -type d 2>/dev/null)
check "no container cgroup is left" test -z "$left"
check "no mount of the test's files is left" eval '! grep -qF "$TMP" /proc/self/mountinfo'
check "no shim is left" eval '! pgrep -f "stack-shim --id .* --root $STACK_ROOT" >/dev/null'

summary
