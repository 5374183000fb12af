// docker run's resource flags, log options and ulimits, checked as the Docker daemon checks
// them (same limits, the flag and the value in every message).
#include <algorithm>
#include <charconv>
#include <optional>
#include <fmt/format.h>

#include "base/byte_size.hpp"
#include "engine/container_create_parts.hpp"

namespace stack::engine::create_detail {
namespace {

constexpr int64_t kMiB = 1024 * 1024;
constexpr int64_t kCpuPeriod = 100000;  // µs: the CFS period docker uses with --cpus

// A size flag ("512m"); "" -> nullopt. go-units' message becomes the reason.
std::optional<int64_t> size_flag(std::string_view flag, const std::string& text) {
  if (text.empty()) return std::nullopt;
  try {
    return base::parse_byte_size(text, base::SizeUnits::Binary);
  } catch (const Error& e) {
    throw flag_error(flag, text, e.what());
  }
}

template <typename T>
void check_range(std::string_view flag, const std::optional<T>& value, T low, T high) {
  if (value && (*value < low || *value > high))
    throw flag_error(flag, std::to_string(*value), fmt::format("must be between {} and {}", low, high));
}

void add_memory(const CreateRequest& r, runtime::Resources& res) {
  std::optional<int64_t> memory = size_flag("--memory", r.memory);
  if (memory == 0) memory.reset();  // docker: 0 is "no limit"
  if (memory && *memory < 6 * kMiB) throw flag_error("--memory", r.memory, "the minimum memory limit is 6MB");
  std::optional<int64_t> reservation = size_flag("--memory-reservation", r.memory_reservation);
  if (reservation == 0) reservation.reset();
  if (memory && reservation && *reservation > *memory)
    throw flag_error("--memory-reservation", r.memory_reservation, "must not be larger than --memory");
  std::optional<int64_t> swap;
  if (r.memory_swap == "-1") {
    swap = -1;
  } else {
    swap = size_flag("--memory-swap", r.memory_swap);
    if (swap == 0) swap.reset();
  }
  if (swap && !memory) throw flag_error("--memory-swap", r.memory_swap, "needs --memory as well");
  if (swap && *swap != -1 && *swap < *memory)
    throw flag_error("--memory-swap", r.memory_swap, "must be at least --memory (it counts memory plus swap)");
  check_range<int64_t>("--memory-swappiness", r.memory_swappiness, 0, 100);
  res.memory_limit = memory;
  res.memory_reservation = reservation;
  res.memory_swap = swap;
  res.memory_swappiness = r.memory_swappiness;
  res.oom_kill_disable = r.oom_kill_disable;
}

// "1.5" -> 1500000000 nano-CPUs, exactly (docker parses it as a rational number).
int64_t parse_nano_cpus(const std::string& text) {
  const Error bad = flag_error("--cpus", text, "must be a positive decimal number like 1.5");
  const size_t dot = text.find('.');
  const std::string whole = text.substr(0, dot);
  std::string fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
  if ((whole.empty() && fraction.empty()) || whole.size() > 9) throw bad;
  for (char c : whole + fraction)
    if (c < '0' || c > '9') throw bad;
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  if (fraction.size() > 9) throw flag_error("--cpus", text, "value is too precise");
  fraction.resize(9, '0');
  return (whole.empty() ? 0 : std::stoll(whole)) * 1000000000 + std::stoll(fraction);
}

void add_cpu(const CreateRequest& r, runtime::Resources& res) {
  if (r.cpu_quota && *r.cpu_quota > 0 && *r.cpu_quota < 1000)
    throw flag_error("--cpu-quota", std::to_string(*r.cpu_quota), "must be at least 1000 (1ms), or -1");
  check_range<uint64_t>("--cpu-period", r.cpu_period, 1000, 1000000);
  res.cpu_shares = r.cpu_shares == 0 ? std::nullopt : r.cpu_shares;  // 0: the default weight
  res.cpu_quota = r.cpu_quota;
  res.cpu_period = r.cpu_period;
  if (!r.cpus.empty()) {
    const int64_t nano = parse_nano_cpus(r.cpus);
    if (nano != 0) {
      if (r.cpu_quota || r.cpu_period)
        throw flag_error("--cpus", r.cpus, "conflicts with --cpu-quota and --cpu-period");
      const int64_t quota = nano * kCpuPeriod / 1000000000;
      if (quota < 1000) throw flag_error("--cpus", r.cpus, "the minimum is 0.01");
      res.cpu_quota = quota;
      res.cpu_period = kCpuPeriod;
    }
  }
}

// "0-3,5": numbers and ascending ranges, as the cpuset files take them.
void check_cpuset(std::string_view flag, const std::string& text) {
  if (text.empty()) return;
  const Error bad = flag_error(flag, text, "expected a list of numbers and ranges like 0-3,5");
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(start, end - start);
    const size_t dash = item.find('-');
    unsigned low = 0, high = 0;
    auto number = [&](std::string_view s, unsigned& out) {
      auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
      if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) throw bad;
    };
    number(std::string_view(item).substr(0, dash), low);
    high = low;
    if (dash != std::string::npos) number(std::string_view(item).substr(dash + 1), high);
    if (high < low) throw bad;
    start = end + 1;
  }
}

