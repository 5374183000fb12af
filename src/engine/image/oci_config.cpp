// The image config (OCI image-spec config.md, Docker's image JSON): the field names are
// Docker's ("Entrypoint", "ExposedPorts", durations in nanoseconds). Docker writes null
// for empty lists and maps ("Entrypoint": null), so null always reads as empty.
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "engine/image/digest.hpp"
#include "engine/image/oci.hpp"

namespace stack::engine::image {
namespace {

using nlohmann::json;

Error invalid(const std::string& detail) { return Error("invalid image config: " + detail); }

// The member `key` of `obj`, or nullptr when it is absent or null.
const json* member(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

std::string read_string(const json& obj, const char* key, const std::string& where) {
  const json* v = member(obj, key);
  if (v == nullptr) return {};
  if (!v->is_string()) throw invalid(where + key + " is not a string");
  return v->get<std::string>();
}

// A list of strings; a lone string is a list of one, as Docker's strslice reads it.
std::vector<std::string> read_strings(const json& obj, const char* key, const std::string& where) {
  const json* v = member(obj, key);
  if (v == nullptr) return {};
  if (v->is_string()) return {v->get<std::string>()};
  if (!v->is_array()) throw invalid(where + key + " is not a list of strings");
  std::vector<std::string> out;
  for (const auto& item : *v) {
    if (!item.is_string()) throw invalid(where + key + " is not a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

// ExposedPorts and Volumes are sets written as objects with empty values: the keys, sorted.
std::vector<std::string> read_keys(const json& obj, const char* key, const std::string& where) {
  const json* v = member(obj, key);
  if (v == nullptr) return {};
  if (!v->is_object()) throw invalid(where + key + " is not an object");
  std::vector<std::string> out;
  for (const auto& item : v->items()) out.push_back(item.key());  // nlohmann keeps keys sorted
  return out;
}

std::map<std::string, std::string> read_labels(const json& obj, const std::string& where) {
  const json* v = member(obj, "Labels");
  if (v == nullptr) return {};
  if (!v->is_object()) throw invalid(where + "Labels is not an object");
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : v->items()) {
    if (!value.is_string()) throw invalid(where + "Labels." + key + " is not a string");
    out.emplace(key, value.get<std::string>());
  }
  return out;
}

int64_t read_integer(const json& obj, const char* key, const std::string& where) {
  const json* v = member(obj, key);
  if (v == nullptr) return 0;
  if (!v->is_number_integer()) throw invalid(where + key + " is not an integer");
  return v->get<int64_t>();
}

std::optional<HealthConfig> read_healthcheck(const json& obj) {
  const json* v = member(obj, "Healthcheck");
  if (v == nullptr) return std::nullopt;
  const std::string where = "config.Healthcheck.";
  if (!v->is_object()) throw invalid("config.Healthcheck is not an object");
  HealthConfig h;
  h.test = read_strings(*v, "Test", where);
  h.interval_ns = read_integer(*v, "Interval", where);
  h.timeout_ns = read_integer(*v, "Timeout", where);
  h.start_period_ns = read_integer(*v, "StartPeriod", where);
  h.start_interval_ns = read_integer(*v, "StartInterval", where);
  h.retries = static_cast<int>(read_integer(*v, "Retries", where));
  return h;
}

ContainerDefaults read_defaults(const json& doc) {
  ContainerDefaults d;
  const json* v = member(doc, "config");
  if (v == nullptr) return d;
  if (!v->is_object()) throw invalid("config is not an object");
  const std::string where = "config.";
  d.entrypoint = read_strings(*v, "Entrypoint", where);
  d.cmd = read_strings(*v, "Cmd", where);
  d.env = read_strings(*v, "Env", where);
  d.working_dir = read_string(*v, "WorkingDir", where);
  d.user = read_string(*v, "User", where);
  d.exposed_ports = read_keys(*v, "ExposedPorts", where);
  d.volumes = read_keys(*v, "Volumes", where);
  d.healthcheck = read_healthcheck(*v);
  d.stop_signal = read_string(*v, "StopSignal", where);
  d.labels = read_labels(*v, where);
  d.shell = read_strings(*v, "Shell", where);
  d.onbuild = read_strings(*v, "OnBuild", where);
  return d;
}

std::vector<std::string> read_diff_ids(const json& doc) {
  const json* rootfs = member(doc, "rootfs");
  if (rootfs == nullptr) throw invalid("no rootfs");
  if (!rootfs->is_object()) throw invalid("rootfs is not an object");
  std::string type = read_string(*rootfs, "type", "rootfs.");
  if (type != "layers") throw invalid("rootfs.type is \"" + type + "\", expected \"layers\"");
  std::vector<std::string> ids = read_strings(*rootfs, "diff_ids", "rootfs.");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (!is_sha256_digest(ids[i])) {
      throw invalid("rootfs.diff_ids[" + std::to_string(i) + "] is not a sha256 digest: \"" + ids[i] + "\"");
    }
  }
  return ids;
}

std::vector<HistoryEntry> read_history(const json& doc) {
  const json* v = member(doc, "history");
  if (v == nullptr) return {};
  if (!v->is_array()) throw invalid("history is not a list");
  std::vector<HistoryEntry> out;
  for (std::size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    std::string where = "history[" + std::to_string(i) + "].";
    if (!item.is_object()) throw invalid("history[" + std::to_string(i) + "] is not an object");
    HistoryEntry h{read_string(item, "created", where), read_string(item, "created_by", where),
                   read_string(item, "comment", where), false};
    if (const json* empty = member(item, "empty_layer")) {
      if (!empty->is_boolean()) throw invalid(where + "empty_layer is not a boolean");
      h.empty_layer = empty->get<bool>();
    }
    out.push_back(std::move(h));
  }
  return out;
}

// A set as Docker writes one: {"80/tcp": {}}.
json key_set(const std::vector<std::string>& keys) {
  json out = json::object();
  for (const auto& key : keys) out[key] = json::object();
  return out;
}

json healthcheck_json(const HealthConfig& h) {
  json out = json::object();
  if (!h.test.empty()) out["Test"] = h.test;
  if (h.interval_ns != 0) out["Interval"] = h.interval_ns;
  if (h.timeout_ns != 0) out["Timeout"] = h.timeout_ns;
  if (h.start_period_ns != 0) out["StartPeriod"] = h.start_period_ns;
  if (h.start_interval_ns != 0) out["StartInterval"] = h.start_interval_ns;
  if (h.retries != 0) out["Retries"] = h.retries;
  return out;
}

// Empty fields are left out, as Docker's omitempty does.
json defaults_json(const ContainerDefaults& d) {
  json out = json::object();
  if (!d.entrypoint.empty()) out["Entrypoint"] = d.entrypoint;
  if (!d.cmd.empty()) out["Cmd"] = d.cmd;
  if (!d.env.empty()) out["Env"] = d.env;
  if (!d.working_dir.empty()) out["WorkingDir"] = d.working_dir;
  if (!d.user.empty()) out["User"] = d.user;
  if (!d.exposed_ports.empty()) out["ExposedPorts"] = key_set(d.exposed_ports);
  if (!d.volumes.empty()) out["Volumes"] = key_set(d.volumes);
  if (d.healthcheck) out["Healthcheck"] = healthcheck_json(*d.healthcheck);
  if (!d.stop_signal.empty()) out["StopSignal"] = d.stop_signal;
  if (!d.labels.empty()) out["Labels"] = d.labels;
  if (!d.shell.empty()) out["Shell"] = d.shell;
  if (!d.onbuild.empty()) out["OnBuild"] = d.onbuild;
  return out;
}

json history_json(const std::vector<HistoryEntry>& history) {
  json out = json::array();
  for (const auto& h : history) {
    json entry = json::object();
    if (!h.created.empty()) entry["created"] = h.created;
    if (!h.created_by.empty()) entry["created_by"] = h.created_by;
    if (!h.comment.empty()) entry["comment"] = h.comment;
    if (h.empty_layer) entry["empty_layer"] = true;
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

ImageConfig parse_image_config(std::string_view json_text) {
  json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) throw invalid("the document is not valid JSON");
  if (!doc.is_object()) throw invalid("the document is not a JSON object");
  ImageConfig c;
  c.architecture = read_string(doc, "architecture", "");
  c.os = read_string(doc, "os", "");
  c.created = read_string(doc, "created", "");
  c.author = read_string(doc, "author", "");
  c.config = read_defaults(doc);
  c.diff_ids = read_diff_ids(doc);
  c.history = read_history(doc);
  return c;
}

std::string serialize_image_config(const ImageConfig& config) {
  // nlohmann's json sorts keys: the same config always gives the same bytes, and so the same id.
  json doc = json::object();
  doc["architecture"] = config.architecture;
  doc["os"] = config.os;
  if (!config.created.empty()) doc["created"] = config.created;
  if (!config.author.empty()) doc["author"] = config.author;
  doc["config"] = defaults_json(config.config);
  doc["rootfs"] = {{"type", "layers"}, {"diff_ids", config.diff_ids}};
  if (!config.history.empty()) doc["history"] = history_json(config.history);
  return doc.dump();
}

}  // namespace stack::engine::image
