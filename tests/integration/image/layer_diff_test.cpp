#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/unique_fd.hpp"
#include "engine/image/layer_diff.hpp"
#include "image/image_fixture.hpp"

using namespace stack::engine::image;
using stack::testing::TempDir;
namespace fs = std::filesystem;

namespace {

void write_file(const std::string& path, const std::string& content) { std::ofstream(path, std::ios::binary) << content; }

// An overlay upper directory as a RUN leaves it: a new file in a copied-up directory, a
// hard link, a symlink, a deleted file (whiteout) and a directory made opaque.
void make_upper(const std::string& upper) {
  fs::create_directories(upper + "/etc");
  write_file(upper + "/etc/app.conf", "port=80\n");
  ::chmod((upper + "/etc/app.conf").c_str(), 0640);
  ::chown((upper + "/etc/app.conf").c_str(), 33, 33);
  REQUIRE(::link((upper + "/etc/app.conf").c_str(), (upper + "/etc/app.link").c_str()) == 0);
  REQUIRE(::symlink("app.conf", (upper + "/etc/current").c_str()) == 0);
  REQUIRE(::mknod((upper + "/etc/old.conf").c_str(), S_IFCHR | 0, makedev(0, 0)) == 0);
  fs::create_directories(upper + "/var/cache");
  REQUIRE(::lsetxattr((upper + "/var/cache").c_str(), "trusted.overlay.opaque", "y", 1, 0) == 0);
  REQUIRE(::lsetxattr((upper + "/etc/app.conf").c_str(), "user.origin", "build", 5, 0) == 0);
}

}  // namespace

TEST_CASE("a diff directory is written as a tar with OCI whiteouts and hard links", "[image][layer_diff]") {
  TempDir tmp;
  make_upper(tmp / "upper");
  {
    stack::UniqueFd out(::open((tmp / "diff.tar").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    write_diff_tar(tmp / "upper", out.get());
  }
  std::map<std::string, stack::testing::ReadEntry> entries;
  for (const auto& e : stack::testing::read_tar(tmp / "diff.tar")) entries[e.name] = e;
  CHECK(entries.count("etc/"));
  CHECK(entries.at("etc/app.conf").content == "port=80\n");
  CHECK(entries.count("etc/.wh.old.conf"));
  CHECK(entries.count("etc/old.conf") == 0);
  CHECK(entries.at("etc/current").link == "app.conf");
  CHECK(entries.count("var/cache/.wh..wh..opq"));
}

TEST_CASE("a committed diff unpacks into a layer with overlay whiteouts, owners, modes and xattrs", "[image][layer_diff]") {
  TempDir tmp;
  ImageStore store(tmp / "image");
  make_upper(tmp / "upper");
  const std::optional<LayerRecord> layer = commit_diff(store, tmp / "upper");
  REQUIRE(layer);
  CHECK(layer->digest == layer->diff_id);
  CHECK(store.has_blob(layer->diff_id));
  REQUIRE(store.has_layer(layer->diff_id));
  const std::string dir = store.layer_dir(layer->diff_id);

  struct stat st{};
  REQUIRE(::lstat((dir + "/etc/app.conf").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);
  CHECK(st.st_uid == 33);
  CHECK(st.st_nlink == 2);  // the hard link stayed one
  REQUIRE(::lstat((dir + "/etc/old.conf").c_str(), &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  CHECK(st.st_rdev == makedev(0, 0));
  char value[8] = {};
  CHECK(::lgetxattr((dir + "/var/cache").c_str(), "trusted.overlay.opaque", value, sizeof value) == 1);
  CHECK(::lgetxattr((dir + "/etc/app.conf").c_str(), "user.origin", value, sizeof value) == 5);

  // The same changes give the same layer.
  CHECK(commit_diff(store, tmp / "upper")->diff_id == layer->diff_id);
}

TEST_CASE("an empty diff directory commits no layer", "[image][layer_diff]") {
  TempDir tmp;
  ImageStore store(tmp / "image");
  fs::create_directories(tmp / "upper");
  CHECK_FALSE(commit_diff(store, tmp / "upper"));
}
