#include "orchestrator/observe.hpp"

#include <algorithm>
#include <map>

#include "orchestrator/labels.hpp"

namespace stack::orchestrator {
namespace {

std::string label(const engine::ContainerView& v, const char* key) {
  auto it = v.config.labels.find(key);
  return it == v.config.labels.end() ? std::string() : it->second;
}

int number_of(const std::string& text) {
  try {
    return std::stoi(text);
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

std::vector<ObservedContainer> observe_containers(const std::vector<engine::ContainerView>& all,
                                                  const std::string& project) {
  std::vector<ObservedContainer> out;
  for (const engine::ContainerView& v : all) {
    if (label(v, labels::kProject) != project) continue;
    ObservedContainer c;
    c.id = v.config.id;
    c.name = v.config.name;
    c.service = label(v, labels::kService);
    c.number = number_of(label(v, labels::kNumber));
    c.config_hash = label(v, labels::kConfigHash);
    c.image_id = v.config.image_id;
    c.status = v.state.status;
    c.oneoff = label(v, labels::kOneoff) == "True";
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const ObservedContainer& a, const ObservedContainer& b) {
    return std::tie(a.service, a.number, a.name) < std::tie(b.service, b.number, b.name);
  });
  return out;
}

std::map<std::string, std::vector<engine::ContainerView>> projects_of(const std::vector<engine::ContainerView>& all) {
  std::map<std::string, std::vector<engine::ContainerView>> out;
  for (const engine::ContainerView& v : all) {
    const std::string p = label(v, labels::kProject);
    if (!p.empty()) out[p].push_back(v);
  }
  return out;
}

bool is_running(engine::Status s) {
  return s == engine::Status::Running || s == engine::Status::Restarting || s == engine::Status::Paused;
}

}  // namespace stack::orchestrator
