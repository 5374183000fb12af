#!/usr/bin/env bash
# Benchmark: the embedded DNS server (stack-dns) answering a service name.
#
#   bench/dns.sh [STACK_DNS_BIN]   (default: build/default/stack-dns)
#
# Runs inside a network namespace of its own (re-executes itself under `unshare --net`):
# gateway 10.213.7.1/24 on lo, one network record with a service "web" of 3 replicas
# (state files saying "running"), no upstream. Cases, with dnsperf:
#   saturated   max queries/s (2 dnsperf threads, 4 clients, 200 outstanding; a single
#               dnsperf thread saturates before the server does)   budget >= 100000
#   paced       average latency at -Q 2000 queries/s                   budget <  50 us
# Then the server's RSS from /proc/PID/status (budget 4 MiB).
# Prints a table; exits 1 when a budget is missed. DURATION (default 10 s) per case.
# docker / podman (embedded DNS, aardvark-dns) are not measured here yet.
set -euo pipefail

DNS=$(realpath "${1:-build/default/stack-dns}")
DURATION=${DURATION:-10}
QPS_BUDGET=100000
LATENCY_BUDGET_US=50
RSS_BUDGET_KB=4096

[[ -x $DNS ]] || { echo "stack-dns binary not found: $DNS" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "needs root (network namespace, port 53)" >&2; exit 2; }
command -v dnsperf >/dev/null || { echo "dnsperf is not installed (scripts/install-deps.sh)" >&2; exit 2; }

if [[ -z ${STT_DNS_BENCH_NETNS:-} ]]; then
  exec unshare --net env STT_DNS_BENCH_NETNS=1 "$0" "$DNS"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stack-bench-dns.XXXXXX")
PID=
cleanup() {
  [[ -n $PID ]] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

ip link set lo up
ip addr add 10.213.7.1/24 dev lo

# The records, as the writer functions of src/net/dns/records.hpp lay them out.
NET=$WORK/run/dns/networks/stt-bench
mkdir -p "$NET"
echo '{"name": "stt-bench", "gateway": "10.213.7.1", "subnet": "10.213.7.0/24", "internal": false}' >"$NET/network.json"
for i in 1 2 3; do
  mkdir -p "$WORK/root/containers/c$i"
  echo '{"id": "c'$i'", "status": "running"}' >"$WORK/root/containers/c$i/state.json"
  echo '{"container": "c'$i'", "names": ["web", "bench-web-'$i'"], "ipv4": "10.213.7.'$((i + 1))'", "ipv6": "",
    "state": "'"$WORK/root/containers/c$i/state.json"'"}' >"$NET/c$i.json"
done
: >"$WORK/resolv.conf"  # no upstream: nothing leaves the namespace

"$DNS" --run-root "$WORK/run" --upstream-file "$WORK/resolv.conf" 2>"$WORK/dns.log" &
PID=$!
echo "web A" >"$WORK/queries"
for _ in $(seq 100); do
  dnsperf -s 10.213.7.1 -d "$WORK/queries" -n 1 >/dev/null 2>&1 && break
  sleep 0.05
done

# field KEY FILE: the first word after KEY in dnsperf's report.
field() { awk -v key="$1" 'i = index($0, key) { split(substr($0, i + length(key)), w, " "); print w[1]; exit }' "$2"; }
dnsperf -s 10.213.7.1 -d "$WORK/queries" -l "$DURATION" -c 4 -T 2 -q 200 >"$WORK/saturated" 2>&1
dnsperf -s 10.213.7.1 -d "$WORK/queries" -l "$DURATION" -Q 2000 >"$WORK/paced" 2>&1
QPS=$(field "Queries per second:" "$WORK/saturated")
LOST=$(field "Queries lost:" "$WORK/saturated" || true)
LAT_S=$(field "Average Latency (s):" "$WORK/paced")
RSS_KB=$(awk '/^VmRSS:/ { print $2 }' "/proc/$PID/status")
LAT_US=$(awk -v s="${LAT_S%%,*}" 'BEGIN { printf "%.1f", s * 1000000 }')

verdict() { if eval "$1"; then echo ok; else echo MISSED; fi; }
V_QPS=$(verdict "(( ${QPS%%.*} >= QPS_BUDGET ))")
V_LAT=$(verdict "awk -v l=$LAT_US -v b=$LATENCY_BUDGET_US 'BEGIN { exit !(l < b) }'")
V_RSS=$(verdict "(( RSS_KB < RSS_BUDGET_KB ))")
printf '%-34s %14s %12s %8s\n' "case" "stack-dns" "budget" ""
printf '%-34s %14s %12s %8s\n' "saturated (queries/s)" "${QPS%%.*}" ">= $QPS_BUDGET" "$V_QPS"
printf '%-34s %14s %12s %8s\n' "paced 2000 q/s (avg latency, us)" "$LAT_US" "< $LATENCY_BUDGET_US" "$V_LAT"
printf '%-34s %14s %12s %8s\n' "RSS after the runs (KiB)" "$RSS_KB" "< $RSS_BUDGET_KB" "$V_RSS"
echo "(lost in the saturated run: ${LOST:-?}; docker and podman are not compared here yet)"
[[ "$V_QPS$V_LAT$V_RSS" != *MISSED* ]]
