// Custom profiles in Docker's JSON format. Unknown keys ("comment", "listenerPath", ...)
// are ignored as Docker does; everything the filter depends on is validated, and every
// error names the file and the entry ("syscalls[3] (mkdir): ...").
#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "engine/runtime/capabilities.hpp"
#include "engine/runtime/seccomp_profile.hpp"

namespace stack::engine::runtime::seccomp {
namespace {

using nlohmann::json;

const std::vector<std::string>& comparison_ops() {
  static const std::vector<std::string> ops = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",       "SCMP_CMP_EQ",
                                               "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"};
  return ops;
}

// Where in the document we are, for messages: "syscalls[3] (mkdir)".
struct Place {
  std::string origin;
  std::string entry;
  [[noreturn]] void fail(const std::string& what) const {
    throw Error("seccomp profile " + origin + ": " + (entry.empty() ? "" : entry + ": ") + what);
  }
};

std::vector<std::string> string_list(const json& value, const std::string& key, const Place& at) {
  if (value.is_null()) return {};
  if (!value.is_array()) at.fail("\"" + key + "\" must be a list of strings");
  std::vector<std::string> out;
  for (const auto& item : value) {
    if (!item.is_string()) at.fail("\"" + key + "\" must be a list of strings, found " + item.dump());
    out.push_back(item.get<std::string>());
  }
  return out;
}

Action parse_action(const json& value, const std::string& key, const Place& at) {
  if (!value.is_string()) at.fail("\"" + key + "\" must be a string such as \"SCMP_ACT_ALLOW\"");
  auto action = action_from_name(value.get<std::string>());
  if (!action) at.fail("unknown action \"" + value.get<std::string>() + "\" in \"" + key + "\"");
  return *action;
}

std::optional<int> parse_errno(const json& object, const std::string& key, const Place& at) {
  if (!object.contains(key) || object[key].is_null()) return std::nullopt;
  const json& value = object[key];
  if (!value.is_number_unsigned() || value.get<uint64_t>() > 4095)
    at.fail("\"" + key + "\" must be an errno number between 0 and 4095, found " + value.dump());
  return value.get<int>();
}

uint64_t parse_u64(const json& arg, const std::string& key, const Place& at) {
  if (!arg.contains(key) || arg[key].is_null()) return 0;
  if (!arg[key].is_number_unsigned()) at.fail("\"" + key + "\" must be a non-negative integer, found " + arg[key].dump());
  return arg[key].get<uint64_t>();
}

ArgCondition parse_arg(const json& arg, const Place& at) {
  if (!arg.is_object()) at.fail("each of \"args\" must be an object, found " + arg.dump());
  if (!arg.contains("index") || !arg["index"].is_number_unsigned() || arg["index"].get<uint64_t>() > 5)
    at.fail("argument \"index\" must be 0 to 5, found " + (arg.contains("index") ? arg["index"].dump() : "none"));
  if (!arg.contains("op") || !arg["op"].is_string()) at.fail("argument needs an \"op\" such as \"SCMP_CMP_EQ\"");
  std::string op = arg["op"].get<std::string>();
  const auto& ops = comparison_ops();
  if (std::find(ops.begin(), ops.end(), op) == ops.end()) at.fail("unknown argument op \"" + op + "\"");
  return {arg["index"].get<unsigned>(), parse_u64(arg, "value", at), parse_u64(arg, "valueTwo", at), op};
}

Filter parse_filter(const json& object, const std::string& key, const Place& at) {
  Filter filter;
  if (!object.contains(key) || object[key].is_null()) return filter;
  const json& value = object[key];
  if (!value.is_object()) at.fail("\"" + key + "\" must be an object");
  if (value.contains("caps"))
    for (const auto& cap : string_list(value["caps"], key + ".caps", at)) {
      try {
        filter.caps.push_back(canonical_capability_name(cap));
      } catch (const Error& e) {
        at.fail(std::string(e.what()) + " in \"" + key + ".caps\"");
      }
    }
  if (value.contains("arches")) filter.arches = string_list(value["arches"], key + ".arches", at);
  if (value.contains("minKernel") && !value["minKernel"].is_null()) {
    if (!value["minKernel"].is_string()) at.fail("\"" + key + ".minKernel\" must be a string such as \"4.8\"");
    filter.min_kernel = value["minKernel"].get<std::string>();
  }
  return filter;
}

std::vector<std::string> rule_names(const json& entry, const Place& at) {
  std::vector<std::string> names;
  if (entry.contains("names")) names = string_list(entry["names"], "names", at);
  if (entry.contains("name")) {  // the older single-name form
    if (!entry["name"].is_string()) at.fail("\"name\" must be a string");
    names.push_back(entry["name"].get<std::string>());
  }
  if (names.empty()) at.fail("needs \"names\" (a list of syscall names)");
  return names;
}

Rule parse_rule(const json& entry, const Place& at) {
  if (!entry.is_object()) at.fail("must be an object, found " + entry.dump());
  Rule rule;
  rule.names = rule_names(entry, at);
  Place named{at.origin, at.entry + " (" + rule.names.front() + ")"};
  if (!entry.contains("action")) named.fail("needs an \"action\"");
  rule.action = parse_action(entry["action"], "action", named);
  rule.errno_ret = parse_errno(entry, "errnoRet", named);
  if (entry.contains("args") && !entry["args"].is_null()) {
    if (!entry["args"].is_array()) named.fail("\"args\" must be a list");
    for (const auto& arg : entry["args"]) rule.args.push_back(parse_arg(arg, named));
  }
  rule.includes = parse_filter(entry, "includes", named);
  rule.excludes = parse_filter(entry, "excludes", named);
  return rule;
}

// "architectures" lists libseccomp names; "archMap" adds sub-architectures for the
// native one (Docker's format).
std::vector<std::string> parse_arches(const json& doc, const Place& at) {
  std::vector<std::string> arches;
  if (doc.contains("architectures")) arches = string_list(doc["architectures"], "architectures", at);
  if (!doc.contains("archMap") || doc["archMap"].is_null()) return arches;
  if (!doc["archMap"].is_array()) at.fail("\"archMap\" must be a list");
  const std::string native = native_go_arch() == "amd64" ? "SCMP_ARCH_X86_64"
                             : native_go_arch() == "arm64" ? "SCMP_ARCH_AARCH64"
                                                           : "";
  for (const auto& entry : doc["archMap"]) {
    if (!entry.is_object() || !entry.contains("architecture") || !entry["architecture"].is_string())
      at.fail("each \"archMap\" entry needs an \"architecture\" string");
    if (entry["architecture"].get<std::string>() != native) continue;
    arches.push_back(native);
    if (entry.contains("subArchitectures"))
      for (const auto& sub : string_list(entry["subArchitectures"], "subArchitectures", at)) arches.push_back(sub);
  }
  return arches;
}

}  // namespace

Profile parse_profile(const std::string& json_text, const std::string& origin) {
  Place top{origin, ""};
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& e) {
    top.fail(std::string("invalid JSON: ") + e.what());
  }
  if (!doc.is_object()) top.fail("must be a JSON object");
  if (!doc.contains("defaultAction")) top.fail("needs \"defaultAction\" (e.g. \"SCMP_ACT_ERRNO\")");
  Profile profile;
  profile.default_action = parse_action(doc["defaultAction"], "defaultAction", top);
  profile.default_errno_ret = parse_errno(doc, "defaultErrnoRet", top);
  profile.arches = parse_arches(doc, top);
  if (doc.contains("syscalls") && !doc["syscalls"].is_null()) {
    if (!doc["syscalls"].is_array()) top.fail("\"syscalls\" must be a list");
    for (size_t i = 0; i < doc["syscalls"].size(); ++i)
      profile.rules.push_back(parse_rule(doc["syscalls"][i], {origin, "syscalls[" + std::to_string(i) + "]"}));
  }
  return profile;
}

}  // namespace stack::engine::runtime::seccomp
