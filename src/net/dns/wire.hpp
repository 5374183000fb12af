// The DNS message codec (RFC 1035): a bounds-checked reader and a writer with name
// compression, both over caller-owned buffers so that the server's hot path allocates
// nothing. Message is the general, allocating form (tests, error answers).
//
// Names are kept in "dotted" form without the trailing dot ("web.example"; the root is
// ""). A label holding a '.' or a zero byte cannot be written that way and is refused by
// the reader as malformed: no resolver sends such names, and refusing is safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace stack::net::dns {

namespace type {
constexpr uint16_t A = 1, NS = 2, CNAME = 5, SOA = 6, PTR = 12, MX = 15, TXT = 16, AAAA = 28, OPT = 41, ANY = 255;
}
constexpr uint16_t kClassIn = 1;

enum class Rcode : uint8_t { NoError = 0, FormErr = 1, ServFail = 2, NxDomain = 3, NotImp = 4, Refused = 5 };

constexpr size_t kHeaderSize = 12;
constexpr size_t kMaxNameText = 253;  // dotted form, no trailing dot
constexpr size_t kMaxLabel = 63;
constexpr size_t kMaxUdpPlain = 512;  // without EDNS

// Flag bits of the header's second 16-bit word.
namespace flag {
constexpr uint16_t QR = 0x8000, AA = 0x0400, TC = 0x0200, RD = 0x0100, RA = 0x0080;
}

struct Header {
  uint16_t id = 0;
  uint16_t flags = 0;
  uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;

  bool response() const { return flags & flag::QR; }
  bool truncated() const { return flags & flag::TC; }
  uint8_t opcode() const { return (flags >> 11) & 0xF; }
  Rcode rcode() const { return static_cast<Rcode>(flags & 0xF); }
};

// A name decoded into a fixed buffer (no allocation): dotted text, case as received.
struct NameBuf {
  std::array<char, kMaxNameText + 2> text{};
  uint8_t size = 0;
  std::string_view view() const { return {text.data(), size}; }
};

// Reads a message front to back. Every read checks bounds; a false return means the
// message is malformed and the reader's position is unspecified.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> message) : msg_(message) {}

  bool header(Header& out);
  // A possibly compressed name. Pointers must point strictly backwards (so no loop can
  // form) and the decoded name must fit 255 octets on the wire.
  bool name(NameBuf& out);
  bool u8(uint8_t& out);
  bool u16(uint16_t& out);
  bool u32(uint32_t& out);
  bool bytes(size_t n, std::span<const uint8_t>& out);
  bool skip(size_t n);

  size_t pos() const { return pos_; }
  void seek(size_t pos) { pos_ = pos; }
  std::span<const uint8_t> message() const { return msg_; }
  // Decodes the name at `offset` without moving the reader (rdata of PTR, CNAME, NS).
  bool name_at(size_t offset, NameBuf& out, size_t& end) const;

 private:
  std::span<const uint8_t> msg_;
  size_t pos_ = 0;
};

// Writes a message into a fixed buffer. Any write that does not fit returns false and
// leaves the buffer's size where it was before that call (so a caller can stop at the
// last whole record and set TC).
class Writer {
 public:
  explicit Writer(std::span<uint8_t> buffer) : buf_(buffer) {}

  bool header(const Header& h);  // at the current position (normally 0)
  bool u16(uint16_t v);
  bool u32(uint32_t v);
  bool bytes(std::span<const uint8_t> data);
  // A name, compressed against the names written before when a suffix matches
  // (case-insensitively). One trailing dot is allowed ("web." is "web"). False also for
  // an invalid name (empty label, label > 63, > 253).
  bool name(std::string_view dotted);
  // A resource record with rdata given as bytes, or as a name (PTR, CNAME, NS).
  bool record(std::string_view owner, uint16_t rtype, uint16_t rclass, uint32_t ttl, std::span<const uint8_t> rdata);
  bool name_record(std::string_view owner, uint16_t rtype, uint32_t ttl, std::string_view target);

  void patch_u16(size_t offset, uint16_t v);
  size_t size() const { return size_; }
  void truncate(size_t size);
  std::span<uint8_t> buffer() const { return buf_; }

 private:
  bool equals_at(std::string_view dotted, size_t offset) const;
  std::optional<uint16_t> find_suffix(std::string_view suffix) const;

  std::span<uint8_t> buf_;
  size_t size_ = 0;
  // Offsets of names (and of each of their suffixes) already in the buffer.
  static constexpr size_t kMaxTargets = 64;
  std::array<uint16_t, kMaxTargets> targets_{};
  size_t target_count_ = 0;
};

// The general form of a message (allocating): what tests and error answers use.
struct Question {
  std::string name;
  uint16_t type = type::A;
  uint16_t klass = kClassIn;
  bool operator==(const Question&) const = default;
};

struct Record {
  std::string name;
  uint16_t type = type::A;
  uint16_t klass = kClassIn;
  uint32_t ttl = 0;
  std::vector<uint8_t> rdata;  // raw, except for the types below
  std::string target;          // decoded name for PTR, CNAME and NS (rdata is empty then)
  bool operator==(const Record&) const = default;
};

struct Message {
  Header header;
  std::vector<Question> questions;
  std::vector<Record> answers, authority, additional;
};

// Whole-message parse: nullopt when malformed (bad bounds, loops, trailing garbage is
// allowed as some servers pad). Counts in the returned header match the vectors.
std::optional<Message> parse_message(std::span<const uint8_t> bytes);
// Serialization with name compression; the header's counts are taken from the vectors.
std::vector<uint8_t> serialize(const Message& message);

// True when rdata of this type is a single domain name.
bool rdata_is_name(uint16_t rtype);

// Case-insensitive ASCII comparison of names, and lower-casing into a NameBuf.
bool names_equal(std::string_view a, std::string_view b);
void lowercase(NameBuf& name);

}  // namespace stack::net::dns
