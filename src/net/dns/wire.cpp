#include "net/dns/wire.hpp"

#include <algorithm>
#include <cstring>

#include "base/error.hpp"

namespace stack::net::dns {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// The labels of a dotted name, one at a time.
struct LabelCursor {
  std::string_view rest;
  bool next(std::string_view& label) {
    if (rest.empty()) return false;
    const size_t dot = rest.find('.');
    label = rest.substr(0, dot);
    rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
    return true;
  }
};

bool valid_dotted(std::string_view dotted) {
  if (dotted.size() > kMaxNameText) return false;
  if (dotted.empty()) return true;
  LabelCursor cursor{dotted};
  std::string_view label;
  size_t labels = 0;
  while (cursor.next(label)) {
    if (label.empty() || label.size() > kMaxLabel) return false;
    ++labels;
  }
  // "a." or "a..b" leave an empty label that the cursor does not report: count dots.
  return static_cast<size_t>(std::count(dotted.begin(), dotted.end(), '.')) + 1 == labels;
}

}  // namespace

bool names_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

void lowercase(NameBuf& name) {
  for (size_t i = 0; i < name.size; ++i) name.text[i] = lower(name.text[i]);
}

bool rdata_is_name(uint16_t rtype) { return rtype == type::PTR || rtype == type::CNAME || rtype == type::NS; }

// --- Reader ---

bool Reader::u8(uint8_t& out) {
  if (pos_ + 1 > msg_.size()) return false;
  out = msg_[pos_++];
  return true;
}

bool Reader::u16(uint16_t& out) {
  if (pos_ + 2 > msg_.size()) return false;
  out = static_cast<uint16_t>(msg_[pos_] << 8 | msg_[pos_ + 1]);
  pos_ += 2;
  return true;
}

bool Reader::u32(uint32_t& out) {
  uint16_t hi = 0, lo = 0;
  if (pos_ + 4 > msg_.size()) return false;
  u16(hi);
  u16(lo);
  out = static_cast<uint32_t>(hi) << 16 | lo;
  return true;
}

bool Reader::bytes(size_t n, std::span<const uint8_t>& out) {
  if (n > msg_.size() - pos_) return false;
  out = msg_.subspan(pos_, n);
  pos_ += n;
  return true;
}

bool Reader::skip(size_t n) {
  if (n > msg_.size() - pos_) return false;
  pos_ += n;
  return true;
}

bool Reader::header(Header& h) {
  return u16(h.id) && u16(h.flags) && u16(h.qdcount) && u16(h.ancount) && u16(h.nscount) && u16(h.arcount);
}

bool Reader::name(NameBuf& out) {
  size_t end = 0;
  if (!name_at(pos_, out, end)) return false;
  pos_ = end;
  return true;
}

bool Reader::name_at(size_t offset, NameBuf& out, size_t& end) const {
  size_t p = offset;
  size_t lowest = offset;  // every jump must land before the previous one: no loop
  size_t wire_size = 0;
  bool jumped = false;
  out.size = 0;
  for (;;) {
    if (p >= msg_.size()) return false;
    const uint8_t len = msg_[p];
    if ((len & 0xC0) == 0xC0) {
      if (p + 1 >= msg_.size()) return false;
      const size_t target = static_cast<size_t>(len & 0x3F) << 8 | msg_[p + 1];
      if (target >= lowest) return false;
      if (!jumped) end = p + 2;
      jumped = true;
      lowest = target;
      p = target;
      continue;
    }
    if (len & 0xC0) return false;  // the obsolete extended label types
    wire_size += 1 + len;
    if (wire_size > 255) return false;
    if (len == 0) {
      if (!jumped) end = p + 1;
      return true;
    }
    if (p + 1 + len > msg_.size()) return false;
    if (out.size != 0) out.text[out.size++] = '.';
    for (size_t i = 0; i < len; ++i) {
      const char c = static_cast<char>(msg_[p + 1 + i]);
      if (c == '.' || c == '\0') return false;
      out.text[out.size++] = c;
    }
    p += 1 + len;
  }
}

