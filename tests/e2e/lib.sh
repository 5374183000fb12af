# The harness of the e2e scripts (sourced): checks that print TAP-like lines, a runner
# that keeps what stack printed, and a busybox root filesystem.
#
# The sourcing script sets TMP (its temporary directory) and STACK (the binary) first.
# Checks print "ok - <name>" / "not ok - <name>"; finish with `summary`.

passed=0
failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() {  # not_ok NAME WHY: shows what stack printed, to debug from the CI log
  echo "not ok - $1"
  echo "#   $2"
  sed 's/^/#   stdout: /' "$TMP/out" | tail -n 20
  sed 's/^/#   stderr: /' "$TMP/err" | tail -n 20
  failed=$((failed + 1))
}
# st ARGS...: runs stack; stdout, stderr and status in $TMP/out, $TMP/err, $rc.
# The notice of the host's first network (ip_forward turned on; the firewall tests
# check it) is dropped from err: which test gets it depends on the order tests run in.
st() {
  "$STACK" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
  rc=$?
  sed -i '/^net\.ipv4\.ip_forward set to 1: /d' "$TMP/err"
}
# check NAME CONDITION...: ok when the condition (a command) succeeds.
check() {
  local name=$1
  shift
  if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}
out_is() { [[ $(cat "$TMP/out") == "$1" ]]; }
err_has() { grep -qF -- "$1" "$TMP/err"; }
out_has() { grep -qF -- "$1" "$TMP/out"; }
# ... | has PATTERN: grep that reads all its input. `grep -q` stops at the first match,
# and under pipefail a writer cut short by it (SIGPIPE) fails the pipeline, now and then.
has() { grep "$@" >/dev/null; }
# gone PID: the process ended (a zombie waiting for whoever adopted it counts as ended).
gone() { [[ ! -e /proc/$1/stat ]] || grep -q ') Z ' "/proc/$1/stat"; }
eventually() {  # eventually COMMAND...: polls for up to 10 s
  for _ in $(seq 200); do "$@" && return 0; sleep 0.05; done
  return 1
}
# free_port: a TCP port free on 127.0.0.1 right now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# make_busybox_rootfs DIR: a root filesystem of Debian's static busybox and its applets.
make_busybox_rootfs() {
  local r=$1
  mkdir -p "$r"/{bin,etc,proc,sys,dev,tmp}
  cp "$(command -v busybox)" "$r/bin/busybox"
  for a in $("$r/bin/busybox" --list); do [[ $a == busybox ]] || ln -sf busybox "$r/bin/$a"; done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$r/etc/passwd"
  echo 'root:x:0:' >"$r/etc/group"
}
# remove_test_containers: every container of the test's state root, then the cgroup parent
# ($PARENT) its containers were made under.
remove_test_containers() {
  "$STACK" container ls -aq 2>/dev/null | xargs -r "$STACK" container rm -f >/dev/null 2>&1
  # then their networks (the default "bridge" included): bridges, namespaces and stack-dns go with them
  "$STACK" network ls -q 2>/dev/null | xargs -r "$STACK" network rm >/dev/null 2>&1
  local d
  for d in /sys/fs/cgroup/*/"$PARENT" /sys/fs/cgroup/"$PARENT"; do [[ -d $d ]] && rmdir "$d" 2>/dev/null; done
  return 0
}
summary() {
  echo "$passed passed, $failed failed"
  ((failed == 0))
}
