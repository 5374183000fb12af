// tests/integration/support/fake_token_registry.py run for one test: a registry with
// Bearer token auth on 127.0.0.1 (Distribution's token auth needs a signing setup).
// See the script for what it serves. Stopped by pid in the destructor.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "support/test_process.hpp"

namespace stack::testing {

class FakeTokenRegistry {
 public:
  // With a user, /token wants these Basic credentials; without, it issues tokens to anyone.
  FakeTokenRegistry(const std::string& user, const std::string& password);
  FakeTokenRegistry(const FakeTokenRegistry&) = delete;
  FakeTokenRegistry& operator=(const FakeTokenRegistry&) = delete;

  int port() const { return port_; }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  // {"token_requests": n, "scopes": [...], "storage_authorization": "..." or null}
  nlohmann::json stats() const;
  // The blob its repository x/y serves (through a redirect to another origin).
  static std::string blob_content() { return "hello from storage\n"; }

 private:
  TestProcess process_;
  int port_ = 0;
};

}  // namespace stack::testing
