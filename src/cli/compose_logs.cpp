#include "cli/compose_logs.hpp"

#include <cstdio>
#include <mutex>
#include <thread>

#include <fmt/core.h>

#include "cli/compose_session.hpp"

namespace stack::cli {
namespace {

// compose's palette: the bright colors, in turn.
const char* color_of(size_t i) {
  static const char* kColors[] = {"\033[36m", "\033[33m", "\033[32m", "\033[35m", "\033[34m", "\033[96m", "\033[93m", "\033[92m", "\033[95m", "\033[94m"};
  return kColors[i % (sizeof kColors / sizeof kColors[0])];
}

// After its log: how the container ended (compose's attached mode says so after the last line).
void announce_exit(engine::Containers& containers, const std::string& id, const std::string& name, std::mutex& mutex) {
  try {
    const engine::ContainerView v = containers.view(id);
    if (orchestrator::is_running(v.state.status)) return;
    std::lock_guard lock(mutex);
    fmt::print("{} exited with code {}\n", name, v.state.exit_code);
    std::fflush(stdout);
  } catch (const Error&) {
  }
}

}  // namespace

void stream_logs(engine::Containers& containers, const std::string& project,
                 const std::vector<orchestrator::ObservedContainer>& cs, engine::LogReadOptions options,
                 const LogStyle& style, const std::atomic<bool>& stop) {
  size_t width = 0;
  for (const auto& c : cs) width = std::max(width, short_name(project, c.name).size());
  std::mutex mutex;
  std::vector<std::thread> threads;
  for (size_t i = 0; i < cs.size(); ++i) {
    std::string prefix;
    if (style.prefix) {
      const std::string name = fmt::format("{:<{}}  | ", short_name(project, cs[i].name), width);
      prefix = style.color ? std::string(color_of(i)) + name + "\033[0m" : name;
    }
    threads.emplace_back([&, prefix, id = cs[i].id, name = cs[i].name] {
      engine::LogReadOptions o = options;
      o.still_running = [&] {
        if (stop) return false;
        try {
          return orchestrator::is_running(containers.view(id).state.status);
        } catch (const Error&) {
          return false;
        }
      };
      try {
        engine::read_logs(containers.layout().log_path(id), o, [&](const engine::LogEntry& e) {
          std::lock_guard lock(mutex);
          std::string line = prefix + (style.timestamps ? e.time + " " : "") + e.text;
          if (line.empty() || line.back() != '\n') line += '\n';
          std::fwrite(line.data(), 1, line.size(), stdout);
          std::fflush(stdout);
        });
      } catch (const Error& e) {
        std::lock_guard lock(mutex);
        fmt::print(stderr, "{}\n", e.what());
      }
      if (style.announce_exit) announce_exit(containers, id, short_name(project, name), mutex);
    });
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace stack::cli
