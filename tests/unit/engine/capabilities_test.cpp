#include <catch2/catch.hpp>

#include <algorithm>

#include "base/error.hpp"
#include "engine/runtime/capabilities.hpp"

using namespace stack::engine::runtime;

namespace {

// A host like this machine's: every capability except CAP_SYS_RESOURCE.
std::vector<std::string> host_without_sys_resource() {
  std::vector<std::string> host;
  for (const auto& cap : known_capabilities())
    if (cap != "CAP_SYS_RESOURCE") host.push_back(cap);
  return host;
}

const std::vector<std::string> kDockerDefaultsInNumberOrder = {
    "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FOWNER",           "CAP_FSETID",  "CAP_KILL",
    "CAP_SETGID", "CAP_SETUID",       "CAP_SETPCAP",          "CAP_NET_BIND_SERVICE",
    "CAP_NET_RAW", "CAP_SYS_CHROOT",  "CAP_MKNOD",            "CAP_AUDIT_WRITE", "CAP_SETFCAP",
};

std::vector<std::string> resolve(const std::vector<std::string>& add, const std::vector<std::string>& drop,
                                 bool privileged = false) {
  return resolve_capabilities(add, drop, privileged, host_without_sys_resource());
}

}  // namespace

TEST_CASE("capability names run from CAP_CHOWN (0) to CAP_CHECKPOINT_RESTORE (40)", "[caps]") {
  REQUIRE(known_capabilities().size() == 41);
  CHECK(capability_number("CAP_CHOWN") == 0);
  CHECK(capability_number("CAP_NET_ADMIN") == 12);
  CHECK(capability_number("CAP_SYS_ADMIN") == 21);
  CHECK(capability_number("CAP_SYS_RESOURCE") == 24);
  CHECK(capability_number("CAP_AUDIT_READ") == 37);
  CHECK(capability_number("CAP_PERFMON") == 38);
  CHECK(capability_number("CAP_BPF") == 39);
  CHECK(capability_number("CAP_CHECKPOINT_RESTORE") == 40);
}

TEST_CASE("capability names are accepted in any case, with or without CAP_", "[caps]") {
  CHECK(canonical_capability_name("net_admin") == "CAP_NET_ADMIN");
  CHECK(canonical_capability_name("NET_ADMIN") == "CAP_NET_ADMIN");
  CHECK(canonical_capability_name("cap_Net_Admin") == "CAP_NET_ADMIN");
  CHECK(capability_number("sys_ptrace") == 19);
}

TEST_CASE("an unknown capability name is an error naming it", "[caps]") {
  REQUIRE_THROWS_WITH(capability_number("foo"), "unknown capability \"CAP_FOO\"");
  REQUIRE_THROWS_WITH(resolve({"NET_ADMN"}, {}), "unknown capability \"CAP_NET_ADMN\"");
  REQUIRE_THROWS_WITH(resolve({}, {"cap_bogus"}), "unknown capability \"CAP_BOGUS\"");
}

TEST_CASE("the default set is Docker's 14 capabilities", "[caps]") {
  CHECK(default_capabilities().size() == 14);
  CHECK(resolve({}, {}) == kDockerDefaultsInNumberOrder);
}

TEST_CASE("cap_add adds and cap_drop removes from the defaults, result sorted and unique", "[caps]") {
  auto caps = resolve({"NET_ADMIN", "cap_net_admin", "CHOWN"}, {"chown", "MKNOD"});
  std::vector<std::string> expected = kDockerDefaultsInNumberOrder;
  expected.erase(std::remove(expected.begin(), expected.end(), "CAP_MKNOD"), expected.end());
  expected.insert(std::find(expected.begin(), expected.end(), "CAP_NET_RAW"), "CAP_NET_ADMIN");
  // CHOWN is both added and dropped: Docker drops from the defaults, then adds.
  CHECK(caps == expected);
  CHECK(std::is_sorted(caps.begin(), caps.end(),
                       [](const auto& a, const auto& b) { return capability_number(a) < capability_number(b); }));
}

TEST_CASE("cap_drop ALL keeps only cap_add", "[caps]") {
  CHECK(resolve({"NET_BIND_SERVICE", "kill"}, {"ALL"}) == std::vector<std::string>{"CAP_KILL", "CAP_NET_BIND_SERVICE"});
  CHECK(resolve({}, {"all"}).empty());
}

TEST_CASE("cap_add ALL grants every host capability except cap_drop", "[caps]") {
  auto caps = resolve({"ALL"}, {"SYS_ADMIN"});
  auto expected = host_without_sys_resource();
  expected.erase(std::remove(expected.begin(), expected.end(), "CAP_SYS_ADMIN"), expected.end());
  CHECK(caps == expected);
}

TEST_CASE("adding a capability the host bounding set lacks is an error naming it", "[caps]") {
  try {
    resolve({"SYS_RESOURCE"}, {});
    FAIL("expected an error");
  } catch (const stack::Error& e) {
    CHECK(std::string(e.what()) == "capability \"CAP_SYS_RESOURCE\" is not in this host's bounding set");
    CHECK_THAT(e.hint(), Catch::Contains("remove it from cap_add"));
  }
}

TEST_CASE("a default capability the host lacks is left out", "[caps]") {
  std::vector<std::string> host = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_ADMIN"};
  CHECK(resolve_capabilities({}, {}, false, host) == std::vector<std::string>{"CAP_CHOWN", "CAP_KILL"});
}

TEST_CASE("privileged grants exactly the host's bounding set, ignoring add and drop", "[caps]") {
  CHECK(resolve({"NET_ADMIN"}, {"ALL"}, true) == host_without_sys_resource());
  CHECK(resolve_capabilities({}, {}, true) == host_capabilities());
}

TEST_CASE("host capabilities are this process's bounding set in number order", "[caps]") {
  auto host = host_capabilities();
  REQUIRE_FALSE(host.empty());
  CHECK(std::is_sorted(host.begin(), host.end(),
                       [](const auto& a, const auto& b) { return capability_number(a) < capability_number(b); }));
  for (const auto& cap : host) CHECK_NOTHROW(canonical_capability_name(cap));
}
