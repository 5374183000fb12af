#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "engine/runtime/paths_in_root.hpp"

using namespace stack::engine::runtime;
using stack::UniqueFd;
namespace fs = std::filesystem;

namespace {

// A fake rootfs ("root") next to a directory standing for the host ("host").
class Tree {
 public:
  Tree() {
    std::string templ = (fs::temp_directory_path() / "stack-paths-XXXXXX").string();
    REQUIRE(mkdtemp(templ.data()) != nullptr);
    base_ = templ;
    fs::create_directories(root() + "/etc");
    fs::create_directories(host());
    fd_ = UniqueFd(open(root().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    REQUIRE(fd_);
  }
  ~Tree() { fs::remove_all(base_); }
  std::string root() const { return base_ + "/root"; }
  std::string host() const { return base_ + "/host"; }
  int fd() const { return fd_.get(); }

 private:
  std::string base_;
  UniqueFd fd_;
};

}  // namespace

TEST_CASE("make_dir_in_root creates every missing directory", "[rootfs]") {
  Tree t;
  UniqueFd fd = make_dir_in_root(t.fd(), "/var/lib/./data/");
  CHECK(fd);
  CHECK(fs::is_directory(t.root() + "/var/lib/data"));
}

TEST_CASE("dot-dot in a destination cannot climb above the rootfs", "[rootfs]") {
  Tree t;
  make_dir_in_root(t.fd(), "/../../host/x");
  CHECK(fs::is_directory(t.root() + "/host/x"));
  CHECK(fs::is_empty(t.host()));
}

TEST_CASE("an absolute symlink in the image is followed inside the rootfs", "[rootfs]") {
  Tree t;
  fs::create_symlink("/etc", t.root() + "/config");
  make_dir_in_root(t.fd(), "/config/app");
  CHECK(fs::is_directory(t.root() + "/etc/app"));
}

TEST_CASE("a symlink escaping the rootfs creates its target inside the rootfs", "[rootfs]") {
  Tree t;
  fs::create_symlink("../../../../../../.." + t.host(), t.root() + "/escape");
  make_dir_in_root(t.fd(), "/escape/inner");
  CHECK(fs::is_empty(t.host()));
  CHECK(fs::is_directory(t.root() + t.host() + "/inner"));
}

TEST_CASE("make_file_in_root creates an empty file and keeps an existing one", "[rootfs]") {
  Tree t;
  make_file_in_root(t.fd(), "/etc/hosts");
  CHECK(fs::is_regular_file(t.root() + "/etc/hosts"));
  CHECK(fs::file_size(t.root() + "/etc/hosts") == 0);
  std::ofstream(t.root() + "/etc/resolv.conf") << "nameserver 1.1.1.1\n";
  make_file_in_root(t.fd(), "/etc/resolv.conf");
  CHECK(fs::file_size(t.root() + "/etc/resolv.conf") == 19);
}

TEST_CASE("a dangling file symlink gets its target created inside the rootfs", "[rootfs]") {
  Tree t;
  fs::create_symlink(t.host() + "/file", t.root() + "/etc/link");
  make_file_in_root(t.fd(), "/etc/link");
  CHECK(fs::is_empty(t.host()));
  CHECK(fs::is_regular_file(t.root() + t.host() + "/file"));
}

TEST_CASE("a symlink loop is reported with the path", "[rootfs]") {
  Tree t;
  fs::create_symlink("b", t.root() + "/a");
  fs::create_symlink("a", t.root() + "/b");
  CHECK_THROWS_WITH(make_dir_in_root(t.fd(), "/a/x"), "open /a/x: Too many levels of symbolic links");
}

TEST_CASE("open_in_root is empty for a missing path", "[rootfs]") {
  Tree t;
  CHECK_FALSE(open_in_root(t.fd(), "/nothing/here"));
  CHECK(open_in_root(t.fd(), "/etc"));
}

TEST_CASE("make_parent_in_root returns the directory and the last name", "[rootfs]") {
  Tree t;
  ParentDir p = make_parent_in_root(t.fd(), "/dev/snd/controlC0");
  CHECK(p.name == "controlC0");
  CHECK(fs::is_directory(t.root() + "/dev/snd"));
  CHECK_THROWS_WITH(make_parent_in_root(t.fd(), "/"), "invalid path \"/\": it names the root itself");
}
