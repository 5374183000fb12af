// The Netlink interface over libnl-route-3. Operations inside a container's namespace use
// a netlink socket opened there (a socket stays bound to the namespace it was made in):
// this thread enters the namespace only for the socket's creation, then returns.
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>

#include "base/error.hpp"
#include "base/unique_fd.hpp"
#include "net/ipv6.hpp"
#include "net/netlink.hpp"

namespace stack::net {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p) Free(p);
  }
};
void put_link(rtnl_link* l) { rtnl_link_put(l); }
void put_addr(rtnl_addr* a) { rtnl_addr_put(a); }
void put_route(rtnl_route* r) { rtnl_route_put(r); }
void put_nladdr(nl_addr* a) { nl_addr_put(a); }
void put_cache(nl_cache* c) { nl_cache_free(c); }
using Sock = std::unique_ptr<nl_sock, Deleter<nl_sock, nl_socket_free>>;
using Link = std::unique_ptr<rtnl_link, Deleter<rtnl_link, put_link>>;
using Addr = std::unique_ptr<rtnl_addr, Deleter<rtnl_addr, put_addr>>;
using Route = std::unique_ptr<rtnl_route, Deleter<rtnl_route, put_route>>;
using NlAddr = std::unique_ptr<nl_addr, Deleter<nl_addr, put_nladdr>>;
using Cache = std::unique_ptr<nl_cache, Deleter<nl_cache, put_cache>>;

void check(int err, const std::string& what) {
  if (err < 0) throw Error(what + ": " + nl_geterror(err));
}

Sock connect_route() {
  Sock s(nl_socket_alloc());
  if (!s) throw Error("netlink: out of memory");
  check(nl_connect(s.get(), NETLINK_ROUTE), "netlink: connect");
  return s;
}

UniqueFd open_ns(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw Error("network namespace " + path + ": " + std::strerror(errno));
  return fd;
}

// Runs `work` with this thread moved into another network namespace by `enter` (a setns to
// one, or an unshare for a new one; it returns what failed, or ""), then moves the thread
// back; "" or what failed. A thread that cannot go back would do its later work in the
// container's network: abort.
std::string in_other_netns(const std::function<std::string()>& enter, const std::function<void()>& work) {
  UniqueFd self(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!self) return std::string("network namespace /proc/thread-self/ns/net: ") + std::strerror(errno);
  if (std::string failure = enter(); !failure.empty()) return failure;
  const auto go_back = [&] {
    if (::setns(self.get(), CLONE_NEWNET) != 0) std::abort();
  };
  std::string failure;
  try {
    work();
  } catch (const Error& e) {
    failure = e.what();
  } catch (...) {
    go_back();
    throw;
  }
  go_back();
  return failure;
}

// A route socket inside the namespace at `path`.
Sock connect_in(const std::string& path) {
  UniqueFd target = open_ns(path);
  Sock s;
  const std::string failure = in_other_netns(
      [&] {
        if (::setns(target.get(), CLONE_NEWNET) == 0) return std::string();
        return "enter network namespace " + path + ": " + std::strerror(errno);
      },
      [&] { s = connect_route(); });
  if (!failure.empty()) throw Error(failure);
  return s;
}

NlAddr parse_addr(const std::string& text, int family, const std::string& what) {
  nl_addr* a = nullptr;
  check(nl_addr_parse(text.c_str(), family, &a), what + ": address \"" + text + "\"");
  return NlAddr(a);
}

Link get_link(nl_sock* s, const std::string& name) {
  rtnl_link* l = nullptr;
  if (rtnl_link_get_kernel(s, 0, name.c_str(), &l) < 0) return nullptr;
  return Link(l);
}

void set_up(nl_sock* s, rtnl_link* link, int mtu, const std::string& what) {
  Link change(rtnl_link_alloc());
  rtnl_link_set_flags(change.get(), IFF_UP);
  if (mtu > 0) rtnl_link_set_mtu(change.get(), static_cast<unsigned>(mtu));
  check(rtnl_link_change(s, link, change.get(), 0), what + ": set up");
}

