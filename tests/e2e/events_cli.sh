#!/usr/bin/env bash
# End-to-end checks of `stack events` as root: followers started before `up -d`, then
# stop, start, restart, exec, pause, unpause, kill and down; the events written by stack and by the shims (die, restarts
# of a `restart: always` service) must reach them in order, in compose's json and text
# formats, filtered by service, and --until must end a reading by itself.
#
#   tests/e2e/events_cli.sh STACK_BIN
#
# Prints "ok - <name>" / "not ok - <name>" per check, then "N passed, N failed"; exits 1
# when a check failed. Everything it makes is removed at the end.
set -uo pipefail

if (($# != 1)); then
  echo "usage: $0 STACK_BIN" >&2
  exit 2
fi
STACK=$(realpath "$1")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stack-e2e-events.XXXXXX")
export STACK_ROOT=$TMP/root STACK_RUN_ROOT=$TMP/run
export PARENT=stack-e2e-events-$$
P=e2eevents$$
followers=()

cleanup() {
  local pid
  for pid in "${followers[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  [[ -d $TMP/proj ]] && (cd "$TMP/proj" && "$STACK" -p "$P" down -v --remove-orphans -t 0 >/dev/null 2>&1)
  remove_test_containers
  rm -rf "$TMP"
}
trap cleanup EXIT

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

R=$TMP/busybox
make_busybox_rootfs "$R"
tar -C "$R" -c . | "$STACK" image import -c 'CMD ["sh"]' - stk-e2e-busybox:1 >/dev/null || exit 1

mkdir -p "$TMP/proj"
cd "$TMP/proj" || exit 1
cat >compose.yaml <<YAML
name: $P
services:
  web:
    image: stk-e2e-busybox:1
    cgroup_parent: \${PARENT}
    stop_signal: SIGKILL
    command: ["sleep", "600"]
  flap:
    image: stk-e2e-busybox:1
    cgroup_parent: \${PARENT}
    stop_signal: SIGKILL
    command: ["sh", "-c", "exit 3"]
    restart: always
YAML

# follow NAME ARGS...: `stack events ARGS` in the background, its output in $TMP/NAME.
follow() {
  local name=$1
  shift
  "$STACK" events "$@" >"$TMP/$name" 2>"$TMP/$name.err" </dev/null &
  followers+=($!)
}
# actions FILE ID: the actions of container ID in a json events file, space-separated.
actions() {
  python3 -c '
import json, sys
print(" ".join(e["action"] for e in map(json.loads, open(sys.argv[1])) if e["id"] == sys.argv[2]))' "$1" "$2"
}
# event_field FILE ID ACTION EXPR: EXPR (python, over the event e) of ID's first ACTION event
# (a tuple printed space-separated).
event_field() {
  python3 -c '
import json, sys
for e in map(json.loads, open(sys.argv[1])):
    if e["id"] == sys.argv[2] and e["action"] == sys.argv[3]:
        r = eval(sys.argv[4])
        print(*(r if isinstance(r, tuple) else (r,))); break' "$1" "$2" "$3" "$4"
}

since=$(date +%s.%N)
follow json --json --since "$since"
json_pid=${followers[-1]}
follow text  # from now on: it began long before `down`, whose events are checked
text_pid=${followers[-1]}
follow flap-only --json --since "$since" flap

st up -d
check "up -d succeeds" eval '[[ $rc == 0 ]]'
web=$("$STACK" ps -aq web)
flap=$("$STACK" ps -aq flap)
check "the restart: always container died and was started again by its shim" \
  eventually eval '[[ $(actions "$TMP/json" "$flap") == "create start die start"* ]]'
check "its die event carries the exit code" eval '[[ $(event_field "$TMP/json" "$flap" die "e[\"attributes\"][\"exitCode\"]") == 3 ]]'

st stop web
st start web
st restart web
check "restart restarts web" eval '[[ $rc == 0 ]]'
st exec -T web sh -c 'exit 4'
check "exec runs in web" eval '[[ $rc == 4 ]]'
st pause web
st unpause web
check "pause and unpause succeed" eval '[[ $rc == 0 ]]'
st kill web
check "kill kills web" eval '[[ $rc == 0 ]]'
st down -t 0
check "down removes the project" eval '[[ $rc == 0 && -z $("$STACK" ps -aq) ]]'

want="create start kill die stop start kill die stop start restart exec_create: sh -c exit 4 exec_start: sh -c exit 4 exec_die pause unpause kill die destroy"
check "web's events arrive in order: up, stop, start, restart, exec, pause, unpause, kill, down" \
  eventually eval '[[ $(actions "$TMP/json" "$web") == "$want" ]]'
check "a json event names its service, its container and the signal or exit code" eval '
  [[ $(event_field "$TMP/json" "$web" kill "e[\"service\"], e[\"type\"], e[\"attributes\"][\"signal\"]") == "web container 9" &&
     $(event_field "$TMP/json" "$web" die "e[\"attributes\"][\"name\"], e[\"attributes\"][\"image\"], e[\"attributes\"][\"exitCode\"]") == "$P-web-1 stk-e2e-busybox:1 137" ]]'
check "exec_die carries the command's exit code" \
  eval '[[ $(event_field "$TMP/json" "$web" exec_die "e[\"attributes\"][\"exitCode\"]") == 4 ]]'
check "the project's own labels are not among the attributes" eval '! grep -q "stack\\." "$TMP/json"'
check "json times are RFC 3339 with nanoseconds" \
  eval '[[ $(event_field "$TMP/json" "$web" create "e[\"time\"]") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$ ]]'
check "a service filter keeps only that service's events" \
  eval '[[ -s $TMP/flap-only ]] && ! grep -q "\"service\":\"web\"" "$TMP/flap-only" && grep -q "\"service\":\"flap\"" "$TMP/flap-only"'
text_line="^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} container destroy $web \(.*image=stk-e2e-busybox:1.*name=$P-web-1.*\)$"
check "the text format is compose's: time, container, action, id, (attributes)" \
  eventually grep -qE "$text_line" "$TMP/text"

kill -INT "$json_pid"
wait "$json_pid"
json_rc=$?
check "Ctrl-C ends a follower with 130" eval '[[ $json_rc == 130 ]]'
kill -INT "$text_pid"
wait "$text_pid"

st events --json --since "$since" --until "$(date +%s.%N)"
check "--until ends the reading by itself with the same events" \
  eval '[[ $rc == 0 && $(actions "$TMP/out" "$web") == "$want" ]]'

for pid in "${followers[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
followers=()
st container ls -aq
check "no container is left" out_is ""
check "no process of the test's containers is left" eval '! pgrep -f "$STACK_RUN_ROOT" >/dev/null'

summary
