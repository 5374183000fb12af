// Copy-up through a real overlay of image layers (root: overlayfs and chown).
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "engine/copy_up.hpp"

namespace fs = std::filesystem;

namespace {

struct TempDir {
  TempDir() {
    std::string t = (fs::temp_directory_path() / "stack-copyup-XXXXXX").string();
    path = ::mkdtemp(t.data());
  }
  ~TempDir() { fs::remove_all(path); }
  std::string path;
};

void write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("copy-up gives a volume the merged content of the image's layers, owners kept", "[vol][copyup]") {
  TempDir t;
  const std::string lower = t.path + "/l0", upper = t.path + "/l1", vol = t.path + "/vol";
  write(lower + "/var/lib/db/base", "from the base layer");
  write(lower + "/var/lib/db/deleted", "hidden by a whiteout");
  write(upper + "/var/lib/db/added", "from the top layer");
  REQUIRE(::mknod((upper + "/var/lib/db/deleted").c_str(), S_IFCHR | 0000, makedev(0, 0)) == 0);
  REQUIRE(::chown((upper + "/var/lib/db").c_str(), 999, 998) == 0);  // the top layer's directory is what the image shows
  REQUIRE(::chmod((upper + "/var/lib/db").c_str(), 0700) == 0);
  REQUIRE(::chown((lower + "/var/lib/db/base").c_str(), 999, 998) == 0);
  fs::create_directories(vol);

  REQUIRE(stack::engine::copy_up_from_image({upper, lower}, "/var/lib/db", vol, "copy"));

  CHECK(read(vol + "/base") == "from the base layer");
  CHECK(read(vol + "/added") == "from the top layer");
  CHECK_FALSE(fs::exists(vol + "/deleted"));
  struct stat st {};
  REQUIRE(::stat((vol + "/base").c_str(), &st) == 0);
  CHECK(st.st_uid == 999);
  CHECK(st.st_gid == 998);
  REQUIRE(::stat(vol.c_str(), &st) == 0);  // the volume takes the image directory's owner and mode
  CHECK(st.st_uid == 999);
  CHECK((st.st_mode & 07777) == 0700);
}

TEST_CASE("copy-up resolves the image's symlinks inside the image and copies nothing when there is nothing", "[vol][copyup]") {
  TempDir t;
  const std::string layer = t.path + "/l0", vol = t.path + "/vol";
  write(layer + "/srv/real/index.html", "hi");
  fs::create_directories(layer + "/empty");
  fs::create_directory_symlink("/srv/real", layer + "/www");   // absolute: inside the image
  fs::create_directory_symlink("../../../..", layer + "/up");  // cannot climb out of the image
  fs::create_directories(vol);

  CHECK_FALSE(stack::engine::copy_up_from_image({layer}, "/missing", vol, "copy"));
  CHECK_FALSE(stack::engine::copy_up_from_image({layer}, "/empty", vol, "copy"));
  CHECK_FALSE(stack::engine::copy_up_from_image({layer}, "/srv/real/index.html", vol, "copy"));  // not a directory
  CHECK(fs::is_empty(vol));
  REQUIRE(stack::engine::copy_up_from_image({layer}, "/www", vol, "copy"));
  CHECK(read(vol + "/index.html") == "hi");
  fs::remove(vol + "/index.html");
  REQUIRE(stack::engine::copy_up_from_image({layer}, "/up", vol, "copy"));  // "/up" is the image's own root
  CHECK(fs::exists(vol + "/srv/real/index.html"));
  CHECK_FALSE(fs::exists(vol + "/etc/passwd"));
}
