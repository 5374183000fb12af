#include "vol/volume_record.hpp"

#include <nlohmann/json.hpp>

#include "base/error.hpp"

namespace stack::vol {

using Strings = std::map<std::string, std::string>;

std::string volume_to_json(const Volume& v) {
  const nlohmann::json j = {{"name", v.name},       {"driver", v.driver},   {"labels", v.labels},
                            {"options", v.options}, {"created", v.created}, {"mountpoint", v.mountpoint}};
  return j.dump(2) + "\n";
}

Volume volume_from_json(const std::string& text, const std::string& origin) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    Volume v;
    v.name = j.at("name").get<std::string>();
    v.driver = j.value("driver", "local");
    v.labels = j.value("labels", Strings{});
    v.options = j.value("options", Strings{});
    v.created = j.value("created", "");
    v.mountpoint = j.value("mountpoint", "");
    return v;
  } catch (const nlohmann::json::exception& e) {
    throw Error(origin + ": invalid volume record: " + e.what());
  }
}

}  // namespace stack::vol
