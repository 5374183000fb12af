#include "engine/image/http_url.hpp"

#include "base/strings.hpp"

namespace stack::engine::image {
namespace {

// Offset of the authority (after "scheme://"), or 0 for a URL without a scheme.
size_t authority_start(std::string_view url) {
  size_t p = url.find("://");
  return p == std::string_view::npos ? 0 : p + 3;
}

size_t authority_end(std::string_view url, size_t start) {
  size_t end = url.find_first_of("/?#", start);
  return end == std::string_view::npos ? url.size() : end;
}

}  // namespace

std::string url_authority(std::string_view url) {
  size_t start = authority_start(url);
  std::string_view authority = url.substr(start, authority_end(url, start) - start);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  return std::string(authority);
}

std::string url_origin(std::string_view url) {
  size_t start = authority_start(url);
  std::string scheme = start == 0 ? std::string() : std::string(url.substr(0, start));
  return base::to_lower(scheme + url_authority(url));
}

std::string resolve_location(std::string_view base, std::string_view location) {
  if (location.find("://") != std::string_view::npos) return std::string(location);
  size_t start = authority_start(base);
  std::string origin(base.substr(0, authority_end(base, start)));
  if (location.starts_with('/')) return origin + std::string(location);
  // Relative to the directory of base's path (RFC 3986 merge; no dot segments here).
  std::string_view path = base.substr(origin.size());
  path = path.substr(0, path.find_first_of("?#"));
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string_view::npos ? "/" : std::string(path.substr(0, slash + 1));
  return origin + dir + std::string(location);
}

std::string append_query(std::string_view url, std::string_view key_value) {
  char sep = url.find('?') == std::string_view::npos ? '?' : '&';
  return std::string(url) + sep + std::string(key_value);
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace stack::engine::image
