#include "engine/image/tar_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <vector>

#include "base/error.hpp"
#include "base/files.hpp"
#include "base/syscall_error.hpp"
#include "base/unique_fd.hpp"

namespace stack::engine::image {
namespace {

constexpr size_t kBlock = 512;
constexpr size_t kChunk = 256 * 1024;
constexpr uint64_t kMaxOctalSize = 077777777777ULL;  // 11 octal digits: ustar's limit

using Header = std::array<char, kBlock>;

// An octal number right-aligned in `width - 1` digits and a NUL, as ustar wants.
void put_octal(Header& h, size_t offset, size_t width, uint64_t value) {
  for (size_t i = width - 1; i-- > 0; value >>= 3) h[offset + i] = static_cast<char>('0' + (value & 7));
  h[offset + width - 1] = '\0';
}

void put_string(Header& h, size_t offset, size_t width, std::string_view value) {
  std::memcpy(h.data() + offset, value.data(), std::min(width, value.size()));
}

// One pax record: "<length> <key>=<value>\n", the length counting its own digits.
std::string pax_record(const std::string& key, const std::string& value) {
  const size_t rest = 1 + key.size() + 1 + value.size() + 1;
  size_t length = rest + 1;
  while (std::to_string(length).size() + rest != length) length = std::to_string(length).size() + rest;
  return std::to_string(length) + " " + key + "=" + value + "\n";
}

Header ustar_header(const TarEntry& e, const std::string& name, const std::string& link, uint64_t size) {
  Header h{};
  put_string(h, 0, 100, name);
  put_octal(h, 100, 8, e.mode & 07777);
  put_octal(h, 108, 8, e.uid);
  put_octal(h, 116, 8, e.gid);
  put_octal(h, 124, 12, size);
  put_octal(h, 136, 12, static_cast<uint64_t>(e.mtime < 0 ? 0 : e.mtime));
  h[156] = e.type;
  put_string(h, 157, 100, link);
  put_string(h, 257, 6, std::string_view("ustar\0", 6));
  put_string(h, 263, 2, "00");
  put_octal(h, 329, 8, e.dev_major);
  put_octal(h, 337, 8, e.dev_minor);
  // The checksum is taken with its own field read as spaces.
  std::memset(h.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (char c : h) sum += static_cast<unsigned char>(c);
  put_octal(h, 148, 7, sum);
  h[155] = ' ';
  return h;
}

TarEntry simple_entry(const std::string& name, char type, unsigned mode, uint64_t size = 0) {
  TarEntry e;
  e.name = name;
  e.type = type;
  e.mode = mode;
  e.size = size;
  return e;
}

bool fits_octal(uint64_t value, size_t width) { return value < (uint64_t{1} << (3 * (width - 1))); }

}  // namespace

void TarWriter::write(std::string_view data, const std::string& name) {
  if (!base::write_all(fd_, data)) throw syscall_error("write tar entry \"" + name + "\"");
  written_ += data.size();
}

void TarWriter::pad(uint64_t size, const std::string& name) {
  static const Header zeros{};
  if (size % kBlock != 0) write(std::string_view(zeros.data(), kBlock - size % kBlock), name);
}

void TarWriter::write_header(const TarEntry& e) {
  std::string pax;
  if (e.name.size() > 100) pax += pax_record("path", e.name);
  if (e.link.size() > 100) pax += pax_record("linkpath", e.link);
  if (e.size > kMaxOctalSize) pax += pax_record("size", std::to_string(e.size));
  if (!fits_octal(e.uid, 8)) pax += pax_record("uid", std::to_string(e.uid));
  if (!fits_octal(e.gid, 8)) pax += pax_record("gid", std::to_string(e.gid));
  for (const auto& [key, value] : e.xattrs) pax += pax_record("SCHILY.xattr." + key, value);
  if (!pax.empty()) {
    TarEntry x;
    x.type = 'x';
    const Header h = ustar_header(x, "././@PaxHeader", {}, pax.size());
    write(std::string_view(h.data(), h.size()), e.name);
    write(pax, e.name);
    pad(pax.size(), e.name);
  }
  // With a pax header the ustar fields only need to be harmless: truncated or zero.
  TarEntry u = e;
  if (!fits_octal(u.uid, 8)) u.uid = 0;
  if (!fits_octal(u.gid, 8)) u.gid = 0;
  const Header h = ustar_header(u, e.name.substr(0, 100), e.link.substr(0, 100), e.size > kMaxOctalSize ? 0 : e.size);
  write(std::string_view(h.data(), h.size()), e.name);
}

void TarWriter::copy_data(int fd, uint64_t size, const std::string& name) {
  std::vector<char> buf(kChunk);
  uint64_t total = 0;
  while (total < size) {
    const ssize_t n = ::read(fd, buf.data(), std::min<uint64_t>(buf.size(), size - total));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw syscall_error("read " + name);
    if (n == 0) break;
    write(std::string_view(buf.data(), static_cast<size_t>(n)), name);
    total += static_cast<uint64_t>(n);
  }
  // The header promised `size` bytes: a file that shrank would corrupt the archive.
  if (total != size) throw Error("cannot write tar entry \"" + name + "\": the file changed while it was read");
  pad(size, name);
}

void TarWriter::add_entry(const TarEntry& entry, int data_fd) {
  write_header(entry);
  if (entry.type == '0' && entry.size > 0) copy_data(data_fd, entry.size, entry.name);
}

void TarWriter::add_directory(const std::string& name, unsigned mode) {
  add_entry(simple_entry(name, '5', mode));
}

void TarWriter::add_file(const std::string& name, std::string_view content, unsigned mode) {
  write_header(simple_entry(name, '0', mode, content.size()));
  write(content, name);
  pad(content.size(), name);
}

void TarWriter::add_file_from(const std::string& name, const std::string& path, unsigned mode) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw syscall_error("open " + path);
  struct stat st{};
  if (::fstat(fd.get(), &st) != 0) throw syscall_error("stat " + path);
  add_entry(simple_entry(name, '0', mode, static_cast<uint64_t>(st.st_size)), fd.get());
}

void TarWriter::add_symlink(const std::string& name, const std::string& target) {
  TarEntry e = simple_entry(name, '2', 0777);
  e.link = target;
  add_entry(e);
}

void TarWriter::finish() {
  static const std::array<char, 2 * kBlock> zeros{};
  write(std::string_view(zeros.data(), zeros.size()), "end of archive");
}

}  // namespace stack::engine::image
