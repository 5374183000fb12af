// The small string syntaxes: `devices:` entries and `extra_hosts:` entries. Ports,
// volumes, durations and sizes have their own syntax_*.cpp files.
#include "compose/syntax.hpp"

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/strings.hpp"

namespace stack::compose {
namespace {

// docker's device mode check: a non-empty subset of "rwm", each letter once.
bool valid_device_mode(std::string_view mode) {
  if (mode.empty() || mode.size() > 3) return false;
  std::string seen;
  for (char c : mode) {
    if ((c != 'r' && c != 'w' && c != 'm') || seen.find(c) != std::string::npos) return false;
    seen += c;
  }
  return true;
}

std::string strip_brackets(std::string_view address) {
  if (address.size() > 2 && address.front() == '[' && address.back() == ']') address = address.substr(1, address.size() - 2);
  return std::string(address);
}

// "host=addr" or "host:addr". compose-go tries "=" first, then ":" (first occurrence),
// so "host:::1" maps host to ::1.
std::pair<std::string_view, std::string_view> split_host_entry(std::string_view entry) {
  size_t sep = entry.find('=');
  if (sep == std::string_view::npos) sep = entry.find(':');
  if (sep == std::string_view::npos) throw Error(fmt::format("invalid additional host, missing IP: {}", entry));
  std::string_view host = entry.substr(0, sep);
  std::string_view address = entry.substr(sep + 1);
  if (host.empty()) throw Error(fmt::format("bad host name '{}'", host));
  // compose-go lets an empty address through to the engine, which rejects it; say it now.
  if (address.empty()) throw Error(fmt::format("invalid additional host, missing IP: {}", entry));
  return {host, address};
}

}  // namespace

DeviceMapping parse_device_spec(std::string_view spec) {
  std::vector<std::string> parts = base::split(spec, ':');
  if (parts.size() > 3) throw Error(fmt::format("confusing device mapping, please use long syntax: {}", spec));
  DeviceMapping device;
  device.source = std::string(parts[0]);
  if (device.source.empty()) throw Error(fmt::format("invalid device mapping \"{}\": missing host device path", spec));
  device.target = parts.size() > 1 && !parts[1].empty() ? std::string(parts[1]) : device.source;
  if (parts.size() == 3) {
    // compose-go passes any text through and the engine rejects it at create time; we say it now.
    if (!valid_device_mode(parts[2])) throw Error(fmt::format("invalid device mode \"{}\" in \"{}\"", parts[2], spec));
    device.permissions = std::string(parts[2]);
  }
  return device;
}

std::pair<std::string, std::string> parse_extra_host(std::string_view entry) {
  auto [host, address] = split_host_entry(entry);
  return {std::string(host), strip_brackets(address)};
}

std::vector<std::pair<std::string, std::string>> parse_extra_hosts(std::string_view entry) {
  auto [host, addresses] = split_host_entry(entry);
  std::vector<std::pair<std::string, std::string>> out;
  for (std::string_view address : base::split(addresses, ',')) {
    if (address.empty()) throw Error(fmt::format("invalid additional host, missing IP: {}", entry));
    out.emplace_back(std::string(host), strip_brackets(address));
  }
  return out;
}

}  // namespace stack::compose
