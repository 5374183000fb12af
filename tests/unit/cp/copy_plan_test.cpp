// docker cp's path semantics (engine/cp): the arguments, the symlink resolution of a
// view, the plan from what both sides are, and the copy it leads to, against temporary
// directories standing for a container's root, a volume and the host.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.hpp"
#include "engine/cp/copy_plan.hpp"
#include "engine/cp/fs_view.hpp"
#include "engine/cp/inspect.hpp"
#include "engine/cp/tar_pipe.hpp"
#include "unit/image/scratch.hpp"

namespace cp = stack::engine::cp;
namespace fs = std::filesystem;
using stack::testing::TempDir;

namespace {

stack::UniqueFd open_dir(const std::string& path) { return stack::UniqueFd(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)); }

cp::FsView view_of(const TempDir& root) {
  cp::FsView view;
  view.root = open_dir(root.path().string());
  return view;
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

cp::SourceInfo source(const cp::FsView& view, const std::string& path, bool follow = false) {
  std::optional<cp::SourceInfo> info = cp::find_source(view, path, follow, path);
  REQUIRE(info);
  return *info;
}

cp::CopyPlan plan(const cp::FsView& view, const std::string& from, const std::string& to) {
  return cp::plan_copy(source(view, from), cp::inspect_destination(view, to, to));
}

// Copies `from` to `to`, both in `view`, as cp does (plan, then the tar stream).
void copy(const cp::FsView& view, const std::string& from, const std::string& to) {
  const cp::SourceInfo src = source(view, from);
  cp::check_source(src);
  const cp::DestInfo dst = cp::inspect_destination(view, to, to);
  const cp::CopyPlan p = cp::plan_copy(src, dst);
  const stack::UniqueFd dir = cp::open_directory(view, cp::extract_components(dst, p), true, to);
  cp::pipe_copy([&](stack::engine::image::TarWriter& tar) { cp::write_source_tar(view, src.components, p.entry_name, tar); },
                dir.get(), {std::make_pair(::geteuid(), ::getegid()), true});
}

}  // namespace

TEST_CASE("cp arguments name the container side as docker's splitCpArg does", "[cp]") {
  CHECK(cp::split_copy_argument("web:/etc/hosts").container == "web");
  CHECK(cp::split_copy_argument("web:/etc/hosts").path == "/etc/hosts");
  CHECK(cp::split_copy_argument("/tmp/a:b").container.empty());
  CHECK(cp::split_copy_argument("./a:b").container.empty());
  CHECK(cp::split_copy_argument("file").path == "file");
  CHECK(cp::copy_direction({"web", "/x"}, {"", "/y"}) == cp::Direction::FromContainer);
  CHECK(cp::copy_direction({"", "-"}, {"web", "/y"}) == cp::Direction::ToContainer);
  CHECK_THROWS_WITH(cp::copy_direction({"a", "/x"}, {"b", "/y"}), "copying between containers is not supported");
  CHECK_THROWS_WITH(cp::copy_direction({"", "/x"}, {"", "/y"}), "must specify at least one container source");
}

TEST_CASE("cp names the copied entry for the source's last component, or its content for /.", "[cp]") {
  CHECK(cp::source_entry_name("/a/b") == "b");
  CHECK(cp::source_entry_name("/a/b/") == "b");
  CHECK(cp::source_entry_name("/a/b/.") == ".");
  CHECK(cp::source_entry_name("/a/b/c/..") == "b");
  CHECK(cp::source_entry_name("/") == ".");
  CHECK(cp::container_path("etc/x") == "/etc/x");
  CHECK(cp::host_path("/x/") == "/x/");
  CHECK(cp::host_path("x/.") == fs::current_path().string() + "/x/.");
}

TEST_CASE("cp resolves symlinks inside the view's root, never above it", "[cp]") {
  TempDir root;
  root.write("target/file", "data");
  fs::create_symlink("/target", root / "abs");
  fs::create_symlink("../../../target", root / "climb");
  fs::create_symlink("loop", root / "loop");
  const cp::FsView view = view_of(root);
  CHECK(cp::resolve_components(view, "/abs/file", false) == std::vector<std::string>{"target", "file"});
  CHECK(cp::resolve_components(view, "/climb/file", false) == std::vector<std::string>{"target", "file"});
  CHECK(cp::resolve_components(view, "/../../abs", true) == std::vector<std::string>{"target"});
  CHECK(cp::resolve_components(view, "/abs", false) == std::vector<std::string>{"abs"});
  CHECK(cp::resolve_components(view, "/missing/x", true) == std::vector<std::string>{"missing", "x"});
  CHECK_THROWS_AS(cp::resolve_components(view, "/loop", true), stack::Error);
}

TEST_CASE("cp sends a path under a stopped container's mount to the mount's source", "[cp]") {
  TempDir root, volume;
  volume.write("inside", "volume data");
  root.write("data/inside", "hidden by the mount");
  fs::create_symlink("/data", root / "link");
  cp::FsView view = view_of(root);
  view.mounts.push_back(cp::MountPoint{{"data"}, open_dir(volume.path().string()), "", true});
  const cp::SourceInfo src = source(view, "/link/inside");
  CHECK(src.components == std::vector<std::string>{"data", "inside"});
  const cp::Location where = cp::locate(view, src.components);
  CHECK(where.dir_fd == view.mounts[0].dir.get());
  CHECK(where.rel == "inside");
  CHECK_THROWS_WITH(cp::open_directory(view, {"data"}, true, "c:/data"), "mounted volume is marked read-only");
}

