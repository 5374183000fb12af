#!/usr/bin/env bash
# Benchmark: the embedded DNS answering a service name, from inside a container's network
# namespace, beside docker's embedded DNS (in dockerd) and podman's aardvark-dns.
#
#   bench/dns.sh [STACK_BIN]   (default: build/default/stack; stack-shim, stack-dns next to it)
#
# For each engine: a network, three busybox containers with the alias "web", and a client
# container; dnsperf (Debian's) runs in the client's network namespace (nsenter) against
# the nameserver of the client's /etc/resolv.conf, asking "web A" (answered by the
# engine, nothing forwarded):
#   saturated   queries/s with 2 dnsperf threads, 4 clients, 200 outstanding (budget >= 100000)
#   paced       average latency at 2000 queries/s                          (budget < 50 us)
# Then the server's RSS (stack-dns, aardvark-dns; docker's lives inside dockerd) (budget 4 MiB).
# DURATION seconds per case (default 10). Peers as bench/lib.sh prepares them; one that
# cannot run is skipped with the reason. Exits 1 when stack misses a budget or fails.
set -euo pipefail

STACK=$(realpath "${1:-build/default/stack}")
DURATION=${DURATION:-10}
HERE=$(dirname "$(realpath "$0")")
IMAGE=stk-bench-busybox:1
NET=stkbenchdns

# shellcheck source=bench/lib.sh
source "$HERE/lib.sh"
bench_containers dns busybox dnsperf nsenter

names=(stkbench-web1 stkbench-web2 stkbench-web3 stkbench-client)
floor_pid=
bench_cleanup() {
  if [[ -n $floor_pid ]]; then kill "$floor_pid" 2>/dev/null; wait "$floor_pid" 2>/dev/null || true; fi
  floor_pid=
  "$STACK" container rm -f "${names[@]}" >/dev/null 2>&1 || true
  "$STACK" network rm "$NET" >/dev/null 2>&1 || true
  local p
  for p in docker podman; do
    command -v "$p" >/dev/null || continue
    "$p" rm -f "${names[@]}" >/dev/null 2>&1 || true
    "$p" network rm "$NET" >/dev/null 2>&1 || true
    "$p" rmi "$IMAGE" >/dev/null 2>&1 || true
  done
  return 0
}

# setup KIND CLI...: the network, three "web" replicas and the client; prints the client's
# pid and nameserver. (stack's container commands are under `stack container`.)
setup() {
  local kind=$1 i pid
  shift
  local net=("$@" network) ctr=("$@")
  [[ $kind == stack ]] && ctr+=(container)
  "${net[@]}" create "$NET" >/dev/null
  for i in 1 2 3; do
    "${ctr[@]}" run -d --name "stkbench-web$i" --network "$NET" --network-alias web "$IMAGE" sleep 600 >/dev/null
  done
  "${ctr[@]}" run -d --name stkbench-client --network "$NET" "$IMAGE" sleep 600 >/dev/null
  pid=$("${ctr[@]}" inspect -f '{{.State.Pid}}' stkbench-client)
  echo "$pid $(awk '/^nameserver/ {print $2; exit}' "/proc/$pid/root/etc/resolv.conf")"
}

# field KEY FILE: the first word after KEY in dnsperf's report.
field() { awk -v key="$1" 'i = index($0, key) { split(substr($0, i + length(key)), w, " "); print w[1]; exit }' "$2"; }

# measure NAME PID SERVER: sets qps[NAME] and lat[NAME] (us) from two dnsperf runs.
declare -A qps lat rss
measure() {
  local name=$1 pid=$2 server=$3
  echo "web A" >"$WORK/queries"
  for _ in $(seq 100); do  # until the server answers
    nsenter -t "$pid" -n dnsperf -s "$server" -d "$WORK/queries" -n 1 2>&1 | grep -q 'Queries completed: *1 ' && break
    sleep 0.1
  done
  nsenter -t "$pid" -n dnsperf -s "$server" -d "$WORK/queries" -l "$DURATION" -c 4 -T 2 -q 200 >"$WORK/$name.sat" 2>&1
  nsenter -t "$pid" -n dnsperf -s "$server" -d "$WORK/queries" -l "$DURATION" -Q 2000 >"$WORK/$name.paced" 2>&1
  local q l
  q=$(field "Queries per second:" "$WORK/$name.sat")
  l=$(field "Average Latency (s):" "$WORK/$name.paced")
  qps[$name]=${q%%.*}
  lat[$name]=$(awk -v s="${l%%,*}" 'BEGIN { printf "%.1f", s * 1000000 }')
  local lost
  lost=$(field "Queries lost:" "$WORK/$name.sat" || true)
  bench_note "$name: lost in the saturated run: ${lost:-?}; answered with $(field "Response codes:" "$WORK/$name.sat" || true)"
}

