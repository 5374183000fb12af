// Follows docker's distribution/reference: ParseNormalizedNamed (domain detection and
// "library/" for official images, then the grammar of Parse) and TagNameOnly (":latest"
// when neither a tag nor a digest was given). The grammar is checked piece by piece
// instead of with one regular expression, so that an error can say which piece is wrong.
#include "engine/image/reference.hpp"

#include <algorithm>
#include <cctype>

#include "base/error.hpp"
#include "engine/image/digest.hpp"

namespace stack::engine::image {
namespace {

constexpr std::string_view kDefaultDomain = "docker.io";
constexpr std::string_view kLegacyDefaultDomain = "index.docker.io";
constexpr std::string_view kOfficialPrefix = "library/";
constexpr std::size_t kNameTotalLengthMax = 255;
constexpr std::size_t kTagLengthMax = 128;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_word(char c) { return is_alnum(c) || c == '_'; }
bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

Error invalid(const std::string& detail, std::string hint = {}) {
  return Error("invalid reference format: " + detail, std::move(hint));
}

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

// [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*
bool is_path_component(std::string_view c) {
  std::size_t i = 0;
  for (;;) {
    std::size_t start = i;
    while (i < c.size() && is_lower_alnum(c[i])) ++i;
    if (i == start) return false;  // empty, or a separator at the start or after another
    if (i == c.size()) return true;
    if (c[i] == '.') {
      ++i;
    } else if (c[i] == '_') {
      i += (i + 1 < c.size() && c[i + 1] == '_') ? 2 : 1;
    } else if (c[i] == '-') {
      while (i < c.size() && c[i] == '-') ++i;
    } else {
      return false;
    }
  }
}

bool is_path(std::string_view path) {
  for (;;) {
    auto slash = path.find('/');
    if (!is_path_component(path.substr(0, slash))) return false;
    if (slash == std::string_view::npos) return true;
    path.remove_prefix(slash + 1);
  }
}

// (?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]) joined by '.'
bool is_domain_name(std::string_view name) {
  for (;;) {
    auto dot = name.find('.');
    auto label = name.substr(0, dot);
    if (label.empty() || !is_alnum(label.front()) || !is_alnum(label.back())) return false;
    if (!std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; })) return false;
    if (dot == std::string_view::npos) return true;
    name.remove_prefix(dot + 1);
  }
}

// host[:port], where host is a domain name or a bracketed IPv6 address.
bool is_domain(std::string_view domain) {
  std::string_view host = domain, port;
  if (!domain.empty() && domain.front() == '[') {
    auto close = domain.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    auto inside = domain.substr(1, close - 1);
    bool hex_or_colon = std::all_of(inside.begin(), inside.end(),
                                    [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':'; });
    if (!hex_or_colon) return false;
    auto rest = domain.substr(close + 1);
    if (rest.empty()) return true;
    if (rest.front() != ':') return false;
    port = rest.substr(1);
    if (port.empty()) return false;
  } else {
    auto colon = domain.find(':');
    if (colon != std::string_view::npos) {
      host = domain.substr(0, colon);
      port = domain.substr(colon + 1);
      if (port.empty()) return false;
    }
    if (!is_domain_name(host)) return false;
  }
  return std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// [\w][\w.-]{0,127}
bool is_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > kTagLengthMax || !is_word(tag.front())) return false;
  return std::all_of(tag.begin(), tag.end(), [](char c) { return is_word(c) || c == '.' || c == '-'; });
}

bool is_image_id_hex(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), is_hex);
}

// docker's splitDockerDomain: the first component is a registry host only when it looks
// like one, so "user/app" stays on Docker Hub and "localhost:5000/app" does not.
std::pair<std::string, std::string> split_domain(std::string_view text) {
  std::string domain(kDefaultDomain), remainder(text);
  auto slash = text.find('/');
  if (slash != std::string_view::npos) {
    auto first = text.substr(0, slash);
    if (first.find_first_of(".:") != std::string_view::npos || first == "localhost") {
      domain = std::string(first);
      remainder = std::string(text.substr(slash + 1));
    }
  }
  if (domain == kLegacyDefaultDomain) domain = kDefaultDomain;
  if (domain == kDefaultDomain && remainder.find('/') == std::string::npos) {
    remainder.insert(0, kOfficialPrefix);
  }
  return {domain, remainder};
}

void check_digest(std::string_view digest, std::string_view text) {
  if (is_sha256_digest(digest)) return;
  auto colon = digest.find(':');
  if (colon != std::string_view::npos && digest.substr(0, colon) != "sha256" && !digest.substr(0, colon).empty()) {
    throw invalid("unsupported digest algorithm in " + in_quotes(text), "only sha256 digests are supported");
  }
  throw invalid("invalid digest " + in_quotes(digest) + " in " + in_quotes(text),
                "a digest is \"sha256:\" followed by 64 lowercase hex digits");
}

}  // namespace

std::string Reference::repository() const { return domain + "/" + path; }

std::string Reference::string() const {
  std::string out = repository();
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

std::string Reference::familiar_name() const {
  if (domain != kDefaultDomain) return repository();
  // "library/x" is shortened only when nothing follows x, as docker does.
  std::string_view p = path;
  if (p.starts_with(kOfficialPrefix) && p.substr(kOfficialPrefix.size()).find('/') == std::string_view::npos) {
    return std::string(p.substr(kOfficialPrefix.size()));
  }
  return path;
}

std::string Reference::familiar() const {
  std::string out = familiar_name();
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

Reference parse_reference(std::string_view text) {
  if (text.empty()) throw invalid("the reference is empty");
  if (is_image_id_hex(text)) {
    throw invalid("invalid repository name (" + std::string(text) + "), cannot specify 64-byte hexadecimal strings");
  }
  auto [domain, remainder] = split_domain(text);
  Reference ref;
  ref.domain = domain;
  std::string_view rest = remainder;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
  }
  auto colon = rest.find(':');
  ref.path = std::string(rest.substr(0, colon));
  bool has_tag = colon != std::string_view::npos;
  if (has_tag) ref.tag = std::string(rest.substr(colon + 1));

  // Checked before the grammar, as docker does, so "Nginx" gets the helpful message.
  std::string lower = ref.path;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower != ref.path) throw invalid("repository name (" + ref.path + ") must be lowercase");

  if (!is_domain(ref.domain)) {
    throw invalid("invalid registry host " + in_quotes(ref.domain) + " in " + in_quotes(text));
  }
  if (!is_path(ref.path)) {
    throw invalid("invalid repository name " + in_quotes(ref.path) + " in " + in_quotes(text),
                  "repository names are lowercase letters and digits, separated by '.', '_', '__' or dashes, "
                  "in components joined by '/'");
  }
  if (has_tag && !is_tag(ref.tag)) {
    throw invalid("invalid tag " + in_quotes(ref.tag) + " in " + in_quotes(text),
                  "a tag is 1 to 128 letters, digits, '_', '.' or '-', and does not start with '.' or '-'");
  }
  if (!ref.digest.empty() || rest.size() != remainder.size()) check_digest(ref.digest, text);
  if (ref.repository().size() > kNameTotalLengthMax) {
    throw invalid("repository name (" + ref.repository() + ") must not be more than 255 characters");
  }
  if (!has_tag && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

bool looks_like_image_id(std::string_view text, bool allow_prefix) {
  if (text.starts_with("sha256:")) text.remove_prefix(7);
  if (text.empty() || text.size() > 64 || !std::all_of(text.begin(), text.end(), is_hex)) return false;
  return text.size() == 64 || allow_prefix;
}

}  // namespace stack::engine::image
