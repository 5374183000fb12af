#include <grp.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "engine/runtime/users.hpp"
#include "runtime/mount_namespace_child.hpp"
#include "support/busybox_rootfs.hpp"

using namespace stack::engine::runtime;
using stack::testing::Report;

TEST_CASE("switch_user sets groups, gid and uid of the image's user", "[users]") {
  stack::testing::BusyboxRootfs fixture;
  Report r = stack::testing::run_in_mount_namespace([&](Report& r) {
    ResolvedUser user = resolve_user("tester", {"nogroup"}, fixture.dir() + "/etc");
    switch_user(user);
    gid_t groups[16];
    int n = getgroups(16, groups);
    std::string list;
    for (int i = 0; i < n; ++i) list += (i ? "," : "") + std::to_string(groups[i]);
    r["uid"] = std::to_string(getuid()) + "/" + std::to_string(geteuid());
    r["gid"] = std::to_string(getgid()) + "/" + std::to_string(getegid());
    r["groups"] = list;
    r["home"] = user.home;
  });
  CHECK(r == Report{{"uid", "1000/1000"}, {"gid", "1000/1000"}, {"groups", "29,65534"}, {"home", "/home/tester"}});
}
