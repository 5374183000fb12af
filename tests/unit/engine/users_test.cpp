#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "base/error.hpp"
#include "engine/runtime/passwd.hpp"
#include "engine/runtime/users.hpp"

using namespace stack::engine::runtime;
namespace fs = std::filesystem;

namespace {

// An image's /etc in a temporary directory, removed at the end of the test.
class EtcDir {
 public:
  EtcDir(const std::string& passwd, const std::string& group) {
    std::string templ = (fs::temp_directory_path() / "stack-users-XXXXXX").string();
    REQUIRE(mkdtemp(templ.data()) != nullptr);
    dir_ = templ;
    if (!passwd.empty()) std::ofstream(dir_ + "/passwd") << passwd;
    if (!group.empty()) std::ofstream(dir_ + "/group") << group;
  }
  ~EtcDir() { fs::remove_all(dir_); }
  const std::string& path() const { return dir_; }

 private:
  std::string dir_;
};

const char* kPasswd =
    "# users of the test image\n"
    "root:x:0:0:root:/root:/bin/sh\n"
    "\n"
    "tester:x:1000:1000:tester:/home/tester:/bin/sh\n"
    "broken line without fields\n"
    "bad:x:notanumber:1:bad:/bad:/bin/sh\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
    "tester:x:1001:1001:second entry, never used:/other:/bin/sh\n";

const char* kGroup =
    "root:x:0:\n"
    "audio:x:29:tester,other\n"
    "video:x:44:other\n"
    "# comment:x:1:tester\n"
    "staff:x:50:root,tester\n"
    "tester:x:1000:\n"
    "nogroup:x:65534:\n";

std::vector<gid_t> gids(std::initializer_list<gid_t> list) { return list; }

}  // namespace

TEST_CASE("an empty user is root with root's home and groups", "[users]") {
  EtcDir etc(kPasswd, kGroup);
  ResolvedUser u = resolve_user("", {}, etc.path());
  CHECK(u.uid == 0);
  CHECK(u.gid == 0);
  CHECK(u.home == "/root");
  CHECK(u.groups == gids({50}));
}

TEST_CASE("a user name takes uid, gid and home from passwd and its groups from group", "[users]") {
  EtcDir etc(kPasswd, kGroup);
  ResolvedUser u = resolve_user("tester", {}, etc.path());
  CHECK(u.uid == 1000);
  CHECK(u.gid == 1000);
  CHECK(u.home == "/home/tester");
  CHECK(u.groups == gids({29, 50}));
}

TEST_CASE("a numeric uid with a passwd entry is that user", "[users]") {
  EtcDir etc(kPasswd, kGroup);
  ResolvedUser u = resolve_user("1000", {}, etc.path());
  CHECK(u.uid == 1000);
  CHECK(u.gid == 1000);
  CHECK(u.home == "/home/tester");
  CHECK(u.groups == gids({29, 50}));
}

TEST_CASE("a numeric uid without a passwd entry gets gid 0, home / and no groups", "[users]") {
  EtcDir etc(kPasswd, kGroup);
  ResolvedUser u = resolve_user("4242", {}, etc.path());
  CHECK(u.uid == 4242);
  CHECK(u.gid == 0);
  CHECK(u.home == "/");
  CHECK(u.groups.empty());
}

TEST_CASE("numeric ids need no passwd or group file at all", "[users]") {
  EtcDir etc("", "");
  ResolvedUser u = resolve_user("33:44", {"45"}, etc.path());
  CHECK(u.uid == 33);
  CHECK(u.gid == 44);
  CHECK(u.home == "/");
  CHECK(u.groups == gids({45}));
}

TEST_CASE("name:group sets the primary group and drops the user's memberships", "[users]") {
  EtcDir etc(kPasswd, kGroup);
  ResolvedUser u = resolve_user("tester:video", {}, etc.path());
  CHECK(u.uid == 1000);
  CHECK(u.gid == 44);
  CHECK(u.home == "/home/tester");
  CHECK(u.groups.empty());
}

TEST_CASE("uid:gid takes both ids as given, with or without entries", "[users]") {
  EtcDir etc(kPasswd, kGroup);
  ResolvedUser known = resolve_user("1000:29", {}, etc.path());
  CHECK(known.uid == 1000);
  CHECK(known.gid == 29);
  ResolvedUser unknown = resolve_user("5000:6000", {}, etc.path());
  CHECK(unknown.uid == 5000);
  CHECK(unknown.gid == 6000);
  CHECK(unknown.groups.empty());
}

TEST_CASE("group_add accepts names and numbers and adds each group once", "[users]") {
  EtcDir etc(kPasswd, kGroup);
  ResolvedUser u = resolve_user("tester", {"video", "29", "777", "video"}, etc.path());
  CHECK(u.groups == gids({29, 50, 44, 777}));
}

TEST_CASE("the first passwd entry of a name wins", "[users]") {
  EtcDir etc(kPasswd, kGroup);
  CHECK(resolve_user("tester", {}, etc.path()).uid == 1000);
}

TEST_CASE("unknown names fail with Docker's wording", "[users]") {
  EtcDir etc(kPasswd, kGroup);
  CHECK_THROWS_WITH(resolve_user("tester2", {}, etc.path()),
                    "unable to find user tester2: no matching entries in passwd file");
  CHECK_THROWS_WITH(resolve_user("tester:x", {}, etc.path()),
                    "unable to find group x: no matching entries in group file");
  CHECK_THROWS_WITH(resolve_user("tester", {"wheel"}, etc.path()),
                    "unable to find group wheel: no matching entries in group file");
}

TEST_CASE("a user name without a passwd file fails like an unknown name", "[users]") {
  EtcDir etc("", kGroup);
  CHECK_THROWS_WITH(resolve_user("tester", {}, etc.path()),
                    "unable to find user tester: no matching entries in passwd file");
}

TEST_CASE("ids out of range fail with Docker's wording", "[users]") {
  EtcDir etc(kPasswd, kGroup);
  CHECK_THROWS_WITH(resolve_user("-1", {}, etc.path()), "uids and gids must be in range 0-2147483647");
  CHECK_THROWS_WITH(resolve_user("2147483648", {}, etc.path()), "uids and gids must be in range 0-2147483647");
  CHECK_THROWS_WITH(resolve_user("0:4294967296", {}, etc.path()), "uids and gids must be in range 0-2147483647");
}

TEST_CASE("passwd parsing skips comments, blank and malformed lines", "[users]") {
  auto entries = parse_passwd(kPasswd);
  REQUIRE(entries.size() == 4);
  CHECK(entries[0].name == "root");
  CHECK(entries[1].home == "/home/tester");
  CHECK(entries[2].name == "nobody");
  CHECK(entries[2].uid == 65534);
}

TEST_CASE("group parsing reads member lists and skips comments", "[users]") {
  auto entries = parse_group(kGroup);
  REQUIRE(entries.size() == 6);
  CHECK(entries[1].name == "audio");
  CHECK(entries[1].members == std::vector<std::string>{"tester", "other"});
  CHECK(entries[0].members.empty());
}
