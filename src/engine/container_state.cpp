#include "engine/container_state.hpp"

#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/files.hpp"

namespace stack::engine {

namespace {
constexpr const char* kNames[] = {"created", "running", "paused", "restarting", "exited", "dead"};
}  // namespace

std::string status_name(Status s) { return kNames[static_cast<int>(s)]; }

Status parse_status(const std::string& s) {
  for (int i = 0; i < 6; ++i)
    if (s == kNames[i]) return static_cast<Status>(i);
  throw Error("unknown container status \"" + s + "\"");
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(HealthResult, start, end, exit_code, output)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Health, status, failing_streak, log)

std::string state_to_json(const ContainerState& s) {
  nlohmann::json j = {{"id", s.id},
                      {"name", s.name},
                      {"status", status_name(s.status)},
                      {"pid", s.pid},
                      {"shim_pid", s.shim_pid},
                      {"created", s.created},
                      {"started", s.started},
                      {"finished", s.finished},
                      {"exit_code", s.exit_code},
                      {"oom_killed", s.oom_killed},
                      {"restart_count", s.restart_count},
                      {"stop_requested", s.stop_requested},
                      {"error", s.error}};
  j["health"] = s.health ? nlohmann::json(*s.health) : nlohmann::json(nullptr);
  return j.dump(2) + "\n";
}

ContainerState state_from_json(const std::string& text, const std::string& origin) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    ContainerState s;
    s.id = j.value("id", "");
    s.name = j.value("name", "");
    s.status = parse_status(j.value("status", "created"));
    s.pid = j.value("pid", 0);
    s.shim_pid = j.value("shim_pid", 0);
    s.created = j.value("created", "");
    s.started = j.value("started", "");
    s.finished = j.value("finished", "");
    s.exit_code = j.value("exit_code", 0);
    s.oom_killed = j.value("oom_killed", false);
    s.restart_count = j.value("restart_count", 0);
    s.stop_requested = j.value("stop_requested", false);
    s.error = j.value("error", "");
    if (j.contains("health") && !j["health"].is_null()) s.health = j["health"].get<Health>();
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw Error(origin + ": invalid container state: " + e.what());
  } catch (const Error& e) {
    throw e.wrap(origin);
  }
}

void save_state(const std::string& container_dir, const ContainerState& state) {
  // No fsync (see Durability::Replace): state changes on every transition, and after a
  // power cut no container is running whatever the file says.
  base::write_file_atomic(container_dir + "/state.json", state_to_json(state), 0644, base::Durability::Replace);
}

ContainerState load_state(const std::string& container_dir) {
  const std::string path = container_dir + "/state.json";
  return state_from_json(base::read_file(path), path);
}

}  // namespace stack::engine
