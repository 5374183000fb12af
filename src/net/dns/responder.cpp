#include "net/dns/responder.hpp"

#include <algorithm>
#include <array>

namespace stack::net::dns {

namespace {

struct Query {
  Header header;
  NameBuf name;   // as the client spelled it (echoed, 0x20-randomized case kept)
  NameBuf lower;  // for lookups
  uint16_t qtype = 0;
  uint16_t qclass = 0;
  bool edns = false;
  uint16_t udp_payload = 0;
};

// Skips the answer and authority sections and finds an OPT record in the additional one.
bool read_edns(Reader& r, Query& q) {
  const uint32_t total = uint32_t{q.header.ancount} + q.header.nscount + q.header.arcount;
  for (uint32_t i = 0; i < total; ++i) {
    NameBuf owner;
    uint16_t rtype = 0, rclass = 0, rdlength = 0;
    uint32_t ttl = 0;
    if (!r.name(owner) || !r.u16(rtype) || !r.u16(rclass) || !r.u32(ttl) || !r.u16(rdlength) || !r.skip(rdlength))
      return false;
    if (rtype == type::OPT && i >= total - q.header.arcount) {
      q.edns = true;
      q.udp_payload = rclass;
    }
  }
  return true;
}

enum class Parse { Ok, Drop, FormErr, NotImp };

Parse parse_query(std::span<const uint8_t> bytes, Query& q) {
  Reader r(bytes);
  if (!r.header(q.header) || q.header.response()) return Parse::Drop;
  if (q.header.opcode() != 0) return Parse::NotImp;
  if (q.header.qdcount != 1) return Parse::FormErr;
  if (!r.name(q.name) || !r.u16(q.qtype) || !r.u16(q.qclass)) return Parse::FormErr;
  q.lower = q.name;
  lowercase(q.lower);
  return read_edns(r, q) ? Parse::Ok : Parse::FormErr;
}

size_t reply_limit(const Query& q, const Client& client, size_t buffer) {
  if (client.tcp) return std::min<size_t>(buffer, 65535);
  const size_t wanted = q.edns ? std::clamp<size_t>(q.udp_payload, kMaxUdpPlain, kEdnsPayload) : kMaxUdpPlain;
  return std::min(buffer, wanted);
}

constexpr size_t kOptSize = 11;

// Writes the header, the question and whatever answers `fill` adds; sets TC when an
// answer did not fit. Returns the reply's size.
template <typename Fill>
size_t build_reply(const Query& q, const Client& client, std::span<uint8_t> out, Rcode rcode, bool authoritative,
                   bool recursion, Fill&& fill) {
  const size_t limit = reply_limit(q, client, out.size());
  Writer w(out.first(limit - (q.edns ? kOptSize : 0)));
  Header h;
  h.id = q.header.id;
  h.flags = static_cast<uint16_t>(flag::QR | (q.header.flags & flag::RD) | static_cast<uint16_t>(rcode));
  if (authoritative) h.flags |= flag::AA;
  if (recursion) h.flags |= flag::RA;
  h.qdcount = 1;
  w.header(h);
  w.name(q.name.view());
  w.u16(q.qtype);
  w.u16(q.qclass);
  bool complete = true;
  const uint16_t answers = fill(w, complete);
  w.patch_u16(6, answers);
  if (!complete) w.patch_u16(2, static_cast<uint16_t>(h.flags | flag::TC));
  size_t size = w.size();
  if (q.edns) {
    Writer opt(out.first(limit));
    opt.truncate(size);
    opt.name("");
    opt.u16(type::OPT);
    opt.u16(kEdnsPayload);
    opt.u32(0);
    opt.u16(0);
    opt.patch_u16(10, 1);
    size = opt.size();
  }
  return size;
}

// Appends the addresses of one family in a fresh random order.
template <typename Address>
uint16_t add_addresses(Writer& w, const Query& q, const std::vector<Address>& addresses, uint16_t rtype, Rng& rng,
                       bool& complete) {
  std::array<uint16_t, 512> order;
  const size_t n = std::min(addresses.size(), order.size());
  shuffled_order(std::span(order).first(n), rng);
  uint16_t written = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!w.record(q.name.view(), rtype, kClassIn, kLocalTtl, addresses[order[i]])) {
      complete = false;
      break;
    }
    ++written;
  }
  return written;
}

}  // namespace

