#include <catch2/catch.hpp>

#include <grp.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <map>
#include <sstream>

#include "base/error.hpp"
#include "engine/runtime/capabilities.hpp"
#include "runtime/security_child.hpp"
#include "support/busybox_rootfs.hpp"

using namespace stack::engine::runtime;
using stack::testing::run_in_child;

namespace {

std::string cap_lines_of_status() {
  std::ifstream in("/proc/self/status");
  std::string out;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("Cap", 0) == 0) out += line + "\n";
  return out;
}

// "CapEff:\t00000000a80425fb" lines -> {"CapEff": 0xa80425fb, ...}
std::map<std::string, uint64_t> parse_caps(const std::string& text) {
  std::map<std::string, uint64_t> sets;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    auto colon = line.find(':');
    if (line.rfind("Cap", 0) == 0 && colon != std::string::npos)
      sets[line.substr(0, colon)] = std::stoull(line.substr(colon + 1), nullptr, 16);
  }
  return sets;
}

uint64_t mask_of(const std::vector<std::string>& caps) {
  uint64_t mask = 0;
  for (const auto& cap : caps) mask |= uint64_t{1} << capability_number(cap);
  return mask;
}

}  // namespace

TEST_CASE("root container gets exactly Docker's defaults in every set, ambient empty", "[caps]") {
  REQUIRE(getuid() == 0);
  auto result = run_in_child([](int fd) {
    apply_capabilities(default_capabilities(), true);
    stack::testing::send(fd, cap_lines_of_status());
    return 0;
  });
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  auto sets = parse_caps(result.output);
  uint64_t expected = mask_of(default_capabilities());
  CHECK(expected == 0xa80425fbULL);  // Docker's well-known CapEff for a root container
  CHECK(sets["CapEff"] == expected);
  CHECK(sets["CapPrm"] == expected);
  CHECK(sets["CapInh"] == expected);
  CHECK(sets["CapBnd"] == expected);
  CHECK(sets["CapAmb"] == 0);
}

TEST_CASE("cap_add NET_ADMIN and cap_drop CHOWN show in the effective and bounding sets", "[caps]") {
  auto caps = resolve_capabilities({"NET_ADMIN"}, {"CHOWN"}, false);
  auto result = run_in_child([&](int fd) {
    apply_capabilities(caps, true);
    stack::testing::send(fd, cap_lines_of_status());
    return 0;
  });
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  auto sets = parse_caps(result.output);
  uint64_t expected = (0xa80425fbULL | (1ULL << 12)) & ~1ULL;
  CHECK(sets["CapEff"] == expected);
  CHECK(sets["CapBnd"] == expected);
}

TEST_CASE("a dropped capability is really gone: unshare needs CAP_SYS_ADMIN", "[caps]") {
  auto result = run_in_child([](int fd) {
    apply_capabilities(default_capabilities(), true);
    int rc = unshare(CLONE_NEWUTS);
    stack::testing::send(fd, std::to_string(rc) + " " + std::to_string(rc == 0 ? 0 : errno));
    return 0;
  });
  CHECK(result.output == "-1 " + std::to_string(EPERM));
}

TEST_CASE("a non-root user gets empty sets with the bounding set still limited", "[caps]") {
  auto result = run_in_child([](int fd) {
    prepare_capabilities_for_setuid();
    if (setgroups(0, nullptr) != 0 || setgid(1000) != 0 || setuid(stack::testing::kTesterUid) != 0)
      throw std::runtime_error("setuid to the tester failed");
    apply_capabilities(default_capabilities(), false);
    stack::testing::send(fd, cap_lines_of_status());
    return 0;
  });
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  auto sets = parse_caps(result.output);
  CHECK(sets["CapEff"] == 0);
  CHECK(sets["CapPrm"] == 0);
  CHECK(sets["CapInh"] == 0);
  CHECK(sets["CapAmb"] == 0);
  CHECK(sets["CapBnd"] == 0xa80425fbULL);
}

TEST_CASE("setuid without prepare_capabilities_for_setuid is reported, not ignored", "[caps]") {
  auto result = run_in_child([](int fd) {
    if (setuid(stack::testing::kTesterUid) != 0) throw std::runtime_error("setuid failed");
    try {
      apply_capabilities(default_capabilities(), false);
    } catch (const stack::Error& e) {
      stack::testing::send(fd, std::string(e.what()) + "\n" + e.hint());
      return 1;
    }
    return 0;
  });
  CHECK(result.exit_code == 1);
  CHECK(result.output ==
        "drop CAP_DAC_READ_SEARCH from the bounding set: Operation not permitted\n"
        "CAP_SETPCAP is needed; for a non-root user call prepare_capabilities_for_setuid() before setuid");
}

TEST_CASE("privileged applies the whole host bounding set", "[caps]") {
  auto host = host_capabilities();
  auto result = run_in_child([&](int fd) {
    apply_capabilities(resolve_capabilities({}, {}, true), true);
    stack::testing::send(fd, cap_lines_of_status());
    return 0;
  });
  REQUIRE(result.exit_code == 0);
  auto sets = parse_caps(result.output);
  CHECK(sets["CapEff"] == mask_of(host));
  CHECK(sets["CapBnd"] == mask_of(host));
}
