#include "engine/image/registry_config.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/files.hpp"
#include "base/strings.hpp"

namespace stack::engine::image {
namespace {

std::vector<std::string> string_list(const nlohmann::json& doc, const char* key, const std::string& file) {
  std::vector<std::string> out;
  if (!doc.contains(key)) return out;
  const auto& value = doc[key];
  if (!value.is_array()) throw Error(file + ": \"" + key + "\" must be a list of strings");
  for (const auto& item : value) {
    if (!item.is_string()) throw Error(file + ": \"" + key + "\" must be a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::string normalize_mirror(std::string url, const std::string& file) {
  while (url.ends_with('/')) url.pop_back();
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    throw Error(file + ": registry mirror \"" + url + "\" is not an http:// or https:// URL");
  }
  return url;
}

// "host:port" -> "host"; "[::1]:5000" -> "::1"; a bare IPv6 address stays whole.
std::string hostname_of(std::string_view host) {
  if (host.starts_with('[')) {
    size_t close = host.find(']');
    return std::string(host.substr(1, close == std::string_view::npos ? host.size() - 1 : close - 1));
  }
  size_t colon = host.find(':');
  if (colon != std::string_view::npos && host.find(':', colon + 1) == std::string_view::npos) {
    return std::string(host.substr(0, colon));
  }
  return std::string(host);
}

struct IpAddress {
  int family = 0;
  unsigned char bytes[16] = {};
  size_t size() const { return family == AF_INET ? 4 : 16; }
};

bool parse_ip(const std::string& text, IpAddress& out) {
  if (::inet_pton(AF_INET, text.c_str(), out.bytes) == 1) {
    out.family = AF_INET;
    return true;
  }
  if (::inet_pton(AF_INET6, text.c_str(), out.bytes) == 1) {
    out.family = AF_INET6;
    return true;
  }
  return false;
}

bool in_cidr(const IpAddress& ip, std::string_view cidr) {
  size_t slash = cidr.find('/');
  IpAddress net;
  if (!parse_ip(std::string(cidr.substr(0, slash)), net) || net.family != ip.family) return false;
  const std::string bits_text(cidr.substr(slash + 1));
  char* end = nullptr;
  const unsigned long bits = std::strtoul(bits_text.c_str(), &end, 10);
  if (bits_text.empty() || *end != '\0' || bits > ip.size() * 8) return false;
  for (size_t i = 0; i < ip.size(); ++i) {
    const unsigned long left = bits > i * 8 ? bits - i * 8 : 0;
    const unsigned mask = left >= 8 ? 0xffu : (0xffu << (8 - left)) & 0xffu;
    if ((ip.bytes[i] & mask) != (net.bytes[i] & mask)) return false;
  }
  return true;
}

bool is_loopback(const std::string& hostname) {
  IpAddress ip;
  if (hostname == "localhost") return true;
  if (!parse_ip(hostname, ip)) return false;
  return ip.family == AF_INET ? ip.bytes[0] == 127 : in_cidr(ip, "::1/128");
}

}  // namespace

std::optional<RegistryConfig> read_registry_config(const std::string& file) {
  std::optional<std::string> text = base::read_file_if_exists(file);
  if (!text) return std::nullopt;
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(*text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(file + ": not valid JSON: " + e.what());
  }
  if (!doc.is_object()) throw Error(file + ": not a JSON object");
  RegistryConfig config;
  for (auto& mirror : string_list(doc, "registry-mirrors", file)) {
    config.mirrors.push_back(normalize_mirror(std::move(mirror), file));
  }
  config.insecure_registries = string_list(doc, "insecure-registries", file);
  return config;
}

RegistryConfig load_registry_config(const std::string& state_root) {
  if (auto config = read_registry_config((std::filesystem::path(state_root) / "config.json").string())) return *config;
  if (auto config = read_registry_config("/etc/stack/config.json")) return *config;
  return {};
}

bool is_insecure_registry(const RegistryConfig& config, std::string_view host) {
  const std::string full = base::to_lower(host);
  const std::string hostname = hostname_of(full);
  if (is_loopback(hostname)) return true;
  IpAddress ip;
  const bool is_ip = parse_ip(hostname, ip);
  for (std::string entry : config.insecure_registries) {
    entry = base::to_lower(entry);
    if (size_t scheme = entry.find("://"); scheme != std::string::npos) entry.erase(0, scheme + 3);
    while (entry.ends_with('/')) entry.pop_back();
    if (entry.find('/') != std::string::npos) {
      if (is_ip && in_cidr(ip, entry)) return true;
    } else if (entry == full || entry == hostname) {
      return true;
    }
  }
  return false;
}

std::string registry_host(std::string_view domain) {
  return domain == "docker.io" ? "registry-1.docker.io" : std::string(domain);
}

std::string registry_base_url(std::string_view domain, const RegistryConfig& config) {
  const std::string host = registry_host(domain);
  return (is_insecure_registry(config, host) ? "http://" : "https://") + host;
}

}  // namespace stack::engine::image
