#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "engine/runtime/overlay.hpp"
#include "engine/runtime/rootfs.hpp"
#include "runtime/mount_namespace_child.hpp"
#include "support/busybox_rootfs.hpp"

using namespace stack::engine::runtime;
using stack::testing::BusyboxRootfs;
using stack::testing::Report;
using stack::testing::run_in_mount_namespace;
namespace fs = std::filesystem;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// `count` layer dirs with long paths, each with its own file "file-<i>" and a
// "shared" file that says which layer it came from.
Root many_layers(const BusyboxRootfs& fixture, int count) {
  Root root;
  for (int i = 0; i < count; ++i) {
    std::string dir = fixture.scratch("layers/a-layer-directory-with-a-long-name-" + std::to_string(i));
    std::ofstream(dir + "/file-" + std::to_string(i)) << i;
    std::ofstream(dir + "/shared") << "layer " << i;
    root.lower_dirs.push_back(dir);
  }
  root.upper_dir = fixture.scratch("upper");
  root.work_dir = fixture.scratch("work");
  return root;
}

// What a mounted overlay shows: how many layer files are visible, which "shared" wins,
// and whether a write works.
void observe(const Root& root, const std::string& target, Report& r) {
  int visible = 0;
  for (size_t i = 0; i < root.lower_dirs.size(); ++i)
    visible += fs::exists(target + "/file-" + std::to_string(i)) ? 1 : 0;
  r["visible"] = std::to_string(visible);
  r["shared"] = read_text(target + "/shared");
  std::ofstream(target + "/new") << "new file";
  r["written"] = read_text(target + "/new");
}

size_t overlay_link_dirs() {
  size_t n = 0;
  for (const auto& entry : fs::directory_iterator(fs::temp_directory_path()))
    n += entry.path().filename().string().rfind("stack-overlay-", 0) == 0 ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("an overlay of 250 layers shows every layer, the topmost first, and writes to the upper dir", "[rootfs]") {
  BusyboxRootfs fixture;
  Root root = many_layers(fixture, 250);
  const std::string target = fixture.scratch("rootfs");
  Report r = run_in_mount_namespace([&](Report& r) {
    mount_rootfs(root, target);
    observe(root, target, r);
  });
  CHECK(r == Report{{"visible", "250"}, {"shared", "layer 0"}, {"written", "new file"}});
  CHECK(read_text(root.upper_dir + "/new") == "new file");
  CHECK(stack::testing::mounts_mentioning(fixture.base()).empty());
}

TEST_CASE("the classic overlay option string reaches 250 long layer paths through short links", "[rootfs]") {
  BusyboxRootfs fixture;
  Root root = many_layers(fixture, 250);
  const std::string target = fixture.scratch("rootfs");
  const size_t link_dirs_before = overlay_link_dirs();
  Report r = run_in_mount_namespace([&](Report& r) {
    mount_overlay_classic(root, target);
    r["cwd"] = fs::current_path().string();
    observe(root, target, r);
  });
  CHECK(r == Report{{"cwd", fs::current_path().string()}, {"visible", "250"}, {"shared", "layer 0"}, {"written", "new file"}});
  CHECK(read_text(root.upper_dir + "/new") == "new file");
  CHECK(overlay_link_dirs() == link_dirs_before);
  CHECK(stack::testing::mounts_mentioning(fixture.base()).empty());
}

TEST_CASE("an overlay of one layer with an upper dir is writable", "[rootfs]") {
  BusyboxRootfs fixture;
  Root root{{fixture.dir()}, fixture.scratch("upper"), fixture.scratch("work"), false};
  const std::string target = fixture.scratch("rootfs");
  Report r = run_in_mount_namespace([&](Report& r) {
    mount_rootfs(root, target);
    r["busybox"] = fs::exists(target + "/bin/busybox") ? "yes" : "no";
    std::ofstream(target + "/etc/motd") << "hello";
  });
  CHECK(r == Report{{"busybox", "yes"}});
  CHECK(read_text(root.upper_dir + "/etc/motd") == "hello");
  CHECK_FALSE(fs::exists(fixture.dir() + "/etc/motd"));
  CHECK(stack::testing::mounts_mentioning(fixture.base()).empty());
}

TEST_CASE("layers without an upper dir make a read-only overlay", "[rootfs]") {
  BusyboxRootfs fixture;
  Root root = many_layers(fixture, 3);
  root.upper_dir.clear();
  root.work_dir.clear();
  const std::string target = fixture.scratch("rootfs");
  Report r = run_in_mount_namespace([&](Report& r) {
    mount_rootfs(root, target);
    r["shared"] = read_text(target + "/shared");
    std::ofstream out(target + "/new");
    r["writable"] = out ? "yes" : "no";
  });
  CHECK(r == Report{{"shared", "layer 0"}, {"writable", "no"}});
  CHECK(stack::testing::mounts_mentioning(fixture.base()).empty());
}

TEST_CASE("a rootfs without layers is refused", "[rootfs]") {
  CHECK_THROWS_WITH(mount_rootfs(Root{}, "/nonexistent"), "mount overlay on /nonexistent: the image has no layers");
}