// A ulimit value: a non-negative integer, or -1 / "unlimited" (RLIM_INFINITY).
uint64_t ulimit_value(const std::string& text, const std::string& spec) {
  if (text == "-1" || text == "unlimited") return ~uint64_t{0};
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size())
    throw flag_error("--ulimit", spec, "\"" + text + "\" is not a number");
  return value;
}

}  // namespace

runtime::Resources parse_resources(const CreateRequest& r) {
  runtime::Resources res;
  add_memory(r, res);
  add_cpu(r, res);
  check_cpuset("--cpuset-cpus", r.cpuset_cpus);
  check_cpuset("--cpuset-mems", r.cpuset_mems);
  res.cpuset_cpus = r.cpuset_cpus;
  res.cpuset_mems = r.cpuset_mems;
  res.pids_limit = r.pids_limit;
  if (r.blkio_weight != 0) check_range<uint16_t>("--blkio-weight", r.blkio_weight, 10, 1000);
  res.blkio_weight = r.blkio_weight == 0 ? std::nullopt : r.blkio_weight;
  return res;
}

int64_t parse_shm_size(const std::string& text) {
  const std::optional<int64_t> size = size_flag("--shm-size", text);
  if (!size || *size == 0) return 64 * kMiB;  // docker's default
  return *size;
}

std::vector<runtime::Rlimit> parse_ulimits(const std::vector<std::string>& ulimits) {
  // go-units' names; "as" is left out there too (it breaks the container's own start).
  static const std::vector<std::string> names = {"core",    "cpu",      "data", "fsize",  "locks",
                                                 "memlock", "msgqueue", "nice", "nofile", "nproc",
                                                 "rss",     "rtprio",   "rttime", "sigpending", "stack"};
  std::vector<runtime::Rlimit> out;
  for (const auto& spec : ulimits) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos) throw flag_error("--ulimit", spec, "expected name=soft[:hard]");
    runtime::Rlimit limit;
    limit.type = spec.substr(0, eq);
    if (std::find(names.begin(), names.end(), limit.type) == names.end())
      throw flag_error("--ulimit", spec, "unknown ulimit type \"" + limit.type + "\"");
    const std::string values = spec.substr(eq + 1);
    const size_t colon = values.find(':');
    limit.soft = ulimit_value(values.substr(0, colon), spec);
    limit.hard = colon == std::string::npos ? limit.soft : ulimit_value(values.substr(colon + 1), spec);
    if (limit.soft > limit.hard) throw flag_error("--ulimit", spec, "the soft limit must not exceed the hard limit");
    // The last one of a type wins, as docker keys them by name.
    std::erase_if(out, [&](const runtime::Rlimit& l) { return l.type == limit.type; });
    out.push_back(limit);
  }
  return out;
}

LogConfig parse_log_opts(const std::vector<std::string>& opts) {
  LogConfig log;
  for (const auto& opt : opts) {
    const size_t eq = opt.find('=');
    const std::string key = opt.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : opt.substr(eq + 1);
    if (eq == std::string::npos) throw flag_error("--log-opt", opt, "expected key=value");
    if (key == "max-size") {
      // json-file reads max-size with FromHumanSize: decimal multiples (10m = 10,000,000).
      try {
        log.max_size = static_cast<uint64_t>(base::parse_byte_size(value, base::SizeUnits::Decimal));
      } catch (const Error& e) {
        throw flag_error("--log-opt", opt, e.what());
      }
    } else if (key == "max-file") {
      int n = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (value.empty() || ec != std::errc() || ptr != value.data() + value.size() || n < 1)
        throw flag_error("--log-opt", opt, "max-file must be a number of at least 1");
      log.max_file = n;
    } else {
      throw flag_error("--log-opt", opt, "unknown log option \"" + key + "\" (the json-file driver takes max-size and max-file)");
    }
  }
  return log;
}

}  // namespace stack::engine::create_detail
