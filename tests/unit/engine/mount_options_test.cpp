#include <sys/mount.h>

#include <catch2/catch.hpp>

#include "engine/runtime/mount_options.hpp"

using namespace stack::engine::runtime;

TEST_CASE("bind options split into bind, attributes and propagation", "[mounts]") {
  MountOptions o = parse_mount_options("bind", {"rbind", "ro", "nosuid", "rprivate", "z", "cached"});
  CHECK(o.bind);
  CHECK(o.recursive);
  CHECK(o.attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID));
  CHECK(o.attr_clr == 0);
  CHECK(o.propagation == MS_PRIVATE);
  CHECK(o.propagation_recursive);
  CHECK(o.data.empty());
}

TEST_CASE("a bind type without rbind is not recursive", "[mounts]") {
  MountOptions o = parse_mount_options("bind", {});
  CHECK(o.bind);
  CHECK_FALSE(o.recursive);
  CHECK(o.propagation == 0);
}

TEST_CASE("a bind option makes any type a bind", "[mounts]") {
  CHECK(parse_mount_options("none", {"bind"}).bind);
  CHECK_FALSE(parse_mount_options("tmpfs", {"size=1m"}).bind);
}

TEST_CASE("filesystem options stay in the data string in order", "[mounts]") {
  MountOptions o = parse_mount_options("tmpfs", {"nodev", "size=64m", "noexec", "mode=1777", "uid=1000"});
  CHECK(o.data == "size=64m,mode=1777,uid=1000");
  CHECK(o.attr_set == (MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
}

TEST_CASE("a later attribute word wins over an earlier one", "[mounts]") {
  MountOptions o = parse_mount_options("bind", {"ro", "rw", "noexec", "exec"});
  CHECK(o.attr_set == 0);
  CHECK(o.attr_clr == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOEXEC));
}

TEST_CASE("access time words replace the whole atime setting", "[mounts]") {
  MountOptions o = parse_mount_options("tmpfs", {"noatime"});
  CHECK(o.attr_set == MOUNT_ATTR_NOATIME);
  CHECK(o.attr_clr == MOUNT_ATTR__ATIME);
  o = parse_mount_options("tmpfs", {"noatime", "strictatime", "ro"});
  CHECK(o.attr_set == (MOUNT_ATTR_STRICTATIME | MOUNT_ATTR_RDONLY));
  CHECK(o.attr_clr == MOUNT_ATTR__ATIME);
}

TEST_CASE("a mount is described by source, destination and data", "[mounts]") {
  CHECK(describe_mount("tmpfs", "/run", "size=abc") == "mount tmpfs on /run (size=abc)");
  CHECK(describe_mount("/srv/x", "/data") == "mount /srv/x on /data");
}