// An IPv4 or IPv6 address ("10.89.3.1/24", "fd12::1/64"); IPv6 ones without duplicate
// address detection, which would hold them "tentative" for a second or more.
void add_address(nl_sock* s, int ifindex, const std::string& cidr, const std::string& what) {
  Addr a(rtnl_addr_alloc());
  const bool v6 = looks_ipv6(cidr);
  NlAddr local = parse_addr(cidr, v6 ? AF_INET6 : AF_INET, what);
  rtnl_addr_set_ifindex(a.get(), ifindex);
  if (v6) rtnl_addr_set_flags(a.get(), IFA_F_NODAD);
  check(rtnl_addr_set_local(a.get(), local.get()), what + ": address " + cidr);
  const int err = rtnl_addr_add(s, a.get(), 0);
  if (err != -NLE_EXIST) check(err, what + ": add address " + cidr);
}

void add_default_route(nl_sock* s, int ifindex, const std::string& gateway, const std::string& what) {
  const int family = looks_ipv6(gateway) ? AF_INET6 : AF_INET;
  Route r(rtnl_route_alloc());
  rtnl_route_set_family(r.get(), family);
  NlAddr dst = parse_addr(family == AF_INET6 ? "::/0" : "0.0.0.0/0", family, what);
  rtnl_route_set_dst(r.get(), dst.get());
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  NlAddr gw = parse_addr(gateway, family, what);
  rtnl_route_nh_set_gateway(nh, gw.get());
  rtnl_route_nh_set_ifindex(nh, ifindex);
  rtnl_route_add_nexthop(r.get(), nh);  // the route owns it now
  check(rtnl_route_add(s, r.get(), NLM_F_CREATE), what + ": default route via " + gateway);
}

// Makes a namespace in this thread, brings up its loopback and persists it at `path`, then
// takes the thread back to its own namespace. In the calling thread, not a new one: a
// thread made and ended per container costs its creation, a wait to be scheduled on a busy
// host while the caller holds the networks lock, and at its exit a TLB shootdown for its
// freed stack.
std::string make_netns_here(const std::string& path) {
  return in_other_netns(
      [] { return ::unshare(CLONE_NEWNET) == 0 ? std::string() : std::string("unshare: ") + std::strerror(errno); },
      [&] {
        {
          Sock s = connect_route();
          Link lo = get_link(s.get(), "lo");
          if (!lo) throw Error("no loopback in the new namespace");
          set_up(s.get(), lo.get(), 0, "loopback");
        }
        if (::mount("/proc/thread-self/ns/net", path.c_str(), nullptr, MS_BIND, nullptr) != 0)
          throw Error(std::string("bind mount: ") + std::strerror(errno));
      });
}

// The subnet of an address or route destination, as a CIDR; "" for what no network of
// stack's could clash with (IPv6 link-local, multicast and loopback).
std::string network_of(nl_addr* local) {
  char buf[INET6_ADDRSTRLEN + 8];
  NlAddr copy(nl_addr_clone(local));
  const unsigned prefix = nl_addr_get_prefixlen(local);
  auto* bytes = static_cast<unsigned char*>(nl_addr_get_binary_addr(copy.get()));
  const unsigned bits = nl_addr_get_len(copy.get()) * 8;
  if (nl_addr_get_family(copy.get()) == AF_INET6 && (bytes[0] == 0xff || (bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80) || prefix == 128))
    return "";
  for (unsigned bit = prefix; bit < bits; ++bit) bytes[bit / 8] &= static_cast<unsigned char>(~(0x80u >> (bit % 8)));
  nl_addr2str(copy.get(), buf, sizeof buf);
  std::string text = buf;
  if (text.find('/') == std::string::npos) text += "/" + std::to_string(prefix);
  return text;
}

// A veth asked for without queue counts gets one queue per CPU, and the kernel then cuts
// both registered ends down to one queue each way; cutting an end's transmit queues waits
// out an expedited RCU grace period (synchronize_net) while it holds the RTNL mutex: 1-5 ms
// on a busy host, in which no other namespace or link on the host can be made. Asked for as
// one queue from the start, the pair is what it would have become, without the waits.
void one_queue_each_way(rtnl_link* link) {
  rtnl_link_set_num_tx_queues(link, 1);
  rtnl_link_set_num_rx_queues(link, 1);
}

