// A temporary directory for the firewall's unit tests (records, run roots), removed after.
#pragma once

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

namespace stack::net::testing {

struct FirewallTempDir {
  FirewallTempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "stack-fw-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    path = t;
  }
  ~FirewallTempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

}  // namespace stack::net::testing