# floor PID SERVER: the paced latency of bench/dns_floor.c (a responder that parses and
# looks up nothing) on the same address and path, as a note: what this machine leaves
# to any DNS server under the 50 us budget.
floor() {
  local pid=$1 server=$2 port=
  if ! gcc -O2 -o "$WORK/dns_floor" "$HERE/dns_floor.c" 2>"$WORK/floor.err"; then
    bench_note "floor: bench/dns_floor.c did not build, not measured: $(head -c 160 "$WORK/floor.err")"
    return 0
  fi
  "$WORK/dns_floor" "$server" >"$WORK/floor.port" &
  floor_pid=$!
  for _ in $(seq 50); do port=$(cat "$WORK/floor.port"); [[ -n $port ]] && break; sleep 0.02; done
  nsenter -t "$pid" -n dnsperf -s "$server" -p "$port" -d "$WORK/queries" -l "$DURATION" -Q 2000 >"$WORK/floor.paced" 2>&1
  kill "$floor_pid"
  wait "$floor_pid" 2>/dev/null || true
  floor_pid=
  local l
  l=$(field "Average Latency (s):" "$WORK/floor.paced")
  bench_note "floor: a responder that parses and looks up nothing (bench/dns_floor.c), on stack's gateway address from the same client, paced at 2000 q/s: $(awk -v s="${l%%,*}" 'BEGIN { printf "%.1f", s * 1000000 }') us average"
}

make_busybox_rootfs "$WORK/busybox"
tar -C "$WORK/busybox" -c . | "$STACK" image import -c 'CMD ["sh"]' - "$IMAGE" >/dev/null

read -r pid server < <(setup stack "$STACK") || { echo "stack setup failed" >&2; exit 1; }
measure stack "$pid" "$server"
rss[stack]=$(rss_kb "$(cat "$STACK_RUN_ROOT/dns/lock")")
floor "$pid" "$server"
bench_cleanup

prepare_peers
for p in docker podman; do
  qps[$p]=- lat[$p]=- rss[$p]=-
  cli=("$p")
  [[ $p == podman ]] && cli=(podman --runtime runc)
  if ! peer_ok "$p"; then bench_note "$p: does not run here, skipped"; continue; fi
  if ! peer_import "$p" "$WORK/busybox" "$IMAGE" 2>"$WORK/$p.err" ||
     ! read -r pid server < <(setup "$p" "${cli[@]}" 2>"$WORK/$p.err"); then
    bench_note "$p: setup failed, skipped: $(head -c 160 "$WORK/$p.err" | tr '\n' ' ')"
    continue
  fi
  # A peer without an embedded DNS server would send the queries to the host's upstream
  # resolvers: never load them, skip instead.
  if grep -qE "^nameserver[[:space:]]+$server\$" /etc/resolv.conf; then
    bench_note "$p: its containers ask the host's upstream resolver $server (no embedded DNS), skipped"
    bench_cleanup
    continue
  fi
  measure "$p" "$pid" "$server"
  [[ $p == podman ]] && rss[podman]=$(rss_kb $(pgrep -x aardvark-dns))
  bench_cleanup
done

bench_row_higher "saturated (queries/s)" "${qps[stack]}" "${qps[docker]}" "${qps[podman]}" ">= 100000"
bench_row "paced 2000 q/s, average latency (us)" "${lat[stack]}" "${lat[docker]}" "${lat[podman]}" "< 50"
bench_row "DNS server RSS (KiB)" "${rss[stack]}" "${rss[docker]}" "${rss[podman]}" "< 4096"
bench_note "docker's embedded DNS runs inside dockerd: no RSS of its own to show"
bench_note "dnsperf in the client container's network namespace; $DURATION s per case"
bench_print "embedded DNS (bench/dns.sh)"
exit "$BENCH_STATUS"