class NlNetlink : public Netlink {
 public:
  NlNetlink() : sock_(connect_route()) {}

  void ensure_bridge(const std::string& name, const std::string& address, const std::string& address6, int mtu) override {
    const std::string what = "bridge " + name;
    if (!get_link(sock_.get(), name)) {
      Link l(rtnl_link_bridge_alloc());
      if (!l) throw Error(what + ": out of memory");
      rtnl_link_set_name(l.get(), name.c_str());
      rtnl_link_set_mtu(l.get(), static_cast<unsigned>(mtu));
      const int err = rtnl_link_add(sock_.get(), l.get(), NLM_F_CREATE | NLM_F_EXCL);
      if (err != -NLE_EXIST) check(err, "create " + what);
    }
    Link l = get_link(sock_.get(), name);
    if (!l) throw Error(what + ": gone right after its creation");
    add_address(sock_.get(), rtnl_link_get_ifindex(l.get()), address, what);
    if (!address6.empty()) add_address(sock_.get(), rtnl_link_get_ifindex(l.get()), address6, what);
    set_up(sock_.get(), l.get(), mtu, what);
  }

  bool link_exists(const std::string& name) override { return get_link(sock_.get(), name) != nullptr; }

  // On a socket of its own: Networks::drop_bridge deletes a bridge outside the networks
  // lock, beside the calls that use the shared one under it.
  void delete_link(const std::string& name) override {
    Sock sock = connect_route();
    Link l(rtnl_link_alloc());
    rtnl_link_set_name(l.get(), name.c_str());
    const int err = rtnl_link_delete(sock.get(), l.get());
    if (err != -NLE_NODEV && err != -NLE_OBJ_NOTFOUND) check(err, "delete link " + name);
  }