// --- Writer ---

bool Writer::u16(uint16_t v) {
  if (size_ + 2 > buf_.size()) return false;
  buf_[size_++] = static_cast<uint8_t>(v >> 8);
  buf_[size_++] = static_cast<uint8_t>(v);
  return true;
}

bool Writer::u32(uint32_t v) {
  if (size_ + 4 > buf_.size()) return false;
  u16(static_cast<uint16_t>(v >> 16));
  u16(static_cast<uint16_t>(v));
  return true;
}

bool Writer::bytes(std::span<const uint8_t> data) {
  if (data.size() > buf_.size() - size_) return false;
  if (!data.empty()) std::memcpy(buf_.data() + size_, data.data(), data.size());
  size_ += data.size();
  return true;
}

bool Writer::header(const Header& h) {
  const size_t start = size_;
  if (u16(h.id) && u16(h.flags) && u16(h.qdcount) && u16(h.ancount) && u16(h.nscount) && u16(h.arcount)) return true;
  size_ = start;
  return false;
}

void Writer::patch_u16(size_t offset, uint16_t v) {
  buf_[offset] = static_cast<uint8_t>(v >> 8);
  buf_[offset + 1] = static_cast<uint8_t>(v);
}

void Writer::truncate(size_t size) {
  size_ = size;
  // Names written past `size` can no longer be pointed to.
  while (target_count_ > 0 && targets_[target_count_ - 1] >= size) --target_count_;
}

// Whether the name stored at `offset` (our own output: pointers only point backwards)
// spells `dotted`, ignoring case.
bool Writer::equals_at(std::string_view dotted, size_t offset) const {
  LabelCursor cursor{dotted};
  std::string_view label;
  size_t p = offset;
  for (int steps = 0; steps < 256; ++steps) {
    const uint8_t len = buf_[p];
    if ((len & 0xC0) == 0xC0) {
      p = static_cast<size_t>(len & 0x3F) << 8 | buf_[p + 1];
      continue;
    }
    if (len == 0) return !cursor.next(label);
    if (!cursor.next(label) || label.size() != len) return false;
    if (!names_equal(label, std::string_view(reinterpret_cast<const char*>(&buf_[p + 1]), len))) return false;
    p += 1 + len;
  }
  return false;
}

std::optional<uint16_t> Writer::find_suffix(std::string_view suffix) const {
  for (size_t i = 0; i < target_count_; ++i)
    if (equals_at(suffix, targets_[i])) return targets_[i];
  return std::nullopt;
}

bool Writer::name(std::string_view dotted) {
  if (!dotted.empty() && dotted.back() == '.') dotted.remove_suffix(1);  // "web." is "web" on the wire
  if (!valid_dotted(dotted)) return false;
  const size_t start = size_;
  // The suffixes written here become targets only once the name is whole: until then
  // they are not terminated and cannot be compared.
  std::array<uint16_t, 128> fresh{};
  size_t fresh_count = 0;
  bool pointer = false;
  std::string_view rest = dotted;
  while (!rest.empty()) {
    if (auto at = find_suffix(rest)) {
      if (!u16(static_cast<uint16_t>(0xC000 | *at))) return truncate(start), false;
      pointer = true;
      break;
    }
    const size_t dot = rest.find('.');
    const std::string_view label = rest.substr(0, dot);
    if (size_ + 1 + label.size() > buf_.size()) return truncate(start), false;
    if (size_ < 0x4000) fresh[fresh_count++] = static_cast<uint16_t>(size_);
    buf_[size_++] = static_cast<uint8_t>(label.size());
    std::memcpy(buf_.data() + size_, label.data(), label.size());
    size_ += label.size();
    rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
  }
  if (!pointer) {
    if (size_ + 1 > buf_.size()) return truncate(start), false;
    buf_[size_++] = 0;
  }
  for (size_t i = 0; i < fresh_count && target_count_ < kMaxTargets; ++i) targets_[target_count_++] = fresh[i];
  return true;
}

