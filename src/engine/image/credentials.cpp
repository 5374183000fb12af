// Credentials: stack's own file (written by `stack login`) and docker's config.json,
// both in docker's shape: {"auths": {"<registry>": {"auth": base64("user:password")}}}.
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/error.hpp"
#include "base/files.hpp"
#include "base/strings.hpp"
#include "base/syscall_error.hpp"
#include "engine/image/base64.hpp"
#include "engine/image/registry_config.hpp"

namespace stack::engine::image {
namespace {

using nlohmann::json;

const char* env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && value[0] != '\0' ? value : nullptr;
}

std::string home_dir() {
  if (const char* home = env("HOME")) return home;
  if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr) return pw->pw_dir;
  throw Error("cannot find the home directory: HOME is not set");
}

std::string docker_config_path() {
  if (const char* dir = env("DOCKER_CONFIG")) return std::string(dir) + "/config.json";
  return home_dir() + "/.docker/config.json";
}

// The key `domain` is stored under, as docker writes it.
std::string auth_key(std::string_view domain) {
  return domain == "docker.io" ? "https://index.docker.io/v1/" : std::string(domain);
}

// The registry host a key of "auths" names: "https://index.docker.io/v1/" -> "index.docker.io".
std::string key_host(std::string_view key) {
  if (size_t scheme = key.find("://"); scheme != std::string_view::npos) key.remove_prefix(scheme + 3);
  std::string host = base::to_lower(key.substr(0, key.find('/')));
  if (host == "docker.io" || host == "registry-1.docker.io") return "index.docker.io";
  return host;
}

json read_json(const std::string& file) {
  std::optional<std::string> text = base::read_file_if_exists(file);
  if (!text || text->find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
  try {
    json doc = json::parse(*text);
    if (!doc.is_object()) throw Error(file + ": not a JSON object");
    return doc;
  } catch (const json::exception& e) {
    throw Error(file + ": not valid JSON: " + e.what());
  }
}

// The entry of "auths" for `domain`, or nullptr.
const json* find_entry(const json& doc, std::string_view domain) {
  auto auths = doc.find("auths");
  if (auths == doc.end() || !auths->is_object()) return nullptr;
  const std::string wanted = key_host(auth_key(domain));
  for (auto it = auths->begin(); it != auths->end(); ++it) {
    if (key_host(it.key()) == wanted) return &it.value();
  }
  return nullptr;
}

std::string string_field(const json& entry, const char* name) {
  auto it = entry.find(name);
  return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The credentials of an "auths" entry, or nullopt when it holds none (docker leaves
// empty entries behind when a credential store keeps the secrets).
std::optional<Credentials> entry_credentials(const json& entry, const std::string& file) {
  if (!entry.is_object()) return std::nullopt;
  if (std::string auth = string_field(entry, "auth"); !auth.empty()) {
    std::optional<std::string> decoded = base64_decode(auth);
    size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) throw Error(file + ": the \"auth\" of a registry is not base64 of user:password");
    return Credentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
  }
  std::string username = string_field(entry, "username");
  if (username.empty()) return std::nullopt;
  return Credentials{username, string_field(entry, "password")};
}

// The credential helper docker's file delegates `domain` to, or "".
std::string helper_of(const json& doc, std::string_view domain) {
  auto helpers = doc.find("credHelpers");
  if (helpers != doc.end() && helpers->is_object()) {
    const std::string wanted = key_host(auth_key(domain));
    for (auto it = helpers->begin(); it != helpers->end(); ++it) {
      if (key_host(it.key()) == wanted && it->is_string()) return it->get<std::string>();
    }
  }
  // A store keeps every login; docker lists the hosts it holds as empty "auths" entries.
  if (find_entry(doc, domain) != nullptr) return string_field(doc, "credsStore");
  return {};
}

// mkdir -p where the new directories are private (0700): they hold secrets.
void make_private_dirs(const std::filesystem::path& dir) {
  if (dir.empty() || std::filesystem::exists(dir)) return;
  make_private_dirs(dir.parent_path());
  if (::mkdir(dir.c_str(), 0700) < 0 && errno != EEXIST) throw syscall_error("mkdir " + dir.string());
}

void write_credentials_file(const std::string& file, const json& doc) {
  make_private_dirs(std::filesystem::path(file).parent_path());
  base::write_file_atomic(file, doc.dump(2) + "\n", 0600);
}

}  // namespace

std::string credentials_path() {
  if (const char* dir = env("STACK_CONFIG_DIR")) return std::string(dir) + "/config.json";
  if (const char* dir = env("XDG_CONFIG_HOME")) return std::string(dir) + "/stack/config.json";
  return home_dir() + "/.config/stack/config.json";
}

std::optional<Credentials> find_credentials(std::string_view domain) {
  const std::string own_file = credentials_path();
  const json own = read_json(own_file);
  if (const json* entry = find_entry(own, domain)) {
    if (auto credentials = entry_credentials(*entry, own_file)) return credentials;
  }
  const std::string docker_file = docker_config_path();
  const json docker = read_json(docker_file);
  if (const json* entry = find_entry(docker, domain)) {
    if (auto credentials = entry_credentials(*entry, docker_file)) return credentials;
  }
  if (std::string helper = helper_of(docker, domain); !helper.empty()) {
    throw Error("the credentials of " + std::string(domain) + " are kept by docker's credential helper \"" + helper +
                    "\" (" + docker_file + "), and stack does not support credential helpers",
                "run `stack login " + std::string(domain) + "`");
  }
  return std::nullopt;
}

void store_credentials(std::string_view domain, const Credentials& credentials) {
  const std::string file = credentials_path();
  json doc = read_json(file);
  if (!doc.contains("auths") || !doc["auths"].is_object()) doc["auths"] = json::object();
  json& auths = doc["auths"];
  // One entry per registry: drop other spellings of the same host first.
  const std::string host = key_host(auth_key(domain));
  for (auto it = auths.begin(); it != auths.end();) it = key_host(it.key()) == host ? auths.erase(it) : std::next(it);
  auths[auth_key(domain)] = json{{"auth", base64_encode(credentials.username + ":" + credentials.password)}};
  write_credentials_file(file, doc);
}

bool erase_credentials(std::string_view domain) {
  const std::string file = credentials_path();
  json doc = read_json(file);
  if (!doc.contains("auths") || !doc["auths"].is_object()) return false;
  json& auths = doc["auths"];
  const std::string host = key_host(auth_key(domain));
  bool erased = false;
  for (auto it = auths.begin(); it != auths.end();) {
    if (key_host(it.key()) == host) {
      it = auths.erase(it);
      erased = true;
    } else {
      ++it;
    }
  }
  if (erased) write_credentials_file(file, doc);
  return erased;
}

}  // namespace stack::engine::image
