// The volume store with the real kernel: typed volumes mounted with mount(2) and found in
// /proc/self/mountinfo, and removal that unmounts before it deletes anything.
#include <stdlib.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "base/error.hpp"
#include "vol/volume_store.hpp"

namespace fs = std::filesystem;
using namespace stack::vol;

namespace {

constexpr long kTmpfsMagic = 0x01021994;

struct TempDir {
  TempDir() {
    std::string t = (fs::temp_directory_path() / "stack-vol-it-XXXXXX").string();
    path = ::mkdtemp(t.data());
  }
  ~TempDir() {
    // A failed test may leave a mount: never delete through it.
    auto m = system_mounter();
    for (const char* sub : {"/volumes/v1/_data", "/volumes/v2/_data"})
      if (m->is_mounted(path + sub)) m->unmount(path + sub);
    fs::remove_all(path);
  }
  std::string path;
};

long fs_type(const std::string& path) {
  struct statfs st {};
  REQUIRE(::statfs(path.c_str(), &st) == 0);
  return static_cast<long>(st.f_type);
}

VolumeUsers nobody() {
  return [] { return std::map<std::string, std::vector<std::string>>{}; };
}

}  // namespace

TEST_CASE("a tmpfs-typed volume is a tmpfs of its size on _data until it is removed", "[vol]") {
  REQUIRE(::geteuid() == 0);
  TempDir t;
  VolumeStore store(t.path + "/volumes", system_mounter());
  const Volume v = store.create("v1", {"local", {}, {{"type", "tmpfs"}, {"device", "tmpfs"}, {"o", "size=1m"}}});
  CHECK_FALSE(system_mounter()->is_mounted(v.mountpoint));
  store.ensure_mounted(v);
  store.ensure_mounted(v);
  CHECK(system_mounter()->is_mounted(v.mountpoint));
  CHECK(fs_type(v.mountpoint) == kTmpfsMagic);
  struct statfs st {};
  ::statfs(v.mountpoint.c_str(), &st);
  CHECK(st.f_blocks * st.f_bsize == 1024 * 1024);
  store.remove("v1", nobody());
  CHECK_FALSE(system_mounter()->is_mounted(v.mountpoint));
  CHECK_FALSE(fs::exists(t.path + "/volumes/v1"));
}

TEST_CASE("a bind-typed volume shows the host directory and its removal leaves that directory whole", "[vol]") {
  REQUIRE(::geteuid() == 0);
  TempDir t;
  fs::create_directories(t.path + "/host");
  std::ofstream(t.path + "/host/kept") << "mine";
  VolumeStore store(t.path + "/volumes", system_mounter());
  const Volume v = store.create("v2", {"local", {}, {{"type", "none"}, {"device", t.path + "/host"}, {"o", "bind,ro"}}});
  store.ensure_mounted(v);
  CHECK(fs::exists(v.mountpoint + "/kept"));
  std::ofstream(v.mountpoint + "/new") << "x";
  CHECK_FALSE(fs::exists(v.mountpoint + "/new"));  // ro was applied by the remount
  store.remove("v2", nobody());
  CHECK_FALSE(fs::exists(t.path + "/volumes/v2"));
  CHECK(fs::exists(t.path + "/host/kept"));
}

TEST_CASE("the real mounter reports a failed mount with its source, target and cause", "[vol]") {
  REQUIRE(::geteuid() == 0);
  TempDir t;
  VolumeStore store(t.path + "/volumes", system_mounter());
  const Volume v = store.create("v1", {"local", {}, {{"type", "nosuchfs"}, {"device", "x"}}});
  REQUIRE_THROWS_WITH(store.ensure_mounted(v), "volume v1: mount x on " + v.mountpoint + " (nosuchfs): No such device");
  CHECK(store.find("v1"));
}
