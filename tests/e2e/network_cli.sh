#!/usr/bin/env bash
# End-to-end checks of `stack network ...` and `container run --network` as root, on a
# busybox root filesystem, under temporary state roots. The script re-executes itself in
# network and mount namespaces of its own (unshare), so its bridges, veths, namespaces and
# stack-dns live and die there and cannot disturb the host's network.
#
#   tests/e2e/network_cli.sh STACK_BIN
#
# Prints "ok - <name>" / "not ok - <name>" per check, then "N passed, N failed"; exits 1
# when a check failed. The last checks prove nothing it made is left.
set -uo pipefail

if (($# != 1)); then
  echo "usage: $0 STACK_BIN" >&2
  exit 2
fi
if [[ -z ${STACK_E2E_NETNS:-} ]]; then
  STACK_E2E_NETNS=1 exec unshare --net --mount --propagation private "$0" "$@"
fi
ip link set lo up

STACK=$(realpath "$1")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stack-e2e-network.XXXXXX")
export STACK_ROOT=$TMP/root STACK_RUN_ROOT=$TMP/run
PARENT=stack-e2e-net-$$

mounts_under_tmp() { awk -v t="$TMP/" 'index($5, t) == 1 {print $5}' /proc/self/mountinfo | sort -r; }
cleanup() {
  remove_test_containers
  for m in $(mounts_under_tmp); do umount -l "$m"; done
  rm -rf "$TMP"
}
trap cleanup EXIT

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

R=$TMP/busybox
make_busybox_rootfs "$R"
RUN=(container run --cgroup-parent "$PARENT")
stk_links() { ip -o link show | grep -Eo '(stk|stv)[0-9a-f-]+' | sort -u; }
json_get() { python3 -c "import json,sys; j = json.load(sys.stdin); $1" <"$TMP/out"; }

# --- create, ls, inspect ---------------------------------------------------------------
st network create --subnet 10.213.60.0/24 --label team=e2e e2enet
check "network create prints the id" eval '[[ $rc == 0 && $(cat "$TMP/out") =~ ^[0-9a-f]{64}$ ]]'
netid=$(cat "$TMP/out")
st network ls
check "network ls shows docker's columns" \
  eval 'out_has "NETWORK ID" && out_has "DRIVER" && out_has "SCOPE" && out_has "${netid:0:12}" && out_has e2enet'
st network ls -q --filter label=team=e2e
check "network ls -q --filter label" out_is "${netid:0:12}"
st network ls -q --filter name=nothing
check "network ls --filter name leaves out what does not match" out_is ""
st network inspect e2enet
check "network inspect shows the subnet and gateway" \
  eval 'json_get "c = j[0][\"IPAM\"][\"Config\"][0]; assert c[\"Subnet\"] == \"10.213.60.0/24\" and c[\"Gateway\"] == \"10.213.60.1\""'
st network create --subnet 10.213.60.128/25 clash
check "an overlapping subnet is refused" eval '[[ $rc == 1 ]] && err_has "overlaps"'
bridge=stk-${netid:0:11}
check "the bridge exists with the gateway address" eval 'ip -o addr show "$bridge" | has "10.213.60.1/24"'

# --- two containers, one reaches the other by name through stack-dns --------------------
st "${RUN[@]}" -d --name srv --network e2enet --network-alias web --rootfs "$R" nc -ll -p 8080 -e echo hello-from-srv
check "run -d --network NAME starts the server" test "$rc" = 0
srv=$(cat "$TMP/out")
st "${RUN[@]}" --rm --network e2enet --rootfs "$R" cat /etc/resolv.conf
check "a bridge container's resolv.conf names the gateway with ndots:0" \
  eval 'out_has "nameserver 10.213.60.1" && out_has "options ndots:0"'
reach() { "$STACK" "${RUN[@]}" --rm --network e2enet --rootfs "$R" nc -w 3 "$1" 8080 </dev/null >"$TMP/out" 2>"$TMP/err"; grep -q hello-from-srv "$TMP/out"; }
check "a container reaches another by its name through stack-dns" eventually reach srv
check "and by its network alias" reach web
# A killed stack-dns is started again by the next command that attaches a container.
dns_pid=$(tr -dc 0-9 <"$TMP/run/dns/lock")
check "stack-dns runs and wrote its pid" eval '[[ -n $dns_pid ]] && kill -0 "$dns_pid"'
kill -9 "$dns_pid" 2>/dev/null
check "a killed stack-dns is started again by the next command, and answers" eventually reach srv
check "by a new process" eval '[[ $(tr -dc 0-9 <"$TMP/run/dns/lock") != "$dns_pid" ]]'
st "${RUN[@]}" --rm --network e2enet --ip 10.213.60.77 --hostname h77 --add-host extra:10.1.2.3 --rootfs "$R" \
  sh -c 'ip -o -4 addr show eth0; cat /etc/hosts; hostname'
check "--ip, --hostname and --add-host reach the container" \
  eval 'out_has "10.213.60.77/24" && out_has "10.1.2.3	extra" && out_has "10.213.60.77	h77" && [[ $(tail -1 "$TMP/out") == h77 ]]'
st "${RUN[@]}" --rm --network none --rootfs "$R" sh -c 'ls /sys/class/net'
check "--network none has only loopback" out_is lo

st network rm e2enet
check "rm of a network in use fails naming the container" eval '[[ $rc == 1 ]] && err_has "srv"'
st container rm -f srv
st network rm e2enet
check "network rm removes an unused network" eval '[[ $rc == 0 ]] && out_is e2enet'
check "its bridge is gone" eval '! ip link show "$bridge" >/dev/null 2>&1'

# --- the default network, prune --------------------------------------------------------
st "${RUN[@]}" --rm --rootfs "$R" sh -c 'ip -o -4 addr show eth0'
check "run without --network joins the default bridge network" eval '[[ $rc == 0 ]] && out_has "inet 10.89."'
st network ls --format '{{.Name}}'
check "the bridge network was made on demand" out_is bridge
st network create --label tmp=1 pruneme
st network prune -f --filter label=tmp=1
check "network prune removes unused networks matching the filter" eval 'out_has "Deleted Networks:" && out_has pruneme'

# --- IPv6 ---------------------------------------------------------------------------------
st network create --ipv6 --subnet fd00:e2e:60::/64 --subnet 10.213.61.0/24 v6net
check "network create --ipv6 takes an IPv6 subnet beside the IPv4 one" test "$rc" = 0
bridge6=stk-$(head -c 11 "$TMP/out")
st network inspect v6net
check "network inspect shows EnableIPv6 and both pools" \
  eval 'json_get "n = j[0]; assert n[\"EnableIPv6\"]; c = n[\"IPAM\"][\"Config\"]; assert c[1] == {\"Subnet\": \"fd00:e2e:60::/64\", \"Gateway\": \"fd00:e2e:60::1\"}, c"'
check "the bridge has the IPv6 gateway" eval 'ip -o addr show "$bridge6" | has "fd00:e2e:60::1/64"'
check "its subnet is masqueraded in table ip6" eval 'nft list ruleset | has "ip6 saddr fd00:e2e:60::/64 oifname != \"$bridge6\" masquerade"'
st "${RUN[@]}" -d --name srv6 --network v6net -p 18090:8080 --rootfs "$R" nc -ll -p 8080 -e echo hello-over-ipv6
check "a server starts on the IPv6 network" test "$rc" = 0
st "${RUN[@]}" --rm --network v6net --ip6 fd00:e2e:60::77 --hostname h6 --rootfs "$R" \
  sh -c 'ip -o -6 addr show eth0 scope global; ip -6 route show default; cat /etc/hosts'
check "--ip6 gives the address, a default route via the gateway and a hosts line" \
  eval 'out_has "fd00:e2e:60::77/64" && out_has "default via fd00:e2e:60::1" && out_has "fd00:e2e:60::77	h6"'
reach6() { "$STACK" "${RUN[@]}" --rm --network v6net --rootfs "$R" nc -w 3 "$1" 8080 </dev/null >"$TMP/out" 2>"$TMP/err"; grep -q hello-over-ipv6 "$TMP/out"; }
check "a container reaches another over IPv6" eventually reach6 fd00:e2e:60::2
st "${RUN[@]}" --rm --network v6net --rootfs "$R" nslookup -type=AAAA srv6
check "stack-dns answers AAAA with the container's IPv6 address" out_has "fd00:e2e:60::2"
st "${RUN[@]}" --rm --network v6net --rootfs "$R" nslookup fd00:e2e:60::2
check "and PTR of that address with its name" out_has "name = srv6"
hello6() { "$R/bin/busybox" nc -w 3 "$@" </dev/null | has hello-over-ipv6; }
hello6_at() { "$R/bin/busybox" nc -w 3 "$1" 80 </dev/null | has hello-compose-v6; }
check "its published port answers on the host's IPv6 address" eventually hello6 fd00:e2e:60::1 18090
st container inspect -f '{{.NetworkSettings.Networks.v6net.GlobalIPv6Address}} {{.NetworkSettings.Networks.v6net.IPAddress}}' srv6
check "container inspect shows both addresses of the network" out_is "fd00:e2e:60::2 10.213.61.2"
st container inspect -f '{{range .NetworkSettings.Networks}}{{.GlobalIPv6Address}}{{end}}' srv6
check "and through docker's range idiom" out_is "fd00:e2e:60::2"
st container port srv6 8080
check "container port shows the IPv4 and the IPv6 socket" eval 'out_has "0.0.0.0:18090" && out_has "[::]:18090"'
# Another host: a namespace of its own behind a veth, reaching this one over IPv6 only.
unshare --net sleep 600 &
peer=$!
sleep 0.2
ip link add v6peer type veth peer name eth0 netns "$peer"
ip addr add fd00:e2e:70::1/64 dev v6peer nodad && ip link set v6peer up
nsenter -t "$peer" -n sh -c 'ip addr add fd00:e2e:70::2/64 dev eth0 nodad && ip link set eth0 up && ip -6 route add default via fd00:e2e:70::1'
check "another host reaches the published port over IPv6" eventually nsenter -t "$peer" -n "$R/bin/busybox" sh -c \
  "nc -w 3 fd00:e2e:70::1 18090 </dev/null | grep -q hello-over-ipv6"
kill "$peer"
wait "$peer" 2>/dev/null
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_INET6); s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s.bind(("::", 18091)); s.listen(); open(sys.argv[1], "w").close(); time.sleep(60)' "$TMP/v6only.ready" &
v6only=$!
eventually test -e "$TMP/v6only.ready"
st "${RUN[@]}" -d --network v6net -p 18091:80 --rootfs "$R" sleep 60
check "a port an IPv6-only listener holds is refused, naming it" eval '[[ $rc != 0 ]] && err_has "port [::]:18091/tcp is already in use"'
kill "$v6only"
wait "$v6only" 2>/dev/null
st "${RUN[@]}" --rm --network v6net --ip6 fd00:e2e:61::5 --rootfs "$R" true
check "an --ip6 outside the subnet is refused" eval '[[ $rc != 0 ]] && err_has "no configured subnet contains IP address fd00:e2e:61::5"'
st network create --ipv6 autov6
st network inspect -f '{{(index .IPAM.Config 1).Subnet}}' autov6
check "network create --ipv6 without a subnet takes a unique local /64" eval '[[ $(cat "$TMP/out") =~ ^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::/64$ ]]'
st network rm autov6
st network create --subnet fd00:e2e:62::/64 nov6
check "an IPv6 subnet without --ipv6 is refused" eval '[[ $rc == 1 ]] && err_has "IPv6 is not enabled"'
st container rm -f srv6
st network rm v6net
check "network rm removes the IPv6 network and its table ip6" \
  eval '[[ $rc == 0 ]] && ! nft list ruleset | has "table ip6"'

# --- IPv6 through compose ---------------------------------------------------------------
tar -C "$R" -c . | "$STACK" image import -c 'CMD ["sh"]' - stk-e2e-net:1 >/dev/null
mkdir -p "$TMP/proj6"
cat >"$TMP/proj6/compose.yaml" <<YAML
name: e2ev6
services:
  web:
    image: stk-e2e-net:1
    command: ["nc", "-ll", "-p", "80", "-e", "echo", "hello-compose-v6"]
    stop_signal: SIGKILL
    cgroup_parent: $PARENT
    networks: {front: {ipv6_address: "fd00:e2e:63::50"}}
networks:
  front:
    enable_ipv6: true
    ipam:
      config: [{subnet: "fd00:e2e:63::/64"}]
YAML
(cd "$TMP/proj6" && "$STACK" up -d >"$TMP/out" 2>"$TMP/err")
rc=$?
check "compose up with enable_ipv6 and ipv6_address" test "$rc" = 0
check "the service answers at its ipv6_address" eventually hello6_at fd00:e2e:63::50
(cd "$TMP/proj6" && "$STACK" down -t 0 >/dev/null 2>&1)
check "compose down removes the IPv6 network" eval '! "$STACK" network ls --format "{{.Name}}" | has e2ev6_front'

# --- nothing left ------------------------------------------------------------------------
remove_test_containers
st network ls -q
check "no network is left" out_is ""
check "no bridge or veth is left" eventually eval '[[ -z $(stk_links) ]]'
check "no network namespace is left mounted" eval '! grep -q "$TMP/run/netns/" /proc/self/mountinfo'
dns_gone() { [[ ! -e $TMP/run/dns/lock ]] || flock -n "$TMP/run/dns/lock" true; }
check "stack-dns exits once no network needs it" eventually dns_gone
summary
