#include "image/tar_builder.hpp"

#include <sys/stat.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace stack::testing {

namespace {

constexpr size_t kBlock = 512;
constexpr size_t kRecord = 10240;

// A zero-padded octal number of width - 1 digits; the last byte stays NUL.
void put_octal(char* field, size_t width, uint64_t value) {
  for (size_t i = width - 1; i-- > 0; value >>= 3) field[i] = static_cast<char>('0' + (value & 7));
  if (value != 0) throw std::runtime_error("tar builder: a number does not fit its header field");
}

void put_text(char* field, size_t width, const std::string& text) {
  if (text.size() > width) throw std::runtime_error("tar builder: \"" + text + "\" does not fit the header");
  std::memcpy(field, text.data(), text.size());
}

char type_flag(const TarEntry& e) {
  if (!e.hard_link.empty()) return '1';
  switch (e.type) {
    case S_IFLNK: return '2';
    case S_IFCHR: return '3';
    case S_IFBLK: return '4';
    case S_IFDIR: return '5';
    case S_IFIFO: return '6';
    default: return '0';
  }
}

// One ustar header block (POSIX.1-1988 layout, "ustar\0" "00" magic).
std::string header(const std::string& name, char type, const TarEntry& e, uint64_t size) {
  std::string block(kBlock, '\0');
  char* h = block.data();
  put_text(h, 100, name);
  put_octal(h + 100, 8, e.perm & 07777);
  put_octal(h + 108, 8, e.uid);
  put_octal(h + 116, 8, e.gid);
  put_octal(h + 124, 12, size);
  put_octal(h + 136, 12, static_cast<uint64_t>(e.mtime));
  h[156] = type;
  put_text(h + 157, 100, !e.hard_link.empty() ? e.hard_link : e.link);
  std::memcpy(h + 257, "ustar\0" "00", 8);
  put_octal(h + 329, 8, e.major);
  put_octal(h + 337, 8, e.minor);
  std::memset(h + 148, ' ', 8);  // the checksum counts its own field as spaces
  unsigned sum = 0;
  for (unsigned char c : block) sum += c;
  put_octal(h + 148, 7, sum);  // six digits, NUL, then the space that is already there
  return block;
}

// "<length> key=value\n", where the length counts the whole record, its own digits too.
std::string pax_record(const std::string& key, const std::string& value) {
  const size_t body = key.size() + value.size() + 3;  // ' ', '=', '\n'
  size_t length = body + 1;
  while (std::to_string(length).size() + body != length) ++length;
  return std::to_string(length) + " " + key + "=" + value + "\n";
}

std::string padded(std::string data) {
  data.resize((data.size() + kBlock - 1) / kBlock * kBlock, '\0');
  return data;
}

std::string pax_header(const TarEntry& e) {
  std::string records;
  if (e.mtime_nsec != 0) {
    char fraction[16];
    std::snprintf(fraction, sizeof fraction, "%09ld", e.mtime_nsec);
    records += pax_record("mtime", std::to_string(e.mtime) + "." + fraction);
  }
  // SCHILY.xattr.<name>: the value is raw bytes (the record is length-prefixed).
  for (const auto& [name, value] : e.xattrs) records += pax_record("SCHILY.xattr." + name, value);
  if (records.empty()) return {};
  TarEntry meta("", S_IFREG);
  return header("PaxHeaders/entry", 'x', meta, records.size()) + padded(records);
}


std::string zstd(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const size_t size = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  if (ZSTD_isError(size)) throw std::runtime_error(std::string("tar builder: ") + ZSTD_getErrorName(size));
  out.resize(size);
  return out;
}

}  // namespace

TarBuilder& TarBuilder::file(const std::string& name, const std::string& content, mode_t perm) {
  return add(TarEntry(name, S_IFREG).with_perm(perm).holding(content));
}

TarBuilder& TarBuilder::dir(const std::string& name, mode_t perm) {
  return add(TarEntry(name, S_IFDIR).with_perm(perm));
}

TarBuilder& TarBuilder::symlink(const std::string& name, const std::string& target) {
  return add(TarEntry(name, S_IFLNK).with_perm(0777).pointing_to(target));
}

TarBuilder& TarBuilder::hard_link(const std::string& name, const std::string& target) {
  return add(TarEntry(name, S_IFREG).linked_to(target));
}

TarBuilder& TarBuilder::add(TarEntry entry) {
  entries_.push_back(std::move(entry));
  return *this;
}

std::string TarBuilder::build(Compression compression) const {
  std::string tar;
  for (const TarEntry& e : entries_) {
    const char type = type_flag(e);
    const std::string& data = type == '0' ? e.content : std::string();
    tar += pax_header(e) + header(e.name, type, e, data.size()) + padded(data);
  }
  tar.append(2 * kBlock, '\0');  // the end marker
  tar.resize((tar.size() + kRecord - 1) / kRecord * kRecord, '\0');
  switch (compression) {
    case Compression::Gzip: return gzip(tar);
    case Compression::Zstd: return zstd(tar);
    case Compression::None: break;
  }
  return tar;
}

std::string gzip(const std::string& data) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("tar builder: deflateInit2");
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (status != Z_STREAM_END) throw std::runtime_error("tar builder: deflate");
  return out;
}

}  // namespace stack::testing