bool Writer::record(std::string_view owner, uint16_t rtype, uint16_t rclass, uint32_t ttl,
                    std::span<const uint8_t> rdata) {
  const size_t start = size_;
  if (rdata.size() <= 0xFFFF && name(owner) && u16(rtype) && u16(rclass) && u32(ttl) &&
      u16(static_cast<uint16_t>(rdata.size())) && bytes(rdata))
    return true;
  truncate(start);
  return false;
}

bool Writer::name_record(std::string_view owner, uint16_t rtype, uint32_t ttl, std::string_view target) {
  const size_t start = size_;
  if (name(owner) && u16(rtype) && u16(kClassIn) && u32(ttl) && u16(0)) {
    const size_t rdata_start = size_;
    if (name(target)) {
      patch_u16(rdata_start - 2, static_cast<uint16_t>(size_ - rdata_start));
      return true;
    }
  }
  truncate(start);
  return false;
}

// --- Message ---

namespace {

bool read_question(Reader& r, Question& q) {
  NameBuf name;
  if (!r.name(name) || !r.u16(q.type) || !r.u16(q.klass)) return false;
  q.name.assign(name.view());
  return true;
}

bool read_record(Reader& r, Record& rec) {
  NameBuf name;
  uint16_t rdlength = 0;
  if (!r.name(name) || !r.u16(rec.type) || !r.u16(rec.klass) || !r.u32(rec.ttl) || !r.u16(rdlength)) return false;
  rec.name.assign(name.view());
  const size_t rdata_start = r.pos();
  std::span<const uint8_t> rdata;
  if (!r.bytes(rdlength, rdata)) return false;
  if (rec.type == type::A && rdlength != 4) return false;
  if (rec.type == type::AAAA && rdlength != 16) return false;
  if (rdata_is_name(rec.type)) {
    NameBuf target;
    size_t end = 0;
    if (!r.name_at(rdata_start, target, end) || end != rdata_start + rdlength) return false;
    rec.target.assign(target.view());
  } else {
    rec.rdata.assign(rdata.begin(), rdata.end());
  }
  return true;
}

bool read_records(Reader& r, uint16_t count, std::vector<Record>& out) {
  for (uint16_t i = 0; i < count; ++i) {
    Record rec;
    if (!read_record(r, rec)) return false;
    out.push_back(std::move(rec));
  }
  return true;
}

bool write_records(Writer& w, const std::vector<Record>& records) {
  for (const auto& rec : records) {
    const bool ok = rdata_is_name(rec.type) ? w.name_record(rec.name, rec.type, rec.ttl, rec.target)
                                            : w.record(rec.name, rec.type, rec.klass, rec.ttl, rec.rdata);
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::optional<Message> parse_message(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  Message m;
  if (!r.header(m.header)) return std::nullopt;
  for (uint16_t i = 0; i < m.header.qdcount; ++i) {
    Question q;
    if (!read_question(r, q)) return std::nullopt;
    m.questions.push_back(std::move(q));
  }
  if (!read_records(r, m.header.ancount, m.answers) || !read_records(r, m.header.nscount, m.authority) ||
      !read_records(r, m.header.arcount, m.additional))
    return std::nullopt;
  return m;
}

std::vector<uint8_t> serialize(const Message& m) {
  std::vector<uint8_t> out(65535);
  Writer w(out);
  Header h = m.header;
  h.qdcount = static_cast<uint16_t>(m.questions.size());
  h.ancount = static_cast<uint16_t>(m.answers.size());
  h.nscount = static_cast<uint16_t>(m.authority.size());
  h.arcount = static_cast<uint16_t>(m.additional.size());
  bool ok = w.header(h);
  for (const auto& q : m.questions) ok = ok && w.name(q.name) && w.u16(q.type) && w.u16(q.klass);
  ok = ok && write_records(w, m.answers) && write_records(w, m.authority) && write_records(w, m.additional);
  if (!ok) throw Error("cannot serialize DNS message: a name is invalid or the message exceeds 65535 bytes");
  out.resize(w.size());
  return out;
}

}  // namespace stack::net::dns
