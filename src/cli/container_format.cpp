#include "cli/container_format.hpp"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <iterator>

#include <fmt/core.h>

#include "base/error.hpp"
#include "base/strings.hpp"
#include "engine/container_create_parts.hpp"
#include "engine/log_reader.hpp"

namespace stack::cli {

std::string human_duration(int64_t s) {
  if (s < 1) return "Less than a second";
  if (s == 1) return "1 second";
  if (s < 60) return std::to_string(s) + " seconds";
  const int64_t minutes = std::llround(s / 60.0);
  if (minutes == 1) return "About a minute";
  if (minutes < 60) return std::to_string(minutes) + " minutes";
  const int64_t hours = std::llround(s / 3600.0);
  if (hours == 1) return "About an hour";
  if (hours < 48) return std::to_string(hours) + " hours";
  if (hours < 24 * 7 * 2) return std::to_string(hours / 24) + " days";
  if (hours < 24 * 30 * 2) return std::to_string(hours / 24 / 7) + " weeks";
  if (hours < 24 * 365 * 2) return std::to_string(hours / 24 / 30) + " months";
  return std::to_string(hours / 24 / 365) + " years";
}

int64_t seconds_since(const std::string& t) {
  if (t.empty()) return 0;
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  const int64_t now_ns = int64_t(now.tv_sec) * 1000000000 + now.tv_nsec;
  try {
    return (now_ns - engine::parse_log_time_bound(t, now_ns)) / 1000000000;
  } catch (const Error&) {
    return 0;
  }
}

std::string status_text(const engine::ContainerView& v) {
  using engine::Status;
  const auto& s = v.state;
  switch (s.status) {
    case Status::Created:
      return "Created";
    case Status::Running:
    case Status::Paused: {
      std::string text = "Up " + human_duration(seconds_since(s.started));
      if (s.status == Status::Paused) return text + " (Paused)";
      if (s.health) text += s.health->status == "starting" ? " (health: starting)" : " (" + s.health->status + ")";
      return text;
    }
    case Status::Restarting:
      return "Restarting (" + std::to_string(s.exit_code) + ") " + human_duration(seconds_since(s.finished)) + " ago";
    case Status::Exited:
      return "Exited (" + std::to_string(s.exit_code) + ") " + human_duration(seconds_since(s.finished)) + " ago";
    case Status::Dead:
      return "Dead";
  }
  return "";
}

std::vector<std::string> user_args(const std::vector<std::string>& args) {
  if (args.size() >= 2 && args[0] == engine::create_detail::kInitPath && args[1] == "--")
    return {args.begin() + 2, args.end()};
  return args;
}

std::string command_text(const std::vector<std::string>& args, bool no_trunc) {
  std::string text;
  for (const auto& a : user_args(args)) text += (text.empty() ? "" : " ") + a;
  if (!no_trunc && text.size() > 20) text = text.substr(0, 19) + "…";
  return "\"" + text + "\"";
}

int print_inspected(const std::vector<std::string>& names, const std::string& format,
                    const std::function<nlohmann::json(const std::string&)>& document) {
  nlohmann::json all = nlohmann::json::array();
  int exit_code = 0;
  for (const std::string& name : names) {
    try {
      const nlohmann::json doc = document(name);
      if (format.empty()) all.push_back(doc);
      else fmt::print("{}\n", render_template(format, doc));
    } catch (const Error& e) {
      fmt::print(stderr, "Error: {}\n", e.what());
      exit_code = 1;
    }
  }
  if (format.empty()) fmt::print("{}\n", all.dump(4));
  return exit_code;
}

nlohmann::json inspect_document(const engine::ContainerView& v, const engine::runtime::Spec& spec,
                                const engine::Layout& layout) {
  using engine::Status;
  const auto& s = v.state;
  const auto& c = v.config;
  nlohmann::json state = {{"Status", engine::status_name(s.status)},
                          {"Running", s.status == Status::Running || s.status == Status::Paused},
                          {"Paused", s.status == Status::Paused},
                          {"Restarting", s.status == Status::Restarting},
                          {"OOMKilled", s.oom_killed},
                          {"Dead", s.status == Status::Dead},
                          {"Pid", s.pid},
                          {"ShimPid", s.shim_pid},  // ours: the container's stack-shim
                          {"ExitCode", s.exit_code},
                          {"Error", s.error},
                          {"StartedAt", s.started.empty() ? "0001-01-01T00:00:00Z" : s.started},
                          {"FinishedAt", s.finished.empty() ? "0001-01-01T00:00:00Z" : s.finished}};
  if (s.health) {
    nlohmann::json log = nlohmann::json::array();
    for (const auto& r : s.health->log)
      log.push_back({{"Start", r.start}, {"End", r.end}, {"ExitCode", r.exit_code}, {"Output", r.output}});
    state["Health"] = {{"Status", s.health->status}, {"FailingStreak", s.health->failing_streak}, {"Log", log}};
  }
  const std::vector<std::string> args = user_args(spec.process.args);
  nlohmann::json health = nullptr;
  if (c.healthcheck)
    health = {{"Test", c.healthcheck->test},
              {"Interval", c.healthcheck->interval_ms * 1000000},
              {"Timeout", c.healthcheck->timeout_ms * 1000000},
              {"StartPeriod", c.healthcheck->start_period_ms * 1000000},
              {"StartInterval", c.healthcheck->start_interval_ms * 1000000},
              {"Retries", c.healthcheck->retries}};
  return {
      {"Id", c.id},
      {"Created", c.created},
      {"Path", args.empty() ? "" : args[0]},
      {"Args", args.size() > 1 ? std::vector<std::string>(args.begin() + 1, args.end()) : std::vector<std::string>{}},
      {"State", state},
      {"Image", c.image},
      {"Rootfs", c.rootfs},
      {"LogPath", layout.log_path(c.id)},
      {"Name", "/" + c.name},
      {"RestartCount", s.restart_count},
      {"HostConfig",
       {{"RestartPolicy", c.restart_policy},
        {"AutoRemove", c.auto_remove},
        {"Privileged", spec.privileged},
        {"ReadonlyRootfs", spec.root.read_only},
        {"Init", c.init},
        {"Memory", spec.resources.memory_limit.value_or(0)},
        {"NanoCpus", spec.resources.cpu_quota && spec.resources.cpu_period
                         ? *spec.resources.cpu_quota * 1000000000 / int64_t(*spec.resources.cpu_period)
                         : 0},
        {"PidsLimit", spec.resources.pids_limit.value_or(0)},
        {"CgroupParent", spec.cgroup_parent},
        {"LogConfig", {{"Type", "json-file"}, {"Config", {{"max-size", std::to_string(c.log.max_size)}, {"max-file", std::to_string(c.log.max_file)}}}}}}},
      {"Config",
       {{"Hostname", spec.hostname},
        {"Domainname", spec.domainname},
        {"User", spec.process.user},
        {"Tty", c.tty},
        {"OpenStdin", c.stdin_open},
        {"Env", spec.process.env},
        {"Cmd", args},
        {"Healthcheck", health},
        {"Image", c.image},
        {"WorkingDir", spec.process.cwd},
        {"Labels", c.labels},
        {"StopSignal", c.stop_signal},
        {"StopTimeout", c.stop_timeout}}},
  };
}

void print_templated(const std::string& format, const std::vector<nlohmann::json>& items, const nlohmann::json& headers) {
  if (format.rfind("table ", 0) != 0) {
    for (const nlohmann::json& item : items) fmt::print("{}\n", render_template(format, item));
    return;
  }
  const std::string tmpl = format.substr(6);
  std::vector<std::vector<std::string>> rows{base::split(render_template(tmpl, headers), '\t')};
  for (const nlohmann::json& item : items) rows.push_back(base::split(render_template(tmpl, item), '\t'));
  print_table(rows);
}

void print_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  auto width = [](const std::string& s) {  // UTF-8 characters, so "…" counts once
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  };
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) {
      if (widths.size() <= i) widths.push_back(0);
      widths[i] = std::max(widths[i], width(r[i]));
    }
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(widths[i] - width(r[i]) + 3, ' ');
    }
    fmt::print("{}\n", line);
  }
}

std::string human_size(double bytes) {
  static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  size_t i = 0;
  while (bytes >= 1000 && i + 1 < std::size(kUnits)) {
    bytes /= 1000;
    ++i;
  }
  return fmt::format("{:.3g}{}", bytes, kUnits[i]);
}

}  // namespace stack::cli
