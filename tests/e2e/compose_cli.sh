#!/usr/bin/env bash
# End-to-end checks of the compose commands as root (`stack up|ps|logs|exec|stop|start|
# restart|down ...`) on a busybox project, under temporary state roots.
#
#   tests/e2e/compose_cli.sh STACK_BIN
#
# Prints "ok - <name>" / "not ok - <name>" per check, then "N passed, N failed"; exits 1
# when a check failed. Everything it makes is removed at the end, and the last checks
# prove that `down` left nothing (container, volume, cgroup, process).
set -uo pipefail

if (($# != 1)); then
  echo "usage: $0 STACK_BIN" >&2
  exit 2
fi
STACK=$(realpath "$1")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stack-e2e-compose.XXXXXX")
export STACK_ROOT=$TMP/root STACK_RUN_ROOT=$TMP/run
export PARENT=stack-e2e-compose-$$
P=e2ecompose$$

mounts_under_tmp() { awk -v t="$TMP/" 'index($5, t) == 1 {print $5}' /proc/self/mountinfo | sort -r; }
cleanup() {
  for d in "$TMP"/proj*; do [[ -d $d ]] && (cd "$d" && "$STACK" -p "$P" down -v --remove-orphans -t 0 >/dev/null 2>&1); done
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
tar -C "$R" -c . | "$STACK" image import -c 'CMD ["sh"]' - stk-e2e-busybox:1 >/dev/null || exit 1

# base: the start of every compose file here: the project's name and the settings all
# services share (the image, the cgroup parent cleaned up at the end, no stop grace).
base() {
  cat <<YAML
name: $P
x-base: &base
  image: stk-e2e-busybox:1
  cgroup_parent: \${PARENT}
  stop_signal: SIGKILL
YAML
}
mkdir -p "$TMP/proj"
cd "$TMP/proj" || exit 1
# The project: db becomes healthy once it wrote /data/ready, init writes /data/init and
# exits 0, web may start only after both (it says so in its log).
write_compose() {  # write_compose [EXTRA WEB ENVIRONMENT ENTRIES]
  base >compose.yaml
  cat >>compose.yaml <<YAML
services:
  db:
    <<: *base
    command: ["sh", "-c", "echo db-start; sleep 0.3; touch /data/ready; exec sleep 600"]
    healthcheck: {test: ["CMD", "test", "-e", "/data/ready"], interval: 100ms, retries: 100}
    volumes: [data:/data]
  init:
    <<: *base
    command: ["sh", "-c", "touch /data/init"]
    volumes: [data:/data]
  web:
    <<: *base
    command: ["sh", "-c", "[ -e /data/ready ] && [ -e /data/init ] && echo deps-ok; exec sleep 600"]
    environment: {A: "1"${1:-}}
    volumes: [data:/data, /anon]
    depends_on:
      db: {condition: service_healthy}
      init: {condition: service_completed_successfully}
volumes:
  data: {}
YAML
}
write_compose
ids() { "$STACK" ps -aq "$@" 2>/dev/null | sort; }

# --- up, ps, idempotence -------------------------------------------------------------------
st up -d
check "up -d brings the project up in dependency order" \
  eval '[[ $rc == 0 ]] && err_has "Container $P-web-1  Started" && err_has "Container $P-db-1  Healthy"'
check "web started only after db was healthy and init completed" eventually eval '"$STACK" logs web 2>/dev/null | has "web-1  | deps-ok"'
st ps
check "ps lists the running containers with compose's columns" \
  eval 'out_has "NAME" && out_has "SERVICE" && out_has "$P-db-1" && out_has "$P-web-1" && ! out_has "$P-init-1"'
st ps -a --format json
check "ps -a --format json shows the completed one too" eval 'out_has "\"Name\":\"$P-init-1\"" && out_has "\"Service\":\"web\""'
st ps -a --format '{{.Service}}:{{.State}}:{{.ExitCode}}' init
check "ps --format TEMPLATE prints a line per container through the template" eval '[[ $rc == 0 && $(cat "$TMP/out") == "init:exited:0" ]]'
st ps --format 'table {{.Name}}\t{{.Service}}' web
check "ps --format 'table TEMPLATE' prints compose's titles, then the columns" \
  eval '[[ $rc == 0 && $(head -1 "$TMP/out") == "NAME"*"SERVICE" && $(tail -1 "$TMP/out") == "$P-web-1   web" ]]'
st ps --format '' web
check "ps --format '' is the table" eval '[[ $rc == 0 ]] && out_has "NAME" && out_has "$P-web-1"'
st ps --format '{{.Nope}}'
check "ps --format with an unknown field is an error naming it" eval '[[ $rc == 1 ]] && err_has ".Nope"'
st ps --services
check "ps --services lists the services" eval 'out_has db && out_has web'
st ps --status exited -q init
check "ps --status exited SERVICE lists the completed container" eval '[[ $rc == 0 && $(wc -l <"$TMP/out") == 1 ]]'
st ps --filter status=exited -q
check "ps --filter status=exited lists only the completed container" eval '[[ $rc == 0 && $(cat "$TMP/out") == "$(ids init)" ]]'
st ps --filter name=web
check "ps --filter with another key is an error" eval '[[ $rc == 1 ]] && err_has "invalid filter \"name=web\""'
before=$(ids)
st up -d
check "a second up changes nothing and says the containers are running" \
  eval '[[ $rc == 0 && $(ids) == "$before" ]] && err_has "Container $P-web-1  Running" && ! err_has Recreate'
# frame_done: the last frame's header says every step finished ("[+] Running 3/3").
frame_done() {
  local n
  n=$(grep -aoE '\[\+\] Running [0-9]+/[0-9]+' "$TMP/err" | tail -1)
  n=${n##* }
  [[ -n $n && ${n%/*} == "${n#*/}" ]]
}
st --progress tty up -d
check "--progress tty draws compose's live frame, redrawn in place" \
  eval '[[ $rc == 0 ]] && frame_done && grep -qE "Container $P-web-1 +Running" "$TMP/err" && grep -q $'"'"'\033\\[K'"'"' "$TMP/err"'
st ls
check "ls lists the project" out_has "$P"

# --- a config change recreates only that service --------------------------------------------
db_before=$(ids db)
web_before=$(ids web)
# volumes_of SERVICE: the volumes its container's record names, one a line.
volumes_of() {
  python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["volumes"]))' \
    "$STACK_ROOT/containers/$(ids "$1" | head -1)/config.json"
}
anon_before=$(volumes_of web)
write_compose ', B: "2"'
st up -d
check "a changed service is recreated, the others are kept" \
  eval '[[ $rc == 0 && $(ids db) == "$db_before" && $(ids web) != "$web_before" ]] && err_has "Container $P-web-1  Recreated"'
anon_after=$(volumes_of web)
check "the recreated container keeps its anonymous volume" \
  eval '[[ $(wc -l <<<"$anon_after") == 2 && $anon_after == "$anon_before" ]]'

# --- scale -------------------------------------------------------------------------------------
st up -d --scale web=3
check "up --scale web=3 runs three replicas" eval '[[ $rc == 0 && $("$STACK" ps -q web | wc -l) == 3 ]] && err_has "$P-web-3  Started"'
st up -d --scale web=1
check "up --scale web=1 removes the extra ones" eval '[[ $rc == 0 && $("$STACK" ps -q web | wc -l) == 1 ]] && err_has "$P-web-3  Removed"'

# --- logs, exec --------------------------------------------------------------------------------
st logs --no-color db
check "logs prefixes each line with the container" out_has "db-1  | db-start"
st logs --no-log-prefix db
check "logs --no-log-prefix prints the bare lines" eval 'grep -qx db-start "$TMP/out"'
st exec -T web sh -c 'echo in-web; exit 3'
check "exec runs in the service's container and returns its exit code" eval '[[ $rc == 3 ]] && out_is in-web'
st exec -T web sh -c 'echo "$A$B"'
check "exec sees the service's environment" out_is 12
# CAP_SYS_ADMIN is bit 21: outside the default set, in the host's full set.
cap_sys_admin() { python3 -c 'import sys; print((int(open(sys.argv[1]).read().split()[1], 16) >> 21) & 1)' "$TMP/out"; }
st exec -T web grep CapEff /proc/self/status
check "exec runs with the container's capabilities" eval '[[ $rc == 0 && $(cap_sys_admin) == 0 ]]'
st exec -T --privileged web grep CapEff /proc/self/status
check "exec --privileged gives the command every capability" eval '[[ $rc == 0 && $(cap_sys_admin) == 1 ]]'

# --- stop, start, restart, kill ---------------------------------------------------------------
st stop web
check "stop stops the service" eval '[[ $rc == 0 ]] && [[ -z $("$STACK" ps -q web) ]] && err_has "$P-web-1  Stopped"'
st start web
check "start starts it again" eval '[[ $rc == 0 && -n $("$STACK" ps -q web) ]]'
pid_before=$("$STACK" container inspect -f '{{.State.Pid}}' "$P-db-1" 2>/dev/null)
st restart db
pid_after=$("$STACK" container inspect -f '{{.State.Pid}}' "$P-db-1" 2>/dev/null)
check "restart restarts the container" eval '[[ $rc == 0 && $pid_after != "$pid_before" && -n $("$STACK" ps -q db) ]]'

# --- named volumes outlive down, go with down -v ------------------------------------------------
st exec -T db sh -c 'echo keep >/data/keep'
st down
check "down removes the containers" eval '[[ $rc == 0 && -z $(ids) ]] && err_has "Container $P-web-1  Removed"'
check "down keeps the named volume" eval '"$STACK" volume ls -q | has -x "${P}_data"'
dangling=$("$STACK" volume ls -q | grep -vx "${P}_data")  # web's anonymous one, left as compose leaves it
st up -d
st exec -T db cat /data/keep
check "the named volume's data is there after down and up" out_is keep
st down -v
check "down -v removes the named volume and the containers' anonymous ones" \
  eval '[[ $rc == 0 && -n $dangling && $("$STACK" volume ls -q) == "$dangling" ]]'
"$STACK" volume prune -f >/dev/null

# --- failures name the service, --wait -------------------------------------------------------------
mkdir -p "$TMP/proj-wait" && cd "$TMP/proj-wait" || exit 1
base >compose.yaml
cat >>compose.yaml <<YAML
services:
  slow:
    <<: *base
    command: ["sh", "-c", "sleep 0.5; touch /tmp/up; exec sleep 600"]
    healthcheck: {test: ["CMD", "test", "-e", "/tmp/up"], interval: 100ms, retries: 100}
  broken:
    <<: *base
    command: ["no-such-program"]
    profiles: [broken]
YAML
st up -d --wait
check "up --wait returns once the containers are healthy" \
  eval '[[ $rc == 0 ]] && "$STACK" ps | has "(healthy)"'
st --profile broken up -d broken
check "a container that cannot start fails naming its service" \
  eval '[[ $rc == 1 ]] && err_has "service \"broken\"" && err_has "no-such-program"'
st --profile broken down -t 0
cd "$TMP/proj" || exit 1

# --- the project lock: two ups at once make one set of containers ------------------------------
"$STACK" up -d >"$TMP/up1" 2>&1 &
first=$!
"$STACK" up -d >"$TMP/up2" 2>&1
second=$?
wait "$first"
check "two concurrent ups of one project serialize and converge" \
  eval '[[ $? == 0 && $second == 0 && $(ids | wc -l) == 3 ]] && [[ $(grep -c "Started" "$TMP/up1" "$TMP/up2" | awk -F: "{s += \$2} END {print s}") -ge 2 ]]'
st down -v -t 0
"$STACK" volume prune -f >/dev/null

# --- attached up -------------------------------------------------------------------------------------
mkdir -p "$TMP/proj-attached" && cd "$TMP/proj-attached" || exit 1
base >compose.yaml
cat >>compose.yaml <<YAML
services:
  job:
    <<: *base
    command: ["sh", "-c", "echo job-says-hi; exit 5"]
  server:
    <<: *base
    command: ["sleep", "600"]
YAML
st up --exit-code-from job
check "up --exit-code-from streams prefixed logs, stops the others and returns the service's exit code" \
  eval '[[ $rc == 5 ]] && out_has "Attaching to" && grep -q "^job-1 *| job-says-hi" "$TMP/out" && out_has "job-1 exited with code 5" && [[ -z $("$STACK" ps -q) ]]'
st --progress json up --abort-on-container-exit --no-attach job
check "--no-attach leaves a service's logs out; --progress json prints one object per event" \
  eval '[[ $rc == 5 ]] && out_has "Attaching to server-1" && ! out_has job-says-hi && err_has "{\"id\":\"Container $P-job-1\",\"status\":\"Started\"}"'
"$STACK" up --no-color >"$TMP/out" 2>"$TMP/err" </dev/null &
attached=$!
attached_started() { grep -q "Attaching to" "$TMP/out" && [[ -n $("$STACK" ps -q server 2>/dev/null) ]]; }
eventually attached_started
kill -INT "$attached"
wait "$attached"
rc=$?
check "Ctrl-C stops an attached up's containers and exits 130" eval '[[ $rc == 130 && -z $("$STACK" ps -q) ]]'
st down -t 0

# --- kill -9 of up halfway: the next up converges, down cleans up --------------------------------------
# `stack up` killed at moments in the middle of its work: the next up converges and down
# leaves nothing (shim locks, names reserved first, sandbox records before namespaces).
mkdir -p "$TMP/proj-killed" && cd "$TMP/proj-killed" || exit 1
{
  base
  echo "services:"
  for i in $(seq 10); do printf '  s%d:\n    <<: *base\n    command: ["sleep", "600"]\n' "$i"; done
} >compose.yaml
for delay in 0.02 0.04 0.06 0.1 0.15; do
  "$STACK" up -d >/dev/null 2>&1 &
  killed=$!
  sleep "$delay"  # a point in the middle of the up, not a wait for something
  kill -9 "$killed" 2>/dev/null
  wait "$killed" 2>/dev/null
  st up -d
  check "up after an up killed at ${delay}s converges" eval '[[ $rc == 0 && $("$STACK" ps -q | wc -l) == 10 ]]'
  st down -t 0
  check "and down after it leaves no container" eval '[[ $rc == 0 && -z $("$STACK" container ls -aq) ]]'
done
"$STACK" volume prune -f >/dev/null
cd "$TMP/proj" || exit 1

# --- volumes_from: another service's volumes, read-only ---------------------------------------------
mkdir -p "$TMP/proj-vf" && cd "$TMP/proj-vf" || exit 1
base >compose.yaml
cat >>compose.yaml <<YAML
services:
  src:
    <<: *base
    command: ["sh", "-c", "echo shared >/data/f; sleep 1000"]
    volumes: [vfdata:/data]
  reader:
    <<: *base
    command: ["sleep", "1000"]
    volumes_from: ["src:ro"]
    depends_on: [src]
volumes:
  vfdata:
YAML
st up -d
check "volumes_from: up makes both services" test "$rc" = 0
eventually eval '"$STACK" exec -T reader cat /data/f >"$TMP/out" 2>"$TMP/err"'
check "volumes_from gives the other service's volume" out_is shared
st exec -T reader sh -c 'echo x >/data/g'
check "volumes_from :ro makes it read-only" eval '[[ $rc != 0 ]] && err_has "Read-only file system"'
st down -v
check "down -v of the volumes_from project" test "$rc" = 0

# --- run: one-off containers ----------------------------------------------------------------------
mkdir -p "$TMP/proj-run" && cd "$TMP/proj-run" || exit 1
base >compose.yaml
cat >>compose.yaml <<YAML
services:
  srv:
    <<: *base
    command: ["nc", "-ll", "-p", "7000", "-e", "echo", "pong"]
  cli:
    <<: *base
    command: ["echo", "from-cli"]
    ports: ["127.0.0.1:17071:80"]
    depends_on: [srv]
networks:
  default:
    ipam: {config: [{subnet: 10.213.71.0/24}]}
YAML
st run --rm -T cli sh -c 'echo one-off; exit 3'
check "run --rm prints the one-off's output and exits with its code" eval '[[ $rc == 3 ]] && out_is one-off'
check "run started the service's dependency first" eval '[[ -n $("$STACK" ps -q srv) ]]'
check "run --rm leaves no one-off container" eval '[[ -z $(ids cli) ]]'
st run -T cli sh -c 'for i in $(seq 100); do nc -w 3 srv 7000 </dev/null && exit 0; usleep 50000; done; exit 1'
check "a one-off reaches another service by its name over the network" eval '[[ $rc == 0 ]] && out_is pong'
oneoff=$("$STACK" ps -a --format json cli 2>/dev/null)
check "ps -a lists the left one-off as project-service-run-12hex" eval '[[ $oneoff =~ \"Name\":\"$P-cli-run-[0-9a-f]{12}\" ]]'
# (the Ports field only: a nanosecond timestamp may hold those digits)
check "the one-off publishes no ports of the service" eval '! grep -q "\"Ports\":\"[^\"]*17071" <<<"$oneoff"'
st down -t 0
check "down removes a left one-off container" eval '[[ $rc == 0 && -z $("$STACK" container ls -aq) ]]'
cd "$TMP/proj" || exit 1

# --- errors ---------------------------------------------------------------------------------------
mkdir -p "$TMP/proj-errors" && cd "$TMP/proj-errors" || exit 1
cat >compose.yaml <<YAML
name: $P
services:
  app:
    image: stk-e2e-missing:1
    pull_policy: never
YAML
st up -d
check "a missing image fails naming the service and the reference" \
  eval '[[ $rc == 1 ]] && err_has "service \"app\"" && err_has "stk-e2e-missing:1"'
cat >compose.yaml <<YAML
name: $P
services:
  a: {image: stk-e2e-busybox:1, depends_on: [b]}
  b: {image: stk-e2e-busybox:1, depends_on: [a]}
YAML
st up -d
check "a dependency cycle fails naming it" eval '[[ $rc == 1 ]] && err_has "dependency cycle detected"'
cat >compose.yaml <<YAML
name: $P
services:
  conf:
    image: stk-e2e-busybox:1
    command: [sleep, "100"]
    volumes:
      - {type: bind, source: ./missing.conf, target: /etc/x.conf}
YAML
st up -d
check "a long-syntax bind of a missing path fails naming the service and the path, and makes nothing" \
  eval '[[ $rc == 1 ]] && err_has "service \"conf\": bind source path does not exist: $PWD/missing.conf" && [[ ! -e missing.conf ]] && [[ -z $(ids conf) ]]'
base >compose.yaml
cat >>compose.yaml <<YAML
services:
  sick:
    <<: *base
    command: ["sleep", "600"]
    healthcheck: {test: ["CMD-SHELL", "echo not-ready-yet; exit 1"], interval: 100ms, retries: 2}
  app:
    <<: *base
    command: ["sleep", "600"]
    depends_on: {sick: {condition: service_healthy}}
YAML
st up -d
check "an unhealthy dependency fails naming the container and its health output" \
  eval '[[ $rc == 1 ]] && err_has "container $P-sick-1 is unhealthy" && err_has "not-ready-yet" && [[ -z $(ids app) ]]'
base >compose.yaml
cat >>compose.yaml <<YAML
services:
  job:
    <<: *base
    command: ["sh", "-c", "exit 3"]
  app:
    <<: *base
    command: ["sleep", "600"]
    depends_on: {job: {condition: service_completed_successfully}}
YAML
st up -d
check "a dependency that exits non-zero fails naming the service and its exit code" \
  eval '[[ $rc == 1 ]] && err_has "service \"job\" didn'"'"'t complete successfully: exit 3"'
st down -v --remove-orphans -t 0

# --- a container from elsewhere on the project's network: down keeps the bridge under it ----------
# (down deletes a network's bridge while its containers are removed, only when no other
# container is on it)
base >compose.yaml
cat >>compose.yaml <<YAML
services:
  app:
    <<: *base
    command: ["sleep", "600"]
YAML
st up -d
"$STACK" container run -d --name "$P-guest" --cgroup-parent "$PARENT" --network "${P}_default" stk-e2e-busybox:1 sleep 600 >/dev/null
netid=$("$STACK" network inspect -f '{{.Id}}' "${P}_default")
guest=$("$STACK" container inspect -f '{{.Id}}' "$P-guest")
bridge=stk-${netid:0:11} guest_veth=stv${guest:0:7}${netid:0:5}
st down -t 0
check "down keeps a network another container is on, saying so" \
  eval '[[ $rc == 0 && -z $(ids app) ]] && err_has "network ${P}_default"'
check "and that container stays on its bridge" eval 'ip -o link show "$guest_veth" | has "master $bridge"'
"$STACK" container rm -f "$P-guest" >/dev/null
st down -t 0
check "once it is gone, down removes the network and its bridge" \
  eval '[[ $rc == 0 ]] && ! "$STACK" network inspect "${P}_default" >/dev/null 2>&1 && ! ip link show "$bridge" >/dev/null 2>&1'

# --- nothing left ---------------------------------------------------------------------------------
st container ls -aq
check "no container is left" out_is ""
st volume ls -q
check "no volume is left" out_is ""
leftover_cgroups() { find /sys/fs/cgroup/*/"$PARENT" -mindepth 1 -type d 2>/dev/null | head -1; }
check "no container cgroup is left" eval '[[ -z $(leftover_cgroups) ]]'
check "no process of the test's containers is left" eval '! pgrep -f "$STACK_RUN_ROOT" >/dev/null'
check "no mount of the test's files is left" eval '[[ -z $(mounts_under_tmp) ]]'

summary
