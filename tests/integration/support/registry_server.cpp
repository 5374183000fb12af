#include "support/registry_server.hpp"

#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

#include "engine/image/http.hpp"

namespace stack::testing {
namespace {

namespace fs = std::filesystem;
constexpr const char* kRegistry = "/usr/bin/docker-registry";

std::string bcrypt_htpasswd(const std::string& user, const std::string& password) {
  std::string command = "htpasswd -Bbn '" + user + "' '" + password + "'";
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) throw std::runtime_error("popen htpasswd");
  std::string out;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (::pclose(p) != 0) throw std::runtime_error("htpasswd failed (is apache2-utils installed?)");
  return out;
}

std::string config_yaml(const std::string& storage, int port, const std::string& htpasswd_file) {
  std::string yaml = "version: 0.1\n"
                     "log:\n  level: error\n  accesslog:\n    disabled: true\n"
                     "storage:\n  filesystem:\n    rootdirectory: " + storage + "\n"
                     "  delete:\n    enabled: true\n"
                     "http:\n  addr: 127.0.0.1:" + std::to_string(port) + "\n";
  if (!htpasswd_file.empty()) yaml += "auth:\n  htpasswd:\n    realm: stack-test\n    path: " + htpasswd_file + "\n";
  return yaml;
}

}  // namespace

RegistryServer::RegistryServer(RegistryServerOptions options) {
  std::string pattern = (fs::temp_directory_path() / "stack-registry-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  storage_ = dir_ + "/storage";
  // The port is free when chosen but another process may take it before the registry
  // binds it: a registry that exits at once is started again on another port.
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (start(options)) return;
  }
  std::ifstream in(dir_ + "/registry.log");
  const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  fs::remove_all(dir_);
  throw std::runtime_error("docker-registry did not start; its log: " + log);
}

RegistryServer::~RegistryServer() {
  process_.stop();
  fs::remove_all(dir_);
}

bool RegistryServer::start(const RegistryServerOptions& options) {
  port_ = free_loopback_port();
  std::string htpasswd_file;
  if (!options.htpasswd_user.empty()) {
    htpasswd_file = dir_ + "/htpasswd";
    std::ofstream(htpasswd_file) << bcrypt_htpasswd(options.htpasswd_user, options.htpasswd_password);
  }
  const std::string config = dir_ + "/config.yml";
  std::ofstream(config) << config_yaml(storage_, port_, htpasswd_file);
  process_ = TestProcess({kRegistry, "serve", config}, -1, dir_ + "/registry.log");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  engine::image::HttpRequest probe;
  probe.url = "http://" + host() + "/v2/";
  while (std::chrono::steady_clock::now() < deadline) {
    if (process_.exited()) return false;
    try {
      long status = engine::image::http_perform(probe).status;
      if (status == 200 || status == 401) return true;
    } catch (const engine::image::TransportError&) {
      // not listening yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling interval
  }
  process_.stop();
  return false;
}

std::string RegistryServer::blob_data_path(const std::string& digest) const {
  const std::string hex = digest.substr(digest.find(':') + 1);
  return storage_ + "/docker/registry/v2/blobs/sha256/" + hex.substr(0, 2) + "/" + hex + "/data";
}

}  // namespace stack::testing
