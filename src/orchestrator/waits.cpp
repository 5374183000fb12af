#include "orchestrator/waits.hpp"

#include <thread>

#include "base/error.hpp"

namespace stack::orchestrator {
namespace {

constexpr auto kPoll = std::chrono::milliseconds(50);

std::string last_output(const engine::ContainerView& v) {
  if (!v.state.health || v.state.health->log.empty()) return "";
  std::string out = v.state.health->log.back().output;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

bool has_healthcheck(const engine::ContainerView& v) {
  return v.config.healthcheck && !v.config.healthcheck->test.empty() && v.config.healthcheck->test[0] != "NONE";
}

}  // namespace

void wait_healthy(engine::Containers& containers, const std::string& id) {
  for (;;) {
    const engine::ContainerView v = containers.view(id);
    if (!has_healthcheck(v))
      throw Error("dependency failed to start: container " + v.config.name + " has no healthcheck configured");
    const std::string status = v.state.health ? v.state.health->status : "starting";
    if (status == "healthy") return;
    if (status == "unhealthy") {
      const std::string out = last_output(v);
      throw Error("dependency failed to start: container " + v.config.name + " is unhealthy" +
                  (out.empty() ? "" : ": " + out));
    }
    if (v.state.status == engine::Status::Exited || v.state.status == engine::Status::Dead)
      throw Error("dependency failed to start: container " + v.config.name + " exited (" +
                  std::to_string(v.state.exit_code) + ")");
    std::this_thread::sleep_for(kPoll);
  }
}

void wait_completed(engine::Containers& containers, const std::string& id, const std::string& service) {
  const int code = containers.wait(id);
  if (code != 0)
    throw Error("service \"" + service + "\" didn't complete successfully: exit " + std::to_string(code));
}

void wait_running(engine::Containers& containers, const std::string& id,
                  std::optional<std::chrono::steady_clock::time_point> deadline) {
  for (;;) {
    const engine::ContainerView v = containers.view(id);
    const bool running = v.state.status == engine::Status::Running;
    if (running && (!has_healthcheck(v) || (v.state.health && v.state.health->status == "healthy"))) return;
    if (v.state.health && v.state.health->status == "unhealthy")
      throw Error("container " + v.config.name + " is unhealthy" + (last_output(v).empty() ? "" : ": " + last_output(v)));
    if (v.state.status == engine::Status::Exited || v.state.status == engine::Status::Dead)
      throw Error("container " + v.config.name + " exited (" + std::to_string(v.state.exit_code) + ")");
    if (deadline && std::chrono::steady_clock::now() > *deadline)
      throw Error("container " + v.config.name + ": timed out waiting for it to be running and healthy");
    std::this_thread::sleep_for(kPoll);
  }
}

}  // namespace stack::orchestrator
