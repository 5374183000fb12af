#include "base/files.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "base/error.hpp"

namespace stack::base {

std::optional<std::string> read_file_if_exists(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    if (err == ENOENT) return std::nullopt;
    throw Error("read " + path.string() + ": " + std::strerror(err));
  }
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) throw Error("read " + path.string() + ": I/O error");
  return out.str();
}

std::string read_file(const std::filesystem::path& path) {
  auto content = read_file_if_exists(path);
  if (!content) throw Error("open " + path.string() + ": no such file or directory");
  return *content;
}

std::string read_stdin() {
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

std::filesystem::path absolute_from(const std::filesystem::path& base, const std::filesystem::path& path) {
  if (path.is_absolute()) return path.lexically_normal();
  auto joined = (base / path).lexically_normal();
  // "a/b/" normalizes to "a/b/"; compose paths never keep a trailing slash.
  auto s = joined.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace stack::base
