// The state of a RegistryClient, shared by its pull (registry_client.cpp) and push
// (registry_push.cpp) halves.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "engine/image/registry_auth.hpp"
#include "engine/image/registry_client.hpp"

namespace stack::engine::image {

struct RegistryClient::Impl {
  Impl(std::string domain, std::string path, ClientOptions options);

  std::string domain;
  std::string path;
  ClientOptions options;
  RegistryAuth auth;
  // Base URLs ("https://registry-1.docker.io"): the mirrors first when they apply, the
  // registry itself last.
  std::vector<std::string> endpoints;

  // "domain/path", the prefix of every message.
  std::string name() const { return domain + "/" + path; }
  // The endpoint that served the last manifest (blobs come from there), else the registry.
  std::string blob_endpoint();
  void set_blob_endpoint(const std::string& base);
  // base + "/v2/" + path + suffix
  std::string url(const std::string& base, const std::string& suffix) const { return base + "/v2/" + path + suffix; }
  std::vector<std::string> pull_scopes() const { return {"repository:" + path + ":pull"}; }
  std::vector<std::string> push_scopes() const { return {"repository:" + path + ":pull,push"}; }

 private:
  std::mutex mutex_;
  std::string blob_endpoint_;
};

}  // namespace stack::engine::image
