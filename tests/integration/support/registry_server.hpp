// A real registry for tests: Debian's docker-registry (Distribution 2.8) serving from a
// temporary directory on 127.0.0.1:<free port>, optionally behind htpasswd (bcrypt)
// Basic auth. Ready when the constructor returns; stopped (by pid) and its storage
// removed by the destructor.
#pragma once

#include <string>

#include "support/test_process.hpp"

namespace stack::testing {

struct RegistryServerOptions {
  // When set, the registry requires these credentials (auth.htpasswd).
  std::string htpasswd_user;
  std::string htpasswd_password;
};

class RegistryServer {
 public:
  explicit RegistryServer(RegistryServerOptions options = {});
  ~RegistryServer();
  RegistryServer(const RegistryServer&) = delete;
  RegistryServer& operator=(const RegistryServer&) = delete;

  int port() const { return port_; }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  // storage.filesystem.rootdirectory: blobs are under docker/registry/v2/blobs/sha256/.
  const std::string& storage_dir() const { return storage_; }
  // The path of a blob's data file in the storage (to corrupt it).
  std::string blob_data_path(const std::string& digest) const;

 private:
  bool start(const RegistryServerOptions& options);

  std::string dir_;
  std::string storage_;
  int port_ = 0;
  TestProcess process_;
};

}  // namespace stack::testing