TEST_CASE("cp plans where a copy lands from what source and destination are", "[cp]") {
  TempDir root;
  root.write("file", "f");
  root.write("dir/a", "a");
  root.write("existing/keep", "k");
  const cp::FsView view = view_of(root);

  SECTION("a file to a missing path becomes that path") {
    const cp::CopyPlan p = plan(view, "/file", "/new");
    CHECK_FALSE(p.into_destination);
    CHECK(p.entry_name == "new");
  }
  SECTION("a file into an existing directory keeps its name") {
    const cp::CopyPlan p = plan(view, "/file", "/existing");
    CHECK(p.into_destination);
    CHECK(p.entry_name == "file");
  }
  SECTION("a file over an existing file takes the file's name") {
    root.write("other", "o");
    const cp::CopyPlan p = plan(view, "/file", "/other");
    CHECK_FALSE(p.into_destination);
    CHECK(p.entry_name == "other");
  }
  SECTION("a directory to a missing path is made as that path") {
    const cp::CopyPlan p = plan(view, "/dir", "/made");
    CHECK_FALSE(p.into_destination);
    CHECK(p.entry_name == "made");
  }
  SECTION("a directory into an existing one goes in whole, or its content with /.") {
    CHECK(plan(view, "/dir", "/existing").entry_name == "dir");
    CHECK(plan(view, "/dir/.", "/existing").entry_name == ".");
  }
  SECTION("impossible copies are errors that say why") {
    CHECK_THROWS_WITH(plan(view, "/dir", "/file"), Catch::Contains("cannot overwrite non-directory"));
    CHECK_THROWS_WITH(plan(view, "/file", "/missing/"), Catch::Contains("no such directory"));
    CHECK_THROWS_WITH(plan(view, "/file", "/nowhere/x"), Catch::Contains("the parent of \"/nowhere/x\""));
    CHECK_THROWS_WITH(plan(view, "/file", "/file/"), Catch::Contains("is not a directory"));
    CHECK_THROWS_WITH(cp::check_source(source(view, "/file/")), Catch::Contains("is not a directory"));
    CHECK_FALSE(cp::find_source(view, "/absent", false, "/absent"));
    CHECK_THROWS_WITH(cp::require_directory(cp::inspect_destination(view, "/file", "c:/file")),
                      "destination \"c:/file\" must be a directory");
  }
}

TEST_CASE("cp -L copies what a source symlink points to, under the link's name", "[cp]") {
  TempDir root;
  root.write("real/a", "a");
  fs::create_symlink("real", root / "link");
  const cp::FsView view = view_of(root);
  CHECK_FALSE(source(view, "/link").is_dir);
  CHECK(source(view, "/link", true).is_dir);
  CHECK(cp::source_entry_name("/link") == "link");
}

TEST_CASE("cp copies by the plan: files, directories, content and overwrites", "[cp]") {
  TempDir root;
  root.write("file", "file data");
  root.write("dir/sub/a", "a data");
  fs::create_symlink("sub/a", root / "dir/link");
  root.write("into/old", "old");
  const cp::FsView view = view_of(root);

  copy(view, "/file", "/copy");
  CHECK(read(root / "copy") == "file data");
  copy(view, "/file", "/into");
  CHECK(read(root / "into/file") == "file data");
  copy(view, "/dir", "/newdir");
  CHECK(read(root / "newdir/sub/a") == "a data");
  CHECK(fs::read_symlink(root / "newdir/link") == "sub/a");
  copy(view, "/dir", "/into");
  CHECK(read(root / "into/dir/sub/a") == "a data");
  copy(view, "/dir/.", "/into");
  CHECK(read(root / "into/sub/a") == "a data");
  CHECK(read(root / "into/old") == "old");
  root.write("copy", "replaced later");
  copy(view, "/file", "/copy");
  CHECK(read(root / "copy") == "file data");
  // A directory never replaces a file inside the destination, nor the reverse.
  root.write("clash/dir", "a file where the copy has a directory");
  CHECK_THROWS_WITH(copy(view, "/dir", "/clash"), Catch::Contains("cannot overwrite non-directory"));
}

TEST_CASE("cp reports the source's failure, not the extraction's view of a cut stream", "[cp]") {
  TempDir dest;
  const stack::UniqueFd dir = open_dir(dest.path().string());
  const auto fail_first = [](stack::engine::image::TarWriter&) { throw stack::Error("read the source: boom"); };
  CHECK_THROWS_WITH(cp::pipe_copy(fail_first, dir.get(), {}), "read the source: boom");
  const auto fail_midway = [](stack::engine::image::TarWriter& tar) {
    tar.add_file("first", "data");
    throw stack::Error("read the source: boom");
  };
  CHECK_THROWS_WITH(cp::pipe_copy(fail_midway, dir.get(), {}), "read the source: boom");
}

TEST_CASE("cp counts the stream's bytes as docker's summary shows them", "[cp]") {
  TempDir dest;
  const stack::UniqueFd dir = open_dir(dest.path().string());
  const auto one_file = [](stack::engine::image::TarWriter& tar) { tar.add_file("f", "hello\n"); };
  // header, one data block, two end blocks: docker's "2.05kB" for a small file
  CHECK(cp::pipe_copy(one_file, dir.get(), {}) == 2048);
  CHECK(read(dest / "f") == "hello\n");
}