  void create_netns(const std::string& path) override {
    UniqueFd file(::open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
    if (!file) throw Error("network namespace " + path + ": " + std::strerror(errno));
    file.reset();
    const std::string failure = make_netns_here(path);
    if (!failure.empty()) {
      ::unlink(path.c_str());
      throw Error("create network namespace " + path + ": " + failure);
    }
  }

  void delete_netns(const std::string& path) override {
    if (::umount2(path.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT)
      throw Error("unmount network namespace " + path + ": " + std::strerror(errno));
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      throw Error("remove network namespace " + path + ": " + std::strerror(errno));
  }

  // On a socket of its own, as create_netns and delete_link: Networks::create_sandbox
  // makes its namespace and veths outside the networks lock, beside other threads' calls.
  void add_veth(const VethRequest& r) override {
    const std::string what = "veth " + r.host_name + " (" + r.peer_name + " in " + r.netns_path + ")";
    Sock sock = connect_route();
    Link bridge = get_link(sock.get(), r.bridge);
    if (!bridge) throw Error(what + ": bridge " + r.bridge + " does not exist");
    UniqueFd ns = open_ns(r.netns_path);
    Link veth(rtnl_link_veth_alloc());
    if (!veth) throw Error(what + ": out of memory");
    rtnl_link_set_name(veth.get(), r.host_name.c_str());
    rtnl_link_set_mtu(veth.get(), static_cast<unsigned>(r.mtu));
    rtnl_link_set_master(veth.get(), rtnl_link_get_ifindex(bridge.get()));
    rtnl_link_set_flags(veth.get(), IFF_UP);
    rtnl_link* peer = rtnl_link_veth_get_peer(veth.get());
    rtnl_link_set_name(peer, r.peer_name.c_str());
    rtnl_link_set_mtu(peer, static_cast<unsigned>(r.mtu));
    one_queue_each_way(veth.get());
    one_queue_each_way(peer);
    rtnl_link_set_ns_fd(peer, ns.get());
    NlAddr mac;
    if (!r.mac.empty()) {
      mac = parse_addr(r.mac, AF_LLC, what);
      rtnl_link_set_addr(peer, mac.get());
    }
    rtnl_link_put(peer);
    check(rtnl_link_add(sock.get(), veth.get(), NLM_F_CREATE | NLM_F_EXCL), "create " + what);
    try {
      configure_peer(r, what);
    } catch (const Error&) {
      delete_link(r.host_name);
      throw;
    }
  }

  void attach_link(const std::string& link, const std::string& bridge) override {
    Link l = get_link(sock_.get(), link);
    if (!l) return;  // it went with its namespace
    Link br = get_link(sock_.get(), bridge);
    if (!br) throw Error("attach " + link + ": bridge " + bridge + " does not exist");
    Link change(rtnl_link_alloc());
    rtnl_link_set_master(change.get(), rtnl_link_get_ifindex(br.get()));
    rtnl_link_set_flags(change.get(), IFF_UP);
    check(rtnl_link_change(sock_.get(), l.get(), change.get(), 0), "attach " + link + " to bridge " + bridge);
  }

  std::vector<std::string> host_subnets() override {
    std::vector<std::string> out;
    nl_cache* raw = nullptr;
    check(rtnl_addr_alloc_cache(sock_.get(), &raw), "netlink: list addresses");
    Cache addrs(raw);
    auto add = [&out](nl_addr* a) {
      if (std::string subnet = network_of(a); !subnet.empty()) out.push_back(std::move(subnet));
    };
    for (nl_object* o = nl_cache_get_first(addrs.get()); o; o = nl_cache_get_next(o)) {
      auto* a = reinterpret_cast<rtnl_addr*>(o);
      const int family = rtnl_addr_get_family(a);
      if ((family == AF_INET || family == AF_INET6) && rtnl_addr_get_local(a)) add(rtnl_addr_get_local(a));
    }
    for (const int family : {AF_INET, AF_INET6}) {
      check(rtnl_route_alloc_cache(sock_.get(), family, 0, &raw), "netlink: list routes");
      Cache routes(raw);
      for (nl_object* o = nl_cache_get_first(routes.get()); o; o = nl_cache_get_next(o)) {
        auto* r = reinterpret_cast<rtnl_route*>(o);
        nl_addr* dst = rtnl_route_get_dst(r);
        if (rtnl_route_get_table(r) == RT_TABLE_LOCAL || !dst || nl_addr_get_prefixlen(dst) == 0) continue;
        add(dst);
      }
    }
    return out;
  }

  int uplink_mtu() override {
    nl_cache* raw = nullptr;
    check(rtnl_route_alloc_cache(sock_.get(), AF_INET, 0, &raw), "netlink: list routes");
    Cache routes(raw);
    for (nl_object* o = nl_cache_get_first(routes.get()); o; o = nl_cache_get_next(o)) {
      auto* r = reinterpret_cast<rtnl_route*>(o);
      nl_addr* dst = rtnl_route_get_dst(r);
      if (rtnl_route_get_table(r) != RT_TABLE_MAIN || (dst && nl_addr_get_prefixlen(dst) != 0)) continue;
      if (rtnl_route_get_nnexthops(r) < 1) continue;
      rtnl_link* l = nullptr;
      if (rtnl_link_get_kernel(sock_.get(), rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(r, 0)), nullptr, &l) < 0) continue;
      Link link(l);
      return static_cast<int>(rtnl_link_get_mtu(link.get()));
    }
    return 1500;
  }

 private:
  void configure_peer(const VethRequest& r, const std::string& what) {
    Sock inside = connect_in(r.netns_path);
    Link peer = get_link(inside.get(), r.peer_name);
    if (!peer) throw Error(what + ": " + r.peer_name + " missing in the namespace");
    const int index = rtnl_link_get_ifindex(peer.get());
    add_address(inside.get(), index, r.address, what);
    if (!r.address6.empty()) add_address(inside.get(), index, r.address6, what);
    set_up(inside.get(), peer.get(), 0, what);
    if (!r.gateway.empty()) add_default_route(inside.get(), index, r.gateway, what);
    if (!r.gateway6.empty()) add_default_route(inside.get(), index, r.gateway6, what);
  }

  Sock sock_;
};

}  // namespace

std::unique_ptr<Netlink> system_netlink() { return std::make_unique<NlNetlink>(); }

}  // namespace stack::net