Verdict respond(const NetworkTable* network, const Client& client, std::span<const uint8_t> query,
                std::span<uint8_t> out, size_t& out_size, Rng& rng) {
  Query q;
  const Parse parsed = parse_query(query, q);
  if (parsed == Parse::Drop) return Verdict::Drop;
  const auto none = [](Writer&, bool&) -> uint16_t { return 0; };
  if (parsed != Parse::Ok) {
    out_size = error_reply(query, parsed == Parse::NotImp ? Rcode::NotImp : Rcode::FormErr, out);
    return out_size ? Verdict::Reply : Verdict::Drop;
  }
  if (!network || !network->subnet.contains(client.address)) {
    out_size = build_reply(q, client, out, Rcode::Refused, false, false, none);
    return Verdict::Reply;
  }
  const bool in_class = q.qclass == kClassIn || q.qclass == type::ANY;
  const bool recursion = !network->internal;
  if (const Addresses* found = in_class ? network->find(q.lower.view()) : nullptr) {
    out_size = build_reply(q, client, out, Rcode::NoError, true, recursion, [&](Writer& w, bool& complete) {
      uint16_t n = 0;
      if (q.qtype == type::A || q.qtype == type::ANY) n += add_addresses(w, q, found->v4, type::A, rng, complete);
      if (complete && (q.qtype == type::AAAA || q.qtype == type::ANY))
        n += add_addresses(w, q, found->v6, type::AAAA, rng, complete);
      return n;  // other types: NOERROR with no answer (the name exists)
    });
    return Verdict::Reply;
  }
  // Reverse names of the network's own IPv4 subnet are ours, answered or not; of IPv6,
  // those of its containers' addresses (the rest goes upstream).
  const auto reverse = in_class ? parse_reverse4(q.lower.view()) : std::nullopt;
  const auto reverse6 = in_class && !reverse ? parse_reverse6(q.lower.view()) : std::nullopt;
  const std::string* target = reverse    ? network->find_reverse(*reverse)
                              : reverse6 ? network->find_reverse6(*reverse6)
                                         : nullptr;
  if ((reverse && network->subnet.contains(*reverse)) || target) {
    const bool ptr = target && (q.qtype == type::PTR || q.qtype == type::ANY);
    out_size = build_reply(q, client, out, target ? Rcode::NoError : Rcode::NxDomain, true, recursion,
                           [&](Writer& w, bool& complete) -> uint16_t {
                             if (!ptr) return 0;
                             if (w.name_record(q.name.view(), type::PTR, kLocalTtl, *target)) return 1;
                             complete = false;
                             return 0;
                           });
    return Verdict::Reply;
  }
  // An internal network reaches nothing outside: say the name does not exist (a
  // definitive answer the client reports at once; SERVFAIL would make it retry).
  if (network->internal) {
    out_size = build_reply(q, client, out, Rcode::NxDomain, false, false, none);
    return Verdict::Reply;
  }
  return Verdict::Forward;
}

size_t error_reply(std::span<const uint8_t> query, Rcode rcode, std::span<uint8_t> out) {
  Reader r(query);
  Header in;
  if (!r.header(in) || out.size() < kHeaderSize) return 0;
  NameBuf name;
  uint16_t qtype = 0, qclass = 0;
  const bool question = in.qdcount == 1 && r.name(name) && r.u16(qtype) && r.u16(qclass);
  Writer w(out.first(std::min(out.size(), kMaxUdpPlain)));
  Header h;
  h.id = in.id;
  h.flags = static_cast<uint16_t>(flag::QR | (in.flags & (flag::RD | 0x7800)) | static_cast<uint16_t>(rcode));
  h.qdcount = question ? 1 : 0;
  w.header(h);
  if (question && !(w.name(name.view()) && w.u16(qtype) && w.u16(qclass))) {
    h.qdcount = 0;
    w.truncate(0);
    w.header(h);
  }
  return w.size();
}

}  // namespace stack::net::dns
