#include <stdlib.h>
#include <sys/mount.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>

#include "base/error.hpp"
#include "vol/mount_options.hpp"
#include "vol/testing/fake_mounter.hpp"
#include "vol/volume_binds.hpp"
#include "vol/volume_store.hpp"

namespace fs = std::filesystem;
using stack::Error;
using namespace stack::vol;

namespace {

std::string make_temp_dir() {
  std::string t = (fs::temp_directory_path() / "stack-vol-XXXXXX").string();
  REQUIRE(::mkdtemp(t.data()) != nullptr);
  return t;
}

struct TempStore {
  ~TempStore() { fs::remove_all(dir); }
  std::string dir = make_temp_dir();  // before `store`, which lives in it
  std::shared_ptr<testing::FakeMounter> mounter = std::make_shared<testing::FakeMounter>();
  VolumeStore store{dir + "/volumes", mounter};
};

VolumeUsers nobody() {
  return [] { return std::map<std::string, std::vector<std::string>>{}; };
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

const std::map<std::string, std::string> kTmpfs = {{"type", "tmpfs"}, {"device", "tmpfs"}, {"o", "size=64m"}};

}  // namespace

TEST_CASE("volume names follow docker's rule for local volumes", "[vol]") {
  check_volume_name("db");
  check_volume_name("my_vol.1-a");
  check_volume_name("0x");
  for (const std::string bad : {"", "a", "-ab", "_ab", ".ab", "a/b", "a b", "ab:c"}) {
    CAPTURE(bad);
    REQUIRE_THROWS_WITH(check_volume_name(bad), Catch::Contains("includes invalid characters for a local volume name"));
  }
}

TEST_CASE("a created volume has an empty _data directory and its record", "[vol]") {
  TempStore t;
  const Volume v = t.store.create("data", {"local", {{"app", "web"}}, {}});
  CHECK(v.name == "data");
  CHECK(v.driver == "local");
  CHECK(v.labels == std::map<std::string, std::string>{{"app", "web"}});
  CHECK(v.mountpoint == t.dir + "/volumes/data/_data");
  CHECK(fs::is_directory(v.mountpoint));
  CHECK(fs::is_empty(v.mountpoint));
  CHECK(v.created.size() == 20);
  REQUIRE(t.store.find("data"));
  CHECK(*t.store.find("data") == v);
  CHECK(t.store.list() == std::vector<Volume>{v});
}

TEST_CASE("creating an existing volume with the same options returns it unchanged", "[vol]") {
  TempStore t;
  const Volume first = t.store.create("data", {"local", {}, kTmpfs});
  write(first.mountpoint + "/f", "kept");
  CHECK(t.store.create("data", {"local", {}, kTmpfs}) == first);
  CHECK(fs::exists(first.mountpoint + "/f"));
  CHECK(t.store.get_or_create("data") == first);
}

TEST_CASE("creating an existing volume with other options is an error naming it", "[vol]") {
  TempStore t;
  t.store.create("data", {});
  REQUIRE_THROWS_WITH(t.store.create("data", {"local", {}, kTmpfs}),
                      "create data: volume already exists with different options");
  CHECK(t.store.get("data").options.empty());
}

TEST_CASE("the local driver accepts only type, device and o, and type with a device", "[vol]") {
  TempStore t;
  REQUIRE_THROWS_WITH(t.store.create("v1", {"local", {}, {{"size", "1m"}}}), "create v1: invalid option key: \"size\"");
  REQUIRE_THROWS_WITH(t.store.create("v1", {"local", {}, {{"type", "tmpfs"}}}),
                      "create v1: missing device in volume options");
  REQUIRE_THROWS_WITH(t.store.create("v1", {"local", {}, {{"o", "size=1m"}}}), "create v1: missing type in volume options");
  REQUIRE_THROWS_WITH(t.store.create("v1", {"nfs-plugin", {}, {}}), "create v1: plugin \"nfs-plugin\" not found");
  CHECK(t.store.list().empty());
}

TEST_CASE("a missing volume is docker's no such volume", "[vol]") {
  TempStore t;
  CHECK_FALSE(t.store.find("nope"));
  REQUIRE_THROWS_WITH(t.store.get("nope"), "get nope: no such volume");
  REQUIRE_THROWS_WITH(t.store.remove("nope", nobody()), "get nope: no such volume");
}

TEST_CASE("a volume in use is never removed and keeps its data", "[vol]") {
  TempStore t;
  const Volume v = t.store.create("data", {});
  write(v.mountpoint + "/f", "kept");
  VolumeUsers users = [] { return std::map<std::string, std::vector<std::string>>{{"data", {"web", "worker"}}}; };
  REQUIRE_THROWS_WITH(t.store.remove("data", users), "remove data: volume is in use - [web, worker]");
  CHECK(t.store.find("data"));
  CHECK(fs::exists(v.mountpoint + "/f"));
  t.store.remove("data", nobody());
  CHECK_FALSE(t.store.find("data"));
  CHECK_FALSE(fs::exists(t.dir + "/volumes/data"));
}

TEST_CASE("a typed volume is mounted once, when first needed, and unmounted on removal", "[vol]") {
  TempStore t;
  const Volume v = t.store.create("scratch", {"local", {}, kTmpfs});
  CHECK(t.mounter->mounts.empty());
  CHECK(t.store.ensure_mounted(v) == v.mountpoint);
  CHECK(t.store.ensure_mounted(v) == v.mountpoint);
  REQUIRE(t.mounter->mounts.size() == 1);
  CHECK(t.mounter->mounts[0] == MountCall{"tmpfs", v.mountpoint, "tmpfs", 0, "size=64m"});
  t.store.remove("scratch", nobody());
  CHECK(t.mounter->unmounts == std::vector<std::string>{v.mountpoint});
  CHECK_FALSE(t.store.find("scratch"));
}

TEST_CASE("a plain volume is never mounted", "[vol]") {
  TempStore t;
  const Volume v = t.store.create("plain", {});
  CHECK(t.store.ensure_mounted(v) == v.mountpoint);
  CHECK(t.mounter->mounts.empty());
}

TEST_CASE("a failed mount names the volume and leaves it as it was", "[vol]") {
  TempStore t;
  const Volume v = t.store.create("scratch", {"local", {}, kTmpfs});
  t.mounter->fail_next_mount = true;
  REQUIRE_THROWS_WITH(t.store.ensure_mounted(v), Catch::StartsWith("volume scratch: mount tmpfs on "));
  CHECK(t.store.find("scratch"));
  CHECK(t.mounter->mounted.empty());
}

TEST_CASE("prune --all removes only unused volumes and counts their files' bytes", "[vol]") {
  TempStore t;
  const Volume used = t.store.create("used", {});
  const Volume a = t.store.create("unused-a", {});
  t.store.create("unused-b", {});
  write(a.mountpoint + "/f", std::string(1000, 'x'));
  fs::create_directories(a.mountpoint + "/sub");
  write(a.mountpoint + "/sub/g", std::string(24, 'y'));
  write(used.mountpoint + "/f", "kept");
  VolumeUsers users = [] { return std::map<std::string, std::vector<std::string>>{{"used", {"web"}}}; };
  const PrunedVolumes r = t.store.prune(users, true);
  CHECK(r.deleted == std::vector<std::string>{"unused-a", "unused-b"});
  CHECK(r.reclaimed_bytes == 1024);
  REQUIRE(t.store.list().size() == 1);
  CHECK(t.store.list()[0].name == "used");
  CHECK(fs::exists(used.mountpoint + "/f"));
}

TEST_CASE("local driver options become mount(8)'s call", "[vol]") {
  CHECK(plan_mount(kTmpfs, "/v/_data") == MountCall{"tmpfs", "/v/_data", "tmpfs", 0, "size=64m"});
  CHECK(plan_mount({{"type", "none"}, {"device", "/srv/x"}, {"o", "bind"}}, "/v/_data") ==
        MountCall{"/srv/x", "/v/_data", "", MS_BIND, ""});
  CHECK(plan_mount({{"type", "none"}, {"device", "/srv/x"}, {"o", "rbind,ro"}}, "/v/_data") ==
        MountCall{"/srv/x", "/v/_data", "", MS_BIND | MS_REC | MS_RDONLY, ""});
  CHECK(plan_mount({{"type", "tmpfs"}, {"device", "tmpfs"}, {"o", "noexec,size=1m,mode=1777,exec,ro"}}, "/t") ==
        MountCall{"tmpfs", "/t", "tmpfs", MS_RDONLY, "size=1m,mode=1777"});
}

TEST_CASE("named volumes in -v specs are made on first use and bound from their _data", "[vol]") {
  TempStore t;
  const Volume scratch = t.store.create("scratch", {"local", {}, kTmpfs});
  std::vector<std::string> specs = {"data:/a", "/host:/b:ro", "scratch:/c:ro", "data:/d"};
  const std::vector<std::string> names = resolve_named_volumes(t.store, specs);
  CHECK(names == std::vector<std::string>{"data", "scratch"});
  const std::string data = t.dir + "/volumes/data/_data";
  CHECK(specs == std::vector<std::string>{data + ":/a", "/host:/b:ro", scratch.mountpoint + ":/c:ro", data + ":/d"});
  CHECK(fs::is_directory(data));
  CHECK(t.mounter->mounted == std::set<std::string>{scratch.mountpoint});
}

TEST_CASE("an invalid volume name in a -v spec is docker's error and makes nothing", "[vol]") {
  TempStore t;
  std::vector<std::string> specs = {"a:/x"};
  REQUIRE_THROWS_WITH(resolve_named_volumes(t.store, specs), Catch::Contains("invalid characters for a local volume name"));
  CHECK(t.store.list().empty());
}

TEST_CASE("a -v /path spec makes a new anonymous volume each time and nocopy is read from the options", "[vol]") {
  TempStore t;
  std::vector<std::string> specs = {"/data", "/data", "named:/n:ro,nocopy", "/host:/h"};
  const std::vector<VolumeMount> mounts = resolve_volume_mounts(t.store, specs);
  REQUIRE(mounts.size() == 3);
  CHECK(mounts[0].volume.name.size() == 64);
  CHECK(mounts[0].volume.name != mounts[1].volume.name);
  CHECK(is_anonymous(mounts[0].volume));
  CHECK(mounts[0].volume.labels.at(kAnonymousLabel).empty());
  CHECK(mounts[0].target == "/data");
  CHECK(mounts[0].copy_up);
  CHECK(specs[0] == mounts[0].volume.mountpoint + ":/data");
  CHECK(mounts[2].volume.name == "named");
  CHECK_FALSE(is_anonymous(mounts[2].volume));
  CHECK(mounts[2].target == "/n");
  CHECK_FALSE(mounts[2].copy_up);
  CHECK(specs[3] == "/host:/h");
  CHECK(volume_names(mounts) == std::vector<std::string>{mounts[0].volume.name, mounts[1].volume.name, "named"});
}

TEST_CASE("image VOLUMEs get anonymous volumes unless a -v, bind or tmpfs already mounts there", "[vol]") {
  TempStore t;
  std::vector<std::string> specs = {"db:/var/lib/db/", "/srv/logs:/logs:ro"};
  std::vector<VolumeMount> mounts = resolve_volume_mounts(t.store, specs);
  add_image_volumes(t.store, {"/var/lib/db", "/logs", "/cache", "/tmp", "/data"}, {"/tmp:size=1m"}, specs, mounts);
  REQUIRE(mounts.size() == 3);
  CHECK(mounts[1].target == "/cache");
  CHECK(mounts[2].target == "/data");
  CHECK(is_anonymous(mounts[1].volume));
  CHECK(specs.size() == 4);
  CHECK(specs[2] == mounts[1].volume.mountpoint + ":/cache");
  CHECK(specs[3] == mounts[2].volume.mountpoint + ":/data");
}

TEST_CASE("a volume is filled only while it is empty", "[vol]") {
  TempStore t;
  const Volume v = t.store.create("fill", {});
  int calls = 0;
  auto fill = [&](const std::string& data) {
    ++calls;
    write(data + "/seed", "x");
    return true;
  };
  CHECK(t.store.fill_if_empty(v, fill));
  CHECK_FALSE(t.store.fill_if_empty(v, fill));
  CHECK(calls == 1);
  CHECK(fs::exists(v.mountpoint + "/seed"));
}

TEST_CASE("prune without --all removes only unused anonymous volumes", "[vol]") {
  TempStore t;
  t.store.create("named", {});
  const Volume unused = t.store.create_anonymous();
  const Volume used = t.store.create_anonymous();
  VolumeUsers users = [&] { return std::map<std::string, std::vector<std::string>>{{used.name, {"web"}}}; };
  CHECK(t.store.prune(users, false).deleted == std::vector<std::string>{unused.name});
  CHECK(t.store.find("named"));
  CHECK(t.store.find(used.name));
}
